"""`/queries`: the stored queries as forms and tables, with CSV and JSON downloads."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from twingraph.errors import TwingraphError
from twingraph.server.endpoint import SparqlHandlers
from twingraph.web.pages import render

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response

    from twingraph.sparql.query import StoredQuery


class StoredQueryHandlers(SparqlHandlers):
    """The stored queries' pages: a form, the answer as a table, and its downloads."""

    async def query_list(self, request: Request) -> Response:
        from twingraph.sparql.query import stored_queries

        queries = stored_queries(self.site.queries_folder)
        return self.respond(
            request, render("queries.html", urls=self.urls, lang=self.language(request), queries=queries), "text/html"
        )

    async def stored_query(self, request: Request) -> Response:
        from twingraph.sparql.query import ParameterError, bind_parameters, find_stored_query
        from twingraph.sparql.text import with_values

        name = request.path_params["name"]
        download = None
        for suffix in (".csv", ".json"):
            if name.endswith(suffix):
                name, download = name[: -len(suffix)], suffix[1:]
        try:
            stored = find_stored_query(self.site.queries_folder, name) if "/" not in name else None
        except TwingraphError:  # an unknown name, or a query file that cannot be read
            stored = None
        if stored is None:
            return self.error(request, 404, f"no stored query is called {name!r}; /queries lists them.")
        known = {p.name for p in stored.parameters}
        values = {k: v for k, v in request.query_params.items() if k in known and v.strip()}
        named = download or request.query_params.get("format")
        try:
            stored = stored.in_languages(self.wanted(request))
            text = with_values(stored.sparql, bind_parameters(self.site.loaded.graph, stored, values))
        except ParameterError as exc:
            if named:
                return self.error(request, 400, str(exc))
            return self._failed_page(request, stored, values, str(exc), 400)
        if named:
            return await self._answer(
                request,
                text,
                (named,),
                download=f"{stored.name}.{download}" if download else None,
                stored_query=True,
                lists=stored.lists,
            )
        response = await self._answer(request, text, ("json",), stored_query=True, lists=stored.lists)
        if response.status_code != 200:
            message = bytes(response.body).decode("utf-8", "replace").strip()
            return self._failed_page(request, stored, values, message, response.status_code)
        table = self.pages.results_table(json.loads(bytes(response.body)), self.wanted(request))
        query_string = urlencode(values)
        base = self.urls.query(stored.name)
        body = render(
            "query.html", urls=self.urls, lang=self.language(request), title=stored.title, query=stored, values=values,
            error=None, table=table,
            csv_href=f"{base}.csv?{query_string}", json_href=f"{base}.json?{query_string}",
        )  # fmt: skip
        return self.respond(request, body, "text/html")

    def _failed_page(
        self, request: Request, stored: StoredQuery, values: dict[str, str], message: str, status: int
    ) -> Response:
        """The query's page with the reason it could not be answered."""
        body = render(
            "query.html", urls=self.urls, lang=self.language(request), title=stored.title, query=stored,
            values=values, error=message, table=None,
        )  # fmt: skip
        return self.respond(request, body, "text/html", status=status, cache=False)
