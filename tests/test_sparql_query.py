"""Stored queries: metadata, parameters bound by name or IRI, and their answers on the Kassel data."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from tests.conftest import FIXTURES, PROCESS_DEADLINE, REPO
from twingraph.errors import InputError
from twingraph.rdf.load import load_graph
from twingraph.sparql.guard import QueryRefused
from twingraph.sparql.query import ParameterError, StoredQuery, read_stored_query, run_local, stored_queries

QUERIES = {q.name: q for q in stored_queries(REPO / "queries")}


@pytest.fixture(scope="module")
def graph() -> Graph:
    return load_graph([REPO / "ontology", REPO / "data"], max_bytes=10**8).graph


def rows(graph: Graph, name: str, **values: str) -> list[dict[str, str]]:
    result = run_local(graph, QUERIES[name], values)
    return [{str(k): str(v) for k, v in row.asdict().items()} for row in result]  # type: ignore[union-attr]


def test_there_are_at_least_twelve_documented_queries() -> None:
    assert len(QUERIES) >= 12
    for query in QUERIES.values():
        assert query.title != query.name
        assert len(query.description) > 20


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_every_stored_query_runs_locally_with_its_defaults(graph: Graph, name: str) -> None:
    result = run_local(graph, QUERIES[name])
    assert result.type == "SELECT"
    assert list(result.vars or [])


def test_partners_of_kassel(graph: Graph) -> None:
    partners = rows(graph, "partners", city="Kassel")
    assert len(partners) == 9
    florence = next(r for r in partners if r["partnerName"] == "Florence")
    assert (florence["start"], florence["precision"], florence["kind"], florence["country"]) == (
        "1952",
        "year",
        "town twinning",
        "Italy",
    )
    assert [r["partnerName"] for r in partners][-2:] == ["İzmit", "Mulhouse"]


@pytest.mark.parametrize(
    "city", ["Kassel", "kassel", "https://w3id.org/twingraph/id/city/kassel", "http://www.wikidata.org/entity/Q2865"]
)
def test_a_place_parameter_takes_a_name_or_an_iri(graph: Graph, city: str) -> None:
    assert len(rows(graph, "partners", city=city)) == 9


def test_other_spellings_resolve(graph: Graph) -> None:
    partners = rows(graph, "partners", city="Jaroslawl")
    assert [r["partnerName"] for r in partners] == ["Kassel"]


def test_counts_per_country_reconcile_with_the_seed(graph: Graph) -> None:
    per_country = rows(graph, "per-country", city="Kassel")
    assert sum(int(r["partnerships"]) for r in per_country) == 9
    inside = sum(
        int(r["partnerships"])
        for r in per_country
        if r["inEuropeanUnion"] == "true" or r["country"] in ("Turkey", "Israel")
    )
    assert inside == 8


def test_per_decade_counts_a_known_decade(graph: Graph) -> None:
    assert {r["decade"]: r["partnerships"] for r in rows(graph, "per-decade")} == {
        "1950s": "1",
        "1960s": "1",
        "1970s": "2",
        "1980s": "2",
        "1990s": "1",
        "2000s": "1",
    }


def test_cold_war_and_inner_german_border(graph: Graph) -> None:
    across = {r["name"] for r in rows(graph, "cold-war") if r["acrossInnerGermanBorder"] == "true"}
    assert across == {"Kassel – Berlin-Mitte", "Kassel – Arnstadt"}


def test_disaster_and_aid(graph: Graph) -> None:
    found = {(r["name"], r.get("event", "")) for r in rows(graph, "disaster-aid")}
    assert ("Kassel – İzmit", "1999 İzmit earthquake") in found


def test_contested_claims_and_unsourced_facts(graph: Graph) -> None:
    contested = rows(graph, "contested-claims")
    assert {(r["subject"], r["value"], r["rank"]) for r in contested} >= {
        ("Kassel – Västerås", "1958", "normal"),
        ("Kassel – Västerås", "1972-08-14", "preferred"),
    }
    assert rows(graph, "unsourced") == []


def test_places_without_wikidata_come_first(graph: Graph) -> None:
    extra = Graph()
    extra += graph
    place = URIRef("https://w3id.org/twingraph/id/city/nowhere")
    extra.add(
        (
            place,
            URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
            URIRef("https://w3id.org/twingraph/ontology#Municipality"),
        )
    )
    extra.add((place, URIRef("http://www.w3.org/2000/01/rdf-schema#label"), Literal("Nowhere", lang="en")))
    links = rows(extra, "wikidata-links")
    assert links[0] == {"place": str(place), "name": "Nowhere"}
    assert len(links) == 13


def test_neighbourhood_finds_partners_of_partners(graph: Graph) -> None:
    extra = Graph()
    extra += graph
    twinned = URIRef("https://w3id.org/twingraph/ontology#twinnedWith")
    florence = URIRef("https://w3id.org/twingraph/id/city/florence")
    far = URIRef("https://w3id.org/twingraph/id/city/far-away")
    extra.add((florence, twinned, far))
    extra.add((far, URIRef("http://www.w3.org/2000/01/rdf-schema#label"), Literal("Far Away", lang="en")))
    assert rows(extra, "neighbourhood", city="Kassel") == [{"far": str(far), "farName": "Far Away", "via": "Florence"}]
    assert rows(graph, "neighbourhood", city="Kassel") == []


@pytest.mark.parametrize("value", ['Kassel" || true || "', "Kassel> } SERVICE <http://127.0.0.1:9/> {"])
def test_injection_attempts_name_no_place(graph: Graph, value: str) -> None:
    with pytest.raises(ParameterError, match="no place is called"):
        run_local(graph, QUERIES["partners"], {"city": value})


def test_unknown_and_missing_parameters(graph: Graph, tmp_path: Path) -> None:
    with pytest.raises(ParameterError, match="partners has no parameter 'town'; it takes: city"):
        run_local(graph, QUERIES["partners"], {"town": "Kassel"})
    path = tmp_path / "needs.rq"
    path.write_text("# title: t\n# param: city: place | no default\nSELECT * WHERE { ?city ?p ?o }\n", encoding="utf-8")
    with pytest.raises(ParameterError, match=r"needs needs -p city=… \(no default\)"):
        run_local(graph, read_stored_query(path))


def test_bad_parameter_line_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.rq"
    path.write_text("# title: t\n# param: city place\nSELECT * WHERE { ?s ?p ?o }\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_stored_query(path)
    assert caught.value.line == 2


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", "SERVICE is refused"),
        ("SELECT * WHERE { SERVICE SILENT ?x { ?s ?p ?o } }", "SERVICE is refused"),
        ("SELECT * WHERE { SERVICE # a comment\n <http://127.0.0.1:9/> { ?s ?p ?o } }", "SERVICE is refused"),
        ("SELECT * FROM <http://127.0.0.1:9/g> WHERE { ?s ?p ?o }", "FROM and FROM NAMED are refused"),
        ("SELECT * FROM NAMED <http://127.0.0.1:9/g> WHERE { ?s ?p ?o }", "FROM and FROM NAMED are refused"),
        ("LOAD <http://127.0.0.1:9/data.ttl>", "SPARQL Update"),
        ("INSERT DATA { <a:b> <a:c> <a:d> }", "SPARQL Update"),
        ("SELECT * WHERE { ?s ?p }", "SPARQL syntax error at line 1"),
    ],
)
def test_guard_refuses_before_running(graph: Graph, text: str, words: str) -> None:
    query = StoredQuery("adhoc", "adhoc", "", (), text, Path("adhoc.rq"))
    with pytest.raises(QueryRefused, match=words):
        run_local(graph, query)


def test_rdflib_fixes_apply_to_twingraphs_calls_only() -> None:
    """GROUP BY over no solutions: no row inside twingraph; rdflib's own behaviour outside it."""
    from rdflib import Graph

    from twingraph.sparql.query import adhoc_query, run_local

    text = "SELECT ?x (COUNT(*) AS ?n) WHERE { ?x <urn:nothing> ?y } GROUP BY ?x"
    graph = Graph()
    graph.add((URIRef("urn:a"), URIRef("urn:p"), URIRef("urn:b")))
    assert run_local(graph, adhoc_query(text)).bindings == []
    untouched = graph.query(text)  # a library user's own call, after twingraph's
    assert untouched.bindings == [{}]  # rdflib 7's own answer (one unbound row), not changed by twingraph


def test_the_current_status_is_that_of_the_latest_change(graph: Graph) -> None:
    """Yaroslavl's partnership suspended in March 2022; Mulhouse's suspended in 2001 and revived in 2005."""
    extra = Graph()
    extra += graph
    extra.parse(FIXTURES / "suspended.ttl")
    suspended = rows(extra, "suspended")
    assert [(r["name"], r["since"]) for r in suspended] == [("Kassel – Yaroslavl", "2022-03")]
    assert suspended[0]["source"] == "https://w3id.org/twingraph/id/source/kassel-partner-cities"
    by_country = {(r["country"], r["status"]): int(r["partnerships"]) for r in rows(extra, "status-by-country")}
    assert by_country[("Russia", "suspended")] == 1
    assert by_country[("France", "revived")] == 1
    assert by_country[("Germany", "active")] == 7
    assert by_country[("Germany", "suspended")] == 1
    assert rows(graph, "suspended") == []  # Kassel's own sources name no suspension


def test_status_changes_conform_to_the_shapes(tmp_path: Path) -> None:
    from tests.conftest import run_cli

    shutil.copy(FIXTURES / "suspended.ttl", tmp_path / "suspended.ttl")
    checked = run_cli("validate", str(REPO / "data" / "kassel.ttl"), str(tmp_path / "suspended.ttl"))
    assert checked.returncode == 0, checked.stdout


def test_a_fault_of_the_query_engine_is_exit_2_not_an_abort(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Oxigraph 0.5 aborts (a Rust panic, SIGABRT) on some queries, such as an ORDER BY over
    Kassel's cross product; the command runs the query in a child and says what happened."""
    import subprocess
    import sys

    code = (
        "import os, sys, twingraph.sparql.query as q\n"
        "q.answer_local = lambda *args, **kwargs: os.abort()\n"
        "from twingraph.cli import main\n"
        "sys.argv = ['twingraph', 'sparql', 'SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f LIMIT 1']\n"
        "main()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=PROCESS_DEADLINE, cwd=tmp_path
    )
    assert done.returncode == 2, done.stderr
    assert "the query engine failed on this query (ended with SIGABRT" in done.stderr
    assert "Traceback" not in done.stderr
