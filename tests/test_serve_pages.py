"""Stored queries in the browser, the index and `serve --get`, on the live server and as a process."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
from pathlib import Path

import httpx

from tests.conftest import PROCESS_DEADLINE, REPO, run_cli


def test_queries_lists_every_stored_query(live_server) -> None:
    page = httpx.get(live_server.url + "queries").text
    for name in ("partners", "timeline", "cold-war", "per-country"):
        assert f'href="/queries/{name}"' in page


def test_stored_query_form_runs_with_its_default(live_server) -> None:
    page = httpx.get(live_server.url + "queries/partners").text
    assert 'name="city"' in page
    assert 'value="Kassel"' in page
    assert page.count("<tr>") >= 10  # the header row and nine partners
    assert "Florence" in page
    assert "Yaroslavl" in page
    assert 'href="/queries/partners.csv?city=Kassel"' not in page  # only a submitted value goes in the link
    assert 'href="/queries/partners.csv?"' in page


def test_stored_query_with_a_parameter_and_downloads(live_server) -> None:
    page = httpx.get(live_server.url + "queries/partners", params={"city": "Florenz"}).text
    assert ">Kassel<" in page
    assert ">Yaroslavl<" not in page
    download = httpx.get(live_server.url + "queries/partners.csv", params={"city": "Florenz"})
    assert download.status_code == 200
    assert download.headers["content-type"].startswith("text/csv")
    assert 'filename="partners.csv"' in download.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(download.text)))
    assert [r["partnerName"] for r in rows] == ["Kassel"]
    as_json = httpx.get(live_server.url + "queries/partners.json", params={"city": "Florenz"}).json()
    assert as_json["results"]["bindings"][0]["partnerName"]["value"] == "Kassel"


def test_a_bad_parameter_is_shown_on_the_form(live_server) -> None:
    response = httpx.get(live_server.url + "queries/partners", params={"city": "Atlantis"})
    assert response.status_code == 400
    assert "no place is called" in response.text
    assert 'role="alert"' in response.text
    assert httpx.get(live_server.url + "queries/partners.csv", params={"city": "Atlantis"}).status_code == 400
    assert httpx.get(live_server.url + "queries/no-such-query").status_code == 404


def test_index_lists_places_and_partnerships(live_server) -> None:
    page = httpx.get(live_server.url).text
    assert 'href="/id/city/kassel"' in page
    assert 'href="/id/partnership/kassel--yaroslavl"' in page
    assert "9 partnerships join 10 places (the places that are partners" in page


def test_serve_get_runs_one_request_without_a_server() -> None:
    turtle = run_cli("serve", "--get", "/id/city/kassel", "--accept", "text/turtle")
    assert turtle.returncode == 0, turtle.stderr
    assert "city:kassel" in turtle.stdout
    missing = run_cli("serve", "--get", "/id/city/atlantis")
    assert missing.returncode == 2
    assert "Error: GET /id/city/atlantis answered 404." in missing.stderr
    query = run_cli("serve", "--get", "/sparql?query=ASK%7B%7D")
    assert query.returncode == 0
    assert '"boolean": true' in query.stdout


def test_serve_refuses_data_that_does_not_conform(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "twingraph.toml").write_text('[project]\nname = "broken"\n', encoding="utf-8")
    (tmp_path / "data" / "broken.ttl").write_text(
        "@prefix tw: <https://w3id.org/twingraph/ontology#> .\n"
        "<https://w3id.org/twingraph/id/partnership/a--b> a tw:Partnership .\n",
        encoding="utf-8",
    )
    result = run_cli("--root", str(tmp_path), "serve", "--get", "/")
    assert result.returncode == 1
    assert "Not served" in result.stderr
    assert "twingraph validate" in result.stderr


def test_a_taken_port_is_a_clear_error() -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "twingraph", "serve", "--port", str(port)],
            capture_output=True, text=True, cwd=REPO, timeout=PROCESS_DEADLINE,
        )  # fmt: skip
    assert result.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "Traceback" not in result.stderr


def test_base_url_with_a_path_prefix(tmp_path: Path) -> None:
    result = run_cli("serve", "--base-url", "https://example.org/twinnings", "--get", "/twinnings/id/city/kassel")
    assert result.returncode == 0, result.stderr
    assert 'href="/twinnings/id/city/florence"' in result.stdout


def test_query_tables_show_values_with_headings_for_people(live_server) -> None:
    page = httpx.get(live_server.url + "queries/partners", params={"city": "Kassel"}).text
    table = page[page.index('<table id="results">') : page.index("</table>")]
    assert "<th>Partner name</th>" in table
    assert "gYear" not in table
    assert '<span class="note">en</span>' not in table


def test_the_catalogue_and_dataset_pages_name_their_properties(live_server) -> None:
    for path in ("catalog", "id/dataset/kassel"):
        page = httpx.get(live_server.url + path, headers={"Accept": "text/html"}).text
        headings = re.findall(r'<th scope="row">(.*?)</th>', page)
        assert headings
        assert [h for h in headings if "http" in re.sub(r'href="[^"]*"', "", h)] == []


def test_a_partnership_page_shows_what_each_claim_says(live_server) -> None:
    page = httpx.get(live_server.url + "id/partnership/kassel--vasteras", headers={"Accept": "text/html"}).text
    assert "start date = 1958" in page
    assert "start date = 1972-08-14" in page
    assert "preferred, Västerås" in page


def test_the_downloads_page_says_what_each_file_is_for(live_server) -> None:
    page = httpx.get(live_server.url + "dist/").text
    assert "opens in a spreadsheet" in page
    assert "what a portal&#39;s harvester (CKAN, data.europa.eu) reads" in page


def test_the_catalogues_translate_every_word_of_the_pages() -> None:
    """English is what the templates say; every other language's catalogue translates each word."""
    from babel.messages.extract import extract_from_dir
    from babel.messages.pofile import read_po

    from tests.conftest import REPO
    from twingraph.web.i18n import LOCALES, languages

    methods = [
        ("src/twingraph/web/**.py", "python"),
        ("src/twingraph/server/**.py", "python"),
        ("src/twingraph/static_site/**.py", "python"),
        ("src/twingraph/web/templates/**.html", "jinja2"),
    ]
    options = {"src/twingraph/web/templates/**.html": {"extensions": "jinja2.ext.i18n", "trimmed": "true"}}
    wanted = {
        message if isinstance(message, str) else message[0]
        for _file, _line, message, *_rest in extract_from_dir(REPO, methods, options_map=options)
    }
    assert len(wanted) > 40
    assert "de" in languages()
    for language in languages()[1:]:
        with (LOCALES / language / "LC_MESSAGES" / "twingraph.po").open("rb") as po:
            catalogue = read_po(po)
        translated = {
            m.id if isinstance(m.id, str) else m.id[0]
            for m in catalogue
            if m.id and (all(m.string) if isinstance(m.string, tuple) else m.string)
        }
        assert wanted - translated == set(), language


def test_pages_speak_the_readers_language(live_server) -> None:  # type: ignore[no-untyped-def]
    import httpx

    german = httpx.get(
        live_server.url + "id/city/kassel", headers={"Accept": "text/html", "Accept-Language": "de-DE,de;q=0.9"}
    )
    assert '<html lang="de">' in german.text
    assert '<h2 id="partnerships">Partnerschaften</h2>' in german.text
    assert ">Gespeicherte Abfragen</a>" in german.text
    english = httpx.get(
        live_server.url + "id/city/kassel", headers={"Accept": "text/html", "Accept-Language": "fr, en;q=0.5"}
    )
    assert '<html lang="en">' in english.text
    assert '<h2 id="partnerships">Partnerships</h2>' in english.text
    index = httpx.get(live_server.url, headers={"Accept": "text/html", "Accept-Language": "de"})
    assert "Partnerschaften verbinden" in index.text
    missing = httpx.get(live_server.url + "id/city/atlantis", headers={"Accept": "text/html", "Accept-Language": "de"})
    assert "<h1>Nicht gefunden</h1>" in missing.text
