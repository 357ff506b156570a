"""`report reciprocity` and `report coverage`: what researchers and Wikidata editors ask of the network."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from twingraph.cli.base import Options, cli, pass_options
from twingraph.cli.wikidata import _client, _wikidata_options
from twingraph.formats import spreadsheet_row


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

    Every statement is read for 200 items at a time, after one query for the items. With
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
            writer.writerow(spreadsheet_row([c.country, c.qid, c.pairs, c.both_ways, f"{c.both_ways / c.pairs:.4f}"]))
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


@report.command("coverage")
@click.option("-f", "--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.option(
    "--top",
    type=click.IntRange(min=0),
    default=20,
    show_default=True,
    help="Places shown in the table (csv and json list all).",
)
@click.option(
    "--against",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="List the partnerships the other data files have and this one (the city's own list) lacks; "
    "`twingraph retract --not-in FILE` retracts them in one step.",
)
@pass_options
def coverage_report(options: Options, fmt: str, top: int, against: Path | None) -> None:
    """Which partnerships each source (each data file: Wikidata's import, a city's list,
    Wikipedia's list) has and the others lack, in total and per place. Reads only the project's
    files. A place has the same IRI in every file (the stable-IRI rule), so the files compare.
    Retracted partnerships (`twingraph retract`) are left out."""
    from twingraph.network.coverage import coverage, lacking
    from twingraph.rdf.load import load_project_graph

    project = options.project()
    _, data_paths = project.graph_inputs()
    loaded = load_project_graph(project, max_bytes=options.max_bytes(project))
    if against is not None:
        rows = lacking(loaded, data_paths, against, options.languages)
        click.echo(render_lacking(rows, fmt, against=against.name), nl=False)
        return
    found = coverage(loaded, data_paths, options.languages)
    click.echo(render_coverage(found, fmt, top=top), nl=False)


def render_lacking(rows: Any, fmt: str, *, against: str) -> str:
    """The partnerships a file lacks, as a table, CSV or JSON."""
    import csv
    import io

    if fmt == "json":
        body = [{"partnership": r.partnership, "label": r.label, "sources": list(r.sources)} for r in rows]
        return json.dumps({"against": against, "lacking": body}, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(["partnership", "label", "sources"])
        writer.writerows(spreadsheet_row([r.partnership, r.label, " ".join(r.sources)]) for r in rows)
        return buffer.getvalue()
    lines = [f"{len(rows)} partnership(s) that other sources have and {against} lacks:"]
    lines += [f"  {r.partnership.rsplit('/', 1)[-1]:<40} {r.label}  ({', '.join(r.sources)})" for r in rows]
    return "\n".join(lines) + "\n"


def render_coverage(found: Any, fmt: str, *, top: int = 20) -> str:
    """The coverage report as a table (the places where sources differ most), CSV (a row per
    place, the whole first) or JSON (everything)."""
    import csv
    import io

    names = [s.source for s in found.sources]
    if fmt == "json":
        body = {
            "partnerships": found.partnerships, "in_every_source": found.in_every_source,
            "sources": [vars(s) for s in found.sources],
            "places": [{"place": p.iri, "label": p.label, "qid": p.qid, "total": p.total,
                        "partnerships": dict(zip(names, p.partnerships, strict=True)),
                        "only_here": dict(zip(names, p.only_here, strict=True))} for p in found.places],
        }  # fmt: skip
        return json.dumps(body, indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(
            ["place", "label", "qid", "total", *(f"{n} {what}" for n in names for what in ("partnerships", "only"))]
        )
        sums = (v for s in found.sources for v in (s.partnerships, s.only_here))
        writer.writerow(["(all)", "", "", found.partnerships, *sums])
        for p in found.places:
            writer.writerow(
                spreadsheet_row(
                    [
                        p.iri,
                        p.label,
                        p.qid,
                        p.total,
                        *(v for pair in zip(p.partnerships, p.only_here, strict=True) for v in pair),
                    ]
                )
            )
        return buffer.getvalue()
    return "\n".join(_coverage_table(found, top)) + "\n"


def _coverage_table(found: Any, top: int) -> list[str]:
    total = found.partnerships

    def share(n: int) -> str:
        return f"{100 * n / total:.1f} %" if total else "0.0 %"

    lines = [
        f"Partnerships in {len(found.sources)} source(s): {total:,} in all; "
        f"{found.in_every_source:,} ({share(found.in_every_source)}) in every source."
    ]
    width = max((len(s.source) for s in found.sources), default=0)
    for s in found.sources:
        lines.append(
            f"  {s.source:<{width}}  {s.partnerships:>7,} ({share(s.partnerships)})  "
            f"only here: {s.only_here:,}; lacks {total - s.partnerships:,}"
        )
    differing = sorted((p for p in found.places if p.lacking), key=lambda p: (-p.lacking, p.label))
    if differing and top:
        shown = min(top, len(differing))
        lines.append(
            f"Places whose partnerships some source lacks: {len(differing):,} of {len(found.places):,}; "
            f"the first {shown}:"
        )
        for p in differing[:top]:
            sources = zip((s.source for s in found.sources), p.partnerships, p.only_here, strict=True)
            counts = "; ".join(f"{name} {n}, {only} only there" for name, n, only in sources)
            lines.append(f"  {p.label}{f' ({p.qid})' if p.qid else ''}: {p.total} in all; {counts}")
    return lines


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
