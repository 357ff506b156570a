"""Pictures of partnerships: a timeline, a map and a network, as deterministic SVG or PNG.

The data comes from the loaded graph (`city_partnerships`, `partnership_edges`); drawing is
matplotlib's object API (no pyplot, so no global figure state), imported only here. Every
picture has a title and a source line, uses the Okabe–Ito colours (told apart by colour-blind
readers), keeps its text as text in SVG (selectable, searchable), and is byte-identical for
the same data: no dates or version strings in the file, fixed ids, a fixed "present" year.
"""

from __future__ import annotations

import io
import math
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from twingraph.errors import TwingraphError
from twingraph.iris import TW

if TYPE_CHECKING:
    import pyoxigraph
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

PLOT_KINDS = ("timeline", "map", "network")
PLOT_FORMATS = ("svg", "png")
# Okabe & Ito (2008), "Color Universal Design": distinguishable with every common colour-vision deficiency.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
CONTEXT_GREY = "#BBBBBB"
# General history the timeline marks, besides dated events the data links to a partnership.
HISTORICAL_CONTEXT: tuple[tuple[str, float, float | None], ...] = (
    ("Cold War", 1947.0, 1991.0),
    ("1989: fall of the Berlin Wall", 1989.0, None),
)
_PRECISION_YEARS = {"DayPrecision": 1 / 365, "MonthPrecision": 1 / 12, "YearPrecision": 1.0, "DecadePrecision": 10.0}
_lock = threading.Lock()  # matplotlib's rcParams are process-wide


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


def city_partnerships(store: pyoxigraph.Store, city: str) -> CityPartnerships:
    """A city's partnerships from the store (all of its graphs), with English names where there are."""
    import pyoxigraph

    node = pyoxigraph.NamedNode(city)
    rows = _select(store, _PARTNERSHIPS, city=node)
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
    place = _select(store, _PLACE, city=node)
    if not place:
        raise PlotError(f"<{city}> is not a place in the data.")
    events = tuple((r["name"], _year(r["start"], r.get("precision"))[0]) for r in _select(store, _EVENTS, city=node))
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


def partnership_edges(store: pyoxigraph.Store) -> tuple[list[tuple[str, str]], dict[str, str]]:
    """Every partnership as a pair of places, and each place's English name."""
    edges = [(r["a"], r["b"]) for r in _select(store, _EDGES)]
    names = {r["place"]: r["name"] for r in _select(store, _NAMES)}
    return edges, names


def draw(
    kind: str, store: pyoxigraph.Store, *, city: str | None, present: float, depth: int = 1, top: int = 40
) -> Figure:
    """One picture of the data: a city's timeline or map, or a network (a city's, or the best connected)."""
    if kind not in PLOT_KINDS:
        raise PlotError(f"there is no {kind!r} plot; choose {', '.join(PLOT_KINDS)}.")
    if kind == "network":
        edges, names = partnership_edges(store)
        import pyoxigraph

        sources = _source_sites(store, _SOURCES, pyoxigraph.NamedNode(city)) if city else ()
        return network(edges, names, city=city, depth=depth, top=top, sources=sources)
    data = city_partnerships(store, city or most_connected(store))
    return timeline(data, present=present) if kind == "timeline" else partner_map(data)


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


# --- drawing ------------------------------------------------------------------------------------


def timeline(data: CityPartnerships, *, present: float) -> Figure:
    """One bar per dated partnership from its start to its end (or `present`).

    A start known only to its decade or year is drawn as a hatched span over that decade or
    year, so imprecision shows; the solid bar starts where the span ends.
    """
    dated = sorted(
        (p for p in data.partnerships if p.start), key=lambda p: (_year(p.start, p.start_precision), p.partner_name)
    )
    if not dated:
        raise PlotError(
            f"{data.name} has no dated partnerships, so there is no timeline to draw; "
            "`twingraph query run partners` lists its partnerships."
        )
    colours = _kind_colours(data.partnerships)
    first = min(_year(p.start, p.start_precision)[0] for p in dated)
    left = math.floor(min(first, 1947.0) / 10) * 10 - 2
    context: list[tuple[str, float, float | None]] = list(HISTORICAL_CONTEXT)
    for label, year in data.events:
        if left <= year <= present:
            context.append((label if str(int(year)) in label else f"{int(year)}: {label}", year, None))
    context.sort(key=lambda item: item[1])
    rows = len(dated)
    header = 0.5 * len(context)
    figure, axes = _figure(width=9.0, height=2.2 + 0.42 * (rows + header))
    for line, (label, start, end) in enumerate(context):
        _context(axes, label, start, end, label_at=rows - 0.4 + 0.5 * (line + 1))
    for row, partnership in enumerate(dated):
        y = rows - 1 - row
        start, start_end = _year(partnership.start, partnership.start_precision)
        end = _year(partnership.end, partnership.end_precision)[0] if partnership.end else present
        colour = colours[partnership.kind]
        axes.barh(
            y, start_end - start, left=start, height=0.56, color="white", edgecolor=colour, hatch="////", linewidth=0.8
        )
        axes.barh(y, max(end - start_end, 0.0), left=start_end, height=0.56, color=colour)
        axes.text(end + 0.6, y, _when(partnership), va="center", fontsize=8, color="#333333")
    axes.set_yticks(range(rows), [p.partner_name for p in reversed(dated)], fontsize=9)
    axes.set_ylim(-1.6, rows - 0.4 + header + 0.3)  # a row below the bars for the legend
    axes.set_xlim(left, present + 12)
    axes.spines[["top", "right", "left"]].set_visible(False)
    axes.tick_params(axis="y", length=0)
    axes.grid(axis="x", color="#EEEEEE", linewidth=0.6)
    axes.set_axisbelow(True)
    _legend(figure, colours, hatch_note=True)
    undated = sorted(p.partner_name for p in data.partnerships if not p.start)
    note = f"Not dated: {', '.join(undated)}. " if undated else ""
    _frame(figure, f"Town twinnings of {data.name}: when each began", note + _credit(data.sources))
    return figure


def partner_map(data: CityPartnerships) -> Figure:
    """The city and its partners on a map of country outlines, joined by lines, each labelled."""
    from twingraph.plots.outline import country_outlines

    placed = [p for p in data.partnerships if p.latitude is not None and p.longitude is not None]
    if data.latitude is None or data.longitude is None or not placed:
        missing = data.name if data.latitude is None else "its partners"
        raise PlotError(
            f"the data gives no coordinates for {missing}, so there is no map of {data.name} to draw; "
            "add schema:latitude, schema:longitude and tw:coordinateSource."
        )
    longitudes = [data.longitude, *(p.longitude for p in placed if p.longitude is not None)]
    latitudes = [data.latitude, *(p.latitude for p in placed if p.latitude is not None)]
    west, east, south, north = _extent(longitudes, latitudes)
    middle = math.radians((south + north) / 2)
    width = 9.0
    height = max(3.5, min(9.0, width * (north - south) / ((east - west) * math.cos(middle)) + 1.2))
    figure, axes = _figure(width=width, height=height)
    for _, rings in country_outlines():
        for ring in rings:
            xs, ys = [x for x, _ in ring], [y for _, y in ring]
            # Only what shows: an SVG of Europe need not carry the coast of Chile.
            if max(xs) < west or min(xs) > east or max(ys) < south or min(ys) > north:
                continue
            axes.fill(xs, ys, facecolor="#EFEFEA", edgecolor="#FFFFFF", linewidth=0.5)
    colours = _kind_colours(data.partnerships)
    # Degrees per point: the axes are about 0.8 of the figure's height, at the map's aspect.
    per_y = (north - south) / (0.8 * height * 72)
    per_x = per_y / math.cos(middle)
    labelled: list[tuple[float, float, float]] = []
    axes.plot(data.longitude, data.latitude, "o", color="#000000", markersize=8, markeredgecolor="white", zorder=3)
    eastward = sum(p.longitude or 0 for p in placed) / len(placed) > data.longitude
    _place_label(axes, data.longitude, data.latitude, data.name, (per_x, per_y), labelled, left=eastward, bold=True)
    for partnership in sorted(placed, key=lambda p: (-(p.latitude or 0), p.partner_name)):
        assert partnership.longitude is not None
        assert partnership.latitude is not None
        colour = colours[partnership.kind]
        axes.plot(
            [data.longitude, partnership.longitude], [data.latitude, partnership.latitude], color=colour, linewidth=1.4
        )
        axes.plot(
            partnership.longitude,
            partnership.latitude,
            "o",
            color=colour,
            markersize=5,
            markeredgecolor="white",
            zorder=3,
        )
        near_right = partnership.longitude > west + 0.8 * (east - west)
        _place_label(
            axes,
            partnership.longitude,
            partnership.latitude,
            partnership.partner_name,
            (per_x, per_y),
            labelled,
            left=near_right,
        )
    axes.set_xlim(west, east)
    axes.set_ylim(south, north)
    axes.set_aspect(1 / math.cos(middle))
    axes.set_xticks([])
    axes.set_yticks([])
    for spine in axes.spines.values():
        spine.set_color("#CCCCCC")
    _legend(figure, colours)
    unplaced = sorted(p.partner_name for p in data.partnerships if p.latitude is None)
    note = f"No coordinates for: {', '.join(unplaced)}. " if unplaced else ""
    credit = _credit(data.sources, coordinates=data.coordinate_sources, outline=True)
    _frame(figure, f"Town twinnings of {data.name}: where the partners are", note + credit)
    return figure


def network(
    edges: list[tuple[str, str]],
    names: dict[str, str],
    *,
    city: str | None = None,
    depth: int = 1,
    top: int = 40,
    sources: tuple[str, ...] = (),
) -> Figure:
    """A city's partnerships (and with depth 2 its partners'), or without a city the `top` best-connected places."""
    import networkx

    graph = networkx.Graph()
    graph.add_edges_from(sorted({tuple(sorted(edge)) for edge in edges}))
    if city is not None:
        if city not in graph:
            raise PlotError(f"{names.get(city, city)} has no partnerships, so there is no network to draw.")
        kept = set(networkx.single_source_shortest_path_length(graph, city, cutoff=depth))
        title = f"Town twinnings of {names.get(city, _local(city))}" + (" and of its partners" if depth > 1 else "")
    else:
        if graph.number_of_edges() == 0:
            raise PlotError("the data holds no partnerships, so there is no network to draw.")
        ranked = sorted(graph.degree, key=lambda item: (-item[1], names.get(item[0], item[0])))
        kept = {node for node, _ in ranked[:top]}
        title = f"The {len(kept)} best-connected places and their partnerships"
    sub = graph.subgraph(sorted(kept)).copy()
    ordered = networkx.Graph()
    ordered.add_nodes_from(sorted(sub.nodes))
    ordered.add_edges_from(sorted(tuple(sorted(e)) for e in sub.edges))
    size = max(6.0, min(12.0, 2.5 + 0.35 * math.sqrt(ordered.number_of_nodes()) * 3))
    figure, axes = _figure(width=size, height=size * 0.8)
    # A force layout with a fixed seed: the same graph always lands in the same place.
    positions = networkx.spring_layout(ordered, seed=1, k=1.6 / math.sqrt(max(ordered.number_of_nodes(), 1)))
    degree = dict(graph.degree(ordered.nodes))
    for a, b in ordered.edges:
        (x1, y1), (x2, y2) = positions[a], positions[b]
        axes.plot([x1, x2], [y1, y2], color="#9A9A9A", linewidth=0.8, zorder=1)
    for node in ordered.nodes:
        x, y = positions[node]
        is_city = node == city
        colour = "#000000" if is_city else PALETTE[0] if city is None or ordered.has_edge(city, node) else PALETTE[1]
        axes.scatter(
            [x], [y], s=30 + 14 * math.sqrt(degree[node]), color=colour, edgecolors="white", linewidths=0.8, zorder=2
        )
        label = names.get(node) or _local(node)
        axes.annotate(label, (x, y), xytext=(0, 7), textcoords="offset points", ha="center", fontsize=8,
                      fontweight="bold" if is_city else "normal", zorder=3)  # fmt: skip
    axes.set_axis_off()
    axes.margins(0.12)
    if city is not None and depth > 1:
        from matplotlib.lines import Line2D

        handles = [Line2D([], [], marker="o", linestyle="", color=c, label=t)
                   for c, t in ((PALETTE[0], "partner"), (PALETTE[1], "partner's partner"))]  # fmt: skip
        axes.legend(handles=handles, loc="lower left", frameon=False, fontsize=8)
    _frame(figure, title, "Dot size: number of partnerships. " + _credit(sources))
    return figure


def render(figure: Figure, fmt: str, *, salt: str = "twingraph") -> bytes:
    """A figure as SVG (text kept as text) or PNG, the same bytes for the same figure."""
    import matplotlib

    if fmt not in PLOT_FORMATS:
        raise PlotError(f"plots are written as {' or '.join(PLOT_FORMATS)}, not {fmt}.")
    buffer = io.BytesIO()
    with _lock, matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": salt, "path.simplify": True}):
        if fmt == "svg":
            figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None, "Format": None, "Type": None})
        else:
            figure.savefig(buffer, format="png", dpi=150, metadata={"Software": None})
    return buffer.getvalue()


def inline_svg(svg: bytes) -> str:
    """An SVG document as an element to put inside an HTML page (no XML declaration or DOCTYPE)."""
    text = svg.decode("utf-8")
    return text[text.index("<svg") :]


# --- helpers ------------------------------------------------------------------------------------


def _figure(*, width: float, height: float) -> tuple[Figure, Axes]:
    from matplotlib.figure import Figure
    from matplotlib.layout_engine import ConstrainedLayoutEngine

    figure = Figure(figsize=(width, height), layout=ConstrainedLayoutEngine(h_pad=0.12))
    return figure, figure.add_subplot()


def _frame(figure: Figure, title: str, credit: str) -> None:
    figure.suptitle(title, fontsize=12, fontweight="bold", x=0.01, ha="left")
    figure.supxlabel(credit, fontsize=7, color="#555555", x=0.01, ha="left", wrap=True)


def _credit(sources: tuple[str, ...], *, coordinates: tuple[str, ...] = (), outline: bool = False) -> str:
    parts = [f"Data: twingraph, sources: {', '.join(sources) if sources else 'as cited in the data'}."]
    if coordinates:
        parts.append(f"Coordinates: {', '.join(coordinates)}.")
    if outline:
        parts.append("Outlines: Natural Earth.")
    return " ".join(parts)


def _kind_colours(partnerships: tuple[Partnership, ...]) -> dict[str, str]:
    """One Okabe–Ito colour per kind, the commonest kind first (town twinning: blue)."""
    counts = Counter(p.kind for p in partnerships)
    kinds = sorted(counts, key=lambda kind: (-counts[kind], kind))
    return {kind: PALETTE[i % len(PALETTE)] for i, kind in enumerate(kinds)}


def _legend(figure: Figure, colours: dict[str, str], *, hatch_note: bool = False) -> None:
    """The colours of the kinds, under the drawing."""
    from matplotlib.patches import Patch

    handles = [Patch(color=colour, label=kind) for kind, colour in colours.items()]
    if hatch_note:
        handles.append(
            Patch(facecolor="white", edgecolor="#555555", hatch="////", label="start known to the year or decade")
        )
    figure.axes[0].legend(handles=handles, loc="lower left", fontsize=8, ncols=min(4, len(handles)), framealpha=0.9)


def _context(axes: Axes, label: str, start: float, end: float | None, *, label_at: float) -> None:
    """A historical event (a dashed line) or period (a grey band), labelled in the band above the bars."""
    if end is None:
        axes.plot([start, start], [-1.6, label_at], color=CONTEXT_GREY, linestyle="--", linewidth=0.9, zorder=0)
    else:
        axes.fill_between([start, end], -1.6, label_at, color="#F2F2F2", zorder=0, linewidth=0)
    axes.text(start + 0.5, label_at, label, fontsize=7.5, color="#555555", va="center", ha="left")


def _place_label(
    axes: Axes, x: float, y: float, text: str, scale: tuple[float, float],
    labelled: list[tuple[float, float, float]], *, left: bool = False, bold: bool = False,
) -> None:  # fmt: skip
    """A name beside its point; moved below when it would cover a name already placed.

    `scale` is degrees per typographic point across and up, so overlap is judged at print size.
    """
    per_x, per_y = scale
    width = 5.6 * len(text) * per_x
    top = y + 3 * per_y
    start = x - width - 6 * per_x if left else x + 6 * per_x
    crowded = any(abs(top - ly) < 12 * per_y and start < lx + lw and lx < start + width for lx, ly, lw in labelled)
    offset = -12 if crowded else 3
    labelled.append((start, y + offset * per_y, width))
    weight = "bold" if bold else "normal"
    axes.annotate(text, (x, y), xytext=(-6 if left else 6, offset), textcoords="offset points",
                  ha="right" if left else "left", fontsize=9, fontweight=weight, zorder=4)  # fmt: skip


def _extent(longitudes: list[float], latitudes: list[float]) -> tuple[float, float, float, float]:
    """A box round the points with a margin, at least 20° wide and 12° tall."""
    west, east, south, north = min(longitudes), max(longitudes), min(latitudes), max(latitudes)
    width, height = max(east - west, 20.0), max(north - south, 12.0)
    cx, cy = (west + east) / 2, (south + north) / 2
    half_w, half_h = width * 0.6, height * 0.62
    return max(cx - half_w, -180.0), min(cx + half_w, 180.0), max(cy - half_h, -85.0), min(cy + half_h, 85.0)


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


def _when(partnership: Partnership) -> str:
    start = partnership.start or ""
    if partnership.start_precision == "DecadePrecision":
        start = f"{start[:3]}0s"
    return f"{start}–{partnership.end}" if partnership.end else f"since {start}"


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
  OPTIONAL { ?partner rdfs:label ?partnerName FILTER (LANGMATCHES(LANG(?partnerName), "en")) }
  OPTIONAL { ?p tw:kind/rdfs:label ?kindName FILTER (LANGMATCHES(LANG(?kindName), "en")) }
  OPTIONAL { ?p tw:startDate ?start OPTIONAL { ?p tw:startPrecision ?startPrecision } }
  OPTIONAL { ?p tw:endDate ?end OPTIONAL { ?p tw:endPrecision ?endPrecision } }
  OPTIONAL { ?partner schema:latitude ?lat ; schema:longitude ?lon }
} ORDER BY STR(?p)"""
)

_PLACE = (
    _PREFIXES
    + """SELECT ?city ?name ?lat ?lon WHERE {
  ?city a ?class . ?class rdfs:subClassOf* tw:Place .
  OPTIONAL { ?city rdfs:label ?name FILTER (LANGMATCHES(LANG(?name), "en")) }
  OPTIONAL { ?city schema:latitude ?lat ; schema:longitude ?lon }
} LIMIT 1"""
)

_EVENTS = (
    _PREFIXES
    + """SELECT DISTINCT ?city ?name ?start ?precision WHERE {
  ?p tw:partner ?city ; tw:historicalContext ?event .
  ?event tw:startDate ?start ; rdfs:label ?name FILTER (LANGMATCHES(LANG(?name), "en"))
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
  ?p a tw:Partnership ; tw:partner ?place . ?place rdfs:label ?label FILTER (LANGMATCHES(LANG(?label), "en"))
} GROUP BY ?place"""
)

_MOST_CONNECTED = (
    _PREFIXES
    + """SELECT ?place (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a tw:Partnership ; tw:partner ?place }
GROUP BY ?place ORDER BY DESC(?n) STR(?place) LIMIT 1"""
)
