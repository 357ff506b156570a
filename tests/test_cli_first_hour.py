"""A new user's first hour: no silent defaults, no surprising output files."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import DCTERMS, Graph, Literal, URIRef

from tests.conftest import PROCESS_DEADLINE, REPO, run_cli


@pytest.fixture
def new_city(tmp_path: Path) -> Path:
    """A project of its own, with no [publish] settings, outside git."""
    root = tmp_path / "alpha"
    (root / "data").mkdir(parents=True)
    shutil.copy(REPO / "data" / "kassel.ttl", root / "data")
    (root / "twingraph.toml").write_text('[project]\nname = "alpha"\ntitle = "Town twinnings of Alpha"\n')
    return root


def test_build_warns_about_twingraphs_placeholders_and_still_builds(new_city: Path) -> None:
    built = run_cli("--root", str(new_city), "build", "--out", str(new_city / "dist"))
    assert built.returncode == 0, built.stderr
    assert "Warning: twingraph.toml's [publish] does not set publisher_name (now 'twingraph'), licence" in built.stderr
    assert "base_url (now https://w3id.org/twingraph/dist/alpha/)" in built.stderr
    assert "Warning: the catalogue's modified date is today's" in built.stderr
    catalogue = run_cli("--root", str(new_city), "catalog")
    assert "Warning: twingraph.toml's [publish] does not set" in catalogue.stderr


def test_the_bundled_project_sets_its_own_and_is_not_warned_about() -> None:
    built = run_cli("catalog")
    assert built.returncode == 0
    assert "Warning" not in built.stderr


def test_modified_comes_from_source_date_epoch_then_git_then_the_settings(new_city: Path) -> None:
    def modified(env: dict[str, str] | None = None) -> str:
        result = subprocess.run(
            [sys.executable, "-m", "twingraph", "--root", str(new_city), "catalog"],
            capture_output=True, text=True, timeout=PROCESS_DEADLINE, env={**os.environ, **(env or {})},
        )  # fmt: skip
        graph = Graph().parse(data=result.stdout, format="turtle")
        return str(graph.value(URIRef("https://w3id.org/twingraph/id/dataset/alpha"), DCTERMS.modified))

    assert modified({"SOURCE_DATE_EPOCH": "1700000000"}) == "2023-11-14"
    (new_city / "twingraph.toml").write_text(
        '[project]\nname = "alpha"\n[publish]\nmodified = "2025-05-05"\nissued = "2025-01-01"\n'
    )
    assert modified() == "2025-05-05"
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], cwd=new_city, check=True)
    subprocess.run([*git, "add", "."], cwd=new_city, check=True)
    env = {"GIT_COMMITTER_DATE": "2024-03-03T12:00:00+00:00", "GIT_AUTHOR_DATE": "2024-03-03T12:00:00+00:00"}
    subprocess.run([*git, "commit", "-q", "-m", "data"], cwd=new_city, check=True, env={**os.environ, **env})
    assert modified() == "2024-03-03"  # the last commit that touched data/ wins over the settings


def test_no_english_title_is_tagged_german(new_city: Path) -> None:
    shown = run_cli("--root", str(new_city), "catalog")
    graph = Graph().parse(data=shown.stdout, format="turtle")
    titles = list(graph.objects(URIRef("https://w3id.org/twingraph/id/dataset/alpha"), DCTERMS.title))
    assert titles == [Literal("Town twinnings of Alpha", lang="en")]


@pytest.mark.parametrize(
    ("command", "words"),
    [
        (
            ("export", "-o", "x.xlsx"),
            "which export format '.xlsx' means. Use one of .csv, .geojson, .gexf, .graphml, .json",
        ),
        (("query", "run", "partners", "-o", "x.xlsx"), "which result format '.xlsx' means"),
        (("plot", "map", "-o", "t.jpg"), "which picture format '.jpg' means. Use one of .png, .svg"),
        (("plot", "timeline", "-o", "t.pdf"), "which picture format '.pdf' means"),
        (("catalog", "-o", "c.xml"), "which catalogue format '.xml' means"),
    ],
)
def test_an_unknown_output_suffix_is_refused(tmp_path: Path, command: tuple[str, ...], words: str) -> None:
    shown = run_cli("--root", str(REPO), *command, cwd=tmp_path)
    assert shown.returncode == 2
    assert words in shown.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("command", "name", "start"),
    [
        (("export", "-o", "e.xml"), "e.xml", b"<?xml"),  # RDF/XML for export
        (("export", "-o", "e.owl"), "e.owl", b"<?xml"),
        (("query", "run", "partners", "-o", "r.xml"), "r.xml", b'<?xml version="1.0" encoding="utf-8"?>\n<sparql'),
        (("catalog", "-o", "c.jsonld"), "c.jsonld", b"{"),
    ],
)
def test_a_suffix_means_the_format_of_its_command(
    tmp_path: Path, command: tuple[str, ...], name: str, start: bytes
) -> None:
    shown = run_cli("--root", str(REPO), *command, cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert (tmp_path / name).read_bytes().startswith(start)
