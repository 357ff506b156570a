"""Pictures of the whole network (or one country's part of it) that stay legible at 17,000 edges.

The map draws every partnership as a faint line, so that where lines pile up the colour
deepens: density shows without bundling (force-directed edge bundling is quadratic in the
edges, and is not used). The flows picture draws countries, not places: one line per pair of
countries, as wide as the partnerships between them, and only the strongest.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import TYPE_CHECKING

from twingraph.plots.data import PlotError
from twingraph.plots.style import PALETTE, _credit, _figure, _frame

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from twingraph.network.model import Network, Node

_UNKNOWN = "(country unknown)"


def world_map(net: Network, *, country: str | None = None) -> Figure:
    """Every partnership with coordinates at both ends as a faint line on the world's outlines
    (with `country`, those with a place in it); places as dots sized by their partnerships."""
    from matplotlib.collections import LineCollection

    from twingraph.plots.map import _countries

    nodes = {n.id: n for n in net.nodes}
    edges = [e for e in net.edges if country is None or _in_country(nodes, (e.source, e.target), country)]
    if country is not None and not edges:
        raise PlotError(f"no partnership has a place in {country!r}; the countries are named as in the data.")
    placed = [e for e in edges if _located(nodes[e.source]) and _located(nodes[e.target])]
    if not placed:
        raise PlotError(
            "no partnership has coordinates at both ends, so there is no world map to draw; add schema:latitude, "
            "schema:longitude and tw:coordinateSource (import csv maps lat and lng columns)."
        )
    figure, axes = _figure(width=12.0, height=6.6)
    _countries(axes, -180, 180, -58, 84)
    segments = [part for e in placed for part in _segments(nodes[e.source], nodes[e.target])]
    # Faint enough that a thousand lines over one place are still told from ten.
    alpha = max(0.03, min(0.6, 6 / math.sqrt(len(placed))))
    axes.add_collection(LineCollection(segments, colors=PALETTE[0], linewidths=0.4, alpha=alpha, zorder=2))
    degree = Counter(i for e in placed for i in (e.source, e.target))
    ids = sorted(degree)
    axes.scatter(
        [_point(nodes[i])[0] for i in ids], [_point(nodes[i])[1] for i in ids],
        s=[0.6 + 1.4 * math.sqrt(degree[i]) for i in ids], color="#000000", alpha=0.45, linewidths=0, zorder=3,
    )  # fmt: skip
    axes.set_xlim(-180, 180)
    axes.set_ylim(-58, 84)
    axes.set_aspect(1.2)
    axes.set_axis_off()
    where = f"with a place in {country}" if country else "of the world"
    title = f"Town twinnings {where}: {len(placed):,} partnerships between {len(ids):,} places"
    left_out = len(edges) - len(placed)
    note = (
        "Each partnership is a faint straight line (split at the antimeridian); where lines pile up the "
        "colour deepens. Dot size: partnerships of the place. "
        + (f"{left_out:,} partnerships lack coordinates at an end and are not drawn. " if left_out else "")
    )
    _frame(figure, title, note + _credit((), outline=True))
    return figure


def country_flows(net: Network, *, top: int = 40, country: str | None = None) -> Figure:
    """Countries joined by their partnerships: one line per pair of countries, as wide as their
    partnerships, for the `top` countries with the most (with `country`, its partners' countries)."""
    import networkx

    nodes = {n.id: n for n in net.nodes}
    pairs: Counter[tuple[str, str]] = Counter()
    for e in net.edges:
        a, b = (nodes[e.source].country or _UNKNOWN), (nodes[e.target].country or _UNKNOWN)
        if a != b and _UNKNOWN not in (a, b):
            pairs[(a, b) if a < b else (b, a)] += 1
    if country is not None:
        pairs = Counter({pair: n for pair, n in pairs.items() if country in pair})
    if not pairs:
        what = f"between {country} and another country" if country else "between two countries the data names"
        raise PlotError(f"no partnership is {what}, so there are no flows to draw; the places need tw:country.")
    totals: Counter[str] = Counter()
    for (a, b), n in pairs.items():
        totals[a] += n
        totals[b] += n
    kept = {c for c, _ in sorted(totals.items(), key=lambda item: (-item[1], item[0]))[:top]}
    if country is not None:
        kept.add(country)
    graph = networkx.Graph()
    graph.add_nodes_from(sorted(kept))
    graph.add_weighted_edges_from(sorted((a, b, n) for (a, b), n in pairs.items() if a in kept and b in kept))
    figure, axes = _figure(width=11.0, height=9.0)
    positions = networkx.circular_layout(sorted(graph.nodes, key=lambda c: (-totals[c], c)))
    heaviest = max((n for _, _, n in graph.edges(data="weight")), default=1)  # the top few may not be partners
    for a, b, n in sorted(graph.edges(data="weight"), key=lambda edge: edge[2]):
        (x1, y1), (x2, y2) = positions[a], positions[b]
        axes.plot([x1, x2], [y1, y2], color=PALETTE[0], alpha=0.25 + 0.6 * n / heaviest,
                  linewidth=0.3 + 7 * n / heaviest, zorder=1, solid_capstyle="round")  # fmt: skip
    for c in graph.nodes:
        x, y = positions[c]
        axes.scatter([x], [y], s=20 + 4 * math.sqrt(totals[c]), color=PALETTE[1], edgecolors="white", zorder=2)
        axes.annotate(f"{c} ({totals[c]:,})", (x, y), xytext=(10 * x, 10 * y), textcoords="offset points",
                      ha="left" if x >= 0 else "right", va="center", fontsize=7)  # fmt: skip
    axes.set_axis_off()
    axes.set_aspect("equal")
    axes.margins(0.3)
    title = (f"Town twinnings of {country} by partner country" if country else
             f"Town twinnings between countries: the {len(kept)} with the most")  # fmt: skip
    between = sum(pairs.values())
    note = (
        f"{between:,} partnerships between two countries; line width: partnerships between the two. "
        "In brackets: a country's partnerships abroad. Partnerships within a country, or with a place whose "
        "country is unknown, are not drawn. "
    )
    _frame(figure, title, note + _credit(()))
    return figure


def _located(node: Node) -> bool:
    return node.latitude is not None and node.longitude is not None


def _in_country(nodes: dict[str, Node], ends: tuple[str, str], country: str) -> bool:
    wanted = country.casefold()
    return any(nodes[i].country.casefold() == wanted for i in ends)


def _point(node: Node) -> tuple[float, float]:
    """A located node's longitude and latitude (`_located` was asked first)."""
    return (node.longitude or 0.0, node.latitude or 0.0)


def _segments(a: Node, b: Node) -> list[list[tuple[float, float]]]:
    """The line from a to b the short way round: two pieces where it crosses the antimeridian."""
    (x1, y1), (x2, y2) = _point(a), _point(b)
    if abs(x2 - x1) <= 180:
        return [[(x1, y1), (x2, y2)]]
    shifted = x2 - 360 if x2 > x1 else x2 + 360
    edge = 180.0 if x1 > 0 else -180.0
    y_edge = y1 + (y2 - y1) * (edge - x1) / (shifted - x1)
    return [[(x1, y1), (edge, y_edge)], [(-edge, y_edge), (x2, y2)]]
