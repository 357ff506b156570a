"""`twingraph plot`: timeline, map and network, deterministic SVG with text kept as text, and PNGs.

The PNGs land in the session's temporary folder (`plots/` under pytest's basetemp) for people
to look at; nothing is written into the repository.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.conftest import REPO, run_cli, write_world
from twingraph.plots.draw import PlotError, city_partnerships, draw, render
from twingraph.project import bundled_project
from twingraph.rdf.load import load_graph, load_project_graph

SVG = "{http://www.w3.org/2000/svg}"
CITY = "https://w3id.org/twingraph/id/city/"
KASSEL_PARTNERS = ["Florence", "Rovaniemi", "Berlin-Mitte", "Arnstadt", "İzmit", "Mulhouse", "Ramat Gan",
                   "Västerås", "Yaroslavl"]  # fmt: skip


@pytest.fixture(scope="module")
def store():  # type: ignore[no-untyped-def]
    project = bundled_project()
    return load_project_graph(project, max_bytes=64 * 1024 * 1024).store


def _texts(svg: bytes) -> str:
    root = ET.fromstring(svg)  # well-formed XML, or this raises
    return " ".join("".join(node.itertext()) for node in root.iter(f"{SVG}text"))


@pytest.fixture(scope="session")
def pictures(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("plots")


def _save_png(pictures: Path, figure_kind: str, city: str | None, store, name: str, **options) -> None:  # type: ignore[no-untyped-def]
    png = render(draw(figure_kind, store, city=city, present=2026.9, **options), "png")
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    (pictures / name).write_bytes(png)


@pytest.mark.parametrize("kind", ["timeline", "map", "network"])
def test_kassel_plots_name_every_partner_as_text(store, kind: str, pictures: Path) -> None:  # type: ignore[no-untyped-def]
    svg = render(draw(kind, store, city=CITY + "kassel", present=2026.9), "svg")
    texts = _texts(svg)
    for name in KASSEL_PARTNERS:
        assert name in texts, (kind, name)  # Mulhouse, undated, is named in the timeline's note
    assert "Data: twingraph, sources:" in texts
    assert "Kassel" in texts
    _save_png(pictures, kind, CITY + "kassel", store, f"kassel-{kind}.png")


def test_timeline_marks_the_historical_context(store) -> None:  # type: ignore[no-untyped-def]
    texts = _texts(render(draw("timeline", store, city=CITY + "kassel", present=2026.9), "svg"))
    assert "Cold War" in texts
    assert "1989: fall of the Berlin Wall" in texts
    assert "1999 İzmit earthquake" in texts
    assert "since 1972-08-14" in texts
    assert "Not dated: Mulhouse." in texts


def test_a_decade_is_drawn_as_a_span() -> None:
    from twingraph.plots.data import _year

    assert _year("1950", "DecadePrecision") == (1950.0, 1960.0)
    assert _year("1952", "YearPrecision") == (1952.0, 1953.0)
    start, end = _year("1972-08-14", "DayPrecision")
    assert 1972.6 < start < end < 1972.63


@pytest.mark.parametrize("kind", ["timeline", "map", "network"])
def test_a_city_with_one_partner(store, kind: str, pictures: Path) -> None:  # type: ignore[no-untyped-def]
    data = city_partnerships(store, CITY + "florence")
    assert [p.partner_name for p in data.partnerships] == ["Kassel"]
    texts = _texts(render(draw(kind, store, city=CITY + "florence", present=2026.9), "svg"))
    assert "Kassel" in texts
    assert "Florence" in texts
    _save_png(pictures, kind, CITY + "florence", store, f"florence-{kind}.png")


def test_a_city_with_no_dated_partnerships_gets_a_message_not_an_empty_axis(store, pictures: Path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PlotError, match="Mulhouse has no dated partnerships"):
        draw("timeline", store, city=CITY + "mulhouse", present=2026.9)
    # The map and the network need no dates.
    assert "Kassel" in _texts(render(draw("map", store, city=CITY + "mulhouse", present=2026.9), "svg"))
    assert "Kassel" in _texts(render(draw("network", store, city=CITY + "mulhouse", present=2026.9), "svg"))
    _save_png(pictures, "map", CITY + "mulhouse", store, "mulhouse-map.png")
    result = run_cli("plot", "timeline", "Mulhouse", "-o", "-")
    assert result.returncode == 2
    assert result.stderr == (
        "Error: Mulhouse has no dated partnerships, so there is no timeline to draw; "
        "`twingraph query run partners` lists its partnerships.\n"
    )


@pytest.mark.parametrize("kind", ["timeline", "map", "network"])
def test_the_same_data_gives_the_same_svg_bytes(tmp_path: Path, kind: str) -> None:
    first, second = tmp_path / "first.svg", tmp_path / "second.svg"
    for target in (first, second):  # two processes: no state carries over
        result = run_cli("plot", kind, "Kassel", "-o", str(target))
        assert result.returncode == 0, result.stderr
    assert first.read_bytes() == second.read_bytes()
    assert b"<text" in first.read_bytes()  # text kept as text: selectable and searchable


def test_png_by_suffix_and_svg_on_stdout(tmp_path: Path) -> None:
    png = tmp_path / "kassel-map.png"
    assert run_cli("plot", "map", "Kassel", "-o", str(png)).returncode == 0
    assert png.read_bytes().startswith(b"\x89PNG")
    svg = run_cli("plot", "map", "-o", "-")  # the most connected place by default: Kassel
    assert svg.returncode == 0
    assert "Town twinnings of Kassel" in svg.stdout


def test_without_o_a_picture_goes_to_a_named_file(tmp_path: Path) -> None:
    result = run_cli("--root", str(REPO), "plot", "network", "Kassel", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr == "Wrote kassel-network.svg.\n"
    assert (tmp_path / "kassel-network.svg").read_bytes().startswith(b"<?xml")
    png = run_cli("--root", str(REPO), "plot", "timeline", "-f", "png", cwd=tmp_path)
    assert png.stderr == "Wrote kassel-timeline.png.\n"
    assert (tmp_path / "kassel-timeline.png").read_bytes().startswith(b"\x89PNG")


def test_an_unknown_city_is_a_clear_error() -> None:
    result = run_cli("plot", "map", "Atlantis")
    assert result.returncode == 2
    assert "no place is called 'Atlantis'" in result.stderr


def test_the_readme_pictures_are_the_projects_own_output() -> None:
    for kind in ("map", "timeline"):
        result = run_cli("plot", kind, "Kassel", "-o", "-")
        assert result.returncode == 0
        assert (REPO / "docs" / f"kassel-{kind}.svg").read_text(encoding="utf-8") == result.stdout, (
            f"docs/kassel-{kind}.svg is stale: run `twingraph plot {kind} Kassel -o docs/kassel-{kind}.svg`"
        )


def test_the_world_network_shows_the_best_connected_places(tmp_path: Path, pictures: Path) -> None:
    path = write_world(tmp_path / "world.ttl")
    loaded = load_graph([REPO / "ontology", path], max_bytes=512 * 1024 * 1024)
    from twingraph.plots.draw import partnership_edges

    edges, names = partnership_edges(loaded.store)
    degree: dict[str, int] = {}
    for a, b in edges:
        degree[a] = degree.get(a, 0) + 1
        degree[b] = degree.get(b, 0) + 1
    best = sorted(degree, key=lambda place: (-degree[place], names.get(place, place)))[:5]
    figure = draw("network", loaded.store, city=None, present=2026.9, top=30)
    texts = _texts(render(figure, "svg"))
    assert "The 30 best-connected places" in texts
    for place in best:
        assert names[place] in texts
    (pictures / "world-network.png").write_bytes(render(figure, "png"))


@pytest.fixture(scope="module")
def world_store(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The benchmark's world (the Wikipedia list's 25,000 partnerships, with coordinates and countries)."""
    path = write_world(tmp_path_factory.mktemp("world") / "world.ttl")
    return load_graph([REPO / "ontology", path], max_bytes=512 * 1024 * 1024).store


def _located_world(places: int = 10_055, partnerships: int = 17_401):  # type: ignore[no-untyped-def]
    """A network the size of the 2016 crawl, every place at a seeded random point; some without one."""
    import random

    from twingraph.network.model import Edge, Network, Node

    rng = random.Random(190)
    nodes = tuple(
        Node(f"Q{i}", f"https://example.org/id/city/p{i}", f"Place {i}", f"Q{i}", "",
             None if i % 50 == 0 else round(rng.uniform(-50, 70), 4),
             None if i % 50 == 0 else round(rng.uniform(-180, 180), 4))
        for i in range(places)
    )  # fmt: skip
    pairs = sorted({tuple(sorted(rng.sample(range(places), 2))) for _ in range(partnerships)})
    edges = tuple(Edge(f"Q{a}", f"Q{b}", f"https://example.org/id/partnership/{a}--{b}", None, None, "", "", 1)
                  for a, b in pairs)  # fmt: skip
    return Network(nodes, edges)


def test_the_world_map_draws_every_located_partnership_as_one_faint_collection(pictures: Path) -> None:
    from matplotlib.collections import LineCollection

    from twingraph.plots.world import world_map

    net = _located_world()
    nodes = {n.id: n for n in net.nodes}
    located = [e for e in net.edges if all(nodes[i].latitude is not None for i in (e.source, e.target))]
    assert 15_000 < len(located) < len(net.edges)
    figure = world_map(net)
    (lines,) = [c for c in figure.axes[0].collections if isinstance(c, LineCollection)]
    crossing = sum(1 for e in located if abs((nodes[e.source].longitude or 0) - (nodes[e.target].longitude or 0)) > 180)
    assert crossing > 0
    assert len(lines.get_segments()) == len(located) + crossing  # the antimeridian splits a line in two
    assert lines.get_alpha() < 0.1  # faint: density shows where lines pile up
    texts = _texts(render(figure, "svg"))
    assert f"Town twinnings of the world: {len(located):,} partnerships between" in texts
    assert f"{len(net.edges) - len(located):,} partnerships lack coordinates at an end and are not drawn" in texts
    (pictures / "world-map.png").write_bytes(render(figure, "png"))


def test_the_flows_between_countries_sum_the_partnerships_abroad(world_store, pictures: Path) -> None:  # type: ignore[no-untyped-def]
    from collections import Counter

    from twingraph.network.model import network
    from twingraph.plots.draw import World

    net = network(world_store)
    countries = {n.id: n.country for n in net.nodes}
    abroad: Counter[str] = Counter()
    for e in net.edges:
        a, b = countries[e.source], countries[e.target]
        if a and b and a != b:
            abroad[a] += 1
            abroad[b] += 1
    first = min(abroad, key=lambda c: (-abroad[c], c))
    figure = draw("network", world_store, city=None, present=2026.9, top=12, world=World())
    texts = _texts(render(figure, "svg"))
    assert "Town twinnings between countries: the 12 with the most" in texts
    assert f"{first} ({abroad[first]:,})" in texts
    one = draw("network", world_store, city=None, present=2026.9, top=12, world=World(country=first))
    assert f"Town twinnings of {first} by partner country" in _texts(render(one, "svg"))
    (pictures / "world-flows.png").write_bytes(render(figure, "png"))


def test_a_line_across_the_antimeridian_goes_the_short_way_in_two_pieces() -> None:
    from twingraph.network.model import Node
    from twingraph.plots.world import _segments

    fiji = Node("Q1", "i1", "Suva", "Q1", "", -18.0, 178.0)
    samoa = Node("Q2", "i2", "Apia", "Q2", "", -14.0, -172.0)
    first, second = _segments(fiji, samoa)
    assert first[0] == (178.0, -18.0)
    assert first[1][0] == 180.0
    assert second[0][0] == -180.0
    assert second[1] == (-172.0, -14.0)
    assert first[1][1] == pytest.approx(second[0][1]) == pytest.approx(-18.0 + 4.0 * 2 / 10)


def test_the_world_pictures_from_the_command_line(tmp_path: Path) -> None:
    drawn = run_cli("plot", "map", "--world", "--country", "Italy", "-o", str(tmp_path / "italy.svg"))
    assert drawn.returncode == 0, drawn.stderr
    assert "Town twinnings with a place in Italy: 1 partnerships between 2 places" in _texts(
        (tmp_path / "italy.svg").read_bytes()
    )
    again = run_cli("plot", "map", "--world", "--country", "Italy", "-o", "-")
    assert again.stdout.encode() == (tmp_path / "italy.svg").read_bytes()  # the same data, the same bytes
    for args, message in (
        (["map", "Kassel", "--world"], "not both"),
        (["timeline", "--world"], "--world goes with map"),
        (["map", "--country", "Italy"], "--country goes with"),
        (["map", "--world", "--country", "Atlantis"], "no partnership has a place in 'Atlantis'"),
    ):
        refused = run_cli("plot", *args, "-o", str(tmp_path / "x.svg"))
        assert refused.returncode == 2, args
        assert message in refused.stderr
        assert "Traceback" not in refused.stderr


def test_flows_between_countries_that_are_not_partners_still_draw() -> None:
    """The two countries with the most partnerships abroad need not be partners of each other."""
    from twingraph.network.model import Edge, Network, Node
    from twingraph.plots.world import country_flows

    # Aland and Borduria each have three partnerships abroad, with six other countries, none with each other.
    countries = ["Aland", "Borduria", "C1", "C2", "C3", "C4", "C5", "C6"]
    nodes = tuple(Node(f"Q{i}", f"i{i}", f"P{i}", f"Q{i}", c, None, None) for i, c in enumerate(countries))
    pairs = [(0, 2), (0, 3), (0, 4), (1, 5), (1, 6), (1, 7)]
    edges = tuple(Edge(f"Q{a}", f"Q{b}", f"e{a}-{b}", None, None, "", "", 1) for a, b in pairs)
    figure = country_flows(Network(nodes, edges), top=2)
    texts = _texts(render(figure, "svg"))
    assert "Aland (3)" in texts
    assert "Borduria (3)" in texts
