"""What every handler of `serve` shares: the choices it negotiates, and how a response is made
(validators and 304, caching, CORS, security headers, errors as HTML or text)."""

from __future__ import annotations

from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

from twingraph.formats import HTML, Format
from twingraph.server import conneg
from twingraph.server.conneg import NotAcceptable
from twingraph.web.headers import CORS, SECURITY
from twingraph.web.i18n import N_, page_language
from twingraph.web.pages import EXTENSIONS, Pages, render
from twingraph.web.site import Site, etag
from twingraph.web.urls import Urls

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response

    from twingraph.server.state import App

ERROR_CHOICES = [Format("text", "plain text", "text/plain"), HTML]
SUFFIXES = {suffix: name for name, suffix in EXTENSIONS.items()}
TEXT_TYPES = ("text/", "application/n-triples", "application/sparql-query")


class Handlers:
    """The base of the handlers: the state they read, and the helpers that make responses."""

    state: App
    site: Site
    pages: Pages
    urls: Urls

    def __init__(self, state: App) -> None:
        self.state = state
        self.site = state.site
        self.pages = state.pages
        self.urls = state.urls

    # --- helpers -------------------------------------------------------------------------------

    def respond(
        self, request: Request, body: bytes, media_type: str, *, status: int = 200, vary: bool = True,
        headers: dict[str, str] | None = None, cache: bool = True,
    ) -> Response:  # fmt: skip
        """A response with validators, caching and CORS headers; 304 when the client's copy is current."""
        from starlette.responses import Response

        all_headers = {**CORS, **SECURITY}
        if vary:
            all_headers["Vary"] = "Accept, Accept-Language"
        if cache and status == 200:
            tag = etag(body)
            all_headers.update(
                {
                    "ETag": tag,
                    "Last-Modified": self.site.http_date,
                    "Cache-Control": f"public, max-age={self.state.options.cache_seconds}",
                }
            )
            if _not_modified(request, tag, self.site.last_modified):
                return Response(status_code=304, headers=all_headers)
        all_headers.update(headers or {})
        if media_type.startswith(TEXT_TYPES) or media_type.endswith(("+json", "+xml", "/json")):
            media_type += "; charset=utf-8"
        return Response(body, status_code=status, media_type=media_type, headers=all_headers)

    def error(self, request: Request, status: int, message: str, *, headers: dict[str, str] | None = None) -> Response:
        """An error as a small HTML page for browsers (which name text/html), else as plain text."""
        accept = request.headers.get("accept", "")
        try:
            html = "text/html" in accept and conneg.negotiate(accept, ERROR_CHOICES).name == "html"
        except NotAcceptable:
            html = False
        if html:
            body = render(
                "error.html", lang=self.language(request), title=_REASONS.get(status, N_("Error")), message=message,
                urls=self.urls,
            )  # fmt: skip
            return self.respond(request, body, "text/html", status=status, headers=headers, cache=False)
        return self.respond(
            request, (message + "\n").encode("utf-8"), "text/plain", status=status, headers=headers, cache=False
        )

    def choose(
        self, request: Request, choices: list[Format], named: str | None, parameters: tuple[str, ...] | None = None
    ) -> Format:
        """The format an extension names, else the first `format=`/`output=` value that fits, else
        the one the Accept header prefers."""
        if named:
            return conneg.by_name(named, choices)
        if parameters is None:
            parameters = tuple(request.query_params.getlist("format") + request.query_params.getlist("output"))
        return conneg.by_parameter(list(parameters), choices) or conneg.negotiate(
            request.headers.get("accept"), choices
        )

    def rdf_choice(
        self, request: Request, choices: list[Format], named: str | None, make: Any
    ) -> tuple[Format, bytes] | Response:
        """The negotiated choice and its body from `make(name)`: the HTML page where the choices
        have one and nothing else is acceptable; where RDF/XML cannot express the graph, the
        next acceptable format, else a 406 that says why."""
        from twingraph.sparql.results import ResultFormatError

        try:
            choice = self.choose(request, choices, named)
        except NotAcceptable:
            if HTML not in choices:
                return self.not_acceptable(request, choices)
            # A resource answers in its default, the page, rather than 406 (the README's
            # "Content negotiation"): the static site's Apache and nginx rules do the same.
            choice = HTML
        try:
            return choice, make(choice.name)
        except ResultFormatError as exc:
            if named:
                return self.error(request, 406, str(exc))
            others = [c for c in choices if c.name != choice.name]
            try:
                other = conneg.negotiate(request.headers.get("accept"), others)
            except NotAcceptable:
                return self.error(request, 406, str(exc))
            return other, make(other.name)

    def not_acceptable(self, request: Request, choices: list[Format]) -> Response:
        offered = ", ".join(c.media_type for c in reversed(choices))
        names = ", ".join(c.name for c in reversed(choices))
        return self.error(request, 406, f"this resource is available as {offered} (?format={names}).")

    def wanted(self, request: Request) -> list[str]:
        return conneg.languages(request.headers.get("accept-language"))

    def page_languages(self, request: Request) -> tuple[str, ...]:
        """The reader's languages that can change a page, best first: those the data has names in
        and those the pages speak (at most six); any other changes nothing, so it is left out."""
        from twingraph.web.i18n import languages

        useful = self.site.label_languages | frozenset(languages())
        found = [part for tag in self.wanted(request) for part in (tag, tag.split("-")[0]) if part in useful]
        return tuple(dict.fromkeys(found))[:6]

    def language(self, request: Request) -> str:
        """The language of a page's own words for this request (web/i18n.py)."""
        return page_language(self.wanted(request))

    def rdf(self, triples: list[Any], fmt: str) -> bytes:
        """A document of triples, naming our resource kinds' prefixes where they are used."""
        from twingraph.rdf.export import export_prefixes
        from twingraph.sparql.results import serialize_graph

        return serialize_graph(triples, fmt, prefixes=export_prefixes(self.site.base_iri))


_REASONS = {
    400: N_("Bad request"), 403: N_("Forbidden"), 404: N_("Not found"), 405: N_("Method not allowed"),
    406: N_("Not acceptable"), 413: N_("Request too large"), 415: N_("Unsupported media type"),
    429: N_("Too many requests"), 500: N_("Server error"), 503: N_("Service unavailable"),
}  # fmt: skip


def _not_modified(request: Request, tag: str, last_modified: float) -> bool:
    """RFC 9110: If-None-Match wins over If-Modified-Since."""
    if request.method not in ("GET", "HEAD"):
        return False
    match = request.headers.get("if-none-match")
    if match is not None:
        return match.strip() == "*" or tag in [t.strip().removeprefix("W/") for t in match.split(",")]
    since = request.headers.get("if-modified-since")
    if since:
        try:
            return int(last_modified) <= parsedate_to_datetime(since).timestamp()
        except (TypeError, ValueError):
            return False
    return False
