"""`twingraph wikidata …` against a real Oxigraph server holding Wikidata-shaped data from the 2016 crawl."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, Graph, URIRef

from tests.conftest import FIXTURES, REPO, VENDOR, run_cli
from tests.doc_examples import Example, check_example, copy_project, example_at
from tests.servers import OxigraphServer, Reply, ScriptedEndpoint, oxigraph_server
from tests.test_core_offline import audited
from tests.wikidata_fixture import wikidata_ntriples
from twingraph.sparql.remote import Endpoint
from twingraph.wikidata.client import Cache, WikidataClient, WikiDate

TW = "https://w3id.org/twingraph/ontology#"


def _serve(tmp: Path, body: bytes) -> Iterator[OxigraphServer]:
    with oxigraph_server(tmp) as server:
        request = urllib.request.Request(
            server.store_url + "?default", data=body, method="PUT", headers={"Content-Type": "application/n-triples"}
        )
        urllib.request.urlopen(request, timeout=60).read()
        yield server


@pytest.fixture(scope="module")
def wikidata(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    yield from _serve(tmp_path_factory.mktemp("wikidata"), wikidata_ntriples())


@pytest.fixture(scope="module")
def wikidata_without_florence(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    body = wikidata_ntriples(remove=frozenset({("Q2865", "Q2044"), ("Q2044", "Q2865")}))
    yield from _serve(tmp_path_factory.mktemp("wikidata2"), body)


def wd(server: OxigraphServer, *args: str, cache: Path | None = None, cwd: Path | None = None):
    options = ["--endpoint", server.query_url] + (["--cache-dir", str(cache)] if cache else ["--no-cache"])
    return run_cli("wikidata", *args, *options, cwd=cwd)


def test_diff_reports_every_kind_of_difference(wikidata: OxigraphServer) -> None:
    shown = wd(wikidata, "diff", "Kassel")
    assert shown.returncode == 1, shown.stderr
    lines = shown.stdout.splitlines()
    assert lines[0] == "Kassel (Q2865): 4 differences with Wikidata"
    text = shown.stdout
    assert re.search(r"Partnerships only Wikidata has:\n\s+Montana\s+Q220121", text)
    assert re.search(r"Start dates that disagree:\n\s+Rovaniemi\s+Q103717\s+ours: 1972 \| Wikidata: 1971", text)
    assert re.search(r"Ended on one side only:\n\s+Yaroslavl\s+Q2423", text)
    assert "Arnstadt lists Kassel" not in text
    assert "Kassel lists Arnstadt; Arnstadt does not list Kassel" in text
    # In 2016 Wikidata already had all nine of Kassel's partners: none is ours alone.
    assert "Partnerships only we have" not in text


def test_diff_agrees_at_the_coarser_precision(wikidata: OxigraphServer) -> None:
    # We know Västerås to the day (1972-08-14), Wikidata to the year (1972): no difference.
    shown = wd(wikidata, "diff", "Kassel", "-f", "json")
    partners = {d["partner_qid"] for d in json.loads(shown.stdout)}
    assert "Q34550" not in partners
    assert WikiDate("1972-08-14", 11).at(9) == WikiDate("1972", 9).at(9)


def test_diff_as_csv_and_the_only_ours_case(wikidata_without_florence: OxigraphServer) -> None:
    shown = wd(wikidata_without_florence, "diff", "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(shown.stdout)))
    assert {"kind": "only-ours", "partner_qid": "Q2044"}.items() <= next(
        r for r in rows if r["partner_qid"] == "Q2044"
    ).items()


def test_quickstatements_add_what_wikidata_lacks_both_ways(wikidata_without_florence: OxigraphServer) -> None:
    shown = wd(wikidata_without_florence, "quickstatements")
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert len(lines) == 3
    pattern = re.compile(
        r'^Q\d+\tP190\tQ\d+(\tP58[02]\t\+\d{4}-\d\d-\d\dT00:00:00Z/(8|9|10|11))*\tS854\t"https?://[^"\s]+"$'
    )
    assert all(pattern.match(line) for line in lines), lines
    assert lines[0].startswith('Q2865\tP190\tQ2044\tP580\t+1952-00-00T00:00:00Z/9\tS854\t"http')
    assert lines[1].startswith("Q2044\tP190\tQ2865\t")
    # Arnstadt's statement back to Kassel is missing on Wikidata: only that direction is added.
    assert lines[2].startswith('Q490665\tP190\tQ2865\tP580\t+1989-00-00T00:00:00Z/9\tS854\t"http')
    assert "3 statement(s) to review." in shown.stderr


def test_import_writes_a_data_file_that_validates(wikidata: OxigraphServer, tmp_path: Path) -> None:
    out = tmp_path / "kassel-from-wikidata.ttl"
    shown = wd(wikidata, "import", "Q2865", "-o", str(out))
    assert shown.returncode == 0, shown.stderr
    assert "Imported 11 places and 10 partnerships from Wikidata." in shown.stderr
    graph = Graph().parse(out)
    kassel = URIRef("https://w3id.org/twingraph/id/city/kassel")
    assert str(graph.value(kassel, URIRef("https://schema.org/latitude"))) == "51.3158"
    figure = graph.value(kassel, URIRef(TW + "hasFigure"))
    assert int(graph.value(figure, URIRef("https://schema.org/value"))) == 201048
    yaroslavl = URIRef("https://w3id.org/twingraph/id/partnership/kassel--yaroslavl")
    assert str(graph.value(yaroslavl, URIRef(TW + "startDate"))) == "1988-01-25"
    assert graph.value(yaroslavl, URIRef(TW + "startPrecision")) == URIRef(TW + "DayPrecision")
    assert str(graph.value(yaroslavl, URIRef(TW + "endDate"))) == "2022"
    urls = {str(u) for u in graph.objects(None, URIRef("https://schema.org/url"))}
    assert "https://www.wikidata.org/" in urls
    assert any("kassel.de" in u for u in urls)
    validated = run_cli("validate", str(out))
    assert validated.returncode == 0, validated.stdout


def test_import_with_depth_2_conforms_with_names_in_any_language_and_unknown_countries(
    wikidata: OxigraphServer, tmp_path: Path
) -> None:
    """The crawl has no English label and no country for most items: places named in another
    language validate, and an unknown country is a warning, not a violation (the model's
    decisions of the any-city issue)."""
    out = tmp_path / "depth2.ttl"
    shown = wd(wikidata, "import", "Q2865", "--depth", "2", "-o", str(out))
    assert shown.returncode == 0, shown.stderr
    places = int(re.search(r"Imported (\d+) places", shown.stderr).group(1))  # type: ignore[union-attr]
    assert places > 100
    graph = Graph().parse(out)
    assert len(graph) > 1000
    label = URIRef("http://www.w3.org/2000/01/rdf-schema#label")
    municipality = URIRef("https://w3id.org/twingraph/ontology#Municipality")
    named_otherwise = [
        place for place in graph.subjects(RDF.type, municipality)
        if not any(getattr(name, "language", None) == "en" for name in graph.objects(place, label))
    ]  # fmt: skip
    assert named_otherwise
    checked = run_cli("validate", str(out))
    assert checked.returncode == 0
    assert "country is not known yet" in checked.stdout


def test_link_proposes_the_right_items_for_wikipedia_spellings(wikidata: OxigraphServer, tmp_path: Path) -> None:
    with open(VENDOR / "datasets" / "wikipedia-twin-towns" / "twin_cities_raw.csv", encoding="utf-8") as stream:
        rows = [r for r in csv.DictReader(stream) if "Kassel" in (r["city1"], r["city2"])]
    names = sorted(
        {r["city2"] if r["city1"] == "Kassel" else r["city1"] for r in rows}
        & {"Berlin – Mitte", "Mitte (Berlin)", "Kocaeli"}
    )
    assert names == ["Berlin – Mitte", "Kocaeli", "Mitte (Berlin)"]
    data = tmp_path / "unlinked.ttl"
    shutil.copy(Path(__file__).parent / "fixtures" / "unlinked.ttl", data)
    before = data.read_bytes()
    shown = wd(
        wikidata, "link", str(data), "--review", str(tmp_path / "review.csv"), "--accept", str(tmp_path / "links.ttl")
    )
    assert shown.returncode == 0, shown.stderr
    links = Graph().parse(tmp_path / "links.ttl")
    found = {
        str(s).rsplit("/", 1)[1]: str(o).rsplit("/", 1)[1]
        for s, o in links.subject_objects(URIRef(TW + "wikidataEntity"))
    }
    assert found == {"berlin-mitte": "Q163966", "mitte-berlin": "Q163966", "kocaeli": "Q129649"}
    with open(tmp_path / "review.csv", encoding="utf-8") as stream:
        review = list(csv.DictReader(stream))
    mitte = [r for r in review if r["name"] == "Mitte (Berlin)"]
    assert mitte[0]["verdict"] == "accept"
    assert "twinned with Q2865" in mitte[0]["evidence"]
    assert any(r["wikidata"].endswith("Q2013767") for r in mitte)  # the other Mitte, ranked lower
    assert data.read_bytes() == before  # nothing is written into the data


def test_the_cache_makes_a_rerun_ask_nothing(wikidata: OxigraphServer, tmp_path: Path) -> None:
    first = WikidataClient(Endpoint(wikidata.query_url), Cache(tmp_path / "cache"))
    statements = first.statements(["Q2865"])
    assert first.requests == 1
    assert len(statements) == 10
    again = WikidataClient(Endpoint(wikidata.query_url), Cache(tmp_path / "cache"))
    assert again.statements(["Q2865"]) == statements
    assert again.requests == 0
    stale = WikidataClient(Endpoint(wikidata.query_url), Cache(tmp_path / "cache", max_age=0))
    stale.statements(["Q2865"])
    assert stale.requests == 1


def test_batches_hold_many_items_per_query(wikidata: OxigraphServer) -> None:
    client = WikidataClient(Endpoint(wikidata.query_url), Cache(None))
    qids = [
        line.split("\t")[0]
        for line in (VENDOR / "datasets" / "wikidata-p190-2016" / "names.tsv").read_text().splitlines()[:450]
    ]
    client.statements(qids)
    assert client.requests == 3  # 450 items in batches of 200


@pytest.mark.parametrize(
    ("replies", "message"),
    [
        ([Reply(503, b"", {"Retry-After": "1"})] * 5, "busy (HTTP 503)"),
        ([Reply(500, b"query timeout")], "failed (HTTP 500): query timeout"),
        (
            [
                Reply(
                    200,
                    b'{"head": {"vars": ["item"]}, "results": {"bindings": [',
                    {"Content-Type": "application/sparql-results+json"},
                )
            ],
            "cut short or invalid",
        ),
    ],
)
def test_endpoint_failures_are_one_clear_line(tmp_path: Path, replies: list[Reply], message: str) -> None:
    with ScriptedEndpoint(replies) as server:
        shown = run_cli("wikidata", "diff", "Kassel", "--endpoint", server.url, "--no-cache", "--timeout", "5")
    assert shown.returncode == 2
    assert message in shown.stderr
    assert server.url in shown.stderr
    assert len(shown.stderr.splitlines()) == 1


def test_a_429_is_retried_after_the_wait_asked_for() -> None:
    body = b'{"head": {"vars": ["item", "partner", "rank"]}, "results": {"bindings": []}}'
    replies = [
        Reply(429, b"", {"Retry-After": "1"}),
        Reply(200, body, {"Content-Type": "application/sparql-results+json"}),
    ]
    with ScriptedEndpoint(replies) as server:
        client = WikidataClient(Endpoint(server.url), Cache(None))
        assert client.statements(["Q2865"]) == []
    assert len(server.seen) == 2
    assert "twingraph/" in server.seen[0].headers["User-Agent"]
    assert "w3id.org/twingraph" in server.seen[0].headers["User-Agent"]


@pytest.mark.parametrize(
    "args",
    [
        ("summary",),
        ("query", "run", "partners"),
        ("sparql", "ASK { ?s ?p ?o }"),
        ("export", "-f", "jsonld"),
        ("catalog",),
        ("query", "list"),
    ],
)
def test_no_other_command_opens_a_socket(tmp_path: Path, args: tuple[str, ...]) -> None:
    result, stderr = audited(tmp_path, *args)
    assert result["code"] == 0, stderr
    assert result["events"] == []


def test_build_opens_no_socket(tmp_path: Path) -> None:
    result, stderr = audited(tmp_path, "build", "--out", str(tmp_path / "dist"))
    assert result["code"] == 0, stderr
    assert result["events"] == []


def test_init_makes_a_project_that_validates_builds_and_serves(wikidata: OxigraphServer, tmp_path: Path) -> None:
    folder = tmp_path / "kassel-project"
    made = run_cli("init", str(folder), "--wikidata", "Q2865", "--endpoint", wikidata.query_url, "--no-cache")
    assert made.returncode == 0, made.stderr
    assert made.stdout.startswith(f"Made {folder}: Town twinnings of Kassel, ")
    assert "Check in " in made.stdout
    assert "base_iri, publisher_name, licence, base_url" in made.stdout
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")) == [
        ".github", ".github/workflows", ".github/workflows/twingraph.yml", ".gitignore", ".gitlab-ci.yml",
        "README.md", "data", "data/kassel.ttl", "twingraph.toml",
    ]  # fmt: skip
    settings = (folder / "twingraph.toml").read_text(encoding="utf-8")
    assert 'base_iri = "https://example.org/kassel/"' in settings
    assert "w3id.org/twingraph" not in settings
    assert settings.count("# CHECK:") == 4
    assert run_cli("--root", str(folder), "validate").returncode == 0
    built = run_cli("--root", str(folder), "build", "--out", str(tmp_path / "dist"))
    assert built.returncode == 0, built.stderr
    warnings = [line for line in built.stderr.splitlines() if line.startswith("Warning:")]
    assert len(warnings) == 2
    assert "base_iri is a placeholder" in warnings[0]
    assert "publisher_name" in warnings[1]
    page = run_cli("--root", str(folder), "serve", "--get", "/id/city/kassel")
    assert page.returncode == 0
    assert "<h1>Kassel</h1>" in page.stdout
    assert (
        "https://example.org/kassel/id/city/florence"
        in run_cli(
            "--root", str(folder), "serve", "--get", "/id/city/kassel", "--accept", "application/n-triples"
        ).stdout
    )


def test_init_then_the_city_list_wins_over_wikidata_in_the_build(wikidata: OxigraphServer, tmp_path: Path) -> None:
    """The three commands of the README: the city's list says 1951 where Wikidata says 1952."""
    folder = tmp_path / "kassel-project"
    assert (
        run_cli("init", str(folder), "--wikidata", "Q2865", "--endpoint", wikidata.query_url, "--no-cache").returncode
        == 0
    )
    # Data only from Wikidata: the catalogue states Wikidata's CC0, a public-domain licence.
    catalogue = run_cli("--root", str(folder), "catalog").stdout
    assert "<http://publications.europa.eu/resource/authority/licence/CC0>" in catalogue
    assert "<http://purl.org/adms/licencetype/PublicDomain>" in catalogue
    assert "CC_BY_4_0" not in catalogue
    listing = tmp_path / "partnerstaedte.csv"
    listing.write_text("Partnerstadt,Wikidata,seit\nFlorenz,Q2044,1951\n", encoding="utf-8")
    imported = run_cli(
        "--root", str(folder), "import", "csv", str(listing), "--city", "Q2865", "--source", "https://www.kassel.de/p",
        "--endpoint", wikidata.query_url, "--no-cache",
    )  # fmt: skip
    said = imported.stdout
    assert "florence--kassel: startDate 1951 (partnerstaedte-partners.ttl) is preferred over 1952 (kassel.ttl)" in said
    # The list names no kind: Wikidata's town twinning stays, the list's "unspecified" a claim beside it.
    assert "florence--kassel: kind tw:TownTwinning (kassel.ttl) is preferred over tw:UnspecifiedKind" in said
    assert "It conforms to the shapes" in imported.stdout, imported.stdout
    built = run_cli("--root", str(folder), "build", "--out", str(tmp_path / "dist"))
    assert built.returncode == 0, built.stderr
    # The city's list is not under CC0: the catalogue keeps the project's licence (a placeholder here).
    catalogue = (tmp_path / "dist" / "catalog.ttl").read_text(encoding="utf-8")
    assert "licence/CC_BY_4_0" in catalogue
    assert "licence/CC0" not in catalogue
    graph = Graph().parse(tmp_path / "dist" / "kassel.ttl")
    florence = URIRef("https://example.org/kassel/id/partnership/florence--kassel")
    assert [str(v) for v in graph.objects(florence, URIRef(TW + "startDate"))] == ["1951"]
    assert list(graph.objects(florence, URIRef(TW + "kind"))) == [URIRef(TW + "TownTwinning")]
    ranks = {
        (
            str(graph.value(c, URIRef(TW + "claimValue"))).rsplit("#")[-1],
            str(graph.value(c, URIRef(TW + "rank"))).rsplit("#")[-1],
        )
        for c in graph.objects(florence, URIRef(TW + "claim"))
    }
    assert ranks == {
        ("1951", "PreferredRank"), ("1952", "NormalRank"),
        ("TownTwinning", "PreferredRank"), ("UnspecifiedKind", "NormalRank"),
    }  # fmt: skip


def test_init_writes_the_settings_it_is_given(wikidata: OxigraphServer, tmp_path: Path) -> None:
    folder = tmp_path / "new"
    made = run_cli(
        "init", str(folder), "--wikidata", "Q2865", "--endpoint", wikidata.query_url, "--no-cache",
        "--base-iri", "https://data.kassel.example/twinnings/", "--publisher", "Stadt Kassel",
        "--licence", "http://publications.europa.eu/resource/authority/licence/CC0",
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    settings = (folder / "twingraph.toml").read_text(encoding="utf-8")
    assert 'base_iri = "https://data.kassel.example/twinnings/"' in settings
    assert 'publisher_name = "Stadt Kassel"' in settings
    assert settings.count("# CHECK:") == 1  # base_url only
    built = run_cli("--root", str(folder), "build", "--out", str(tmp_path / "dist"))
    assert built.returncode == 0, built.stderr
    assert "base_iri is a placeholder" not in built.stderr


def test_init_refuses_a_folder_that_is_not_empty_and_changes_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    refused = run_cli("init", str(folder), "--wikidata", "Q2865", "--endpoint", "http://127.0.0.1:9/", "--no-cache")
    assert refused.returncode == 2
    assert "is not empty" in refused.stderr
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]
    bad = run_cli("init", str(tmp_path / "x"), "--wikidata", "Q2865", "--base-iri", "ftp://example.org/")
    assert bad.returncode == 2
    assert "must be an http(s) IRI" in bad.stderr


def test_init_with_the_endpoint_down_writes_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "city"
    down = run_cli(
        "init", str(folder), "--wikidata", "Q2865", "--endpoint", "http://127.0.0.1:9/sparql", "--no-cache",
        "--timeout", "5",
    )  # fmt: skip
    assert down.returncode == 2
    assert "Traceback" not in down.stderr
    assert list(tmp_path.iterdir()) == []


def test_diff_reports_a_suspension_for_a_person_and_quickstatements_never_write_it(
    wikidata: OxigraphServer, tmp_path: Path
) -> None:
    """Wikidata has no established qualifier for a suspension: diff names it, nothing is written."""
    shutil.copytree(REPO / "data", tmp_path / "data")
    shutil.copy(REPO / "twingraph.toml", tmp_path / "twingraph.toml")
    shutil.copy(FIXTURES / "suspended.ttl", tmp_path / "data" / "suspended.ttl")
    shown = wd(wikidata, "diff", "Kassel", cwd=tmp_path)
    assert re.search(r"Suspended in our data .*:\n\s+Yaroslavl\s+Q2423\s+ours: suspended since 2022-03", shown.stdout)
    statements = wd(wikidata, "quickstatements", cwd=tmp_path)
    assert "Q2423\tP190" not in statements.stdout
    assert "suspend" not in statements.stdout.lower()


def test_quickstatements_give_an_end_with_its_cause_at_normal_rank(
    wikidata_without_florence: OxigraphServer, tmp_path: Path
) -> None:
    """P582 with P1534 where our data names the event that ended it (a made-up end, for the test)."""
    shutil.copytree(REPO / "data", tmp_path / "data")
    shutil.copy(REPO / "twingraph.toml", tmp_path / "twingraph.toml")
    (tmp_path / "data" / "ended.ttl").write_text(
        "@prefix tw: <https://w3id.org/twingraph/ontology#> .\n@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        '<https://w3id.org/twingraph/id/partnership/florence--kassel> tw:endDate "2020"^^xsd:gYear ;\n'
        "    tw:endPrecision tw:YearPrecision ; tw:endCause <https://w3id.org/twingraph/id/event/cold-war> .\n"
        "<https://w3id.org/twingraph/id/event/cold-war> tw:wikidataEntity <http://www.wikidata.org/entity/Q8683> .\n",
        encoding="utf-8",
    )
    assert run_cli("validate", cwd=tmp_path).returncode == 0
    shown = wd(wikidata_without_florence, "quickstatements", cwd=tmp_path)
    lines = [line for line in shown.stdout.splitlines() if "\tQ2044\t" in line or line.startswith("Q2044")]
    assert lines
    assert all("\tP582\t+2020-00-00T00:00:00Z/9\tP1534\tQ8683\t" in line for line in lines), lines


def test_reciprocity_of_p190_overall_per_country_and_one_way(wikidata: OxigraphServer) -> None:
    shown = run_cli("report", "reciprocity", "-f", "json", "--endpoint", wikidata.query_url, "--no-cache")
    assert shown.returncode == 0, shown.stderr
    found = json.loads(shown.stdout)
    # Read in ordered pages of 10,000: every truthy P190 statement of the fixture is counted.
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?a <http://www.wikidata.org/prop/direct/P190> ?b FILTER (?a != ?b) }"
    url = wikidata.query_url + "?" + urllib.parse.urlencode({"query": count})
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": "text/csv"}), timeout=30) as response:
        statements = int(response.read().decode().split()[-1])
    assert statements > 30_000
    assert 2 * found["both_ways"] + len(found["one_way"]) == statements
    assert found["share"] == pytest.approx(found["both_ways"] / found["pairs"], abs=1e-4)
    assert {"lists": "Q2865", "lists_label": "Kassel", "does_not": "Q490665", "does_not_label": "Arnstadt"} in found[
        "one_way"
    ]
    germany = next(c for c in found["by_country"] if c["qid"] == "Q183")
    assert germany["country"] == "Germany"
    assert 0 < germany["both_ways"] < germany["pairs"]
    table = run_cli("report", "reciprocity", "--endpoint", wikidata.query_url, "--no-cache").stdout
    assert re.match(r"P190 pairs: [\d,]+; stated both ways: [\d,]+ \(\d+\.\d %\)\.\n", table)
    assert "Kassel (Q2865) lists Arnstadt (Q490665); Arnstadt does not list Kassel" in table


def test_reciprocity_gives_quickstatements_for_our_sourced_one_way_pairs(wikidata: OxigraphServer) -> None:
    shown = run_cli("report", "reciprocity", "--quickstatements", "--endpoint", wikidata.query_url, "--no-cache")
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith('Q490665\tP190\tQ2865\tP580\t+1989-00-00T00:00:00Z/9\tS854\t"http')
    assert "1 statement(s) to review." in shown.stderr


def test_a_whole_endpoint_read_asks_for_the_items_then_their_statements_in_batches() -> None:
    """No query reads every statement at once (nor sorts them into pages): one asks for the
    items, each other for at most 200 of them."""
    from twingraph.wikidata.client import WikidataClient

    class Recording(WikidataClient):
        def __init__(self) -> None:
            self.queries: list[str] = []

        def select(self, query: str) -> list[dict[str, object]]:  # type: ignore[override]
            self.queries.append(query)
            if "DISTINCT ?item" in query:
                return [{"item": URIRef(f"http://www.wikidata.org/entity/Q{n}")} for n in range(1, 451)]
            return []

    client = Recording()
    assert client.all_statements() == []
    first, *batches = client.queries
    assert first == "SELECT DISTINCT ?item WHERE { ?item p:P190 ?value }"
    assert [q.count("wd:Q") for q in batches] == [200, 200, 50]
    assert not any("OFFSET" in q or "ORDER BY" in q for q in client.queries)


def world_graph(path: Path) -> Graph:
    """The world's import through rdflib's API, held by Oxigraph: rdflib parses its 240,000
    triples in 6 s, Oxigraph in half a second."""
    import pyoxigraph

    from twingraph.rdf.merged_graph import merged_graph

    store = pyoxigraph.Store()
    store.bulk_load(path=str(path), format=pyoxigraph.RdfFormat.TURTLE)
    return merged_graph(store)


def test_import_all_reads_every_p190_statement(wikidata: OxigraphServer, tmp_path: Path) -> None:
    """The world's network from the 2016 crawl: every statement, one partnership per pair, and a
    one-directional statement marked as such; it validates although the crawl has no countries."""
    out = tmp_path / "world.ttl"
    shown = wd(wikidata, "import", "--all", "-o", str(out))
    assert shown.returncode == 0, shown.stderr
    assert "Imported 10055 places and 17401 partnerships from Wikidata." in shown.stderr
    graph = world_graph(out)
    arnstadt = URIRef("https://w3id.org/twingraph/id/partnership/arnstadt--kassel")
    notes = {str(n) for n in graph.objects(arnstadt, URIRef("http://www.w3.org/2004/02/skos/core#note"))}
    assert notes == {"Stated on Wikidata (P190) by Kassel only."}
    kassel = URIRef("https://w3id.org/twingraph/id/city/kassel")
    # Labels in the default languages only: English and German (and mul); not Kassel's Japanese one.
    assert {label.language for label in graph.objects(kassel, RDFS.label)} == {"en", "de"}
    base = "https://w3id.org/twingraph/id/"
    # Two directions with different years: both kept as claims, each sourced to the item stating it.
    pair = URIRef(base + "partnership/herford--voiron")
    assert [str(v) for v in graph.objects(pair, URIRef(TW + "startDate"))] == ["1966"]
    claims = {
        (str(graph.value(c, URIRef(TW + "claimValue"))), str(graph.value(c, URIRef(TW + "rank"))).rsplit("#")[-1],
         str(graph.value(graph.value(c, URIRef("http://purl.org/dc/terms/source")), URIRef("https://schema.org/url"))))
        for c in graph.objects(pair, URIRef(TW + "claim"))
    }  # fmt: skip
    assert claims == {
        ("1966", "PreferredRank", "https://www.wikidata.org/wiki/Q238205"),
        ("1967", "NormalRank", "https://www.wikidata.org/wiki/Q3971"),
    }
    # A deprecated statement: a deprecated claim of the place stating it, not a partnership.
    (deprecated,) = graph.objects(URIRef(base + "city/voiron"), URIRef(TW + "claim"))
    assert graph.value(deprecated, URIRef(TW + "rank")) == URIRef(TW + "DeprecatedRank")
    assert graph.value(deprecated, URIRef(TW + "claimValue")) == URIRef("http://www.wikidata.org/entity/Q42")
    assert "1 deprecated statement kept as a deprecated claim" in shown.stderr
    # The world's data is Wikidata's: its catalogue states CC0.
    project = tmp_path / "world"
    (project / "data").mkdir(parents=True)
    (project / "twingraph.toml").write_text('[project]\nname = "world"\n', encoding="utf-8")
    out.rename(project / "data" / "world.ttl")
    catalogue = run_cli("--root", str(project), "catalog")
    assert catalogue.returncode == 0, catalogue.stderr
    assert "<http://publications.europa.eu/resource/authority/licence/CC0>" in catalogue.stdout


def test_import_all_reads_labels_only_in_the_languages_asked_for(wikidata: OxigraphServer, tmp_path: Path) -> None:
    """Kassel has a Japanese label too: asked for Japanese, it comes, then English and mul; the
    default (English and German) leaves it out (test_import_all_reads_every_p190_statement)."""
    out = tmp_path / "world.ttl"
    done = run_cli("--lang", "ja", "wikidata", "import", "--all", "-o", str(out), "--endpoint", wikidata.query_url,
                   "--no-cache")  # fmt: skip
    assert done.returncode == 0, done.stderr
    kassel = URIRef("https://w3id.org/twingraph/id/city/kassel")
    assert {label.language for label in world_graph(out).objects(kassel, RDFS.label)} == {"ja", "en"}
    refused = run_cli("--lang", "x y", "wikidata", "import", "--all", "--endpoint", wikidata.query_url)
    assert refused.returncode == 2


def test_import_takes_a_qid_or_all_but_not_both(wikidata: OxigraphServer) -> None:
    for args in ([], ["Q2865", "--all"]):
        refused = wd(wikidata, "import", *args)
        assert refused.returncode == 2
        assert "either a city's QID or --all" in refused.stderr


@pytest.mark.parametrize(
    ("page", "start"),
    [
        ("docs/how-to/wikidata.md", "twingraph wikidata diff"),
        ("docs/how-to/wikidata.md", "twingraph wikidata link"),
        ("docs/how-to/wikidata.md", "twingraph wikidata import"),
        ("docs/tutorials/your-own-city.md", "twingraph init kassel"),
    ],
)
def test_the_docs_wikidata_examples_give_what_they_show(
    wikidata: OxigraphServer, tmp_path: Path, page: str, start: str
) -> None:
    """The pages' Wikidata examples, against this module's Wikidata-shaped store (the pages say
    their output comes from it): its address in place of the page's (or of query.wikidata.org)."""
    _check_wikidata_example(example_at(page, start), wikidata, copy_project(tmp_path))


def test_the_docs_quickstatements_example_gives_what_it_shows(
    wikidata_without_florence: OxigraphServer, tmp_path: Path
) -> None:
    """With Florence removed from the store, as the page says."""
    example = example_at("docs/how-to/wikidata.md", "twingraph wikidata quickstatements")
    _check_wikidata_example(example, wikidata_without_florence, copy_project(tmp_path))


def _check_wikidata_example(example: Example, server: OxigraphServer, project: Path) -> None:
    (project / "tests" / "fixtures").mkdir(parents=True)
    shutil.copy(FIXTURES / "unlinked.ttl", project / "tests" / "fixtures" / "unlinked.ttl")
    shown = "--endpoint http://127.0.0.1:7878/query"
    command = example.command.replace(shown, "") + f" --endpoint {server.query_url} --no-cache"
    check_example(example, project, command=command)
