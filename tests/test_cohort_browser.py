"""The cohort hub in a real browser: axe-core at phone and desktop widths in both themes, the
progress grid's filter with and without JavaScript. Same requirements and skips as
tests/test_browser.py (Debian's Chromium, the playwright package, axe-core from npm)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from cmaltgen.cohort.build import build_cohort
from tests.browser_support import (
    describe,
    loopback_only,
    require_browser,
    run_axe,
    serve,
)
from tests.conftest import REPO, TODAY

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page


require_browser()
pytestmark = pytest.mark.slow("browser")

PAGES = ("index.html", "progress/index.html", "sections/1a/index.html")


def _hub(folder: Path, theme: str) -> Path:
    root = folder / "cohort"
    shutil.copytree(REPO / "example_cohort", root, ignore=shutil.ignore_patterns("_site"))
    config = root / "cohort.yml"
    config.write_text(
        config.read_text("utf-8").replace(
            "  language: en-GB\n", f"  language: en-GB\n  theme: {theme}\n"
        ),
        "utf-8",
    )
    result = build_cohort(root, folder / "site", strict=True, today=TODAY)
    assert result.ok, [d.format() for d in result.diagnostics]
    return folder / "site"


@pytest.fixture(scope="module", params=["default", "print"])
def hub_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    site = _hub(tmp_path_factory.mktemp(f"hub-{request.param}"), request.param)
    with serve(site) as url:
        yield url


def _page(browser: Browser, width: int, scheme: str = "light", js: bool = True) -> Page:
    context = browser.new_context(
        viewport={"width": width, "height": 800},
        color_scheme=scheme,  # type: ignore[arg-type]
        java_script_enabled=js,
    )
    page = context.new_page()
    page.route("**/*", loopback_only)
    return page


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_roster_grid_and_section_page_have_no_axe_violations(
    browser: Browser, hub_url: str, width: int, scheme: str
) -> None:
    page = _page(browser, width, scheme)
    for rel in PAGES:
        page.goto(hub_url + rel)
        violations = run_axe(page)
        assert violations == [], f"{rel} at {width}px ({scheme}):\n{describe(violations)}"
        # Wide tables scroll inside their own focusable region, never the whole page.
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{rel} scrolls sideways at {width}px"
    page.context.close()


def test_grid_filter_hides_rows_in_place_with_javascript(browser: Browser, hub_url: str) -> None:
    page = _page(browser, 1280)
    page.goto(hub_url + "progress/index.html")
    rows = page.locator(".progress-grid tbody tr")
    assert page.locator(".grid-filter").is_visible() and rows.count() == 4
    page.select_option("#filter-status", "drafting")
    assert [rows.nth(i).is_visible() for i in range(4)] == [False, True, True, False]
    assert page.locator(".filter-count").inner_text() == "2 of 4 members shown"
    page.select_option("#filter-mentor", "Ife Adeyemi")
    assert page.locator(".filter-count").inner_text() == "1 of 4 members shown"
    page.keyboard.press("Tab")  # the skip link comes first, the filter stays keyboard-usable
    page.focus("#filter-status")
    page.keyboard.press("Home")
    assert page.locator(".filter-count").inner_text() == "2 of 4 members shown"
    page.context.close()


def test_grid_without_javascript_shows_every_row_and_filter_links(
    browser: Browser, hub_url: str
) -> None:
    page = _page(browser, 390, js=False)
    page.goto(hub_url + "progress/index.html")
    assert not page.locator(".grid-filter").is_visible()
    assert page.locator(".progress-grid tbody tr").count() == 4
    page.get_by_role("link", name="drafting", exact=True).click()
    assert page.url.endswith("progress/status/drafting/index.html")
    assert page.locator(".progress-grid tbody tr").count() == 2
    cell = page.get_by_role("cell", name="1a: written").first
    assert cell.is_visible()
    page.context.close()


SCREENSHOTS = REPO / "docs" / "screenshots"


def test_hub_screenshot_for_the_readme(
    browser: Browser, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The progress grid at 1280 px: into docs/screenshots with CMALTGEN_SCREENSHOTS=1."""
    folder = SCREENSHOTS if os.environ.get("CMALTGEN_SCREENSHOTS") == "1" else tmp_path
    site = _hub(tmp_path_factory.mktemp("shot"), "default")
    with serve(site) as url:
        page = _page(browser, 1280)
        page.goto(url + "progress/index.html")
        target = folder / "cohort-progress-1280-light.png"
        page.screenshot(path=str(target))
        page.context.close()
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_serves_coordinator_table_fits_a_phone(browser: Browser, tmp_path: Path) -> None:
    """`cmaltgen serve` on a hub: its progress page's table (738 px of text) made the whole
    page scroll sideways at 390 px; it now scrolls in a region a keyboard reaches."""
    from cmaltgen.serve.server import PreviewServer
    from tests.browser_support import describe, run_axe

    root = tmp_path / "cohort"
    shutil.copytree(REPO / "example_cohort", root, ignore=shutil.ignore_patterns("_site"))
    server = PreviewServer(root, port=0, port_fixed=True)
    server.start()
    try:
        for scheme in ("light", "dark"):
            page = _page(browser, 390, scheme)
            page.goto(f"http://127.0.0.1:{server.port}/__cmaltgen/progress")
            assert "Rowan Ellery" in page.locator("main").inner_text()
            assert page.evaluate("document.documentElement.scrollWidth") <= 390, scheme
            violations = run_axe(page)
            assert violations == [], describe(violations)
            region = page.get_by_role("region", name="Progress table")
            assert region.evaluate("e => e.scrollWidth > e.clientWidth"), "the table is wider"
            page.keyboard.press("Tab")  # "Back to the preview"
            page.keyboard.press("Tab")
            focused = page.evaluate(
                """() => [document.activeElement.getAttribute('role'),
                          getComputedStyle(document.activeElement).outlineStyle]"""
            )
            assert focused[0] == "region" and focused[1] != "none", focused
            page.context.close()
    finally:
        server.stop()
