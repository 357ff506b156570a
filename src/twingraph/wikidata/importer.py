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
from typing import Any

import pyoxigraph

from twingraph.iris import (
    DCT,
    DCT_SOURCE,
    FALLBACK_LANGUAGES,
    RDF_TYPE,
    RDFS_LABEL,
    SCHEMA,
    SCHEMA_URL,
    SKOS_NOTE,
    TW,
    WD,
    WIKIDATA_LICENCE,
    XSD,
    partnership_iri,
    resource_iri,
    slugify,
)
from twingraph.wikidata.client import Entity, Statement, WikidataClient, WikiDate, qid_of

# The local language of a country, for the third label.
LOCAL_LANGUAGE = {
    "Q183": "de", "Q38": "it", "Q33": "fi", "Q43": "tr", "Q142": "fr", "Q801": "he", "Q34": "sv", "Q159": "ru",
    "Q219": "bg", "Q36": "pl", "Q29": "es", "Q55": "nl", "Q45": "pt", "Q40": "de", "Q39": "de", "Q213": "cs",
    "Q28": "hu", "Q218": "ro", "Q41": "el", "Q212": "uk", "Q30": "en", "Q145": "en", "Q17": "ja", "Q148": "zh",
}  # fmt: skip
_PRECISIONS = {11: "DayPrecision", 10: "MonthPrecision", 9: "YearPrecision", 8: "DecadePrecision"}
_RDF_TYPE, _RDFS_LABEL = pyoxigraph.NamedNode(RDF_TYPE), pyoxigraph.NamedNode(RDFS_LABEL)
_DCT_SOURCE, _DCT_TITLE = pyoxigraph.NamedNode(DCT_SOURCE), pyoxigraph.NamedNode(DCT + "title")
_DCT_LICENSE = pyoxigraph.NamedNode(DCT + "license")


@dataclass(frozen=True)
class Imported:
    """The imported triples (pyoxigraph's), with what was reached."""

    triples: list[pyoxigraph.Triple]
    places: int
    partnerships: int
    deprecated: int = 0  # deprecated statements kept as deprecated claims

    def turtle(self, *, base_iri: str) -> bytes:
        """The triples as deterministic Turtle, with prefixes for the resources under `base_iri`."""
        from twingraph.rdf.export import serialize_triples, sorted_triples

        return serialize_triples(sorted_triples(self.triples), "turtle", base_iri=base_iri)


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
    return Imported(writer.triples, len(place_qids), len(pairs), len(kept))


class _ImportWriter:
    """Our graph, written from Wikidata's entities: countries, places, partnerships, sources.

    Written as pyoxigraph terms, which the Turtle writer takes as they are: rdflib's graph and
    the conversion from it took 7 of the 17 seconds of the world's import.
    """

    def __init__(
        self, entities: dict[str, Entity], slugs: dict[str, str], base_iri: str, languages: tuple[str, ...]
    ) -> None:
        self.entities, self.slugs, self.base_iri = entities, slugs, base_iri
        self.languages = languages  # the labels written (a place also gets its country's own language)
        self.triples: list[pyoxigraph.Triple] = []
        self.item_sources: set[str] = set()
        self.source = _iri(resource_iri("source", "wikidata", base_iri=base_iri))
        self.add(self.source, _RDF_TYPE, _tw("Source"))
        self.add(self.source, _DCT_TITLE, _text("Wikidata"))
        self.add(self.source, _iri(SCHEMA_URL), _iri("https://www.wikidata.org/"))
        self.add(self.source, _DCT_LICENSE, _iri(WIKIDATA_LICENCE))

    def add(self, subject: pyoxigraph.NamedNode, predicate: pyoxigraph.NamedNode, obj: Any) -> None:
        self.triples.append(pyoxigraph.Triple(subject, predicate, obj))

    def iri(self, kind: str, qid: str) -> pyoxigraph.NamedNode:
        return _iri(resource_iri(kind, self.slugs[qid], base_iri=self.base_iri))

    def country(self, qid: str) -> None:
        node = self.iri("country", qid)
        self.add(node, _RDF_TYPE, _tw("Country"))
        self.labels(node, self.entities.get(qid), self.languages)
        self.add(node, _tw("wikidataEntity"), _iri(WD + qid))
        self.add(node, _DCT_SOURCE, self.source)

    def place(self, qid: str) -> None:
        entity, node = self.entities.get(qid), self.iri("city", qid)
        self.add(node, _RDF_TYPE, _tw("Municipality"))
        self.add(node, _tw("wikidataEntity"), _iri(WD + qid))
        self.add(node, _DCT_SOURCE, self.source)
        if entity is None:
            return
        country_qid = entity.countries[0] if entity.countries else None
        local = [LOCAL_LANGUAGE[country_qid]] if country_qid in LOCAL_LANGUAGE else []
        self.labels(node, entity, [*self.languages, *local])
        if country_qid:
            self.add(node, _tw("country"), self.iri("country", country_qid))
        point = re.fullmatch(r"\s*Point\(\s*(-?[\d.]+)\s+(-?[\d.]+)\s*\)\s*", entity.coordinates or "", re.IGNORECASE)
        if point:
            # As the model gives coordinates (schema:latitude/longitude, with their source), which
            # the network files, the map and the shapes read.
            self.add(node, _iri(SCHEMA + "longitude"), _typed(point.group(1), XSD + "decimal"))
            self.add(node, _iri(SCHEMA + "latitude"), _typed(point.group(2), XSD + "decimal"))
            self.add(node, _tw("coordinateSource"), self.source)
        if entity.population is not None and entity.population_date is not None:
            year = entity.population_date.value[:4]
            figure = _iri(resource_iri("figure", f"{self.slugs[qid]}-population-{year}", base_iri=self.base_iri))
            self.add(node, _tw("hasFigure"), figure)
            self.add(figure, _RDF_TYPE, _tw("Figure"))
            self.add(figure, _tw("measure"), _tw("Population"))
            self.add(figure, _iri(SCHEMA + "value"), _typed(str(entity.population), XSD + "integer"))
            self.date(figure, "pointInTime", entity.population_date)
            self.add(figure, _DCT_SOURCE, self.source)

    def partnership(self, a: str, b: str, both: list[Statement]) -> None:
        place_a, place_b = self.iri("city", a), self.iri("city", b)
        node = _iri(partnership_iri(self.slugs[a], self.slugs[b], base_iri=self.base_iri))
        self.add(node, _RDF_TYPE, _tw("Partnership"))
        self.add(node, _tw("partner"), place_a)
        self.add(node, _tw("partner"), place_b)
        self.add(node, _tw("kind"), _tw("TownTwinning"))
        name_a, name_b = entity_name(self.entities.get(a), a), entity_name(self.entities.get(b), b)
        self.add(node, _RDFS_LABEL, _text(f"{name_a} – {name_b}"))
        self.add(place_a, _tw("twinnedWith"), place_b)
        self.add(place_b, _tw("twinnedWith"), place_a)
        for which in ("start", "end"):
            self.dated(node, which, [(s.item, getattr(s, which)) for s in both if getattr(s, which)])
        self.add(node, _DCT_SOURCE, self.source)
        sides = {s.item for s in both}
        for side in sorted(sides):  # the statement is on that item's page, with its qualifiers and references
            self.add(node, _DCT_SOURCE, self.item_source(side))
        if len(sides) == 1:  # one-directional on Wikidata: one partnership, said to be stated by one side
            side = next(iter(sides))
            stated = f"Stated on Wikidata (P190) by {entity_name(self.entities.get(side), side)} only."
            self.add(node, _iri(SKOS_NOTE), _text(stated))
        for url in sorted({r for s in both for r in s.references}):
            if re.match(r"^https?://\S+$", url):
                self.reference(node, url)

    def dated(self, node: pyoxigraph.NamedNode, which: str, stated: list[tuple[str, WikiDate]]) -> None:
        """The partnership's start or end: the finest date stated; where the statements (the two
        directions, say) give different dates, each is kept as a claim sourced to its item."""
        dates = sorted({d for _, d in stated}, key=lambda d: (-d.precision, d.value))
        if not dates:
            return
        self.date(node, which, dates[0])
        if len(dates) == 1:
            return
        tied = dates[1].precision == dates[0].precision
        for number, date in enumerate(dates, start=1):
            slug = node.value.rsplit("/", 1)[-1]
            claim = _iri(f"{resource_iri('claim', slug, base_iri=self.base_iri)}-{which}-{number}")
            self.add(node, _tw("claim"), claim)
            self.add(claim, _RDF_TYPE, _tw("Claim"))
            self.add(claim, _tw("claimProperty"), _tw(f"{which}Date"))
            self.add(claim, _tw("claimValue"), _date_literal(date))
            self.add(claim, _tw("claimPrecision"), _tw(_PRECISIONS[date.precision]))
            self.add(claim, _tw("rank"), _tw("PreferredRank" if number == 1 else "NormalRank"))
            if number == 1:
                reason = "The earlier of equally precise dates; a person should check." if tied else "The finest date."
                self.add(claim, _tw("rankReason"), _text(reason))
            for item in sorted({item for item, d in stated if d == date}):
                self.add(claim, _DCT_SOURCE, self.item_source(item))

    def date(self, node: pyoxigraph.NamedNode, which: str, date: WikiDate) -> None:
        prop = "pointInTime" if which == "pointInTime" else f"{which}Date"
        precision_prop = "pointInTimePrecision" if which == "pointInTime" else f"{which}Precision"
        self.add(node, _tw(prop), _date_literal(date))
        self.add(node, _tw(precision_prop), _tw(_PRECISIONS[date.precision]))

    def item_source(self, qid: str) -> pyoxigraph.NamedNode:
        """An item's page on Wikidata, as the source of what its statements say."""
        source = _iri(resource_iri("source", f"wikidata-{qid.lower()}", base_iri=self.base_iri))
        if qid not in self.item_sources:
            self.item_sources.add(qid)
            self.add(source, _RDF_TYPE, _tw("Source"))
            name = entity_name(self.entities.get(qid), qid)
            self.add(source, _DCT_TITLE, _text(f"{name} ({qid}) on Wikidata"))
            self.add(source, _iri(SCHEMA_URL), _iri(f"https://www.wikidata.org/wiki/{qid}"))
            self.add(source, _iri(DCT + "isPartOf"), self.source)
            self.add(source, _DCT_LICENSE, _iri(WIKIDATA_LICENCE))
        return source

    def deprecated(self, statement: Statement, places: set[str]) -> None:
        """A deprecated P190 statement as a deprecated claim of the place that states it."""
        place, partner = statement.item, statement.partner
        value = self.iri("city", partner) if partner in places else _iri(WD + partner)
        slug = f"{self.slugs[place]}--{partner.lower()}-deprecated"
        claim = _iri(resource_iri("claim", slug, base_iri=self.base_iri))
        self.add(self.iri("city", place), _tw("claim"), claim)
        self.add(claim, _RDF_TYPE, _tw("Claim"))
        self.add(claim, _tw("claimProperty"), _tw("twinnedWith"))
        self.add(claim, _tw("claimValue"), value)
        self.add(claim, _tw("rank"), _tw("DeprecatedRank"))
        self.add(claim, _tw("rankReason"), _text("Deprecated on Wikidata."))
        self.add(claim, _DCT_SOURCE, self.item_source(place))

    def reference(self, node: pyoxigraph.NamedNode, url: str) -> None:
        """A reference URL of a statement, as a source of its own."""
        source = _iri(resource_iri("source", _url_slug(url), base_iri=self.base_iri))
        self.add(node, _DCT_SOURCE, source)
        self.add(source, _RDF_TYPE, _tw("Source"))
        self.add(source, _DCT_TITLE, _text(url.split("/")[2]))
        self.add(source, _iri(SCHEMA_URL), _iri(url))
        self.add(source, _iri(DCT + "isReferencedBy"), self.source)  # cited by Wikidata, whose licence covers the facts

    def labels(self, node: pyoxigraph.NamedNode, entity: Entity | None, languages: Sequence[str]) -> None:
        if entity is None:
            return
        if entity.labels and not any(language in entity.labels for language in languages):
            languages = [min(entity.labels)]  # no name in the languages asked for: one in another
        for language in dict.fromkeys(languages):
            if language in entity.labels:
                self.add(node, _RDFS_LABEL, _text(entity.labels[language], language))


def _iri(value: str) -> pyoxigraph.NamedNode:
    return pyoxigraph.NamedNode(value)


def _tw(local: str) -> pyoxigraph.NamedNode:
    return _iri(TW + local)


def _text(value: str, language: str = "en") -> pyoxigraph.Literal:
    return pyoxigraph.Literal(value, language=language)


def _typed(value: str, datatype: str) -> pyoxigraph.Literal:
    return pyoxigraph.Literal(value, datatype=pyoxigraph.NamedNode(datatype))


def _date_literal(date: WikiDate) -> pyoxigraph.Literal:
    """A date as the literal of its precision: xsd:date, xsd:gYearMonth or xsd:gYear."""
    return _typed(date.value, XSD + {11: "date", 10: "gYearMonth"}.get(date.precision, "gYear"))


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
