"""Every command has help text, starts fast, and appears in the README."""

from __future__ import annotations

import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from tests.conftest import PROCESS_DEADLINE, REPO
from twingraph.cli import cli

README = (REPO / "README.md").read_text(encoding="utf-8")


def _commands(group: click.Group, prefix: str = "") -> list[str]:
    names = []
    for name, command in sorted(group.commands.items()):
        names.append(f"{prefix}{name}")
        if isinstance(command, click.Group):
            names.extend(_commands(command, f"{prefix}{name} "))
    return names


@pytest.mark.parametrize("command", _commands(cli))
def test_every_command_has_help_and_is_in_the_readme(command: str) -> None:
    result = CliRunner().invoke(cli, [*command.split(), "--help"])
    assert result.exit_code == 0
    assert len(result.output.splitlines()) > 3
    assert f"twingraph {command}" in README


def test_readme_quick_start_is_the_two_make_commands() -> None:
    assert "make run" in README
    assert "make test" in README


def test_help_does_not_import_the_heavy_libraries() -> None:
    code = (
        "import sys; from twingraph.cli import cli\n"
        "try:\n    cli(['--help'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('rdflib', 'pyshacl', 'pyoxigraph') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=PROCESS_DEADLINE)
    assert result.stdout.strip().splitlines()[-1] == "[]"
