"""`twingraph query list|show|run` and `twingraph sparql` on the bundled Kassel data."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph
from rdflib.query import Result

from tests.conftest import FIXTURES, REPO, run_cli, run_on_a_terminal
from tests.servers import connection_counter
from twingraph.cli import cli


def invoke(*args: str, input: str | None = None):
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def test_query_list_names_titles_and_parameters() -> None:
    shown = invoke("query", "list")
    assert shown.exit_code == 0
    lines = shown.output.splitlines()
    assert len(lines) >= 12
    assert any(
        line.startswith("partners ") and "Partners of a city" in line and "-p city=Kassel" in line for line in lines
    )


def test_query_show_prints_metadata_and_text() -> None:
    shown = invoke("query", "show", "partners")
    assert shown.exit_code == 0
    assert shown.output.startswith("partners: Partners of a city\n")
    assert "  -p city: place = Kassel" in shown.output
    assert "SELECT ?partner ?partnerName" in shown.output


def test_run_partners_as_a_table() -> None:
    shown = run_cli("query", "run", "partners", "-p", "city=Kassel", "-f", "table")
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert lines[0].split()[:3] == ["partner", "partnerName", "kind"]
    assert lines[2].split()[:5] == ["city:florence", "Florence", "town", "twinning", "1952"]
    assert lines[-1] == "(9 rows)"


def test_in_a_pipe_the_default_is_csv() -> None:
    shown = invoke("query", "run", "per-country")  # CliRunner's output is not a terminal
    assert shown.exit_code == 0
    assert shown.stdout_bytes.decode().startswith("country,partnerships,inEuropeanUnion\r\nGermany,2,true\r\n")


@pytest.mark.parametrize(
    ("suffix", "fmt"), [(".csv", "csv"), (".tsv", "tsv"), (".srj", "json"), (".json", "json"), (".srx", "xml")]
)
def test_output_format_follows_the_suffix(tmp_path: Path, suffix: str, fmt: str) -> None:
    out = tmp_path / f"partners{suffix}"
    shown = invoke("query", "run", "partners", "-o", str(out))
    assert shown.exit_code == 0
    assert shown.output == ""
    back = Result.parse(io.BytesIO(out.read_bytes()), format=fmt)
    assert len(list(back)) == 9
    assert not list(tmp_path.glob(".*.tmp"))


def test_json_on_stdout_is_json() -> None:
    shown = invoke("query", "run", "per-decade", "-f", "json")
    document = json.loads(shown.output)
    assert document["head"]["vars"] == ["decade", "partnerships"]


def test_a_failed_run_leaves_the_earlier_output_alone(tmp_path: Path) -> None:
    out = tmp_path / "partners.csv"
    assert invoke("query", "run", "partners", "-o", str(out)).exit_code == 0
    before = out.read_bytes()
    failed = run_cli("query", "run", "partners", "-p", "city=Atlantis", "-o", str(out))
    assert failed.returncode == 2
    assert "no place is called 'Atlantis'" in failed.stderr
    assert out.read_bytes() == before


def test_output_never_overwrites_an_input(tmp_path: Path) -> None:
    data = tmp_path / "data.ttl"
    data.write_bytes((REPO / "data" / "kassel.ttl").read_bytes())
    before = data.read_bytes()
    shown = run_cli("query", "run", "partners", "--data", str(data), "-o", str(data))
    assert shown.returncode == 2
    assert "is an input of this command; refusing to overwrite it" in shown.stderr
    assert data.read_bytes() == before
    query_file = tmp_path / "q.rq"
    query_file.write_text("SELECT ?s WHERE { ?s ?p ?o } LIMIT 1\n")
    shown = run_cli("query", "run", str(query_file), "-o", str(query_file))
    assert shown.returncode == 2
    assert query_file.read_text().startswith("SELECT")


def test_a_query_file_runs_with_parameters() -> None:
    shown = invoke("query", "run", str(FIXTURES / "queries" / "echo.rq"), "-p", "text=a\tb", "-f", "tsv")
    assert shown.exit_code == 0
    assert shown.output == '?text\t?length\n"a\\tb"\t3\n'


def test_construct_gives_turtle_by_default() -> None:
    shown = invoke("query", "run", str(FIXTURES / "queries" / "partners-graph.rq"))
    assert shown.exit_code == 0
    graph = Graph().parse(data=shown.output, format="turtle")
    assert len(graph) == 9


def test_sparql_from_an_argument_and_from_stdin() -> None:
    text = "PREFIX tw: <https://w3id.org/twingraph/ontology#> SELECT (COUNT(*) AS ?n) WHERE { ?p a tw:Partnership }"
    assert invoke("sparql", text).stdout_bytes == b"n\r\n9\r\n"
    assert invoke("sparql", "-", input=text).stdout_bytes == b"n\r\n9\r\n"


def test_ask_answers_with_its_exit_code() -> None:
    yes = invoke("sparql", "ASK { ?s ?p ?o }")
    no = CliRunner().invoke(cli, ["sparql", "ASK { ?s <http://example.org/none> ?o }"])
    assert (yes.exit_code, yes.output) == (0, "true\n")
    assert (no.exit_code, no.output) == (1, "false\n")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }", "SPARQL Update"),
        ("SELECT * FROM <http://example.org/g> WHERE { ?s ?p ?o }", "FROM and FROM NAMED are refused"),
        ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", "SERVICE is refused"),
        ("SELECT * WHERE { ?s ?p ", "SPARQL syntax error at line 1"),
    ],
)
def test_refusals_are_clear(text: str, words: str) -> None:
    shown = run_cli("sparql", text)
    assert shown.returncode == 2
    assert shown.stdout == ""
    assert shown.stderr.startswith("Error: ")
    assert words in shown.stderr
    assert "Traceback" not in shown.stderr


def test_allow_service_lets_a_local_query_reach_out() -> None:
    with connection_counter() as seen:
        text = f"SELECT * WHERE {{ SERVICE <{seen[0]}> {{ ?s ?p ?o }} }}"
        refused = run_cli("sparql", text)
        assert refused.returncode == 2
        assert seen[1:] == []
        allowed = run_cli("sparql", text, "--allow-service")
        assert allowed.returncode == 2  # the listener hangs up: no SPARQL there
        assert seen[1:], "with --allow-service the SERVICE request is made"


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("query", "run", "nonsense"), "no stored query is called 'nonsense'. Stored queries: activities,"),
        (("query", "run", "partners", "-p", "town=Kassel"), "partners has no parameter 'town'; it takes: city"),
        (("query", "run", "partners", "-p", "city"), "is not KEY=VALUE"),
        (("query", "run", "partners", "-f", "turtle"), "SELECT results cannot be written as turtle"),
        (("sparql", "SELECT * WHERE { ?s ?p ?o }", "-f", "rdfxml"), "SELECT results cannot be written as rdfxml"),
        (("query", "run", "partners", "--graph"), "--graph goes with --endpoint"),
        (("query", "run", "missing.rq"), "missing.rq: no such query file"),
    ],
)
def test_usage_errors_say_what_to_do(args: tuple[str, ...], words: str) -> None:
    shown = run_cli(*args)
    assert shown.returncode == 2
    assert words in shown.stderr
    assert "Traceback" not in shown.stderr


def test_an_unreachable_service_is_a_clear_error_with_allow_service() -> None:
    import socket

    with socket.socket() as probe:  # a port that was free a moment ago and has no listener now
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    text = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"
    shown = run_cli("sparql", text, "--allow-service")
    assert shown.returncode == 2
    assert shown.stdout == ""
    assert shown.stderr.startswith("Error: a SERVICE the query names could not be reached:")
    assert "Traceback" not in shown.stderr


def test_partners_started_in_a_decade() -> None:
    shown = run_cli("query", "run", "partners", "-p", "from=1980", "-p", "to=1989", "-f", "csv")
    assert shown.returncode == 0, shown.stderr
    names = [line.split(",")[1] for line in shown.stdout.splitlines()[1:]]
    assert names == ["Yaroslavl", "Arnstadt"]


def test_an_empty_answer_about_a_name_suggests_places_spelled_alike() -> None:
    shown = run_cli("query", "run", "partners", "-p", "city=Berlin", "-f", "csv")
    assert shown.returncode == 0
    assert shown.stdout.strip() == "partner,partnerName,kind,start,precision,end,themes,country"
    assert shown.stderr == "Note: no rows for 'Berlin'. Places with partnerships named alike: Berlin-Mitte.\n"


def test_tables_are_cut_only_for_a_terminal_and_never_with_wide() -> None:
    long_theme = "aid, citizens' exchange, school exchange, university cooperation"  # Yaroslavl's, 64 characters
    piped = run_cli("query", "run", "partners", "-f", "table")
    assert long_theme in piped.stdout
    # On a terminal: cut at 60 characters unless --wide.
    for extra, whole in (((), False), (("--wide",), True)):
        code, shown = run_on_a_terminal(["query", "run", "partners", "-f", "table", *extra])
        assert code == 0
        assert (long_theme in shown) is whole
