"""SPARQL endpoints and Graph Stores over HTTP: the only module, with wikidata.py, that uses the network.

Queries go through SPARQLWrapper (SPARQL 1.1 Protocol, POST); `push` uses the SPARQL 1.1
Graph Store HTTP Protocol (one PUT, so a store is never left half-loaded). Every request
has a timeout and a descriptive User-Agent, and is retried a bounded number of times when
the server answers 429 or 503, waiting as long as its Retry-After asks. A 200 answer whose
body is cut short or is not what was asked for is an error, never partial data.
"""

from __future__ import annotations

import ast
import email.utils
import http.client
import io
import json
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from twingraph import __version__
from twingraph.errors import TwingraphError

if TYPE_CHECKING:
    from rdflib.query import Result

USER_AGENT = f"twingraph/{__version__} (town-twinning linked open data; https://w3id.org/twingraph/)"
RETRY_STATUSES = (429, 503)
T = TypeVar("T")


class EndpointError(TwingraphError):
    """A SPARQL endpoint or Graph Store could not be reached or gave no usable answer."""


@dataclass(frozen=True)
class Endpoint:
    """A server to talk to, and how patiently."""

    url: str
    timeout: float = 60.0
    retries: int = 3
    max_wait: float = 120.0
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False, compare=False)

    def __post_init__(self) -> None:
        parts = urllib.parse.urlsplit(self.url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise EndpointError(f"{self.url!r} is not an http(s) URL; give the endpoint's full URL.")


def run_query(endpoint: Endpoint, text: str, *, form: str, default_graphs: Sequence[str] = ()) -> Result:
    """Run a query on an endpoint; SELECT and ASK come back as JSON, CONSTRUCT and DESCRIBE as RDF/XML.

    RDF/XML rather than Turtle or N-Triples for graphs: a body cut short is then always
    invalid XML, where N-Triples cut at a line end would parse as fewer triples.
    """
    from SPARQLWrapper import JSON, POST, RDFXML, SPARQLWrapper

    wrapper = SPARQLWrapper(endpoint.url, agent=USER_AGENT)
    wrapper.setQuery(text)
    # SPARQLWrapper guesses the form with regular expressions and takes a query whose
    # comments mention "loaded" for a LOAD update; the form is known from the parse.
    wrapper.queryType = form
    wrapper.setMethod(POST)
    wrapper.setOnlyConneg(True)
    wrapper.setTimeout(max(1, round(endpoint.timeout)))
    wrapper.setReturnFormat(JSON if form in ("SELECT", "ASK") else RDFXML)
    for graph in default_graphs:
        wrapper.addDefaultGraph(graph)

    def attempt() -> tuple[bytes, str]:
        response = wrapper.query().response
        return response.read(), response.headers.get("Content-Type", "")

    body, content_type = _with_retries(endpoint, attempt)
    if form in ("SELECT", "ASK"):
        return _parse_json_results(endpoint, body, content_type, form)
    return _parse_graph(endpoint, body, content_type, form)


def put_graph(endpoint: Endpoint, graph_iri: str, body: bytes, *, media_type: str) -> int:
    """Replace one named graph of a Graph Store with `body`; the HTTP status on success."""
    separator = "&" if urllib.parse.urlsplit(endpoint.url).query else "?"
    url = endpoint.url + separator + urllib.parse.urlencode({"graph": graph_iri})
    request = urllib.request.Request(
        url,
        data=body,
        method="PUT",
        headers={"Content-Type": media_type, "User-Agent": USER_AGENT, "Content-Length": str(len(body))},
    )

    def attempt() -> int:
        with urllib.request.urlopen(request, timeout=endpoint.timeout) as response:
            response.read()
            return int(response.status)

    return _with_retries(endpoint, attempt)


def _with_retries(endpoint: Endpoint, action: Callable[[], T]) -> T:
    """Run one HTTP exchange, retrying on 429 and 503; any failure becomes a one-line `EndpointError`."""
    for attempt in range(endpoint.retries + 1):
        try:
            return action()
        except urllib.error.HTTPError as exc:
            if exc.code not in RETRY_STATUSES:
                raise EndpointError(_http_failure(endpoint, exc.code, _body_of(exc))) from None
            wait = _retry_after(exc.headers.get("Retry-After"), attempt)
            if attempt == endpoint.retries or wait > endpoint.max_wait:
                raise EndpointError(
                    f"{endpoint.url} is busy (HTTP {exc.code}) and asked to wait {wait:.0f} s; "
                    f"gave up after {attempt + 1} attempt(s). Try again later."
                ) from None
            endpoint.sleep(wait)
        except Exception as exc:  # SPARQLWrapper's own exceptions, URLError, timeouts, broken bodies
            raise EndpointError(_failure(endpoint, exc)) from None
    raise AssertionError("unreachable")


def _retry_after(header: str | None, attempt: int) -> float:
    """Seconds to wait: Retry-After as seconds or an HTTP date, else a doubling back-off."""
    if header:
        header = header.strip()
        if header.isdigit():
            return float(header)
        try:
            when = email.utils.parsedate_to_datetime(header)
            return max(0.0, when.timestamp() - time.time())
        except (TypeError, ValueError):
            pass
    return float(2**attempt)


def _failure(endpoint: Endpoint, exc: Exception) -> str:
    from SPARQLWrapper import SPARQLExceptions

    statuses = {
        SPARQLExceptions.QueryBadFormed: 400,
        SPARQLExceptions.Unauthorized: 401,
        SPARQLExceptions.EndPointNotFound: 404,
        SPARQLExceptions.URITooLong: 414,
        SPARQLExceptions.EndPointInternalError: 500,
    }
    for cls, status in statuses.items():
        if isinstance(exc, cls):
            # SPARQLWrapper keeps the server's answer only inside its message, as a bytes repr.
            _, _, answer = str(exc).partition("Response:\n")
            try:
                detail = str(ast.literal_eval(answer), "utf-8", "replace") if answer else ""
            except (ValueError, SyntaxError, TypeError):
                detail = answer
            return _http_failure(endpoint, status, detail)
    if isinstance(exc, TimeoutError | socket.timeout):
        return f"{endpoint.url} did not answer within {endpoint.timeout:g} s."
    if isinstance(exc, urllib.error.URLError):
        reason = exc.reason
        if isinstance(reason, TimeoutError | socket.timeout):
            return f"{endpoint.url} did not answer within {endpoint.timeout:g} s."
        if isinstance(reason, ConnectionRefusedError):
            return f"cannot connect to {endpoint.url}: connection refused. Is the server running?"
        return f"cannot reach {endpoint.url}: {reason}."
    if isinstance(exc, http.client.IncompleteRead):
        return f"{endpoint.url} broke off its answer after {len(exc.partial)} bytes; no partial result is used."
    if isinstance(exc, http.client.HTTPException | ConnectionError):
        return f"{endpoint.url} broke off the connection ({type(exc).__name__}); no partial result is used."
    return f"{endpoint.url} failed: {type(exc).__name__}: {exc}"


def _http_failure(endpoint: Endpoint, status: int, body: str) -> str:
    meaning = {
        400: "rejected the request",
        401: "needs authentication",
        403: "refused access",
        404: "has no SPARQL service there",
        405: "does not allow this method there",
        414: "found the request too long",
        415: "does not accept this media type",
    }.get(status, "failed")
    detail = " ".join(body.split())[:200]
    return f"{endpoint.url} {meaning} (HTTP {status})" + (f": {detail}" if detail else ".")


def _body_of(exc: urllib.error.HTTPError) -> str:
    try:
        return str(exc.read(2000), "utf-8", "replace")
    except Exception:
        return ""


def _parse_json_results(endpoint: Endpoint, body: bytes, content_type: str, form: str) -> Result:
    from rdflib.query import Result

    not_results = f"{endpoint.url} answered with something that is not SPARQL JSON results"
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise EndpointError(
            f"{not_results} ({content_type or 'no Content-Type'}, {len(body)} bytes, cut short or invalid); "
            "no partial result is used."
        ) from None
    if form == "ASK":
        well_formed = isinstance(document, dict) and isinstance(document.get("boolean"), bool)
    else:
        results = document.get("results") if isinstance(document, dict) else None
        head = document.get("head") if isinstance(document, dict) else None
        well_formed = (
            isinstance(head, dict)
            and isinstance(head.get("vars"), list)
            and isinstance(results, dict)
            and isinstance(results.get("bindings"), list)
        )
    if not well_formed:
        raise EndpointError(f"{not_results} for a {form} query.")
    try:
        return Result.parse(io.BytesIO(body), format="json")
    except Exception as exc:
        raise EndpointError(f"{not_results}: {exc}.") from None


def _parse_graph(endpoint: Endpoint, body: bytes, content_type: str, form: str) -> Result:
    import pyoxigraph
    from rdflib import Graph
    from rdflib.query import Result

    from twingraph.terms import to_rdflib_triples

    graph = Graph()
    try:
        # pyoxigraph reads RDF/XML without DTDs or external entities.
        quads = list(pyoxigraph.parse(body, format=pyoxigraph.RdfFormat.RDF_XML))
    except (SyntaxError, ValueError) as exc:
        raise EndpointError(
            f"{endpoint.url} answered with something that is not RDF/XML "
            f"({content_type or 'no Content-Type'}, {len(body)} bytes: {exc}); no partial result is used."
        ) from None
    for triple in to_rdflib_triples(quads):
        graph.add(triple)
    result = Result(form)
    result.graph = graph
    return result
