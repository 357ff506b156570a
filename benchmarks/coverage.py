"""How much of Wikipedia's list is on Wikidata, and the other way round: the coverage report on
the world imported from the 2016 crawl and the vendored Wikipedia list imported beside it.

Steps, each timed: `wikidata import --all` against a local Oxigraph holding the crawl
(data/world.ttl), `import csv` of the Wikipedia list with its approximate coordinates,
reconciled against the same endpoint (data/wikipedia.ttl; its places matched to a QID get the
world's IRI for that QID, so the same pair is the same partnership), the real world's `build`
(median of three, with its peak memory), then `report coverage`.

The caveat the figures carry, as in benchmarks/reconcile.py: the crawl holds one (mostly
German) label per item and no aliases or countries, so most of the list's names stay
unmatched and their partnerships count as Wikipedia's alone. The figures measure the tool on
real lists; against the live Wikidata the overlap would be larger.

It then draws the README's world map (`plot map --world`, docs/world-map.png) and the flows
between countries (`plot network --by-country`, docs/world-flows.png) from the same project:
the coordinates are the Wikipedia list's, the countries its names.

Usage: python benchmarks/coverage.py [--json benchmarks/coverage.json] [--pictures docs]
"""

from __future__ import annotations

import argparse
import json
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
WIKIPEDIA = "https://en.wikipedia.org/wiki/Lists_of_twin_towns_and_sister_cities"


def run(command: list[str], ok: tuple[int, ...] = (0,)) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode not in ok:
        raise SystemExit(f"{' '.join(command[3:7])} failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
    return time.perf_counter() - start, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, default=HERE / "coverage.json")
    parser.add_argument(
        "--pictures", type=Path, default=REPO / "docs", help="where world-map.png and world-flows.png go"
    )
    args = parser.parse_args()
    twingraph = [sys.executable, "-m", "twingraph"]
    with tempfile.TemporaryDirectory() as tmp, crawl_server(Path(tmp)) as server:
        project = empty_project(Path(tmp) / "world", "world")
        root = ["--root", str(project)]
        endpoint = ["--endpoint", server.query_url, "--no-cache", "--timeout", "120"]
        world_seconds, _ = run([*twingraph, *root, "wikidata", "import", "--all", "-o", str(project / "data" / "world.ttl"), *endpoint])  # fmt: skip
        list_seconds, summary = run(
            [*twingraph, *root, "import", "csv", str(LIST), "--source", WIKIPEDIA, "--lang", "de",
             "--map", "place_lat=lat1", "--map", "place_lng=lng1", "--map", "lat=lat2", "--map", "lng=lng2",
             "-o", str(project / "data" / "wikipedia.ttl"), *endpoint],
            ok=(0, 1),
        )  # fmt: skip
        # The real world's build (the goal: 8 s): median of three, and its peak memory.
        sys.path.insert(0, str(HERE))
        from run import timed_process

        build_seconds, build_memory = timed_process(
            [*twingraph, *root, "build", "--out", str(Path(tmp) / "dist")], REPO, 3
        )
        report_seconds, table = run([*twingraph, *root, "report", "coverage", "--top", "10"])
        _, as_json = run([*twingraph, *root, "report", "coverage", "-f", "json"])
        map_seconds, _ = run([*twingraph, *root, "plot", "map", "--world", "-o", str(args.pictures / "world-map.png")])
        flows_seconds, _ = run(
            [
                *twingraph,
                *root,
                "plot",
                "network",
                "--by-country",
                "--top",
                "30",
                "-o",
                str(args.pictures / "world-flows.png"),
            ]
        )
    found = json.loads(as_json)
    result = {
        "partnerships": found["partnerships"], "in_every_source": found["in_every_source"],
        "sources": found["sources"],
        "seconds": {"import_all": round(world_seconds, 1), "import_csv": round(list_seconds, 1),
                    "build_median_of_3": round(build_seconds, 1), "report": round(report_seconds, 1),
                    "plot_map": round(map_seconds, 1),
                    "plot_flows": round(flows_seconds, 1)},
        "build_peak_memory_mb": round(build_memory),
        "import_summary": summary.splitlines()[:2],
    }  # fmt: skip
    args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(table)
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
