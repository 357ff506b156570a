"""Stored SPARQL queries: `queries/*.rq` with a metadata header, run with bound parameters.

A stored query starts with comment lines:

    # title: Partners of a city
    # description: The partners of a city, with …
    # param: city: place = Kassel | The city, as a name or an IRI

Parameter types: `place` (a name, our IRI or a Wikidata IRI, resolved to our place),
`iri`, `string` and `integer`. Values are always bound (rdflib `initBindings`), never
spliced into the query text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from twingraph.errors import InputError, TwingraphError
from twingraph.iris import TW
from twingraph.offline import offline
from twingraph.sparql_guard import check_offline_read_only

if TYPE_CHECKING:
    import rdflib
    from rdflib.query import Result

PARAMETER_TYPES = ("place", "iri", "string", "integer")
_HEADER = re.compile(r"^#\s*(title|description|param):\s*(.*)$")
_PARAM = re.compile(
    r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*):\s*(?P<type>\w+)(?:\s*=\s*(?P<default>[^|]*?))?\s*(?:\|\s*(?P<doc>.*))?$"
)


class ParameterError(TwingraphError):
    """A query parameter is unknown, missing or cannot be resolved."""


@dataclass(frozen=True)
class Parameter:
    """One parameter of a stored query."""

    name: str
    type: str
    default: str | None
    description: str


@dataclass(frozen=True)
class StoredQuery:
    """A stored query: its name (the file stem), metadata and SPARQL text."""

    name: str
    title: str
    description: str
    parameters: tuple[Parameter, ...]
    text: str
    path: Path


def read_stored_query(path: Path) -> StoredQuery:
    """Read one `.rq` file with its metadata header."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot be read ({exc}).", path=path) from None
    fields: dict[str, str] = {}
    parameters: list[Parameter] = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = _HEADER.match(line.strip())
        if not match:
            continue
        key, value = match.groups()
        if key != "param":
            fields[key] = value.strip()
            continue
        param = _PARAM.match(value.strip())
        if not param or param["type"] not in PARAMETER_TYPES:
            raise InputError(
                f"bad parameter line; write '# param: NAME: TYPE = DEFAULT | description' with TYPE one of "
                f"{', '.join(PARAMETER_TYPES)}.",
                path=path,
                line=number,
            )
        default = param["default"] if param["default"] else None
        parameters.append(Parameter(param["name"], param["type"], default, (param["doc"] or "").strip()))
    return StoredQuery(
        name=path.stem,
        title=fields.get("title", path.stem),
        description=fields.get("description", ""),
        parameters=tuple(parameters),
        text=text,
        path=path,
    )


def stored_queries(folder: Path) -> list[StoredQuery]:
    """Every stored query in a folder, by name."""
    return [read_stored_query(p) for p in sorted(folder.glob("*.rq"))]


def run_local(
    graph: rdflib.Graph,
    query: StoredQuery,
    values: Mapping[str, str] | None = None,
    *,
    allow_service: bool = False,
) -> Result:
    """Run a stored query on a graph, offline, with its parameters bound."""
    check_offline_read_only(query.text, allow_service=allow_service)
    bindings = bind_parameters(graph, query, values or {})
    with offline():
        return graph.query(query.text, initBindings=bindings)


def bind_parameters(
    graph: rdflib.Graph, query: StoredQuery, values: Mapping[str, str]
) -> dict[str, rdflib.term.Identifier]:
    """The rdflib terms to bind for each parameter: given values, else defaults."""
    known = {p.name for p in query.parameters}
    unknown = sorted(set(values) - known)
    if unknown:
        raise ParameterError(
            f"{query.name} has no parameter {unknown[0]!r}; it takes: {', '.join(sorted(known)) or 'none'}."
        )
    bindings: dict[str, rdflib.term.Identifier] = {}
    for parameter in query.parameters:
        value = values.get(parameter.name, parameter.default)
        if value is None:
            raise ParameterError(f"{query.name} needs -p {parameter.name}=… ({parameter.description}).")
        bindings[parameter.name] = _term(graph, parameter, value)
    return bindings


def _term(graph: rdflib.Graph, parameter: Parameter, value: str) -> rdflib.term.Identifier:
    from rdflib import Literal, URIRef
    from rdflib.namespace import XSD

    if parameter.type == "string":
        return Literal(value)
    if parameter.type == "integer":
        try:
            return Literal(int(value), datatype=XSD.integer)
        except ValueError:
            raise ParameterError(f"{parameter.name} must be a whole number, not {value!r}.") from None
    if parameter.type == "iri":
        if not re.match(r"^[a-z][a-z0-9+.-]*:[^\s<>\"{}|\\^`]*$", value, re.IGNORECASE):
            raise ParameterError(f"{parameter.name} must be an absolute IRI, not {value!r}.")
        return URIRef(value)
    return resolve_place(graph, value)


def resolve_place(graph: rdflib.Graph, value: str) -> rdflib.URIRef:
    """Our place for a name (any language or spelling), our IRI, or its Wikidata IRI."""
    from rdflib import RDF, RDFS, Literal, URIRef
    from rdflib.namespace import SKOS

    # tw:Place and every subclass the ontology (or the data) declares.
    place_classes = set(graph.transitive_subjects(RDFS.subClassOf, URIRef(TW + "Place")))

    def is_place(node: object) -> bool:
        return any(cls in place_classes for cls in graph.objects(node, RDF.type))  # type: ignore[arg-type]

    candidate = URIRef(value)
    if is_place(candidate):
        return candidate
    by_wikidata = [s for s in graph.subjects(URIRef(TW + "wikidataEntity"), candidate) if is_place(s)]
    if len(by_wikidata) == 1:
        return URIRef(str(by_wikidata[0]))
    wanted = value.casefold().strip()
    matches = sorted(
        {
            str(s)
            for p in (RDFS.label, SKOS.altLabel)
            for s, o in graph.subject_objects(p)
            if isinstance(o, Literal) and str(o).casefold() == wanted and is_place(s)
        }
    )
    if len(matches) == 1:
        return URIRef(matches[0])
    if matches:
        raise ParameterError(f"{value!r} names several places: {', '.join(matches)}. Give the IRI instead.")
    raise ParameterError(f"no place is called {value!r} or has that IRI; `twingraph summary` lists the places.")
