"""The static site's SPARQL page in Chromium: the time from opening `sparql.html` to the data being
loaded, and to the first answer (the stored query per-decade, over the whole dataset), for Kassel and for
World, each site built by `twingraph site` and served by Debian's nginx (the tests' set-up).

The goals (issue 28): the first answer under 1 s for Kassel and under 5 s for World. Each is the
median of three fresh pages.

Usage: python benchmarks/query_page.py [--runs 3] [--json benchmarks/query-page.json]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

from tests.conftest import CHROMIUM, write_world  # noqa: E402
from tests.query_page import ANSWERED_OR_FAILED, READY_OR_FAILED  # noqa: E402
from tests.webservers import nginx_missing, nginx_server, readable_folder, remove  # noqa: E402

PROJECT = ("twingraph.toml", "ontology", "shapes", "queries")
GOALS = {"Kassel": 1.0, "World": 5.0}
QUERY = "per-decade"  # over the whole dataset, with rows in both


def build_site(root: Path, out: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "twingraph", "--root", str(root), "site", "--out", str(out), "--base-url", "http://site.test/"],
        check=True, capture_output=True,
    )  # fmt: skip
    return time.perf_counter() - started


def world_project(folder: Path) -> Path:
    folder.mkdir()
    for name in PROJECT:
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, folder / name)
    (folder / "data").mkdir()
    write_world(folder / "data" / "world.ttl")
    return folder


def measure(browser, url: str, runs: int) -> dict[str, object]:  # type: ignore[no-untyped-def]
    ready, first = [], []
    status = ""
    for _ in range(runs):
        page = browser.new_page()
        page.goto(url)
        page.wait_for_function(READY_OR_FAILED, timeout=600_000)
        page.click(f"button[data-query='{QUERY}']")
        page.click("#query-run")
        page.wait_for_function(ANSWERED_OR_FAILED, timeout=600_000)
        timings = page.evaluate("() => window.twingraphQueryPage.timings")
        status = page.inner_text("#query-status")
        ready.append(timings["ready"] / 1000)
        first.append(timings["firstAnswer"] / 1000)
        page.close()
    return {"ready_s": round(statistics.median(ready), 3), "first_answer_s": round(statistics.median(first), 3),
            "runs": runs, "last_status": status}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", type=Path, default=HERE / "query-page.json")
    args = parser.parse_args()
    missing = nginx_missing()
    if missing or not Path(CHROMIUM).exists():
        sys.exit(f"query_page: cannot run: {missing or 'Debian chromium is not installed'}")
    from playwright.sync_api import sync_playwright

    folder = readable_folder("twingraph-query-page-")
    results: dict[str, object] = {}
    try:
        sites = {
            "Kassel": (REPO, folder / "kassel"),
            "World": (world_project(folder / "world-project"), folder / "world"),
        }
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            for name, (root, out) in sites.items():
                built = build_site(root, out)
                nt = sum(f.stat().st_size for f in (out / "public").glob("dist/*.nt") if "-" not in f.stem)
                (folder / f"nginx-{name}").mkdir()
                with nginx_server(out, folder / f"nginx-{name}") as nginx:
                    row = measure(browser, nginx.url + "sparql.html", args.runs)
                row |= {"site_build_s": round(built, 1), "ntriples_bytes": nt, "goal_first_answer_s": GOALS[name]}
                results[name] = row
                print(f"{name}: ready {row['ready_s']} s, first answer {row['first_answer_s']} s "
                      f"(goal {GOALS[name]} s); {row['last_status']}")  # fmt: skip
            browser.close()
    finally:
        remove(folder)
    args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
