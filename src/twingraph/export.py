"""Deterministic serializations of the data: the same graph always gives the same bytes.

Turtle, N-Triples and RDF/XML are written from a graph rebuilt in sorted triple order, with
a fixed prefix table, so rdflib's iteration order (which follows insertion and hashing)
cannot leak into the output. JSON-LD is compacted against the shipped `context.jsonld`,
embedded in the document so that reading it never fetches a remote context, and its nodes
and (unordered) value arrays are sorted. The CSV has one row per partnership.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any

from twingraph.errors import TwingraphError
from twingraph.iris import PREFIXES, TW

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from pathlib import Path

    import pyoxigraph
    import rdflib

    from twingraph.load import LoadedGraph


class ExportError(TwingraphError):
    """The data cannot be written in the format asked for."""


@dataclass(frozen=True)
class ExportFormat:
    """A format `export` writes: CLI name, media type, file suffix, EU file-type code."""

    name: str
    label: str
    media_type: str
    suffix: str
    eu_file_type: str


EXPORT_FORMATS: tuple[ExportFormat, ...] = (
    ExportFormat("turtle", "Turtle", "text/turtle", ".ttl", "RDF_TURTLE"),
    ExportFormat("jsonld", "JSON-LD", "application/ld+json", ".jsonld", "JSON_LD"),
    ExportFormat("nt", "N-Triples", "application/n-triples", ".nt", "RDF_N_TRIPLES"),
    ExportFormat("rdfxml", "RDF/XML", "application/rdf+xml", ".rdf", "RDF_XML"),
    ExportFormat("csv", "CSV", "text/csv", ".csv", "CSV"),
)

CSV_COLUMNS = (
    "partnership",
    "partner_a",
    "partner_a_wikidata",
    "partner_b",
    "partner_b_wikidata",
    "kind",
    "start",
    "start_precision",
    "end",
    "themes",
    "sources",
)


def export_format(name: str) -> ExportFormat:
    """The export format with this CLI name."""
    for fmt in EXPORT_FORMATS:
        if fmt.name == name:
            return fmt
    raise ExportError(f"unknown export format {name!r}; use one of {', '.join(f.name for f in EXPORT_FORMATS)}.")


def jsonld_context() -> dict[str, Any]:
    """The shipped JSON-LD context (the value of its "@context")."""
    text = resources.files("twingraph").joinpath("context.jsonld").read_text(encoding="utf-8")
    context: dict[str, Any] = json.loads(text)["@context"]
    return context


def jsonld_context_bytes() -> bytes:
    """The context file as shipped, for publishing beside the data."""
    return resources.files("twingraph").joinpath("context.jsonld").read_bytes()


def serialize(graph: rdflib.Graph, fmt: str, *, ontology: rdflib.Graph | None = None) -> bytes:
    """Any rdflib graph in one export format, deterministically.

    The CSV names kinds, themes and precisions by their labels, which the ontology holds.
    """
    from twingraph.terms import store_of, to_oxigraph_triples

    if fmt == "csv":
        return partnerships_csv(store_of(graph if ontology is None else graph + ontology))
    return serialize_triples(sorted_triples(to_oxigraph_triples(graph)), fmt)


def serialize_loaded(loaded: LoadedGraph, fmt: str, *, data_paths: Sequence[Path]) -> bytes:
    """The data files of a loaded project (the ontology beside them) in one export format."""
    if fmt == "csv":
        return partnerships_csv(loaded.store)
    return serialize_triples(source_triples(loaded, data_paths), fmt)


def serialize_triples(triples: Sequence[Any], fmt: str) -> bytes:
    """Sorted pyoxigraph triples as Turtle, N-Triples, RDF/XML or compacted JSON-LD."""
    import pyoxigraph

    from twingraph import jsonld

    if fmt == "jsonld":
        return jsonld.compact(triples, jsonld_context())
    oxigraph_format = {"nt": "N_TRIPLES", "turtle": "TURTLE", "rdfxml": "RDF_XML"}.get(fmt)
    if oxigraph_format is None:
        raise ExportError(f"unknown export format {fmt!r}.")
    return pyoxigraph.serialize(  # type: ignore[return-value]  # bytes when no output is given
        triples, format=getattr(pyoxigraph.RdfFormat, oxigraph_format), prefixes=export_prefixes()
    )


def export_prefixes() -> dict[str, str]:
    """The prefixes written into Turtle and RDF/XML: the vocabularies and our resource kinds."""
    from twingraph.iris import id_prefixes

    return {**PREFIXES, **id_prefixes()}


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
    return sorted_triples(t for f in loaded.files_for(data_paths) for t in f.exact_triples())


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


_CSV_QUERY = """
PREFIX tw: <https://w3id.org/twingraph/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dct: <http://purl.org/dc/terms/>
SELECT ?p ?partner ?name ?wikidata ?kind ?start ?precision ?end ?theme ?source WHERE {
  ?p a tw:Partnership ; tw:partner ?partner .
  OPTIONAL { ?partner rdfs:label ?name FILTER (LANG(?name) = "en") }
  OPTIONAL { ?partner tw:wikidataEntity ?wikidata }
  OPTIONAL { ?p tw:kind/rdfs:label ?kind FILTER (LANG(?kind) = "en") }
  OPTIONAL { ?p tw:startDate ?start }
  OPTIONAL { ?p tw:startPrecision/rdfs:label ?precision FILTER (LANG(?precision) = "en") }
  OPTIONAL { ?p tw:endDate ?end }
  OPTIONAL { ?p tw:theme/rdfs:label ?theme FILTER (LANG(?theme) = "en") }
  OPTIONAL { ?p dct:source/<https://schema.org/url> ?source }
}"""


def partnerships_csv(store: pyoxigraph.Store) -> bytes:
    """One row per partnership, partners in IRI order, lists joined with "; "; RFC 4180 (CRLF).

    The store holds the data and the ontology, whose labels name kinds and precisions.
    """
    from twingraph.offline import offline

    rows: dict[str, dict[str, Any]] = {}
    with offline():
        solutions = store.query(_CSV_QUERY, use_default_graph_as_union=True)
        result = [tuple(None if term is None else term.value for term in solution) for solution in solutions]  # type: ignore[union-attr]
    for p, partner, name, wikidata, kind, start, precision, end, theme, source in result:
        row = rows.setdefault(str(p), {"partners": {}, "themes": set(), "sources": set()})
        row["partners"][partner] = (_text(name), _text(wikidata))
        for key, value in (("kind", kind), ("start", start), ("start_precision", precision), ("end", end)):
            if value is not None:
                row[key] = value
        if theme is not None:
            row["themes"].add(theme)
        if source is not None:
            row["sources"].add(source)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for iri in sorted(rows):
        row = rows[iri]
        partners = sorted(row["partners"].items())
        (_, (a_name, a_wd)), (_, (b_name, b_wd)) = (partners + [("", ("", ""))] * 2)[:2]
        writer.writerow(
            [
                iri,
                a_name,
                a_wd,
                b_name,
                b_wd,
                row.get("kind", ""),
                row.get("start", ""),
                row.get("start_precision", ""),
                row.get("end", ""),
                "; ".join(sorted(row["themes"])),
                "; ".join(sorted(row["sources"])),
            ]
        )
    return buffer.getvalue().encode("utf-8")


def _text(node: object) -> str:
    return "" if node is None else str(node)


def partnership_count(loaded: LoadedGraph, data_paths: Sequence[Path] | None = None) -> int:
    """How many tw:Partnership resources these files (default: all) describe."""
    rows = loaded.select(f"SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE {{ ?p a <{TW}Partnership> }}", data_paths)
    return int(rows[0][0].value)
