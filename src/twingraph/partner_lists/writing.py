"""A list's entries, matched, as data in our ontology: places, countries, partnerships and sources.

**Stable IRIs.** The same place gets the same IRI in every import: the IRI the project
already has for its QID, else one minted from its name, transliterated to ASCII (anyascii:
Korean and Cyrillic names work), with the QID added (or, for a place without one, its
country) where the name's IRI is taken by another place. Never one IRI for two places.
A place or country the project already describes is referred to, not described again.

**Disagreeing rows.** Rows about the same pair are one partnership. Where they give different
start dates, each is kept as a claim with its row as source; the preferred one (which the
direct property carries) is the dated one over the undated, the more precise over the less,
the earlier row over the later. The city's own list is the list being imported, so its
claims are the data; Wikidata's and Wikipedia's stay in their own files.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from twingraph.iris import (
    DATE_PRECISIONS,
    DCT_SOURCE,
    FALLBACK_LANGUAGES,
    RDF_TYPE,
    RDFS_LABEL,
    SCHEMA,
    SKOS_ALT_LABEL,
    SKOS_NOTE,
    TW,
    WD,
    XSD,
    in_german_ascii,
    partnership_iri,
    resource_iri,
    slugify,
)
from twingraph.partner_lists.entries import Entry
from twingraph.partner_lists.values import ListDate
from twingraph.wikidata.reconcile import Match, Name

_PRECISION_ORDER = {name: rank for rank, name in enumerate(DATE_PRECISIONS)}


@dataclass(frozen=True)
class Known:
    """What the project already has: IRIs by QID, every IRI it describes, and country and place IRIs by name."""

    by_qid: dict[str, str]
    described: frozenset[str]  # every IRI the project describes: referred to, never minted again
    countries_by_name: dict[str, str]
    # Places by (name, country name), lower case; "" where the place has no country.
    places_by_name: dict[tuple[str, str], frozenset[str]] = field(default_factory=dict)
    located: frozenset[str] = frozenset()  # the places that have coordinates already
    labels: dict[str, dict[str, str]] = field(default_factory=dict)  # a place's labels by language
    alternative_names: dict[str, frozenset[str]] = field(default_factory=dict)  # its skos:altLabel texts
    countries_of: dict[str, frozenset[str]] = field(default_factory=dict)  # a place's tw:country IRIs

    def spellings(self) -> dict[str, tuple[str, str]]:
        """Every name of the project's places, to suggest for a misspelling: the place's QID (or
        IRI) and what it is."""
        qids = {iri: qid for qid, iri in self.by_qid.items()}
        found: dict[str, tuple[str, str]] = {}
        for iri, by_language in sorted(self.labels.items()):
            names = sorted({*by_language.values(), *self.alternative_names.get(iri, ())})
            for name in names:
                shown = min(by_language.values()) if by_language else name
                found.setdefault(name, (qids.get(iri, iri), f"{shown}, a place of the project's"))
        return found

    def label_of(self, iri: str, languages: Sequence[str]) -> str | None:
        """The project's name for a place, in the first of these languages it has one, else any."""
        by_language = self.labels.get(iri)
        if not by_language:
            return None
        for tag in languages:
            if tag in by_language:
                return by_language[tag]
        return min(by_language.items(), key=lambda item: (item[1], item[0]))[1]

    def place_named(self, name: Name) -> str | None:
        """The project's one place of this name (in this country, where the list gives one)."""
        text, country = name.text.casefold(), name.country.casefold()
        if country:
            found = self.places_by_name.get((text, country), frozenset())
        else:
            found = frozenset(iri for (n, _), iris in self.places_by_name.items() if n == text for iri in iris)
        return next(iter(found)) if len(found) == 1 else None


def ascii_slug(name: str, *, language: str | None = None) -> str:
    """A slug for any script: 'Kyiv' -> 'kyiv', '서울' -> 'seoul', 'Санкт-Петербург' -> 'sankt-peterburg';
    a German name the German way: 'Rumänien' -> 'rumaenien'."""
    from anyascii import anyascii

    return slugify(anyascii(in_german_ascii(name, language)))


class ListWriter:
    """Builds the graph of one imported list."""

    def __init__(
        self, *, base_iri: str, language: str, source_url: str, source_title: str, known: Known, city_list: bool = False
    ) -> None:
        from twingraph.rdf.triple_set import TripleSet

        self.g = TripleSet()
        self.base_iri = base_iri
        self.language = language
        self.languages: dict[Name, str] = {}  # names in another language than the list's (a city from Wikidata)
        # Wikidata's names of matched items the project does not have yet: (name, language) by QID.
        self.item_names: dict[str, tuple[str, str]] = {}
        self.names: dict[str, str] = {}  # the name each place is published under, by IRI
        self.known = known
        self.iris: dict[tuple[str, str, str], str] = {}  # (kind, name or QID key, country) -> IRI
        self.used = set(known.described)
        self.source_url = source_url
        self.source = resource_iri("source", ascii_slug(source_url)[:80].strip("-"), base_iri=base_iri)
        self._add(self.source, RDF_TYPE, TW + "Source", iri=True)
        if city_list:  # its values win where other sources differ (rdf/precedence.py)
            self._add(self.source, RDF_TYPE, TW + "CityList", iri=True)
        self._literal(self.source, "http://purl.org/dc/terms/title", source_title)
        self._add(self.source, SCHEMA + "url", source_url, iri=True)

    # --- the triples ---------------------------------------------------------------------------

    def _add(self, subject: str, predicate: str, value: str, *, iri: bool = False, datatype: str | None = None) -> None:
        import pyoxigraph

        obj: pyoxigraph.NamedNode | pyoxigraph.Literal
        if iri:
            obj = pyoxigraph.NamedNode(value)
        elif datatype:
            obj = pyoxigraph.Literal(value, datatype=pyoxigraph.NamedNode(datatype))
        else:
            obj = pyoxigraph.Literal(value)
        self.g.add(subject, predicate, obj)

    def _literal(self, subject: str, predicate: str, text: str, *, language: str | None = None) -> None:
        """A text in the list's language, or in `language` (twingraph's own words are English)."""
        self._name(subject, predicate, text, language or self.language)

    def _name(self, subject: str, predicate: str, text: str, language: str | None) -> None:
        """A name in its own language; without one (an item Wikidata names in none), a plain text."""
        import pyoxigraph

        name = pyoxigraph.Literal(text, language=language) if language else pyoxigraph.Literal(text)
        self.g.add(subject, predicate, name)

    def row_source(self, line: int) -> str:
        """The source of one row: the list, at that line."""
        iri = f"{self.source}-line-{line}"
        if not self.g.describes(iri):
            self._add(iri, RDF_TYPE, TW + "Source", iri=True)
            self._literal(iri, "http://purl.org/dc/terms/title", f"line {line} of the list", language="en")
            self._add(iri, "http://purl.org/dc/terms/isPartOf", self.source, iri=True)
            self._add(iri, SCHEMA + "url", self.source_url, iri=True)
        return iri

    # --- IRIs ----------------------------------------------------------------------------------

    def iri_for(self, kind: str, name: Name, qid: str | None, country_slug: str = "") -> str:
        """The IRI of a place or country: the project's for its QID, else minted (module docstring)."""
        key = (kind, qid or name.text, "" if qid else name.country)
        if key in self.iris:
            return self.iris[key]
        if qid and qid in self.known.by_qid:
            iri = self.known.by_qid[qid]
        elif kind == "country" and not qid and name.text.casefold() in self.known.countries_by_name:
            iri = self.known.countries_by_name[name.text.casefold()]
        elif kind == "city" and not qid and (named := self.known.place_named(name)):
            iri = named
        else:
            slug = ascii_slug(name.text, language=self.languages.get(name, self.language))
            iri = resource_iri(kind, slug, base_iri=self.base_iri)
            if iri in self.used:
                suffix = qid.lower() if qid else country_slug or "2"
                iri = resource_iri(kind, f"{slug}-{suffix}", base_iri=self.base_iri)
                number = 2
                while iri in self.used:
                    number += 1
                    iri = resource_iri(kind, f"{slug}-{suffix}-{number}", base_iri=self.base_iri)
            self.used.add(iri)
        self.iris[key] = iri
        return iri

    # --- resources ----------------------------------------------------------------------------

    def country(self, name: Name, match: Match | None) -> str:
        qid = match.qid if match else None
        iri = self.iri_for("country", name, qid)
        if iri not in self.known.described and not self.g.describes(iri):
            self._add(iri, RDF_TYPE, TW + "Country", iri=True)
            text, language = self.item_names.get(qid or "", (name.text, self.language))
            self._name(iri, RDFS_LABEL, text, language)
            self._add(iri, DCT_SOURCE, self.source, iri=True)
            if qid:
                self._add(iri, TW + "wikidataEntity", WD + qid, iri=True)
            self._alternative_name(iri, name)
        return iri

    def place(
        self, name: Name, qid: str | None, country: str | None, line: int, coordinates: tuple[str, str] | None
    ) -> str:
        country_slug = country.rsplit("/", 1)[-1] if country else ""
        iri = self.iri_for("city", name, qid, country_slug)
        if iri in self.known.described:
            # Referred to, not described again; but what it lacks is added, sourced to the row:
            # coordinates, and the list's country. The list's spelling is another name of it.
            self.names.setdefault(iri, self.known.label_of(iri, [self.language, *FALLBACK_LANGUAGES]) or name.text)
            if coordinates and iri not in self.known.located:
                self._coordinates(iri, coordinates, line)
            if country and not self.known.countries_of.get(iri):
                self._add(iri, TW + "country", country, iri=True)
                self._add(iri, DCT_SOURCE, self.row_source(line), iri=True)
            self._alternative_name(iri, name)
            return iri
        if not self.g.describes(iri):
            self._add(iri, RDF_TYPE, TW + "Municipality", iri=True)
            # A matched item's own name, where Wikidata has one; the list's spelling is then another name.
            text, language = self.item_names.get(qid or "", (name.text, self.languages.get(name, self.language)))
            self._name(iri, RDFS_LABEL, text, language)
            self.names[iri] = text
            self._add(iri, DCT_SOURCE, self.row_source(line), iri=True)
            if country:
                self._add(iri, TW + "country", country, iri=True)
            if qid:
                self._add(iri, TW + "wikidataEntity", WD + qid, iri=True)
        self._alternative_name(iri, name)
        if coordinates:
            self._coordinates(iri, coordinates, line)
        return iri

    def _alternative_name(self, iri: str, name: Name) -> None:
        """The list's spelling of a place named otherwise, as skos:altLabel in the list's language."""
        known = {
            *self.known.labels.get(iri, {}).values(),
            *self.known.alternative_names.get(iri, ()),
            *(o.value for o in self.g.objects(iri, RDFS_LABEL)),
        }
        if name.text not in known:
            self._name(iri, SKOS_ALT_LABEL, name.text, self.languages.get(name, self.language))

    def _coordinates(self, iri: str, coordinates: tuple[str, str], line: int) -> None:
        """A place's latitude and longitude from the first row that gives them, sourced to it."""
        if not self.g.objects(iri, SCHEMA + "latitude"):
            self._add(iri, SCHEMA + "latitude", coordinates[0], datatype=XSD + "decimal")
            self._add(iri, SCHEMA + "longitude", coordinates[1], datatype=XSD + "decimal")
            self._add(iri, TW + "coordinateSource", self.row_source(line), iri=True)

    def partnership(self, place: str, partner: str, entries: Sequence[Entry]) -> str:
        """One partnership from the rows about one pair, named by its places' published names."""
        iri = partnership_iri(place.rsplit("/", 1)[-1], partner.rsplit("/", 1)[-1], base_iri=self.base_iri)
        self._add(iri, RDF_TYPE, TW + "Partnership", iri=True)
        self._literal(iri, RDFS_LABEL, f"{self.names[place]} – {self.names[partner]}")
        for one, other in ((place, partner), (partner, place)):
            self._add(iri, TW + "partner", one, iri=True)
            self._add(one, TW + "twinnedWith", other, iri=True)
        kinds = sorted({e.kind for e in entries}, key=lambda k: (k == "UnspecifiedKind", k))
        self._add(iri, TW + "kind", TW + kinds[0], iri=True)
        for entry in entries:
            self._add(iri, DCT_SOURCE, self.row_source(entry.line), iri=True)
            for theme in entry.themes:
                self._add(iri, TW + "theme", theme, iri=True)
            for note in entry.notes:
                self._literal(iri, SKOS_NOTE, note)
            for remark in entry.remarks:
                self._literal(iri, SKOS_NOTE, remark, language="en")
        self._dates(iri, "start", [(e.since, e.line) for e in entries if e.since])
        # An end is tw:endDate (Wikidata's P582): the list's `until`, else the date its status became "ended".
        ends = [(e.until, e.line) for e in entries if e.until] or [
            (e.status_since, e.line) for e in entries if e.status == "Ended" and e.status_since
        ]
        self._dates(iri, "end", ends)
        for entry in entries:
            if entry.status and (entry.status_since or entry.status != "Active"):
                self._status(iri, entry)
        return iri

    def _dates(self, iri: str, which: str, dated: list[tuple[ListDate, int]]) -> None:
        if not dated:
            return
        distinct = {(d.value, d.precision) for d, _ in dated}
        best, _ = sorted(dated, key=lambda pair: (-_PRECISION_ORDER[pair[0].precision], pair[1]))[0]
        self._add(iri, TW + f"{which}Date", best.value, datatype=XSD + best.datatype)
        self._add(iri, TW + f"{which}Precision", TW + best.precision, iri=True)
        if len(distinct) < 2:
            return
        for date, line in dated:  # rows that disagree: each kept as a claim with its row as source
            claim = resource_iri("claim", f"{iri.rsplit('/', 1)[-1]}-{which}-line-{line}", base_iri=self.base_iri)
            self._add(iri, TW + "claim", claim, iri=True)
            self._add(claim, RDF_TYPE, TW + "Claim", iri=True)
            self._add(claim, TW + "claimProperty", TW + f"{which}Date", iri=True)
            self._add(claim, TW + "claimValue", date.value, datatype=XSD + date.datatype)
            self._add(claim, TW + "claimPrecision", TW + date.precision, iri=True)
            preferred = date == best and line == min(n for d, n in dated if d == best)
            self._add(claim, TW + "rank", TW + ("PreferredRank" if preferred else "NormalRank"), iri=True)
            self._add(claim, DCT_SOURCE, self.row_source(line), iri=True)

    def _status(self, iri: str, entry: Entry) -> None:
        """A status change; without a date, the status as the list gives it, its date unknown."""
        assert entry.status is not None
        when = entry.status_since
        change = resource_iri(
            "status",
            f"{iri.rsplit('/', 1)[-1]}-{when.value if when else 'undated'}-{entry.status.lower()}",
            base_iri=self.base_iri,
        )
        self._add(iri, TW + "statusChange", change, iri=True)
        self._add(change, RDF_TYPE, TW + "StatusChange", iri=True)
        self._add(change, TW + "status", TW + entry.status, iri=True)
        if when:
            self._add(change, TW + "pointInTime", when.value, datatype=XSD + when.datatype)
            self._add(change, TW + "pointInTimePrecision", TW + when.precision, iri=True)
        self._add(change, DCT_SOURCE, self.row_source(entry.line), iri=True)
