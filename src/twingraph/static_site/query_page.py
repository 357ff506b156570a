"""The static site's SPARQL page (`sparql.html`): the site's own N-Triples dumps loaded into
Oxigraph's WebAssembly build in the reader's browser, with a SPARQL editor and the stored queries
as one-click examples.

The JavaScript is bundled from `browser/` (its package-lock.json) by `make query-page` and
committed under `assets/query/`, so neither `make run` nor users need Node, and the page fetches
nothing from anywhere but the site. Everything the script must know of twingraph is written into
the page here, from the one place each fact is declared: the stored queries as Python runs them
(labels in the site's languages) and where their VALUES block goes, the place lookups, the CSV
rules, the limits. It is the only page with scripts; its Content-Security-Policy
(`web/headers.py`) allows its own script and WebAssembly, nothing else.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from twingraph.web.urls import PAGE_SUFFIX, SPARQL

if TYPE_CHECKING:
    from twingraph.sparql.query import StoredQuery
    from twingraph.static_site.extras import _Renderer

PAGE = SPARQL + PAGE_SUFFIX
ASSETS = Path(__file__).parent / "assets" / "query"
ASSET_FOLDER = "assets/query/"
ASSET_FILES = ("query-page.js", "oxigraph.wasm", "LICENSES.txt")
# What the page loads into the browser's store at most. Measured in Chromium on this project's
# 2-core machine (benchmarks/query_page.py): World's 40 MB (243,000 triples) load in 1.5 s,
# four times World (166 MB, 968,000 triples) in 4.9 s, eight times (334 MB, 1.9 million) in
# 12.3 s. A JavaScript string cannot pass about 512 MB; beyond this limit the page says that the
# data is too large for a browser instead of trying.
MAX_BROWSER_BYTES = 256 * 1024 * 1024

MESSAGES = {
    "loading": "Loading the data into your browser…",
    "ready": "{count} triples loaded in {ms} ms. Choose an example or write a query, then Run (Ctrl+Enter).",
    "rows": "{count} row(s) in {ms} ms.",
    "triples": "{count} triple(s).",
    "noWasm": "This browser cannot run WebAssembly, so it cannot hold the data. The stored answers below still work.",
    "tooLarge": "The data is too large to load in a browser. The stored answers below still work.",
    "dumpMissing": "{name} could not be fetched (HTTP {status}). The stored answers below still work.",
    "notAnIri": "not an absolute IRI: {value}",
    "notInteger": "{name} must be a whole number, not {value}.",
    "needsValue": "{name} needs a value.",
    "severalPlaces": "{value} names several places: {places}. Give the IRI instead.",
    "noPlace": "No place is called {value} or has that IRI.",
    "loneSurrogate": "A value holds a lone surrogate, which no SPARQL query can carry.",
}


def query_page_files(renderer: _Renderer) -> Iterator[tuple[str, bytes]]:
    """The page, and (when the data is small enough for a browser) its script and WebAssembly."""
    from twingraph.formats import N_TRIPLES
    from twingraph.sparql.query import stored_queries
    from twingraph.web.pages import render

    site = renderer.site
    dumps = {f"dist/{site.settings.name}{N_TRIPLES.suffix}": site.files[f"{site.settings.name}{N_TRIPLES.suffix}"]}
    dumps["ontology" + N_TRIPLES.suffix] = _ontology_ntriples(renderer)
    size = sum(len(body) for body in dumps.values())
    fits = size <= MAX_BROWSER_BYTES
    queries = stored_queries(site.queries_folder)  # as the stored answers run them (extras.py)
    pages = renderer.pages(PAGE)
    config = _config(queries, list(dumps)) if fits else None
    yield PAGE, render(
        "sparql-browser.html", urls=pages.urls, queries=queries, fits=fits, size=size, limit=MAX_BROWSER_BYTES,
        script=ASSET_FOLDER + ASSET_FILES[0] if fits else None,
        config=json.dumps(config, ensure_ascii=False, sort_keys=True).replace("</", "<\\/") if config else None,
    )  # fmt: skip
    if fits:
        for name in ASSET_FILES:
            yield ASSET_FOLDER + name, (ASSETS / name).read_bytes()


def _ontology_ntriples(renderer: _Renderer) -> bytes:
    """The ontology's N-Triples document, as the site publishes it beside the page."""
    from twingraph.formats import N_TRIPLES

    documents = dict(renderer.documents(renderer.site.ontology_triples(), "ontology"))
    return documents["ontology" + N_TRIPLES.suffix]


def _config(queries: list[StoredQuery], dumps: list[str]) -> dict[str, Any]:
    from twingraph.formats import FORMULA_START, SPREADSHEET_NUMBER
    from twingraph.sparql.query import PLACE_BY_IRI, PLACE_BY_NAME
    from twingraph.sparql.results import ASK_COLUMN

    return {
        "dumps": dumps,
        "maxBytes": MAX_BROWSER_BYTES,
        "wasm": "oxigraph.wasm",
        "queries": [_query(q) for q in queries if q.text],
        "placeByIri": _lookup(PLACE_BY_IRI),
        "placeByName": _lookup(PLACE_BY_NAME),
        "csv": {"formulaStart": list(FORMULA_START), "number": SPREADSHEET_NUMBER.pattern, "askColumn": ASK_COLUMN},
        "messages": MESSAGES,
    }


def _query(query: StoredQuery) -> dict[str, Any]:
    text = query.sparql
    return {
        "name": query.name,
        "title": query.title,
        "text": query.text,  # shown: the query as stored
        "sparql": text,  # run while the text is unchanged: its labels in the site's languages
        "valuesAt": _values_at(text) if query.parameters else None,
        "parameters": [
            {"name": p.name, "type": p.type, "default": p.default, "description": p.description}
            for p in query.parameters
        ],
        "lists": [list(pair) for pair in query.lists],
    }


def _lookup(text: str) -> dict[str, Any]:
    return {"text": text, "valuesAt": _values_at(text)}


def _values_at(text: str) -> int:
    """Where `with_values` puts the VALUES block, counted as JavaScript counts (UTF-16 units)."""
    from twingraph.sparql.text import where_clause_start

    return len(text[: where_clause_start(text)].encode("utf-16-le")) // 2
