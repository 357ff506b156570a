"""`init`: a new project folder for a city, from Wikidata."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from twingraph.cli.base import Options, cli, pass_options
from twingraph.cli.wikidata import _client, _wikidata_options


@cli.command()
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
@click.option("--wikidata", "qid", required=True, metavar="QID", help="The city's Wikidata item, such as Q1707 (Kiel).")
@click.option(
    "--base-iri",
    metavar="IRI",
    help="Where the data's IRIs are minted: an address the city controls, ending in '/'. Default: a placeholder "
    "under https://example.org/ that build warns about.",
)
@click.option(
    "--publisher", metavar="NAME", help="Who publishes the data. Default: left for you to set (marked CHECK)."
)
@click.option(
    "--licence",
    metavar="IRI|CODE",
    help="The data's licence: its EU licence vocabulary IRI or code (DL_DE_BY_2_0, CC_BY_4_0, …; `twingraph "
    "licences` lists them). Default: left for you to set (CHECK).",
)
@click.option(
    "--no-ci",
    is_flag=True,
    help="Write no CI files (.github/workflows/twingraph.yml, .gitlab-ci.yml), README.md or .gitignore.",
)
@_wikidata_options
@pass_options
def init(
    options: Options, folder: Path, qid: str, base_iri: str | None, publisher: str | None, licence: str | None,
    no_ci: bool, **client_options: Any,
) -> None:  # fmt: skip
    """Make FOLDER (new or empty) a project for a city: twingraph.toml and data/CITY.ttl, the city
    and its partners as Wikidata has them; and, for the city's Git repository, its CI and a README.

    The bundled ontology, shapes and queries are used. Settings twingraph cannot know are marked
    CHECK in twingraph.toml. The CI (GitHub Actions and GitLab CI, pinned to this twingraph
    version) validates every pull request, with each problem shown on its line, and publishes the
    site to GitHub or GitLab Pages from the main branch. A folder that is not empty is refused
    (exit 2) and left as it is.
    """
    from twingraph.forge.ci_files import repository_files
    from twingraph.project import checked_base_iri, checked_licence
    from twingraph.wikidata.new_project import create_project

    licence = checked_licence(licence) if licence else None  # before anything is asked or written

    made = create_project(
        folder,
        _client(**client_options),
        qid,
        base_iri=checked_base_iri(base_iri) if base_iri else None,
        publisher=publisher,
        licence=licence,
        repository_files=None if no_ci else repository_files,
    )
    places = f"{made.places} place{'' if made.places == 1 else 's'}"
    partnerships = f"{made.partnerships} partnership{'' if made.partnerships == 1 else 's'}"
    click.echo(
        f"Made {made.folder}: {made.title}, {places} and {partnerships} in {made.data_file.relative_to(made.folder)}."
    )
    if made.unchecked:
        click.echo(f"Check in {made.folder / 'twingraph.toml'}: {', '.join(made.unchecked)} (marked CHECK).")
    if not no_ci:
        click.echo("CI for GitHub and GitLab: .github/workflows/twingraph.yml, .gitlab-ci.yml (see README.md).")
    click.echo(f"Next: twingraph --root {made.folder} validate")
