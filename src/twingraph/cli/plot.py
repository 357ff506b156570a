"""`plot`: timelines, maps and networks as SVG or PNG."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from twingraph.cli.base import Options, _checked_output, cli, pass_options
from twingraph.formats import PICTURE_FORMATS, names


@cli.command()
@click.argument("kind", type=click.Choice(["timeline", "map", "network"]))
@click.argument("city", required=False)
@click.option(
    "-f", "--format", "fmt", type=click.Choice(names(PICTURE_FORMATS)), help="Default: by the -o suffix, else SVG."
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    callback=_checked_output,
    help="Write to this file (atomically); - is stdout. Default: CITY-KIND.svg (or .png) in the current folder.",
)
@click.option(
    "--depth", default=1, show_default=True, type=click.IntRange(1, 3), help="network: 2 adds the partners' partners."
)
@click.option(
    "--top",
    default=40,
    show_default=True,
    type=click.IntRange(2, 500),
    help="network without CITY: how many places (with --by-country: countries).",
)
@click.option("--world", is_flag=True, help="map: every partnership of the data, as faint lines whose density shows.")
@click.option("--by-country", is_flag=True, help="network: countries joined by their partnerships, not places.")
@click.option("--country", metavar="NAME", help="With --world or --by-country: only the partnerships of this country.")
@pass_options
def plot(
    options: Options, kind: str, city: str | None, fmt: str | None, output: Path | None, depth: int, top: int,
    world: bool, by_country: bool, country: str | None,
) -> None:  # fmt: skip
    """Draw a city's partnerships: a timeline, a map, or a network, as SVG or PNG.

    CITY is a name in any language, our IRI or a Wikidata IRI; without it, timeline and map
    show the place with the most partnerships, and network the --top best-connected places.
    `map --world` draws the whole network (17,000 partnerships stay legible as density), and
    `network --by-country` the flows between countries; --country NAME narrows both to one
    country. The same data always gives the same bytes.
    """
    from twingraph.errors import display_path
    from twingraph.formats import PICTURE_SUFFIXES, format_for_suffix
    from twingraph.outputs.files import refuse_inputs, write_atomic
    from twingraph.plots.draw import World, draw, present_year, render
    from twingraph.rdf.load import load_project_graph
    from twingraph.sparql.query import resolve_place_in_store

    whole = world or by_country
    if city and whole:
        raise click.UsageError("give a CITY, or --world / --by-country for the whole network, not both.")
    if (world and kind != "map") or (by_country and kind != "network"):
        raise click.UsageError("--world goes with map, --by-country with network.")
    if country and not whole:
        raise click.UsageError("--country goes with map --world or network --by-country.")
    project = options.project()
    loaded = load_project_graph(project, max_bytes=options.max_bytes(project))
    iri = str(resolve_place_in_store(loaded.store, city)) if city else None
    if output is None:  # a picture is a file: a default name rather than bytes on the terminal
        slug = iri.rstrip("/").rsplit("/", 1)[-1] if iri else project.settings.name
        slug += "-world" if whole else ""
        output = Path(f"{slug}-{kind}.{fmt or 'svg'}")
    to_file = str(output) != "-"
    if to_file:
        refuse_inputs(output, list(loaded.paths))
    if fmt is None:
        fmt = format_for_suffix(output, PICTURE_SUFFIXES, what="picture") if to_file else "svg"
    if not to_file and fmt == "png" and sys.stdout.isatty():
        raise click.UsageError("a PNG is not for a terminal: give -o FILE.png, or pipe it (-o - | …).")
    present = present_year(project.settings.publishing.modified)
    scope = World(country, options.languages) if whole else None
    figure = draw(
        kind, loaded.store, city=iri, present=present, depth=depth, top=top, world=scope, languages=options.languages
    )
    body = render(figure, fmt, salt=f"twingraph-{kind}")
    if to_file:
        write_atomic(output, body)
        click.echo(f"Wrote {display_path(output)}.", err=True)
    else:
        click.echo(body, nl=False)
