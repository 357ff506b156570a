"""Finding the Wikidata item of a place that has none: candidates, ranked with their evidence.

Evidence, each adding to a confidence between 0 and 1:
- a label or alias equal to one of the place's names (or a variant of it: "Berlin – Mitte"
  gives "Berlin-Mitte" and "Mitte"; "Mitte (Berlin)" gives "Mitte" with "Berlin" as context);
- the same country (a different country counts against);
- being a human settlement or an administrative unit;
- being twinned on Wikidata with one of the place's partners in our data, and being the only
  such twin in the place's country.
A suggestion is unambiguous when its confidence is at least 0.7 and 0.25 above the next one.
Nothing is ever written into the data: suggestions go to a review file.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from twingraph.iris import TW
from twingraph.wikidata.client import Entity, WikidataClient, qid_of

if TYPE_CHECKING:
    import rdflib

ACCEPT_AT = 0.7
MARGIN = 0.25
LANGUAGES = ("en", "de", "fr", "it", "es", "tr", "sv", "fi", "ru", "he", "pl", "nl")
# Classes that make an item a plausible town-twinning partner.
SETTLEMENT_CLASSES = frozenset(
    {"Q486972", "Q515", "Q1549591", "Q3957", "Q532", "Q15284", "Q56061", "Q262166", "Q1620908", "Q2074737", "Q5119"}
)


@dataclass
class Candidate:
    """A Wikidata item that may be the place, with its confidence and the evidence for it."""

    qid: str
    label: str
    confidence: float = 0.0
    evidence: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Suggestion:
    """The ranked candidates for one place of ours."""

    place: str
    name: str
    candidates: tuple[Candidate, ...]

    @property
    def accepted(self) -> Candidate | None:
        """The best candidate if it is unambiguous, else None."""
        if not self.candidates:
            return None
        best = self.candidates[0]
        runner_up = self.candidates[1].confidence if len(self.candidates) > 1 else 0.0
        return best if best.confidence >= ACCEPT_AT and best.confidence - runner_up >= MARGIN else None


def name_variants(name: str) -> tuple[list[str], list[str]]:
    """Names to look up, and context words: 'Mitte (Berlin)' -> (['Mitte (Berlin)', 'Mitte', …], ['Berlin'])."""
    name = " ".join(name.split())
    variants = [name]
    context: list[str] = []
    bracket = re.fullmatch(r"(.+?)\s*\((.+)\)", name)
    if bracket:
        base, qualifier = bracket.group(1).strip(), bracket.group(2).strip()
        variants += [base, f"{qualifier}-{base}", f"{base}, {qualifier}"]
        context.append(qualifier)
    parts = [p.strip() for p in re.split(r"\s+[–—-]\s+|\s*[–—]\s*", name) if p.strip()]
    if len(parts) == 2:
        variants += ["-".join(parts), " ".join(parts), parts[1]]
        context.append(parts[0])
    seen: list[str] = []
    for variant in variants:
        if variant not in seen:
            seen.append(variant)
    return seen, context


@dataclass(frozen=True)
class Unlinked:
    """A place of ours without a Wikidata link, with what can identify it."""

    iri: str
    names: tuple[str, ...]
    country_qid: str | None
    partner_qids: tuple[str, ...]


def unlinked_places(graph: rdflib.Graph) -> list[Unlinked]:
    """Every place in the data that has no tw:wikidataEntity."""
    from rdflib import RDF, RDFS, URIRef
    from rdflib.namespace import SKOS

    place_classes = set(graph.transitive_subjects(RDFS.subClassOf, URIRef(TW + "Place")))
    places = sorted({s for cls in place_classes for s in graph.subjects(RDF.type, cls)}, key=str)
    found = []
    for place in places:
        if graph.value(place, URIRef(TW + "wikidataEntity")) is not None:
            continue
        names = tuple(dict.fromkeys(str(o) for p in (RDFS.label, SKOS.altLabel) for o in graph.objects(place, p)))
        country = graph.value(place, URIRef(TW + "country"))
        country_wd = graph.value(country, URIRef(TW + "wikidataEntity")) if country is not None else None
        partners = set()
        for partnership in graph.subjects(URIRef(TW + "partner"), place):
            for other in graph.objects(partnership, URIRef(TW + "partner")):
                wd = graph.value(other, URIRef(TW + "wikidataEntity"))
                if other != place and wd is not None:
                    partners.add(qid_of(str(wd)))
        found.append(
            Unlinked(str(place), names, qid_of(str(country_wd)) if country_wd else None, tuple(sorted(partners)))
        )
    return found


def suggest(places: Sequence[Unlinked], client: WikidataClient) -> list[Suggestion]:
    """Ranked candidates for each place, from one batched lookup per kind of evidence."""
    lookups = {p.iri: [name_variants(n) for n in p.names] for p in places}
    all_names = sorted({v for variants in lookups.values() for names, _ in variants for v in names})
    named = client.items_named(all_names, LANGUAGES) if all_names else {}
    partner_qids = sorted({q for p in places for q in p.partner_qids})
    twins: dict[str, set[str]] = {}
    for statement in client.statements(partner_qids):
        if statement.rank != "DeprecatedRank":
            twins.setdefault(statement.partner, set()).add(statement.item)
    entities = client.entities(set(named) | set(twins))
    suggestions = []
    for place in places:
        names = [n for names, _ in lookups[place.iri] for n in names]
        originals = set(place.names)
        context = [c for _, ctx in lookups[place.iri] for c in ctx]
        candidates: dict[str, Candidate] = {}
        for qid, matched in named.items():
            hits = matched & set(names)
            if hits:
                candidate = candidates.setdefault(qid, Candidate(qid, _label(entities.get(qid), qid)))
                exact = hits & originals
                candidate.confidence += 0.5 if exact else 0.35
                candidate.evidence.append(f"named {sorted(exact or hits)[0]!r}")
        in_country: list[str] = []
        for qid, partners in twins.items():
            shared = partners & set(place.partner_qids)
            if shared and qid not in place.partner_qids:
                candidate = candidates.setdefault(qid, Candidate(qid, _label(entities.get(qid), qid)))
                candidate.confidence += 0.35
                candidate.evidence.append(f"twinned with {', '.join(sorted(shared))} on Wikidata")
                entity = entities.get(qid)
                if place.country_qid and entity and place.country_qid in entity.countries:
                    in_country.append(qid)
        if len(in_country) == 1:
            candidates[in_country[0]].confidence += 0.15
            candidates[in_country[0]].evidence.append("the only such twin in the place's country")
        for qid, candidate in candidates.items():
            entity = entities.get(qid)
            if entity is None:
                continue
            if place.country_qid:
                if place.country_qid in entity.countries:
                    candidate.confidence += 0.2
                    candidate.evidence.append(f"in country {place.country_qid}")
                elif entity.countries:
                    candidate.confidence -= 0.5
                    candidate.evidence.append(f"in another country ({', '.join(entity.countries)})")
            if SETTLEMENT_CLASSES & set(entity.instance_of):
                candidate.confidence += 0.1
                candidate.evidence.append("a settlement or administrative unit")
            texts = {t.casefold() for t in [*entity.labels.values(), *(a for v in entity.aliases.values() for a in v)]}
            if any(word.casefold() in text for word in context for text in texts):
                candidate.confidence += 0.1
                candidate.evidence.append(f"its names mention {', '.join(context)}")
        ranked = sorted(candidates.values(), key=lambda c: (-c.confidence, c.qid))
        for candidate in ranked:
            candidate.confidence = round(max(0.0, min(1.0, candidate.confidence)), 2)
        suggestions.append(Suggestion(place.iri, place.names[0] if place.names else place.iri, tuple(ranked[:5])))
    return suggestions


def _label(entity: Entity | None, qid: str) -> str:
    if entity is None:
        return qid
    return entity.labels.get("en") or entity.labels.get("de") or next(iter(entity.labels.values()), qid)


def review_csv(suggestions: Sequence[Suggestion]) -> bytes:
    """The review file: one row per candidate, best first, with confidence, evidence and the verdict."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["place", "name", "wikidata", "label", "confidence", "evidence", "verdict"])
    for suggestion in suggestions:
        accepted = suggestion.accepted
        if not suggestion.candidates:
            writer.writerow([suggestion.place, suggestion.name, "", "", "", "no candidate found", "none"])
        for candidate in suggestion.candidates:
            verdict = "accept" if candidate is accepted else ("ambiguous" if accepted is None else "")
            writer.writerow(
                [
                    suggestion.place,
                    suggestion.name,
                    f"http://www.wikidata.org/entity/{candidate.qid}",
                    candidate.label,
                    f"{candidate.confidence:.2f}",
                    "; ".join(candidate.evidence),
                    verdict,
                ]
            )
    return buffer.getvalue().encode("utf-8")


def accepted_links(suggestions: Sequence[Suggestion]) -> bytes:
    """Turtle with a tw:wikidataEntity triple for each unambiguous suggestion."""
    lines = [
        "@prefix tw: <https://w3id.org/twingraph/ontology#> .",
        "@prefix wd: <http://www.wikidata.org/entity/> .",
        "",
    ]
    for suggestion in suggestions:
        accepted = suggestion.accepted
        if accepted is not None:
            lines.append(f"# {suggestion.name} = {accepted.label}: {'; '.join(accepted.evidence)}")
            lines.append(f"<{suggestion.place}> tw:wikidataEntity wd:{accepted.qid} .")
    return ("\n".join(lines) + "\n").encode("utf-8")
