"""The static site's files besides the resources: the ontology and catalogue documents, the
index and stored queries, the downloads, what crawlers read, and the web-server rules."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urlsplit

from twingraph.static_site.hosting import (
    Hosting,
    htaccess,
    nginx_http,
    nginx_http_without_njs,
    nginx_main,
    nginx_server,
    njs_script,
)
from twingraph.static_site.w3id import w3id_htaccess
from twingraph.web.i18n import N_

if TYPE_CHECKING:
    from twingraph.web.pages import Pages
    from twingraph.web.site import Site

W3ID = "https://w3id.org/"


class _Renderer(Protocol):
    """What these files need of the site's renderer (static_site/generate.py)."""

    site: Site
    url: str

    def pages(self, path: str) -> Pages:
        """The page builder for a page at `path`."""

    def documents(self, triples: list[Any], name: str) -> Iterator[tuple[str, bytes]]:
        """A resource's RDF documents."""

    def negotiated(self, path: str, page: bytes, documents: list[tuple[str, bytes]]) -> Iterator[tuple[str, bytes]]:
        """A negotiated resource's page, documents and type map."""


def ontology_files(renderer: _Renderer, hosting: Hosting) -> Iterator[tuple[str, bytes]]:
    """The ontology's page and documents; its terms (hash IRIs) resolve to them."""
    from twingraph.web.pages import render
    from twingraph.web.signposting import linkset

    site = renderer.site
    pages = renderer.pages("ontology.html")
    page = render("ontology.html", urls=pages.urls, lang="en", **pages.ontology([]))
    yield from renderer.negotiated("ontology", page, list(renderer.documents(site.ontology_triples(), "ontology")))
    yield "ontology.linkset.json", linkset(site.signposts("ontology"), anchor=renderer.url + "ontology")


def catalogue_files(renderer: _Renderer) -> Iterator[tuple[str, bytes]]:
    """`catalog`: the DCAT-AP catalogue's page and documents (Turtle and JSON-LD as `build` writes them)."""
    import pyoxigraph

    from twingraph.web.pages import render

    site = renderer.site
    rows = site.select("SELECT ?c WHERE { ?c a <http://www.w3.org/ns/dcat#Catalog> } ORDER BY ?c LIMIT 1")
    pages = renderer.pages("catalog.html")
    context = {**pages.resource(str(rows[0]["c"].value), []), "signposts": []}
    page = render("resource.html", urls=pages.urls, lang="en", **context)
    triples = [q.triple for q in pyoxigraph.parse(site.files["catalog.ttl"], format=pyoxigraph.RdfFormat.TURTLE)]
    documents = dict(renderer.documents(triples, "catalog"))
    documents.update({"catalog.ttl": site.files["catalog.ttl"], "catalog.jsonld": site.files["catalog.jsonld"]})
    yield from renderer.negotiated("catalog", page, sorted(documents.items()))


def index_and_queries(renderer: _Renderer) -> Iterator[tuple[str, bytes]]:
    """The index page; the stored queries' list, and each query's page with its answer as a
    table and as CSV and JSON, where it needs no parameters."""
    from twingraph.sparql.query import answer_local, stored_queries
    from twingraph.sparql.results import serialize
    from twingraph.web.pages import render

    site = renderer.site
    pages = renderer.pages("index.html")
    yield "index.html", render("index.html", urls=pages.urls, lang="en", **pages.index([]))
    queries = stored_queries(site.queries_folder)
    pages = renderer.pages("queries.html")
    yield "queries.html", render("queries.html", urls=pages.urls, queries=queries)
    pages = renderer.pages("queries/x.html")
    for query in queries:
        table = None
        if not query.parameters and query.text:
            import json

            answer = answer_local(site.loaded, query)
            document = serialize(answer, "json")
            yield f"queries/{query.name}.csv", serialize(answer, "csv")
            yield f"queries/{query.name}.json", document
            table = pages.results_table(json.loads(document), [])
        yield f"queries/{query.name}.html", render(
            "query.html", urls=pages.urls, title=query.title, query=query, values={}, error=None, table=table,
            csv_href=f"{query.name}.csv", json_href=f"{query.name}.json",
        )  # fmt: skip


def downloads(renderer: _Renderer) -> Iterator[tuple[str, bytes]]:
    """`dist/`: the files of `build` (their catalogue names these URLs), with a page listing them."""
    from twingraph.web.pages import Link, purpose, render

    site = renderer.site
    for name, body in sorted(site.files.items()):
        yield f"dist/{name}", body
    pages = renderer.pages("dist/index.html")
    links = [
        Link(name, name, note=f"{len(body):,} bytes · {purpose(name, site.settings.name)}")
        for name, body in sorted(site.files.items())
    ]
    yield "dist/index.html", render("downloads.html", urls=pages.urls, files=links)
    yield ".well-known/void", site.files["void.ttl"]


def crawler_files(renderer: _Renderer, paths: list[str]) -> Iterator[tuple[str, bytes]]:
    """The sitemap, robots.txt, the 404 page (its links from the root: it is shown at any
    depth) and .nojekyll (GitHub Pages then keeps .well-known/ and the dot-files)."""
    from xml.sax.saxutils import escape

    from twingraph.web.pages import render
    from twingraph.web.urls import Urls

    url = renderer.url
    pages = ["", "ontology", "catalog", "queries.html", "dist/index.html", *paths]
    entries = "".join(f"<url><loc>{escape(url + page)}</loc></url>\n" for page in pages)
    yield (
        "sitemap.xml",
        (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{entries}</urlset>\n'
        ).encode(),
    )
    yield "robots.txt", f"User-agent: *\nAllow: /\nSitemap: {url}sitemap.xml\n".encode()
    message = "There is nothing at this address. The index lists what is here."
    yield "404.html", render("error.html", title=N_("Not found"), message=message, urls=Urls(url, static=True))
    yield ".nojekyll", b""


def hosting_files(renderer: _Renderer, hosting: Hosting) -> Iterator[tuple[str, bytes]]:
    """`.htaccess` in the web root; nginx's files and, for a w3id.org base IRI, w3id's rules beside it."""
    yield ".htaccess", htaccess(hosting)
    yield "nginx/main.conf", nginx_main()
    yield "nginx/http.conf", nginx_http(hosting)
    yield "nginx/http-without-njs.conf", nginx_http_without_njs()
    yield "nginx/server.conf", nginx_server(hosting)
    yield "nginx/twingraph.js", njs_script(hosting)
    base_iri = renderer.site.base_iri
    if base_iri.startswith(W3ID):
        path = base_iri[len(W3ID) :]
        yield "w3id/.htaccess", w3id_htaccess(hosting, base_iri_path=path, site_url=renderer.url)
        yield "w3id/README.md", _w3id_readme(renderer, path)


def _w3id_readme(renderer: _Renderer, path: str) -> bytes:
    publishing = renderer.site.settings.publishing
    contact = publishing.contact_email or publishing.contact_url
    host = urlsplit(renderer.url).netloc
    return f"""# w3id.org/{path}

The permanent identifiers of **{renderer.site.settings.title}**, published with twingraph.

Every IRI under `https://w3id.org/{path}` is sent, with its path kept, to the static site at
{renderer.url}, which answers each in HTML, Turtle, JSON-LD, RDF/XML or N-Triples by the
request's `Accept` header. Resources (`id/…`, `ontology`) are redirected with 303 See Other,
everything else with 302.

To propose these rules: fork https://github.com/perma-id/w3id.org, copy this folder's
`.htaccess` to `{path}` in it, and open a pull request with this file as its description.

## Maintainers

- {publishing.publisher_name} ({publishing.publisher_url})
- Contact: {contact}
- Site: {host}
""".encode()
