"""Matching a list's names of places and countries to Wikidata items, with nothing guessed.

A name matches an item whose label or alias is exactly that name, in the list's language or
in Wikidata's `mul` (the label for all languages); a place's item must be a human settlement
or an administrative unit (P31/P279*); a country's item must be a country or a sovereign
state. Where the list gives a place's country, a candidate counts only if Wikidata confirms
it (P17): one in another country is dropped, and one whose country is unknown, or whose list
country matched no item, is not enough. Every name ends in one of these states:

- matched: exactly one (confirmed) candidate;
- ambiguous: several, listed with their descriptions for a person to choose;
- unconfirmed: candidates whose country cannot be confirmed, listed, none chosen;
- unmatched: none.

Nothing is guessed: only a matched name gets a QID without a person. For the others the
review table also suggests the project's own places spelled within a small edit distance
(Berkely: Berkeley), never chosen by itself.

The review table (`--review FILE.csv`) lists every name with its state, candidates,
suggestions and the chosen QID. It is the import's memory, the loop OpenRefine users know: a
QID a person fills in wins on the next run, and so does every earlier answer (a match, a
person's choice) unless a person changed that row. Rows of names the list no longer has are
kept as they were.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from twingraph.wikidata.client import QID

if TYPE_CHECKING:
    from twingraph.wikidata.client import WikidataClient

PLACE_CLASSES = ("Q486972", "Q56061")  # human settlement, administrative territorial entity
COUNTRY_CLASSES = ("Q6256", "Q3624078")  # country, sovereign state
MATCHED, AMBIGUOUS, UNMATCHED, REVIEWED, GIVEN = "matched", "ambiguous", "unmatched", "reviewed", "given"
UNCONFIRMED = "unconfirmed"
NEEDS_REVIEW = (AMBIGUOUS, UNCONFIRMED, UNMATCHED)
REVIEW_COLUMNS = ("kind", "name", "country", "state", "candidates", "suggestions", "qid")
# A suggestion is a name of the project's within this many edits (insert, delete, change a letter).
SUGGESTION_DISTANCE = 2


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
    # Names of the project's spelled alike: (QID or IRI, what it is), for a person to consider.
    suggestions: list[tuple[str, str]] = field(default_factory=list)

    @property
    def needs_review(self) -> bool:
        return self.state in NEEDS_REVIEW


@dataclass(frozen=True)
class Review:
    """What an earlier run's review table says: the QIDs a person chose, the earlier matches
    that stand until a person changes their row, and every row as it was written."""

    chosen: dict[Name, str] = field(default_factory=dict)
    matched: dict[Name, str] = field(default_factory=dict)
    rows: dict[Name, list[str]] = field(default_factory=dict)
    # Columns a person added (a comment, who checked it): kept, with their cells, in every row.
    extra_columns: tuple[str, ...] = ()
    extra: dict[Name, list[str]] = field(default_factory=dict)

    def as_written(self, name: Name) -> Match | None:
        """A name's row as the table has it (its state and candidates), for a run that matches nothing."""
        row = self.rows.get(name)
        if row is None:
            return None
        state, candidates = row[REVIEW_COLUMNS.index("state")], row[REVIEW_COLUMNS.index("candidates")]
        if state not in NEEDS_REVIEW:
            return None
        listed = [part.strip().partition(" ") for part in candidates.split(";") if part.strip()]
        return Match(
            name, state, None, [(qid, rest.strip().removeprefix("(").removesuffix(")")) for qid, _, rest in listed]
        )

    def answered(self) -> dict[Name, Match]:
        """The names this review already answers, as the matches they stay."""
        return {
            **{name: Match(name, MATCHED, qid, [(qid, "")]) for name, qid in self.matched.items()},
            **{name: Match(name, REVIEWED, qid) for name, qid in self.chosen.items()},
        }


def reconcile(
    names: Sequence[Name], client: WikidataClient, *, languages: Sequence[str], review: Review
) -> dict[Name, Match]:
    """Countries first (a place's country narrows its candidates), then places; the names the
    review already answers are not asked again."""
    matches: dict[Name, Match] = {}
    answered = review.answered()
    countries = [n for n in names if n.kind == "country"]
    places = [n for n in names if n.kind == "place"]
    matches.update(_match(countries, client, languages, answered, COUNTRY_CLASSES, {}))
    country_qids = {n.text: m.qid for n, m in matches.items() if m.qid}
    matches.update(_match(places, client, languages, answered, PLACE_CLASSES, country_qids))
    return matches


def _match(
    names: Sequence[Name], client: WikidataClient, languages: Sequence[str], answered: dict[Name, Match],
    classes: Sequence[str], country_qids: dict[str, str],
) -> dict[Name, Match]:  # fmt: skip
    matches = {name: answered[name] for name in names if name in answered}
    open_names = [name for name in names if name not in matches]
    if not open_names:
        return matches
    named = client.items_named(sorted({n.text for n in open_names}), [*languages, "mul"])
    fitting = client.instances(named, classes) if named else set()
    located = fitting and any(n.country for n in open_names)
    entities = client.entities(fitting) if located else {}
    items_by_text: dict[str, set[str]] = {}  # the other way round: one look-up a name, not a scan of every item
    for qid, texts in named.items():
        if qid in fitting:
            for text in texts:
                items_by_text.setdefault(text, set()).add(qid)
    for name in open_names:
        candidates = sorted(items_by_text.get(name.text, ()))
        matches[name] = _judged(name, candidates, country_qids.get(name.country), entities)
    listed = {q for m in matches.values() if m.state in (AMBIGUOUS, UNCONFIRMED) for q, _ in m.candidates}
    if listed:
        described = client.descriptions(listed, languages)
        for match in matches.values():
            match.candidates = [(q, described.get(q, "")) for q, _ in match.candidates]
    return matches


def _judged(name: Name, candidates: list[str], country: str | None, entities: dict[str, Any]) -> Match:
    """A name's state from its candidates: where the list gives a country, only the candidates
    Wikidata places in it count; those whose country is unknown are listed, not chosen."""
    if name.country:
        known = [q for q in candidates if q in entities and entities[q].countries]
        confirmed = [q for q in known if country and country in entities[q].countries]
        unconfirmable = [q for q in candidates if q not in known]
        if not confirmed and unconfirmable:
            return Match(name, UNCONFIRMED, None, [(q, "") for q in unconfirmable])
        candidates = confirmed
    state = MATCHED if len(candidates) == 1 else AMBIGUOUS if candidates else UNMATCHED
    return Match(name, state, candidates[0] if state == MATCHED else None, [(q, "") for q in candidates])


def suggest(matches: Sequence[Match], known: dict[str, tuple[str, str]]) -> None:
    """Add to each name that needs review the project's names within SUGGESTION_DISTANCE edits of
    it (`known`: a name to (QID or IRI, what it is)), nearest first, the same name included (a
    place the project has, which Wikidata cannot confirm in the list's country); none is chosen."""
    from rapidfuzz import process
    from rapidfuzz.distance import Levenshtein

    if not known:
        return
    choices = list(known)
    # Case-folded once here: a `processor` would fold every choice again for every name (18k names
    # against the world's 15k took 22 s). And only names of a length within the distance can be
    # within it: each name is compared with those alone.
    by_length: dict[int, tuple[list[str], list[int]]] = {}
    for index, text in enumerate(choices):
        folded_text = text.casefold()
        folded, indexes = by_length.setdefault(len(folded_text), ([], []))
        folded.append(folded_text)
        indexes.append(index)
    for match in matches:
        if not match.needs_review or match.name.kind != "place":
            continue
        name = match.name.text.casefold()
        nearby: list[str] = []
        positions: list[int] = []
        for length in range(len(name) - SUGGESTION_DISTANCE, len(name) + SUGGESTION_DISTANCE + 1):
            folded, indexes = by_length.get(length, ([], []))
            nearby += folded
            positions += indexes
        near = process.extract(name, nearby, scorer=Levenshtein.distance, score_cutoff=SUGGESTION_DISTANCE, limit=None)
        # The five nearest, ties in the project's order, as one comparison with every name gives them.
        nearest = sorted((distance, positions[at]) for _, distance, at in near)[:5]
        found = sorted((distance, choices[index]) for distance, index in nearest)
        match.suggestions = list(dict.fromkeys(known[text] for _, text in found))


def review_table(matches: Sequence[Match], review: Review | None = None) -> bytes:
    """The review table: a row per name; fill `qid` where a person has chosen. Rows of an
    earlier table whose names this run did not have are kept as they were."""
    review = review or Review()
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([*REVIEW_COLUMNS, *review.extra_columns])
    rows = {match.name: _row(match) for match in matches}
    for name, row in review.rows.items():
        rows.setdefault(name, row)
    blank = [""] * len(review.extra_columns)
    for name in sorted(rows, key=lambda n: (n.kind, n.text, n.country)):
        writer.writerow([*rows[name], *review.extra.get(name, blank)])
    return buffer.getvalue().encode("utf-8")


def _row(match: Match) -> list[str]:
    candidates = "; ".join(f"{q} ({d})" if d else q for q, d in match.candidates)
    suggestions = "; ".join(f"{q} ({d})" for q, d in match.suggestions)
    name = match.name
    return [name.kind, name.text, name.country, match.state, candidates, suggestions, match.qid or ""]


def read_review(path: Path) -> Review:
    """What a review table says (an absent file is an empty review): a QID in a row the matcher
    wrote it in (matched, its only candidate) is an earlier match; any other is a person's choice."""
    from twingraph.errors import InputError, display_path

    if not path.exists():
        return Review()
    try:
        table = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig")))
        rows = list(table)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"{display_path(path)} cannot be read as a review table: {exc}.") from None
    added = tuple(c for c in table.fieldnames or () if c and c not in REVIEW_COLUMNS)
    review = Review(extra_columns=added)
    for number, row in enumerate(rows, start=2):
        name = Name(row.get("kind") or "place", row.get("name") or "", row.get("country") or "")
        review.rows[name] = [(row.get(column) or "") for column in REVIEW_COLUMNS]
        review.extra[name] = [(row.get(column) or "") for column in added]
        qid = (row.get("qid") or "").strip()
        if not qid:
            continue
        if not QID.fullmatch(qid):
            raise InputError(
                f"{display_path(path)}, line {number}: {qid!r} is not a Wikidata QID (Q123). "
                "Write the item's QID in the qid column, or leave it empty."
            )
        if row.get("state") == GIVEN:
            continue  # the list's own QID: the list gives it again
        if row.get("state") == MATCHED and qid == (row.get("candidates") or "").split(" ")[0]:
            review.matched[name] = qid
        else:
            review.chosen[name] = qid
    return review
