"""End-to-end builds: the example, output safety, atomic replacement, links and HTML validity."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from pathlib import Path

import pytest

from cmaltgen.build import build
from cmaltgen.diagnostics import CmaltgenError
from tests.conftest import (
    EXAMPLE,
    PORTFOLIO_YML,
    TODAY,
    NuChecker,
    PortfolioFactory,
    evidence,
    formatted,
    reflection,
    run_build,
)
from tests.image_files import camera_exif, image_file
from tests.site_checks import broken_links, parse_page


def _digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "_site" not in p.parts
    }


def test_example_builds_strictly_with_every_page(example_site: Path) -> None:
    expected = [
        "index.html",
        "404.html",
        "evidence/index.html",
        "matrix/index.html",
        "confirmation/index.html",
        "contextual-statement/index.html",
        "1a/index.html",
        "3b/index.html",
        "4a/index.html",
        "specialist-accessibility/index.html",
        "future-plans/index.html",
        ".nojekyll",
    ]
    for rel in expected:
        assert (example_site / rel).is_file(), rel


def test_every_internal_link_and_anchor_resolves(example_site: Path) -> None:
    assert broken_links(example_site) == []


def test_pages_have_one_h1_a_skip_link_and_landmarks(example_site: Path) -> None:
    for page in example_site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert parse_page(page).h1 == 1, page
        assert html.index('class="skip-link" href="#main"') < html.index("<main")
        assert '<main id="main"' in html and "<nav" in html and 'lang="en-GB"' in html


def test_citations_render_as_numbered_labels_linking_to_evidence(example_site: Path) -> None:
    html = (example_site / "1a" / "index.html").read_text(encoding="utf-8")
    assert 'class="evidence-ref"' in html and '<span class="evidence-label">[E1]</span>' in html
    assert 'id="ev-interactive-video-appraisal"' in html


def test_evidence_files_and_images_are_published(example_site: Path) -> None:
    pdfs = list((example_site / "files").rglob("*.pdf"))
    assert pdfs and all(p.read_bytes().startswith(b"%PDF") for p in pdfs)
    evidence = (example_site / "evidence" / "index.html").read_text(encoding="utf-8")
    assert "<img src=" in evidence and 'alt="' in evidence


def test_matrix_is_a_real_table(example_site: Path) -> None:
    html = (example_site / "matrix" / "index.html").read_text(encoding="utf-8")
    assert "<caption" in html and 'scope="col"' in html and 'scope="row"' in html


def test_404_links_absolutely_for_subpath_hosting(example_site: Path) -> None:
    html = (example_site / "404.html").read_text(encoding="utf-8")
    base = "https://example.github.io/cmalt-portfolio/"
    assert f'href="{base}assets/style.css"' in html and f'href="{base}1a/index.html"' in html
    assert 'href="#main"' in html and "<base" not in html


def test_output_passes_the_nu_html_checker(example_site: Path, nu_checker: NuChecker) -> None:
    messages = nu_checker(example_site)
    assert messages == [], json.dumps(messages, indent=1)[:3000]


def test_sources_are_never_modified(tmp_path: Path) -> None:
    copy = tmp_path / "p"
    shutil.copytree(EXAMPLE, copy, ignore=shutil.ignore_patterns("_site"))
    before = _digest(copy)
    assert build(copy).ok
    assert _digest(copy) == before


def test_failed_build_leaves_the_last_good_site(tmp_portfolio: PortfolioFactory) -> None:
    root = tmp_portfolio()
    assert run_build(root).written
    good = _digest(root / "_site")
    (root / "1a" / "evidence.yml").write_text("- id: [broken\n", encoding="utf-8")
    result = run_build(root)
    assert not result.ok and not result.written
    assert _digest(root / "_site") == good
    assert not [p for p in root.iterdir() if p.name.startswith(("._site", "._site.old"))]


def test_a_site_that_cannot_be_swapped_is_a_plain_error_and_the_old_site_stays(
    tmp_portfolio: PortfolioFactory,
) -> None:
    """The swap renames the old site aside; when that fails (on Windows, a file in the folder
    is open in another program) the user gets a plain error and the last good site."""
    from click.testing import CliRunner

    from cmaltgen.cli import main

    root = tmp_portfolio()
    assert run_build(root).written
    good = _digest(root / "_site")
    blocker = root / f"._site.old-{os.getpid()}"  # where the swap moves the old site
    blocker.mkdir()
    (blocker / "in-use.txt").write_text("held", encoding="utf-8")
    (root / "1a" / "reflection.md").write_text(
        "---\nsection: 1a\n---\n## Description\n\nNew [r](evidence:ev-1a).\n\n"
        "## Reflection\n\nI.\n",
        encoding="utf-8",
    )
    with pytest.raises(CmaltgenError) as caught:
        run_build(root)
    (diag,) = caught.value.diagnostics
    assert diag.code == "output-not-written" and diag.path == root / "_site"
    assert "the last good site there is unchanged" in str(caught.value)
    assert "close any program" in (diag.hint or "")
    assert _digest(root / "_site") == good
    assert [p.name for p in root.iterdir() if p.name.startswith("._site")] == [blocker.name]

    shown = CliRunner().invoke(main, ["build", str(root)])
    assert shown.exit_code == 1 and "Traceback" not in shown.output
    assert "error output-not-written" in shown.output and "close any program" in shown.output


def test_rebuild_replaces_the_previous_site(tmp_portfolio: PortfolioFactory) -> None:
    root = tmp_portfolio()
    run_build(root)
    (root / "_site" / "stale.html").write_text("old", encoding="utf-8")
    (root / "1a" / "reflection.md").write_text(
        "---\nsection: 1a\n---\n## Description\n\nNew words [r](evidence:ev-1a).\n\n"
        "## Reflection\n\nI.\n",
        encoding="utf-8",
    )
    assert run_build(root).written
    assert not (root / "_site" / "stale.html").exists()
    assert "New words" in (root / "_site" / "1a" / "index.html").read_text(encoding="utf-8")


def test_strict_fails_on_warnings_and_writes_nothing(tmp_portfolio: PortfolioFactory) -> None:
    root = tmp_portfolio(
        {"future-plans/reflection.md": "---\nsection: future-plans\n---\nShort.\n"}
    )
    assert run_build(root).ok
    strict = run_build(root, output=root / "_strict", strict=True)
    assert not strict.ok and not (root / "_strict").exists()


@pytest.mark.parametrize("where", [".", "..", "1a", "1a/out"])
def test_output_inside_or_around_the_sources_is_refused(
    tmp_portfolio: PortfolioFactory, where: str
) -> None:
    root = tmp_portfolio()
    with pytest.raises(CmaltgenError) as info:
        build(root, root / where, today=TODAY)
    (diag,) = info.value.diagnostics
    assert diag.code == "output-location"
    assert (root / "1a" / "reflection.md").is_file()


def test_folder_not_written_by_cmaltgen_is_not_replaced(
    tmp_portfolio: PortfolioFactory, tmp_path: Path
) -> None:
    root = tmp_portfolio()
    precious = tmp_path / "documents"
    precious.mkdir()
    (precious / "thesis.docx").write_bytes(b"precious")
    with pytest.raises(CmaltgenError) as info:
        build(root, precious, today=TODAY)
    assert info.value.diagnostics[0].code == "output-not-site"
    assert (precious / "thesis.docx").read_bytes() == b"precious"


def test_output_outside_the_portfolio_and_relative_urls(
    tmp_portfolio: PortfolioFactory, tmp_path: Path
) -> None:
    root = tmp_portfolio()
    result = run_build(root, output=tmp_path / "public")
    assert result.written and result.pages == 16 and result.sections == 11
    assert broken_links(tmp_path / "public") == []
    assert 'href="../assets/style.css"' in (tmp_path / "public/1a/index.html").read_text("utf-8")


def test_hostile_markdown_is_neutralised(tmp_portfolio: PortfolioFactory) -> None:
    root = tmp_portfolio(
        {
            "1a/reflection.md": (
                "---\nsection: 1a\n---\n## Description\n\n<img src=x onerror=alert(1)> "
                "[r](evidence:ev-1a) [x](javascript:alert(1))\n\n## Reflection\n\nI.\n"
            )
        }
    )
    result = run_build(root)
    assert result.written, formatted(result)
    html = (root / "_site" / "1a" / "index.html").read_text(encoding="utf-8")
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert 'href="javascript:' not in html  # markdown-it refuses the link; it stays as text


def test_titles_with_markup_are_escaped(tmp_portfolio: PortfolioFactory) -> None:
    root = tmp_portfolio(
        {
            "1a/evidence.yml": "- {id: ev-1a, title: '<b>bold</b> & co', "
            "type: web-page, date: 2025-06-01, url: 'https://example.org/a', shows: It}\n"
        }
    )
    run_build(root)
    html = (root / "_site" / "1a" / "index.html").read_text(encoding="utf-8")
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; co" in html and "<b>bold</b>" not in html


def test_section_links_and_local_images_in_reflections(tmp_portfolio: PortfolioFactory) -> None:
    root = tmp_portfolio(
        {
            "1a/reflection.md": "---\nsection: 1a\n---\n## Description\n\n"
            "As in [my 2a work](section:2a), [r](evidence:ev-1b) and [r](evidence:ev-1a).\n\n"
            "![A bar chart of replies](img/chart.png)\n\n## Reflection\n\nI.\n",
            "1a/img/chart.png": image_file("PNG", exif=camera_exif(make=False, gps=False)),
        }
    )
    result = run_build(root)
    assert result.written, formatted(result)
    html = (root / "_site" / "1a" / "index.html").read_text(encoding="utf-8")
    assert '<a href="../2a/index.html">my 2a work</a>' in html
    assert '<img src="../files/1a/img/chart.png" alt="A bar chart of replies"' in html
    assert 'href="../evidence/index.html#ev-ev-1b"' in html  # cited here, listed elsewhere
    assert (root / "_site" / "files" / "1a" / "img" / "chart.png").is_file()
    assert broken_links(root / "_site") == []


def test_drafts_are_left_out_of_build_and_shown_in_drafts_mode(
    tmp_portfolio: PortfolioFactory,
) -> None:
    root = tmp_portfolio(
        {
            "1b/reflection.md": "---\nsection: 1b\ndraft: true\n---\n## Description\n\nHalf.\n",
            "1a/evidence.yml": "- {id: ev-1a, title: Draft item, type: web-page, date: 2025-06-01, "
            "url: 'https://example.org/a', shows: It, draft: true}\n"
            "- {id: ev-1a-final, title: F, type: web-page, date: 2025-06-01, "
            "url: 'https://example.org/f', shows: It}\n",
            "1a/reflection.md": "---\nsection: 1a\n---\n## Description\n\n"
            "See [my draft](evidence:ev-1a) and [f](evidence:ev-1a-final).\n\n"
            "## Reflection\n\nI.\n",
        }
    )
    result = run_build(root)
    assert result.written and result.sections == 10, formatted(result)
    assert not (root / "_site" / "1b").exists()
    html = (root / "_site" / "1a" / "index.html").read_text(encoding="utf-8")
    assert '<span class="unlinked">my draft</span>' in html and "Draft item" not in html
    assert broken_links(root / "_site") == []
    preview = run_build(root, write=False, drafts=True)
    assert preview.site is not None and preview.site.section("1b") is not None
    assert preview.site.item("ev-1a") is not None


def test_specialist_and_advanced_areas_say_what_they_are(tmp_portfolio: PortfolioFactory) -> None:
    """Their pages are titled with the candidate's own names ("Learning design"): before, no
    page said which was a specialist and which an advanced area."""
    senior = PORTFOLIO_YML.replace("pathway: cmalt", "pathway: senior")
    root = tmp_portfolio(
        {
            "portfolio.yml": senior,
            "3b/reflection.md": reflection("3b", extra_front="focus: policy\n"),
            "specialist-two/reflection.md": reflection("specialist-two"),
            "specialist-two/evidence.yml": evidence("specialist-two"),
            "advanced-impact/reflection.md": reflection(
                "advanced-impact", extra_front="title: Leading change\n"
            ),
            "advanced-impact/evidence.yml": evidence("advanced-impact"),
        }
    )
    result = run_build(root)
    assert result.written, formatted(result)
    eyebrow = re.compile(r'<p class="eyebrow">([^<]+)</p>\s*<h1 id="page-title">([^<]+)</h1>')
    site = root / "_site"
    pages = {
        sid: eyebrow.findall((site / sid / "index.html").read_text(encoding="utf-8"))
        for sid in ("specialist-oer", "advanced-impact", "1a")
    }
    assert pages == {
        "specialist-oer": [("Specialist area", "Open educational resources")],
        "advanced-impact": [
            ("Advanced area: leadership, policy or research impact", "Leading change")
        ],
        "1a": [],  # its h1 starts with the section id, in its own span
    }
    home = (site / "index.html").read_text(encoding="utf-8")
    assert home.count('<p class="eyebrow">Specialist area</p>') == 2
