"""What every page and document says over HTTP, served by `serve` or by a web server in front
of the static site alike: the formats a resource is negotiated in, and the CORS and
security headers."""

from __future__ import annotations

from twingraph.formats import HTML, JSON_LD, N_TRIPLES, RDF_XML, TURTLE

# From least to most preferred: HTML for browsers and for */*, which is what curl sends.
RESOURCE_CHOICES = [N_TRIPLES, JSON_LD, RDF_XML, TURTLE, HTML]
CORS = {"Access-Control-Allow-Origin": "*", "Access-Control-Expose-Headers": "Content-Location, ETag, Link, Vary"}
# The pages have no scripts and load nothing from elsewhere; their styles are inline.
SECURITY = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}
# The static site's SPARQL page (static_site/query_page.py) alone runs a script: its own, and
# Oxigraph's WebAssembly, which fetches the site's own dumps.
QUERY_PAGE_SECURITY = {
    **SECURITY,
    "Content-Security-Policy": "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; "
    "style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
}
# What a CORS preflight may ask for, on every route: reads, and POSTs to /sparql.
PREFLIGHT = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, HEAD, POST, OPTIONS",
    "Access-Control-Max-Age": "86400",
}
