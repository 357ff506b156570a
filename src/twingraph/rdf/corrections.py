"""Corrections a city makes without editing Turtle: a retracted partnership.

`twingraph retract` (partner_lists/retraction.py) writes into the project's corrections file
(data/corrections.ttl) a deprecated claim, as Wikidata deprecates a statement with a reason for its deprecated rank
(P2241): the city says it is not twinned with the partner, why, and on whose word. The claim
names the partnership with `tw:retracts`.

Every load applies it, the loader and the build's exporter alike: the partnership, its claims
and status changes, and the `tw:twinnedWith` between its places leave the data that queries,
pages, plots and exports see. The files are never changed, so a later `wikidata import` or
`import csv` that writes the partnership again does not bring it back. The deprecated claim
itself stays in the data, so that the correction is published with its reason and source.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from twingraph.iris import TW

if TYPE_CHECKING:
    import pyoxigraph

CORRECTIONS_FILE = "corrections.ttl"
RETRACTS = TW + "retracts"
_OWNED = (TW + "claim", TW + "statusChange")  # what belongs to a partnership alone, and leaves with it


def withdrawn(triples: Iterable[pyoxigraph.Triple]) -> set[pyoxigraph.Triple]:
    """The triples that retractions among these take out of the data (none without a retraction)."""
    triples = list(triples)
    retracted = {t.object for t in triples if t.predicate.value == RETRACTS}
    if not retracted:
        return set()
    partners: dict[object, set[object]] = {}
    owned = set()
    for t in triples:
        if t.subject in retracted and t.predicate.value == TW + "partner":
            partners.setdefault(t.subject, set()).add(t.object)
        elif t.subject in retracted and t.predicate.value in _OWNED:
            owned.add(t.object)
    pairs = {(a, b) for places in partners.values() for a in places for b in places if a != b}
    return {
        t
        for t in triples
        if t.subject in retracted
        or t.subject in owned
        or (t.object in retracted and t.predicate.value != RETRACTS)
        or (t.predicate.value == TW + "twinnedWith" and (t.subject, t.object) in pairs)
    }


def apply_to_store(store: pyoxigraph.Store) -> int:
    """Take what retractions withdraw out of the store's default graph (the files' own graphs keep
    it, for provenance); the number of triples taken out."""
    import pyoxigraph

    default = pyoxigraph.DefaultGraph()
    if next(iter(store.quads_for_pattern(None, pyoxigraph.NamedNode(RETRACTS), None, default)), None) is None:
        return 0
    gone = withdrawn(q.triple for q in store.quads_for_pattern(None, None, None, default))
    for triple in gone:
        store.remove(pyoxigraph.Quad(triple.subject, triple.predicate, triple.object, default))
    return len(gone)
