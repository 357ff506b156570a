"""Worker processes that run SPARQL queries with a timeout that really stops the work.

A query cannot be interrupted inside Oxigraph, and a thread cannot be killed, so every
user-supplied query runs in a worker process holding its own copy of the data. When a query
overruns its time, its worker is killed (SIGKILL) and a fresh one is started from the same
N-Quads snapshot, while the other workers go on serving. Workers are spawned, not forked:
the server process has threads, and forking a threaded process can copy a held lock.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import queue
import threading
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from twingraph.errors import TwingraphError


class QueryTimeout(TwingraphError):
    """A query ran longer than the server allows; its worker was stopped."""


class ServerBusy(TwingraphError):
    """Every worker stayed busy for as long as a request may wait."""


class WorkerFailed(TwingraphError):
    """A worker died while running a query (out of memory, say); a new one takes its place."""


@dataclass(frozen=True)
class QueryJob:
    """One query for a worker: the text, the dataset, the answer's format and row limit."""

    text: str
    fmt: str
    max_rows: int
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    base_iri: str | None = None


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


class QueryPool:
    """A fixed number of query workers; `run` hands a job to an idle one and waits at most `timeout`."""

    def __init__(self, snapshot: bytes, *, size: int = 2) -> None:
        self._snapshot = snapshot
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        for _ in range(size):
            self._add(_Worker(snapshot))

    def _add(self, worker: _Worker) -> None:
        with self._lock:
            if self._closed:
                worker.stop()
                return
            self._all.add(worker)
        self._idle.put(worker)

    def _replace(self, worker: _Worker) -> None:
        with self._lock:
            self._all.discard(worker)
        worker.stop()
        threading.Thread(target=lambda: self._add(_Worker(self._snapshot)), daemon=True).start()

    def run(self, job: QueryJob, *, timeout: float) -> QueryReply:
        """Run a job; raises QueryTimeout, ServerBusy or WorkerFailed."""
        try:
            worker = self._idle.get(timeout=timeout)
        except queue.Empty:
            raise ServerBusy(f"every query worker stayed busy for {timeout:g} s; try again shortly.") from None
        try:
            worker.conn.send(job)
            if not worker.conn.poll(timeout):
                self._replace(worker)
                raise QueryTimeout(f"the query ran longer than {timeout:g} s, the limit here, and was stopped.")
            reply: QueryReply = worker.conn.recv()
        except (EOFError, OSError):
            self._replace(worker)
            raise WorkerFailed("the query stopped its worker (out of memory?); it was not answered.") from None
        self._idle.put(worker)
        return reply

    def close(self) -> None:
        """Stop every worker."""
        with self._lock:
            self._closed = True
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.stop()


def _worker_main(conn: Connection) -> None:
    """A worker's life: read the snapshot, then answer jobs until the pipe closes."""
    import pyoxigraph

    from twingraph.offline import offline
    from twingraph.results import ResultFormatError, TooManyRows, answer_from_oxigraph, serialize

    store = pyoxigraph.Store()
    store.bulk_load(conn.recv_bytes(), format=pyoxigraph.RdfFormat.N_QUADS)
    while True:
        try:
            job: QueryJob = conn.recv()
        except (EOFError, OSError):
            return
        options: dict[str, Any] = {"use_default_graph_as_union": job.default_graphs is None, "base_iri": job.base_iri}
        if job.default_graphs is not None:
            options["default_graph"] = [pyoxigraph.NamedNode(g) for g in job.default_graphs]
        if job.named_graphs is not None:
            options["named_graphs"] = [pyoxigraph.NamedNode(g) for g in job.named_graphs]
        try:
            with offline():
                answer = answer_from_oxigraph(store.query(job.text, **options), max_rows=job.max_rows)
                reply = QueryReply(body=serialize(answer, job.fmt))
        except SyntaxError as exc:
            reply = QueryReply(error="syntax", message=f"SPARQL syntax error: {exc.msg or exc}")
        except TooManyRows as exc:
            reply = QueryReply(error="limit", message=str(exc))
        except ResultFormatError as exc:
            reply = QueryReply(error="format", message=str(exc))
        except Exception as exc:  # the worker must survive any one query
            reply = QueryReply(error="failed", message=f"the query failed: {exc}")
        conn.send(reply)
