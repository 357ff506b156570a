"""`make bench`: twingraph's operations against the plain rdflib + pyshacl way, in one session.

Workloads: the bundled Kassel project, World (the 2016 Wikidata crawl in our model, see
world.py) and, with --x10, World×10. Each twingraph operation runs as a whole process
(median wall time of --runs runs; peak memory, in one more run, as the summed PSS of the
process and the children it forks); stored queries also run warm, inside this process. The baseline does the same work the plain way (rdflib Graph.parse,
pyshacl.validate, rdflib SPARQL, rdflib serialize) in this process. pyshacl on World takes
over an hour on this machine (once measured, 2026-12-01), so its baseline is only timed
where --pyshacl-limit allows; the table says so. --agreement compares the two engines'
findings on a part of World with 1 % planted errors, where pyshacl can finish.

Usage: python benchmarks/run.py [--runs 5] [--x10] [--agreement PAIRS] [--json benchmarks/results.json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
TWINGRAPH = [sys.executable, "-m", "twingraph"]
# The queries of the team's performance anchors (perf-anchors.md); rdflib takes minutes for some others at World size.
BASELINE_QUERIES = {"partners", "per-decade", "per-country", "timeline"}


def timed_process(args: list[str], cwd: Path, runs: int) -> tuple[float, float]:
    """Median wall seconds of a command run `runs` times, and its peak memory (MB) in one more
    run: the most that the process and the children it forks held together, sampled every
    100 ms (sampling costs CPU, so the timed runs are not sampled)."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(args, cwd=cwd, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        if done.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(args)} failed: {done.stderr.strip()}")
    peak = 0.0
    process = subprocess.Popen(args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while process.poll() is None:
        peak = max(peak, memory_of_tree(process.pid))
        time.sleep(0.1)
    return statistics.median(times), peak


def memory_of_tree(root: int) -> float:
    """MB held by a process and its descendants: the sum of their proportional set sizes (PSS),
    so that pages a forked child shares with its parent are counted once, not twice as RSS would."""
    parents: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                stat = Path(entry.path, "stat").read_text()
                parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):  # the process ended meanwhile
                continue
    tree, grew = {root}, True
    while grew:
        more = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= more
        grew = bool(more)
    kilobytes = 0
    for pid in tree:
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        kilobytes += next((int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:")), 0)
    return kilobytes / 1024


def timed(call: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def project(folder: Path, data: Path | None) -> Path:
    """A project folder: the bundled one, or one holding a World data file."""
    if data is None:
        return REPO
    (folder / "data").mkdir(parents=True, exist_ok=True)
    os.replace(data, folder / "data" / data.name)
    (folder / "twingraph.toml").write_text(
        '[project]\nname = "world"\ntitle = "Town twinnings of the world"\n[limits]\nmax_input_mb = 4096\n',
        encoding="utf-8",
    )
    return folder


def bench_workload(
    name: str, root: Path, runs: int, pyshacl_limit: int, *, baseline: bool = True
) -> list[dict[str, object]]:
    import rdflib

    from twingraph.project import find_project
    from twingraph.rdf.load import load_project_graph
    from twingraph.sparql.query import answer_local, run_local, stored_queries

    rows: list[dict[str, object]] = []

    def row(operation: str, ours: float, baseline: float | None, rss: float | None = None, note: str = "") -> None:
        print(f"  {name}: {operation}: {ours:.3f} s (baseline {baseline})", file=sys.stderr, flush=True)
        rows.append(
            {"workload": name, "operation": operation, "twingraph_s": round(ours, 4),
             "baseline_s": None if baseline is None else round(baseline, 4),
             "ratio": None if baseline is None else round(baseline / ours, 1),
             "peak_memory_mb": None if rss is None else round(rss), "note": note}
        )  # fmt: skip

    proj = find_project(root=root)
    ontology, data = proj.graph_inputs()
    files = [
        p for folder in [*ontology, *data] for p in ([folder] if folder.is_file() else sorted(folder.glob("*.ttl")))
    ]
    triples = sum(1 for _ in rdflib.Graph().parse(files[-1], format="turtle")) if name == "kassel" else None

    # Whole processes.
    with tempfile.TemporaryDirectory() as out:
        build, rss = timed_process([*TWINGRAPH, "--root", str(root), "build", "--out", out + "/dist"], REPO, runs)
    validate, vrss = timed_process([*TWINGRAPH, "--root", str(root), "validate"], REPO, runs)

    # The plain way, in this process (not for World×10: rdflib alone would take most of an hour).
    def parse() -> rdflib.Graph:
        graph = rdflib.Graph()
        for path in files:
            graph.parse(path, format="turtle")
        return graph

    base_runs = 1 if name != "kassel" else runs
    plain = parse() if baseline else None
    base_build = base_validate = None
    note = "plain way not run at this size"
    if plain is not None:
        base_parse = timed(parse, base_runs)
        # The same files the build writes: Turtle, N-Triples, RDF/XML and JSON-LD.
        base_serialize = sum(
            timed(lambda f=fmt: plain.serialize(format=f), base_runs) for fmt in ("turtle", "nt", "xml")
        )
        base_jsonld = timed(lambda: plain.serialize(format="json-ld"), base_runs)
        if len(plain) <= pyshacl_limit:
            import pyshacl

            shapes = rdflib.Graph().parse(REPO / "shapes" / "twingraph.shapes.ttl")
            base_validate = timed(lambda: pyshacl.validate(plain, shacl_graph=shapes, inference="none"), base_runs)
        base_build = base_parse + (base_validate or 0.0) + base_serialize + base_jsonld
        note = "" if base_validate is not None else "baseline without pyshacl (over an hour at this size)"
    row("build (validate + every export + catalogue), process", build, base_build, rss, note)
    row(
        "validate, process",
        validate,
        None if base_validate is None or base_build is None else base_parse + base_validate,
        vrss,
        note,
    )

    # Stored queries, warm, in this process, against rdflib's own engine.
    loaded = load_project_graph(proj, max_bytes=4096 * 1024 * 1024)
    for query in stored_queries(proj.folder("queries")):
        values = {p.name: p.default for p in query.parameters if p.default} if name == "kassel" else {}
        if name != "kassel" and any(p.type == "place" for p in query.parameters):
            values = {p.name: "http://www.wikidata.org/entity/Q2865" for p in query.parameters if p.type == "place"}
        ours = timed(lambda q=query, v=values: answer_local(loaded, q, v), runs)
        if plain is not None and (name == "kassel" or query.name in BASELINE_QUERIES):
            base = timed(lambda q=query, v=values: list(run_local(plain, q, v)), base_runs)
            row(f"query {query.name}, warm", ours, base)
        else:
            row(f"query {query.name}, warm", ours, None, note="rdflib not timed at this size (minutes)")
    if triples:
        rows[0]["note"] = f"{triples} triples of data"
    return rows


def agreement(folder: Path, pairs: int) -> dict[str, object]:
    """twingraph's engine and pyshacl on World's first `pairs` partnerships with ~1 % planted
    errors: their findings must be identical (pyshacl cannot do all of World: over an hour)."""
    from collections import Counter

    import world

    from twingraph.project import bundled_project
    from twingraph.rdf.load import load_graph
    from twingraph.shacl.validate import load_shapes, validate_graph

    path = world.write(folder / "world-errors.ttl", errors=0.01, pairs=pairs)
    loaded = load_graph([REPO / "ontology", path], max_bytes=1 << 30)
    shapes = load_shapes(bundled_project())
    reports, seconds = {}, {}
    for engine in ("fast", "pyshacl"):
        start = time.perf_counter()
        reports[engine] = validate_graph(loaded.graph, shapes, engine=engine)
        seconds[engine] = time.perf_counter() - start
    rows = {
        engine: Counter((f.focus, f.component, f.path or "", f.value or "", f.severity) for f in report.findings)
        for engine, report in reports.items()
    }
    if rows["fast"] != rows["pyshacl"]:
        raise SystemExit(f"the engines disagree: {rows['fast'] - rows['pyshacl']} vs {rows['pyshacl'] - rows['fast']}")
    print(f"  agreement: {sum(rows['fast'].values())} identical findings", file=sys.stderr, flush=True)
    return {
        "workload": f"world, first {pairs} partnerships, 1 % planted errors",
        "operation": "validate in process, findings compared with pyshacl's",
        "twingraph_s": round(seconds["fast"], 4),
        "baseline_s": round(seconds["pyshacl"], 4),
        "ratio": round(seconds["pyshacl"] / seconds["fast"], 1),
        "note": f"identical: {sum(rows['fast'].values())} findings (focus, component, path, value, severity)",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--x10", action="store_true", help="also World×10 (minutes)")
    parser.add_argument("--pyshacl-limit", type=int, default=50_000, help="largest graph pyshacl is timed on")
    parser.add_argument("--json", type=Path, default=HERE / "results.json")
    parser.add_argument(
        "--agreement", type=int, default=200, metavar="PAIRS",
        help="partnerships of World (1 %% planted errors) on which pyshacl's findings are compared; 0: skip",
    )  # fmt: skip
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    import world

    rows: list[dict[str, object]] = []
    helptime, _ = timed_process([*TWINGRAPH, "--help"], REPO, args.runs)
    partners, prss = timed_process([*TWINGRAPH, "query", "run", "partners", "-p", "city=Kassel"], REPO, args.runs)
    rows.append({"workload": "-", "operation": "twingraph --help, process", "twingraph_s": round(helptime, 3)})
    rows.append({"workload": "kassel", "operation": "query run partners, process", "twingraph_s": round(partners, 3),
                 "peak_memory_mb": round(prss)})  # fmt: skip
    rows += bench_workload("kassel", REPO, args.runs, args.pyshacl_limit)
    rows += bench_site("kassel", REPO, args.runs)
    with tempfile.TemporaryDirectory() as tmp:
        scales = [("world", 1)] + ([("world×10", 10)] if args.x10 else [])
        for name, scale in scales:
            data = world.write(Path(tmp) / f"{name}.ttl", scale=scale)
            folder = project(Path(tmp) / name, data)
            rows += bench_workload(
                name, folder, args.runs if scale == 1 else 1, args.pyshacl_limit, baseline=scale == 1
            )
            if scale == 1:
                rows += bench_site(name, folder, 1)
                rows += bench_long_beach(Path(tmp), folder, args.runs)
    if args.agreement:
        with tempfile.TemporaryDirectory() as tmp:
            rows.append(agreement(Path(tmp), args.agreement))
    growth = _growth(rows)
    if growth:
        rows.append(growth)
    args.json.write_text(json.dumps(rows, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(
        "| workload | operation | twingraph (s) | plain rdflib + pyshacl (s) | ratio | peak memory, PSS (MB) | note |"
    )
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        cells = [
            r.get(k) for k in ("workload", "operation", "twingraph_s", "baseline_s", "ratio", "peak_memory_mb", "note")
        ]
        print("| " + " | ".join("" if c is None else str(c) for c in cells) + " |")


def bench_site(name: str, root: Path, runs: int) -> list[dict[str, object]]:
    """`twingraph site` whole, then again after one partnership changed: time, and files written.

    There is no plain-rdflib way to compare with: the goal (the README's table) is absolute.
    """
    import re
    import shutil

    rows: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "project"
        copy.mkdir()
        shutil.copy(root / "twingraph.toml", copy / "twingraph.toml")
        shutil.copytree(root / "data", copy / "data")
        out = Path(tmp) / "site"
        command = [*TWINGRAPH, "--root", str(copy), "site", "--out", str(out), "--base-url", "https://example.org/"]
        first, rss = timed_process(command, REPO, runs)
        files = int(re.search(r"([\d,]+) files", _run(command)).group(1).replace(",", ""))  # type: ignore[union-attr]
        rows.append({"workload": name, "operation": "site (validate + every page, document and rule), process",
                     "twingraph_s": round(first, 3), "peak_memory_mb": round(rss),
                     "note": f"{files:,} files; pictures on the 50 busiest places"})  # fmt: skip
        data = sorted((copy / "data").glob("*.ttl"))[0]
        text = data.read_text(encoding="utf-8")
        partnership = re.search(r"<(https://w3id.org/twingraph/id/partnership/[^>]+)> a ", text) or re.search(
            r"^(partnership:\S+) a tw:Partnership", text, re.MULTILINE
        )
        assert partnership, "no partnership found to change"
        subject = partnership.group(1)
        subject = subject if subject.startswith("partnership:") else f"<{subject}>"
        note = f'\n{subject} <http://www.w3.org/2004/02/skos/core#note> "changed for the benchmark"@en .\n'
        data.write_text(text + note, encoding="utf-8")
        start = time.perf_counter()
        output = _run(command)
        again = time.perf_counter() - start
        written = re.search(r"\(([\d,]+) new or changed", output).group(1)  # type: ignore[union-attr]
        rows.append({"workload": name, "operation": "site again, one partnership changed, process",
                     "twingraph_s": round(again, 3), "note": f"{written} files written of {files:,}"})  # fmt: skip
    return rows


def bench_long_beach(tmp: Path, world_project: Path, runs: int) -> list[dict[str, object]]:
    """World with places named Long Beach, Longwy and Intville written as prefixed names, as
    `wikidata import --all` writes them (`city:long-beach`): a byte test for xsd:long once sent
    such a world to pyshacl (over 90 minutes). Goal: the fast engine, within 1.5× World's time."""
    import shutil

    folder = tmp / "long-beach"
    shutil.copytree(world_project, folder)
    data = next((folder / "data").glob("*.ttl"))
    tw, base = "https://w3id.org/twingraph/ontology#", "https://w3id.org/twingraph/id/"
    extra = (
        f"\n@prefix city: <{base}city/> . @prefix tw: <{tw}> . @prefix dct: <http://purl.org/dc/terms/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
    )
    for slug, name, qid in (("long-beach", "Long Beach", "Q16739"), ("longwy", "Longwy", "Q212420"),
                            ("int-ville", "Intville", "Q999999991")):  # fmt: skip
        extra += (
            f'city:{slug} a tw:Municipality ; rdfs:label "{name}"@en ; tw:country <{base}country/q30> ; '
            f"tw:wikidataEntity <http://www.wikidata.org/entity/{qid}> ; "
            f"dct:source <{base}source/wikidata-p190-2016> .\n"
        )
    with data.open("a", encoding="utf-8") as stream:
        stream.write(extra)
    rows: list[dict[str, object]] = []
    for operation, command in (("build", ["build", "--out", str(tmp / "long-beach-dist")]), ("validate", ["validate"])):
        seconds, memory = timed_process([*TWINGRAPH, "--root", str(folder), *command], REPO, runs)
        said = subprocess.run([*TWINGRAPH, "--root", str(folder), *command], cwd=REPO, capture_output=True, text=True)
        engine = "pyshacl (the cliff)" if "pyshacl" in said.stderr else "the fast engine"
        rows.append({"workload": "world with Long Beach", "operation": f"{operation}, process",
                     "twingraph_s": round(seconds, 3), "peak_memory_mb": round(memory), "note": engine})  # fmt: skip
    return rows


def _run(command: list[str]) -> str:
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=True)
    return done.stdout


def _growth(rows: list[dict[str, object]]) -> dict[str, object] | None:
    """How the build's cost grows from World to World×10: t ~ size^k, so k = log(t10/t1) / log(10)."""
    import math

    builds = {r["workload"]: r["twingraph_s"] for r in rows if str(r.get("operation", "")).startswith("build")}
    one, ten = builds.get("world"), builds.get("world×10")
    if not isinstance(one, float) or not isinstance(ten, float):
        return None
    exponent = math.log(ten / one) / math.log(10)
    return {"workload": "world → world×10", "operation": "build cost growth exponent", "twingraph_s": round(exponent, 2),
            "note": "1.0 is linear"}  # fmt: skip


if __name__ == "__main__":
    main()
