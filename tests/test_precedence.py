"""Where data files disagree (rdf/precedence.py): the rule, applied the same way by the loader
(what is validated) and by the build's exporter (what is published)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic

from twingraph.rdf.load import load_graph, read_exact_triples
from twingraph.rdf.terms import to_rdflib

TW = "https://w3id.org/twingraph/ontology#"
PREFIXES = """@prefix tw: <https://w3id.org/twingraph/ontology#> . @prefix dct: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> . @prefix src: <https://example.org/id/source/> .
@prefix pt: <https://example.org/id/partnership/> . @prefix cl: <https://example.org/id/claim/> .
"""
P = URIRef("https://example.org/id/partnership/a--b")
MAX = 1 << 20

WIKIDATA = (
    PREFIXES
    + """
src:wikidata a tw:Source .
pt:a--b a tw:Partnership ; dct:source src:wikidata ;
    tw:startDate "1952"^^xsd:gYear ; tw:startPrecision tw:YearPrecision ; tw:kind tw:TownTwinning ;
    tw:claim cl:a--b-start-1 , cl:a--b-start-2 .
cl:a--b-start-1 a tw:Claim ; tw:claimProperty tw:startDate ; tw:claimValue "1952"^^xsd:gYear ;
    tw:rank tw:PreferredRank ; dct:source src:wikidata .
cl:a--b-start-2 a tw:Claim ; tw:claimProperty tw:startDate ; tw:claimValue "1950"^^xsd:gYear ;
    tw:rank tw:NormalRank ; dct:source src:wikidata .
"""
)
CITY = (
    PREFIXES
    + """
src:list a tw:Source , tw:CityList .
src:list-line-2 a tw:Source ; dct:isPartOf src:list .
pt:a--b a tw:Partnership ; dct:source src:list-line-2 ;
    tw:startDate "1951"^^xsd:gYear ; tw:startPrecision tw:YearPrecision ; tw:kind tw:UnspecifiedKind .
"""
)


def _files(tmp_path: Path, *texts: str) -> list[Path]:
    paths = []
    for number, text in enumerate(texts):
        path = tmp_path / f"{number}.ttl"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def _published(paths: list[Path]) -> Graph:
    graph = Graph()
    for t in read_exact_triples(paths, max_bytes=MAX):
        graph.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
    return graph


def _claims(graph: Graph, prop: str) -> set[tuple[str, str]]:
    return {
        (
            str(graph.value(c, URIRef(TW + "claimValue"))).rsplit("#")[-1],
            str(graph.value(c, URIRef(TW + "rank"))).rsplit("#")[-1],
        )
        for c in graph.objects(P, URIRef(TW + "claim"))
        if graph.value(c, URIRef(TW + "claimProperty")) == URIRef(TW + prop)
    }


def test_the_city_list_wins_and_the_other_files_preferred_claim_is_outranked(tmp_path: Path) -> None:
    paths = _files(tmp_path, WIKIDATA, CITY)
    loaded = load_graph(paths, max_bytes=MAX)
    graph = Graph() + loaded.graph
    assert list(graph.objects(P, URIRef(TW + "startDate"))) == [
        Literal("1951", datatype=URIRef("http://www.w3.org/2001/XMLSchema#gYear"))
    ]
    assert _claims(graph, "startDate") == {("1951", "PreferredRank"), ("1952", "NormalRank"), ("1950", "NormalRank")}
    # An unspecified kind says nothing: Wikidata's town twinning stays, even against a city's list.
    assert list(graph.objects(P, URIRef(TW + "kind"))) == [URIRef(TW + "TownTwinning")]
    assert _claims(graph, "kind") == {("TownTwinning", "PreferredRank"), ("UnspecifiedKind", "NormalRank")}
    assert [(d.prop.rsplit("#")[-1], d.preferred.graph) for d in loaded.decisions] == [
        ("startDate", loaded.files[1].graph_name), ("kind", loaded.files[0].graph_name)
    ]  # fmt: skip
    assert loaded.triple_count() == len(graph)
    # What the build publishes is what was validated, and the files are untouched.
    assert isomorphic(_published(paths), graph)
    assert paths[0].read_text(encoding="utf-8") == WIKIDATA


def test_files_that_agree_or_one_file_alone_are_left_as_they_are(tmp_path: Path) -> None:
    alone = load_graph(_files(tmp_path, WIKIDATA), max_bytes=MAX)
    assert alone.decisions == ()
    same = CITY.replace('"1951"', '"1952"').replace("tw:UnspecifiedKind", "tw:TownTwinning")
    agreeing = load_graph(_files(tmp_path, WIKIDATA, same), max_bytes=MAX)
    assert agreeing.decisions == ()


def test_values_of_equal_standing_are_left_for_a_person(tmp_path: Path) -> None:
    other = WIKIDATA.replace('"1952"^^xsd:gYear ; tw:startPrecision', '"1953"^^xsd:gYear ; tw:startPrecision').replace(
        "tw:claim cl:a--b-start-1 , cl:a--b-start-2 .", "."
    )
    paths = _files(tmp_path, WIKIDATA, other.split("cl:a--b-start-1 a")[0])
    loaded = load_graph(paths, max_bytes=MAX)
    assert [d.prop for d in loaded.decisions] == []
    assert {str(v) for v in loaded.graph.objects(P, URIRef(TW + "startDate"))} == {"1952", "1953"}


def test_a_finer_date_wins_between_sources_of_one_standing(tmp_path: Path) -> None:
    day = (
        WIKIDATA.replace(
            '"1952"^^xsd:gYear ; tw:startPrecision tw:YearPrecision',
            '"1952-05-04"^^xsd:date ; tw:startPrecision tw:DayPrecision',
        )
        .split("cl:a--b-start-1 a")[0]
        .replace("tw:claim cl:a--b-start-1 , cl:a--b-start-2 .", ".")
    )
    year = CITY.replace(" , tw:CityList", "").replace('"1951"', '"1952"')
    loaded = load_graph(_files(tmp_path, year, day), max_bytes=MAX)
    assert [str(v) for v in loaded.graph.objects(P, URIRef(TW + "startDate"))] == ["1952-05-04"]
    assert [str(v).rsplit("#")[-1] for v in loaded.graph.objects(P, URIRef(TW + "startPrecision"))] == ["DayPrecision"]
    assert pyoxigraph.NamedNode(TW + "TownTwinning") == loaded.decisions[1].preferred.value
