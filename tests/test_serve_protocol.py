"""The W3C SPARQL 1.1 Protocol tests (vendor/w3c-sparql-protocol) against a live `twingraph serve`.

Every test passes or is not applicable, with its reason:
- the 13 update tests expect a writable endpoint; this one is read-only and must refuse them (403);
- tests naming remote graphs (http://kasei.us/…) in default-graph-uri/named-graph-uri or FROM
  expect the endpoint to fetch them; this one never fetches and must refuse them (400). Where a
  test's expectation does not depend on that data (ASK {}, content types), it is also run
  without the remote graph parameters, and must then pass.
"""

from __future__ import annotations

import http.client
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from rdflib import RDF, Graph, Namespace, URIRef
from rdflib.collection import Collection

from tests.conftest import VENDOR

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
HTS = "http://www.w3.org/2011/http-statusCodes#StatusCode"
MANIFEST = VENDOR / "w3c-sparql-protocol" / "manifest.ttl"
REMOTE = "kasei.us"
RESULT_TYPES = {
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
}
RDF_TYPES = {"text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml"}


@dataclass
class Step:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: set[str]
    boolean: bool | None
    kind: str | None


def _tests() -> dict[str, tuple[str, list[Step]]]:
    graph = Graph().parse(MANIFEST, format="turtle")
    manifest = next(graph.subjects(RDF.type, MF.Manifest))
    tests = {}
    for test in Collection(graph, graph.value(manifest, MF.entries)):
        action = graph.value(test, MF.action)
        steps = []
        for request in Collection(graph, graph.value(action, HT.requests)):
            headers = {}
            listed = graph.value(request, HT.headers)
            for header in Collection(graph, listed) if listed else []:
                headers[str(graph.value(header, HT.fieldName))] = str(graph.value(header, HT.fieldValue))
            body_node = graph.value(request, HT.body)
            body = None
            if body_node is not None:
                encoding = str(graph.value(body_node, CNT.characterEncoding) or "UTF-8")
                body = str(graph.value(body_node, CNT.chars)).encode(encoding.lower().replace("utf-16", "utf-16"))
            response = graph.value(request, HT.resp)
            statuses = {str(s).removeprefix(HTS) for s in graph.objects(response, MF.expectedStatus)}
            boolean = graph.value(response, MF.expectedBoolean)
            kind = graph.value(response, MF.expectedFormat)
            steps.append(
                Step(
                    str(graph.value(request, HT.methodName)),
                    str(graph.value(request, HT.absolutePath)),
                    headers,
                    body,
                    statuses,
                    None if boolean is None else bool(boolean.toPython()),
                    None if kind is None else str(kind),
                )
            )
        tests[str(test).rsplit("#", 1)[-1]] = (str(graph.value(test, MF.name)), steps)
    return tests


TESTS = _tests()
UPDATE_TESTS = sorted(name for name in TESTS if name.startswith("update_"))
REMOTE_TESTS = sorted(
    name
    for name, (_, steps) in TESTS.items()
    if name not in UPDATE_TESTS
    and any(REMOTE in s.path or (s.body and b"FROM" in s.body and REMOTE.encode() in s.body) for s in steps)
    and all("2xx" in s.statuses for s in steps)
)
PASSING = sorted(set(TESTS) - set(UPDATE_TESTS) - set(REMOTE_TESTS))
# Remote tests whose expectation holds whatever the remote graphs hold: run again without them.
DATA_INDEPENDENT = ["query_get", "query_post_form", "query_content_type_select", "query_content_type_ask",
                    "query_content_type_describe", "query_content_type_construct"]  # fmt: skip


def _send(server_url: str, step: Step, *, drop_remote: bool = False) -> tuple[int, str, bytes]:
    parts = urlsplit(server_url)
    path = step.path
    if drop_remote:
        target = urlsplit(path)
        kept = [(k, v) for k, v in parse_qsl(target.query, keep_blank_values=True) if REMOTE not in v]
        path = target.path + ("?" + urlencode(kept) if kept else "")
    # http.client adds no Content-Type of its own, so the missing-type tests send none.
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request(step.method, path, body=step.body, headers=step.headers)
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type") or "", response.read()
    finally:
        connection.close()


def _check(status: int, content_type: str, body: bytes, step: Step) -> None:
    assert f"{status // 100}xx" in step.statuses, (status, body[:300])
    media = content_type.split(";")[0].strip()
    if step.kind == "boolean":
        assert media in ("application/sparql-results+json", "application/sparql-results+xml")
        if media.endswith("json"):
            answer = json.loads(body)["boolean"]
        else:
            answer = ET.fromstring(body).find("{http://www.w3.org/2005/sparql-results#}boolean").text == "true"  # type: ignore[union-attr]
        if step.boolean is not None:
            assert answer is step.boolean
    elif step.kind == "tabular":
        assert media in RESULT_TYPES
    elif step.kind == "RDF":
        assert media in RDF_TYPES


def test_the_manifest_is_read_whole() -> None:
    assert len(TESTS) == 34
    assert len(UPDATE_TESTS) == 7  # the bad_update_* tests expect a 4xx, which a read-only endpoint gives
    assert len(REMOTE_TESTS) == 12
    assert len(PASSING) == 15


@pytest.mark.parametrize("name", PASSING)
def test_protocol(live_server, name: str) -> None:
    for step in TESTS[name][1]:
        _check(*_send(live_server.url, step), step)


@pytest.mark.parametrize("name", UPDATE_TESTS)
def test_update_tests_are_refused_by_a_read_only_endpoint(live_server, name: str) -> None:
    """Not applicable: the test expects the update to succeed. The endpoint must refuse it."""
    first = TESTS[name][1][0]
    status, _, body = _send(live_server.url, first)
    assert status == 403, body
    assert b"read-only" in body


@pytest.mark.parametrize("name", REMOTE_TESTS)
def test_remote_dataset_tests_are_refused(live_server, name: str) -> None:
    """Not applicable: the test expects remote graphs to be fetched. The endpoint must refuse to."""
    step = TESTS[name][1][0]
    status, _, body = _send(live_server.url, step)
    assert status == 400, body
    assert re.search(rb"does not fetch remote data|FROM and FROM NAMED are refused", body)


@pytest.mark.parametrize("name", DATA_INDEPENDENT)
def test_remote_dataset_tests_pass_without_the_remote_graphs(live_server, name: str) -> None:
    assert name in REMOTE_TESTS
    for step in TESTS[name][1]:
        _check(*_send(live_server.url, step, drop_remote=True), step)


def test_service_description_on_a_plain_get(live_server) -> None:
    status, content_type, body = _send(
        live_server.url, Step("GET", "/sparql", {"Accept": "text/turtle"}, None, {"2xx"}, None, None)
    )
    assert status == 200
    assert content_type.startswith("text/turtle")
    graph = Graph().parse(data=body, format="turtle")
    sd = Namespace("http://www.w3.org/ns/sparql-service-description#")
    service = URIRef(live_server.url + "sparql")
    assert (service, RDF.type, sd.Service) in graph
    assert (service, sd.supportedLanguage, sd.SPARQL11Query) in graph
