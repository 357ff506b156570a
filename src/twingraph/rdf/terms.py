"""Conversions between pyoxigraph terms (the engine) and rdflib terms (the public API)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from twingraph.errors import InputError
from twingraph.iris import XSD

if TYPE_CHECKING:
    import pyoxigraph
    import rdflib

XSD_STRING = XSD + "string"
# Datatypes that Oxigraph's store rewrites (to xsd:integer or xsd:dateTime); it also writes every
# number and boolean in canonical form ("0050" as 50). Measured with pyoxigraph 0.5.
REWRITTEN_DATATYPES = (
    "dateTimeStamp", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger", "negativeInteger",
    "nonPositiveInteger", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte",
)  # fmt: skip


def holds_rewritten_datatypes(graph: rdflib.Graph) -> bool:
    """Whether a graph has a literal of a datatype that Oxigraph's store would rewrite."""
    from oxrdflib import OxigraphStore
    from rdflib import Literal

    exact = getattr(graph.store, "exact", None)
    if exact is not None:
        return not exact
    if isinstance(graph.store, OxigraphStore):
        return False  # already stored by Oxigraph: nothing more can change
    rewritten = {XSD + name for name in REWRITTEN_DATATYPES}
    return any(isinstance(o, Literal) and str(o.datatype) in rewritten for o in graph.objects())


def to_rdflib(term: Any, *, blank_prefix: str = "") -> Any:
    """A pyoxigraph term as the equal rdflib term (blank nodes optionally prefixed)."""
    import pyoxigraph
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, pyoxigraph.NamedNode):
        return URIRef(term.value)
    if isinstance(term, pyoxigraph.BlankNode):
        return BNode(f"{blank_prefix}{term.value}")
    if isinstance(term, pyoxigraph.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    raise InputError(f"RDF-star triple terms are not supported here: {term}")


def to_oxigraph(node: Any) -> Any:
    """An rdflib term as the equal pyoxigraph term."""
    import pyoxigraph
    from rdflib import BNode, Literal, URIRef

    if isinstance(node, URIRef):
        return pyoxigraph.NamedNode(str(node))
    if isinstance(node, BNode):
        return pyoxigraph.BlankNode(str(node))
    if isinstance(node, Literal):
        if node.language:
            return pyoxigraph.Literal(str(node), language=node.language)
        if node.datatype is not None:
            return pyoxigraph.Literal(str(node), datatype=pyoxigraph.NamedNode(str(node.datatype)))
        return pyoxigraph.Literal(str(node))
    raise InputError(f"cannot use {node!r} as an RDF term")


def to_rdflib_triples(
    quads: Iterable[pyoxigraph.Quad | pyoxigraph.Triple],
) -> Iterator[tuple[rdflib.term.Node, rdflib.term.Node, rdflib.term.Node]]:
    """pyoxigraph quads or triples as rdflib triples (graph names dropped)."""
    for quad in quads:
        yield (to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object))


def to_oxigraph_triples(graph: rdflib.Graph) -> Iterator[pyoxigraph.Triple]:
    """An rdflib graph's triples as pyoxigraph triples, terms exactly as they are."""
    import pyoxigraph

    for s, p, o in graph.triples((None, None, None)):
        yield pyoxigraph.Triple(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o))


def store_of(graph: rdflib.Graph) -> pyoxigraph.Store:
    """The pyoxigraph Store behind an Oxigraph-backed rdflib graph, else a new store with its triples."""
    import pyoxigraph
    from oxrdflib import OxigraphStore

    if isinstance(graph.store, OxigraphStore):
        return graph.store._inner
    store = pyoxigraph.Store()
    store.extend(pyoxigraph.Quad(*(to_oxigraph(term) for term in triple)) for triple in graph)
    return store


def select_rows(store: pyoxigraph.Store, query: str, **values: Any) -> list[dict[str, Any]]:
    """Rows of a fixed SELECT over all of a store's graphs, as {variable: term}, unbound ones left out.

    `values` substitute projected variables (pyoxigraph substitutes no others).
    """
    import pyoxigraph

    substitutions = {pyoxigraph.Variable(name): term for name, term in values.items()}
    result: Any = store.query(query, substitutions=substitutions)
    names = [v.value for v in result.variables]
    return [{n: row[n] for n in names if row[n] is not None} for row in result]
