"""`retract`: corrections of the data without editing Turtle."""

from __future__ import annotations

from pathlib import Path

import click

from twingraph.cli.base import Options, cli, pass_options


@cli.command()
@click.argument("partnerships", nargs=-1, metavar="PARTNERSHIP...")
@click.option("--reason", required=True, metavar="TEXT", help="Why the partnership is wrong (published with it).")
@click.option(
    "--source", "source_url", required=True, metavar="URL", help="Who says so: the page that lists the city's partners."
)
@click.option(
    "--not-in",
    "not_in",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="Retract every partnership that another data file has and this one (the city's own list) lacks, "
    "as `report coverage --against` lists them.",
)
@pass_options
def retract(options: Options, partnerships: tuple[str, ...], reason: str, source_url: str, not_in: Path | None) -> None:
    """Retract wrong partnerships (an IRI, or a slug such as jena--porto): a deprecated claim with
    its reason and source goes into data/corrections.ttl, and build, pages, queries and exports
    leave the partnership out. The data files are not changed, so a later import does not bring
    it back; `wikidata quickstatements` proposes the correction for Wikidata.

    An unknown partnership is exit 2, with nothing written.
    """
    from twingraph.errors import InputError, display_path
    from twingraph.partner_lists.retraction import retract as retract_partnerships

    if not source_url.startswith(("http://", "https://")) or any(c in source_url for c in ' <>"{}|\\^`'):
        raise InputError(f"--source {source_url!r} is not an http(s) URL.")
    if not reason.strip():
        raise InputError("--reason is empty: say why the partnership is wrong.")
    project = options.project()
    wanted = list(partnerships)
    if not_in is not None:
        wanted += [row.partnership for row in _lacking(options, not_in)]
    if not wanted:
        raise click.UsageError("name a PARTNERSHIP to retract, or --not-in FILE.")
    done = retract_partnerships(
        project, wanted, reason=reason.strip(), source_url=source_url, max_bytes=options.max_bytes(project)
    )
    for iri in done.already:
        click.echo(f"{iri} is retracted already.")
    if done.retracted:
        click.echo(
            f"Retracted {len(done.retracted)} partnership(s) in {display_path(done.out)}: "
            f"{', '.join(i.rsplit('/', 1)[-1] for i in done.retracted)}. build, pages and queries leave them out."
        )


def _lacking(options: Options, against: Path) -> list:  # type: ignore[type-arg]
    from twingraph.network.coverage import lacking
    from twingraph.rdf.load import load_project_graph

    project = options.project()
    _, data_paths = project.graph_inputs()
    loaded = load_project_graph(project, max_bytes=options.max_bytes(project))
    return lacking(loaded, data_paths, against, options.languages)
