"""`twingraph retract`: a wrong partnership retracted without editing Turtle.

The retraction is a deprecated claim written into the project's corrections file
(data/corrections.ttl), validated with the project before it is written whole; every load
then leaves the partnership out (rdf/corrections.py). The data files are never changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from twingraph.errors import InputError
from twingraph.iris import TW
from twingraph.rdf.corrections import CORRECTIONS_FILE, RETRACTS

if TYPE_CHECKING:
    from twingraph.project import Project
    from twingraph.rdf.load import LoadedGraph


@dataclass(frozen=True)
class Retracted:
    """What `retract` did: the partnerships it retracted, those retracted already, and the file."""

    out: Path
    retracted: tuple[str, ...]
    already: tuple[str, ...]


class UnknownPartnership(InputError):
    """A partnership to retract is not in the data."""


def retract(
    project: Project, partnerships: Sequence[str], *, reason: str, source_url: str, max_bytes: int
) -> Retracted:
    """Write a deprecated claim for each partnership (an IRI, or its slug `jena--porto`) into the
    project's corrections file, which is validated with the project before it is written whole.
    The data files are not changed."""
    from twingraph.outputs.files import write_atomic
    from twingraph.rdf.load import load_project_graph, read_input

    base = project.settings.base_iri
    out = project.root / "data" / CORRECTIONS_FILE
    loaded = load_project_graph(project, max_bytes=max_bytes)
    already_retracted = {row[0].value for row in loaded.select(f"SELECT ?p WHERE {{ ?r <{RETRACTS}> ?p }}")}
    wanted = [_partnership_iri(text, base) for text in partnerships]
    held = {row[0].value for row in loaded.select(f"SELECT ?p WHERE {{ ?p a <{TW}Partnership> }}")}
    for text, iri in zip(partnerships, wanted, strict=True):
        if iri not in held and iri not in already_retracted:
            raise UnknownPartnership(
                f"there is no partnership {text!r} in the data ({iri}). `twingraph query run partners -p city=NAME` "
                "lists a city's partnerships with their IRIs."
            )
    new = [iri for iri in dict.fromkeys(wanted) if iri not in already_retracted]
    if not new:
        return Retracted(out, (), tuple(dict.fromkeys(wanted)))
    block = _retractions(loaded, new, reason=reason, source_url=source_url, base_iri=base)
    before = read_input(out, max_bytes=max_bytes) if out.exists() else _HEADER.encode()
    body = before + (b"" if before.endswith(b"\n") else b"\n") + block
    _check(project, out, body, max_bytes=max_bytes)
    write_atomic(out, body)
    return Retracted(out, tuple(new), tuple(iri for iri in dict.fromkeys(wanted) if iri in already_retracted))


_HEADER = (
    "# Corrections of this project's data, written by `twingraph retract`: each deprecated claim\n"
    "# (tw:retracts) leaves a partnership out of what twingraph publishes, with its reason and source.\n"
    "# Delete a claim to bring its partnership back.\n"
)


def _partnership_iri(text: str, base_iri: str) -> str:
    text = text.strip().strip("<>")
    if text.startswith(("http://", "https://")):
        return text
    return f"{base_iri}id/partnership/{text.removeprefix('partnership/')}"


def _retractions(
    loaded: LoadedGraph, partnerships: Sequence[str], *, reason: str, source_url: str, base_iri: str
) -> bytes:
    """The deprecated claims, their source and which place claims them, as N-Triples (escaped by
    Oxigraph): each on the place with more partnerships (the city), about the other."""
    from urllib.parse import urlsplit

    import pyoxigraph

    from twingraph.iris import DCT_SOURCE, RDF_TYPE, SCHEMA_URL, resource_iri, slugify

    def node(iri: str) -> pyoxigraph.NamedNode:
        return pyoxigraph.NamedNode(iri)

    counts = {
        row[0].value: int(row[1].value)
        for row in loaded.select(f"SELECT ?x (COUNT(?p) AS ?n) WHERE {{ ?p <{TW}partner> ?x }} GROUP BY ?x")
    }
    # A source of its own (an import's source of the same page says other things about it).
    slug = ("correction-" + slugify(source_url))[:80].strip("-")
    source = node(resource_iri("source", slug, base_iri=base_iri))
    host = urlsplit(source_url).hostname or source_url
    triples = [
        pyoxigraph.Triple(source, node(RDF_TYPE), node(TW + "Source")),
        pyoxigraph.Triple(source, node(SCHEMA_URL), node(source_url)),
        pyoxigraph.Triple(source, node("http://purl.org/dc/terms/title"), pyoxigraph.Literal(host, language="en")),
    ]
    for iri in partnerships:
        places = sorted(
            (row[0].value for row in loaded.select(f"SELECT ?x WHERE {{ <{iri}> <{TW}partner> ?x }}")),
            key=lambda place: (-counts.get(place, 0), place),
        )
        city, partner = places[0], places[-1]
        claim = node(resource_iri("claim", f"{iri.rsplit('/', 1)[-1]}-retracted", base_iri=base_iri))
        triples += [
            pyoxigraph.Triple(node(city), node(TW + "claim"), claim),
            pyoxigraph.Triple(claim, node(RDF_TYPE), node(TW + "Claim")),
            pyoxigraph.Triple(claim, node(RETRACTS), node(iri)),
            pyoxigraph.Triple(claim, node(TW + "claimProperty"), node(TW + "twinnedWith")),
            pyoxigraph.Triple(claim, node(TW + "claimValue"), node(partner)),
            pyoxigraph.Triple(claim, node(TW + "rank"), node(TW + "DeprecatedRank")),
            pyoxigraph.Triple(claim, node(TW + "rankReason"), pyoxigraph.Literal(reason)),
            pyoxigraph.Triple(claim, node(DCT_SOURCE), source),
        ]
    body = pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.N_TRIPLES)
    assert body is not None
    return body


def _check(project: Project, out: Path, body: bytes, *, max_bytes: int) -> None:
    """Refuse a corrections file that would make the project not conform (nothing is written)."""
    from twingraph.rdf.load import load_graph
    from twingraph.shacl.validate import load_shapes, validate_graph

    ontology, data = project.graph_inputs()
    files = [p for folder in data for p in ([folder] if folder.is_file() else sorted(folder.glob("*.ttl")))]
    together = load_graph(
        [*ontology, *(p for p in files if p.resolve() != out.resolve())], max_bytes=max_bytes, written=[(out, body)]
    )
    report = validate_graph(together.graph, load_shapes(project))
    if not report.conforms:
        first = report.violations[0]
        raise InputError(
            f"the correction would make the data not conform ({len(report.violations)} violations; the first, "
            f"on {first.focus}: {first.message}). Nothing was written.",
            path=out,
        )
