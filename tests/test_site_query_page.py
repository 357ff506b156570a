"""The static site's SPARQL page in a real browser (Debian's chromium) behind real nginx and
Apache: every stored query gives the rows of `twingraph query run`, the downloads are its CSV,
only this page may run a script, and a browser without WebAssembly or data too large for one
are told so, keeping the stored answers."""

from __future__ import annotations

import json
import re
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO, run_cli
from tests.query_page import ANSWERED_OR_FAILED, FAILED, open_ready, recorded_page, run_example
from twingraph.project import bundled_project
from twingraph.rdf.load import load_project_graph
from twingraph.sparql.query import answer_local, stored_queries
from twingraph.sparql.results import serialize

QUERIES = {q.name: q for q in stored_queries(REPO / "queries")}


@pytest.fixture(scope="module")
def local_rows() -> dict[str, list[dict[str, Any]]]:
    project = bundled_project()
    loaded = load_project_graph(project, max_bytes=project.settings.max_input_bytes)
    return {
        name: json.loads(serialize(answer_local(loaded, q), "json"))["results"]["bindings"]
        for name, q in QUERIES.items()
    }


@pytest.fixture
def page(browser) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    with recorded_page(browser) as opened:
        yield opened


def test_every_stored_query_in_the_browser_gives_the_rows_of_query_run(
    static_servers: dict[str, str], page: Any, local_rows: dict[str, list[dict[str, Any]]]
) -> None:
    open_ready(page, static_servers["nginx"] + "sparql.html")
    for name in sorted(QUERIES):
        answer = run_example(page, name)
        assert answer["results"]["bindings"] == local_rows[name], name
        shown = page.locator("#query-table tbody tr").count()
        assert shown == len(local_rows[name]), name
    assert page.problems == []


def test_the_downloads_are_query_runs_csv_and_json(static_servers: dict[str, str], page: Any, tmp_path: Path) -> None:
    open_ready(page, static_servers["apache"] + "sparql.html")
    run_example(page, "partners")
    with page.expect_download() as csv_download:
        page.click("#download-csv")
    with page.expect_download() as json_download:
        page.click("#download-json")
    cli_csv = run_cli("query", "run", "partners", "-o", str(tmp_path / "partners.csv"))
    assert cli_csv.returncode == 0, cli_csv.stderr
    assert Path(csv_download.value.path()).read_bytes() == (tmp_path / "partners.csv").read_bytes()
    cli_json = run_cli("query", "run", "partners", "-f", "json")
    downloaded = json.loads(Path(json_download.value.path()).read_bytes())
    assert downloaded["results"] == json.loads(cli_json.stdout)["results"]
    assert csv_download.value.suggested_filename == "partners.csv"
    assert page.problems == []


def test_a_parameter_and_an_edited_query_run_as_the_cli_runs_them(static_servers: dict[str, str], page: Any) -> None:
    open_ready(page, static_servers["nginx"] + "sparql.html")
    page.click("button[data-query='partners']")
    page.fill("#parameter-city", "yaroslavl")  # a name in another case: the place lookup resolves it
    page.evaluate("() => { window.twingraphQueryPage.answer = null; }")
    page.click("#query-run")
    page.wait_for_function(ANSWERED_OR_FAILED)
    there = page.evaluate("() => window.twingraphQueryPage.answer")
    cli = run_cli("query", "run", "partners", "-p", "city=yaroslavl", "-f", "json")
    assert there["results"] == json.loads(cli.stdout)["results"]
    assert [row["partnerName"]["value"] for row in there["results"]["bindings"]] == ["Kassel"]
    # An unknown place is said, not a traceback.
    page.fill("#parameter-city", "Atlantis")
    page.click("#query-run")
    page.wait_for_function(f"() => {FAILED}")
    assert page.inner_text("#query-status") == "No place is called Atlantis or has that IRI."
    # A query typed by hand runs as written.
    page.evaluate("() => { window.twingraphQueryPage.answer = null; }")
    page.click(".cm-content")
    page.keyboard.press("Control+a")
    page.keyboard.type("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    page.keyboard.press("Control+Enter")
    page.wait_for_function(ANSWERED_OR_FAILED)
    counted = page.evaluate("() => window.twingraphQueryPage.answer")
    assert int(counted["results"]["bindings"][0]["n"]["value"]) > 1500
    assert page.problems == []


def test_only_the_query_page_may_run_scripts(static_servers: dict[str, str]) -> None:
    for url in static_servers.values():
        with urllib.request.urlopen(url + "sparql.html", timeout=30) as response:
            policy = response.headers["Content-Security-Policy"]
        assert "script-src 'self' 'wasm-unsafe-eval'" in policy
        assert "connect-src 'self'" in policy
        for other in ("index.html", "queries.html", "id/city/kassel"):
            with urllib.request.urlopen(url + other, timeout=30) as response:
                assert "script-src" not in response.headers["Content-Security-Policy"]
                assert response.headers["Content-Security-Policy"].startswith("default-src 'none'")
        with urllib.request.urlopen(url + "assets/query/oxigraph.wasm", timeout=30) as response:
            assert response.headers["Content-Type"] == "application/wasm"
        with urllib.request.urlopen(url + "sparql", timeout=30) as response:  # without .html, the same policy
            assert "wasm-unsafe-eval" in response.headers["Content-Security-Policy"]


def test_without_webassembly_the_page_says_so_and_keeps_the_stored_answers(
    static_servers: dict[str, str], page: Any
) -> None:
    page.add_init_script("delete window.WebAssembly")
    page.goto(static_servers["nginx"] + "sparql.html")
    page.wait_for_function(f"() => {FAILED}")
    assert "cannot run WebAssembly" in page.inner_text("#query-status")
    links = page.locator("a", has_text="stored answer")
    assert links.count() == len(QUERIES)
    links.first.click()
    page.wait_for_load_state()
    assert page.url.endswith("queries/activities.html")


def test_data_too_large_for_a_browser_gets_no_script_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from twingraph.static_site import generate, query_page

    monkeypatch.setattr(query_page, "MAX_BROWSER_BYTES", 1000)
    report = generate.write_site(
        bundled_project(), out=tmp_path / "site", base_url="http://site.test/", max_bytes=10**8
    )
    assert report.conforms
    page = (tmp_path / "site" / "public" / "sparql.html").read_text(encoding="utf-8")
    assert '<script type="module"' not in page
    assert re.search(r"The data \(\d+ bytes of N-Triples\) is larger than a browser can hold \(1000 bytes\)", page)
    assert page.count("stored answer</a>") == len(QUERIES)
    assert not (tmp_path / "site" / "public" / "assets" / "query").exists()


def test_the_committed_bundle_is_what_the_lockfile_builds() -> None:
    # `make query-page` writes these from browser/package-lock.json; the test of that build is
    # the Makefile's (it needs npm). Here: the files are there, and the licences name every package.
    from twingraph.static_site.query_page import ASSET_FILES, ASSETS

    lock = json.loads((REPO / "browser" / "package-lock.json").read_text(encoding="utf-8"))
    licences = (ASSETS / "LICENSES.txt").read_text(encoding="utf-8")
    for path, entry in lock["packages"].items():
        if path.startswith("node_modules/") and "esbuild" not in path:
            assert f"{path.removeprefix('node_modules/')} {entry['version']} (" in licences
    for name in ASSET_FILES:
        assert (ASSETS / name).stat().st_size > 0
    assert (ASSETS / "oxigraph.wasm").read_bytes()[:4] == b"\0asm"
