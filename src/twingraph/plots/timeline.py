"""The timeline: a bar per dated partnership, with the historical context behind."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from twingraph.plots.data import CityPartnerships, Partnership, PlotError, _year
from twingraph.plots.style import _context, _credit, _figure, _frame, _kind_colours, _legend

if TYPE_CHECKING:
    from matplotlib.figure import Figure


# General history the timeline marks, besides dated events the data links to a partnership.
HISTORICAL_CONTEXT: tuple[tuple[str, float, float | None], ...] = (
    ("Cold War", 1947.0, 1991.0),
    ("1989: fall of the Berlin Wall", 1989.0, None),
)


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


def _when(partnership: Partnership) -> str:
    start = partnership.start or ""
    if partnership.start_precision == "DecadePrecision":
        start = f"{start[:3]}0s"
    return f"{start}–{partnership.end}" if partnership.end else f"since {start}"
