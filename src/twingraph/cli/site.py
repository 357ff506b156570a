"""`site`: the static linked-data site, for any web host."""

from __future__ import annotations

from pathlib import Path

import click

from twingraph.cli.base import Options, _warn_placeholders, cli, exit_unless_conforming, pass_options, progress
from twingraph.project import DEFAULT_SITE_PICTURES


@cli.command()
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    help="The output folder (public/, nginx/, w3id/): replaced whole, and only if it is empty or a site "
    "twingraph wrote. Default: site/ in the project's folder.",
)
@click.option(
    "--base-url",
    metavar="URL",
    help="Where public/ will be served; the dumps are under dist/ there. Default: the project's base_iri.",
)
@click.option(
    "--server-folder",
    metavar="DIR",
    help="Where the output folder will be on the nginx server, for http.conf's js_path. Default: --out's "
    "absolute path.",
)
@click.option(
    "--pictures",
    type=click.IntRange(min=0),
    default=DEFAULT_SITE_PICTURES,
    show_default=True,
    help="Draw the map and timeline on the pages of this many places, those with the most partnerships "
    "(each costs 0.1-0.3 s); the other pages list their partners in the table only.",
)
@pass_options
def site(options: Options, out: Path | None, base_url: str | None, server_folder: str | None, pictures: int) -> None:
    """Validate, then write a static linked-data site: every resource as a page and in four RDF
    formats, with the Apache (.htaccess), nginx and w3id.org rules that negotiate them.

    Data that does not conform is not published: exit 1, and the old site is unchanged. The
    site is swapped in whole; files whose bytes did not change are hard-linked from the old
    site, so a rebuild changes only what changed. The README's "Publishing on your own web
    server" shows the nginx and Apache set-up.
    """
    from twingraph.errors import display_path
    from twingraph.static_site.generate import write_site

    project = options.project()
    out = options.output_folder(project, out, "site")
    _warn_placeholders(project, base_url=base_url)
    report = write_site(
        project,
        out=out,
        base_url=base_url,
        server_folder=server_folder,
        pictures=pictures,
        max_bytes=options.max_bytes(project),
        progress=progress,
    )
    exit_unless_conforming(report.conforms, report.violations, out, verb="written")
    for iri in report.skipped:
        click.echo(f"Warning: <{iri}> has no page: its path cannot be a file name.", err=True)
    click.echo(
        f"Wrote {display_path(out)}: {report.resources:,} resources, {report.files:,} files "
        f"({report.written:,} new or changed, {report.unchanged:,} unchanged, {report.removed:,} removed); "
        f"pictures on {report.pictured:,} pages."
    )
