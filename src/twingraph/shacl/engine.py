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
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from twingraph.errors import ShapesError
from twingraph.iris import RDF_TYPE
from twingraph.rdf.terms import to_oxigraph as _to_ox
from twingraph.shacl.constraints import _COMPONENTS, _well_formed
from twingraph.shacl.model import RDF_LANG_STRING, RDFS_CLASS, SH, Path, Result, Shape, SparqlConstraint
from twingraph.shacl.sparql_constraints import _bulk_form, _format_message, _solutions

if TYPE_CHECKING:
    import pyoxigraph
    import rdflib


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
                for quad in self.store.quads_for_pattern(
                    None, pyoxigraph.NamedNode(str(value)), None, pyoxigraph.DefaultGraph()
                ):
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
                for quad in self.store.quads_for_pattern(
                    None, pyoxigraph.NamedNode(str(path.node)), None, pyoxigraph.DefaultGraph()
                ):
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
        """A query on the store's default graph: the merge of every loaded file."""
        return self.store.query(query, **options)

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


# Parameters that qualify another component (pattern, qualifiedValueShape) rather than check on their own.
_QUALIFIERS = {"flags", "qualifiedMinCount", "qualifiedMaxCount", "qualifiedValueShapesDisjoint"}


_LIST_PARAMETERS = {"and", "or", "xone", "in", "languageIn"}
