"""Reading the portfolio's files safely: too large, not a file, empty, CRLF and BOM."""

from __future__ import annotations

from pathlib import Path

from cmaltgen.diagnostics import Diagnostics
from cmaltgen.read.safe_read import MAX_TEXT_BYTES, read_text, split_front_matter
from tests.conftest import PortfolioFactory, formatted, run_build


def test_huge_file_is_refused_without_reading_it(tmp_portfolio: PortfolioFactory) -> None:
    root = tmp_portfolio({"1a/reflection.md": "x" * (MAX_TEXT_BYTES + 1)})
    shown = formatted(run_build(root, write=False))
    assert any(
        line.startswith("1a/reflection.md: error file-too-large: this file is") for line in shown
    )


def test_unreadable_file_is_reported(tmp_portfolio: PortfolioFactory) -> None:
    root = tmp_portfolio({"1a/reflection.md": None})
    (root / "1a" / "reflection.md").mkdir()  # a folder where a file should be
    shown = formatted(run_build(root, write=False))
    assert any(line.startswith("1a/reflection.md: error file-unreadable") for line in shown)


def test_empty_evidence_file_means_no_evidence(tmp_path: Path) -> None:
    path = tmp_path / "evidence.yml"
    path.write_text("# nothing yet\n", encoding="utf-8")
    diags = Diagnostics()
    assert read_text(path, diags, allow_empty=True) == "# nothing yet\n"
    assert len(diags) == 0


def test_crlf_and_bom_are_normalised(tmp_path: Path) -> None:
    path = tmp_path / "r.md"
    path.write_bytes(b"\xef\xbb\xbf---\r\nsection: 1a\r\n---\r\nBody\r\n")
    text = read_text(path, Diagnostics())
    assert text == "---\nsection: 1a\n---\nBody\n"


def test_front_matter_split_reports_body_line() -> None:
    front, body, line = split_front_matter("---\nsection: 1a\ntitle: x\n---\n# Hi\n")
    assert front == "section: 1a\ntitle: x" and body == "# Hi\n" and line == 5
    assert split_front_matter("# no front matter")[0] is None
    assert split_front_matter("---\nsection: 1a\n") == ("", "", 3)
