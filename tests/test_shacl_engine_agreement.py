"""twingraph's SHACL engine against pyshacl, the reference, on real-shaped data with planted errors.

The shape fixtures (test_shacl_shapes.py) check both engines rule by rule; this checks them on a
slice of World (the real 2016 Wikidata crawl in our model) with about 1 % planted errors of
every kind, and on literals whose datatypes Oxigraph's store would rewrite.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from tests.conftest import REPO, write_world
from twingraph.project import bundled_project
from twingraph.rdf.load import load_graph
from twingraph.shacl.validate import ValidationReport, load_shapes, validate_graph

MAX = 256 * 1024 * 1024


def _rows(report: ValidationReport) -> Counter[tuple[str, ...]]:
    return Counter((f.focus, f.component, f.path or "", f.value or "", f.severity) for f in report.findings)


def test_both_engines_find_the_same_planted_errors_in_world(tmp_path: Path) -> None:
    # pyshacl needs ~25 s for 60 partnerships (~90 s for 200), so the slice is small and
    # dense with errors; the benchmark (benchmarks/run.py --agreement) compares at 1 % on more.
    path = write_world(tmp_path / "world-slice.ttl", errors=0.25, pairs=60)
    loaded = load_graph([REPO / "ontology", path], max_bytes=MAX)
    shapes = load_shapes(bundled_project())
    fast = validate_graph(loaded.graph, shapes, engine="fast")
    reference = validate_graph(loaded.graph, shapes, engine="pyshacl")
    assert _rows(fast) == _rows(reference)
    assert not fast.conforms
    # Every kind of planted error is among the findings.
    components = {f.component for f in fast.violations}
    assert {"sh:MinCountConstraintComponent", "sh:SPARQLConstraintComponent"} <= components
    assert len(fast.violations) >= 8


def test_literals_the_store_would_rewrite_are_validated_as_written(tmp_path: Path) -> None:
    # Oxigraph stores "7"^^xsd:int as xsd:integer; the shapes want xsd:integer for figures.
    data = (REPO / "tests" / "fixtures" / "shapes" / "base.ttl").read_text(encoding="utf-8")
    path = tmp_path / "int.ttl"
    path.write_text(
        data + "\n<https://w3id.org/twingraph/id/figure/typed-int> a <https://w3id.org/twingraph/ontology#Figure> ;"
        " <https://w3id.org/twingraph/ontology#measure> <https://w3id.org/twingraph/ontology#Population> ;"
        ' <https://schema.org/value> "7"^^<http://www.w3.org/2001/XMLSchema#int> ;'
        " <http://purl.org/dc/terms/source> <https://w3id.org/twingraph/id/source/page> .\n",
        encoding="utf-8",
    )
    loaded = load_graph([REPO / "ontology", path], max_bytes=MAX)
    assert not loaded.exact
    shapes = load_shapes(bundled_project())
    auto = validate_graph(loaded.graph, shapes)
    reference = validate_graph(loaded.graph, shapes, engine="pyshacl")
    assert _rows(auto) == _rows(reference)
    assert any(
        f.focus.endswith("figure/typed-int") and f.component == "sh:OrConstraintComponent" for f in auto.violations
    )


def test_core_and_sparql_parts_together_are_the_whole_validation(tmp_path: Path) -> None:
    from twingraph.rdf.terms import store_of
    from twingraph.shacl.engine import Engine

    path = write_world(tmp_path / "world-slice.ttl", errors=0.25, pairs=60)
    loaded = load_graph([REPO / "ontology", path], max_bytes=MAX)
    engine = Engine(store_of(loaded.graph), load_shapes(bundled_project()))

    def keys(results: list) -> Counter[tuple[str, ...]]:  # type: ignore[type-arg]
        return Counter((str(r.focus), r.component, str(r.path), str(r.value)) for r in results)

    core, sparql = engine.validate("core"), engine.validate("sparql")
    assert keys(core) + keys(sparql) == keys(engine.validate("all"))
    assert core
    assert sparql
    assert {r.component.rsplit("#")[-1] for r in sparql} == {"SPARQLConstraintComponent"}
    assert "SPARQLConstraintComponent" not in {r.component.rsplit("#")[-1] for r in core}
