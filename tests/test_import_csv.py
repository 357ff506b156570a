"""`twingraph import csv` on lists in the shapes cities publish, matched against a real Oxigraph
server holding Wikidata-shaped data (tests/fixtures/lists/wikidata.ttl)."""

from __future__ import annotations

import csv
import io
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from tests.conftest import FIXTURES, run_cli
from tests.servers import OxigraphServer, oxigraph_server

LISTS = FIXTURES / "lists"
TW = "https://w3id.org/twingraph/ontology#"
BASE = "https://example.org/test/"
XSD_GYEAR = URIRef("http://www.w3.org/2001/XMLSchema#gYear")
DCT_SOURCE = URIRef("http://purl.org/dc/terms/source")


@pytest.fixture(scope="module")
def wikidata(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    with oxigraph_server(tmp_path_factory.mktemp("lists-wikidata")) as server:
        request = urllib.request.Request(
            server.store_url + "?default", data=(LISTS / "wikidata.ttl").read_bytes(),
            headers={"Content-Type": "text/turtle"}, method="POST",
        )  # fmt: skip
        urllib.request.urlopen(request, timeout=30).close()
        yield server


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "city"
    (root / "data").mkdir(parents=True)
    (root / "twingraph.toml").write_text(f'[project]\nname = "test"\nbase_iri = "{BASE}"\n', encoding="utf-8")
    return root


def run_import(server: OxigraphServer | None, root: Path, *args: str):  # type: ignore[no-untyped-def]
    endpoint = ["--endpoint", server.query_url, "--no-cache"] if server else ["--no-reconcile"]
    return run_cli("--root", str(root), "import", "csv", *args, *endpoint)


def test_an_alabama_style_list_with_its_own_columns(wikidata: OxigraphServer, project: Path) -> None:
    out = project / "data" / "montgomery.ttl"
    done = run_import(
        wikidata, project, str(LISTS / "alabama.csv"), "--source", "https://example.org/al", "-o", str(out)
    )
    assert done.returncode == 1, done.stderr  # some names are unmatched: review
    text = done.stdout
    assert text.startswith("Read 4 rows of alabama.csv (comma-separated, UTF-8); wrote 3 partnerships and 4 places")
    assert "Wikidata: 5 matched, 0 ambiguous, 0 unconfirmed, 2 unmatched;" in text
    assert "unmatched place 'Pietermaritzburg'" in text
    assert "unmatched country 'South Africa'" in text
    assert "line 4: skipped (no partner)" in text
    assert "line 3: since: the date '05/06/1972' could be day/month or month/day" in text
    graph = Graph().parse(out)
    kiel = URIRef(BASE + "id/city/kiel")
    assert (kiel, URIRef(TW + "wikidataEntity"), URIRef("http://www.wikidata.org/entity/Q1707")) in graph
    brest = URIRef(BASE + "id/city/brest")
    assert (brest, URIRef(TW + "wikidataEntity"), URIRef("http://www.wikidata.org/entity/Q12193")) in graph  # by `mul`
    friendship = URIRef(BASE + "id/partnership/brest--montgomery")
    assert (friendship, URIRef(TW + "kind"), URIRef(TW + "Friendship")) in graph
    assert (
        friendship,
        URIRef(TW + "startDate"),
        Literal("2001", datatype=URIRef("http://www.w3.org/2001/XMLSchema#gYear")),
    ) in graph
    unmatched = URIRef(BASE + "id/city/pietermaritzburg")
    assert graph.value(unmatched, URIRef(TW + "wikidataEntity")) is None
    assert "It conforms to the shapes; the names and lines above need review." in text


def test_a_german_semicolon_windows_1252_list_with_a_suspension_and_the_review_loop(
    wikidata: OxigraphServer, project: Path
) -> None:
    out = project / "data" / "kiel.ttl"
    review = project / "review.csv"
    args = [str(LISTS / "kiel.csv"), "--source", "https://www.kiel.de/partner", "--city", "Q1707", "--lang", "de",
            "-o", str(out), "--review", str(review)]  # fmt: skip
    first = run_import(wikidata, project, *args)
    assert first.returncode == 1, first.stderr
    assert "(semicolon-separated, Windows-1252)" in first.stdout
    assert (
        "ambiguous place 'Frankfurt': Q1794 city in Hesse, Germany; Q4024 town in Brandenburg, Germany" in first.stdout
    )
    rows = list(csv.DictReader(io.StringIO(review.read_text(encoding="utf-8"))))
    frankfurt = next(r for r in rows if r["name"] == "Frankfurt")
    assert frankfurt["state"] == "ambiguous"
    assert frankfurt["candidates"].startswith("Q1794 (city in Hesse")
    # A person chooses; the next run takes the choice.
    frankfurt["qid"] = "Q4024"
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    review.write_text(buffer.getvalue(), encoding="utf-8")
    second = run_import(wikidata, project, *args)
    assert second.returncode == 0, second.stdout
    assert "0 ambiguous, 0 unconfirmed, 0 unmatched" in second.stdout
    graph = Graph().parse(out)
    frankfurt_iri = URIRef(BASE + "id/city/frankfurt")
    assert (frankfurt_iri, URIRef(TW + "wikidataEntity"), URIRef("http://www.wikidata.org/entity/Q4024")) in graph
    # Published under its item's name; the list's spelling is another name of it.
    assert (
        frankfurt_iri,
        URIRef("http://www.w3.org/2000/01/rdf-schema#label"),
        Literal("Frankfurt (Oder)", lang="de"),
    ) in graph
    assert (
        frankfurt_iri,
        URIRef("http://www.w3.org/2004/02/skos/core#altLabel"),
        Literal("Frankfurt", lang="de"),
    ) in graph
    change = URIRef(BASE + "id/status/kaliningrad--kiel-2022-03-suspended")
    assert (change, URIRef(TW + "status"), URIRef(TW + "Suspended")) in graph
    notes = {
        str(o)
        for o in graph.objects(
            URIRef(BASE + "id/partnership/kaliningrad--kiel"), URIRef("http://www.w3.org/2004/02/skos/core#note")
        )
    }
    assert notes == {"Städtepartnerschaft ruht"}
    suspended = run_cli("--root", str(project), "query", "run", "suspended", "-f", "csv")
    assert "2022-03" in suspended.stdout
    assert run_cli("--root", str(project), "validate").returncode == 0


def test_a_korean_list_mapped_by_hand(wikidata: OxigraphServer, project: Path) -> None:
    out = project / "data" / "seoul.ttl"
    done = run_import(
        wikidata, project, str(LISTS / "seoul.csv"), "--source", "https://example.org/seoul", "--city", "Q8684",
        "--lang", "ko", "-o", str(out), "--map", "country=국가", "--map", "partner=도시", "--map", "kind=협정형태",
        "--map", "themes=분야", "--map", "since=체결연도",
    )  # fmt: skip
    assert "0 ambiguous, 0 unconfirmed, 0 unmatched" in done.stdout, done.stdout
    assert "line 2: the theme '문화' is none of ours: kept as a note" in done.stdout
    graph = Graph().parse(out)
    busan = URIRef(BASE + "id/city/busan")  # 부산, transliterated
    assert (busan, URIRef(TW + "wikidataEntity"), URIRef("http://www.wikidata.org/entity/Q16520")) in graph
    kiel = URIRef(BASE + "id/city/kil")  # 킬, transliterated: the list's own name
    assert (kiel, URIRef(TW + "wikidataEntity"), URIRef("http://www.wikidata.org/entity/Q1707")) in graph
    assert (URIRef(BASE + "id/partnership/kil--seoul"), URIRef(TW + "kind"), URIRef(TW + "TownTwinning")) in graph
    assert (URIRef(BASE + "id/partnership/busan--seoul"), URIRef(TW + "kind"), URIRef(TW + "Friendship")) in graph
    assert (kiel, URIRef("http://www.w3.org/2000/01/rdf-schema#label"), Literal("킬", lang="ko")) in graph
    assert done.returncode == 0  # an unknown theme is a warning, kept as a note
    # Named only in Korean, Busan keeps its name in the tables; --lang chooses among names.
    table = run_cli("--root", str(project), "export", "-f", "csv").stdout
    assert ",부산," in table
    assert ",서울," in table  # --city Q8684: Wikidata's label in the list's language
    seoul = URIRef(BASE + "id/city/seoul")
    assert (seoul, URIRef("http://www.w3.org/2000/01/rdf-schema#label"), Literal("서울", lang="ko")) in graph


def test_a_wikipedia_pair_list_with_place_and_partner_columns(wikidata: OxigraphServer, project: Path) -> None:
    out = project / "data" / "wikipedia.ttl"
    done = run_import(
        wikidata,
        project,
        str(LISTS / "wikipedia-kiel.csv"),
        "--source",
        "https://en.wikipedia.org/wiki/List",
        "-o",
        str(out),
    )
    assert done.returncode == 0, done.stdout
    assert "wrote 5 partnerships and 6 places" in done.stdout
    assert (
        "Wikidata: 12 matched, 0 ambiguous, 0 unconfirmed, 0 unmatched;" in done.stdout
    )  # 6 places, 6 countries; the ship is no place
    graph = Graph().parse(out)
    kiel = URIRef(BASE + "id/city/kiel")
    partners = set(graph.objects(kiel, URIRef(TW + "twinnedWith")))
    assert len(partners) == 5


def test_the_same_place_keeps_its_iri_in_every_import(wikidata: OxigraphServer, project: Path) -> None:
    first = run_import(wikidata, project, str(LISTS / "wikipedia-kiel.csv"), "--source", "https://example.org/w",
                       "-o", str(project / "data" / "one.ttl"))  # fmt: skip
    assert first.returncode == 0, first.stdout
    second = run_import(wikidata, project, str(LISTS / "alabama.csv"), "--source", "https://example.org/al",
                        "-o", str(project / "data" / "two.ttl"))  # fmt: skip
    graph = Graph().parse(project / "data" / "two.ttl")
    # Kiel (Q1707) and Brest (Q12193) are the IRIs the first import minted, referred to, not described again.
    assert (
        URIRef(BASE + "id/partnership/kiel--montgomery"),
        URIRef(TW + "partner"),
        URIRef(BASE + "id/city/kiel"),
    ) in graph
    assert graph.value(URIRef(BASE + "id/city/kiel"), URIRef(TW + "wikidataEntity")) is None
    assert second.returncode == 1  # Pietermaritzburg and South Africa
    assert run_cli("--root", str(project), "validate").returncode == 0


def test_rows_that_disagree_are_kept_as_claims_and_duplicates_merged(project: Path, tmp_path: Path) -> None:
    listing = tmp_path / "list.csv"
    listing.write_text(
        "place,partner,since,kind\nKiel,Vaasa,1965,town twinning\nKiel,Vaasa,1965,town twinning\n"
        "Vaasa,Kiel,1967-05-02,\nKiel,Tallinn,,\n",
        encoding="utf-8",
    )
    out = project / "data" / "list.ttl"
    done = run_import(None, project, str(listing), "--source", "https://example.org/l", "-o", str(out))
    assert done.returncode == 1  # nothing matched without Wikidata: review
    graph = Graph().parse(out)
    pair = URIRef(BASE + "id/partnership/kiel--vaasa")
    assert str(graph.value(pair, URIRef(TW + "startDate"))) == "1967-05-02"  # the more precise wins
    claims = list(graph.objects(pair, URIRef(TW + "claim")))
    assert len(claims) == 3
    ranks = sorted(str(graph.value(c, URIRef(TW + "rank"))).rsplit("#", 1)[-1] for c in claims)
    assert ranks == ["NormalRank", "NormalRank", "PreferredRank"]
    assert (URIRef(BASE + "id/partnership/kiel--tallinn"), URIRef(TW + "kind"), URIRef(TW + "UnspecifiedKind")) in graph
    checked = run_cli("--root", str(project), "validate")
    assert checked.returncode == 0, checked.stdout


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "is empty"),
        (b"\x00\x01PK\x03\x04binary", "is not a text file"),
        (b"Stadt,Jahr\nKiel,1990\n", "no column holds partner. Its columns are 'Stadt', 'Jahr'; name them with --map"),
    ],
)
def test_a_list_that_cannot_be_read_is_exit_2_and_writes_nothing(
    project: Path, tmp_path: Path, content: bytes, words: str
) -> None:
    listing = tmp_path / "bad.csv"
    listing.write_bytes(content)
    out = project / "data" / "bad.ttl"
    done = run_import(None, project, str(listing), "--source", "https://example.org/l", "-o", str(out))
    assert done.returncode == 2
    assert words in done.stderr
    assert "Traceback" not in done.stderr
    assert not out.exists()


def test_a_map_to_a_column_that_is_not_there_lists_the_columns(project: Path) -> None:
    done = run_import(None, project, str(LISTS / "alabama.csv"), "--source", "https://e.org/", "--map", "partner=Town")
    assert done.returncode == 2
    assert "has no column 'Town'; its columns are 'OBJECTID', 'USCity'" in done.stderr


def test_an_edited_import_is_not_overwritten_without_force(project: Path) -> None:
    out = project / "data" / "al.ttl"
    args = [str(LISTS / "alabama.csv"), "--source", "https://example.org/al", "-o", str(out)]
    assert run_import(None, project, *args).returncode == 1
    assert run_import(None, project, *args).returncode == 1  # its own, unedited: overwritten
    out.write_text(out.read_text(encoding="utf-8") + "# my note\n", encoding="utf-8")
    edited = out.read_bytes()
    refused = run_import(None, project, *args)
    assert refused.returncode == 2
    assert "was edited since the import wrote it" in refused.stderr
    assert out.read_bytes() == edited
    assert run_import(None, project, *args, "--force").returncode == 1
    other = project / "data" / "mine.ttl"
    other.write_text("# someone's file\n", encoding="utf-8")
    refused = run_import(None, project, str(LISTS / "alabama.csv"), "--source", "https://e.org/", "-o", str(other))
    assert refused.returncode == 2
    assert "was not written by `twingraph import csv`" in refused.stderr


def test_an_endpoint_that_is_down_is_exit_2_with_nothing_written(project: Path) -> None:
    out = project / "data" / "al.ttl"
    done = run_cli(
        "--root", str(project), "import", "csv", str(LISTS / "alabama.csv"), "--source", "https://e.org/",
        "-o", str(out), "--endpoint", "http://127.0.0.1:9/sparql", "--no-cache", "--timeout", "5",
    )  # fmt: skip
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert not out.exists()


def _two_lists(
    project: Path,
    tmp_path: Path,
    wikipedia: str,
    city: str,
    *,
    city_source: str,
    first_source: str = "https://en.wikipedia.org/wiki/List",
) -> tuple[str, str]:
    """A list (by default from Wikipedia), then a second list, each imported into its own file:
    the second import's output."""
    first = tmp_path / "wikipedia.csv"
    first.write_text(wikipedia, encoding="utf-8")
    run_import(None, project, str(first), "--source", first_source, "-o", str(project / "data" / "w.ttl"))
    second = tmp_path / "city.csv"
    second.write_text(city, encoding="utf-8")
    done = run_import(None, project, str(second), "--source", city_source, "-o", str(project / "data" / "c.ttl"))
    return done.stdout, done.stderr


def test_the_city_list_wins_over_wikipedia_across_files_and_both_are_kept(project: Path, tmp_path: Path) -> None:
    wikipedia = "place,partner,since\nKiel,Vaasa,1965\nKiel,Tallinn,1986\n"
    stdout, _ = _two_lists(
        project, tmp_path, wikipedia, "place,partner,since,kind\nKiel,Vaasa,1967,friendship\n",
        city_source="https://www.kiel.de/partner",
    )  # fmt: skip
    assert "kiel--vaasa: startDate 1967 (c.ttl) is preferred over 1965 (w.ttl)" in stdout
    assert "kiel--vaasa: kind tw:Friendship (c.ttl) is preferred" in stdout
    assert "It conforms to the shapes" in stdout
    before = (project / "data" / "w.ttl").read_bytes()
    assert run_cli("--root", str(project), "validate").returncode == 0  # the files are never changed
    assert (project / "data" / "w.ttl").read_bytes() == before
    built = run_cli("--root", str(project), "build", "--out", str(tmp_path / "dist"))
    assert built.returncode == 0, built.stderr
    graph = Graph().parse(tmp_path / "dist" / "test.ttl")
    vaasa = URIRef(BASE + "id/partnership/kiel--vaasa")
    assert list(graph.objects(vaasa, URIRef(TW + "startDate"))) == [Literal("1967", datatype=XSD_GYEAR)]
    assert list(graph.objects(vaasa, URIRef(TW + "kind"))) == [URIRef(TW + "Friendship")]
    claims = {
        (str(graph.value(c, URIRef(TW + "claimValue"))), str(graph.value(c, URIRef(TW + "rank"))).rsplit("#")[-1])
        for c in graph.objects(vaasa, URIRef(TW + "claim"))
        if graph.value(c, URIRef(TW + "claimProperty")) == URIRef(TW + "startDate")
    }
    assert claims == {("1967", "PreferredRank"), ("1965", "NormalRank")}
    sources = {str(s) for c in graph.objects(vaasa, URIRef(TW + "claim")) for s in graph.objects(c, DCT_SOURCE)}
    assert any("en-wikipedia-org" in s for s in sources)
    assert any("www-kiel-de" in s for s in sources)
    # Tallinn is only on Wikipedia's list: nothing to settle.
    tallinn = URIRef(BASE + "id/partnership/kiel--tallinn")
    assert list(graph.objects(tallinn, URIRef(TW + "claim"))) == []


def test_a_named_kind_wins_over_an_unspecified_one_and_a_finer_date_over_a_vaguer(
    project: Path, tmp_path: Path
) -> None:
    """Between sources of one standing (two reference works), the more informative value wins."""
    stdout, _ = _two_lists(
        project, tmp_path, "place,partner,since\nKiel,Vaasa,1965\n",
        "place,partner,since,kind\nKiel,Vaasa,14.08.1965,Partnerschaft\nKiel,Brest,,\n",
        city_source="https://de.wikipedia.org/wiki/Liste",
    )  # fmt: skip
    assert "kiel--vaasa: startDate 1965-08-14 (c.ttl) is preferred over 1965 (w.ttl)" in stdout
    assert "kind tw:TownTwinning (c.ttl) is preferred" in stdout
    assert run_cli("--root", str(project), "validate").returncode == 0


def test_values_no_rule_can_choose_between_are_named_for_a_person(project: Path, tmp_path: Path) -> None:
    """Two city lists with different years: neither outranks the other, so nothing is preferred."""
    stdout, _ = _two_lists(
        project, tmp_path, "place,partner,since\nKiel,Vaasa,1965\n", "place,partner,since\nKiel,Vaasa,1967\n",
        city_source="https://example.org/c", first_source="https://example.org/w",
    )  # fmt: skip
    assert "kiel--vaasa: the project's files give startDate 1965 and 1967, and no source outranks the other" in stdout
    assert "does not conform" in stdout
    # Without QIDs, the same name is the same place: the IRIs of the first import are reused.
    assert "kiel-2" not in (project / "data" / "c.ttl").read_text(encoding="utf-8")


def test_an_ended_status_gives_the_end_date_and_a_status_change(project: Path, tmp_path: Path) -> None:
    listing = tmp_path / "ended.csv"
    listing.write_text("Stadt;Partnerstadt;seit;Status;Status seit\nKiel;Vaasa;1965;beendet;2014\n", encoding="utf-8")
    out = project / "data" / "ended.ttl"
    run_import(None, project, str(listing), "--source", "https://example.org/e", "-o", str(out))
    graph = Graph().parse(out)
    pair = URIRef(BASE + "id/partnership/kiel--vaasa")
    assert str(graph.value(pair, URIRef(TW + "endDate"))) == "2014"
    change = URIRef(BASE + "id/status/kiel--vaasa-2014-ended")
    assert (change, URIRef(TW + "status"), URIRef(TW + "Ended")) in graph
    assert run_cli("--root", str(project), "validate").returncode == 0


def test_the_coverage_report_compares_the_sources(project: Path, tmp_path: Path) -> None:
    """Which partnerships each data file has and the others lack: the same pair is the same
    partnership in every file, so a city's list and Wikipedia's compare."""
    import json

    import pandas

    _two_lists(
        project, tmp_path, "place,partner\nKiel,Vaasa\nKiel,Tallinn\nKiel,Brest\n",
        "place,partner,since\nKiel,Vaasa,1967\nKiel,Gdynia,1985\n", city_source="https://www.kiel.de/partner",
    )  # fmt: skip
    table = run_cli("--root", str(project), "report", "coverage")
    assert table.returncode == 0, table.stderr
    assert table.stdout.splitlines()[:3] == [
        "Partnerships in 2 source(s): 4 in all; 1 (25.0 %) in every source.",
        "  c.ttl        2 (50.0 %)  only here: 1; lacks 2",
        "  w.ttl        3 (75.0 %)  only here: 2; lacks 1",
    ]
    assert "  Kiel: 4 in all; c.ttl 2, 1 only there; w.ttl 3, 2 only there" in table.stdout
    report = json.loads(run_cli("--root", str(project), "report", "coverage", "-f", "json").stdout)
    assert report["partnerships"] == 4
    assert report["in_every_source"] == 1
    assert {s["source"]: s["only_here"] for s in report["sources"]} == {"c.ttl": 1, "w.ttl": 2}
    rows = pandas.read_csv(io.StringIO(run_cli("--root", str(project), "report", "coverage", "-f", "csv").stdout))
    assert list(rows.columns) == [
        "place", "label", "qid", "total", "c.ttl partnerships", "c.ttl only", "w.ttl partnerships", "w.ttl only"
    ]  # fmt: skip
    vaasa = rows[rows["label"] == "Vaasa"].iloc[0]
    assert (vaasa["total"], vaasa["c.ttl partnerships"], vaasa["w.ttl partnerships"]) == (1, 1, 1)
    assert rows.iloc[0]["place"] == "(all)"


def test_a_known_place_without_coordinates_gets_the_lists(project: Path, tmp_path: Path) -> None:
    """A place another file describes is not described again, but coordinates it lacks are added."""
    _two_lists(
        project, tmp_path, "place,partner\nKiel,Vaasa\n",
        "place,partner,lat,lng\nKiel,Vaasa,63.096,21.616\nKiel,Brest,48.39,-4.49\n", city_source="https://kiel.de/p",
    )  # fmt: skip
    graph = Graph().parse(project / "data" / "c.ttl")
    vaasa = URIRef(BASE + "id/city/vaasa")
    assert str(graph.value(vaasa, URIRef("https://schema.org/latitude"))) == "63.096"
    assert graph.value(vaasa, URIRef(TW + "coordinateSource")) is not None
    assert (vaasa, URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), None) not in graph  # described in w.ttl
    assert run_cli("--root", str(project), "validate").returncode == 0


def test_many_preferred_values_are_summed_up_after_the_first_ten(project: Path, tmp_path: Path) -> None:
    partners = [f"Partner{chr(97 + i)}" for i in range(12)]
    stdout, _ = _two_lists(
        project, tmp_path, "place,partner\n" + "".join(f"Kiel,{p}\n" for p in partners),
        "place,partner,kind\n" + "".join(f"Kiel,{p},friendship\n" for p in partners), city_source="https://kiel.de/p",
    )  # fmt: skip
    named = [line for line in stdout.splitlines() if "is preferred over" in line]
    assert len(named) == 10
    assert "  … 12 values preferred in all (kind 12), each kept as a claim" in stdout.splitlines()
