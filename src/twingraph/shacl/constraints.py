"""The SHACL Core constraint components, each checked for all focus nodes at once."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from twingraph.iris import XSD
from twingraph.rdf.terms import to_oxigraph as _to_ox
from twingraph.rdf.terms import to_rdflib as _to_rdflib
from twingraph.shacl.model import SH, Result, Shape

if TYPE_CHECKING:
    from twingraph.shacl.model import Evaluator as Engine  # the engine, as the constraints see it

_NODE_KINDS = {
    "IRI": {"iri"},
    "BlankNode": {"blank"},
    "Literal": {"literal"},
    "BlankNodeOrIRI": {"blank", "iri"},
    "BlankNodeOrLiteral": {"blank", "literal"},
    "IRIOrLiteral": {"iri", "literal"},
}

_RANGE = {"minInclusive": "ge", "maxInclusive": "le", "minExclusive": "gt", "maxExclusive": "lt"}


def _each_failing_value(
    shape: Shape, component: str, value_map: dict[Any, list[Any]], failing: Any
) -> Iterator[Result]:
    for focus, values in value_map.items():
        for value in values:
            if failing(value):
                yield Result(focus, SH + component, shape, value=value, path=shape.path, messages=shape.messages)


def _class(engine: Engine, shape: Shape, argument: Any, value_map: dict[Any, list[Any]]) -> Iterator[Result]:
    members = engine.instances(str(argument))
    return _each_failing_value(shape, "ClassConstraintComponent", value_map, lambda v: v not in members)


def _datatype(engine: Engine, shape: Shape, argument: Any, value_map: dict[Any, list[Any]]) -> Iterator[Result]:
    datatype = str(argument)
    return _each_failing_value(
        shape, "DatatypeConstraintComponent", value_map, lambda v: not engine.datatype_ok(v, datatype)
    )


def _node_kind(engine: Engine, shape: Shape, argument: Any, value_map: dict[Any, list[Any]]) -> Iterator[Result]:
    allowed = _NODE_KINDS[str(argument).removeprefix(SH)]
    return _each_failing_value(shape, "NodeKindConstraintComponent", value_map, lambda v: _kind(v) not in allowed)


def _count(
    engine: Engine, shape: Shape, argument: Any, value_map: dict[Any, list[Any]], *, at_least: bool
) -> Iterator[Result]:
    bound = int(argument)
    component = "MinCountConstraintComponent" if at_least else "MaxCountConstraintComponent"
    for focus, values in value_map.items():
        if (len(values) < bound) if at_least else (len(values) > bound):
            yield Result(focus, SH + component, shape, path=shape.path, messages=shape.messages)


def _min_count(engine: Engine, shape: Shape, argument: Any, value_map: dict[Any, list[Any]]) -> Iterator[Result]:
    return _count(engine, shape, argument, value_map, at_least=True)


def _max_count(engine: Engine, shape: Shape, argument: Any, value_map: dict[Any, list[Any]]) -> Iterator[Result]:
    return _count(engine, shape, argument, value_map, at_least=False)


def _range(name: str) -> Any:
    def check(engine: Engine, shape: Shape, argument: Any, value_map: dict[Any, list[Any]]) -> Iterator[Result]:
        import operator

        compare = getattr(operator, _RANGE[name])

        import pyoxigraph

        bound = argument.value

        def failing(value: Any) -> bool:
            # As SPARQL's comparison operators: only comparable literals can pass.
            if not isinstance(value, pyoxigraph.Literal):
                return True
            actual = _to_rdflib(value).value
            if actual is None or bound is None or isinstance(actual, str) != isinstance(bound, str):
                return True
            try:
                return not compare(actual, bound)
            except TypeError:
                return True

        component = name[0].upper() + name[1:] + "ConstraintComponent"
        return _each_failing_value(shape, component, value_map, failing)

    return check


def _length(name: str) -> Any:
    def check(engine: Engine, shape: Shape, argument: Any, value_map: dict[Any, list[Any]]) -> Iterator[Result]:
        import pyoxigraph

        bound = int(argument)

        def failing(value: Any) -> bool:
            if isinstance(value, pyoxigraph.BlankNode):
                return True
            length = len(value.value)
            return length < bound if name == "minLength" else length > bound

        component = name[0].upper() + name[1:] + "ConstraintComponent"
        return _each_failing_value(shape, component, value_map, failing)

    return check


_REGEX_FLAGS = {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL, "x": re.VERBOSE}


def _pattern(engine: Engine, shape: Shape, argument: Any, value_map: dict[Any, list[Any]]) -> Iterator[Result]:
    import pyoxigraph

    flags = 0
    for text in shape.params.get("flags", []):
        for letter in str(text):
            flags |= _REGEX_FLAGS.get(letter, 0)
    regex = re.compile(str(argument), flags)

    def failing(value: Any) -> bool:
        return isinstance(value, pyoxigraph.BlankNode) or regex.search(value.value) is None

    return _each_failing_value(shape, "PatternConstraintComponent", value_map, failing)


def _language_in(engine: Engine, shape: Shape, argument: Any, value_map: dict[Any, list[Any]]) -> Iterator[Result]:
    import pyoxigraph

    ranges = [str(r).lower() for r in argument]

    def failing(value: Any) -> bool:
        if not isinstance(value, pyoxigraph.Literal) or not value.language:
            return True
        tag = value.language.lower()
        return not any(r == "*" or tag == r or tag.startswith(r + "-") for r in ranges)

    return _each_failing_value(shape, "LanguageInConstraintComponent", value_map, failing)


def _unique_lang(engine: Engine, shape: Shape, argument: Any, value_map: dict[Any, list[Any]]) -> Iterator[Result]:
    import pyoxigraph

    if str(argument).lower() != "true":
        return
    for focus, values in value_map.items():
        seen: set[str] = set()
        duplicated: set[str] = set()
        for value in values:
            if isinstance(value, pyoxigraph.Literal) and value.language:
                tag = value.language.lower()
                (duplicated if tag in seen else seen).add(tag)
        for _ in sorted(duplicated):
            yield Result(focus, SH + "UniqueLangConstraintComponent", shape, path=shape.path, messages=shape.messages)


def _has_value(engine: Engine, shape: Shape, argument: Any, value_map: dict[Any, list[Any]]) -> Iterator[Result]:
    wanted = _to_ox(argument)
    for focus, values in value_map.items():
        if wanted not in values:
            yield Result(focus, SH + "HasValueConstraintComponent", shape, path=shape.path, messages=shape.messages)


def _in(engine: Engine, shape: Shape, argument: Any, value_map: dict[Any, list[Any]]) -> Iterator[Result]:
    allowed = {_to_ox(member) for member in argument}
    return _each_failing_value(shape, "InConstraintComponent", value_map, lambda v: v not in allowed)


def _all_values(value_map: dict[Any, list[Any]]) -> list[Any]:
    return [value for values in value_map.values() for value in values]


def _node(engine: Engine, shape: Shape, argument: Any, value_map: dict[Any, list[Any]]) -> Iterator[Result]:
    conforms = engine.conforming(argument, _all_values(value_map))
    return _each_failing_value(shape, "NodeConstraintComponent", value_map, lambda v: not conforms[v])


def _not(engine: Engine, shape: Shape, argument: Any, value_map: dict[Any, list[Any]]) -> Iterator[Result]:
    conforms = engine.conforming(argument, _all_values(value_map))
    return _each_failing_value(shape, "NotConstraintComponent", value_map, lambda v: conforms[v])


def _logical(name: str) -> Any:
    def check(engine: Engine, shape: Shape, members: Any, value_map: dict[Any, list[Any]]) -> Iterator[Result]:
        candidates = _all_values(value_map)
        verdicts = [engine.conforming(member, candidates) for member in members]

        def failing(value: Any) -> bool:
            passed = sum(1 for verdict in verdicts if verdict[value])
            if name == "and":
                return passed < len(verdicts)
            if name == "or":
                return passed == 0
            return passed != 1

        component = name[0].upper() + name[1:] + "ConstraintComponent"
        return _each_failing_value(shape, component, value_map, failing)

    return check


def _qualified(engine: Engine, shape: Shape, argument: Any, value_map: dict[Any, list[Any]]) -> Iterator[Result]:
    conforms = engine.conforming(argument, _all_values(value_map))
    minimum = [int(m) for m in shape.params.get("qualifiedMinCount", [])]
    maximum = [int(m) for m in shape.params.get("qualifiedMaxCount", [])]
    for focus, values in value_map.items():
        count = sum(1 for v in values if conforms[v])
        for bound in minimum:
            if count < bound:
                yield Result(
                    focus, SH + "QualifiedMinCountConstraintComponent", shape, path=shape.path, messages=shape.messages
                )
        for bound in maximum:
            if count > bound:
                yield Result(
                    focus, SH + "QualifiedMaxCountConstraintComponent", shape, path=shape.path, messages=shape.messages
                )


_COMPONENTS: dict[str, Any] = {
    "class": _class,
    "datatype": _datatype,
    "nodeKind": _node_kind,
    "minCount": _min_count,
    "maxCount": _max_count,
    **{name: _range(name) for name in _RANGE},
    "minLength": _length("minLength"),
    "maxLength": _length("maxLength"),
    "pattern": _pattern,
    "languageIn": _language_in,
    "uniqueLang": _unique_lang,
    "hasValue": _has_value,
    "in": _in,
    "node": _node,
    "not": _not,
    "and": _logical("and"),
    "or": _logical("or"),
    "xone": _logical("xone"),
    "qualifiedValueShape": _qualified,
}


def _kind(value: Any) -> str:
    import pyoxigraph

    if isinstance(value, pyoxigraph.NamedNode):
        return "iri"
    if isinstance(value, pyoxigraph.BlankNode):
        return "blank"
    return "literal"


def _well_formed(lexical: str, datatype: str) -> bool:
    """Whether rdflib reads the lexical form as a value of the datatype, as pyshacl checks it."""
    from datetime import date, datetime, time
    from decimal import Decimal

    from rdflib import Literal, URIRef

    literal = Literal(lexical, datatype=URIRef(datatype))
    if getattr(literal, "ill_typed", None) is True:
        return False
    value = literal.value
    expected: dict[str, Any] = {
        XSD + "string": (str, bytes),
        XSD + "integer": int,
        XSD + "float": float,
        XSD + "decimal": Decimal,
        XSD + "boolean": bool,
        XSD + "date": date,
        XSD + "time": time,
        XSD + "dateTime": datetime,
    }
    if datatype in expected:
        return isinstance(value, expected[datatype])
    return True
