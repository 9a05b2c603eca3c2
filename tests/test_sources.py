"""Collecting the portfolio's files and locating the files it names."""

from __future__ import annotations

from pathlib import Path

from cmaltgen.read.sources import collect, resolve_local, resolved_once
from tests.conftest import PortfolioFactory, formatted, run_build, symlink_or_skip


def test_collect_skips_output_hidden_and_template_folders(tmp_portfolio: PortfolioFactory) -> None:
    root = tmp_portfolio(
        {
            "_site/x/reflection.md": "---\nsection: 1a\n---\n",
            ".git/y/reflection.md": "---\nsection: 1a\n---\n",
            "templates/reflection.md": "---\nsection: 1a\n---\n",
        }
    )
    names = [s.folder.name for s in collect(root).sections]
    assert "_site" not in names and ".git" not in names and "templates" not in names
    assert "1a" in names


def test_resolve_local_refuses_escapes_and_symlinks_out(tmp_path: Path) -> None:
    root = tmp_path / "p"
    (root / "a").mkdir(parents=True)
    (tmp_path / "secret.txt").write_text("s", encoding="utf-8")
    symlink_or_skip(root / "a" / "link.txt", tmp_path / "secret.txt")
    (root / "a" / "ok.txt").write_text("ok", encoding="utf-8")
    assert resolve_local(root, root / "a", "ok.txt") == (root / "a" / "ok.txt", None)
    assert resolve_local(root, root / "a", "../../secret.txt") == (None, "outside")
    assert resolve_local(root, root / "a", "link.txt") == (None, "outside")
    assert resolve_local(root, root / "a", "nope.txt") == (None, "missing")
    assert resolve_local(root, root, "a") == (None, "folder")


def test_resolve_local_remembers_its_answers_within_one_build_only(tmp_path: Path) -> None:
    root = tmp_path / "p"
    root.mkdir()
    assert resolve_local(root, root, "late.txt") == (None, "missing")
    (root / "late.txt").write_text("x", encoding="utf-8")
    assert resolve_local(root, root, "late.txt") == (root / "late.txt", None)  # seen again
    with resolved_once():
        assert resolve_local(root, root, "late.txt") == (root / "late.txt", None)
        (root / "late.txt").unlink()
        # a build looks each file up once: what it found at the start holds throughout
        assert resolve_local(root, root, "late.txt") == (root / "late.txt", None)
        with resolved_once():  # a build inside a build (a frozen edition) looks for itself
            assert resolve_local(root, root, "late.txt") == (None, "missing")
    assert resolve_local(root, root, "late.txt") == (None, "missing")


def test_symlinked_evidence_leaving_the_portfolio_is_an_error(
    tmp_portfolio: PortfolioFactory, tmp_path: Path
) -> None:
    (tmp_path / "private.pdf").write_bytes(b"%PDF-1.4 private")
    root = tmp_portfolio(
        {
            "1a/evidence.yml": "- {id: ev-1a, title: R, type: document, date: 2025-06-01, "
            "file: report.pdf, shows: It}\n"
        }
    )
    symlink_or_skip(root / "1a" / "report.pdf", tmp_path / "private.pdf")
    result = run_build(root)
    assert any(
        line.startswith("1a/evidence.yml:1:65: error evidence-file-outside: 'report.pdf'")
        for line in formatted(result)
    ), formatted(result)
    assert not (root / "_site").exists()


def test_a_portfolio_reached_through_a_symlink_builds_with_its_local_files(
    tmp_portfolio: PortfolioFactory, tmp_path: Path
) -> None:
    root = tmp_portfolio(
        {
            "1a/evidence.yml": "- {id: ev-1a, title: R, type: document, date: 2025-06-01, "
            "file: report.pdf, shows: It}\n",
            "1a/report.pdf": b"%PDF-1.4 mine",
        }
    )
    linked = tmp_path / "linked"
    symlink_or_skip(linked, root, is_dir=True)
    result = run_build(linked, output=tmp_path / "site")
    assert result.ok, formatted(result)
    assert (tmp_path / "site" / "files" / "1a" / "report.pdf").read_bytes() == b"%PDF-1.4 mine"


def test_collect_skips_a_linked_folder_that_is_the_output_and_keeps_other_links(
    tmp_portfolio: PortfolioFactory, tmp_path: Path
) -> None:
    """Only links need resolving to know a folder is not the output: a folder linked to the
    output is left out, one linked to a section elsewhere is read."""
    root = tmp_portfolio({})
    output = tmp_path / "site-out"
    (output / "x").mkdir(parents=True)
    (output / "x" / "reflection.md").write_text("---\nsection: 1a\n---\n", "utf-8")
    elsewhere = tmp_path / "shared-1b"
    elsewhere.mkdir()
    (elsewhere / "reflection.md").write_text("---\nsection: 1b\n---\n", "utf-8")
    symlink_or_skip(root / "built", output, is_dir=True)
    symlink_or_skip(root / "zz-linked", elsewhere, is_dir=True)
    (root / "built" / "reflection.md").write_text("---\nsection: 1a\n---\n", "utf-8")
    names = [s.folder.name for s in collect(root, output).sections]
    assert "built" not in names and "zz-linked" in names and "1a" in names
    assert "built" in [s.folder.name for s in collect(root).sections]  # no output given
