"""`push`: the project's graph into a triple store."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from twingraph.cli.base import EXIT_NO, Options, _endpoint, cli, pass_options, timeout_option


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--endpoint",
    metavar="URL",
    required=True,
    help="The store's Graph Store Protocol URL, e.g. http://localhost:7878/store.",
)
@click.option("--graph", metavar="IRI", help="The named graph to replace. Default: the dataset's IRI.")
@timeout_option(120.0, "Seconds the whole upload and the store's answer may take.")
@click.option("--no-validate", is_flag=True, help="Push even if the data does not conform to the shapes.")
@pass_options
def push(
    options: Options, paths: tuple[Path, ...], endpoint: str, graph: str | None, timeout: float, no_validate: bool
) -> None:
    """Replace a named graph in a triple store with the project's graph (ontology and data).

    Uses the SPARQL 1.1 Graph Store HTTP Protocol. The graph goes first to a staging graph
    beside the target (IRI#twingraph-push-staging), and replaces the target only once the store
    has taken it whole: the store holds either the old graph or the whole new one, even where its
    own PUT is not atomic (Virtuoso's). The data is validated first; exit 1 if it does not conform.

    A store that asks for credentials (HTTP 401, Basic or Digest, as Virtuoso's
    /sparql-graph-crud-auth does) gets them from TWINGRAPH_USER and TWINGRAPH_PASSWORD, else from
    ~/.netrc (machine HOST login USER password SECRET); never from the command line, and they are
    never printed. Wrong ones: exit 2, naming the store and the user.
    """
    from twingraph.iris import dataset_iri
    from twingraph.publish.push import push_project

    project = options.project()
    target = graph or dataset_iri(project.settings.name, base_iri=project.settings.base_iri)
    outcome = push_project(
        project,
        _endpoint(endpoint, timeout=timeout),
        graph_iri=target,
        data_paths=paths,
        max_bytes=options.max_bytes(project),
        validate=not no_validate,
    )
    if not outcome.conforms:
        click.echo(
            f"Not pushed: the data does not conform to the shapes ({outcome.violations} violation(s)). "
            "Run `twingraph validate` to see them, or pass --no-validate.",
            err=True,
        )
        sys.exit(EXIT_NO)
    click.echo(f"Replaced <{target}> at {endpoint} with {outcome.triples} triples (HTTP {outcome.status}).", err=True)
    if outcome.staging_left:
        click.echo(f"Warning: {outcome.staging_left}", err=True)
