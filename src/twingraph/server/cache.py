"""A cache of made responses that is bounded by the bytes it holds, not by its entries.

`serve`'s data never changes while it runs, so a page or document, once made, is kept. Its
keys are bounded too: a page is keyed on the languages that can change it (those the data
has names in, and those the pages speak), so that 2,000 made-up Accept-Language headers make
one entry, not 2,000 (they grew the server from 135 MB to 630 MB).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

DEFAULT_MAX_BYTES = 64 * 1024 * 1024


class BoundedCache:
    """Least-recently-used bodies by key, evicted when their bytes together pass `max_bytes`."""

    def __init__(self, make: Callable[..., bytes], *, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self._make = make
        self._max_bytes = max_bytes
        self._bodies: OrderedDict[Hashable, bytes] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def __call__(self, *key: Hashable) -> bytes:
        with self._lock:
            body = self._bodies.get(key)
            if body is not None:
                self._bodies.move_to_end(key)
                return body
        body = self._make(*key)
        if len(body) > self._max_bytes:
            return body
        with self._lock:
            if key not in self._bodies:
                self._bodies[key] = body
                self._bytes += len(body)
            while self._bytes > self._max_bytes:
                _, evicted = self._bodies.popitem(last=False)
                self._bytes -= len(evicted)
        return body
