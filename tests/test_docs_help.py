"""Every command has help text, starts fast, and is explained in the documentation."""

from __future__ import annotations

import re
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from tests.conftest import PROCESS_DEADLINE, REPO
from twingraph.cli import cli

README = (REPO / "README.md").read_text(encoding="utf-8")
# The pages written by hand, and the README's tour that "First steps" includes (the CLI reference,
# generated from the commands, names them all anyway).
DOCS = "\n".join([README, *(page.read_text(encoding="utf-8") for page in sorted((REPO / "docs").rglob("*.md")))])


def _commands(group: click.Group, prefix: str = "") -> list[str]:
    names = []
    for name, command in sorted(group.commands.items()):
        names.append(f"{prefix}{name}")
        if isinstance(command, click.Group):
            names.extend(_commands(command, f"{prefix}{name} "))
    return names


@pytest.mark.parametrize("command", _commands(cli))
def test_every_command_has_help_and_is_in_the_docs(command: str) -> None:
    result = CliRunner().invoke(cli, [*command.split(), "--help"])
    assert result.exit_code == 0
    assert len(result.output.splitlines()) > 3
    assert f"twingraph {command}" in DOCS


def test_readme_quick_start_is_the_two_make_commands() -> None:
    assert "make run" in README
    assert "make test" in README


def test_the_readme_is_short_and_links_into_the_docs() -> None:
    """A newcomer reads at most 200 lines before the documentation takes over."""
    assert len(README.splitlines()) <= 200
    linked = set(re.findall(r"\]\((docs/[^)#]+\.md)\)", README))
    assert linked, "the README links no documentation page"
    for page in linked:
        assert (REPO / page).is_file(), f"the README links {page}, which does not exist"
    assert "docs/reference/cli.md" in linked
    assert "docs/tutorials/your-own-city.md" in linked


def test_help_does_not_import_the_heavy_libraries() -> None:
    code = (
        "import sys; from twingraph.cli import cli\n"
        "try:\n    cli(['--help'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('rdflib', 'pyshacl', 'pyoxigraph') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=PROCESS_DEADLINE)
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_the_changelog_keeps_a_changelog_and_names_the_package_s_version() -> None:
    from twingraph import __version__

    text = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    versions = re.findall(r"^## \[([^\]]+)\](?: - (\d{4}-\d{2}-\d{2}))?$", text, re.MULTILINE)
    assert versions[0] == ("Unreleased", "")
    assert versions[1][0] == __version__, "the newest release in CHANGELOG.md is not the package's version"
    kinds = set(re.findall(r"^### (.+)$", text, re.MULTILINE))
    assert kinds <= {"Added", "Changed", "Deprecated", "Removed", "Fixed", "Security"}
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert 'dynamic = ["version"]' in pyproject
    assert not re.search(r"^version\s*=", pyproject, re.MULTILINE)
