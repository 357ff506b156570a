"""Real servers on 127.0.0.1 for the tests: an Oxigraph SPARQL server and a scripted HTTP endpoint."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def oxigraph_binary() -> str:
    found = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")
    if not found:
        raise RuntimeError("the oxigraph server binary is missing: install the test extra (make test does)")
    return found


@dataclass
class OxigraphServer:
    """A running `oxigraph serve`: its base URL and process."""

    url: str
    process: subprocess.Popen[bytes]

    @property
    def query_url(self) -> str:
        return self.url + "/query"

    @property
    def store_url(self) -> str:
        return self.url + "/store"


@contextmanager
def oxigraph_server(location: Path) -> Iterator[OxigraphServer]:
    """Start an Oxigraph server on a free port of 127.0.0.1; stop it by its PID."""
    port = free_port()
    process = subprocess.Popen(
        [oxigraph_binary(), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    server = OxigraphServer(f"http://127.0.0.1:{port}", process)
    try:
        _wait_until_up(server)
        yield server
    finally:
        stop(process, grace=10)


def stop(process: subprocess.Popen[bytes], *, grace: float) -> None:
    """Stop a server by its PID: SIGTERM, then SIGKILL after `grace` seconds."""
    os.kill(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    if process.stderr:
        process.stderr.close()


def _wait_until_up(server: OxigraphServer) -> None:
    _wait_for(server.process, server.query_url + "?query=ASK%7B%7D", "oxigraph")


@dataclass
class Reply:
    """One scripted answer: status, headers and body; `truncate` cuts the body short on the wire."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    truncate: int | None = None
    delay: float = 0.0
    drip: float = 0.0  # seconds between single bytes of the body (a server that never quite stops)


@dataclass
class SeenRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class ScriptedEndpoint:
    """An HTTP server on 127.0.0.1 that answers with scripted replies and records every request."""

    def __init__(self, replies: list[Reply]):
        self.replies = list(replies)
        self.seen: list[SeenRequest] = []
        self.stopping = threading.Event()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                outer.seen.append(SeenRequest(self.command, self.path, dict(self.headers), body))
                reply = outer.replies.pop(0) if len(outer.replies) > 1 else outer.replies[0]
                time.sleep(reply.delay)
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                body = reply.body[: reply.truncate] if reply.truncate is not None else reply.body
                try:
                    if reply.drip:
                        for index in range(len(body)):
                            if outer.stopping.is_set():
                                break
                            self.wfile.write(body[index : index + 1])
                            self.wfile.flush()
                            time.sleep(reply.drip)
                    else:
                        self.wfile.write(body)
                        self.wfile.flush()
                except OSError:
                    pass
                if reply.truncate is not None:
                    self.close_connection = True

            do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = _answer  # noqa: N815  http.server's names

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sparql"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> ScriptedEndpoint:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()


@contextmanager
def connection_counter() -> Iterator[list[str]]:
    """A listener on 127.0.0.1 that records every connection made to it (for SERVICE smuggling tests)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    sock.settimeout(0.2)
    port = sock.getsockname()[1]
    seen: list[str] = [f"http://127.0.0.1:{port}/sparql"]
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
                seen.append("connected")
                conn.close()
            except TimeoutError:
                continue
            except OSError:
                return

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield seen
    finally:
        stop.set()
        thread.join(2)
        sock.close()


@dataclass
class TwingraphServer:
    """A running `twingraph serve`: its base URL (ending in /) and process."""

    url: str
    process: subprocess.Popen[bytes]


@contextmanager
def twingraph_server(*options: str, cwd: Path | None = None) -> Iterator[TwingraphServer]:
    """Start `twingraph serve` as a real process on a free port of 127.0.0.1; stop it by its PID."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "twingraph", "serve", "--port", str(port), *options],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=cwd,
    )
    server = TwingraphServer(f"http://127.0.0.1:{port}/", process)
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(
                    f"twingraph serve exited: {process.stderr.read().decode() if process.stderr else ''}"
                )
            try:
                with urllib.request.urlopen(server.url + "sparql?query=ASK%7B%7D", timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("twingraph serve did not start within 60 s") from None
                time.sleep(0.2)
        yield server
    finally:
        stop(process, grace=15)


VIRTUOSO = "/usr/bin/virtuoso-t"
ISQL = "/usr/bin/isql-vt"
# A fresh database's administrator, the account the Graph Store's digest authentication asks for.
VIRTUOSO_USER = VIRTUOSO_PASSWORD = "dba"


def virtuoso_missing() -> str | None:
    """Why the Virtuoso tests cannot run here, or None."""
    if Path(VIRTUOSO).exists() and Path(ISQL).exists():
        return None
    return (
        "Debian's virtuoso-opensource-7-bin is not installed: `make test` installs it with apt as root "
        "(or sudo); without root or apt the Virtuoso tests skip"
    )


@dataclass
class VirtuosoServer:
    """A running Virtuoso: its HTTP base URL, its SQL port (for isql), its folder and process."""

    url: str
    sql_port: int
    folder: Path
    process: subprocess.Popen[bytes]

    @property
    def query_url(self) -> str:
        return self.url + "/sparql"

    @property
    def store_url(self) -> str:
        return self.url + "/sparql-graph-crud-auth"

    @property
    def credentials(self) -> dict[str, str]:
        """The environment that gives twingraph this server's administrator."""
        return {**os.environ, "TWINGRAPH_USER": VIRTUOSO_USER, "TWINGRAPH_PASSWORD": VIRTUOSO_PASSWORD}


def write_virtuoso_ini(folder: Path, *, http_port: int, sql_port: int) -> Path:
    """A virtuoso.ini for a database in `folder`, listening on 127.0.0.1 only; the loader may
    read files in `folder` (DirsAllowed), and SPARQL answers may have 100,000 rows."""
    ini = folder / "virtuoso.ini"
    ini.write_text(
        f"""[Database]
DatabaseFile = {folder}/virtuoso.db
ErrorLogFile = {folder}/virtuoso.log
LockFile = {folder}/virtuoso.lck
TransactionFile = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
NumberOfBuffers = 20000
MaxDirtyBuffers = 15000
DirsAllowed = ., {folder}
CheckpointInterval = 60

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {folder}
ServerThreads = 4
MaxClientConnections = 4

[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 120
""",
        encoding="utf-8",
    )
    return ini


@contextmanager
def virtuoso_server(folder: Path) -> Iterator[VirtuosoServer]:
    """Start Virtuoso with a new database in `folder` on free ports of 127.0.0.1; stop it by its PID."""
    http_port, sql_port = free_port(), free_port()
    ini = write_virtuoso_ini(folder, http_port=http_port, sql_port=sql_port)
    process = subprocess.Popen(
        [VIRTUOSO, "+foreground", "+configfile", str(ini)],
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    server = VirtuosoServer(f"http://127.0.0.1:{http_port}", sql_port, folder, process)
    try:
        _wait_for(process, server.query_url + "?query=ASK%7B%7D", "virtuoso")
        yield server
    finally:
        stop(process, grace=30)


def _wait_for(process: subprocess.Popen[bytes], url: str, name: str, *, timeout: float = 600) -> None:
    """Wait until `url` answers 200, or the process has ended. Only a hang reaches the deadline:
    Oxigraph starts in a second and Virtuoso in about three (its new database)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited: {process.stderr.read().decode() if process.stderr else ''}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{name} did not start within {timeout:g} s")
