"""`/sparql`: the SPARQL 1.1 Protocol, read-only, answered by the query workers."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from twingraph.iris import RDF_TYPE
from twingraph.server import conneg
from twingraph.server.conneg import NotAcceptable
from twingraph.server.responses import Handlers
from twingraph.web.headers import RESOURCE_CHOICES
from twingraph.web.pages import render

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response


class SparqlHandlers(Handlers):
    """The endpoint: the protocol, the guard, the fair pool, and the service description."""

    async def sparql(self, request: Request) -> Response:
        from twingraph.server.protocol import ProtocolError, parse_request

        if request.method == "OPTIONS":
            return self.respond(request, b"", "text/plain", cache=False, headers={
                "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
                "Access-Control-Allow-Headers": "Accept, Content-Type",
                "Access-Control-Max-Age": "86400",
            })  # fmt: skip
        try:
            body = await self._body(request)
            query = parse_request(
                request.method, request.url.query, request.headers.get("content-type"), body,
                held_graphs=self.site.held_graphs(),
            )  # fmt: skip
        except ProtocolError as exc:
            headers = {"Allow": "GET, POST, OPTIONS"} if exc.status == 405 else None
            return self.error(request, exc.status, exc.message, headers=headers)
        if query is None:
            return self.service_description(request)
        return await self._answer(request, query.text, query.formats, query.default_graphs, query.named_graphs)

    async def _body(self, request: Request) -> bytes:
        from twingraph.server.protocol import ProtocolError

        limit = self.state.options.max_request_bytes
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > limit:
            raise ProtocolError(413, f"the request body is larger than {limit:,} bytes, the limit here.")
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise ProtocolError(413, f"the request body is larger than {limit:,} bytes, the limit here.")
            chunks.append(chunk)
        return b"".join(chunks)

    async def _answer(
        self, request: Request, text: str, formats: tuple[str, ...], default_graphs: tuple[str, ...] = (),
        named_graphs: tuple[str, ...] = (), *, download: str | None = None, stored_query: bool = False,
        lists: tuple[tuple[str, str], ...] = (),
    ) -> Response:  # fmt: skip
        from twingraph.server.pool import ClientBusy, QueryJob, QueryTimeout, ServerBusy, WorkerFailed
        from twingraph.server.protocol import BOOLEAN_CHOICES, GRAPH_CHOICES, ROW_CHOICES
        from twingraph.sparql.guard import QueryRefused, check_offline_read_only, query_form

        try:
            check_offline_read_only(text)
            form = query_form(text)
        except QueryRefused as exc:
            status, message = _REFUSALS.get(exc.kind, (400, str(exc)))
            return self.error(request, status, message or str(exc))
        choices = (
            GRAPH_CHOICES if form in ("CONSTRUCT", "DESCRIBE") else BOOLEAN_CHOICES if form == "ASK" else ROW_CHOICES
        )
        try:
            choice = self.choose(request, choices, None, formats)
        except NotAcceptable:
            return self.not_acceptable(request, choices)
        # Relative IRIs in a query resolve against the endpoint, as the protocol suggests.
        endpoint = self.urls.absolute(self.urls.sparql())
        job = QueryJob(
            text, choice.name, self.state.options.max_rows, default_graphs or None, named_graphs or None, endpoint,
            lists, self.state.options.max_answer_bytes,
        )  # fmt: skip
        client, stored = self.state.client_of(request), stored_query
        try:
            reply = await self.state.run_query(job, client=client, stored=stored)
        except QueryTimeout as exc:
            return self.error(request, 503, str(exc))
        except ClientBusy as exc:
            return self.error(request, 429, str(exc), headers={"Retry-After": "2"})
        except ServerBusy as exc:
            return self.error(request, 503, str(exc), headers={"Retry-After": "5"})
        except WorkerFailed as exc:
            return self.error(request, 500, str(exc))
        if reply.error == "format" and choice.name == "rdfxml":  # a graph RDF/XML cannot express
            others = [c for c in choices if c.name != "rdfxml"]
            try:
                choice = conneg.negotiate(request.headers.get("accept"), others)
            except NotAcceptable:
                return self.error(request, 406, reply.message)
            job = dataclasses.replace(job, fmt=choice.name)
            reply = await self.state.run_query(job, client=client, stored=stored)
        if reply.error:
            return self.error(request, 400 if reply.error in ("syntax", "limit") else 500, reply.message)
        headers = {"Content-Disposition": f'attachment; filename="{download}"'} if download else None
        return self.respond(request, reply.body, choice.media_type, cache=False, headers=headers)

    def service_description(self, request: Request) -> Response:
        choices = [*[c for c in RESOURCE_CHOICES if c.name != "html"], RESOURCE_CHOICES[-1]]
        try:
            choice = self.choose(request, choices, None)
        except NotAcceptable:
            return self.not_acceptable(request, choices)
        endpoint = self.urls.absolute(self.urls.sparql())
        if choice.name == "html":
            limits = {"timeout": f"{self.state.options.timeout:g}", "max_rows": f"{self.state.options.max_rows:,}"}
            body = render(
                "sparql.html",
                urls=self.urls,
                lang=self.language(request),
                endpoint=endpoint,
                example=_EXAMPLE,
                **limits,
            )
            return self.respond(request, body, "text/html")
        return self.respond(
            request, self.rdf(_service_description(endpoint, self.site.held_graphs()), choice.name), choice.media_type
        )


# How the endpoint answers each kind of refused query; None keeps the guard's own message.
_REFUSALS: dict[str, tuple[int, str | None]] = {
    "update": (403, None),
    "load": (400, "LOAD is refused: this endpoint never fetches remote data, and is read-only."),
    "dataset": (400, None),
    "service": (
        400,
        "SERVICE is refused: it would send part of the query to another server; this endpoint does not federate.",
    ),
}

_EXAMPLE = """PREFIX tw: <https://w3id.org/twingraph/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?place ?label (COUNT(?partnership) AS ?partnerships) WHERE {
  ?partnership a tw:Partnership ; tw:partner ?place .
  ?place rdfs:label ?label FILTER (LANG(?label) = "en")
} GROUP BY ?place ?label ORDER BY DESC(?partnerships) LIMIT 20"""


def _service_description(endpoint: str, graphs: list[str]) -> list[Any]:
    """The SPARQL 1.1 Service Description of the endpoint."""
    import pyoxigraph

    sd = "http://www.w3.org/ns/sparql-service-description#"
    node, dataset = pyoxigraph.NamedNode(endpoint), pyoxigraph.BlankNode("dataset")
    rdf_type = pyoxigraph.NamedNode(RDF_TYPE)

    def n(local: str) -> pyoxigraph.NamedNode:
        return pyoxigraph.NamedNode(sd + local)

    triples = [
        pyoxigraph.Triple(node, rdf_type, n("Service")),
        pyoxigraph.Triple(node, n("endpoint"), node),
        pyoxigraph.Triple(node, n("supportedLanguage"), n("SPARQL11Query")),
        pyoxigraph.Triple(node, n("defaultDataset"), dataset),
        pyoxigraph.Triple(dataset, rdf_type, n("Dataset")),
        pyoxigraph.Triple(dataset, n("defaultGraph"), pyoxigraph.BlankNode("default")),
        pyoxigraph.Triple(pyoxigraph.BlankNode("default"), rdf_type, n("Graph")),
    ]
    # The W3C's IRIs for formats (https://www.w3.org/ns/formats/), as SPARQL 1.1 Service Description asks.
    formats = ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
               "Turtle", "N-Triples", "JSON-LD", "RDF_XML")  # fmt: skip
    for name in formats:
        triples.append(pyoxigraph.Triple(node, n("resultFormat"), pyoxigraph.NamedNode(W3C_FORMATS + name)))
    for graph in graphs:
        named = pyoxigraph.BlankNode(f"g{len(triples)}")
        triples += [
            pyoxigraph.Triple(dataset, n("namedGraph"), named),
            pyoxigraph.Triple(named, n("name"), pyoxigraph.NamedNode(graph)),
        ]
    return triples


W3C_FORMATS = "http://www.w3.org/ns/formats/"
