"""Built sites in a real browser: axe-core, reflow, keyboard focus, tables, print styles.

Three sites are checked: the example portfolio in the default theme and in the print theme, and
a fresh ``cmaltgen new`` portfolio with one section ready (what a new user sees first).

Needs Debian's Chromium at /usr/bin/chromium, the Python ``playwright`` package (no
``playwright install``: the system browser is used) and ``npm install`` for axe-core.
Without them the module is skipped locally; with the ``CI`` environment variable set it
fails instead, so CI never passes by skipping. Only loopback requests are allowed.

Screenshots are taken on every run; with CMALTGEN_SCREENSHOTS=1 they replace the README's
in docs/screenshots/ (otherwise they go to a temporary folder, so a run leaves the tree clean).
"""

from __future__ import annotations

import itertools
import os
import re
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pytest

from cmaltgen.build import build
from tests.browser_support import (
    AWARDED_NAME,
    AWARDED_SECTION,
    AXE,
    awarded_portfolio,
    describe,
    example_copy,
    fresh_portfolio,
    html_pages,
    require_browser,
    run_axe,
    serve,
)
from tests.conftest import TODAY

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

Scheme = Literal["light", "dark"]

REPO = Path(__file__).resolve().parent.parent
SCREENSHOTS = REPO / "docs" / "screenshots"
# The example portfolio: 11 sections, home, evidence, matrix, confirmation and 404.
EXPECTED_PAGES = 16
# A fresh portfolio with its contextual statement ready: that section and the five fixed pages.
FRESH_PAGES = 6


require_browser()
pytestmark = pytest.mark.slow("browser")


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
def print_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("print")
    result = build(example_copy(folder / "portfolio", "print"), folder / "site", strict=True)
    assert result.ok and not result.diagnostics, result.diagnostics
    assert len(html_pages(folder / "site")) == EXPECTED_PAGES
    return folder / "site"


@pytest.fixture(scope="module")
def print_url(print_site: Path) -> Iterator[str]:
    with serve(print_site) as url:
        yield url


@pytest.fixture(scope="module")
def fresh_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("fresh")
    result = build(fresh_portfolio(folder / "portfolio", TODAY), folder / "site", today=TODAY)
    assert result.ok, result.diagnostics  # only warnings: the sections still in draft
    assert len(html_pages(folder / "site")) == FRESH_PAGES
    return folder / "site"


@pytest.fixture(scope="module")
def fresh_url(fresh_site: Path) -> Iterator[str]:
    with serve(fresh_site) as url:
        yield url


@pytest.fixture(scope="module")
def fresh_print_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("fresh-print")
    portfolio = fresh_portfolio(folder / "portfolio", TODAY, theme="print")
    result = build(portfolio, folder / "site", today=TODAY)
    assert result.ok, result.diagnostics
    assert "print" in (folder / "site" / "assets" / "style.css").read_text("utf-8").lower()
    return folder / "site"


@pytest.fixture(scope="module")
def fresh_print_url(fresh_print_site: Path) -> Iterator[str]:
    with serve(fresh_print_site) as url:
        yield url


@dataclass(frozen=True)
class Served:
    """A built site being served, and the section page to look at first."""

    name: str
    root: Path
    url: str
    section: str

    @property
    def key_pages(self) -> list[str]:
        return ["index.html", self.section, "matrix/index.html"]


# name -> (site fixture, URL fixture, a section page)
SITES = {
    "default": ("site", "base_url", "1a/index.html"),
    "print": ("print_site", "print_url", "1a/index.html"),
    "fresh": ("fresh_site", "fresh_url", "contextual-statement/index.html"),
    "fresh-print": ("fresh_print_site", "fresh_print_url", "contextual-statement/index.html"),
}


def _served(request: pytest.FixtureRequest) -> Served:
    site_fixture, url_fixture, section = SITES[request.param]
    root: Path = request.getfixturevalue(site_fixture)
    url: str = request.getfixturevalue(url_fixture)
    return Served(request.param, root, url, section)


@pytest.fixture(scope="module", params=list(SITES))
def served(request: pytest.FixtureRequest) -> Served:
    """Each site in turn: the example in both themes and a fresh portfolio."""
    return _served(request)


@pytest.fixture(scope="module", params=["default", "print"])
def example_served(request: pytest.FixtureRequest) -> Served:
    """The example portfolio in each theme."""
    return _served(request)


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


def test_axe_finds_no_violations_on_any_page(browser: Browser, served: Served) -> None:
    """Every page, light then dark: switching the scheme in place saves loading each page
    twice, and axe is preloaded rather than injected into every page."""
    page, blocked = open_page(browser, served.root, 1280)
    page.add_init_script(path=str(AXE))
    report = []
    for rel in html_pages(served.root):
        page.goto(served.url + rel)
        for scheme in ("light", "dark"):
            page.emulate_media(color_scheme=scheme)
            dark = page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches")
            assert dark == (scheme == "dark")
            violations = run_axe(page)
            if violations:
                report.append(f"{served.name} {rel} ({scheme}):\n{describe(violations)}")
        page.emulate_media(color_scheme="light")
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


def test_no_page_scrolls_sideways_at_320px(browser: Browser, served: Served) -> None:
    page, _ = open_page(browser, served.root, 320)
    wide = {}
    for rel in html_pages(served.root):
        page.goto(served.url + rel)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            wide[rel] = width
    page.close()
    assert wide == {}


def test_headings_one_h1_and_no_skipped_levels(browser: Browser, served: Served) -> None:
    page, _ = open_page(browser, served.root, 1280)
    problems = []
    for rel in html_pages(served.root):
        page.goto(served.url + rel)
        levels: list[int] = page.eval_on_selector_all(
            "h1, h2, h3, h4, h5, h6", "hs => hs.map(h => Number(h.tagName[1]))"
        )
        if levels.count(1) != 1 or levels[0] != 1:
            problems.append(f"{rel}: headings {levels} need exactly one h1, first")
        skips = [(a, b) for a, b in itertools.pairwise(levels) if b > a + 1]
        if skips:
            problems.append(f"{rel}: heading levels skip {skips}")
    page.close()
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
def test_first_tab_shows_the_skip_link_and_it_moves_focus_to_main(
    browser: Browser, served: Served, width: int
) -> None:
    page, _ = open_page(browser, served.root, width)
    for rel in served.key_pages:
        page.goto(served.url + rel)
        page.keyboard.press("Tab")
        link = _focused(page)
        where = f"{served.name} {rel}"
        assert (link["cls"], link["href"], link["text"]) == (
            "skip-link",
            "#main",
            "Skip to main content",
        ), where
        assert link["visible"] and link["outline"] != "none" and link["outlineWidth"] >= 2, where
        assert link["top"] >= 0 and link["left"] >= 0, f"{where}: the skip link is off screen"
        assert link["bottom"] <= 800 and link["right"] <= width, where
        page.keyboard.press("Enter")
        assert _focused(page)["id"] == "main", where
    page.close()


def test_every_focus_stop_has_a_visible_outline(browser: Browser, example_served: Served) -> None:
    desktop, _ = open_page(browser, example_served.root, 1280)
    desktop.goto(example_served.url + "1a/index.html")
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
    desktop.close()


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


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    """Where screenshots go: the README's folder only when asked for (CMALTGEN_SCREENSHOTS=1)."""
    folder = SCREENSHOTS if os.environ.get("CMALTGEN_SCREENSHOTS") == "1" else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_screenshots_for_the_readme(
    browser: Browser, site: Path, base_url: str, scheme: Scheme, shots: Path
) -> None:
    for width, height in ((390, 844), (1280, 800)):
        page = browser.new_page(viewport={"width": width, "height": height}, color_scheme=scheme)
        page.route("**/*", Blocked(site))
        for name, rel in (("home", "index.html"), ("1a", "1a/index.html")):
            page.goto(base_url + rel)
            target = shots / f"{name}-{width}-{scheme}.png"
            page.screenshot(path=str(target))
            assert _png_size(target) == (width, height)
        page.close()


def test_print_theme_screenshot(
    browser: Browser, print_site: Path, print_url: str, shots: Path
) -> None:
    page, _ = open_page(browser, print_site, 1280)
    page.goto(print_url + "1a/index.html")
    target = shots / "print-1a-1280-light.png"
    page.screenshot(path=str(target))
    page.close()
    assert _png_size(target) == (1280, 800)


# ------------------------------------------------------------------------------ print


def test_printing_hides_navigation_and_writes_out_external_addresses(
    browser: Browser, example_served: Served
) -> None:
    page, _ = open_page(browser, example_served.root, 1280)
    page.emulate_media(media="print")
    page.goto(example_served.url + "1a/index.html")
    navs = page.eval_on_selector_all("nav", "ns => ns.map(n => getComputedStyle(n).display)")
    assert navs and set(navs) == {"none"}, navs
    skip = page.eval_on_selector(".skip-link", "a => getComputedStyle(a).display")
    assert skip == "none"
    external = page.locator('.evidence-open a[href^="http"]').first
    href = external.get_attribute("href")
    after = external.evaluate("a => getComputedStyle(a, '::after').content")
    assert href and "http" in after and href in after, after
    page.close()


def test_print_theme_breaks_pages_and_gives_each_page_its_address(
    browser: Browser, print_site: Path, print_url: str
) -> None:
    page, _ = open_page(browser, print_site, 1280)
    page.emulate_media(media="print")
    page.goto(print_url + "1a/index.html")
    breaks = page.eval_on_selector(".section > .evidence", "e => getComputedStyle(e).breakBefore")
    assert breaks == "page"
    address = page.locator(".site-footer .print-only")
    assert address.is_visible()
    assert address.inner_text() == (
        "This page online: https://example.github.io/cmalt-portfolio/1a/"
    )
    page.emulate_media(media="screen")
    assert not address.is_visible(), "the address is for paper only"
    page.close()


def test_print_theme_is_one_serif_column_with_the_contents_on_top(
    browser: Browser, print_site: Path, print_url: str
) -> None:
    page, _ = open_page(browser, print_site, 1280)
    page.goto(print_url + "1a/index.html")
    assert page.locator(".site-nav").count() == 0
    # Its one script only marks the heading being read in "On this page".
    assert page.locator("script").evaluate_all("ss => ss.map(s => s.src.split('/').pop())") == [
        "on-this-page.js"
    ]
    contents = page.get_by_role("navigation", name="Portfolio sections")
    assert contents.get_by_role("link").count() == 15  # home, 11 sections, 3 fixed pages
    # A numbered area shows just its id; its full title is in the link's name.
    current = contents.get_by_role(
        "link", name="1a Understanding the constraints and benefits of different technologies"
    )
    assert current.get_attribute("aria-current") == "page"
    box = current.bounding_box()
    assert box and box["width"] < 40, "only the id shows"
    nav_box, main_box = contents.bounding_box(), page.locator("main").bounding_box()
    assert nav_box and main_box and nav_box["y"] + nav_box["height"] <= main_box["y"]
    assert abs(nav_box["x"] - main_box["x"]) < 1, "one column: contents and text line up"
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert font.endswith("serif") and "sans" not in font.split(",")[-1]
    page.close()


# ------------------------------------------------------------------- as an assessor reads it
# A portfolio with a photo, an award, a long hyphenated name, ### headings and a footnote, in
# each theme, at a desktop and a phone width, in light and dark.

WIDTHS = (1280, 390)


@pytest.fixture(scope="module", params=["default", "print"])
def awarded(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp(f"awarded-{request.param}")
    portfolio = awarded_portfolio(folder / "portfolio", request.param)
    result = build(portfolio, folder / "site", strict=True, today=TODAY)
    assert result.ok and not result.diagnostics, [d.format() for d in result.diagnostics]
    with serve(folder / "site") as url:
        yield Served(request.param, folder / "site", url, AWARDED_SECTION)


_NAME_LINES = """h1 => {
    // Each character's box, in reading order; a new line starts where a box sits lower.
    const chars = [];
    const walker = document.createTreeWalker(h1, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (let i = 0; i < node.length; i++) {
            const range = document.createRange();
            range.setStart(node, i);
            range.setEnd(node, i + 1);
            const rects = [...range.getClientRects()].filter(r => r.width > 0);
            chars.push({c: node.data[i], top: rects.length ? rects[0].top : null});
        }
    }
    const lines = [];
    let line = "", top = null;
    for (const {c, top: t} of chars) {
        if (t !== null && top !== null && t > top + 4) { lines.push(line); line = ""; }
        if (t !== null) top = t;
        line += c;
    }
    lines.push(line);
    return lines;
}"""


def _name_lines(page: Page) -> list[str]:
    lines: list[str] = page.locator("main h1").evaluate(_NAME_LINES)
    return lines


def _assert_breaks_only_at_spaces(lines: list[str], name: str, where: str) -> None:
    assert "".join(lines) == name, where
    for before, after in itertools.pairwise(lines):
        assert before.endswith(" ") or after.startswith(" "), f"{where}: {lines}"


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", WIDTHS)
def test_home_and_section_pages_as_an_assessor_sees_them(
    browser: Browser, awarded: Served, width: int, scheme: Scheme
) -> None:
    page, blocked = open_page(browser, awarded.root, width, scheme)
    where = f"{awarded.name} {width} {scheme}"
    page.goto(awarded.url + "index.html")
    violations = run_axe(page)
    assert not violations, f"{where} home:\n{describe(violations)}"
    # The name once, as the h1, broken (if at all) only between words.
    assert page.locator("main h1").inner_text().split() == AWARDED_NAME.split()
    assert page.locator("body").inner_text().count(AWARDED_NAME) == 1, where
    _assert_breaks_only_at_spaces(_name_lines(page), AWARDED_NAME, where)
    photo = page.locator("img.home-photo")
    assert photo.get_attribute("alt") == "A smiling person in a blue jumper"
    assert photo.evaluate("img => img.complete && img.naturalWidth") == 240
    assert photo.is_visible()
    award = page.locator("main .award")
    assert award.inner_text().strip().endswith("Senior CMALT awarded October 2026"), where
    assert award.is_visible()
    assert page.locator(".site-footer").inner_text().count("Senior CMALT awarded October 2026") == 1

    page.goto(awarded.url + awarded.section)
    violations = run_axe(page)
    assert not violations, f"{where} section:\n{describe(violations)}"
    contents = page.get_by_role("navigation", name="On this page")
    assert contents.get_by_role("link").count() == 5
    assert contents.is_visible()
    notes = page.get_by_role("heading", name="Notes", exact=True)
    assert notes.count() == 1 and notes.evaluate("h => h.tagName") == "H2"
    page.close()
    assert blocked.urls == [], "pages must not load anything from the internet"


@pytest.mark.parametrize("width", WIDTHS)
def test_on_this_page_marks_the_heading_being_read(
    browser: Browser, awarded: Served, width: int
) -> None:
    page, _ = open_page(browser, awarded.root, width)
    page.goto(awarded.url + awarded.section)
    contents = page.get_by_role("navigation", name="On this page")
    current = 'nav.on-this-page a[aria-current="location"]'
    page.wait_for_function(f"document.querySelector('{current}') !== null")
    assert page.locator(current).get_attribute("href") == "#description"
    for anchor in ("the-second-term", "reflection", "the-first-term"):
        page.locator(f"#{anchor}").evaluate("h => h.scrollIntoView({block: 'start'})")
        page.wait_for_function(
            f"document.querySelector('{current}')?.getAttribute('href') === '#{anchor}'"
        )
        marked = contents.locator('[aria-current="location"]')
        assert marked.count() == 1
        # Not colour alone: the current link is bold and has a bar beside it.
        style = marked.evaluate(
            "a => [getComputedStyle(a).fontWeight, getComputedStyle(a).borderLeftWidth]"
        )
        assert int(style[0]) >= 700 and float(style[1].removesuffix("px")) >= 2, style
    # At the very end of the page the last entry is current.
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    page.wait_for_function(
        f"document.querySelector('{current}')?.getAttribute('href') === '#evidence-heading'"
    )
    page.close()


def test_on_this_page_is_a_sticky_column_on_wide_screens_and_above_the_text_on_phones(
    browser: Browser, awarded: Served
) -> None:
    wide, _ = open_page(browser, awarded.root, 1280)
    wide.goto(awarded.url + awarded.section)
    contents = wide.get_by_role("navigation", name="On this page")
    box, prose = contents.bounding_box(), wide.locator(".prose").bounding_box()
    assert box and prose
    if awarded.name == "default":
        assert box["x"] >= prose["x"] + prose["width"], "beside the text, on its right"
        wide.locator("#reflection").evaluate("h => h.scrollIntoView({block: 'start'})")
        after = contents.bounding_box()
        assert after and 0 <= after["y"] < 800, "it stays in view as the page scrolls"
    else:
        assert box["y"] + box["height"] <= prose["y"], "the print theme keeps one column"
    wide.close()
    phone, _ = open_page(browser, awarded.root, 390)
    phone.goto(awarded.url + awarded.section)
    contents = phone.get_by_role("navigation", name="On this page")
    box, prose = contents.bounding_box(), phone.locator(".prose").bounding_box()
    assert box and prose and box["y"] + box["height"] <= prose["y"], "above the text"
    assert box["width"] <= 390
    phone.close()


def test_on_this_page_works_without_javascript(browser: Browser, awarded: Served) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 800})
    context.route("**/*", Blocked(awarded.root))
    page = context.new_page()
    page.goto(awarded.url + awarded.section)
    links = page.get_by_role("navigation", name="On this page").get_by_role("link")
    assert links.count() == 5
    assert page.locator("[aria-current='location']").count() == 0
    links.nth(3).click()
    assert page.url.endswith("#reflection")
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_example_home_names_the_candidate_once(
    browser: Browser, example_served: Served, width: int
) -> None:
    page, _ = open_page(browser, example_served.root, width)
    page.goto(example_served.url + "index.html")
    assert page.locator("main h1").inner_text() == "Rowan Ellery"
    assert page.locator("body").inner_text().count("Rowan Ellery") == 1
    assert _name_lines(page) == ["Rowan Ellery"], "one line, even on a phone"
    assert page.locator("img.home-photo").get_attribute("alt")
    page.close()
