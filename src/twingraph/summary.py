"""A one-screen summary of a project's graph: places, partnerships, sources, Wikidata links."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from twingraph.iris import TW
from twingraph.offline import offline

if TYPE_CHECKING:
    import rdflib

_PREFIXES = f"""
PREFIX tw: <{TW}>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX schema: <https://schema.org/>
"""


@dataclass(frozen=True)
class PartnershipLine:
    """One partnership as a line of the summary."""

    label: str
    kind: str
    start: str | None
    end: str | None


@dataclass(frozen=True)
class Summary:
    """Counts of what the graph holds, and its partnerships."""

    triples: int
    places: int
    places_in_partnerships: int
    places_with_wikidata: int
    partnerships: tuple[PartnershipLine, ...]
    sources: int
    sources_with_url: int
    figures: int
    events: int
    activities: int
    claims: int


def summarize(graph: rdflib.Graph, *, languages: Sequence[str] = ()) -> Summary:
    """Count the graph's resources by class and list its partnerships by start date, named in
    the first of `languages` they have a label in (then English, German, any)."""

    def count(where: str) -> int:
        return int(_rows(graph, f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {where} }}")[0][0])

    place = "?x a ?c . ?c rdfs:subClassOf* tw:Place ."
    return Summary(
        triples=len(graph),
        places=count(place),
        places_in_partnerships=count(place + " ?p a tw:Partnership ; tw:partner ?x ."),
        places_with_wikidata=count(place + " ?x tw:wikidataEntity ?q ."),
        partnerships=_partnerships(graph, languages),
        sources=count("?x a tw:Source ."),
        sources_with_url=count("?x a tw:Source ; schema:url ?u ."),
        figures=count("?x a tw:Figure ."),
        events=count("?x a tw:Event ."),
        activities=count("?x a tw:Activity ."),
        claims=count("?x a tw:Claim ."),
    )


def _partnerships(graph: rdflib.Graph, languages: Sequence[str]) -> tuple[PartnershipLine, ...]:
    from twingraph.labels import preferred_languages, with_label_fallback

    query = """
        SELECT ?p (SAMPLE(?label) AS ?name) (SAMPLE(?kindLabel) AS ?kindName)
               (SAMPLE(?start) AS ?s) (SAMPLE(?end) AS ?e)
        WHERE {
            ?p a tw:Partnership .
            ?p rdfs:label ?label FILTER (LANG(?label) = "en")
            OPTIONAL { ?p tw:kind/rdfs:label ?kindLabel FILTER (LANG(?kindLabel) = "en") }
            OPTIONAL { ?p tw:startDate ?start }
            OPTIONAL { ?p tw:endDate ?end }
        } GROUP BY ?p"""
    query = with_label_fallback(query, ["label", "kindLabel"], preferred_languages(languages))
    lines = [
        PartnershipLine(
            label=str(row[1] or row[0]),
            kind=str(row[2] or "?"),
            start=str(row[3]) if row[3] is not None else None,
            end=str(row[4]) if row[4] is not None else None,
        )
        for row in _rows(graph, query)
    ]
    return tuple(sorted(lines, key=lambda line: (line.start or "9999", line.label)))


def _rows(graph: rdflib.Graph, query: str) -> list[tuple[Any, ...]]:
    """The rows of a SELECT query over the graph, with the summary's prefixes."""
    with offline():
        return cast(list[tuple[Any, ...]], list(graph.query(_PREFIXES + query)))


def format_summary(summary: Summary, *, title: str, files: str) -> str:
    """The summary as text for a terminal."""
    width = max((len(p.label) for p in summary.partnerships), default=0)
    kind_width = max((len(p.kind) for p in summary.partnerships), default=0)
    out = [
        f"{title}",
        f"  data: {files}; {summary.triples} triples with the ontology",
        "",
        f"  places        {summary.places:>4}   {summary.places_in_partnerships} in partnerships, "
        f"{summary.places_with_wikidata} linked to Wikidata",
        f"  partnerships  {len(summary.partnerships):>4}",
        f"  sources       {summary.sources:>4}   {summary.sources_with_url} with a URL",
        f"  figures       {summary.figures:>4}   events {summary.events}, activities {summary.activities}",
        f"  claims        {summary.claims:>4}   values kept from sources that disagree or differ in precision",
        "",
        "  Partnerships, oldest first:",
    ]
    for line in summary.partnerships:
        when = f"since {line.start}" if line.start else "start unknown"
        if line.end:
            when = f"{line.start or '?'} to {line.end}"
        out.append(f"    {line.label:<{width}}  {line.kind:<{kind_width}}  {when}")
    return "\n".join(out)
