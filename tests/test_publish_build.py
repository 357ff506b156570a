"""`twingraph build`: dist/ is complete, deterministic, and never half-written."""

from __future__ import annotations

import resource
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PROCESS_DEADLINE, REPO, run_cli

EXPECTED = {
    "kassel.ttl",
    "kassel.jsonld",
    "kassel.nt",
    "kassel.rdf",
    "kassel.csv",
    "kassel-partners.csv",
    "kassel.graphml",
    "kassel.gexf",
    "kassel.geojson",
    "kassel-edges.csv",
    "kassel-nodes.csv",
    "context.jsonld",
    "catalog.ttl",
    "catalog.jsonld",
    "catalog-de.ttl",
    "void.ttl",
    ".twingraph-manifest",
}


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(".") and p.name != ".twingraph-manifest")


def test_build_writes_every_file_and_a_summary(tmp_path: Path) -> None:
    built = run_cli("build", cwd=tmp_path)  # the default: dist/ in the current folder
    assert built.returncode == 0, built.stderr
    assert {p.name for p in (tmp_path / "dist").iterdir()} == EXPECTED
    assert built.stdout.startswith("Built dist: 9 partnerships, 635 triples.\n")
    assert "MQA self-score: 335/405" in built.stdout
    assert "… validating" in built.stderr
    assert "… exporting kassel.ttl" in built.stderr
    assert leftovers(tmp_path) == []


def test_two_builds_are_byte_identical(first_build: Path, tmp_path: Path) -> None:
    again = tmp_path / "dist"
    assert run_cli("build", "--out", str(again)).returncode == 0
    assert snapshot(again) == snapshot(first_build)


def planted_project(tmp_path: Path, *, broken: bool) -> Path:
    root = tmp_path / "project"
    (root / "data").mkdir(parents=True)
    shutil.copy(REPO / "twingraph.toml", root / "twingraph.toml")
    text = (REPO / "data" / "kassel.ttl").read_text(encoding="utf-8")
    if broken:
        text = text.replace('tw:startDate "1989"^^xsd:gYear', 'tw:startDate "2989"^^xsd:gYear')
        assert "2989" in text
    (root / "data" / "kassel.ttl").write_text(text, encoding="utf-8")
    return root


def test_data_that_does_not_conform_is_not_published(first_build: Path, tmp_path: Path) -> None:
    out = tmp_path / "dist"
    shutil.copytree(first_build, out)
    before = snapshot(out)
    root = planted_project(tmp_path, broken=True)
    built = run_cli("--root", str(root), "build", "--out", str(out))
    assert built.returncode == 1
    assert "Not built: the data does not conform to the shapes (1 violation(s))" in built.stderr
    assert snapshot(out) == before
    assert leftovers(tmp_path) == []


def test_a_serializer_failure_leaves_the_previous_dist(first_build: Path, tmp_path: Path) -> None:
    out = tmp_path / "dist"
    shutil.copytree(first_build, out)
    before = snapshot(out)
    code = (
        "import sys, twingraph.rdf.export as e\n"
        "real = e.serialize_triples\n"
        "def failing(triples, fmt, **options):\n"
        "    if fmt == 'rdfxml': raise RuntimeError('serializer broke')\n"
        "    return real(triples, fmt, **options)\n"
        "e.serialize_triples = failing\n"
        "from twingraph.cli import cli\n"
        f"cli(['build', '--out', {str(out)!r}])\n"
    )
    failed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=PROCESS_DEADLINE)
    assert failed.returncode == 2
    assert "serializer broke" in failed.stderr
    assert "Traceback" not in failed.stderr
    assert snapshot(out) == before
    assert leftovers(tmp_path) == []


def _limit_file_size() -> None:
    # Python ignores SIGXFSZ, so a write past the limit fails with EFBIG, as on a full disk.
    resource.setrlimit(resource.RLIMIT_FSIZE, (40_000, 40_000))


def _build_on_a_full_disk(out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "twingraph", "build", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=PROCESS_DEADLINE,
        preexec_fn=_limit_file_size,
    )


def test_a_full_disk_leaves_the_previous_dist_and_says_so(first_build: Path, tmp_path: Path) -> None:
    out = tmp_path / "dist"
    shutil.copytree(first_build, out)
    before = snapshot(out)
    failed = _build_on_a_full_disk(out)
    assert failed.returncode == 2
    assert "the build could not be written (File too large); the previous output is unchanged" in failed.stderr
    assert snapshot(out) == before
    assert leftovers(tmp_path) == []


def test_a_failed_first_build_says_nothing_was_written(tmp_path: Path) -> None:
    failed = _build_on_a_full_disk(tmp_path / "dist")
    assert failed.returncode == 2
    assert "the build could not be written (File too large); nothing was written" in failed.stderr
    assert "previous output" not in failed.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_a_killed_build_leaves_the_previous_dist_and_the_next_run_cleans_up(first_build: Path, tmp_path: Path) -> None:
    out = tmp_path / "dist"
    shutil.copytree(first_build, out)
    before = snapshot(out)
    # SIGKILL, which nothing can catch, right after the third file reaches the disk.
    code = (
        "import os, signal\n"
        "real, calls = os.fsync, []\n"
        "def fsync(fd):\n"
        "    real(fd); calls.append(fd)\n"
        "    if len(calls) == 3: os.kill(os.getpid(), signal.SIGKILL)\n"
        "os.fsync = fsync\n"
        "from twingraph.cli import cli\n"
        f"cli(['build', '--out', {str(out)!r}])\n"
    )
    killed = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=PROCESS_DEADLINE)
    assert killed.returncode == -signal.SIGKILL
    assert snapshot(out) == before
    assert any(name.startswith(".dist.build-") for name in leftovers(tmp_path))
    assert run_cli("build", "--out", str(out)).returncode == 0
    assert leftovers(tmp_path) == []
    assert snapshot(out) == snapshot(first_build)


@pytest.mark.parametrize(
    ("target", "words"),
    [
        ("data", "would overwrite the project's own"),
        ("queries/out", "would overwrite the project's own"),
        (".", "would overwrite the project's own"),
        ("twingraph.toml", "is a file"),
    ],
)
def test_build_never_writes_into_the_project_sources(tmp_path: Path, target: str, words: str) -> None:
    root = planted_project(tmp_path, broken=False)
    (root / "queries").mkdir()
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    built = run_cli("--root", str(root), "build", "--out", str(root / target))
    assert built.returncode == 2
    assert words in built.stderr
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before


@pytest.mark.parametrize("url", ["ftp://example.org/", "example.org/dist/", "https://", "https://exa mple.org/"])
def test_an_invalid_base_url_is_a_clear_error(tmp_path: Path, url: str) -> None:
    built = run_cli("build", "--out", str(tmp_path / "dist"), "--base-url", url)
    assert built.returncode == 2
    assert built.stderr.startswith(f"Error: --base-url {url!r} is not an http(s) URL")
    assert not (tmp_path / "dist").exists()


def test_base_url_sets_the_download_urls(tmp_path: Path) -> None:
    built = run_cli("build", "--out", str(tmp_path / "dist"), "--base-url", "https://data.example.org/twinnings")
    assert built.returncode == 0, built.stderr
    text = (tmp_path / "dist" / "catalog.ttl").read_text()
    assert "<https://data.example.org/twinnings/kassel.ttl>" in text
