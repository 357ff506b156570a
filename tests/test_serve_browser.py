"""A real browser (Debian's chromium, driven by Playwright) on a live `twingraph serve`.

Screenshots go to build/screenshots/ for people to look at.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import REPO

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = REPO / "build" / "screenshots"


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is missing: `make test` installs Debian's chromium package")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
            ],
        )
        yield launched
        launched.close()


def test_follow_a_partner_and_run_a_stored_query(live_server, browser) -> None:
    context = browser.new_context(viewport={"width": 1100, "height": 1300}, locale="en-GB", java_script_enabled=False)
    requests: list[str] = []
    page = context.new_page()
    page.on("request", lambda request: requests.append(request.url))

    page.goto(live_server.url + "id/city/kassel")
    assert page.locator("h1").inner_text() == "Kassel"
    page.screenshot(path=str(SCREENSHOTS / "kassel.png"), full_page=True)

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
    page.wait_for_url("**/queries/partners?city=Rovaniemi")
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
