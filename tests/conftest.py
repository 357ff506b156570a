"""Shared test helpers: paths, the bundled project, and running the CLI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = REPO.parent / "shared"


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
