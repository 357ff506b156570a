"""`/sparql` on a live `twingraph serve`: real clients, result formats, limits and refusals."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import httpx
import pytest
from rdflib import Graph
from rdflib.query import Result
from SPARQLWrapper import JSON, SPARQLWrapper

from tests.conftest import PROCESS_DEADLINE, REPO, run_cli
from tests.servers import connection_counter
from twingraph.sparql.query import bind_parameters, stored_queries
from twingraph.sparql.text import with_values

QUERIES = stored_queries(REPO / "queries")
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def _rows(document: dict) -> list[tuple]:  # type: ignore[type-arg]
    """Rows as comparable tuples. GROUP_CONCAT's order is left to the engine by the SPARQL spec,
    and differs between two stores holding the same data, so concatenated lists are compared as sets."""
    if "boolean" in document:
        return [(document["boolean"],)]
    names = document["head"]["vars"]
    rows = []
    for binding in document["results"]["bindings"]:
        row = []
        for name in names:
            cell = dict(binding.get(name) or {})
            if ", " in cell.get("value", "") and cell.get("type") == "literal" and "xml:lang" not in cell:
                cell["value"] = sorted(cell["value"].split(", "))
            row.append(json.dumps(cell, sort_keys=True))
        rows.append(tuple(row))
    return rows


@pytest.mark.parametrize("stored", QUERIES, ids=[q.name for q in QUERIES])
def test_sparqlwrapper_gets_what_the_cli_gets(live_server, project, stored) -> None:
    from twingraph.rdf.load import load_project_graph

    loaded = load_project_graph(project, max_bytes=64 * 1024 * 1024)
    text = with_values(stored.text, bind_parameters(loaded.graph, stored, {}))
    client = SPARQLWrapper(live_server.url + "sparql")
    client.setQuery(text)
    client.setReturnFormat(JSON)
    client.setMethod("POST")
    client.queryType = stored.form  # SPARQLWrapper's own guess takes this query for a LOAD update
    if stored.form in ("CONSTRUCT", "DESCRIBE"):
        client.setReturnFormat("turtle")
        remote = Graph().parse(data=client.query().response.read(), format="turtle")
        local = run_cli("query", "run", stored.name, "-f", "turtle")
        assert local.returncode == 0, local.stderr
        assert remote.isomorphic(Graph().parse(data=local.stdout, format="turtle"))
        return
    remote_rows = _rows(client.query().convert())
    local = run_cli("query", "run", stored.name, "-f", "json")
    assert local.returncode in (0, 1), local.stderr
    assert remote_rows == _rows(json.loads(local.stdout))


def test_the_cli_runs_every_stored_query_against_the_server(live_server) -> None:
    for stored in QUERIES:
        remote = run_cli("query", "run", stored.name, "-f", "json", "--endpoint", live_server.url + "sparql")
        local = run_cli("query", "run", stored.name, "-f", "json")
        assert remote.returncode == local.returncode, remote.stderr
        if stored.form in ("SELECT", "ASK"):
            assert _rows(json.loads(remote.stdout)) == _rows(json.loads(local.stdout)), stored.name


@pytest.mark.parametrize(
    ("accept", "media", "fmt"),
    [
        ("application/sparql-results+json", "application/sparql-results+json", "json"),
        ("application/sparql-results+xml", "application/sparql-results+xml", "xml"),
        ("text/csv", "text/csv", "csv"),
        ("text/tab-separated-values", "text/tab-separated-values", "tsv"),
        ("application/json", "application/sparql-results+json", "json"),
        ("*/*", "application/sparql-results+json", "json"),
        ("application/sparql-results+json,*/*;q=0.9", "application/sparql-results+json", "json"),  # YASGUI
    ],
)
def test_select_results_per_accept(live_server, accept: str, media: str, fmt: str) -> None:
    query = "SELECT ?city WHERE { ?city a <https://w3id.org/twingraph/ontology#Municipality> } ORDER BY ?city"
    response = httpx.get(live_server.url + "sparql", params={"query": query}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media
    parsed = Result.parse(source=__import__("io").BytesIO(response.content), format=fmt)
    assert len(list(parsed)) == 11  # every municipality; Berlin-Mitte is a city district


def test_construct_per_accept_and_format_parameter(live_server) -> None:
    query = "CONSTRUCT { ?c a ?t } WHERE { ?c a ?t } LIMIT 5"
    turtle = httpx.post(live_server.url + "sparql", data={"query": query}, headers={"Accept": "text/turtle"})
    jsonld = httpx.post(live_server.url + "sparql", data={"query": query, "format": "jsonld"})
    assert turtle.headers["content-type"].startswith("text/turtle")
    assert jsonld.headers["content-type"].startswith("application/ld+json")
    assert (
        Graph()
        .parse(data=turtle.content, format="turtle")
        .isomorphic(Graph().parse(data=jsonld.content, format="json-ld"))
    )
    refused = httpx.get(live_server.url + "sparql", params={"query": query}, headers={"Accept": "text/csv"})
    assert refused.status_code == 406


def test_a_query_that_runs_too_long_is_stopped_and_others_are_served(live_server) -> None:
    before = _children(live_server.process.pid)
    outcome: dict[str, object] = {}

    def slow() -> None:
        started = time.monotonic()
        outcome["response"] = httpx.get(live_server.url + "sparql", params={"query": SLOW}, timeout=60)
        outcome["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=slow)
    thread.start()
    time.sleep(0.5)
    # While the slow query runs, the other worker answers, and pages need no worker at all.
    quick = httpx.get(live_server.url + "sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=30)
    assert quick.status_code == 200
    assert quick.json()["boolean"] is True
    assert httpx.get(live_server.url + "id/city/kassel", timeout=30).status_code == 200
    thread.join(60)
    response = outcome["response"]
    assert isinstance(response, httpx.Response)
    assert response.status_code == 503
    assert "longer than 2 s" in response.text
    # Stopped after its 2 s, not left to run (it would take hours); the upper bound is generous
    # so that a busy machine cannot break it.
    assert 1.9 < float(outcome["seconds"]) < 45  # type: ignore[arg-type]
    # The worker that ran it is gone (killed, not left computing), and a new one replaced it.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        after = _children(live_server.process.pid)
        if len(after) == len(before) and after != before:
            break
        time.sleep(0.2)
    assert len(after) == len(before)
    assert len(before - after) == 1
    assert httpx.get(live_server.url + "sparql", params={"query": "ASK { ?s ?p ?o }"}).json()["boolean"] is True


def _children(pid: int) -> set[int]:
    children: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        children.update(int(c) for c in text)
    # The resource tracker of multiprocessing is a child too; count only query workers.
    return {c for c in children if "twingraph" in _cmdline(c) or "spawn_main" in _cmdline(c)}


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def test_a_large_body_gets_413(live_server) -> None:
    body = b"query=" + b"x" * (10 * 1024 * 1024)
    response = httpx.post(
        live_server.url + "sparql",
        content=body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        timeout=PROCESS_DEADLINE,
    )
    assert response.status_code == 413


@pytest.mark.parametrize(
    ("params", "status", "words"),
    [
        ({"query": "INSERT DATA { <a:a> <a:b> <a:c> }"}, 403, "read-only"),
        ({"update": "CLEAR ALL"}, 403, "read-only"),
        ({"query": "LOAD <http://example.org/data.ttl>"}, 400, "never fetches remote data"),
        ({"query": "SELECT * FROM <http://example.org/g> WHERE { ?s ?p ?o }"}, 400, "FROM and FROM NAMED are refused"),
        ({"query": "SELECT * WHERE { ?s ?p ?o "}, 400, "SPARQL syntax error"),
        ({"query": "SELECT * WHERE { ?s ?p ?o }"}, 400, "more than 1,000 rows"),
        ({"query": "SELECT * WHERE { ?s ?p ?o }", "default-graph-uri": "http://example.org/g"}, 400, "does not fetch"),
    ],
)
def test_refusals(live_server, params: dict[str, str], status: int, words: str) -> None:
    response = httpx.get(live_server.url + "sparql", params=params)
    assert response.status_code == status
    assert words in response.text


def test_a_syntax_error_names_line_and_column(live_server) -> None:
    response = httpx.post(
        live_server.url + "sparql",
        content="SELECT ?x\nWHERE { ?x ?y }",
        headers={"Content-Type": "application/sparql-query"},
    )
    assert response.status_code == 400
    assert "SPARQL syntax error: error at 2:16:" in response.text  # line 2, column 16


def test_service_to_a_local_listener_opens_no_connection(live_server) -> None:
    with connection_counter() as seen:
        query = f"SELECT * WHERE {{ SERVICE <{seen[0]}> {{ ?s ?p ?o }} }}"
        response = httpx.get(live_server.url + "sparql", params={"query": query})
        silent = httpx.get(live_server.url + "sparql", params={"query": query.replace("SERVICE", "SERVICE SILENT")})
        time.sleep(0.5)
    assert response.status_code == silent.status_code == 400
    assert "SERVICE is refused" in response.text
    assert seen[1:] == []


def test_cors_preflight(live_server) -> None:
    response = httpx.options(
        live_server.url + "sparql",
        headers={"Origin": "http://example.org", "Access-Control-Request-Method": "POST"},
    )
    assert response.status_code == 204  # No Content: a preflight needs only the headers
    assert response.headers["access-control-allow-origin"] == "*"
    assert "POST" in response.headers["access-control-allow-methods"]


def test_the_query_form_page(live_server) -> None:
    page = httpx.get(live_server.url + "sparql", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "<textarea" in page.text


def test_a_long_flat_query_is_a_400_naming_the_limit_and_costs_no_worker(live_server) -> None:  # type: ignore[no-untyped-def]
    import httpx

    from tests.test_sparql_text import FLAT_QUERIES

    for name, text in FLAT_QUERIES.items():
        answer = httpx.post(live_server.url + "sparql", data={"query": text}, timeout=60)
        assert answer.status_code == 400, name
        assert "the limit is" in answer.text, name
    ask = httpx.get(
        live_server.url + "sparql", params={"query": "ASK {}"}, headers={"Accept": "application/sparql-results+json"}
    )
    assert ask.json()["boolean"] is True


def test_an_empty_answer_from_serve_gets_no_false_hint_about_the_dataset_graph(live_server) -> None:  # type: ignore[no-untyped-def]
    """serve's default graph holds the data, so an empty answer there is the data's answer."""
    from tests.conftest import run_cli

    done = run_cli("query", "run", "suspended", "--endpoint", live_server.url + "sparql")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["partnership,name,since,source"] or "(0 rows)" in done.stdout
    assert "Add --graph" not in done.stderr


def test_one_huge_row_is_bounded_by_the_answers_bytes() -> None:
    """--max-rows bounds rows; one row of a huge GROUP_CONCAT or CONCAT is bounded by --max-answer-mb."""
    import httpx

    from tests.servers import twingraph_server

    doubled = " ".join(f"BIND (CONCAT(?x{n}, ?x{n}) AS ?x{n + 1})" for n in range(14))
    query = (
        "SELECT ?x14 WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#comment> ?x0 FILTER (STRLEN(?x0) > 100) "
        f"{doubled} }} LIMIT 1"
    )
    with twingraph_server("--max-answer-mb", "1") as server:
        answer = httpx.post(server.url + "sparql", data={"query": query}, timeout=120)
        small = httpx.get(server.url + "sparql", params={"query": "ASK {}"}, timeout=60)
    assert answer.status_code == 400, answer.text[:200]
    assert "bytes, more than the 1,048,576 this server sends (--max-answer-mb)" in answer.text
    assert small.status_code == 200
