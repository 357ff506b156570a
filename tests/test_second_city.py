"""A German city made the way a user makes one, the README's "Your own city" path: `init
--wikidata` against a Wikidata-shaped Oxigraph server, then `import csv` of the city's own
list with German headers, the review loop, `build`, `site` and `serve`.

Jena's data is hard where Kassel's hand-curated file is easy: two files that state some of the
same triples, places with German labels only (the 2016 crawl has no others), a misspelled
partner (Berkely), a country that cannot be confirmed (Saint Petersburg, Russland, whose only
candidate, in Florida, has no country), a suspension without a date (Trier) and a wrong
partner on Wikidata (Porto for Porto Alegre). The planted facts are in tests/fixtures/jena/.
"""

from __future__ import annotations

import csv
import io
import json
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import DCTERMS, RDFS, SKOS, Graph, Literal, URIRef

from tests.conftest import FIXTURES, PROCESS_DEADLINE, run_cli
from tests.servers import OxigraphServer, oxigraph_server, twingraph_server
from tests.wikidata_fixture import wikidata_ntriples

JENA_FIXTURES = FIXTURES / "jena"
JENA = "Q3150"
LIST_URL = "https://www.jena.de/partnerstaedte"
BASE = "https://example.org/jena/"
TW = "https://w3id.org/twingraph/ontology#"


@dataclass
class City:
    """A project made by `init` and `import csv`, with the Wikidata-shaped server it was made from."""

    root: Path
    wikidata: OxigraphServer
    review: Path
    imported: str  # what the import printed

    def cli(self, *args: str):  # type: ignore[no-untyped-def]
        return run_cli("--root", str(self.root), *args)

    def import_list(self, *extra: str):  # type: ignore[no-untyped-def]
        return self.cli(
            "import", "csv", str(JENA_FIXTURES / "partnerstaedte.csv"), "--source", LIST_URL, "--city", JENA,
            "--lang", "de", "--review", str(self.review), "--endpoint", self.wikidata.query_url, "--no-cache", *extra,
        )  # fmt: skip


def _post(server: OxigraphServer, body: bytes, media_type: str) -> None:
    request = urllib.request.Request(
        server.store_url + "?default", data=body, headers={"Content-Type": media_type}, method="POST"
    )
    urllib.request.urlopen(request, timeout=120).close()


@pytest.fixture(scope="module")
def wikidata(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    """The crawl in Wikidata's model, with the Jena facts planted on top."""
    with oxigraph_server(tmp_path_factory.mktemp("jena-wikidata")) as server:
        _post(server, wikidata_ntriples(), "application/n-triples")
        _post(server, (JENA_FIXTURES / "wikidata-planted.ttl").read_bytes(), "text/turtle")
        yield server


def make_city(folder: Path, wikidata: OxigraphServer) -> City:
    made = run_cli("init", str(folder / "jena"), "--wikidata", JENA, "--endpoint", wikidata.query_url, "--no-cache")
    assert made.returncode == 0, made.stderr
    city = City(folder / "jena", wikidata, folder / "review.csv", "")
    imported = city.import_list()
    assert imported.returncode in (0, 1), imported.stderr
    city.imported = imported.stdout
    return city


@pytest.fixture(scope="module")
def jena(tmp_path_factory: pytest.TempPathFactory, wikidata: OxigraphServer) -> City:
    """Jena after `init` and one `import csv`: shared by the tests that only read it."""
    return make_city(tmp_path_factory.mktemp("jena"), wikidata)


COUNTS = {
    "partnerships": "SELECT (COUNT(*) AS ?n) WHERE { ?p a tw:Partnership }",
    "partners": "SELECT (COUNT(*) AS ?n) WHERE { ?p tw:partner ?x }",
    "labels": "SELECT (COUNT(*) AS ?n) WHERE { ?x rdfs:label ?l }",
    "triples": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
}
PREFIXES = f"PREFIX tw: <{TW}>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"


def _rows(document: bytes) -> list[dict[str, object]]:
    return json.loads(document)["results"]["bindings"]  # type: ignore[no-any-return]


def test_a_triple_two_files_state_is_counted_once_locally_on_serve_in_the_site_and_after_push(
    jena: City, tmp_path: Path
) -> None:
    from twingraph.project import find_project
    from twingraph.rdf.load import load_project_graph
    from twingraph.sparql.query import adhoc_query, answer_local, run_remote, stored_queries
    from twingraph.sparql.remote import Endpoint
    from twingraph.sparql.results import serialize

    project = find_project(root=jena.root)
    loaded = load_project_graph(project, max_bytes=1 << 26)
    # The files do share triples (the city, its label, the partnerships Wikidata also has): this test's case.
    assert sum(f.triples for f in loaded.files) > loaded.triple_count()
    queries = {name: adhoc_query(PREFIXES + text) for name, text in COUNTS.items()}
    queries |= {q.name: q for q in stored_queries(project.folder("queries"))}
    values = {
        name: ({"city": "Jena"} if any(p.name == "city" for p in q.parameters) else {}) for name, q in queries.items()
    }
    local = {name: _rows(serialize(answer_local(loaded, q, values[name]), "json")) for name, q in queries.items()}
    assert local["partnerships"] == [
        {"n": {"type": "literal", "value": "13", "datatype": "http://www.w3.org/2001/XMLSchema#integer"}}
    ]

    assert len(local["wikidata-links"]) == 14  # every place, though none has an English label
    site = tmp_path / "site"
    built = jena.cli("site", "--out", str(site), "--base-url", "http://site.test/")
    assert built.returncode in (0, 1), built.stderr
    pushed_to = tmp_path / "store"
    with twingraph_server(cwd=jena.root) as served, oxigraph_server(pushed_to) as store:
        pushed = jena.cli("push", "--endpoint", store.store_url, "--no-validate")
        assert pushed.returncode == 0, pushed.stderr
        # The city's page lists each partner once, and the index counts each partnership once.
        page = urllib.request.urlopen(served.url + "id/city/jena", timeout=30).read().decode()
        table = page.split('<h2 id="partnerships">')[1].split("</table>")[0]
        assert table.count("<tr><td>") == 13
        assert table.count('href="/id/city/aubervilliers"') == 1
        index = urllib.request.urlopen(served.url, timeout=30).read().decode()
        assert "13 partnerships join 14 places" in index
        dataset = f"{BASE}id/dataset/jena"
        for name, query in queries.items():
            on_serve = run_remote(Endpoint(served.url + "sparql"), query, values[name])
            on_store = run_remote(Endpoint(store.query_url), query, values[name], default_graphs=(dataset,))
            assert _rows(serialize(on_serve, "json")) == local[name], name
            assert _rows(serialize(on_store, "json")) == local[name], name
            stored_answer = site / "public" / "queries" / f"{name}.json"
            if stored_answer.exists():
                assert _rows(stored_answer.read_bytes()) == local[name], name


def test_german_only_names_lose_no_row_in_queries_summaries_and_pictures(jena: City, tmp_path: Path) -> None:
    partners = jena.cli("query", "run", "partners", "-p", "city=Jena", "-f", "csv")
    assert partners.returncode == 0, partners.stderr
    rows = partners.stdout.splitlines()[1:]
    assert len(rows) == 13  # every partnership of Jena's, named in German where that is all there is
    assert any(",Lugosch,town twinning," in row for row in rows)
    timeline = jena.cli("query", "run", "timeline", "-p", "city=Jena", "-f", "csv")
    assert len(timeline.stdout.splitlines()) > 1
    german_kinds = jena.cli("--lang", "de", "query", "run", "partners", "-p", "city=Jena", "-f", "csv")
    assert ",Städtepartnerschaft," in german_kinds.stdout
    summary = jena.cli("summary")
    assert "https://" not in summary.stdout.split("Partnerships, oldest first:")[1]
    picture = tmp_path / "jena.svg"
    drawn = jena.cli("plot", "timeline", "Jena", "-o", str(picture))
    assert drawn.returncode == 0, drawn.stderr
    text = picture.read_text(encoding="utf-8")
    assert "Town twinnings of Jena" in text
    assert "San Marcos" in text
    assert "san-marcos" not in text


def _review_rows(path: Path) -> dict[str, dict[str, str]]:
    return {row["name"]: row for row in csv.DictReader(io.StringIO(path.read_text(encoding="utf-8")))}


def _fill_in(path: Path, name: str, qid: str) -> None:
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    for row in rows:
        if row["name"] == name:
            row["qid"] = qid
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def _graph(path: Path) -> Graph:
    return Graph().parse(path, format="turtle")


def test_a_country_wikidata_cannot_confirm_is_no_match_and_a_misspelling_is_only_suggested(jena: City) -> None:
    rows = _review_rows(jena.review)
    petersburg = rows["Saint Petersburg"]
    assert (petersburg["state"], petersburg["candidates"], petersburg["qid"]) == ("unconfirmed", "Q49236", "")
    assert (
        "unconfirmed place 'Saint Petersburg': Wikidata cannot confirm that Q49236 lies in 'Russland'" in jena.imported
    )
    assert rows["Erlangen"]["state"] == "unconfirmed"
    berkely = rows["Berkely"]
    assert (berkely["state"], berkely["qid"]) == ("unmatched", "")
    assert berkely["suggestions"] == "Q484678 (Berkeley, a place of the project's)"
    data = _graph(jena.root / "data" / "partnerstaedte-partners.ttl")
    assert data.value(URIRef(BASE + "id/city/saint-petersburg"), URIRef(TW + "wikidataEntity")) is None
    # A place matched by its alias keeps the project's name; the list's spelling is another name of it.
    lugosch = URIRef(BASE + "id/city/lugosch")
    assert (lugosch, SKOS.altLabel, Literal("Lugoj", lang="de")) in data
    assert (URIRef(BASE + "id/partnership/jena--lugosch"), RDFS.label, Literal("Jena – Lugosch", lang="de")) in data
    # The list's "USA" is the project's country for Q30, not a country of its own.
    assert (
        URIRef(BASE + "id/city/berkely"),
        URIRef(TW + "country"),
        URIRef(BASE + "id/country/vereinigte-staaten"),
    ) in data
    assert not list(data.triples((URIRef(BASE + "id/country/usa"), None, None)))


def test_the_review_loop_forgets_nothing_and_publishes_no_misspelling(wikidata: OxigraphServer, tmp_path: Path) -> None:
    city = make_city(tmp_path, wikidata)
    before = _review_rows(city.review)
    _fill_in(city.review, "Berkely", "Q484678")  # a person answers one row
    # … and keeps a note of their own in a column twingraph does not know: it stays.
    text = city.review.read_text(encoding="utf-8").splitlines()
    text = [
        text[0] + ",checked by",
        *(line + (",Anna" if line.startswith("place,Berkely") else ",") for line in text[1:]),
    ]
    city.review.write_text("\r\n".join(text) + "\r\n", encoding="utf-8")
    second = city.import_list()
    assert "1 chosen in the review" in second.stdout, second.stdout
    after = _review_rows(city.review)
    assert after["Berkely"]["checked by"] == "Anna"
    for row in (*before.values(), *after.values()):
        row.pop("checked by", None)
    assert after["Berkely"]["state"] == "reviewed"
    assert after["Berkely"]["qid"] == "Q484678"
    assert {n: r for n, r in after.items() if n != "Berkely"} == {n: r for n, r in before.items() if n != "Berkely"}
    data = city.root / "data" / "partnerstaedte-partners.ttl"
    written = data.read_bytes()
    # Without Wikidata at all, every earlier answer still stands: the table is the import's memory.
    offline = city.cli(
        "import", "csv", str(JENA_FIXTURES / "partnerstaedte.csv"), "--source", LIST_URL, "--city", JENA,
        "--lang", "de", "--review", str(city.review), "--no-reconcile",
    )  # fmt: skip
    assert offline.stdout.split("\n")[1] == second.stdout.split("\n")[1]  # Wikidata: 14 matched, …
    again = _review_rows(city.review)
    assert again["Berkely"]["checked by"] == "Anna"
    for row in again.values():
        row.pop("checked by")
    assert again == after
    assert data.read_bytes() == written
    # A person confirms Erlangen, which Wikidata places in no country: the list's country then
    # reaches the place the project had without one, sourced to the list's row.
    _fill_in(city.review, "Erlangen", "Q3126")
    fourth = city.cli(
        "import", "csv", str(JENA_FIXTURES / "partnerstaedte.csv"), "--source", LIST_URL, "--city", JENA,
        "--lang", "de", "--review", str(city.review), "--no-reconcile",
    )  # fmt: skip
    assert "2 chosen in the review" in fourth.stdout, fourth.stdout
    erlangen = URIRef(BASE + "id/city/erlangen")
    data_graph = _graph(data)
    assert (erlangen, URIRef(TW + "country"), URIRef(BASE + "id/country/germany")) in data_graph
    assert (erlangen, DCTERMS.source, URIRef(BASE + "id/source/https-www-jena-de-partnerstaedte-line-4")) in data_graph
    built = city.cli("build", "--out", str(tmp_path / "dist"))
    assert built.returncode == 0, built.stderr
    published = _graph(tmp_path / "dist" / "jena.ttl")
    labels = {str(label) for label in published.objects(None, RDFS.label)}
    assert not {label for label in labels if "Berkely" in label or "Lugoj" in label}
    berkeley = URIRef(BASE + "id/city/berkeley")
    assert (berkeley, SKOS.altLabel, Literal("Berkely", lang="de")) in published
    assert (berkeley, URIRef(TW + "wikidataEntity"), URIRef("http://www.wikidata.org/entity/Q484678")) in published


def test_statements_are_read_both_ways_and_a_dateless_suspension_is_a_status(jena: City) -> None:
    made = _graph(jena.root / "data" / "jena.ttl")
    notes = {str(note) for note in made.objects(None, SKOS.note)}
    # Each partner states P190 back but Ajaccio, whose statement Jena does not return.
    assert notes == {"Stated on Wikidata (P190) by Ajaccio only."}
    diff = jena.cli("wikidata", "diff", "--endpoint", jena.wikidata.query_url, "--no-cache")
    assert "Ajaccio lists Jena; Jena does not list Ajaccio" in diff.stdout, diff.stdout
    suspended = jena.cli("query", "run", "suspended", "-f", "csv")
    assert suspended.stdout.splitlines()[1:] == [
        f"{BASE}id/partnership/jena--trier,Jena – Trier,,{BASE}id/source/https-www-jena-de-partnerstaedte-line-9"
    ]
    assert "status: 'ausgesetzt' has no date (status_since): recorded with its date unknown" in jena.imported
    assert "suspended since an unknown date" in diff.stdout
    by_country = jena.cli("query", "run", "status-by-country", "-f", "csv")
    assert "Germany,suspended,1" in by_country.stdout.splitlines()


def test_a_wrong_wikidata_partner_is_retracted_for_good(wikidata: OxigraphServer, tmp_path: Path) -> None:
    city = make_city(tmp_path, wikidata)
    corrections = city.root / "data" / "corrections.ttl"
    unknown = city.cli("retract", "jena--nope", "--reason", "no such", "--source", LIST_URL)
    assert unknown.returncode == 2
    assert "there is no partnership 'jena--nope' in the data" in unknown.stderr
    assert not corrections.exists()
    city_list = city.root / "data" / "partnerstaedte-partners.ttl"
    lacking = city.cli("report", "coverage", "--against", str(city_list), "-f", "csv")
    assert f"{BASE}id/partnership/jena--porto,Jena – Porto,jena.ttl" in lacking.stdout.splitlines()
    reason = "Jenas Partnerstadt ist Porto Alegre, nicht Porto."
    done = city.cli("retract", "jena--porto", "--reason", reason, "--source", LIST_URL)
    assert done.returncode == 0, done.stderr
    assert "Retracted 1 partnership(s)" in done.stdout
    wikidata_file = city.root / "data" / "jena.ttl"
    assert "jena--porto" in wikidata_file.read_text(encoding="utf-8")  # the import's file is never changed
    partners = city.cli("query", "run", "partners", "-p", "city=Jena", "-f", "csv")
    assert ",Porto," not in partners.stdout
    # Without --out, dist/ goes beside the project, whatever the current folder.
    built = run_cli("--root", str(city.root), "build", cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    assert built.stdout.startswith("Built jena/dist: 12 partnerships")
    published = _graph(city.root / "dist" / "jena.ttl")
    porto = URIRef(BASE + "id/partnership/jena--porto")
    assert not list(published.triples((porto, None, None)))
    assert (URIRef(BASE + "id/city/jena"), URIRef(TW + "twinnedWith"), URIRef(BASE + "id/city/porto")) not in published
    claim = URIRef(BASE + "id/claim/jena--porto-retracted")
    assert (claim, URIRef(TW + "rankReason"), Literal(reason)) in published
    assert (claim, URIRef(TW + "rank"), URIRef(TW + "DeprecatedRank")) in published
    statements = city.cli("wikidata", "quickstatements", "--endpoint", wikidata.query_url, "--no-cache")
    assert "-Q3150\tP190\tQ36433" in statements.stdout.splitlines()
    again = city.cli("retract", "jena--porto", "--reason", reason, "--source", LIST_URL)
    assert "is retracted already" in again.stdout


def test_datenlizenz_deutschland_is_accepted_and_an_unknown_licence_refused(
    wikidata: OxigraphServer, tmp_path: Path
) -> None:
    unknown = run_cli(
        "init", str(tmp_path / "nope"), "--wikidata", JENA, "--licence", "https://example.org/my-licence",
        "--endpoint", wikidata.query_url, "--no-cache",
    )  # fmt: skip
    assert unknown.returncode == 2
    assert "is not a licence twingraph knows" in unknown.stderr
    assert "`twingraph licences` lists them" in unknown.stderr
    assert not (tmp_path / "nope").exists()
    made = run_cli(
        "init", str(tmp_path / "jena"), "--wikidata", JENA, "--licence", "DL_DE_BY_2_0",
        "--endpoint", wikidata.query_url, "--no-cache",
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    built = run_cli("--root", str(tmp_path / "jena"), "build", "--out", str(tmp_path / "dist"))
    assert built.returncode == 0, built.stderr
    catalogue = _graph(tmp_path / "dist" / "catalog.ttl")
    licence = URIRef("http://publications.europa.eu/resource/authority/licence/DL_DE_BY_2_0")
    assert (
        licence,
        SKOS.prefLabel,
        Literal("Data licence Germany – attribution – version 2.0", lang="en"),
    ) in catalogue
    german = _graph(tmp_path / "dist" / "catalog-de.ttl")
    assert (None, DCTERMS.license, URIRef("http://dcat-ap.de/def/licenses/dl-by-de/2.0")) in german
    settings = tmp_path / "jena" / "twingraph.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("DL_DE_BY_2_0", "DL_DE_BY_9"), encoding="utf-8")
    refused = run_cli("--root", str(tmp_path / "jena"), "build", "--out", str(tmp_path / "dist"))
    assert refused.returncode == 2
    assert (
        "[publish] licence: 'http://publications.europa.eu/resource/authority/licence/DL_DE_BY_9' is not"
        in refused.stderr
    )


def test_the_ckan_register_twingraph_ships_is_its_licence_table() -> None:
    from tests.conftest import REPO
    from twingraph.licences import LICENCES

    register = json.loads((REPO / "docs" / "ckan" / "licenses.json").read_text(encoding="utf-8"))
    assert {entry["url"]: entry["title"] for entry in register} == {i: lic.title_en for i, lic in LICENCES.items()}
    assert {e["id"] for e in register} >= {lic.ckan_id for lic in LICENCES.values() if lic.ckan_id}


def test_the_files_a_city_gets_speak_its_own_iris_and_languages(jena: City) -> None:
    made = (jena.root / "data" / "jena.ttl").read_text(encoding="utf-8")
    assert f"@prefix city: <{BASE}id/city/> ." in made  # the project's prefixes, not twingraph's
    assert "w3id.org/twingraph/id/" not in made
    assert "country:rumaenien" in made  # German names transliterate the German way
    settings = (jena.root / "twingraph.toml").read_text(encoding="utf-8")
    assert 'spatial = "http://www.wikidata.org/entity/Q3150"' in settings
    listed = _graph(jena.root / "data" / "partnerstaedte-partners.ttl")
    texts = [o for o in listed.objects() if isinstance(o, Literal)]
    assert Literal("line 2 of the list", lang="en") in texts
    assert not [t for t in texts if t.language == "de" and (" of the list" in t or " in the list:" in t)]


def test_the_local_wikidata_script_stands_alone_without_pytest(tmp_path: Path) -> None:
    import subprocess
    import sys

    from tests.conftest import REPO

    out = tmp_path / "crawl.nt"
    script = REPO / "benchmarks" / "local_wikidata.py"
    code = (
        "import runpy, sys; sys.modules['pytest'] = None; "
        f"sys.argv = ['local_wikidata.py', {str(out)!r}]; runpy.run_path({str(script)!r}, run_name='__main__')"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=PROCESS_DEADLINE, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert out.stat().st_size > 1_000_000
