"""The public Python API: open a project, load, validate, query, build."""

from __future__ import annotations

from pathlib import Path

import rdflib

import twingraph
from tests.conftest import REPO


def test_the_api_is_what_the_readme_shows(tmp_path: Path) -> None:
    project = twingraph.open_project(REPO)
    assert project.settings.name == "kassel"

    loaded = twingraph.load(project)
    assert isinstance(loaded.graph, rdflib.Graph)
    kassel = rdflib.URIRef("https://w3id.org/twingraph/id/city/kassel")
    assert rdflib.Literal("Kassel", lang="de") in set(loaded.graph.objects(kassel, rdflib.RDFS.label))

    report = twingraph.validate(project)
    assert report.conforms
    assert report.violations == ()

    partners = twingraph.query(project, "partners", city="Florence")
    assert [str(row.partnerName) for row in partners] == ["Kassel"]  # type: ignore[union-attr]

    built = twingraph.build(project, tmp_path / "dist")
    assert built.conforms
    assert (tmp_path / "dist" / "kassel.ttl").is_file()


def test_only_the_api_is_exported() -> None:
    assert set(twingraph.__all__) == {"__version__", "build", "load", "open_project", "query", "validate"}
