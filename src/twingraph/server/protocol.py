"""The SPARQL 1.1 Protocol, read-only: an HTTP request to a query, or a refusal with its status.

Queries come by GET (`?query=`), by form POST (`application/x-www-form-urlencoded`) and by
direct POST (`application/sparql-query`, UTF-8). Updates are refused with 403, since the
endpoint is read-only. `default-graph-uri` and `named-graph-uri` may only name graphs the
server holds: fetching remote data is refused, as are FROM, FROM NAMED, SERVICE and LOAD in
the query itself (`sparql_guard`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import parse_qsl

from twingraph.formats import JSON_LD, N_TRIPLES, RDF_XML, RESULTS_CSV, RESULTS_JSON, RESULTS_TSV, RESULTS_XML, TURTLE

FORM = "application/x-www-form-urlencoded"
DIRECT_QUERY = "application/sparql-query"
DIRECT_UPDATE = "application/sparql-update"

# From least to most preferred: JSON is the default for rows, Turtle for graphs.
ROW_CHOICES = [RESULTS_TSV, RESULTS_CSV, RESULTS_XML, RESULTS_JSON]
# ASK answers in CSV and TSV too, as a one-column `_askResult` table (results.ASK_COLUMN).
BOOLEAN_CHOICES = ROW_CHOICES
GRAPH_CHOICES = [JSON_LD, N_TRIPLES, RDF_XML, TURTLE]


class ProtocolError(Exception):
    """A request the endpoint refuses: an HTTP status and a reason for people."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class QueryRequest:
    """A query as the protocol delivered it, with its dataset parameters."""

    text: str
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()  # every format= and output= value, in order


def parse_request(
    method: str, query_string: str, content_type: str | None, body: bytes, *, held_graphs: Sequence[str]
) -> QueryRequest | None:
    """The query a request carries; None for a plain GET (which gets the service description)."""
    params = _form(query_string, "the query string")
    if method not in ("GET", "POST", "HEAD"):
        raise ProtocolError(405, f"{method} is not a SPARQL protocol operation; use GET or POST.")
    media, charset = _media_type(content_type)
    if method == "POST":
        if media == FORM:
            params += _form(_decode(body, charset), "the body")
        elif media == DIRECT_QUERY:
            params.append(("query", _decode(body, charset)))
        elif media == DIRECT_UPDATE:
            raise ProtocolError(403, "SPARQL Update is refused: this endpoint is read-only.")
        elif not media:
            raise ProtocolError(
                400, f"a POST needs a Content-Type: {FORM} for a form, or {DIRECT_QUERY} for a query as the body."
            )
        else:
            raise ProtocolError(415, f"Content-Type {media} is not a SPARQL query; use {FORM} or {DIRECT_QUERY}.")
    names = [name for name, _ in params]
    if "update" in names or "using-graph-uri" in names or "using-named-graph-uri" in names:
        raise ProtocolError(403, "SPARQL Update is refused: this endpoint is read-only.")
    queries = [value for name, value in params if name == "query"]
    if len(queries) > 1:
        raise ProtocolError(400, "a request may carry one query, not several.")
    formats = [value for name, value in params if name in ("format", "output")]
    default_graphs = tuple(v for n, v in params if n == "default-graph-uri")
    named_graphs = tuple(v for n, v in params if n == "named-graph-uri")
    if not queries:
        if default_graphs or named_graphs:
            raise ProtocolError(400, "default-graph-uri and named-graph-uri go with a query.")
        return None
    for graph in (*default_graphs, *named_graphs):
        if graph not in held_graphs:
            raise ProtocolError(
                400,
                f"<{graph}> is not a graph this endpoint holds, and it does not fetch remote data. "
                "Leave out default-graph-uri and named-graph-uri to query all of its data.",
            )
    return QueryRequest(queries[0], default_graphs, named_graphs, tuple(formats))


def _form(encoded: str, where: str) -> list[tuple[str, str]]:
    """Form fields, refusing percent-escapes that are not UTF-8 (GET and POST alike: 400)."""
    try:
        return parse_qsl(encoded, keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        raise ProtocolError(400, f"{where} is not valid UTF-8 once its %-escapes are decoded.") from None


def _media_type(content_type: str | None) -> tuple[str, str]:
    if not content_type:
        return "", "utf-8"
    media, *params = (part.strip() for part in content_type.split(";"))
    charset = "utf-8"
    for param in params:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return media.lower(), charset


def _decode(body: bytes, charset: str) -> str:
    if charset not in ("utf-8", "utf8"):
        raise ProtocolError(415, f"the body is {charset}; SPARQL requests must be UTF-8.")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise ProtocolError(400, "the body is not valid UTF-8.") from None
