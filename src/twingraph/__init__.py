"""twingraph: town-twinning partnerships as validated, citable linked open data.

The public Python API is the five functions below (the README's "Python" section); every
other module is internal and may move. Each function imports what it needs when called, so
`import twingraph` stays as light as `twingraph --help`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rdflib.query import Result

    from twingraph.project import Project
    from twingraph.publish.build import BuildReport
    from twingraph.rdf.load import LoadedGraph
    from twingraph.shacl.validate import ValidationReport

__version__ = "0.1.0"
__all__ = ["__version__", "build", "load", "open_project", "query", "validate"]


def open_project(root: str | Path | None = None) -> Project:
    """The project at `root` (a folder with twingraph.toml), else the nearest one above the
    current folder, else the bundled Kassel project."""
    from twingraph.project import find_project

    return find_project(root=Path(root) if root is not None else None)


def load(project: Project) -> LoadedGraph:
    """The project's ontology and data in one store. `.graph` is an rdflib Graph over it
    (its SPARQL runs in Oxigraph); `.store` is the pyoxigraph Store itself."""
    from twingraph.rdf.load import load_project_graph

    return load_project_graph(project, max_bytes=project.settings.max_input_bytes)


def validate(project: Project, *, engine: str = "auto") -> ValidationReport:
    """The project's data checked against its shapes: `.conforms`, `.violations`, `.warnings`."""
    from twingraph.shacl.validate import validate_project

    return validate_project(project, max_bytes=project.settings.max_input_bytes, engine=engine)


def query(project: Project, name: str, **parameters: str) -> Result:
    """A stored query (`partners`, or a path to an .rq file) run on the project, offline, as an
    rdflib Result: iterate its rows, or `.serialize(format="csv")`."""
    from twingraph.sparql.query import find_stored_query, run_local

    stored = find_stored_query(project.folder("queries"), name)
    return run_local(load(project).graph, stored, parameters)


def build(project: Project, out: str | Path = "dist", *, base_url: str | None = None) -> BuildReport:
    """Validate, then publish every file into `out` as `twingraph build` does (the same rules
    for what may be replaced); `.conforms` is False, and nothing is written, if the data does not
    conform."""
    from twingraph.publish.build import build as run_build

    return run_build(project, out=Path(out), base_url=base_url, max_bytes=project.settings.max_input_bytes)
