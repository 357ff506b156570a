"""The bundled Kassel data and the ontology: the facts, their sources, the documentation."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD

from tests.conftest import REPO
from twingraph.rdf.load import load_graph

TW = Namespace("https://w3id.org/twingraph/ontology#")
CITY = Namespace("https://w3id.org/twingraph/id/city/")
COUNTRY = Namespace("https://w3id.org/twingraph/id/country/")
PARTNERSHIP = Namespace("https://w3id.org/twingraph/id/partnership/")
SOURCE = Namespace("https://w3id.org/twingraph/id/source/")
WD = Namespace("http://www.wikidata.org/entity/")
DCT = Namespace("http://purl.org/dc/terms/")
SCHEMA = Namespace("https://schema.org/")
SEED = SOURCE["eine-reise-en"]


@pytest.fixture(scope="module")
def data() -> Graph:
    return load_graph([REPO / "data" / "kassel.ttl"], max_bytes=10**7).graph


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return load_graph([REPO / "ontology"], max_bytes=10**7).graph  # the ontology and its concept schemes


@pytest.mark.parametrize(
    ("node", "qid"),
    [
        (CITY.kassel, "Q2865"),
        (CITY.florence, "Q2044"),
        (CITY.rovaniemi, "Q103717"),
        (CITY["berlin-mitte"], "Q163966"),
        (CITY.arnstadt, "Q490665"),
        (CITY.izmit, "Q129649"),
        (CITY.mulhouse, "Q79815"),
        (CITY["ramat-gan"], "Q192807"),
        (CITY.vasteras, "Q34550"),
        (CITY.yaroslavl, "Q2423"),
        (COUNTRY.germany, "Q183"),
        (COUNTRY.italy, "Q38"),
        (COUNTRY.finland, "Q33"),
        (COUNTRY.turkey, "Q43"),
        (COUNTRY.france, "Q142"),
        (COUNTRY.israel, "Q801"),
        (COUNTRY.sweden, "Q34"),
        (COUNTRY.russia, "Q159"),
    ],
)
def test_checked_wikidata_links(data: Graph, node: URIRef, qid: str) -> None:
    assert list(data.objects(node, TW.wikidataEntity)) == [WD[qid]]


def test_kassel_has_nine_partnerships_each_from_the_seed(data: Graph) -> None:
    partnerships = set(data.subjects(RDF.type, TW.Partnership))
    assert len(partnerships) == 9
    for partnership in partnerships:
        partners = set(data.objects(partnership, TW.partner))
        assert len(partners) == 2
        assert CITY.kassel in partners
        assert SEED in set(data.objects(partnership, DCT.source))
        other = (partners - {CITY.kassel}).pop()
        assert (CITY.kassel, TW.twinnedWith, other) in data
        assert (other, TW.twinnedWith, CITY.kassel) in data


def test_partners_are_within_the_eu_turkey_israel_plus_yaroslavl(data: Graph) -> None:
    eu = URIRef("https://w3id.org/twingraph/id/org/european-union")
    inside = 0
    for partnership in data.subjects(RDF.type, TW.Partnership):
        (other,) = set(data.objects(partnership, TW.partner)) - {CITY.kassel}
        country = data.value(other, TW.country)
        if (country, SCHEMA.memberOf, eu) in data or country in (COUNTRY.turkey, COUNTRY.israel):
            inside += 1
    assert inside == 8  # "eight partner cities within the European Union, Turkey and Israel"


def _claims(data: Graph, partnership: URIRef) -> set[tuple[str, str, URIRef, URIRef]]:
    return {
        (
            str(data.value(c, TW.claimValue)),
            data.value(c, TW.claimValue).datatype,  # type: ignore[union-attr]
            data.value(c, TW.rank),
            data.value(c, DCT.source),
        )
        for c in data.objects(partnership, TW.claim)
    }


def test_the_1950s_is_a_decade_and_kassel_names_1952(data: Graph) -> None:
    florence = PARTNERSHIP["florence--kassel"]
    assert _claims(data, florence) == {
        ("1950", XSD.gYear, TW.NormalRank, SEED),
        ("1952", XSD.gYear, TW.PreferredRank, SOURCE["stadt-kassel-2012-documenta"]),
    }
    decade = next(c for c in data.objects(florence, TW.claim) if str(data.value(c, TW.claimValue)) == "1950")
    assert data.value(decade, TW.claimPrecision) == TW.DecadePrecision


def test_vasteras_disagreement_is_kept_with_both_sources(data: Graph) -> None:
    vasteras = PARTNERSHIP["kassel--vasteras"]
    assert _claims(data, vasteras) == {
        ("1958", XSD.gYear, TW.NormalRank, SEED),
        ("1972-08-14", XSD.date, TW.PreferredRank, SOURCE["regiowiki-vasteras"]),
    }
    assert data.value(vasteras, TW.startDate) == Literal("1972-08-14", datatype=XSD.date)
    assert data.value(vasteras, TW.startPrecision) == TW.DayPrecision


@pytest.mark.parametrize(
    ("place", "measure", "value", "approximation"),
    [
        (CITY.rovaniemi, TW.Population, 60000, TW.MoreThan),
        (CITY["ramat-gan"], TW.Population, 161000, TW.About),
        (CITY["berlin-mitte"], TW.Area, 1341, None),
        (CITY["berlin-mitte"], TW.GreenSpaceShare, 50, TW.Almost),
    ],
)
def test_seed_figures_with_their_source(
    data: Graph, place: URIRef, measure: URIRef, value: int, approximation: URIRef | None
) -> None:
    figures = [
        f
        for f in data.objects(place, TW.hasFigure)
        if data.value(f, TW.measure) == measure and data.value(f, SCHEMA.value).toPython() == value
    ]
    assert len(figures) == 1
    assert data.value(figures[0], TW.approximation) == approximation
    assert data.value(figures[0], DCT.source) == SEED


def test_earthquake_death_toll(data: Graph) -> None:
    quake = URIRef("https://w3id.org/twingraph/id/event/izmit-earthquake-1999")
    (figure,) = data.objects(quake, TW.hasFigure)
    assert data.value(figure, SCHEMA.value).toPython() == 18373
    assert (PARTNERSHIP["izmit--kassel"], TW.historicalContext, quake) in data


def test_names_in_several_languages_and_spellings(data: Graph) -> None:
    def names(node: URIRef) -> set[str]:
        return {f"{o}@{o.language}" for p in (RDFS.label, SKOS.altLabel) for o in data.objects(node, p)}

    assert {"İzmit@en", "Izmit@en"} <= names(CITY.izmit)
    assert {"Florence@en", "Florenz@de", "Firenze@it"} <= names(CITY.florence)
    assert {"Yaroslavl@en", "Jaroslawl@de"} <= names(CITY.yaroslavl)
    assert {"Mulhouse@en", "Mülhausen@de"} <= names(CITY.mulhouse)
    assert "Västerås@sv" in names(CITY.vasteras)


def test_every_source_named_exists(data: Graph) -> None:
    named = set(data.objects(None, DCT.source)) | set(data.objects(None, TW.coordinateSource))
    described = set(data.subjects(RDF.type, TW.Source))
    assert named == described
    assert all(data.value(s, SCHEMA.url) is not None for s in described)


def test_every_ontology_term_is_documented_in_english_and_german(ontology: Graph) -> None:
    terms = {s for s in ontology.subjects() if isinstance(s, URIRef) and s.startswith(str(TW))}
    assert len(terms) > 60
    for term in sorted(terms):
        for predicate in (RDFS.label, RDFS.comment):
            languages = {o.language for o in ontology.objects(term, predicate)}
            assert {"en", "de"} <= languages, f"{term} lacks an English or German {predicate}"


def test_ontology_aligns_with_wikidata_and_dbpedia(ontology: Graph) -> None:
    assert (TW.twinnedWith, OWL.equivalentProperty, URIRef("http://www.wikidata.org/prop/direct/P190")) in ontology
    assert (TW.twinnedWith, SKOS.closeMatch, URIRef("http://dbpedia.org/ontology/twinCity")) in ontology
    assert (TW.twinnedWith, RDF.type, OWL.SymmetricProperty) in ontology
