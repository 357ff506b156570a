"""Driving the static site's SPARQL page (sparql.html) in the browser, for the tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

# As functions, not expressions: Playwright would evaluate an expression's text with eval, which
# the page's Content-Security-Policy rightly forbids.
FAILED = "document.getElementById('query-status').className === 'error'"
READY_OR_FAILED = f"() => (window.twingraphQueryPage && window.twingraphQueryPage.timings.ready !== null) || {FAILED}"
ANSWERED_OR_FAILED = f"() => window.twingraphQueryPage.answer !== null || {FAILED}"


@contextmanager
def recorded_page(browser: Any) -> Iterator[Any]:
    """A new page that records what went wrong in it (`problems`): script errors, CSP refusals, failed loads."""
    opened = browser.new_page()
    opened.problems = []
    opened.on("pageerror", lambda error: opened.problems.append(f"script error: {error}"))
    opened.on(
        "console",
        lambda message: (
            opened.problems.append(message.text)
            if message.type == "error" and "favicon" not in (message.location or {}).get("url", "")
            else None
        ),
    )
    yield opened
    opened.close()


def open_ready(page: Any, url: str) -> None:
    page.goto(url)
    page.wait_for_function(READY_OR_FAILED)
    assert "triples loaded" in page.inner_text("#query-status"), page.inner_text("#query-status")


def run_example(page: Any, name: str) -> dict[str, Any]:
    page.evaluate("() => { window.twingraphQueryPage.answer = null; }")
    page.click(f"button[data-query='{name}']")
    page.click("#query-run")
    page.wait_for_function(ANSWERED_OR_FAILED)
    assert "row(s)" in page.inner_text("#query-status"), page.inner_text("#query-status")
    return page.evaluate("() => window.twingraphQueryPage.answer")  # type: ignore[no-any-return]
