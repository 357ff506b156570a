"""The engine's model of shapes and results: compiled paths, shapes, SPARQL constraints, results."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

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
