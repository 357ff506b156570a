"""Writing values into SPARQL text safely, for endpoints that cannot take bindings.

The SPARQL 1.1 Protocol has no way to send bindings, so a remote query carries its
parameters in a `VALUES` block at the top of its WHERE clause. Every value is escaped
here and only here: rdflib's `Literal.n3()` is not an escaper (a value holding `\\n\\"`
breaks out of the string), so strings are written character by character.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from twingraph.errors import TwingraphError

if TYPE_CHECKING:
    from rdflib.term import Identifier

# SPARQL's IRIREF: no controls, space or <>"{}|^`\ inside the angle brackets.
_IRIREF_BODY = re.compile(r'[^<>"{}|^`\\\x00-\x20]*')
_LANGTAG = re.compile(r"[a-zA-Z]+(?:-[a-zA-Z0-9]+)*")
_VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ECHAR = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


class SparqlTextError(TwingraphError):
    """A value cannot be written into SPARQL text, or the query has no place for it."""


def string_literal(value: str) -> str:
    """A double-quoted SPARQL string whose content is exactly `value`.

    Besides the characters SPARQL forbids raw (`"`, `\\`, LF, CR), every other control
    character is escaped, so that no transport or parser normalises it (rdflib turns a
    raw TAB into spaces). A `u` or `U` right after an escaped backslash is written as
    `\\U00000075`/`\\U00000055`: engines that expand `\\uXXXX` over the whole query text
    before parsing (rdflib does) would otherwise read `\\\\u0022` as an escaped quote. Code
    escapes always take the 8-digit `\\U` form, because such engines read up to 8 hex
    digits after `\\u` and would swallow hex digits that follow in the value.
    """
    out: list[str] = []
    previous_was_backslash = False
    for char in value:
        code = ord(char)
        if 0xD800 <= code <= 0xDFFF:
            raise SparqlTextError("a value holds a lone surrogate, which no SPARQL query can carry.")
        if previous_was_backslash and char in "uU":
            out.append(f"\\U{code:08X}")
        elif char in _ECHAR:
            out.append(_ECHAR[char])
        elif code < 0x20 or code == 0x7F or 0x80 <= code <= 0x9F or code in (0x2028, 0x2029, 0xFEFF):
            out.append(f"\\U{code:08X}")
        else:
            out.append(char)
        previous_was_backslash = char == "\\"
    return '"' + "".join(out) + '"'


def iri(value: str) -> str:
    """`<value>` for a value that is a valid absolute IRI; anything else is refused."""
    if not re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", value) or not _IRIREF_BODY.fullmatch(value):
        raise SparqlTextError(f"not an absolute IRI: {value!r}.")
    return f"<{value}>"


def term(node: Identifier) -> str:
    """An RDF term (IRI or literal) in SPARQL syntax, strictly escaped."""
    from rdflib import BNode, Literal, URIRef

    if isinstance(node, URIRef):
        return iri(str(node))
    if isinstance(node, Literal):
        text = string_literal(str(node))
        if node.language:
            if not _LANGTAG.fullmatch(node.language):
                raise SparqlTextError(f"not a language tag: {node.language!r}.")
            return f"{text}@{node.language}"
        if node.datatype is not None:
            return f"{text}^^{iri(str(node.datatype))}"
        return text
    if isinstance(node, BNode):
        raise SparqlTextError("a blank node cannot be sent to an endpoint as a value.")
    raise SparqlTextError(f"cannot write {node!r} as a SPARQL term.")


def values_block(bindings: Mapping[str, Identifier]) -> str:
    """`VALUES (?a ?b) { (… …) }` for one row of bindings."""
    names = sorted(bindings)
    for name in names:
        if not _VARIABLE.fullmatch(name):
            raise SparqlTextError(f"not a SPARQL variable name: {name!r}.")
    variables = " ".join(f"?{name}" for name in names)
    row = " ".join(term(bindings[name]) for name in names)
    return f"VALUES ({variables}) {{ ({row}) }}"


def with_values(query: str, bindings: Mapping[str, Identifier]) -> str:
    """The query with a VALUES block opening its WHERE clause, so the values hold everywhere in it.

    Local and remote runs both bind this way, so a stored query gives the same answer
    locally and remotely (tested for every stored query). Parameters used only inside a
    sub-select must be projected out of it to be bound in either way.
    """
    if not bindings:
        return query
    position = where_clause_start(query)
    return query[:position] + " " + values_block(bindings) + "\n" + query[position:]


def where_clause_start(query: str) -> int:
    """The index just after the `{` that opens the query's WHERE clause."""
    saw_where = False
    saw_construct = False
    previous = ""
    for kind, start, end in _tokens(query):
        if kind == "word":
            word = query[start:end].upper()
            if word == "WHERE" and previous == "CONSTRUCT":
                raise SparqlTextError(
                    "the short form CONSTRUCT WHERE { … } cannot take parameters; "
                    "write CONSTRUCT { template } WHERE { … }."
                )
            previous = word
            saw_where = saw_where or word == "WHERE"
            saw_construct = saw_construct or word == "CONSTRUCT"
        elif kind == "{":
            # CONSTRUCT's template comes before WHERE; every other form opens WHERE first.
            if saw_where or not saw_construct:
                return end
            return _after_group(query, end)
    raise SparqlTextError("the query has no WHERE clause to bind its parameters in.")


def _after_group(query: str, opened_at: int) -> int:
    """Past a CONSTRUCT template: the start of the WHERE group that follows it."""
    depth = 1
    for kind, _, end in _tokens(query, opened_at):
        if kind == "{":
            depth += 1
            if depth == 1:
                return end
        elif kind == "}":
            depth -= 1
    raise SparqlTextError("the query has no WHERE clause to bind its parameters in.")


_TOKEN = re.compile(
    r"""(?P<comment>\#[^\n\r]*)
      | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
                   |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
      | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
      | (?P<skip>[?$][A-Za-z0-9_]+|@[A-Za-z][A-Za-z0-9-]*|[A-Za-z_][\w.-]*:[\w.:%-]*)
      | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
      | (?P<brace>[{}])
      | (?P<other>[\s\S])""",
    re.VERBOSE,
)


def projected_variables(query: str) -> list[str] | None:
    """The variables a SELECT query projects, in order, read off its text without a parse
    (rdflib's parser took 70 ms a query, a third of `wikidata import --all`): each `?x` of the
    projection and each `(expression AS ?y)`. None for `SELECT *`, a query with no SELECT, or
    a projection this cannot read."""
    names: list[str] = []
    depth, in_select, previous, alias = 0, False, "", None
    for match in _TOKEN.finditer(query):
        kind, text = match.lastgroup, match.group()
        if not in_select:
            in_select = kind == "word" and text.upper() == "SELECT"
            if kind == "brace":  # a group before any SELECT: another form
                return None
            continue
        if kind == "brace" or (kind == "word" and depth == 0 and text.upper() in ("WHERE", "FROM")):
            break
        if kind == "other" and text in "()":
            depth += 1 if text == "(" else -1
            if depth == 0:  # the end of `(expression AS ?y)`
                if alias is None:
                    return None
                names.append(alias)
                alias = None
            elif depth < 0:
                return None
        elif kind == "other" and text == "*" and depth == 0:
            return None
        elif kind == "skip" and text[0] in "?$":
            if depth == 0:
                names.append(text[1:])
            elif depth == 1 and previous == "AS":
                alias = text[1:]
        if not (kind == "other" and text.isspace()):
            previous = text.upper() if kind == "word" else ""
    return names or None


def nesting_depth(query: str) -> int:
    """How deeply groups, brackets and parentheses nest, outside comments, strings and IRIs."""
    depth = deepest = 0
    for match in _TOKEN.finditer(query):
        text = match.group()
        if match.lastgroup in ("brace", "other") and text in "{([":
            depth += 1
            deepest = max(deepest, depth)
        elif match.lastgroup in ("brace", "other") and text in "})]":
            depth = max(0, depth - 1)
    return deepest


@dataclass(frozen=True)
class QuerySize:
    """How much a query asks the parser and the engine to hold: its terms (tokens outside
    comments), its operators (`|| && + - * / = < > ! ^ |`, path steps among them) and its UNION
    branches."""

    terms: int
    operators: int
    unions: int


_OPERATOR_CHARACTERS = frozenset("|&+-*/=<>!^")


def query_size(query: str) -> QuerySize:
    """The size of a query, counted in one pass of the tokenizer (no parse)."""
    terms = operators = unions = 0
    for match in _TOKEN.finditer(query):
        kind = match.lastgroup
        if kind == "comment" or (kind == "other" and match.group().isspace()):
            continue
        terms += 1
        if kind == "other" and match.group() in _OPERATOR_CHARACTERS:
            operators += 1
        elif kind == "word" and match.group().upper() == "UNION":
            unions += 1
    return QuerySize(terms, operators, unions)


def keywords(query: str) -> list[str]:
    """The bare words of a query (keywords, function names) in upper case, outside comments,
    strings, IRIs, variables and prefixed names."""
    return [query[start:end].upper() for kind, start, end in _tokens(query) if kind == "word"]


def _tokens(query: str, start: int = 0) -> Iterator[tuple[str, int, int]]:
    """Keywords and braces outside comments, strings, IRIs, variables and prefixed names."""
    for match in _TOKEN.finditer(query, start):
        kind = match.lastgroup
        if kind == "word":
            yield "word", match.start(), match.end()
        elif kind == "brace":
            yield match.group(), match.start(), match.end()
