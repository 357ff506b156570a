"""Files to a graph, safely.

Every file is loaded into one in-memory pyoxigraph Store, in a named graph of its own, so
that the precedence rule (rdf/precedence.py) and provenance can tell the files apart and
nothing is parsed twice. Then the store's default graph gets the RDF merge of the files: a
set, in which a triple that two files state is one triple. Queries, pages, plots, exports and
counts read that default graph, as `serve` and a store after `push` do (the README's
"Graphs"); a union of the named graphs would match such a triple once per file.
`LoadedGraph.graph` offers the default graph through rdflib's API (oxrdflib), for Python users
and for code that wants rdflib terms.

Parsing is done by pyoxigraph: it is fast, reports the line and column of every syntax error,
never fetches anything, and does not depend on `assert` statements (rdflib's Turtle parser
raises AssertionError or IndexError for some broken input, and under `python -O` not even
that). Before parsing, each file is checked for size, encoding and, by format, for the
constructs that make parsers reach out: JSON-LD contexts that are not inline, and XML
DOCTYPE/ENTITY declarations (billion laughs, external entities).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from twingraph.errors import InputError, display_path
from twingraph.formats import Format, known_suffixes, rdf_format_for
from twingraph.offline import offline
from twingraph.rdf.input_checks import (
    decode_utf8,
    refuse_control_characters,
    refuse_remote_contexts,
    refuse_xml_declarations,
    syntax_error,
    token_too_long,
)
from twingraph.rdf.terms import REWRITTEN_DATATYPES

if TYPE_CHECKING:
    import pyoxigraph
    import rdflib

    from twingraph.project import Project
    from twingraph.rdf.precedence import Decision


FILE_GRAPH_PREFIX = "urn:twingraph:file:"
MERGE_GRAPH_PREFIX = "urn:twingraph:merge:"

# Formats that can hold named graphs: their graph names are not kept when loading.
DATASET_FORMATS = ("nquads", "trig")
_BOM = b"\xef\xbb\xbf"


# A cheap first test for the datatypes Oxigraph's store rewrites: a full datatype IRI, or a
# prefixed one after `^^` (Turtle, TriG) or as a JSON-LD "@type". A city named Long Beach
# (`city:long-beach`) is no `xsd:long`: that false alarm once sent the world to pyshacl for
# 90 minutes. Where it does match, the file's literals are looked at to be sure.
_DATATYPE_NAMES = b"(?:" + "|".join(REWRITTEN_DATATYPES).encode() + rb")\b"
_REWRITTEN_DATATYPES = re.compile(
    rb"XMLSchema#" + _DATATYPE_NAMES
    + rb"|\^\^\s*[A-Za-z][\w.-]*:" + _DATATYPE_NAMES
    + rb'|"@type"\s*:\s*"[A-Za-z][\w.-]*:' + _DATATYPE_NAMES
)  # fmt: skip


@dataclass(frozen=True)
class ParsedFile:
    """One file loaded into the store: where it came from, its named graph, its size and its bytes."""

    path: Path
    format: Format
    graph_name: str
    triples: int
    data: bytes = field(repr=False)
    # What the precedence rule (rdf/precedence.py) took out of this file and added to it.
    removed: frozenset[pyoxigraph.Triple] = field(default=frozenset(), repr=False)
    added: tuple[pyoxigraph.Triple, ...] = field(default=(), repr=False)

    @cached_property
    def holds_rewritten_datatypes(self) -> bool:
        """Whether the file has a literal of a datatype the store rewrites (xsd:int, …): a cheap
        test of its bytes, then, where that finds one named, of its literals as written."""
        if _REWRITTEN_DATATYPES.search(self.data) is None:
            return False
        from twingraph.iris import XSD

        rewritten = {XSD + name for name in REWRITTEN_DATATYPES}
        return any(
            getattr(getattr(t.object, "datatype", None), "value", None) in rewritten
            for t in _parse_exact(self.data, self.format, self.path)
        )

    def exact_triples(self) -> list[pyoxigraph.Triple]:
        """The file's triples exactly as written, read again from its bytes (the store canonicalises
        literals), with the precedence rule's changes."""
        triples = _parse_exact(self.data, self.format, self.path)
        if not (self.removed or self.added):
            return triples
        return [t for t in triples if t not in self.removed] + list(self.added)


@dataclass(frozen=True)
class LoadedGraph:
    """Several files in one pyoxigraph Store, each in its own named graph."""

    store: pyoxigraph.Store = field(repr=False)
    files: tuple[ParsedFile, ...]
    # Where files gave one resource different values, and which the precedence rule preferred.
    decisions: tuple[Decision, ...] = ()
    # How many triples corrections took out of the merge (rdf/corrections.py): then no file's own
    # graph is what the data says, and a part of the files is read from their corrected merge.
    withdrawn: int = 0
    # Merges of some of the files (the data without the ontology), made when first asked for.
    _merges: dict[tuple[str, ...], pyoxigraph.NamedNode] = field(default_factory=dict, repr=False, compare=False)

    @property
    def paths(self) -> tuple[Path, ...]:
        """The files that were read, in order."""
        return tuple(f.path for f in self.files)

    @cached_property
    def graph(self) -> rdflib.Graph:
        """The RDF merge of every file (the store's default graph) through rdflib's API; SPARQL runs in Oxigraph."""
        from twingraph.iris import PREFIXES
        from twingraph.rdf.merged_graph import merged_graph

        view = merged_graph(self.store, exact=self.exact, exact_triples=self.exact_triples)
        for prefix, namespace in PREFIXES.items():
            view.bind(prefix, namespace, override=True)
        return view

    def exact_triples(self, paths: Sequence[Path] | None = None) -> list[pyoxigraph.Triple]:
        """These files' triples as written (default: every file's), with the precedence rule's
        changes, less what corrections withdraw (rdf/corrections.py)."""
        from twingraph.rdf.corrections import withdrawn

        triples = [t for f in self.files_for(paths) for t in f.exact_triples()]
        gone = withdrawn(triples)
        return [t for t in triples if t not in gone] if gone else triples

    def graph_names(self, paths: Sequence[Path] | None = None) -> list[pyoxigraph.NamedNode]:
        """The named graphs of these files (default: every file)."""
        import pyoxigraph

        return [pyoxigraph.NamedNode(f.graph_name) for f in self.files_for(paths)]

    def quads(self, subject: Any = None, predicate: str | None = None, obj: Any = None) -> Iterator[Any]:
        """The merge of every file's quads matching a pattern (a subject IRI or term, a predicate
        IRI, an object term; None for any), read straight from the store as pyoxigraph terms."""
        import pyoxigraph

        if isinstance(subject, str):
            subject = pyoxigraph.NamedNode(subject)
        named = None if predicate is None else pyoxigraph.NamedNode(predicate)
        return self.store.quads_for_pattern(subject, named, obj, pyoxigraph.DefaultGraph())

    def objects(self, subject: Any, predicate: str) -> list[Any]:
        """The objects of a subject's predicate in the merge of every file, as pyoxigraph terms."""
        return [quad.object for quad in self.quads(subject, predicate)]

    def select(self, query: str, paths: Sequence[Path] | None = None) -> list[tuple[Any, ...]]:
        """The rows of a SELECT query, run by Oxigraph over the merge of these files (default: every file)."""
        answer: Any = self.store.query(query, default_graph=self._graph_of(paths))
        return [tuple(row) for row in answer]

    def _graph_of(self, paths: Sequence[Path] | None) -> Any:
        """The graph holding the merge of these files: the default graph for every file, a
        file's own graph for one, else a named graph made once for that set of files."""
        import pyoxigraph

        files = self.files_for(paths)
        if len(files) == len(self.files):
            return pyoxigraph.DefaultGraph()
        if len(files) == 1 and not self.withdrawn:
            return pyoxigraph.NamedNode(files[0].graph_name)
        key = tuple(f.graph_name for f in files)
        if key not in self._merges:
            merged = pyoxigraph.NamedNode(f"{MERGE_GRAPH_PREFIX}{len(self._merges)}")
            # Only where corrections withdrew triples must each be looked up in the default graph
            # (in Python: 6 s for the real world's data); else Oxigraph merges them whole.
            within = pyoxigraph.DefaultGraph() if self.withdrawn else None
            _merge(self.store, [pyoxigraph.NamedNode(name) for name in key], merged, within=within)
            self._merges[key] = merged
        return self._merges[key]

    def files_for(self, paths: Sequence[Path] | None = None) -> list[ParsedFile]:
        """The loaded files among these paths (folders expanded; default: every file)."""
        wanted = None if paths is None else {p.resolve() for p in expand_paths(paths)}
        return [f for f in self.files if wanted is None or f.path.resolve() in wanted]

    @cached_property
    def exact(self) -> bool:
        """Whether the store holds every literal as written (no file uses a datatype it rewrites)."""
        return not any(f.holds_rewritten_datatypes for f in self.files)

    def triple_count(self, paths: Sequence[Path] | None = None) -> int:
        """Distinct triples in these files together (default: every file).

        Each file's own count is known from loading. A triple standing in several files is
        counted once: only the smaller files' triples are looked up in the others, so the cost
        is that of the small files (the ontology), not of the data (a DISTINCT over the
        world's data took 0.6 s). Every file together is the default graph's size.
        """
        import pyoxigraph

        files = sorted(self.files_for(paths), key=lambda f: f.triples, reverse=True)
        if not files:
            return 0
        if len(files) == len(self.files) or self.withdrawn:
            graph = self._graph_of(paths)
            answer: Any = self.store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", default_graph=graph)
            return int(next(iter(answer))[0].value)
        largest, *others = files
        order = {f.graph_name: rank for rank, f in enumerate(files)}
        repeats = 0
        for rank, file in enumerate(others, start=1):
            for quad in self.store.quads_for_pattern(None, None, None, pyoxigraph.NamedNode(file.graph_name)):
                held_by = (
                    order.get(getattr(q.graph_name, "value", ""))
                    for q in self.store.quads_for_pattern(quad.subject, quad.predicate, quad.object, None)
                )
                if any(other is not None and other < rank for other in held_by):
                    repeats += 1
        return largest.triples + sum(f.triples for f in others) - repeats


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files as given, folders replaced by the RDF files in them (sorted); missing ones refused."""
    result: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.is_file() and rdf_format_for(p))
            if not found:
                raise InputError(f"this folder holds no data files (looked for {known_suffixes()}).", path=path)
            result.extend(found)
        elif path.exists():
            result.append(path)
        else:
            raise InputError("no such file or folder.", path=path)
    return result


def read_input(path: Path, *, max_bytes: int) -> bytes:
    """A file's bytes, refused before reading when it is larger than `max_bytes`."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputError("no such file.", path=path) from None
    except OSError as exc:
        raise InputError(f"cannot be read ({exc.strerror}).", path=path) from None
    if size > max_bytes:
        raise InputError(
            f"the file is {size:,} bytes, more than the limit of {max_bytes:,}. "
            "Raise [limits] max_input_mb in twingraph.toml or --max-input-mb if it is meant to be this large.",
            path=path,
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot be read ({exc.strerror}).", path=path) from None
    if len(data) > max_bytes:  # the file grew between stat and read
        raise InputError(f"the file is larger than the limit of {max_bytes:,} bytes.", path=path)
    return data


def load_file(
    store: pyoxigraph.Store, path: Path, *, graph_name: str, max_bytes: int, fmt: Format | None = None
) -> ParsedFile:
    """Load one file into a named graph of the store, or raise an `InputError` naming the file and line."""
    fmt = fmt or _format_of(path)
    data = _read_checked(path, fmt, max_bytes=max_bytes)
    triples = _load_with_oxigraph(store, data, fmt, path, graph_name)
    if not triples:
        raise InputError("the file holds no triples (only prefixes or comments).", path=path)
    return ParsedFile(path=path, format=fmt, graph_name=graph_name, triples=triples, data=data)


def _format_of(path: Path) -> Format:
    fmt = rdf_format_for(path)
    if fmt is None:
        raise InputError(
            f"unknown file type {path.suffix or '(no suffix)'!r}; twingraph reads {known_suffixes()}.", path=path
        )
    return fmt


def _read_checked(path: Path, fmt: Format, *, max_bytes: int) -> bytes:
    """The file's bytes, refused if too large, not UTF-8, empty, or able to reach out when parsed.

    The decoded text is not kept: it would double the memory a large file takes while it is parsed.
    """
    data = read_input(path, max_bytes=max_bytes)
    if data.startswith(_BOM):  # a UTF-8 byte order mark, as Windows editors write: harmless, dropped
        data = data[len(_BOM) :]
    text = decode_utf8(data, path)
    if not text.strip():
        raise InputError("the file is empty: it holds no triples.", path=path)
    refuse_control_characters(text, path)
    if fmt.name == "rdfxml":
        refuse_xml_declarations(data, path)
    elif fmt.name == "jsonld":
        refuse_remote_contexts(text, path)
    return data


def _parse_exact(data: bytes, fmt: Format, path: Path) -> list[pyoxigraph.Triple]:
    import pyoxigraph

    ox_format = getattr(pyoxigraph.RdfFormat, str(fmt.oxigraph_name))
    base = path.resolve().as_uri()
    return [q.triple for q in pyoxigraph.parse(data, format=ox_format, base_iri=base, rename_blank_nodes=True)]


def read_exact_triples(paths: Sequence[Path], *, max_bytes: int) -> list[pyoxigraph.Triple]:
    """The files' triples exactly as written, without a store: what a build exports, read
    beside the loading (the same checks as `load_file`; errors are the loader's to report), with
    the precedence rule and the corrections applied as the loader applies them."""
    from twingraph.rdf.corrections import withdrawn
    from twingraph.rdf.precedence import resolved_triples

    files: list[list[pyoxigraph.Triple]] = []
    for path in expand_paths(paths):
        fmt = _format_of(path)
        data = _read_checked(path, fmt, max_bytes=max_bytes)
        try:
            files.append(_parse_exact(data, fmt, path))
        except (SyntaxError, ValueError, OSError) as exc:
            raise InputError(f"not valid {fmt.label}: {exc}", path=path) from None
    triples = resolved_triples(files)
    gone = withdrawn(triples)
    return [t for t in triples if t not in gone] if gone else triples


def load_graph(paths: Sequence[Path], *, max_bytes: int, written: Sequence[tuple[Path, bytes]] = ()) -> LoadedGraph:
    """Load every file (folders expanded) into one store, each into a named graph of its own,
    and apply the precedence rule where files disagree (rdf/precedence.py).

    `written` are files about to be written, given by their path and content: a command
    validates its output with the project before it writes it.
    Oxigraph gives every loaded blank node a fresh identifier, so two files never share one.
    """
    import pyoxigraph

    store = pyoxigraph.Store()
    paths = expand_paths(paths)
    with offline():
        files = [
            load_file(store, p, graph_name=f"{FILE_GRAPH_PREFIX}{index}", max_bytes=max_bytes)
            for index, p in enumerate(paths)
        ]
        for index, (path, data) in enumerate(written, start=len(paths)):
            fmt = _format_of(path)
            graph_name = f"{FILE_GRAPH_PREFIX}{index}"
            count = _load_with_oxigraph(store, data, fmt, path, graph_name)
            files.append(ParsedFile(path=path, format=fmt, graph_name=graph_name, triples=count, data=data))
    return _resolved(store, files)


def _resolved(store: pyoxigraph.Store, files: list[ParsedFile]) -> LoadedGraph:
    from dataclasses import replace

    import pyoxigraph

    from twingraph.rdf import precedence
    from twingraph.rdf.corrections import apply_to_store

    resolution = precedence.resolve(store, [f.graph_name for f in files])
    if resolution:
        precedence.apply(store, resolution)
    _merge(store, [pyoxigraph.NamedNode(f.graph_name) for f in files], pyoxigraph.DefaultGraph())
    withdrawn = apply_to_store(store)  # retracted partnerships leave the merge (rdf/corrections.py)
    if not resolution:
        return LoadedGraph(store=store, files=tuple(files), withdrawn=withdrawn)
    amended = []
    for file in files:
        removed = frozenset(resolution.removed.get(file.graph_name, ()))
        added = tuple(resolution.added.get(file.graph_name, ()))
        count = file.triples - len(removed) + len(added)
        amended.append(replace(file, removed=removed, added=added, triples=count))
    return LoadedGraph(store=store, files=tuple(amended), decisions=tuple(resolution.decided), withdrawn=withdrawn)


def _merge(store: pyoxigraph.Store, graphs: Sequence[pyoxigraph.NamedNode], into: Any, *, within: Any = None) -> None:
    """Put the RDF merge of these graphs into another graph of the store (a set: each triple once);
    with `within`, only the triples that graph holds too (what corrections left in the default graph)."""
    import pyoxigraph

    if within is None:  # in Oxigraph: twice as fast as building the quads in Python (World: 0.5 s, not 1.2 s)
        target = "DEFAULT" if isinstance(into, pyoxigraph.DefaultGraph) else f"<{into.value}>"
        store.update("; ".join(f"ADD <{graph.value}> TO {target}" for graph in graphs))
        return

    def kept(q: pyoxigraph.Quad) -> bool:
        return next(iter(store.quads_for_pattern(q.subject, q.predicate, q.object, within)), None) is not None

    for graph in graphs:
        store.extend(
            pyoxigraph.Quad(q.subject, q.predicate, q.object, into)
            for q in store.quads_for_pattern(None, None, None, graph)
            if kept(q)
        )


def load_project_graph(project: Project, data_paths: Sequence[Path] = (), *, max_bytes: int) -> LoadedGraph:
    """A project's ontology and data (default: its data/ folder) as one graph."""
    ontology, data = project.graph_inputs(data_paths)
    return load_graph([*ontology, *data], max_bytes=max_bytes)


def _load_with_oxigraph(store: pyoxigraph.Store, data: bytes, fmt: Format, path: Path, graph_name: str) -> int:
    """Load into the named graph; the number of triples it holds afterwards."""
    import pyoxigraph

    ox_format = getattr(pyoxigraph.RdfFormat, str(fmt.oxigraph_name))
    graph = pyoxigraph.NamedNode(graph_name)
    base = path.resolve().as_uri()
    try:
        if fmt.name in DATASET_FORMATS:
            # The graph names of a TriG or N-Quads file are not kept: every triple of it, in its
            # default graph or in any named graph, is data (the README's "Graphs" section).
            quads = pyoxigraph.parse(data, format=ox_format, base_iri=base, rename_blank_nodes=True)
            store.extend(pyoxigraph.Quad(q.subject, q.predicate, q.object, graph) for q in quads)
        else:
            store.load(data, format=ox_format, base_iri=base, to_graph=graph)
        answer = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", default_graph=graph)
        return int(next(iter(answer))[0].value)  # type: ignore[arg-type]
    except SyntaxError as exc:
        raise syntax_error(exc, data.decode("utf-8-sig"), fmt, path) from None
    except MemoryError as exc:
        raise token_too_long(exc, data, path) from None
    except (ValueError, OSError) as exc:
        raise InputError(f"not valid {fmt.label}: {exc}", path=path) from None


def describe_files(files: Sequence[ParsedFile]) -> str:
    """'data/kassel.ttl (596 triples)' for each file, for summaries."""
    return ", ".join(f"{display_path(f.path)} ({f.triples} triples)" for f in files)
