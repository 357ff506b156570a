"""Pushing a project's graph to a triple store: validate, serialize, then Graph Store PUTs that
never leave the store without the old graph or the whole new one.

A PUT is atomic in Oxigraph, but not in every store: Virtuoso empties the graph first and then
loads, so a body it refuses halfway (an ill-formed rdf:XMLLiteral) leaves the graph empty. The
graph therefore goes first to a staging graph beside the target; only when the store has taken
it whole is the target replaced (the same body, now known to be accepted), and the staging
graph removed. A refused graph leaves the target untouched, whatever the store.
"""

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
    # Why the staging graph is still in the store, when it could not be removed (a store
    # without the Graph Store's DELETE); the push itself succeeded.
    staging_left: str = ""


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
    import pyoxigraph

    from twingraph.shacl.validate import DataDoesNotConform, load_conforming
    from twingraph.sparql.remote import EndpointError, delete_graph, put_graph

    try:  # loaded once, validated unless told not to
        loaded = load_conforming(project, data_paths=data_paths, max_bytes=max_bytes, validate=validate)
    except DataDoesNotConform as exc:
        return PushOutcome(conforms=False, violations=exc.violations)
    # The triples as the files write them (the store canonicalises some literals), each once.
    triples = list(dict.fromkeys(loaded.exact_triples()))
    body = pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.N_TRIPLES) or b""
    staging = staging_graph(graph_iri)
    try:
        put_graph(endpoint, staging, body, media_type=N_TRIPLES)
    except EndpointError as exc:
        raise EndpointError(f"{exc} <{graph_iri}> was not touched.") from None
    try:
        status = put_graph(endpoint, graph_iri, body, media_type=N_TRIPLES)
    except EndpointError as exc:
        raise EndpointError(
            f"{exc} The store took the same graph a moment before, as <{staging}>, which is kept; "
            f"<{graph_iri}> may be incomplete on a store whose PUT is not atomic. Push again."
        ) from None
    try:
        delete_graph(endpoint, staging)
    except EndpointError as exc:
        left = f"the staging graph <{staging}> could not be removed ({exc}); remove it with the store's own tools."
        return PushOutcome(conforms=True, violations=0, triples=len(triples), status=status, staging_left=left)
    return PushOutcome(conforms=True, violations=0, triples=len(triples), status=status)


def staging_graph(graph_iri: str) -> str:
    """The graph a push is staged in before it replaces `graph_iri`: beside it, under a name no
    data of ours uses, and the same each time, so that a push broken off is cleaned by the next."""
    return graph_iri.split("#", 1)[0] + "#twingraph-push-staging"
