"""The console examples of the README and the documentation, and how a test runs one.

A block's `$ twingraph …` lines are run with stdout on a terminal (a pseudo-terminal, so tables
and defaults are what a person sees) and stderr after it; their output must be the lines that
follow in the page. A line `…` alone stands for any number of lines. `tests/test_docs_examples.py`
runs every example that needs no server; the tests that start a server (Wikidata-shaped,
Oxigraph, Virtuoso) run the page's examples that need it with `check_example`.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import REPO, run_on_a_terminal

PAGES = [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]
# Run elsewhere, against the servers those tests start: test_wikidata_commands.py (the Wikidata
# commands and `init`), test_sparql_remote.py (push and --endpoint on Oxigraph). An endpoint
# on port 9, where nothing listens, needs no server.
NOT_RUN = re.compile(r"--endpoint(?! http://127\.0\.0\.1:9/)|\bserve\b|\bpush\b|\bwikidata\b")
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
        found.extend(examples_in(page))
    return [e for e in found if e.command.startswith("twingraph ") and not NOT_RUN.search(e.command)]


def examples_in(page: Path) -> list[Example]:
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


def copy_project(folder: Path) -> Path:
    """The project's files (data, ontology, shapes, queries, examples, settings) in `folder`."""
    for name in PROJECT:
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, folder / name)
    return folder


def example_at(page: str, command_start: str, naming: str = "") -> Example:
    """The console example of a page whose command begins so and names `naming` (for the
    tests that run the examples needing a server, against the servers they start)."""
    (found,) = [e for e in examples_in(REPO / page) if e.command.startswith(command_start) and naming in e.command]
    return found


def check_example(
    example: Example,
    cwd: Path,
    *,
    command: str | None = None,
    shown: dict[str, str] | None = None,
    env: dict[str, str] | None = None,
) -> None:
    """Run the example (or `command`, the example's with a test server's address put in) on a
    terminal in `cwd`, and compare its output with the page's, line by line; `shown` maps what
    the output names (the test server's address) to what the page shows in its place."""
    code, output = run_on_a_terminal(
        shlex.split(command or example.command)[1:], cwd=cwd, env={**os.environ, **ENVIRONMENT, **(env or {})}
    )
    for actual_text, page_text in (shown or {}).items():
        output = output.replace(actual_text, page_text)
    actual = output.rstrip("\n").split("\n") if output.strip() else []
    expected = list(example.expected)
    while expected and not expected[-1].strip():
        expected.pop()
    assert code in (0, 1, 2)
    heading = f"{example.page} line {example.line}: {example.command}"
    report = [heading, "--- the page says:", *expected, "--- it gives:", *actual]
    assert matches(normalised(expected), normalised(actual)), "\n".join(report)
