"""`twingraph export`: every format round-trips to the data, deterministically."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from tests.conftest import REPO, run_cli
from twingraph.export import EXPORT_FORMATS, serialize
from twingraph.offline import offline

RDFLIB_NAMES = {"turtle": "turtle", "nt": "nt", "rdfxml": "xml", "jsonld": "json-ld"}


@pytest.fixture(scope="module")
def data() -> Graph:
    return Graph().parse(REPO / "data" / "kassel.ttl")


@pytest.mark.parametrize("fmt", sorted(RDFLIB_NAMES))
def test_every_rdf_format_is_isomorphic_to_the_data(data: Graph, fmt: str) -> None:
    shown = run_cli("export", "-f", fmt)
    assert shown.returncode == 0, shown.stderr
    with offline():  # reading our JSON-LD fetches nothing: the context is embedded
        back = Graph().parse(data=shown.stdout, format=RDFLIB_NAMES[fmt])
    assert isomorphic(back, data)


@pytest.mark.parametrize("fmt", [f.name for f in EXPORT_FORMATS])
def test_two_processes_write_the_same_bytes(fmt: str) -> None:
    # Separate processes have different hash seeds, so set and dict order cannot leak in.
    first, second = run_cli("export", "-f", fmt), run_cli("export", "-f", fmt)
    assert first.returncode == second.returncode == 0
    assert first.stdout == second.stdout
    assert len(first.stdout) > 1000


def test_json_ld_is_compacted_with_our_context(data: Graph) -> None:
    document = json.loads(serialize(data, "jsonld"))
    shipped = json.loads((REPO / "src" / "twingraph" / "context.jsonld").read_text())
    assert document["@context"] == shipped["@context"]
    kassel = next(node for node in document["@graph"] if node["id"] == "cities:kassel")
    assert kassel["label"] == {"de": "Kassel", "en": "Kassel"}
    assert kassel["wikidataEntity"] == "wd:Q2865"
    assert kassel["twinnedWith"] == sorted(kassel["twinnedWith"])


def test_csv_has_one_row_per_partnership() -> None:
    shown = run_cli("export", "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(shown.stdout)))
    assert len(rows) == 9
    florence = next(r for r in rows if r["partnership"].endswith("florence--kassel"))
    assert florence["partner_a"] == "Florence"
    assert florence["partner_b"] == "Kassel"
    assert florence["partner_b_wikidata"] == "http://www.wikidata.org/entity/Q2865"
    assert (florence["kind"], florence["start"], florence["start_precision"], florence["themes"]) == (
        "town twinning",
        "1952",
        "year",
        "culture",
    )
    assert florence["sources"].startswith("http")


def test_output_file_takes_its_format_from_the_suffix(tmp_path: Path, data: Graph) -> None:
    out = tmp_path / "kassel.jsonld"
    shown = run_cli("export", "-o", str(out))
    assert shown.returncode == 0, shown.stderr
    assert isomorphic(Graph().parse(out, format="json-ld"), data)


def test_export_refuses_to_overwrite_its_input(tmp_path: Path) -> None:
    copy = tmp_path / "kassel.ttl"
    copy.write_bytes((REPO / "data" / "kassel.ttl").read_bytes())
    before = copy.read_bytes()
    shown = run_cli("export", str(copy), "-o", str(copy))
    assert shown.returncode == 2
    assert "is an input of this command; refusing to overwrite it" in shown.stderr
    assert copy.read_bytes() == before


def test_blank_nodes_are_refused_with_a_reason(tmp_path: Path) -> None:
    path = tmp_path / "blank.ttl"
    path.write_text("@prefix tw: <https://w3id.org/twingraph/ontology#> .\n[] tw:partner [] .\n")
    shown = run_cli("export", str(path), "-f", "nt")
    assert shown.returncode == 2
    assert "blank nodes" in shown.stderr
    assert "Traceback" not in shown.stderr
