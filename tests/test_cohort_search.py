"""The cohort hub's search (Pagefind, built at ``cohort build`` time).

A small cohort on disk with a distinctive word in each place that matters: a listed member's
public section, the same member's assessors-only and draft sections, an unlisted member, a
member without a web address of their own and a plain entry. The index is read back from the
built bundle (Pagefind's gzip files), and the search page is driven in headless Chromium,
served by a loopback HTTP server under a sub-path (/hub/), as GitHub Pages serves a project.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from cmaltgen.cohort import indexer, search
from cmaltgen.cohort.build import CohortResult, build_cohort
from cmaltgen.cohort.memo import Memo
from tests.browser_support import describe, run_axe, serve
from tests.conftest import (
    HUB_TEMPLATES,
    PORTFOLIO_YML,
    TODAY,
    NuChecker,
    reflection,
    valid_files,
    write_files,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

# One word per place; each occurs nowhere else in the cohort.
PUBLIC_WORD = "zephyrquill"  # Alice's public 1a
SECOND_WORD = "halcyonbrick"  # Carol's public 1b (Carol's portfolio has no web address)
ASSESSORS_WORD = "mandragorix"  # Alice's assessors-only 2a
DRAFT_WORD = "gloamwhistle"  # Alice's draft 3a
UNLISTED_WORD = "quorvantide"  # Bob's 1a; Bob is listed: false
PLAIN_WORD = "tapestrylore"  # the plain entry's specialist area
MARKUP_WORD = "xylofrond"  # the specialist area of a plain entry whose name holds markup
MARKUP_NAME = "Eve <b>Bold</b> & <img src=x onerror=alert(1)>"

COHORT_YML = """\
name: Search test cohort
site:
  title: Search test hub
  language: en-GB
{theme}members:
  - path: members/alice
  - path: members/bob
    listed: false
  - path: members/carol
  - name: Dev Plain
    url: https://dev-plain.example.org/
    pathway: cmalt
    status: drafting
    specialist: [{plain}]
  - name: '{markup_name}'
    url: https://eve.example.org/
    pathway: cmalt
    status: started
    specialist: [{markup}]
"""


def _body(word: str) -> str:
    return (
        f"## Description\n\nI ran a {word} pilot with two course teams and kept notes.\n\n"
        "## Reflection\n\nI learned to plan the support before the roll-out.\n"
    )


def _portfolio(name: str, base_url: str | None) -> dict[str, str | bytes | None]:
    files: dict[str, str | bytes | None] = dict(valid_files())
    config = PORTFOLIO_YML.replace("Sam Tester", name)
    if base_url is None:
        config = config.replace("  base_url: https://sam.example.org/cmalt/\n", "")
    else:
        config = config.replace("https://sam.example.org/cmalt/", base_url)
    files["portfolio.yml"] = config
    return files


def make_search_cohort(root: Path, theme: str = "default") -> Path:
    alice = _portfolio("Alice Aster", "https://alice.example.org/cmalt/")
    alice["1a/reflection.md"] = reflection("1a", body=_body(PUBLIC_WORD))
    alice["2a/reflection.md"] = reflection(
        "2a", extra_front="visibility: assessors\n", body=_body(ASSESSORS_WORD)
    )
    alice["3a/reflection.md"] = reflection(
        "3a", extra_front="draft: true\n", body=_body(DRAFT_WORD)
    )
    bob = _portfolio("Bob Birch", "https://bob.example.org/cmalt/")
    bob["1a/reflection.md"] = reflection("1a", body=_body(UNLISTED_WORD))
    carol = _portfolio("Carol Cedar", None)
    carol["1b/reflection.md"] = reflection("1b", body=_body(SECOND_WORD))
    root.mkdir(parents=True, exist_ok=True)
    theme_line = f"  theme: {theme}\n" if theme != "default" else ""
    (root / "cohort.yml").write_text(
        COHORT_YML.format(
            theme=theme_line,
            plain=PLAIN_WORD.capitalize(),
            markup=MARKUP_WORD.capitalize(),
            markup_name=MARKUP_NAME,
        ),
        "utf-8",
    )
    for folder, files in (("alice", alice), ("bob", bob), ("carol", carol)):
        write_files(root / "members" / folder, files)
    return root


def build(root: Path, out: Path, **kwargs: Any) -> CohortResult:
    kwargs.setdefault("templates", HUB_TEMPLATES)
    return build_cohort(root, out, today=TODAY, **kwargs)


def index_text(site: Path) -> str:
    """Every word the built index holds: its gzip files decompressed, as text."""
    bundle = site / search.BUNDLE
    parts = []
    for path in sorted(bundle.rglob("*")):
        if path.suffix in (".pf_fragment", ".pf_index", ".pf_meta", ".pf_filter"):
            parts.append(gzip.decompress(path.read_bytes()).decode("utf-8", "replace"))
    return "\n".join(parts)


def fragments(site: Path) -> list[dict[str, Any]]:
    """Each indexed page's record (url, meta, content), from the bundle's fragment files."""
    found = []
    for path in sorted((site / search.BUNDLE / "fragment").glob("*.pf_fragment")):
        raw = gzip.decompress(path.read_bytes())
        assert raw.startswith(b"pagefind_dcd"), path
        found.append(json.loads(raw[len(b"pagefind_dcd") :]))
    return found


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test cohort's hub, at www/hub/ so it can be served under the /hub/ sub-path."""
    folder = tmp_path_factory.mktemp("search")
    root = make_search_cohort(folder / "cohort")
    result = build(root, folder / "www" / "hub")
    assert result.ok and result.written, [d.format() for d in result.diagnostics]
    assert not [d for d in result.diagnostics if d.code == "cohort-search-unavailable"]
    return folder / "www" / "hub"


# ---------------------------------------------------------------------------- the index


def test_index_holds_listed_members_public_sections_only(built: Path) -> None:
    text = index_text(built).lower()
    for word in (PUBLIC_WORD, SECOND_WORD, PLAIN_WORD):
        assert word in text, word
    for word in (ASSESSORS_WORD, DRAFT_WORD, UNLISTED_WORD, "bob birch"):
        assert word not in text, f"{word} reached the search index"


def test_each_member_section_record_names_its_member_section_and_target(built: Path) -> None:
    records = {
        f["meta"].get("title", ""): f for f in fragments(built) if f["url"].startswith("/_records/")
    }
    alice = next(f for t, f in records.items() if t.startswith("Alice Aster: 1a "))
    assert alice["meta"]["url"] == "https://alice.example.org/cmalt/1a/"
    assert alice["meta"]["member"] == "Alice Aster"
    assert PUBLIC_WORD in alice["content"]
    # Carol's portfolio has no web address: her 1b leads to the hub's own 1b page.
    carol = next(f for t, f in records.items() if t.startswith("Carol Cedar: 1b"))
    assert carol["meta"]["url"] == "sections/1b/index.html"
    plain = records["Dev Plain"]
    assert plain["meta"]["url"] == "https://dev-plain.example.org/"
    # No record for Alice's 2a (assessors only) or 3a (draft), none at all for Bob.
    assert not [t for t in records if t.startswith(("Alice Aster: 2a", "Alice Aster: 3a"))]
    assert not [t for t in records if "Bob" in t]
    # The hub's own pages are indexed under their own paths; the search page is not.
    urls = {f["url"] for f in fragments(built)}
    assert {"/", "/sections/1a/"} <= urls
    assert "/search/" not in urls


def test_search_page_is_linked_from_every_page_and_lists_sections_without_javascript(
    built: Path,
) -> None:
    page = (built / "search" / "index.html").read_text("utf-8")
    assert 'role="search"' in page and '<label for="hub-search-words">' in page
    assert 'role="status"' in page and "<noscript>" in page
    assert 'src="../assets/cohort-search.js"' in page and 'data-root="../index.html"' in page
    assert 'href="../sections/1a/index.html"' in page  # the fallback list of section pages
    assert (built / "assets" / "cohort-search.js").is_file()
    assert (built / "pagefind" / "pagefind.js").is_file()
    assert not list((built / "pagefind").glob("pagefind*ui*"))  # Pagefind's own UI: not used
    for rel in ("index.html", "sections/1a/index.html", "progress/index.html"):
        html = (built / rel).read_text("utf-8")
        assert re.search(r'<a href="(\.\./)*search/index\.html"[^>]*>Search</a>', html), rel


def test_section_pages_are_indexed_without_their_list_of_members(built: Path) -> None:
    """A section page is found by its guidance; a member's name finds the member's sections."""
    page = next(f for f in fragments(built) if f["url"] == "/sections/1a/")
    assert "What the guidance asks" in page["content"]
    assert "Alice Aster" not in page["content"] and "Carol Cedar" not in page["content"]
    html = (built / "sections" / "1a" / "index.html").read_text("utf-8")
    assert '<ul class="versions" data-pagefind-ignore>' in html and "Alice Aster" in html


@pytest.fixture(scope="module", params=[1, 3])
def built_in_parts(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, int]:
    """The test cohort (four listed members) indexed as a large one is: in groups of 1 (a
    part each) or 3 (a part of three, then the last member's part); the hub's pages apart."""
    folder = tmp_path_factory.mktemp(f"parts-{request.param}")
    root = make_search_cohort(folder / "cohort")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(indexer, "GROUP_MIN", request.param)
        patch.setattr(indexer, "GROUPS", 100)
        result = build(root, folder / "www" / "hub")
    assert result.ok and result.written, [d.format() for d in result.diagnostics]
    return folder / "www" / "hub", request.param


def test_a_large_cohort_is_indexed_in_parts_the_search_page_merges(
    built_in_parts: tuple[Path, int],
) -> None:
    hub, group = built_in_parts
    bundle = hub / search.BUNDLE
    parts = sorted(p.name for p in bundle.glob("part-*"))
    assert parts == {1: ["part-1", "part-2", "part-3", "part-4"], 3: ["part-1", "part-2"]}[group]
    for part in parts:
        assert (bundle / part / "pagefind-entry.json").is_file()
        assert not (bundle / part / "pagefind-ui.js").exists()
    page = (hub / "search" / "index.html").read_text("utf-8")
    names = " ".join(f"pagefind/{p}/" for p in parts)
    assert f'data-parts="{names}"' in page
    # The records are in the parts; the main bundle holds the hub's own pages.
    urls = {f["url"] for f in fragments(hub)}
    assert "/" in urls and "/sections/1a/" in urls
    assert not [u for u in urls if u.startswith("/_records/")]
    text = index_text(hub).lower()
    for word in (PUBLIC_WORD, SECOND_WORD, PLAIN_WORD):
        assert word in text, word
    for word in (ASSESSORS_WORD, DRAFT_WORD, UNLISTED_WORD, "bob birch"):
        assert word not in text, f"{word} reached the search index"


def test_example_cohort_builds_its_search_index_offline_too(tmp_path: Path) -> None:
    from tests.conftest import REPO

    out = tmp_path / "site"
    result = build_cohort(REPO / "example_cohort", out, strict=True, offline=True, today=TODAY)
    assert result.ok, [d.format() for d in result.diagnostics]
    text = index_text(out).lower()
    assert "rowan ellery" in text and "priya natarajan" in text
    assert "jo baxter" not in text and "careers adviser" not in text  # the unlisted member


def test_search_pages_pass_the_nu_html_checker(
    built: Path, tmp_path: Path, nu_checker: NuChecker
) -> None:
    without = tmp_path / "without"
    _failing_build(tmp_path, without, None)
    pages = [built / "search" / "index.html", without / "search" / "index.html"]
    messages = nu_checker(*pages)
    assert messages == [], json.dumps(messages, indent=1)[:3000]


# ---------------------------------------------------------------------------- failures


def _failing_build(folder: Path, out: Path, binary: Path | None, **kwargs: Any) -> CohortResult:
    root = make_search_cohort(folder / "cohort-fail")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search, "pagefind_binary", lambda: binary)
        return build(root, out, **kwargs)


def _warning(result: CohortResult) -> Any:
    found = [d for d in result.diagnostics if d.code == "cohort-search-unavailable"]
    assert len(found) == 1, [d.format() for d in result.diagnostics]
    return found[0]


def test_missing_pagefind_is_a_located_warning_and_a_hub_without_search(tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = _failing_build(tmp_path, out, None)
    assert result.ok and result.written
    warning = _warning(result)
    assert not warning.is_error
    assert warning.path is not None and Path(warning.path).name == "cohort.yml"
    assert warning.line == 3  # site:, in cohort.yml
    assert "Pagefind program was not found" in warning.message
    assert "pip install" in warning.message
    formatted = warning.format()
    assert "cohort.yml:3:" in formatted and "cohort-search-unavailable" in formatted
    assert not (out / "pagefind").exists()
    page = (out / "search" / "index.html").read_text("utf-8")
    assert "Search is not available on this copy of the hub" in page
    assert "cohort-search.js" not in page and 'role="search"' not in page
    assert 'href="../sections/1a/index.html"' in page
    assert (out / "index.html").is_file() and (out / "sections" / "1a" / "index.html").is_file()


def test_crashing_pagefind_names_its_exit_status_and_what_it_said(tmp_path: Path) -> None:
    fake = tmp_path / "pagefind"
    fake.write_text("#!/bin/sh\necho 'index exploded: out of cheese' >&2\nexit 3\n", "utf-8")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    out = tmp_path / "site"
    result = _failing_build(tmp_path, out, fake)
    assert result.written
    warning = _warning(result)
    assert "exit status 3" in warning.message and "out of cheese" in warning.message
    assert not (out / "pagefind").exists()
    assert "Search is not available" in (out / "search" / "index.html").read_text("utf-8")


def test_pagefind_crashing_on_an_early_part_is_one_warning(tmp_path: Path) -> None:
    fake = tmp_path / "pagefind"
    fake.write_text("#!/bin/sh\necho 'part exploded' >&2\nexit 4\n", "utf-8")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    out = tmp_path / "site"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(indexer, "GROUP_MIN", 1)
        result = _failing_build(tmp_path, out, fake)
    assert result.written
    warning = _warning(result)
    assert "exit status 4" in warning.message and "part exploded" in warning.message
    assert not (out / "pagefind").exists()
    assert "Search is not available" in (out / "search" / "index.html").read_text("utf-8")


@pytest.mark.slow("timeout")
def test_pagefind_that_hangs_is_stopped_at_its_deadline(tmp_path: Path) -> None:
    fake = tmp_path / "pagefind"
    fake.write_text(f"#!/bin/sh\necho $$ > {tmp_path / 'pid'}\nexec sleep 600\n", "utf-8")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(indexer, "TIMEOUT", 0.5)
        result = _failing_build(tmp_path, tmp_path / "site", fake)
    assert result.written
    assert "did not finish within 0.5 seconds" in _warning(result).message
    with pytest.raises(ProcessLookupError):  # stopped, not left running
        os.kill(int((tmp_path / "pid").read_text()), 0)


def test_pagefind_that_cannot_start_is_a_warning_too(tmp_path: Path) -> None:
    not_a_program = tmp_path / "pagefind.txt"
    not_a_program.write_text("not a program", "utf-8")  # not executable
    result = _failing_build(tmp_path, tmp_path / "site", not_a_program)
    assert "could not be started" in _warning(result).message


def test_strict_build_fails_on_missing_search_and_keeps_the_last_good_hub(
    tmp_path: Path,
) -> None:
    out = tmp_path / "site"
    root = make_search_cohort(tmp_path / "cohort-fail")
    assert build(root, out, strict=True).written
    before = (out / "pagefind" / "pagefind.js").read_bytes()
    result = _failing_build(tmp_path, out, None, strict=True)
    assert not result.ok and not result.written
    assert (out / "pagefind" / "pagefind.js").read_bytes() == before


# ---------------------------------------------------------------------------- serve


def _bundle(result: CohortResult) -> dict[str, bytes]:
    assert result.rendered is not None
    return {k: v for k, v in result.rendered.pages.items() if k.startswith(search.BUNDLE + "/")}


def test_serve_rebuild_reads_and_indexes_only_what_changed(tmp_path: Path) -> None:
    """What `cmaltgen serve` does on a save: one memo, kept from build to build."""
    root = make_search_cohort(tmp_path / "cohort")
    memo = Memo()
    first = build(root, None, write=False, memo=memo)
    assert first.ok and memo.members.read == 3 and memo.search.runs == 1
    # Nothing changed (cohort.yml saved as it was): no member read, no Pagefind run.
    again = build(root, None, write=False, memo=memo)
    assert memo.members.read == 3 and memo.search.runs == 1
    assert _bundle(again) == _bundle(first) and _bundle(first)
    # A member's section changed: that member is read again and the index rebuilt.
    alice = root / "members" / "alice" / "1a" / "reflection.md"
    alice.write_text(alice.read_text("utf-8").replace(PUBLIC_WORD, "brandnewword"), "utf-8")
    changed = build(root, tmp_path / "site", memo=memo)
    assert changed.ok and memo.members.read == 4 and memo.search.runs == 2
    text = index_text(tmp_path / "site").lower()
    assert "brandnewword" in text and PUBLIC_WORD not in text
    # The coordinator's own files: a new event changes the events page, so the index again.
    config = root / "cohort.yml"
    config.write_text(
        config.read_text("utf-8") + "events:\n  - title: Writing retreat\n    date: 2026-12-05\n",
        "utf-8",
    )
    build(root, tmp_path / "site", memo=memo)
    assert memo.members.read == 4 and memo.search.runs == 3
    assert "writing retreat" in index_text(tmp_path / "site").lower()


# ---------------------------------------------------------------------------- in Chromium


@pytest.fixture(scope="module")
def hub_url(built: Path) -> Iterator[str]:
    with serve(built.parent) as url:  # the hub is at /hub/, as on GitHub Pages
        yield url + "hub/"


MEMBER_PAGE = "<!DOCTYPE html><html lang='en'><title>A member's page</title><h1>Member</h1></html>"


def _route(route: Any) -> None:
    """Loopback passes; a member's own site (example.org) answers with a stand-in page, so a
    followed result link lands somewhere without leaving this machine; the rest is refused."""
    url: str = route.request.url
    if url.startswith(("http://127.0.0.1:", "data:", "about:", "file:")):
        route.continue_()
    elif re.match(r"https://[a-z-]+\.example\.org/", url):
        route.fulfill(status=200, content_type="text/html", body=MEMBER_PAGE)
    else:
        route.abort()


def _page(browser: Browser, width: int = 1280, scheme: str = "light") -> Page:
    context = browser.new_context(
        viewport={"width": width, "height": 800},
        color_scheme=scheme,  # type: ignore[arg-type]
    )
    page = context.new_page()
    page.route("**/*", _route)
    return page


def _search(page: Page, words: str) -> None:
    page.fill("#hub-search-words", words)
    page.press("#hub-search-words", "Enter")


def test_chromium_search_finds_the_member_section_under_a_subpath(
    browser: Browser, hub_url: str
) -> None:
    page = _page(browser)
    page.goto(hub_url + "search/index.html")
    _search(page, PUBLIC_WORD)
    status = page.locator("#hub-search-status")
    status.filter(has_text="1 result").wait_for()
    assert status.inner_text() == f"1 result for “{PUBLIC_WORD}”."
    assert status.get_attribute("role") == "status"
    links = page.locator("#hub-search-results li a")
    assert links.count() == 1
    assert links.first.get_attribute("href") == "https://alice.example.org/cmalt/1a/"
    assert links.first.inner_text().startswith("Alice Aster: 1a")
    where = page.locator("#hub-search-results .result-where").first.inner_text()
    assert where == "Alice Aster's portfolio (alice.example.org)"
    assert page.locator("#hub-search-results mark").first.inner_text().lower() == PUBLIC_WORD
    # A member without a web address: the result leads to the hub's section page, under /hub/.
    _search(page, SECOND_WORD)
    status.filter(has_text=f"for “{SECOND_WORD}”").wait_for()
    assert links.count() == 1
    assert links.first.get_attribute("href") == hub_url + "sections/1b/index.html"
    where = page.locator("#hub-search-results .result-where").first.inner_text()
    assert where == "Carol Cedar, as listed on this hub"
    links.first.click()
    page.wait_for_url(hub_url + "sections/1b/index.html")
    assert "1b" in page.locator("h1").inner_text()
    page.context.close()


def test_chromium_search_covers_every_part_of_a_large_cohorts_index(
    browser: Browser, built_in_parts: tuple[Path, int]
) -> None:
    with serve(built_in_parts[0].parent) as url:
        page = _page(browser)
        page.goto(url + "hub/search/index.html")
        status = page.locator("#hub-search-status")
        links = page.locator("#hub-search-results li a")
        _search(page, PUBLIC_WORD)  # Alice's section: in the first part
        status.filter(has_text=f"1 result for “{PUBLIC_WORD}”").wait_for()
        assert links.first.get_attribute("href") == "https://alice.example.org/cmalt/1a/"
        _search(page, PLAIN_WORD)  # the plain entry (a part) and the roster (the main bundle)
        status.filter(has_text=f"2 results for “{PLAIN_WORD}”").wait_for()
        found = {links.nth(i).inner_text() for i in range(links.count())}
        assert found == {"Dev Plain", "Search test hub"}
        _search(page, "pilot")  # every member section: from all four parts at once
        status.filter(has_text="results for “pilot”").wait_for()
        members = set(page.locator("#hub-search-results .result-where").all_inner_texts())
        assert "Alice Aster's portfolio (alice.example.org)" in members
        assert "Carol Cedar, as listed on this hub" in members
        _search(page, UNLISTED_WORD)
        status.filter(has_text="No results").wait_for()
        page.context.close()


def test_chromium_search_finds_nothing_of_unlisted_assessors_or_draft_text(
    browser: Browser, hub_url: str
) -> None:
    page = _page(browser)
    page.goto(hub_url + "search/index.html")
    status = page.locator("#hub-search-status")
    for word in (UNLISTED_WORD, ASSESSORS_WORD, DRAFT_WORD):
        _search(page, word)
        status.filter(has_text=f"for “{word}”").wait_for()
        assert status.inner_text() == f"No results for “{word}”.", word
        assert page.locator("#hub-search-results li").count() == 0
    page.context.close()


def test_chromium_search_by_keyboard_alone(browser: Browser, hub_url: str) -> None:
    page = _page(browser)
    page.goto(hub_url + "search/index.html")
    field = page.locator("#hub-search-words")
    for _ in range(30):  # from the top of the page, Tab until the search field has focus
        page.keyboard.press("Tab")
        if field.evaluate("el => el === document.activeElement"):
            break
    assert field.evaluate("el => el === document.activeElement"), "Tab never reached the field"
    page.keyboard.type(PUBLIC_WORD)  # results come as you type
    page.locator("#hub-search-status").filter(has_text="1 result").wait_for()
    page.keyboard.press("Tab")  # the Search button
    assert page.evaluate("document.activeElement.textContent") == "Search"
    page.keyboard.press("Tab")  # the first result
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused == "https://alice.example.org/cmalt/1a/"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "the focused result has no visible focus ring"
    page.keyboard.press("Enter")
    page.wait_for_url("https://alice.example.org/cmalt/1a/")
    page.context.close()


def test_chromium_search_query_in_the_address_runs_on_load(browser: Browser, hub_url: str) -> None:
    page = _page(browser)
    page.goto(hub_url + f"search/index.html?q={PLAIN_WORD}")
    assert page.input_value("#hub-search-words") == PLAIN_WORD
    page.locator("#hub-search-status").filter(has_text=f"for “{PLAIN_WORD}”").wait_for()
    # The plain entry itself, and the roster, which shows its specialist area.
    links = page.locator("#hub-search-results li a")
    found = {links.nth(i).inner_text(): links.nth(i).get_attribute("href") for i in range(2)}
    assert links.count() == 2
    assert found["Dev Plain"] == "https://dev-plain.example.org/"
    assert found["Search test hub"] == hub_url  # the roster, at the hub's root
    page.context.close()


def test_chromium_search_shows_markup_in_a_name_as_text(browser: Browser, hub_url: str) -> None:
    page = _page(browser)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(hub_url + f"search/index.html?q={MARKUP_WORD}")
    page.locator("#hub-search-status").filter(has_text=f"for “{MARKUP_WORD}”").wait_for()
    link = page.locator("#hub-search-results a", has_text="Eve")
    assert link.first.inner_text() == MARKUP_NAME
    assert page.locator("#hub-search-results b, #hub-search-results img").count() == 0
    assert dialogs == []
    page.context.close()


@pytest.mark.parametrize("theme", ["default", "print"])
@pytest.mark.parametrize("width", [390, 1280])
def test_chromium_search_page_has_no_axe_violations(
    browser: Browser, tmp_path_factory: pytest.TempPathFactory, theme: str, width: int
) -> None:
    folder = tmp_path_factory.mktemp(f"axe-{theme}-{width}")
    root = make_search_cohort(folder / "cohort", theme)
    assert build(root, folder / "www" / "hub").ok
    with serve(folder / "www") as url:
        for scheme in ("light", "dark"):
            page = _page(browser, width, scheme)
            page.goto(url + "hub/search/index.html")
            violations = run_axe(page)
            assert violations == [], f"empty search ({theme}, {width}px, {scheme}):\n" + describe(
                violations
            )
            _search(page, "pilot")  # every member section has it: a full result list
            page.locator("#hub-search-status").filter(has_text="results").wait_for()
            violations = run_axe(page)
            assert violations == [], f"results ({theme}, {width}px, {scheme}):\n" + describe(
                violations
            )
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"the search page scrolls sideways at {width}px"
            page.context.close()


def test_chromium_search_from_disk_says_it_needs_a_web_address(
    browser: Browser, built: Path
) -> None:
    page = _page(browser)
    page.goto((built / "search" / "index.html").as_uri())
    note = page.locator(".search-unavailable")
    note.wait_for()
    assert "opened from a web address" in note.inner_text()
    assert not page.locator("form[role=search]").is_visible()
    assert page.get_by_role("link", name=re.compile(r"^1a ")).count() >= 1  # the fallback list
    assert run_axe(page) == []
    page.context.close()


def test_chromium_search_works_in_cmaltgen_serve_preview(browser: Browser, tmp_path: Path) -> None:
    """`cmaltgen serve` on a cohort folder previews the hub with its search, at its base path."""
    from tests.test_serve import serving

    root = make_search_cohort(tmp_path / "cohort")
    config = root / "cohort.yml"
    config.write_text(
        config.read_text("utf-8").replace(
            "  language: en-GB\n", "  language: en-GB\n  base_url: https://hub.example.org/hub/\n"
        ),
        "utf-8",
    )
    with serving(root) as (_, port):
        page = _page(browser)
        page.goto(f"http://127.0.0.1:{port}/hub/search/")
        _search(page, PUBLIC_WORD)
        page.locator("#hub-search-status").filter(has_text="1 result").wait_for()
        link = page.locator("#hub-search-results li a").first
        assert link.get_attribute("href") == "https://alice.example.org/cmalt/1a/"
        _search(page, UNLISTED_WORD)
        page.locator("#hub-search-status").filter(has_text="No results").wait_for()
        page.context.close()
