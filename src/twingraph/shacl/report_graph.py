"""The standard SHACL validation report graph, made from the engine's results (only when asked for)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from twingraph.rdf.terms import to_rdflib as _to_rdflib
from twingraph.shacl.model import SH, Path, Result

if TYPE_CHECKING:
    import rdflib


def report_graph(results: Sequence[Result], shapes: rdflib.Graph) -> rdflib.Graph:
    """A standard SHACL validation report (sh:ValidationReport) of the results."""
    from rdflib import RDF, BNode, Graph, Literal, URIRef
    from rdflib.namespace import XSD as XSD_NS

    g = Graph(bind_namespaces="none")
    g.bind("sh", SH)
    report = BNode()
    g.add((report, RDF.type, URIRef(SH + "ValidationReport")))
    conforms = not any(r.shape.severity == SH + "Violation" for r in results)
    g.add((report, URIRef(SH + "conforms"), Literal(conforms, datatype=XSD_NS.boolean)))
    for result in results:
        node = BNode()
        g.add((report, URIRef(SH + "result"), node))
        g.add((node, RDF.type, URIRef(SH + "ValidationResult")))
        g.add((node, URIRef(SH + "focusNode"), _to_rdflib(result.focus)))
        g.add((node, URIRef(SH + "resultSeverity"), URIRef(result.shape.severity)))
        g.add((node, URIRef(SH + "sourceConstraintComponent"), URIRef(result.component)))
        g.add((node, URIRef(SH + "sourceShape"), result.shape.node))
        if result.value is not None:
            g.add((node, URIRef(SH + "value"), _to_rdflib(result.value)))
        if result.source_constraint is not None:
            g.add((node, URIRef(SH + "sourceConstraint"), result.source_constraint))
        path = result.path
        if isinstance(path, Path):
            g.add((node, URIRef(SH + "resultPath"), path.node))
            _copy_description(shapes, path.node, g)
        elif path is not None:
            g.add((node, URIRef(SH + "resultPath"), _to_rdflib(path)))
        for message in result.messages:
            g.add((node, URIRef(SH + "resultMessage"), Literal(message)))
    return g


def _copy_description(source: rdflib.Graph, node: Any, target: rdflib.Graph) -> None:
    """A blank node's triples (a complex path), recursively."""
    from rdflib import BNode

    if not isinstance(node, BNode):
        return
    for predicate, obj in source.predicate_objects(node):
        target.add((node, predicate, obj))
        _copy_description(source, obj, target)
