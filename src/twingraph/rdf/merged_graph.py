"""An rdflib Graph over the default graph of a loaded pyoxigraph Store.

twingraph loads each file into a named graph of its own and puts their RDF merge into the
store's default graph (rdf/load.py). Through rdflib's API the files read as that one graph,
as they did when everything was merged into one rdflib Graph: this store adapter reads,
counts and queries the default graph in Oxigraph, and removes a triple from every graph, so
that the files' graphs and their merge stay alike.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from oxrdflib import OxigraphStore

from twingraph.rdf.terms import to_oxigraph, to_rdflib

if TYPE_CHECKING:
    import pyoxigraph
    import rdflib


class MergedStore(OxigraphStore):
    """oxrdflib's store, read through the default graph (the merge of every file).

    `exact` says whether every literal is held as its file wrote it (see `terms.REWRITTEN_DATATYPES`).
    """

    exact: bool = True
    exact_triples: Any = None  # () -> the files' triples as written, where the store rewrote some

    def triples(self, triple_pattern: Any, context: Any = None) -> Iterator[tuple[Any, Iterator[Any]]]:
        pattern = [None if term is None else to_oxigraph(term) for term in triple_pattern]
        return self._default_triples(pattern)

    def _default_triples(self, pattern: list[Any]) -> Iterator[tuple[Any, Iterator[Any]]]:
        import pyoxigraph

        subject, predicate, object_ = pattern
        for quad in self._inner.quads_for_pattern(subject, predicate, object_, pyoxigraph.DefaultGraph()):
            yield (to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)), iter((None,))

    def __len__(self, context: Any = None) -> int:
        answer = self._inner.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        rows: Any = answer
        return int(next(iter(rows))[0].value)

    def remove(self, triple: Any, context: Any = None) -> None:
        pattern = [None if term is None else to_oxigraph(term) for term in triple]
        for quad in list(self._inner.quads_for_pattern(*pattern)):
            self._inner.remove(quad)

    def query(
        self,
        query: Any,
        initNs: Mapping[str, Any],  # noqa: N803  rdflib's Store API
        initBindings: Mapping[str, Any],  # noqa: N803
        queryGraph: Any,  # noqa: N803
        **kwargs: Any,
    ) -> Any:
        """The query in Oxigraph over the default graph, with results as rdflib's own engine gives them.

        Rows leave unbound variables out and plain strings carry no datatype, as in rdflib;
        oxrdflib would give None and xsd:string, which compare unequal to rdflib's terms.
        """
        import pyoxigraph
        from rdflib import Graph, Variable
        from rdflib.query import Result

        if not isinstance(query, str) or kwargs:
            raise NotImplementedError  # rdflib then evaluates it itself
        answer = self._inner.query(
            query,
            prefixes=dict(self._namespace_for_prefix, **initNs),
            substitutions={pyoxigraph.Variable(k): to_oxigraph(v) for k, v in initBindings.items()},
        )
        if isinstance(answer, pyoxigraph.QueryBoolean):
            result = Result("ASK")
            result.askAnswer = bool(answer)
        elif isinstance(answer, pyoxigraph.QuerySolutions):
            result = Result("SELECT")
            names = [v.value for v in answer.variables]
            result.vars = [Variable(name) for name in names]
            result.bindings = [
                {Variable(name): to_rdflib(solution[name]) for name in names if solution[name] is not None}
                for solution in answer
            ]
        else:
            from twingraph.sparql.guard import query_form

            result = Result("DESCRIBE" if query_form(query) == "DESCRIBE" else "CONSTRUCT")
            result.graph = Graph()
            for triple in answer:
                result.graph.add((to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object)))
        return result


def merged_graph(store: pyoxigraph.Store, *, exact: bool = True, exact_triples: Any = None) -> rdflib.Graph:
    """An rdflib Graph over the store's default graph (the merge of every file); what is added goes there too.

    `exact_triples`, if given, returns the loaded files' triples as written, for readers that
    must see literals the store rewrote (pyshacl validating xsd:int).
    """
    from rdflib import Graph
    from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

    adapter = MergedStore(store=store)
    adapter.exact = exact
    adapter.exact_triples = exact_triples
    return Graph(store=adapter, identifier=DATASET_DEFAULT_GRAPH_ID)
