"""Resources with content negotiation, the ontology, the catalogue, VoID, the index and downloads."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import anyio

from twingraph.formats import HTML
from twingraph.server.cache import BoundedCache
from twingraph.server.conneg import NotAcceptable
from twingraph.server.responses import SUFFIXES, Handlers
from twingraph.web.headers import RESOURCE_CHOICES
from twingraph.web.i18n import page_language
from twingraph.web.pages import EXTENSIONS, Link, purpose, render
from twingraph.web.signposting import LINKSET, link_header, linkset

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response

    from twingraph.server.state import App


class ResourceHandlers(Handlers):
    """Every page and document of the data: the 200 + Content-Location pattern (see app.py)."""

    def __init__(self, state: App) -> None:
        super().__init__(state)
        # The data never changes while serving, so a page or document, once made, is kept
        # (server/cache.py: bounded by bytes, keyed on the languages that change a page).
        self.resource_body = BoundedCache(self._resource_body)
        self.index_body = BoundedCache(self._index_body, max_bytes=8 * 1024 * 1024)

    async def resource(self, request: Request) -> Response:
        path = request.path_params["path"]
        named = None
        for suffix, name in {**SUFFIXES, LINKSET.suffix: LINKSET.name}.items():
            if path.endswith(suffix):
                path, named = path[: -len(suffix)], name
                break
        iri = self.site.iri_for_path("id/" + path)
        if not path or not self.site.exists(iri):
            return self.error(request, 404, f"nothing is known about <{iri}>; the index lists what is.")
        signposts = self.site.signposts("id/" + path)
        if named == LINKSET.name:
            anchor = self.urls.absolute(self.urls.resource(f"id/{path}"))
            return self.respond(request, linkset(signposts, anchor=anchor), LINKSET.media_type)
        wanted = self.page_languages(request)

        def make(name: str) -> bytes:
            return self.resource_body(iri, name, wanted if name == "html" else ())

        chosen = await anyio.to_thread.run_sync(self.rdf_choice, request, RESOURCE_CHOICES, named, make)
        if not isinstance(chosen, tuple):
            return chosen
        choice, body = chosen
        headers = {
            "Content-Location": self.urls.resource(f"id/{path}", EXTENSIONS[choice.name]),
            "Link": link_header(signposts),
        }
        return self.respond(request, body, choice.media_type, headers=headers)

    def _resource_body(self, iri: str, fmt: str, wanted: tuple[str, ...]) -> bytes:
        if fmt == "html":
            context = self.pages.resource(iri, list(wanted))
            return render("resource.html", urls=self.urls, lang=page_language(wanted), **context)
        return self.rdf(self.site.describe(iri), fmt)

    async def ontology(self, request: Request) -> Response:
        ext = request.path_params.get("ext")
        named = SUFFIXES.get(f".{ext}") if ext else None
        if f".{ext}" == LINKSET.suffix:
            anchor = self.urls.absolute(self.urls.ontology())
            return self.respond(request, linkset(self.site.signposts("ontology"), anchor=anchor), LINKSET.media_type)
        if ext and not named:
            return self.error(
                request, 404, f"no ontology document ends in .{ext}; try .ttl, .jsonld, .rdf, .nt or .html."
            )

        def make(name: str) -> bytes:
            if name == "html":
                return render(
                    "ontology.html",
                    urls=self.urls,
                    lang=self.language(request),
                    **self.pages.ontology(self.wanted(request)),
                )
            return self.rdf(self.site.ontology_triples(), name)

        links = {"Link": link_header(self.site.signposts("ontology"))}
        return self.negotiated(request, named, make, self.urls.ontology, links)

    def negotiated(
        self, request: Request, named: str | None, make: Any, location: Callable[[str], str],
        headers: dict[str, str] | None = None,
    ) -> Response:  # fmt: skip
        """A document in the negotiated format, naming the format's own URL in Content-Location."""
        chosen = self.rdf_choice(request, RESOURCE_CHOICES, named, make)
        if not isinstance(chosen, tuple):
            return chosen
        choice, body = chosen
        headers = {**(headers or {}), "Content-Location": location(EXTENSIONS[choice.name])}
        return self.respond(request, body, choice.media_type, headers=headers)

    async def index(self, request: Request) -> Response:
        try:
            self.choose(request, [HTML], None)
        except NotAcceptable:
            return self.error(request, 406, "the index is an HTML page; the data is at /catalog, /dist/ and /sparql.")
        body = await anyio.to_thread.run_sync(self.index_body, self.page_languages(request))
        return self.respond(request, body, "text/html")

    def _index_body(self, wanted: tuple[str, ...]) -> bytes:
        return render("index.html", urls=self.urls, lang=page_language(wanted), **self.pages.index(list(wanted)))

    async def catalog(self, request: Request) -> Response:
        ext = request.path_params.get("ext")
        named = SUFFIXES.get(f".{ext}") if ext else None
        if ext and not named:
            return self.error(request, 404, "the catalogue is at /catalog.ttl, .jsonld, .rdf and .nt.")

        def make(name: str) -> bytes:
            if name == "html":
                catalog_iri = self._catalog_iri()
                # Its signposts belong to the catalogue's own IRI (/id/catalog/…), not to this alias.
                page = {**self.pages.resource(catalog_iri, self.wanted(request)), "signposts": []}
                return render("resource.html", urls=self.urls, lang=self.language(request), **page)
            if name in ("turtle", "jsonld"):  # the files build publishes, byte for byte
                return self.site.files["catalog.ttl" if name == "turtle" else "catalog.jsonld"]
            return self.rdf(_triples_of(self.site.files["catalog.ttl"]), name)

        return self.negotiated(request, named, make, self.urls.catalog)

    def _catalog_iri(self) -> str:
        rows = self.site.select("SELECT ?c WHERE { ?c a <http://www.w3.org/ns/dcat#Catalog> } ORDER BY ?c LIMIT 1")
        return str(rows[0]["c"].value)

    async def void(self, request: Request) -> Response:
        choices = [c for c in RESOURCE_CHOICES if c.name != "html"]
        void = self.site.files["void.ttl"]
        chosen = self.rdf_choice(
            request, choices, None, lambda name: void if name == "turtle" else self.rdf(_triples_of(void), name)
        )
        if not isinstance(chosen, tuple):
            return chosen
        choice, body = chosen
        return self.respond(request, body, choice.media_type)

    async def dist_index(self, request: Request) -> Response:
        links = [
            Link(name, self.urls.download(name), note=f"{len(body):,} bytes · {purpose(name, self.site.settings.name)}")
            for name, body in sorted(self.site.files.items())
        ]
        body = render("downloads.html", urls=self.urls, lang=self.language(request), files=links)
        return self.respond(request, body, "text/html")

    async def dist_file(self, request: Request) -> Response:
        from pathlib import Path

        from twingraph.formats import rdf_format_for

        name = request.path_params["name"]
        body = self.site.files.get(name)
        if body is None:
            return self.error(request, 404, f"no file {name} is published; /dist/ lists them.")
        fmt = rdf_format_for(Path(name))
        media = fmt.media_type if fmt else "text/csv" if name.endswith(".csv") else "application/octet-stream"
        return self.respond(request, body, media, vary=False)


def _triples_of(turtle: bytes) -> list[Any]:
    import pyoxigraph

    return [q.triple for q in pyoxigraph.parse(turtle, format=pyoxigraph.RdfFormat.TURTLE)]
