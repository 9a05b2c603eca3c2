"""The built example site in a real browser: axe-core, reflow, keyboard focus, tables.

Needs Debian's Chromium at /usr/bin/chromium, the Python ``playwright`` package (no
``playwright install``: the system browser is used) and ``npm install`` for axe-core.
Without them the module is skipped locally; with the ``CI`` environment variable set it
fails instead, so CI never passes by skipping. Only loopback requests are allowed.

Screenshots for the README are rewritten in docs/screenshots/ on every run.
"""

from __future__ import annotations

import importlib.util
import itertools
import os
import re
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pytest

from cmaltgen.build import build
from tests.browser_support import (
    AXE,
    CHROMIUM,
    CHROMIUM_ARGS,
    describe,
    html_pages,
    run_axe,
    serve,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

Scheme = Literal["light", "dark"]

REPO = Path(__file__).resolve().parent.parent
SCREENSHOTS = REPO / "docs" / "screenshots"
# The example portfolio: 11 sections, home, evidence, matrix, confirmation and 404.
EXPECTED_PAGES = 16


def _missing() -> str | None:
    if importlib.util.find_spec("playwright") is None:
        return "the playwright package is not installed (pip install playwright)"
    if not CHROMIUM.is_file():
        return f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
    if not AXE.is_file():
        return f"axe-core is missing at {AXE} (npm install)"
    return None


_MISSING = _missing()
if _MISSING is not None:
    if os.environ.get("CI"):
        pytest.fail(f"browser tests cannot run in CI: {_MISSING}", pytrace=False)
    pytest.skip(_MISSING, allow_module_level=True)


# ------------------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("browser") / "site"
    result = build(REPO / "example_portfolio", out)
    assert not result.diagnostics.errors, result.diagnostics
    assert len(html_pages(out)) == EXPECTED_PAGES
    return out


@pytest.fixture(scope="module")
def base_url(site: Path) -> Iterator[str]:
    with serve(site) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        launched = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


class Blocked:
    """Routes every request: loopback goes through, anything else is aborted and recorded.

    The 404 page links absolutely to the published site (so it works at any depth on GitHub
    Pages); requests under that address are answered from the built files.
    """

    def __init__(self, site: Path) -> None:
        self.site = site
        found = re.search(
            r'href="(https://[^"]+/)assets/style.css"', (site / "404.html").read_text("utf-8")
        )
        self.published = found.group(1) if found else None
        self.urls: list[str] = []

    def __call__(self, route: Any) -> None:
        url: str = route.request.url
        if url.startswith(("http://127.0.0.1:", "data:", "about:")):
            route.continue_()
        elif self.published and url.startswith(self.published):
            route.fulfill(path=self.site / url.removeprefix(self.published).split("#")[0])
        else:
            self.urls.append(url)
            route.abort()


def open_page(
    browser: Browser, site: Path, width: int, scheme: Scheme = "light"
) -> tuple[Page, Blocked]:
    page = browser.new_page(viewport={"width": width, "height": 800}, color_scheme=scheme)
    blocked = Blocked(site)
    page.route("**/*", blocked)
    return page, blocked


@pytest.fixture
def desktop(browser: Browser, site: Path) -> Iterator[Page]:
    page, _ = open_page(browser, site, 1280)
    yield page
    page.close()


# ------------------------------------------------------------------------------ axe-core


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violations_on_any_page(
    browser: Browser, site: Path, base_url: str, scheme: Scheme
) -> None:
    page, blocked = open_page(browser, site, 1280, scheme)
    assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches") == (scheme == "dark")
    report = []
    for rel in html_pages(site):
        page.goto(base_url + rel)
        violations = run_axe(page)
        if violations:
            report.append(f"{rel} ({scheme}):\n{describe(violations)}")
    page.close()
    assert not report, "\n".join(report)
    assert blocked.urls == [], "pages must not load anything from the internet"


def test_axe_reports_a_planted_violation(desktop: Page, base_url: str) -> None:
    """Guards the test above: a broken page must not pass because axe did not run."""
    desktop.goto(base_url + "index.html")
    desktop.evaluate(
        """() => {
        const img = document.createElement('img');
        img.src = 'data:image/gif;base64,R0lGODlhAQABAAAAACw=';
        document.querySelector('main').append(img);
    }"""
    )
    assert "image-alt" in {v["id"] for v in run_axe(desktop)}


# ------------------------------------------------------------------------------ layout


def test_no_page_scrolls_sideways_at_320px(browser: Browser, site: Path, base_url: str) -> None:
    page, _ = open_page(browser, site, 320)
    wide = {}
    for rel in html_pages(site):
        page.goto(base_url + rel)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            wide[rel] = width
    page.close()
    assert wide == {}


def test_headings_one_h1_and_no_skipped_levels(desktop: Page, site: Path, base_url: str) -> None:
    problems = []
    for rel in html_pages(site):
        desktop.goto(base_url + rel)
        levels: list[int] = desktop.eval_on_selector_all(
            "h1, h2, h3, h4, h5, h6", "hs => hs.map(h => Number(h.tagName[1]))"
        )
        if levels.count(1) != 1 or levels[0] != 1:
            problems.append(f"{rel}: headings {levels} need exactly one h1, first")
        skips = [(a, b) for a, b in itertools.pairwise(levels) if b > a + 1]
        if skips:
            problems.append(f"{rel}: heading levels skip {skips}")
    assert problems == []


# ------------------------------------------------------------------------------ keyboard


def _focused(page: Page) -> dict[str, Any]:
    info: dict[str, Any] = page.evaluate(
        """() => {
        const el = document.activeElement;
        const r = el.getBoundingClientRect();
        const s = getComputedStyle(el);
        return {tag: el.tagName, id: el.id, cls: el.className, href: el.getAttribute('href'),
                text: el.textContent.trim(), top: r.top, left: r.left, bottom: r.bottom,
                right: r.right, outline: s.outlineStyle, outlineWidth: parseFloat(s.outlineWidth),
                visible: s.visibility === 'visible' && s.opacity !== '0'};
    }"""
    )
    return info


@pytest.mark.parametrize("width", [320, 1280])
@pytest.mark.parametrize("rel", ["index.html", "1a/index.html", "matrix/index.html"])
def test_first_tab_shows_the_skip_link_and_it_moves_focus_to_main(
    browser: Browser, site: Path, base_url: str, rel: str, width: int
) -> None:
    page, _ = open_page(browser, site, width)
    page.goto(base_url + rel)
    page.keyboard.press("Tab")
    link = _focused(page)
    assert (link["cls"], link["href"], link["text"]) == (
        "skip-link",
        "#main",
        "Skip to main content",
    )
    assert link["visible"] and link["outline"] != "none" and link["outlineWidth"] >= 2
    assert link["top"] >= 0 and link["left"] >= 0, "the focused skip link is off screen"
    assert link["bottom"] <= 800 and link["right"] <= width
    page.keyboard.press("Enter")
    assert _focused(page)["id"] == "main"
    page.close()


def test_every_focus_stop_has_a_visible_outline(desktop: Page, base_url: str) -> None:
    desktop.goto(base_url + "1a/index.html")
    seen = []
    for _ in range(200):
        desktop.keyboard.press("Tab")
        stop = _focused(desktop)
        if stop["tag"] == "BODY":  # tabbed past the last link, out of the page
            break
        seen.append(stop)
        assert stop["outline"] != "none" and stop["outlineWidth"] >= 2, stop
    texts = [s["text"] for s in seen]
    assert len(seen) > 30
    assert "Home" in texts, "the section list must be reachable by keyboard on wide screens"
    assert any(s["cls"] == "evidence-ref" for s in seen), "the reflection's links are reachable"
    assert seen[-1]["text"].startswith("Next"), "the pager comes last"


def test_contents_is_open_on_desktop_and_a_toggle_on_phones(
    browser: Browser, site: Path, base_url: str
) -> None:
    wide, _ = open_page(browser, site, 1280)
    wide.goto(base_url + "1a/index.html")
    assert wide.get_by_role("link", name="All evidence").is_visible()
    assert not wide.locator(".nav-toggle > summary").is_visible()
    wide.close()
    phone, _ = open_page(browser, site, 375)
    phone.goto(base_url + "1a/index.html")
    assert not phone.get_by_role("link", name="All evidence").is_visible()
    for _ in range(3):  # skip link, site title, then the toggle
        phone.keyboard.press("Tab")
    assert (_focused(phone)["tag"], _focused(phone)["text"]) == ("SUMMARY", "Contents")
    phone.keyboard.press("Enter")
    assert phone.get_by_role("link", name="All evidence").is_visible()
    phone.close()


# ------------------------------------------------------------------------------ matrix


def test_matrix_is_a_captioned_table_with_scoped_headers(desktop: Page, base_url: str) -> None:
    desktop.goto(base_url + "matrix/index.html")
    table = desktop.locator("main table")
    assert table.count() == 1
    assert "evidence items against" in table.locator("caption").inner_text()
    columns = table.locator("thead th")
    assert columns.count() == 12  # "Evidence" and 11 sections
    assert set(columns.evaluate_all("ths => ths.map(th => th.scope)")) == {"col"}
    rows = table.locator("tbody tr")
    assert rows.count() == 25
    firsts = rows.evaluate_all(
        "trs => trs.map(tr => tr.cells[0].tagName + ':' + tr.cells[0].scope)"
    )
    assert set(firsts) == {"TH:row"}
    assert desktop.get_by_role("table", name="25 evidence items against 11 sections").count() == 1


# ------------------------------------------------------------------------------ screenshots


def _png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", header[16:24])
    return width, height


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_screenshots_for_the_readme(
    browser: Browser, site: Path, base_url: str, scheme: Scheme
) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width, height in ((375, 812), (1280, 800)):
        page = browser.new_page(viewport={"width": width, "height": height}, color_scheme=scheme)
        page.route("**/*", Blocked(site))
        for name, rel in (("home", "index.html"), ("1a", "1a/index.html")):
            page.goto(base_url + rel)
            target = SCREENSHOTS / f"{name}-{width}-{scheme}.png"
            page.screenshot(path=str(target))
            assert _png_size(target) == (width, height)
        page.close()
