"""Pictures of partnerships: a timeline, a map and a network, as deterministic SVG or PNG.

`draw` picks the picture; the data comes from the loaded graph (`data.py`), each kind is drawn
in a module of its own (`timeline.py`, `map.py`, `network.py`) with what they share in
`style.py`: matplotlib's object API (no pyplot, so no global figure state), imported only in
this package, inside the functions that draw. Every
picture has a title and a source line, uses the Okabe–Ito colours (told apart by colour-blind
readers), keeps its text as text in SVG (selectable, searchable), and is byte-identical for
the same data: no dates or version strings in the file, fixed ids, a fixed "present" year.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from twingraph.plots.data import (
    _SOURCES,
    CityPartnerships,
    Partnership,
    PlotError,
    _source_sites,
    city_partnerships,
    most_connected,
    partnership_edges,
    present_year,
)
from twingraph.plots.map import partner_map
from twingraph.plots.network import network
from twingraph.plots.style import PLOT_FORMATS, inline_svg, render
from twingraph.plots.timeline import timeline

if TYPE_CHECKING:
    import pyoxigraph
    from matplotlib.figure import Figure

__all__ = ["PLOT_FORMATS", "CityPartnerships", "Partnership", "PlotError", "city_partnerships", "draw", "inline_svg",
           "most_connected", "partnership_edges", "present_year", "render"]  # fmt: skip

PLOT_KINDS = ("timeline", "map", "network")


@dataclass(frozen=True)
class World:
    """The whole network, or one country's part of it, for `plot map --world` and `plot network --by-country`."""

    country: str | None = None  # a country's name, as the data names it
    languages: tuple[str, ...] = ()  # the names' languages, best first


def draw(
    kind: str,
    store: pyoxigraph.Store,
    *,
    city: str | None,
    present: float,
    depth: int = 1,
    top: int = 40,
    world: World | None = None,
    languages: Sequence[str] = (),
) -> Figure:
    """One picture of the data: a city's timeline or map, or a network (a city's, or the best
    connected); with `world`, the whole network's map or its flows between countries. Names are in
    the first of `languages` that has one, then English, German, any."""
    if kind not in PLOT_KINDS:
        raise PlotError(f"there is no {kind!r} plot; choose {', '.join(PLOT_KINDS)}.")
    if world is not None:
        from twingraph.network.model import network as network_of
        from twingraph.plots.world import country_flows, world_map

        if kind == "timeline":
            raise PlotError("a timeline is drawn for one city; --world and --by-country are for map and network.")
        net = network_of(store, world.languages)
        if kind == "map":
            return world_map(net, country=world.country)
        return country_flows(net, top=top, country=world.country)
    if kind == "network":
        edges, names = partnership_edges(store, languages=languages)
        import pyoxigraph

        sources = _source_sites(store, _SOURCES, pyoxigraph.NamedNode(city)) if city else ()
        return network(edges, names, city=city, depth=depth, top=top, sources=sources)
    data = city_partnerships(store, city or most_connected(store), languages=languages)
    return timeline(data, present=present) if kind == "timeline" else partner_map(data)
