"""Sentences built from pieces: the helpers, and the real sentences users read."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from cmaltgen import wording
from cmaltgen.cli import main
from tests.conftest import PortfolioFactory, formatted, reflection, run_build


@pytest.mark.parametrize(
    ("count", "noun", "expected"),
    [
        (0, "section", "0 sections"),
        (1, "section", "1 section"),
        (2, "section", "2 sections"),
        (1, "evidence item", "1 evidence item"),
        (2, "evidence item", "2 evidence items"),
        (0, "entry", "0 entries"),
        (2, "day", "2 days"),
        (2, "class", "2 classes"),
        (2, "box", "2 boxes"),
        (2, "web link", "2 web links"),
        (1234, "word", "1,234 words"),
    ],
)
def test_plural(count: int, noun: str, expected: str) -> None:
    assert wording.plural(count, noun) == expected


def test_plural_takes_an_irregular_form() -> None:
    assert wording.plural(2, "person", "people") == "2 people"
    assert wording.plural(1, "person", "people") == "1 person"


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("Associate CMALT", "an Associate CMALT"),
        ("CMALT", "a CMALT"),
        ("Senior CMALT", "a Senior CMALT"),
        ("Excel spreadsheet", "an Excel spreadsheet"),
        ("Word document", "a Word document"),
        (
            "advanced area: leadership, policy or research impact",
            "an advanced area: leadership, policy or research impact",
        ),
        ("specialist area", "a specialist area"),
        ("MSc module", "an MSc module"),
        ("HTML page", "an HTML page"),
        ("PDF", "a PDF"),
        ("SVG", "an SVG"),
        ("UCAS form", "a UCAS form"),
        ("university", "a university"),
        ("one-off", "a one-off"),
        ("hour", "an hour"),
        ("honest account", "an honest account"),
        ("house", "a house"),
        ("European project", "a European project"),
        ("umbrella", "an umbrella"),
    ],
)
def test_article(phrase: str, expected: str) -> None:
    assert wording.article(phrase) == expected


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        ([], ""),
        (["1a"], "1a"),
        (["1a", "2b"], "1a and 2b"),
        (["1a", "2b", "3"], "1a, 2b and 3"),
        (["a", "b", "c", "d"], "a, b, c and d"),
    ],
)
def test_join_and(items: list[str], expected: str) -> None:
    assert wording.join_and(items) == expected
    assert wording.join_and(iter(items)) == expected  # any iterable


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("tools, e.g. Moodle.", 3),
        ("", 0),
        ("— .. _ __ —", 0),
        ("a_b well-being 2024/25", 3),
        ("Café naïve’s “résumé”", 3),
        ("no\u00a0break\u2003em space", 4),
        ("🎉 party 🎉time", 2),
        ("ﬁne ａｂｃ ２０２４", 3),
        # long runs of marks: the old pattern tried each from every mark (minutes for these)
        ("[" * 50_000 + " word " + "-_" * 50_000, 1),
        ("x" + "[" * 50_000 + " " + "[" * 50_000 + "y", 2),
        ("\u0301" * 50_000 + " ¶ a", 1),
    ],
)
def test_word_count_is_the_same_with_or_without_chinese_or_japanese_nearby(
    text: str, words: int
) -> None:
    # A text with no Chinese or Japanese takes a quicker pattern; one separate ideograph after
    # it takes the full one, and must add exactly one word.
    assert wording.word_count(text) == words
    assert wording.word_count(text + " 学") == words + 1
    assert wording.word_count("学 " + text) == words + 1


def test_agree() -> None:
    assert [wording.agree(n, "was", "were") for n in (0, 1, 2)] == ["were", "was", "were"]


# ------------------------------------------------------------ the sentences themselves


@pytest.mark.parametrize(
    ("pathway", "opening"),
    [
        ("associate", "Created an Associate CMALT portfolio in "),
        ("cmalt", "Created a CMALT portfolio in "),
        ("senior", "Created a Senior CMALT portfolio in "),
    ],
)
def test_new_says_which_portfolio_it_created(tmp_path: Path, pathway: str, opening: str) -> None:
    result = CliRunner().invoke(main, ["new", str(tmp_path / "p"), "--pathway", pathway])
    assert result.exit_code == 0, result.output
    first = result.stdout.splitlines()[0]
    assert first.startswith(opening)
    assert re.search(r" with \d+ sections to write\.$", first), first


def test_build_summary_and_pages_count_one_thing_as_one(
    tmp_portfolio: PortfolioFactory, tmp_path: Path
) -> None:
    # Each section of the conftest portfolio has exactly one evidence item.
    root = tmp_portfolio(
        {
            "1a/reflection.md": reflection(
                "1a", body="## Description\n\nOne [x](evidence:ev-1a)\n\n## Reflection\n\nTwo.\n"
            )
        }
    )
    result = run_build(root, output=tmp_path / "site")
    assert result.ok, formatted(result)
    home = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "It has 11 sections and 9 evidence items." in home
    assert home.count('<p class="meta">1 evidence item</p>') == 9
    page = (tmp_path / "site" / "1a" / "index.html").read_text(encoding="utf-8")
    assert '<p class="meta">1 evidence item · 3 words</p>' in page
    matrix = (tmp_path / "site" / "matrix" / "index.html").read_text(encoding="utf-8")
    assert "9 evidence items against 11 sections</caption>" in matrix


def test_a_one_word_draft_is_one_word(tmp_portfolio: PortfolioFactory) -> None:
    root = tmp_portfolio({"1b/reflection.md": "---\nsection: 1b\ndraft: true\n---\nStarted.\n"})
    result = run_build(root)
    drafts = [d.message for d in result.diagnostics if d.code == "draft"]
    assert "section 1b is a draft (1 word so far), so it is left out of the built site" in drafts


def test_failed_build_counts_errors_and_warnings_in_words(tmp_portfolio: PortfolioFactory) -> None:
    root = tmp_portfolio({"1a/reflection.md": reflection("1a", body="Cites [x](evidence:nope).\n")})
    result = CliRunner().invoke(main, ["build", str(root)])
    assert result.exit_code == 1
    # three errors (the citation, two missing parts) and one warning (the uncited item)
    assert "Build failed: 3 errors, 1 warning. Nothing was written;" in result.stderr
    assert "(s)" not in result.stderr


@pytest.mark.parametrize(
    ("errors", "warnings", "expected"),
    [
        (1, 0, "The portfolio did not build: 1 error"),
        (2, 0, "The portfolio did not build: 2 errors"),
        (1, 1, "The portfolio did not build: 1 error and 1 warning"),
        (3, 2, "The portfolio did not build: 3 errors and 2 warnings"),
    ],
)
def test_serve_overlay_heading(errors: int, warnings: int, expected: str) -> None:
    from cmaltgen.codes import Severity
    from cmaltgen.diagnostics import Diagnostic
    from cmaltgen.serve.reload import _summary

    problems = [Diagnostic("x", "e")] * errors + [
        Diagnostic("x", "w", severity=Severity.WARNING)
    ] * warnings
    assert _summary(problems) == expected


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("xlsx", "'sheet.xlsx' is an Excel spreadsheet, which assessors may not be able to open"),
        ("docx", "'sheet.docx' is a Word document, which assessors may not be able to open"),
    ],
)
def test_office_format_warning_uses_the_right_article(
    tmp_portfolio: PortfolioFactory, kind: str, expected: str
) -> None:
    from tests.conftest import evidence

    item = evidence("1a").replace("  url: https://example.org/1a\n", f"  file: sheet.{kind}\n")
    root = tmp_portfolio({"1a/evidence.yml": item, f"1a/sheet.{kind}": b"PK\x03\x04"})
    result = run_build(root)
    found = [d.message for d in result.diagnostics if d.code == "proprietary-format"]
    assert found == [expected]


@pytest.mark.parametrize(
    ("pathway", "slot_todo"),
    [
        ("senior", "add an advanced area: leadership, policy or research impact"),
        ("cmalt", "add a specialist area"),
    ],
)
def test_check_names_a_missing_area_with_its_article(
    tmp_portfolio: PortfolioFactory, tmp_path: Path, pathway: str, slot_todo: str
) -> None:
    from cmaltgen.check import CheckOptions, check
    from tests.conftest import PORTFOLIO_YML, TODAY

    root = tmp_portfolio(
        {
            "portfolio.yml": PORTFOLIO_YML.replace("pathway: cmalt", f"pathway: {pathway}"),
            "specialist-oer/reflection.md": None,
            "specialist-oer/evidence.yml": None,
        }
    )
    report = check(root, CheckOptions(), today=TODAY)
    todos = [t for row in report.sections for t in row.todo]
    assert slot_todo in todos, todos
