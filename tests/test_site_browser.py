"""The built site in a real browser (Debian's chromium driven by Playwright): search, links, filters, graph, offline."""

from __future__ import annotations

import functools
import http.server
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from test_site import built_site  # the same build as the page tests: built once per session

CHROMIUM = Path(os.environ.get("FASTPOLICY_CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = Path(__file__).resolve().parent.parent / "build" / "screenshots"
CORS_RULE = "SEC-010"

if not CHROMIUM.exists():  # refuse, never skip: .ci/run installs it
    pytest.fail(f"the browser test needs chromium at {CHROMIUM}: apt-get install -y chromium (or set FASTPOLICY_CHROMIUM)", pytrace=False)

sync_api = pytest.importorskip("playwright.sync_api", reason="pip install -e '.[dev]' installs playwright")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's name
        pass


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    _, out = built_site()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(out)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
        try:
            yield launched
        finally:
            launched.close()


def test_a_reader_finds_follows_filters_and_explores(browser: object, base_url: str) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    expect = sync_api.expect

    # home page, then search for CORS and open the CORS rule
    page.goto(base_url)
    expect(page.locator(".fp-counts")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "home.png"), full_page=True)
    page.locator("input.md-search__input").click()
    page.keyboard.type("CORS", delay=50)  # as a reader types: Material searches on key events
    result = page.locator(f'a.md-search-result__link[href*="rules/{CORS_RULE}/"]').first
    expect(result).to_be_visible(timeout=15_000)
    result.click()
    page.wait_for_url(f"**/rules/{CORS_RULE}/**")
    expect(page.locator("h1")).to_contain_text(CORS_RULE)
    expect(page.locator("h2#how-to-suppress-it")).to_have_count(1)
    page.screenshot(path=str(SCREENSHOTS / "rule.png"), full_page=True)

    # follow a related-rule link
    related = page.locator("ul.fp-related a").first
    target = related.get_attribute("href") or ""
    related_id = target.rstrip("/").rsplit("/", 1)[-1]
    related.click()
    page.wait_for_url(f"**/rules/{related_id}/")
    expect(page.locator("h1")).to_contain_text(related_id)

    # filter the all-rules table by severity: fewer rows, no reload
    page.goto(base_url + "rules/")
    rows = page.locator("table.fp-filterable tbody tr")
    total = rows.count()
    page.evaluate("window.__fastpolicy_same_page = true")
    page.locator('select[data-filter="severity"]').select_option("critical")
    visible = page.locator("table.fp-filterable tbody tr:not([hidden])").count()
    assert 0 < visible < total
    expect(page.locator(".fp-count")).to_have_text(f"{visible} of {total} rules")
    page.locator('input[data-filter="text"]').fill(CORS_RULE.lower())
    page.locator('select[data-filter="severity"]').select_option("")
    assert page.locator("table.fp-filterable tbody tr:not([hidden])").count() == 1
    assert page.evaluate("window.__fastpolicy_same_page === true")

    # the graph: every record is a node linking to its page
    page.goto(base_url + "graph/")
    nodes = page.locator("svg.fp-catalogue-graph a.fp-node")
    assert nodes.count() == total
    page.screenshot(path=str(SCREENSHOTS / "graph.png"), full_page=True)
    nodes.first.click()
    page.wait_for_url("**/rules/*/")

    assert not errors, errors
    remote = sorted(
        {url for url in requests if urlsplit(url).hostname not in ("127.0.0.1", "localhost") and not url.startswith(("data:", "blob:"))}
    )
    assert not remote, remote
    page.close()
