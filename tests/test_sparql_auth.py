"""Credentials for a store that asks: from the environment or ~/.netrc, never the command line,
sent only when the server asks (HTTP 401), as Digest or Basic, and never printed."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest

from tests.conftest import PROCESS_DEADLINE, REPO
from tests.servers import Reply, ScriptedEndpoint
from twingraph.sparql import auth

SECRET = "s3cret-Pässword"
DIGEST = 'Digest realm="SPARQL", nonce="abc123", qop="auth", algorithm=MD5, opaque="op4"'


def _twingraph(*args: str, home: Path, **variables: str) -> subprocess.CompletedProcess[str]:
    """`python -m twingraph` with a home of its own (no ~/.netrc of the machine's) and these variables."""
    env = {k: v for k, v in os.environ.items() if k not in (auth.USER_VARIABLE, auth.PASSWORD_VARIABLE, "NETRC")}
    env.update(HOME=str(home), **variables)
    return subprocess.run(
        [sys.executable, "-m", "twingraph", *args], capture_output=True, text=True, cwd=REPO, env=env,
        timeout=PROCESS_DEADLINE,
    )  # fmt: skip


def test_digest_as_rfc_2617_computes_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """RFC 2617, section 3.5: Mufasa's request, with the RFC's own client nonce."""
    monkeypatch.setattr(auth.secrets, "token_hex", lambda n: "0a4f113b")
    challenge = 'Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"'  # noqa: E501
    header = auth.authorization(
        [challenge], auth.Credentials("Mufasa", "Circle Of Life"), "GET", "http://www.nowhere.org/dir/index.html"
    )
    assert header is not None
    assert 'response="6629fae49393a05397450978507c4ef1"' in header
    assert 'uri="/dir/index.html"' in header
    assert 'opaque="5ccc069c403ebaf9f0171e9517f40e41"' in header
    assert "Circle Of Life" not in header


def test_push_answers_a_digest_challenge_with_credentials_from_the_environment(tmp_path: Path) -> None:
    with ScriptedEndpoint([Reply(401, headers={"WWW-Authenticate": DIGEST}), Reply(204)]) as server:
        pushed = _twingraph(
            "push", "--endpoint", server.url, home=tmp_path, TWINGRAPH_USER="alice", TWINGRAPH_PASSWORD=SECRET
        )
    assert pushed.returncode == 0, pushed.stderr
    # A HEAD learns the challenge first (a store may close the connection on a body sent before
    # it has asked), so that the graph is sent once, with credentials; nothing before it asks.
    probe, staged = server.seen[:2]
    assert probe.method == "HEAD"
    assert "Authorization" not in probe.headers
    header = staged.headers["Authorization"]
    assert header.startswith("Digest ")
    assert 'username="alice"' in header
    assert 'realm="SPARQL"' in header
    assert 'opaque="op4"' in header
    assert staged.method == "PUT"
    assert "twingraph-push-staging" in urllib.parse.unquote(staged.path)
    assert b"<https://w3id.org/twingraph/id/city/kassel>" in staged.body
    # Then the target itself, and the staging graph removed.
    assert [(r.method, "staging" in urllib.parse.unquote(r.path)) for r in server.seen[2:]] == [
        ("HEAD", False),
        ("PUT", False),
        ("DELETE", True),
    ]
    assert server.seen[3].body == staged.body
    assert SECRET not in pushed.stdout + pushed.stderr


def test_wrong_credentials_exit_2_naming_the_store_and_the_user_but_no_secret(tmp_path: Path) -> None:
    challenge = Reply(401, headers={"WWW-Authenticate": DIGEST})
    with ScriptedEndpoint([challenge, challenge]) as server:
        pushed = _twingraph(
            "push", "--endpoint", server.url, home=tmp_path, TWINGRAPH_USER="alice", TWINGRAPH_PASSWORD=SECRET
        )
    assert pushed.returncode == 2
    assert f"Error: {server.url} refused the credentials of user 'alice'" in pushed.stderr
    assert "(HTTP 401)" in pushed.stderr
    assert SECRET not in pushed.stdout + pushed.stderr
    assert "Traceback" not in pushed.stderr
    assert [r.method for r in server.seen] == ["HEAD", "PUT"]  # asked once, answered once, then stopped


def test_a_store_that_asks_without_credentials_says_where_they_go(tmp_path: Path) -> None:
    with ScriptedEndpoint([Reply(401, headers={"WWW-Authenticate": 'Basic realm="store"'})]) as server:
        shown = _twingraph("sparql", "ASK {}", "--endpoint", server.url, home=tmp_path)
    assert shown.returncode == 2
    assert f"{server.url} asks for credentials (HTTP 401): put them in ~/.netrc" in shown.stderr
    assert "never on the command line" in shown.stderr


def test_basic_from_netrc_goes_to_its_own_host_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text(f"machine 127.0.0.1 login bob password {SECRET}\n", encoding="utf-8")
    netrc.chmod(0o600)
    ok = Reply(200, b'{"head": {}, "boolean": true}', {"Content-Type": "application/sparql-results+json"})
    with ScriptedEndpoint([Reply(401, headers={"WWW-Authenticate": 'Basic realm="store"'}), ok]) as server:
        shown = _twingraph("sparql", "ASK {}", "--endpoint", server.url, home=tmp_path, NETRC=str(netrc))
    assert shown.returncode == 0, shown.stderr
    expected = base64.b64encode(f"bob:{SECRET}".encode()).decode()
    assert server.seen[1].headers["Authorization"] == f"Basic {expected}"
    # Another host has no entry: nothing is found for it.
    monkeypatch.delenv(auth.USER_VARIABLE, raising=False)
    monkeypatch.setenv("NETRC", str(netrc))
    assert auth.credentials_for("http://elsewhere.example/sparql") is None
    assert auth.credentials_for("http://127.0.0.1:8890/sparql") == auth.Credentials("bob", SECRET, str(netrc))


def test_a_broken_netrc_is_one_clear_line(tmp_path: Path) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login bob passphrase x\n", encoding="utf-8")
    netrc.chmod(0o600)
    with ScriptedEndpoint([Reply(401, headers={"WWW-Authenticate": 'Basic realm="store"'})]) as server:
        shown = _twingraph("sparql", "ASK {}", "--endpoint", server.url, home=tmp_path, NETRC=str(netrc))
    assert shown.returncode == 2
    assert f"Error: {netrc}" in shown.stderr
    assert "cannot be read as a netrc file" in shown.stderr
    assert "Traceback" not in shown.stderr
