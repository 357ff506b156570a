"""What `serve` and the static site both publish: the site, its pages and their headers.

site.py         what is published: the loaded, validated project, its resources and built files
urls.py         where each resource, document and page lives, under a base path
pages.py        HTML for people (Jinja2 templates, no JavaScript, nothing from other hosts)
i18n.py         the pages in the reader's language (gettext catalogues in locales/)
signposting.py  the typed links (RFC 8288) that point from a page to its documents and back
headers.py      the formats a resource is negotiated in, and the CORS and security headers
"""
