"""SPARQL endpoints and Graph Stores over HTTP: the only module that uses the network.

Queries use the SPARQL 1.1 Protocol (one form POST); `push` uses the SPARQL 1.1 Graph Store
HTTP Protocol (one PUT, so a store is never left half-loaded). Every exchange has a total
deadline, from connecting to the last byte of the body (a server that drips one byte at a
time cannot hold it longer), a cap on the answer's size, and a descriptive User-Agent. It is
retried a bounded number of times when the server answers 429 or 503, waiting as long as its
Retry-After asks. A 200 answer whose body is cut short, too large, or not what was asked for
(for SELECT, other variables than the query's) is an error, never partial data.
"""

from __future__ import annotations

import contextlib
import email.utils
import html
import http.client
import io
import json
import re
import socket
import threading
import time
import urllib.parse
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from twingraph import __version__
from twingraph.errors import TwingraphError
from twingraph.iris import TWINGRAPH_IRI
from twingraph.project import DEFAULT_MAX_ANSWER_MB
from twingraph.sparql.auth import WHERE_CREDENTIALS_GO, Credentials, authorization, credentials_for

if TYPE_CHECKING:
    from rdflib.query import Result

USER_AGENT = f"twingraph/{__version__} (town-twinning linked open data; {TWINGRAPH_IRI})"
RETRY_STATUSES = (429, 503)
DEFAULT_TIMEOUT = 60.0
DEFAULT_MAX_ANSWER_BYTES = DEFAULT_MAX_ANSWER_MB * 1024 * 1024
MAX_REDIRECTS = 5
T = TypeVar("T")


class EndpointError(TwingraphError):
    """A SPARQL endpoint or Graph Store could not be reached or gave no usable answer."""


@dataclass(frozen=True)
class Endpoint:
    """A server to talk to, and how patiently: `timeout` bounds each exchange whole, and
    `max_answer_bytes` the body of an answer."""

    url: str
    timeout: float = DEFAULT_TIMEOUT
    retries: int = 3
    max_wait: float = 120.0
    max_answer_bytes: int = DEFAULT_MAX_ANSWER_BYTES
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False, compare=False)

    def __post_init__(self) -> None:
        parts = urllib.parse.urlsplit(self.url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise EndpointError(f"{self.url!r} is not an http(s) URL; give the endpoint's full URL.")


@dataclass(frozen=True)
class Reply:
    """An HTTP answer, read whole within the deadline and the size cap."""

    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", "")


class _StatusError(Exception):
    """An answer with an error status (4xx, 5xx)."""

    def __init__(self, reply: Reply):
        super().__init__(reply.status)
        self.reply = reply


class _DeadlinePassed(Exception):
    pass


class _TooLarge(Exception):
    pass


def exchange(
    endpoint: Endpoint, method: str, url: str, *, body: bytes | None = None, headers: Mapping[str, str]
) -> Reply:
    """One HTTP request and its whole answer, within `endpoint.timeout` in all (redirects
    included) and `endpoint.max_answer_bytes`; raises `_StatusError` for 4xx and 5xx."""
    deadline = time.monotonic() + endpoint.timeout
    answered: Credentials | None = None  # the credentials sent in answer to a 401, once
    if method == "PUT" and body and credentials_for(url) is not None:
        # A store that wants credentials may answer 401 and close the connection before it has
        # read a large body (Virtuoso does, from about 1 MB): learn its challenge first from a
        # HEAD, which changes nothing, so that the body is sent once, with credentials.
        probe = _one_exchange(endpoint, "HEAD", url, body=None, headers={}, deadline=deadline)
        if probe.status == 401:
            answered = _credentials_asked(endpoint, probe, url)
            headers = {**headers, "Authorization": _answer_to(endpoint, probe, answered, method, url)}
    for _ in range(MAX_REDIRECTS + 2):
        reply = _one_exchange(endpoint, method, url, body=body, headers=headers, deadline=deadline)
        if reply.status == 401:
            if answered is not None:
                raise EndpointError(
                    f"{endpoint.url} refused the credentials of user {answered.user!r} from {answered.origin} "
                    "(HTTP 401); check them."
                )
            answered = _credentials_asked(endpoint, reply, url)
            headers = {**headers, "Authorization": _answer_to(endpoint, reply, answered, method, url)}
            continue
        location = reply.headers.get("Location")
        if reply.status in (301, 302, 303, 307, 308) and location:
            if method != "GET" and reply.status not in (307, 308):
                raise EndpointError(
                    f"{endpoint.url} redirects a {method} elsewhere (HTTP {reply.status} to {location}); "
                    "give that URL instead."
                )
            target = urllib.parse.urljoin(url, location)
            if urllib.parse.urlsplit(target).scheme not in ("http", "https"):
                raise EndpointError(f"{endpoint.url} redirects to {location}, which is not an http(s) URL.")
            if urllib.parse.urlsplit(target).netloc != urllib.parse.urlsplit(url).netloc:
                headers = {k: v for k, v in headers.items() if k != "Authorization"}  # credentials stay home
            url = target
            continue
        if reply.status >= 400:
            raise _StatusError(reply)
        return reply
    raise EndpointError(f"{endpoint.url} redirected more than {MAX_REDIRECTS} times; give the final URL.")


def _credentials_asked(endpoint: Endpoint, reply: Reply, url: str) -> Credentials:
    """The credentials for a server that answered 401, if it is the endpoint's own host and some
    are configured; else the reason none are sent."""
    if urllib.parse.urlsplit(url).netloc != urllib.parse.urlsplit(endpoint.url).netloc:
        raise EndpointError(
            f"{endpoint.url} redirected to {url}, which asks for credentials (HTTP 401); none are sent there."
        )
    found = credentials_for(url)
    if found is None:
        raise EndpointError(f"{endpoint.url} asks for credentials (HTTP 401): {WHERE_CREDENTIALS_GO}.")
    return found


def _answer_to(endpoint: Endpoint, challenged: Reply, credentials: Credentials, method: str, url: str) -> str:
    """The Authorization header for `method` on `url` answering a 401's challenges."""
    header = authorization(challenged.headers.get_all("WWW-Authenticate") or [], credentials, method, url)
    if header is None:
        raise EndpointError(
            f"{endpoint.url} asks for credentials in a way twingraph does not speak "
            f"({challenged.headers.get('WWW-Authenticate', 'no WWW-Authenticate header')}); "
            "it speaks Basic and Digest."
        )
    return header


def _one_exchange(
    endpoint: Endpoint, method: str, url: str, *, body: bytes | None, headers: Mapping[str, str], deadline: float
) -> Reply:
    parts = urllib.parse.urlsplit(url)
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise _DeadlinePassed
    connection_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = connection_class(parts.hostname or "", parts.port, timeout=remaining)
    expired = threading.Event()
    sockets: list[socket.socket] = []

    def cut_off() -> None:
        # A watchdog, not a socket timeout: a timeout bounds each read, and a server that
        # sends one byte before every timeout would hold the exchange forever. The socket is
        # kept here because http.client hands it from the connection to the response.
        expired.set()
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    watchdog = threading.Timer(remaining, cut_off)
    watchdog.daemon = True
    watchdog.start()
    try:
        connection.connect()
        if connection.sock is not None:
            sockets.append(connection.sock)
        if expired.is_set():
            raise _DeadlinePassed
        target = urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))
        connection.request(method, target, body=body, headers={"User-Agent": USER_AGENT, **headers})
        response = connection.getresponse()
        chunks, size = [], 0
        while chunk := response.read(65536):
            size += len(chunk)
            if size > endpoint.max_answer_bytes:
                raise _TooLarge
            chunks.append(chunk)
        if response.length:  # the connection closed before Content-Length bytes came
            raise http.client.IncompleteRead(b"".join(chunks), response.length)
        return Reply(response.status, response.headers, b"".join(chunks))
    except (OSError, http.client.HTTPException):
        if expired.is_set():
            raise _DeadlinePassed from None
        raise
    finally:
        watchdog.cancel()
        connection.close()
        if expired.is_set():
            raise _DeadlinePassed


def run_query(endpoint: Endpoint, text: str, *, form: str, default_graphs: Sequence[str] = ()) -> Result:
    """Run a query on an endpoint; SELECT and ASK come back as JSON, CONSTRUCT and DESCRIBE as RDF/XML.

    RDF/XML rather than Turtle or N-Triples for graphs: a body cut short is then always
    invalid XML, where N-Triples cut at a line end would parse as fewer triples.
    """
    fields = [("query", text), *(("default-graph-uri", graph) for graph in default_graphs)]
    accept = "application/sparql-results+json" if form in ("SELECT", "ASK") else "application/rdf+xml"
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept}
    body = urllib.parse.urlencode(fields).encode()
    reply = _with_retries(endpoint, lambda: exchange(endpoint, "POST", endpoint.url, body=body, headers=headers))
    if form in ("SELECT", "ASK"):
        return _parse_json_results(endpoint, reply.body, reply.content_type, form, expected=_projected(text, form))
    return _parse_graph(endpoint, reply.body, reply.content_type, form)


def _refuse_control_characters(endpoint: Endpoint, document: Any) -> None:
    """An answer holding a character no XML document can hold is refused whole (twingraph
    refuses the same in its own data), rather than written into a broken file. (A graph comes
    as RDF/XML, whose parser refuses such characters itself.)"""
    from twingraph.rdf.input_checks import control_character

    rows = document.get("results", {}).get("bindings", []) if isinstance(document, dict) else []
    for row in rows if isinstance(rows, list) else []:
        for term in row.values() if isinstance(row, dict) else []:
            value = term.get("value") if isinstance(term, dict) else None
            found = control_character(value, escaped=False) if isinstance(value, str) else None
            if found is not None:
                raise EndpointError(
                    f"{endpoint.url} answered with the control character U+{ord(found[1]):04X}, which no XML "
                    "document (RDF/XML, SPARQL XML results) can hold; the answer is refused."
                )


def put_graph(endpoint: Endpoint, graph_iri: str, body: bytes, *, media_type: str) -> int:
    """Replace one named graph of a Graph Store with `body`; the HTTP status on success."""
    url = _graph_url(endpoint, graph_iri)
    headers = {"Content-Type": media_type, "Content-Length": str(len(body))}
    reply = _with_retries(endpoint, lambda: exchange(endpoint, "PUT", url, body=body, headers=headers))
    return reply.status


def delete_graph(endpoint: Endpoint, graph_iri: str) -> None:
    """Remove one named graph from a Graph Store; one that is not there is no error."""
    url = _graph_url(endpoint, graph_iri)

    def delete() -> None:
        try:
            exchange(endpoint, "DELETE", url, headers={})
        except _StatusError as exc:
            if exc.reply.status != 404:
                raise

    _with_retries(endpoint, delete)


def _graph_url(endpoint: Endpoint, graph_iri: str) -> str:
    separator = "&" if urllib.parse.urlsplit(endpoint.url).query else "?"
    return endpoint.url + separator + urllib.parse.urlencode({"graph": graph_iri})


def _projected(text: str, form: str) -> list[str] | None:
    """The variables a SELECT query projects, or None where they cannot be told from its text
    (`SELECT *`): then the answer's head is not checked."""
    from twingraph.sparql.text import projected_variables

    return projected_variables(text) if form == "SELECT" else None


def _with_retries(endpoint: Endpoint, action: Callable[[], T]) -> T:
    """Run one HTTP exchange, retrying on 429 and 503; any failure becomes a one-line `EndpointError`."""
    for attempt in range(endpoint.retries + 1):
        try:
            return action()
        except _StatusError as exc:
            reply = exc.reply
            if reply.status not in RETRY_STATUSES:
                detail = str(reply.body[:2000], "utf-8", "replace")
                raise EndpointError(_http_failure(endpoint, reply.status, detail)) from None
            wait = _retry_after(reply.headers.get("Retry-After"), attempt)
            if attempt == endpoint.retries or wait > endpoint.max_wait:
                raise EndpointError(
                    f"{endpoint.url} is busy (HTTP {reply.status}) and asked to wait {wait:.0f} s; "
                    f"gave up after {attempt + 1} attempt(s). Try again later."
                ) from None
            endpoint.sleep(wait)
        except EndpointError:
            raise
        except Exception as exc:  # refused connections, deadlines, broken bodies
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
    if isinstance(exc, _DeadlinePassed | TimeoutError | socket.timeout):
        return f"{endpoint.url} did not answer within {endpoint.timeout:g} s (the whole answer, --timeout)."
    if isinstance(exc, _TooLarge):
        return (
            f"{endpoint.url} answered with more than {endpoint.max_answer_bytes:,} bytes, the limit "
            "(--max-answer-mb); nothing was used. Ask for less (LIMIT), or raise the limit."
        )
    if isinstance(exc, ConnectionRefusedError):
        return f"cannot connect to {endpoint.url}: connection refused. Is the server running?"
    if isinstance(exc, socket.gaierror):
        return f"cannot reach {endpoint.url}: the host name is unknown ({exc.strerror})."
    if isinstance(exc, http.client.IncompleteRead):
        return f"{endpoint.url} broke off its answer after {len(exc.partial)} bytes; no partial result is used."
    if isinstance(exc, http.client.HTTPException | ConnectionError):
        return f"{endpoint.url} broke off the connection ({type(exc).__name__}); no partial result is used."
    if isinstance(exc, OSError):
        return f"cannot reach {endpoint.url}: {exc.strerror or exc}."
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
    if re.match(r"\s*<(!DOCTYPE html|html)", body, re.IGNORECASE):  # an error page: its words, not its markup
        body = html.unescape(re.sub(r"<title>.*?</title>|<[^>]*>", " ", body, flags=re.IGNORECASE | re.DOTALL))
    detail = " ".join(body.split())[:200]
    return f"{endpoint.url} {meaning} (HTTP {status})" + (f": {detail}" if detail else ".")


def _parse_json_results(
    endpoint: Endpoint, body: bytes, content_type: str, form: str, *, expected: list[str] | None = None
) -> Result:
    from rdflib.query import Result

    not_results = f"{endpoint.url} answered with something that is not SPARQL JSON results"
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise EndpointError(
            f"{not_results} ({content_type or 'no Content-Type'}, {len(body)} bytes, cut short or invalid); "
            "no partial result is used."
        ) from None
    _refuse_control_characters(endpoint, document)
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
    # Some servers leave out variables that no row binds, so the head may name fewer, never others.
    if expected is not None and not set(map(str, document["head"]["vars"])) <= set(expected):
        raise EndpointError(
            f"{endpoint.url} answered with the variables {', '.join(map(str, document['head']['vars'])) or '(none)'}, "
            f"but the query asks for {', '.join(expected) or '(none)'}; no result is used."
        )
    try:
        return Result.parse(io.BytesIO(body), format="json")
    except Exception as exc:
        raise EndpointError(f"{not_results}: {exc}.") from None


def _parse_graph(endpoint: Endpoint, body: bytes, content_type: str, form: str) -> Result:
    import pyoxigraph
    from rdflib import Graph
    from rdflib.query import Result

    from twingraph.rdf.terms import to_rdflib_triples

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
