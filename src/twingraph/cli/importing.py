"""`import csv`: a city's own partner list, matched to Wikidata, as data in our ontology."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from twingraph.cli.base import EXIT_NO, Options, cli, pass_options
from twingraph.cli.wikidata import _client, _wikidata_options
from twingraph.partner_lists.values import DATE_FORMATS


@cli.group("import")
def import_group() -> None:
    """Import a city's partner list from the form it is published in."""


@import_group.command("csv")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--source",
    "source_url",
    required=True,
    metavar="URL",
    help="Where the list was published: every partnership is sourced to it, with its line.",
)
@click.option(
    "-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="Default: data/CITY-partners.ttl."
)
@click.option(
    "--map",
    "mappings",
    multiple=True,
    metavar="FIELD=COLUMN",
    help="Which column holds a field (repeatable); common English and German column names need none.",
)
@click.option("--city", metavar="QID|NAME", help="The city of every row, where the list has no place column.")
@click.option(
    "--date-format",
    type=click.Choice(DATE_FORMATS),
    help="How to read dates such as 05/06/1972, which could be either.",
)
@click.option(
    "--lang",
    "language",
    default="en",
    show_default=True,
    metavar="LANG",
    help="The language of the names in the list (their labels, and how they are matched).",
)
@click.option(
    "--review",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the matching table here; QIDs filled into it win on the next run.",
)
@click.option(
    "--no-reconcile",
    is_flag=True,
    help="Match nothing with Wikidata (no network): every name without a QID is unmatched.",
)
@click.option("--force", is_flag=True, help="Overwrite the output even if it was edited or not written by an import.")
@_wikidata_options
@pass_options
def import_csv(
    options: Options, file: Path, source_url: str, output: Path | None, mappings: tuple[str, ...], city: str | None,
    date_format: str | None, language: str, review: Path | None, no_reconcile: bool, force: bool, **client_options: Any,
) -> None:  # fmt: skip
    """Read a partner list (CSV: comma, semicolon or tab; UTF-8 or Windows-1252) and write it as our data.

    Every place, partner and country without a QID is matched with Wikidata: matched (one
    candidate), ambiguous (several) or unmatched; nothing is guessed. Exit 0 if all matched
    and the data conforms, 1 if anything needs review or does not conform (the file is still
    written), 2 if the list cannot be read or a required field has no column (nothing written).
    """
    from twingraph.errors import InputError
    from twingraph.partner_lists.importer import ImportOptions, default_output, import_list

    project = options.project()
    mapping = {}
    for item in mappings:
        name, equals, column = item.partition("=")
        if not equals or not name.strip() or not column.strip():
            raise InputError(f"--map {item!r}: write it as FIELD=COLUMN, such as --map partner=Partnerstadt.")
        mapping[name.strip()] = column.strip()
    out = output or default_output(project, city, file)
    settings = ImportOptions(source_url, mapping, city, date_format, language, review, force)
    client = None if no_reconcile else _client(**client_options)
    done = import_list(project, file, out, settings, client, max_bytes=options.max_bytes(project))
    for line in describe(done):
        click.echo(line)
    if done.needs_review or not done.report.conforms:
        sys.exit(EXIT_NO)


def describe(done: Any) -> list[str]:
    """The summary of an import."""
    from twingraph.wikidata.reconcile import AMBIGUOUS, GIVEN, MATCHED, REVIEWED, UNCONFIRMED, UNMATCHED

    read = done.read
    lines = [
        f"Read {len(read.rows)} rows of {read.path.name} ({read.delimiter}-separated, {read.encoding}); "
        f"wrote {done.partnerships} partnerships and {done.places} places to {done.out}.",
        f"Wikidata: {done.count(MATCHED)} matched, {done.count(AMBIGUOUS)} ambiguous, "
        f"{done.count(UNCONFIRMED)} unconfirmed, {done.count(UNMATCHED)} unmatched; "
        f"{done.count(GIVEN)} given in the list, {done.count(REVIEWED)} chosen in the review.",
    ]
    for match in sorted(done.matches, key=lambda m: (m.state, m.name.kind, m.name.text)):
        name = f"{match.name.kind} {match.name.text!r}"
        choices = "; ".join(f"{q} {d}".strip() for q, d in match.candidates)
        near = f" (did you mean {'; '.join(f'{q}: {d}' for q, d in match.suggestions)}?)" if match.suggestions else ""
        if match.state == AMBIGUOUS:
            lines.append(f"  ambiguous {name}: {choices}{near}")
        elif match.state == UNCONFIRMED:
            lines.append(
                f"  unconfirmed {name}: Wikidata cannot confirm that {choices} lies in {match.name.country!r}{near}"
            )
        elif match.state == UNMATCHED:
            lines.append(f"  unmatched {name}{near}")
    for line, why in done.problems.skipped:
        lines.append(f"  line {line}: skipped ({why})")
    for line, why in [*done.problems.cells, *done.problems.warnings]:
        lines.append(f"  line {line}: {why}")
    for conflict in done.problems.conflicts:
        lines.append(f"  {conflict}")
    for note in done.notes:
        lines.append(f"  {note}")
    if done.review and done.needs_review:
        lines.append(f"The matching table is in {done.review}: fill in the qid column and import again.")
    elif done.review:
        lines.append(f"The matching table is in {done.review}.")
    if not done.report.conforms:
        lines.append(
            f"It does not conform to the shapes ({len(done.report.violations)} violations): `twingraph validate` "
            "lists them, and `build` refuses until it conforms."
        )
    elif done.needs_review:
        lines.append("It conforms to the shapes; the names and lines above need review.")
    else:
        lines.append("It conforms to the shapes.")
    return lines
