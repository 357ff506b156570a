"""`catalog` and `build`: the DCAT-AP catalogue and the published files."""

from __future__ import annotations

from pathlib import Path

import click

from twingraph.cli.base import (
    Options,
    _emit,
    _warn_placeholders,
    cli,
    exit_unless_conforming,
    output_option,
    pass_options,
    progress,
)
from twingraph.formats import CATALOG_FORMATS, names


@cli.command()
@click.option(
    "--profile",
    type=click.Choice(["dcat-ap", "dcat-ap-de"]),
    default="dcat-ap",
    show_default=True,
    help="dcat-ap-de adds what GovData expects.",
)
@click.option(
    "-f", "--format", "fmt", type=click.Choice(names(CATALOG_FORMATS)), help="Default: from the -o suffix, else turtle."
)
@click.option("--base-url", metavar="URL", help="Where the files are published. Default: [publish] base_url.")
@output_option
@pass_options
def catalog(options: Options, profile: str, fmt: str | None, base_url: str | None, output: Path | None) -> None:
    """Print the DCAT-AP 3 catalogue of the project's data, with the sizes and checksums `build` would publish."""
    from twingraph.formats import CATALOG_SUFFIXES, format_for_suffix
    from twingraph.publish.build import catalog_bytes, distribution_files, settings_for_base_url
    from twingraph.publish.catalog import catalog_graph
    from twingraph.publish.data_facts import coverage
    from twingraph.rdf.load import load_project_graph

    if fmt is None:
        to_file = output is not None and str(output) != "-"
        fmt = format_for_suffix(output, CATALOG_SUFFIXES, what="catalogue") if to_file and output else "turtle"
    project = options.project()
    _warn_placeholders(project, base_url=base_url)
    settings = settings_for_base_url(project.settings, base_url)
    ontology_files, data_paths = project.graph_inputs()
    loaded = load_project_graph(project, max_bytes=options.max_bytes(project))
    graph = catalog_graph(
        settings,
        distribution_files(settings, loaded, data_paths),
        covers=coverage(loaded, data_paths),
        profile=profile,
    )
    body = catalog_bytes(graph, fmt)
    _emit(body, output, inputs=[*ontology_files, *data_paths])


@cli.command()
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    help="The output folder: replaced whole, and only if it is empty or a folder twingraph built. "
    "Default: dist/ in the project's folder.",
)
@click.option("--base-url", metavar="URL", help="Where dist/ will be published. Default: [publish] base_url.")
@pass_options
def build(options: Options, out: Path | None, base_url: str | None) -> None:
    """Validate, then write dist/: every export format, the DCAT-AP catalogues, VoID.

    Data that does not conform is not published: exit 1, and dist/ keeps its previous
    content. dist/ is swapped in whole, so a failed build changes nothing.
    """
    from twingraph.publish.build import build as run_build
    from twingraph.publish.build import describe

    project = options.project()
    out = options.output_folder(project, out, "dist")
    _warn_placeholders(project, base_url=base_url)
    report = run_build(
        project,
        out=out,
        base_url=base_url,
        max_bytes=options.max_bytes(project),
        progress=progress,
    )
    exit_unless_conforming(report.conforms, report.violations, out, verb="built")
    click.echo("\n".join(describe(report)))


@cli.command()
def licences() -> None:
    """List the licences a project may publish under (`[publish] licence`, `init --licence`):
    the EU licence vocabulary's code and IRI, the name, and CKAN's license_id where it has one."""
    from twingraph.licences import LICENCES

    for licence in LICENCES.values():
        ckan = f"  (CKAN: {licence.ckan_id})" if licence.ckan_id else ""
        click.echo(f"{licence.code:<15} {licence.title_en}{ckan}\n{'':<15} {licence.iri}")
