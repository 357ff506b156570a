"""Shared test helpers: paths, the bundled project, and running the CLI."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"


# Test material copied into the repository (official shapes, W3C tests, real datasets):
# vendor/SOURCES.md says where each came from and under which licence.
VENDOR = REPO / "vendor"
# How long a test waits for a process it started before calling it hung. Only a hang reaches
# it: the slowest such process takes about 30 s on an idle 2-core machine, and a machine busy
# enough to make a whole run take 25 minutes must not fail a test that would have passed.
PROCESS_DEADLINE = 1800


def write_world(path: Path, **options: object) -> Path:
    """The benchmark's World (benchmarks/world.py: the 2016 crawl in our model) written to `path`;
    `options` are world.write's (pairs=, errors=, scale=)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("world", REPO / "benchmarks" / "world.py")
    assert spec is not None
    assert spec.loader is not None
    world = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(world)
    return world.write(path, **options)  # type: ignore[no-any-return]


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
    code = process.wait(timeout=PROCESS_DEADLINE)
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
        timeout=PROCESS_DEADLINE,
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


SITE_URL = "http://site.test/"  # the test site's public URL (serve is given it too, so their catalogues agree)


@pytest.fixture(scope="session")
def kassel_site() -> Iterator[Path]:
    """`twingraph site` of the bundled project, in a folder the web servers' workers may read."""
    from tests.webservers import readable_folder, remove

    folder = readable_folder("twingraph-site-")
    built = run_cli("site", "--out", str(folder / "site"), "--base-url", SITE_URL)
    assert built.returncode == 0, built.stderr
    yield folder / "site"
    remove(folder)


@pytest.fixture(scope="session")
def static_servers(kassel_site: Path) -> Iterator[dict[str, str]]:
    """Real nginx (njs) and Apache httpd serving the Kassel site; skipped where they are not installed."""
    from tests.webservers import apache_missing, apache_server, nginx_missing, nginx_server, readable_folder, remove

    missing = nginx_missing() or apache_missing()
    if missing:
        pytest.skip(missing)
    workdir = readable_folder("twingraph-web-")
    (workdir / "nginx").mkdir()
    (workdir / "apache").mkdir()
    try:
        with (
            nginx_server(kassel_site, workdir / "nginx") as nginx,
            apache_server(kassel_site / "public", workdir / "apache") as apache,
        ):
            yield {"nginx": nginx.url, "apache": apache.url}
    finally:
        remove(workdir)


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = REPO / "build" / "screenshots"  # for people to look at


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by Playwright (no download of its own), headless, with no outbound traffic."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.skip(
            "Debian's chromium is not installed: `make test` installs it with apt as root (or sudo); "
            "without root or apt the browser tests skip"
        )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
            ],
        )
        yield launched
        launched.close()
