"""The parse-tree check that keeps local SPARQL read-only and offline.

rdflib follows SERVICE, loads LOAD targets, and silently ignores or follows FROM and
FROM NAMED depending on its settings. Text matching is easily fooled (comments,
`SERVICE SILENT`, a variable as the service IRI), so queries are checked on rdflib's
parse tree, before anything runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from twingraph.errors import TwingraphError


class QueryRefused(TwingraphError):
    """A SPARQL query or update asks for something twingraph does not do locally.

    `kind` says which: "syntax", "size", "update", "load", "dataset" (FROM, FROM NAMED) or "service",
    so that callers (the CLI, the HTTP endpoint) can answer each in their own terms.
    """

    def __init__(self, message: str, *, kind: str = "syntax") -> None:
        super().__init__(message)
        self.kind = kind


# Every keyword that starts an update operation or names another dataset or server.
_RISKY_KEYWORDS = {"SERVICE", "FROM", "LOAD", "INSERT", "DELETE", "CLEAR", "CREATE", "DROP", "ADD", "MOVE", "COPY",
                   "WITH", "USING"}  # fmt: skip


# Deeper nesting than any real query has; the parsers recurse per level, and Oxigraph's
# overflows its stack (a crash, not an error) somewhere below 5,000.
MAX_NESTING = 100
# A query that is long and flat crashes the parsers as deep nesting does (Oxigraph's segfaults
# on 10,000 `||` or 20,000 `+`), and a 5,000-way UNION or path runs for minutes. These bounds
# are far above any real query's: the largest stored query, with its names in six languages,
# has 7,800 characters, 1,330 terms, 172 operators and one UNION (tests/test_sparql_text.py).
MAX_QUERY_CHARACTERS = 256 * 1024
MAX_QUERY_TERMS = 20_000
MAX_QUERY_OPERATORS = 2_000
MAX_QUERY_UNIONS = 200


def check_size(sparql: str) -> None:
    """Raise `QueryRefused` for a query larger than the bounds above, before anything parses it."""
    from twingraph.sparql.text import query_size

    if len(sparql) > MAX_QUERY_CHARACTERS:
        raise QueryRefused(
            f"the query is {len(sparql):,} characters long; the limit is {MAX_QUERY_CHARACTERS:,}.", kind="size"
        )
    size = query_size(sparql)
    for count, limit, what in (
        (size.terms, MAX_QUERY_TERMS, "terms"),
        (size.operators, MAX_QUERY_OPERATORS, "operators (||, &&, +, =, path steps, …)"),
        (size.unions, MAX_QUERY_UNIONS, "UNION branches"),
    ):
        if count > limit:
            raise QueryRefused(
                f"the query has {count:,} {what}; the limit is {limit:,}. No query of the data needs as many: "
                "split it, or use a VALUES block for many alternatives.",
                kind="size",
            )


def check_offline_read_only(sparql: str, *, allow_service: bool = False) -> None:
    """Raise `QueryRefused` for queries larger than the size bounds or nested deeper than
    MAX_NESTING, updates, LOAD, FROM/FROM NAMED and (unless allowed) SERVICE."""
    from twingraph.sparql.text import nesting_depth

    check_size(sparql)
    depth = nesting_depth(sparql)
    if depth > MAX_NESTING:
        raise QueryRefused(
            f"the query nests groups or parentheses {depth} deep; the limit is {MAX_NESTING}. Flatten it.",
            kind="syntax",
        )
    if _plainly_read_only(sparql):
        return
    for name in _node_names(_query_tree(sparql)):
        if name == "datasetClause":
            raise QueryRefused(
                "FROM and FROM NAMED are refused: they would load remote data, or be silently "
                "ignored. Query the loaded graph without them.",
                kind="dataset",
            )
        if name == "ServiceGraphPattern" and not allow_service:
            raise QueryRefused(
                "SERVICE is refused: it would send part of the query to another server. "
                "Pass --allow-service to permit federated queries.",
                kind="service",
            )


@lru_cache(maxsize=64)
def _parsed(sparql: str) -> Any:
    """rdflib's parse tree of a query, kept: the guard and `query_form` both need it (~0.15 s a parse)."""
    from rdflib.plugins.sparql.parser import parseQuery

    return parseQuery(sparql)


def _query_tree(sparql: str) -> Any:
    """The parse tree, or the refusal that says why there is none (an update, or a syntax error)."""
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        return _parsed(sparql)
    except ParseException as query_error:
        try:
            parseUpdate(sparql)
        except ParseException:
            raise QueryRefused(
                f"SPARQL syntax error at line {query_error.lineno}, column {query_error.column}: {query_error.msg}."
            ) from None
        from twingraph.sparql.text import keywords

        kind = "load" if "LOAD" in keywords(sparql) else "update"
        raise QueryRefused(
            "SPARQL Update (INSERT, DELETE, LOAD, CLEAR, …) is refused: the graph is read-only here.", kind=kind
        ) from None


def _plainly_read_only(sparql: str) -> bool:
    """A query with none of the risky keywords outside comments, strings and IRIs needs no parse tree.

    rdflib's parser takes ~0.15 s a query; most queries are plainly safe. Codepoint escapes
    (\\u0053ERVICE) are expanded by engines before parsing, so text holding any takes the
    full check, as does anything whose first keyword is not a query form.
    """
    from twingraph.sparql.text import keywords

    if "\\u" in sparql or "\\U" in sparql:
        return False
    words = keywords(sparql)
    forms = [w for w in words if w not in ("PREFIX", "BASE")]
    return bool(forms) and forms[0] in _FORMS.values() and not _RISKY_KEYWORDS.intersection(words)


def _node_names(node: Any) -> Iterator[str]:
    """Every rule name and non-empty key in an rdflib SPARQL parse tree."""
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(node, CompValue):
        yield node.name
        for key, value in node.items():
            if value is not None and value != [] and key != "_vars":
                yield key
            yield from _node_names(value)
    elif isinstance(node, ParseResults | list | tuple):
        for item in node:
            yield from _node_names(item)


_FORMS = {"SelectQuery": "SELECT", "AskQuery": "ASK", "ConstructQuery": "CONSTRUCT", "DescribeQuery": "DESCRIBE"}


def query_form(sparql: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE; updates and syntax errors are refused."""
    if _plainly_read_only(sparql):
        from twingraph.sparql.text import keywords

        return next(w for w in keywords(sparql) if w not in ("PREFIX", "BASE"))
    return _FORMS[_query_tree(sparql)[1].name]
