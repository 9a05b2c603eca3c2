"""serve's watcher: which file changes start a rebuild."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from cmaltgen.serve.watcher import Watcher, is_ignored


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


def _changes(folder: Path, step: Callable[[], None], poll: bool = False) -> list[tuple[str, bool]]:
    """(file name, ends a save) for each change a real watcher reports while ``step`` runs."""
    seen: list[tuple[str, bool]] = []
    quiet = threading.Event()

    def note(path: Path, saved: bool) -> None:
        seen.append((path.name, saved))
        quiet.set()

    watcher = Watcher([folder], note, poll=poll)
    watcher.start()
    try:
        time.sleep(0.2)  # let inotify (or the first poll) take its snapshot
        step()
        assert quiet.wait(5), "no change reported"
        time.sleep(1.2 if poll else 0.3)  # the rest of the save's events
    finally:
        watcher.stop()
    return seen


def test_a_finished_save_is_told_apart_from_one_under_way(tmp_path: Path) -> None:
    """Closing a written file, or renaming one into place, ends a save (serve then waits
    only briefly); renaming the file away or truncating it does not."""
    target = tmp_path / "reflection.md"
    target.write_text("one", encoding="utf-8")
    written = _changes(tmp_path, lambda: target.write_text("two", encoding="utf-8"))
    assert written[-1] == ("reflection.md", True) and ("reflection.md", False) in written
    temp = tmp_path / ".reflection.md.swp"
    temp.write_text("three", encoding="utf-8")
    assert _changes(tmp_path, lambda: temp.replace(target)) == [("reflection.md", True)]
    backup = tmp_path / "reflection.md~"
    assert _changes(tmp_path, lambda: target.rename(backup)) == [("reflection.md", False)]
    backup.rename(target)
    assert _changes(tmp_path, lambda: os.truncate(target, 1)) == [("reflection.md", False)]


def test_polling_never_takes_a_change_for_a_finished_save(tmp_path: Path) -> None:
    target = tmp_path / "reflection.md"
    target.write_text("one", encoding="utf-8")
    seen = _changes(tmp_path, lambda: target.write_text("two!", encoding="utf-8"), poll=True)
    assert seen and all(saved is False for _, saved in seen)
