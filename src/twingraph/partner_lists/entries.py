"""A list's rows as entries: who is twinned with whom, with dates, kind, status and themes read,
and every problem of a row kept with its line number."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from twingraph.partner_lists.reading import ListRow
from twingraph.partner_lists.values import CellError, ListDate, kind_of, parse_date, status_of, themes_of
from twingraph.wikidata.reconcile import Name


@dataclass
class Entry:
    """One row's partnership."""

    line: int
    place: Name
    partner: Name
    place_qid: str | None = None
    partner_qid: str | None = None
    since: ListDate | None = None
    until: ListDate | None = None
    kind: str = "UnspecifiedKind"
    status: str | None = None
    status_since: ListDate | None = None
    themes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # the list's own words, in its language
    remarks: list[str] = field(default_factory=list)  # twingraph's, in English ("kind in the list: …")
    partner_coordinates: tuple[str, str] | None = None
    place_coordinates: tuple[str, str] | None = None


@dataclass
class Problems:
    """What could not be used: rows skipped, and cells left out (each with its line)."""

    skipped: list[tuple[int, str]] = field(default_factory=list)
    cells: list[tuple[int, str]] = field(default_factory=list)
    warnings: list[tuple[int, str]] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)  # with the project's other files


def entries_of(
    rows: Sequence[ListRow], *, city: str | None, city_qid: str | None, date_format: str | None,
    themes: dict[str, str],
) -> tuple[list[Entry], Problems]:  # fmt: skip
    """The rows as entries; rows without a partner (or place) are skipped and reported."""
    problems = Problems()
    entries = []
    for row in rows:
        values = row.fields
        partner_name = values.get("partner")
        place_name = values.get("place") or city
        if not partner_name or not place_name:
            problems.skipped.append((row.line, "no partner" if not partner_name else "no place"))
            continue
        entry = Entry(
            row.line,
            Name("place", place_name, values.get("place_country", "")),
            Name("place", partner_name, values.get("country", "")),
            place_qid=values.get("place_qid") or (city_qid if not values.get("place") else None),
            partner_qid=values.get("qid"),
        )
        entry.since = _date(values, "since", row.line, date_format, problems)
        entry.until = _date(values, "until", row.line, date_format, problems)
        entry.status_since = _date(values, "status_since", row.line, date_format, problems)
        entry.kind, unknown_kind = kind_of(values.get("kind"))
        if unknown_kind:
            entry.remarks.append(f"kind in the list: {unknown_kind}")
            problems.warnings.append(
                (row.line, f"the kind {unknown_kind!r} is none we know: unspecified, kept as a note")
            )
        _status(entry, values, problems)
        if "themes" in values:
            entry.themes, unknown = themes_of(values["themes"], themes)
            for text in unknown:
                entry.remarks.append(f"theme in the list: {text}")
                problems.warnings.append((row.line, f"the theme {text!r} is none of ours: kept as a note"))
        if "note" in values:
            entry.notes.append(values["note"])
        entry.partner_coordinates = _coordinates(values, "lat", "lng", row.line, problems)
        entry.place_coordinates = _coordinates(values, "place_lat", "place_lng", row.line, problems)
        entries.append(entry)
    return entries, problems


def _date(values: dict[str, str], name: str, line: int, date_format: str | None, problems: Problems) -> ListDate | None:
    if name not in values:
        return None
    try:
        return parse_date(values[name], date_format=date_format)
    except CellError as exc:
        problems.cells.append((line, f"{name}: {exc}; the row is kept without it"))
        return None


def _status(entry: Entry, values: dict[str, str], problems: Problems) -> None:
    if "status" not in values:
        return
    status = status_of(values["status"])
    if status is None:
        entry.remarks.append(f"status in the list: {values['status']}")
        problems.warnings.append((entry.line, f"the status {values['status']!r} is none we know: kept as a note"))
        return
    when = entry.status_since or (entry.until if status == "Ended" else None)
    if status != "Active" and when is None:
        # The list gives the status as it stands: recorded with its date unknown, sourced to the row.
        problems.warnings.append(
            (entry.line, f"status: {values['status']!r} has no date (status_since): recorded with its date unknown")
        )
    entry.status, entry.status_since = status, when


def _coordinates(values: dict[str, str], lat: str, lng: str, line: int, problems: Problems) -> tuple[str, str] | None:
    if lat not in values or lng not in values:
        return None
    try:
        latitude, longitude = float(values[lat].replace(",", ".")), float(values[lng].replace(",", "."))
    except ValueError:
        problems.cells.append((line, f"{lat}/{lng}: {values[lat]!r}, {values[lng]!r} are not decimal degrees"))
        return None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        problems.cells.append((line, f"{lat}/{lng}: {latitude}, {longitude} lie outside the globe"))
        return None
    return (f"{latitude:.6f}".rstrip("0").rstrip("."), f"{longitude:.6f}".rstrip("0").rstrip("."))
