"""YAML with locations: lines and raw text kept, aliases, tags and deep nesting refused."""

from __future__ import annotations

import time
from pathlib import Path

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
    assert diag.code == "yaml-syntax" and diag.line == 3


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
