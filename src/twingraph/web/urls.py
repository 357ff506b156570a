"""Every path and URL the server and the static site make, in one place: pages, resources,
documents, downloads.

`serve` links from the root of its base URL (`/id/city/kassel`). The static site links
relatively (`../../id/city/kassel.html`), naming each page's file, so that it works under any
path prefix and on hosts without rewrite rules; its `sparql.html` queries in the browser.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

PAGE_SUFFIX = ".html"
SPARQL = "sparql"  # serve's endpoint; the static site's page that queries in the browser (sparql.html)


@dataclass(frozen=True)
class Urls:
    """The addresses under a public base URL (which may carry a path prefix)."""

    base_url: str  # ends in "/"
    static: bool = False  # a static site: pages are files (.html), and there is no endpoint
    up: str | None = None  # a static page's way up to the site's root ("", "../", "../../"); None: from "/"

    @classmethod
    def for_static_page(cls, base_url: str, path: str) -> Urls:
        """The URLs as a static page at `path` (id/city/kassel.html) links them: relatively."""
        return cls(base_url, static=True, up="../" * path.count("/"))

    @property
    def root(self) -> str:
        """The prefix every local link starts with ("/", "/twinnings/", or "../../" on a static page)."""
        if self.up is not None:
            return self.up
        return urlsplit(self.base_url).path or "/"

    def absolute(self, path: str) -> str:
        """A root-relative path made absolute under the base URL."""
        return self.base_url + path.removeprefix(self.root)

    def _page(self, path: str, suffix: str) -> str:
        """A page or document under the root: the static site names the page's file."""
        if self.static and not suffix:
            suffix = PAGE_SUFFIX
        path, hash_mark, fragment = path.partition("#")
        return f"{self.root}{path}{suffix}{hash_mark}{fragment}"

    def index(self) -> str:
        return self.root + ("index.html" if self.static else "")

    def resource(self, path: str, suffix: str = "") -> str:
        """A resource's page or document: `path` is its path under the root (id/city/kassel)."""
        return self._page(path, suffix)

    def ontology(self, suffix: str = "") -> str:
        return self._page("ontology", suffix)

    def catalog(self, suffix: str = "") -> str:
        return self._page("catalog", suffix)

    def sparql(self) -> str:
        """The SPARQL endpoint; on a static site, the page that queries the data in the browser."""
        return self._page(SPARQL, "")

    def queries(self) -> str:
        return self._page("queries", "")

    def query(self, name: str, suffix: str = "") -> str:
        return self._page(f"queries/{name}", suffix)

    def downloads(self) -> str:
        return f"{self.root}dist/" + ("index.html" if self.static else "")

    def download(self, name: str) -> str:
        return f"{self.root}dist/{name}"
