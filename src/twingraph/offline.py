"""The guarantee that parsing, validating and querying never reach the network.

rdflib follows SPARQL SERVICE, FROM and LOAD and JSON-LD remote contexts, and pyshacl can
follow owl:imports. The loaders already refuse such input; this module is the second line:
inside `offline()`, an audit hook turns any attempt to resolve a host name or open a socket
into a `NetworkBlockedError`, whichever library makes it and in whichever thread.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from twingraph.errors import NetworkBlockedError

_NETWORK_EVENTS = frozenset(
    {
        "socket.connect",
        "socket.getaddrinfo",
        "socket.gethostbyname",
        "socket.gethostbyaddr",
        "socket.sendto",
        "urllib.Request",
    }
)

_lock = threading.Lock()
_depth = 0
_hook_installed = False


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if _depth and event in _NETWORK_EVENTS:
        target = args[1] if event == "socket.connect" and len(args) > 1 else args[0] if args else ""
        raise NetworkBlockedError(
            f"blocked a network request ({event} {target!r}): this command works offline. "
            "Only `--endpoint`, `push` and `wikidata` commands use the network."
        )


@contextmanager
def offline() -> Iterator[None]:
    """Run the body with every outbound network attempt refused."""
    global _depth, _hook_installed
    with _lock:
        if not _hook_installed:
            # Audit hooks cannot be removed, so one hook is installed for good and the
            # depth counter decides whether it blocks.
            sys.addaudithook(_audit)
            _hook_installed = True
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
