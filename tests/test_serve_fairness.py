"""Nobody blocked: runaway queries from one client cannot make another client wait."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.test_serve_sparql import SLOW


def _another_client() -> httpx.Client:
    # 127.0.0.2 is loopback too, but another address: another client to the server.
    return httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.2"), timeout=30)


def _runaways(url: str, count: int, statuses: list[int], *, forwarded: bool = False) -> list[threading.Thread]:
    def one(index: int) -> None:
        headers = {"X-Forwarded-For": f"198.51.100.{index}"} if forwarded else {}
        response = httpx.get(url + "sparql", params={"query": SLOW}, headers=headers, timeout=60)
        statuses.append(response.status_code)

    threads = [threading.Thread(target=one, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    return threads


@pytest.mark.parametrize("forwarded", [False, True], ids=["plain", "made-up X-Forwarded-For"])
def test_six_runaways_do_not_make_another_client_wait(live_server, forwarded: bool) -> None:
    statuses: list[int] = []
    threads = _runaways(live_server.url, 6, statuses, forwarded=forwarded)
    time.sleep(0.5)  # the runaways are in
    latencies = []
    with _another_client() as other:
        for _ in range(10):
            started = time.monotonic()
            quick = other.get(live_server.url + "sparql", params={"query": "ASK { ?s ?p ?o }"})
            latencies.append(time.monotonic() - started)
            assert quick.status_code == 200
    for thread in threads:
        thread.join(60)
    # One client runs one query at a time (2 workers: all but one), four more wait, the sixth
    # is refused at once; each waiting one runs or times out in its turn.
    assert sorted(statuses).count(429) == 1
    assert set(statuses) <= {429, 503}
    assert max(latencies) < 1.0, latencies


def test_a_refused_client_is_told_when_to_come_back(live_server) -> None:
    statuses: list[int] = []
    threads = _runaways(live_server.url, 5, statuses)
    time.sleep(0.5)
    refused = httpx.get(live_server.url + "sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=30)
    for thread in threads:
        thread.join(60)
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "2"
    assert "the most one client may" in refused.text


def _request(peer: str, forwarded: str | None):
    from starlette.requests import Request

    headers = [(b"x-forwarded-for", forwarded.encode())] if forwarded else []
    return Request({"type": "http", "method": "GET", "path": "/", "headers": headers, "client": (peer, 5000)})


@pytest.mark.parametrize(
    ("peer", "forwarded", "client"),
    [
        ("203.0.113.9", "198.51.100.1", "203.0.113.9"),  # not a trusted proxy: the header is ignored
        ("127.0.0.1", "198.51.100.1", "198.51.100.1"),  # the trusted proxy says who it serves
        ("127.0.0.1", "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # the client's own prefix is not believed
        ("127.0.0.1", "198.51.100.1, 10.0.0.2", "198.51.100.1"),  # a chain of trusted proxies
        ("127.0.0.1", None, "127.0.0.1"),
    ],
)
def test_x_forwarded_for_is_believed_only_from_trusted_proxies(peer: str, forwarded: str | None, client: str) -> None:
    from twingraph.server.state import App, ServeOptions

    options = ServeOptions(base_url="http://localhost/", trusted_proxies=("127.0.0.1", "10.0.0.2"))
    state = App.__new__(App)
    state.options = options
    assert state.client_of(_request(peer, forwarded)) == client


def test_a_worker_that_dies_is_reported_by_its_signal_not_guessed() -> None:
    """A worker that ends mid-query (Oxigraph's abort on a fault, the memory running out) gets a
    500 that says how it ended, and a new worker takes its place."""
    import os
    import signal
    import threading
    import time

    import httpx

    from tests.servers import twingraph_server

    with twingraph_server("--timeout", "60", "--workers", "1", "--max-client-queries", "1") as server:
        query = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f LIMIT 1"
        answers: list[httpx.Response] = []
        asking = threading.Thread(
            target=lambda: answers.append(httpx.post(server.url + "sparql", data={"query": query}, timeout=120))
        )
        asking.start()
        time.sleep(2)  # the query is running in the one worker
        for task in os.listdir(f"/proc/{server.process.pid}/task"):
            children = Path(f"/proc/{server.process.pid}/task/{task}/children").read_text().split()
            for child in children:
                os.kill(int(child), signal.SIGABRT)
        asking.join(120)
        assert answers[0].status_code == 500
        assert "the query engine failed: its process ended with SIGABRT" in answers[0].text
        assert httpx.get(server.url + "sparql", params={"query": "ASK {}"}, timeout=60).status_code == 200


def test_made_up_accept_languages_do_not_grow_the_page_cache() -> None:
    """The page cache was keyed on the raw header: 2,000 private-use tags grew serve by 500 MB."""
    import httpx

    from tests.servers import twingraph_server

    def resident_kb(pid: int) -> int:
        status = Path(f"/proc/{pid}/status").read_text()
        return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:")))

    with twingraph_server() as server, httpx.Client(timeout=30) as client:
        page = server.url + "id/city/kassel"
        client.get(page, headers={"Accept": "text/html"})
        before = resident_kb(server.process.pid)
        for n in range(1_000):
            answer = client.get(
                page, headers={"Accept": "text/html", "Accept-Language": f"x-made-up-{n}, de;q=0.{n % 9 + 1}"}
            )
            assert answer.status_code == 200
        grown_mb = (resident_kb(server.process.pid) - before) / 1024
    assert grown_mb < 60, f"serve grew by {grown_mb:.0f} MB"


def test_a_client_that_sends_its_headers_slowly_is_cut_off() -> None:
    """A "slowloris": connections that never finish their headers were kept without limit."""
    import socket

    import httpx

    from tests.servers import twingraph_server

    with twingraph_server("--header-timeout", "1") as server:
        host, port = server.url.removeprefix("http://").rstrip("/").split(":")
        slow = []
        for _ in range(50):
            connection = socket.create_connection((host, int(port)), timeout=10)
            connection.sendall(b"GET / HTTP/1.1\r\nHost: slow\r\nX-Slow: 1")  # never the blank line
            slow.append(connection)
        time.sleep(3)  # the deadline is 1 s
        closed = 0
        for connection in slow:
            connection.setblocking(False)
            try:
                closed += connection.recv(1) == b""  # the server has closed it
            except ConnectionResetError:
                closed += 1
            except BlockingIOError:
                pass  # still open, still waiting for the rest of the headers
            connection.close()
        assert closed == 50
        assert httpx.get(server.url + "sparql", params={"query": "ASK {}"}, timeout=30).status_code == 200
