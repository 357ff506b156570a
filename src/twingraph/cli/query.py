"""`query list|show|run` and `sparql`: stored and ad-hoc queries, locally or on an endpoint."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from twingraph.cli.base import (
    EXIT_NO,
    Options,
    _endpoint,
    cli,
    max_answer_option,
    output_option,
    pass_options,
    timeout_option,
)

if TYPE_CHECKING:
    from twingraph.project import Project


def _parameters(pairs: tuple[str, ...]) -> dict[str, str]:
    values: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"{pair!r} is not KEY=VALUE, as in -p city=Kassel.", param_hint="-p")
        if key.strip() in values:
            raise click.BadParameter(
                f"{key.strip()} is given twice ({values[key.strip()]!r} and {value!r}); a query takes one value "
                "for each parameter. Run the query once for each value.",
                param_hint="-p",
            )
        values[key.strip()] = value
    return values


def _result_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options shared by `query run` and `sparql`: format, output, endpoint."""
    from twingraph.formats import GRAPH_FORMATS, RESULT_FORMATS, names
    from twingraph.sparql.results import MAX_CELL_WIDTH

    choices = names(RESULT_FORMATS) + names(GRAPH_FORMATS)
    decorators = [
        click.option(
            "-f",
            "--format",
            "fmt",
            type=click.Choice(choices),
            help="table (default on a terminal), csv (default in a pipe), tsv, json or xml for SELECT and ASK; "
            "turtle (default), nt, jsonld or rdfxml for CONSTRUCT and DESCRIBE. With -o: from the file's suffix.",
        ),
        output_option,
        click.option("--endpoint", metavar="URL", help="Run on this SPARQL 1.1 endpoint instead of the local data."),
        click.option(
            "--graph",
            metavar="IRI",
            is_flag=False,
            flag_value="",
            default=None,
            help="With --endpoint: query this named graph as the default graph; --graph alone means the "
            "dataset's graph, where `twingraph push` puts it.",
        ),
        timeout_option(60.0, "With --endpoint: seconds the whole exchange may take, the answer's last byte included."),
        max_answer_option,
        click.option(
            "--wide",
            is_flag=True,
            help=f"table: never cut long cells (on a terminal they are cut at {MAX_CELL_WIDTH} characters; "
            "in a pipe or a file, never).",
        ),
        click.option("--allow-service", is_flag=True, help="Let SERVICE in a local query reach the servers it names."),
        click.option(
            "--data",
            "data_paths",
            multiple=True,
            type=click.Path(path_type=Path),
            help="Query these data files or folders (repeatable) instead of the project's data/.",
        ),
    ]
    for decorator in reversed(decorators):
        command = decorator(command)
    return command


def _run_and_write(
    options: Options,
    stored: Any,
    values: dict[str, str],
    *,
    fmt: str | None,
    output: Path | None,
    endpoint: str | None,
    graph: str | None,
    timeout: float,
    max_answer_mb: float,
    wide: bool,
    allow_service: bool,
    data_paths: tuple[Path, ...],
) -> None:
    """Run a stored or ad-hoc query locally or remotely, and write its result."""
    from twingraph.iris import dataset_iri
    from twingraph.outputs.files import refuse_inputs
    from twingraph.sparql.query import answer_contained, answer_remote

    project = options.project()
    stored = stored.in_languages(options.languages)
    ontology, data = project.graph_inputs(data_paths)
    inputs = [*ontology, *data]
    if stored.path is not None:
        inputs.append(stored.path)
    if output is not None and str(output) != "-":
        refuse_inputs(output, inputs)
    if endpoint:
        if graph == "":
            graph = dataset_iri(project.settings.name, base_iri=project.settings.base_iri)
        answer = answer_remote(
            _endpoint(endpoint, timeout=timeout, max_answer_mb=max_answer_mb),
            stored,
            values,
            default_graphs=(graph,) if graph else (),
        )
        if not graph and _empty(answer):
            _hint_dataset_graph(project, endpoint, timeout=timeout)
    else:
        if graph is not None:
            raise click.UsageError("--graph goes with --endpoint.")
        from twingraph.rdf.load import load_project_graph

        loaded = load_project_graph(project, data_paths, max_bytes=options.max_bytes(project))
        answer = answer_contained(loaded, stored, values, allow_service=allow_service)
        if _empty(answer):
            _hint_similar_places(loaded, stored, values)
    _write_result(answer, fmt, output, wide=wide)
    if answer.kind == "ASK" and not answer.boolean:
        sys.exit(EXIT_NO)


def _empty(answer: Any) -> bool:
    return (answer.kind == "SELECT" and not answer.rows) or (answer.kind == "GRAPH" and not answer.triples)


def _hint_similar_places(loaded: Any, stored: Any, values: dict[str, str]) -> None:
    """An empty answer about a place given by name: name places with partnerships spelled alike."""
    from twingraph.sparql.query import similar_partner_names

    for parameter in stored.parameters:
        given = values.get(parameter.name)
        if parameter.type == "place" and given and not given.startswith(("http://", "https://")):
            similar = similar_partner_names(loaded.store, given)
            if similar:
                click.echo(
                    f"Note: no rows for {given!r}. Places with partnerships named alike: {', '.join(similar)}.",
                    err=True,
                )


def _hint_dataset_graph(project: Project, endpoint: str, *, timeout: float) -> None:
    """An empty answer from a store that holds the dataset only in its named graph (as `push`
    writes it): say so, rather than leave "(0 rows)" to look like the data's answer. Said only
    where it is true: not where the default graph holds the data too (as on `serve`)."""
    from twingraph.iris import TW, dataset_iri
    from twingraph.sparql.query import adhoc_query, run_remote
    from twingraph.sparql.remote import EndpointError
    from twingraph.sparql.text import iri

    graph = dataset_iri(project.settings.name, base_iri=project.settings.base_iri)
    # The dataset's graph holds a partnership that the default graph does not.
    probe = adhoc_query(
        f"ASK {{ GRAPH {iri(graph)} {{ ?p a <{TW}Partnership> }} FILTER NOT EXISTS {{ ?p a <{TW}Partnership> }} }}"
    )
    try:
        held = run_remote(_endpoint(endpoint, timeout=min(timeout, 10.0)), probe, {}).askAnswer
    except EndpointError:
        return
    if held:
        click.echo(
            f"Note: the answer is empty, but {endpoint} holds the dataset in the named graph <{graph}> "
            "(where `twingraph push` puts it). Add --graph to query that graph.",
            err=True,
        )


def _write_result(answer: Any, fmt: str | None, output: Path | None, *, wide: bool = False) -> None:
    from twingraph.formats import GRAPH_SUFFIXES, ROW_SUFFIXES, format_for_suffix
    from twingraph.outputs.files import write_atomic
    from twingraph.sparql.results import render_table, serialize

    to_file = output is not None and str(output) != "-"
    if fmt is None and to_file and output is not None:
        graph = answer.kind == "GRAPH"
        fmt = format_for_suffix(output, GRAPH_SUFFIXES if graph else ROW_SUFFIXES, what="graph" if graph else "result")
    elif fmt is None:
        fmt = "turtle" if answer.kind == "GRAPH" else "table" if answer.kind == "ASK" or sys.stdout.isatty() else "csv"
    if fmt == "table":  # cut long cells only for a person at a terminal
        data = render_table(answer, cut=not wide and not to_file and sys.stdout.isatty()).encode("utf-8")
    else:
        data = serialize(answer, fmt)
    if to_file and output is not None:
        write_atomic(output, data)
    else:
        click.echo(data, nl=False)


@cli.group()
def query() -> None:
    """Stored SPARQL queries: list them, show one, run one locally or on an endpoint."""


@query.command("list")
@pass_options
def query_list(options: Options) -> None:
    """Name, title and parameters of every stored query."""
    from twingraph.sparql.query import stored_queries

    queries = stored_queries(options.project().folder("queries"))
    width = max((len(q.name) for q in queries), default=0)
    for stored in queries:
        params = " ".join(f"-p {p.name}={p.default or '…'}" for p in stored.parameters)
        click.echo(f"{stored.name:<{width}}  {stored.title}" + (f"  [{params}]" if params else ""))


@query.command("show")
@click.argument("name")
@pass_options
def query_show(options: Options, name: str) -> None:
    """The metadata and SPARQL text of one stored query (NAME or FILE.rq)."""
    from twingraph.sparql.query import find_stored_query

    stored = find_stored_query(options.project().folder("queries"), name)
    click.echo(f"{stored.name}: {stored.title}")
    if stored.description:
        click.echo(stored.description)
    for parameter in stored.parameters:
        default = f" = {parameter.default}" if parameter.default else " (required)"
        click.echo(f"  -p {parameter.name}: {parameter.type}{default}  {parameter.description}")
    click.echo("")
    click.echo(stored.text, nl=not stored.text.endswith("\n"))


@query.command("run")
@click.argument("name")
@click.option(
    "-p", "--param", "pairs", multiple=True, metavar="KEY=VALUE", help="A parameter (repeatable): -p city=Kassel."
)
@_result_options
@pass_options
def query_run(options: Options, name: str, pairs: tuple[str, ...], **kwargs: Any) -> None:
    """Run a stored query (NAME, or FILE.rq) on the project's data or on --endpoint.

    A place parameter takes a name in any spelling or an IRI, ours or Wikidata's. Exit 0
    with results; for ASK, 0 for yes and 1 for no; 2 if it could not run.
    """
    from twingraph.sparql.query import find_stored_query

    stored = find_stored_query(options.project().folder("queries"), name)
    _run_and_write(options, stored, _parameters(pairs), **kwargs)


@cli.command()
@click.argument("text", metavar="QUERY")
@_result_options
@pass_options
def sparql(options: Options, text: str, **kwargs: Any) -> None:
    """Run an ad-hoc SPARQL query (QUERY, or - to read it from stdin).

    Local queries are read-only and offline: updates, LOAD, FROM and SERVICE are refused, and
    so are queries nested over 100 deep or over 256 KiB, 20,000 terms, 2,000 operators or 200
    UNION branches (exit 2).
    """
    from twingraph.sparql.query import adhoc_query

    if text == "-":
        text = sys.stdin.read()
    _run_and_write(options, adhoc_query(text), {}, **kwargs)
