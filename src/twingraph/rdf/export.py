"""Deterministic serializations of the data: the same graph always gives the same bytes.

Turtle, N-Triples and RDF/XML are written by pyoxigraph from the triples in sorted order,
with a fixed prefix table, so no store's iteration order can leak into the output. JSON-LD
is compacted against the shipped `context.jsonld`, embedded in the document so that
reading it never fetches a remote context, and its nodes and (unordered) value arrays are
sorted. The CSV has one row per partnership.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any

from twingraph.errors import TwingraphError
from twingraph.formats import GRAPH_FORMATS, TABLE_FORMATS, named, names, spreadsheet_row
from twingraph.iris import (
    DCT_SOURCE,
    DEFAULT_BASE_IRI,
    FALLBACK_LANGUAGES,
    PREFIXES,
    RDF_TYPE,
    RDFS_LABEL,
    SCHEMA_URL,
    TW,
)

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from pathlib import Path

    import pyoxigraph
    import rdflib

    from twingraph.rdf.load import LoadedGraph


class ExportError(TwingraphError):
    """The data cannot be written in the format asked for."""


# The partnership tables' format names (csv: a row each; csv-long: a row per place and partner,
# the long form researchers filter by one column; the world network's edge list is these rows).
TABLE_NAMES = tuple(names(TABLE_FORMATS))

PARTNERSHIP_COLUMNS = ("kind", "start", "start_precision", "end", "themes", "sources")
CSV_COLUMNS = (
    "partnership",
    "partner_a",
    "partner_a_wikidata",
    "partner_b",
    "partner_b_wikidata",
    *PARTNERSHIP_COLUMNS,
)
LONG_CSV_COLUMNS = (
    "place",
    "place_name",
    "place_wikidata",
    "partner",
    "partner_name",
    "partner_wikidata",
    "partnership",
    *PARTNERSHIP_COLUMNS,
)


@dataclass(frozen=True)
class Member:
    """One partner of a partnership, as the tables show it."""

    iri: str
    name: str
    wikidata: str


@dataclass(frozen=True)
class PartnershipRow:
    """A partnership as the tables show it: its partners (in IRI order) and its own columns."""

    iri: str
    members: tuple[Member, ...]
    cells: tuple[str, ...]  # PARTNERSHIP_COLUMNS


def jsonld_context() -> dict[str, Any]:
    """The shipped JSON-LD context (the value of its "@context")."""
    text = resources.files("twingraph").joinpath("rdf/context.jsonld").read_text(encoding="utf-8")
    context: dict[str, Any] = json.loads(text)["@context"]
    return context


def jsonld_context_bytes() -> bytes:
    """The context file as shipped, for publishing beside the data."""
    return resources.files("twingraph").joinpath("rdf/context.jsonld").read_bytes()


def serialize(
    graph: rdflib.Graph, fmt: str, *, ontology: rdflib.Graph | None = None, base_iri: str = DEFAULT_BASE_IRI
) -> bytes:
    """Any rdflib graph in one export format, deterministically, with prefixes for the resources
    under `base_iri` (the project's).

    The CSV names kinds, themes and precisions by their labels, which the ontology holds.
    """
    from twingraph.rdf.terms import store_of, to_oxigraph_triples

    if fmt in TABLE_NAMES:
        return partnership_table(store_of(graph if ontology is None else graph + ontology), fmt)
    return serialize_triples(sorted_triples(to_oxigraph_triples(graph)), fmt, base_iri=base_iri)


def serialize_loaded(
    loaded: LoadedGraph,
    fmt: str,
    *,
    data_paths: Sequence[Path],
    languages: Sequence[str] = (),
    base_iri: str = DEFAULT_BASE_IRI,
) -> bytes:
    """The data files of a loaded project (the ontology beside them) in one export format; the
    tables name places in the best of `languages` there is."""
    if fmt in TABLE_NAMES:
        return partnership_table(loaded.store, fmt, languages=languages)
    return serialize_triples(source_triples(loaded, data_paths), fmt, base_iri=base_iri)


def serialize_triples(triples: Sequence[Any], fmt: str, *, base_iri: str = DEFAULT_BASE_IRI) -> bytes:
    """Sorted pyoxigraph triples as Turtle, N-Triples, RDF/XML or compacted JSON-LD (whose
    context is twingraph's own document)."""
    import pyoxigraph

    from twingraph.rdf import jsonld

    if fmt == "jsonld":
        return jsonld.compact(triples, jsonld_context())
    try:
        oxigraph_format = named(fmt, GRAPH_FORMATS).oxigraph_name
    except KeyError:
        raise ExportError(f"unknown export format {fmt!r}.") from None
    return pyoxigraph.serialize(  # type: ignore[return-value]  # bytes when no output is given
        triples, format=getattr(pyoxigraph.RdfFormat, str(oxigraph_format)), prefixes=export_prefixes(base_iri)
    )


def export_prefixes(base_iri: str = DEFAULT_BASE_IRI) -> dict[str, str]:
    """The prefixes written into Turtle and RDF/XML: the vocabularies, and the resource kinds
    under the project's base IRI (city: …/id/city/)."""
    from twingraph.iris import id_prefixes

    return {**PREFIXES, **id_prefixes(base_iri)}


def sorted_triples(triples: Iterable[Any]) -> list[Any]:
    """pyoxigraph triples without duplicates, sorted by their N-Triples form; blank nodes refused.

    pyoxigraph writes triples in the order given, grouping a subject's and a predicate's
    consecutive triples, so sorted input gives stable, readable output. The N-Triples form
    is one string per triple made in Rust, so sorting, deduplicating and spotting blank nodes
    (a subject or object starting "_:") are string operations.
    """
    import pyoxigraph

    keyed = {str(triple): triple for triple in triples}
    for key, triple in keyed.items():
        if key.startswith("_:") or (" _:" in key and isinstance(triple.object, pyoxigraph.BlankNode)):
            raise ExportError(
                "the data has blank nodes, which cannot be written deterministically; give every resource an IRI."
            )
    return [keyed[key] for key in sorted(keyed)]


def source_triples(loaded: LoadedGraph, data_paths: Sequence[Path]) -> list[Any]:
    """The data files' triples exactly as written, sorted (the store would canonicalise literals)."""
    return sorted_triples(loaded.exact_triples(data_paths))


def sorted_graph(graph: rdflib.Graph) -> rdflib.Graph:
    """A copy with triples inserted in sorted order and only our prefixes bound (for rdflib's JSON-LD writer)."""
    from rdflib import Graph

    ordered = Graph(bind_namespaces="none")
    for prefix, namespace in export_prefixes().items():
        ordered.bind(prefix, namespace)
    for triple in sorted(graph, key=lambda t: tuple(term.n3() for term in t)):
        ordered.add(triple)
    return ordered


def compact_jsonld(graph: rdflib.Graph, context: dict[str, Any]) -> bytes:
    """A small graph (the catalogue) as JSON-LD compacted by rdflib against an embedded context,
    with nodes and value arrays sorted."""
    text = sorted_graph(graph).serialize(format="json-ld", context=context)
    document = json.loads(text)
    nodes = document.get("@graph", [])
    if isinstance(nodes, dict):
        nodes = [nodes]
    for node in nodes:
        for key, value in node.items():
            if isinstance(value, list):
                # Plain JSON-LD arrays are sets: sort them for stable output.
                node[key] = sorted(value, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    nodes.sort(key=lambda node: str(node.get("id", node.get("@id", ""))))
    out = {"@context": context, "@graph": nodes}
    return (json.dumps(out, indent=2, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")


def partnership_tables(store: pyoxigraph.Store, languages: Sequence[str] = ()) -> dict[str, bytes]:
    """Every partnership table, by format name, from one reading of the store (the rows take
    0.7 s on World: read once, written twice); names in the best of `languages` there is."""
    rows = partnership_rows(store, languages)
    return {fmt: partnership_table(store, fmt, rows=rows) for fmt in TABLE_NAMES}


def partnership_table(
    store: pyoxigraph.Store, fmt: str, *, rows: list[PartnershipRow] | None = None, languages: Sequence[str] = ()
) -> bytes:
    """The partnerships as CSV (RFC 4180, CRLF; lists joined with "; "): `csv` has a row per
    partnership, partners in IRI order; `csv-long` a row per place and partner, so each
    partnership twice, ordered by place and partnership."""
    rows = partnership_rows(store, languages) if rows is None else rows
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if fmt == "csv":
        writer.writerow(CSV_COLUMNS)
        for row in rows:
            (a, b) = (list(row.members) + [Member("", "", "")] * 2)[:2]
            writer.writerow(spreadsheet_row([row.iri, a.name, a.wikidata, b.name, b.wikidata, *row.cells]))
    else:
        writer.writerow(LONG_CSV_COLUMNS)
        pairs = [
            (place, partner, row)
            for row in rows
            for place in row.members
            for partner in row.members
            if partner is not place
        ]
        for place, partner, row in sorted(pairs, key=lambda pair: (pair[0].iri, pair[2].iri, pair[1].iri)):
            cells = [place.iri, place.name, place.wikidata, partner.iri, partner.name, partner.wikidata, row.iri]
            writer.writerow(spreadsheet_row([*cells, *row.cells]))
    return buffer.getvalue().encode("utf-8")


def partnership_rows(store: pyoxigraph.Store, languages: Sequence[str] = ()) -> list[PartnershipRow]:
    """Every partnership with its partners and columns, in IRI order.

    The store holds the data and the ontology, whose labels name kinds and precisions. The
    columns are read straight from the store's indexes, one predicate at a time, in every
    graph (a file each): one SPARQL query with eight OPTIONALs took twice as long on the
    world's twinnings, most of it spent in rows that repeat a partnership per theme and source.
    """
    import pyoxigraph

    english = best_labels(store, languages)

    def objects(predicate: str) -> dict[str, list[Any]]:
        return _objects(store, predicate)

    def labels(values: list[Any] | None) -> list[str]:
        return sorted({label for value in values or () for label in english.get(str(value), ())})

    def english_name(node: Any) -> str:
        return min(english.get(str(node), [""]))

    first = _first

    partnership_type = pyoxigraph.NamedNode(TW + "Partnership")
    partnerships = {
        q.subject
        for q in store.quads_for_pattern(
            None, pyoxigraph.NamedNode(RDF_TYPE), partnership_type, pyoxigraph.DefaultGraph()
        )
    }
    partners, wikidata = objects(TW + "partner"), objects(TW + "wikidataEntity")
    kinds, themes, precisions = objects(TW + "kind"), objects(TW + "theme"), objects(TW + "startPrecision")
    starts, ends, sources = objects(TW + "startDate"), objects(TW + "endDate"), objects(DCT_SOURCE)
    urls = objects(SCHEMA_URL)

    rows = []
    for p in sorted(partnerships, key=_lexical):
        key = str(p)
        found = partners.get(key)
        if not found:
            continue
        members = tuple(
            Member(_lexical(x), english_name(x), first(wikidata.get(str(x)))) for x in sorted(set(found), key=_lexical)
        )
        kind, precision = labels(kinds.get(key)), labels(precisions.get(key))
        source_urls = {url.value for source in sources.get(key, ()) for url in urls.get(str(source), ())}
        cells = (
            kind[0] if kind else "",
            first(starts.get(key)),
            precision[0] if precision else "",
            first(ends.get(key)),
            "; ".join(labels(themes.get(key))),
            "; ".join(sorted(source_urls)),
        )
        rows.append(PartnershipRow(_lexical(p), members, cells))
    return rows


def _objects(store: pyoxigraph.Store, predicate: str) -> dict[str, list[Any]]:
    """Every subject's objects of a predicate. Keyed by their N-Triples form, values in lists (a
    term repeated in two files is harmless: every use takes the least value or a set): half
    the memory of Oxigraph terms in sets, 230 MB instead of 480 MB at World×10."""
    import pyoxigraph

    found: dict[str, list[Any]] = {}
    for quad in store.quads_for_pattern(None, pyoxigraph.NamedNode(predicate), None, pyoxigraph.DefaultGraph()):
        found.setdefault(str(quad.subject), []).append(quad.object)
    return found


def best_labels(store: pyoxigraph.Store, languages: Sequence[str]) -> dict[str, list[str]]:
    """Every subject's rdfs:label in the best language there is, by its N-Triples form: the
    languages asked for, then iris.FALLBACK_LANGUAGES, then any (the least text, then tag: as
    the stored queries choose, labels.py's with_label_fallback)."""
    import pyoxigraph

    order = [*languages, *(lang for lang in FALLBACK_LANGUAGES if lang not in languages)]
    rank = {lang: i for i, lang in enumerate(order)}
    best: dict[str, tuple[tuple[int, str], list[str]]] = {}
    for quad in store.quads_for_pattern(None, pyoxigraph.NamedNode(RDFS_LABEL), None, pyoxigraph.DefaultGraph()):
        if not isinstance(quad.object, pyoxigraph.Literal):
            continue
        tag = (quad.object.language or "").lower()
        ranked = rank.get(tag, rank.get(tag.split("-")[0]))
        key = (ranked, tag) if ranked is not None else (len(order), f"{quad.object.value}\x00{tag}")
        subject = str(quad.subject)
        if subject not in best or key < best[subject][0]:
            best[subject] = (key, [quad.object.value])
        elif key == best[subject][0]:
            best[subject][1].append(quad.object.value)
    return {subject: values for subject, (_, values) in best.items()}


def _first(values: list[Any] | None) -> str:
    """Several values where the shapes allow one: the smallest, so the file stays deterministic."""
    return min(v.value for v in values) if values else ""


def _lexical(node: Any) -> str:
    """An IRI or blank node's own text, for ordering ("…/a" before "…/a-b", unlike their "<…>" forms)."""
    return str(node.value)


def partnership_count(loaded: LoadedGraph, data_paths: Sequence[Path] | None = None) -> int:
    """How many tw:Partnership resources these files (default: all) describe."""
    rows = loaded.select(f"SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE {{ ?p a <{TW}Partnership> }}", data_paths)
    return int(rows[0][0].value)
