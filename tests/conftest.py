"""Shared test helpers: paths, the bundled project, and running the CLI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"


# Test material copied into the repository (official shapes, W3C tests, real datasets):
# vendor/SOURCES.md says where each came from and under which licence.
VENDOR = REPO / "vendor"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(scope="session")
def project():
    from twingraph.project import bundled_project

    return bundled_project()


def run_on_a_terminal(
    args: list[str], *, cwd: Path | None = None, env: dict[str, str] | None = None
) -> tuple[int, str]:
    """Run `python -m twingraph ARGS` with stdout and stderr on a pseudo-terminal, as a person
    sees it (tables cut, terminal defaults); the exit code and what was shown."""
    import os
    import pty

    leader, follower = pty.openpty()
    command = [sys.executable, "-m", "twingraph", *args]
    process = subprocess.Popen(command, stdout=follower, stderr=follower, cwd=cwd or REPO, env=env)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closes when the process ends
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    code = process.wait(timeout=120)
    return code, b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


def run_cli(
    *args: str, cwd: Path | None = None, python_flags: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    """Run `python -m twingraph …` as a real process."""
    return subprocess.run(
        [sys.executable, *python_flags, "-m", "twingraph", *args],
        capture_output=True,
        text=True,
        cwd=cwd or REPO,
        timeout=120,
    )


@pytest.fixture(scope="session")
def live_server():
    """`twingraph serve` on the bundled Kassel project, shared by the serve tests (2 s query timeout)."""
    from tests.servers import twingraph_server

    with twingraph_server("--timeout", "2", "--max-rows", "1000", "--max-request-kb", "256") as server:
        yield server


@pytest.fixture(scope="session")
def first_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One `twingraph build` of the bundled project, for tests that copy or compare it (never change it)."""
    out = tmp_path_factory.mktemp("first") / "dist"
    built = run_cli("build", "--out", str(out))
    assert built.returncode == 0, built.stderr
    return out
