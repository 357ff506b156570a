"""`report coverage`: which partnerships each source of a project has and the others lack.

A source here is a data file: each import writes one (`wikidata import --all` the world from
Wikidata, `import csv` a city's list or Wikipedia's). The same pair of places gets the same
partnership IRI in every file (the stable-IRI rule), so comparing the files' sets of
partnerships answers "how much of Wikipedia's list is on Wikidata, and the other way round".
Counted in total and per place; nothing is read from the network.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from twingraph.iris import RDF_TYPE, TW, WD

if TYPE_CHECKING:
    import pyoxigraph

    from twingraph.rdf.load import LoadedGraph


@dataclass(frozen=True)
class SourceCoverage:
    """One data file: its partnerships, and those no other file has."""

    source: str
    partnerships: int
    only_here: int


@dataclass(frozen=True)
class PlaceCoverage:
    """One place: its partnerships in each source (in the sources' order), and those only there."""

    iri: str
    label: str
    qid: str
    total: int  # its partnerships in any source
    partnerships: tuple[int, ...]
    only_here: tuple[int, ...]

    @property
    def lacking(self) -> int:
        """How many of its partnerships the sources lack (one counted for each source lacking it)."""
        return sum(self.total - n for n in self.partnerships)


@dataclass(frozen=True)
class Coverage:
    """The whole report."""

    sources: tuple[SourceCoverage, ...]
    partnerships: int  # distinct, over every source
    in_every_source: int
    places: tuple[PlaceCoverage, ...]


def coverage(loaded: LoadedGraph, data_paths: Sequence[Path], languages: Sequence[str] = ()) -> Coverage:
    """Compare the data files that describe partnerships."""
    import pyoxigraph

    from twingraph.rdf.export import best_labels

    store = loaded.store
    held = _held(loaded, data_paths)
    names = sorted(held)
    every = set().union(*held.values()) if held else set()
    owners = {p: tuple(name for name in names if p in held[name]) for p in every}
    partners: dict[str, set[str]] = defaultdict(set)
    for quad in store.quads_for_pattern(None, pyoxigraph.NamedNode(TW + "partner"), None, pyoxigraph.DefaultGraph()):
        if _value(quad.subject) in every:
            partners[_value(quad.subject)].add(_value(quad.object))
    sources = tuple(
        SourceCoverage(name, len(held[name]), sum(1 for p in held[name] if owners[p] == (name,))) for name in names
    )
    in_every = sum(1 for who in owners.values() if len(who) == len(names))
    return Coverage(
        sources, len(every), in_every, _places(store, names, owners, partners, best_labels(store, languages))
    )


def _held(loaded: LoadedGraph, data_paths: Sequence[Path]) -> dict[str, set[str]]:
    """Each data file's partnerships (by its name), those retracted left out (rdf/corrections.py)."""
    import pyoxigraph

    store = loaded.store
    typed, partnership = pyoxigraph.NamedNode(RDF_TYPE), pyoxigraph.NamedNode(TW + "Partnership")
    in_data = {_value(q.subject) for q in store.quads_for_pattern(None, typed, partnership, pyoxigraph.DefaultGraph())}
    held: dict[str, set[str]] = {}
    for file in loaded.files_for(data_paths):
        graph = pyoxigraph.NamedNode(file.graph_name)
        found = {_value(q.subject) for q in store.quads_for_pattern(None, typed, partnership, graph)} & in_data
        if found:
            held[file.path.name] = found
    return held


@dataclass(frozen=True)
class Lacking:
    """A partnership that other sources have and the one compared against lacks."""

    partnership: str
    label: str
    sources: tuple[str, ...]


def lacking(
    loaded: LoadedGraph, data_paths: Sequence[Path], against: Path, languages: Sequence[str] = ()
) -> list[Lacking]:
    """The partnerships the other data files have and `against` (a city's own list, say) lacks:
    what a city whose list is complete retracts (`twingraph retract --not-in`)."""
    from twingraph.errors import InputError
    from twingraph.rdf.export import best_labels

    if not loaded.files_for([against]) or against.resolve() not in {p.resolve() for p in loaded.paths}:
        raise InputError("is not one of the project's data files; give a file in data/.", path=against)
    held = _held(loaded, data_paths)
    theirs = held.pop(against.name, set())
    labels = best_labels(loaded.store, languages)
    others = sorted(set().union(*held.values()) - theirs) if held else []
    return [
        Lacking(p, min(labels.get(f"<{p}>", [p])), tuple(name for name in sorted(held) if p in held[name]))
        for p in others
    ]


def _places(
    store: pyoxigraph.Store,
    names: list[str],
    owners: dict[str, tuple[str, ...]],
    partners: dict[str, set[str]],
    labels: dict[str, list[str]],
) -> tuple[PlaceCoverage, ...]:
    import pyoxigraph

    per_place: dict[str, list[str]] = defaultdict(list)
    for p, places in partners.items():
        for place in places:
            per_place[place].append(p)
    wikidata = pyoxigraph.NamedNode(TW + "wikidataEntity")
    found = []
    for place, ps in sorted(per_place.items()):
        entities = store.quads_for_pattern(pyoxigraph.NamedNode(place), wikidata, None, pyoxigraph.DefaultGraph())
        qid = next((_value(q.object).removeprefix(WD) for q in entities), "")
        counts = tuple(sum(1 for p in ps if name in owners[p]) for name in names)
        only = tuple(sum(1 for p in ps if owners[p] == (name,)) for name in names)
        found.append(PlaceCoverage(place, min(labels.get(f"<{place}>", [place])), qid, len(ps), counts, only))
    return tuple(found)


def _value(term: object) -> str:
    """A term's IRI or lexical form (a triple term has none)."""
    return str(getattr(term, "value", ""))
