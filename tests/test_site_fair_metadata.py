"""What FAIR assessors (F-UJI) read, without the internet: the dataset's creator, licence,
related resources, provenance and distributions in the catalogue and on its pages; every
resource's title, description, licence and dataset; absolute signposting targets. Read with
rdflib (the JSON-LD's context is inline, so nothing is fetched) and with the `signposting`
package against real nginx and Apache and `serve`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import signposting
from rdflib import DCTERMS, RDF, RDFS, Graph, Namespace, URIRef

from tests.conftest import SITE_URL

DCAT = Namespace("http://www.w3.org/ns/dcat#")
PROV = Namespace("http://www.w3.org/ns/prov#")
SCHEMA = Namespace("https://schema.org/")
DATASET = URIRef("https://w3id.org/twingraph/id/dataset/kassel")
CITY = URIRef("https://w3id.org/twingraph/id/city/kassel")
LICENCE = URIRef("http://publications.europa.eu/resource/authority/licence/CC_BY_4_0")


def embedded(page: Path) -> Graph:
    """The page's schema.org JSON-LD as RDF, parsed offline (rdflib fetches no remote context
    here: the test fails if the context is not inline)."""
    text = page.read_text(encoding="utf-8").split('<script type="application/ld+json">')[1].split("</script>")[0]
    document = json.loads(text)
    assert isinstance(document["@context"], dict), "the context must be inline, not a URL to fetch"
    return Graph().parse(data=text, format="json-ld")


def test_the_dataset_names_its_creator_licence_provenance_and_related_resources(kassel_site: Path) -> None:
    graph = Graph().parse(kassel_site / "public" / "id" / "dataset" / "kassel.ttl")
    assert (DATASET, DCTERMS.creator, None) in graph
    assert (DATASET, DCTERMS.license, LICENCE) in graph  # on the dataset itself, not only its distributions
    build = graph.value(DATASET, PROV.wasGeneratedBy)
    assert (build, RDF.type, PROV.Activity) in graph
    agent = graph.value(build, PROV.wasAssociatedWith)
    catalogue = Graph().parse(kassel_site / "public" / "dist" / "catalog.ttl")
    assert (agent, RDF.type, PROV.SoftwareAgent) in catalogue
    assert str(catalogue.value(agent, RDFS.label)).startswith("twingraph ")
    derived = set(graph.objects(DATASET, PROV.wasDerivedFrom))
    assert len(derived) == 7  # the sources Kassel's partnerships cite
    assert derived == set(graph.objects(build, PROV.used))
    related = set(graph.objects(DATASET, DCTERMS.relation))
    assert derived | {URIRef("http://www.wikidata.org/entity/Q2013")} == related
    # The dataset's own document describes its distributions: size, media type, licence.
    distributions = set(graph.objects(DATASET, DCAT.distribution))
    assert len(distributions) >= 8
    for distribution in distributions:
        assert graph.value(distribution, DCAT.byteSize) is not None, distribution
        assert graph.value(distribution, DCAT.mediaType) is not None, distribution
        assert (distribution, DCTERMS.license, LICENCE) in graph


def test_the_dataset_page_says_the_same_in_schema_org_read_offline(kassel_site: Path) -> None:
    graph = embedded(kassel_site / "public" / "id" / "dataset" / "kassel.html")
    assert (DATASET, RDF.type, SCHEMA.Dataset) in graph
    assert (DATASET, SCHEMA.license, LICENCE) in graph
    assert graph.value(DATASET, SCHEMA.creator) is not None
    assert len(set(graph.objects(DATASET, SCHEMA.isBasedOn))) == 8  # the seven sources and Wikidata
    catalogue = graph.value(DATASET, SCHEMA.includedInDataCatalog)
    assert (catalogue, RDF.type, SCHEMA.DataCatalog) in graph
    sizes = [graph.value(d, SCHEMA.contentSize) for d in graph.objects(DATASET, SCHEMA.distribution)]
    assert sizes
    assert all(str(size).endswith(" B") for size in sizes)


def test_a_city_page_has_a_title_description_licence_and_its_dataset(kassel_site: Path) -> None:
    page = kassel_site / "public" / "id" / "city" / "kassel.html"
    graph = embedded(page)
    assert str(graph.value(CITY, SCHEMA.name)) == "Kassel"
    assert "Kassel" in str(graph.value(CITY, SCHEMA.description))
    assert (CITY, SCHEMA.license, LICENCE) in graph
    assert (CITY, SCHEMA.isPartOf, DATASET) in graph
    assert (DATASET, RDF.type, SCHEMA.Dataset) in graph
    html = page.read_text(encoding="utf-8")
    assert "<title>Kassel · twingraph</title>" in html
    assert '<meta name="description" content="Kassel, as Town twinnings of Kassel describes it' in html


@pytest.mark.parametrize("server", ["nginx", "apache"])
def test_signposting_as_its_own_reader_finds_it_with_absolute_targets(
    static_servers: dict[str, str], server: str
) -> None:
    found = signposting.find_signposting_http(static_servers[server] + "id/dataset/kassel")
    assert str(found.citeAs.target) == str(DATASET)
    assert str(found.license.target) == str(LICENCE)
    described = {str(link.target) for link in found.describedBy}
    assert SITE_URL + "id/dataset/kassel.ttl" in described
    assert SITE_URL + "dist/kassel.ttl" in {str(link.target) for link in found.items}
    assert "https://schema.org/Dataset" in {str(t.target) for t in found.types}
    linkset = signposting.find_signposting_linkset(static_servers[server] + "id/city/kassel.linkset.json")
    city = linkset.for_context(SITE_URL + "id/city/kassel")  # the anchor: the page's public URL
    assert str(city.citeAs.target) == str(CITY)
    assert str(city.license.target) == str(LICENCE)


def test_serve_signposts_alike(live_server) -> None:  # type: ignore[no-untyped-def]
    found = signposting.find_signposting_http(live_server.url + "id/city/kassel")
    assert str(found.citeAs.target) == str(CITY)
    assert str(found.license.target) == str(LICENCE)
    assert all(str(link.target).startswith("http") for link in found.describedBy)
