"""Bad input gets a clear error naming the file, never a traceback or "a bug in twingraph"."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import REPO, run_cli


def test_a_utf8_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.ttl"
    path.write_bytes(b"\xef\xbb\xbf" + (REPO / "data" / "kassel.ttl").read_bytes())
    result = run_cli("validate", str(path))
    assert result.returncode == 0, result.stderr
    assert "Conforms (1522 triples in 3 files)" in result.stdout


def test_named_graph_triples_are_data_and_counted(tmp_path: Path) -> None:
    quads = tmp_path / "graphs.nq"
    quads.write_text("<urn:a> <urn:b> <urn:c> <urn:g> .\n<urn:a> <urn:d> <urn:c> .\n")
    trig = tmp_path / "graphs.trig"
    trig.write_text("<urn:g> { <urn:e> <urn:b> <urn:c> . <urn:e> <urn:b> <urn:f> . }\n")
    ontology_only = run_cli("validate", str(tmp_path / "graphs.nq"))
    assert ontology_only.returncode == 0, ontology_only.stderr
    assert "(889 triples in 3 files)" in ontology_only.stdout
    both = run_cli("validate", str(quads), str(trig))
    assert "(891 triples in 4 files)" in both.stdout
    summary = run_cli("summary", str(trig))
    assert summary.returncode == 0, summary.stderr
    assert "graphs.trig (2 triples)" in summary.stdout


def test_a_literal_over_the_parser_buffer_is_named_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "big.nt"
    path.write_bytes(b'<urn:a> <urn:b> <urn:c> .\n<urn:a> <urn:b> "' + b"x" * (17 * 1024 * 1024) + b'" .\n')
    result = run_cli("validate", str(path))
    assert result.returncode == 2
    assert result.stderr == (
        f"Error: {path}: a token (a literal or an IRI) over 16 MiB, the most the RDF parser holds, near line 2. "
        "Shorten that value, or keep large texts outside the RDF and link to them.\n"
    )


def test_json_ld_nested_50000_deep_is_refused_plainly(tmp_path: Path) -> None:
    path = tmp_path / "deep.jsonld"
    depth = 50_000
    path.write_text('{"@context": {"a": "urn:a"}, "@id": "urn:x", "a": ' + "[" * depth + "1" + "]" * depth + "}")
    result = run_cli("validate", str(path))
    assert result.returncode == 2
    assert result.stderr.startswith(f"Error: {path}: the JSON is nested too deeply")
    assert "bug" not in result.stderr


def test_a_parameter_given_twice_is_refused() -> None:
    result = run_cli("query", "run", "partners", "-p", "city=Kassel", "-p", "city=Florence")
    assert result.returncode == 2
    assert "city is given twice ('Kassel' and 'Florence')" in result.stderr


@pytest.mark.parametrize(
    ("name", "text", "code_point"),
    [
        ("raw.ttl", '<urn:a> <http://www.w3.org/2000/01/rdf-schema#label> "x\x0by"@en .\n', "U+000B"),
        ("escaped.ttl", '<urn:a> <http://www.w3.org/2000/01/rdf-schema#label> "x\\u0001y"@en .\n', "U+0001"),
        ("long.nt", '<urn:a> <http://www.w3.org/2000/01/rdf-schema#label> "x\\U0000001Fy"@en .\n', "U+001F"),
        ("nonchar.ttl", '<urn:a> <http://www.w3.org/2000/01/rdf-schema#label> "x\\uFFFEy"@en .\n', "U+FFFE"),
        ("ld.jsonld", '{"@id": "urn:a", "http://www.w3.org/2000/01/rdf-schema#label": "x\\u0000y"}', "U+0000"),
    ],
)
def test_a_literal_no_xml_can_hold_is_refused_where_it_stands(
    tmp_path: Path, name: str, text: str, code_point: str
) -> None:
    path = tmp_path / name
    path.write_text("\n" + text, encoding="utf-8")
    shown = run_cli("validate", str(path))
    assert shown.returncode == 2
    assert f"{name}, line 2: the control character {code_point} stands in the text" in shown.stderr


def test_a_list_with_a_control_character_or_random_bytes_is_refused(tmp_path: Path) -> None:
    import random

    root = tmp_path / "city"
    (root / "data").mkdir(parents=True)
    (root / "twingraph.toml").write_text('[project]\nname = "city"\nbase_iri = "https://example.org/c/"\n')
    listed = tmp_path / "list.csv"
    listed.write_text("Partnerstadt;Land\nKiel;Deutschland\nBre\x01st;Frankreich\n", encoding="utf-8")
    shown = run_cli("--root", str(root), "import", "csv", str(listed), "--source", "https://x.org/l", "--city", "Alpha",
                    "--no-reconcile")  # fmt: skip
    assert shown.returncode == 2
    assert "list.csv, line 3: the control character U+0001" in shown.stderr
    noise = tmp_path / "noise.csv"
    dice = random.Random(7)
    noise.write_bytes(bytes(dice.randrange(1, 256) for _ in range(4000)))
    shown = run_cli("--root", str(root), "import", "csv", str(noise), "--source", "https://x.org/l", "--city", "Alpha",
                    "--no-reconcile")  # fmt: skip
    assert shown.returncode == 2
    assert "the control character" in shown.stderr
    assert not list((root / "data").iterdir())
