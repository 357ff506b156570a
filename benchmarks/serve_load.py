"""A bounded load test of `twingraph serve`: N concurrent clients for at most --seconds.

Starts the server on a free port of 127.0.0.1 (the bundled Kassel project, or --root), then
keeps --clients clients busy with a mix of requests: a resource page in HTML, the same
resource as Turtle, and the stored "partners" query (which runs in a query worker). Prints
requests per second, p50/p99 latency and the error count per kind of request, and writes
them as JSON with --json.

The Python clients share the 2 cores with the server, so they measure a floor. Where `wrk`
is installed (Debian's package), each kind of request is also run through it for --seconds / 3,
which shows what the server itself can do.

With --runaways N, N clients on 127.0.0.1 keep sending a four-way cross join (each runs until
the server's query timeout stops it) while one client on 127.0.0.2 sends `ASK {}` after `ASK
{}`; it prints that client's p50/p99 and the runaways' answers by status.

Usage: python benchmarks/serve_load.py [--clients 16] [--seconds 20] [--root PROJECT] [--runaways 6]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGETS = {
    "page (HTML)": ("id/city/kassel", {"Accept": "text/html"}),
    "resource (Turtle)": ("id/city/kassel", {"Accept": "text/turtle"}),
    "stored query": ("queries/partners.json?city=Kassel", {}),
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def client(
    base: str, name: str, deadline: float, latencies: dict[str, list[float]], errors: dict[str, int]
) -> None:
    import httpx

    path, headers = TARGETS[name]
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30) as http:
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                response = await http.get(path)
                ok = response.status_code == 200
            except httpx.HTTPError:
                ok = False
            latencies[name].append(time.perf_counter() - started)
            if not ok:
                errors[name] += 1


async def load(base: str, clients: int, seconds: float) -> dict[str, dict[str, float]]:
    names = list(TARGETS)
    latencies: dict[str, list[float]] = {n: [] for n in names}
    errors = dict.fromkeys(names, 0)
    deadline = time.monotonic() + seconds
    started = time.monotonic()
    await asyncio.gather(*(client(base, names[i % len(names)], deadline, latencies, errors) for i in range(clients)))
    elapsed = time.monotonic() - started
    report = {}
    for name in names:
        times = sorted(latencies[name])
        report[name] = {
            "requests": len(times),
            "per_second": len(times) / elapsed,
            "p50_ms": 1000 * statistics.median(times) if times else float("nan"),
            "p99_ms": 1000 * times[min(len(times) - 1, int(len(times) * 0.99))] if times else float("nan"),
            "errors": errors[name],
        }
    return report


RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


async def runaways(base: str, count: int, seconds: float) -> dict[str, object]:
    """Short queries from one address while `count` runaway clients keep the workers busy."""
    import httpx

    deadline = time.monotonic() + seconds
    statuses: dict[int, int] = {}
    short: list[float] = []
    short_errors = 0

    async def runaway() -> None:
        async with httpx.AsyncClient(base_url=base, timeout=60) as http:
            while time.monotonic() < deadline:
                response = await http.get("sparql", params={"query": RUNAWAY})
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
                if response.status_code == 429:
                    await asyncio.sleep(float(response.headers.get("Retry-After", "1")))

    async def asker() -> None:
        nonlocal short_errors
        await asyncio.sleep(0.5)  # the runaways are in
        transport = httpx.AsyncHTTPTransport(local_address="127.0.0.2")
        async with httpx.AsyncClient(base_url=base, timeout=60, transport=transport) as http:
            while time.monotonic() < deadline:
                started = time.perf_counter()
                response = await http.get("sparql", params={"query": "ASK {}"})
                short.append(time.perf_counter() - started)
                short_errors += response.status_code != 200

    await asyncio.gather(asker(), *(runaway() for _ in range(count)))
    short.sort()
    return {
        "runaways": count,
        "short_queries": len(short),
        "short_p50_ms": 1000 * statistics.median(short),
        "short_p99_ms": 1000 * short[min(len(short) - 1, int(len(short) * 0.99))],
        "short_errors": short_errors,
        "runaway_statuses": {str(k): v for k, v in sorted(statuses.items())},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=20, help="at most 30")
    parser.add_argument("--root", type=Path, help="a project folder (default: the bundled Kassel project)")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--runaways", type=int, default=0, help="measure short queries beside this many runaways")
    args = parser.parse_args()
    seconds = min(args.seconds, 30.0)
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "twingraph",
        *(["--root", str(args.root)] if args.root else []),
        "serve",
        "--port",
        str(port),
    ]
    server = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(base + "sparql?query=ASK%7B%7D", timeout=5).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(
                        f"the server did not start: {server.stderr.read().decode() if server.stderr else ''}"
                    )
                time.sleep(0.2)
        if args.runaways:
            outcome = asyncio.run(runaways(base, args.runaways, seconds))
            print(json.dumps(outcome, indent=2))
            if args.json:
                args.json.write_text(json.dumps(outcome, indent=2) + "\n")
            return
        report = asyncio.run(load(base, args.clients, seconds))
        with_wrk = {}
        if shutil.which("wrk"):
            with_wrk = {name: run_wrk(base, name, args.clients, seconds / 3) for name in TARGETS}
    finally:
        server.terminate()
        server.wait(timeout=15)
    print(
        f"{args.clients} clients for {seconds:g} s on {'the bundled Kassel project' if not args.root else args.root}\n"
    )
    print("| request | requests/s | p50 ms | p99 ms | errors |")
    print("|---|---:|---:|---:|---:|")
    for name, row in report.items():
        print(f"| {name} | {row['per_second']:.0f} | {row['p50_ms']:.1f} | {row['p99_ms']:.1f} | {row['errors']} |")
    total = sum(r["per_second"] for r in report.values())
    print(f"\nall: {total:.0f} requests/s, {sum(r['errors'] for r in report.values())} errors")
    if with_wrk:
        print("\nwith wrk (a C client):\n")
        print("| request | requests/s | p50 ms | p99 ms | errors |")
        print("|---|---:|---:|---:|---:|")
        for name, row in with_wrk.items():
            print(f"| {name} | {row['per_second']:.0f} | {row['p50_ms']:.1f} | {row['p99_ms']:.1f} | {row['errors']} |")
    if args.json:
        document = {"clients": args.clients, "seconds": seconds, "results": report, "wrk": with_wrk}
        args.json.write_text(json.dumps(document, indent=2) + "\n")


def run_wrk(base: str, name: str, clients: int, seconds: float) -> dict[str, float]:
    """One kind of request through wrk: requests/s, p50/p99 and non-2xx/socket errors."""
    path, headers = TARGETS[name]
    command = ["wrk", "-t2", f"-c{clients}", f"-d{max(1, int(seconds))}s", "--latency"]
    for key, value in headers.items():
        command += ["-H", f"{key}: {value}"]
    output = subprocess.run([*command, base + path], capture_output=True, text=True, check=True).stdout

    def millis(label: str) -> float:
        match = re.search(rf"^\s*{label}%\s+([0-9.]+)(us|ms|s)", output, re.MULTILINE)
        if not match:
            return float("nan")
        return float(match[1]) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[match[2]]

    rate = re.search(r"Requests/sec:\s+([0-9.]+)", output)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return {
        "per_second": float(rate[1]) if rate else float("nan"),
        "p50_ms": millis("50"),
        "p99_ms": millis("99"),
        "errors": (int(errors[1]) if errors else 0) + (sum(map(int, socket_errors.groups())) if socket_errors else 0),
    }


if __name__ == "__main__":
    main()
