"""Text that reads right in real builds: summaries, meta descriptions and the feed, and
citations of items an edition leaves out (public site and assessor bundle)."""

from __future__ import annotations

import html as html_lib
import json
import re
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from cmaltgen.output.bundle import bundle
from tests.conftest import (
    TODAY,
    NuChecker,
    PortfolioFactory,
    formatted,
    reflection,
    run_build,
    write_files,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser

CITING = (
    "## Description\n\n"
    "The review features [my appraisal](evidence:appraisal). "
    "It also features [](evidence:diary). "
    "The [minutes](evidence:minutes) show it. "
    "The record [](evidence:minutes), which I wrote, matters. "
    "See [](evidence:ev-2a).\n\n"
    "## Reflection\n\nI learned a great deal from it.\n"
)

EXTRA_EVIDENCE = """\
- id: appraisal
  title: Annual appraisal
  type: document
  date: 2025-06-01
  url: https://example.org/appraisal
  shows: My review.
  visibility: private
- id: diary
  title: Reflective diary
  type: document
  date: 2025-06-01
  url: https://example.org/diary
  shows: My diary.
  visibility: private
- id: minutes
  title: Team minutes
  type: document
  date: 2025-06-01
  url: https://example.org/minutes
  shows: The decision.
  visibility: assessors
"""


def _paragraph(page: str, starts: str) -> str:
    """The text a reader sees in the paragraph that starts with ``starts``."""
    for para in re.findall(r"<p>(.*?)</p>", page, flags=re.S):
        text = html_lib.unescape(re.sub(r"<[^>]+>", "", para))
        if text.startswith(starts):
            return text
    raise AssertionError(f"no paragraph starts {starts!r}")


@pytest.fixture
def citing(tmp_portfolio: PortfolioFactory) -> Path:
    from tests.conftest import evidence

    return tmp_portfolio(
        {
            "2a/reflection.md": reflection("2a", body=CITING),
            "2a/evidence.yml": evidence("2a") + EXTRA_EVIDENCE,
        }
    )


def test_public_site_keeps_words_drops_links_and_reads_naturally(
    citing: Path, tmp_path: Path
) -> None:
    result = run_build(citing, output=tmp_path / "public")
    assert result.ok, formatted(result)
    page = (tmp_path / "public" / "2a" / "index.html").read_text(encoding="utf-8")
    label = re.search(r'aria-label="(E\d+): Report for 2a"', page)
    assert label is not None  # the empty citation of a shown item: its label, named by title
    assert _paragraph(page, "The review") == (
        "The review features my appraisal. It also features. "
        "The minutes (evidence available to assessors) show it. "
        "The record (evidence available to assessors), which I wrote, matters. "
        f"See [{label.group(1)}]."
    )
    for hidden in ("appraisal", "diary", "minutes", "Annual appraisal", "Reflective diary"):
        assert f"ev-{hidden}" not in page and "Annual appraisal" not in page


def test_author_is_told_where_each_withheld_citation_is(citing: Path, tmp_path: Path) -> None:
    result = run_build(citing, output=tmp_path / "public")
    warned = [
        (d.path.name if d.path else "", d.line, d.col, d.message)
        for d in result.diagnostics
        if d.code == "withheld-citation"
    ]
    line = 6  # front matter (lines 1-3), "## Description", a blank line, then the paragraph
    assert warned == [
        (
            "reflection.md",
            line,
            21,
            "this cites 'appraisal', which is private; the public site shows the text "
            "without a link",
        ),
        (
            "reflection.md",
            line,
            74,
            "this cites 'diary', which is private; the public site shows nothing for it",
        ),
        (
            "reflection.md",
            line,
            146,
            "this cites 'minutes', which is assessors-only; the public site shows only "
            "(evidence available to assessors) for this empty citation",
        ),
    ]
    assert result.notes[0] == (
        f"2a/reflection.md:{line}:98: this cites 'minutes', which is assessors-only; the public "
        "site shows its text, unlinked, then (evidence available to assessors)"
    )
    strict = run_build(citing, output=tmp_path / "strict", strict=True)
    assert not strict.ok  # a warning: --strict stops until the sentence is reread


def test_assessor_bundle_links_assessors_items_and_drops_private_ones(
    citing: Path, tmp_path: Path
) -> None:
    result = bundle(citing, tmp_path / "out.zip", today=TODAY)
    assert result.written, formatted(result.build)
    with zipfile.ZipFile(tmp_path / "out.zip") as archive:
        name = next(n for n in archive.namelist() if n.endswith("/2a/index.html"))
        page = archive.read(name).decode("utf-8")
    labels = dict(re.findall(r'aria-label="([EA]\d+): ([^"]+)"', page))
    minutes = next(k for k, v in labels.items() if v == "Team minutes")
    report = next(k for k, v in labels.items() if v == "Report for 2a")
    assert _paragraph(page, "The review") == (
        "The review features my appraisal. It also features. "
        f"The minutes [{minutes}] show it. "
        f"The record [{minutes}], which I wrote, matters. "
        f"See [{report}]."
    )
    warned = [d.message for d in result.build.diagnostics if d.code == "withheld-citation"]
    assert warned == [
        "this cites 'appraisal', which is private; the assessor edition shows the text "
        "without a link",
        "this cites 'diary', which is private; the assessor edition shows nothing for it",
    ]


# ------------------------------------------------------------ summaries and descriptions

SUMMARY_BODY = (
    "## Description\n\n"
    "I ran *Safeguarding in Practice*, a course using tools, e.g. **Moodle**, and "
    "[Teams](https://teams.example.org); it&apos;s `open` [^1]. Then I evaluated it.\n\n"
    "[^1]: A footnote.\n\n"
    "## Reflection\n\nI learned a great deal from it.\n"
)
SUMMARY = "I ran Safeguarding in Practice, a course using tools, e.g. Moodle, and Teams; it's open."


def test_summaries_descriptions_and_feed_use_the_plain_text(
    tmp_portfolio: PortfolioFactory, tmp_path: Path
) -> None:
    root = tmp_portfolio({"2a/reflection.md": reflection("2a", body=SUMMARY_BODY)})
    result = run_build(root, output=tmp_path / "site")
    assert result.ok, formatted(result)
    site = tmp_path / "site"
    page = (site / "2a" / "index.html").read_text(encoding="utf-8")
    meta = re.search(r'<meta name="description" content="([^"]*)"', page)
    assert meta is not None and html_lib.unescape(meta.group(1)) == SUMMARY
    home = (site / "index.html").read_text(encoding="utf-8")
    assert f"<p>{html_lib.escape(SUMMARY, quote=False)}</p>" in home.replace("&#39;", "'")
    feed = (site / "feed.xml").read_text(encoding="utf-8")
    summaries = re.findall(r"<summary>(.*?)</summary>", feed)
    assert SUMMARY in [html_lib.unescape(s) for s in summaries]


def test_a_long_summary_is_cut_at_a_word_in_the_meta_description(
    tmp_portfolio: PortfolioFactory, tmp_path: Path
) -> None:
    words = "Évaluation & co-design " * 12  # 23 characters, 12 times: over 160 characters
    root = tmp_portfolio({"2a/reflection.md": reflection("2a", extra_front=f"summary: {words}\n")})
    result = run_build(root, output=tmp_path / "site")
    assert result.ok, formatted(result)
    page = (tmp_path / "site" / "2a" / "index.html").read_text(encoding="utf-8")
    meta = re.search(r'<meta name="description" content="([^"]*)"', page)
    assert meta is not None
    text = html_lib.unescape(meta.group(1))
    assert text == "Évaluation & co-design " * 6 + "Évaluation &…"
    assert "&amp;" in meta.group(1)  # escaped after cutting, so never a broken entity


# ----------------------------------------------------- in a real browser and the Nu checker


def test_citation_page_is_accessible_and_valid(
    citing: Path, tmp_path: Path, browser: Browser, nu_checker: NuChecker
) -> None:
    from tests.browser_support import describe, loopback_only, run_axe, serve

    site = tmp_path / "public"
    assert run_build(citing, output=site).ok
    with serve(site) as base:
        page = browser.new_page()
        page.route("**/*", loopback_only)
        page.goto(base + "2a/")
        link = page.get_by_role("link", name=re.compile(r"^E\d+: Report for 2a$"))
        assert link.count() == 1 and re.fullmatch(r"\[E\d+\]", link.inner_text())
        paragraph = page.locator("p", has_text="The review features").inner_text()
        assert paragraph.startswith("The review features my appraisal. It also features. ")
        violations = run_axe(page)
        page.close()
    assert violations == [], describe(violations)
    messages = nu_checker(site / "2a" / "index.html")
    assert messages == [], json.dumps(messages, indent=1)[:3000]


def test_a_list_pasted_from_word_is_a_list(tmp_portfolio: PortfolioFactory, tmp_path: Path) -> None:
    """Word's "•<tab>" bullets (a BOM, CRLF line ends and a no-break space too, as Notepad
    saves it) become a list, not one paragraph of bullets; a bullet in code stays as it is."""
    body = (
        "\ufeff---\r\nsection: 1a\r\n---\r\n## Description\r\n\r\nI [r](evidence:ev-1a). "
        "My role includes:\r\n\r\n\u2022\tTeaching on the BSc\r\n\u2022\u00a0Leading the "
        "simulation strand\r\n\u2022\tSupporting colleagues\r\n\r\n```\r\n\u2022\tin code\r\n"
        "```\r\n\r\n## Reflection\r\n\r\nI learned a great deal.\r\n"
    )
    root = tmp_portfolio({"1a/reflection.md": body.encode("utf-8")})
    result = run_build(root, output=tmp_path / "site")
    assert result.ok, formatted(result)
    page = (tmp_path / "site" / "1a" / "index.html").read_text(encoding="utf-8")
    assert (
        "<ul>\n<li>Teaching on the BSc</li>\n<li>Leading the simulation strand</li>\n"
        "<li>Supporting colleagues</li>\n</ul>" in page
    )
    assert "<pre><code>\u2022\tin code\n</code></pre>" in page
    assert page.count("\u2022") == 1


def test_html_comments_are_notes_to_oneself_left_out_of_every_page(
    tmp_portfolio: PortfolioFactory, tmp_path: Path
) -> None:
    """``<!-- ... -->`` hides a note in Markdown everywhere else: it is not published as
    text, nor warned about; other HTML beside it is still shown as text and warned about."""
    body = (
        "---\nsection: 1a\n---\n## Description\n\nI [r](evidence:ev-1a).\n\n"
        "<!-- TODO zqnote: ask Sam for the survey figures\nbefore submitting -->\n\n"
        "The pilot ran <!-- zqinline --> for a term.\n\n"
        "<!-- zqbefore --> <b>bold</b>\n\n## Reflection\n\nI learned a great deal.\n"
    )
    root = tmp_portfolio({"1a/reflection.md": body})
    result = run_build(root, output=tmp_path / "site")
    assert [d.format(base=root) for d in result.diagnostics] == [
        "1a/reflection.md:13:19: warning raw-html: HTML such as '<b>bold</b>' is shown as text, "
        "not used as HTML\n    hint: use Markdown: **bold** or *italic*"
    ]
    site = tmp_path / "site"
    assert not [p for p in site.rglob("*") if p.is_file() and b"zq" in p.read_bytes()]
    page = (site / "1a" / "index.html").read_text(encoding="utf-8")
    assert "<p>The pilot ran  for a term.</p>" in page and "&lt;b&gt;bold&lt;/b&gt;" in page


def test_an_html_element_is_one_raw_html_warning_not_one_per_tag(
    tmp_portfolio: PortfolioFactory,
) -> None:
    """``<a href=...>words</a>`` on one line is one warning (at its opening tag); a closing
    tag on a line of its own, as in a pasted block, still gets its own."""
    body = (
        "---\nsection: 1a\n---\n## Description\n\nI [r](evidence:ev-1a). See "
        '<a href="https://example.org/guide">the guide</a> and <video src="v.mp4"></video>.\n\n'
        "<details>\n\nHidden.\n\n</details>\n\n## Reflection\n\nI learned a great deal.\n"
    )
    result = run_build(tmp_portfolio({"1a/reflection.md": body}), write=False)
    found = [(d.line, d.col) for d in result.diagnostics if d.code == "raw-html"]
    assert found == [(6, 28), (6, 82), (8, 1), (12, 1)]


def test_tables_on_the_printable_page_are_regions_with_names_of_their_own(
    tmp_portfolio: PortfolioFactory, tmp_path: Path
) -> None:
    """The assessor edition's portfolio.html holds every section's tables: each scrolling
    region is named by its columns and section, so no two share a name (axe: landmark-unique),
    even when two sections have a table with the same columns."""
    table = "| Criterion | Zotero | EndNote |\n|---|---|---|\n| Cost | Free | Paid |\n\n"
    twice = "| Problem | Pages |\n|---|--:|\n| Alt text | 37 |\n\n"
    files = {
        f"{s}/reflection.md": reflection(s).replace("## Reflection", f"{body}## Reflection")
        for s, body in (("1a", table + twice), ("3b", twice + twice))
    }
    result = run_build(tmp_portfolio(files), output=tmp_path / "site", edition="assessor")
    assert result.ok, formatted(result)
    page = (tmp_path / "site" / "portfolio.html").read_text(encoding="utf-8")
    labels = re.findall(r'role="region" aria-label="([^"]*)"', page)
    assert labels == [
        "Table: Criterion, Zotero, EndNote, in 1a",
        "Table: Problem, Pages, in 1a",
        "Table: Problem, Pages, in 3b",
        "Table: Problem, Pages, in 3b (2)",
    ]
    own = (tmp_path / "site" / "1a" / "index.html").read_text(encoding="utf-8")
    assert re.findall(r'role="region" aria-label="([^"]*)"', own) == [
        "Table: Criterion, Zotero, EndNote",
        "Table: Problem, Pages",
    ]


def test_supports_written_without_brackets_is_a_list(tmp_portfolio: PortfolioFactory) -> None:
    """``supports: 2a, 4a`` (ids with commas, no [ ]) is the list people mean, not one
    section called '2a, 4a'; each id is still checked."""
    item = (
        "- id: ev-1a\n  title: R\n  type: web-page\n  date: 2025-06-01\n"
        "  url: https://example.org/a\n  shows: It\n  supports: {}\n"
    )
    result = run_build(tmp_portfolio({"1a/evidence.yml": item.format("2a, 4a")}), write=False)
    assert result.ok and formatted(result) == []
    assert result.site is not None
    (evidence,) = [e for e in result.site.evidence if e.id == "ev-1a"]
    assert evidence.sections == ["1a", "2a", "4a"]
    result = run_build(tmp_portfolio({"1a/evidence.yml": item.format("2a,9z")}), write=False)
    assert [d.code for d in result.diagnostics] == ["unknown-section"]
    assert "supports '9z'" in formatted(result)[0]


def test_a_value_in_curly_quotes_is_quoted_not_shown_with_them(
    tmp_portfolio: PortfolioFactory, tmp_path: Path
) -> None:
    """An editor that types Word's curly quotes (“2019”, “Choosing tools”) meant them as YAML
    quotes: the value is read without them; quotes inside a value stay."""
    from tests.conftest import PORTFOLIO_YML

    files = {
        "portfolio.yml": PORTFOLIO_YML.replace('framework: "2019"', "framework: \u201c2019\u201d"),
        "1a/reflection.md": reflection("1a").replace(
            "section: 1a\n",
            "section: 1a\ntitle: \u201cChoosing tools\u201d\nsummary: I said \u201cyes\u201d.\n",
        ),
    }
    result = run_build(tmp_portfolio(files), output=tmp_path / "site")
    assert result.ok and formatted(result) == []
    page = (tmp_path / "site" / "1a" / "index.html").read_text(encoding="utf-8")
    assert '<p class="subtitle">Choosing tools</p>' in page
    assert 'name="description" content="I said \u201cyes\u201d.' in page


def test_a_link_to_a_section_the_edition_leaves_out_is_reported(
    tmp_portfolio: PortfolioFactory, tmp_path: Path
) -> None:
    """Before, an empty link to an assessors-only, private or draft section vanished from the
    sentence ("See my work and.") with no word to the author."""
    body = (
        "## Description\n\nI led it [](evidence:ev-2a). See [my OER work](section:specialist-oer), "
        "[](section:specialist-oer), [](section:3a) and [](section:future-plans).\n\n"
        "## Reflection\n\nI learned a great deal from it.\n"
    )
    root = tmp_portfolio(
        {
            "2a/reflection.md": reflection("2a", body=body),
            "specialist-oer/reflection.md": reflection(
                "specialist-oer", extra_front="visibility: assessors\n"
            ),
            "3a/reflection.md": reflection("3a", extra_front="visibility: private\n"),
            "future-plans/reflection.md": "---\nsection: future-plans\ndraft: true\n---\nPlans.\n",
        }
    )
    result = run_build(root, output=tmp_path / "public")
    said = [(d.line, d.col, d.message) for d in result.diagnostics if d.code == "withheld-citation"]
    site = "the public site shows nothing for this empty link"
    assert said == [
        (6, 73, f"this links to section specialist-oer, which is assessors-only; {site}"),
        (6, 101, f"this links to section 3a, which is private; {site}"),
        (6, 120, f"this links to section future-plans, which is a draft; {site}"),
    ]
    assert result.notes[0] == (
        "2a/reflection.md:6:34: this links to section specialist-oer, which is assessors-only; "
        "the public site shows its text without a link"
    )
    assessor = run_build(root, output=tmp_path / "assessor", edition="assessor")
    assert [d.col for d in assessor.diagnostics if d.code == "withheld-citation"] == [101, 120]
    page = (tmp_path / "assessor" / "2a" / "index.html").read_text(encoding="utf-8")
    assert 'href="../specialist-oer/index.html">my OER work</a>' in page


def test_a_section_link_can_name_a_part_of_the_page(
    tmp_portfolio: PortfolioFactory, tmp_path: Path
) -> None:
    """``section:2a#reflection`` was an error ("no section '2a#reflection'"); it now links to
    that heading (or evidence item) on the section page and on the printable page."""
    from tests.site_checks import broken_links

    body = (
        "## Description\n\nI led it [](evidence:ev-2a). See [its reflection](section:1a#reflection)"
        ", [](section:1a#description) and [the report](section:1a#ev-ev-1a).\n\n"
        "## Reflection\n\nI learned a great deal from it.\n"
    )
    root = tmp_portfolio({"2a/reflection.md": reflection("2a", body=body)})
    for edition in ("public", "assessor"):
        out = tmp_path / edition
        result = run_build(root, output=out, edition=edition)
        assert result.ok, formatted(result)
        assert broken_links(out) == []
    page = (tmp_path / "public" / "2a" / "index.html").read_text(encoding="utf-8")
    hrefs = re.findall(r'<a href="(\.\./1a/index\.html#[^"]+)"', page)
    assert hrefs == [
        "../1a/index.html#reflection",
        "../1a/index.html#description",
        "../1a/index.html#ev-ev-1a",
    ]
    single = (tmp_path / "assessor" / "portfolio.html").read_text(encoding="utf-8")
    assert '<a href="#1a-reflection">its reflection</a>' in single

    wrong = body.replace("1a#reflection", "1a#refelction")
    write_files(root, {"2a/reflection.md": reflection("2a", body=wrong)})
    failed = run_build(root, write=False)
    assert formatted(failed)[0].startswith(
        "2a/reflection.md:6:34: error unknown-link: section 1a has no heading 'refelction' "
        "(did you mean 'reflection'?)"
    )
