"""An rdflib Graph whose triples are those of every graph in a pyoxigraph Store.

twingraph loads each file into a named graph of its own. Through rdflib's API the files
should read as one graph, as they did when everything was merged into one rdflib Graph:
this store adapter makes rdflib's default graph the union of the store's graphs (without
duplicates) for reading, counting and SPARQL, which Oxigraph evaluates. rdflib's own
`Dataset(default_union=True)` iterates quads rather than triples, so it is no Graph to its
users.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from oxrdflib import OxigraphStore

from twingraph.rdf.terms import to_oxigraph, to_rdflib

if TYPE_CHECKING:
    import pyoxigraph
    import rdflib


class UnionStore(OxigraphStore):
    """oxrdflib's store, with the default graph read as the union of all graphs.

    `exact` says whether every literal is held as its file wrote it (see `terms.REWRITTEN_DATATYPES`).
    """

    exact: bool = True
    exact_triples: Any = None  # () -> the files' triples as written, where the store rewrote some

    def triples(self, triple_pattern: Any, context: Any = None) -> Iterator[tuple[Any, Iterator[Any]]]:
        pattern = [None if term is None else to_oxigraph(term) for term in triple_pattern]
        return self._union_triples(pattern)

    def _union_triples(self, pattern: list[Any]) -> Iterator[tuple[Any, Iterator[Any]]]:
        seen: set[Any] = set()
        for quad in self._inner.quads_for_pattern(*pattern):
            triple = quad.triple
            if triple in seen:
                continue
            seen.add(triple)
            yield (to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object)), iter((None,))

    def __len__(self, context: Any = None) -> int:
        answer = self._inner.query(
            "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }",
            use_default_graph_as_union=True,
        )
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
        """The query in Oxigraph over every graph, with results as rdflib's own engine gives them.

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
            use_default_graph_as_union=True,
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


def union_graph(store: pyoxigraph.Store, *, exact: bool = True, exact_triples: Any = None) -> rdflib.Graph:
    """An rdflib Graph over every graph of the store; what is added goes to its default graph.

    `exact_triples`, if given, returns the loaded files' triples as written, for readers that
    must see literals the store rewrote (pyshacl validating xsd:int).
    """
    from rdflib import Graph
    from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

    adapter = UnionStore(store=store)
    adapter.exact = exact
    adapter.exact_triples = exact_triples
    return Graph(store=adapter, identifier=DATASET_DEFAULT_GRAPH_ID)
