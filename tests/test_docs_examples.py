"""Every console example of the README and the documentation (`docs/**/*.md`), run as written
in a temporary copy of the project.

A block's `$ twingraph …` lines are run with stdout on a terminal (a pseudo-terminal, so tables
and defaults are what a person sees) and stderr after it; their output must be the lines that
follow in the page. A line `…` alone stands for any number of lines. Commands that need a
server or the network (`serve`, `push`, `--endpoint`, `wikidata`, `curl`, `oxigraph`) are not
run here: the serve, remote and Wikidata tests cover them against real servers.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import REPO, run_on_a_terminal

PAGES = [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]
NOT_RUN = re.compile(r"--endpoint|\bserve\b|\bpush\b|\bwikidata\b")
PROJECT = ("data", "ontology", "shapes", "queries", "examples", "twingraph.toml")
# A fixed reproducible-build date, so the copy (which has no git history) dates its catalogue
# the same way every time.
ENVIRONMENT = {"SOURCE_DATE_EPOCH": "1764547200", "COLUMNS": "200", "NO_COLOR": "1"}


@dataclass(frozen=True)
class Example:
    page: str
    line: int
    command: str
    expected: tuple[str, ...]


def examples() -> list[Example]:
    found = []
    for page in PAGES:
        found.extend(_examples_in(page))
    return [e for e in found if e.command.startswith("twingraph ") and not NOT_RUN.search(e.command)]


def _examples_in(page: Path) -> list[Example]:
    text = page.read_text(encoding="utf-8")
    name = page.relative_to(REPO).as_posix()
    found = []
    for block in re.finditer(r"^ *```console\n(.*?)^ *```", text, re.MULTILINE | re.DOTALL):
        start = text[: block.start()].count("\n") + 2
        current: list[str] | None = None
        command, line = "", 0
        indent = len(block[0]) - len(block[0].lstrip(" "))
        for offset, line_text in enumerate(line[indent:] for line in block[1].splitlines()):
            if line_text.startswith("$ "):
                if current is not None:
                    found.append(Example(name, line, command, tuple(current)))
                command, line, current = line_text[2:], start + offset, []
            elif current is not None:
                current.append(line_text)
        if current is not None:
            found.append(Example(name, line, command, tuple(current)))
    return found


# File sizes change with every change of the data or the catalogue; the README says so.
SIZES = re.compile(r"\d[\d,]* bytes")


def normalised(lines: list[str]) -> tuple[str, ...]:
    return tuple(SIZES.sub("N bytes", line) for line in lines)


def matches(expected: tuple[str, ...], actual: tuple[str, ...]) -> bool:
    """Line by line; `…` alone matches any run of lines."""
    if not expected:
        return not actual
    if expected[0] == "…":
        return any(matches(expected[1:], actual[skip:]) for skip in range(len(actual) + 1))
    return bool(actual) and expected[0] == actual[0] and matches(expected[1:], actual[1:])


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    for name in PROJECT:
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, tmp_path / name)
    return tmp_path


def test_the_readme_and_the_docs_have_examples_to_run() -> None:
    pages = {e.page for e in examples()}
    assert "README.md" in pages
    assert len(pages) >= 5
    assert len(examples()) >= 14


@pytest.mark.parametrize("example", examples(), ids=lambda e: f"{e.page} line {e.line}: {e.command[:50]}")
def test_console_example(example: Example, project_copy: Path) -> None:
    env = {**os.environ, **ENVIRONMENT}
    code, output = run_on_a_terminal(shlex.split(example.command)[1:], cwd=project_copy, env=env)
    actual = output.rstrip("\n").split("\n") if output.strip() else []
    expected = list(example.expected)
    while expected and not expected[-1].strip():
        expected.pop()
    assert code in (0, 1, 2)
    assert matches(normalised(expected), normalised(actual)), "\n".join(
        [
            f"{example.page} line {example.line}: {example.command}",
            "--- the page says:",
            *expected,
            "--- it gives:",
            *actual,
        ]
    )
