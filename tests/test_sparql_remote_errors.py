"""Endpoint failures over real HTTP on 127.0.0.1: retries, timeouts, broken answers, clear errors."""

from __future__ import annotations

import json
import time
import urllib.parse

import pytest

from tests.conftest import run_cli
from tests.servers import Reply, ScriptedEndpoint, free_port
from twingraph.sparql.query import adhoc_query, run_remote
from twingraph.sparql.remote import USER_AGENT, Endpoint, EndpointError

SELECT_JSON = json.dumps(
    {"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "literal", "value": "ok"}}]}}
).encode()
JSON_HEADERS = {"Content-Type": "application/sparql-results+json"}
QUERY = adhoc_query("SELECT ?x WHERE { ?x ?p ?o }")


def patient(url: str, waits: list[float], **kwargs: float) -> Endpoint:
    """An endpoint whose waits are recorded instead of slept, so retry tests take no time."""
    return Endpoint(url, sleep=waits.append, **kwargs)  # type: ignore[arg-type]


def test_a_query_sends_user_agent_post_and_the_query() -> None:
    with ScriptedEndpoint([Reply(200, SELECT_JSON, JSON_HEADERS)]) as server:
        result = run_remote(Endpoint(server.url), QUERY, default_graphs=("https://example.org/g",))
    assert [str(row[0]) for row in result] == ["ok"]  # type: ignore[index]
    (seen,) = server.seen
    assert seen.method == "POST"
    assert seen.headers["User-Agent"] == USER_AGENT
    assert USER_AGENT.startswith("twingraph/")
    form = urllib.parse.parse_qs(seen.body.decode())
    assert form["query"] == [QUERY.text]
    assert form["default-graph-uri"] == ["https://example.org/g"]
    assert "application/sparql-results+json" in seen.headers["Accept"]


@pytest.mark.parametrize("status", [429, 503])
def test_busy_answers_are_retried_after_the_wait_asked_for(status: int) -> None:
    waits: list[float] = []
    replies = [
        Reply(status, b"slow down", {"Retry-After": "2"}),
        Reply(status, b""),
        Reply(200, SELECT_JSON, JSON_HEADERS),
    ]
    with ScriptedEndpoint(replies) as server:
        result = run_remote(patient(server.url, waits), QUERY)
    assert len(list(result)) == 1
    assert waits == [2.0, 2.0]  # Retry-After: 2, then the doubling back-off (2**1) without one
    assert len(server.seen) == 3


def test_retries_are_bounded() -> None:
    waits: list[float] = []
    with (
        ScriptedEndpoint([Reply(429, b"", {"Retry-After": "1"})]) as server,
        pytest.raises(EndpointError, match=r"busy \(HTTP 429\).*gave up after 4 attempt"),
    ):
        run_remote(patient(server.url, waits, retries=3), QUERY)
    assert len(server.seen) == 4
    assert waits == [1.0, 1.0, 1.0]


def test_a_wait_longer_than_allowed_is_not_waited() -> None:
    waits: list[float] = []
    with (
        ScriptedEndpoint([Reply(503, b"", {"Retry-After": "3600"})]) as server,
        pytest.raises(EndpointError, match="asked to wait 3600 s"),
    ):
        run_remote(patient(server.url, waits), QUERY)
    assert waits == []
    assert len(server.seen) == 1


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        (Reply(200, SELECT_JSON, JSON_HEADERS, truncate=40), "broke off its answer after 40 bytes"),
        (Reply(200, SELECT_JSON[:40], JSON_HEADERS), "not SPARQL JSON results.*cut short or invalid"),
        (Reply(200, b"<html>Welcome</html>", {"Content-Type": "text/html"}), "not SPARQL JSON results.*text/html"),
        (Reply(200, b'{"boolean": true}', JSON_HEADERS), "not SPARQL JSON results for a SELECT query"),
        (Reply(400, b"Parser error: unexpected '}'"), r"rejected the request \(HTTP 400\): Parser error"),
        (Reply(404, b"nothing here"), r"has no SPARQL service there \(HTTP 404\)"),
        (Reply(500, b"boom"), r"failed \(HTTP 500\): boom"),
        (Reply(502, b"bad gateway"), r"failed \(HTTP 502\)"),
    ],
)
def test_broken_answers_are_errors_never_partial_data(reply: Reply, message: str) -> None:
    with ScriptedEndpoint([reply]) as server, pytest.raises(EndpointError, match=message) as caught:
        run_remote(Endpoint(server.url), QUERY)
    assert server.url in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_slow_endpoint_times_out() -> None:
    with (
        ScriptedEndpoint([Reply(200, SELECT_JSON, JSON_HEADERS, delay=3)]) as server,
        pytest.raises(EndpointError, match="did not answer within 1 s"),
    ):
        run_remote(Endpoint(server.url, timeout=1), QUERY)


def test_a_construct_cut_short_is_an_error() -> None:
    rdfxml = (
        b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        b'<rdf:Description rdf:about="http://e/a"><rdf:value>x</rdf:value></rdf:Description></rdf:RDF>'
    )
    construct = adhoc_query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    with ScriptedEndpoint([Reply(200, rdfxml, {"Content-Type": "application/rdf+xml"})]) as server:
        assert len(run_remote(Endpoint(server.url), construct).graph) == 1
        assert "application/rdf+xml" in server.seen[0].headers["Accept"]
    with (
        ScriptedEndpoint([Reply(200, rdfxml[:-20], {"Content-Type": "application/rdf+xml"})]) as server,
        pytest.raises(EndpointError, match="not RDF/XML"),
    ):
        run_remote(Endpoint(server.url), construct)


def test_cli_errors_are_one_line_with_exit_2() -> None:
    port = free_port()  # nothing listens there
    refused = run_cli("query", "run", "per-decade", "--endpoint", f"http://127.0.0.1:{port}/query")
    assert refused.returncode == 2
    assert refused.stdout == ""
    assert (
        refused.stderr
        == f"Error: cannot connect to http://127.0.0.1:{port}/query: connection refused. Is the server running?\n"
    )
    with ScriptedEndpoint([Reply(500, b"internal\nerror")]) as server:
        failed = run_cli("sparql", "ASK {}", "--endpoint", server.url)
    assert failed.returncode == 2
    assert failed.stderr == f"Error: {server.url} failed (HTTP 500): internal error\n"
    pushed = run_cli("push", "--endpoint", f"http://127.0.0.1:{port}/store", "--no-validate")
    assert pushed.returncode == 2
    assert "connection refused" in pushed.stderr


def test_push_stages_then_puts_n_triples_to_the_dataset_graph() -> None:
    with ScriptedEndpoint([Reply(204)]) as server:
        pushed = run_cli("push", "--endpoint", server.url)
    assert pushed.returncode == 0, pushed.stderr
    dataset = "/sparql?graph=https%3A%2F%2Fw3id.org%2Ftwingraph%2Fid%2Fdataset%2Fkassel"
    staging = dataset + "%23twingraph-push-staging"
    assert [(r.method, r.path) for r in server.seen] == [("PUT", staging), ("PUT", dataset), ("DELETE", staging)]
    staged, seen, _ = server.seen
    assert staged.body == seen.body
    assert seen.headers["Content-Type"] == "application/n-triples"
    assert seen.headers["User-Agent"] == USER_AGENT
    assert seen.body.count(b"\n") > 500


def test_a_store_without_delete_keeps_the_staging_graph_and_says_so() -> None:
    with ScriptedEndpoint([Reply(204), Reply(204), Reply(405)]) as server:
        pushed = run_cli("push", "--endpoint", server.url)
    assert pushed.returncode == 0, pushed.stderr
    assert "Replaced <https://w3id.org/twingraph/id/dataset/kassel>" in pushed.stderr
    assert (
        "Warning: the staging graph <https://w3id.org/twingraph/id/dataset/kassel#twingraph-push-staging> "
        "could not be removed" in pushed.stderr
    )


def test_a_refused_staging_put_never_touches_the_target() -> None:
    with ScriptedEndpoint([Reply(500, b"Bad literal")]) as server:
        pushed = run_cli("push", "--endpoint", server.url)
    assert pushed.returncode == 2
    assert [r.method for r in server.seen] == ["PUT"]
    assert "twingraph-push-staging" in server.seen[0].path
    assert pushed.stderr.strip().endswith("<https://w3id.org/twingraph/id/dataset/kassel> was not touched.")


def test_an_endpoint_must_be_an_http_url() -> None:
    shown = run_cli("sparql", "ASK {}", "--endpoint", "file:///etc/passwd")
    assert shown.returncode == 2
    assert "is not an http(s) URL" in shown.stderr


def test_a_dripping_endpoint_cannot_hold_a_query_past_its_deadline() -> None:
    # One byte every 0.2 s: each read returns in time, so only a total deadline stops it. The
    # whole answer would take 19 s; the bound is far from both, so a busy machine cannot break it.
    with ScriptedEndpoint([Reply(200, SELECT_JSON, JSON_HEADERS, drip=0.2)]) as server:
        started = time.monotonic()
        with pytest.raises(EndpointError, match=r"did not answer within 1\.5 s \(the whole answer"):
            run_remote(Endpoint(server.url, timeout=1.5), QUERY)
        assert time.monotonic() - started < 12


def test_a_dripping_store_cannot_hold_push_past_its_deadline() -> None:
    with ScriptedEndpoint([Reply(200, b"x" * 200, drip=0.2)]) as server:
        started = time.monotonic()
        pushed = run_cli("push", "--endpoint", server.url, "--timeout", "2", "--no-validate")
        elapsed = time.monotonic() - started
    assert pushed.returncode == 2
    assert "did not answer within 2 s" in pushed.stderr
    assert elapsed < 30  # the whole body would take 40 s


def test_an_answer_over_the_cap_is_refused_whole() -> None:
    rows = [{"x": {"type": "literal", "value": "v" * 100}}] * 20_000
    big = json.dumps({"head": {"vars": ["x"]}, "results": {"bindings": rows}}).encode()
    assert len(big) > 2 * 1024 * 1024
    with ScriptedEndpoint([Reply(200, big, JSON_HEADERS)]) as server:
        with pytest.raises(EndpointError, match=r"more than 1,048,576 bytes, the limit \(--max-answer-mb\)"):
            run_remote(Endpoint(server.url, max_answer_bytes=1024 * 1024), QUERY)
        refused = run_cli("sparql", "SELECT ?x WHERE { ?x ?p ?o }", "--endpoint", server.url, "--max-answer-mb", "1")
    assert refused.returncode == 2
    assert refused.stdout == ""
    assert "the limit (--max-answer-mb)" in refused.stderr


def test_an_answer_with_other_variables_than_the_query_is_refused() -> None:
    other = json.dumps({"head": {"vars": ["y"]}, "results": {"bindings": []}}).encode()
    with (
        ScriptedEndpoint([Reply(200, other, JSON_HEADERS)]) as server,
        pytest.raises(EndpointError, match="answered with the variables y, but the query asks for x"),
    ):
        run_remote(Endpoint(server.url), QUERY)


def test_an_answer_holding_a_control_character_is_refused_not_written() -> None:
    """U+0001 in a literal makes no well-formed XML; the CLI's -f xml would write a broken file."""
    body = json.dumps(
        {"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "literal", "value": "a\u0001b"}}]}}
    ).encode()
    with ScriptedEndpoint([Reply(200, body, JSON_HEADERS)]) as server:
        shown = run_cli("sparql", "SELECT ?x WHERE { ?x ?p ?o }", "--endpoint", server.url, "-f", "xml")
    assert shown.returncode == 2
    assert "answered with the control character U+0001" in shown.stderr
    assert shown.stdout == ""
