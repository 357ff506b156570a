"""The network exports, read by the real consumers available here: networkx (GraphML, GEXF),
python-igraph (GraphML), the `geojson` package and GeoPandas (GeoJSON), pandas (the edge and node
lists). Gephi and QGIS are desktop programs; these libraries' readers stand in for them."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from tests.conftest import run_cli
from twingraph.network.model import Node
from twingraph.network.writers import _line

PARTNERSHIPS, PLACES = 9, 10


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("network")
    files = {}
    for fmt, name in [("graphml", "kassel.graphml"), ("gexf", "kassel.gexf"), ("geojson", "kassel.geojson"),
                      ("edges-csv", "edges.csv"), ("nodes-csv", "nodes.csv")]:  # fmt: skip
        done = run_cli("export", "-f", fmt, "-o", str(folder / name))
        assert done.returncode == 0, done.stderr
        files[fmt] = folder / name
    return files


def test_networkx_reads_graphml_and_gexf_with_every_attribute(exported: dict[str, Path]) -> None:
    import networkx as nx

    for graph in (nx.read_graphml(exported["graphml"]), nx.read_gexf(exported["gexf"])):
        assert (graph.number_of_nodes(), graph.number_of_edges()) == (PLACES, PARTNERSHIPS)
        kassel = graph.nodes["Q2865"]
        assert kassel["label"] == "Kassel"
        assert kassel["country"] == "Germany"
        assert abs(float(kassel["latitude"]) - 51.3158) < 0.01
        florence = graph.edges["Q2044", "Q2865"]
        assert (florence["start"], florence["kind"], florence["status"]) == (1952, "town twinning", "active")
        assert florence["iri"] == "https://w3id.org/twingraph/id/partnership/florence--kassel"
        assert int(florence["sources"]) >= 1


def test_igraph_reads_the_graphml_with_every_attribute(exported: dict[str, Path]) -> None:
    import igraph

    graph = igraph.Graph.Read_GraphML(str(exported["graphml"]))
    assert (graph.vcount(), graph.ecount()) == (PLACES, PARTNERSHIPS)
    assert not graph.is_directed()
    kassel = graph.vs.find(id="Q2865")
    assert (kassel["label"], kassel["country"]) == ("Kassel", "Germany")
    assert abs(float(kassel["latitude"]) - 51.3158) < 0.01
    florence = graph.es[graph.get_eid(graph.vs.find(id="Q2044").index, kassel.index)]
    assert (int(florence["start"]), florence["kind"], florence["status"]) == (1952, "town twinning", "active")
    assert kassel.degree() == PARTNERSHIPS  # every partnership is Kassel's


def test_geopandas_reads_the_geojson_with_the_datas_coordinates(exported: dict[str, Path]) -> None:
    import geopandas

    frame = geopandas.read_file(exported["geojson"])
    points = frame[frame.geometry.geom_type == "Point"]
    lines = frame[frame.geometry.geom_type.isin(["LineString", "MultiLineString"])]
    assert (len(points), len(lines)) == (PLACES, PARTNERSHIPS)
    kassel = points[points["label"] == "Kassel"].iloc[0]
    assert (round(kassel.geometry.y, 3), round(kassel.geometry.x, 3)) == (51.316, 9.498)
    assert frame.crs is None or frame.crs.to_epsg() == 4326  # RFC 7946: WGS 84 longitude, latitude


def test_the_gexf_edges_are_dynamic_for_gephis_timeline(exported: dict[str, Path]) -> None:
    text = exported["gexf"].read_text(encoding="utf-8")
    assert 'mode="dynamic"' in text
    assert 'timeformat="integer"' in text
    assert 'source="Q2044" target="Q2865" start="1952"' in text


def test_geojson_is_valid_and_its_coordinates_are_the_datas(exported: dict[str, Path]) -> None:
    import geojson

    collection = geojson.loads(exported["geojson"].read_text(encoding="utf-8"))
    assert collection.is_valid, collection.errors()
    points = {f["id"]: f for f in collection["features"] if f["geometry"]["type"] == "Point"}
    lines = [f for f in collection["features"] if f["geometry"]["type"] in ("LineString", "MultiLineString")]
    assert len(points) == PLACES
    assert len(lines) == PARTNERSHIPS
    assert points["Q2865"]["geometry"]["coordinates"] == pytest.approx([9.4979, 51.3127], abs=0.02)
    assert all(line["properties"]["kind"] for line in lines)


def test_a_line_across_the_antimeridian_is_split_there() -> None:
    fiji = Node("a", "a", "Suva", "", "", -18.14, 178.44)
    samoa = Node("b", "b", "Apia", "", "", -13.83, -171.77)
    line = _line(fiji, samoa)
    assert line["type"] == "MultiLineString"
    (first, second) = line["coordinates"]  # type: ignore[misc]
    assert first[1][0] == 180
    assert second[0][0] == -180
    assert first[1][1] == second[0][1]
    assert -18.14 < first[1][1] < -13.83
    assert _line(fiji, Node("c", "c", "Nadi", "", "", -17.8, 177.4))["type"] == "LineString"


def test_pandas_reads_the_edge_and_node_lists(exported: dict[str, Path]) -> None:
    import pandas

    edges = pandas.read_csv(exported["edges-csv"])
    nodes = pandas.read_csv(exported["nodes-csv"])
    assert list(edges.columns[:2]) == ["source", "target"]
    assert len(edges) == PARTNERSHIPS
    assert len(nodes) == PLACES
    assert set(edges["source"]) | set(edges["target"]) == set(nodes["id"])
    assert nodes.set_index("id").loc["Q2865", "label"] == "Kassel"


def test_the_exports_are_deterministic_and_follow_the_suffix(tmp_path: Path, exported: dict[str, Path]) -> None:
    again = run_cli("export", "-o", str(tmp_path / "again.graphml"))
    assert again.returncode == 0
    assert (tmp_path / "again.graphml").read_bytes() == exported["graphml"].read_bytes()
    geo = json.loads(run_cli("export", "-f", "geojson").stdout)
    assert geo["type"] == "FeatureCollection"
    assert io.StringIO(run_cli("--lang", "de", "export", "-f", "nodes-csv").stdout).read().count("Florenz") == 1


def test_the_exports_are_streamed_in_pieces_with_the_same_bytes() -> None:
    from twingraph.network.model import Edge, Network
    from twingraph.network.writers import chunks, write

    nodes = tuple(Node(f"Q{i}", f"https://example.org/id/city/p{i}", f"Place {i}", f"Q{i}", "", 10.0, 20.0)
                  for i in range(3000))  # fmt: skip
    edges = tuple(Edge(f"Q{i}", f"Q{i + 1}", f"https://example.org/id/partnership/{i}", 1990, None, "k", "active", 1)
                  for i in range(2999))  # fmt: skip
    net = Network(nodes, edges)
    for fmt in ("graphml", "gexf", "geojson", "edges-csv", "nodes-csv"):
        pieces = list(chunks(net, fmt))
        assert len(pieces) > 1, fmt  # handed on as made, not held whole
        assert b"".join(pieces) == write(net, fmt)
    # GeoJSON feature by feature is what one json.dumps of the whole collection gives.
    assert json.loads(write(net, "geojson"))["features"][-1]["id"] == "https://example.org/id/partnership/2998"
    empty = write(Network((), ()), "geojson")
    assert empty == (json.dumps({"type": "FeatureCollection", "features": []}, indent=1) + "\n").encode()


def test_a_stream_that_fails_part_way_leaves_the_earlier_file(tmp_path: Path) -> None:
    from twingraph.outputs.files import OutputError, write_atomic

    target = tmp_path / "world.graphml"
    target.write_bytes(b"earlier")

    def broken():  # type: ignore[no-untyped-def]
        yield b"<graphml>"
        raise OSError(28, "No space left on device")

    with pytest.raises(OutputError, match=r"\(No space left on device\); any earlier file there is unchanged"):
        write_atomic(target, broken())
    assert target.read_bytes() == b"earlier"
    assert [p.name for p in tmp_path.iterdir()] == ["world.graphml"]


def test_an_export_is_the_same_bytes_twice(tmp_path: Path, exported: dict[str, Path]) -> None:
    again = tmp_path / "again.graphml"
    assert run_cli("export", "-f", "graphml", "-o", str(again)).returncode == 0
    assert again.read_bytes() == exported["graphml"].read_bytes()
    shown = run_cli("export", "-f", "graphml", "-o", "-")
    assert shown.stdout.encode("utf-8") == exported["graphml"].read_bytes()


def test_places_without_coordinates_are_left_out_of_geojson_with_a_warning(tmp_path: Path) -> None:
    project = tmp_path / "p"
    (project / "data").mkdir(parents=True)
    (project / "twingraph.toml").write_text('[project]\nname = "t"\nbase_iri = "https://example.org/t/"\n', "utf-8")
    listing = tmp_path / "a.csv"
    listing.write_text("place,partner,lat,lng\nKiel,Vaasa,63.1,21.6\nKiel,Brest,,\n", encoding="utf-8")
    assert (
        run_cli(
            "--root", str(project), "import", "csv", str(listing), "--source", "https://e.org/", "--no-reconcile"
        ).returncode
        == 1
    )  # fmt: skip  (unmatched names: review)
    done = run_cli("--root", str(project), "export", "-f", "geojson", "-o", str(tmp_path / "out.geojson"))
    assert done.returncode == 0, done.stderr
    assert "Warning: 2 places have no coordinates; they and their 2 partnerships are left out" in done.stderr
    features = json.loads((tmp_path / "out.geojson").read_text(encoding="utf-8"))["features"]
    assert [f["properties"]["label"] for f in features] == ["Vaasa"]
