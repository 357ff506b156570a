"""The Starlette app: resources with content negotiation, pages, `/sparql`, stored queries, downloads.

Dereferencing follows the 200 + Content-Location pattern: `/id/city/kassel` answers at once
in the negotiated format, names the format-specific document (`/id/city/kassel.ttl`) in
Content-Location and sends `Vary: Accept`. One round trip instead of 303's two, and clients
that do not follow redirects still get data; the document URLs with an extension (or
`?format=`) always give that one format.
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import anyio

from twingraph.server.pages import Pages
from twingraph.server.resources import ResourceHandlers
from twingraph.server.responses import PREFLIGHT, SECURITY
from twingraph.server.site import Site
from twingraph.server.stored import StoredQueryHandlers
from twingraph.server.urls import Urls

if TYPE_CHECKING:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response

    from twingraph.server.pool import QueryPool, QueryReply


@dataclass(frozen=True)
class ServeOptions:
    """Limits and addresses of a server."""

    base_url: str
    timeout: float = 10.0
    max_rows: int = 100_000
    max_answer_bytes: int = 64 * 1024 * 1024
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


class _Handlers(ResourceHandlers, StoredQueryHandlers):
    """Every route's handler: resources and pages, the endpoint, the stored queries."""

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
