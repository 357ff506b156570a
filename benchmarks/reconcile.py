"""Reconciliation throughput and match rate: the vendored Wikipedia list imported with
`twingraph import csv` against a local Oxigraph holding the 2016 Wikidata crawl.

The crawl is written in Wikidata's own RDF model by tests/wikidata_fixture.py (10,055 items,
34,182 P190 statements) and loaded into `oxigraph serve` on 127.0.0.1. The Wikipedia list
(vendor/datasets/wikipedia-twin-towns/twin_cities.csv: city1, country1, city2, country2 and
coordinates) is imported with `--lang de`, as the crawl's labels are German where it has them.

The caveat the figures carry: the crawl holds one label per item (German where there was one),
no aliases, no countries and no descriptions, so names spelled the English way, places that
need their country to tell them apart, and every country stay unmatched. The rate measures the
importer on real names; against the live Wikidata it would be higher.

Usage: python benchmarks/reconcile.py [--json benchmarks/reconcile.json]
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from local_wikidata import crawl_server, empty_project  # noqa: E402

LIST = REPO / "vendor" / "datasets" / "wikipedia-twin-towns" / "twin_cities.csv"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, default=HERE / "reconcile.json")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, crawl_server(Path(tmp)) as server:
        project = empty_project(Path(tmp) / "world", "wikipedia")
        command = [
            sys.executable, "-m", "twingraph", "--root", str(project), "import", "csv", str(LIST),
            "--source", "https://en.wikipedia.org/wiki/Lists_of_twin_towns_and_sister_cities", "--lang", "de",
            "--map", "place_lat=lat1", "--map", "place_lng=lng1", "--map", "lat=lat2", "--map", "lng=lng2",
            "--endpoint", server.query_url, "--no-cache", "--timeout", "120",
        ]  # fmt: skip
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True)
        seconds = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"the import failed: {done.stderr.strip()}")
    # "Wikidata: 6456 matched, 347 ambiguous, 6796 unconfirmed, 11151 unmatched": the unconfirmed
    # (a candidate Wikidata cannot place in the list's country) only where there are any.
    counts = {
        state: int(number)
        for line in done.stdout.splitlines()
        if line.startswith("Wikidata: ")
        for number, state in re.findall(r"(\d+) (matched|ambiguous|unconfirmed|unmatched)\b", line)
    }
    rows = re.search(r"Read (\d+) rows .*wrote (\d+) partnerships and (\d+) places", done.stdout)
    if "matched" not in counts or rows is None:
        raise SystemExit(f"the import's summary was not found: {done.stdout[:2000]}")
    names = sum(counts.values())
    result = {
        "rows": int(rows.group(1)), "partnerships": int(rows.group(2)), "places": int(rows.group(3)),
        "names": names, **{state: counts.get(state, 0) for state in ("matched", "ambiguous", "unconfirmed", "unmatched")},
        "match_rate": round(counts["matched"] / names, 3), "seconds": round(seconds, 1),
        "names_per_second": round(names / seconds),
    }  # fmt: skip
    args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
