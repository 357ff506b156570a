"""Our partnerships against Wikidata's P190 statements: the differences, and QuickStatements to close them."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from twingraph.iris import TW
from twingraph.wikidata.client import Statement, WikidataClient, WikiDate, dump_json, qid_of

if TYPE_CHECKING:
    import rdflib

KINDS = {
    "only-ours": "Partnerships only we have",
    "only-wikidata": "Partnerships only Wikidata has",
    "start-differs": "Start dates that disagree",
    "end-differs": "End dates that disagree",
    "ended-one-side": "Ended on one side only",
    "deprecated-one-side": "Deprecated on Wikidata only",
    "one-directional": "One-directional P190 statements on Wikidata",
    "suspended-ours": "Suspended in our data (Wikidata has no established qualifier for it: check by hand)",
}


@dataclass(frozen=True)
class OurPartnership:
    """A partnership of ours as the comparison needs it."""

    iri: str
    partner: str
    partner_label: str
    partner_qid: str | None
    start: WikiDate | None
    end: WikiDate | None
    sources: tuple[str, ...]
    suspended_since: str | None = None  # where its latest status change suspends it
    end_cause_qid: str | None = None  # the Wikidata item of the event that ended it (P1534)


@dataclass(frozen=True)
class Difference:
    """One difference between our data and Wikidata."""

    kind: str
    city: str
    city_qid: str
    partner: str
    partner_qid: str
    ours: str = ""
    wikidata: str = ""
    lacking: str = ""  # for a one-directional statement: the item whose statement is missing


@dataclass(frozen=True)
class City:
    """A city of ours that has a Wikidata link."""

    iri: str
    label: str
    qid: str


def cities(graph: rdflib.Graph, names: Sequence[str] = ()) -> list[City]:
    """The cities to compare: those named (by name or IRI), else every place that has partnerships."""
    from rdflib import URIRef

    from twingraph.sparql.query import resolve_place

    if names:
        iris = [resolve_place(graph, name) for name in names]
    else:
        partners = {o for o in graph.objects(None, URIRef(TW + "partner")) if isinstance(o, URIRef)}
        counts = {p: sum(1 for _ in graph.subjects(URIRef(TW + "partner"), p)) for p in partners}
        # Places in more than one partnership are the cities the data is about.
        iris = sorted(p for p, n in counts.items() if n > 1) or sorted(partners)
    found = []
    for iri in iris:
        wikidata = graph.value(iri, URIRef(TW + "wikidataEntity"))
        if wikidata is not None:
            found.append(City(str(iri), _label(graph, iri), qid_of(str(wikidata))))
    return found


def our_partnerships(graph: rdflib.Graph, city: str) -> list[OurPartnership]:
    """The partnerships of one city in our data."""
    from rdflib import URIRef

    result = []
    for p in sorted(s for s in graph.subjects(URIRef(TW + "partner"), URIRef(city)) if isinstance(s, URIRef)):
        partner = next((o for o in graph.objects(p, URIRef(TW + "partner")) if str(o) != city), None)
        if partner is None:
            continue
        wikidata = graph.value(partner, URIRef(TW + "wikidataEntity"))
        sources = sorted(
            str(url)
            for source in graph.objects(p, URIRef("http://purl.org/dc/terms/source"))
            for url in graph.objects(source, URIRef("https://schema.org/url"))
        )
        result.append(
            OurPartnership(
                iri=str(p),
                partner=str(partner),
                partner_label=_label(graph, partner),
                partner_qid=qid_of(str(wikidata)) if wikidata is not None else None,
                start=_date(graph, p, "start"),
                end=_date(graph, p, "end"),
                sources=tuple(sources),
                suspended_since=_suspended_since(graph, p),
                end_cause_qid=_end_cause(graph, p),
            )
        )
    return result


def _end_cause(graph: rdflib.Graph, partnership: rdflib.term.Node) -> str | None:
    from rdflib import URIRef

    cause = graph.value(partnership, URIRef(TW + "endCause"))
    wikidata = graph.value(cause, URIRef(TW + "wikidataEntity")) if cause is not None else None
    return qid_of(str(wikidata)) if wikidata is not None else None


def _suspended_since(graph: rdflib.Graph, partnership: rdflib.term.Node) -> str | None:
    """When the partnership was suspended, where its latest status change suspends it."""
    from rdflib import URIRef

    from twingraph.iris import status_change_order

    changes = [
        (graph.value(change, URIRef(TW + "pointInTime")), graph.value(change, URIRef(TW + "status")), change)
        for change in graph.objects(partnership, URIRef(TW + "statusChange"))
    ]
    if not changes:
        return None
    when, status, _ = max(changes, key=lambda c: status_change_order(None if c[0] is None else str(c[0]), str(c[2])))
    if status != URIRef(TW + "Suspended"):
        return None
    return "an unknown date" if when is None else str(when)


def _label(graph: rdflib.Graph, node: rdflib.term.Node) -> str:
    from rdflib import RDFS

    labels = {getattr(o, "language", None): str(o) for o in graph.objects(node, RDFS.label)}
    return labels.get("en") or next(iter(labels.values()), str(node).rsplit("/", 1)[-1])


def _date(graph: rdflib.Graph, node: rdflib.term.Node, which: str) -> WikiDate | None:
    from rdflib import URIRef
    from rdflib.namespace import SKOS

    value = graph.value(node, URIRef(TW + f"{which}Date"))
    if value is None:
        return None
    precision = graph.value(node, URIRef(TW + f"{which}Precision"))
    notation = graph.value(precision, SKOS.notation) if precision is not None else None
    level = int(str(notation)) if notation is not None else {10: 11, 7: 10, 4: 9}.get(len(str(value)), 9)
    text = str(value)
    return WikiDate(text if level != 8 else text[:3] + "0", level)


def diff(graph: rdflib.Graph, targets: Sequence[City], client: WikidataClient) -> list[Difference]:
    """Every difference between our partnerships of these cities and Wikidata's P190 statements."""
    ours = {city.qid: our_partnerships(graph, city.iri) for city in targets}
    partner_qids = {p.partner_qid for ps in ours.values() for p in ps if p.partner_qid}
    # The cities' statements and those made about them: a partner that states P190 to a city is
    # a partnership on Wikidata too, stated one way.
    city_statements = client.statements_both_ways(c.qid for c in targets)
    wikidata_partners = {q for s in city_statements for q in (s.item, s.partner)} - {c.qid for c in targets}
    # The partners' own statements, to see which P190 statements go one way only.
    statements = city_statements + [
        s for s in client.statements(partner_qids | wikidata_partners) if s not in city_statements
    ]
    names = {qid: _entity_label(e.labels, qid) for qid, e in client.entities(partner_qids | wikidata_partners).items()}
    differences: list[Difference] = []
    for city in targets:
        mine = {p.partner_qid: p for p in ours[city.qid] if p.partner_qid}
        theirs = _statements_about(city.qid, statements)

        def add(kind: str, qid: str, label: str, ours: str = "", wikidata: str = "", lacking: str = "") -> None:
            differences.append(Difference(kind, city.label, city.qid, label, qid, ours, wikidata, lacking))  # noqa: B023

        for p in ours[city.qid]:
            if p.partner_qid is None:
                add("only-ours", "", p.partner_label, "no Wikidata link", "")
            if p.suspended_since:
                add("suspended-ours", p.partner_qid or "", p.partner_label, f"suspended since {p.suspended_since}")
        for qid, p in sorted(mine.items()):
            statement = theirs.get(qid)
            if statement is None:
                add("only-ours", qid, p.partner_label, _span(p.start, p.end), "")
                continue
            if statement.rank == "DeprecatedRank":
                add("deprecated-one-side", qid, p.partner_label, _span(p.start, p.end), "deprecated")
                continue
            if p.start and statement.start:
                level = min(p.start.precision, statement.start.precision)
                if p.start.at(level) != statement.start.at(level):
                    add("start-differs", qid, p.partner_label, p.start.value, statement.start.value)
            if (p.end is None) != (statement.end is None):
                add(
                    "ended-one-side", qid, p.partner_label, _span(p.start, p.end), _span(statement.start, statement.end)
                )
            elif p.end and statement.end:
                level = min(p.end.precision, statement.end.precision)
                if p.end.at(level) != statement.end.at(level):
                    add("end-differs", qid, p.partner_label, p.end.value, statement.end.value)
        for qid, statement in sorted(theirs.items()):
            if qid not in mine and statement.rank != "DeprecatedRank":
                add("only-wikidata", qid, names.get(qid, qid), "", _span(statement.start, statement.end))
        active = {(s.item, s.partner) for s in statements if s.rank != "DeprecatedRank"}
        for item, partner in sorted(active):
            if city.qid not in (item, partner) or (partner, item) in active:
                continue
            other = partner if item == city.qid else item
            a, b = _name(item, city, names), _name(partner, city, names)
            wikidata_text = f"{a} lists {b}; {b} does not list {a}"
            add("one-directional", other, names.get(other, other), "", wikidata_text, lacking=partner)
    return differences


def _statements_about(city: str, statements: Sequence[Statement]) -> dict[str, Statement]:
    """Wikidata's statement of each partnership of a city, by partner: the city's own, else the
    partner's about the city; a preferred or normal statement wins over a deprecated one."""
    theirs: dict[str, Statement] = {}
    for s in sorted(statements, key=lambda s: s.item != city):
        other = s.partner if s.item == city else s.item if s.partner == city else None
        if other and (other not in theirs or theirs[other].rank == "DeprecatedRank"):
            theirs[other] = s
    return theirs


def _name(qid: str, city: City, names: dict[str, str]) -> str:
    return city.label if qid == city.qid else names.get(qid, qid)


def _entity_label(labels: dict[str, str], qid: str) -> str:
    return labels.get("en") or labels.get("de") or next(iter(labels.values()), qid)


def _span(start: WikiDate | None, end: WikiDate | None) -> str:
    if start is None and end is None:
        return "undated"
    if end is None:
        return f"since {start.value}" if start else "undated"
    return f"{start.value if start else '?'}–{end.value}"


def render(differences: Sequence[Difference], fmt: str, *, cities_compared: Sequence[City]) -> str:
    """The report as a table for people, CSV or JSON."""
    if fmt == "json":
        return dump_json([asdict(d) for d in differences])
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(["kind", "city", "city_qid", "partner", "partner_qid", "ours", "wikidata"])
        for d in differences:
            writer.writerow([d.kind, d.city, d.city_qid, d.partner, d.partner_qid, d.ours, d.wikidata])
        return buffer.getvalue()
    lines = []
    for city in cities_compared:
        mine = [d for d in differences if d.city_qid == city.qid]
        lines.append(f"{city.label} ({city.qid}): {len(mine)} difference{'' if len(mine) == 1 else 's'} with Wikidata")
        for kind, title in KINDS.items():
            rows = [d for d in mine if d.kind == kind]
            if not rows:
                continue
            lines.append(f"  {title}:")
            width = max(len(d.partner) for d in rows)
            for d in rows:
                detail = " | ".join(
                    x
                    for x in (f"ours: {d.ours}" if d.ours else "", f"Wikidata: {d.wikidata}" if d.wikidata else "")
                    if x
                )
                lines.append(f"    {d.partner:<{width}}  {d.partner_qid or '—':<9}  {detail}".rstrip())
    return "\n".join(lines) + "\n"


def quickstatements(graph: rdflib.Graph, differences: Sequence[Difference]) -> list[str]:
    """QuickStatements (V1, tab-separated) for what we hold with a source and Wikidata lacks: P190
    both ways for a partnership it lacks, and the missing direction of a one-directional one.
    A suspension is never written (Wikidata has no established qualifier for it)."""
    lines = []
    for d in differences:
        if d.kind not in ("only-ours", "one-directional") or not d.partner_qid:
            continue
        city_iri = next((c.iri for c in cities(graph) if c.qid == d.city_qid), None)
        if city_iri is None:
            continue
        partnership = next((p for p in our_partnerships(graph, city_iri) if p.partner_qid == d.partner_qid), None)
        # A source beside Wikidata itself: a statement read from Wikidata is no reference for Wikidata.
        sources = [url for url in partnership.sources if not _on_wikidata(url)] if partnership else []
        if partnership is None or not sources:
            continue
        pairs = [(d.city_qid, d.partner_qid), (d.partner_qid, d.city_qid)]
        if d.kind == "one-directional":
            pairs = [pair for pair in pairs if pair[0] == d.lacking]
        for item, partner in pairs:
            fields = [item, "P190", partner]
            if partnership.start:
                fields += ["P580", _qs_time(partnership.start)]
            if partnership.end:
                fields += ["P582", _qs_time(partnership.end)]
                if partnership.end_cause_qid:  # at normal rank, as every statement here: an end is not an error
                    fields += ["P1534", partnership.end_cause_qid]
            fields += ["S854", '"' + sources[0].replace('"', "%22") + '"']
            lines.append("\t".join(fields))
    return lines


def _on_wikidata(url: str) -> bool:
    from urllib.parse import urlsplit

    host = (urlsplit(url).hostname or "").lower()
    return host == "wikidata.org" or host.endswith(".wikidata.org")


def retraction_statements(graph: rdflib.Graph) -> list[str]:
    """QuickStatements (V1) for the partnerships the project retracts (`twingraph retract`)
    where both places have a Wikidata item: the P190 statement removed, both ways. QuickStatements
    cannot set a statement's rank, so the deprecation with its reason (P2241) is for a person to
    make instead, where the statement should stay visible as wrong."""
    query = f"""SELECT DISTINCT ?a ?b WHERE {{
      ?place <{TW}claim> ?claim . ?claim <{TW}retracts> ?p ; <{TW}claimValue> ?partner .
      ?place <{TW}wikidataEntity> ?a . ?partner <{TW}wikidataEntity> ?b }} ORDER BY ?a ?b"""
    lines = []
    for row in graph.query(query):
        a, b = qid_of(str(row[0])), qid_of(str(row[1]))  # type: ignore[index]
        lines += [f"-{a}\tP190\t{b}", f"-{b}\tP190\t{a}"]
    return lines


def _qs_time(date: WikiDate) -> str:
    """A QuickStatements time: +1952-00-00T00:00:00Z/9."""
    year, month, day = (date.value + "-00-00").split("-")[:3]
    if date.precision <= 9:
        month, day = "00", "00"
    elif date.precision == 10:
        day = "00"
    return f"+{year}-{month}-{day}T00:00:00Z/{date.precision}"
