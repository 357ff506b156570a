"""The map: a city and its partners on the country outlines, joined by lines."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from twingraph.plots.data import CityPartnerships, Partnership, PlotError
from twingraph.plots.style import _credit, _extent, _figure, _frame, _kind_colours, _legend, _place_label

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


def partner_map(data: CityPartnerships) -> Figure:
    """The city and its partners on a map of country outlines, joined by lines, each labelled."""
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
    _countries(axes, west, east, south, north)
    colours = _kind_colours(data.partnerships)
    # Degrees per point: the axes are about 0.8 of the figure's height, at the map's aspect.
    per_y = (north - south) / (0.8 * height * 72)
    per_x = per_y / math.cos(middle)
    labelled: list[tuple[float, float, float]] = []
    axes.plot(data.longitude, data.latitude, "o", color="#000000", markersize=8, markeredgecolor="white", zorder=3)
    eastward = sum(p.longitude or 0 for p in placed) / len(placed) > data.longitude
    _place_label(axes, data.longitude, data.latitude, data.name, (per_x, per_y), labelled, left=eastward, bold=True)
    for partnership in sorted(placed, key=lambda p: (-(p.latitude or 0), p.partner_name)):
        near_right = (partnership.longitude or 0) > west + 0.8 * (east - west)
        _partner(axes, data, partnership, colours[partnership.kind], (per_x, per_y), labelled, left=near_right)
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


def _countries(axes: Axes, west: float, east: float, south: float, north: float) -> None:
    """The country outlines that show in this extent."""
    from twingraph.plots.outline import country_outlines

    for _, rings in country_outlines():
        for ring in rings:
            xs, ys = [x for x, _ in ring], [y for _, y in ring]
            # Only what shows: an SVG of Europe need not carry the coast of Chile.
            if max(xs) < west or min(xs) > east or max(ys) < south or min(ys) > north:
                continue
            axes.fill(xs, ys, facecolor="#EFEFEA", edgecolor="#FFFFFF", linewidth=0.5)


def _partner(
    axes: Axes,
    data: CityPartnerships,
    partnership: Partnership,
    colour: str,
    scale: tuple[float, float],
    labelled: list[tuple[float, float, float]],
    *,
    left: bool,
) -> None:
    """One partner: the line from the city, its dot and its label."""
    assert partnership.longitude is not None
    assert partnership.latitude is not None
    assert data.longitude is not None
    assert data.latitude is not None
    axes.plot(
        [data.longitude, partnership.longitude], [data.latitude, partnership.latitude], color=colour, linewidth=1.4
    )
    axes.plot(
        partnership.longitude, partnership.latitude, "o", color=colour, markersize=5, markeredgecolor="white", zorder=3
    )
    _place_label(
        axes, partnership.longitude, partnership.latitude, partnership.partner_name, scale, labelled, left=left
    )
