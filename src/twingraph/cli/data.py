"""`validate`, `summary`, `export`: the project's data, checked, summarised, written."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import click

from twingraph.cli.base import EXIT_NO, EXIT_OK, Options, _emit, cli, output_option, pass_options
from twingraph.forge import ANNOTATION_FORMATS
from twingraph.formats import EXPORT_FORMATS, NETWORK_FORMATS, names

if TYPE_CHECKING:
    from twingraph.shacl.validate import ValidationReport


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--shapes",
    "shape_paths",
    multiple=True,
    type=click.Path(path_type=Path),
    help="SHACL shapes file or folder (repeatable). Default: the project's shapes/.",
)
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["text", "turtle", "json", *ANNOTATION_FORMATS]),
    default="text",
    show_default=True,
    help="text: grouped by resource; turtle: the standard SHACL validation report; json; github: GitHub "
    "Actions annotations on each finding's file and line (and, where $GITHUB_STEP_SUMMARY is set, a "
    "Markdown summary appended to it); gitlab: GitLab's code-quality report (JSON); markdown: a summary table.",
)
@click.option(
    "--engine",
    type=click.Choice(["auto", "fast", "pyshacl"]),
    default="auto",
    show_default=True,
    help="fast: twingraph's bulk engine on Oxigraph; pyshacl: the reference; auto: fast where it applies.",
)
@pass_options
def validate(options: Options, paths: tuple[Path, ...], shape_paths: tuple[Path, ...], fmt: str, engine: str) -> None:
    """Check data against the SHACL shapes.

    PATHS are data files or folders; by default the project's data/. The project's ontology
    is always validated with them. Exit 0 if the data conforms, 1 if not, 2 if it could not
    be checked.
    """
    from twingraph.shacl.reports import render_report, verdict
    from twingraph.shacl.validate import validate_project

    project = options.project()
    report = validate_project(
        project,
        data_paths=paths,
        shape_paths=shape_paths,
        max_bytes=options.max_bytes(project),
        engine=engine,
    )
    if fmt in ANNOTATION_FORMATS:
        _annotate(report, fmt, project.root)
    else:
        click.echo(render_report(report, fmt), nl=False)
    if fmt != "text":
        click.echo(verdict(report), err=True)
    sys.exit(EXIT_OK if report.conforms else EXIT_NO)


def _annotate(report: ValidationReport, fmt: str, root: Path) -> None:
    """Findings where a forge shows them, each at its file and line."""
    import os

    from twingraph.forge.annotations import markdown_summary, render_annotations
    from twingraph.forge.locations import Location, locate_findings

    locations: list[Location | None] = [None] * len(report.findings)
    if report.data is not None:
        locations = locate_findings(report.data, report.findings, root)
    click.echo(render_annotations(report, fmt, locations), nl=False)
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if fmt == "github" and summary:
        try:
            with open(summary, "a", encoding="utf-8") as job_summary:  # GitHub's own file: added to, as it asks
                job_summary.write(markdown_summary(report, locations))
        except OSError as exc:
            click.echo(f"Warning: cannot add to the job summary {summary}: {exc.strerror}.", err=True)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@pass_options
def summary(options: Options, paths: tuple[Path, ...]) -> None:
    """Print a one-screen summary: places, partnerships, sources, Wikidata links.

    PATHS are data files or folders; by default the project's data/.
    """
    from twingraph.rdf.load import describe_files, load_project_graph
    from twingraph.summary import format_summary, summarize

    project = options.project()
    loaded = load_project_graph(project, paths, max_bytes=options.max_bytes(project))
    ontology, _ = project.graph_inputs(paths)
    data_files = [f for f in loaded.files if f.path not in ontology]
    result = summarize(loaded.graph, languages=options.languages)
    click.echo(format_summary(result, title=project.settings.title, files=describe_files(data_files)))


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(names(EXPORT_FORMATS) + names(NETWORK_FORMATS)),
    help="Default: from the -o suffix, else turtle. csv has one row per partnership; csv-long one row "
    "per place and partner (each partnership twice), to filter by one column. graphml, gexf (Gephi, with "
    "the years as a timeline), geojson, edges-csv and nodes-csv give the network, keyed by Wikidata QID.",
)
@output_option
@pass_options
def export(options: Options, paths: tuple[Path, ...], fmt: str | None, output: Path | None) -> None:
    """Write the data (PATHS, default the project's data/) in one format, deterministically.

    The same input always gives the same bytes. JSON-LD is compacted against twingraph's
    context, embedded in the file.
    """
    from twingraph.formats import EXPORT_SUFFIXES, format_for_suffix
    from twingraph.rdf.export import serialize_loaded
    from twingraph.rdf.load import load_project_graph

    project = options.project()
    ontology_files, data_paths = project.graph_inputs(paths)
    if fmt is None:
        to_file = output is not None and str(output) != "-"
        fmt = format_for_suffix(output, EXPORT_SUFFIXES, what="export") if to_file and output else "turtle"
    loaded = load_project_graph(project, paths, max_bytes=options.max_bytes(project))
    body: bytes | Iterator[bytes]
    if fmt in names(NETWORK_FORMATS):
        from twingraph.network.model import network, unplaced
        from twingraph.network.writers import chunks

        net = network(loaded.store, options.languages)
        places, partnerships = unplaced(net)
        if fmt == "geojson" and places:
            click.echo(
                f"Warning: {places:,} places have no coordinates; they and their {partnerships:,} partnerships are "
                "left out of the GeoJSON (add schema:latitude, schema:longitude and tw:coordinateSource).",
                err=True,
            )
        body = chunks(net, fmt)  # written as it is made
    else:
        body = serialize_loaded(
            loaded, fmt, data_paths=data_paths, languages=options.languages, base_iri=project.settings.base_iri
        )
    _emit(body, output, inputs=[*ontology_files, *data_paths])
