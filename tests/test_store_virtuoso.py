"""Virtuoso, the store DBpedia runs on (Debian's virtuoso-opensource 7), started on 127.0.0.1
with a configuration the tests write: `push` through its digest-protected Graph Store, every
stored query against the local answer and the Oxigraph server's, a graph it refuses, and its
bulk loader through contrib/virtuoso-bulk-load.sh."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import PROCESS_DEADLINE, REPO, write_world
from tests.doc_examples import check_example, copy_project, example_at
from tests.servers import (
    VIRTUOSO_PASSWORD,
    VIRTUOSO_USER,
    OxigraphServer,
    VirtuosoServer,
    oxigraph_server,
    virtuoso_missing,
    virtuoso_server,
)
from twingraph.iris import dataset_iri
from twingraph.project import bundled_project
from twingraph.rdf.load import LoadedGraph, load_project_graph
from twingraph.sparql.query import StoredQuery, adhoc_query, answer_local, answer_remote, stored_queries
from twingraph.sparql.remote import Endpoint
from twingraph.sparql.results import serialize

QUERIES = {q.name: q for q in stored_queries(REPO / "queries")}
KASSEL = dataset_iri("kassel")
WORLD = "https://example.org/graph/world-slice"
WORLD_CITY = "http://www.wikidata.org/entity/Q1085"  # Prague: the slice's city with the most partners (41)
BULK_LOADER = REPO / "contrib" / "virtuoso-bulk-load.sh"
SECRET = "not-the-password-7f3a"


def twingraph(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "twingraph", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=PROCESS_DEADLINE,
    )


@pytest.fixture(scope="module")
def world_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_world(tmp_path_factory.mktemp("world") / "world-slice.ttl", pairs=1500)


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory, world_file: Path) -> Iterator[VirtuosoServer]:
    missing = virtuoso_missing()
    if missing:
        pytest.skip(missing)
    with virtuoso_server(tmp_path_factory.mktemp("virtuoso")) as server:
        pushed = twingraph("push", "--endpoint", server.store_url, env=server.credentials)
        assert pushed.returncode == 0, pushed.stderr
        assert "with 1522 triples" in pushed.stderr
        # 4 MB of N-Triples: Virtuoso closes the connection on a large body sent before its challenge.
        pushed = twingraph(
            "push", str(world_file), "--endpoint", server.store_url, "--graph", WORLD, env=server.credentials
        )
        assert pushed.returncode == 0, pushed.stderr
        yield server


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory: pytest.TempPathFactory, world_file: Path) -> Iterator[OxigraphServer]:
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph")) as server:
        for args in (("push",), ("push", str(world_file), "--graph", WORLD)):
            pushed = twingraph(*args, "--endpoint", server.store_url)
            assert pushed.returncode == 0, pushed.stderr
        yield server


@pytest.fixture(scope="module")
def kassel() -> LoadedGraph:
    project = bundled_project()
    return load_project_graph(project, max_bytes=project.settings.max_input_bytes)


@pytest.fixture(scope="module")
def world(world_file: Path) -> LoadedGraph:
    return load_project_graph(bundled_project(), [world_file], max_bytes=1 << 28)


def rows(answer: object) -> list[dict[str, object]]:
    """The rows as the JSON results write them, in order."""
    return json.loads(serialize(answer, "json"))["results"]["bindings"]  # type: ignore[arg-type, no-any-return]


def everywhere(query: StoredQuery, loaded: LoadedGraph, stores: list[tuple[str, str | None]], **values: str) -> list:
    """The query's rows locally, then on each store's endpoint, with its graph (if any) as the default graph."""
    here = rows(answer_local(loaded, query, values))
    there = [
        answer_remote(Endpoint(url, timeout=120), query, values, default_graphs=(graph,) if graph else ())
        for url, graph in stores
    ]
    return [here, *map(rows, there)]


def test_every_stored_query_gives_the_same_rows_in_all_five_places(
    virtuoso: VirtuosoServer,
    oxigraph: OxigraphServer,
    kassel: LoadedGraph,
    live_server,  # type: ignore[no-untyped-def]
    static_servers: dict[str, str],
    browser,  # type: ignore[no-untyped-def]
) -> None:
    """Locally, on `serve`, on the Oxigraph server, on Virtuoso, and on the static site's page in
    Chromium: the same rows in the same order, for every stored query."""
    from tests.query_page import open_ready, recorded_page, run_example

    with recorded_page(browser) as page:
        open_ready(page, static_servers["nginx"] + "sparql.html")
        for name, query in sorted(QUERIES.items()):
            here, on_serve, on_oxigraph, on_virtuoso = everywhere(
                query,
                kassel,
                [(live_server.url + "sparql", None), (oxigraph.query_url, KASSEL), (virtuoso.query_url, KASSEL)],
            )
            in_browser = run_example(page, name)["results"]["bindings"]
            assert on_serve == on_oxigraph == on_virtuoso == in_browser == here, name
            if name not in ("unsourced", "neighbourhood", "suspended"):  # rightly empty on Kassel's data alone
                assert here, name
        assert page.problems == []


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_every_stored_query_gives_the_same_rows_on_a_world_slice(
    virtuoso: VirtuosoServer, oxigraph: OxigraphServer, world: LoadedGraph, name: str
) -> None:
    query = QUERIES[name]
    values = {"city": WORLD_CITY} if any(p.name == "city" for p in query.parameters) else {}
    stores = [(virtuoso.query_url, WORLD), (oxigraph.query_url, WORLD)]
    here, on_virtuoso, on_oxigraph = everywhere(query, world, stores, **values)
    assert on_virtuoso == here
    assert on_oxigraph == here


def test_booleans_and_empty_lists_read_alike(virtuoso: VirtuosoServer, kassel: LoadedGraph) -> None:
    # Virtuoso writes xsd:boolean as 1 and 0, and cannot compile an aggregate inside COALESCE.
    cold_war = rows(answer_remote(Endpoint(virtuoso.query_url), QUERIES["cold-war"], default_graphs=(KASSEL,)))
    assert {row["acrossInnerGermanBorder"]["value"] for row in cold_war} == {"true", "false"}  # type: ignore[index]
    timeline = rows(answer_remote(Endpoint(virtuoso.query_url), QUERIES["timeline"], default_graphs=(KASSEL,)))
    assert {"type": "literal", "value": ""} in [row["context"] for row in timeline]


def count(server_url: str, graph: str) -> int:
    query = adhoc_query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    answer = answer_remote(Endpoint(server_url), query)
    return int(answer.rows[0][0].value)


def test_a_graph_virtuoso_refuses_leaves_the_old_one(virtuoso: VirtuosoServer, tmp_path: Path) -> None:
    # Virtuoso's own PUT empties the graph before it finds the ill-formed XML literal.
    refused = tmp_path / "refused.ttl"
    refused.write_text(
        "<https://w3id.org/twingraph/id/city/kassel> <http://www.w3.org/2000/01/rdf-schema#comment> "
        '"<unclosed"^^<http://www.w3.org/1999/02/22-rdf-syntax-ns#XMLLiteral> .\n',
        encoding="utf-8",
    )
    before = count(virtuoso.query_url, KASSEL)
    pushed = twingraph(
        "push", str(REPO / "data"), str(refused), "--no-validate", "--endpoint", virtuoso.store_url,
        env=virtuoso.credentials,
    )  # fmt: skip
    assert pushed.returncode == 2
    assert "failed (HTTP 500)" in pushed.stderr
    assert f"<{KASSEL}> was not touched." in pushed.stderr
    assert "Traceback" not in pushed.stderr
    assert "<html" not in pushed.stderr.lower()  # the error page's words, not its markup
    assert count(virtuoso.query_url, KASSEL) == before == 1522
    assert count(virtuoso.query_url, KASSEL + "#twingraph-push-staging") == 0


def test_wrong_credentials_exit_2_naming_the_store_and_user_never_the_secret(virtuoso: VirtuosoServer) -> None:
    wrong = {**virtuoso.credentials, "TWINGRAPH_PASSWORD": SECRET}
    pushed = twingraph("push", "--endpoint", virtuoso.store_url, env=wrong)
    assert pushed.returncode == 2
    assert pushed.stderr.strip() == (
        f"Error: {virtuoso.store_url} refused the credentials of user 'dba' from "
        f"TWINGRAPH_USER/TWINGRAPH_PASSWORD (HTTP 401); check them. <{KASSEL}> was not touched."
    )
    assert SECRET not in pushed.stdout + pushed.stderr
    assert count(virtuoso.query_url, KASSEL) == 1522


def test_netrc_credentials_push_and_none_at_all_is_explained(virtuoso: VirtuosoServer, tmp_path: Path) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text(f"machine 127.0.0.1 login {VIRTUOSO_USER} password {VIRTUOSO_PASSWORD}\n", encoding="utf-8")
    netrc.chmod(0o600)
    plain = {k: v for k, v in os.environ.items() if not k.startswith("TWINGRAPH_")}
    pushed = twingraph("push", "--endpoint", virtuoso.store_url, env={**plain, "NETRC": str(netrc)})
    assert pushed.returncode == 0, pushed.stderr
    none = twingraph("push", "--endpoint", virtuoso.store_url, env={**plain, "NETRC": str(tmp_path / "absent")})
    assert none.returncode == 2
    assert "asks for credentials (HTTP 401): put them in ~/.netrc" in none.stderr


def test_the_bulk_loader_script_loads_what_export_writes(
    virtuoso: VirtuosoServer, world_file: Path, world: LoadedGraph
) -> None:
    # The file must be where Virtuoso may read it: the test configuration's DirsAllowed.
    dump = virtuoso.folder / "world.nt"
    exported = twingraph("export", "ontology", str(world_file), "-f", "nt", "-o", str(dump))
    assert exported.returncode == 0, exported.stderr
    graph = "https://example.org/graph/bulk"
    env = {**virtuoso.credentials, "ISQL": "/usr/bin/isql-vt"}
    for _ in range(2):  # loading again replaces, never doubles
        loaded = subprocess.run(
            ["sh", str(BULK_LOADER), str(dump), graph, f"127.0.0.1:{virtuoso.sql_port}"],
            capture_output=True, text=True, env=env, timeout=PROCESS_DEADLINE,
        )  # fmt: skip
        assert loaded.returncode == 0, loaded.stderr
        lines = len(dump.read_bytes().splitlines())
        assert (
            loaded.stdout.strip()
            == f"Loaded {lines} triples from {dump} into <{graph}> at 127.0.0.1:{virtuoso.sql_port}."
        )
        assert count(virtuoso.query_url, graph) == lines
    # The ontology and the data, as push sends them: every stored query gives the local rows.
    for name, query in sorted(QUERIES.items()):
        values = {"city": WORLD_CITY} if any(p.name == "city" for p in query.parameters) else {}
        here, there = everywhere(query, world, [(virtuoso.query_url, graph)], **values)
        assert there == here, name


def test_the_bulk_loader_refuses_bad_input_with_exit_2(virtuoso: VirtuosoServer) -> None:
    broken = virtuoso.folder / "broken.nt"
    broken.write_text('<http://example.org/a> <http://example.org/p> "unterminated .\n', encoding="utf-8")
    env = {**virtuoso.credentials, "ISQL": "/usr/bin/isql-vt"}
    cases = {
        (str(broken), "https://example.org/graph/broken"): "Virtuoso's loader refused",
        (str(broken), "https://example.org/a b"): "has characters an IRI may not hold",
        (str(virtuoso.folder / "absent.nt"), "https://example.org/g"): "no such file",
        (str(broken), "https://example.org/it's"): "may not contain '",
    }
    for (path, graph), message in cases.items():
        run = subprocess.run(
            ["sh", str(BULK_LOADER), path, graph, f"127.0.0.1:{virtuoso.sql_port}"],
            capture_output=True, text=True, env=env, timeout=PROCESS_DEADLINE,
        )  # fmt: skip
        assert run.returncode == 2, (graph, run.stderr)
        assert message in run.stderr, run.stderr


def test_the_triple_store_guide_s_virtuoso_example_gives_what_it_shows(
    virtuoso: VirtuosoServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """docs/how-to/triple-stores.md: credentials in a netrc file, a first push into a new graph
    (HTTP 201), then a stored query with --graph; the page's address replaced by this server's."""
    from twingraph.sparql.remote import delete_graph

    monkeypatch.setenv("TWINGRAPH_USER", VIRTUOSO_USER)
    monkeypatch.setenv("TWINGRAPH_PASSWORD", VIRTUOSO_PASSWORD)
    delete_graph(Endpoint(virtuoso.store_url), KASSEL)  # as in a new database
    netrc = tmp_path / "netrc"
    netrc.write_text(f"machine 127.0.0.1 login {VIRTUOSO_USER} password {VIRTUOSO_PASSWORD}\n", encoding="utf-8")
    netrc.chmod(0o600)
    plain = {"NETRC": str(netrc), "TWINGRAPH_USER": "", "TWINGRAPH_PASSWORD": ""}
    project = copy_project(tmp_path / "project")
    steps = [
        ("twingraph push --endpoint ", "http://127.0.0.1:8890/sparql-graph-crud-auth", virtuoso.store_url),
        ("twingraph query run per-decade ", "http://127.0.0.1:8890/sparql", virtuoso.query_url),
    ]
    for start, shown_url, url in steps:
        example = example_at("docs/how-to/triple-stores.md", start, shown_url)
        command = example.command.replace(shown_url, url)
        check_example(example, project, command=command, shown={url: shown_url}, env=plain)
    assert count(virtuoso.query_url, KASSEL) == 1522
