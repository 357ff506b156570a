"""One content-negotiation matrix, asked of `serve`, of real nginx (njs) and of real Apache httpd
serving the static site: the same status, media type, body (RDF parsed by rdflib and compared
as graphs), Content-Location and signposting relations, for every case."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin

import httpx
import pytest
import rdflib
from rdflib.compare import isomorphic

from tests.conftest import SITE_URL
from tests.servers import twingraph_server

RDF = {"text/turtle": "turtle", "application/ld+json": "json-ld", "application/rdf+xml": "xml",
       "application/n-triples": "nt"}  # fmt: skip
EXTENSIONS = {"text/html": ".html", "text/turtle": ".ttl", "application/ld+json": ".jsonld",
              "application/rdf+xml": ".rdf", "application/n-triples": ".nt"}  # fmt: skip
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"

# (Accept header, the media type every server must answer with)
ACCEPT_CASES = [
    (None, "text/html"),
    ("*/*", "text/html"),
    (BROWSER, "text/html"),
    ("text/turtle", "text/turtle"),
    ("application/ld+json", "application/ld+json"),
    ("application/rdf+xml", "application/rdf+xml"),
    ("application/n-triples", "application/n-triples"),
    ("application/rdf+xml;q=0.9, application/ld+json;q=0.4", "application/rdf+xml"),
    ("application/ld+json;q=0.4, application/rdf+xml;q=0.9", "application/rdf+xml"),
    ("text/turtle;q=0.5, application/n-triples;q=0.55", "application/n-triples"),
    ("text/turtle, application/ld+json", "text/turtle"),
    ("text/turtle, */*", "text/turtle"),
    ("text/turtle;q=0.8, */*;q=0.9", "text/html"),
    ("application/*", "application/rdf+xml"),
    ("text/*;q=0.5, application/ld+json;q=0.4", "text/html"),
    ("image/png", "text/html"),
    ("text/html;q=0", "text/html"),
    ("text/html;q=0, text/turtle;q=0.1", "text/turtle"),
    ("text/plain", "application/n-triples"),
    ("application/json", "application/ld+json"),
]
PATHS = ["id/city/kassel", "id/partnership/kassel--mulhouse", "id/dataset/kassel", "ontology", "catalog"]
SIGNPOSTED = ("id/", "ontology")


@pytest.fixture(scope="module")
def servers(static_servers: dict[str, str]) -> Iterator[dict[str, str]]:
    """serve (with the site's public URL), nginx and Apache serving the same Kassel site."""
    with twingraph_server("--base-url", SITE_URL) as serve:
        yield {"serve": serve.url, **static_servers}


@pytest.fixture(scope="module")
def site_folder(kassel_site: Path) -> Path:
    return kassel_site


def _media_type(response: httpx.Response) -> str:
    return response.headers.get("content-type", "").split(";")[0].strip()


def _signposts(response: httpx.Response, base: str = "") -> set[tuple[str, str, str]]:
    """The Link header's relations with their targets resolved against the request's URL (and
    made relative to the server's `base`, to compare servers)."""
    found = set()
    for link in httpx.Headers(response.headers).get_list("link", split_commas=False):
        for entry in _split_links(link):
            target, *params = [part.strip() for part in entry.split(";")]
            attributes = dict(p.split("=", 1) for p in params if "=" in p)
            found.add(
                (
                    attributes.get("rel", "").strip('"'),
                    urljoin(str(response.url), target.strip("<>")).removeprefix(base or "\0"),
                    attributes.get("type", "").strip('"'),
                )
            )
    return found


def _split_links(header: str) -> list[str]:
    entries, current, inside = [], "", False
    for char in header:
        if char == "<":
            inside = True
        elif char == ">":
            inside = False
        if char == "," and not inside:
            entries.append(current)
            current = ""
        else:
            current += char
    return [e for e in [*entries, current] if e.strip()]


def _relative(response: httpx.Response, base: str) -> str:
    """A response URL or Content-Location as a path under the server's root."""
    location = response.headers.get("content-location", "")
    return urljoin(str(response.url), location).removeprefix(base) if location else ""


def _ask(servers: dict[str, str], path: str, accept: str | None) -> dict[str, httpx.Response]:
    headers = {"Accept": accept} if accept is not None else {}
    if accept is None:
        headers = {"Accept": ""}  # httpx would send */*; an empty header is what "none" means to all three
    return {name: httpx.get(url + path, headers=headers, follow_redirects=True) for name, url in servers.items()}


def _graph(response: httpx.Response) -> rdflib.Graph:
    return rdflib.Graph().parse(data=response.content, format=RDF[_media_type(response)])


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize(("accept", "expected"), ACCEPT_CASES, ids=[str(a) for a, _ in ACCEPT_CASES])
def test_every_server_answers_alike(servers: dict[str, str], path: str, accept: str | None, expected: str) -> None:
    answers = _ask(servers, path, accept)
    for name, response in answers.items():
        assert response.status_code == 200, (name, response.status_code)
        assert _media_type(response) == expected, name
        assert response.headers["content-type"].endswith("charset=utf-8"), name
        assert "accept" in response.headers.get("vary", "").lower(), name
        assert _relative(response, servers[name]) == path + EXTENSIONS[expected], name
    serve = answers["serve"]
    if expected in RDF:
        for name, response in answers.items():
            assert isomorphic(_graph(response), _graph(serve)), name
    else:
        assert answers["nginx"].content == answers["apache"].content
        title = serve.text.split("<h1>")[1].split("</h1>")[0]
        assert f"<h1>{title}</h1>" in answers["nginx"].text
    links = {name: _signposts(response, servers[name]) for name, response in answers.items()}
    assert links["nginx"] == links["serve"] == links["apache"]
    assert bool(links["serve"]) == path.startswith(SIGNPOSTED)


@pytest.mark.parametrize("suffix", list(EXTENSIONS.values()))
@pytest.mark.parametrize("path", PATHS)
def test_extension_urls_always_give_their_format(servers: dict[str, str], path: str, suffix: str) -> None:
    answers = _ask(servers, path + suffix, "image/png")
    expected = {v: k for k, v in EXTENSIONS.items()}[suffix]
    for name, response in answers.items():
        assert response.status_code == 200, name
        assert _media_type(response) == expected, name
        assert _relative(response, servers[name]) == path + suffix, name
    if expected in RDF:
        assert isomorphic(_graph(answers["nginx"]), _graph(answers["serve"]))
        assert isomorphic(_graph(answers["apache"]), _graph(answers["serve"]))
    links = {name: _signposts(response, servers[name]) for name, response in answers.items()}
    assert links["nginx"] == links["serve"] == links["apache"]


def test_the_dataset_signposts_its_downloads_and_every_resource_its_licence(servers: dict[str, str]) -> None:
    for name, url in servers.items():
        dataset = _signposts(httpx.get(url + "id/dataset/kassel"))
        items = {target for rel, target, _ in dataset if rel == "item"}
        # Absolute, under the site's public URL: assessors that do not resolve a relative target read them.
        assert SITE_URL + "dist/kassel.ttl" in items, name
        header = httpx.get(url + "id/city/kassel").headers["link"]
        assert all(entry.strip().startswith(("<http://", "<https://")) for entry in _split_links(header)), name
        assert ("cite-as", "https://w3id.org/twingraph/id/dataset/kassel", "") in dataset, name
        assert ("type", "https://schema.org/Dataset", "") in dataset, name
        city = _signposts(httpx.get(url + "id/city/kassel"))
        assert any(rel == "license" for rel, _, _ in city), name
        assert ("linkset", SITE_URL + "id/city/kassel.linkset.json", "application/linkset+json") in city, name


def test_linksets_are_served_as_linkset_json_by_every_server(servers: dict[str, str]) -> None:
    bodies = {}
    for name, url in servers.items():
        response = httpx.get(url + "id/city/kassel.linkset.json")
        assert response.status_code == 200, name
        assert _media_type(response) == "application/linkset+json", name
        bodies[name] = response.json()
    assert bodies["nginx"] == bodies["serve"] == bodies["apache"]
    anchor = bodies["serve"]["linkset"][0]
    assert anchor["anchor"] == SITE_URL + "id/city/kassel"
    assert anchor["cite-as"] == [{"href": "https://w3id.org/twingraph/id/city/kassel"}]


def test_unknown_resources_are_404_with_the_sites_page(servers: dict[str, str]) -> None:
    for name, url in servers.items():
        for path in ("id/city/atlantis", "id/city/atlantis.ttl", "no/such/thing"):
            response = httpx.get(url + path, headers={"Accept": "text/html"})
            assert response.status_code == 404, (name, path)


@pytest.mark.parametrize("server", ["nginx", "apache"])
def test_the_static_hosts_serve_the_rest_of_the_site(servers: dict[str, str], site_folder: Path, server: str) -> None:
    url = servers[server]
    void = httpx.get(url + ".well-known/void")
    assert _media_type(void) == "text/turtle"
    assert len(rdflib.Graph().parse(data=void.text, format="turtle")) > 10
    queries = httpx.get(url + "queries")
    assert queries.status_code == 200
    assert "Stored queries" in queries.text
    dump = httpx.get(url + "dist/kassel.ttl")
    assert dump.headers["access-control-allow-origin"] == "*"
    assert "immutable" not in dump.headers["cache-control"]
    (versioned,) = [p.name for p in (site_folder / "public" / "dist").glob("kassel-*.ttl")]
    copy = httpx.get(url + "dist/" + versioned)
    assert copy.content == dump.content
    assert copy.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert httpx.get(url + "sitemap.xml").status_code == 200
    assert "Sitemap: " + SITE_URL + "sitemap.xml" in httpx.get(url + "robots.txt").text
    assert httpx.get(url + "dist/").status_code == 200


def test_w3id_rules_send_every_iri_to_the_site_and_negotiate_for_hosts_that_cannot(kassel_site: Path) -> None:
    """Apache serving the site's w3id/.htaccess at /twingraph/ of a w3id.org-like root. A site on
    GitHub or GitLab Pages cannot negotiate, so the rules send an RDF client to its document."""
    from tests.webservers import apache_missing, apache_server, readable_folder, remove

    if apache_missing():
        pytest.skip(apache_missing() or "")
    root = readable_folder("twingraph-w3id-")
    try:
        (root / "www" / "twingraph").mkdir(parents=True)
        shutil.copy(kassel_site / "w3id" / ".htaccess", root / "www" / "twingraph" / ".htaccess")
        (root / "apache").mkdir()
        with apache_server(root / "www", root / "apache") as w3id:
            cases = [
                ("id/city/kassel", "text/turtle", 303, "id/city/kassel.ttl"),
                ("id/city/kassel", "application/ld+json", 303, "id/city/kassel.jsonld"),
                ("id/city/kassel", "application/rdf+xml, text/turtle;q=0.5", 303, "id/city/kassel.ttl"),
                ("id/city/kassel", "application/n-triples", 303, "id/city/kassel.nt"),
                ("id/city/kassel", "text/turtle;q=0, application/ld+json", 303, "id/city/kassel.jsonld"),
                ("id/city/kassel", "text/html;q=0, text/turtle", 303, "id/city/kassel.ttl"),
                ("id/city/kassel", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", 303,
                 "id/city/kassel"),
                ("id/city/kassel", "*/*", 303, "id/city/kassel"),
                ("id/partnership/kassel--mulhouse", "text/turtle", 303, "id/partnership/kassel--mulhouse.ttl"),
                ("ontology", "text/turtle", 303, "ontology.ttl"),
                ("id/city/kassel.ttl", "application/ld+json", 303, "id/city/kassel.ttl"),
                ("dist/kassel.ttl", "text/turtle", 302, "dist/kassel.ttl"),
                ("", "text/turtle", 302, ""),
            ]  # fmt: skip
            for path, accept, status, target in cases:
                response = httpx.get(w3id.url + "twingraph/" + path, headers={"Accept": accept})
                assert response.status_code == status, (path, accept)
                assert response.headers["location"] == SITE_URL + target, (path, accept)
    finally:
        remove(root)


def test_a_browser_sees_kassels_partners_and_map_on_the_nginx_site(static_servers: dict[str, str], browser) -> None:
    from tests.conftest import SCREENSHOTS

    url = static_servers["nginx"]
    context = browser.new_context(viewport={"width": 1100, "height": 1300}, locale="en-GB")
    requests: list[str] = []
    page = context.new_page()
    page.on("request", lambda request: requests.append(request.url))
    page.goto(url + "id/city/kassel")
    assert page.locator("h1").inner_text() == "Kassel"
    partners = page.locator("#partnerships").locator("xpath=following-sibling::table[1]")
    assert partners.get_by_role("link", name="Florence", exact=True).is_visible()
    box = page.locator("figure#map svg").bounding_box()
    assert box is not None
    assert box["width"] > 800
    page.screenshot(path=str(SCREENSHOTS / "site-kassel.png"), full_page=True)
    partners.get_by_role("link", name="Florence", exact=True).click()
    page.wait_for_url("**/id/city/florence.html")
    assert page.locator("h1").inner_text() == "Florence"
    page.get_by_role("link", name="Stored queries").click()
    page.get_by_role("link", name="Partnerships per decade").click()
    assert page.locator("#results tbody tr").count() > 3
    assert requests
    assert all(request.startswith(url) for request in requests)
    context.close()


def test_nginx_without_njs_still_serves_by_the_presence_of_a_type(kassel_site: Path) -> None:
    """The documented fallback: no q-values, HTML first, every extension URL as ever."""
    from tests.webservers import nginx_missing, nginx_server, readable_folder, remove

    if nginx_missing():
        pytest.skip(nginx_missing() or "")
    workdir = readable_folder("twingraph-nojs-")
    try:
        with nginx_server(kassel_site, workdir, njs=False) as nginx:
            cases = [("text/turtle", "text/turtle"), (BROWSER, "text/html"), ("*/*", "text/html"),
                     ("application/ld+json", "application/ld+json"), ("image/png", "text/html")]  # fmt: skip
            for accept, expected in cases:
                response = httpx.get(nginx.url + "id/city/kassel", headers={"Accept": accept})
                assert response.status_code == 200, accept
                assert _media_type(response) == expected, accept
            assert _media_type(httpx.get(nginx.url + "id/city/kassel.rdf")) == "application/rdf+xml"
    finally:
        remove(workdir)


def test_a_site_under_a_sub_path_negotiates_on_nginx_and_apache(tmp_path: Path) -> None:
    """A site built for https://…/twinnings/ and served there (a GitHub Pages project site, a
    city's web space) with the configuration as generated: public/ is the web root on both
    servers, the files lie under public/twinnings/, the rules carry the path prefix."""
    from tests.conftest import run_cli
    from tests.webservers import apache_missing, apache_server, nginx_missing, nginx_server, readable_folder, remove

    missing = nginx_missing() or apache_missing()
    if missing:
        pytest.skip(missing)
    folder = readable_folder("twingraph-subpath-")
    try:
        site = folder / "site"
        built = run_cli("site", "--out", str(site), "--base-url", "http://site.test/twinnings/", "--pictures", "0")
        assert built.returncode == 0, built.stderr
        assert (site / "public" / "twinnings" / "id" / "city" / "kassel.ttl").is_file()
        (folder / "nginx").mkdir()
        (folder / "apache").mkdir()
        with (
            nginx_server(site, folder / "nginx") as nginx,
            apache_server(site / "public", folder / "apache") as apache,
        ):
            for server in (nginx, apache):
                base = server.url + "twinnings/"
                response = httpx.get(base + "id/city/kassel", headers={"Accept": "application/ld+json"})
                assert response.status_code == 200, server.name
                assert _media_type(response) == "application/ld+json", server.name
                assert _relative(response, server.url) == "twinnings/id/city/kassel.jsonld", server.name
                public = "http://site.test/twinnings/"
                assert ("describedby", "id/city/kassel.ttl", "text/turtle") in _signposts(response, public), server.name
                page = httpx.get(base + "id/city/kassel", headers={"Accept": BROWSER})
                assert _media_type(page) == "text/html", server.name
                assert httpx.get(base + "queries").status_code == 200, server.name
                missing_page = httpx.get(base + "id/city/atlantis", headers={"Accept": BROWSER})
                assert missing_page.status_code == 404, server.name
                assert 'href="/twinnings/index.html"' in missing_page.text, server.name
    finally:
        remove(folder)


@pytest.mark.parametrize("server", ["nginx", "apache"])
def test_rdflib_reads_a_resource_of_the_static_site_by_its_url(static_servers: dict[str, str], server: str) -> None:
    """rdflib's own HTTP client, with its own Accept header, gets RDF, not the page."""
    from rdflib.namespace import RDFS

    graph = rdflib.Graph().parse(static_servers[server] + "id/city/kassel")
    kassel = rdflib.URIRef("https://w3id.org/twingraph/id/city/kassel")
    assert rdflib.Literal("Kassel", lang="de") in set(graph.objects(kassel, RDFS.label))
    assert len(graph) > 20


@pytest.mark.parametrize("server", ["nginx", "apache"])
def test_the_static_site_sends_serves_security_headers_answers_preflights_and_hides_dot_files(
    static_servers: dict[str, str], server: str
) -> None:
    from twingraph.web.headers import SECURITY

    base = static_servers[server]
    for path in ("id/city/kassel", "id/city/kassel.ttl", "index.html", "dist/kassel.ttl", "queries.html"):
        response = httpx.get(base + path)
        assert response.status_code == 200, (server, path)
        for name, value in SECURITY.items():
            assert response.headers.get(name) == value, (server, path, name)
    preflight = httpx.request(
        "OPTIONS", base + "id/city/kassel",
        headers={"Origin": "https://elsewhere.example", "Access-Control-Request-Method": "GET",
                 "Access-Control-Request-Headers": "accept"},
    )  # fmt: skip
    assert preflight.status_code in (200, 204), server
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert "Accept" in preflight.headers["access-control-allow-headers"]
    assert httpx.get(base + ".htaccess").status_code == 404, server
    assert httpx.get(base + ".nojekyll").status_code == 404, server
    assert httpx.get(base + ".well-known/void").status_code == 200, server


@pytest.mark.parametrize("server", ["nginx", "apache"])
@pytest.mark.parametrize("path", ["id/city/kassel/", "ontology/", "id/city/kassel/x"])
def test_a_path_below_a_resource_is_a_404_on_every_server(
    static_servers: dict[str, str], server: str, path: str
) -> None:
    """Apache looped on these (500, "Request exceeded the limit of 10 internal redirects")."""
    assert httpx.get(static_servers[server] + path).status_code == 404
