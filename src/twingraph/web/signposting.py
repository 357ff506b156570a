"""FAIR signposting (signposting.org): the typed links every resource's responses carry.

Level 1 is a `Link` header on every response of a resource, and the same links as `<link>`
elements in its HTML page; level 2 is a linkset document per resource
(`kassel.linkset.json`, `application/linkset+json`, RFC 9264) for hosts that cannot set
headers. `serve`, the static site's pages and linksets, and its Apache and nginx rules all
take the relations from here, so they agree:

- `describedby`: each RDF document of the resource, with its media type;
- `cite-as`: the resource's IRI, the identifier to cite;
- `license`: the dataset's licence;
- `type`: `schema:AboutPage` (what the page is), and the schema.org type of the kind of
  resource where schema.org has one (the URL's folder says the kind: `id/city/…`);
- `linkset`: the linkset document;
- `item`: on the dataset only, its downloads.

Targets are absolute URLs under the site's public URL (`https://…/id/city/kassel.ttl`): some
assessors (F-UJI) do not resolve a relative target against the request.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from twingraph.formats import EXPORT_FORMATS, GRAPH_FORMATS, Format

LINKSET = Format("linkset", "linkset", "application/linkset+json", suffixes=(".linkset.json",))
ABOUT_PAGE = "https://schema.org/AboutPage"
# The schema.org type of each kind of resource (the folder under id/), where schema.org has one.
KIND_TYPES = {
    "city": "https://schema.org/Place",
    "country": "https://schema.org/Country",
    "region": "https://schema.org/AdministrativeArea",
    "feature": "https://schema.org/Place",
    "org": "https://schema.org/Organization",
    "claim": "https://schema.org/Claim",
    "event": "https://schema.org/Event",
    "source": "https://schema.org/CreativeWork",
    "dataset": "https://schema.org/Dataset",
    "catalog": "https://schema.org/DataCatalog",
    "contact": "https://schema.org/ContactPoint",
    "ontology": "https://schema.org/DefinedTermSet",
}


@dataclass(frozen=True)
class Signpost:
    """One typed link: its relation, its target (an absolute URL) and media type."""

    rel: str
    href: str
    media_type: str | None = None

    def header_value(self) -> str:
        """The link as one entry of a `Link` header."""
        typed = f'; type="{self.media_type}"' if self.media_type else ""
        return f'<{self.href}>; rel="{self.rel}"{typed}'


def documents(url: str) -> list[Signpost]:
    """The RDF documents of the resource at `url` (…/kassel -> …/kassel.ttl, …)."""
    return [Signpost("describedby", url + fmt.suffix, fmt.media_type) for fmt in GRAPH_FORMATS]


def signposts(path: str, *, site_url: str, iri: str, licence: str, dataset_name: str) -> list[Signpost]:
    """The links of the resource at `path` under the site's root (id/city/kassel, ontology),
    for a site served at `site_url`."""
    parts = path.split("/")
    url = site_url + path
    # id/city/kassel is a city; id/dataset/kassel/distribution/turtle is no dataset, only a page.
    kind = parts[1] if len(parts) == 3 and parts[0] == "id" else path
    links = [
        *documents(url),
        Signpost("cite-as", iri),
        Signpost("license", licence),
        Signpost("type", ABOUT_PAGE),
    ]
    if kind in KIND_TYPES:
        links.append(Signpost("type", KIND_TYPES[kind]))
    links.append(Signpost("linkset", url + LINKSET.suffix, LINKSET.media_type))
    if kind == "dataset":
        links += [
            Signpost("item", f"{site_url}dist/{dataset_name}{fmt.suffix}", fmt.media_type) for fmt in EXPORT_FORMATS
        ]
    return links


def link_header(links: Sequence[Signpost]) -> str:
    """The `Link` header of a resource's responses."""
    return ", ".join(link.header_value() for link in links)


def linkset(links: Sequence[Signpost], *, anchor: str) -> bytes:
    """The linkset document (RFC 9264, JSON) of a resource whose URL is `anchor`."""
    relations: dict[str, list[dict[str, str]]] = {}
    for link in links:
        target = {"href": link.href}
        if link.media_type:
            target["type"] = link.media_type
        relations.setdefault(link.rel, []).append(target)
    document = {"linkset": [{"anchor": anchor, **relations}]}
    return (json.dumps(document, ensure_ascii=False) + "\n").encode("utf-8")
