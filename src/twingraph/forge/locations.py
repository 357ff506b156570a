"""Where a validation finding is in the files a person edits: a file and, where it can be told, a line.

A finding names a resource (its focus node), not a place in a file. A reviewer on a pull request
needs the file and line, so each finding is put in the file that states what is wrong:

- the file that states the offending triple, where the finding names one (a one-step path and
  its value); else the first file, in load order, that states the resource;
- in that file, for a resource that `import csv` wrote from a row of a list (its `dct:source` is
  that row, `…-line-N`), the list itself at that line: the list is what the city edits;
- otherwise the first line where the file states the resource as its subject (Turtle, TriG,
  N-Triples and N-Quads written one statement or subject per line, as twingraph, rdflib and
  people write them), or the file alone where no such line is found.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from twingraph.formats import N_QUADS, N_TRIPLES, TRIG, TURTLE
from twingraph.iris import DCT_SOURCE
from twingraph.partner_lists.importer import WRITTEN_HEADER

if TYPE_CHECKING:
    from twingraph.rdf.load import LoadedGraph, ParsedFile
    from twingraph.shacl.validate import Finding

Item = TypeVar("Item")
# The formats whose statements begin a line with their subject, as they are written.
LINE_FORMATS = (TURTLE, TRIG, N_TRIPLES, N_QUADS)
# The row sources `import csv` writes: the list's source IRI, then "-line-" and the row's line.
ROW_SOURCE = re.compile(r"-line-(\d+)$")
_PREFIX = re.compile(r"^\s*(?:@prefix|PREFIX)\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.IGNORECASE)
_SUBJECT = re.compile(r"^\s*(<[^>\s]*>|[A-Za-z][\w.-]*:[^\s;,()\[\]]*|:[^\s;,()\[\]]*)")


@dataclass(frozen=True)
class Location:
    """A file, and the line in it (1-based) where that is known."""

    path: Path
    line: int | None = None


def locate_findings(data: LoadedGraph, findings: Sequence[Finding], project_root: Path) -> list[Location | None]:
    """The location of each finding, in order; None where no file of the data states its resource."""
    return _Locator(data, project_root).findings(findings)


class _Locator:
    def __init__(self, data: LoadedGraph, project_root: Path) -> None:
        self.data = data
        self.root = project_root
        self.order = {f.graph_name: n for n, f in enumerate(data.files)}
        self.files = {f.graph_name: f for f in data.files}
        self.lines: dict[str, dict[str, int]] = {}  # per file, read when first asked for

    def findings(self, findings: Sequence[Finding]) -> list[Location | None]:
        nodes = sorted({f.focus for f in findings if not f.focus.startswith("_:")})
        stating = self._graphs_stating_nodes(nodes)
        at_fault = self._graphs_stating_statements([f for f in findings if f.statement and f.focus in stating])
        located: list[Location | None] = []
        for finding in findings:
            graphs = stating.get(finding.focus)
            if not graphs:
                located.append(None)
                continue
            faulty = at_fault.get((finding.focus, *finding.statement)) if finding.statement else None
            graph = min(faulty or graphs, key=self.order.__getitem__)
            located.append(self._in_file(finding.focus, graph))
        return located

    def _in_file(self, node: str, graph: str) -> Location:
        parsed = self.files[graph]
        imported_from = self._lists.get(graph)
        if imported_from is not None:
            row = self._rows.get((node, graph))
            if row is not None:
                return Location(imported_from, row)
        return Location(parsed.path, self._subject_lines(graph).get(node))

    @cached_property
    def _lists(self) -> dict[str, Path]:
        """The files `import csv` wrote, and the list (in the project) each was imported from."""
        lists = {}
        for graph, parsed in self.files.items():
            first = parsed.data[:4096].split(b"\n", 1)[0].decode("utf-8", "replace")
            named = WRITTEN_HEADER.match(first)
            if named and (self.root / named["list"]).is_file():
                lists[graph] = self.root / named["list"]
        return lists

    @cached_property
    def _rows(self) -> dict[tuple[str, str], int]:
        """(node, file's graph) → the first row of its list that is a source of the node."""
        rows: dict[tuple[str, str], int] = {}
        for graph in self._lists:
            query = f"SELECT ?node ?row WHERE {{ GRAPH <{graph}> {{ ?node <{DCT_SOURCE}> ?row }} }}"
            for solution in self._select(query):
                row = ROW_SOURCE.search(str(solution["row"].value))
                if row:
                    key = (str(solution["node"].value), graph)
                    rows[key] = min(rows.get(key, int(row[1])), int(row[1]))
        return rows

    def _graphs_stating_nodes(self, nodes: Sequence[str]) -> dict[str, set[str]]:
        """The files' graphs in which each node is a subject."""
        graphs: dict[str, set[str]] = {}
        for batch in _batches(nodes):
            values = " ".join(f"<{node}>" for node in batch)
            query = f"SELECT DISTINCT ?node ?g WHERE {{ VALUES ?node {{ {values} }} GRAPH ?g {{ ?node ?p ?o }} }}"
            for solution in self._select(query):
                graph = str(solution["g"].value)
                if graph in self.files:
                    graphs.setdefault(str(solution["node"].value), set()).add(graph)
        return graphs

    def _graphs_stating_statements(self, findings: Sequence[Finding]) -> dict[tuple[str, str, str], set[str]]:
        """The files' graphs that state each finding's statement (its focus, predicate and value)."""
        wanted = sorted({(f.focus, *f.statement) for f in findings if f.statement})
        graphs: dict[tuple[str, str, str], set[str]] = {}
        for batch in _batches(wanted):
            values = " ".join(f"(<{node}> {predicate} {value})" for node, predicate, value in batch)
            query = f"SELECT ?node ?p ?v ?g WHERE {{ VALUES (?node ?p ?v) {{ {values} }} GRAPH ?g {{ ?node ?p ?v }} }}"
            for solution in self._select(query):
                graph = str(solution["g"].value)
                if graph in self.files:
                    key = (str(solution["node"].value), f"<{solution['p'].value}>", _n_triples(solution["v"]))
                    graphs.setdefault(key, set()).add(graph)
        return graphs

    def _subject_lines(self, graph: str) -> dict[str, int]:
        if graph not in self.lines:
            self.lines[graph] = _subject_lines(self.files[graph])
        return self.lines[graph]

    def _select(self, query: str) -> Iterable[Any]:
        import pyoxigraph

        solutions = self.data.store.query(query)
        assert isinstance(solutions, pyoxigraph.QuerySolutions)
        return solutions


def _n_triples(term: object) -> str:
    """A store term in the N-Triples form rdflib's `n3()` gives (the findings' form)."""
    from twingraph.rdf.terms import to_rdflib

    return str(to_rdflib(term).n3())


def _batches(items: Sequence[Item], size: int = 500) -> Iterable[Sequence[Item]]:
    # Focus nodes and values come from the store itself, where every IRI and literal is one
    # it could load, so they are written into the query in their N-Triples form.
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _subject_lines(parsed: ParsedFile) -> dict[str, int]:
    """Each IRI a line of the file begins with, as its subject, and the first such line."""
    if parsed.format not in LINE_FORMATS:
        return {}
    prefixes: dict[str, str] = {}
    lines: dict[str, int] = {}
    text = parsed.data.decode("utf-8", "replace")
    for number, line in enumerate(text.splitlines(), start=1):
        declared = _PREFIX.match(line)
        if declared:
            prefixes[declared[1] or ""] = declared[2]
            continue
        if line[:1].isspace() or not line:
            continue  # a continuation: predicates and objects of the subject above
        subject = _SUBJECT.match(line)
        if not subject:
            continue
        iri = _expand(subject[1], prefixes)
        if iri is not None and iri not in lines:
            lines[iri] = number
    return lines


def _expand(term: str, prefixes: dict[str, str]) -> str | None:
    if term.startswith("<"):
        return term[1:-1]
    prefix, _, local = term.partition(":")
    namespace = prefixes.get(prefix)
    if namespace is None:
        return None
    return namespace + re.sub(r"\\(.)", r"\1", local)
