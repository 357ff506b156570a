"""Matching a list's names of places and countries to Wikidata items, with nothing guessed.

A name matches an item whose label or alias is exactly that name, in the list's language or
in Wikidata's `mul` (the label for all languages); a place's item must be a human settlement
or an administrative unit (P31/P279*), in the given country where that is known; a country's
item must be a country or a sovereign state. Every name ends in one of three states:

- matched: exactly one candidate;
- ambiguous: several, listed with their descriptions for a person to choose;
- unmatched: none.

The review table (`--review FILE.csv`) lists every name with its state, candidates and the
chosen QID. A QID that a person fills into it wins over matching on the next run: the loop
OpenRefine users know.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from twingraph.wikidata.client import QID

if TYPE_CHECKING:
    from twingraph.wikidata.client import WikidataClient

PLACE_CLASSES = ("Q486972", "Q56061")  # human settlement, administrative territorial entity
COUNTRY_CLASSES = ("Q6256", "Q3624078")  # country, sovereign state
MATCHED, AMBIGUOUS, UNMATCHED, REVIEWED, GIVEN = "matched", "ambiguous", "unmatched", "reviewed", "given"
REVIEW_COLUMNS = ("kind", "name", "country", "state", "candidates", "qid")


@dataclass(frozen=True)
class Name:
    """A name to match: a place (in a country, where the list says) or a country."""

    kind: str  # "place" or "country"
    text: str
    country: str = ""  # the place's country as the list names it


@dataclass
class Match:
    """What a name became: its state, the QID where there is one, and the candidates."""

    name: Name
    state: str
    qid: str | None = None
    candidates: list[tuple[str, str]] = field(default_factory=list)  # (QID, description)

    @property
    def needs_review(self) -> bool:
        return self.state in (AMBIGUOUS, UNMATCHED)


def reconcile(
    names: Sequence[Name], client: WikidataClient, *, languages: Sequence[str], reviewed: dict[Name, str]
) -> dict[Name, Match]:
    """Countries first (a place's country narrows its candidates), then places."""
    matches: dict[Name, Match] = {}
    countries = [n for n in names if n.kind == "country"]
    places = [n for n in names if n.kind == "place"]
    matches.update(_match(countries, client, languages, reviewed, COUNTRY_CLASSES, {}))
    country_qids = {n.text: m.qid for n, m in matches.items() if m.qid}
    matches.update(_match(places, client, languages, reviewed, PLACE_CLASSES, country_qids))
    return matches


def _match(
    names: Sequence[Name], client: WikidataClient, languages: Sequence[str], reviewed: dict[Name, str],
    classes: Sequence[str], country_qids: dict[str, str],
) -> dict[Name, Match]:  # fmt: skip
    matches = {name: Match(name, REVIEWED, reviewed[name]) for name in names if name in reviewed}
    open_names = [name for name in names if name not in matches]
    if not open_names:
        return matches
    named = client.items_named(sorted({n.text for n in open_names}), [*languages, "mul"])
    fitting = client.instances(named, classes) if named else set()
    entities = client.entities(fitting) if fitting and country_qids else {}
    for name in open_names:
        candidates = sorted(q for q, texts in named.items() if name.text in texts and q in fitting)
        wanted_country = country_qids.get(name.country)
        if wanted_country:
            candidates = [q for q in candidates if q in entities and wanted_country in entities[q].countries]
        state = MATCHED if len(candidates) == 1 else AMBIGUOUS if candidates else UNMATCHED
        matches[name] = Match(name, state, candidates[0] if state == MATCHED else None, [(q, "") for q in candidates])
    ambiguous = {q for m in matches.values() if m.state == AMBIGUOUS for q, _ in m.candidates}
    if ambiguous:
        described = client.descriptions(ambiguous, languages)
        for match in matches.values():
            match.candidates = [(q, described.get(q, "")) for q, _ in match.candidates]
    return matches


def review_table(matches: Sequence[Match]) -> bytes:
    """The review table: a row per name; fill `qid` where a person has chosen."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(REVIEW_COLUMNS)
    for match in sorted(matches, key=lambda m: (m.name.kind, m.name.text, m.name.country)):
        candidates = "; ".join(f"{q} ({d})" if d else q for q, d in match.candidates)
        writer.writerow(
            [match.name.kind, match.name.text, match.name.country, match.state, candidates, match.qid or ""]
        )
    return buffer.getvalue().encode("utf-8")


def read_review(path: Path) -> dict[Name, str]:
    """The QIDs a person filled into a review table; an absent file is an empty review."""
    from twingraph.errors import InputError, display_path

    if not path.exists():
        return {}
    try:
        rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"{display_path(path)} cannot be read as a review table: {exc}.") from None
    chosen: dict[Name, str] = {}
    for number, row in enumerate(rows, start=2):
        qid = (row.get("qid") or "").strip()
        if not qid:
            continue
        if not QID.fullmatch(qid):
            raise InputError(f"{display_path(path)}, line {number}: {qid!r} is not a Wikidata QID (Q123).")
        if row.get("state") in (MATCHED, GIVEN) and qid == (row.get("candidates") or qid).split(" ")[0]:
            continue  # the matcher's own answer, echoed: matching gives it again
        chosen[Name(row.get("kind", "place"), row.get("name", ""), row.get("country", ""))] = qid
    return chosen
