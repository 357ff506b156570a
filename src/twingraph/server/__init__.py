"""`twingraph serve`: the read-only HTTP app (resources, HTML pages, the SPARQL endpoint).

conneg.py    Accept and Accept-Language, formats by `?format=` and extension
pool.py      worker processes that run SPARQL with a real, killing timeout
protocol.py  the SPARQL 1.1 Protocol: a request to a query, or a refusal with its status
site.py      what is served: the loaded, validated project and its built files
pages.py     HTML for people (Jinja2 templates, no JavaScript, nothing from other hosts)
app.py       the Starlette routes tying them together
"""
