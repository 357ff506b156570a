"""Every SHACL shape against its conforming and violating fixtures.

Each fixture under fixtures/shapes/<Shape>/ is a SPARQL Update applied to base.ttl. Its
header lists the findings it must produce, exactly: `# expect: FOCUS COMPONENT PATH` for
violations and `# warning: …` for warnings. `valid-*` fixtures must conform.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH

from tests.conftest import FIXTURES, REPO
from twingraph import iris
from twingraph.iris import compact
from twingraph.offline import offline
from twingraph.rdf.load import load_graph
from twingraph.shacl.validate import validate_graph

SHAPE_FIXTURES = FIXTURES / "shapes"
ID = "https://w3id.org/twingraph/id/"
PREFIXES = "\n".join(
    f"PREFIX {prefix}: <{namespace}>" for prefix, namespace in {**iris.PREFIXES, **iris.id_prefixes()}.items()
)
CASES = sorted(SHAPE_FIXTURES.glob("*/*.ru"))
MAX = 10 * 1024 * 1024


@pytest.fixture(scope="module", autouse=True)
def _sparql_constraints_parsed_once() -> Iterator[None]:
    """pyshacl hands rdflib each SPARQL constraint as text, and rdflib parses it afresh on every
    validation: 80 % of a fixture's pyshacl time, the same 16 texts again for each of the 114
    fixtures. Here each text is parsed and translated once and the prepared query evaluated
    each time, as rdflib's own `prepareQuery` is meant to be used; what is evaluated, and so
    every finding, is the same. Only this module, and only while it runs."""
    from rdflib.plugins.sparql import processor

    prepared: dict[tuple[str, str | None, tuple[tuple[str, str], ...]], object] = {}
    original = processor.SPARQLProcessor.query

    def query(self, strOrQuery, initBindings=None, initNs=None, base=None, DEBUG=False):  # type: ignore[no-untyped-def]  # noqa: N803 (rdflib's names)
        if not isinstance(strOrQuery, str):
            return original(self, strOrQuery, initBindings, initNs, base, DEBUG)
        key = (strOrQuery, base, tuple(sorted((k, str(v)) for k, v in (initNs or {}).items())))
        if key not in prepared:
            prepared[key] = processor.translateQuery(processor.parseQuery(strOrQuery), base, initNs)
        return original(self, prepared[key], initBindings, initNs, base, DEBUG)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(processor.SPARQLProcessor, "query", query)
        yield


@pytest.fixture(scope="module")
def base_graph() -> Graph:
    return load_graph([REPO / "ontology", SHAPE_FIXTURES / "base.ttl"], max_bytes=MAX).graph


@pytest.fixture(scope="module")
def shapes_graph() -> Graph:
    return load_graph([REPO / "shapes"], max_bytes=MAX).graph


def _expected(case: Path, tag: str) -> set[tuple[str, str, str]]:
    rows = set()
    for line in case.read_text(encoding="utf-8").splitlines():
        if line.startswith(f"# {tag}: "):
            focus, component, path = line.split(": ", 1)[1].split()
            rows.add((focus, component, path))
    return rows


def _focus_id(iri: str) -> str:
    return iri.removeprefix(ID) if iri.startswith(ID) else compact(iri)


@pytest.mark.parametrize("engine", ["fast", "pyshacl"])
def test_base_fixture_conforms(engine: str, base_graph: Graph, shapes_graph: Graph) -> None:
    report = validate_graph(base_graph, shapes_graph, engine=engine)
    assert report.findings == ()
    assert report.conforms


@pytest.mark.parametrize("engine", ["fast", "pyshacl"])
@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_shape_fixture(case: Path, engine: str, base_graph: Graph, shapes_graph: Graph) -> None:
    """Both engines give exactly the expected findings: this is also their agreement test."""
    graph = Graph()
    graph += base_graph
    # One request per operation: rdflib applies the prologue's prefixes to the first
    # operation only and silently uses its own default bindings (org:, …) after a ';'.
    operations = case.read_text(encoding="utf-8").split("} ;\n")
    with offline():
        for number, operation in enumerate(operations, start=1):
            closing = "}" if number < len(operations) else ""
            graph.update(PREFIXES + "\n" + operation + closing)
    report = validate_graph(graph, shapes_graph, engine=engine)
    violations = {(_focus_id(f.focus), f.component, f.path or "-") for f in report.violations}
    warnings = {(_focus_id(f.focus), f.component, f.path or "-") for f in report.warnings}
    assert violations == _expected(case, "expect")
    assert warnings == _expected(case, "warning")
    assert report.conforms is case.stem.startswith("valid-")
    for finding in report.findings:
        assert finding.message, finding
        assert "{" not in finding.message, finding


def test_every_shape_has_a_conforming_and_a_violating_fixture(shapes_graph: Graph) -> None:
    targeted = {
        str(shape).removeprefix("https://w3id.org/twingraph/shapes#")
        for shape in shapes_graph.subjects(RDF.type, SH.NodeShape)
        if isinstance(shape, URIRef)
        and any(True for p in (SH.targetClass, SH.targetSubjectsOf) for _ in shapes_graph.objects(shape, p))
    }
    assert len(targeted) >= 14
    for name in sorted(targeted):
        names = [p.stem for p in (SHAPE_FIXTURES / name).glob("*.ru")]
        assert any(n.startswith("valid-") for n in names), f"{name} has no conforming fixture"
        assert any(n.startswith("invalid-") for n in names), f"{name} has no violating fixture"
