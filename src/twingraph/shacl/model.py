"""The engine's model of shapes and results: compiled paths, shapes, SPARQL constraints, results."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

SH = "http://www.w3.org/ns/shacl#"


RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


RDFS_CLASS = "http://www.w3.org/2000/01/rdf-schema#Class"


@dataclass(frozen=True)
class Path:
    """A property path: its SPARQL form, and the shapes-graph node to report it by."""

    sparql: str
    node: Any


@dataclass(frozen=True)
class SparqlConstraint:
    """One sh:sparql SELECT constraint, its prefixes already prepended."""

    node: Any
    query: str
    messages: tuple[str, ...]


@dataclass
class Shape:
    """A node or property shape, compiled from the shapes graph."""

    node: Any
    path: Path | None
    severity: str
    messages: tuple[str, ...]
    params: dict[str, list[Any]] = field(default_factory=dict)
    properties: list[Shape] = field(default_factory=list)
    sparql: list[SparqlConstraint] = field(default_factory=list)
    targets: list[tuple[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Result:
    """One validation result, in the terms of the data (pyoxigraph) and the shapes (rdflib)."""

    focus: Any
    component: str
    shape: Shape
    value: Any = None
    path: Any = None
    messages: tuple[str, ...] = ()
    source_constraint: Any = None


class Evaluator(Protocol):
    """What the Core constraints ask of the engine (shacl/engine.py's Engine): class members,
    datatype checks and nested shapes, each for many nodes at once."""

    def instances(self, cls: str) -> set[Any]:
        """The nodes that are instances of a class (or of its subclasses)."""

    def datatype_ok(self, value: Any, datatype: str) -> bool:
        """Whether a value is a well-formed literal of a datatype."""

    def conforming(self, shape_node: Any, nodes: Iterable[Any]) -> dict[Any, bool]:
        """Whether each node conforms to a shape."""
