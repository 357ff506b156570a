"""How reciprocal Wikidata's P190 (twinned administrative body) is: the share of twinned pairs
stated both ways, overall and per country, and the pairs stated one way only.

Every P190 statement is read in queries small enough for the Wikidata Query Service's 60-second
limit: the items that make one (one query), then their statements and countries for 200 items
at a time (`WikidataClient.items_with`, `rows_for_items`). Answers are cached like every
Wikidata command's.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from twingraph.wikidata.client import ENTITY, qid_of

if TYPE_CHECKING:
    from twingraph.wikidata.client import WikidataClient


@dataclass(frozen=True)
class CountryShare:
    country: str  # its label, or its QID
    qid: str
    pairs: int
    both_ways: int


@dataclass
class Reciprocity:
    """Pairs of places twinned by P190, and how many are stated both ways."""

    pairs: int
    both_ways: int
    by_country: list[CountryShare] = field(default_factory=list)
    one_way: list[tuple[str, str]] = field(default_factory=list)  # (item that lists, item that does not)
    names: dict[str, str] = field(default_factory=dict)

    @property
    def share(self) -> float:
        return self.both_ways / self.pairs if self.pairs else 0.0


def reciprocity(client: WikidataClient) -> Reciprocity:
    """Read every P190 statement and each place's country from the endpoint."""
    stated: set[tuple[str, str]] = set()
    items = client.items_with("wdt:P190")
    for row in client.rows_for_items(items, "?item wdt:P190 ?partner", "?item ?partner"):
        item, partner = str(row["item"]), str(row["partner"])
        if item.startswith(ENTITY) and partner.startswith(ENTITY) and item != partner:
            stated.add((qid_of(item), qid_of(partner)))
    countries: dict[str, set[str]] = defaultdict(set)
    for row in client.rows_for_items(items, "?item wdt:P17 ?country", "?item ?country"):
        if str(row["country"]).startswith(ENTITY):
            countries[qid_of(str(row["item"]))].add(qid_of(str(row["country"])))
    pairs = {tuple(sorted(pair)) for pair in stated}
    both = {pair for pair in pairs if pair in stated and pair[::-1] in stated}
    per_country: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for pair in pairs:
        for country in countries.get(pair[0], set()) | countries.get(pair[1], set()):
            per_country[country][0] += 1
            per_country[country][1] += pair in both
    one_way = sorted((a, b) for a, b in stated if (b, a) not in stated)
    names = _labels(client, set(per_country) | {q for pair in one_way for q in pair})
    by_country = sorted(
        (CountryShare(names.get(q, q), q, n, m) for q, (n, m) in per_country.items()),
        key=lambda c: (-c.pairs, c.country),
    )
    return Reciprocity(len(pairs), len(both), by_country, one_way, names)


def _labels(client: WikidataClient, qids: set[str]) -> dict[str, str]:
    """English labels, else German, else any, of these items (in batches, cached)."""
    from twingraph.wikidata.importer import entity_name

    entities = client.labels(qids)
    return {qid: entity_name(entity, qid) for qid, entity in entities.items()}
