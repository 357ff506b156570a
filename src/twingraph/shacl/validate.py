"""SHACL validation of a project's data, as a `ValidationReport`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from twingraph.errors import ShapesError, TwingraphError, TwingraphWarning
from twingraph.iris import RDFS_LABEL, SKOS_PREF_LABEL, compact
from twingraph.offline import offline
from twingraph.project import Project
from twingraph.rdf.load import LoadedGraph, load_graph, load_project_graph
from twingraph.sparql.guard import QueryRefused, check_offline_read_only

if TYPE_CHECKING:
    import rdflib

SH = "http://www.w3.org/ns/shacl#"


@dataclass(frozen=True)
class Finding:
    """One SHACL validation result, with the focus node's label for people."""

    focus: str
    focus_label: str
    severity: str
    message: str
    component: str
    path: str | None = None
    value: str | None = None
    source_shape: str | None = None
    # The statement at fault where it is one triple (a predicate path and an IRI or literal
    # value), in N-Triples form, for finding the file that states it (forge/locations.py).
    # Not compared: the fast engine reads the store's canonical literals, pyshacl the files'.
    statement: tuple[str, str] | None = field(default=None, compare=False)


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of validating data against shapes.

    `report` is the standard SHACL report graph, or a function that makes it: the fast engine
    builds it only when it is asked for (a Turtle report), since an rdflib graph of many
    thousand results costs more than finding them.
    """

    conforms: bool
    findings: tuple[Finding, ...]
    report: rdflib.Graph | Callable[[], rdflib.Graph] = field(repr=False)
    data: LoadedGraph | None = field(default=None, repr=False)

    @property
    def report_graph(self) -> rdflib.Graph:
        """The standard SHACL validation report (sh:ValidationReport)."""
        if callable(self.report):
            object.__setattr__(self, "report", self.report())  # made once, then kept
        assert not callable(self.report)
        return self.report

    @property
    def violations(self) -> tuple[Finding, ...]:
        """Findings of severity Violation: these make data non-conforming."""
        return tuple(f for f in self.findings if f.severity == "Violation")

    @property
    def warnings(self) -> tuple[Finding, ...]:
        """Findings of severity Warning or Info: reported, but the data still conforms."""
        return tuple(f for f in self.findings if f.severity != "Violation")


ENGINES = ("auto", "fast", "pyshacl")
# Above this many triples, `auto` says so before it hands validation to pyshacl: pyshacl takes
# about a second per thousand triples on our shapes (over 90 minutes on World's 242k).
SLOW_ENGINE_NOTICE_TRIPLES = 5_000


class DataDoesNotConform(TwingraphError):
    """The data has violations of the shapes, so it is not built, pushed or served."""

    def __init__(self, violations: int) -> None:
        super().__init__(
            f"the data does not conform to the shapes ({violations} violation(s)); `twingraph validate` lists them."
        )
        self.violations = violations


def load_conforming(
    project: Project,
    *,
    data_paths: Sequence[Path] = (),
    max_bytes: int | None = None,
    share_cores: bool = True,
    validate: bool = True,
) -> LoadedGraph:
    """The one pipeline in front of every publishing command (build, push, serve): load the
    project's ontology and data, validate, and raise DataDoesNotConform on any violation.

    A caller that wants work done beside the loading (the build's exporting child) starts it
    before calling this; `validate=False` (push --no-validate, and the build, which forks its
    second child between loading and `validate_loaded`) only loads.
    """
    limit = max_bytes or project.settings.max_input_bytes
    loaded = load_project_graph(project, data_paths, max_bytes=limit)
    if validate:
        validate_loaded(project, loaded, max_bytes=limit, share_cores=share_cores)
    return loaded


def validate_loaded(
    project: Project, loaded: LoadedGraph, *, max_bytes: int | None = None, share_cores: bool = False
) -> None:
    """Validate a loaded project against its shapes; raise DataDoesNotConform on any violation."""
    limit = max_bytes or project.settings.max_input_bytes
    report = validate_graph(loaded.graph, load_shapes(project, max_bytes=limit), share_cores=share_cores)
    if not report.conforms:
        raise DataDoesNotConform(len(report.violations))


def validate_project(
    project: Project,
    *,
    data_paths: Sequence[Path] = (),
    shape_paths: Sequence[Path] = (),
    max_bytes: int | None = None,
    engine: str = "auto",
    share_cores: bool = True,
) -> ValidationReport:
    """Validate data files (default: the project's data) with the ontology against shapes.

    The ontology is validated together with the data because the shapes check that kinds,
    themes and ranks belong to the SKOS schemes it defines (see `Project.graph_inputs`).
    """
    limit = max_bytes or project.settings.max_input_bytes
    loaded = load_project_graph(project, data_paths, max_bytes=limit)
    shapes = load_shapes(project, shape_paths, max_bytes=limit)
    return replace(validate_graph(loaded.graph, shapes, engine=engine, share_cores=share_cores), data=loaded)


def load_shapes(project: Project, shape_paths: Sequence[Path] = (), *, max_bytes: int | None = None) -> rdflib.Graph:
    """The shapes graph: these files or folders, else the project's shapes/."""
    limit = max_bytes or project.settings.max_input_bytes
    return load_graph(list(shape_paths) or [project.folder("shapes")], max_bytes=limit).graph


def validate_graph(
    data: rdflib.Graph, shapes: rdflib.Graph, *, engine: str = "auto", share_cores: bool = True
) -> ValidationReport:
    """Validate one graph against a shapes graph; warnings do not break conformance.

    `share_cores` lets the fast engine use a second process; a caller whose own processes
    already keep every core busy (a build) gains nothing from it and says False.

    `fast` is twingraph's bulk engine on Oxigraph (`shacl_engine`); `pyshacl` the reference
    implementation; `auto` takes the fast one whenever it implements everything the shapes
    use, so that shapes of any origin are still validated, by pyshacl.
    """
    from twingraph.rdf.terms import holds_rewritten_datatypes
    from twingraph.shacl.engine import unsupported_features

    if engine not in ENGINES:
        raise ShapesError(f"unknown engine {engine!r}; use one of {', '.join(ENGINES)}.")
    _refuse_remote_sparql(shapes)
    missing = unsupported_features(shapes) if engine != "pyshacl" else []
    if engine != "pyshacl" and holds_rewritten_datatypes(data):
        # Oxigraph would read xsd:int as xsd:integer: only pyshacl sees these literals as written.
        missing.append("literals of datatypes Oxigraph rewrites (xsd:int, xsd:long, …)")
    if engine == "fast" and missing:
        raise ShapesError(f"the fast engine does not implement {', '.join(missing)}; use --engine pyshacl.")
    if engine == "auto" and missing and len(data) > SLOW_ENGINE_NOTICE_TRIPLES:
        import warnings

        warnings.warn(
            f"validating {len(data):,} triples with pyshacl, which can take minutes to hours at this size: "
            f"twingraph's fast engine does not implement {', '.join(missing)}.",
            TwingraphWarning,
            stacklevel=2,
        )
    if engine == "pyshacl" or missing:
        return _validate_with_pyshacl(data, shapes)
    return _validate_fast(data, shapes, share_cores=share_cores)


def _validate_fast(data: rdflib.Graph, shapes: rdflib.Graph, *, share_cores: bool) -> ValidationReport:
    from twingraph.parallel import Pending
    from twingraph.rdf.terms import store_of
    from twingraph.shacl.engine import Engine
    from twingraph.shacl.report_graph import report_graph

    store = store_of(data)
    with offline():
        if not share_cores:
            results = Engine(store, shapes).validate()
        else:
            # The SPARQL-based constraints (a third of the time on the world's twinnings) are
            # evaluated in a forked child meanwhile, where forking is safe; else after the rest.
            sparql = Pending(lambda: Engine(store, shapes).validate("sparql"))
            try:
                results = Engine(store, shapes).validate("core") + sparql.result()
            finally:
                sparql.cancel()
    findings = tuple(sorted(_findings_of_results(results, shapes, store), key=_finding_order))
    conforms = not any(f.severity == "Violation" for f in findings)
    return ValidationReport(conforms=conforms, findings=findings, report=lambda: report_graph(results, shapes))


def _findings_of_results(results: Sequence[Any], shapes: rdflib.Graph, store: Any) -> list[Finding]:
    """The fast engine's results as findings, the same as `_findings` reads them from a report graph."""
    from rdflib import URIRef

    from twingraph.rdf.terms import to_rdflib
    from twingraph.shacl.model import Path as ShapePath

    labels: dict[Any, str] = {}
    findings = []
    for result in results:
        if result.focus not in labels:
            labels[result.focus] = _store_label(store, result.focus)
        path: Any = result.path
        if isinstance(path, ShapePath):
            path = _path_node(shapes, path.node)
        elif path is not None:
            path = to_rdflib(path)
        messages = sorted(result.messages)
        shape = result.shape.node
        findings.append(
            Finding(
                focus=str(to_rdflib(result.focus)),
                focus_label=labels[result.focus],
                severity=str(result.shape.severity).removeprefix(SH),
                message=messages[0] if messages else compact(result.component),
                component=compact(result.component),
                path=_show(path),
                value=None if result.value is None else _show(to_rdflib(result.value)),
                source_shape=compact(str(shape)) if isinstance(shape, URIRef) else None,
                statement=_statement(path, None if result.value is None else to_rdflib(result.value)),
            )
        )
    return findings


def _store_label(store: Any, node: Any) -> str:
    """`label_of`, asking the store: an English label, else any label, else the node in prefix form."""
    import pyoxigraph

    from twingraph.rdf.terms import to_rdflib

    labels = [
        quad.object
        for predicate in (RDFS_LABEL, SKOS_PREF_LABEL)
        for quad in store.quads_for_pattern(node, pyoxigraph.NamedNode(predicate), None, pyoxigraph.DefaultGraph())
        if isinstance(quad.object, pyoxigraph.Literal)
    ]
    english = sorted(label.value for label in labels if label.language == "en")
    if english:
        return english[0]
    if labels:
        return sorted(label.value for label in labels)[0]
    return _show(to_rdflib(node)) or str(node)


def _validate_with_pyshacl(data: rdflib.Graph, shapes: rdflib.Graph) -> ValidationReport:
    import pyshacl
    from oxrdflib import OxigraphStore
    from rdflib import Graph

    if isinstance(data.store, OxigraphStore):
        # pyshacl is several times slower on an Oxigraph-backed graph than on rdflib's own store;
        # and it must see the literals as written, which the store may have rewritten.
        from twingraph.rdf.terms import to_rdflib_triples

        copy = Graph()
        exact = getattr(data.store, "exact_triples", None)
        for triple in to_rdflib_triples(exact()) if exact is not None else data.triples((None, None, None)):
            copy.add(triple)
        data = copy
    with offline():
        conforms, report_graph, report_text = pyshacl.validate(
            data,
            shacl_graph=shapes,
            inference="none",
            allow_warnings=True,
            abort_on_first=False,
            do_owl_imports=False,
        )
    if not isinstance(report_graph, Graph):
        # pyshacl reports broken shapes, and errors inside constraints, as a
        # ValidationFailure instead of raising.
        detail = str(getattr(report_graph, "message", report_text)).strip().splitlines()
        raise ShapesError(f"the shapes could not be applied: {' '.join(detail)}")
    findings = tuple(sorted(_findings(report_graph, data), key=_finding_order))
    return ValidationReport(conforms=bool(conforms), findings=findings, report=report_graph)


def _refuse_remote_sparql(shapes: rdflib.Graph) -> None:
    """Shapes whose SPARQL would reach another server or dataset are refused before running."""
    from rdflib import URIRef

    for predicate in ("select", "ask", "construct"):
        for shape, text in shapes.subject_objects(URIRef(SH + predicate)):
            try:
                check_offline_read_only(str(text))
            except QueryRefused as refused:
                where = compact(str(shape)) if isinstance(shape, URIRef) else "a SPARQL constraint"
                raise ShapesError(f"the shapes could not be applied: {where}: {refused}") from None


def _findings(report: rdflib.Graph, data: rdflib.Graph) -> list[Finding]:
    from rdflib import RDF, URIRef

    sh = {
        name: URIRef(SH + name)
        for name in (
            "ValidationReport",
            "result",
            "focusNode",
            "resultSeverity",
            "resultMessage",
            "resultPath",
            "value",
            "sourceConstraintComponent",
            "sourceShape",
        )
    }
    findings = []
    # Only results attached to the report itself: nested sh:detail results are typed
    # sh:ValidationResult too, but explain a top-level result rather than add one.
    top_level = [
        result
        for node in report.subjects(RDF.type, sh["ValidationReport"])
        for result in report.objects(node, sh["result"])
    ]
    for result in top_level:
        focus = report.value(result, sh["focusNode"])
        path = _path_node(report, report.value(result, sh["resultPath"]))
        value = report.value(result, sh["value"])
        shape = report.value(result, sh["sourceShape"])
        messages = sorted(str(m) for m in report.objects(result, sh["resultMessage"]))
        component = str(report.value(result, sh["sourceConstraintComponent"]))
        findings.append(
            Finding(
                focus=str(focus),
                focus_label=label_of(data, focus),
                severity=str(report.value(result, sh["resultSeverity"])).removeprefix(SH),
                message=messages[0] if messages else compact(component),
                component=compact(component),
                path=_show(path),
                value=_show(value),
                source_shape=compact(str(shape)) if isinstance(shape, URIRef) else None,
                statement=_statement(path, value),
            )
        )
    return findings


def _path_node(report: rdflib.Graph, path: rdflib.term.Node | None) -> rdflib.term.Node | str | None:
    """An inverse path ([ sh:inversePath p ]) as a URIRef shown with a caret, others unchanged."""
    from rdflib import BNode, URIRef

    if isinstance(path, BNode):
        inverse = report.value(path, URIRef(SH + "inversePath"))
        if isinstance(inverse, URIRef):
            return _Inverse(str(inverse))
    return path


class _Inverse(str):
    """Marks an inverse property path for display."""


def _finding_order(finding: Finding) -> tuple[str, str, str, str, str]:
    return (finding.focus_label.lower(), finding.focus, finding.path or "", finding.value or "", finding.message)


def label_of(graph: rdflib.Graph, node: rdflib.term.Node | None) -> str:
    """A node's English label, else any label, else its IRI in prefix form."""
    from rdflib import Literal, URIRef

    if node is None:
        return "(none)"
    labels = [
        o
        for p in (URIRef(RDFS_LABEL), URIRef(SKOS_PREF_LABEL))
        for o in graph.objects(node, p)
        if isinstance(o, Literal)
    ]
    english = sorted(str(lab) for lab in labels if lab.language == "en")
    if english:
        return english[0]
    if labels:
        return sorted(str(lab) for lab in labels)[0]
    return _show(node) or str(node)


def _statement(path: object, value: object) -> tuple[str, str] | None:
    """The predicate and value of a one-step path's finding, in N-Triples form; else None."""
    from rdflib import Literal, URIRef

    if type(path) is not URIRef or not isinstance(value, URIRef | Literal):
        return None
    return f"<{path}>", value.n3()


def _show(node: rdflib.term.Node | str | None) -> str | None:
    from rdflib import BNode, Literal, URIRef

    if node is None:
        return None
    if isinstance(node, _Inverse):
        return "^" + compact(str(node))
    if isinstance(node, URIRef):
        return compact(str(node))
    if isinstance(node, Literal):
        text = repr(str(node))[1:-1]
        shown = f'"{text}"'
        if node.language:
            return f"{shown}@{node.language}"
        if node.datatype:
            return f"{shown}^^{compact(str(node.datatype))}"
        return shown
    if isinstance(node, BNode):
        return "[blank node]"
    return str(node)
