"""The rules to propose to w3id.org, so that the data's `https://w3id.org/…` IRIs resolve.

Every IRI is sent to the same path under the site. Resources (`id/…`, the ontology, the
catalogue) are things, not documents, so they get 303 See Other, and the rules negotiate for
them: a client whose Accept header names an RDF format (without `q=0`) and not HTML is sent to
that document (`kassel.ttl`), everyone else to the page. So the IRIs negotiate even where the
site's host cannot (GitHub or GitLab Pages). mod_rewrite cannot weigh q-values: the formats are
tried in the site's order of preference. Everything else gets a plain 302.
"""

from __future__ import annotations

from twingraph.formats import HTML, Format
from twingraph.static_site.hosting import TOP_RESOURCES, Hosting, accept_entry_pattern, choices_by_preference


def w3id_htaccess(hosting: Hosting, *, base_iri_path: str, site_url: str) -> bytes:
    """The `.htaccess` for `https://w3id.org/<base_iri_path>`, sending every IRI to `site_url`."""
    any_resource = rf"^((?:id/.+|{'|'.join(TOP_RESOURCES)})(?:\.(?:{hosting.extensions}))?)$"
    negotiated = "".join(
        f"RewriteCond %{{HTTP_ACCEPT}} !{_naming(HTML)} [NC]\n"
        f"RewriteCond %{{HTTP_ACCEPT}} {_naming(fmt)} [NC]\n"
        f"RewriteRule ^({hosting.resource_path})$ {site_url}$1{fmt.suffix} [R=303,L]\n"
        for fmt in choices_by_preference()
        if fmt is not HTML
    )
    return f"""# w3id.org rules for https://w3id.org/{base_iri_path} (written by `twingraph site`).
# They send every IRI to the same path on the site. A resource asked for in an RDF format (and
# not as HTML) goes to its document in that format, so the IRIs negotiate on any host.
Options +FollowSymLinks
RewriteEngine on
{negotiated}RewriteRule {any_resource} {site_url}$1 [R=303,L]
RewriteRule ^(.*)$ {site_url}$1 [R=302,L]
""".encode()


def _naming(fmt: Format) -> str:
    # text/plain is an alias of N-Triples only for reading: a client asking for it wants text.
    return accept_entry_pattern(media for media in (fmt.media_type, *fmt.aliases) if media != "text/plain")
