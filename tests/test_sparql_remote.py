"""Stored queries on a real Oxigraph server: push, then every query remotely and locally, equal answers."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Graph, Literal, URIRef

from tests.conftest import FIXTURES, REPO, run_cli
from tests.doc_examples import check_example, copy_project, example_at
from tests.servers import OxigraphServer, connection_counter, oxigraph_server
from twingraph.iris import dataset_iri
from twingraph.project import bundled_project
from twingraph.rdf.load import load_project_graph
from twingraph.sparql.query import StoredQuery, read_stored_query, run_local, run_remote, stored_queries
from twingraph.sparql.remote import Endpoint, EndpointError

QUERIES = {q.name: q for q in stored_queries(REPO / "queries")}
DATASET = dataset_iri("kassel")
ECHO = read_stored_query(FIXTURES / "queries" / "echo.rq")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph")) as running:
        pushed = run_cli("push", "--endpoint", running.store_url)
        assert pushed.returncode == 0, pushed.stderr
        yield running


@pytest.fixture(scope="module")
def local_graph() -> Graph:
    project = bundled_project()
    return load_project_graph(project, max_bytes=project.settings.max_input_bytes).graph


def remote(server: OxigraphServer, query: StoredQuery, **values: str):
    return run_remote(Endpoint(server.query_url, timeout=30), query, values, default_graphs=(DATASET,))


def as_multiset(result) -> Counter:
    """Rows as a multiset. GROUP_CONCAT's order is left open by SPARQL, so its ", " lists compare as sorted."""
    if result.type == "ASK":
        return Counter([result.askAnswer])
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        return Counter(result.graph)
    return Counter(tuple(unordered_list(row.get(v)) for v in result.vars) for row in result.bindings)


def unordered_list(node):
    if isinstance(node, Literal) and node.datatype is None and not node.language and ", " in node:
        return Literal(", ".join(sorted(str(node).split(", "))))
    return node


def count_in_graph(server: OxigraphServer, graph: str) -> int:
    query = StoredQuery(
        "count", "", "", (), "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } FILTER (?g = ?graph) }"
    )
    text = "# param: graph: iri\n" + query.text
    counted = run_remote(
        Endpoint(server.query_url), StoredQuery("count", "", "", read_param("graph", "iri"), text), {"graph": graph}
    )
    return int(next(iter(counted))[0])  # type: ignore[index]


def read_param(name: str, kind: str):
    from twingraph.sparql.query import Parameter

    return (Parameter(name, kind, None, ""),)


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_every_stored_query_gives_the_same_answer_remotely(
    server: OxigraphServer, local_graph: Graph, name: str
) -> None:
    here = run_local(local_graph, QUERIES[name])
    there = remote(server, QUERIES[name])
    assert there.type == here.type
    if here.type == "SELECT":
        assert [str(v) for v in there.vars] == [str(v) for v in here.vars]
    assert as_multiset(there) == as_multiset(here)
    # Rightly empty on the Kassel data alone (test_sparql_query gives them data that fills them).
    if name not in ("unsourced", "neighbourhood", "suspended"):
        assert as_multiset(here), f"{name} should find something in the Kassel data"


@pytest.mark.parametrize("name", sorted(n for n, q in QUERIES.items() if any(p.type == "place" for p in q.parameters)))
def test_a_city_without_partnerships_gets_no_rows_in_either_place(
    server: OxigraphServer, local_graph: Graph, name: str
) -> None:
    # Berlin is described (as Berlin-Mitte's city) but has no partnership of its own.
    here = run_local(local_graph, QUERIES[name], {"city": "Berlin"})
    there = remote(server, QUERIES[name], city="Berlin")
    assert as_multiset(here) == as_multiset(there) == Counter()


@pytest.mark.parametrize(
    "city", ["Kassel", "kassel", "http://www.wikidata.org/entity/Q2865", "https://w3id.org/twingraph/id/city/kassel"]
)
def test_a_place_parameter_resolves_on_the_endpoint_too(server: OxigraphServer, local_graph: Graph, city: str) -> None:
    here = run_local(local_graph, QUERIES["partners"], {"city": city})
    there = remote(server, QUERIES["partners"], city=city)
    assert len(as_multiset(there)) == 9
    assert as_multiset(there) == as_multiset(here)


def test_a_second_push_replaces_the_graph(server: OxigraphServer, local_graph: Graph) -> None:
    assert count_in_graph(server, DATASET) == len(local_graph)
    again = run_cli("push", "--endpoint", server.store_url)
    assert again.returncode == 0, again.stderr
    assert f"Replaced <{DATASET}>" in again.stderr
    assert count_in_graph(server, DATASET) == len(local_graph)


def test_push_to_another_graph_leaves_the_first_alone(server: OxigraphServer, local_graph: Graph) -> None:
    other = "https://example.org/graph/copy"
    pushed = run_cli("push", "--endpoint", server.store_url, "--graph", other)
    assert pushed.returncode == 0, pushed.stderr
    assert count_in_graph(server, other) == len(local_graph)
    assert count_in_graph(server, DATASET) == len(local_graph)


def test_neighbourhood_with_more_cities_loaded(server: OxigraphServer) -> None:
    graph = "https://example.org/graph/more-cities"
    files = [str(REPO / "data"), str(FIXTURES / "far-away.ttl")]
    refused = run_cli("push", *files, "--endpoint", server.store_url, "--graph", graph)
    assert refused.returncode == 1
    assert "Not pushed: the data does not conform" in refused.stderr
    assert count_in_graph(server, graph) == 0
    pushed = run_cli("push", *files, "--endpoint", server.store_url, "--graph", graph, "--no-validate")
    assert pushed.returncode == 0, pushed.stderr
    project = bundled_project()
    local = load_project_graph(project, [REPO / "data", FIXTURES / "far-away.ttl"], max_bytes=10**8).graph
    here = run_local(local, QUERIES["neighbourhood"])
    there = run_remote(Endpoint(server.query_url), QUERIES["neighbourhood"], default_graphs=(graph,))
    assert as_multiset(here) == as_multiset(there)
    assert [str(row[1]) for row in there] == ["Far Away"]  # type: ignore[index]


def test_query_run_on_the_endpoint_from_the_cli(server: OxigraphServer) -> None:
    shown = run_cli(
        "query", "run", "partners", "-p", "city=Kassel", "-f", "table", "--endpoint", server.query_url, "--graph"
    )
    assert shown.returncode == 0, shown.stderr
    assert "Västerås" in shown.stdout
    assert "(9 rows)" in shown.stdout


def test_without_a_graph_the_store_default_graph_is_queried(server: OxigraphServer) -> None:
    # Oxigraph's default graph is empty: the data is in its named graph.
    shown = run_cli("sparql", "SELECT ?s ?p ?o WHERE { ?s ?p ?o }", "-f", "csv", "--endpoint", server.query_url)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.strip() == "s,p,o"
    assert "holds the dataset in the named graph <https://w3id.org/twingraph/id/dataset/kassel>" in shown.stderr
    assert "Add --graph" in shown.stderr
    with_graph = run_cli("query", "run", "partners", "-f", "csv", "--endpoint", server.query_url, "--graph")
    assert "Note:" not in with_graph.stderr


def test_construct_comes_back_as_the_same_graph(server: OxigraphServer, local_graph: Graph) -> None:
    from rdflib.compare import isomorphic

    from twingraph.sparql.query import adhoc_query

    text = (
        "PREFIX tw: <https://w3id.org/twingraph/ontology#> "
        "CONSTRUCT { ?a tw:twinnedWith ?b } WHERE { ?a tw:twinnedWith ?b }"
    )
    here = run_local(local_graph, adhoc_query(text))
    there = run_remote(Endpoint(server.query_url), adhoc_query(text), default_graphs=(DATASET,))
    assert len(here.graph) == 18
    assert isomorphic(here.graph, there.graph)


def test_describe_gives_the_same_description(server: OxigraphServer, local_graph: Graph) -> None:
    from rdflib.compare import isomorphic

    from twingraph.sparql.query import adhoc_query

    text = "DESCRIBE <https://w3id.org/twingraph/id/city/kassel>"
    here = run_local(local_graph, adhoc_query(text))
    there = run_remote(Endpoint(server.query_url), adhoc_query(text), default_graphs=(DATASET,))
    assert here.type == there.type == "DESCRIBE"
    assert len(here.graph) > 10
    assert isomorphic(here.graph, there.graph)


any_text = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=40)
tricky_text = st.text(
    alphabet=st.sampled_from(
        ['"', "'", "\\", "\n", "\r", "\t", "u", "U", "0", "2", "{", "}", "#", "<", ">", "a", " ", "\x00", "\u2028"]
    ),
    max_size=20,
)


@settings(max_examples=150, deadline=None)
@given(value=st.one_of(any_text, tricky_text))
def test_any_string_round_trips_through_a_parameter(server: OxigraphServer, local_graph: Graph, value: str) -> None:
    """Escaping holds for every string; an answer holding a character no XML can hold (U+0001,
    U+000B, …) is refused whole rather than written into a broken file."""
    from twingraph.rdf.input_checks import control_character

    here = run_local(local_graph, ECHO, {"text": value})
    if control_character(value, escaped=False) is not None:
        with pytest.raises(EndpointError, match="answered with the control character"):
            remote(server, ECHO, text=value)
        return
    there = remote(server, ECHO, text=value)
    for result in (here, there):
        rows = list(result)
        assert len(rows) == 1
        echoed, length = rows[0]  # type: ignore[misc]
        assert echoed == Literal(value)
        assert str(echoed) == value
        assert int(length) == len(value)


INJECTIONS = [
    'Kassel" || true || "',
    "Kassel') || true || ('",
    'x" } SERVICE <{url}> {{ ?s ?p ?o }} #',
    'x" }} UNION {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }} #',
    'x"@en) } SERVICE <{url}> { ?a ?b ?c } { VALUES (?text) { ("',
    'x\\" } SERVICE <{url}> { ?s ?p ?o } #',
]


@pytest.mark.parametrize("template", INJECTIONS)
def test_injection_attempts_find_nothing_and_open_no_socket(
    server: OxigraphServer, local_graph: Graph, template: str
) -> None:
    with connection_counter() as seen:
        value = template.replace("{url}", seen[0]).replace("{{", "{").replace("}}", "}")
        here = run_local(local_graph, QUERIES["places-named"], {"text": value})
        there = remote(server, QUERIES["places-named"], text=value)
        assert list(here) == []
        assert list(there) == []
        echoed = [str(row[0]) for row in remote(server, ECHO, text=value)]  # type: ignore[index]
        assert echoed == [value]
    assert seen[1:] == [], "a smuggled SERVICE reached the network"


def test_injection_into_a_place_parameter_is_a_clean_error(server: OxigraphServer) -> None:
    shown = run_cli(
        "query", "run", "partners", "-p", 'city=Kassel" || true || "', "--endpoint", server.query_url, "--graph"
    )
    assert shown.returncode == 2
    assert shown.stdout == ""
    assert "knows no place called" in shown.stderr


def test_a_string_parameter_finds_what_it_should(server: OxigraphServer, local_graph: Graph) -> None:
    here = run_local(local_graph, QUERIES["places-named"], {"text": "STERÅ"})
    there = remote(server, QUERIES["places-named"], text="STERÅ")
    assert {str(row[0]) for row in here} == {"https://w3id.org/twingraph/id/city/vasteras"}  # type: ignore[index]
    assert as_multiset(there) == as_multiset(here)


def test_values_reach_a_parameter_in_a_construct_query(server: OxigraphServer) -> None:
    path = FIXTURES / "queries" / "partners-graph.rq"
    result = remote(server, read_stored_query(path), city="Kassel")
    assert len(result.graph) == 9
    assert all(s == URIRef("https://w3id.org/twingraph/id/city/kassel") for s, _, _ in result.graph)


def test_the_fixture_files_exist() -> None:
    assert Path(FIXTURES / "queries" / "echo.rq").is_file()


@pytest.mark.parametrize("name", sorted(n for n, q in QUERIES.items() if q.lists))
def test_joined_lists_are_the_same_strings_locally_and_on_the_server(server: OxigraphServer, name: str) -> None:
    """GROUP_CONCAT's order is the engine's; twingraph sorts the parts of a stored query's lists."""
    assert QUERIES[name].lists
    there = run_cli("query", "run", name, "-f", "csv", "--endpoint", server.query_url, "--graph")
    here = run_cli("query", "run", name, "-f", "csv")
    assert there.returncode == here.returncode, there.stderr
    assert there.stdout == here.stdout


def test_a_list_column_is_sorted_in_the_answer() -> None:
    import csv
    import io

    shown = run_cli("query", "run", "partners", "-p", "city=Kassel", "-f", "csv")
    joined = [row["themes"] for row in csv.DictReader(io.StringIO(shown.stdout))]
    assert any(", " in value for value in joined)
    assert all(value.split(", ") == sorted(value.split(", ")) for value in joined)


def test_the_triple_store_guide_s_oxigraph_example_gives_what_it_shows(tmp_path: Path) -> None:
    """docs/how-to/triple-stores.md: a new store, a push, then a stored query with --graph."""
    project = copy_project(tmp_path / "project")
    with oxigraph_server(tmp_path / "store") as store:
        for shown_url, url in (
            ("http://127.0.0.1:7878/store", store.store_url),
            ("http://127.0.0.1:7878/query", store.query_url),
        ):
            example = example_at("docs/how-to/triple-stores.md", "twingraph ", shown_url)
            # The page shows the usual address; the answer names the test server's, put back before comparing.
            check_example(example, project, command=example.command.replace(shown_url, url), shown={url: shown_url})
