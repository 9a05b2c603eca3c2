"""The one atomic-write helper: a file or folder appears whole, or the old one stays."""

from __future__ import annotations

from pathlib import Path

import pytest

from cmaltgen import atomic


def test_write_bytes_replaces_the_file_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "cache.json"
    atomic.write_bytes(target, b"one")
    atomic.write_bytes(target, b"two")
    assert target.read_bytes() == b"two"
    assert sorted(p.name for p in target.parent.iterdir()) == ["cache.json"]


def test_a_failed_write_keeps_the_old_file_and_leaves_nothing_behind(tmp_path: Path) -> None:
    target = tmp_path / "site.zip"
    target.write_bytes(b"last good")
    (tmp_path / "blocker").mkdir()
    with pytest.raises(OSError):  # a folder cannot be replaced by a file
        atomic.write_bytes(tmp_path / "blocker", b"new")
    assert target.read_bytes() == b"last good"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blocker", "site.zip"]


def test_swap_folder_puts_the_new_folder_in_place_of_the_old(tmp_path: Path) -> None:
    dest = tmp_path / "_site"
    (dest / "old").mkdir(parents=True)
    staging = atomic.staging_folder(dest)
    (staging / "index.html").write_text("new", "utf-8")
    atomic.swap_folder(staging, dest)
    assert [p.name for p in dest.iterdir()] == ["index.html"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["_site"]


def test_a_failed_swap_puts_the_old_folder_back(tmp_path: Path) -> None:
    dest = tmp_path / "_site"
    (dest / "index.html").parent.mkdir(parents=True)
    (dest / "index.html").write_text("last good", "utf-8")
    staging = tmp_path / "missing-staging"  # replacing from a folder that is not there fails
    with pytest.raises(OSError):
        atomic.swap_folder(staging, dest)
    assert (dest / "index.html").read_text("utf-8") == "last good"
