"""A SHACL engine that validates in bulk on a pyoxigraph Store.

pyshacl evaluates every constraint once per focus node in Python, and each SPARQL
constraint as one rdflib query per focus node: 30 s and more for the world's twinnings.
This engine evaluates each constraint for all focus nodes at once. Value nodes come from
one Oxigraph query per path, class membership from one query per class, and each SPARQL
constraint is one Oxigraph query with the focus nodes in a VALUES block. The rest is set
arithmetic in Python.

It implements the SHACL Core components and SPARQL-based constraints that twingraph's
shapes use, with pyshacl's reading of the spec wherever the two could differ (ill-typed
literals fail sh:datatype; one uniqueLang result per duplicated language; SPARQL messages
formatted with `str()` of the bound values). `unsupported_features` names anything else, so
the caller can hand such shapes to pyshacl. Agreement with pyshacl is tested on every shape
fixture and on the World workload with planted errors.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from twingraph.errors import ShapesError
from twingraph.iris import RDF_TYPE
from twingraph.rdf.terms import to_oxigraph as _to_ox
from twingraph.rdf.terms import to_rdflib as _to_rdflib

if TYPE_CHECKING:
    import pyoxigraph
    import rdflib

SH = "http://www.w3.org/ns/shacl#"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
RDFS_CLASS = "http://www.w3.org/2000/01/rdf-schema#Class"
XSD = "http://www.w3.org/2001/XMLSchema#"

# The sh: terms this engine understands on a shape. Anything else sends the shapes to pyshacl.
_SHAPE_TERMS = {
    # targets and structure
    "targetClass", "targetSubjectsOf", "targetObjectsOf", "targetNode", "property", "path",
    # reporting and non-validating
    "message", "severity", "deactivated", "name", "description", "order", "group", "defaultValue",
    # value type, cardinality, range, string, language
    "class", "datatype", "nodeKind", "minCount", "maxCount",
    "minInclusive", "maxInclusive", "minExclusive", "maxExclusive",
    "minLength", "maxLength", "pattern", "flags", "languageIn", "uniqueLang",
    # logical and shape-based
    "not", "and", "or", "xone", "node",
    "qualifiedValueShape", "qualifiedMinCount", "qualifiedMaxCount", "qualifiedValueShapesDisjoint",
    # other
    "hasValue", "in",
    # SPARQL
    "sparql",
}  # fmt: skip
PARTS = ("all", "core", "sparql")
_SPARQL_CONSTRAINT_TERMS = {"select", "message", "prefixes", "deactivated", "severity"}
_NODE_KINDS = {
    "IRI": {"iri"},
    "BlankNode": {"blank"},
    "Literal": {"literal"},
    "BlankNodeOrIRI": {"blank", "iri"},
    "BlankNodeOrLiteral": {"blank", "literal"},
    "IRIOrLiteral": {"iri", "literal"},
}
_RANGE = {"minInclusive": "ge", "maxInclusive": "le", "minExclusive": "gt", "maxExclusive": "lt"}


@dataclass(frozen=True)
class Path:
    """A property path: its SPARQL form, and the shapes-graph node to report it by."""

    sparql: str
    node: Any


@dataclass(frozen=True)
class SparqlConstraint:
    """One sh:sparql SELECT constraint, its prefixes already prepended."""

    node: Any
    query: str
    messages: tuple[str, ...]


@dataclass
class Shape:
    """A node or property shape, compiled from the shapes graph."""

    node: Any
    path: Path | None
    severity: str
    messages: tuple[str, ...]
    params: dict[str, list[Any]] = field(default_factory=dict)
    properties: list[Shape] = field(default_factory=list)
    sparql: list[SparqlConstraint] = field(default_factory=list)
    targets: list[tuple[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Result:
    """One validation result, in the terms of the data (pyoxigraph) and the shapes (rdflib)."""

    focus: Any
    component: str
    shape: Shape
    value: Any = None
    path: Any = None
    messages: tuple[str, ...] = ()
    source_constraint: Any = None


def unsupported_features(shapes: rdflib.Graph) -> list[str]:
    """The sh: terms in these shapes that this engine does not implement (empty: it can run them)."""
    from rdflib import URIRef

    found: set[str] = set()
    shape_nodes = _all_shape_nodes(shapes)
    constraint_nodes = {o for o in shapes.objects(None, URIRef(SH + "sparql"))}
    for node in shape_nodes:
        found.update(f"sh:{term}" for term in _unknown_terms(shapes, node, _SHAPE_TERMS))
        for disjoint in shapes.objects(node, URIRef(SH + "qualifiedValueShapesDisjoint")):
            if str(disjoint).lower() == "true":
                found.add("sh:qualifiedValueShapesDisjoint true")
    for node in constraint_nodes:
        found.update(
            f"sh:{term} on a SPARQL constraint" for term in _unknown_terms(shapes, node, _SPARQL_CONSTRAINT_TERMS)
        )
        for select in shapes.objects(node, URIRef(SH + "select")):
            if re.search(r"\$(?!this\b)[A-Za-z_]", str(select)):
                found.add("pre-bound variables other than $this")
            elif _bulk_form(str(select), []) is None:
                found.add("SPARQL constraints with sub-selects or MINUS, or that do not select $this")
    for node in shape_nodes:
        for path in shapes.objects(node, URIRef(SH + "path")):
            try:
                _compile_path(shapes, path)
            except ShapesError:
                found.add("property paths other than IRIs, inverse, sequence and alternative paths")
    return sorted(found)


def _unknown_terms(shapes: rdflib.Graph, node: Any, known: set[str]) -> set[str]:
    """The local names of the sh: predicates on a node that are not in `known`."""
    names = {str(p)[len(SH) :] for p in shapes.predicates(node, None) if str(p).startswith(SH)}
    return names - known


def _all_shape_nodes(shapes: rdflib.Graph) -> set[Any]:
    """Every node that acts as a shape: node shapes, property shapes and shapes referenced by constraints."""
    from rdflib import RDF, URIRef
    from rdflib.collection import Collection

    found: set[Any] = set()
    for cls in ("NodeShape", "PropertyShape"):
        found.update(shapes.subjects(RDF.type, URIRef(SH + cls)))
    for predicate in ("targetClass", "targetSubjectsOf", "targetObjectsOf", "targetNode", "path"):
        found.update(shapes.subjects(URIRef(SH + predicate), None))
    for predicate in ("property", "node", "not", "qualifiedValueShape"):
        found.update(shapes.objects(None, URIRef(SH + predicate)))
    for predicate in ("and", "or", "xone"):
        for head in shapes.objects(None, URIRef(SH + predicate)):
            found.update(Collection(shapes, head))
    return found


class Engine:
    """Validates a pyoxigraph Store against a shapes graph, in bulk."""

    def __init__(self, store: pyoxigraph.Store, shapes: rdflib.Graph) -> None:
        self.store = store
        self.shapes_graph = shapes
        self._shapes: dict[Any, Shape] = {}
        self._values: dict[str, dict[Any, list[Any]]] = {}
        self._instances: dict[str, set[Any]] = {}
        self._conformance: dict[Any, dict[Any, bool]] = defaultdict(dict)
        self._datatype_ok: dict[tuple[str, str], bool] = {}

    # -- compiling ---------------------------------------------------------------------------

    def shape(self, node: Any) -> Shape:
        """The compiled shape for a shapes-graph node (compiled once)."""
        from rdflib import URIRef
        from rdflib.collection import Collection

        if node in self._shapes:
            return self._shapes[node]
        g = self.shapes_graph
        path_node = g.value(node, URIRef(SH + "path"))
        severity = g.value(node, URIRef(SH + "severity"))
        compiled = Shape(
            node=node,
            path=_compile_path(g, path_node) if path_node is not None else None,
            severity=str(severity) if severity is not None else SH + "Violation",
            messages=tuple(sorted(str(m) for m in g.objects(node, URIRef(SH + "message")))),
        )
        self._shapes[node] = compiled
        for predicate, obj in g.predicate_objects(node):
            name = str(predicate).removeprefix(SH)
            if name in _LIST_PARAMETERS:
                compiled.params.setdefault(name, []).append(list(Collection(g, obj)))
            elif name in _COMPONENTS or name in _QUALIFIERS:
                compiled.params.setdefault(name, []).append(obj)
            elif name.startswith("target"):
                compiled.targets.append((name, obj))
        for prop in sorted(g.objects(node, URIRef(SH + "property")), key=str):
            if not _deactivated(g, prop):
                compiled.properties.append(self.shape(prop))
        for constraint in sorted(g.objects(node, URIRef(SH + "sparql")), key=str):
            if not _deactivated(g, constraint):
                compiled.sparql.append(self._sparql_constraint(constraint))
        if (node, URIRef(RDF_TYPE), URIRef(RDFS_CLASS)) in g:
            compiled.targets.append(("targetClass", node))
        return compiled

    def _sparql_constraint(self, node: Any) -> SparqlConstraint:
        from rdflib import URIRef

        g = self.shapes_graph
        selects = list(g.objects(node, URIRef(SH + "select")))
        if len(selects) != 1:
            raise ShapesError("a SPARQL constraint needs exactly one sh:select.")
        prologue = []
        for holder in g.objects(node, URIRef(SH + "prefixes")):
            for declaration in g.objects(holder, URIRef(SH + "declare")):
                prefix = g.value(declaration, URIRef(SH + "prefix"))
                namespace = g.value(declaration, URIRef(SH + "namespace"))
                if prefix is not None and namespace is not None:
                    prologue.append(f"PREFIX {prefix}: <{namespace}>")
        messages = tuple(sorted(str(m) for m in g.objects(node, URIRef(SH + "message"))))
        return SparqlConstraint(
            node=node, query="\n".join(sorted(set(prologue))) + "\n" + str(selects[0]), messages=messages
        )

    # -- running -----------------------------------------------------------------------------

    def validate(self, part: str = "all") -> list[Result]:
        """Every result for every targeted shape of the shapes graph.

        `part` "core" leaves out the SPARQL-based constraints and "sparql" evaluates only
        them, so that two processes can share one validation; "all" is both.
        """
        if part not in PARTS:
            raise ValueError(f"part must be one of {PARTS}")
        results: list[Result] = []
        for node in sorted(_all_shape_nodes(self.shapes_graph), key=str):
            if _deactivated(self.shapes_graph, node):
                continue
            shape = self.shape(node)
            if shape.targets:
                results.extend(self.evaluate(shape, self.focus_nodes(shape), part=part))
        return results

    def focus_nodes(self, shape: Shape) -> list[Any]:
        """The shape's focus nodes from its targets, without duplicates."""
        import pyoxigraph

        nodes: dict[Any, None] = {}
        for kind, value in shape.targets:
            if kind == "targetNode":
                nodes[_to_ox(value)] = None
            elif kind == "targetClass":
                nodes.update(dict.fromkeys(sorted(self.instances(str(value)), key=str)))
            elif kind in ("targetSubjectsOf", "targetObjectsOf"):
                position = "subject" if kind == "targetSubjectsOf" else "object"
                for quad in self.store.quads_for_pattern(None, pyoxigraph.NamedNode(str(value)), None):
                    nodes[getattr(quad, position)] = None
        return list(nodes)

    def instances(self, cls: str) -> set[Any]:
        """SHACL instances of a class: rdf:type/rdfs:subClassOf*."""
        if cls not in self._instances:
            query = (
                "SELECT DISTINCT ?x WHERE { ?x <http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
                f"/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* <{cls}> }}"
            )
            self._instances[cls] = {row[0] for row in self._select(query)}
        return self._instances[cls]

    def values(self, path: Path) -> dict[Any, list[Any]]:
        """Focus node -> its value nodes along the path, for every node that has any."""
        import pyoxigraph
        from rdflib import URIRef

        if path.sparql not in self._values:
            by_focus: dict[Any, list[Any]] = {}
            if isinstance(path.node, URIRef):
                # A predicate: read the index directly, twice as fast as a query.
                for quad in self.store.quads_for_pattern(None, pyoxigraph.NamedNode(str(path.node)), None):
                    values = by_focus.setdefault(quad.subject, [])
                    if quad.object not in values:  # the same triple may stand in two files
                        values.append(quad.object)
            else:
                for subject, value in self._select(f"SELECT DISTINCT ?s ?o WHERE {{ ?s {path.sparql} ?o }}"):
                    by_focus.setdefault(subject, []).append(value)
            self._values[path.sparql] = by_focus
        return self._values[path.sparql]

    def conforming(self, shape_node: Any, nodes: Iterable[Any]) -> dict[Any, bool]:
        """Whether each node conforms to a shape (no result of any severity), memoised."""
        known = self._conformance[shape_node]
        todo = [n for n in dict.fromkeys(nodes) if n not in known]
        if todo:
            shape = self.shape(shape_node)
            for node in todo:
                known[node] = True
            for result in self.evaluate(shape, todo):
                known[result.focus] = False
        return known

    def evaluate(
        self,
        shape: Shape,
        focus_nodes: Sequence[Any],
        value_maps: dict[str, dict[Any, list[Any]]] | None = None,
        *,
        part: str = "all",
    ) -> list[Result]:
        """The results of one shape for these focus nodes (`part` as in `validate`).

        `value_maps` lets the property shapes of one node shape share focus -> values per path.
        """
        if not focus_nodes:
            return []
        results: list[Result] = []
        if part != "sparql":
            if shape.path is None:
                value_map = {focus: [focus] for focus in focus_nodes}
            else:
                value_maps = {} if value_maps is None else value_maps
                if shape.path.sparql not in value_maps:
                    along = self.values(shape.path).get
                    empty: list[Any] = []
                    value_maps[shape.path.sparql] = {focus: along(focus, empty) for focus in focus_nodes}
                value_map = value_maps[shape.path.sparql]
            for name, arguments in sorted(shape.params.items()):
                check = _COMPONENTS.get(name)
                if check is None:  # a qualifier, read by the component it qualifies
                    continue
                for argument in arguments:
                    results.extend(check(self, shape, argument, value_map))
        shared: dict[str, dict[Any, list[Any]]] = {}
        for prop in shape.properties:
            results.extend(self.evaluate(prop, focus_nodes, shared, part=part))
        if part != "core":
            for constraint in shape.sparql:
                results.extend(self._evaluate_sparql(shape, constraint, focus_nodes))
        return results

    def _evaluate_sparql(self, shape: Shape, constraint: SparqlConstraint, focus_nodes: Sequence[Any]) -> list[Result]:
        import pyoxigraph

        rows: list[tuple[Any, dict[str, Any]]] = []
        bulk = [f for f in focus_nodes if not isinstance(f, pyoxigraph.BlankNode)]
        single = [f for f in focus_nodes if isinstance(f, pyoxigraph.BlankNode)]
        bulk_query = _bulk_form(constraint.query, bulk) if bulk else None
        if bulk and bulk_query is None:
            single = list(focus_nodes)
        elif bulk_query is not None:
            rows.extend(_solutions(self._select(bulk_query), default_focus=None))
        this = pyoxigraph.Variable("this")
        for focus in single:
            rows.extend(_solutions(self._select(constraint.query, substitutions={this: focus}), default_focus=focus))
        results: list[Result] = []
        seen: set[tuple[Any, ...]] = set()
        for focus, bound in rows:
            path = bound.pop("path", None)
            value = bound.pop("value", None)
            bound.pop("this", None)
            key = (focus, path, value, tuple(sorted(bound.items(), key=lambda kv: kv[0])))
            if key in seen:
                continue
            seen.add(key)
            if value is None and shape.path is None:
                value = focus
            variables = {"this": focus, **bound}
            if path is not None:
                variables["path"] = path
            if value is not None:
                variables["value"] = value
            messages = [_format_message(m, variables) for m in constraint.messages]
            messages += [_format_message(m, variables) for m in shape.messages if m not in messages]
            results.append(
                Result(
                    focus=focus,
                    component=SH + "SPARQLConstraintComponent",
                    shape=shape,
                    value=value,
                    path=path if path is not None else shape.path,
                    messages=tuple(messages),
                    source_constraint=constraint.node,
                )
            )
        return results

    def _select(self, query: str, **options: Any) -> Any:
        """A query on the union of the store's graphs (every loaded file)."""
        return self.store.query(query, use_default_graph_as_union=True, **options)

    def datatype_ok(self, value: Any, datatype: str) -> bool:
        """sh:datatype as pyshacl reads it: the datatype matches and the lexical form is valid."""
        import pyoxigraph

        if not isinstance(value, pyoxigraph.Literal):
            return False
        if datatype == RDF_LANG_STRING:
            return value.language is not None
        if value.language is not None or value.datatype.value != datatype:
            return False
        key = (value.value, datatype)
        if key not in self._datatype_ok:
            self._datatype_ok[key] = _well_formed(value.value, datatype)
        return self._datatype_ok[key]


def _deactivated(shapes: rdflib.Graph, node: Any) -> bool:
    from rdflib import URIRef

    return any(str(v).lower() == "true" for v in shapes.objects(node, URIRef(SH + "deactivated")))


def _compile_path(shapes: rdflib.Graph, node: Any) -> Path:
    from rdflib import BNode, URIRef
    from rdflib.collection import Collection

    def sparql(current: Any) -> str:
        if isinstance(current, URIRef):
            return f"<{current}>"
        if isinstance(current, BNode):
            inverse = shapes.value(current, URIRef(SH + "inversePath"))
            if inverse is not None:
                return f"^{sparql(inverse)}"
            alternatives = shapes.value(current, URIRef(SH + "alternativePath"))
            if alternatives is not None:
                return "(" + "|".join(sparql(p) for p in Collection(shapes, alternatives)) + ")"
            if shapes.value(current, URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#first")) is not None:
                return "(" + "/".join(sparql(p) for p in Collection(shapes, current)) + ")"
        raise ShapesError(f"unsupported property path {current}")

    return Path(sparql=sparql(node), node=node)


# -- constraint components: (engine, shape, argument, focus -> values) -> results --------------


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
# Parameters that qualify another component (pattern, qualifiedValueShape) rather than check on their own.
_QUALIFIERS = {"flags", "qualifiedMinCount", "qualifiedMaxCount", "qualifiedValueShapesDisjoint"}
_LIST_PARAMETERS = {"and", "or", "xone", "in", "languageIn"}


# -- SPARQL constraints in bulk ----------------------------------------------------------------

_NESTED_OR_MINUS = re.compile(r"\b(SELECT|MINUS)\b", re.IGNORECASE)


def _bulk_form(query: str, focus_nodes: Sequence[Any]) -> str | None:
    """The query with every focus node in a VALUES block opening its WHERE clause, if that is exact.

    A VALUES block at the top of the WHERE clause binds $this wherever pre-binding would,
    except inside sub-selects and MINUS, and only gives per-focus rows if $this is
    projected. Elsewhere the caller pre-binds one focus node at a time (SEP-0007).
    """
    from twingraph.sparql.text import SparqlTextError, term, where_clause_start

    try:
        start = where_clause_start(query)
    except SparqlTextError:
        return None
    head, body = query[:start], query[start:]
    if _NESTED_OR_MINUS.search(_masked(body)):
        return None
    projection = re.split(r"\bSELECT\b", _masked(head), flags=re.IGNORECASE)[-1]
    if not re.search(r"[?$]this\b|\*", projection):
        return None
    try:
        rows = " ".join(_sparql_term(node, term) for node in focus_nodes)
    except SparqlTextError:  # a value that cannot be written (a lone surrogate): pre-bind instead
        return None
    return f"{head} VALUES ?this {{ {rows} }}\n{body}"


def _sparql_term(node: Any, escape: Any) -> str:
    """A focus node in SPARQL syntax. Oxigraph only holds valid IRIs, whose N-Triples form is
    already a safe IRIREF; literals go through the strict escaper."""
    import pyoxigraph

    if isinstance(node, pyoxigraph.NamedNode):
        return str(node)
    return str(escape(_to_rdflib(node)))


def _masked(text: str) -> str:
    """The text with comments, strings and IRIs blanked out, for keyword searches."""
    from twingraph.sparql.text import _TOKEN

    def blank(match: re.Match[str]) -> str:
        if match.lastgroup in ("comment", "string", "iri"):
            return " " * len(match.group())
        return match.group()

    return _TOKEN.sub(blank, text)


def _solutions(answer: Any, *, default_focus: Any) -> Iterator[tuple[Any, dict[str, Any]]]:
    import pyoxigraph

    if not isinstance(answer, pyoxigraph.QuerySolutions):
        raise ShapesError("a SPARQL constraint must be a SELECT query.")
    names = [v.value for v in answer.variables]
    for solution in answer:
        bound = {name: solution[name] for name in names if solution[name] is not None}
        focus = bound.get("this", default_focus)
        if focus is None:
            continue
        yield focus, bound


def _format_message(template: str, variables: dict[str, Any]) -> str:
    for name, value in variables.items():
        text = _display(value)

        def replacement(_match: re.Match[str], text: str = text) -> str:
            return text

        template = re.sub(r"\{[?$]" + re.escape(name) + r"\}", replacement, template)
    return template


def _display(value: Any) -> str:
    """A bound value as pyshacl writes it into a message: `str()` of the rdflib term."""
    return str(_to_rdflib(value)) if not isinstance(value, str) else value


# -- terms -------------------------------------------------------------------------------------


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


def report_graph(results: Sequence[Result], shapes: rdflib.Graph) -> rdflib.Graph:
    """A standard SHACL validation report (sh:ValidationReport) of the results."""
    from rdflib import RDF, BNode, Graph, Literal, URIRef
    from rdflib.namespace import XSD as XSD_NS

    g = Graph(bind_namespaces="none")
    g.bind("sh", SH)
    report = BNode()
    g.add((report, RDF.type, URIRef(SH + "ValidationReport")))
    conforms = not any(r.shape.severity == SH + "Violation" for r in results)
    g.add((report, URIRef(SH + "conforms"), Literal(conforms, datatype=XSD_NS.boolean)))
    for result in results:
        node = BNode()
        g.add((report, URIRef(SH + "result"), node))
        g.add((node, RDF.type, URIRef(SH + "ValidationResult")))
        g.add((node, URIRef(SH + "focusNode"), _to_rdflib(result.focus)))
        g.add((node, URIRef(SH + "resultSeverity"), URIRef(result.shape.severity)))
        g.add((node, URIRef(SH + "sourceConstraintComponent"), URIRef(result.component)))
        g.add((node, URIRef(SH + "sourceShape"), result.shape.node))
        if result.value is not None:
            g.add((node, URIRef(SH + "value"), _to_rdflib(result.value)))
        if result.source_constraint is not None:
            g.add((node, URIRef(SH + "sourceConstraint"), result.source_constraint))
        path = result.path
        if isinstance(path, Path):
            g.add((node, URIRef(SH + "resultPath"), path.node))
            _copy_description(shapes, path.node, g)
        elif path is not None:
            g.add((node, URIRef(SH + "resultPath"), _to_rdflib(path)))
        for message in result.messages:
            g.add((node, URIRef(SH + "resultMessage"), Literal(message)))
    return g


def _copy_description(source: rdflib.Graph, node: Any, target: rdflib.Graph) -> None:
    """A blank node's triples (a complex path), recursively."""
    from rdflib import BNode

    if not isinstance(node, BNode):
        return
    for predicate, obj in source.predicate_objects(node):
        target.add((node, predicate, obj))
        _copy_description(source, obj, target)
