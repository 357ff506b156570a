"""Pushing a project's graph to a triple store: validate, serialize, one Graph Store PUT."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from twingraph.project import Project
    from twingraph.sparql.remote import Endpoint

N_TRIPLES = "application/n-triples"


@dataclass(frozen=True)
class PushOutcome:
    """What a push did: nothing if the data did not conform, else how much went where."""

    conforms: bool
    violations: int
    triples: int = 0
    status: int | None = None


def push_project(
    project: Project,
    endpoint: Endpoint,
    *,
    graph_iri: str,
    data_paths: Sequence[Path] = (),
    max_bytes: int,
    validate: bool = True,
) -> PushOutcome:
    """Replace `graph_iri` at a Graph Store with the project's graph: the ontology and the data.

    The ontology goes along because the stored queries rely on its labels and class
    hierarchy: the store then answers them exactly as a local run does.
    """
    from twingraph.shacl.validate import DataDoesNotConform, load_conforming
    from twingraph.sparql.remote import put_graph

    try:  # loaded once, validated unless told not to
        graph = load_conforming(project, data_paths=data_paths, max_bytes=max_bytes, validate=validate).graph
    except DataDoesNotConform as exc:
        return PushOutcome(conforms=False, violations=exc.violations)
    body = graph.serialize(format="nt", encoding="utf-8")
    status = put_graph(endpoint, graph_iri, body, media_type=N_TRIPLES)
    return PushOutcome(conforms=True, violations=0, triples=len(graph), status=status)
