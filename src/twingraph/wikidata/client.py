"""A polite client for Wikidata's SPARQL endpoint (or any store holding Wikidata's RDF model).

Wikimedia's rules for clients: a descriptive User-Agent with a contact (remote.USER_AGENT),
one query at a time, lookups batched with VALUES, 429 and Retry-After honoured (remote.py),
timeouts, and an on-disk cache with an expiry so that re-runs neither repeat work nor load
the service. Only the `wikidata` commands use this module.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from twingraph.errors import TwingraphError
from twingraph.iris import is_language_tag
from twingraph.sparql.remote import Endpoint

if TYPE_CHECKING:
    from rdflib.term import Identifier

WIKIDATA_ENDPOINT = "https://query.wikidata.org/sparql"
ENTITY = "http://www.wikidata.org/entity/"
BATCH = 200
DEFAULT_MAX_AGE = 7 * 24 * 3600
QID = re.compile(r"Q[1-9][0-9]*")

PREFIXES = """PREFIX wd: <http://www.wikidata.org/entity/>
PREFIX wdt: <http://www.wikidata.org/prop/direct/>
PREFIX p: <http://www.wikidata.org/prop/>
PREFIX ps: <http://www.wikidata.org/prop/statement/>
PREFIX pq: <http://www.wikidata.org/prop/qualifier/>
PREFIX pqv: <http://www.wikidata.org/prop/qualifier/value/>
PREFIX pr: <http://www.wikidata.org/prop/reference/>
PREFIX wikibase: <http://wikiba.se/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX schema: <http://schema.org/>
"""
_STATEMENT_VARIABLES = "?item ?partner ?rank ?start ?startPrecision ?end ?endPrecision ?ref"
_STATEMENT_PATTERN = """?item p:P190 ?statement . ?statement ps:P190 ?partner ; wikibase:rank ?rank .
  OPTIONAL { ?statement pqv:P580 ?s . ?s wikibase:timeValue ?start ; wikibase:timePrecision ?startPrecision }
  OPTIONAL { ?statement pqv:P582 ?e . ?e wikibase:timeValue ?end ; wikibase:timePrecision ?endPrecision }
  OPTIONAL { ?statement prov:wasDerivedFrom ?reference . ?reference pr:P854 ?ref }"""
NAME_BATCH = 50  # names per label lookup: the Wikidata Query Service answers these well within its limits


class WikidataError(TwingraphError):
    """A Wikidata lookup could not be made or gave an unusable answer."""


def qid_of(iri_or_qid: str) -> str:
    """'Q2865' from 'Q2865' or 'http://www.wikidata.org/entity/Q2865'."""
    qid = iri_or_qid.rsplit("/", 1)[-1]
    if not QID.fullmatch(qid):
        raise WikidataError(f"{iri_or_qid!r} is not a Wikidata item (Q123 or http://www.wikidata.org/entity/Q123).")
    return qid


@dataclass(frozen=True)
class WikiDate:
    """A Wikidata time value: its lexical form cut to its precision (9 year, 10 month, 11 day, 8 decade)."""

    value: str
    precision: int

    @classmethod
    def parse(cls, timestamp: str, precision: int) -> WikiDate:
        match = re.match(r"^[+]?(-?\d{1,4})-(\d\d)-(\d\d)", timestamp)
        if not match:
            raise WikidataError(f"not a Wikidata time value: {timestamp!r}")
        year, month, day = match.groups()
        year = year.zfill(4)
        if precision >= 11:
            return cls(f"{year}-{month}-{day}", 11)
        if precision == 10:
            return cls(f"{year}-{month}", 10)
        if precision == 9:
            return cls(year, 9)
        return cls(year[:3] + "0", 8)

    def at(self, precision: int) -> str:
        """The value cut to a coarser precision, for comparing with another side."""
        lengths = {11: 10, 10: 7, 9: 4}
        if precision == 8:
            return self.value[:3] + "0"
        return self.value[: lengths[min(precision, 11)]]


@dataclass(frozen=True)
class Statement:
    """One P190 statement: item, partner, rank, dates at their precision, reference URLs."""

    item: str
    partner: str
    rank: str
    start: WikiDate | None = None
    end: WikiDate | None = None
    references: tuple[str, ...] = ()


@dataclass
class Entity:
    """What twingraph uses of a Wikidata item."""

    qid: str
    labels: dict[str, str] = field(default_factory=dict)
    aliases: dict[str, list[str]] = field(default_factory=dict)
    countries: list[str] = field(default_factory=list)
    instance_of: list[str] = field(default_factory=list)
    coordinates: str | None = None
    population: int | None = None
    population_date: WikiDate | None = None


class Cache:
    """SPARQL JSON answers on disk, keyed by endpoint and query, with an expiry."""

    def __init__(self, folder: Path | None, *, max_age: float = DEFAULT_MAX_AGE):
        self.folder = folder
        self.max_age = max_age

    @staticmethod
    def default_folder() -> Path:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        return Path(base) / "twingraph" / "wikidata"

    def _path(self, endpoint: str, query: str) -> Path | None:
        if self.folder is None:
            return None
        key = hashlib.sha256(f"{endpoint}\n{query}".encode()).hexdigest()
        return self.folder / key[:2] / f"{key}.json"

    def get(self, endpoint: str, query: str) -> bytes | None:
        path = self._path(endpoint, query)
        if path is None or not path.is_file():
            return None
        if time.time() - path.stat().st_mtime > self.max_age:
            return None
        try:
            return path.read_bytes()
        except OSError:
            return None

    def put(self, endpoint: str, query: str, body: bytes) -> None:
        path = self._path(endpoint, query)
        if path is None:
            return
        from twingraph.outputs.files import write_atomic

        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, body)
        except (OSError, TwingraphError):
            pass  # a cache that cannot be written only costs speed


class WikidataClient:
    """Batched, cached SELECT queries against one endpoint, one at a time."""

    def __init__(self, endpoint: Endpoint, cache: Cache):
        self.endpoint = endpoint
        self.cache = cache
        self.requests = 0  # queries sent to the endpoint (not answered from the cache)

    def select(self, query: str) -> list[dict[str, Identifier]]:
        """Rows of a SELECT query, from the cache when fresh."""
        import io

        from rdflib.query import Result

        from twingraph.sparql import remote
        from twingraph.sparql.results import serialize

        text = PREFIXES + query
        body = self.cache.get(self.endpoint.url, text)
        if body is None:
            self.requests += 1
            result = remote.run_query(self.endpoint, text, form="SELECT")
            body = serialize(result, "json")
            self.cache.put(self.endpoint.url, text, body)
        else:
            result = Result.parse(io.BytesIO(body), format="json")
        return [{str(k): v for k, v in row.items()} for row in result.bindings]

    def statements(self, qids: Iterable[str], *, about: bool = False) -> list[Statement]:
        """Every P190 statement of these items (with `about`, every statement that names one of
        them as the partner), with rank, start, end and reference URLs."""
        side = "?partner" if about else "?item"
        return _merged_statements(self.rows_for_items(qids, _STATEMENT_PATTERN, _STATEMENT_VARIABLES, bound=side))

    def statements_both_ways(self, qids: Iterable[str]) -> list[Statement]:
        """The P190 statements these items make and those made about them, each once."""
        wanted = set(qids)
        made = self.statements(wanted)
        return made + [s for s in self.statements(wanted, about=True) if s.item not in wanted]

    def all_statements(self) -> list[Statement]:
        """Every P190 statement on the endpoint: the items that make one, then their statements
        for 200 items at a time (`statements`)."""
        return self.statements(self.items_with("p:P190"))

    def items_with(self, predicate: str) -> list[str]:
        """Every item with a statement of this predicate (`p:P190`, `wdt:P190`), in one query.

        A whole-endpoint read is this, then the items' statements in batches: each query small,
        none over the Wikidata Query Service's 60 s limit, and no ORDER BY … LIMIT … OFFSET
        pages, which made the endpoint sort every statement once per page (6.1 s of the world's
        import on a local Oxigraph, against 2.1 s this way).
        """
        rows = self.select(f"SELECT DISTINCT ?item WHERE {{ ?item {predicate} ?value }}")
        return sorted(qid_of(str(row["item"])) for row in rows if str(row["item"]).startswith(ENTITY))

    def rows_for_items(
        self, qids: Iterable[str], pattern: str, variables: str, *, bound: str = "?item"
    ) -> list[dict[str, Identifier]]:
        """`SELECT variables WHERE { pattern }` with `bound` (?item) bound to these items, 200 at a time."""
        rows: list[dict[str, Identifier]] = []
        for batch in _batches(sorted(set(qids))):
            values = " ".join(f"wd:{q}" for q in batch)
            rows += self.select(f"SELECT {variables} WHERE {{ VALUES {bound} {{ {values} }} {pattern} }}")
        return rows

    def entities(self, qids: Iterable[str], languages: Sequence[str] = ()) -> dict[str, Entity]:
        """Labels, aliases, country, class, coordinates and population of these items; labels and
        aliases only in `languages` where given (every language would be a million labels for the world)."""
        found = self.labels(qids, languages)
        only = _language_filter("?alias", languages)
        for batch in _batches(sorted(set(qids))):
            values = " ".join(f"wd:{q}" for q in batch)
            for row in self.select(
                f"SELECT ?item ?alias WHERE {{ VALUES ?item {{ {values} }} ?item skos:altLabel ?alias {only} }}"
            ):
                entity = found.setdefault(qid_of(str(row["item"])), Entity(qid_of(str(row["item"]))))
                entity.aliases.setdefault(getattr(row["alias"], "language", None) or "", []).append(str(row["alias"]))
            for row in self.select(
                f"""SELECT ?item ?country ?class ?coordinates WHERE {{ VALUES ?item {{ {values} }}
  {{ ?item wdt:P17 ?country }} UNION {{ ?item wdt:P31 ?class }} UNION {{ ?item wdt:P625 ?coordinates }} }}"""
            ):
                entity = found.setdefault(qid_of(str(row["item"])), Entity(qid_of(str(row["item"]))))
                if "country" in row and str(row["country"]).startswith(ENTITY):
                    entity.countries.append(qid_of(str(row["country"])))
                if "class" in row and str(row["class"]).startswith(ENTITY):
                    entity.instance_of.append(qid_of(str(row["class"])))
                if "coordinates" in row:
                    entity.coordinates = str(row["coordinates"])
            for row in self.select(
                f"""SELECT ?item ?population ?when ?precision WHERE {{ VALUES ?item {{ {values} }}
  ?item p:P1082 ?statement . ?statement ps:P1082 ?population ; wikibase:rank ?rank .
  FILTER (?rank != wikibase:DeprecatedRank)
  OPTIONAL {{ ?statement pqv:P585 ?t . ?t wikibase:timeValue ?when ; wikibase:timePrecision ?precision }} }}"""
            ):
                entity = found.setdefault(qid_of(str(row["item"])), Entity(qid_of(str(row["item"]))))
                when = (
                    WikiDate.parse(str(row["when"]), int(row["precision"]))
                    if "when" in row and "precision" in row
                    else None
                )
                # The newest figure wins.
                if entity.population is None or (
                    when and (entity.population_date is None or when.value > entity.population_date.value)
                ):
                    entity.population = int(float(str(row["population"])))
                    entity.population_date = when
        for entity in found.values():
            entity.countries = sorted(set(entity.countries))
            entity.instance_of = sorted(set(entity.instance_of))
        return found

    def labels(self, qids: Iterable[str], languages: Sequence[str] = ()) -> dict[str, Entity]:
        """The labels of these items (in `languages`, else in every language), as entities with nothing else."""
        found: dict[str, Entity] = {}
        only = _language_filter("?label", languages)
        for batch in _batches(sorted(set(qids))):
            values = " ".join(f"wd:{q}" for q in batch)
            for row in self.select(
                f"SELECT ?item ?label WHERE {{ VALUES ?item {{ {values} }} ?item rdfs:label ?label {only} }}"
            ):
                entity = found.setdefault(qid_of(str(row["item"])), Entity(qid_of(str(row["item"]))))
                entity.labels[getattr(row["label"], "language", None) or ""] = str(row["label"])
        return found

    def items_named(self, names: Sequence[str], languages: Sequence[str]) -> dict[str, set[str]]:
        """Items whose label or alias is exactly one of these names in one of these languages: QID -> names.

        The names go in as a VALUES block of language-tagged literals, about 50 names at a time,
        matched against labels and aliases by equality: never a string FILTER over all labels.
        """
        from twingraph.sparql.text import string_literal

        found: dict[str, set[str]] = {}
        literals = [f"{string_literal(name)}@{language}" for name in names for language in languages]
        for batch in _batches(literals, NAME_BATCH * max(1, len(languages))):
            for row in self.select(
                f"""SELECT ?item ?name WHERE {{ VALUES ?name {{ {" ".join(batch)} }}
  {{ ?item rdfs:label ?name }} UNION {{ ?item skos:altLabel ?name }} }}"""
            ):
                if str(row["item"]).startswith(ENTITY):
                    found.setdefault(qid_of(str(row["item"])), set()).add(str(row["name"]))
        return found

    def instances(self, qids: Iterable[str], classes: Iterable[str]) -> set[str]:
        """Of these items, those that are instances of one of these classes or of their subclasses."""
        found: set[str] = set()
        wanted = " ".join(f"wd:{c}" for c in sorted(set(classes)))
        for batch in _batches(sorted(set(qids))):
            for row in self.select(
                f"""SELECT DISTINCT ?item WHERE {{ VALUES ?item {{ {" ".join(f"wd:{q}" for q in batch)} }}
  VALUES ?class {{ {wanted} }} ?item wdt:P31/wdt:P279* ?class }}"""
            ):
                found.add(qid_of(str(row["item"])))
        return found

    def descriptions(self, qids: Iterable[str], languages: Sequence[str]) -> dict[str, str]:
        """A description of each item, in the first of these languages that has one."""
        found: dict[str, dict[str, str]] = {}
        for batch in _batches(sorted(set(qids))):
            for row in self.select(
                f"""SELECT ?item ?description WHERE {{ VALUES ?item {{ {" ".join(f"wd:{q}" for q in batch)} }}
  ?item schema:description ?description }}"""
            ):
                language = getattr(row["description"], "language", None) or ""
                found.setdefault(qid_of(str(row["item"])), {})[language] = str(row["description"])
        return {
            qid: next((texts[lang] for lang in [*languages, "en"] if lang in texts), next(iter(texts.values())))
            for qid, texts in found.items()
        }


def _merged_statements(rows: Sequence[Mapping[str, Any]]) -> list[Statement]:
    """Statement rows (one per reference) merged into one Statement each."""
    merged: dict[tuple[str, str, str], dict[str, Any]] = {}
    for row in rows:
        if not str(row.get("partner", "")).startswith(ENTITY):
            continue
        key = (qid_of(str(row["item"])), qid_of(str(row["partner"])), str(row["rank"]).rsplit("#", 1)[-1])
        entry = merged.setdefault(key, {"start": None, "end": None, "refs": set()})
        if "start" in row and "startPrecision" in row:
            entry["start"] = WikiDate.parse(str(row["start"]), int(row["startPrecision"]))
        if "end" in row and "endPrecision" in row:
            entry["end"] = WikiDate.parse(str(row["end"]), int(row["endPrecision"]))
        if "ref" in row:
            entry["refs"].add(str(row["ref"]))
    return [
        Statement(item, partner, rank, e["start"], e["end"], tuple(sorted(e["refs"])))
        for (item, partner, rank), e in sorted(merged.items())
    ]


def _batches(items: Sequence[str], size: int = BATCH) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


def dump_json(data: object) -> str:
    """JSON for reports: stable key order, non-ASCII kept."""
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def _language_filter(variable: str, languages: Sequence[str]) -> str:
    """`FILTER (LANG(?x) IN ("en", "mul"))` for these tags, each checked to be a language tag
    (they go into the query as literals), or nothing where no languages are given."""
    tags = [tag.lower() for tag in languages]
    for tag in tags:
        if not is_language_tag(tag):
            raise WikidataError(f"{tag!r} is not a language tag (such as en, de, mul).")
    quoted = ", ".join(f'"{tag}"' for tag in tags)
    return f"FILTER (LANG({variable}) IN ({quoted}))" if tags else ""
