"""JSON-LD compaction of sorted triples against twingraph's own context, in one pass.

rdflib compacts the world's twinnings (240k triples) in 17 s, pyld takes longer; the build
has 5 s for everything. Our context (`context.jsonld`) uses four features only: prefixes,
the `id`/`type` aliases, language maps and `"@type": "@id"` coercion. This module
implements the JSON-LD 1.1 compaction algorithm for exactly those, and refuses a context
with anything else, so the two cannot drift apart unnoticed. Tests expand the output with
rdflib's and pyoxigraph's JSON-LD parsers and compare it with the source graph.

Value arrays are sorted and nodes ordered by their IRI, so the bytes are deterministic.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from twingraph.errors import TwingraphError
from twingraph.iris import RDF_TYPE

if TYPE_CHECKING:
    pass

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_GEN_DELIMS = tuple(":/?#[]@")
_GEN_DELIM = re.compile(r"[:/?#\[\]@]")


class ContextError(TwingraphError):
    """The JSON-LD context uses a feature this compactor does not implement."""


@dataclass(frozen=True)
class Context:
    """A context reduced to what compaction needs."""

    raw: dict[str, Any]
    namespaces: dict[str, tuple[str, ...]]  # namespace -> its prefixes, for compact IRIs
    language_maps: dict[str, str]  # property IRI -> term whose values are a language map
    id_terms: dict[str, str]  # property IRI -> term whose values are IRIs written as strings
    id_alias: str
    type_alias: str


def read_context(raw: dict[str, Any]) -> Context:
    """Check a context against the supported features and index it."""
    prefixes: list[tuple[str, str]] = []
    aliases = {"@id": "@id", "@type": "@type"}
    definitions: dict[str, dict[str, Any]] = {}
    for term, definition in raw.items():
        if term == "@version":
            continue
        if isinstance(definition, str) and definition in aliases:
            aliases[definition] = term
        elif isinstance(definition, str):
            if not definition.endswith(_GEN_DELIMS):
                raise ContextError(f"the context term {term!r} is not a prefix (its IRI must end in / or #).")
            prefixes.append((term, definition))
        elif isinstance(definition, dict) and set(definition) in ({"@id", "@container"}, {"@id", "@type"}):
            if definition.get("@container", "@language") != "@language" or definition.get("@type", "@id") != "@id":
                raise ContextError(f"the context term {term!r} uses a container or type this compactor lacks.")
            definitions[term] = definition
        else:
            raise ContextError(f"the context term {term!r} uses a feature this compactor does not implement.")
    # A term is written once, so its IRI must not be a prefix of another term's compact IRI.
    expand = _expander(prefixes)
    language_maps = {expand(d["@id"]): t for t, d in definitions.items() if "@container" in d}
    id_terms = {expand(d["@id"]): t for t, d in definitions.items() if "@type" in d}
    return Context(
        raw=raw,
        namespaces={ns: tuple(sorted(t for t, n in prefixes if n == ns)) for _, ns in prefixes},
        language_maps=language_maps,
        id_terms=id_terms,
        id_alias=aliases["@id"],
        type_alias=aliases["@type"],
    )


def _expander(prefixes: list[tuple[str, str]]) -> Any:
    table = dict(prefixes)

    def expand(value: str) -> str:
        prefix, colon, suffix = value.partition(":")
        return table[prefix] + suffix if colon and prefix in table else value

    return expand


def compact_iri(context: Context, iri: str) -> str:
    """The shortest compact IRI for an IRI (ties: the least), or the IRI itself.

    Every namespace ends in a gen-delim, so only the IRI's cuts after one can be namespaces:
    a handful of lookups instead of a test against every prefix.
    """
    candidates = [
        f"{prefix}:{iri[cut.end() :]}"
        for cut in _GEN_DELIM.finditer(iri)
        if cut.end() < len(iri) and not iri[cut.end() :].startswith("//")
        for prefix in context.namespaces.get(iri[: cut.end()], ())
    ]
    return min(candidates, key=lambda c: (len(c), c)) if candidates else iri


class _Compactor:
    """`compact_iri` memoised: the world's data names ~45k IRIs ~260k times."""

    def __init__(self, context: Context) -> None:
        self.context = context
        self.memo: dict[str, str] = {}

    def __call__(self, iri: str) -> str:
        found = self.memo.get(iri)
        if found is None:
            found = self.memo[iri] = compact_iri(self.context, iri)
        return found


def compact(triples: Iterable[Any], context_document: dict[str, Any]) -> bytes:
    """Triples (sorted, no blank nodes) as a compacted JSON-LD document with the context embedded.

    Sorted triples come grouped by subject, so each node is written out as soon as its
    subject's triples end: only the lines are kept, not every node's dictionaries (World×10's
    compaction held several hundred megabytes of them).
    """
    context = read_context(context_document)
    short = _Compactor(context)
    lines: list[tuple[str, str]] = []
    subject, node = "", None
    for triple in triples:
        if triple.subject.value != subject:
            if node is not None:
                lines.append((subject, _line(node)))
            subject = triple.subject.value
            node = {context.id_alias: short(subject)}
        assert node is not None
        _add(context, short, node, triple.predicate.value, triple.object)
    if node is not None:
        lines.append((subject, _line(node)))
    lines.sort()
    if any(a[0] == b[0] for a, b in pairwise(lines)):
        raise ValueError("compact() needs the triples grouped by subject, as sorted_triples gives them.")
    head = json.dumps(context.raw, indent=2, ensure_ascii=False, sort_keys=True)
    body = ",\n".join(line for _, line in lines)
    return ('{\n"@context": ' + head + ',\n"@graph": [\n' + body + "\n]\n}\n").encode("utf-8")


def _line(node: dict[str, Any]) -> str:
    # One node a line: readable, diffable, and written by json's C encoder (indent= is pure Python).
    return json.dumps(_finish(node), ensure_ascii=False, sort_keys=True)


def _add(context: Context, short: _Compactor, node: dict[str, Any], predicate: str, obj: Any) -> None:
    import pyoxigraph

    is_iri = isinstance(obj, pyoxigraph.NamedNode)
    if predicate == RDF_TYPE and is_iri:
        node.setdefault(context.type_alias, []).append(short(obj.value))
        return
    if is_iri and predicate in context.id_terms:
        node.setdefault(context.id_terms[predicate], []).append(short(obj.value))
        return
    language = getattr(obj, "language", None)
    if language and predicate in context.language_maps:
        node.setdefault(context.language_maps[predicate], {}).setdefault(language, []).append(obj.value)
        return
    node.setdefault(short(predicate), []).append(_value_object(context, short, obj))


def _value_object(context: Context, short: _Compactor, obj: Any) -> Any:
    import pyoxigraph

    if isinstance(obj, pyoxigraph.NamedNode):
        return {context.id_alias: short(obj.value)}
    if isinstance(obj, pyoxigraph.BlankNode):
        raise TwingraphError("blank nodes cannot be written deterministically; give every resource an IRI.")
    if obj.language:
        return {"@value": obj.value, "@language": obj.language}
    if obj.datatype.value == XSD_STRING:
        return obj.value
    return {"@value": obj.value, context.type_alias: short(obj.datatype.value)}


def _finish(node: dict[str, Any]) -> dict[str, Any]:
    """Sort value arrays and unwrap single values, as compaction with compactArrays does."""
    finished: dict[str, Any] = {}
    for key, values in node.items():
        if isinstance(values, dict):  # a language map
            finished[key] = {lang: _one_or_sorted(texts) for lang, texts in sorted(values.items())}
        elif isinstance(values, list):
            finished[key] = _one_or_sorted(values)
        else:
            finished[key] = values
    return finished


def _one_or_sorted(values: list[Any]) -> Any:
    if len(values) == 1:
        return values[0]
    return sorted(values, key=_order)


def _order(value: Any) -> tuple[int, str]:
    """Strings by themselves, value objects by their JSON: a total, deterministic order."""
    return (0, value) if isinstance(value, str) else (1, json.dumps(value, sort_keys=True, ensure_ascii=False))
