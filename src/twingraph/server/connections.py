"""Connections that may not hold the server: a deadline for a request's headers.

uvicorn closes an idle kept-alive connection after a few seconds, but waits without limit for
the headers of a request that has begun: a client that sends them a byte at a time (a
"slowloris") holds a connection for as long as it likes, and 4,000 of them stayed open for
30 s. This protocol closes a connection whose request headers are not complete within
`--header-timeout` seconds of its opening, or of the last response on it.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol

DEFAULT_HEADER_TIMEOUT = 10.0


class HeaderDeadlineProtocol(H11Protocol):
    """uvicorn's h11 protocol with a deadline for each request's headers."""

    header_timeout: float = DEFAULT_HEADER_TIMEOUT
    _deadline: asyncio.TimerHandle | None = None
    _waiting_since: Any = None  # the request cycle current when the deadline was set

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._set_deadline()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self._deadline is not None and self.cycle is not self._waiting_since:
            self._clear_deadline()  # a new request's headers are complete

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._set_deadline()  # the next request on this connection has its own deadline

    def connection_lost(self, exc: Exception | None) -> None:
        self._clear_deadline()
        super().connection_lost(exc)

    def _set_deadline(self) -> None:
        self._clear_deadline()
        self._waiting_since = self.cycle
        self._deadline = self.loop.call_later(self.header_timeout, self._headers_too_slow)

    def _clear_deadline(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _headers_too_slow(self) -> None:
        self._deadline = None
        if self.cycle is self._waiting_since and not self.transport.is_closing():
            self.transport.close()


def protocol_with_header_timeout(seconds: float) -> type[HeaderDeadlineProtocol]:
    """The protocol class for uvicorn, with this header deadline."""
    return type("HeaderDeadline", (HeaderDeadlineProtocol,), {"header_timeout": seconds})
