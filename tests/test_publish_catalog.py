"""The DCAT-AP catalogue against the official shapes, the MQA self-score, and VoID."""

from __future__ import annotations

import hashlib
import threading
import urllib.request
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, XSD

from tests.conftest import run_cli
from tests.dcat_referee import DE_PROFILE, PROFILES, severities, validate
from twingraph.publish import mqa

DCAT = "http://www.w3.org/ns/dcat#"
PUBLISHER_NOT_EU_BODY = "CorporateBodyRestriction"


@pytest.fixture(scope="module")
def dist(first_build: Path) -> Path:
    return first_build


def catalogue(dist: Path, name: str = "catalog.ttl") -> Graph:
    fmt = "json-ld" if name.endswith(".jsonld") else "turtle"
    return Graph().parse(dist / name, format=fmt)


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_the_official_dcat_ap_shapes_find_no_violation(dist: Path, profile: str) -> None:
    findings = validate(catalogue(dist), PROFILES[profile])
    assert severities(findings)["Violation"] == 0, findings
    # The only warnings: our publisher is not in the EU corporate-bodies table, which lists EU
    # institutions and public bodies; a project such as ours cannot be in it.
    # The recommended level also wants an end to the temporal coverage; the partnerships go on,
    # so the period is open-ended on purpose (DCAT allows a period with only a start).
    open_ended = [f for f in findings if f.path == "http://www.w3.org/ns/dcat#endDate"]
    others = [f for f in findings if f not in open_ended]
    assert all(f.severity == "Warning" for f in open_ended), open_ended
    assert all(f.severity == "Warning" and PUBLISHER_NOT_EU_BODY in f.message for f in others), findings
    if profile == "dcat-ap 3.0.1 code lists":
        assert len(others) == 2  # the catalogue's and the dataset's publisher
    else:
        assert others == []
    assert len(open_ended) == (1 if profile == "dcat-ap 3.0.1 recommended" else 0)


def test_the_json_ld_catalogue_is_the_same_catalogue(dist: Path) -> None:
    from rdflib.compare import isomorphic

    assert isomorphic(catalogue(dist, "catalog.jsonld"), catalogue(dist))


def test_the_dcat_ap_de_profile_passes_the_dcat_ap_de_shapes(dist: Path) -> None:
    graph = catalogue(dist, "catalog-de.ttl")
    assert validate(graph, DE_PROFILE) == []
    dcatde = "http://dcat-ap.de/def/dcatde/"
    assert (None, URIRef(dcatde + "politicalGeocodingLevelURI"), None) in graph
    assert (None, URIRef(dcatde + "licenseAttributionByText"), None) in graph
    licences = set(graph.objects(None, DCTERMS.license))
    assert licences == {URIRef("http://dcat-ap.de/def/licenses/cc-by/4.0")}


def test_each_distribution_describes_its_real_file(dist: Path) -> None:
    graph = catalogue(dist)
    distributions = list(graph.subjects(RDF.type, URIRef(DCAT + "Distribution")))
    assert len(distributions) == 11  # five formats, the CSV in its long form, and the five network files
    for distribution in distributions:
        url = str(graph.value(distribution, URIRef(DCAT + "downloadURL")))
        assert url.startswith("https://w3id.org/twingraph/dist/kassel/")
        local = dist / url.rsplit("/", 1)[1]
        body = local.read_bytes()
        assert graph.value(distribution, URIRef(DCAT + "byteSize")) == Literal(
            str(len(body)), datatype=XSD.nonNegativeInteger
        )
        checksum = graph.value(distribution, URIRef("http://spdx.org/rdf/terms#checksum"))
        value = graph.value(checksum, URIRef("http://spdx.org/rdf/terms#checksumValue"))
        assert str(value) == hashlib.sha256(body).hexdigest()
        assert str(graph.value(distribution, URIRef(DCAT + "mediaType"))).startswith(
            "https://www.iana.org/assignments/media-types/"
        )
        assert str(graph.value(distribution, DCTERMS.format)).startswith(
            "http://publications.europa.eu/resource/authority/file-type/"
        )


def test_no_blank_nodes_and_every_text_is_tagged(dist: Path) -> None:
    from rdflib import BNode

    graph = catalogue(dist)
    assert not any(isinstance(t, BNode) for triple in graph for t in triple)
    # Texts for people; an identifier is not one and carries no language.
    texts = [o for _, p, o in graph if isinstance(o, Literal) and o.datatype is None and p != DCTERMS.identifier]
    assert texts
    assert all(o.language and str(o).strip() for o in texts)


def test_temporal_coverage_starts_with_the_first_partnership_and_stays_open(dist: Path) -> None:
    graph = catalogue(dist)
    period = next(graph.subjects(RDF.type, DCTERMS.PeriodOfTime))
    assert str(graph.value(period, URIRef(DCAT + "startDate"))) == "1952-01-01"
    assert graph.value(period, URIRef(DCAT + "endDate")) is None  # the partnerships go on


def test_mqa_self_score_is_405_with_the_files_served(dist: Path, tmp_path: Path) -> None:
    handler = partial(SimpleHTTPRequestHandler, directory=str(dist))
    handler.log_message = lambda *args: None  # type: ignore[attr-defined]
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        served = tmp_path / "served"
        built = run_cli("build", "--out", str(served), "--base-url", base)
        assert built.returncode == 0, built.stderr
        graph = catalogue(served)

        def reachable(url: str) -> bool:
            request = urllib.request.Request(url, method="HEAD")
            with urllib.request.urlopen(request, timeout=5) as response:
                return response.status == 200

        compliant = all(
            not any(f.severity == "Violation" for f in validate(graph, files)) for files in PROFILES.values()
        )
        result = mqa.score(graph, reachable=reachable, dcat_ap_compliant=compliant)
    finally:
        server.shutdown()
        server.server_close()
    # GraphML's and GEXF's media types are not registered with IANA: the one indicator they cost.
    assert mqa.describe(result) == [
        "MQA self-score: 395/405",
        "  not earned: format and mediaType from vocabularies (10): a format or media type is not from the EU or "
        "IANA vocabularies (GraphML's and GEXF's media types are in common use but not registered with IANA)",
    ]


def test_offline_the_score_names_what_it_cannot_check(dist: Path) -> None:
    result = mqa.score(catalogue(dist))
    assert result.total == 335
    assert [i.name for i in result.missed] == [
        "downloadURL reachable", "format and mediaType from vocabularies", "DCAT-AP compliance"
    ]  # fmt: skip
    assert all(i.why for i in result.missed)


def test_a_catalogue_without_licence_loses_its_points(dist: Path) -> None:
    graph = catalogue(dist)
    graph.remove((None, DCTERMS.license, None))
    missed = {i.name for i in mqa.score(graph).missed}
    assert {"licence", "licence from vocabulary"} <= missed


def test_void_describes_the_dump_and_the_wikidata_links(dist: Path) -> None:
    void = "http://rdfs.org/ns/void#"
    graph = Graph().parse(dist / "void.ttl")
    dataset = URIRef("https://w3id.org/twingraph/id/dataset/kassel")
    data = Graph().parse(dist / "kassel.nt")
    assert int(graph.value(dataset, URIRef(void + "triples"))) == len(data) == 635
    dumps = {str(o) for o in graph.objects(dataset, URIRef(void + "dataDump"))}
    assert "https://w3id.org/twingraph/dist/kassel/kassel.ttl" in dumps
    linkset = next(graph.subjects(RDF.type, URIRef(void + "Linkset")))
    links = len(list(data.triples((None, URIRef("https://w3id.org/twingraph/ontology#wikidataEntity"), None))))
    assert int(graph.value(linkset, URIRef(void + "triples"))) == links > 10
    assert URIRef("https://w3id.org/twingraph/ontology#") in set(graph.objects(dataset, URIRef(void + "vocabulary")))
    assert len(list(graph.objects(dataset, URIRef(void + "classPartition")))) >= 8
    assert len(list(graph.objects(dataset, URIRef(void + "exampleResource")))) == 2


def test_catalog_command_prints_the_same_catalogue_as_build(dist: Path) -> None:
    shown = run_cli("catalog")
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.encode() == (dist / "catalog.ttl").read_bytes()
    de = run_cli("catalog", "--profile", "dcat-ap-de", "-f", "jsonld")
    from rdflib.compare import isomorphic

    assert isomorphic(Graph().parse(data=de.stdout, format="json-ld"), catalogue(dist, "catalog-de.ttl"))
