"""What every picture shares: its figure and frame, colours, legend, labels, credits, and rendering to SVG or PNG.

Deterministic: no dates or version strings in the file, fixed ids (the hash salt), so the same
data gives the same bytes. matplotlib's object API only (no pyplot, no global figure state).
"""

from __future__ import annotations

import io
import threading
from collections import Counter
from typing import TYPE_CHECKING

from twingraph.plots.data import Partnership, PlotError

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


PLOT_FORMATS = ("svg", "png")
# Okabe & Ito (2008), "Color Universal Design": distinguishable with every common colour-vision deficiency.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
CONTEXT_GREY = "#BBBBBB"
_lock = threading.Lock()  # matplotlib's rcParams are process-wide


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
