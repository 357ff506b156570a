"""What an input file must pass before it is parsed, and the errors that say where it fails.

Each check names the file and, where it can, the line: text that is not UTF-8, characters no
XML document can hold, XML declarations (billion laughs, external entities), JSON-LD contexts
that would be fetched, a token longer than the parser holds, and the parser's own syntax
errors with a hint for the usual mistakes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from twingraph.errors import InputError
from twingraph.formats import Format

_XML_DECLARATIONS = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_LANGUAGE_TAG_NEAR = re.compile(r'["\']\s*@[^\s,;.\])]*$')


def decode_utf8(data: bytes, path: Path) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x}). Save the file as UTF-8.",
            path=path,
            line=line,
        ) from None


# Characters XML 1.0 cannot hold (C0 controls but tab, newline and return; U+FFFE and U+FFFF):
# a literal holding one passes validation and then breaks every RDF/XML, GraphML, GEXF and SPARQL
# XML document made of it. Written raw, or escaped (\u0001 in Turtle, N-Triples and JSON).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ESCAPED_CONTROL = re.compile(
    r"\\(?:u(?:00(?:0[0-8bBcCeE]|0[fF]|1[0-9a-fA-F])|[fF]{3}[eEfF])|U0000(?:00(?:0[0-8bBcCeE]|0[fF]|1[0-9a-fA-F])|[fF]{3}[eEfF]))"
)


def control_character(text: str, *, escaped: bool = True) -> tuple[int, str, bool] | None:
    """The first control character that no XML document can hold (or, with `escaped`, its
    \\uXXXX escape): its position, the character, and whether it was escaped; None if none."""
    found = [m for m in (_CONTROL.search(text), _ESCAPED_CONTROL.search(text) if escaped else None) if m]
    if not found:
        return None
    first = min(found, key=lambda m: m.start())
    if len(first.group()) == 1:
        return first.start(), first.group(), False
    return first.start(), chr(int(first.group()[2:], 16)), True


def refuse_control_characters(text: str, path: Path, *, escaped: bool = True) -> None:
    """Raise `InputError` naming the line and code point of the first control character (or,
    with `escaped`, its \\uXXXX escape) that no XML document can hold."""
    found = control_character(text, escaped=escaped)
    if found is None:
        return
    position, character, was_escaped = found
    line = text.count("\n", 0, position) + 1
    written = " (escaped)" if was_escaped else ""
    raise InputError(
        f"the control character U+{ord(character):04X} stands in the text{written}; no XML document (RDF/XML, "
        "GraphML, GEXF, SPARQL results) can hold it, so it is refused. Remove it, or replace it with a space.",
        path=path,
        line=line,
    )


def refuse_xml_declarations(data: bytes, path: Path) -> None:
    match = _XML_DECLARATIONS.search(data)
    if match:
        line = data[: match.start()].count(b"\n") + 1
        kind = match.group(1).decode("ascii").upper()
        raise InputError(
            f"RDF/XML with a {kind} declaration is refused: entities can expand without bound "
            "or read other files. Remove the DOCTYPE and write the values out.",
            path=path,
            line=line,
        )


def refuse_remote_contexts(text: str, path: Path) -> None:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON: {exc.msg}.", path=path, line=exc.lineno) from None
    except RecursionError:
        raise InputError(
            "the JSON is nested too deeply (objects or arrays inside each other hundreds of levels deep); "
            "no twinning data needs that. Flatten the document.",
            path=path,
        ) from None
    for context in _contexts(document):
        if isinstance(context, str):
            raise InputError(
                f"the JSON-LD @context {context!r} is not inline; twingraph never fetches or opens "
                "contexts. Put the context object into the document.",
                path=path,
            )
        if isinstance(context, dict) and "@import" in context:
            raise InputError(
                f"the JSON-LD @context imports {context['@import']!r}; twingraph never fetches or "
                "opens contexts. Put the imported definitions into the document.",
                path=path,
            )


def _contexts(document: Any) -> Iterator[Any]:
    """Every @context value anywhere in a JSON-LD document, lists flattened (without recursion,
    so that deep nesting cannot exhaust the stack)."""
    pending = [document]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "@context":
                    yield from value if isinstance(value, list) else [value]
                pending.append(value)
        elif isinstance(node, list):
            pending.extend(node)


# pyoxigraph's parsers hold one token (a literal, an IRI) in a buffer of at most this size.
MAX_TOKEN_BYTES = 16 * 1024 * 1024


def token_too_long(exc: MemoryError, data: bytes, path: Path) -> InputError:
    """The parser's buffer limit, said as what it means for the file: where the long token is."""
    if "buffer maximal size" not in str(exc):
        return InputError(f"not enough memory to read it ({exc}).", path=path)
    start, line, longest, longest_line = 0, 1, -1, 1
    while start < len(data):
        end = data.find(b"\n", start)
        end = len(data) if end < 0 else end
        if end - start > longest:
            longest, longest_line = end - start, line
        start, line = end + 1, line + 1
    return InputError(
        f"a token (a literal or an IRI) over {MAX_TOKEN_BYTES // 2**20} MiB, the most the RDF parser holds, "
        f"near line {longest_line}. "
        "Shorten that value, or keep large texts outside the RDF and link to them.",
        path=path,
    )


_POSITION = re.compile(r"^Parser error (at|between) [^:]*: ")


def syntax_error(exc: SyntaxError, text: str, fmt: Format, path: Path) -> InputError:
    message = _POSITION.sub("", str(exc.msg)).rstrip(".")
    lines = text.splitlines()
    line = exc.lineno
    column = exc.offset
    if line is not None and line > len(lines):
        # The parser ran off the end of the file: the unfinished statement is on the last line.
        line = max((i + 1 for i, text_line in enumerate(lines) if text_line.strip()), default=1)
        column = None
    hint = _hint(message, lines[line - 1] if line else "", column)
    return InputError(f"{fmt.label} syntax error: {message}.{hint}", path=path, line=line, column=column)


def _hint(message: str, line_text: str, column: int | None) -> str:
    lowered = message.lower()
    at = line_text[column - 1] if column and 0 < column <= len(line_text) else ""
    if "has not been declared" in lowered:
        return " Declare the prefix with @prefix at the top of the file."
    if "end of file" in lowered and at in {'"', "'"}:
        return " The string that starts here is never closed: add the closing quote."
    if "end of file" in lowered or lowered == "unexpected end":
        return " The file ends inside a statement: look for a missing closing quote, '>' or final '.'."
    before = line_text[: (column or len(line_text) + 1) - 1] if line_text else ""
    if "language" in lowered or "subtag" in lowered or _LANGUAGE_TAG_NEAR.search(before):
        return " This looks like a bad language tag: write tags like @en, @de or @pt-BR (BCP 47)."
    if "utf-8" in lowered:
        return " Save the file as UTF-8."
    return ""
