"""The Starlette app: resources with content negotiation, pages, `/sparql`, stored queries, downloads.

Dereferencing follows the 200 + Content-Location pattern: `/id/city/kassel` answers at once
in the negotiated format, names the format-specific document (`/id/city/kassel.ttl`) in
Content-Location and sends `Vary: Accept`. One round trip instead of 303's two, and clients
that do not follow redirects still get data; the document URLs with an extension (or
`?format=`) always give that one format.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

import anyio

from twingraph.server.resources import ResourceHandlers
from twingraph.server.state import App, ServeOptions
from twingraph.server.stored import StoredQueryHandlers
from twingraph.web.headers import PREFLIGHT, SECURITY
from twingraph.web.site import Site

if TYPE_CHECKING:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response


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
