"""One registry of the RDF formats twingraph reads and writes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from twingraph.errors import TwingraphError


@dataclass(frozen=True)
class RdfFormat:
    """An RDF serialization: its CLI name, media type, file suffixes and pyoxigraph name."""

    name: str
    label: str
    media_type: str
    suffixes: tuple[str, ...]
    oxigraph_name: str

    @property
    def suffix(self) -> str:
        """The preferred file suffix."""
        return self.suffixes[0]


RDF_FORMATS: tuple[RdfFormat, ...] = (
    RdfFormat("turtle", "Turtle", "text/turtle", (".ttl",), "TURTLE"),
    RdfFormat("nt", "N-Triples", "application/n-triples", (".nt",), "N_TRIPLES"),
    RdfFormat("nquads", "N-Quads", "application/n-quads", (".nq",), "N_QUADS"),
    RdfFormat("trig", "TriG", "application/trig", (".trig",), "TRIG"),
    RdfFormat("jsonld", "JSON-LD", "application/ld+json", (".jsonld", ".json-ld"), "JSON_LD"),
    RdfFormat("rdfxml", "RDF/XML", "application/rdf+xml", (".rdf", ".owl", ".xml"), "RDF_XML"),
)


def rdf_format_for(path: Path) -> RdfFormat | None:
    """The format a file's suffix names, or None for a file twingraph does not read."""
    suffix = path.suffix.lower()
    for fmt in RDF_FORMATS:
        if suffix in fmt.suffixes:
            return fmt
    return None


def known_suffixes() -> str:
    """The readable suffixes, for error messages: '.ttl, .nt, …'."""
    return ", ".join(s for fmt in RDF_FORMATS for s in fmt.suffixes)


@dataclass(frozen=True)
class ResultFormat:
    """A format for SELECT and ASK results: its CLI name, media type and file suffixes."""

    name: str
    label: str
    media_type: str
    suffixes: tuple[str, ...]


RESULT_FORMATS: tuple[ResultFormat, ...] = (
    ResultFormat("table", "a table for people", "text/plain", (".txt",)),
    ResultFormat("csv", "SPARQL 1.1 Query Results CSV", "text/csv", (".csv",)),
    ResultFormat("tsv", "SPARQL 1.1 Query Results TSV", "text/tab-separated-values", (".tsv",)),
    ResultFormat("json", "SPARQL 1.1 Query Results JSON", "application/sparql-results+json", (".srj", ".json")),
    ResultFormat("xml", "SPARQL Query Results XML", "application/sparql-results+xml", (".srx", ".xml")),
)

# CONSTRUCT and DESCRIBE give graphs, written in one of these.
GRAPH_RESULT_FORMATS = ("turtle", "nt", "jsonld", "rdfxml")


class UnknownSuffix(TwingraphError):
    """An output file's suffix names no format the command writes."""


# The suffixes each kind of output is written in, by format name: one table per command,
# since `.xml` means RDF/XML for `export` but SPARQL results XML for `query run`.
EXPORT_SUFFIXES = {".ttl": "turtle", ".jsonld": "jsonld", ".json": "jsonld", ".nt": "nt", ".rdf": "rdfxml",
                   ".owl": "rdfxml", ".xml": "rdfxml", ".csv": "csv"}  # fmt: skip
ROW_SUFFIXES = {suffix: fmt.name for fmt in RESULT_FORMATS for suffix in fmt.suffixes}
GRAPH_SUFFIXES = {".ttl": "turtle", ".nt": "nt", ".jsonld": "jsonld", ".json": "jsonld", ".rdf": "rdfxml",
                  ".xml": "rdfxml"}  # fmt: skip
PICTURE_SUFFIXES = {".svg": "svg", ".png": "png"}
CATALOG_SUFFIXES = {".ttl": "turtle", ".jsonld": "jsonld", ".json": "jsonld"}


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
