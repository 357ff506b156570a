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
    import rdflib


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
    """The graph in one export format, deterministically.

    The CSV names kinds, themes and precisions by their labels, which the ontology holds.
    """
    if fmt == "csv":
        labelled = graph if ontology is None else graph + ontology
        return partnerships_csv(labelled)
    if fmt == "jsonld":
        return _jsonld(graph)
    oxigraph_format = {"nt": "N_TRIPLES", "turtle": "TURTLE", "rdfxml": "RDF_XML"}.get(fmt)
    if oxigraph_format is None:
        raise ExportError(f"unknown export format {fmt!r}.")
    import pyoxigraph

    return pyoxigraph.serialize(  # type: ignore[return-value]  # bytes when no output is given
        sorted_triples(graph), format=getattr(pyoxigraph.RdfFormat, oxigraph_format), prefixes=export_prefixes()
    )


def export_prefixes() -> dict[str, str]:
    """The prefixes written into Turtle and RDF/XML: the vocabularies and our resource kinds."""
    from twingraph.iris import id_prefixes

    return {**PREFIXES, **id_prefixes()}


def sorted_triples(graph: rdflib.Graph) -> list[Any]:
    """The graph's triples as pyoxigraph triples, sorted by their N-Triples form.

    pyoxigraph writes triples in the order given, grouping a subject's and a predicate's
    consecutive triples, so sorted input gives stable, readable output.
    """
    import pyoxigraph

    if any(_is_blank(term) for triple in graph for term in triple):
        raise ExportError(
            "the data has blank nodes, which cannot be written deterministically; give every resource an IRI."
        )
    data = graph.serialize(format="nt", encoding="utf-8")
    triples = [quad.triple for quad in pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.N_TRIPLES)]
    triples.sort(key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    return triples


def sorted_graph(graph: rdflib.Graph) -> rdflib.Graph:
    """A copy with triples inserted in sorted order and only our prefixes bound (for rdflib's JSON-LD writer)."""
    from rdflib import Graph

    ordered = Graph(bind_namespaces="none")
    for prefix, namespace in export_prefixes().items():
        ordered.bind(prefix, namespace)
    for triple in sorted(graph, key=lambda t: tuple(term.n3() for term in t)):
        ordered.add(triple)
    return ordered


def _is_blank(term: object) -> bool:
    from rdflib import BNode

    return isinstance(term, BNode)


def _jsonld(graph: rdflib.Graph) -> bytes:
    return compact_jsonld(graph, jsonld_context())


def compact_jsonld(graph: rdflib.Graph, context: dict[str, Any]) -> bytes:
    """JSON-LD compacted against a context that is embedded, with nodes and value arrays sorted."""
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


def partnerships_csv(graph: rdflib.Graph) -> bytes:
    """One row per partnership, partners in IRI order, lists joined with "; "; RFC 4180 (CRLF)."""
    from twingraph.offline import offline

    rows: dict[str, dict[str, Any]] = {}
    with offline():
        result = list(graph.query(_CSV_QUERY))
    for p, partner, name, wikidata, kind, start, precision, end, theme, source in result:  # type: ignore[misc]
        row = rows.setdefault(str(p), {"partners": {}, "themes": set(), "sources": set()})
        row["partners"][str(partner)] = (_text(name), _text(wikidata))
        for key, value in (("kind", kind), ("start", start), ("start_precision", precision), ("end", end)):
            if value is not None:
                row[key] = str(value)
        if theme is not None:
            row["themes"].add(str(theme))
        if source is not None:
            row["sources"].add(str(source))
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


def partnership_count(graph: rdflib.Graph) -> int:
    """How many tw:Partnership resources the graph has."""
    from rdflib import RDF, URIRef

    return len(set(graph.subjects(RDF.type, URIRef(TW + "Partnership"))))
