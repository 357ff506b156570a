"""Finding project folders and reading settings (the wheel and its bundled project: test_forge_pipeline.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import FIXTURES, REPO
from twingraph.cli import cli
from twingraph.errors import ProjectError
from twingraph.project import bundled_root, find_project, read_settings


def test_project_is_found_from_a_subfolder() -> None:
    project = find_project(start=REPO / "tests" / "fixtures")
    assert project.root == REPO
    assert project.bundled
    assert project.settings.name == "kassel"
    assert project.settings.base_iri == "https://w3id.org/twingraph/"


def test_without_a_project_the_bundled_one_is_used(tmp_path: Path) -> None:
    project = find_project(start=tmp_path)
    assert project.bundled
    assert project.root == bundled_root()
    assert [p.name for p in project.files("data", (".ttl",))] == ["kassel.ttl"]


def test_root_without_settings_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match=r"is not a twingraph project: it has no twingraph.toml"):
        find_project(root=tmp_path)


def test_bad_toml_names_the_line(tmp_path: Path) -> None:
    (tmp_path / "twingraph.toml").write_text('[project]\nname = "x"\ntitle = \n', encoding="utf-8")
    with pytest.raises(ProjectError, match=r"twingraph.toml: not valid TOML \(.*line 3"):
        read_settings(tmp_path / "twingraph.toml")


@pytest.mark.parametrize(
    ("toml", "words"),
    [
        ('[project]\nbase_iri = "ftp://example.org/"\n', "must be an http(s) IRI ending in '/' or '#'"),
        ('[project]\nbase_iri = "https://example.org/x"\n', "must be an http(s) IRI ending in '/' or '#'"),
        ("[limits]\nmax_input_mb = -1\n", "max_input_mb must be a positive number"),
        ("[project]\nname = 3\n", "[project] name must be a non-empty string"),
    ],
)
def test_bad_settings_are_refused(tmp_path: Path, toml: str, words: str) -> None:
    (tmp_path / "twingraph.toml").write_text(toml, encoding="utf-8")
    with pytest.raises(ProjectError) as caught:
        read_settings(tmp_path / "twingraph.toml")
    assert words in str(caught.value)


def test_another_city_needs_only_its_data(tmp_path: Path) -> None:
    (tmp_path / "twingraph.toml").write_text(
        '[project]\nname = "alpha"\ntitle = "Town twinnings of Alpha"\n', encoding="utf-8"
    )
    (tmp_path / "data").mkdir()
    shutil.copy(FIXTURES / "shapes" / "base.ttl", tmp_path / "data" / "alpha.ttl")
    runner = CliRunner()
    result = runner.invoke(cli, ["--root", str(tmp_path), "validate"])
    assert result.exit_code == 0, result.output
    summary = runner.invoke(cli, ["--root", str(tmp_path), "summary"])
    assert summary.exit_code == 0
    assert summary.output.startswith("Town twinnings of Alpha\n")
    assert "Alpha – Beta" in summary.output


def test_cli_reports_a_bad_root(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--root", str(tmp_path / "nowhere"), "validate"])
    assert result.exit_code == 2
    assert "no such folder. Give --root a project folder." in result.output


def test_a_folder_without_a_project_says_the_bundled_one_stands_in(tmp_path: Path) -> None:
    from tests.conftest import run_cli

    shown = run_cli("validate", cwd=tmp_path)
    assert shown.returncode == 0
    assert shown.stderr.startswith("Note: no twingraph.toml here or above; using the bundled Kassel example project.")
    inside = run_cli("validate")  # the checkout is a project: no note
    assert "Note:" not in inside.stderr
