"""Shared test helpers: paths, the bundled project, and running the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _shared_folder() -> Path:
    """The team's shared folder (official DCAT-AP shapes, datasets): beside the checkout.

    TWINGRAPH_SHARED overrides it; a clone made elsewhere (say, in /tmp) falls back to the
    workplace's /work/shared.
    """
    candidates = [os.environ.get("TWINGRAPH_SHARED"), REPO.parent / "shared", "/work/shared"]
    for candidate in candidates:
        if candidate and (Path(candidate) / "dcat-ap").is_dir():
            return Path(candidate)
    return REPO.parent / "shared"


SHARED = _shared_folder()


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(scope="session")
def project():
    from twingraph.project import bundled_project

    return bundled_project()


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
