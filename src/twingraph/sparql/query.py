"""Stored SPARQL queries: `queries/*.rq` with a metadata header, run with bound parameters.

A stored query starts with comment lines:

    # title: Partners of a city
    # description: The partners of a city, with …
    # param: city: place = Kassel | The city, as a name or an IRI

Parameter types: `place` (a name, our IRI or a Wikidata IRI, resolved to our place),
`iri`, `string` and `integer`. Values are never spliced into the query text: locally and on
an endpoint alike (neither Oxigraph's pre-binding, which takes only projected variables, nor
the SPARQL protocol can carry them all) they travel in a strictly escaped VALUES block
(`sparql_text.with_values`) at the top of the WHERE clause.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from twingraph.errors import InputError, TwingraphError
from twingraph.iris import FALLBACK_LANGUAGES
from twingraph.labels import preferred_languages
from twingraph.offline import offline
from twingraph.sparql.guard import QueryRefused, check_offline_read_only, query_form

if TYPE_CHECKING:
    import pyoxigraph
    import rdflib
    from rdflib.query import Result

    from twingraph.rdf.load import LoadedGraph
    from twingraph.sparql.remote import Endpoint
    from twingraph.sparql.results import Answer

PARAMETER_TYPES = ("place", "iri", "string", "integer")
_HEADER = re.compile(r"^#\s*(title|description|param|list|labels):\s*(.*)$")
# `# list: themes ", "`: a column that joins several values (GROUP_CONCAT) with this separator.
_LIST = re.compile(r'^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s+"(?P<separator>[^"]+)"$')
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
    path: Path | None = None
    # Columns that join values (name -> separator); twingraph sorts their parts, since SPARQL
    # leaves GROUP_CONCAT's order open and engines differ.
    lists: tuple[tuple[str, str], ...] = ()
    # `# labels: name kind`: variables that hold a name, given in the first of `languages` the
    # resource has a label in, else in any (labels.py's with_label_fallback).
    labels: tuple[str, ...] = ()
    languages: tuple[str, ...] = FALLBACK_LANGUAGES

    @property
    def form(self) -> str:
        """SELECT, ASK, CONSTRUCT or DESCRIBE."""
        return query_form(self.text)

    @property
    def sparql(self) -> str:
        """The query as it runs: its labels in the preferred languages."""
        from twingraph.labels import with_label_fallback

        return with_label_fallback(self.text, self.labels, self.languages) if self.labels else self.text

    def in_languages(self, languages: Sequence[str]) -> StoredQuery:
        """The same query with names in these languages, best first (then English, German, any)."""
        return replace(self, languages=preferred_languages(languages))


def adhoc_query(text: str) -> StoredQuery:
    """An ad-hoc query (from `twingraph sparql`): no parameters."""
    return StoredQuery(name="sparql", title="Ad-hoc query", description="", parameters=(), text=text)


def find_stored_query(folder: Path, name_or_path: str) -> StoredQuery:
    """A stored query by name (`partners`) from a folder, or any `.rq` file by its path."""
    candidate = Path(name_or_path)
    if name_or_path.endswith(".rq") or candidate.is_file():
        if not candidate.is_file():
            raise InputError("no such query file.", path=candidate)
        return read_stored_query(candidate)
    path = folder / f"{name_or_path}.rq"
    if not re.fullmatch(r"[A-Za-z0-9_.-]+", name_or_path) or not path.is_file():
        names = ", ".join(q.name for q in stored_queries(folder)) or "none"
        raise ParameterError(f"no stored query is called {name_or_path!r}. Stored queries: {names}.")
    return read_stored_query(path)


def read_stored_query(path: Path) -> StoredQuery:
    """Read one `.rq` file with its metadata header."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot be read ({exc}).", path=path) from None
    fields: dict[str, str] = {}
    parameters: list[Parameter] = []
    lists: list[tuple[str, str]] = []
    labels: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = _HEADER.match(line.strip())
        if not match:
            continue
        key, value = match.groups()
        if key == "labels":
            labels.extend(_declared_labels(value, text, path, number))
            continue
        if key == "list":
            declared = _LIST.match(value.strip())
            if not declared:
                raise InputError(
                    'bad list line; write \'# list: COLUMN "SEPARATOR"\', as in # list: themes ", ".',
                    path=path,
                    line=number,
                )
            lists.append((declared["name"], declared["separator"]))
            continue
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
        lists=tuple(lists),
        labels=tuple(labels),
    )


def _declared_labels(value: str, text: str, path: Path, number: int) -> list[str]:
    """The variables of a `# labels:` line, each written in the form the fallback expands."""
    from twingraph.labels import has_label_idiom

    names = [name.lstrip("?") for name in value.split()]
    for name in names:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) or not has_label_idiom(text, name):
            raise InputError(
                f"# labels: names ?{name}, but the query has no pattern "
                f'`SUBJECT rdfs:label ?{name} FILTER (LANG(?{name}) = "en")` (or `SUBJECT PROPERTY/rdfs:label …`) '
                "for it; write the label that way, as its own triple.",
                path=path,
                line=number,
            )
    return names


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
    """Run a stored query on a graph, offline, with its parameters bound, as an rdflib Result.

    Parameters travel in the same strictly escaped VALUES block as on an endpoint (Oxigraph
    pre-binds only projected variables), so a query means the same locally and remotely.
    On a loaded project graph the query runs in Oxigraph. `allow_service` lets SERVICE
    reach the servers the query names; nothing else does. `answer_local` is the faster way
    when rdflib terms are not needed.
    """
    from contextlib import nullcontext

    from twingraph.rdf import rdflib_patches
    from twingraph.sparql.text import with_values

    check_offline_read_only(query.text, allow_service=allow_service)
    text = with_values(query.sparql, bind_parameters(graph, query, values or {}))
    # rdflib's fixes for plain rdflib graphs, which rdflib's own engine evaluates; only here.
    with rdflib_patches.fixes(), nullcontext() if allow_service else offline(), _engine_errors():
        result = graph.query(text)
        if result.type == "SELECT":
            result.bindings  # noqa: B018  evaluated lazily: evaluate here, inside offline()
        return result


def answer_local(
    loaded: LoadedGraph,
    query: StoredQuery,
    values: Mapping[str, str] | None = None,
    *,
    allow_service: bool = False,
    max_rows: int | None = None,
) -> Answer:
    """Run a stored query on a loaded project straight in Oxigraph, to an `Answer` of Oxigraph terms.

    The same checks and bindings as `run_local`, without building rdflib terms for every
    cell (about 20 µs each: a second for the 10,000 rows of the cold-war query on World).
    """
    from contextlib import nullcontext

    from twingraph.sparql.results import answer_from_oxigraph, sort_lists
    from twingraph.sparql.text import with_values

    check_offline_read_only(query.text, allow_service=allow_service)
    bindings = _bindings(query, values or {}, lambda value: resolve_place_in_store(loaded.store, value))
    text = with_values(query.sparql, bindings)
    with nullcontext() if allow_service else offline(), _engine_errors():
        result = loaded.store.query(text)
        return sort_lists(answer_from_oxigraph(result, max_rows=max_rows), query.lists)


def answer_contained(
    loaded: LoadedGraph, query: StoredQuery, values: Mapping[str, str] | None = None, **options: Any
) -> Answer:
    """`answer_local` in a forked child, so that a fault of the engine ends the child, not the
    command: Oxigraph 0.5 aborts on some queries (an ORDER BY over a large cross product, the
    README's known limits), and a Rust panic cannot be caught. Errors are raised as locally."""
    from twingraph.parallel import Pending

    def failed(signal_number: int) -> Exception:
        from twingraph.parallel import ended_by

        return QueryRefused(
            f"the query engine failed on this query ({ended_by(-signal_number).removeprefix('its process ')}). "
            "Narrow the query (fewer rows to sort, no cross product), or see the README's known limits.",
            kind="engine",
        )

    step = lambda: answer_local(loaded, query, values, **options)  # noqa: E731
    return Pending(step, on_signal=failed, quiet=True).result()


@contextmanager
def _engine_errors() -> Iterator[None]:
    """Oxigraph's syntax errors and failed SERVICE calls as one-line refusals."""
    try:
        yield
    except SyntaxError as exc:  # Oxigraph's parser: "error at LINE:COLUMN: message"
        where = re.match(r"error at (\d+):(\d+): (.*)", str(exc.msg))
        detail = f"at line {where[1]}, column {where[2]}: {where[3]}" if where else f": {exc.msg}"
        raise QueryRefused(f"SPARQL syntax error {detail}.") from None
    except OSError as exc:  # Oxigraph's HTTP client, reached only with --allow-service
        raise QueryRefused(f"a SERVICE the query names could not be reached: {exc}.", kind="service") from None


def run_remote(
    endpoint: Endpoint,
    query: StoredQuery,
    values: Mapping[str, str] | None = None,
    *,
    default_graphs: tuple[str, ...] = (),
) -> Result:
    """Run a stored query on a SPARQL endpoint, its parameters in an escaped VALUES block.

    The endpoint decides what it allows (SERVICE, FROM): it is the user's choice of
    server, and the query does not run here.
    """
    from twingraph.sparql import remote
    from twingraph.sparql.text import with_values

    form = query.form

    def place(value: str) -> rdflib.term.Identifier:
        return resolve_place_remote(endpoint, value, default_graphs=default_graphs)

    bindings = _bindings(query, values or {}, place)
    text = with_values(query.sparql, bindings)
    return remote.run_query(endpoint, text, form=form, default_graphs=default_graphs)


def answer_remote(
    endpoint: Endpoint,
    query: StoredQuery,
    values: Mapping[str, str] | None = None,
    *,
    default_graphs: tuple[str, ...] = (),
) -> Answer:
    """`run_remote` to the `Answer` a local run gives of the same data: lists sorted, and
    booleans canonical (stores differ in both, not in the rows they mean)."""
    from twingraph.sparql.results import answer_from_rdflib, canonical_booleans, sort_lists

    result = run_remote(endpoint, query, values, default_graphs=default_graphs)
    return sort_lists(canonical_booleans(answer_from_rdflib(result)), query.lists)


def bind_parameters(
    graph: rdflib.Graph, query: StoredQuery, values: Mapping[str, str]
) -> dict[str, rdflib.term.Identifier]:
    """The rdflib terms to bind for each parameter: given values, else defaults."""
    return _bindings(query, values, lambda value: resolve_place(graph, value))


def _bindings(
    query: StoredQuery, values: Mapping[str, str], place: Callable[[str], rdflib.term.Identifier]
) -> dict[str, rdflib.term.Identifier]:
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
        bindings[parameter.name] = place(value) if parameter.type == "place" else _term(parameter, value)
    return bindings


def _term(parameter: Parameter, value: str) -> rdflib.term.Identifier:
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
    raise AssertionError(parameter.type)


def resolve_place(graph: rdflib.Graph, value: str) -> rdflib.URIRef:
    """Our place for a name (any language or spelling, case-insensitive), our IRI, or its Wikidata IRI."""

    def places(text: str, bindings: dict[str, rdflib.term.Identifier]) -> list[str]:
        from twingraph.sparql.text import with_values

        with offline():
            return sorted({str(row[0]) for row in graph.query(with_values(text, bindings))})  # type: ignore[index]

    return _resolve_place(places, value, where="")


def resolve_place_in_store(store: pyoxigraph.Store, value: str) -> rdflib.URIRef:
    """Like `resolve_place`, asking a pyoxigraph Store (all of its graphs) directly."""

    def places(text: str, bindings: dict[str, rdflib.term.Identifier]) -> list[str]:
        from twingraph.sparql.text import with_values

        with offline():
            rows: Any = store.query(with_values(text, bindings))
            return sorted({row[0].value for row in rows})

    return _resolve_place(places, value, where="")


_PARTNER_NAMES = """PREFIX tw: <https://w3id.org/twingraph/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?name WHERE { ?p a tw:Partnership ; tw:partner ?place .
  { ?place rdfs:label ?name } UNION { ?place skos:altLabel ?name } }"""


def similar_partner_names(store: pyoxigraph.Store, name: str, *, limit: int = 5) -> list[str]:
    """Names of places that have partnerships and are spelled like `name` (Berlin: Berlin-Mitte),
    for a hint when a query about `name` finds nothing."""
    import difflib

    with offline():
        rows: Any = store.query(_PARTNER_NAMES)
        names = sorted({row[0].value for row in rows})
    wanted = name.strip().casefold()
    containing = [n for n in names if wanted and wanted in n.casefold() and n.casefold() != wanted]
    close = difflib.get_close_matches(name.strip(), names, n=limit, cutoff=0.75)
    return list(dict.fromkeys([*containing, *(n for n in close if n.casefold() != wanted)]))[:limit]


def _resolve_place(
    places: Callable[[str, dict[str, rdflib.term.Identifier]], list[str]], value: str, *, where: str
) -> rdflib.URIRef:
    """The one place a value names, by IRI, Wikidata IRI or label; `places` runs a lookup query."""
    from rdflib import Literal, URIRef

    from twingraph.sparql.text import SparqlTextError, iri

    try:
        iri(value)
        by_iri = places(PLACE_BY_IRI, {"given": URIRef(value)})
    except SparqlTextError:
        by_iri = []
    if len(by_iri) == 1:
        return URIRef(by_iri[0])
    matches = places(PLACE_BY_NAME, {"name": Literal(value.strip())})
    if len(matches) == 1:
        return URIRef(matches[0])
    if matches:
        raise ParameterError(f"{value!r} names several places{where}: {', '.join(matches)}. Give the IRI instead.")
    if where:
        raise ParameterError(f"{where.removeprefix(' at ')} knows no place called {value!r} or with that IRI.")
    raise ParameterError(f"no place is called {value!r} or has that IRI; `twingraph summary` lists the places.")


PLACE_BY_IRI = """
PREFIX tw: <https://w3id.org/twingraph/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?place WHERE {
  { ?given a ?class . BIND (?given AS ?place) } UNION { ?place tw:wikidataEntity ?given ; a ?class }
  ?class rdfs:subClassOf* tw:Place .
}"""

PLACE_BY_NAME = """
PREFIX tw: <https://w3id.org/twingraph/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?place WHERE {
  ?place rdfs:label|skos:altLabel ?label ; a ?class .
  ?class rdfs:subClassOf* tw:Place .
  FILTER (LCASE(STR(?label)) = LCASE(?name))
}"""


def resolve_place_remote(endpoint: Endpoint, value: str, *, default_graphs: tuple[str, ...] = ()) -> rdflib.URIRef:
    """Like `resolve_place`, asking the endpoint: our IRI, a Wikidata IRI, or a name."""
    from twingraph.sparql import remote
    from twingraph.sparql.text import with_values

    def places(text: str, bindings: dict[str, rdflib.term.Identifier]) -> list[str]:
        result = remote.run_query(endpoint, with_values(text, bindings), form="SELECT", default_graphs=default_graphs)
        return sorted({str(row[0]) for row in result})  # type: ignore[index]

    return _resolve_place(places, value, where=f" at {endpoint.url}")
