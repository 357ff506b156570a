"""HTML pages for people: resources, the index, the ontology, stored queries, the query form.

Pages are Jinja2 templates with autoescaping; they need no JavaScript and load nothing from
other hosts (the only styles are inline). Labels follow Accept-Language: the first language
asked for that has a label (the local name, where the data has one), else English, German.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from twingraph.formats import GRAPH_FORMATS, HTML
from twingraph.iris import DCT_SOURCE, RDF_TYPE, SCHEMA_URL, TW, XSD
from twingraph.web.site import Site, wikidata_page
from twingraph.web.urls import Urls

if TYPE_CHECKING:
    import jinja2

ALTERNATES = tuple((fmt.name, fmt.media_type, fmt.label) for fmt in GRAPH_FORMATS)
EXTENSIONS = {fmt.name: fmt.suffix for fmt in (*GRAPH_FORMATS, HTML)}
# The embedded JSON-LD's context, inline: schema.org's vocabulary, and the properties that hold IRIs.
SCHEMA_CONTEXT = {
    "@vocab": "https://schema.org/",
    **{name: {"@type": "@id"} for name in ("license", "sameAs", "url", "contentUrl", "isBasedOn")},
}
# schema.org types for the embedded JSON-LD, by our class.
SCHEMA_TYPES = {TW + "Municipality": "City", TW + "CityDistrict": "AdministrativeArea", TW + "Country": "Country",
                TW + "Region": "AdministrativeArea", TW + "Organization": "Organization", TW + "Event": "Event",
                TW + "Source": "CreativeWork", TW + "GeographicFeature": "Place"}  # fmt: skip


@cache
def environment(language: str = "en") -> jinja2.Environment:
    """The template environment of one language (autoescaped), its words from that language's
    catalogue (web/i18n.py)."""
    import jinja2

    from twingraph.web.i18n import translations

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("twingraph.web", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.policies["ext.i18n.trimmed"] = True  # a sentence is one message, however its lines break
    env.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    return env


def render(template: str, *, lang: str = "en", **context: Any) -> bytes:
    """A template rendered to UTF-8 bytes, its own words in `lang` (one of i18n.languages())."""
    return environment(lang).get_template(template).render(lang=lang, **context).encode("utf-8")


@dataclass
class Link:
    """A value shown on a page: text, and where it leads (local page or another site)."""

    text: str
    href: str | None = None
    external: bool = False
    note: str = ""


@dataclass
class Fact:
    """One property of a resource with its values."""

    label: str
    href: str | None
    values: list[Link] = field(default_factory=list)


class Pages:
    """Builds the view of each page from the site's data, in the languages a request wants."""

    def __init__(self, site: Site, urls: Urls) -> None:
        self.site = site
        self.urls = urls
        # Which pictures a page gets: all (serve draws on request); the static site narrows it.
        self.plot: Callable[[str, str | None], str | None] = cache(self._plot)

    def _plot(self, kind: str, iri: str | None) -> str | None:
        """A picture as an inline SVG element, or None where there is nothing to draw (no dates, say)."""
        from twingraph.plots.draw import PlotError, draw, inline_svg, present_year, render

        present = present_year(self.site.settings.publishing.modified)
        try:
            figure = draw(kind, self.site.store, city=iri, present=present)
        except PlotError:
            return None
        return inline_svg(render(figure, "svg", salt=f"twingraph-{kind}"))

    def href(self, iri: str) -> tuple[str | None, bool]:
        """Where a link to an IRI goes: a local path, or (external=True) the IRI's own web page."""
        local = self.site.path_for(iri)
        if local is not None:
            return self.urls.resource(local), False
        wikidata = wikidata_page(iri)
        if wikidata:
            return wikidata, True
        if iri.startswith(("http://", "https://")):
            return iri, True
        return None, False

    def link(self, term: Any, wanted: list[str]) -> Link:
        """A term as a link (IRIs) or text (literals, with language or datatype as a note)."""
        kind = type(term).__name__
        if kind == "NamedNode":
            href, external = self.href(term.value)
            text = self.site.label(term.value, wanted) if not external or term.value in self.site.labels else term.value
            if wikidata_page(term.value):
                text = "Wikidata " + term.value.rsplit("/", 1)[-1]
            return Link(text, href, external)
        if kind == "Literal":
            datatype = term.datatype.value
            note = term.language or (
                datatype.removeprefix(XSD) if datatype.startswith(XSD) and datatype != XSD + "string" else ""
            )
            return Link(term.value, note=note)
        return Link(f"_:{term.value}")

    def resource(self, iri: str, wanted: list[str]) -> dict[str, Any]:
        """The template context of a resource page."""
        triples = self.site.describe(iri)
        outgoing: dict[str, list[Any]] = defaultdict(list)
        incoming: dict[str, list[Any]] = defaultdict(list)
        for triple in triples:
            if getattr(triple.subject, "value", None) == iri:
                outgoing[triple.predicate.value].append(triple.object)
            if getattr(triple.object, "value", None) == iri and type(triple.object).__name__ == "NamedNode":
                incoming[triple.predicate.value].append(triple.subject)
        type_terms = outgoing.pop(RDF_TYPE, [])
        types = [self.link(t, wanted) for t in type_terms]
        sources = [self._source(s.value, wanted) for s in outgoing.pop(DCT_SOURCE, []) if hasattr(s, "value")]
        facts = [
            self._fact(p, values, wanted) for p, values in sorted(outgoing.items(), key=lambda kv: self._order(kv[0]))
        ]
        referenced = [self._fact(p, values, wanted) for p, values in sorted(incoming.items())]
        wikidata = [v for v in outgoing.get(TW + "wikidataEntity", []) if wikidata_page(v.value)]
        title = self.site.label(iri, wanted)
        path = self.site.path_for(iri) or ""
        partnerships = self._partnerships(iri, wanted)
        return {
            "title": title,
            "iri": iri,
            "types": types,
            "facts": facts,
            "sources": sources,
            "referenced": referenced,
            "partnerships": partnerships,
            "map_svg": self.plot("map", iri) if partnerships else None,
            "timeline_svg": self.plot("timeline", iri) if partnerships else None,
            "wikidata": [wikidata_page(v.value) for v in wikidata],
            "alternates": [
                (media, self.urls.resource(path, EXTENSIONS[name]), label) for name, media, label in ALTERNATES
            ],
            "schema_jsonld": self._schema_jsonld(iri, title, wikidata, type_terms),
            "description": self._description(iri, title),
            "signposts": self.site.signposts(path) if path.startswith("id/") else [],
        }

    def _order(self, predicate: str) -> tuple[int, str]:
        first = ("http://www.w3.org/2000/01/rdf-schema#label", "http://www.w3.org/2004/02/skos/core#altLabel")
        return (first.index(predicate) if predicate in first else len(first), predicate)

    def _fact(self, predicate: str, values: list[Any], wanted: list[str]) -> Fact:
        href, _ = self.href(predicate)
        show = self._claim if predicate == TW + "claim" else self.link
        links = sorted((show(v, wanted) for v in values), key=lambda link: (link.note, link.text))
        return Fact(self.site.label(predicate, wanted), href, links)

    def _claim(self, term: Any, wanted: list[str]) -> Link:
        """A claim as what it says: "start date = 1958", with its rank and source as the note."""
        import pyoxigraph

        if type(term).__name__ != "NamedNode":
            return self.link(term, wanted)
        said: dict[str, list[Any]] = defaultdict(list)
        for quad in self.site.store.quads_for_pattern(
            pyoxigraph.NamedNode(term.value), None, None, pyoxigraph.DefaultGraph()
        ):
            said[quad.predicate.value].append(quad.object)
        link = self.link(term, wanted)
        prop, value = said.get(TW + "claimProperty"), said.get(TW + "claimValue")
        if not prop or not value:
            return link
        text = f"{self.site.label(prop[0].value, wanted)} = {self.link(value[0], wanted).text}"
        extras = [self.link(v, wanted).text for key in (TW + "rank", DCT_SOURCE) for v in said.get(key, [])]
        return Link(text, link.href, link.external, note=", ".join(extras))

    def _source(self, iri: str, wanted: list[str]) -> dict[str, Any]:
        import pyoxigraph

        urls = [
            str(getattr(q.object, "value", ""))
            for q in self.site.store.quads_for_pattern(
                pyoxigraph.NamedNode(iri), pyoxigraph.NamedNode(SCHEMA_URL), None, pyoxigraph.DefaultGraph()
            )
        ]
        href, _ = self.href(iri)
        return {"label": self.site.label(iri, wanted), "href": href, "url": urls[0] if urls else None}

    def _partnerships(self, iri: str, wanted: list[str]) -> list[dict[str, Any]]:
        import pyoxigraph

        if iri not in self.site.partners:
            return []
        rows = self.site.select(_PARTNERSHIPS, this=pyoxigraph.NamedNode(iri))
        return [
            {
                "partnership": self.link(row["partnership"], wanted),
                "partner": self.link(row["partner"], wanted),
                "kind": self.link(row["kind"], wanted) if "kind" in row else None,
                "start": row["start"].value if "start" in row else "",
                "end": row["end"].value if "end" in row else "",
            }
            for row in rows
        ]

    def _schema_jsonld(self, iri: str, title: str, wikidata: list[Any], type_terms: list[Any]) -> str:
        """The page's facts in schema.org, for search engines and FAIR assessors. The context is
        written inline (schema.org's vocabulary, and which properties hold IRIs): a parser that
        will not fetch https://schema.org, offline or careful, reads the same facts."""
        kinds = [SCHEMA_TYPES[t.value] for t in type_terms if getattr(t, "value", None) in SCHEMA_TYPES]
        settings = self.site.settings
        document: dict[str, Any] = {
            "@context": SCHEMA_CONTEXT,
            "@type": kinds[0] if kinds else "Thing",
            "@id": iri,
            "name": title,
            "description": self._description(iri, title),
            "license": settings.publishing.licence,
            "isPartOf": {"@type": "Dataset", "@id": self.site.dataset_graph, "name": settings.title},
        }
        if wikidata:
            document["sameAs"] = [v.value for v in wikidata]
        if iri == self.site.dataset_graph:
            del document["isPartOf"]
            document.update(self._dataset_description())
        # "</" inside a script element would end it: JSON allows escaping every "<".
        return json.dumps(document, ensure_ascii=False).replace("<", "\\u003c")

    def _description(self, iri: str, title: str) -> str:
        """A resource's one-sentence description (the dataset's is the project's own)."""
        settings = self.site.settings
        if iri == self.site.dataset_graph:
            return settings.publishing.description_en
        return f"{title}, as {settings.title} describes it: its facts, partnerships and their sources."

    def _dataset_description(self) -> dict[str, Any]:
        """The dataset as schema.org describes datasets, for Google Dataset Search: what it is,
        its licence and creator, its period (open-ended: partnerships go on) and place, its
        downloads, what it is based on, and the catalogue it is in."""
        publishing = self.site.settings.publishing
        rows = self.site.select(_DATASET, dataset=_named(self.site.dataset_graph))
        start = next((r["start"].value for r in rows if "start" in r), None)
        downloads = sorted({(r["url"].value, r["media"].value, r["size"].value) for r in rows if "url" in r})
        based_on = sorted({r["based"].value for r in rows if "based" in r})
        catalogue = next((r["catalogue"].value for r in rows if "catalogue" in r), None)
        described: dict[str, Any] = {
            "@type": "Dataset",
            "description": publishing.description_en,
            "license": publishing.licence,
            "creator": {"@type": "Organization", "name": publishing.publisher_name, "url": publishing.publisher_url},
            "publisher": {"@type": "Organization", "name": publishing.publisher_name, "url": publishing.publisher_url},
            "isAccessibleForFree": True,
            "keywords": list(publishing.keywords_en),
            "distribution": [
                {
                    "@type": "DataDownload",
                    "contentUrl": url,
                    "encodingFormat": media.rsplit("media-types/", 1)[-1],
                    "contentSize": f"{size} B",
                }
                for url, media, size in downloads
            ],
        }
        if based_on:
            described["isBasedOn"] = based_on
        if catalogue:
            described["includedInDataCatalog"] = {"@type": "DataCatalog", "@id": catalogue}
        if start:
            described["temporalCoverage"] = f"{start[:4]}/.."
        if publishing.spatial_label:
            described["spatialCoverage"] = {"@type": "Place", "name": publishing.spatial_label}
        if publishing.modified:
            described["dateModified"] = publishing.modified
        return described

    def results_table(self, document: dict[str, Any], wanted: list[str]) -> dict[str, Any]:
        """A SPARQL JSON answer as a table for people: IRIs as links, literals as their text."""
        import pyoxigraph

        if "boolean" in document:
            return {"variables": ["answer"], "rows": [[Link("yes" if document["boolean"] else "no")]]}
        variables = document["head"]["vars"]
        rows = []
        for binding in document["results"]["bindings"]:
            row: list[Link | None] = []
            for name in variables:
                cell = binding.get(name)
                if cell is None:
                    row.append(None)
                elif cell["type"] == "uri":
                    row.append(self.link(pyoxigraph.NamedNode(cell["value"]), wanted))
                elif cell["type"] == "literal":  # people read the value; the tags are in CSV and JSON
                    row.append(Link(cell["value"]))
                else:
                    row.append(Link(f"_:{cell['value']}"))
            rows.append(row)
        return {"variables": [_heading(name) for name in variables], "rows": rows}

    def index(self, wanted: list[str], *, limit: int = 500) -> dict[str, Any]:
        """The template context of the index: places by number of partnerships, and the partnerships."""
        places = self.site.select(_PLACES)
        partnerships = self.site.select(_PARTNERSHIP_LIST)
        return {
            "title": self.site.settings.title,
            "places": [(self.link(r["place"], wanted), int(r["n"].value)) for r in places[:limit]],
            "place_count": len(places),
            "partnerships": [self.link(r["partnership"], wanted) for r in partnerships[:limit]],
            "partnership_count": len(partnerships),
            "limit": limit,
            "network_svg": self.plot("network", None) if partnerships else None,
        }

    def ontology(self, wanted: list[str]) -> dict[str, Any]:
        """The template context of the ontology page: classes and properties with their comments."""
        rows = self.site.select(_ONTOLOGY_TERMS)
        by_term: dict[str, dict[str, Any]] = {}
        for row in rows:
            term = row["term"].value
            entry = by_term.setdefault(
                term,
                {
                    "name": term[len(TW) :],
                    "iri": term,
                    "kind": row["kind"].value,
                    "comments": {},
                    "domain": None,
                    "range": None,
                },
            )
            if "comment" in row:
                entry["comments"][(row["comment"].language or "").lower()] = row["comment"].value
            for key in ("domain", "range"):
                if key in row:
                    entry[key] = self.link(row[key], wanted)
        from twingraph.labels import pick_label

        terms = sorted(by_term.values(), key=lambda e: e["name"].lower())
        for entry in terms:
            entry["label"] = self.site.label(entry["iri"], wanted)
            entry["comment"] = pick_label(entry["comments"], wanted) or ""
        return {
            "title": self.site.label(TW.rstrip("#"), wanted),
            "classes": [t for t in terms if t["kind"] == "class"],
            "properties": [t for t in terms if t["kind"] == "property"],
            "alternates": [(media, self.urls.ontology(EXTENSIONS[name]), label) for name, media, label in ALTERNATES],
            "signposts": self.site.signposts("ontology"),
        }


def _heading(variable: str) -> str:
    """A result column's variable as a heading for people: partnerName -> Partner name."""
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|[_-]+", " ", variable).strip().lower()
    return words[:1].upper() + words[1:]


def _named(iri: str) -> Any:
    import pyoxigraph

    return pyoxigraph.NamedNode(iri)


_DATASET = """PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT ?dataset ?start ?url ?media ?size ?based ?catalogue WHERE {
  { ?dataset dct:temporal/dcat:startDate ?start }
  UNION { ?dataset dcat:distribution ?d . ?d dcat:downloadURL ?url ; dcat:mediaType ?media ; dcat:byteSize ?size }
  UNION { ?dataset prov:wasDerivedFrom|dct:relation ?based }
  UNION { ?catalogue dcat:dataset ?dataset }
}"""

_PARTNERSHIPS = f"""PREFIX tw: <{TW}>
SELECT ?this ?partnership ?partner ?kind ?start ?end WHERE {{
  ?partnership tw:partner ?this , ?partner . FILTER (?partner != ?this)
  OPTIONAL {{ ?partnership tw:kind ?kind }}
  OPTIONAL {{ ?partnership tw:startDate ?start }}
  OPTIONAL {{ ?partnership tw:endDate ?end }}
}} ORDER BY (!BOUND(?start)) STR(?start) STR(?partner)"""

_PLACES = f"""PREFIX tw: <{TW}>
SELECT ?place (COUNT(DISTINCT ?partnership) AS ?n) WHERE {{
  ?partnership a tw:Partnership ; tw:partner ?place .
}} GROUP BY ?place ORDER BY DESC(?n) STR(?place)"""

_PARTNERSHIP_LIST = f"""PREFIX tw: <{TW}>
SELECT ?partnership WHERE {{ ?partnership a tw:Partnership }} ORDER BY STR(?partnership)"""

_ONTOLOGY_TERMS = f"""PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?term ?kind ?comment ?domain ?range WHERE {{
  {{ ?term a owl:Class . BIND ("class" AS ?kind) }}
  UNION {{
    VALUES ?type {{ owl:ObjectProperty owl:DatatypeProperty owl:AnnotationProperty owl:SymmetricProperty }}
    ?term a ?type . BIND ("property" AS ?kind)
  }}
  FILTER (STRSTARTS(STR(?term), "{TW}"))
  OPTIONAL {{ ?term rdfs:comment ?comment }}
  OPTIONAL {{ ?term rdfs:domain ?domain FILTER isIRI(?domain) }}
  OPTIONAL {{ ?term rdfs:range ?range FILTER isIRI(?range) }}
}}"""


def purpose(name: str, dataset: str) -> str:
    """What a published file is for, on the downloads page."""
    purposes = {
        f"{dataset}.csv": "one row per partnership: opens in a spreadsheet; upload it to a portal by hand",
        f"{dataset}.ttl": "the data as Turtle, for RDF tools and triple stores",
        f"{dataset}.jsonld": "the data as JSON-LD, for web developers",
        f"{dataset}.nt": "the data as N-Triples, one triple a line, for bulk loading",
        f"{dataset}.rdf": "the data as RDF/XML, for older RDF tools",
        "context.jsonld": "the JSON-LD context the JSON-LD file uses",
        "catalog.ttl": "the DCAT-AP catalogue: what a portal's harvester (CKAN, data.europa.eu) reads",
        "catalog.jsonld": "the same catalogue as JSON-LD",
        "catalog-de.ttl": "the DCAT-AP.de catalogue, for GovData",
        "void.ttl": "the VoID description, for linked-data crawlers",
        f"{dataset}.graphml": "the network as GraphML: nodes keyed by Wikidata QID, for networkx, igraph and Gephi",
        f"{dataset}.gexf": "the network as GEXF, with the years as Gephi's timeline",
        f"{dataset}.geojson": "places as points and partnerships as lines, for QGIS and web maps",
        f"{dataset}-edges.csv": "the network's edge list (source,target by QID), for pandas, R and Gephi",
        f"{dataset}-nodes.csv": "the network's node list, with labels, countries and coordinates",
    }
    return purposes.get(name, "")
