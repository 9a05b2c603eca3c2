"""serve's watcher: which file changes start a rebuild."""

from __future__ import annotations

from pathlib import Path

import pytest

from cmaltgen.serve.watcher import is_ignored


@pytest.mark.parametrize(
    ("rel", "ignored"),
    [
        ("1a/reflection.md", False),
        ("portfolio.yml", False),
        ("templates/base.html", False),
        ("1a/.reflection.md.swp", True),
        ("1a/reflection.md~", True),
        ("1a/4913", True),
        ("1a/#reflection.md#", True),
        ("1a/.#reflection.md", True),
        ("1a/reflection.md___jb_old___", True),
        ("1a/x.tmp", True),
        ("1a/.~lock.report.docx#", True),
        ("_site/index.html", True),
        ("_anything/deep/file.md", True),
        (".git/index", True),
    ],
)
def test_is_ignored(rel: str, ignored: bool) -> None:
    base = Path("/p")
    assert is_ignored(base / rel, base) is ignored


def test_output_and_hidden_folders_are_ignored_but_new_sections_are_not() -> None:
    base = Path("/p")
    assert is_ignored(base / "_site", base, is_directory=True)
    assert is_ignored(base / ".git", base, is_directory=True)
    assert not is_ignored(base / "specialist-oer", base, is_directory=True)
    assert not is_ignored(base / "1a" / "_notes.md", base)  # read (as a stray file warning)
