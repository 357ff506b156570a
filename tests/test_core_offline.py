"""`validate` opens no network connection, whatever its input says.

Each case runs the CLI in a fresh process with an audit hook that records every socket
event, while a real listener on 127.0.0.1 counts the connections it receives.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import PROCESS_DEADLINE, REPO

AUDITED_RUN = """
import json, sys
events = []
def record(event, args):
    if event.startswith("socket.") or event == "urllib.Request":
        events.append([event, repr(args)[:200]])
    if event == "open" and str(args[0]) == "/etc/hostname":
        events.append([event, str(args[0])])
sys.addaudithook(record)
from twingraph.cli import cli
try:
    cli(args=sys.argv[2:], prog_name="twingraph")
except SystemExit as exit:
    code = exit.code
with open(sys.argv[1], "w") as out:
    json.dump({"code": code, "events": events}, out)
"""


class Listener:
    """A TCP listener on a free port of 127.0.0.1 that counts connections."""

    def __init__(self) -> None:
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen()
        self.server.settimeout(0.2)
        self.port = self.server.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.server.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.server.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


def audited(tmp_path: Path, *args: str) -> tuple[dict[str, object], str]:
    script = tmp_path / "audited.py"
    script.write_text(AUDITED_RUN, encoding="utf-8")
    out = tmp_path / "audit.json"
    proc = subprocess.run(
        [sys.executable, str(script), str(out), *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=PROCESS_DEADLINE,
    )
    return json.loads(out.read_text(encoding="utf-8")), proc.stderr


def test_imports_and_see_also_in_data_are_not_followed(tmp_path: Path, listener: Listener) -> None:
    data = tmp_path / "data.ttl"
    url = f"http://127.0.0.1:{listener.port}"
    data.write_text(
        "@prefix owl: <http://www.w3.org/2002/07/owl#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        f"<{url}/me> a owl:Ontology ; owl:imports <{url}/ontology.ttl> ; rdfs:seeAlso <{url}/more.ttl> .\n",
        encoding="utf-8",
    )
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        (REPO / "shapes" / "twingraph.shapes.ttl").read_text(encoding="utf-8")
        + f"\n<{url}/shapes> a <http://www.w3.org/2002/07/owl#Ontology> ; "
        f"<http://www.w3.org/2002/07/owl#imports> <{url}/more-shapes.ttl> .\n",
        encoding="utf-8",
    )
    result, _ = audited(tmp_path, "validate", "--shapes", str(shapes), str(data))
    assert result == {"code": 0, "events": []}
    assert listener.connections == 0


@pytest.mark.parametrize("form", ["string", "import", "list"])
def test_json_ld_remote_context_makes_no_request(tmp_path: Path, listener: Listener, form: str) -> None:
    url = f"http://127.0.0.1:{listener.port}/context.jsonld"
    context: object = {"string": url, "import": {"@import": url}, "list": [{"a": "http://e.org/a"}, url]}[form]
    data = tmp_path / "data.jsonld"
    data.write_text(json.dumps({"@context": context, "@id": "http://e.org/x", "a": "b"}), encoding="utf-8")
    result, stderr = audited(tmp_path, "validate", str(data))
    assert result == {"code": 2, "events": []}
    assert "twingraph never fetches or opens contexts" in stderr
    assert listener.connections == 0


@pytest.mark.parametrize(
    ("clause", "message"),
    [
        ("SERVICE <{url}/sparql> {{ ?s ?p ?o }}", "SERVICE is refused"),
        ("SERVICE SILENT ?endpoint {{ ?s ?p ?o }}", "SERVICE is refused"),
        ("FROM <{url}/remote.ttl> WHERE {{ ?s ?p ?o }}", "FROM and FROM NAMED are refused"),
        ("FROM NAMED <{url}/remote.ttl> WHERE {{ ?s ?p ?o }}", "FROM and FROM NAMED are refused"),
    ],
)
def test_remote_sparql_smuggled_into_a_shape_is_blocked(
    tmp_path: Path, listener: Listener, clause: str, message: str
) -> None:
    body = clause.format(url=f"http://127.0.0.1:{listener.port}")
    where = body if body.startswith("FROM") else f"WHERE {{ {body} }}"
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix tw: <https://w3id.org/twingraph/ontology#> .\n"
        '<#S> a sh:NodeShape ; sh:targetClass tw:Partnership ; sh:sparql [ sh:select """\n'
        f'SELECT $this {where}""" ] .\n',
        encoding="utf-8",
    )
    result, stderr = audited(tmp_path, "validate", "--shapes", str(shapes))
    assert result["code"] == 2
    assert stderr.startswith("Error: the shapes could not be applied: a SPARQL constraint: ")
    assert result["events"] == []
    assert message in stderr
    assert len(stderr.splitlines()) == 1
    assert listener.connections == 0


def test_xml_external_entity_reads_no_file(tmp_path: Path) -> None:
    result, stderr = audited(tmp_path, "validate", "tests/fixtures/bad/xxe.rdf")
    assert result == {"code": 2, "events": []}
    assert "DOCTYPE declaration is refused" in stderr
