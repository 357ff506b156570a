"""`wikidata diff|quickstatements|link|import`: the commands whose job is Wikidata."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from twingraph.cli.base import (
    EXIT_NO,
    EXIT_OK,
    Options,
    _emit,
    _endpoint,
    cli,
    max_answer_option,
    output_option,
    pass_options,
    timeout_option,
)


def _wikidata_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options every `wikidata` command shares: endpoint, cache, timeout."""
    decorators = [
        click.option(
            "--endpoint", metavar="URL", help="A SPARQL endpoint with Wikidata's data. Default: query.wikidata.org."
        ),
        click.option(
            "--cache-dir",
            type=click.Path(path_type=Path, file_okay=False),
            help="Answers are cached here for 7 days (default: ~/.cache/twingraph/wikidata).",
        ),
        click.option("--no-cache", is_flag=True, help="Ask the endpoint every time."),
        timeout_option(60.0, "Seconds each exchange with the endpoint may take, its answer's last byte included."),
        max_answer_option,
    ]
    for decorator in reversed(decorators):
        command = decorator(command)
    return command


def _client(endpoint: str | None, cache_dir: Path | None, no_cache: bool, timeout: float, max_answer_mb: float) -> Any:
    from twingraph.wikidata.client import WIKIDATA_ENDPOINT, Cache, WikidataClient

    folder = None if no_cache else (cache_dir or Cache.default_folder())
    url = endpoint or WIKIDATA_ENDPOINT
    return WikidataClient(_endpoint(url, timeout=timeout, max_answer_mb=max_answer_mb), Cache(folder))


@cli.group()
def wikidata() -> None:
    """Compare with Wikidata, link places to it, import a city from it, contribute back.

    These commands, with --endpoint elsewhere, are the only ones that use the network.
    """


@wikidata.command("diff")
@click.argument("names", nargs=-1, metavar="[CITY]...")
@click.option("-f", "--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@_wikidata_options
@pass_options
def wikidata_diff(options: Options, names: tuple[str, ...], fmt: str, **client_options: Any) -> None:
    """Compare our partnerships with Wikidata's P190 statements. Exit 0 if they agree, 1 if not.

    CITY is a name or IRI; by default every city with more than one partnership.
    """
    from twingraph.rdf.load import load_project_graph
    from twingraph.wikidata.compare import cities, diff, render

    project = options.project()
    graph = load_project_graph(project, max_bytes=options.max_bytes(project)).graph
    targets = cities(graph, names)
    if not targets:
        raise click.UsageError("no city with a Wikidata link to compare; name one, or link it first (wikidata link).")
    differences = diff(graph, targets, _client(**client_options))
    click.echo(render(differences, fmt, cities_compared=targets), nl=False)
    sys.exit(EXIT_NO if differences else EXIT_OK)


@wikidata.command("quickstatements")
@click.argument("names", nargs=-1, metavar="[CITY]...")
@_wikidata_options
@pass_options
def wikidata_quickstatements(options: Options, names: tuple[str, ...], **client_options: Any) -> None:
    """Print QuickStatements that add to Wikidata the sourced partnerships it lacks (P190 both ways),
    and remove the P190 statements of partnerships the project retracts (`twingraph retract`).

    Review them, then run them at https://quickstatements.toolforge.org/. QuickStatements cannot
    set a rank: to keep a wrong statement visible as deprecated, with its reason (P2241), make
    that edit by hand instead of the removal.
    """
    from twingraph.rdf.load import load_project_graph
    from twingraph.wikidata.compare import cities, diff, quickstatements, retraction_statements

    project = options.project()
    graph = load_project_graph(project, max_bytes=options.max_bytes(project)).graph
    targets = cities(graph, names)
    lines = quickstatements(graph, diff(graph, targets, _client(**client_options)))
    retracted = retraction_statements(graph)
    if retracted:
        click.echo(
            f"{len(retracted)} removal(s) of retracted partnerships; QuickStatements cannot deprecate, so a person "
            "may set the deprecated rank with its reason (P2241) by hand instead.",
            err=True,
        )
    lines += retracted
    if lines:
        click.echo("\n".join(lines))
    click.echo(f"{len(lines)} statement(s) to review.", err=True)


@wikidata.command("link")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--review",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path("wikidata-review.csv"),
    show_default=True,
    help="Where to write every candidate with its confidence and evidence.",
)
@click.option(
    "--accept",
    "accept_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Also write the unambiguous links as Turtle here, to add to data/.",
)
@_wikidata_options
@pass_options
def wikidata_link(
    options: Options, paths: tuple[Path, ...], review: Path, accept_path: Path | None, **client_options: Any
) -> None:
    """Find Wikidata items for places that have none (PATHS, default the project's data/).

    Candidates are ranked by name (in several languages and spellings), country, kind of
    place, and being twinned on Wikidata with the place's partners. Nothing is written into
    the data: the suggestions go to the review file, and --accept writes the unambiguous ones
    to a separate Turtle file.
    """
    from twingraph.outputs.files import refuse_inputs, write_atomic
    from twingraph.rdf.load import load_project_graph
    from twingraph.wikidata.link import accepted_links, review_csv, suggest, unlinked_places

    project = options.project()
    loaded = load_project_graph(project, paths, max_bytes=options.max_bytes(project))
    places = unlinked_places(loaded.graph)
    if not places:
        click.echo("Every place already has a Wikidata link.", err=True)
        return
    suggestions = suggest(places, _client(**client_options))
    inputs = [*loaded.paths]
    for target in (review, accept_path):
        if target is not None:
            refuse_inputs(target, inputs)
    write_atomic(review, review_csv(suggestions))
    width = max(len(s.name) for s in suggestions)
    for suggestion in suggestions:
        best = suggestion.candidates[0] if suggestion.candidates else None
        verdict = "accept" if suggestion.accepted else ("ambiguous" if best else "no candidate")
        shown = f"{best.qid} {best.label} ({best.confidence:.2f})" if best else ""
        click.echo(f"{suggestion.name:<{width}}  {verdict:<12}  {shown}".rstrip())
    if accept_path is not None:
        write_atomic(accept_path, accepted_links(suggestions))
    accepted = sum(1 for s in suggestions if s.accepted)
    click.echo(f"{accepted} of {len(suggestions)} unambiguous; every candidate is in {review}.", err=True)


@wikidata.command("import")
@click.argument("qid", required=False)
@click.option(
    "--depth", type=click.IntRange(1, 3), default=1, show_default=True, help="2 also follows the partners' partners."
)
@click.option(
    "--all",
    "everything",
    is_flag=True,
    help="Every P190 statement on the endpoint (the world's network), read for 200 items at a time; "
    "labels only in the global --lang languages (default en,de), English and mul.",
)
@output_option
@_wikidata_options
@pass_options
def wikidata_import(
    options: Options, qid: str | None, depth: int, everything: bool, output: Path | None, **client_options: Any
) -> None:
    """Write a data file in our ontology for a city (QID) and its P190 partners, or with --all for
    every P190 statement on the endpoint, then validate it.

    Exit 0 if it conforms to the shapes, 1 if not (each place that does not is listed, with why).
    """
    from twingraph.errors import InputError
    from twingraph.rdf.load import load_graph
    from twingraph.shacl.validate import load_shapes, validate_graph
    from twingraph.wikidata.importer import import_all, import_graph

    if (qid is None) == (not everything):
        raise InputError("give either a city's QID or --all (every P190 statement on the endpoint), not both.")
    project = options.project()
    ontology_files, data_paths = project.graph_inputs()
    if output is not None and str(output) != "-":  # before minutes of paging, not after
        from twingraph.outputs.files import refuse_inputs

        refuse_inputs(output, [*ontology_files, *data_paths])
    client = _client(**client_options)
    base = project.settings.base_iri
    imported = (
        import_all(client, base_iri=base, languages=options.languages)
        if everything
        else import_graph(client, str(qid), depth=depth, base_iri=base)
    )
    body = imported.turtle(base_iri=base)
    _emit(body, output, inputs=[*ontology_files, *data_paths])
    # The Turtle as written, loaded beside the ontology: Oxigraph reads it in half a second,
    # where rdflib's merge of the world's graph with the ontology took six.
    written = (output if output is not None and str(output) != "-" else Path("imported.ttl"), body)
    loaded = load_graph(ontology_files, max_bytes=options.max_bytes(project), written=[written])
    report = validate_graph(loaded.graph, load_shapes(project))
    click.echo(f"Imported {imported.places} places and {imported.partnerships} partnerships from Wikidata.", err=True)
    if imported.deprecated:
        click.echo(f"  {imported.deprecated} deprecated statement kept as a deprecated claim, not as a partnership."
                   if imported.deprecated == 1 else
                   f"  {imported.deprecated} deprecated statements kept as deprecated claims, not as partnerships.",
                   err=True)  # fmt: skip
    if report.conforms:
        click.echo("It conforms to the shapes.", err=True)
        return
    by_place: dict[str, list[str]] = {}
    for finding in report.violations:
        by_place.setdefault(f"{finding.focus_label} <{finding.focus}>", []).append(finding.message)
    click.echo(f"{len(by_place)} resource(s) do not conform:", err=True)
    for place, messages in sorted(by_place.items()):
        click.echo(f"  {place}: {'; '.join(sorted(set(messages)))}", err=True)
    sys.exit(EXIT_NO)
