"""Dereferencing IRIs on a live `twingraph serve`: content negotiation, validators, CORS, languages."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import httpx
import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic

KASSEL = "https://w3id.org/twingraph/id/city/kassel"

# Real Accept headers, and the format each must get for a resource.
ACCEPT_TABLE = [
    ("firefox", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html"),
    (
        "chromium",
        "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,"
        "application/signed-exchange;v=b3;q=0.7",
        "text/html",
    ),
    ("safari", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html"),
    ("curl", "*/*", "text/html"),
    ("none", None, "text/html"),
    (
        "rdflib",
        "application/rdf+xml, text/n3, text/turtle, application/n-triples, application/ld+json, "
        "application/n-quads, application/trig;q=0.9, */*;q=0.1",
        "text/turtle",
    ),
    ("rapper", "application/rdf+xml,text/turtle;q=0.9,application/n-triples;q=0.8,*/*;q=0.1", "application/rdf+xml"),
    ("turtle-only", "text/turtle", "text/turtle"),
    ("jsonld", "application/ld+json", "application/ld+json"),
    ("jsonld-profile", 'application/ld+json;profile="http://www.w3.org/ns/json-ld#expanded"', "application/ld+json"),
    ("json", "application/json", "application/ld+json"),
    ("ntriples", "application/n-triples", "application/n-triples"),
    ("q-values", "text/turtle;q=0.5, application/ld+json;q=0.9, text/html;q=0.1", "application/ld+json"),
    ("wildcard-text", "text/*;q=0.9, application/ld+json;q=0.1", "text/html"),
    ("refuses-html", "text/html;q=0, */*;q=0.5", "text/turtle"),
    ("yasgui-like", "text/turtle,*/*;q=0.9", "text/turtle"),
    ("garbled-entry", "garbage;;, text/turtle", "text/turtle"),
    (
        "linked-data-fragments",
        "application/trig;q=1.0,application/n-quads;q=0.7,text/turtle;q=0.6,application/n-triples;q=0.3,text/n3;q=0.2",
        "text/turtle",
    ),
]


@pytest.mark.parametrize(("client", "accept", "expected"), ACCEPT_TABLE, ids=[row[0] for row in ACCEPT_TABLE])
def test_real_accept_headers_get_the_right_format(live_server, client: str, accept: str | None, expected: str) -> None:
    headers = {"Accept": accept} if accept is not None else {}
    with httpx.Client() as http:
        if accept is None:
            http.headers.pop("Accept", None)
        response = http.get(live_server.url + "id/city/kassel", headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == expected
    assert "Accept" in response.headers["vary"]
    suffix = {
        "text/html": ".html",
        "text/turtle": ".ttl",
        "application/ld+json": ".jsonld",
        "application/rdf+xml": ".rdf",
        "application/n-triples": ".nt",
    }
    assert response.headers["content-location"] == "/id/city/kassel" + suffix[expected]


def test_an_unacceptable_format_gets_the_page_never_a_406(live_server) -> None:
    response = httpx.get(live_server.url + "id/city/kassel", headers={"Accept": "image/png"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["content-location"] == "/id/city/kassel.html"
    assert "Accept" in response.headers["vary"]


def test_a_header_without_q_values_weighs_its_wildcard_down_as_apache_does(live_server) -> None:
    response = httpx.get(live_server.url + "id/city/kassel", headers={"Accept": "text/turtle, */*"})
    assert response.headers["content-type"].startswith("text/turtle")
    weighed = httpx.get(live_server.url + "id/city/kassel", headers={"Accept": "text/turtle;q=1, */*"})
    assert weighed.headers["content-type"].startswith("text/html")


def test_unknown_resource_is_404(live_server) -> None:
    assert httpx.get(live_server.url + "id/city/atlantis").status_code == 404
    assert httpx.get(live_server.url + "id/city/atlantis.ttl").status_code == 404
    assert httpx.get(live_server.url + "no/such/thing").status_code == 404


@pytest.mark.parametrize("fmt", ["turtle", "jsonld", "nt"])
def test_every_rdf_format_gives_the_same_triples(live_server, fmt: str) -> None:
    suffix = {"turtle": ".ttl", "jsonld": ".jsonld", "nt": ".nt"}[fmt]
    by_extension = httpx.get(live_server.url + "id/city/kassel" + suffix)
    by_parameter = httpx.get(
        live_server.url + "id/city/kassel", params={"format": fmt}, headers={"Accept": "text/html"}
    )
    assert by_extension.status_code == by_parameter.status_code == 200
    assert by_extension.content == by_parameter.content
    parsed = Graph().parse(data=by_extension.content, format={"turtle": "turtle", "jsonld": "json-ld", "nt": "nt"}[fmt])
    reference = Graph().parse(data=httpx.get(live_server.url + "id/city/kassel.nt").content, format="nt")
    assert isomorphic(parsed, reference)
    # Outgoing and incoming triples both: Kassel's partners and the partnerships naming Kassel.
    assert (URIRef(KASSEL), URIRef("https://w3id.org/twingraph/ontology#twinnedWith"), None) in parsed
    assert (None, URIRef("https://w3id.org/twingraph/ontology#partner"), URIRef(KASSEL)) in parsed


def test_rdflib_dereferences_the_iri_itself(live_server) -> None:
    graph = Graph().parse(live_server.url + "id/city/florence")
    florence = URIRef("https://w3id.org/twingraph/id/city/florence")
    assert {str(o) for o in graph.objects(florence, URIRef("http://www.w3.org/2000/01/rdf-schema#label"))} >= {
        "Florence",
        "Florenz",
        "Firenze",
    }


def test_conditional_requests_get_304(live_server) -> None:
    url = live_server.url + "id/city/kassel.ttl"
    first = httpx.get(url)
    tag, modified = first.headers["etag"], first.headers["last-modified"]
    assert first.headers["cache-control"].startswith("public")
    assert httpx.get(url, headers={"If-None-Match": tag}).status_code == 304
    assert httpx.get(url, headers={"If-None-Match": '"other"'}).status_code == 200
    assert httpx.get(url, headers={"If-Modified-Since": modified}).status_code == 304
    assert httpx.get(url, headers={"If-Modified-Since": "Thu, 01 Jan 1970 00:00:00 GMT"}).status_code == 200
    # If-None-Match wins over If-Modified-Since (RFC 9110).
    both = httpx.get(url, headers={"If-None-Match": '"other"', "If-Modified-Since": modified})
    assert both.status_code == 200


def test_head_and_cors(live_server) -> None:
    response = httpx.head(live_server.url + "id/city/kassel", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.content == b""


@pytest.mark.parametrize(
    ("accept_language", "title"),
    [
        ("de-DE,de;q=0.9,en;q=0.5", "Florenz"),
        ("en-GB", "Florence"),
        ("it", "Firenze"),
        (None, "Florence"),
        ("fr;q=0, de;q=0.4", "Florenz"),
        ("ja", "Florence"),
    ],
)
def test_page_label_follows_accept_language(live_server, accept_language: str | None, title: str) -> None:
    headers = {"Accept": "text/html"}
    if accept_language:
        headers["Accept-Language"] = accept_language
    page = httpx.get(live_server.url + "id/city/florence", headers=headers).text
    assert f"<h1>{title}</h1>" in page
    assert "Accept-Language" in httpx.get(live_server.url + "id/city/florence", headers=headers).headers["vary"]


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.alternates: list[tuple[str, str]] = []
        self.scripts: list[dict[str, str | None]] = []
        self.in_jsonld = False
        self.jsonld = ""
        self.assets: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(str(a["href"]))
        if tag == "link" and a.get("rel") == "alternate":
            self.alternates.append((str(a["type"]), str(a["href"])))
        if tag == "link" and a.get("rel") == "stylesheet":
            self.assets.append(str(a.get("href")))
        if tag in ("img", "iframe") or (tag == "script" and a.get("src")):
            self.assets.append(str(a.get("src")))
        if tag == "script":
            self.scripts.append(a)
            self.in_jsonld = a.get("type") == "application/ld+json"

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self.in_jsonld = False

    def handle_data(self, data: str) -> None:
        if self.in_jsonld:
            self.jsonld += data


def _parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def test_resource_page_cites_sources_links_partners_and_wikidata(live_server) -> None:
    html = httpx.get(live_server.url + "id/city/kassel", headers={"Accept": "text/html"}).text
    page = _parse(html)
    assert "/id/city/florence" in page.links
    assert "/id/partnership/florence--kassel" in page.links
    assert "https://www.wikidata.org/wiki/Q2865" in page.links
    assert (
        "https://eine-reise.de/europa/finland/kassels-staedtepartnerschaften-einblicke-in-die-kulturelle-vielfalt/en"
        in page.links
    )
    assert "/id/source/eine-reise-en" in page.links
    assert set(page.alternates) == {
        ("text/turtle", "/id/city/kassel.ttl"),
        ("application/rdf+xml", "/id/city/kassel.rdf"),
        ("application/ld+json", "/id/city/kassel.jsonld"),
        ("application/n-triples", "/id/city/kassel.nt"),
    }
    schema = json.loads(page.jsonld)
    assert schema["@type"] == "City"
    assert schema["name"] == "Kassel"
    assert schema["sameAs"] == ["http://www.wikidata.org/entity/Q2865"]
    # No JavaScript and nothing from other hosts.
    assert all(s.get("type") == "application/ld+json" for s in page.scripts)
    assert page.assets == []


def test_every_link_on_every_page_works(live_server) -> None:
    """Crawl the site from the index: every local link answers 200, in HTML."""
    seen: set[str] = set()
    queue = ["/"]
    with httpx.Client(base_url=live_server.url, headers={"Accept": "text/html"}) as http:
        while queue:
            path = queue.pop()
            if path in seen:
                continue
            seen.add(path)
            response = http.get(path)
            assert response.status_code == 200, path
            if response.headers["content-type"].startswith("text/html"):
                for link in _parse(response.text).links:
                    if link.startswith("/") and not link.startswith("/queries/") and not link.startswith("/dist/"):
                        queue.append(link.split("#")[0])
    assert len(seen) > 60  # the index, every place, partnership, source, claim, the ontology, …
    assert "/id/claim/florence--kassel-start-city" in seen
    assert "/ontology" in seen


def test_ontology_document_negotiates(live_server) -> None:
    html = httpx.get(live_server.url + "ontology", headers={"Accept": "text/html"}).text
    assert 'id="Partnership"' in html
    assert 'id="twinnedWith"' in html
    turtle = httpx.get(live_server.url + "ontology", headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=turtle.content, format="turtle")
    assert (URIRef("https://w3id.org/twingraph/ontology#Partnership"), None, None) in graph
    assert turtle.headers["content-location"] == "/ontology.ttl"


def test_catalogue_void_and_downloads(live_server) -> None:
    catalogue = httpx.get(live_server.url + "catalog", headers={"Accept": "text/turtle"})
    assert catalogue.status_code == 200
    graph = Graph().parse(data=catalogue.content, format="turtle")
    urls = {str(o) for o in graph.objects(None, URIRef("http://www.w3.org/ns/dcat#downloadURL"))}
    assert live_server.url + "dist/kassel.ttl" in urls
    for url in urls:  # every download the catalogue names is served, and is what the build writes
        assert httpx.get(url).status_code == 200, url
    jsonld = httpx.get(live_server.url + "catalog.jsonld")
    assert isomorphic(Graph().parse(data=jsonld.content, format="json-ld"), graph)
    assert (
        "text/html" in httpx.get(live_server.url + "catalog", headers={"Accept": "text/html"}).headers["content-type"]
    )
    void = httpx.get(live_server.url + ".well-known/void")
    assert void.headers["content-type"].startswith("text/turtle")
    assert (None, URIRef("http://rdfs.org/ns/void#triples"), None) in Graph().parse(data=void.content, format="turtle")
    data = httpx.get(live_server.url + "dist/kassel.ttl")
    assert data.headers["content-type"].startswith("text/turtle")
    assert httpx.get(live_server.url + "dist/nothing.ttl").status_code == 404


def test_writes_are_not_allowed(live_server) -> None:
    response = httpx.put(live_server.url + "id/city/kassel", content=b"<a> <b> <c> .")
    assert response.status_code == 405
    assert "read-only" in response.text


def test_city_pages_show_their_map_and_timeline_and_the_index_the_network(live_server) -> None:
    page = httpx.get(live_server.url + "id/city/kassel", headers={"Accept": "text/html"}).text
    assert page.count("<svg") == 2
    assert "where the partners are" in page
    assert "when each began" in page
    # Inline, with nothing fetched from elsewhere: no external references inside the pictures.
    assert 'xlink:href="http' not in page
    assert "<image" not in page
    mulhouse = httpx.get(live_server.url + "id/city/mulhouse", headers={"Accept": "text/html"}).text
    assert mulhouse.count("<svg") == 1  # a map; no timeline, since its partnership has no date
    index = httpx.get(live_server.url, headers={"Accept": "text/html"}).text
    assert 'id="network"' in index
    assert "best-connected" in index
    source = httpx.get(live_server.url + "id/source/eine-reise-en", headers={"Accept": "text/html"}).text
    assert "<svg" not in source


def test_media_types_are_case_insensitive_and_link_is_readable_across_origins(live_server) -> None:  # type: ignore[no-untyped-def]
    """RFC 9110: TEXT/TURTLE is text/turtle (nginx and Apache answer Turtle to it, so must serve);
    a script on another site reads the signposting Link header only if it is exposed."""
    import httpx

    shouted = httpx.get(live_server.url + "id/city/kassel", headers={"Accept": "TEXT/TURTLE"})
    assert shouted.headers["content-type"].startswith("text/turtle")
    void = httpx.get(live_server.url + ".well-known/void", headers={"Accept": "Text/Turtle"})
    assert void.status_code == 200
    assert void.headers["content-type"].startswith("text/turtle")
    exposed = [h.strip() for h in shouted.headers["access-control-expose-headers"].split(",")]
    assert "Link" in exposed
