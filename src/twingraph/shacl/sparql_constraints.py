"""SPARQL-based constraints in bulk: one query for all focus nodes (a VALUES block), and messages."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

from twingraph.errors import ShapesError
from twingraph.rdf.terms import to_rdflib as _to_rdflib

_NESTED_OR_MINUS = re.compile(r"\b(SELECT|MINUS)\b", re.IGNORECASE)


def _bulk_form(query: str, focus_nodes: Sequence[Any]) -> str | None:
    """The query with every focus node in a VALUES block opening its WHERE clause, if that is exact.

    A VALUES block at the top of the WHERE clause binds $this wherever pre-binding would,
    except inside sub-selects and MINUS, and only gives per-focus rows if $this is
    projected. Elsewhere the caller pre-binds one focus node at a time (SEP-0007).
    """
    from twingraph.sparql.text import SparqlTextError, term, where_clause_start

    try:
        start = where_clause_start(query)
    except SparqlTextError:
        return None
    head, body = query[:start], query[start:]
    if _NESTED_OR_MINUS.search(_masked(body)):
        return None
    projection = re.split(r"\bSELECT\b", _masked(head), flags=re.IGNORECASE)[-1]
    if not re.search(r"[?$]this\b|\*", projection):
        return None
    try:
        rows = " ".join(_sparql_term(node, term) for node in focus_nodes)
    except SparqlTextError:  # a value that cannot be written (a lone surrogate): pre-bind instead
        return None
    return f"{head} VALUES ?this {{ {rows} }}\n{body}"


def _sparql_term(node: Any, escape: Any) -> str:
    """A focus node in SPARQL syntax. Oxigraph only holds valid IRIs, whose N-Triples form is
    already a safe IRIREF; literals go through the strict escaper."""
    import pyoxigraph

    if isinstance(node, pyoxigraph.NamedNode):
        return str(node)
    return str(escape(_to_rdflib(node)))


def _masked(text: str) -> str:
    """The text with comments, strings and IRIs blanked out, for keyword searches."""
    from twingraph.sparql.text import _TOKEN

    def blank(match: re.Match[str]) -> str:
        if match.lastgroup in ("comment", "string", "iri"):
            return " " * len(match.group())
        return match.group()

    return _TOKEN.sub(blank, text)


def _solutions(answer: Any, *, default_focus: Any) -> Iterator[tuple[Any, dict[str, Any]]]:
    import pyoxigraph

    if not isinstance(answer, pyoxigraph.QuerySolutions):
        raise ShapesError("a SPARQL constraint must be a SELECT query.")
    names = [v.value for v in answer.variables]
    for solution in answer:
        bound = {name: solution[name] for name in names if solution[name] is not None}
        focus = bound.get("this", default_focus)
        if focus is None:
            continue
        yield focus, bound


def _format_message(template: str, variables: dict[str, Any]) -> str:
    for name, value in variables.items():
        text = _display(value)

        def replacement(_match: re.Match[str], text: str = text) -> str:
            return text

        template = re.sub(r"\{[?$]" + re.escape(name) + r"\}", replacement, template)
    return template


def _display(value: Any) -> str:
    """A bound value as pyshacl writes it into a message: `str()` of the rdflib term."""
    return str(_to_rdflib(value)) if not isinstance(value, str) else value
