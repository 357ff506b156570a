"""What the catalogue and the VoID description say of the data, read from the store: its time
coverage, the licence its sources give it, the sources it cites, and its statistics."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from twingraph.iris import DCT, TW
from twingraph.licences import LICENCES

if TYPE_CHECKING:
    from pathlib import Path

    import rdflib

    from twingraph.project import Settings
    from twingraph.rdf.load import LoadedGraph


@dataclass(frozen=True)
class Coverage:
    """What the data covers in time: the earliest partnership start, and the latest end where
    every partnership has ended (else None: the coverage is open-ended, as partnerships go on)."""

    start: rdflib.Literal | None
    end: rdflib.Literal | None
    # The licence every partnership's facts come under, where one source licence covers them all
    # (CC0 for data imported from Wikidata); the catalogue states it unless twingraph.toml sets one.
    licence: str | None = None
    # The sources the partnerships cite (dct:source), and whether the places link Wikidata: the
    # dataset's provenance and related resources (prov:wasDerivedFrom, dct:relation).
    sources: tuple[str, ...] = ()
    links_wikidata: bool = False


def data_licence(loaded: LoadedGraph, data_paths: Sequence[Path] | None = None) -> str | None:
    """The one licence (dct:license) that covers every source of every partnership, if there is
    one: a source states it, or is a reference cited by a source that states it (dct:isReferencedBy,
    as a Wikidata statement's reference URLs are)."""
    total = loaded.select(f"SELECT (COUNT(?p) AS ?n) WHERE {{ ?p a <{TW}Partnership> }}", data_paths)
    covered = loaded.select(
        f"""PREFIX dct: <http://purl.org/dc/terms/>
        SELECT ?licence (COUNT(DISTINCT ?p) AS ?n) WHERE {{
            ?p a <{TW}Partnership> ; dct:source ?licensed . ?licensed dct:license ?licence .
            FILTER NOT EXISTS {{
                ?p dct:source ?source .
                FILTER NOT EXISTS {{ {{ ?source dct:license ?licence }} UNION
                                    {{ ?source dct:isReferencedBy ?citing . ?citing dct:license ?licence }} }}
            }}
        }} GROUP BY ?licence""",
        data_paths,
    )
    partnerships = int(total[0][0].value) if total else 0
    every = [row[0].value for row in covered if partnerships and int(row[1].value) == partnerships]
    return every[0] if len(every) == 1 and every[0] in LICENCES else None


def with_data_licence(settings: Settings, licence: str | None) -> Settings:
    """The settings with the data's own licence where twingraph.toml sets none."""
    import dataclasses

    pub = settings.publishing
    if licence is None or "licence" in pub.given:
        return settings
    given = pub.given | {"licence"} | (set() if "licence_de" in pub.given else {"licence_de"})
    licence_de = pub.licence_de if "licence_de" in pub.given else LICENCES[licence].dcat_ap_de_iri
    publishing = dataclasses.replace(pub, licence=licence, licence_de=licence_de, given=frozenset(given))
    return dataclasses.replace(settings, publishing=publishing)


def coverage(loaded: LoadedGraph, data_paths: Sequence[Path] | None = None) -> Coverage:
    """The temporal coverage of the data, from partnership start dates, and its licence."""
    import dataclasses

    found = _period(loaded, data_paths)
    sources = loaded.select(
        f"SELECT DISTINCT ?s WHERE {{ ?p a <{TW}Partnership> ; <{DCT}source> ?s FILTER isIRI(?s) }} ORDER BY STR(?s)",
        data_paths,
    )
    linked = loaded.select(f"SELECT ?e WHERE {{ ?x <{TW}wikidataEntity> ?e }} LIMIT 1", data_paths)
    return dataclasses.replace(
        found,
        licence=data_licence(loaded, data_paths),
        sources=tuple(row[0].value for row in sources),
        links_wikidata=bool(linked),
    )


def _period(loaded: LoadedGraph, data_paths: Sequence[Path] | None) -> Coverage:
    from twingraph.rdf.terms import to_rdflib

    rows = loaded.select(
        f"SELECT DISTINCT ?start WHERE {{ ?p a <{TW}Partnership> ; <{TW}startDate> ?start FILTER isLiteral(?start) }}",
        data_paths,
    )
    if not rows:
        return Coverage(None, None)
    ordered = sorted((to_rdflib(row[0]) for row in rows), key=str)
    ongoing = loaded.select(
        f"SELECT ?p WHERE {{ ?p a <{TW}Partnership> FILTER NOT EXISTS {{ ?p <{TW}endDate> ?end }} }} LIMIT 1",
        data_paths,
    )
    if ongoing:
        return Coverage(ordered[0], None)
    ends = loaded.select(f"SELECT DISTINCT ?end WHERE {{ ?p a <{TW}Partnership> ; <{TW}endDate> ?end }}", data_paths)
    return Coverage(ordered[0], max((to_rdflib(row[0]) for row in ends), key=str))


@dataclass(frozen=True)
class DataFacts:
    """What the catalogue and the VoID description say of the data, read from the store once.

    Plain values, so that a build can read them in a forked child and hand them back.
    """

    coverage: Coverage
    triples: int
    distinct_subjects: int
    distinct_objects: int
    entities_per_class: dict[str, int]
    triples_per_property: dict[str, int]
    examples: tuple[str, ...]


def data_facts(loaded: LoadedGraph, data_paths: Sequence[Path] | None = None) -> DataFacts:
    """Coverage and VoID statistics of the data files: aggregate queries run by Oxigraph."""

    def rows(query: str) -> list[tuple[Any, ...]]:
        return loaded.select(query, data_paths)

    examples = []
    for example_class in (TW + "Partnership", TW + "Municipality"):
        first = rows(f"SELECT (MIN(STR(?s)) AS ?first) WHERE {{ ?s a <{example_class}> FILTER isIRI(?s) }}")
        if first and first[0][0] is not None:
            examples.append(first[0][0].value)
    return DataFacts(
        coverage=coverage(loaded, data_paths),
        triples=loaded.triple_count(data_paths),
        distinct_subjects=int(rows("SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }")[0][0].value),
        distinct_objects=int(rows("SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?s ?p ?o }")[0][0].value),
        entities_per_class={
            row[0].value: int(row[1].value)
            for row in rows("SELECT ?c (COUNT(*) AS ?n) WHERE { ?s a ?c FILTER isIRI(?c) } GROUP BY ?c")
        },
        triples_per_property={
            row[0].value: int(row[1].value) for row in rows("SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p")
        },
        examples=tuple(examples),
    )
