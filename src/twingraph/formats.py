"""The one registry of formats: every format twingraph reads, writes, serves or publishes.

Each format is declared once, with its CLI name, its media type and the other media types
and short names that mean it, its file suffixes, its pyoxigraph name and its EU file type.
Everything else reads it: the loaders (which suffixes are RDF), the CLI's `-f` choices and
`-o` suffixes, content negotiation and the `format=` parameters of `serve`, the build's file
names and the catalogue's `dcat:mediaType` and `dct:format`. Adding a format is one entry here
(and a writer where it is a new kind), plus its test.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from twingraph.errors import TwingraphError


@dataclass(frozen=True)
class Format:
    """One format: what people, clients and files call it, and how it is read or written."""

    name: str  # the CLI's -f name, and the `format=` name
    label: str
    media_type: str
    aliases: tuple[str, ...] = ()  # other media types that mean it (never matched by a wildcard)
    names: tuple[str, ...] = ()  # other short names a `format=`/`output=` parameter may use
    suffixes: tuple[str, ...] = ()  # file suffixes, the preferred first
    output_suffixes: tuple[str, ...] = ()  # further suffixes that ask for it in -o (never read as it)
    oxigraph_name: str | None = None  # pyoxigraph.RdfFormat's name, for RDF
    eu_file_type: str | None = None  # the EU file-type code, for published files

    @property
    def suffix(self) -> str:
        """The preferred file suffix."""
        return self.suffixes[0]

    def is_named(self, value: str) -> bool:
        """Whether a `format=`/`output=` value (a short name or a media type) means this format."""
        value = value.strip().lower()
        if "/" in value:
            return value.split(";")[0].strip() in (self.media_type, *self.aliases)
        return value in (self.name, *self.names)


# RDF: what twingraph reads, and (all but N-Quads and TriG) writes and serves.
TURTLE = Format("turtle", "Turtle", "text/turtle", ("application/x-turtle", "application/turtle"),
                ("ttl", "n3", "text/n3"), (".ttl",), (), "TURTLE", "RDF_TURTLE")  # fmt: skip
N_TRIPLES = Format("nt", "N-Triples", "application/n-triples", ("text/plain",), ("ntriples", "n-triples"), (".nt",),
                   (), "N_TRIPLES", "RDF_N_TRIPLES")  # fmt: skip
N_QUADS = Format("nquads", "N-Quads", "application/n-quads", (), ("nq",), (".nq",), (), "N_QUADS", "RDF_N_QUADS")
TRIG = Format("trig", "TriG", "application/trig", (), (), (".trig",), (), "TRIG", "RDF_TRIG")
JSON_LD = Format("jsonld", "JSON-LD", "application/ld+json", ("application/json",), ("json-ld", "json"),
                 (".jsonld", ".json-ld"), (".json",), "JSON_LD", "JSON_LD")  # fmt: skip
RDF_XML = Format("rdfxml", "RDF/XML", "application/rdf+xml", ("application/xml", "text/xml"),
                 ("rdf", "rdf+xml", "xml"), (".rdf", ".owl", ".xml"), (), "RDF_XML", "RDF_XML")  # fmt: skip
RDF_FORMATS: tuple[Format, ...] = (TURTLE, N_TRIPLES, N_QUADS, TRIG, JSON_LD, RDF_XML)
# What RDF is written in (exports, CONSTRUCT and DESCRIBE answers, resources on `serve`).
GRAPH_FORMATS: tuple[Format, ...] = (TURTLE, N_TRIPLES, JSON_LD, RDF_XML)

# SELECT and ASK results.
TABLE = Format("table", "a table for people", "text/plain", (), (), (".txt",))
RESULTS_CSV = Format("csv", "SPARQL 1.1 Query Results CSV", "text/csv", (), (), (".csv",))
RESULTS_TSV = Format("tsv", "SPARQL 1.1 Query Results TSV", "text/tab-separated-values", (), (), (".tsv",))
RESULTS_JSON = Format("json", "SPARQL 1.1 Query Results JSON", "application/sparql-results+json",
                      ("application/json",), ("srj",), (".srj", ".json"))  # fmt: skip
RESULTS_XML = Format("xml", "SPARQL Query Results XML", "application/sparql-results+xml",
                     ("application/xml", "text/xml"), ("srx",), (".srx", ".xml"))  # fmt: skip
RESULT_FORMATS: tuple[Format, ...] = (TABLE, RESULTS_CSV, RESULTS_TSV, RESULTS_JSON, RESULTS_XML)

# The partnerships as tables: a row each, or a row per place and partner (the long form).
PARTNERSHIPS_CSV = Format("csv", "CSV", "text/csv", suffixes=(".csv",), eu_file_type="CSV")
PARTNERS_CSV = Format("csv-long", "CSV, a row per place and partner", "text/csv", suffixes=("-partners.csv",),
                      eu_file_type="CSV")  # fmt: skip
TABLE_FORMATS: tuple[Format, ...] = (PARTNERSHIPS_CSV, PARTNERS_CSV)

# What `export` writes and `build` publishes, in this order; a file is `{name}{suffix}`.
EXPORT_FORMATS: tuple[Format, ...] = (TURTLE, JSON_LD, N_TRIPLES, RDF_XML, PARTNERSHIPS_CSV, PARTNERS_CSV)
CATALOG_FORMATS: tuple[Format, ...] = (TURTLE, JSON_LD)
# The partnership network for network tools (networkx, igraph, Gephi, QGIS, pandas): `export` writes
# them. GraphML and GEXF have no IANA registration; their media types are the ones in common use.
# The EU file-type table has no GraphML or GEXF: their dct:format is XML, the nearest it has.
GRAPHML = Format("graphml", "GraphML", "application/graphml+xml", suffixes=(".graphml",), eu_file_type="XML")
GEXF = Format("gexf", "GEXF", "application/gexf+xml", suffixes=(".gexf",), eu_file_type="XML")
UNREGISTERED_MEDIA_TYPES = frozenset({GRAPHML.media_type, GEXF.media_type})
GEOJSON = Format("geojson", "GeoJSON", "application/geo+json", suffixes=(".geojson",), eu_file_type="GEOJSON")
EDGES_CSV = Format("edges-csv", "CSV edge list", "text/csv", suffixes=("-edges.csv",), eu_file_type="CSV")
NODES_CSV = Format("nodes-csv", "CSV node list", "text/csv", suffixes=("-nodes.csv",), eu_file_type="CSV")
NETWORK_FORMATS: tuple[Format, ...] = (GRAPHML, GEXF, GEOJSON, EDGES_CSV, NODES_CSV)
# What `build` publishes and its catalogue lists, in this order: the data, then the network.
PUBLISHED_FORMATS: tuple[Format, ...] = (*EXPORT_FORMATS, *NETWORK_FORMATS)
HTML = Format("html", "HTML", "text/html", ("application/xhtml+xml",), ("htm",), (".html",))
PICTURE_FORMATS: tuple[Format, ...] = (
    Format("svg", "SVG", "image/svg+xml", (), (), (".svg",)),
    Format("png", "PNG", "image/png", (), (), (".png",)),
)


def named(name: str, formats: tuple[Format, ...]) -> Format:
    """The format of that CLI name among these."""
    for fmt in formats:
        if fmt.name == name:
            return fmt
    raise KeyError(name)


def names(formats: tuple[Format, ...]) -> list[str]:
    """The CLI names of these formats, for `-f` choices."""
    return list(dict.fromkeys(fmt.name for fmt in formats))


def rdf_format_for(path: Path) -> Format | None:
    """The format a file's suffix names, or None for a file twingraph does not read."""
    suffix = path.suffix.lower()
    return next((fmt for fmt in RDF_FORMATS if suffix in fmt.suffixes), None)


def known_suffixes() -> str:
    """The readable suffixes, for error messages: '.ttl, .nt, …'."""
    return ", ".join(s for fmt in RDF_FORMATS for s in fmt.suffixes)


class UnknownSuffix(TwingraphError):
    """An output file's suffix names no format the command writes."""


def suffix_table(formats: tuple[Format, ...]) -> dict[str, str]:
    """Suffix -> format name for one command's formats: `.xml` means RDF/XML for `export` but
    SPARQL results XML for `query run`. A file-name ending that is not a plain suffix
    (`-partners.csv`) is only written, never inferred."""
    table: dict[str, str] = {}
    for fmt in formats:
        for suffix in (*fmt.suffixes, *fmt.output_suffixes):
            if suffix.startswith(".") and suffix not in table:
                table[suffix] = fmt.name
    return table


EXPORT_SUFFIXES = suffix_table((*EXPORT_FORMATS, *NETWORK_FORMATS))
ROW_SUFFIXES = suffix_table(RESULT_FORMATS)
GRAPH_SUFFIXES = suffix_table(GRAPH_FORMATS)
PICTURE_SUFFIXES = suffix_table(PICTURE_FORMATS)
CATALOG_SUFFIXES = suffix_table(CATALOG_FORMATS)


def format_for_suffix(path: Path, suffixes: dict[str, str], *, what: str) -> str:
    """The format a file name asks for, from one command's table; UnknownSuffix lists the known ones."""
    suffix = path.suffix.lower()
    if suffix in suffixes:
        return suffixes[suffix]
    known = ", ".join(sorted(suffixes))
    raise UnknownSuffix(
        f"{path.name}: twingraph does not know which {what} format {suffix or 'a name without a suffix'!r} "
        f"means. Use one of {known}, or say the format with -f."
    )


# CSV cells a spreadsheet would run as a formula (OWASP's "CSV injection"): those that begin with
# =, +, -, @, a tab or a carriage return. Numbers (-1.5, +3, 1e-3) and dates (-0044) are data.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SPREADSHEET_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|-\d{4,}(?:-\d{2}){0,2}")


def spreadsheet_safe(cell: object) -> object:
    """A CSV cell as OWASP recommends: text that would start a formula gets a leading
    apostrophe, which spreadsheets show as text; numbers, dates and everything else are as given."""
    if isinstance(cell, str) and cell.startswith(FORMULA_START) and not SPREADSHEET_NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def spreadsheet_row(cells: Iterable[object]) -> list[object]:
    """`spreadsheet_safe` for each cell of a row."""
    return [spreadsheet_safe(cell) for cell in cells]
