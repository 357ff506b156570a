"""Where data files disagree: one value per property, the others kept as claims.

A project's data files come from different sources: `init` and `wikidata import` write what
Wikidata states, `import csv` a city's own list or a list such as Wikipedia's. When two files
give one resource different values for a property that takes one (a partnership's start, end
or kind), loading does not refuse the project. Each file's value becomes a `tw:Claim`, sourced
to that file's sources of the resource, and the resource carries the preferred value, chosen
by this rule (the README states it too):

1. a named kind wins over `tw:UnspecifiedKind`, which says nothing (a list without kinds);
2. then a value from a city's own list (a source typed `tw:CityList`) wins over any other source;
3. then the more informative value: a finer date precision (a dated claim over a vaguer one);
4. otherwise nothing is preferred: both values stay, and validation names them for a person.

The files are never changed. The loader and the build's exporter both call `resolve` on the
same triples, so what is validated is what is published.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from twingraph.iris import DATE_PRECISIONS, DCT_SOURCE, RDF_TYPE, TW

if TYPE_CHECKING:
    import pyoxigraph

# The properties a resource has one value of, with the property of each value's precision.
SINGLE_VALUED = {TW + "startDate": TW + "startPrecision", TW + "endDate": TW + "endPrecision", TW + "kind": None}
_SHORT = {TW + "startDate": "start", TW + "endDate": "end", TW + "kind": "kind"}
CITY_LIST = TW + "CityList"
_IS_PART_OF = "http://purl.org/dc/terms/isPartOf"
_VAGUE_KINDS = {TW + "UnspecifiedKind"}
# DatePrecisions, vaguest first (the concepts' skos:notation, as Wikidata numbers them).
_PRECISION_ORDER = [TW + name for name in DATE_PRECISIONS]
# The triples `resolve` reads: a file that has none of these predicates cannot take part.
WANTED_PREDICATES = (*SINGLE_VALUED, *(p for p in SINGLE_VALUED.values() if p), DCT_SOURCE, _IS_PART_OF, RDF_TYPE)


@dataclass(frozen=True)
class Given:
    """One file's value for one property of one resource."""

    graph: str
    value: pyoxigraph.NamedNode | pyoxigraph.Literal
    precision: pyoxigraph.NamedNode | None
    from_city_list: bool
    sources: tuple[pyoxigraph.NamedNode, ...]

    def strength(self, prop: str) -> tuple[int, int, int]:
        """How strongly this value claims to be the one (the module's rule): an unspecified kind
        says nothing, so it never outranks a named one, not even from a city's list."""
        if prop == TW + "kind":
            return (0 if self.value.value in _VAGUE_KINDS else 1, 1 if self.from_city_list else 0, 0)
        level = self.precision.value if self.precision is not None else ""
        return (
            1,
            1 if self.from_city_list else 0,
            _PRECISION_ORDER.index(level) + 1 if level in _PRECISION_ORDER else 0,
        )


@dataclass
class Resolution:
    """What the rule changes: triples taken out of files, and triples added to the winning file."""

    removed: dict[str, set[pyoxigraph.Triple]] = field(default_factory=lambda: defaultdict(set))
    added: dict[str, list[pyoxigraph.Triple]] = field(default_factory=lambda: defaultdict(list))
    decided: list[Decision] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.decided)


@dataclass(frozen=True)
class Decision:
    """One property of one resource that files gave differently, and the value preferred."""

    subject: str
    prop: str
    preferred: Given
    others: tuple[Given, ...]


def resolve(store: pyoxigraph.Store, graphs: Sequence[str]) -> Resolution:
    """The rule applied to the files' named graphs in the store (nothing in the store changes)."""
    import pyoxigraph

    resolution = Resolution()
    order = {graph: index for index, graph in enumerate(graphs)}
    for prop in SINGLE_VALUED:
        predicate = pyoxigraph.NamedNode(prop)
        holding = [
            g for g in graphs if next(store.quads_for_pattern(None, predicate, None, pyoxigraph.NamedNode(g)), None)
        ]
        if len(holding) < 2:  # no two files give this property: nothing to settle (one data file: World's 0.2 s)
            continue
        by_subject: dict[pyoxigraph.NamedNode, dict[str, list[pyoxigraph.Quad]]] = defaultdict(
            lambda: defaultdict(list)
        )
        for quad in store.quads_for_pattern(None, predicate, None, None):
            graph = getattr(quad.graph_name, "value", "")
            if graph in order and isinstance(quad.subject, pyoxigraph.NamedNode):
                by_subject[quad.subject][graph].append(quad)
        for subject, per_graph in by_subject.items():
            if len(per_graph) < 2 or any(len(quads) != 1 for quads in per_graph.values()):
                continue  # one file only, or a file with values of its own to settle
            given = [_given(store, subject, prop, graph, quads[0].object) for graph, quads in per_graph.items()]
            if len({(g.value, g.precision) for g in given}) > 1:
                _decide(store, resolution, subject, prop, sorted(given, key=lambda g: order[g.graph]))
    return resolution


def _given(store: pyoxigraph.Store, subject: pyoxigraph.NamedNode, prop: str, graph: str, value: object) -> Given:
    import pyoxigraph

    named = pyoxigraph.NamedNode(graph)
    precision_prop = SINGLE_VALUED[prop]
    precision = None
    if precision_prop:
        precision = next(
            (q.object for q in store.quads_for_pattern(subject, pyoxigraph.NamedNode(precision_prop), None, named)),
            None,
        )
    sources = tuple(
        sorted(
            (q.object for q in store.quads_for_pattern(subject, pyoxigraph.NamedNode(DCT_SOURCE), None, named)
             if isinstance(q.object, pyoxigraph.NamedNode)),
            key=lambda node: node.value,
        )
    )  # fmt: skip
    return Given(graph, value, precision, any(_is_city_list(store, s, named) for s in sources), sources)  # type: ignore[arg-type]


def _is_city_list(store: pyoxigraph.Store, source: pyoxigraph.NamedNode, graph: pyoxigraph.NamedNode) -> bool:
    import pyoxigraph

    typed = pyoxigraph.NamedNode(RDF_TYPE)
    city_list = pyoxigraph.NamedNode(CITY_LIST)
    documents = [
        source,
        *(q.object for q in store.quads_for_pattern(source, pyoxigraph.NamedNode(_IS_PART_OF), None, graph)),
    ]
    return any(next(iter(store.quads_for_pattern(d, typed, city_list, graph)), None) is not None for d in documents)  # type: ignore[arg-type]


def _decide(
    store: pyoxigraph.Store, resolution: Resolution, subject: pyoxigraph.NamedNode, prop: str, given: list[Given]
) -> None:
    strongest = max(g.strength(prop) for g in given)
    winners = [g for g in given if g.strength(prop) == strongest]
    if len({(g.value, g.precision) for g in winners}) > 1:
        return  # the rule cannot choose: validation shows both values to a person
    preferred = winners[0]
    others = tuple(g for g in given if (g.value, g.precision) != (preferred.value, preferred.precision))
    resolution.decided.append(Decision(subject.value, prop, preferred, others))
    for other in others:
        resolution.removed[other.graph].update(_direct(subject, prop, other))
        for claim in _own_claims(store, subject, prop, other.graph):  # its preferred claim is outranked now
            if not _holds(store, _ranked(claim, "PreferredRank"), other.graph):
                continue
            resolution.removed[other.graph].add(_ranked(claim, "PreferredRank"))
            resolution.added[other.graph].append(_ranked(claim, "NormalRank"))
    # A winning file that states claims of its own keeps its preferred one; the others join them.
    claimed = others if _own_claims(store, subject, prop, preferred.graph) else (preferred, *others)
    for number, value in enumerate(claimed, start=1):
        resolution.added[preferred.graph].extend(_claim(subject, prop, value, number, value is preferred))


def _own_claims(
    store: pyoxigraph.Store, subject: pyoxigraph.NamedNode, prop: str, graph: str
) -> list[pyoxigraph.NamedNode]:
    import pyoxigraph

    named = pyoxigraph.NamedNode(graph)
    about = pyoxigraph.NamedNode(TW + "claimProperty")
    return [
        q.object
        for q in store.quads_for_pattern(subject, pyoxigraph.NamedNode(TW + "claim"), None, named)
        if isinstance(q.object, pyoxigraph.NamedNode)
        and next(iter(store.quads_for_pattern(q.object, about, pyoxigraph.NamedNode(prop), named)), None) is not None
    ]


def _holds(store: pyoxigraph.Store, triple: pyoxigraph.Triple, graph: str) -> bool:
    import pyoxigraph

    quads = store.quads_for_pattern(triple.subject, triple.predicate, triple.object, pyoxigraph.NamedNode(graph))
    return next(iter(quads), None) is not None


def _ranked(claim: pyoxigraph.NamedNode, rank: str) -> pyoxigraph.Triple:
    import pyoxigraph

    return pyoxigraph.Triple(claim, pyoxigraph.NamedNode(TW + "rank"), pyoxigraph.NamedNode(TW + rank))


def _direct(subject: pyoxigraph.NamedNode, prop: str, given: Given) -> Iterator[pyoxigraph.Triple]:
    import pyoxigraph

    yield pyoxigraph.Triple(subject, pyoxigraph.NamedNode(prop), given.value)
    precision_prop = SINGLE_VALUED[prop]
    if precision_prop and given.precision is not None:
        yield pyoxigraph.Triple(subject, pyoxigraph.NamedNode(precision_prop), given.precision)


def claim_iri(subject: str, prop: str, number: int) -> str:
    """`…/claim/<slug>-<property>-source-<n>` beside `…/<kind>/<slug>`, as the hand-written claims are named."""
    head, _, slug = subject.rpartition("/")
    return f"{head.rpartition('/')[0]}/claim/{slug}-{_SHORT[prop]}-source-{number}"


def _claim(
    subject: pyoxigraph.NamedNode, prop: str, given: Given, number: int, preferred: bool
) -> Iterator[pyoxigraph.Triple]:
    import pyoxigraph

    def node(iri: str) -> pyoxigraph.NamedNode:
        return pyoxigraph.NamedNode(iri)

    claim = node(claim_iri(subject.value, prop, number))
    yield pyoxigraph.Triple(subject, node(TW + "claim"), claim)
    yield pyoxigraph.Triple(claim, node(RDF_TYPE), node(TW + "Claim"))
    yield pyoxigraph.Triple(claim, node(TW + "claimProperty"), node(prop))
    yield pyoxigraph.Triple(claim, node(TW + "claimValue"), given.value)
    if given.precision is not None:
        yield pyoxigraph.Triple(claim, node(TW + "claimPrecision"), given.precision)
    yield pyoxigraph.Triple(claim, node(TW + "rank"), node(TW + ("PreferredRank" if preferred else "NormalRank")))
    if preferred:
        reason = "From the city's own list, which wins over other sources." if given.from_city_list else (
            "More informative than the other sources' values."
        )  # fmt: skip
        if prop == TW + "kind" and not given.from_city_list:
            reason = "Names a kind where the other sources leave it unspecified."
        yield pyoxigraph.Triple(claim, node(TW + "rankReason"), pyoxigraph.Literal(reason, language="en"))
    for source in given.sources:
        yield pyoxigraph.Triple(claim, node(DCT_SOURCE), source)


def resolved_triples(files: Sequence[list[pyoxigraph.Triple]]) -> list[pyoxigraph.Triple]:
    """The files' triples with the rule applied, without the loader's store (the build's exporter).

    Only the triples the rule reads go into a small store of their own.
    """
    import pyoxigraph

    if len(files) < 2:  # the rule settles what files disagree on: one file has nothing to settle
        return [t for triples in files for t in triples]
    store = pyoxigraph.Store()
    graphs = [f"urn:twingraph:resolving:{index}" for index in range(len(files))]
    wanted = set(WANTED_PREDICATES) | {TW + "claim", TW + "claimProperty", TW + "rank"}
    for graph, triples in zip(graphs, files, strict=True):
        store.extend(
            pyoxigraph.Quad(t.subject, t.predicate, t.object, pyoxigraph.NamedNode(graph))
            for t in triples
            if t.predicate.value in wanted
            and (t.predicate.value != RDF_TYPE or getattr(t.object, "value", None) == CITY_LIST)
        )
    resolution = resolve(store, graphs)
    if not resolution:
        return [t for triples in files for t in triples]
    return [t for graph, triples in zip(graphs, files, strict=True) for t in amended(triples, resolution, graph)]


def amended(triples: list[pyoxigraph.Triple], resolution: Resolution, graph: str) -> list[pyoxigraph.Triple]:
    """One file's triples as the resolution leaves them."""
    taken_out = resolution.removed.get(graph, set())
    return [t for t in triples if t not in taken_out] + resolution.added.get(graph, [])


def apply(store: pyoxigraph.Store, resolution: Resolution) -> None:
    """Make the store hold the resolved data: losing values out, claims into the winning files."""
    import pyoxigraph

    for graph, taken_out in resolution.removed.items():
        for t in taken_out:
            store.remove(pyoxigraph.Quad(t.subject, t.predicate, t.object, pyoxigraph.NamedNode(graph)))
    for graph, added in resolution.added.items():
        store.extend(pyoxigraph.Quad(t.subject, t.predicate, t.object, pyoxigraph.NamedNode(graph)) for t in added)
