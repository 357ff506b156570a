"""Worker processes that run SPARQL queries with a timeout that really stops the work.

A query cannot be interrupted inside Oxigraph, and a thread cannot be killed, so every
user-supplied query runs in a worker process holding its own copy of the data. When a query
overruns its time, its worker is killed (SIGKILL) and a fresh one is started from the same
N-Quads snapshot, while the other workers go on serving. Workers are spawned, not forked:
the server process has threads, and forking a threaded process can copy a held lock.

Admission is fair, so that a few runaway queries cannot block everyone:
- one client (an address) runs at most `per_client` queries at once (default: all workers
  but one), so a client with nothing running always finds a worker free or soon free;
- a client may have at most `per_client_waiting` more queries waiting; past that it gets a
  refusal at once (HTTP 429), not a place in the queue;
- at most `max_waiting` queries wait in all; past that, a refusal at once (HTTP 503);
- a freed worker goes to the first waiting query whose client is under its limit, stored
  queries (the site's own, of bounded cost) before ad-hoc ones.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import threading
import time
from collections import Counter
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from twingraph.errors import TwingraphError
from twingraph.parallel import ended_by


class QueryTimeout(TwingraphError):
    """A query ran longer than the server allows; its worker was stopped."""


class ServerBusy(TwingraphError):
    """Every worker stayed busy for as long as a request may wait."""


class ClientBusy(TwingraphError):
    """This client already has as many queries running and waiting as one client may."""


class WorkerFailed(TwingraphError):
    """A worker died while running a query (an engine fault, or the memory ran out); a new one takes its place."""


@dataclass(frozen=True)
class QueryJob:
    """One query for a worker: the text, the dataset, the answer's format and row limit."""

    text: str
    fmt: str
    max_rows: int
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    base_iri: str | None = None
    lists: tuple[tuple[str, str], ...] = ()  # a stored query's list columns, sorted in the answer
    max_answer_bytes: int | None = None  # one huge row (a GROUP_CONCAT of everything) is bounded too


@dataclass(frozen=True)
class QueryReply:
    """A worker's answer: the serialized result, or an error kind ("syntax", "limit", "failed") and message."""

    body: bytes = b""
    error: str | None = None
    message: str = ""


class _Worker:
    def __init__(self, snapshot: bytes) -> None:
        context = multiprocessing.get_context("spawn")
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(child,), daemon=True, name="twingraph-sparql")
        self.process.start()
        child.close()
        self.conn.send_bytes(snapshot)

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.conn.close()
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)


@dataclass(eq=False)
class _Ticket:
    """A query waiting for a worker."""

    client: str
    stored: bool


class QueryPool:
    """A fixed number of query workers, handed out fairly (see the module's docstring)."""

    def __init__(
        self,
        snapshot: bytes,
        *,
        size: int = 2,
        per_client: int | None = None,
        per_client_waiting: int = 4,
        max_waiting: int | None = None,
    ) -> None:
        self._snapshot = snapshot
        self.per_client = per_client or max(1, size - 1)
        self.per_client_waiting = per_client_waiting
        self.max_waiting = max_waiting or 8 * size
        self._changed = threading.Condition()
        self._idle: list[_Worker] = []
        self._running: Counter[str] = Counter()
        self._waiting: list[_Ticket] = []
        self._all: set[_Worker] = set()
        self._closed = False
        for _ in range(size):
            self._add(_Worker(snapshot))

    def _add(self, worker: _Worker) -> None:
        with self._changed:
            if self._closed:
                worker.stop()
                return
            self._all.add(worker)
            self._idle.append(worker)
            self._changed.notify_all()

    def _replace(self, worker: _Worker) -> None:
        with self._changed:
            self._all.discard(worker)
        worker.stop()
        threading.Thread(target=lambda: self._add(_Worker(self._snapshot)), daemon=True).start()

    def _next(self) -> _Ticket | None:
        """The waiting query that gets the next free worker."""
        eligible = [t for t in self._waiting if self._running[t.client] < self.per_client]
        stored = [t for t in eligible if t.stored]
        return stored[0] if stored else eligible[0] if eligible else None

    def _admit(self, client: str, *, stored: bool, timeout: float) -> _Worker:
        with self._changed:
            waiting_here = sum(1 for t in self._waiting if t.client == client)
            if waiting_here >= self.per_client_waiting:
                raise ClientBusy(
                    f"you have {self._running[client]} queries running and {waiting_here} waiting, the most one "
                    "client may; wait for them to finish."
                )
            if len(self._waiting) >= self.max_waiting:
                raise ServerBusy(f"{len(self._waiting)} queries are waiting already; try again shortly.")
            ticket = _Ticket(client, stored)
            self._waiting.append(ticket)
            deadline = time.monotonic() + timeout
            try:
                while not (self._idle and self._next() is ticket):
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        raise ServerBusy(f"no query worker was free for {timeout:g} s; try again shortly.")
                    self._changed.wait(remaining)
            finally:
                self._waiting.remove(ticket)
                self._changed.notify_all()
            self._running[client] += 1
            return self._idle.pop()

    def _release(self, client: str, worker: _Worker | None) -> None:
        with self._changed:
            self._running[client] -= 1
            if self._running[client] <= 0:
                del self._running[client]
            if worker is not None:
                self._idle.append(worker)
            self._changed.notify_all()

    def run(self, job: QueryJob, *, timeout: float, client: str = "", stored: bool = False) -> QueryReply:
        """Run a job for a client; raises QueryTimeout, ServerBusy, ClientBusy or WorkerFailed."""
        worker = self._admit(client, stored=stored, timeout=timeout)
        returned: _Worker | None = None
        try:
            worker.conn.send(job)
            if not worker.conn.poll(timeout):
                self._replace(worker)
                raise QueryTimeout(f"the query ran longer than {timeout:g} s, the limit here, and was stopped.")
            reply: QueryReply = worker.conn.recv()
            returned = worker
        except (EOFError, OSError):
            worker.process.join(2)
            code = worker.process.exitcode
            self._replace(worker)
            raise WorkerFailed(f"the query engine failed: {ended_by(code)}; the query was not answered.") from None
        finally:
            self._release(client, returned)
        return reply

    def close(self) -> None:
        """Stop every worker."""
        with self._changed:
            self._closed = True
            workers = list(self._all)
            self._all.clear()
            self._idle.clear()
        for worker in workers:
            worker.stop()


def _worker_main(conn: Connection) -> None:
    """A worker's life: read the snapshot, then answer jobs until the pipe closes."""
    import pyoxigraph

    from twingraph.offline import offline
    from twingraph.sparql.results import ResultFormatError, TooManyRows, answer_from_oxigraph, serialize, sort_lists

    store = pyoxigraph.Store()
    store.bulk_load(conn.recv_bytes(), format=pyoxigraph.RdfFormat.N_QUADS)
    while True:
        try:
            job: QueryJob = conn.recv()
        except (EOFError, OSError):
            return
        # The snapshot's own default graph is the data and the ontology (Site.snapshot).
        options: dict[str, Any] = {"base_iri": job.base_iri}
        if job.default_graphs is not None:
            options["default_graph"] = [pyoxigraph.NamedNode(g) for g in job.default_graphs]
        if job.named_graphs is not None:
            options["named_graphs"] = [pyoxigraph.NamedNode(g) for g in job.named_graphs]
        try:
            with offline():
                answer = sort_lists(
                    answer_from_oxigraph(store.query(job.text, **options), max_rows=job.max_rows), job.lists
                )
                body = serialize(answer, job.fmt)
                if job.max_answer_bytes is not None and len(body) > job.max_answer_bytes:
                    raise TooManyRows(
                        f"the answer is {len(body):,} bytes, more than the {job.max_answer_bytes:,} this server "
                        "sends (--max-answer-mb); ask for less, or page it with LIMIT and OFFSET."
                    )
                reply = QueryReply(body=body)
        except SyntaxError as exc:
            reply = QueryReply(error="syntax", message=f"SPARQL syntax error: {exc.msg or exc}")
        except TooManyRows as exc:
            reply = QueryReply(error="limit", message=str(exc))
        except ResultFormatError as exc:
            reply = QueryReply(error="format", message=str(exc))
        except Exception as exc:  # the worker must survive any one query
            reply = QueryReply(error="failed", message=f"the query failed: {exc}")
        conn.send(reply)
