"""A city and its partners from Wikidata, as a data file in our ontology.

Places come with labels (English, German and the local language), country, coordinates
(P625, as W3C Basic Geo lat/long) and population with its point in time (P1082/P585).
Partnerships come from P190 with start and end at their precision, and Wikidata's
references (P854) as sources beside a source for Wikidata itself. The result is validated
against our shapes, and every place that does not conform is listed with the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from twingraph.iris import TW, WD, partnership_iri, resource_iri, slugify
from twingraph.wikidata.client import Entity, Statement, WikidataClient, WikiDate, qid_of

if TYPE_CHECKING:
    import rdflib

GEO = "http://www.w3.org/2003/01/geo/wgs84_pos#"
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


def collect(client: WikidataClient, qid: str, *, depth: int) -> tuple[dict[str, Entity], list[Statement]]:
    """The items reached from `qid` through P190 within `depth` steps, and the statements among them."""
    places = {qid_of(qid)}
    frontier = {qid_of(qid)}
    statements: list[Statement] = []
    fetched: set[str] = set()
    for _ in range(max(1, depth)):
        found = [s for s in client.statements(frontier) if s.rank != "DeprecatedRank"]
        fetched |= frontier
        statements += found
        frontier = {s.partner for s in found} - places
        places |= frontier
    entities = client.entities(places)
    countries = {c for e in entities.values() for c in e.countries}
    entities.update({q: e for q, e in client.entities(countries - set(entities)).items()})
    return entities, [s for s in statements if s.item in fetched and s.partner in places]


def import_graph(client: WikidataClient, qid: str, *, depth: int = 1, base_iri: str) -> Imported:
    """Our graph of a city and its partners (and theirs, with depth 2)."""
    from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef
    from rdflib.namespace import DCTERMS

    entities, statements = collect(client, qid, depth=depth)
    g = Graph()

    def tw(local: str) -> URIRef:
        return URIRef(TW + local)

    schema_url = URIRef("https://schema.org/url")
    wikidata_source = URIRef(resource_iri("source", "wikidata", base_iri=base_iri))
    g.add((wikidata_source, RDF.type, tw("Source")))
    g.add((wikidata_source, DCTERMS.title, Literal("Wikidata", lang="en")))
    g.add((wikidata_source, schema_url, URIRef("https://www.wikidata.org/")))

    place_qids = {s.item for s in statements} | {s.partner for s in statements} | {qid_of(qid)}
    country_qids = {c for q in place_qids if q in entities for c in entities[q].countries[:1]}
    slugs = _slugs(entities, place_qids | country_qids)

    for country in sorted(country_qids):
        node = URIRef(resource_iri("country", slugs[country], base_iri=base_iri))
        g.add((node, RDF.type, tw("Country")))
        _labels(g, node, entities.get(country), None)
        g.add((node, tw("wikidataEntity"), URIRef(WD + country)))
        g.add((node, DCTERMS.source, wikidata_source))

    def place(q: str) -> URIRef:
        return URIRef(resource_iri("city", slugs[q], base_iri=base_iri))

    for q in sorted(place_qids):
        entity = entities.get(q)
        node = place(q)
        g.add((node, RDF.type, tw("Municipality")))
        g.add((node, tw("wikidataEntity"), URIRef(WD + q)))
        g.add((node, DCTERMS.source, wikidata_source))
        if entity is None:
            continue
        country_qid = entity.countries[0] if entity.countries else None
        _labels(g, node, entity, LOCAL_LANGUAGE.get(country_qid) if country_qid else None)
        if country_qid:
            g.add((node, tw("country"), URIRef(resource_iri("country", slugs[country_qid], base_iri=base_iri))))
        point = re.fullmatch(r"\s*Point\(\s*(-?[\d.]+)\s+(-?[\d.]+)\s*\)\s*", entity.coordinates or "", re.IGNORECASE)
        if point:
            g.add((node, URIRef(GEO + "long"), Literal(point.group(1), datatype=XSD.decimal)))
            g.add((node, URIRef(GEO + "lat"), Literal(point.group(2), datatype=XSD.decimal)))
        if entity.population is not None and entity.population_date is not None:
            figure = URIRef(
                resource_iri("figure", f"{slugs[q]}-population-{entity.population_date.value[:4]}", base_iri=base_iri)
            )
            g.add((node, tw("hasFigure"), figure))
            g.add((figure, RDF.type, tw("Figure")))
            g.add((figure, tw("measure"), tw("Population")))
            g.add((figure, URIRef("https://schema.org/value"), Literal(entity.population, datatype=XSD.integer)))
            _date(g, figure, "pointInTime", entity.population_date)
            g.add((figure, DCTERMS.source, wikidata_source))

    pairs: dict[tuple[str, str], list[Statement]] = {}
    for s in statements:
        pairs.setdefault(tuple(sorted((s.item, s.partner))), []).append(s)  # type: ignore[arg-type]
    for (a, b), both in sorted(pairs.items()):
        node = URIRef(partnership_iri(slugs[a], slugs[b], base_iri=base_iri))
        g.add((node, RDF.type, tw("Partnership")))
        g.add((node, tw("partner"), place(a)))
        g.add((node, tw("partner"), place(b)))
        g.add((node, tw("kind"), tw("TownTwinning")))
        name_a, name_b = _name(entities.get(a), a), _name(entities.get(b), b)
        g.add((node, RDFS.label, Literal(f"{name_a} – {name_b}", lang="en")))
        g.add((place(a), tw("twinnedWith"), place(b)))
        g.add((place(b), tw("twinnedWith"), place(a)))
        start = _finest([s.start for s in both])
        end = _finest([s.end for s in both])
        if start:
            _date(g, node, "start", start)
        if end:
            _date(g, node, "end", end)
        g.add((node, DCTERMS.source, wikidata_source))
        for url in sorted({r for s in both for r in s.references}):
            if not re.match(r"^https?://\S+$", url):
                continue
            source = URIRef(resource_iri("source", _url_slug(url), base_iri=base_iri))
            g.add((node, DCTERMS.source, source))
            g.add((source, RDF.type, tw("Source")))
            g.add((source, DCTERMS.title, Literal(url.split("/")[2], lang="en")))
            g.add((source, schema_url, URIRef(url)))
    return Imported(g, len(place_qids), len(pairs))


def _labels(g: rdflib.Graph, node: rdflib.URIRef, entity: Entity | None, local: str | None) -> None:
    from rdflib import RDFS, Literal

    if entity is None:
        return
    for language in dict.fromkeys(["en", "de", *([local] if local else [])]):
        if language in entity.labels:
            g.add((node, RDFS.label, Literal(entity.labels[language], lang=language)))


def _date(g: rdflib.Graph, node: rdflib.URIRef, which: str, date: WikiDate) -> None:
    from rdflib import XSD, Literal, URIRef

    datatype = {11: XSD.date, 10: XSD.gYearMonth}.get(date.precision, XSD.gYear)
    prop = "pointInTime" if which == "pointInTime" else f"{which}Date"
    precision_prop = "pointInTimePrecision" if which == "pointInTime" else f"{which}Precision"
    g.add((node, URIRef(TW + prop), Literal(date.value, datatype=datatype)))
    g.add((node, URIRef(TW + precision_prop), URIRef(TW + _PRECISIONS[date.precision])))


def _finest(dates: list[WikiDate | None]) -> WikiDate | None:
    known = [d for d in dates if d is not None]
    return max(known, key=lambda d: d.precision) if known else None


def _name(entity: Entity | None, qid: str) -> str:
    if entity is None:
        return qid
    return entity.labels.get("en") or entity.labels.get("de") or next(iter(entity.labels.values()), qid)


def _slugs(entities: dict[str, Entity], qids: set[str]) -> dict[str, str]:
    """A slug per item from its name; the QID is added where two names would collide."""
    wanted: dict[str, str] = {}
    for q in sorted(qids):
        try:
            wanted[q] = slugify(_name(entities.get(q), q))
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
