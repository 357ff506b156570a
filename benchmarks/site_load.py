"""`wrk` against the static site on real nginx (njs negotiating) and against `twingraph serve`.

Builds the bundled Kassel project's site, starts Debian's nginx on it (the tests' set-up:
tests/webservers.py) and `twingraph serve` on the same data, then runs `wrk` (Debian's
package) for --seconds on each kind of request, with the same Accept header, and prints
requests per second and p99 latency side by side. Both servers and wrk share the machine's
two cores, so the figures are what this machine can do, not what a dedicated host would.

Usage: python benchmarks/site_load.py [--seconds 10] [--connections 32] [--json benchmarks/site-load.json]
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

from tests.servers import twingraph_server  # noqa: E402
from tests.webservers import nginx_missing, nginx_server, readable_folder, remove  # noqa: E402

REQUESTS = {
    "page (negotiated HTML)": ("id/city/kassel", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"),
    "resource (negotiated Turtle)": ("id/city/kassel", "text/turtle"),
    "q-values (RDF/XML 0.9, JSON-LD 0.4)": ("id/city/kassel", "application/rdf+xml;q=0.9, application/ld+json;q=0.4"),
}


def wrk(url: str, accept: str, seconds: int, connections: int) -> dict[str, float]:
    done = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-H", f"Accept: {accept}", url],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", done.stdout).group(1))  # type: ignore[union-attr]
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", done.stdout)
    assert p99, done.stdout
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", done.stdout)
    return {"requests_per_s": rate, "p99_ms": round(float(p99.group(1)) * scale, 2),
            "errors": int(errors.group(1)) if errors else 0}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--json", type=Path, default=HERE / "site-load.json")
    args = parser.parse_args()
    if shutil.which("wrk") is None or nginx_missing():
        raise SystemExit(f"needs Debian's wrk, nginx and libnginx-mod-http-js: {nginx_missing() or 'wrk is missing'}")
    folder = readable_folder("twingraph-bench-")
    try:
        site = folder / "site"
        subprocess.run([sys.executable, "-m", "twingraph", "site", "--out", str(site)], cwd=REPO, check=True,
                       capture_output=True)  # fmt: skip
        (folder / "nginx").mkdir()
        rows = []
        with twingraph_server() as serve, nginx_server(site, folder / "nginx") as nginx:
            for name, (path, accept) in REQUESTS.items():
                ours = wrk(serve.url + path, accept, args.seconds, args.connections)
                static = wrk(nginx.url + path, accept, args.seconds, args.connections)
                rows.append({"request": name, "serve": ours, "nginx": static,
                             "ratio": round(static["requests_per_s"] / ours["requests_per_s"], 1)})  # fmt: skip
    finally:
        remove(folder)
    args.json.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    print("| request | serve: req/s | serve: p99 (ms) | nginx: req/s | nginx: p99 (ms) | nginx ÷ serve |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        s, n = row["serve"], row["nginx"]
        print(f"| {row['request']} | {s['requests_per_s']:,.0f} | {s['p99_ms']} | {n['requests_per_s']:,.0f} | "
              f"{n['p99_ms']} | {row['ratio']}× |")  # fmt: skip


if __name__ == "__main__":
    main()
