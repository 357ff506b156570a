"""`report reciprocity`: what researchers and Wikidata editors ask of the network."""

from __future__ import annotations

import json
from typing import Any

import click

from twingraph.cli.base import Options, cli, pass_options
from twingraph.cli.wikidata import _client, _wikidata_options


@cli.group()
def report() -> None:
    """Reports on the twinning network."""


@report.command("reciprocity")
@click.option("-f", "--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.option(
    "--quickstatements",
    is_flag=True,
    help="Print QuickStatements for the missing directions of our sourced partnerships.",
)
@_wikidata_options
@pass_options
def reciprocity_report(options: Options, fmt: str, quickstatements: bool, **client_options: Any) -> None:
    """The share of P190 pairs stated both ways on the endpoint, overall and per country, and the
    pairs stated one way only.

    Every statement is read in ordered pages of 10,000 (halved where a page times out). With
    --quickstatements, the missing directions of the partnerships our data holds with a source,
    through the same code as `wikidata quickstatements`.
    """
    from twingraph.wikidata.reciprocity import reciprocity

    client = _client(**client_options)
    found = reciprocity(client)
    if quickstatements:
        _quickstatements(options, found.one_way)
        return
    click.echo(render(found, fmt), nl=False)


def render(found: Any, fmt: str) -> str:
    """The report as a table for people, CSV (per country, with the whole first) or JSON (all)."""
    import csv
    import io

    if fmt == "json":
        body = {
            "pairs": found.pairs, "both_ways": found.both_ways, "share": round(found.share, 4),
            "by_country": [vars(c) for c in found.by_country],
            "one_way": [{"lists": a, "lists_label": found.names.get(a, a), "does_not": b,
                         "does_not_label": found.names.get(b, b)} for a, b in found.one_way],
        }  # fmt: skip
        return json.dumps(body, indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(["country", "country_qid", "pairs", "both_ways", "share"])
        writer.writerow(["(all)", "", found.pairs, found.both_ways, f"{found.share:.4f}"])
        for c in found.by_country:
            writer.writerow([c.country, c.qid, c.pairs, c.both_ways, f"{c.both_ways / c.pairs:.4f}"])
        return buffer.getvalue()
    lines = [f"P190 pairs: {found.pairs:,}; stated both ways: {found.both_ways:,} ({100 * found.share:.1f} %)."]
    if found.by_country:
        lines.append("By country (a pair counts for each of its places' countries):")
        width = max(len(c.country) for c in found.by_country)
        for c in found.by_country:
            share = 100 * c.both_ways / c.pairs
            lines.append(f"  {c.country:<{width}}  {c.pairs:>6,} pairs  {c.both_ways:>6,} both ways ({share:.1f} %)")
    lines.append(f"Stated one way only: {len(found.one_way):,}")
    for a, b in found.one_way:
        name_a, name_b = found.names.get(a, a), found.names.get(b, b)
        lines.append(f"  {name_a} ({a}) lists {name_b} ({b}); {name_b} does not list {name_a}")
    return "\n".join(lines) + "\n"


def _quickstatements(options: Options, one_way: list[tuple[str, str]]) -> None:
    """The missing directions of the one-way pairs that our data holds with a source."""
    from twingraph.rdf.load import load_project_graph
    from twingraph.wikidata.compare import Difference, cities, quickstatements

    project = options.project()
    graph = load_project_graph(project, max_bytes=options.max_bytes(project)).graph
    ours = {city.qid: city for city in cities(graph)}
    differences = []
    for lists, lacking in one_way:
        for city_qid, other in ((lists, lacking), (lacking, lists)):
            if city_qid in ours:
                city = ours[city_qid]
                differences.append(Difference("one-directional", city.label, city.qid, other, other, lacking=lacking))
                break
    lines = quickstatements(graph, differences)
    if lines:
        click.echo("\n".join(lines))
    click.echo(f"{len(lines)} statement(s) to review.", err=True)
