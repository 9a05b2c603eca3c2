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


MARK = "mark-"  # files the test writes to learn where the watcher has got to


def _changes(folder: Path, step: Callable[[], None], poll: bool = False) -> list[tuple[str, bool]]:
    """(file name, ends a save) for each change a real watcher reports while ``step`` runs.

    No fixed waits: a mark file written after ``step`` is reported after every change that
    ``step`` made (the watcher reports changes in the order they happened), so once it is seen
    the list is complete; one written first shows that a native watcher has started."""
    seen: list[tuple[str, bool]] = []
    marks: dict[str, threading.Event] = {"start": threading.Event(), "end": threading.Event()}

    def note(path: Path, saved: bool) -> None:
        if path.name.startswith(MARK):
            marks[path.name.removeprefix(MARK)].set()
        else:
            seen.append((path.name, saved))

    def mark(name: str) -> None:
        (folder / f"{MARK}{name}").write_text(name, encoding="utf-8")
        assert marks[name].wait(5), f"the watcher never reported the {name} mark"

    watcher = Watcher([folder], note, poll=poll)
    watcher.start()
    try:
        if not poll:  # polling takes its first snapshot in start(); a native watcher may lag
            mark("start")
        step()
        deadline = time.monotonic() + 5
        while not seen and time.monotonic() < deadline:
            time.sleep(0.01)
        assert seen, "no change reported"
        mark("end")  # after the first change, so a poll reports it after all of step's
    finally:
        watcher.stop()
        for name in marks:
            (folder / f"{MARK}{name}").unlink(missing_ok=True)
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
