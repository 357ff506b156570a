"""The ontology stays OWL 2 DL-clean and documentable.

ROBOT and the OWL API (the usual profile checkers) come from Maven, out of reach here, and a
consistency reasoner does not check the profile. So this is a small checker of the rules the
ontology could break, scoped to the files in ontology/: every term used is declared with one
kind; classes, properties and datatypes are used as their kind; no reserved vocabulary where
OWL 2 DL forbids it; data ranges from OWL 2's datatype map only.
"""

from __future__ import annotations

import re

import pytest
from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef

from tests.conftest import REPO

ONTOLOGY_FILES = sorted((REPO / "ontology").glob("*.ttl"))
ONTOLOGY = URIRef("https://w3id.org/twingraph/ontology")
TW = "https://w3id.org/twingraph/ontology#"
XSD = "http://www.w3.org/2001/XMLSchema#"
# OWL 2's datatype map (OWL 2 Structural Specification, section 4).
DATATYPES = {str(RDF.PlainLiteral), str(RDF.XMLLiteral), str(RDFS.Literal), str(OWL.real), str(OWL.rational)} | {
    XSD + name
    for name in [
        "decimal",
        "integer",
        "nonNegativeInteger",
        "nonPositiveInteger",
        "positiveInteger",
        "negativeInteger",
        "long",
        "int",
        "short",
        "byte",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
        "double",
        "float",
        "string",
        "normalizedString",
        "token",
        "language",
        "Name",
        "NCName",
        "NMTOKEN",
        "boolean",
        "hexBinary",
        "base64Binary",
        "anyURI",
        "dateTime",
        "dateTimeStamp",
    ]
}
KINDS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
BUILT_IN_ANNOTATIONS = {RDFS.label, RDFS.comment, RDFS.isDefinedBy, RDFS.seeAlso, OWL.versionInfo}
STRUCTURE = {RDF.type, RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range, OWL.equivalentProperty,
             OWL.versionIRI}  # fmt: skip
RESERVED = re.compile(r"^(http://www\.w3\.org/1999/02/22-rdf-syntax-ns#|http://www\.w3\.org/2000/01/rdf-schema#)")


@pytest.fixture(scope="module")
def ontology() -> Graph:
    graph = Graph()
    for path in ONTOLOGY_FILES:
        graph.parse(path)
    return graph


def kinds_of(graph: Graph, term: URIRef) -> set[URIRef]:
    return {kind for kind in KINDS if (term, RDF.type, kind) in graph}


def test_both_files_are_checked() -> None:
    assert [p.name for p in ONTOLOGY_FILES] == ["concepts.ttl", "twingraph.ttl"]


def test_every_predicate_is_declared_with_one_kind(ontology: Graph) -> None:
    problems = []
    for predicate in set(ontology.predicates()):
        if predicate in STRUCTURE or predicate in BUILT_IN_ANNOTATIONS:
            continue
        if len(kinds_of(ontology, predicate)) != 1:
            problems.append(f"{predicate}: {sorted(kinds_of(ontology, predicate))}")
    assert problems == []


def test_no_property_is_declared_as_two_kinds_or_as_rdf_property(ontology: Graph) -> None:
    assert list(ontology.subjects(RDF.type, RDF.Property)) == []
    for term in set(ontology.subjects(RDF.type, None)):
        properties = kinds_of(ontology, term) - {OWL.Class}
        assert len(properties) <= 1, (term, properties)


def test_classes_and_ranges_are_declared_and_not_reserved(ontology: Graph) -> None:
    problems = []
    for subject, predicate, target in ontology.triples((None, None, None)):
        if predicate not in (RDFS.subClassOf, RDFS.domain, RDFS.range) and not (
            predicate == RDF.type and not str(target).startswith(str(OWL))
        ):
            continue
        if predicate == RDFS.range and OWL.DatatypeProperty in kinds_of(ontology, subject):
            if str(target) not in DATATYPES:
                problems.append(f"{subject} has the data range {target}, outside OWL 2's datatype map")
            continue
        if predicate == RDFS.range and OWL.AnnotationProperty in kinds_of(ontology, subject):
            continue
        if RESERVED.match(str(target)) or OWL.Class not in kinds_of(ontology, target):
            problems.append(f"{subject} {predicate} {target}: not a declared class")
    assert problems == []


def test_sub_and_equivalent_properties_are_of_the_same_kind(ontology: Graph) -> None:
    for predicate in (RDFS.subPropertyOf, OWL.equivalentProperty):
        for sub, sup in ontology.subject_objects(predicate):
            assert kinds_of(ontology, sub) == kinds_of(ontology, sup), (sub, predicate, sup)


def test_the_ontology_has_its_metadata(ontology: Graph) -> None:
    assert ontology.value(ONTOLOGY, OWL.versionIRI) == URIRef("https://w3id.org/twingraph/ontology/0.1.0")
    assert ontology.value(ONTOLOGY, OWL.versionInfo) == Literal("0.1.0")
    for term in ("creator", "description", "license", "title"):
        assert ontology.value(ONTOLOGY, URIRef("http://purl.org/dc/terms/" + term)) is not None, term


def test_every_term_says_where_it_is_defined(ontology: Graph) -> None:
    terms = {s for s in ontology.subjects() if isinstance(s, URIRef) and str(s).startswith(TW)}
    assert len(terms) > 70
    assert {t for t in terms if (t, RDFS.isDefinedBy, ONTOLOGY) not in ontology} == set()


def test_pylode_documents_it_as_the_ontology() -> None:
    """pyLODE titled the documentation "Ränge" while the concept schemes shared the file."""
    from pylode import OntPub

    html = OntPub(ontology=str(REPO / "ontology" / "twingraph.ttl")).make_html()
    title = re.search(r"<title>(.*?)</title>", html)
    assert title is not None
    assert title[1] in ("twingraph ontology", "twingraph-Ontologie")  # pyLODE picks one of the titles
    assert "Ränge" not in title[1]
    assert "partnership" in html
