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
from twingraph.formats import EXPORT_FORMATS
from twingraph.offline import offline
from twingraph.rdf.export import serialize

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
    shipped = json.loads((REPO / "src" / "twingraph" / "rdf" / "context.jsonld").read_text())
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


def test_csv_orders_partners_by_iri_and_joins_lists(tmp_path: Path) -> None:
    # "…/a-b" sorts before "…/a" as "<…>" strings but after it as IRIs: the CSV uses IRI order.
    # The partnership stands in two files, as a build's data and ontology may repeat a triple.
    head = """@prefix tw: <https://w3id.org/twingraph/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix schema: <https://schema.org/> .
@prefix ex: <http://example.org/> .
"""
    body = """ex:p a tw:Partnership ; tw:partner ex:a-b , ex:a ; tw:kind ex:k ; tw:startDate "1990" ;
    tw:theme ex:t2 , ex:t1 ; dct:source ex:s1 , ex:s2 .
ex:a rdfs:label "A"@en , "A-de"@de ; tw:wikidataEntity <http://www.wikidata.org/entity/Q1> .
ex:a-b rdfs:label "AB"@en .
ex:k rdfs:label "kind"@en , "Art"@de .
ex:t1 rdfs:label "one"@en . ex:t2 rdfs:label "two"@en .
ex:s1 schema:url <http://example.org/s1> . ex:s2 schema:url <http://example.org/s2> .
ex:lonely a tw:Partnership .
"""
    (tmp_path / "one.ttl").write_text(head + body, encoding="utf-8")
    (tmp_path / "two.ttl").write_text(head + body, encoding="utf-8")
    shown = run_cli("export", "-f", "csv", str(tmp_path / "one.ttl"), str(tmp_path / "two.ttl"))
    assert shown.returncode == 0, shown.stderr
    [row] = list(csv.DictReader(io.StringIO(shown.stdout)))  # a partnership without partners has no row
    assert (row["partner_a"], row["partner_a_wikidata"], row["partner_b"]) == (
        "A",
        "http://www.wikidata.org/entity/Q1",
        "AB",
    )
    assert (row["kind"], row["start"], row["themes"]) == ("kind", "1990", "one; two")
    assert row["sources"] == "http://example.org/s1; http://example.org/s2"


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


def test_the_long_csv_has_each_partnership_once_per_place() -> None:
    import csv
    import io

    from tests.conftest import run_cli

    wide = list(csv.DictReader(io.StringIO(run_cli("export", "-f", "csv").stdout)))
    long = list(csv.DictReader(io.StringIO(run_cli("export", "-f", "csv-long").stdout)))
    assert len(long) == 2 * len(wide) == 18
    kassel = [row for row in long if row["place_name"] == "Kassel"]
    assert sorted(row["partner_name"] for row in kassel) == sorted(
        row["partner_b"] if row["partner_a"] == "Kassel" else row["partner_a"] for row in wide
    )
    florence = next(row for row in long if row["place_name"] == "Florence")
    assert florence["partner_name"] == "Kassel"
    assert florence["partner_wikidata"] == "http://www.wikidata.org/entity/Q2865"
    assert florence["start"] == "1952"
    assert florence["partnership"] == "https://w3id.org/twingraph/id/partnership/florence--kassel"


def test_csv_names_in_the_languages_asked_for_then_english_german_any() -> None:
    german = list(csv.DictReader(io.StringIO(run_cli("--lang", "de", "export", "-f", "csv").stdout)))
    florence = next(r for r in german if r["partnership"].endswith("florence--kassel"))
    assert (florence["partner_a"], florence["kind"], florence["start_precision"]) == (
        "Florenz",
        "Städtepartnerschaft",
        "Jahr",
    )
    italian_first = list(csv.DictReader(io.StringIO(run_cli("--lang", "it,de", "export", "-f", "csv").stdout)))
    rows = {r["partnership"].rsplit("/", 1)[-1]: r for r in italian_first}
    assert rows["florence--kassel"]["partner_a"] == "Firenze"  # Italian where there is one
    assert rows["florence--kassel"]["kind"] == "Städtepartnerschaft"  # else German, as asked
    refused = run_cli("--lang", "not a tag", "export", "-f", "csv")
    assert refused.returncode == 2
