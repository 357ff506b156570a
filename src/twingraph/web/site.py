"""What the server serves: the project, loaded once and validated, with its built files.

Nothing is served that does not conform to the shapes: `load_site` refuses such data, as
`twingraph build` does. The catalogue and VoID description are built in memory, with
download URLs under the server's own `/dist/`, and the catalogue joins the store so that
the dataset and catalogue IRIs dereference too.
"""

from __future__ import annotations

import hashlib
import time
from collections import defaultdict
from dataclasses import dataclass, field
from email.utils import formatdate
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from twingraph.iris import RDFS_LABEL, SKOS_PREF_LABEL, TW, WD

if TYPE_CHECKING:
    import pyoxigraph

    from twingraph.project import Project, Settings
    from twingraph.rdf.load import LoadedGraph
    from twingraph.web.signposting import Signpost

CATALOG_GRAPH = "urn:twingraph:catalog"
ONTOLOGY_IRI = TW.rstrip("#")
DCT_TITLE = "http://purl.org/dc/terms/title"

# Labels for the borrowed vocabulary terms our pages show most, which our ontology does not label.
VOCABULARY_LABELS = {
    RDFS_LABEL: {"en": "name", "de": "Name"},
    "http://www.w3.org/2004/02/skos/core#altLabel": {"en": "also called", "de": "auch genannt"},
    "http://www.w3.org/2004/02/skos/core#note": {"en": "note", "de": "Anmerkung"},
    "http://purl.org/dc/terms/source": {"en": "source", "de": "Quelle"},
    DCT_TITLE: {"en": "title", "de": "Titel"},
    "http://purl.org/dc/terms/isPartOf": {"en": "part of", "de": "Teil von"},
    "http://purl.org/dc/terms/language": {"en": "language", "de": "Sprache"},
    "http://purl.org/dc/terms/publisher": {"en": "publisher", "de": "Herausgeber"},
    "http://purl.org/dc/terms/issued": {"en": "issued", "de": "veröffentlicht"},
    "https://schema.org/url": {"en": "web page", "de": "Webseite"},
    "https://schema.org/value": {"en": "value", "de": "Wert"},
    "https://schema.org/latitude": {"en": "latitude", "de": "Breitengrad"},
    "https://schema.org/longitude": {"en": "longitude", "de": "Längengrad"},
    "https://schema.org/memberOf": {"en": "member of", "de": "Mitglied von"},
    "https://schema.org/containedInPlace": {"en": "part of", "de": "Teil von"},
    # The catalogue's (DCAT-AP) terms, so that its page shows names, not property IRIs.
    "http://purl.org/dc/terms/modified": {"en": "modified", "de": "geändert"},
    "http://purl.org/dc/terms/description": {"en": "description", "de": "Beschreibung"},
    "http://purl.org/dc/terms/identifier": {"en": "identifier", "de": "Kennung"},
    "http://purl.org/dc/terms/spatial": {"en": "spatial coverage", "de": "räumliche Abdeckung"},
    "http://purl.org/dc/terms/temporal": {"en": "temporal coverage", "de": "zeitliche Abdeckung"},
    "http://purl.org/dc/terms/accessRights": {"en": "access rights", "de": "Zugriffsrechte"},
    "http://purl.org/dc/terms/accrualPeriodicity": {"en": "update frequency", "de": "Aktualisierungsfrequenz"},
    "http://purl.org/dc/terms/conformsTo": {"en": "conforms to", "de": "entspricht"},
    "http://purl.org/dc/terms/license": {"en": "licence", "de": "Lizenz"},
    "http://purl.org/dc/terms/format": {"en": "format", "de": "Format"},
    "http://purl.org/dc/terms/rights": {"en": "rights", "de": "Rechte"},
    "http://purl.org/dc/terms/creator": {"en": "creator", "de": "Urheber"},
    "http://purl.org/dc/terms/type": {"en": "type", "de": "Typ"},
    "http://data.europa.eu/r5r/availability": {"en": "availability", "de": "Verfügbarkeit"},
    "http://data.europa.eu/r5r/applicableLegislation": {"en": "applicable legislation", "de": "Rechtsgrundlage"},
    "http://www.w3.org/ns/dcat#contactPoint": {"en": "contact point", "de": "Kontaktstelle"},
    "http://www.w3.org/ns/dcat#dataset": {"en": "dataset", "de": "Datensatz"},
    "http://www.w3.org/ns/dcat#distribution": {"en": "distribution", "de": "Distribution"},
    "http://www.w3.org/ns/dcat#keyword": {"en": "keyword", "de": "Schlagwort"},
    "http://www.w3.org/ns/dcat#landingPage": {"en": "landing page", "de": "Startseite"},
    "http://www.w3.org/ns/dcat#theme": {"en": "theme", "de": "Kategorie"},
    "http://www.w3.org/ns/dcat#themeTaxonomy": {"en": "theme taxonomy", "de": "Kategoriensystem"},
    "http://www.w3.org/ns/dcat#downloadURL": {"en": "download URL", "de": "Download-URL"},
    "http://www.w3.org/ns/dcat#accessURL": {"en": "access URL", "de": "Zugangs-URL"},
    "http://www.w3.org/ns/dcat#mediaType": {"en": "media type", "de": "Medientyp"},
    "http://www.w3.org/ns/dcat#byteSize": {"en": "size in bytes", "de": "Größe in Bytes"},
    "http://www.w3.org/ns/dcat#startDate": {"en": "start", "de": "Beginn"},
    "http://www.w3.org/ns/dcat#endDate": {"en": "end", "de": "Ende"},
    "http://www.w3.org/ns/dcat#centroid": {"en": "centroid", "de": "Mittelpunkt"},
    "http://www.w3.org/ns/dcat#bbox": {"en": "bounding box", "de": "Begrenzungsrahmen"},
    "http://spdx.org/rdf/terms#checksum": {"en": "checksum", "de": "Prüfsumme"},
    "http://www.w3.org/2006/vcard/ns#fn": {"en": "name", "de": "Name"},
    "http://www.w3.org/2006/vcard/ns#hasURL": {"en": "web page", "de": "Webseite"},
    "http://www.w3.org/2006/vcard/ns#hasEmail": {"en": "email", "de": "E-Mail"},
    "http://xmlns.com/foaf/0.1/name": {"en": "name", "de": "Name"},
    "http://xmlns.com/foaf/0.1/homepage": {"en": "home page", "de": "Homepage"},
}


@dataclass
class Site:
    """The served project: its store (data, ontology, catalogue), built files and labels."""

    settings: Settings
    loaded: LoadedGraph
    files: dict[str, bytes]
    ontology_paths: tuple[Path, ...]
    queries_folder: Path
    last_modified: float
    base_url: str  # where the site is served, ending in "/": its links' targets are under it
    labels: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def store(self) -> pyoxigraph.Store:
        """The store behind every page and the endpoint's snapshot."""
        return self.loaded.store

    @property
    def base_iri(self) -> str:
        """The base the data's IRIs are minted under."""
        return self.settings.base_iri

    @property
    def http_date(self) -> str:
        """Last-Modified: when the newest input file changed."""
        return formatdate(self.last_modified, usegmt=True)

    @property
    def dataset_graph(self) -> str:
        """The named graph of the data and the ontology: the dataset's IRI, where `push` puts them."""
        from twingraph.iris import dataset_iri

        return dataset_iri(self.settings.name, base_iri=self.settings.base_iri)

    @cached_property
    def catalogue_graph(self) -> str:
        """The named graph of the DCAT catalogue: the catalogue's IRI."""
        rows = self.select(
            f"SELECT ?c WHERE {{ GRAPH <{CATALOG_GRAPH}> {{ ?c a <http://www.w3.org/ns/dcat#Catalog> }} }} "
            "ORDER BY ?c LIMIT 1"
        )
        return str(rows[0]["c"].value)

    @cached_property
    def partners(self) -> frozenset[str]:
        """Every IRI that is a partner in a partnership: the resources whose pages list partnerships."""
        import pyoxigraph

        partner = pyoxigraph.NamedNode(TW + "partner")
        quads = self.store.quads_for_pattern(None, partner, None, pyoxigraph.DefaultGraph())
        return frozenset(q.object.value for q in quads if isinstance(q.object, pyoxigraph.NamedNode))

    def held_graphs(self) -> list[str]:
        """The named graphs a SPARQL request may name: the dataset's and the catalogue's."""
        return [self.dataset_graph, self.catalogue_graph]

    def data_triples(self) -> list[pyoxigraph.Triple]:
        """The data and the ontology: the store's default graph (the files' merge, less what
        corrections withdraw) without the catalogue, which pages read there too."""
        import pyoxigraph

        catalogue = pyoxigraph.NamedNode(CATALOG_GRAPH)
        files = {f.graph_name for f in self.loaded.files}

        def is_data(quad: pyoxigraph.Quad) -> bool:
            if (
                next(iter(self.store.quads_for_pattern(quad.subject, quad.predicate, quad.object, catalogue)), None)
                is None
            ):
                return True
            held = self.store.quads_for_pattern(quad.subject, quad.predicate, quad.object, None)
            return any(getattr(q.graph_name, "value", "") in files for q in held)

        default = pyoxigraph.DefaultGraph()
        return [q.triple for q in self.store.quads_for_pattern(None, None, None, default) if is_data(q)]

    def snapshot(self) -> bytes:
        """The endpoint's dataset as N-Quads, for the query workers (the README's "Graphs").

        The default graph is the data and the ontology, as locally and in what `push` writes;
        the same triples are the named graph `<dataset IRI>`, and the catalogue is the named
        graph `<catalogue IRI>`.
        """
        import pyoxigraph

        triples = self.data_triples()
        dataset, catalogue = pyoxigraph.NamedNode(self.dataset_graph), pyoxigraph.NamedNode(self.catalogue_graph)
        catalogue_triples = self.store.quads_for_pattern(None, None, None, pyoxigraph.NamedNode(CATALOG_GRAPH))
        quads = [
            *(pyoxigraph.Quad(t.subject, t.predicate, t.object, pyoxigraph.DefaultGraph()) for t in triples),
            *(pyoxigraph.Quad(t.subject, t.predicate, t.object, dataset) for t in triples),
            *(pyoxigraph.Quad(q.subject, q.predicate, q.object, catalogue) for q in catalogue_triples),
        ]
        dump = pyoxigraph.serialize(quads, format=pyoxigraph.RdfFormat.N_QUADS)
        assert dump is not None  # bytes when no output is given
        return dump

    @cached_property
    def label_languages(self) -> frozenset[str]:
        """The languages the data and the vocabulary have names in (lower case)."""
        found = {tag for labels in self.labels.values() for tag in labels}
        return frozenset(found | {tag for labels in VOCABULARY_LABELS.values() for tag in labels})

    def iri_for_path(self, path: str) -> str:
        """The IRI a request path (`id/city/kassel`) stands for."""
        return self.base_iri + path

    def path_for(self, iri: str) -> str | None:
        """The server path (no leading slash) showing an IRI, or None for IRIs served elsewhere."""
        if iri.startswith(TW):
            return "ontology#" + iri[len(TW) :]
        if iri == ONTOLOGY_IRI:
            return "ontology"
        if iri.startswith(self.base_iri + "id/"):
            return iri[len(self.base_iri) :]
        return None

    def signposts(self, path: str) -> list[Signpost]:
        """The signposting links of the resource at `path` (id/city/kassel, or ontology)."""
        from twingraph.web.signposting import signposts

        iri = ONTOLOGY_IRI if path == "ontology" else self.iri_for_path(path)
        return signposts(
            path,
            site_url=self.base_url,
            iri=iri,
            licence=self.settings.publishing.licence,
            dataset_name=self.settings.name,
        )

    def exists(self, iri: str) -> bool:
        """Whether the data describes this IRI (it is the subject of a triple)."""
        import pyoxigraph

        try:
            node = pyoxigraph.NamedNode(iri)
        except ValueError:  # a request path that makes no valid IRI (a space, <, {, …) names nothing here
            return False
        return any(True for _ in self.store.quads_for_pattern(node, None, None, pyoxigraph.DefaultGraph()))

    def describe(self, iri: str) -> list[pyoxigraph.Triple]:
        """The triples about an IRI and those pointing at it, and the triples about the resources
        named under it that it points to (the dataset's distributions with their sizes, media types
        and checksums, its period, its build), once each, sorted."""
        import pyoxigraph

        from twingraph.rdf.export import sorted_triples

        node = pyoxigraph.NamedNode(iri)
        quads = list(self.store.quads_for_pattern(None, None, node, pyoxigraph.DefaultGraph()))
        parts, seen = [node], {iri}
        while parts:
            about = list(self.store.quads_for_pattern(parts.pop(), None, None, pyoxigraph.DefaultGraph()))
            quads += about
            for quad in about:
                value = getattr(quad.object, "value", "")
                if isinstance(quad.object, pyoxigraph.NamedNode) and value.startswith(iri + "/") and value not in seen:
                    seen.add(value)
                    parts.append(quad.object)
        return sorted_triples({q.triple for q in quads})

    def ontology_triples(self) -> list[pyoxigraph.Triple]:
        """The ontology, as its own document."""
        from twingraph.rdf.export import sorted_triples

        graphs = self.loaded.graph_names(self.ontology_paths)
        return sorted_triples({q.triple for g in graphs for q in self.store.quads_for_pattern(None, None, None, g)})

    def label(self, iri: str, wanted: list[str]) -> str:
        """A label for an IRI in the wanted language, else English, German, any; else a short form."""
        from twingraph.iris import compact, id_prefixes
        from twingraph.labels import pick_label

        found = pick_label(self.labels.get(iri) or VOCABULARY_LABELS.get(iri, {}), wanted)
        return found if found else compact(iri, id_prefixes(self.base_iri)).strip("<>")

    def select(self, query: str, **values: Any) -> list[dict[str, Any]]:
        """Rows of a fixed SELECT query over everything served; `values` substitute projected variables."""
        from twingraph.rdf.terms import select_rows

        return select_rows(self.store, query, **values)


def etag(body: bytes) -> str:
    """A strong validator for a response body."""
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def load_site(project: Project, *, base_url: str, max_bytes: int) -> Site:
    """Load, validate and publish a project in memory, ready to serve at `base_url`."""
    import pyoxigraph

    from twingraph.publish.build import publication, settings_for_base_url
    from twingraph.shacl.validate import load_conforming
    from twingraph.web.urls import Urls

    loaded = load_conforming(project, max_bytes=max_bytes)  # raises DataDoesNotConform
    ontology_paths, data_paths = project.graph_inputs()
    urls = Urls(base_url)
    settings = settings_for_base_url(project.settings, urls.absolute(urls.downloads()))
    contents = publication(settings, loaded, data_paths)
    # The catalogue is a graph of its own for /sparql, and part of what pages describe.
    for graph in (pyoxigraph.NamedNode(CATALOG_GRAPH), pyoxigraph.DefaultGraph()):
        loaded.store.load(contents["catalog.ttl"][0], format=pyoxigraph.RdfFormat.TURTLE, to_graph=graph)
    newest = max((p.stat().st_mtime for p in loaded.paths), default=time.time())
    site = Site(
        settings=project.settings,
        loaded=loaded,
        files={name: body for name, (body, _) in contents.items()},
        ontology_paths=tuple(ontology_paths),
        queries_folder=project.folder("queries"),
        last_modified=newest,
        base_url=base_url,
    )
    site.labels = _labels(loaded.store)
    return site


def _labels(store: pyoxigraph.Store) -> dict[str, dict[str, str]]:
    """Every IRI's labels by lowercase language tag: rdfs:label, then skos:prefLabel, then dct:title."""
    labels: dict[str, dict[str, str]] = defaultdict(dict)
    query = f"""SELECT ?s ?label WHERE {{
      VALUES (?p ?rank) {{ (<{RDFS_LABEL}> 1) (<{SKOS_PREF_LABEL}> 2) (<{DCT_TITLE}> 3) }}
      ?s ?p ?label FILTER (isIRI(?s) && isLITERAL(?label))
    }} ORDER BY ?rank"""
    for row in store.query(query):  # type: ignore[union-attr]
        language = (row["label"].language or "").lower()
        labels[row["s"].value].setdefault(language, row["label"].value)
    return dict(labels)


def wikidata_page(iri: str) -> str | None:
    """The human page of a Wikidata entity IRI."""
    if iri.startswith(WD):
        return "https://www.wikidata.org/wiki/" + iri[len(WD) :]
    return None
