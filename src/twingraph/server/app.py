"""The Starlette app: resources with content negotiation, pages, `/sparql`, stored queries, downloads.

Dereferencing follows the 200 + Content-Location pattern: `/id/city/kassel` answers at once
in the negotiated format, names the format-specific document (`/id/city/kassel.ttl`) in
Content-Location and sends `Vary: Accept`. One round trip instead of 303's two, and clients
that do not follow redirects still get data; the document URLs with an extension (or
`?format=`) always give that one format.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import re
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import anyio

from twingraph.errors import TwingraphError
from twingraph.formats import HTML, JSON_LD, N_TRIPLES, RDF_XML, TURTLE, Format
from twingraph.iris import RDF_TYPE
from twingraph.server import conneg
from twingraph.server.conneg import NotAcceptable
from twingraph.server.pages import EXTENSIONS, Link, Pages, render
from twingraph.server.site import Site, etag
from twingraph.server.urls import Urls

if TYPE_CHECKING:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response

    from twingraph.server.pool import QueryPool, QueryReply

# From least to most preferred: HTML for browsers and for */*, which is what curl sends.
RESOURCE_CHOICES = [N_TRIPLES, JSON_LD, RDF_XML, TURTLE, HTML]
ERROR_CHOICES = [Format("text", "plain text", "text/plain"), HTML]
SUFFIXES = {suffix: name for name, suffix in EXTENSIONS.items()}
TEXT_TYPES = ("text/", "application/n-triples", "application/sparql-query")
CORS = {"Access-Control-Allow-Origin": "*", "Access-Control-Expose-Headers": "Content-Location, ETag, Vary"}
# The pages have no scripts and load nothing from elsewhere; their styles are inline.
SECURITY = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}
# What a CORS preflight may ask for, on every route: reads, and POSTs to /sparql.
PREFLIGHT = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, HEAD, POST, OPTIONS",
    "Access-Control-Max-Age": "86400",
}


@dataclass(frozen=True)
class ServeOptions:
    """Limits and addresses of a server."""

    base_url: str
    timeout: float = 10.0
    max_rows: int = 100_000
    max_request_bytes: int = 1024 * 1024
    workers: int = 2
    cache_seconds: int = 300
    per_client: int | None = None  # queries one client may run at once; default: all workers but one
    trusted_proxies: tuple[str, ...] = ()  # peers whose X-Forwarded-For names the real client


class App:
    """The application state: the site, its pages and the query workers (started on first need)."""

    def __init__(self, site: Site, options: ServeOptions) -> None:
        self.site = site
        self.options = options
        self.urls = Urls(options.base_url)
        self.pages = Pages(site, self.urls)
        self._pool: QueryPool | None = None
        self._pool_lock = threading.Lock()

    def pool(self) -> QueryPool:
        """The worker pool, started once."""
        from twingraph.server.pool import QueryPool

        with self._pool_lock:
            if self._pool is None:
                self._pool = QueryPool(
                    self.site.snapshot(), size=self.options.workers, per_client=self.options.per_client
                )
            return self._pool

    def close(self) -> None:
        """Stop the workers."""
        with self._pool_lock:
            if self._pool is not None:
                self._pool.close()
                self._pool = None

    async def run_query(self, job: Any, *, client: str, stored: bool = False) -> QueryReply:
        """Run a job in a worker without blocking the event loop."""
        pool = await anyio.to_thread.run_sync(self.pool)
        return await anyio.to_thread.run_sync(
            lambda: pool.run(job, timeout=self.options.timeout, client=client, stored=stored)
        )

    def client_of(self, request: Request) -> str:
        """Who sent a request, for the per-client limit: the peer's address; behind a proxy named
        in `trusted_proxies`, the last address in X-Forwarded-For that is not a trusted proxy
        (anything else in that header could be made up by the client)."""
        peer = request.client.host if request.client else ""
        if peer not in self.options.trusted_proxies:
            return peer
        chain = [part.strip() for part in request.headers.get("x-forwarded-for", "").split(",") if part.strip()]
        for address in reversed(chain):
            if address not in self.options.trusted_proxies:
                return address
        return peer


def create_app(site: Site, options: ServeOptions, *, start_workers: bool = True) -> Starlette:
    """The ASGI app serving a site under `options.base_url`."""
    from starlette.applications import Starlette
    from starlette.routing import BaseRoute, Mount, Route

    state = App(site, options)
    handlers = _Handlers(state)
    routes: list[BaseRoute] = [
        Route("/", handlers.index),
        Route("/id/{path:path}", handlers.resource),
        Route("/ontology", handlers.ontology),
        Route("/ontology.{ext}", handlers.ontology),
        Route("/sparql", handlers.sparql, methods=["GET", "POST", "OPTIONS", "PUT", "DELETE", "PATCH"]),
        Route("/sparql/", handlers.sparql, methods=["GET", "POST", "OPTIONS", "PUT", "DELETE", "PATCH"]),
        Route("/queries", handlers.query_list),
        Route("/queries/{name}", handlers.stored_query),
        Route("/catalog", handlers.catalog),
        Route("/catalog.{ext}", handlers.catalog),
        Route("/.well-known/void", handlers.void),
        Route("/dist/", handlers.dist_index),
        Route("/dist/{name}", handlers.dist_file),
    ]
    if state.urls.root != "/":
        routes = [Mount(state.urls.root.rstrip("/"), routes=routes)]

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if start_workers:
            await anyio.to_thread.run_sync(state.pool)
        try:
            yield
        finally:
            state.close()

    app = Starlette(
        routes=routes, lifespan=lifespan, exception_handlers={404: handlers.not_found, 405: handlers.not_allowed}
    )
    app.state.twingraph = state
    app.add_middleware(_Preflight)
    return app


class _Preflight:
    """Answers CORS preflights (OPTIONS with Access-Control-Request-Method) on every path, so that
    a page elsewhere may send a header that is not CORS-safelisted (If-None-Match, Content-Type:
    application/json) to any route; everything else goes on to the app."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        headers = dict(scope.get("headers") or []) if scope["type"] == "http" else {}
        if scope["type"] != "http" or scope["method"] != "OPTIONS" or b"access-control-request-method" not in headers:
            await self.app(scope, receive, send)
            return
        from starlette.responses import Response

        wanted = headers.get(b"access-control-request-headers", b"").decode("latin-1")
        allowed = {**PREFLIGHT, **SECURITY}
        if wanted.strip():
            allowed["Access-Control-Allow-Headers"] = ", ".join(h.strip() for h in wanted.split(",") if h.strip())
        await Response(status_code=204, headers=allowed)(scope, receive, send)


class _Handlers:
    def __init__(self, state: App) -> None:
        self.state = state
        self.site = state.site
        self.pages = state.pages
        self.urls = state.urls
        # The data never changes while serving, so a page or document, once made, is kept.
        self.resource_body = functools.lru_cache(maxsize=4096)(self._resource_body)
        self.index_body = functools.lru_cache(maxsize=64)(self._index_body)

    # --- helpers -------------------------------------------------------------------------------

    def respond(
        self, request: Request, body: bytes, media_type: str, *, status: int = 200, vary: bool = True,
        headers: dict[str, str] | None = None, cache: bool = True,
    ) -> Response:  # fmt: skip
        """A response with validators, caching and CORS headers; 304 when the client's copy is current."""
        from starlette.responses import Response

        all_headers = {**CORS, **SECURITY}
        if vary:
            all_headers["Vary"] = "Accept, Accept-Language"
        if cache and status == 200:
            tag = etag(body)
            all_headers.update(
                {
                    "ETag": tag,
                    "Last-Modified": self.site.http_date,
                    "Cache-Control": f"public, max-age={self.state.options.cache_seconds}",
                }
            )
            if _not_modified(request, tag, self.site.last_modified):
                return Response(status_code=304, headers=all_headers)
        all_headers.update(headers or {})
        if media_type.startswith(TEXT_TYPES) or media_type.endswith(("+json", "+xml", "/json")):
            media_type += "; charset=utf-8"
        return Response(body, status_code=status, media_type=media_type, headers=all_headers)

    def error(self, request: Request, status: int, message: str, *, headers: dict[str, str] | None = None) -> Response:
        """An error as a small HTML page for browsers (which name text/html), else as plain text."""
        accept = request.headers.get("accept", "")
        try:
            html = "text/html" in accept and conneg.negotiate(accept, ERROR_CHOICES).name == "html"
        except NotAcceptable:
            html = False
        if html:
            body = render("error.html", title=_REASONS.get(status, "Error"), message=message, urls=self.urls)
            return self.respond(request, body, "text/html", status=status, headers=headers, cache=False)
        return self.respond(
            request, (message + "\n").encode("utf-8"), "text/plain", status=status, headers=headers, cache=False
        )

    def choose(
        self, request: Request, choices: list[Format], named: str | None, parameters: tuple[str, ...] | None = None
    ) -> Format:
        """The format an extension names, else the first `format=`/`output=` value that fits, else
        the one the Accept header prefers."""
        if named:
            return conneg.by_name(named, choices)
        if parameters is None:
            parameters = tuple(request.query_params.getlist("format") + request.query_params.getlist("output"))
        return conneg.by_parameter(list(parameters), choices) or conneg.negotiate(
            request.headers.get("accept"), choices
        )

    def rdf_choice(
        self, request: Request, choices: list[Format], named: str | None, make: Any
    ) -> tuple[Format, bytes] | Response:
        """The negotiated choice and its body from `make(name)`; where RDF/XML cannot express the
        graph, the next acceptable format, else a 406 that says why."""
        from twingraph.sparql.results import ResultFormatError

        try:
            choice = self.choose(request, choices, named)
        except NotAcceptable:
            return self.not_acceptable(request, choices)
        try:
            return choice, make(choice.name)
        except ResultFormatError as exc:
            if named:
                return self.error(request, 406, str(exc))
            others = [c for c in choices if c.name != choice.name]
            try:
                other = conneg.negotiate(request.headers.get("accept"), others)
            except NotAcceptable:
                return self.error(request, 406, str(exc))
            return other, make(other.name)

    def not_acceptable(self, request: Request, choices: list[Format]) -> Response:
        offered = ", ".join(c.media_type for c in reversed(choices))
        names = ", ".join(c.name for c in reversed(choices))
        return self.error(request, 406, f"this resource is available as {offered} (?format={names}).")

    def wanted(self, request: Request) -> list[str]:
        return conneg.languages(request.headers.get("accept-language"))

    def rdf(self, triples: list[Any], fmt: str) -> bytes:
        """A document of triples, naming our resource kinds' prefixes where they are used."""
        from twingraph.rdf.export import export_prefixes
        from twingraph.sparql.results import serialize_graph

        return serialize_graph(triples, fmt, prefixes=export_prefixes())

    # --- resources -------------------------------------------------------------------------------

    async def resource(self, request: Request) -> Response:
        path = request.path_params["path"]
        named = None
        for suffix, name in SUFFIXES.items():
            if path.endswith(suffix):
                path, named = path[: -len(suffix)], name
                break
        iri = self.site.iri_for_path("id/" + path)
        if not path or not self.site.exists(iri):
            return self.error(request, 404, f"nothing is known about <{iri}>; the index lists what is.")
        wanted = tuple(self.wanted(request))

        def make(name: str) -> bytes:
            return self.resource_body(iri, name, wanted if name == "html" else ())

        chosen = await anyio.to_thread.run_sync(self.rdf_choice, request, RESOURCE_CHOICES, named, make)
        if not isinstance(chosen, tuple):
            return chosen
        choice, body = chosen
        location = {"Content-Location": self.urls.resource(f"id/{path}", EXTENSIONS[choice.name])}
        return self.respond(request, body, choice.media_type, headers=location)

    def _resource_body(self, iri: str, fmt: str, wanted: tuple[str, ...]) -> bytes:
        if fmt == "html":
            context = self.pages.resource(iri, list(wanted))
            return render("resource.html", urls=self.urls, lang=(wanted or ("en",))[0], **context)
        return self.rdf(self.site.describe(iri), fmt)

    async def ontology(self, request: Request) -> Response:
        ext = request.path_params.get("ext")
        named = SUFFIXES.get(f".{ext}") if ext else None
        if ext and not named:
            return self.error(request, 404, f"no ontology document ends in .{ext}; try .ttl, .jsonld, .nt or .html.")

        def make(name: str) -> bytes:
            if name == "html":
                return render("ontology.html", urls=self.urls, **self.pages.ontology(self.wanted(request)))
            return self.rdf(self.site.ontology_triples(), name)

        chosen = self.rdf_choice(request, RESOURCE_CHOICES, named, make)
        if not isinstance(chosen, tuple):
            return chosen
        choice, body = chosen
        return self.respond(
            request,
            body,
            choice.media_type,
            headers={"Content-Location": self.urls.ontology(EXTENSIONS[choice.name])},
        )

    async def index(self, request: Request) -> Response:
        try:
            self.choose(request, [HTML], None)
        except NotAcceptable:
            return self.error(request, 406, "the index is an HTML page; the data is at /catalog, /dist/ and /sparql.")
        body = await anyio.to_thread.run_sync(self.index_body, tuple(self.wanted(request)))
        return self.respond(request, body, "text/html")

    def _index_body(self, wanted: tuple[str, ...]) -> bytes:
        return render("index.html", urls=self.urls, **self.pages.index(list(wanted)))

    async def catalog(self, request: Request) -> Response:
        ext = request.path_params.get("ext")
        named = SUFFIXES.get(f".{ext}") if ext else None
        if ext and not named:
            return self.error(request, 404, "the catalogue is at /catalog.ttl, .jsonld, .rdf and .nt.")

        def make(name: str) -> bytes:
            if name == "html":
                catalog_iri = self._catalog_iri()
                return render("resource.html", urls=self.urls, **self.pages.resource(catalog_iri, self.wanted(request)))
            if name in ("turtle", "jsonld"):  # the files build publishes, byte for byte
                return self.site.files["catalog.ttl" if name == "turtle" else "catalog.jsonld"]
            return self.rdf(_triples_of(self.site.files["catalog.ttl"]), name)

        chosen = self.rdf_choice(request, RESOURCE_CHOICES, named, make)
        if not isinstance(chosen, tuple):
            return chosen
        choice, body = chosen
        return self.respond(
            request,
            body,
            choice.media_type,
            headers={"Content-Location": self.urls.catalog(EXTENSIONS[choice.name])},
        )

    def _catalog_iri(self) -> str:
        rows = self.site.select("SELECT ?c WHERE { ?c a <http://www.w3.org/ns/dcat#Catalog> } ORDER BY ?c LIMIT 1")
        return str(rows[0]["c"].value)

    async def void(self, request: Request) -> Response:
        choices = [c for c in RESOURCE_CHOICES if c.name != "html"]
        void = self.site.files["void.ttl"]
        chosen = self.rdf_choice(
            request, choices, None, lambda name: void if name == "turtle" else self.rdf(_triples_of(void), name)
        )
        if not isinstance(chosen, tuple):
            return chosen
        choice, body = chosen
        return self.respond(request, body, choice.media_type)

    async def dist_index(self, request: Request) -> Response:
        links = [
            Link(
                name, self.urls.download(name), note=f"{len(body):,} bytes · {_purpose(name, self.site.settings.name)}"
            )
            for name, body in sorted(self.site.files.items())
        ]
        body = render("downloads.html", urls=self.urls, files=links, title="Downloads")
        return self.respond(request, body, "text/html")

    async def dist_file(self, request: Request) -> Response:
        from pathlib import Path

        from twingraph.formats import rdf_format_for

        name = request.path_params["name"]
        body = self.site.files.get(name)
        if body is None:
            return self.error(request, 404, f"no file {name} is published; /dist/ lists them.")
        fmt = rdf_format_for(Path(name))
        media = fmt.media_type if fmt else "text/csv" if name.endswith(".csv") else "application/octet-stream"
        return self.respond(request, body, media, vary=False)

    # --- SPARQL ----------------------------------------------------------------------------------

    async def sparql(self, request: Request) -> Response:
        from twingraph.server.protocol import ProtocolError, parse_request

        if request.method == "OPTIONS":
            return self.respond(request, b"", "text/plain", cache=False, headers={
                "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
                "Access-Control-Allow-Headers": "Accept, Content-Type",
                "Access-Control-Max-Age": "86400",
            })  # fmt: skip
        try:
            body = await self._body(request)
            query = parse_request(
                request.method, request.url.query, request.headers.get("content-type"), body,
                held_graphs=self.site.held_graphs(),
            )  # fmt: skip
        except ProtocolError as exc:
            headers = {"Allow": "GET, POST, OPTIONS"} if exc.status == 405 else None
            return self.error(request, exc.status, exc.message, headers=headers)
        if query is None:
            return self.service_description(request)
        return await self._answer(request, query.text, query.formats, query.default_graphs, query.named_graphs)

    async def _body(self, request: Request) -> bytes:
        from twingraph.server.protocol import ProtocolError

        limit = self.state.options.max_request_bytes
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > limit:
            raise ProtocolError(413, f"the request body is larger than {limit:,} bytes, the limit here.")
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise ProtocolError(413, f"the request body is larger than {limit:,} bytes, the limit here.")
            chunks.append(chunk)
        return b"".join(chunks)

    async def _answer(
        self, request: Request, text: str, formats: tuple[str, ...], default_graphs: tuple[str, ...] = (),
        named_graphs: tuple[str, ...] = (), *, download: str | None = None, stored_query: bool = False,
        lists: tuple[tuple[str, str], ...] = (),
    ) -> Response:  # fmt: skip
        from twingraph.server.pool import ClientBusy, QueryJob, QueryTimeout, ServerBusy, WorkerFailed
        from twingraph.server.protocol import BOOLEAN_CHOICES, GRAPH_CHOICES, ROW_CHOICES
        from twingraph.sparql.guard import QueryRefused, check_offline_read_only, query_form

        try:
            check_offline_read_only(text)
            form = query_form(text)
        except QueryRefused as exc:
            status, message = _REFUSALS.get(exc.kind, (400, str(exc)))
            return self.error(request, status, message or str(exc))
        choices = (
            GRAPH_CHOICES if form in ("CONSTRUCT", "DESCRIBE") else BOOLEAN_CHOICES if form == "ASK" else ROW_CHOICES
        )
        try:
            choice = self.choose(request, choices, None, formats)
        except NotAcceptable:
            return self.not_acceptable(request, choices)
        # Relative IRIs in a query resolve against the endpoint, as the protocol suggests.
        endpoint = self.urls.absolute(self.urls.sparql())
        job = QueryJob(
            text, choice.name, self.state.options.max_rows, default_graphs or None, named_graphs or None, endpoint,
            lists,
        )  # fmt: skip
        client, stored = self.state.client_of(request), stored_query
        try:
            reply = await self.state.run_query(job, client=client, stored=stored)
        except QueryTimeout as exc:
            return self.error(request, 503, str(exc))
        except ClientBusy as exc:
            return self.error(request, 429, str(exc), headers={"Retry-After": "2"})
        except ServerBusy as exc:
            return self.error(request, 503, str(exc), headers={"Retry-After": "5"})
        except WorkerFailed as exc:
            return self.error(request, 500, str(exc))
        if reply.error == "format" and choice.name == "rdfxml":  # a graph RDF/XML cannot express
            others = [c for c in choices if c.name != "rdfxml"]
            try:
                choice = conneg.negotiate(request.headers.get("accept"), others)
            except NotAcceptable:
                return self.error(request, 406, reply.message)
            job = dataclasses.replace(job, fmt=choice.name)
            reply = await self.state.run_query(job, client=client, stored=stored)
        if reply.error:
            return self.error(request, 400 if reply.error in ("syntax", "limit") else 500, reply.message)
        headers = {"Content-Disposition": f'attachment; filename="{download}"'} if download else None
        return self.respond(request, reply.body, choice.media_type, cache=False, headers=headers)

    def service_description(self, request: Request) -> Response:
        choices = [*[c for c in RESOURCE_CHOICES if c.name != "html"], RESOURCE_CHOICES[-1]]
        try:
            choice = self.choose(request, choices, None)
        except NotAcceptable:
            return self.not_acceptable(request, choices)
        endpoint = self.urls.absolute(self.urls.sparql())
        if choice.name == "html":
            limits = {"timeout": f"{self.state.options.timeout:g}", "max_rows": f"{self.state.options.max_rows:,}"}
            body = render(
                "sparql.html", urls=self.urls, title="SPARQL endpoint", endpoint=endpoint, example=_EXAMPLE, **limits
            )
            return self.respond(request, body, "text/html")
        return self.respond(
            request, self.rdf(_service_description(endpoint, self.site.held_graphs()), choice.name), choice.media_type
        )

    # --- stored queries --------------------------------------------------------------------------

    async def query_list(self, request: Request) -> Response:
        from twingraph.sparql.query import stored_queries

        queries = stored_queries(self.site.queries_folder)
        return self.respond(
            request, render("queries.html", urls=self.urls, title="Stored queries", queries=queries), "text/html"
        )

    async def stored_query(self, request: Request) -> Response:
        from twingraph.sparql.query import ParameterError, bind_parameters, find_stored_query
        from twingraph.sparql.text import with_values

        name = request.path_params["name"]
        download = None
        for suffix in (".csv", ".json"):
            if name.endswith(suffix):
                name, download = name[: -len(suffix)], suffix[1:]
        try:
            stored = find_stored_query(self.site.queries_folder, name) if "/" not in name else None
        except TwingraphError:  # an unknown name, or a query file that cannot be read
            stored = None
        if stored is None:
            return self.error(request, 404, f"no stored query is called {name!r}; /queries lists them.")
        known = {p.name for p in stored.parameters}
        values = {k: v for k, v in request.query_params.items() if k in known and v.strip()}
        named = download or request.query_params.get("format")
        try:
            text = with_values(stored.text, bind_parameters(self.site.loaded.graph, stored, values))
        except ParameterError as exc:
            if named:
                return self.error(request, 400, str(exc))
            body = render(
                "query.html",
                urls=self.urls,
                title=stored.title,
                query=stored,
                values=values,
                error=str(exc),
                table=None,
            )
            return self.respond(request, body, "text/html", status=400, cache=False)
        if named:
            return await self._answer(
                request,
                text,
                (named,),
                download=f"{stored.name}.{download}" if download else None,
                stored_query=True,
                lists=stored.lists,
            )
        response = await self._answer(request, text, ("json",), stored_query=True, lists=stored.lists)
        if response.status_code != 200:
            message = bytes(response.body).decode("utf-8", "replace").strip()
            body = render(
                "query.html", urls=self.urls, title=stored.title, query=stored, values=values, error=message, table=None
            )
            return self.respond(request, body, "text/html", status=response.status_code, cache=False)
        table = self._table(json.loads(bytes(response.body)), self.wanted(request))
        query_string = urlencode(values)
        base = self.urls.query(stored.name)
        body = render(
            "query.html", urls=self.urls, title=stored.title, query=stored, values=values, error=None, table=table,
            csv_href=f"{base}.csv?{query_string}", json_href=f"{base}.json?{query_string}",
        )  # fmt: skip
        return self.respond(request, body, "text/html")

    def _table(self, document: dict[str, Any], wanted: list[str]) -> dict[str, Any]:
        import pyoxigraph

        if "boolean" in document:
            return {"variables": ["answer"], "rows": [[Link("yes" if document["boolean"] else "no")]]}
        variables = document["head"]["vars"]
        rows = []
        for binding in document["results"]["bindings"]:
            row: list[Link | None] = []
            for name in variables:
                cell = binding.get(name)
                if cell is None:
                    row.append(None)
                elif cell["type"] == "uri":
                    row.append(self.pages.link(pyoxigraph.NamedNode(cell["value"]), wanted))
                elif cell["type"] == "literal":  # people read the value; the tags are in CSV and JSON
                    row.append(Link(cell["value"]))
                else:
                    row.append(Link(f"_:{cell['value']}"))
            rows.append(row)
        return {"variables": [_heading(name) for name in variables], "rows": rows}

    # --- errors ----------------------------------------------------------------------------------

    async def not_found(self, request: Request, exc: Exception) -> Response:
        return self.error(
            request,
            404,
            f"there is nothing at {request.url.path}; the index at {self.urls.index()} lists what is here.",
        )

    async def not_allowed(self, request: Request, exc: Exception) -> Response:
        return self.error(
            request,
            405,
            f"{request.method} is not allowed here; this server is read-only.",
            headers={"Allow": "GET, HEAD"},
        )


# How the endpoint answers each kind of refused query; None keeps the guard's own message.
_REFUSALS: dict[str, tuple[int, str | None]] = {
    "update": (403, None),
    "load": (400, "LOAD is refused: this endpoint never fetches remote data, and is read-only."),
    "dataset": (400, None),
    "service": (
        400,
        "SERVICE is refused: it would send part of the query to another server; this endpoint does not federate.",
    ),
}

_REASONS = {
    400: "Bad request", 403: "Forbidden", 404: "Not found", 405: "Method not allowed", 406: "Not acceptable",
    413: "Request too large", 415: "Unsupported media type", 429: "Too many requests", 500: "Server error",
    503: "Service unavailable",
}  # fmt: skip

_EXAMPLE = """PREFIX tw: <https://w3id.org/twingraph/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?place ?label (COUNT(?partnership) AS ?partnerships) WHERE {
  ?partnership a tw:Partnership ; tw:partner ?place .
  ?place rdfs:label ?label FILTER (LANG(?label) = "en")
} GROUP BY ?place ?label ORDER BY DESC(?partnerships) LIMIT 20"""


def _purpose(name: str, dataset: str) -> str:
    """What a published file is for, on the downloads page."""
    purposes = {
        f"{dataset}.csv": "one row per partnership: opens in a spreadsheet; upload it to a portal by hand",
        f"{dataset}.ttl": "the data as Turtle, for RDF tools and triple stores",
        f"{dataset}.jsonld": "the data as JSON-LD, for web developers",
        f"{dataset}.nt": "the data as N-Triples, one triple a line, for bulk loading",
        f"{dataset}.rdf": "the data as RDF/XML, for older RDF tools",
        "context.jsonld": "the JSON-LD context the JSON-LD file uses",
        "catalog.ttl": "the DCAT-AP catalogue: what a portal's harvester (CKAN, data.europa.eu) reads",
        "catalog.jsonld": "the same catalogue as JSON-LD",
        "catalog-de.ttl": "the DCAT-AP.de catalogue, for GovData",
        "void.ttl": "the VoID description, for linked-data crawlers",
    }
    return purposes.get(name, "")


def _heading(variable: str) -> str:
    """A result column's variable as a heading for people: partnerName -> Partner name."""
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|[_-]+", " ", variable).strip().lower()
    return words[:1].upper() + words[1:]


def _not_modified(request: Request, tag: str, last_modified: float) -> bool:
    """RFC 9110: If-None-Match wins over If-Modified-Since."""
    if request.method not in ("GET", "HEAD"):
        return False
    match = request.headers.get("if-none-match")
    if match is not None:
        return match.strip() == "*" or tag in [t.strip().removeprefix("W/") for t in match.split(",")]
    since = request.headers.get("if-modified-since")
    if since:
        try:
            return int(last_modified) <= parsedate_to_datetime(since).timestamp()
        except (TypeError, ValueError):
            return False
    return False


def _service_description(endpoint: str, graphs: list[str]) -> list[Any]:
    """The SPARQL 1.1 Service Description of the endpoint."""
    import pyoxigraph

    sd = "http://www.w3.org/ns/sparql-service-description#"
    node, dataset = pyoxigraph.NamedNode(endpoint), pyoxigraph.BlankNode("dataset")
    rdf_type = pyoxigraph.NamedNode(RDF_TYPE)

    def n(local: str) -> pyoxigraph.NamedNode:
        return pyoxigraph.NamedNode(sd + local)

    triples = [
        pyoxigraph.Triple(node, rdf_type, n("Service")),
        pyoxigraph.Triple(node, n("endpoint"), node),
        pyoxigraph.Triple(node, n("supportedLanguage"), n("SPARQL11Query")),
        pyoxigraph.Triple(node, n("defaultDataset"), dataset),
        pyoxigraph.Triple(dataset, rdf_type, n("Dataset")),
        pyoxigraph.Triple(dataset, n("defaultGraph"), pyoxigraph.BlankNode("default")),
        pyoxigraph.Triple(pyoxigraph.BlankNode("default"), rdf_type, n("Graph")),
    ]
    # The W3C's IRIs for formats (https://www.w3.org/ns/formats/), as SPARQL 1.1 Service Description asks.
    formats = ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
               "Turtle", "N-Triples", "JSON-LD", "RDF_XML")  # fmt: skip
    for name in formats:
        triples.append(pyoxigraph.Triple(node, n("resultFormat"), pyoxigraph.NamedNode(W3C_FORMATS + name)))
    for graph in graphs:
        named = pyoxigraph.BlankNode(f"g{len(triples)}")
        triples += [
            pyoxigraph.Triple(dataset, n("namedGraph"), named),
            pyoxigraph.Triple(named, n("name"), pyoxigraph.NamedNode(graph)),
        ]
    return triples


W3C_FORMATS = "http://www.w3.org/ns/formats/"


def _triples_of(turtle: bytes) -> list[Any]:
    import pyoxigraph

    return [q.triple for q in pyoxigraph.parse(turtle, format=pyoxigraph.RdfFormat.TURTLE)]


def run_one(app: Starlette, path: str, *, accept: str | None = None) -> tuple[int, dict[str, str], bytes]:
    """One GET through the app without a server (`serve --get`): status, headers, body."""
    import httpx

    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://twingraph.local") as client:
            headers = {"Accept": accept} if accept else {}
            return await client.get(path, headers=headers)

    response = anyio.run(go)
    return response.status_code, dict(response.headers), response.content
