"""A city and its partners from Wikidata, as a data file in our ontology.

Places come with labels (English, German and the local language; with `--all`, the languages
asked for), country, coordinates (P625, as schema:latitude/longitude) and population with its
point in time (P1082/P585). Partnerships come from P190 with start and end at their precision
(different dates of the two directions kept as claims), and as sources Wikidata, the page of
each item stating the P190, and the statement's references (P854). A deprecated statement is
a deprecated claim, not a partnership. The result is validated
against our shapes, and every place that does not conform is listed with the reason.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from twingraph.iris import (
    FALLBACK_LANGUAGES,
    SCHEMA,
    SCHEMA_URL,
    TW,
    WD,
    WIKIDATA_LICENCE,
    partnership_iri,
    resource_iri,
    slugify,
)
from twingraph.wikidata.client import Entity, Statement, WikidataClient, WikiDate, qid_of

if TYPE_CHECKING:
    import rdflib

# The local language of a country, for the third label.
LOCAL_LANGUAGE = {
    "Q183": "de", "Q38": "it", "Q33": "fi", "Q43": "tr", "Q142": "fr", "Q801": "he", "Q34": "sv", "Q159": "ru",
    "Q219": "bg", "Q36": "pl", "Q29": "es", "Q55": "nl", "Q45": "pt", "Q40": "de", "Q39": "de", "Q213": "cs",
    "Q28": "hu", "Q218": "ro", "Q41": "el", "Q212": "uk", "Q30": "en", "Q145": "en", "Q17": "ja", "Q148": "zh",
}  # fmt: skip
_PRECISIONS = {11: "DayPrecision", 10: "MonthPrecision", 9: "YearPrecision", 8: "DecadePrecision"}


@dataclass(frozen=True)
class Imported:
    """The imported graph, with what was reached."""

    graph: rdflib.Graph
    places: int
    partnerships: int
    deprecated: int = 0  # deprecated statements kept as deprecated claims


def collect(client: WikidataClient, qid: str, *, depth: int) -> tuple[dict[str, Entity], list[Statement]]:
    """The items reached from `qid` through P190 within `depth` steps, either way, and the
    statements among them: a partner's statement about the city as well as the city's own, so
    that a statement made on both sides is known to be, and one made by the partner alone is
    not missed."""
    places = {qid_of(qid)}
    frontier = {qid_of(qid)}
    found: list[Statement] = []
    fetched: set[str] = set()
    for _ in range(max(1, depth)):
        new = [s for s in client.statements_both_ways(frontier) if s.rank != "DeprecatedRank"]
        fetched |= frontier
        found += new
        frontier = {q for s in new for q in (s.item, s.partner)} - places
        places |= frontier
    entities = client.entities(places)
    countries = {c for e in entities.values() for c in e.countries}
    entities.update({q: e for q, e in client.entities(countries - set(entities)).items()})
    unique = {(s.item, s.partner): s for s in found if (s.item in fetched or s.partner in fetched)}
    return entities, [s for s in unique.values() if s.item in places and s.partner in places]


def import_graph(client: WikidataClient, qid: str, *, depth: int = 1, base_iri: str) -> Imported:
    """Our graph of a city and its partners (and theirs, with depth 2)."""
    entities, statements = collect(client, qid, depth=depth)
    place_qids = {s.item for s in statements} | {s.partner for s in statements} | {qid_of(qid)}
    return _imported(entities, statements, place_qids, base_iri)


def world_languages(asked: Sequence[str]) -> tuple[str, ...]:
    """The label languages of `import --all`: those asked for (default English and German, the
    fallback order), then English and Wikidata's `mul`."""
    return tuple(dict.fromkeys([*(asked or FALLBACK_LANGUAGES), "en", "mul"]))


def import_all(client: WikidataClient, *, base_iri: str, languages: Sequence[str] = ()) -> Imported:
    """Our graph of every P190 statement on the endpoint (the world's network), read in ordered
    pages, with labels in `world_languages(languages)` only."""
    wanted = world_languages(languages)
    every = client.all_statements()
    statements = [s for s in every if s.rank != "DeprecatedRank"]
    place_qids = {s.item for s in statements} | {s.partner for s in statements}
    entities = client.entities(place_qids, wanted)
    countries = {c for e in entities.values() for c in e.countries}
    entities.update(client.entities(countries - set(entities), wanted))
    # An item with no label in those languages still needs a name: its labels in any language,
    # asked for these few items only (one is written, by the least language tag).
    unnamed = sorted(q for q, e in entities.items() if not e.labels)
    for qid, named in client.labels(unnamed).items():
        entities[qid].labels = named.labels
    deprecated = [s for s in every if s.rank == "DeprecatedRank"]
    return _imported(entities, statements, place_qids, base_iri, deprecated=deprecated, languages=wanted)


def _imported(
    entities: dict[str, Entity],
    statements: list[Statement],
    place_qids: set[str],
    base_iri: str,
    *,
    deprecated: list[Statement] | None = None,
    languages: Sequence[str] = ("en", "de"),
) -> Imported:
    """The graph of these places and statements: countries, places, a partnership per pair."""
    country_qids = {c for q in place_qids if q in entities for c in entities[q].countries[:1]}
    writer = _ImportWriter(entities, _slugs(entities, place_qids | country_qids), base_iri, tuple(languages))
    for country in sorted(country_qids):
        writer.country(country)
    for q in sorted(place_qids):
        writer.place(q)
    pairs: dict[tuple[str, str], list[Statement]] = {}
    for s in statements:
        pairs.setdefault(tuple(sorted((s.item, s.partner))), []).append(s)  # type: ignore[arg-type]
    for (a, b), both in sorted(pairs.items()):
        writer.partnership(a, b, both)
    # A deprecated statement is no partnership: it is kept as a deprecated claim of the place
    # that states it, where that place is one of ours (a statement about a non-place is left out).
    kept = [s for s in deprecated or [] if s.item in place_qids]
    for s in sorted(kept, key=lambda s: (s.item, s.partner)):
        writer.deprecated(s, place_qids)
    return Imported(writer.g, len(place_qids), len(pairs), len(kept))


class _ImportWriter:
    """Our graph, written from Wikidata's entities: countries, places, partnerships, sources."""

    def __init__(
        self, entities: dict[str, Entity], slugs: dict[str, str], base_iri: str, languages: tuple[str, ...]
    ) -> None:
        from rdflib import RDF, Graph, Literal, URIRef
        from rdflib.namespace import DCTERMS

        self.entities, self.slugs, self.base_iri = entities, slugs, base_iri
        self.languages = languages  # the labels written (a place also gets its country's own language)
        self.g = Graph()
        self.source = URIRef(resource_iri("source", "wikidata", base_iri=base_iri))
        self.g.add((self.source, RDF.type, _tw("Source")))
        self.g.add((self.source, DCTERMS.title, Literal("Wikidata", lang="en")))
        self.g.add((self.source, URIRef(SCHEMA_URL), URIRef("https://www.wikidata.org/")))
        self.g.add((self.source, DCTERMS.license, URIRef(WIKIDATA_LICENCE)))

    def iri(self, kind: str, qid: str) -> rdflib.URIRef:
        from rdflib import URIRef

        return URIRef(resource_iri(kind, self.slugs[qid], base_iri=self.base_iri))

    def country(self, qid: str) -> None:
        from rdflib import RDF, URIRef
        from rdflib.namespace import DCTERMS

        node = self.iri("country", qid)
        self.g.add((node, RDF.type, _tw("Country")))
        _labels(self.g, node, self.entities.get(qid), self.languages)
        self.g.add((node, _tw("wikidataEntity"), URIRef(WD + qid)))
        self.g.add((node, DCTERMS.source, self.source))

    def place(self, qid: str) -> None:
        from rdflib import RDF, XSD, Literal, URIRef
        from rdflib.namespace import DCTERMS

        g, entity, node = self.g, self.entities.get(qid), self.iri("city", qid)
        g.add((node, RDF.type, _tw("Municipality")))
        g.add((node, _tw("wikidataEntity"), URIRef(WD + qid)))
        g.add((node, DCTERMS.source, self.source))
        if entity is None:
            return
        country_qid = entity.countries[0] if entity.countries else None
        local = [LOCAL_LANGUAGE[country_qid]] if country_qid in LOCAL_LANGUAGE else []
        _labels(g, node, entity, [*self.languages, *local])
        if country_qid:
            g.add((node, _tw("country"), self.iri("country", country_qid)))
        point = re.fullmatch(r"\s*Point\(\s*(-?[\d.]+)\s+(-?[\d.]+)\s*\)\s*", entity.coordinates or "", re.IGNORECASE)
        if point:
            # As the model gives coordinates (schema:latitude/longitude, with their source), which
            # the network files, the map and the shapes read.
            g.add((node, URIRef(SCHEMA + "longitude"), Literal(point.group(1), datatype=XSD.decimal)))
            g.add((node, URIRef(SCHEMA + "latitude"), Literal(point.group(2), datatype=XSD.decimal)))
            g.add((node, _tw("coordinateSource"), self.source))
        if entity.population is not None and entity.population_date is not None:
            year = entity.population_date.value[:4]
            figure = URIRef(resource_iri("figure", f"{self.slugs[qid]}-population-{year}", base_iri=self.base_iri))
            g.add((node, _tw("hasFigure"), figure))
            g.add((figure, RDF.type, _tw("Figure")))
            g.add((figure, _tw("measure"), _tw("Population")))
            g.add((figure, URIRef("https://schema.org/value"), Literal(entity.population, datatype=XSD.integer)))
            _date(g, figure, "pointInTime", entity.population_date)
            g.add((figure, DCTERMS.source, self.source))

    def partnership(self, a: str, b: str, both: list[Statement]) -> None:
        from rdflib import RDF, RDFS, Literal, URIRef
        from rdflib.namespace import DCTERMS

        g, place_a, place_b = self.g, self.iri("city", a), self.iri("city", b)
        node = URIRef(partnership_iri(self.slugs[a], self.slugs[b], base_iri=self.base_iri))
        g.add((node, RDF.type, _tw("Partnership")))
        g.add((node, _tw("partner"), place_a))
        g.add((node, _tw("partner"), place_b))
        g.add((node, _tw("kind"), _tw("TownTwinning")))
        name_a, name_b = entity_name(self.entities.get(a), a), entity_name(self.entities.get(b), b)
        g.add((node, RDFS.label, Literal(f"{name_a} – {name_b}", lang="en")))
        g.add((place_a, _tw("twinnedWith"), place_b))
        g.add((place_b, _tw("twinnedWith"), place_a))
        for which in ("start", "end"):
            self.dated(node, which, [(s.item, getattr(s, which)) for s in both if getattr(s, which)])
        g.add((node, DCTERMS.source, self.source))
        sides = {s.item for s in both}
        for side in sorted(sides):  # the statement is on that item's page, with its qualifiers and references
            g.add((node, DCTERMS.source, self.item_source(side)))
        if len(sides) == 1:  # one-directional on Wikidata: one partnership, said to be stated by one side
            side = next(iter(sides))
            stated = f"Stated on Wikidata (P190) by {entity_name(self.entities.get(side), side)} only."
            g.add((node, URIRef("http://www.w3.org/2004/02/skos/core#note"), Literal(stated, lang="en")))
        for url in sorted({r for s in both for r in s.references}):
            if re.match(r"^https?://\S+$", url):
                self.reference(node, url)

    def dated(self, node: rdflib.URIRef, which: str, stated: list[tuple[str, WikiDate]]) -> None:
        """The partnership's start or end: the finest date stated; where the statements (the two
        directions, say) give different dates, each is kept as a claim sourced to its item."""
        from rdflib import RDF, Literal, URIRef
        from rdflib.namespace import DCTERMS

        dates = sorted({d for _, d in stated}, key=lambda d: (-d.precision, d.value))
        if not dates:
            return
        _date(self.g, node, which, dates[0])
        if len(dates) == 1:
            return
        tied = dates[1].precision == dates[0].precision
        for number, date in enumerate(dates, start=1):
            claim = URIRef(f"{resource_iri('claim', node.rsplit('/', 1)[-1], base_iri=self.base_iri)}-{which}-{number}")
            self.g.add((node, _tw("claim"), claim))
            self.g.add((claim, RDF.type, _tw("Claim")))
            self.g.add((claim, _tw("claimProperty"), _tw(f"{which}Date")))
            _claimed_date(self.g, claim, date)
            self.g.add((claim, _tw("rank"), _tw("PreferredRank" if number == 1 else "NormalRank")))
            if number == 1:
                reason = "The earlier of equally precise dates; a person should check." if tied else "The finest date."
                self.g.add((claim, _tw("rankReason"), Literal(reason, lang="en")))
            for item in sorted({item for item, d in stated if d == date}):
                self.g.add((claim, DCTERMS.source, self.item_source(item)))

    def item_source(self, qid: str) -> rdflib.URIRef:
        """An item's page on Wikidata, as the source of what its statements say."""
        from rdflib import RDF, Literal, URIRef
        from rdflib.namespace import DCTERMS

        source = URIRef(resource_iri("source", f"wikidata-{qid.lower()}", base_iri=self.base_iri))
        if (source, RDF.type, _tw("Source")) not in self.g:
            self.g.add((source, RDF.type, _tw("Source")))
            name = entity_name(self.entities.get(qid), qid)
            self.g.add((source, DCTERMS.title, Literal(f"{name} ({qid}) on Wikidata", lang="en")))
            self.g.add((source, URIRef(SCHEMA_URL), URIRef(f"https://www.wikidata.org/wiki/{qid}")))
            self.g.add((source, DCTERMS.isPartOf, self.source))
            self.g.add((source, DCTERMS.license, URIRef(WIKIDATA_LICENCE)))
        return source

    def deprecated(self, statement: Statement, places: set[str]) -> None:
        """A deprecated P190 statement as a deprecated claim of the place that states it."""
        from rdflib import RDF, Literal, URIRef
        from rdflib.namespace import DCTERMS

        place, partner = statement.item, statement.partner
        value = self.iri("city", partner) if partner in places else URIRef(WD + partner)
        slug = f"{self.slugs[place]}--{partner.lower()}-deprecated"
        claim = URIRef(resource_iri("claim", slug, base_iri=self.base_iri))
        self.g.add((self.iri("city", place), _tw("claim"), claim))
        self.g.add((claim, RDF.type, _tw("Claim")))
        self.g.add((claim, _tw("claimProperty"), _tw("twinnedWith")))
        self.g.add((claim, _tw("claimValue"), value))
        self.g.add((claim, _tw("rank"), _tw("DeprecatedRank")))
        self.g.add((claim, _tw("rankReason"), Literal("Deprecated on Wikidata.", lang="en")))
        self.g.add((claim, DCTERMS.source, self.item_source(place)))

    def reference(self, node: rdflib.URIRef, url: str) -> None:
        """A reference URL of a statement, as a source of its own."""
        from rdflib import RDF, Literal, URIRef
        from rdflib.namespace import DCTERMS

        source = URIRef(resource_iri("source", _url_slug(url), base_iri=self.base_iri))
        self.g.add((node, DCTERMS.source, source))
        self.g.add((source, RDF.type, _tw("Source")))
        self.g.add((source, DCTERMS.title, Literal(url.split("/")[2], lang="en")))
        self.g.add((source, URIRef(SCHEMA_URL), URIRef(url)))
        self.g.add((source, DCTERMS.isReferencedBy, self.source))  # cited by Wikidata, whose licence covers the facts


def _tw(local: str) -> rdflib.URIRef:
    from rdflib import URIRef

    return URIRef(TW + local)


def _labels(g: rdflib.Graph, node: rdflib.URIRef, entity: Entity | None, languages: Sequence[str]) -> None:
    from rdflib import RDFS, Literal

    if entity is None:
        return
    if entity.labels and not any(language in entity.labels for language in languages):
        languages = [min(entity.labels)]  # no name in the languages asked for: one in another
    for language in dict.fromkeys(languages):
        if language in entity.labels:
            g.add((node, RDFS.label, Literal(entity.labels[language], lang=language)))


def _date(g: rdflib.Graph, node: rdflib.URIRef, which: str, date: WikiDate) -> None:
    from rdflib import URIRef

    prop = "pointInTime" if which == "pointInTime" else f"{which}Date"
    precision_prop = "pointInTimePrecision" if which == "pointInTime" else f"{which}Precision"
    g.add((node, URIRef(TW + prop), _literal(date)))
    g.add((node, URIRef(TW + precision_prop), URIRef(TW + _PRECISIONS[date.precision])))


def _claimed_date(g: rdflib.Graph, claim: rdflib.URIRef, date: WikiDate) -> None:
    from rdflib import URIRef

    g.add((claim, URIRef(TW + "claimValue"), _literal(date)))
    g.add((claim, URIRef(TW + "claimPrecision"), URIRef(TW + _PRECISIONS[date.precision])))


def _literal(date: WikiDate) -> rdflib.Literal:
    """A date as the literal of its precision: xsd:date, xsd:gYearMonth or xsd:gYear."""
    from rdflib import XSD, Literal

    return Literal(date.value, datatype={11: XSD.date, 10: XSD.gYearMonth}.get(date.precision, XSD.gYear))


def entity_name(entity: Entity | None, qid: str) -> str:
    """An item's name: English, else German, else any label, else its QID."""
    return entity_name_and_language(entity, qid)[0]


def entity_name_and_language(
    entity: Entity | None, qid: str, languages: Sequence[str] = FALLBACK_LANGUAGES
) -> tuple[str, str | None]:
    """An item's name and its language: in the first of `languages` it has a label in (English,
    else German, by default), else in the least language tag it has; else its QID."""
    if entity is None:
        return qid, None
    for tag in (*languages, *sorted(entity.labels)):
        if tag in entity.labels:
            return entity.labels[tag], tag
    return qid, None


def _slugs(entities: dict[str, Entity], qids: set[str]) -> dict[str, str]:
    """A slug per item from its name; the QID is added where two names would collide."""
    wanted: dict[str, str] = {}
    for q in sorted(qids):
        try:
            name, language = entity_name_and_language(entities.get(q), q)
            wanted[q] = slugify(name, language=language)
        except ValueError:
            wanted[q] = q.lower()
    counts: dict[str, int] = {}
    for slug in wanted.values():
        counts[slug] = counts.get(slug, 0) + 1
    return {q: slug if counts[slug] == 1 else f"{slug}-{q.lower()}" for q, slug in wanted.items()}


def _url_slug(url: str) -> str:
    import hashlib

    host = url.split("/")[2]
    return f"{slugify(host)}-{hashlib.sha256(url.encode()).hexdigest()[:8]}"
