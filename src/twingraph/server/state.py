"""What every handler of `serve` shares: the site, its pages and URLs, the limits, and the query
workers (started on first need), apart from the app that routes requests to the handlers."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import anyio

from twingraph.web.pages import Pages
from twingraph.web.site import Site
from twingraph.web.urls import Urls

if TYPE_CHECKING:
    from starlette.requests import Request

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
