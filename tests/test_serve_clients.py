"""Every standard client works against `serve` by default: SPARQLWrapper with each of its return
formats, rdflib's SPARQLStore, and RDF/XML wherever RDF is offered."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request

import httpx
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from tests.conftest import PROCESS_DEADLINE, run_cli

SELECT = "SELECT ?city WHERE { ?city a <https://w3id.org/twingraph/ontology#Municipality> } ORDER BY ?city LIMIT 3"
ASK = "ASK { ?s ?p ?o }"
CONSTRUCT = "CONSTRUCT { ?s ?p ?o } WHERE { BIND(<https://w3id.org/twingraph/id/city/kassel> AS ?s) ?s ?p ?o }"
DESCRIBE = "DESCRIBE <https://w3id.org/twingraph/id/city/kassel>"
KASSEL = "https://w3id.org/twingraph/id/city/kassel"


def wrapper(url: str, query: str, fmt: str | None):
    from SPARQLWrapper import SPARQLWrapper

    client = SPARQLWrapper(url + "sparql")
    client.setQuery(query)
    if fmt is not None:
        client.setReturnFormat(fmt)
    return client.query()


@pytest.mark.parametrize("fmt", [None, "json", "xml", "csv", "tsv"])
def test_sparqlwrapper_select_in_every_format(live_server, fmt: str | None) -> None:
    result = wrapper(live_server.url, SELECT, fmt)
    converted = result.convert()
    if fmt == "json":
        assert len(converted["results"]["bindings"]) == 3
    elif fmt in (None, "xml"):  # SPARQLWrapper's default is XML
        assert len(converted.getElementsByTagName("result")) == 3
    else:
        lines = converted.decode().strip().splitlines()
        assert len(lines) == 4
        assert lines[0] in ("city", "?city")


@pytest.mark.parametrize("fmt", [None, "json", "xml", "csv", "tsv"])
def test_sparqlwrapper_ask_in_every_format(live_server, fmt: str | None) -> None:
    converted = wrapper(live_server.url, ASK, fmt).convert()
    if fmt == "json":
        assert converted["boolean"] is True
    elif fmt in (None, "xml"):
        assert converted.getElementsByTagName("boolean")[0].firstChild.data == "true"
    else:
        assert converted.decode().split() == (["_askResult", "true"] if fmt == "csv" else ["?_askResult", "true"])


@pytest.mark.parametrize("query", [CONSTRUCT, DESCRIBE])
@pytest.mark.parametrize("fmt", [None, "xml", "rdf", "rdf+xml", "turtle", "n3", "json-ld"])
def test_sparqlwrapper_graphs_in_every_format(live_server, query: str, fmt: str | None) -> None:
    local = run_cli("sparql", query, "-f", "nt")
    assert local.returncode == 0, local.stderr
    expected = Graph().parse(data=local.stdout, format="nt")
    converted = wrapper(live_server.url, query, fmt).convert()
    if isinstance(converted, Graph):
        graph = converted
    else:
        text = converted.decode() if isinstance(converted, bytes) else json.dumps(converted)
        graph = Graph().parse(data=text, format={"turtle": "turtle", "n3": "turtle"}.get(fmt or "", "json-ld"))
    assert len(graph) > 0
    assert isomorphic(graph, expected)


@pytest.mark.parametrize("fmt", ["turtle", "n3", "rdf+xml", "json-ld"])
def test_sparqlwrapper_select_with_a_graph_format_falls_back_to_accept(live_server, fmt: str) -> None:
    # SPARQLWrapper sends Accept: */* with format=turtle for a pair that makes no sense.
    result = wrapper(live_server.url, SELECT, fmt)
    assert result.response.status == 200
    assert result.response.headers["Content-Type"].startswith("application/sparql-results+json")


def test_rdflib_sparqlstore_runs_all_four_forms(live_server) -> None:
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    graph = Graph(store=SPARQLStore(live_server.url + "sparql", returnFormat="xml"))
    assert len(list(graph.query(SELECT))) == 3
    assert graph.query(ASK).askAnswer is True
    constructed = graph.query(CONSTRUCT).graph
    assert constructed is not None
    assert len(constructed) > 10
    described = graph.query(DESCRIBE).graph
    assert described is not None
    assert (None, None, None) in described


@pytest.mark.parametrize("path", ["id/city/kassel", "ontology", "catalog", ".well-known/void"])
def test_rdf_xml_is_offered_wherever_rdf_is(live_server, path: str) -> None:
    request = urllib.request.Request(live_server.url + path, headers={"Accept": "application/rdf+xml"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.headers["Content-Type"] == "application/rdf+xml; charset=utf-8"
        graph = Graph().parse(data=response.read(), format="xml")
    assert len(graph) > 10


def test_q_values_choose_rdf_xml_over_json_ld(live_server) -> None:
    accept = "application/rdf+xml;q=0.9, application/ld+json;q=0.4"
    request = urllib.request.Request(live_server.url + "id/city/kassel", headers={"Accept": accept})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.headers["Content-Type"].startswith("application/rdf+xml")
        assert response.headers["Content-Location"].endswith("/id/city/kassel.rdf")


@pytest.mark.parametrize(
    ("parameters", "media"),
    [
        ("format=tsv&format=text/tab-separated-values", "text/tab-separated-values"),
        ("output=json", "application/sparql-results+json"),
        ("format=text/csv", "text/csv"),
        ("format=csv,json", "text/csv"),
        ("format=&format=xml", "application/sparql-results+xml"),
        ("format=turtle", "application/sparql-results+json"),  # does not fit SELECT: Accept decides
    ],
)
def test_format_and_output_parameters_in_every_shape(live_server, parameters: str, media: str) -> None:
    url = live_server.url + "sparql?query=" + urllib.parse.quote(SELECT) + "&" + parameters
    with urllib.request.urlopen(url, timeout=30) as response:
        assert response.headers["Content-Type"].startswith(media)


@pytest.mark.parametrize(("value", "media"), [("ttl", "text/turtle"), ("json-ld", "application/ld+json"),
                                              ("rdf", "application/rdf+xml"), ("bogus", "text/html")])  # fmt: skip
def test_format_names_on_resources(live_server, value: str, media: str) -> None:
    with urllib.request.urlopen(live_server.url + f"id/city/kassel?format={value}", timeout=30) as response:
        assert response.headers["Content-Type"].startswith(media)


@pytest.mark.parametrize("path", ["id/city/a%20b", "id/city/%3C", "id/city/%22", "id/city/%7B", "id/city/%7C",
                                  "id/city/%5C", "id/city/%5E", "id/city/%60", "id/city/%FF"])  # fmt: skip
def test_paths_that_make_no_iri_are_404(live_server, path: str) -> None:
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(live_server.url + path, timeout=30)
    assert caught.value.code == 404


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_invalid_utf8_is_400_by_get_and_post(live_server, method: str) -> None:
    if method == "GET":
        request = urllib.request.Request(live_server.url + "sparql?query=ASK%7B%7D%FF")
    else:
        request = urllib.request.Request(
            live_server.url + "sparql",
            data=b"query=ASK%7B%7D%FF",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=30)
    assert caught.value.code == 400


def test_a_query_nested_5000_deep_is_a_clear_error(live_server) -> None:
    deep = "SELECT * WHERE " + "{" * 5000 + "?s ?p ?o" + "}" * 5000
    request = urllib.request.Request(
        live_server.url + "sparql", data=deep.encode(), headers={"Content-Type": "application/sparql-query"}
    )
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=30)
    assert caught.value.code == 400
    assert b"nests groups or parentheses 5000 deep; the limit is 100" in caught.value.read()


def test_the_cli_refuses_a_deeply_nested_query_with_exit_2() -> None:
    import subprocess
    import sys

    deep = "SELECT * WHERE " + "{" * 5000 + "?s ?p ?o" + "}" * 5000
    result = subprocess.run(
        [sys.executable, "-m", "twingraph", "sparql", "-"],
        input=deep,
        capture_output=True,
        text=True,
        timeout=PROCESS_DEADLINE,
    )
    assert result.returncode == 2
    assert result.stderr == "Error: the query nests groups or parentheses 5000 deep; the limit is 100. Flatten it.\n"


def test_service_description_lists_w3c_format_iris(live_server) -> None:
    request = urllib.request.Request(live_server.url + "sparql", headers={"Accept": "text/turtle"})
    with urllib.request.urlopen(request, timeout=30) as response:
        text = response.read().decode()
    for name in ("RDF_XML", "N-Triples", "SPARQL_Results_JSON", "SPARQL_Results_CSV"):
        assert f"<http://www.w3.org/ns/formats/{name}>" in text


BAD_PREDICATE = "CONSTRUCT { ?s <http://example.org/p/> ?o } WHERE { ?s a ?o } LIMIT 1"


def test_a_graph_rdf_xml_cannot_express_comes_in_the_next_acceptable_format(live_server) -> None:
    response = httpx.get(
        live_server.url + "sparql",
        params={"query": BAD_PREDICATE},
        headers={"Accept": "application/rdf+xml, text/turtle;q=0.5"},
    )
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/turtle")
    assert "<http://example.org/p/>" in response.text


def test_a_graph_rdf_xml_cannot_express_is_a_clear_406_when_nothing_else_will_do(live_server) -> None:
    response = httpx.get(
        live_server.url + "sparql", params={"query": BAD_PREDICATE}, headers={"Accept": "application/rdf+xml"}
    )
    assert response.status_code == 406
    assert "RDF/XML cannot express the predicate <http://example.org/p/>" in response.text


def test_the_cli_refuses_rdf_xml_for_such_a_graph() -> None:
    result = run_cli("sparql", BAD_PREDICATE, "-f", "rdfxml")
    assert result.returncode == 2
    assert "RDF/XML cannot express the predicate <http://example.org/p/>" in result.stderr
