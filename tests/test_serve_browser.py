"""A real browser (Debian's chromium, driven by Playwright) on a live `twingraph serve`.

Screenshots go to build/screenshots/ for people to look at.
"""

from __future__ import annotations

import pytest

from tests.conftest import SCREENSHOTS


def test_follow_a_partner_and_run_a_stored_query(live_server, browser) -> None:
    context = browser.new_context(viewport={"width": 1100, "height": 1300}, locale="en-GB", java_script_enabled=False)
    requests: list[str] = []
    page = context.new_page()
    page.on("request", lambda request: requests.append(request.url))

    page.goto(live_server.url + "id/city/kassel")
    assert page.locator("h1").inner_text() == "Kassel"
    page.screenshot(path=str(SCREENSHOTS / "kassel.png"), full_page=True)
    box = page.locator("figure#map svg").bounding_box()
    assert box is not None
    assert box["width"] > 800  # the map takes the page's width (it was about 350 px)

    page.locator("#partnerships").locator("xpath=following-sibling::table[1]").get_by_role(
        "link", name="Florence", exact=True
    ).click()
    page.wait_for_url("**/id/city/florence")
    assert page.locator("h1").inner_text() == "Florence"
    assert page.get_by_role("link", name="Kassel").first.is_visible()
    page.screenshot(path=str(SCREENSHOTS / "florence.png"), full_page=True)

    page.goto(live_server.url + "queries/partners")
    page.get_by_label("city").fill("Rovaniemi")
    page.get_by_role("button", name="Run").click()
    page.wait_for_url("**/queries/partners?city=Rovaniemi*")  # the form sends from= and to= too
    cells = page.locator("#results tbody tr").first.locator("td").all_inner_texts()
    assert cells[1].startswith("Kassel")
    assert cells[2].startswith("town twinning")
    page.screenshot(path=str(SCREENSHOTS / "partners-query.png"), full_page=True)

    # Everything the pages loaded came from the server itself: no fonts, scripts or tiles from elsewhere.
    assert requests
    assert all(url.startswith(live_server.url) for url in requests)
    context.close()


def test_a_german_reader_gets_german_labels(live_server, browser) -> None:
    context = browser.new_context(locale="de-DE", extra_http_headers={"Accept-Language": "de-DE,de;q=0.9"})
    page = context.new_page()
    page.goto(live_server.url + "id/city/florence")
    assert page.locator("h1").inner_text() == "Florenz"
    page.screenshot(path=str(SCREENSHOTS / "florenz-de.png"))
    context.close()


def test_a_page_on_another_origin_may_read_with_preflighted_requests(browser, live_server) -> None:
    """Both requests carry something not CORS-safelisted, so Chromium sends a preflight first."""
    from tests.servers import Reply, ScriptedEndpoint

    page_html = b"<!doctype html><title>elsewhere</title><p>another origin</p>"
    with ScriptedEndpoint([Reply(200, page_html, {"Content-Type": "text/html"})]) as elsewhere:
        page = browser.new_page()
        preflights: list[str] = []
        page.on("request", lambda request: preflights.append(request.url) if request.method == "OPTIONS" else None)
        page.goto(elsewhere.url)
        outcome = page.evaluate(
            """async (base) => {
                const sparql = await fetch(base + "sparql", {method: "POST",
                    headers: {"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"},
                    body: "ASK { ?s ?p ?o }"});
                const answer = await sparql.json();
                const resource = await fetch(base + "id/city/kassel",
                    {headers: {"Accept": "text/turtle", "If-None-Match": "\\"nothing\\""}});
                const turtle = await resource.text();
                return {sparql: sparql.status, ask: answer.boolean, resource: resource.status,
                        type: resource.headers.get("Content-Type"), kassel: turtle.includes("Kassel")};
            }""",
            live_server.url,
        )
        page.close()
    assert outcome == {
        "sparql": 200,
        "ask": True,
        "resource": 200,
        "type": "text/turtle; charset=utf-8",
        "kassel": True,
    }


def test_every_response_carries_the_security_headers(live_server) -> None:
    import urllib.request

    for path in ("", "id/city/kassel", "sparql", "nothing-here"):
        request = urllib.request.Request(live_server.url + path, headers={"Accept": "text/html"})
        try:
            response = urllib.request.urlopen(request, timeout=30)
        except urllib.error.HTTPError as exc:
            response = exc
        headers = response.headers
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert "style-src 'unsafe-inline'" in headers["Content-Security-Policy"]
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_preflights_are_answered_on_every_get_route(live_server) -> None:
    import urllib.request

    for path in ("", "id/city/kassel", "ontology", "catalog", "queries", "dist/", ".well-known/void", "sparql"):
        request = urllib.request.Request(
            live_server.url + path,
            method="OPTIONS",
            headers={"Origin": "https://elsewhere.example", "Access-Control-Request-Method": "GET",
                     "Access-Control-Request-Headers": "if-none-match"},
        )  # fmt: skip
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 204
            assert response.headers["Access-Control-Allow-Origin"] == "*"
            assert "if-none-match" in response.headers["Access-Control-Allow-Headers"]


@pytest.mark.parametrize("server", ["nginx", "apache"])
def test_a_page_on_another_origin_reads_the_static_site_with_a_profiled_accept(
    browser, static_servers: dict[str, str], server: str
) -> None:  # type: ignore[no-untyped-def]
    """An Accept with a profile is not CORS-safelisted: Chromium asks first (nginx answered 405,
    Apache without Access-Control-Allow-Headers), then reads the document and its Link header."""
    from tests.servers import Reply, ScriptedEndpoint

    page_html = b"<!doctype html><title>elsewhere</title><p>another origin</p>"
    with ScriptedEndpoint([Reply(200, page_html, {"Content-Type": "text/html"})]) as elsewhere:
        page = browser.new_page()
        page.goto(elsewhere.url)
        outcome = page.evaluate(
            """async (base) => {
                const response = await fetch(base + "id/city/kassel",
                    {headers: {"Accept": 'application/ld+json;profile="http://www.w3.org/ns/json-ld#compacted"'}});
                const body = await response.text();
                return {status: response.status, kassel: body.includes("Kassel"),
                        link: (response.headers.get("Link") || "").includes("cite-as")};
            }""",
            static_servers[server],
        )
        page.close()
    assert outcome == {"status": 200, "kassel": True, "link": True}
