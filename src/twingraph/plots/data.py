"""What the pictures show, read from the loaded graph: a city's partnerships, the network's edges, dates as years."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from twingraph.errors import TwingraphError
from twingraph.iris import TW

if TYPE_CHECKING:
    import pyoxigraph


_PRECISION_YEARS = {"DayPrecision": 1 / 365, "MonthPrecision": 1 / 12, "YearPrecision": 1.0, "DecadePrecision": 10.0}


class PlotError(TwingraphError):
    """There is nothing to draw (no dated partnerships, no coordinates), or the format is unknown."""


@dataclass(frozen=True)
class Partnership:
    """One partnership of a city, as a picture needs it."""

    iri: str
    partner: str
    partner_name: str
    kind: str
    start: str | None = None
    start_precision: str | None = None
    end: str | None = None
    end_precision: str | None = None
    latitude: float | None = None
    longitude: float | None = None


@dataclass(frozen=True)
class CityPartnerships:
    """A city, where it lies, its partnerships, and what the picture should credit."""

    iri: str
    name: str
    latitude: float | None
    longitude: float | None
    partnerships: tuple[Partnership, ...]
    events: tuple[tuple[str, float], ...] = ()
    sources: tuple[str, ...] = ()
    coordinate_sources: tuple[str, ...] = field(default=())


def city_partnerships(store: pyoxigraph.Store, city: str, *, languages: Sequence[str] = ()) -> CityPartnerships:
    """A city's partnerships from the store, named in the first of `languages` that has a name
    (then English, German, any)."""
    import pyoxigraph

    node = pyoxigraph.NamedNode(city)
    rows = _select(store, _named(_PARTNERSHIPS, ["partnerName", "kindName"], languages), city=node)
    partnerships = tuple(
        Partnership(
            iri=r["p"],
            partner=r["partner"],
            partner_name=r.get("partnerName") or _local(r["partner"]),
            kind=r.get("kindName") or "partnership",
            start=r.get("start"),
            start_precision=_local(r["startPrecision"]) if "startPrecision" in r else None,
            end=r.get("end"),
            end_precision=_local(r["endPrecision"]) if "endPrecision" in r else None,
            latitude=float(r["lat"]) if "lat" in r else None,
            longitude=float(r["lon"]) if "lon" in r else None,
        )
        for r in rows
    )
    place = _select(store, _named(_PLACE, ["name"], languages), city=node)
    if not place:
        raise PlotError(f"<{city}> is not a place in the data.")
    events = tuple(
        (r["name"], _year(r["start"], r.get("precision"))[0])
        for r in _select(store, _named(_EVENTS, ["name"], languages), city=node)
        if "name" in r
    )
    sources = _source_sites(store, _SOURCES, node)
    coordinate_sources = _source_sites(store, _COORDINATE_SOURCES, node)
    return CityPartnerships(
        iri=city,
        name=place[0].get("name") or _local(city),
        latitude=float(place[0]["lat"]) if "lat" in place[0] else None,
        longitude=float(place[0]["lon"]) if "lon" in place[0] else None,
        partnerships=partnerships,
        events=events,
        sources=sources,
        coordinate_sources=coordinate_sources,
    )


def partnership_edges(
    store: pyoxigraph.Store, *, languages: Sequence[str] = ()
) -> tuple[list[tuple[str, str]], dict[str, str]]:
    """Every partnership as a pair of places, and each place's name in the first of `languages`
    that has one (then English, German, any)."""
    edges = [(r["a"], r["b"]) for r in _select(store, _EDGES)]
    names = {r["place"]: r["name"] for r in _select(store, _named(_NAMES, ["label"], languages)) if "name" in r}
    return edges, names


def _named(query: str, labels: Sequence[str], languages: Sequence[str]) -> str:
    """The query with its labels in the preferred languages (labels.py)."""
    from twingraph.labels import preferred_languages, with_label_fallback

    return with_label_fallback(query, labels, preferred_languages(languages))


def most_connected(store: pyoxigraph.Store) -> str:
    """The place with the most partnerships (ties: the first IRI), the default subject of a plot."""
    rows = _select(store, _MOST_CONNECTED)
    if not rows:
        raise PlotError("the data holds no partnerships, so there is nothing to draw.")
    return rows[0]["place"]


def present_year(date: str) -> float:
    """The year, as a fraction, up to which ongoing partnerships are drawn: the data's modification date.

    Not today's date: the same data must give the same picture.
    """
    return _year(date, "DayPrecision")[0]


def _year(value: str | None, precision: str | None) -> tuple[float, float]:
    """A date at its precision as a span of fractional years: '1950' by decade is 1950–1960."""
    if not value:
        raise PlotError("a date is missing.")
    sign = -1 if value.startswith("-") else 1
    parts = value.lstrip("-").split("T")[0].split("-")
    year = sign * int(parts[0])
    month = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 1
    day = int(parts[2][:2]) if len(parts) > 2 and parts[2][:2].isdigit() else 1
    start = year + (month - 1) / 12 + (day - 1) / 365
    default = "DayPrecision" if len(parts) > 2 else "MonthPrecision" if len(parts) > 1 else "YearPrecision"
    return start, start + _PRECISION_YEARS.get(precision or default, 1.0)


def _local(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def _host(url: str) -> str:
    """A source as a short name: its site, or for a code forge the repository (github.com/owner/name)."""
    parts = urlsplit(url)
    host = (parts.hostname or url).removeprefix("www.").removeprefix("www1.")
    if host in ("github.com", "gitlab.com", "codeberg.org"):
        return host + "/" + "/".join(parts.path.strip("/").split("/")[:2])
    return host


def _source_sites(store: pyoxigraph.Store, query: str, city: pyoxigraph.NamedNode) -> tuple[str, ...]:
    """The sites (or repositories) of the sources a query finds for a city, sorted, for the source line."""
    return tuple(sorted({_host(row["url"]) for row in _select(store, query, city=city) if row.get("url")}))


def _select(store: pyoxigraph.Store, query: str, **values: Any) -> list[dict[str, str]]:
    from twingraph.rdf.terms import select_rows

    return [{name: term.value for name, term in row.items()} for row in select_rows(store, query, **values)]


_PREFIXES = f"""PREFIX tw: <{TW}>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX schema: <https://schema.org/>
PREFIX dct: <http://purl.org/dc/terms/>
"""


_PARTNERSHIPS = (
    _PREFIXES
    + """SELECT ?city ?p ?partner ?partnerName ?kindName ?start ?startPrecision ?end ?endPrecision ?lat ?lon WHERE {
  ?p a tw:Partnership ; tw:partner ?city , ?partner . FILTER (?partner != ?city)
  ?partner rdfs:label ?partnerName FILTER (LANG(?partnerName) = "en")
  OPTIONAL { ?p tw:kind/rdfs:label ?kindName FILTER (LANG(?kindName) = "en") }
  OPTIONAL { ?p tw:startDate ?start OPTIONAL { ?p tw:startPrecision ?startPrecision } }
  OPTIONAL { ?p tw:endDate ?end OPTIONAL { ?p tw:endPrecision ?endPrecision } }
  OPTIONAL { ?partner schema:latitude ?lat ; schema:longitude ?lon }
} ORDER BY STR(?p)"""
)


_PLACE = (
    _PREFIXES
    + """SELECT ?city ?name ?lat ?lon WHERE {
  ?city a ?class . ?class rdfs:subClassOf* tw:Place .
  ?city rdfs:label ?name FILTER (LANG(?name) = "en")
  OPTIONAL { ?city schema:latitude ?lat ; schema:longitude ?lon }
} LIMIT 1"""
)


_EVENTS = (
    _PREFIXES
    + """SELECT DISTINCT ?city ?name ?start ?precision WHERE {
  ?p tw:partner ?city ; tw:historicalContext ?event .
  ?event tw:startDate ?start .
  ?event rdfs:label ?name FILTER (LANG(?name) = "en")
  OPTIONAL { ?event tw:startPrecision ?precision }
} ORDER BY ?start ?name"""
)


_SOURCES = (
    _PREFIXES
    + """SELECT DISTINCT ?city ?url WHERE {
  ?p tw:partner ?city ; dct:source ?source . ?source schema:url ?url .
}"""
)


_COORDINATE_SOURCES = (
    _PREFIXES
    + """SELECT DISTINCT ?city ?url WHERE {
  { ?city tw:coordinateSource ?source } UNION { ?p tw:partner ?city , ?partner . ?partner tw:coordinateSource ?source }
  ?source schema:url ?url .
}"""
)


_EDGES = (
    _PREFIXES
    + """SELECT ?a ?b WHERE {
  ?p a tw:Partnership ; tw:partner ?a , ?b . FILTER (STR(?a) < STR(?b))
}"""
)


_NAMES = (
    _PREFIXES
    + """SELECT ?place (MIN(STR(?label)) AS ?name) WHERE {
  ?p a tw:Partnership ; tw:partner ?place .
  ?place rdfs:label ?label FILTER (LANG(?label) = "en")
} GROUP BY ?place"""
)


_MOST_CONNECTED = (
    _PREFIXES
    + """SELECT ?place (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a tw:Partnership ; tw:partner ?place }
GROUP BY ?place ORDER BY DESC(?n) STR(?place) LIMIT 1"""
)
