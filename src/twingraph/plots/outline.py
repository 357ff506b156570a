"""The world's country outlines (Natural Earth 1:110m, shipped with twingraph), for maps.

The file is TopoJSON from the npm package world-atlas (see naturalearth/README.md). Its
arcs are quantized and delta-encoded; decoding them is a few lines, so no GIS library is
needed for it.
"""

from __future__ import annotations

import itertools
import json
from functools import cache
from importlib import resources

Ring = list[tuple[float, float]]


@cache
def country_outlines() -> tuple[tuple[str, tuple[Ring, ...]], ...]:
    """Every country as (name, rings of (longitude, latitude)); outer rings and holes alike."""
    topology = json.loads(resources.files("twingraph").joinpath("plots/naturalearth/countries-110m.json").read_bytes())
    arcs = _decode_arcs(topology)
    countries = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        polygons = geometry.get("arcs", [])
        if geometry["type"] == "Polygon":
            polygons = [polygons]
        rings = tuple(_unwrap(_ring(ring, arcs)) for polygon in polygons for ring in polygon)
        countries.append((str(geometry.get("properties", {}).get("name", "")), rings))
    return tuple(countries)


def _decode_arcs(topology: dict) -> list[Ring]:  # type: ignore[type-arg]
    (scale_x, scale_y), (shift_x, shift_y) = topology["transform"]["scale"], topology["transform"]["translate"]
    decoded = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * scale_x + shift_x, y * scale_y + shift_y))
        decoded.append(points)
    return decoded


def _ring(indexes: list[int], arcs: list[Ring]) -> Ring:
    """A ring from its arcs; a negative index ~i means arc i reversed. Shared end points appear once."""
    ring: Ring = []
    for index in indexes:
        points = arcs[index] if index >= 0 else arcs[~index][::-1]
        ring.extend(points if not ring else points[1:])
    return ring


def _unwrap(ring: Ring) -> Ring:
    """A ring that crosses the antimeridian (Russia's Chukotka, Fiji) continued past 180° instead,
    so that filling it does not paint a band across the whole map."""
    crosses = any(abs(b[0] - a[0]) > 180 for a, b in itertools.pairwise(ring))
    return [(x + 360 if x < 0 else x, y) for x, y in ring] if crosses else ring
