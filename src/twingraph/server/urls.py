"""Every path and URL the server makes, in one place: pages, resources, documents, downloads."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Urls:
    """The server's addresses under its public base URL (which may carry a path prefix)."""

    base_url: str  # ends in "/"

    @property
    def root(self) -> str:
        """The path prefix every local link starts with ("/" or "/twinnings/")."""
        return urlsplit(self.base_url).path or "/"

    def absolute(self, path: str) -> str:
        """A root-relative path made absolute under the base URL."""
        return self.base_url + path.removeprefix(self.root)

    def index(self) -> str:
        return self.root

    def resource(self, path: str, suffix: str = "") -> str:
        """A resource's page or document: `path` is its path under the root (id/city/kassel)."""
        return f"{self.root}{path}{suffix}"

    def ontology(self, suffix: str = "") -> str:
        return f"{self.root}ontology{suffix}"

    def catalog(self, suffix: str = "") -> str:
        return f"{self.root}catalog{suffix}"

    def sparql(self) -> str:
        return f"{self.root}sparql"

    def queries(self) -> str:
        return f"{self.root}queries"

    def query(self, name: str, suffix: str = "") -> str:
        return f"{self.root}queries/{name}{suffix}"

    def downloads(self) -> str:
        return f"{self.root}dist/"

    def download(self, name: str) -> str:
        return f"{self.root}dist/{name}"
