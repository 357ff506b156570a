"""Triples as a writer makes them: pyoxigraph terms held as written, each once, with the
look-ups a writer asks while it writes (has this subject been described, what labels has it).

A store would rewrite literals ("51.30"^^xsd:decimal as 51.3) and an rdflib graph costs a
Python object per term and a conversion before Oxigraph writes Turtle: for the Wikipedia
list's 435k triples that was 17 of `import csv`'s 46 seconds.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pyoxigraph


class TripleSet:
    """A set of triples whose subjects and predicates are IRIs, indexed by subject and predicate."""

    def __init__(self) -> None:
        self._triples: dict[pyoxigraph.Triple, None] = {}  # insertion-ordered, each once
        self._objects: dict[tuple[str, str], list[Any]] = {}

    def add(self, subject: str, predicate: str, obj: Any) -> None:
        triple = pyoxigraph.Triple(pyoxigraph.NamedNode(subject), pyoxigraph.NamedNode(predicate), obj)
        if triple not in self._triples:
            self._triples[triple] = None
            self._objects.setdefault((subject, predicate), []).append(obj)
            self._objects.setdefault((subject, ""), []).append(obj)

    def remove(self, subject: str, predicate: str, obj: Any) -> None:
        triple = pyoxigraph.Triple(pyoxigraph.NamedNode(subject), pyoxigraph.NamedNode(predicate), obj)
        if triple in self._triples:
            del self._triples[triple]
            self._objects[(subject, predicate)].remove(obj)
            self._objects[(subject, "")].remove(obj)

    def describes(self, subject: str) -> bool:
        """Whether any triple has this subject."""
        return bool(self._objects.get((subject, "")))

    def objects(self, subject: str, predicate: str) -> list[Any]:
        return list(self._objects.get((subject, predicate), ()))

    def subjects_with(self, predicate: str) -> list[str]:
        """The subjects that have this predicate, in IRI order."""
        return sorted(s for (s, p), objects in self._objects.items() if p == predicate and objects)

    def __iter__(self) -> Iterator[pyoxigraph.Triple]:
        return iter(self._triples)

    def __len__(self) -> int:
        return len(self._triples)
