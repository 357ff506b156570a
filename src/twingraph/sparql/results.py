"""SPARQL results written in the W3C result formats, as RDF, or as a table for people.

Every answer is first turned into `Answer`: rows of pyoxigraph terms, a boolean, or triples.
One set of writers then serves the CLI (whose rdflib results are converted) and the server
(which hands Oxigraph's solutions over directly, with a row limit). SELECT and ASK follow the
SPARQL 1.1 Query Results JSON, XML, CSV and TSV specs. Neither rdflib's writers (they need
rdflib terms, about 20 µs each to build) nor pyoxigraph's (they take only a whole, unlimited
`QuerySolutions`) fit both, so the four small writers live here. CONSTRUCT and DESCRIBE
results are graphs, written by pyoxigraph as Turtle, N-Triples or JSON-LD.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape, quoteattr

from twingraph.errors import TwingraphError
from twingraph.formats import GRAPH_FORMATS, RESULT_FORMATS, named, names, spreadsheet_row
from twingraph.iris import PREFIXES, XSD, compact, id_prefixes

if TYPE_CHECKING:
    import pyoxigraph
    from rdflib.query import Result

MAX_CELL_WIDTH = 60
_BOOLEAN = XSD + "boolean"
_OTHER_BOOLEAN_FORMS = {"1": "true", "0": "false"}
_PLAIN_DATATYPES = (XSD + "string", "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString")
# RDF/XML writes a predicate as an element: the IRI must end in an XML name to split off.
_XML_LOCAL_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*$")
# Turtle's short forms for numbers and booleans, used by TSV where the lexical form fits them.
_BARE_FORMS = {
    XSD + "integer": re.compile(r"[+-]?[0-9]+"),
    XSD + "decimal": re.compile(r"[+-]?[0-9]*\.[0-9]+"),
    XSD + "double": re.compile(r"[+-]?(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)[eE][+-]?[0-9]+"),
    XSD + "boolean": re.compile(r"true|false"),
}
# Turtle escapes; other control characters and Unicode line separators as \uXXXX, so that no
# reader trims a value or splits a row on them.
_TSV_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_TSV_ESCAPES.update(
    {chr(c): f"\\u{c:04X}" for c in [*range(0x20), *range(0x7F, 0xA0), 0x2028, 0x2029] if chr(c) not in _TSV_ESCAPES}
)


class ResultFormatError(TwingraphError):
    """A result cannot be written in the format asked for."""


class TooManyRows(TwingraphError):
    """A result has more rows (or triples) than the limit allows."""


@dataclass
class Answer:
    """A query's answer in pyoxigraph terms: `kind` is SELECT, ASK or GRAPH (CONSTRUCT, DESCRIBE)."""

    kind: str
    variables: tuple[str, ...] = ()
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    boolean: bool = False
    triples: list[Any] = field(default_factory=list)


def answer_from_oxigraph(result: Any, *, max_rows: int | None = None) -> Answer:
    """pyoxigraph's QuerySolutions, QueryBoolean or QueryTriples, read up to `max_rows` (more raises)."""
    import pyoxigraph

    if isinstance(result, pyoxigraph.QueryBoolean):
        return Answer("ASK", boolean=bool(result))
    if isinstance(result, pyoxigraph.QueryTriples):
        return Answer("GRAPH", triples=_bounded(result, max_rows, "triples"))
    variables = tuple(v.value for v in result.variables)
    rows = [tuple(solution) for solution in _bounded(result, max_rows, "rows")]
    return Answer("SELECT", variables=variables, rows=rows)


def _bounded(items: Iterable[Any], max_rows: int | None, what: str) -> list[Any]:
    taken: list[Any] = []
    for item in items:
        if max_rows is not None and len(taken) >= max_rows:
            raise TooManyRows(
                f"the result has more than {max_rows:,} {what}, the limit here; "
                "ask for fewer with LIMIT and page through with OFFSET."
            )
        taken.append(item)
    return taken


def sort_lists(answer: Answer, lists: Sequence[tuple[str, str]]) -> Answer:
    """The answer with the parts of each list column (name, separator) in sorted order.

    SPARQL 1.1 leaves the order of GROUP_CONCAT open, and engines (or one engine over data
    loaded in another order) join the same values differently; sorted, the same data always
    gives the same strings. A part that itself contains the separator would be split wrongly,
    so a stored query declares a separator its values do not hold.
    """
    import pyoxigraph

    columns = {answer.variables.index(name): separator for name, separator in lists if name in answer.variables}
    if answer.kind != "SELECT" or not columns:
        return answer

    def sorted_cell(term: Any, separator: str) -> Any:
        if not isinstance(term, pyoxigraph.Literal) or separator not in term.value:
            return term
        text = separator.join(sorted(term.value.split(separator)))
        if term.language:
            return pyoxigraph.Literal(text, language=term.language)
        return pyoxigraph.Literal(text, datatype=term.datatype)

    rows = [
        tuple(sorted_cell(cell, columns[index]) if index in columns else cell for index, cell in enumerate(row))
        for row in answer.rows
    ]
    return Answer(answer.kind, variables=answer.variables, rows=rows)


def canonical_booleans(answer: Answer) -> Answer:
    """The answer with every xsd:boolean in its canonical form, "true" or "false".

    Virtuoso writes booleans as "1" and "0", their other lexical forms; Oxigraph always
    writes the canonical ones, so only an endpoint's answers need this.
    """
    import pyoxigraph

    if answer.kind != "SELECT":
        return answer

    def canonical(term: Any) -> Any:
        boolean = isinstance(term, pyoxigraph.Literal) and term.datatype.value == _BOOLEAN
        if boolean and term.value in _OTHER_BOOLEAN_FORMS:
            return pyoxigraph.Literal(_OTHER_BOOLEAN_FORMS[term.value], datatype=term.datatype)
        return term

    rows = [tuple(canonical(cell) for cell in row) for row in answer.rows]
    return Answer(answer.kind, variables=answer.variables, rows=rows)


def answer_from_rdflib(result: Result) -> Answer:
    """An rdflib query result (local or from an endpoint) as an Answer."""
    from twingraph.rdf.terms import to_oxigraph

    if result.type == "ASK":
        return Answer("ASK", boolean=bool(result.askAnswer))
    if is_graph_result(result):
        import pyoxigraph

        assert result.graph is not None
        triples = [pyoxigraph.Triple(*(to_oxigraph(t) for t in triple)) for triple in result.graph]
        return Answer("GRAPH", triples=triples)
    variables = list(result.vars or [])
    rows = [tuple(None if (t := row.get(v)) is None else to_oxigraph(t) for v in variables) for row in result.bindings]
    return Answer("SELECT", variables=tuple(str(v) for v in variables), rows=rows)


def is_graph_result(result: Result) -> bool:
    """True for CONSTRUCT and DESCRIBE results, which are graphs rather than rows."""
    return result.type in ("CONSTRUCT", "DESCRIBE")


def formats_for(result: Result | Answer) -> tuple[str, ...]:
    """The format names that can write this result."""
    kind = result.kind if isinstance(result, Answer) else "GRAPH" if is_graph_result(result) else result.type
    if kind == "GRAPH":
        return tuple(names(GRAPH_FORMATS))
    return tuple(fmt.name for fmt in RESULT_FORMATS)


def serialize(result: Result | Answer, fmt: str) -> bytes:
    """The result in one format, as UTF-8 bytes."""
    answer = result if isinstance(result, Answer) else answer_from_rdflib(result)
    if fmt not in formats_for(answer):
        kind = "CONSTRUCT and DESCRIBE" if answer.kind == "GRAPH" else answer.kind
        raise ResultFormatError(
            f"{kind} results cannot be written as {fmt}; use one of {', '.join(formats_for(answer))}."
        )
    if answer.kind == "GRAPH":
        return serialize_graph(answer.triples, fmt)
    writers: dict[str, Callable[[Answer], str]] = {
        "table": render_table, "tsv": render_tsv, "csv": render_csv, "json": render_json, "xml": render_xml,
    }  # fmt: skip
    return writers[fmt](answer).encode("utf-8")


def serialize_graph(triples: Sequence[pyoxigraph.Triple], fmt: str, *, prefixes: dict[str, str] | None = None) -> bytes:
    """Triples as Turtle, N-Triples or JSON-LD (pyoxigraph); Turtle declares only the prefixes it uses."""
    import pyoxigraph

    format_ = getattr(pyoxigraph.RdfFormat, str(named(fmt, GRAPH_FORMATS).oxigraph_name))
    if fmt == "rdfxml":
        for triple in triples:
            if not _XML_LOCAL_NAME.search(triple.predicate.value):
                raise ResultFormatError(
                    f"RDF/XML cannot express the predicate <{triple.predicate.value}> (it does not end in an XML "
                    "name); ask for Turtle, N-Triples or JSON-LD."
                )
    used = None
    if fmt == "turtle":
        iris = {t.value for triple in triples for t in (triple.subject, triple.predicate, triple.object)
                if isinstance(t, pyoxigraph.NamedNode)}  # fmt: skip
        used = {p: ns for p, ns in (prefixes or PREFIXES).items() if any(iri.startswith(ns) for iri in iris)}
    data = pyoxigraph.serialize(triples, format=format_, prefixes=used)
    assert data is not None  # bytes when no output is given
    return data


def _literal_parts(term: Any) -> tuple[str, str | None, str | None]:
    """A literal's lexical form, language and datatype (None for plain strings)."""
    datatype = term.datatype.value
    return term.value, term.language, None if datatype in _PLAIN_DATATYPES else datatype


def _kind(term: Any) -> str:
    name = type(term).__name__
    if name == "NamedNode":
        return "uri"
    if name == "BlankNode":
        return "bnode"
    if name == "Literal":
        return "literal"
    raise ResultFormatError(f"cannot write {term!r} in query results (RDF-star terms are not supported).")


def render_json(answer: Answer) -> str:
    """SPARQL 1.1 Query Results JSON."""
    if answer.kind == "ASK":
        return json.dumps({"head": {}, "boolean": answer.boolean})
    bindings = []
    for row in answer.rows:
        binding: dict[str, dict[str, str]] = {}
        for name, term in zip(answer.variables, row, strict=True):
            if term is None:
                continue
            kind = _kind(term)
            if kind != "literal":
                binding[name] = {"type": kind, "value": term.value}
                continue
            value, language, datatype = _literal_parts(term)
            cell = {"type": "literal", "value": value}
            if language:
                cell["xml:lang"] = language
            elif datatype:
                cell["datatype"] = datatype
            binding[name] = cell
        bindings.append(binding)
    return json.dumps({"head": {"vars": list(answer.variables)}, "results": {"bindings": bindings}}, ensure_ascii=False)


def render_xml(answer: Answer) -> str:
    """SPARQL Query Results XML."""
    lines = ['<?xml version="1.0" encoding="utf-8"?>', '<sparql xmlns="http://www.w3.org/2005/sparql-results#">']
    if answer.kind == "ASK":
        lines += ["<head/>", f"<boolean>{'true' if answer.boolean else 'false'}</boolean>", "</sparql>"]
        return "\n".join(lines) + "\n"
    lines.append("<head>")
    lines += [f"<variable name={quoteattr(name)}/>" for name in answer.variables]
    lines += ["</head>", "<results>"]
    for row in answer.rows:
        cells = []
        for name, term in zip(answer.variables, row, strict=True):
            if term is None:
                continue
            kind = _kind(term)
            if kind == "literal":
                value, language, datatype = _literal_parts(term)
                attribute = (
                    f" xml:lang={quoteattr(language)}"
                    if language
                    else f" datatype={quoteattr(datatype)}"
                    if datatype
                    else ""
                )
                body = f"<literal{attribute}>{escape(value)}</literal>"
            else:
                body = f"<{kind}>{escape(term.value)}</{kind}>"
            cells.append(f"<binding name={quoteattr(name)}>{body}</binding>")
        lines.append("<result>" + "".join(cells) + "</result>")
    lines += ["</results>", "</sparql>"]
    return "\n".join(lines) + "\n"


# SPARQL 1.1 gives CSV and TSV no form for ASK; like Jena and RDF4J, twingraph answers a
# one-column table whose one row is true or false.
ASK_COLUMN = "_askResult"


def render_csv(answer: Answer) -> str:
    """SPARQL 1.1 Query Results CSV: plain values, CRLF line ends (RFC 4180)."""
    if answer.kind == "ASK":
        return f"{ASK_COLUMN}\r\n{'true' if answer.boolean else 'false'}\r\n"
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(answer.variables)
    for row in answer.rows:
        cells = ("" if t is None else f"_:{t.value}" if _kind(t) == "bnode" else t.value for t in row)
        writer.writerow(spreadsheet_row(cells))
    return buffer.getvalue()


def render_tsv(answer: Answer) -> str:
    """SPARQL 1.1 Query Results TSV: `?var` headers, terms in Turtle syntax, LF line ends."""
    if answer.kind == "ASK":
        return f"?{ASK_COLUMN}\n{'true' if answer.boolean else 'false'}\n"
    lines = ["\t".join(f"?{v}" for v in answer.variables)]
    lines += ["\t".join(tsv_term(term) for term in row) for row in answer.rows]
    return "\n".join(lines) + "\n"


def tsv_term(node: Any) -> str:
    """One term in TSV: `<iri>`, `_:b`, a Turtle literal or a bare number; empty when unbound."""
    if node is None:
        return ""
    if type(node).__module__.startswith("rdflib"):
        from twingraph.rdf.terms import to_oxigraph

        node = to_oxigraph(node)
    kind = _kind(node)
    if kind == "uri":
        return f"<{node.value}>"
    if kind == "bnode":
        return f"_:{node.value}"
    lexical, language, datatype = _literal_parts(node)
    if datatype in _BARE_FORMS and _BARE_FORMS[datatype].fullmatch(lexical):
        return lexical
    quoted = '"' + "".join(_TSV_ESCAPES.get(c, c) for c in lexical) + '"'
    if language:
        return f"{quoted}@{language}"
    if datatype:
        return f"{quoted}^^<{datatype}>"
    return quoted


def render_table(result: Result | Answer, *, cut: bool = True) -> str:
    """An aligned text table for people: IRIs in prefix form; long cells cut short unless `cut` is False."""
    answer = result if isinstance(result, Answer) else answer_from_rdflib(result)
    if answer.kind == "ASK":
        return ("true" if answer.boolean else "false") + "\n"
    prefixes = id_prefixes()
    rows = [[_cell(term, prefixes, cut=cut) for term in row] for row in answer.rows]
    variables = list(answer.variables)
    widths = [max([_width(name)] + [_width(row[i]) for row in rows]) for i, name in enumerate(variables)]
    lines = [_line(variables, widths), _line(["-" * w for w in widths], widths)]
    lines += [_line(row, widths) for row in rows]
    lines.append(f"({len(rows)} row{'' if len(rows) == 1 else 's'})")
    return "\n".join(lines) + "\n"


def _cell(term: Any, prefixes: dict[str, str], *, cut: bool = True) -> str:
    if term is None:
        return ""
    kind = _kind(term)
    text = compact(term.value, prefixes) if kind == "uri" else f"_:{term.value}" if kind == "bnode" else term.value
    # One line per row: control characters (newlines, tabs) become spaces.
    text = "".join(" " if unicodedata.category(c) == "Cc" else c for c in text)
    if cut and _width(text) > MAX_CELL_WIDTH:
        while _width(text) > MAX_CELL_WIDTH - 1:
            text = text[:-1]
        text += "…"
    return text


def _width(text: str) -> int:
    """Columns a text takes in a terminal: wide East Asian characters take two, combining marks none."""
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _line(cells: list[str], widths: list[int]) -> str:
    return "  ".join(cell + " " * (width - _width(cell)) for cell, width in zip(cells, widths, strict=True)).rstrip()
