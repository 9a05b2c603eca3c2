"""YAML with locations: lines and raw text kept, aliases, tags and deep nesting refused."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from cmaltgen.diagnostics import Diagnostics
from cmaltgen.read.located_yaml import load_yaml
from tests.conftest import PortfolioFactory, formatted, run_build


def test_yaml_values_keep_their_lines_and_raw_text(tmp_path: Path) -> None:
    diags = Diagnostics()
    loaded = load_yaml("a: 1\nb:\n  - x\n  - 2026-01-02\nc: no\n", tmp_path / "f.yml", diags)
    assert loaded is not None
    data, marks = loaded
    assert data["b"][1].isoformat() == "2026-01-02"
    assert marks.at(("b", 1)) == (4, 5)
    assert marks.key_at(("c",)) == (5, 1)
    assert marks.raw(("c",)) == "no"  # the Norway problem: the raw text is kept
    assert len(diags) == 0


def test_line_offset_is_added_for_front_matter(tmp_path: Path) -> None:
    diags = Diagnostics()
    assert load_yaml("a: [1\n", tmp_path / "r.md", diags, line_offset=1) is None
    (diag,) = list(diags)
    assert diag.code == "yaml-syntax" and (diag.line, diag.col) == (2, 4)  # at the open [


def test_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 30)]
    diags = Diagnostics()
    started = time.perf_counter()
    assert load_yaml("\n".join(lines), tmp_path / "bomb.yml", diags) is None
    assert time.perf_counter() - started < 5  # a guard against a hang, not a speed test
    (diag,) = list(diags)
    assert (diag.code, diag.line, diag.col) == ("yaml-alias", 2, 10)


def test_deep_nesting_is_refused(tmp_path: Path) -> None:
    diags = Diagnostics()
    assert load_yaml("[" * 60 + "1" + "]" * 60, tmp_path / "deep.yml", diags) is None
    (diag,) = list(diags)
    assert diag.code == "yaml-too-deep" and diag.line == 1


def test_nesting_too_deep_in_a_portfolio_is_located(tmp_portfolio: PortfolioFactory) -> None:
    root = tmp_portfolio({"3b/evidence.yml": "[" * 40 + "1" + "]" * 40 + "\n"})
    shown = formatted(run_build(root, write=False))
    assert any(line.startswith("3b/evidence.yml:1:34: error yaml-too-deep") for line in shown)


def test_text_values_are_as_yaml_unquoted_them_and_errors_keep_their_lines(
    tmp_path: Path,
) -> None:
    """Text is taken as the scalar YAML read (quotes, escapes, folding and ``!!str`` done by
    YAML itself); other types are still constructed, and a bad one is reported where it is."""
    text = (
        "plain: some words\n"
        'quoted: "tab\\there \\u00e9"\n'
        "single: 'it''s'\n"
        "folded: >-\n  one\n  two\n"
        "forced: !!str 123\n"
        "number: 12\n"
        "flag: yes\n"
        "when: 2025-02-30\n"
    )
    diags = Diagnostics()
    assert load_yaml(text, tmp_path / "f.yml", diags, line_offset=2) is None
    (diag,) = list(diags)
    assert (diag.code, diag.line, diag.col) == ("invalid-date", 12, 7)
    loaded = load_yaml(text.replace("2025-02-30", "2025-02-28"), tmp_path / "f.yml", diags)
    assert loaded is not None
    data, marks = loaded
    assert data == {
        "plain": "some words",
        "quoted": "tab\there é",
        "single": "it's",
        "folded": "one two",
        "forced": "123",
        "number": 12,
        "flag": True,
        "when": data["when"],
    }
    assert data["when"].isoformat() == "2025-02-28"
    assert marks.at(("folded",)) == (4, 9) and marks.at(("forced",)) == (7, 9)
    assert marks.raw(("quoted",)) == "tab\there é"


@pytest.mark.parametrize(
    ("line", "where", "hint"),
    [
        (
            "  title: *important* appraisal",
            (2, 10),
            "text that starts with '*' is not read as "
            "text; put it in quotes: title: '*important* appraisal'",
        ),
        (
            "  title: @work appraisal",
            (2, 10),
            "text that starts with '@' is not read as text; "
            "put it in quotes: title: '@work appraisal'",
        ),
        (
            "  title: - appraisal",
            (2, 10),
            "text that starts with '-' is not read as text; put it in quotes: title: '- appraisal'",
        ),
        (
            "  title: &copy report",
            (2, 10),
            "text that starts with '&' is not read as text; "
            "put it in quotes: title: '&copy report'",
        ),
        (
            '  title: "He said "yes" to it"',
            (2, 10),
            'the value ends at the next ", so the '
            "text after it cannot be read: put the whole value in the other kind of quotes, "
            "title: 'He said \"yes\" to it'",
        ),
        (
            '  title: "Unclosed quote',
            (2, 10),
            'the " that starts this value is not closed: end the value with " on this line',
        ),
        (
            '  file: "C:\\Users\\rowan\\x.pdf"',
            (2, 9),
            'inside "double quotes" a \\ starts a '
            "special character: write folders with / instead, or put the value in 'single "
            "quotes'",
        ),
        (
            "   title: appraisal",
            (2, 4),
            "'title:' is indented more than 'id:' on the line "
            "above, so YAML reads it as more of that value: start it in the same column (3), "
            "with spaces",
        ),
        (
            '  title: Rowan\'s "best" work: a review',
            (2, 29),
            "a value that contains ': ' must "
            'be put in quotes: title: "Rowan\'s \\"best\\" work: a review"',
        ),
        (
            "\ttitle: appraisal",
            (2, 1),
            "YAML indentation must use spaces, not tabs: replace the tab at the start of this "
            "line with spaces",
        ),
        (
            "  supports: [1a, 2a",
            (2, 13),
            "the [ here is not closed: end it with ] on this line, e.g. [1a, 2a]",
        ),
    ],
)
def test_a_yaml_slip_is_located_with_the_line_to_write(
    tmp_path: Path, line: str, where: tuple[int, int], hint: str
) -> None:
    """Special first characters, quotes inside quotes, a quote left open, a backslash in
    double quotes and an indented key each get their place and what to write, not only
    PyYAML's words; an anchor (&copy) no longer silently drops its word from the value."""
    text = f'- id: a\n{line}\n  type: document\n- id: b\n  title: "Blog: x"\n'
    diags = Diagnostics()
    assert load_yaml(text, tmp_path / "evidence.yml", diags) is None
    (diag,) = list(diags)
    assert (diag.line, diag.col, diag.hint) == (*where, hint)
    assert diag.code in ("yaml-syntax", "yaml-alias")


def test_ampersands_in_text_are_text(tmp_path: Path) -> None:
    text = "- title: Q&A session & more\n  shows: R&D, T&L\n"
    loaded = load_yaml(text, tmp_path / "evidence.yml", Diagnostics())
    assert loaded is not None
    assert loaded[0] == [{"title": "Q&A session & more", "shows": "R&D, T&L"}]


def test_a_value_cut_short_by_a_hash_is_a_located_warning(tmp_path: Path) -> None:
    """'title: Report #2 final' reads 'Report': the rest silently vanished from the site."""
    text = (
        "- id: a\n"
        "  title: Lesson plan #2 final\n"
        "  date: 2026-01-31   # a real comment\n"
        "  url: https://example.org/page#part\n"
        "  shows: 'Quoted #3'\n"
    )
    diags = Diagnostics()
    loaded = load_yaml(text, tmp_path / "evidence.yml", diags, line_offset=3)
    assert loaded is not None and loaded[0][0]["title"] == "Lesson plan"
    assert [d.format(base=tmp_path) for d in diags] == [
        "evidence.yml:5:22: warning yaml-comment: '#2 final' is read as a comment (# after a "
        "space starts one), so the value is only 'Lesson plan'\n"
        "    hint: put the whole value in quotes: title: 'Lesson plan #2 final'"
    ]
