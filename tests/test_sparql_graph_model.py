"""One graph model everywhere: the default graph is the data and the ontology, locally, in
`serve` and in what `push` writes; the named graphs are the dataset's and the catalogue's."""

from __future__ import annotations

import json

import httpx

from tests.conftest import run_cli
from twingraph.iris import dataset_iri

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def _count(stdout: str) -> int:
    return int(json.loads(stdout)["results"]["bindings"][0]["n"]["value"])


def test_the_default_graph_counts_the_same_locally_and_in_serve(live_server) -> None:
    local = run_cli("sparql", COUNT, "-f", "json")
    served = run_cli("sparql", COUNT, "-f", "json", "--endpoint", live_server.url + "sparql")
    assert local.returncode == 0, local.stderr
    assert served.returncode == 0, served.stderr
    assert _count(served.stdout) == _count(local.stdout) == 1522


def test_graph_names_the_dataset_graph_on_serve_as_after_push(live_server) -> None:
    served = run_cli("sparql", COUNT, "-f", "json", "--endpoint", live_server.url + "sparql", "--graph")
    assert served.returncode == 0, served.stderr
    assert _count(served.stdout) == 1522
    partners = run_cli("query", "run", "partners", "-f", "csv", "--endpoint", live_server.url + "sparql", "--graph")
    assert partners.stdout == run_cli("query", "run", "partners", "-f", "csv").stdout


def test_the_catalogue_is_a_named_graph_of_its_own(live_server) -> None:
    query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
    answer = httpx.get(live_server.url + "sparql", params={"query": query}, headers={"Accept": "application/json"})
    counts = {row["g"]["value"]: int(row["n"]["value"]) for row in answer.json()["results"]["bindings"]}
    dataset = dataset_iri("kassel")
    assert counts[dataset] == 1522
    (catalogue,) = set(counts) - {dataset}
    assert counts[catalogue] > 100
    in_default = httpx.get(
        live_server.url + "sparql",
        params={"query": "ASK { ?c a <http://www.w3.org/ns/dcat#Catalog> }"},
        headers={"Accept": "application/json"},
    )
    assert in_default.json()["boolean"] is False


def test_the_service_description_lists_both_graphs_and_no_union(live_server) -> None:
    text = httpx.get(live_server.url + "sparql", headers={"Accept": "application/n-triples"}).text
    assert "UnionDefaultGraph" not in text
    assert f"<{dataset_iri('kassel')}> .\n" in text
    assert "<https://w3id.org/twingraph/id/catalog/kassel> .\n" in text
    assert "#defaultGraph>" in text
