"""The web-server rules of the static site: Apache httpd's `.htaccess` and type maps, nginx's
include files and njs script (w3id.org's redirects are in `w3id.py`).

All of them give the answer `serve` gives (`server/conneg.py`, `web/signposting.py`):

- **Choosing a format.** q-values are honoured; ties go to HTML, then Turtle, RDF/XML,
  JSON-LD, N-Triples; a header without q-values weighs its wildcards down (`*/*` to 0.01);
  when nothing offered is acceptable, the HTML page is sent, never a 406.
  - Apache: a type map per resource (`kassel.var`), whose `qs` values (1, 0.999, … 0.996;
    aliases 0.99 and below, as Apache lets a wildcard match an alias) break ties. Apache
    reads them to three decimals and multiplies them into the q-values, so where two
    q-values differ by less than 0.4 % it may follow the server's order instead (q=0.5
    against q=0.501); serve and nginx never do. Apache's own 406 is avoided by asking the
    type map for HTML when the Accept header names nothing acceptable (a regular
    expression that knows `;q=0`).
  - nginx: `map` and `if` cannot weigh q-values, so an njs function (`twingraph.js`)
    chooses, with the same rules as `serve`.
- **Answering.** 200 with `Content-Location` naming the format's file (`kassel.ttl`), as
  `serve` does: one round trip, and clients that do not follow redirects get data.
  `Vary: Accept`, the charset, CORS, five minutes of caching, a year for versioned dumps.
- **Signposting.** The same `Link` relations as `serve`, made from the URL alone: the
  resource's name, its kind (the folder under `id/`) and the dataset's downloads.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

from twingraph.formats import GEOJSON, GEXF, GRAPH_FORMATS, GRAPHML, HTML, PARTNERSHIPS_CSV, Format
from twingraph.web.headers import PREFLIGHT, QUERY_PAGE_SECURITY, RESOURCE_CHOICES, SECURITY
from twingraph.web.signposting import ABOUT_PAGE, KIND_TYPES, LINKSET, Signpost, documents
from twingraph.web.urls import PAGE_SUFFIX, SPARQL

# One path segment of a resource's URL: what the site writes files for.
SEGMENT = "[A-Za-z0-9_~-]+"
# The resources that are not under id/: documents with their own negotiated URL.
TOP_RESOURCES = ("ontology", "catalog")
RESULTS_JSON_TYPE = "application/sparql-results+json"
VERSIONED = "[0-9a-f]{12}"  # the content hash in a versioned dump's name (kassel-3f2a9c1b7d4e.ttl)
SHORT_CACHE = "public, max-age=300"
LONG_CACHE = "public, max-age=31536000, immutable"
TYPE_MAP_SUFFIX = ".var"
# What a CORS preflight may ask to send: content negotiation and conditional requests (an Accept
# with a profile parameter is not CORS-safelisted, so a browser asks first).
PREFLIGHT_HEADERS = "Accept, Accept-Language, Content-Type, If-Modified-Since, If-None-Match, Range"
READ_METHODS = "GET, HEAD, OPTIONS"  # the static site answers reads only


@dataclass(frozen=True)
class Hosting:
    """What the rules need to know: where the site's root is served, and the dataset's facts."""

    root: str  # the URL path of the site's root: "/" or "/twinnings/"
    site_url: str  # the site's public URL, ending in its root: the signposting links' targets are under it
    base_iri: str
    ontology_iri: str
    licence: str
    dataset_name: str
    scripts_folder: str  # where nginx will find twingraph.js on the web server

    @property
    def extensions(self) -> str:
        """The documents' extensions, as a regular-expression alternative."""
        return "|".join(fmt.suffix.lstrip(".") for fmt in RESOURCE_CHOICES)

    @property
    def resource_path(self) -> str:
        """A resource's path under the root, as a regular expression (no anchors, no root)."""
        return f"(?:id/(?:{SEGMENT}/)*{SEGMENT}|{'|'.join(TOP_RESOURCES)})"


def choices_by_preference() -> list[Format]:
    """The formats from most to least preferred (RESOURCE_CHOICES runs the other way)."""
    return list(reversed(RESOURCE_CHOICES))


def type_map(name: str, available: set[str]) -> bytes:
    """Apache's type map of the resource whose file names start with `name`: every format and
    its aliases, with `qs` values that only break ties (the module's docstring)."""
    records = []
    for rank, fmt in enumerate(choices_by_preference()):
        if fmt.name not in available:
            continue
        # Apache lets a wildcard match an alias (application/* matches application/xhtml+xml),
        # serve does not: the aliases rank below every format, so a wildcard never picks one.
        ranked = [(fmt.media_type, 1 - rank * 0.001), *((alias, 0.99 - rank * 0.001) for alias in fmt.aliases)]
        for media_type, quality in ranked:
            records.append(f"URI: {name}{fmt.suffix}\nContent-Type: {media_type}; qs={quality:.3f}\n")
    return "\n".join(records).encode("ascii")


def _acceptable_pattern() -> str:
    """A regular expression that finds an entry of an Accept header naming something the
    resources offer (a type, an alias or a wildcard) without `q=0`."""
    names = [media for fmt in RESOURCE_CHOICES for media in (fmt.media_type, *fmt.aliases)]
    wildcards = {"*/*", *(f"{media.split('/')[0]}/*" for media in names)}
    return accept_entry_pattern([*names, *wildcards])


def accept_entry_pattern(media_types: Iterable[str]) -> str:
    """A regular expression that finds an entry of an Accept header naming one of these media
    types (or ranges) without `q=0`."""
    alternatives = "|".join(re.escape(entry) for entry in sorted(set(media_types)))
    not_zero = r"(?:;(?!\s*q\s*=\s*0(?:\.0{0,3})?\s*(?:[;,]|$))[^;,]*)*"
    return rf"(?:^|,)\s*(?:{alternatives})\s*{not_zero}\s*(?:,|$)"


_SITE_TYPES = [*((fmt.media_type, fmt.suffix) for fmt in (HTML, *GRAPH_FORMATS, GRAPHML, GEXF, GEOJSON)),
               (PARTNERSHIPS_CSV.media_type, ".csv"), (RESULTS_JSON_TYPE, ".json"),
               ("text/javascript", ".js")]  # fmt: skip
# Binary: no charset, and the exact type WebAssembly.instantiateStreaming asks for.
_BINARY_TYPES = [("application/wasm", ".wasm")]
_APACHE_TYPES = (
    "# Media types, each with its charset (RDF and pages are UTF-8).\n"
    + "".join(f"AddType {media} {suffix}\n" for media, suffix in _SITE_TYPES + _BINARY_TYPES)
    + f"AddCharset utf-8 {' '.join(suffix for _, suffix in _SITE_TYPES)}\n"
    + f"""AddHandler type-map {TYPE_MAP_SUFFIX}
<FilesMatch "\\.linkset\\.json$">
  ForceType "{LINKSET.media_type}; charset=utf-8"
</FilesMatch>
<FilesMatch "^void$">
  ForceType "text/turtle; charset=utf-8"
</FilesMatch>
"""
)


def htaccess(hosting: Hosting) -> bytes:
    """`public/.htaccess` for Apache httpd 2.4 (the module's docstring says what it does)."""
    root = hosting.root
    ext = hosting.extensions
    doc = rf"^{re.escape(root)}({hosting.resource_path})(?:\.(?:{ext}))?$"
    kinds = "\n".join(
        f'SetEnvIf Request_URI "^{re.escape(root)}id/{kind}/{SEGMENT}(?:\\.(?:{ext}))?$" TW_TYPE={schema_type}'
        for kind, schema_type in KIND_TYPES.items()
        if kind != "ontology"
    )
    dumps = "|".join(re.escape(fmt.suffix) for fmt in _dumps())
    return f"""# twingraph static site: content negotiation, signposting and media types for Apache httpd 2.4.
# Written by `twingraph site`; regenerate rather than edit. Needs AllowOverride All (at least
# FileInfo, Indexes and Options) and mod_rewrite, mod_headers, mod_mime, mod_negotiation,
# mod_setenvif. The README's "Publishing on your own web server" says what works with less.
Options -MultiViews -Indexes
DirectoryIndex index.html
# id/dataset/kassel is a resource and a folder (of its distributions): no redirect to kassel/.
DirectorySlash Off
ErrorDocument 404 {root}404.html

{_APACHE_TYPES}
{_apache_rewrites(hosting)}
# Every response: CORS, the security headers serve sends, short caching; versioned dumps are cached for good.
Header always set Access-Control-Allow-Origin "*"
Header always set Access-Control-Expose-Headers "Content-Location, ETag, Link, Vary"
Header always set Access-Control-Allow-Methods "{READ_METHODS}"
Header always set Access-Control-Allow-Headers "{PREFLIGHT_HEADERS}"
Header always set Access-Control-Max-Age "{PREFLIGHT["Access-Control-Max-Age"]}"
{_apache_security()}
# The SPARQL page alone runs its own script and WebAssembly (static_site/query_page.py).
<Files "{SPARQL}{PAGE_SUFFIX}">
{_apache_security(QUERY_PAGE_SECURITY, "  ")}</Files>
Header set Cache-Control "{SHORT_CACHE}"
<FilesMatch "^{re.escape(hosting.dataset_name)}-{VERSIONED}(?:{dumps})$">
  Header set Cache-Control "{LONG_CACHE}"
</FilesMatch>

# Signposting (signposting.org) on a resource's every document, from its URL.
SetEnvIf Request_URI "{doc}" TW_RESOURCE=$1
{kinds}
SetEnvIf Request_URI "^{re.escape(root)}ontology(?:\\.(?:{ext}))?$" TW_TYPE={KIND_TYPES["ontology"]} TW_ONTOLOGY=1
SetEnvIf Request_URI "^{re.escape(root)}catalog(?:\\.(?:{ext}))?$" !TW_RESOURCE
SetEnvIf Request_URI "^{re.escape(root)}id/dataset/{re.escape(hosting.dataset_name)}(?:\\.(?:{ext}))?$" TW_DATASET=1
<If "%{{REQUEST_URI}} =~ m#{doc}#">
  Header always merge Vary "Accept"
  Header always set Content-Location "expr=%{{REQUEST_URI}}"
</If>
{_apache_links(hosting)}""".encode()


def _apache_rewrites(hosting: Hosting) -> str:
    """The `RewriteRule`s: preflights, dot-files, a resource's URL to its type map, pages without .html."""
    root = hosting.root
    return f"""# A resource's URL (id/city/kassel, ontology, catalog) goes to its type map, which chooses.
RewriteEngine On
RewriteBase {root}
# A CORS preflight is answered here, with the headers below; dot-files (but .well-known) are not served.
RewriteCond %{{REQUEST_METHOD}} =OPTIONS
RewriteRule ^ - [R=204,END]
RewriteRule (^|/)\\.(?!well-known/) - [R=404,END]
# Only a resource's own path (no trailing slash, no path below it) goes to its type map, once:
# END, so that the rewritten path is never rewritten again (Apache looped on /id/city/kassel/).
RewriteCond %{{REQUEST_FILENAME}} !-f
RewriteCond %{{REQUEST_FILENAME}}{TYPE_MAP_SUFFIX} -f
RewriteRule ^({hosting.resource_path})$ $1{TYPE_MAP_SUFFIX} [END]
# Other pages without their .html (queries, queries/partners), as on GitHub Pages.
RewriteCond %{{REQUEST_FILENAME}} !-f
RewriteCond %{{REQUEST_FILENAME}}.html -f
RewriteRule ^(.+)$ $1.html [L]
# Nothing acceptable offered: the type map is asked for the page, so Apache sends no 406.
{_apache_html_when_nothing_fits()}
"""


def _apache_security(security: dict[str, str] = SECURITY, indent: str = "") -> str:
    """serve's security headers (server/responses.py), for Apache."""
    return "".join(f'{indent}Header always set {name} "{value}"\n' for name, value in security.items())


def _nginx_security(indent: str, security: dict[str, str] = SECURITY) -> str:
    """serve's security headers (server/responses.py), for an nginx block."""
    return "".join(f'{indent}add_header {name} "{value}" always;\n' for name, value in security.items())


def _nginx_preflight(indent: str) -> str:
    """An nginx block's answer to a CORS preflight: 204 with what a browser may send."""
    inner = indent + "    "
    return (
        f"{indent}if ($request_method = OPTIONS) {{\n"
        f'{inner}add_header Access-Control-Allow-Origin "*" always;\n'
        f'{inner}add_header Access-Control-Allow-Methods "{READ_METHODS}" always;\n'
        f'{inner}add_header Access-Control-Allow-Headers "{PREFLIGHT_HEADERS}" always;\n'
        f'{inner}add_header Access-Control-Max-Age "{PREFLIGHT["Access-Control-Max-Age"]}" always;\n'
        f"{_nginx_security(inner)}{inner}return 204;\n{indent}}}\n"
    )


def _apache_html_when_nothing_fits() -> str:
    """The type map is asked for the page when the Accept header names nothing it has."""
    condition = f"%{{REQUEST_URI}} =~ m#\\{TYPE_MAP_SUFFIX}$# && %{{HTTP_ACCEPT}} !~ m#{_acceptable_pattern()}#i"
    return f'RequestHeader set Accept "text/html" "expr={condition}"'


def _apache_links(hosting: Hosting) -> str:
    """The `Header` lines that make a resource's signposting Link header from its URL."""

    def header(links: list[Signpost], condition: str, action: str = "append") -> str:
        value = ", ".join(link.header_value() for link in links).replace('"', '\\"')
        return f'Header always {action} Link "{value}" {condition}'

    resource = "env=TW_RESOURCE"
    url = hosting.site_url + "%{TW_RESOURCE}e"
    items = [Signpost("item", f"{hosting.site_url}dist/{hosting.dataset_name}{fmt.suffix}", fmt.media_type)
             for fmt in _dumps()]  # fmt: skip
    lines = [
        header(documents(url), resource, "set"),
        header(
            [Signpost("cite-as", hosting.base_iri + "%{TW_RESOURCE}e")],
            "\"expr=-n reqenv('TW_RESOURCE') && -z reqenv('TW_ONTOLOGY')\"",
        ),
        header([Signpost("cite-as", hosting.ontology_iri)], "env=TW_ONTOLOGY"),
        header([Signpost("license", hosting.licence), Signpost("type", ABOUT_PAGE)], resource),
        header([Signpost("type", "%{TW_TYPE}e")], "\"expr=-n reqenv('TW_RESOURCE') && -n reqenv('TW_TYPE')\""),
        header([Signpost("linkset", url + LINKSET.suffix, LINKSET.media_type)], resource),
        header(items, "env=TW_DATASET"),
    ]
    return "\n".join(lines) + "\n"


def _dumps() -> list[Format]:
    """The dataset's downloads that signposting names as its items."""
    from twingraph.formats import EXPORT_FORMATS

    return list(EXPORT_FORMATS)


def _types_block(indent: str) -> str:
    """nginx's `types` for the site's files (a location's own `types` replaces the inherited map)."""
    inner = " ".join(f"{media} {suffix.lstrip('.')};" for media, suffix in _SITE_TYPES + _BINARY_TYPES)
    text = " ".join(sorted({media for media, _ in _SITE_TYPES}))
    return f"{indent}types {{ {inner} }}\n{indent}charset utf-8;\n{indent}charset_types {text};\n"


def nginx_main() -> bytes:
    """Lines for nginx's main context: the njs module (Debian: libnginx-mod-http-js)."""
    return (
        b"# twingraph static site: the njs module, which chooses formats by q-value.\n"
        b"# Debian's nginx loads it already from /etc/nginx/modules-enabled/ once\n"
        b"# libnginx-mod-http-js is installed; elsewhere, uncomment:\n"
        b"# load_module modules/ngx_http_js_module.so;\n"
    )


def nginx_http(hosting: Hosting) -> bytes:
    """Lines for nginx's http context: the njs script and the variables it sets."""
    return f"""# twingraph static site: content negotiation and signposting by njs (http context).
js_path "{hosting.scripts_folder}";
js_import twingraph from twingraph.js;
js_set $twingraph_format twingraph.format;
js_set $twingraph_location twingraph.location;
js_set $twingraph_link twingraph.link;
""".encode()


def nginx_http_without_njs() -> bytes:
    """The fallback for an nginx without njs, in place of http.conf: the format by the presence
    of a media type in Accept (`map` regexes cannot weigh q-values), HTML first, so browsers
    get pages; no Content-Location or Link headers."""
    order = [HTML, *(fmt for fmt in reversed(RESOURCE_CHOICES) if fmt is not HTML)]
    variants = "".join(
        f'    "~*(^|,)\\s*{re.escape(media)}" {fmt.suffix.lstrip(".")};\n'
        for fmt in order
        for media in (fmt.media_type, *fmt.aliases)
    )
    return (
        "# twingraph static site without njs (include instead of http.conf): the format by the\n"
        "# presence of a media type in Accept, HTML first; q-values are not weighed.\n"
        f"map $http_accept $twingraph_format {{\n    default html;\n{variants}}}\n"
        'map $uri $twingraph_location {\n    default "";\n}\n'
        'map $uri $twingraph_link {\n    default "";\n}\n'
    ).encode()


def nginx_server(hosting: Hosting) -> bytes:
    """Lines for inside `server {{ root …/public; }}`: each kind of file in its location."""
    root = hosting.root
    ext = hosting.extensions
    headers = (
        _nginx_preflight("    ") + '    add_header Access-Control-Allow-Origin "*" always;\n'
        '    add_header Access-Control-Expose-Headers "Content-Location, ETag, Link, Vary" always;\n'
        + _nginx_security("    ")
    )
    resource_headers = (
        headers + '    add_header Vary "Accept" always;\n'
        "    add_header Content-Location $twingraph_location always;\n"
        "    add_header Link $twingraph_link always;\n"
        f'    add_header Cache-Control "{SHORT_CACHE}" always;\n'
    )
    query_page_headers = headers.replace(_nginx_security("    "), _nginx_security("    ", QUERY_PAGE_SECURITY))
    dumps = "|".join(re.escape(fmt.suffix) for fmt in _dumps())
    return f"""# twingraph static site (written by `twingraph site`): include inside
#   server {{ root /srv/site/public; include /srv/site/nginx/server.conf; }}
# with nginx/http.conf included in the http context and the njs module loaded.
error_page 404 {root}404.html;

# Dot-files (.htaccess, .nojekyll) are not served; .well-known/ is. First: nginx takes the first regex.
location ~ "/\\.(?!well-known/)" {{
    return 404;
}}
# A resource's URL: njs chooses the format's file; 200 with Content-Location, as serve does.
location ~ "^{root}{hosting.resource_path}$" {{
{_types_block("    ")}{resource_headers}    try_files $uri.$twingraph_format =404;
}}
# A resource's document in one format.
location ~ "^{root}{hosting.resource_path}\\.(?:{ext})$" {{
{_types_block("    ")}{resource_headers}}}
# Linksets (signposting level 2).
location ~ "\\{LINKSET.suffix}$" {{
    types {{ }}
    default_type "{LINKSET.media_type}; charset=utf-8";
{headers}    add_header Cache-Control "{SHORT_CACHE}" always;
}}
# Apache's type maps are not for nginx.
location ~ "\\{TYPE_MAP_SUFFIX}$" {{
    return 404;
}}
# Versioned dumps never change: cached for a year.
location ~ "^{root}dist/{re.escape(hosting.dataset_name)}-{VERSIONED}(?:{dumps})$" {{
{_types_block("    ")}{headers}    add_header Cache-Control "{LONG_CACHE}" always;
}}
# The SPARQL page alone runs its own script and WebAssembly (static_site/query_page.py).
location ~ "^{root}{SPARQL}(?:{re.escape(PAGE_SUFFIX)})?$" {{
{_types_block("    ")}{query_page_headers}    add_header Cache-Control "{SHORT_CACHE}" always;
    try_files $uri $uri.html =404;
}}
location = {root}.well-known/void {{
    types {{ }}
    default_type "text/turtle; charset=utf-8";
{headers}    add_header Cache-Control "{SHORT_CACHE}" always;
}}
location {root} {{
{_types_block("    ")}{headers}    add_header Cache-Control "{SHORT_CACHE}" always;
    try_files $uri $uri.html $uri/ =404;
}}
""".encode()


def njs_script(hosting: Hosting) -> bytes:
    """nginx's `twingraph.js`: the format a request's Accept header chooses, the Content-Location
    and the signposting Link header, by the same rules as `serve`."""
    choices = [
        {"ext": fmt.suffix.lstrip("."), "type": fmt.media_type, "aliases": list(fmt.aliases)}
        for fmt in RESOURCE_CHOICES
    ]
    facts = {
        "root": hosting.root,
        "url": hosting.site_url,
        "baseIri": hosting.base_iri,
        "ontologyIri": hosting.ontology_iri,
        "licence": hosting.licence,
        "dataset": hosting.dataset_name,
        "aboutPage": ABOUT_PAGE,
        "kindTypes": KIND_TYPES,
        "documents": [{"suffix": fmt.suffix, "type": fmt.media_type} for fmt in GRAPH_FORMATS],
        "dumps": [{"suffix": fmt.suffix, "type": fmt.media_type} for fmt in _dumps()],
        "linkset": {"suffix": LINKSET.suffix, "type": LINKSET.media_type},
        "extensions": [fmt.suffix.lstrip(".") for fmt in RESOURCE_CHOICES],
    }
    return (
        "// twingraph static site: content negotiation and signposting for nginx (njs).\n"
        "// Written by `twingraph site`; the rules are serve's (src/twingraph/server/conneg.py).\n"
        f"var CHOICES = {json.dumps(choices)}; // least to most preferred\n"
        f"var SITE = {json.dumps(facts, sort_keys=True)};\n" + _NJS_FUNCTIONS
    ).encode()


_NJS_FUNCTIONS = r"""
function ranges(header) {
    var entries = [];
    var parts = (header || "").split(",");
    for (var i = 0; i < parts.length; i++) {
        var params = parts[i].split(";");
        var range = params[0].trim().toLowerCase();
        if (!/^[a-z0-9!#$&^_.+*-]+\/[a-z0-9!#$&^_.+*-]+$/.test(range)) { continue; }
        var q = null;
        for (var j = 1; j < params.length; j++) {
            var m = /^\s*q\s*=\s*([0-9.]+)\s*$/i.exec(params[j]);
            if (m) { q = parseFloat(m[1]); }
        }
        entries.push({range: range, q: q});
    }
    if (entries.length === 0 && !(header || "").trim()) { entries.push({range: "*/*", q: 1}); return entries; }
    var anyQ = entries.some(function (e) { return e.q !== null; });
    entries.forEach(function (e) {
        if (e.q === null || isNaN(e.q)) {
            // A header without q-values weighs its wildcards down, as Apache httpd does.
            e.q = anyQ ? 1 : (e.range === "*/*" ? 0.01 : (/\/\*$/.test(e.range) ? 0.02 : 1));
        }
    });
    return entries;
}

function quality(choice, entries) {
    var best = -1, q = 0;
    var parts = choice.type.split("/");
    entries.forEach(function (e) {
        var r = e.range.split("/");
        var fits = (r[0] === parts[0] || r[0] === "*") && (r[1] === parts[1] || r[1] === "*");
        if (!fits) { return; }
        var fitness = (r[0] === parts[0] ? 100 : 0) + (r[1] === parts[1] ? 10 : 0);
        if (fitness > best) { best = fitness; q = e.q; }
    });
    entries.forEach(function (e) {
        // An alias counts only where the header names it exactly, never through a wildcard.
        if (choice.aliases.indexOf(e.range) >= 0 && e.q > q) { q = e.q; }
    });
    return q;
}

function format(r) {
    var entries = ranges(r.headersIn.Accept);
    var chosen = "html", bestQ = 0;
    for (var i = 0; i < CHOICES.length; i++) {
        var q = quality(CHOICES[i], entries);
        if (q > 0 && q >= bestQ) { bestQ = q; chosen = CHOICES[i].ext; }
    }
    return chosen; // nothing acceptable: the page, never a 406
}

function split(uri) {
    var path = uri.slice(SITE.root.length);
    var m = new RegExp("^(.*?)(?:\\.(" + SITE.extensions.join("|") + "))?$").exec(path);
    return {path: m[1], ext: m[2]};
}

function location(r) {
    var parts = split(r.uri);
    return SITE.root + parts.path + "." + (parts.ext || format(r));
}

function link(r) {
    var path = split(r.uri).path;
    if (path === "catalog") { return ""; }
    var segments = path.split("/");
    var kind = (segments.length === 3 && segments[0] === "id") ? segments[1] : path;
    var url = SITE.url + path;
    var links = SITE.documents.map(function (d) {
        return "<" + url + d.suffix + ">; rel=\"describedby\"; type=\"" + d.type + "\"";
    });
    links.push("<" + (path === "ontology" ? SITE.ontologyIri : SITE.baseIri + path) + ">; rel=\"cite-as\"");
    links.push("<" + SITE.licence + ">; rel=\"license\"");
    links.push("<" + SITE.aboutPage + ">; rel=\"type\"");
    if (SITE.kindTypes[kind]) { links.push("<" + SITE.kindTypes[kind] + ">; rel=\"type\""); }
    links.push("<" + url + SITE.linkset.suffix + ">; rel=\"linkset\"; type=\"" + SITE.linkset.type + "\"");
    if (kind === "dataset" && segments[2] === SITE.dataset) {
        SITE.dumps.forEach(function (d) {
            links.push("<" + SITE.url + "dist/" + SITE.dataset + d.suffix + ">; rel=\"item\"; type=\"" + d.type + "\"");
        });
    }
    return links.join(", ");
}

export default {format, location, link};
"""
