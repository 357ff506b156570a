"""`wikidata import --all` and `build` of the world: the 2016 crawl in a local Oxigraph, in
Wikidata's RDF model (tests/wikidata_fixture.py: 10,055 items, 34,182 P190 statements).
Goal: both together in 60 s on this machine.

Usage: python benchmarks/world_import.py [--json benchmarks/world-import.json]
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
sys.path.insert(0, str(HERE))

from local_wikidata import crawl_server, empty_project  # noqa: E402


def timed(command: list[str]) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command[3:6])} failed: {done.stderr.strip()[-2000:]}")
    return time.perf_counter() - start, done.stdout + done.stderr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, default=HERE / "world-import.json")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, crawl_server(Path(tmp)) as server:
        project = empty_project(Path(tmp) / "world", "world")
        twingraph = [sys.executable, "-m", "twingraph", "--root", str(project)]
        imported, said = timed([*twingraph, "wikidata", "import", "--all", "-o", str(project / "data" / "world.ttl"),
                                "--endpoint", server.query_url, "--no-cache", "--timeout", "120"])  # fmt: skip
        built, _ = timed([*twingraph, "build", "--out", str(Path(tmp) / "dist")])
    counts = re.search(r"Imported (\d+) places and (\d+) partnerships", said)
    if counts is None:
        raise SystemExit(f"the import's summary was not found: {said[-2000:]}")
    result = {
        "places": int(counts.group(1)), "partnerships": int(counts.group(2)), "import_s": round(imported, 1),
        "build_s": round(built, 1), "together_s": round(imported + built, 1), "goal_s": 60,
    }  # fmt: skip
    args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
