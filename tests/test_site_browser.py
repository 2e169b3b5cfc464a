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
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Under the test's tmp dir; the path is printed so a reviewer can open the pictures (pytest -s, or the report)."""
    path = tmp_path_factory.mktemp("screenshots")
    print(f"\nscreenshots: {path}")
    return path


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
        try:
            yield launched
        finally:
            launched.close()


def test_a_reader_finds_follows_filters_and_explores(browser: object, base_url: str, screenshots: Path) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    expect = sync_api.expect

    # home page, then search for CORS and open the CORS rule
    page.goto(base_url)
    expect(page.locator(".fp-counts")).to_be_visible()
    page.screenshot(path=str(screenshots / "home.png"), full_page=True)
    page.locator("input.md-search__input").click()
    page.keyboard.type("CORS", delay=50)  # as a reader types: Material searches on key events
    result = page.locator(f'a.md-search-result__link[href*="rules/{CORS_RULE}/"]').first
    expect(result).to_be_visible(timeout=15_000)
    result.click()
    page.wait_for_url(f"**/rules/{CORS_RULE}/**")
    expect(page.locator("h1")).to_contain_text(CORS_RULE)
    expect(page.locator("h2#how-to-suppress-it")).to_have_count(1)
    page.screenshot(path=str(screenshots / "rule.png"), full_page=True)

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

    # the graph: every record appears once in its section (a drawn node or a card) and links to its page
    page.goto(base_url + "graph/")
    nodes = page.locator(".fp-graph-view [data-node]")
    assert nodes.count() == total
    page.locator("svg.fp-cluster-graph a.fp-node").first.click()
    page.wait_for_url("**/rules/*/")

    assert not errors, errors
    remote = sorted(
        {url for url in requests if urlsplit(url).hostname not in ("127.0.0.1", "localhost") and not url.startswith(("data:", "blob:"))}
    )
    assert not remote, remote
    page.close()


VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 375, "height": 740}}
NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


def _drawn(page: object, selector: str) -> int:
    """Elements the filter leaves displayed (Playwright's :visible calls a flat horizontal edge, 0 px high, invisible)."""
    script = "sel => Array.from(document.querySelectorAll(sel)).filter(e => getComputedStyle(e).display !== 'none' && !e.closest('[hidden]')).length"
    return int(page.evaluate(script, selector))  # type: ignore[attr-defined]


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_home_page_fits_and_shows_the_whole_sample_finding(browser: object, base_url: str, screenshots: Path, viewport: str) -> None:
    page = browser.new_page(viewport=VIEWPORTS[viewport])  # type: ignore[attr-defined]
    page.goto(base_url)
    page.screenshot(path=str(screenshots / f"home-{viewport}.png"), full_page=True)
    assert page.evaluate(NO_SIDEWAYS_SCROLL), f"the home page scrolls sideways at {viewport} width"
    shown = page.locator(".fp-sample pre:visible")
    assert shown.count() == 1  # one print of the finding, the one that fits the column
    columns = int(shown.get_attribute("data-columns") or 0)
    assert columns == (72 if viewport == "desktop" else 44)
    fit = shown.evaluate(
        """pre => { const code = pre.querySelector("code"), box = pre.getBoundingClientRect();
                    return {inside: code.scrollWidth <= code.clientWidth + 1 && pre.scrollWidth <= pre.clientWidth + 1,
                            right: box.right, viewport: window.innerWidth,
                            lines: code.textContent.split("\\n").length, height: code.getBoundingClientRect().height,
                            lineHeight: parseFloat(getComputedStyle(code).lineHeight)}; }"""
    )
    assert fit["inside"] and fit["right"] <= fit["viewport"], fit  # nothing cut off or scrolled
    assert fit["height"] <= (fit["lines"] + 0.5) * fit["lineHeight"] + 40, fit  # each printed line fits on one screen line
    text = shown.inner_text()
    assert "SEC-010" in text and "fastpolicy explain SEC-010" in text and "rules." in text
    sync_api.expect(page.locator('a[href="adopting/"]').first).to_be_visible()
    page.close()


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_graph_page_filters_by_section_text_and_relation(browser: object, base_url: str, screenshots: Path, viewport: str) -> None:
    page = browser.new_page(viewport=VIEWPORTS[viewport])  # type: ignore[attr-defined]
    page.goto(base_url + "graph/")
    page.screenshot(path=str(screenshots / f"graph-{viewport}.png"), full_page=True)
    assert page.evaluate(NO_SIDEWAYS_SCROLL), f"the graph page scrolls sideways at {viewport} width"
    count = page.locator(".fp-graph-filters .fp-count")
    total = page.locator(".fp-graph-view [data-node]").count()
    sync_api.expect(count).to_have_text(f"{total} of {total} records")
    related = page.locator('svg.fp-cluster-graph path[data-kind="related"]')
    assert related.count() > 0 and _drawn(page, 'svg.fp-cluster-graph path[data-kind="related"]') == 0  # on demand
    assert _drawn(page, 'svg.fp-cluster-graph path[data-kind="conflicts"]') > 0  # prominent from the start

    page.locator('input[data-relation="related"]').check()
    assert _drawn(page, 'svg.fp-cluster-graph path[data-kind="related"]') == related.count()
    assert _drawn(page, '.fp-cards li[data-kind="related"]') > 0
    page.locator('input[data-relation="refines"]').uncheck()
    assert _drawn(page, 'svg.fp-cluster-graph path[data-kind="refines"]') == 0

    page.locator('select[data-graph="section"]').select_option("security")
    assert _drawn(page, ".fp-cluster") == 1
    security = page.locator('.fp-cluster[data-section="security"] [data-node]').count()
    sync_api.expect(count).to_have_text(f"{security} of {total} records")
    page.locator('input[data-graph="text"]').fill("cors")
    sync_api.expect(count).to_have_text(f"1 of {total} records")
    sync_api.expect(page.locator('[data-node="SEC-010"]')).to_be_visible()
    page.screenshot(path=str(screenshots / f"graph-{viewport}-filtered.png"), full_page=True)
    page.close()
