"""The one-pass JSON-LD compactor against rdflib's JSON-LD compaction, the reference."""

from __future__ import annotations

import json

import pyoxigraph
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from tests.conftest import REPO
from twingraph.offline import offline
from twingraph.rdf import jsonld
from twingraph.rdf.export import compact_jsonld, jsonld_context, serialize_triples, sorted_triples
from twingraph.rdf.terms import to_oxigraph_triples

TRICKY = """
@prefix tw: <https://w3id.org/twingraph/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://w3id.org/twingraph/id/city/a> a tw:Municipality , tw:Place ;
    rdfs:label "A"@en , "Ä"@de , "plain, not in a language map" , "A2"@en ;
    tw:country "a literal where an IRI is expected" , <https://w3id.org/twingraph/id/country/x> ;
    tw:partner <http://example.org/outside/any/prefix> ;
    <http://example.org/p> "1972"^^xsd:gYear , "x\\"y\\\\z\\n"@en , <https://w3id.org/twingraph/id/city/b> ;
    <https://schema.org/value> "5000"^^xsd:integer .
"""


def _graphs(text: str, fmt: str = "turtle") -> tuple[Graph, list[pyoxigraph.Triple]]:
    graph = Graph().parse(data=text, format=fmt)
    return graph, sorted_triples(to_oxigraph_triples(graph))


@pytest.mark.parametrize("source", ["tricky", "kassel"])
def test_our_compaction_means_what_rdflibs_means(source: str) -> None:
    text = TRICKY if source == "tricky" else (REPO / "data" / "kassel.ttl").read_text(encoding="utf-8")
    graph, triples = _graphs(text)
    ours = serialize_triples(triples, "jsonld")
    reference = compact_jsonld(graph, jsonld_context())
    with offline():  # the context is embedded: expanding fetches nothing
        expanded_ours = Graph().parse(data=ours, format="json-ld")
        expanded_reference = Graph().parse(data=reference, format="json-ld")
    assert isomorphic(expanded_ours, graph)
    if source == "kassel":
        # On the tricky graph rdflib's own compaction loses the whole node (rdflib 7.6), so
        # there the source graph and pyoxigraph's reader are the referees.
        assert isomorphic(expanded_ours, expanded_reference)
    # pyoxigraph's JSON-LD parser reads the same triples.
    again = {q.triple for q in pyoxigraph.parse(ours, format=pyoxigraph.RdfFormat.JSON_LD)}
    assert again == set(triples)


def test_terms_and_maps_are_used_where_they_fit() -> None:
    _, triples = _graphs(TRICKY)
    node = json.loads(serialize_triples(triples, "jsonld"))["@graph"][0]
    assert node["id"] == "cities:a"
    assert node["type"] == ["tw:Municipality", "tw:Place"]
    assert node["label"] == {"de": "Ä", "en": ["A", "A2"]}
    assert node["rdfs:label"] == "plain, not in a language map"
    assert node["country"] == "countries:x"
    assert node["tw:country"] == "a literal where an IRI is expected"
    assert node["partner"] == "http://example.org/outside/any/prefix"
    assert node["schema:value"] == {"@value": "5000", "type": "xsd:integer"}


def test_a_context_with_other_features_is_refused() -> None:
    for context in ({"x": {"@id": "http://e/x", "@container": "@list"}}, {"x": "not-an-iri-prefix"}):
        with pytest.raises(jsonld.ContextError):
            jsonld.read_context(context)


def test_compact_iris_take_the_shortest_prefix_and_the_least_on_ties() -> None:
    context = jsonld.read_context(
        {"ex": "http://example.org/", "exa": "http://example.org/a/", "b": "http://example.org/a/",
         "h": "http:", "q": "http://example.org/a?"}
    )  # fmt: skip
    assert jsonld.compact_iri(context, "http://example.org/a/x") == "b:x"  # b:x and exa:x are shorter than ex:a/x
    assert jsonld.compact_iri(context, "http://example.org/a?k=1") == "q:k=1"
    assert jsonld.compact_iri(context, "http://example.org/") == "http://example.org/"  # no empty local name
    assert jsonld.compact_iri(context, "http://other.org/y") == "http://other.org/y"  # "h://…" would read as a URL
    assert jsonld.compact_iri(context, "urn:x") == "urn:x"


def test_compaction_refuses_triples_not_grouped_by_subject() -> None:
    a, b, p = (pyoxigraph.NamedNode(f"http://example.org/{n}") for n in ("a", "b", "p"))
    ungrouped = [pyoxigraph.Triple(a, p, b), pyoxigraph.Triple(b, p, a), pyoxigraph.Triple(a, p, a)]
    with pytest.raises(ValueError, match="grouped by subject"):
        jsonld.compact(ungrouped, jsonld_context())
    grouped = jsonld.compact(sorted_triples(ungrouped), jsonld_context())
    assert len(json.loads(grouped)["@graph"]) == 2


def test_a_json_ld_1_0_processor_reads_the_export() -> None:
    """pyld in JSON-LD 1.0 mode: no `@version: 1.1` or other 1.1 feature makes it refuse the file."""
    import json

    from pyld import jsonld
    from rdflib import Graph
    from rdflib.compare import isomorphic

    from tests.conftest import run_cli

    exported = run_cli("export", "-f", "jsonld")
    assert exported.returncode == 0, exported.stderr
    document = json.loads(exported.stdout)
    assert "@version" not in json.dumps(document["@context"])
    nquads = jsonld.to_rdf(document, {"format": "application/n-quads", "processingMode": "json-ld-1.0"})
    turtle = run_cli("export", "-f", "turtle")
    assert isomorphic(Graph().parse(data=nquads, format="nt"), Graph().parse(data=turtle.stdout, format="turtle"))
