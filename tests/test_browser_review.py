"""The review example in a real browser: the CPD table sorts by keyboard, axe finds nothing.

Same requirements as tests/test_browser.py (Debian's Chromium, the playwright package, npm's
axe-core); skipped locally without them, failing in CI. Only loopback requests are allowed.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from cmaltgen.build import build
from tests.browser_support import (
    describe,
    html_pages,
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


@pytest.fixture(scope="module", params=["default", "print"])
def review(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Path, str]]:
    root = tmp_path_factory.mktemp(f"review-{request.param}") / "review"
    shutil.copytree(REPO / "example_review", root, ignore=shutil.ignore_patterns("_site"))
    config = root / "portfolio.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("site:\n", f"site:\n  theme: {request.param}\n", 1), "utf-8")
    result = build(root, root.parent / "site", today=TODAY, strict=True)
    assert result.ok
    with serve(result.output) as url:
        yield result.output, url


def _open(browser: Browser, width: int) -> Page:
    page = browser.new_page(viewport={"width": width, "height": 800})
    page.route("**/*", loopback_only)
    return page


def _column(page: Page, index: int) -> list[str]:
    values: list[str] = page.eval_on_selector_all(
        "table.cpd-table tbody tr",
        "(rows, i) => rows.map(r => r.cells[i].dataset.value ?? r.cells[i].textContent.trim())",
        index,
    )
    return values


def _sort_state(page: Page) -> dict[str, str | None]:
    state: dict[str, str | None] = page.eval_on_selector_all(
        "table.cpd-table thead th",
        "ths => Object.fromEntries(ths.map(th => [th.textContent.replace(/[▲▼]/g, '').trim(),"
        " th.getAttribute('aria-sort')]))",
    )
    return state


@pytest.mark.parametrize("width", [390, 1280])
def test_cpd_table_sorts_by_keyboard(
    browser: Browser, review: tuple[Path, str], width: int
) -> None:
    review_url = review[1]
    page = _open(browser, width)
    page.goto(review_url + "cpd-record/index.html")
    dates = _column(page, 0)
    assert dates == sorted(dates) and len(dates) == 11
    assert _sort_state(page)["Date"] == "ascending"
    buttons = page.locator("table.cpd-table thead button")
    assert buttons.count() == 4  # date, activity, type, hours; evidence and reflection are not
    # Tab to the Hours button: focus lands on each header button in turn
    hours = page.locator("table.cpd-table thead th", has_text="Hours").locator("button")
    hours.focus()
    assert page.evaluate("document.activeElement.textContent").startswith("Hours")
    page.keyboard.press("Enter")
    numbers = [float(v) for v in _column(page, 3)]
    assert numbers == sorted(numbers)
    assert _sort_state(page) == {
        "Date": None,
        "Activity": None,
        "Type": None,
        "Hours": "ascending",
        "Evidence": None,
        "Reflection": None,
    }
    assert "sorted by hours, ascending" in page.inner_text("table.cpd-table caption")
    page.keyboard.press("Space")
    numbers = [float(v) for v in _column(page, 3)]
    assert numbers == sorted(numbers, reverse=True) and numbers[0] == 40
    assert _sort_state(page)["Hours"] == "descending"
    assert "sorted by hours, descending" in page.inner_text("table.cpd-table caption")
    # Shift+Tab goes back to Type; Enter sorts by it
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    types = _column(page, 2)
    assert types == sorted(types, key=str.lower) and _sort_state(page)["Type"] == "ascending"
    focus = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, s.outlineWidth]; }"
    )
    assert focus[0] != "none" and focus[1] != "0px"
    violations = run_axe(page)
    page.close()
    assert not violations, describe(violations)


@pytest.mark.parametrize("width", [390, 1280])
def test_axe_finds_nothing_on_the_review(
    browser: Browser, review: tuple[Path, str], width: int
) -> None:
    root, review_url = review
    page = _open(browser, width)
    report = []
    pages = html_pages(root)
    assert "cpd-record/index.html" in pages and len(pages) == 10  # 5 sections, 5 fixed
    for rel in pages:
        page.goto(review_url + rel)
        violations = run_axe(page)
        if violations:
            report.append(f"{rel} at {width}px:\n{describe(violations)}")
        wide = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        assert not wide, f"{rel} scrolls sideways at {width}px"
    page.close()
    assert not report, "\n".join(report)


def test_without_javascript_the_table_is_plain_and_sorted_by_date(
    browser: Browser, review: tuple[Path, str]
) -> None:
    review_url = review[1]
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 800})
    page = context.new_page()
    page.route("**/*", loopback_only)
    page.goto(review_url + "cpd-record/index.html")
    assert page.locator("table.cpd-table thead button").count() == 0
    assert page.inner_text("table.cpd-table caption") == "11 activities, oldest first"
    dates = page.eval_on_selector_all(
        "table.cpd-table tbody tr", "rows => rows.map(r => r.cells[0].dataset.value)"
    )
    assert dates == sorted(dates)
    context.close()
