"""The values of a partner list's cells: dates with their precision, kinds, statuses, themes.

Dates: `1952`, `1972-08-14`, `14.08.1972`, `1972-08`, `08/1972`, `seit 1988`, `since 1988`,
`1988년`; a date that could be read two ways (`05/06/1972`) is refused unless the list's date
format is given. Kinds and statuses: the English and German words cities use (and Korean
ones for the kinds), never a guess: an unknown kind is `tw:UnspecifiedKind` with the text
kept as a note.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from twingraph.iris import TW

DATE_FORMATS = ("DMY", "MDY")


class CellError(Exception):
    """A cell that cannot be read; the message says why."""


@dataclass(frozen=True)
class ListDate:
    """A date with its precision, as our ontology writes it."""

    value: str
    datatype: str  # xsd local name: date, gYearMonth or gYear
    precision: str  # our precision concept's local name


def parse_date(text: str, *, date_format: str | None = None) -> ListDate:
    """A cell's date; CellError when it cannot be read, or could be read two ways."""
    cleaned = re.sub(r"^(seit|since|ab|from|von)\s+", "", text.strip(), flags=re.IGNORECASE)
    cleaned = re.sub(r"\s*(년|年)$", "", cleaned).strip()
    if re.fullmatch(r"\d{4}", cleaned):
        return ListDate(cleaned, "gYear", "YearPrecision")
    if re.fullmatch(r"\d{4}0?s|\d{3}0er(\s*jahre)?", cleaned, flags=re.IGNORECASE):
        return ListDate(cleaned[:3] + "0", "gYear", "DecadePrecision")
    match = re.fullmatch(r"(\d{4})-(\d{1,2})(?:-(\d{1,2}))?", cleaned)
    if match:
        return _day_or_month(match[1], match[2], match[3], text)
    match = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", cleaned)
    if match:
        return _day_or_month(match[3], match[2], match[1], text)
    match = re.fullmatch(r"(\d{1,2})[/.](\d{4})", cleaned)
    if match:
        return _day_or_month(match[2], match[1], None, text)
    match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", cleaned)
    if match:
        first, second, year = int(match[1]), int(match[2]), match[3]
        if date_format is None and first <= 12 and second <= 12 and first != second:
            raise CellError(f"the date {text!r} could be day/month or month/day; give --date-format DMY or MDY")
        day, month = (first, second) if (date_format or ("DMY" if first > 12 else "MDY")) == "DMY" else (second, first)
        return _day_or_month(year, str(month), str(day), text)
    raise CellError(f"the date {text!r} cannot be read (give years as 1952, days as 1972-08-14 or 14.08.1972)")


def _day_or_month(year: str, month: str, day: str | None, text: str) -> ListDate:
    import datetime

    try:
        if day is None:
            datetime.date(int(year), int(month), 1)
            return ListDate(f"{year}-{int(month):02d}", "gYearMonth", "MonthPrecision")
        datetime.date(int(year), int(month), int(day))
    except ValueError:
        raise CellError(f"the date {text!r} does not exist") from None
    return ListDate(f"{year}-{int(month):02d}-{int(day):02d}", "date", "DayPrecision")


# The words for each kind (compared in lower case, after the first matching one).
KIND_WORDS = {
    "ProjectPartnership": ("projektpartnerschaft", "project partnership", "project"),
    "Friendship": ("freundschaft", "städtefreundschaft", "friendship", "friendship city", "우호", "우호교류",
                   "우호협력", "友好"),
    "Contact": ("kontakt", "contact", "contacts", "kontakte"),
    "Sponsorship": ("patenschaft", "sponsorship"),
    "Cooperation": ("kooperation", "cooperation", "co-operation", "zusammenarbeit"),
    "TownTwinning": ("partnerschaft", "städtepartnerschaft", "partnerstadt", "town twinning", "twinning",
                     "twin town", "twin city", "sister city", "sister cities", "sister-city", "jumelage",
                     "gemellaggio", "자매", "자매결연", "자매도시", "姉妹都市"),
}  # fmt: skip
STATUS_WORDS = {
    "Suspended": ("ausgesetzt", "suspended", "ruhend", "ruht", "eingefroren", "frozen", "on hold", "paused"),
    "Ended": ("beendet", "ended", "aufgelöst", "terminated", "aufgekündigt", "gekündigt", "dissolved", "inactive"),
    "Revived": ("wiederbelebt", "revived", "reaktiviert", "reactivated", "renewed"),
    "Active": ("aktiv", "active", "lebendig", "bestehend", "current"),
}


def kind_of(text: str | None) -> tuple[str, str | None]:
    """Our kind's local name for a cell, and the cell's text where it names no kind we know."""
    if not text:
        return "UnspecifiedKind", None
    lowered = text.strip().lower()
    for kind, words in KIND_WORDS.items():
        if lowered in words or any(word in lowered for word in words if len(word) > 4 or not word.isascii()):
            return kind, None
    return "UnspecifiedKind", text.strip()


def status_of(text: str) -> str | None:
    """Our status concept's local name for a cell, or None where the word is unknown."""
    lowered = text.strip().lower()
    for status, words in STATUS_WORDS.items():
        if lowered in words or any(word in lowered for word in words if len(word) > 5):
            return status
    return None


def themes_of(text: str, known: dict[str, str]) -> tuple[list[str], list[str]]:
    """Our themes for a cell (`known` maps lower-case labels to theme IRIs), and the unknown parts."""
    found, unknown = [], []
    for part in re.split(r"[,;/|]", text):
        part = part.strip()
        if not part:
            continue
        iri = known.get(part.lower())
        (found.append(iri) if iri else unknown.append(part))
    return found, unknown


def concept(local: str) -> str:
    """A concept IRI of our ontology."""
    return TW + local
