"""The network read off the store: a node per place that is a partner, an edge per partnership.

Nodes are keyed by their Wikidata QID where they have one, else by our IRI (the TidyTuesday and
Gephi convention of `source,target`). Every value is read once, in IRI order, so each writer is
deterministic: the same data gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from twingraph.iris import DCT_SOURCE, RDF_TYPE, SCHEMA, TW, WD, status_change_order

if TYPE_CHECKING:
    import pyoxigraph


@dataclass(frozen=True)
class Node:
    id: str  # the QID, else our IRI
    iri: str
    label: str
    qid: str
    country: str
    latitude: float | None
    longitude: float | None


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    iri: str
    start: int | None  # years: what network tools' timelines take
    end: int | None
    kind: str
    status: str
    sources: int


@dataclass(frozen=True)
class Network:
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]


def network(store: pyoxigraph.Store, languages: Sequence[str] = ()) -> Network:
    """The partnership network of everything in the store (data and ontology, for the labels)."""
    import pyoxigraph

    from twingraph.rdf.export import best_labels

    labels = best_labels(store, languages)

    def objects(predicate: str) -> dict[str, list[Any]]:
        found: dict[str, list[Any]] = {}
        for quad in store.quads_for_pattern(None, pyoxigraph.NamedNode(predicate), None, pyoxigraph.DefaultGraph()):
            found.setdefault(str(quad.subject), []).append(quad.object)
        return found

    def label(term: Any | None) -> str:
        return min(labels.get(str(term), [""])) if term is not None else ""

    def first(values: list[Any] | None) -> Any | None:
        return min(values, key=str) if values else None

    partnership, data = pyoxigraph.NamedNode(TW + "Partnership"), pyoxigraph.DefaultGraph()
    typed = store.quads_for_pattern(None, pyoxigraph.NamedNode(RDF_TYPE), partnership, data)
    partnerships = sorted({q.subject for q in typed}, key=str)
    partners, wikidata, countries = objects(TW + "partner"), objects(TW + "wikidataEntity"), objects(TW + "country")
    lats, lngs = objects(SCHEMA + "latitude"), objects(SCHEMA + "longitude")
    starts, ends, kinds = objects(TW + "startDate"), objects(TW + "endDate"), objects(TW + "kind")
    sources, changes = objects(DCT_SOURCE), objects(TW + "statusChange")
    when, status = objects(TW + "pointInTime"), objects(TW + "status")

    nodes: dict[str, Node] = {}
    edges = []
    for p in partnerships:
        pair = sorted({str(x) for x in partners.get(str(p), ())})
        if len(pair) != 2:
            continue
        for place in pair:
            if place not in nodes:
                qid_term, iri = first(wikidata.get(place)), place.strip("<>")
                qid = qid_term.value.removeprefix(WD) if isinstance(qid_term, pyoxigraph.NamedNode) else ""
                lat, lng = _number(first(lats.get(place))), _number(first(lngs.get(place)))
                nodes[place] = Node(qid or iri, iri, label(pyoxigraph.NamedNode(iri)), qid,
                                    label(first(countries.get(place))), lat, lng)  # fmt: skip
        ids = [nodes[place].id for place in pair]
        latest = max(
            ((first(when.get(str(c))), first(status.get(str(c))), str(c)) for c in changes.get(str(p), ())),
            default=None,
            key=lambda change: status_change_order(None if change[0] is None else change[0].value, change[2]),
        )
        status_now = latest[1] if latest else pyoxigraph.NamedNode(TW + "Active")  # no change: active
        edges.append(
            Edge(
                ids[0], ids[1], str(p).strip("<>"), _year(first(starts.get(str(p)))), _year(first(ends.get(str(p)))),
                label(first(kinds.get(str(p)))), label(status_now), len(sources.get(str(p), ())),
            )
        )  # fmt: skip
    return Network(tuple(sorted(nodes.values(), key=lambda n: n.iri)), tuple(edges))


def unplaced(net: Network) -> tuple[int, int]:
    """The places without coordinates, and the partnerships with such a place: what GeoJSON leaves out."""
    missing = {n.id for n in net.nodes if n.latitude is None or n.longitude is None}
    return len(missing), sum(1 for e in net.edges if e.source in missing or e.target in missing)


def _number(term: Any | None) -> float | None:
    return float(term.value) if term is not None else None


def _year(term: Any | None) -> int | None:
    return int(term.value[:4]) if term is not None and term.value[:4].isdigit() else None
