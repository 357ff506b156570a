"""The network: places joined by their partnerships, a city's neighbourhood or the best connected."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from twingraph.plots.data import PlotError, _local
from twingraph.plots.style import PALETTE, _credit, _figure, _frame

if TYPE_CHECKING:
    from matplotlib.figure import Figure


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
