"""Collecting the portfolio's files and locating the files it names."""

from __future__ import annotations

from pathlib import Path

import pytest

from cmaltgen.read.sources import collect, resolve_local, resolved_once
from tests.conftest import (
    PortfolioFactory,
    evidence,
    formatted,
    reflection,
    run_build,
    symlink_or_skip,
    write_files,
)


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


def test_a_misnamed_reflection_or_a_sync_copy_is_named_with_how_to_fix_it(
    tmp_portfolio: PortfolioFactory,
) -> None:
    """A folder whose reflection.md is saved under another name is no section: its files
    are named, with the rename; copies from OneDrive/Dropbox are named as copies; macOS's
    ._ files and Word's ~$ lock files are left alone."""
    root = tmp_portfolio(
        {
            "1b/reflection.md": None,
            "1b/reflection.md.txt": "---\nsection: 1b\n---\n",
            "1c/reflection.md": None,
            "1c/Reflection.docx": b"PK\x03\x04",
            "2a/reflection (1).md": "old copy\n",
            "2a/evidence-LAPTOP-AB12.yml": "[]\n",
            "2a/._reflection.md": b"\x00\x05\x16\x07",
            "2a/~$flection.docx": b"lock",
            "notes/ideas.md": "Ideas\n",
            "reflection.md": "---\nsection: 2b\n---\n",
            "portfolio (1).yml": "pathway: cmalt\n",
        }
    )
    lines = [line for line in formatted(run_build(root)) if "stray-file" in line]
    hints = {line.split(":")[0]: line.split("\n    hint: ")[1] for line in lines}
    assert lines[0].startswith(  # the section's text first: it is the cause
        "1b/reflection.md.txt: error stray-file: cmaltgen does not read reflection.md.txt: its "
        "folder, 1b/, has no reflection.md, so it is not a section"
    ), lines
    assert any(
        line.startswith(
            "1b/evidence.yml: warning stray-file: cmaltgen does not read evidence.yml: its "
            "folder, 1b/, has no reflection.md, so it is not a section"
        )
        for line in lines
    ), lines
    assert hints == {
        "1b/evidence.yml": "give the folder its reflection.md, or move evidence.yml to the "
        "section folder whose evidence it is",
        "1b/reflection.md.txt": "rename it to reflection.md: the .txt ending may be hidden (in "
        "Windows File Explorer, View > File name extensions shows it)",
        "1c/Reflection.docx": "cmaltgen reads plain text, not word-processor files: save the "
        "text as reflection.md (Markdown), or start from Word with cmaltgen import",
        "1c/evidence.yml": "give the folder its reflection.md, or move evidence.yml to the "
        "section folder whose evidence it is",
        "2a/evidence-LAPTOP-AB12.yml": "it looks like a copy of evidence.yml (made by you, or "
        "by OneDrive or Dropbox when two versions clashed); cmaltgen reads only evidence.yml: "
        "move what you need into it, then delete this copy",
        "2a/reflection (1).md": hints.get("2a/evidence-LAPTOP-AB12.yml", "").replace(
            "evidence.yml", "reflection.md"
        ),
        "notes/ideas.md": "if the folder is a section, name its text reflection.md; to keep "
        "notes that cmaltgen skips, start the folder's name with _ (e.g. _notes)",
        "portfolio (1).yml": hints.get("2a/evidence-LAPTOP-AB12.yml", "").replace(
            "evidence.yml", "portfolio.yml"
        ),
        "reflection.md": "cmaltgen reads reflection.md only in a section folder: move it into one",
    }
    assert "2a/._reflection.md" not in hints and "2a/~$flection.docx" not in hints


@pytest.mark.parametrize(
    ("files", "where", "hint"),
    [
        (
            {"portfolio.yml": None, "portfolio.yml.txt": "x"},
            ".",
            "rename portfolio.yml.txt to portfolio.yml (Windows may hide its .txt ending)",
        ),
        (
            {"portfolio.yml": None, "Portfolio.yaml": "x"},
            ".",
            "rename Portfolio.yaml to portfolio.yml",
        ),
        (
            {},
            "1a",
            "this folder is inside the portfolio portfolio: give the portfolio's path, "
            "cmaltgen build ..",
        ),
        ({}, "..", "the folder portfolio holds one: cmaltgen build portfolio"),
    ],
)
def test_no_portfolio_yml_says_where_it_may_be(
    tmp_portfolio: PortfolioFactory,
    monkeypatch: pytest.MonkeyPatch,
    files: dict[str, str | None],
    where: str,
    hint: str,
) -> None:
    """Run in the wrong folder, or with portfolio.yml misnamed: the hint says what to do."""
    folder = (tmp_portfolio(files) / where).resolve()
    monkeypatch.chdir(folder)
    result = run_build(Path())
    message = next(line for line in formatted(result) if "file-missing" in line)
    assert message == (
        "portfolio.yml: error file-missing: there is no portfolio.yml in this folder, so it is "
        f"not a portfolio\n    hint: {hint}"
    )


def test_an_evidence_list_with_a_hidden_txt_ending_is_named_and_a_second_one_is_a_copy(
    tmp_portfolio: PortfolioFactory,
) -> None:
    root = tmp_portfolio(
        {
            "2b/evidence.yml": None,
            "2b/evidence.yml.txt": evidence("2b"),
            "2a/evidence.yaml": evidence("2a"),
        }
    )
    lines = [line for line in formatted(run_build(root)) if "stray-file" in line]
    assert lines == [
        "2a/evidence.yaml: warning stray-file: cmaltgen does not read evidence.yaml here\n"
        "    hint: it looks like a copy of evidence.yml (made by you, or by OneDrive or "
        "Dropbox when two versions clashed); cmaltgen reads only evidence.yml: move what you "
        "need into it, then delete this copy",
        "2b/evidence.yml.txt: warning stray-file: cmaltgen does not read evidence.yml.txt "
        "here\n    hint: rename it to evidence.yml: the .txt ending may be hidden (in Windows "
        "File Explorer, View > File name extensions shows it)",
    ]


def test_a_section_folder_one_level_too_deep_is_named_with_where_to_move_it(
    tmp_portfolio: PortfolioFactory,
) -> None:
    root = tmp_portfolio({"2b/reflection.md": None, "2b/evidence.yml": None})
    (root / "core-areas").mkdir()
    write_files(root / "core-areas", {"2b/reflection.md": reflection("2b")})
    lines = formatted(run_build(root))
    assert (
        "core-areas/2b/reflection.md: warning stray-file: this section is not read: cmaltgen "
        "looks for section folders directly in the portfolio folder, not inside core-areas/\n"
        "    hint: move the folder 2b out of core-areas/, up into the portfolio folder"
    ) in lines, lines


def test_a_sections_text_under_another_name_is_the_first_error_listed(
    tmp_portfolio: PortfolioFactory,
) -> None:
    """reflection.txt (saved so from Notepad or Word) made 1b no section: the errors that
    follow from it (a missing section, evidence cited from elsewhere) came first, and the
    cause, the one that says what to rename, was a warning further down."""
    root = tmp_portfolio(
        {
            "1b/reflection.md": None,
            "1b/reflection.txt": reflection("1b"),
            "notes/reflection-ideas.md": "Ideas\n",  # not plainly a section's text
        }
    )
    lines = formatted(run_build(root))
    assert any(line.startswith("notes/reflection-ideas.md: warning stray-file") for line in lines)
    errors = [line for line in lines if " error " in line]
    assert errors[0] == (
        "1b/reflection.txt: error stray-file: cmaltgen does not read reflection.txt: its folder, "
        "1b/, has no reflection.md, so it is not a section\n"
        "    hint: rename it to reflection.md"
    ), lines
    assert any("error missing-section" in line for line in errors[1:]), lines
