"""Credentials for a store that asks for them (Virtuoso's Graph Store, a protected endpoint):
found in the environment or in ~/.netrc, never on the command line where `ps` shows them,
and sent only to the host they are for, only when it asks (HTTP 401), as Basic or Digest.

The environment's `TWINGRAPH_USER` and `TWINGRAPH_PASSWORD` go to any host that asks; a
`~/.netrc` entry (`machine HOST login USER password SECRET`; `$NETRC` names another file) to
its own host. Nothing here ever prints the password.
"""

from __future__ import annotations

import hashlib
import netrc
import os
import re
import secrets
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from twingraph.errors import InputError

USER_VARIABLE, PASSWORD_VARIABLE = "TWINGRAPH_USER", "TWINGRAPH_PASSWORD"
WHERE_CREDENTIALS_GO = (
    f"put them in ~/.netrc (machine HOST login USER password SECRET) or in {USER_VARIABLE} and "
    f"{PASSWORD_VARIABLE}; never on the command line"
)
_DIGESTS = {"MD5": hashlib.md5, "SHA-256": hashlib.sha256}
_PARAMETER = re.compile(r'([A-Za-z][\w-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))')


@dataclass(frozen=True)
class Credentials:
    user: str
    password: str = field(repr=False)  # never in a repr, a log line or an error message
    origin: str = ""  # where they came from, for messages: "~/.netrc" or the variables' names


def credentials_for(url: str) -> Credentials | None:
    """The credentials for this URL's host: the environment's, else its ~/.netrc entry, else none."""
    user, password = os.environ.get(USER_VARIABLE), os.environ.get(PASSWORD_VARIABLE)
    if user and password is not None:
        return Credentials(user, password, f"{USER_VARIABLE}/{PASSWORD_VARIABLE}")
    named = os.environ.get("NETRC")
    path = Path(named) if named else Path.home() / ".netrc"
    if not path.is_file():
        return None
    try:
        entry = netrc.netrc(str(path)).authenticators(urllib.parse.urlsplit(url).hostname or "")
    except (netrc.NetrcParseError, OSError) as exc:
        line = f", line {exc.lineno}" if isinstance(exc, netrc.NetrcParseError) and exc.lineno else ""
        reason = exc.msg if isinstance(exc, netrc.NetrcParseError) else exc.strerror
        raise InputError(f"{path}{line}: cannot be read as a netrc file ({reason}); fix or remove it.") from None
    if entry is None or not entry[0]:
        return None
    return Credentials(entry[0], entry[2] or "", str(path) if named else "~/.netrc")


def authorization(challenges: list[str], credentials: Credentials, method: str, url: str) -> str | None:
    """The Authorization header answering a server's WWW-Authenticate challenges (Digest
    preferred over Basic), or None where it offers no scheme twingraph speaks."""
    import base64

    parsed = [_challenge(text) for text in challenges]
    for scheme, parameters in parsed:
        if scheme == "digest" and parameters.get("algorithm", "MD5").upper() in _DIGESTS:
            return _digest(parameters, credentials, method, url)
    for scheme, _ in parsed:
        if scheme == "basic":
            token = base64.b64encode(f"{credentials.user}:{credentials.password}".encode()).decode("ascii")
            return f"Basic {token}"
    return None


def _challenge(text: str) -> tuple[str, dict[str, str]]:
    scheme, _, rest = text.strip().partition(" ")
    parameters = {
        m.group(1).lower(): m.group(2) if m.group(2) is not None else m.group(3) for m in _PARAMETER.finditer(rest)
    }
    return scheme.lower(), parameters


def _digest(challenge: dict[str, str], credentials: Credentials, method: str, url: str) -> str:
    """RFC 7616 Digest with qop=auth where offered (else RFC 2069's form), MD5 or SHA-256."""
    algorithm = challenge.get("algorithm", "MD5").upper()
    digest = _DIGESTS[algorithm]

    def hashed(text: str) -> str:
        return digest(text.encode("utf-8")).hexdigest()

    parts = urllib.parse.urlsplit(url)
    uri = urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))
    realm, nonce = challenge.get("realm", ""), challenge.get("nonce", "")
    first = hashed(f"{credentials.user}:{realm}:{credentials.password}")
    second = hashed(f"{method}:{uri}")
    fields = {"username": credentials.user, "realm": realm, "nonce": nonce, "uri": uri, "algorithm": algorithm}
    qop_offered = [q.strip() for q in challenge.get("qop", "").split(",") if q.strip()]
    if "auth" in qop_offered:
        cnonce, count = secrets.token_hex(8), "00000001"
        fields.update(qop="auth", nc=count, cnonce=cnonce)
        fields["response"] = hashed(f"{first}:{nonce}:{count}:{cnonce}:auth:{second}")
    else:
        fields["response"] = hashed(f"{first}:{nonce}:{second}")
    if "opaque" in challenge:
        fields["opaque"] = challenge["opaque"]
    unquoted = {"algorithm", "qop", "nc"}
    shown = ", ".join(f"{k}={v}" if k in unquoted else f'{k}="{_quoted(v)}"' for k, v in fields.items())
    return f"Digest {shown}"


def _quoted(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"')
