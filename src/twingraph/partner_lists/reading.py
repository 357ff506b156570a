"""Reading a city's partner list: its bytes, encoding, delimiter and columns, into rows of fields.

Cities publish their partners in their own columns (`PartnerCity`, `Partnerstadt`, `city2`,
`seit dem Jahr`, …). Each column is mapped to one of our fields: by `--map FIELD=COLUMN`,
else by the common English and German names below (compared without case, spaces or
punctuation). Encodings: UTF-8 with or without a byte order mark, else Windows-1252, which
many German municipal exports use. Delimiters (comma, semicolon, tab) are sniffed.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from twingraph.errors import InputError, display_path
from twingraph.rdf.input_checks import refuse_control_characters

# Our fields, with what each holds (the README's table says the same).
FIELDS = {
    "place": "the city whose list it is",
    "place_country": "the country of place",
    "partner": "the partner city",
    "country": "the partner's country",
    "since": "start of the partnership",
    "until": "end of the partnership",
    "kind": "the kind of relation",
    "status": "active, suspended or ended",
    "status_since": "since when the status holds",
    "themes": "themes of the partnership",
    "qid": "the partner's Wikidata item",
    "place_qid": "the place's Wikidata item",
    "lat": "the partner's latitude",
    "lng": "the partner's longitude",
    "place_lat": "the place's latitude",
    "place_lng": "the place's longitude",
    "note": "free text",
}
# Column names recognised without --map, normalised (lower case, letters and digits only).
KNOWN_COLUMNS = {
    "place": ("place", "city", "city1", "stadt", "kommune", "gemeinde", "ort", "uscity", "source", "home"),
    "place_country": ("placecountry", "country1", "land1", "staat1"),
    "partner": ("partner", "partnercity", "partnerstadt", "partnergemeinde", "partnerkommune", "partnerort",
                "city2", "target", "name", "sistercity", "twintown"),
    "country": ("country", "partnercountry", "partnercitycountry", "country2", "land", "staat", "land2", "nation"),
    "since": ("since", "start", "startdate", "established", "dateestablished", "dateeablished", "year", "seit",
              "seitdemjahr", "jahr", "beginn", "begin", "datum", "date", "signed"),
    "until": ("until", "end", "enddate", "bis", "ende", "ended"),
    "kind": ("kind", "type", "relationship", "relation", "art", "form", "typ", "agreementtype"),
    "status": ("status", "zustand", "state"),
    "status_since": ("statussince", "statusseit", "statusdate"),
    "themes": ("themes", "theme", "field", "fields", "themen", "bereich", "bereiche", "areas"),
    "qid": ("qid", "wikidata", "partnerqid", "wikidataid"),
    "place_qid": ("placeqid", "cityqid", "qid1"),
    "lat": ("lat", "latitude", "lat2", "breite", "breitengrad"),
    "lng": ("lng", "lon", "long", "longitude", "lng2", "lon2", "laenge", "länge", "laengengrad"),
    "place_lat": ("placelat", "lat1", "placelatitude"),
    "place_lng": ("placelng", "lng1", "lon1", "placelongitude"),
    "note": ("note", "notes", "bemerkung", "bemerkungen", "anmerkung", "comment", "comments", "kommentar"),
}  # fmt: skip
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}


@dataclass(frozen=True)
class ListRow:
    """One row of the list: its line number in the file and its fields (empty ones left out)."""

    line: int
    fields: dict[str, str]


@dataclass
class PartnerList:
    """A read list: its rows, and how it was read."""

    path: Path
    encoding: str
    delimiter: str
    columns: dict[str, str]  # field -> column name
    rows: list[ListRow] = field(default_factory=list)


def _normalised(column: str) -> str:
    return re.sub(r"[^0-9a-zäöüß]+", "", column.strip().lower())


def decode(path: Path, data: bytes) -> tuple[str, str]:
    """The text of a list and its encoding; binary files are refused."""
    if not data.strip():
        raise InputError(f"{display_path(path)} is empty: a partner list needs a header row and rows.")
    if b"\x00" in data[:4096]:
        raise InputError(f"{display_path(path)} is not a text file (it holds NUL bytes); give the list as CSV.")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "UTF-8 with BOM"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "Windows-1252"


def read_list(path: Path, *, mapping: dict[str, str], max_bytes: int, city_given: bool) -> PartnerList:
    """Read a partner list; InputError (nothing written) when a required field has no column."""
    try:
        if path.stat().st_size > max_bytes:
            raise InputError(f"{display_path(path)} is larger than the input cap ({max_bytes // 2**20} MiB).")
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{display_path(path)} cannot be read: {exc.strerror or exc}.") from None
    text, encoding = decode(path, data)
    refuse_control_characters(text, path, escaped=False)  # random bytes read as Windows-1252 are full of them
    first = text.splitlines()[0] if text.splitlines() else ""
    delimiter = max(DELIMITERS, key=lambda d: (first.count(d), d == ","))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, [])
    columns = _columns(path, header, mapping, city_given=city_given)
    position = {name: header.index(column) for name, column in columns.items()}
    rows = []
    for record in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in record):
            continue
        values = {name: record[i].strip() for name, i in position.items() if i < len(record) and record[i].strip()}
        rows.append(ListRow(line, values))
    return PartnerList(path, encoding, DELIMITERS[delimiter], columns, rows)


def _columns(path: Path, header: list[str], mapping: dict[str, str], *, city_given: bool) -> dict[str, str]:
    """Which column holds each field: --map first, then the known names."""
    found: dict[str, str] = {}
    for name, column in mapping.items():
        if name not in FIELDS:
            raise InputError(f"--map {name}=…: there is no field {name!r}; the fields are {', '.join(FIELDS)}.")
        if column not in header:
            raise InputError(
                f"--map {name}={column}: {display_path(path)} has no column {column!r}; "
                f"its columns are {', '.join(repr(c) for c in header)}."
            )
        found[name] = column
    taken = set(found.values())
    for column in header:
        key = _normalised(column)
        for name, known in KNOWN_COLUMNS.items():
            if name not in found and column not in taken and key in known:
                found[name] = column
                taken.add(column)
                break
    wanted = ["partner"] + ([] if city_given else ["place"])
    missing = [name for name in wanted if name not in found]
    if missing:
        raise InputError(
            f"{display_path(path)}: no column holds {' and '.join(missing)}. Its columns are "
            f"{', '.join(repr(c) for c in header)}; name them with --map {missing[0]}=COLUMN"
            + ("" if city_given or "place" not in missing else ", or give the city of every row with --city")
            + "."
        )
    return found
