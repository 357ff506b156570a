"""`twingraph validate` as a user runs it: exit codes, reports, errors without tracebacks."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal
from rdflib.namespace import RDF, SH, XSD

from tests.conftest import FIXTURES, REPO, run_cli, write_world
from twingraph.cli import cli
from twingraph.shacl.validate import SLOW_ENGINE_NOTICE_TRIPLES

BAD = FIXTURES / "bad"
BAD_INPUTS = [
    "unterminated-string.ttl",
    "missing-final-dot.ttl",
    "bad-language-tag.ttl",
    "undeclared-prefix.ttl",
    "truncated.ttl",
    "latin1.ttl",
    "empty.ttl",
    "no-triples.ttl",
    "remote-context.jsonld",
    "file-context.jsonld",
    "relative-context.jsonld",
    "import-context.jsonld",
    "billion-laughs.rdf",
    "xxe.rdf",
    "empty-folder",
    "missing.ttl",
]


def test_bundled_data_conforms(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["validate"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Conforms (")
    assert "0 violations, 0 warnings" in result.output


def _planted_copy(tmp_path: Path) -> Path:
    text = (REPO / "data" / "kassel.ttl").read_text(encoding="utf-8")
    broken = text.replace(
        "tw:wikidataEntity wd:Q163966 ;", "tw:wikidataEntity <https://www.wikidata.org/wiki/Q163966> ;"
    )
    broken = broken.replace('tw:startDate "1989"^^xsd:gYear', 'tw:startDate "2989"^^xsd:gYear')
    assert broken.count("wikidata.org/wiki/") == 1
    assert "2989" in broken
    path = tmp_path / "kassel-broken.ttl"
    path.write_text(broken, encoding="utf-8")
    return path


def test_planted_errors_are_reported_by_place(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["validate", str(_planted_copy(tmp_path))])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert "Berlin-Mitte  <https://w3id.org/twingraph/id/city/berlin-mitte>" in lines
    assert "  Violation tw:wikidataEntity = <https://www.wikidata.org/wiki/Q163966>" in lines
    assert any("A Wikidata link must be one IRI of the form" in line for line in lines)
    assert "Kassel – Arnstadt  <https://w3id.org/twingraph/id/partnership/arnstadt--kassel>" in lines
    assert "            The date 2989 lies in the future." in lines
    assert lines[-1] == "Does not conform (1522 triples in 3 files): 2 violations on 2 resources, 0 warnings."


def test_turtle_report_is_a_standard_shacl_report(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["validate", "-f", "turtle", str(_planted_copy(tmp_path))])
    assert result.exit_code == 1
    report = Graph().parse(data=result.stdout, format="turtle")
    node = report.value(predicate=RDF.type, object=SH.ValidationReport)
    assert report.value(node, SH.conforms) == Literal(False, datatype=XSD.boolean)
    assert len(list(report.objects(node, SH.result))) == 2


def test_json_report(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["validate", "-f", "json", str(_planted_copy(tmp_path))])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["conforms"] is False
    assert {r["focusLabel"] for r in data["results"]} == {"Berlin-Mitte", "Kassel – Arnstadt"}
    assert {r["constraintComponent"] for r in data["results"]} == {
        "sh:PatternConstraintComponent",
        "sh:SPARQLConstraintComponent",
    }


def test_other_shapes_can_be_given(runner: CliRunner, tmp_path: Path) -> None:
    shapes = tmp_path / "strict.ttl"
    shapes.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix tw: <https://w3id.org/twingraph/ontology#> .\n"
        "<#S> a sh:NodeShape ; sh:targetClass tw:Partnership ;\n"
        '  sh:property [ sh:path tw:endDate ; sh:minCount 1 ; sh:message "needs an end" ] .\n',
        encoding="utf-8",
    )
    result = runner.invoke(cli, ["validate", "--shapes", str(shapes)])
    assert result.exit_code == 1
    assert result.output.count("needs an end") == 9


def _digest(paths: list[Path]) -> dict[Path, str]:
    return {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}


@pytest.mark.parametrize("name", BAD_INPUTS)
def test_bad_input_exits_2_with_one_clear_line(name: str) -> None:
    watched = sorted(p for p in (REPO / "data").iterdir()) + sorted(p for p in BAD.glob("*.*"))
    before = _digest(watched)
    result = run_cli("validate", str(BAD / name))
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"Error: tests/fixtures/bad/{name}")
    assert len(result.stderr.splitlines()) == 1
    assert "Traceback" not in result.stderr
    assert _digest(watched) == before


@pytest.mark.parametrize(
    "name",
    [
        "unterminated-string.ttl",
        "missing-final-dot.ttl",
        "bad-language-tag.ttl",
        "undeclared-prefix.ttl",
        "truncated.ttl",
    ],
)
def test_bad_turtle_under_python_optimize(name: str) -> None:
    plain = run_cli("validate", str(BAD / name))
    optimized = run_cli("validate", str(BAD / name), python_flags=("-O",))
    assert optimized.returncode == 2
    assert optimized.stderr == plain.stderr
    assert ", line " in optimized.stderr


def test_size_cap_from_the_command_line(tmp_path: Path) -> None:
    copy = tmp_path / "kassel.ttl"
    shutil.copy(REPO / "data" / "kassel.ttl", copy)
    with copy.open("a", encoding="utf-8") as handle:
        handle.write("# padding\n" * 10_000)
    result = run_cli("--max-input-mb", "0.05", "validate", str(copy))
    assert result.returncode == 2
    assert result.stderr.startswith(f"Error: {copy}: the file is ")
    assert "more than the limit of 52,428." in result.stderr
    assert "max_input_mb" in result.stderr


def test_usage_errors_exit_2(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["validate", "-f", "yaml"])
    assert result.exit_code == 2
    assert "Invalid value for '-f' / '--format'" in result.output


def test_warnings_are_counted_with_the_resources_they_concern() -> None:
    from twingraph.shacl.reports import verdict
    from twingraph.shacl.validate import Finding, ValidationReport

    def finding(severity: str, focus: str) -> Finding:
        return Finding(focus=focus, focus_label=focus, severity=severity, message="m", component="c")

    findings = (finding("Violation", "urn:a"), finding("Violation", "urn:a"), finding("Warning", "urn:b"),
                finding("Warning", "urn:c"), finding("Warning", "urn:d"))  # fmt: skip
    report = ValidationReport(conforms=False, findings=findings, report=Graph())
    assert verdict(report) == "Does not conform: 2 violations on 1 resource, 3 warnings on 3 resources."


def test_build_into_the_project_root_names_what_the_project_has(tmp_path: Path) -> None:
    root = tmp_path / "project"
    (root / "data").mkdir(parents=True)
    shutil.copy(REPO / "data" / "kassel.ttl", root / "data")
    shutil.copy(REPO / "twingraph.toml", root)
    built = run_cli("--root", str(root), "build", "--out", str(root))
    assert built.returncode == 2
    assert "ontology" not in built.stderr
    assert "would overwrite the project's own" in built.stderr


def test_a_world_holding_long_beach_builds_with_the_fast_engine(tmp_path: Path) -> None:
    """Cities named Long…/Int… once sent the world's build to pyshacl (over 90 minutes). A world
    slice of several thousand triples with Long Beach, Longwy and Int… places builds on the fast
    engine: nothing says pyshacl, and the build conforms."""
    project = tmp_path / "world"
    (project / "data").mkdir(parents=True)
    (project / "twingraph.toml").write_text('[project]\nname = "world"\n', encoding="utf-8")
    data = write_world(project / "data" / "world.ttl", pairs=700)
    text = data.read_text(encoding="utf-8")
    # Prefixed names, as `wikidata import --all` writes them: `city:long-beach` spells "long".
    prefixes = {
        "city": "https://w3id.org/twingraph/id/city/", "country": "https://w3id.org/twingraph/id/country/",
        "source": "https://w3id.org/twingraph/id/source/", "tw": "https://w3id.org/twingraph/ontology#",
        "rdfs": "http://www.w3.org/2000/01/rdf-schema#", "dct": "http://purl.org/dc/terms/",
    }  # fmt: skip
    cities = "".join(f"\n@prefix {name}: <{iri}> ." for name, iri in prefixes.items()) + "\n"
    for slug, name, qid in (("long-beach", "Long Beach", "Q16739"), ("longwy", "Longwy", "Q212420"),
                            ("int-ville", "Intville", "Q999999991")):  # fmt: skip
        cities += (
            f'city:{slug} a tw:Municipality ; rdfs:label "{name}"@en ; tw:country country:q30 ; '
            f"tw:wikidataEntity <http://www.wikidata.org/entity/{qid}> ; dct:source source:wikidata-p190-2016 .\n"
        )
    data.write_text(text + cities, encoding="utf-8")
    done = run_cli("--root", str(project), "build", "--out", str(tmp_path / "dist"))
    assert done.returncode == 0, done.stderr
    assert "pyshacl" not in done.stderr
    triples = int(re.search(r"([\d,]+) triples\.", done.stdout).group(1).replace(",", ""))  # type: ignore[union-attr]
    assert triples > SLOW_ENGINE_NOTICE_TRIPLES  # large enough that `auto` would have said so
    assert (None, None, Literal("Long Beach", lang="en")) in Graph().parse(tmp_path / "dist" / "world.ttl")


def test_auto_says_so_before_it_hands_a_large_graph_to_pyshacl(tmp_path: Path) -> None:
    """A literal of a datatype the store rewrites (xsd:long) needs pyshacl: on more than a few
    thousand triples `auto` warns before it starts, with the reason; on a small graph it does not."""
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "<urn:shape> a sh:NodeShape ; sh:targetClass <urn:Absent> ;"
        " sh:property [ sh:path <urn:n> ; sh:maxCount 1 ] .\n",
        encoding="utf-8",
    )
    for count, warned in ((6_000, True), (100, False)):
        data = tmp_path / f"many-{count}.ttl"
        lines = [f'<urn:item:{i}> <urn:n> "{i}"^^<http://www.w3.org/2001/XMLSchema#long> .' for i in range(count)]
        data.write_text("\n".join(lines) + "\n", encoding="utf-8")
        done = run_cli("validate", str(data), "--shapes", str(shapes))
        assert done.returncode == 0, done.stderr
        said = [line for line in done.stderr.splitlines() if line.startswith("Warning: validating")]
        if warned:
            assert len(said) == 1, done.stderr
            assert "with pyshacl" in said[0]
            assert "xsd:int, xsd:long" in said[0]
        else:
            assert not said, done.stderr
