"""SPARQL results written in the W3C result formats, as RDF, or as a table for people.

SELECT and ASK results follow the SPARQL 1.1 Query Results JSON, XML, CSV and TSV specs:
rdflib writes JSON, XML and CSV; TSV, which rdflib only reads, is written here. CONSTRUCT
and DESCRIBE results are graphs and are written as Turtle, N-Triples or JSON-LD.
"""

from __future__ import annotations

import io
import re
import unicodedata
from typing import TYPE_CHECKING

from twingraph.errors import TwingraphError
from twingraph.formats import GRAPH_RESULT_FORMATS, RESULT_FORMATS
from twingraph.iris import PREFIXES, compact, id_prefixes

if TYPE_CHECKING:
    from rdflib.query import Result
    from rdflib.term import Identifier

MAX_CELL_WIDTH = 60
_RDFLIB_GRAPH_FORMATS = {"turtle": "turtle", "nt": "nt", "jsonld": "json-ld"}
_XSD = "http://www.w3.org/2001/XMLSchema#"
# Turtle's short forms for numbers and booleans, used by TSV where the lexical form fits them.
_BARE_FORMS = {
    _XSD + "integer": re.compile(r"[+-]?[0-9]+"),
    _XSD + "decimal": re.compile(r"[+-]?[0-9]*\.[0-9]+"),
    _XSD + "double": re.compile(r"[+-]?(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)[eE][+-]?[0-9]+"),
    _XSD + "boolean": re.compile(r"true|false"),
}
# Turtle escapes; other control characters and Unicode line separators as \uXXXX, so that no
# reader trims a value or splits a row on them.
_TSV_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_TSV_ESCAPES.update(
    {chr(c): f"\\u{c:04X}" for c in [*range(0x20), *range(0x7F, 0xA0), 0x2028, 0x2029] if chr(c) not in _TSV_ESCAPES}
)


class ResultFormatError(TwingraphError):
    """A result cannot be written in the format asked for."""


def is_graph_result(result: Result) -> bool:
    """True for CONSTRUCT and DESCRIBE results, which are graphs rather than rows."""
    return result.type in ("CONSTRUCT", "DESCRIBE")


def formats_for(result: Result) -> tuple[str, ...]:
    """The format names that can write this result."""
    if is_graph_result(result):
        return GRAPH_RESULT_FORMATS
    names = tuple(fmt.name for fmt in RESULT_FORMATS)
    return names if result.type == "SELECT" else tuple(n for n in names if n not in ("csv", "tsv"))


def serialize(result: Result, fmt: str) -> bytes:
    """The result in one format, as UTF-8 bytes."""
    if fmt not in formats_for(result):
        kind = "CONSTRUCT and DESCRIBE" if is_graph_result(result) else result.type
        hint = "the W3C CSV and TSV formats have no form for a yes/no answer. " if result.type == "ASK" else ""
        raise ResultFormatError(
            f"{kind} results cannot be written as {fmt}: {hint}Use one of {', '.join(formats_for(result))}."
        )
    if is_graph_result(result):
        return _serialize_graph(result, fmt)
    if fmt == "table":
        return render_table(result).encode("utf-8")
    if fmt == "tsv":
        return render_tsv(result).encode("utf-8")
    buffer = io.BytesIO()
    result.serialize(destination=buffer, encoding="utf-8", format=fmt)
    return buffer.getvalue()


def _serialize_graph(result: Result, fmt: str) -> bytes:
    from rdflib import Graph

    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    assert result.graph is not None
    for triple in result.graph:
        graph.add(triple)
    data = graph.serialize(format=_RDFLIB_GRAPH_FORMATS[fmt], encoding="utf-8")
    return data


def render_tsv(result: Result) -> str:
    """SPARQL 1.1 Query Results TSV: `?var` headers, terms in Turtle syntax, LF line ends."""
    variables = list(result.vars or [])
    lines = ["\t".join(f"?{v}" for v in variables)]
    for row in result.bindings:
        lines.append("\t".join(tsv_term(row.get(v)) for v in variables))
    return "\n".join(lines) + "\n"


def tsv_term(node: Identifier | None) -> str:
    """One term in TSV: `<iri>`, `_:b`, a Turtle literal or a bare number; empty when unbound."""
    from rdflib import BNode, Literal, URIRef

    if node is None:
        return ""
    if isinstance(node, URIRef):
        return f"<{node}>"
    if isinstance(node, BNode):
        return f"_:{node}"
    if isinstance(node, Literal):
        lexical = str(node)
        datatype = str(node.datatype) if node.datatype else None
        if datatype in _BARE_FORMS and _BARE_FORMS[datatype].fullmatch(lexical):
            return lexical
        quoted = '"' + "".join(_TSV_ESCAPES.get(c, c) for c in lexical) + '"'
        if node.language:
            return f"{quoted}@{node.language}"
        if datatype:
            return f"{quoted}^^<{datatype}>"
        return quoted
    raise ResultFormatError(f"cannot write {node!r} in TSV.")


def render_table(result: Result) -> str:
    """An aligned text table for people: IRIs in prefix form, long cells cut short."""
    if result.type == "ASK":
        return ("true" if result.askAnswer else "false") + "\n"
    variables = [str(v) for v in result.vars or []]
    rows = [[_cell(row.get(v)) for v in result.vars or []] for row in result.bindings]
    widths = [max([_width(name)] + [_width(row[i]) for row in rows]) for i, name in enumerate(variables)]
    lines = [_line(variables, widths), _line(["-" * w for w in widths], widths)]
    lines += [_line(row, widths) for row in rows]
    lines.append(f"({len(rows)} row{'' if len(rows) == 1 else 's'})")
    return "\n".join(lines) + "\n"


def _cell(node: Identifier | None) -> str:
    from rdflib import BNode, URIRef

    if node is None:
        return ""
    if isinstance(node, URIRef):
        text = compact(str(node), id_prefixes())
    elif isinstance(node, BNode):
        text = f"_:{node}"
    else:
        text = str(node)
    # One line per row: control characters (newlines, tabs) become spaces.
    text = "".join(" " if unicodedata.category(c) == "Cc" else c for c in text)
    if _width(text) > MAX_CELL_WIDTH:
        while _width(text) > MAX_CELL_WIDTH - 1:
            text = text[:-1]
        text += "…"
    return text


def _width(text: str) -> int:
    """Columns a text takes in a terminal: wide East Asian characters take two, combining marks none."""
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _line(cells: list[str], widths: list[int]) -> str:
    return "  ".join(cell + " " * (width - _width(cell)) for cell, width in zip(cells, widths, strict=True)).rstrip()
