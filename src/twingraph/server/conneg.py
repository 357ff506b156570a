"""Content negotiation: which format to answer in, and which language to label in.

Media types are matched by python-mimeparse (q-values, wildcards, specificity). Ties go to
the server's preference, which is the *last* entry of the list handed to it, so lists here
run from least to most preferred. Malformed entries of an Accept header are dropped rather
than failing the request, as browsers and crawlers send odd ones.
"""

from __future__ import annotations

import re

from twingraph.formats import Format

# Aliases seen in the wild: generic JSON and XML for their RDF and SPARQL-results kin.
_ACCEPT_ENTRY = re.compile(r"^\s*[A-Za-z0-9!#$&^_.+*-]+/[A-Za-z0-9!#$&^_.+*-]+\s*(;.*)?$")
_Q_PARAMETER = re.compile(r";\s*q\s*=", re.IGNORECASE)


class NotAcceptable(Exception):
    """No representation the client accepts can be given."""


def clean_accept(header: str | None) -> str:
    """The well-formed entries of an Accept header; `*/*` when none is given.

    As Apache httpd's mod_negotiation does, a header without any q-value has its wildcards
    weighed down (`*/*` to 0.01, `type/*` to 0.02): `text/turtle, */*` asks for Turtle, not
    for whatever the server likes best. `serve`, the static site's nginx script and Apache's
    type maps so give the same answer to every header.
    """
    if not header or not header.strip():
        return "*/*"
    # Media types are case-insensitive (RFC 9110, 8.3.1): TEXT/TURTLE is text/turtle.
    entries = [_lower_media_range(entry.strip()) for entry in header.split(",") if _ACCEPT_ENTRY.match(entry)]
    if not any(_Q_PARAMETER.search(entry) for entry in entries):
        entries = [_weighed_wildcard(entry) for entry in entries]
    return ",".join(entries)


def _lower_media_range(entry: str) -> str:
    media_range, semicolon, parameters = entry.partition(";")
    return media_range.strip().lower() + semicolon + parameters


def _weighed_wildcard(entry: str) -> str:
    media_range = entry.split(";")[0].strip()
    if media_range == "*/*":
        return entry + ";q=0.01"
    if media_range.endswith("/*"):
        return entry + ";q=0.02"
    return entry


def negotiate(accept: str | None, choices: list[Format]) -> Format:
    """The best choice for an Accept header; `choices` run from least to most preferred.

    A choice's quality is that of its media type (wildcards included, the most specific
    range winning, as mimeparse rates it), or of an alias the header names exactly: an
    alias never matches a wildcard, so `*/*` does not pick a format by a synonym.
    """
    import mimeparse

    cleaned = clean_accept(accept)
    try:
        ranges = [mimeparse.parse_media_range(entry) for entry in cleaned.split(",")] if cleaned else []
    except (ValueError, mimeparse.MimeTypeParseException):
        ranges = []
    best: tuple[float, int] | None = None
    chosen: Format | None = None
    for position, choice in enumerate(choices):
        quality = mimeparse.quality_parsed(choice.media_type, ranges) if ranges else 0.0
        for alias in choice.aliases:
            kind, subtype = alias.split("/")
            for r_type, r_subtype, params in ranges:
                if (r_type, r_subtype) == (kind, subtype):
                    quality = max(quality, float(params.get("q", 1)))
        if quality > 0 and (best is None or (quality, position) > best):
            best, chosen = (quality, position), choice
    if chosen is None:
        raise NotAcceptable(accept or "")
    return chosen


def by_name(name: str, choices: list[Format]) -> Format:
    """The choice a `?format=` value or a file extension names."""
    for choice in choices:
        if name == choice.name:
            return choice
    raise NotAcceptable(name)


def by_parameter(values: list[str], choices: list[Format]) -> Format | None:
    """The first `format=`/`output=` value that names a choice, or None (then Accept decides).

    Clients send these in many shapes: SPARQLWrapper repeats one format as a short name and as
    a media type, YASGUI sends media types, some send comma-joined lists; empty values and
    values that do not fit the query form (`turtle` for a SELECT) are passed over.
    """
    for value in values:
        for part in value.split(","):
            if part.strip():
                for choice in choices:
                    if choice.is_named(part):
                        return choice
    return None


def languages(header: str | None) -> list[str]:
    """Accept-Language as language tags in order of preference (q=0 dropped, `*` kept)."""
    ranked: list[tuple[float, int, str]] = []
    for position, entry in enumerate((header or "").split(",")):
        tag, _, params = entry.strip().partition(";")
        tag = tag.strip().lower()
        if not re.fullmatch(r"[a-z]{1,8}(-[a-z0-9]{1,8})*|\*", tag):
            continue
        quality = 1.0
        match = re.search(r"q\s*=\s*([0-9.]+)", params)
        if match:
            try:
                quality = float(match[1])
            except ValueError:
                continue
        if quality > 0:
            ranked.append((-quality, position, tag))
    return [tag for _, _, tag in sorted(ranked)]
