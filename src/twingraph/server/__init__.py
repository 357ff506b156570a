"""`twingraph serve`: the read-only HTTP app (resources, HTML pages, the SPARQL endpoint).

What it publishes (the site, its pages, their headers) is `twingraph.web`'s, shared with the
static site; this package is the live server around it.

conneg.py     Accept and Accept-Language, formats by `?format=` and extension
pool.py       worker processes that run SPARQL with a real, killing timeout
protocol.py   the SPARQL 1.1 Protocol: a request to a query, or a refusal with its status
responses.py  validators, caching and errors, shared by the handlers
resources.py  a resource, document or page, negotiated
app.py        the Starlette routes tying them together
"""
