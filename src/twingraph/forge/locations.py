"""Where a validation finding is in the files a person edits: a file and, where it can be told, a line.

A finding names a resource (its focus node), not a place in a file. A reviewer on a pull request
needs the file and line, so:

- a resource that `import csv` wrote from a row of a list (its `dct:source` is that row,
  `…-line-N`) points at the list itself, at that line: the list is what the city edits;
- any other resource points at the first line where a file of the project states it as a
  subject (Turtle, TriG, N-Triples and N-Quads written one statement or subject per line,
  as twingraph, rdflib and people write them);
- a resource no line can be found for points at the file that states it, without a line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from twingraph.formats import N_QUADS, N_TRIPLES, TRIG, TURTLE
from twingraph.iris import DCT_SOURCE
from twingraph.partner_lists.importer import LIST_NAMED

if TYPE_CHECKING:
    from twingraph.rdf.load import LoadedGraph, ParsedFile

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


def locate(data: LoadedGraph, focus_nodes: Iterable[str], project_root: Path) -> dict[str, Location]:
    """The location of each focus node (an IRI) that some file of the data states; others are left out."""
    wanted = sorted({node for node in focus_nodes if not node.startswith("_:")})
    if not wanted:
        return {}
    files = {f.graph_name: f for f in data.files}
    found: dict[str, Location] = {}
    lists = {name: _list_of(f, project_root) for name, f in files.items()}
    for node, graph, row in _row_sources(data, wanted):
        listed = lists.get(graph)
        if listed is None:
            continue
        line = int(row)
        if node not in found or (found[node].line or 0) > line:
            found[node] = Location(listed, line)
    rest = [node for node in wanted if node not in found]
    if rest:
        lines = {name: _subject_lines(f) for name, f in files.items()}
        for node, graphs in _stating_graphs(data, rest).items():
            in_order = [f for f in data.files if f.graph_name in graphs]
            if not in_order:
                continue
            with_line = [(f, lines[f.graph_name].get(node)) for f in in_order]
            first = next(((f, line) for f, line in with_line if line is not None), (in_order[0], None))
            found[node] = Location(first[0].path, first[1])
    return found


def _row_sources(data: LoadedGraph, nodes: Sequence[str]) -> list[tuple[str, str, str]]:
    """(node, the file's graph, the row's line) for every node a list's row is a source of."""
    import pyoxigraph

    rows = []
    for batch in _batches(nodes):
        query = (
            "SELECT ?node ?g ?row WHERE { VALUES ?node { "
            + " ".join(f"<{node}>" for node in batch)
            + f" }} GRAPH ?g {{ ?node <{DCT_SOURCE}> ?row }} }}"
        )
        solutions = data.store.query(query)
        assert isinstance(solutions, pyoxigraph.QuerySolutions)
        for solution in solutions:
            row = ROW_SOURCE.search(str(solution["row"].value))
            if row:
                rows.append((str(solution["node"].value), str(solution["g"].value), row[1]))
    return rows


def _stating_graphs(data: LoadedGraph, nodes: Sequence[str]) -> dict[str, set[str]]:
    """The files' graphs in which each node is a subject."""
    import pyoxigraph

    graphs: dict[str, set[str]] = {}
    for batch in _batches(nodes):
        query = (
            "SELECT DISTINCT ?node ?g WHERE { VALUES ?node { "
            + " ".join(f"<{node}>" for node in batch)
            + " } GRAPH ?g { ?node ?p ?o } }"
        )
        solutions = data.store.query(query)
        assert isinstance(solutions, pyoxigraph.QuerySolutions)
        for solution in solutions:
            graphs.setdefault(str(solution["node"].value), set()).add(str(solution["g"].value))
    return graphs


def _batches(nodes: Sequence[str], size: int = 500) -> Iterable[Sequence[str]]:
    # Focus nodes are IRIs the store itself holds; one with a character an IRI cannot hold
    # would not have loaded, so writing them between <> is safe.
    for start in range(0, len(nodes), size):
        yield nodes[start : start + size]


def _list_of(parsed: ParsedFile, project_root: Path) -> Path | None:
    """The list a file was imported from, where `import csv` wrote it and the list is in the project."""
    first = parsed.data[:4096].split(b"\n", 1)[0].decode("utf-8", "replace")
    named = LIST_NAMED.match(first)
    if not named:
        return None
    candidate = project_root / named["list"]
    return candidate if candidate.is_file() else None


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
