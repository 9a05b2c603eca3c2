"""Parsing sections, and the parse cache that serve keeps between builds: a cached build must
be indistinguishable from an uncached one."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cmaltgen.build import build
from cmaltgen.documents import ParseCache
from tests.conftest import EXAMPLE, TODAY, PortfolioFactory, formatted


def copy_example(tmp_path: Path) -> Path:
    root = tmp_path / "portfolio"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns("_site"))
    return root


def pages(root: Path, cache: ParseCache | None, today: dt.date = TODAY) -> dict[str, bytes]:
    result = build(root, write=False, today=today, cache=cache)
    assert result.rendered is not None, formatted(result)
    return dict(result.rendered.pages)


def test_a_second_build_parses_nothing_and_gives_the_same_site(tmp_path: Path) -> None:
    root = copy_example(tmp_path)
    files = len(list(root.glob("*/reflection.md"))) + len(list(root.glob("*/evidence.yml")))
    cache = ParseCache()
    first = pages(root, cache)
    assert cache.parsed == files
    again = pages(root, cache)
    assert cache.parsed == files  # nothing parsed the second time
    assert again == first == pages(root, None)


def test_only_the_edited_file_is_parsed_again_and_the_edit_shows(tmp_path: Path) -> None:
    root = copy_example(tmp_path)
    cache = ParseCache()
    pages(root, cache)
    before = cache.parsed
    reflection = next(root.glob("2b-*/reflection.md"))
    text = reflection.read_text(encoding="utf-8")
    reflection.write_text(text.replace("## Reflection", "A new sentence.\n\n## Reflection", 1))
    built = pages(root, cache)
    assert cache.parsed == before + 1
    assert b"A new sentence." in built["2b/index.html"]
    assert built == pages(root, None)


def test_an_edit_that_keeps_the_size_is_still_seen(tmp_path: Path) -> None:
    """Content, not modification time or size, decides: two quick saves of equal length."""
    root = copy_example(tmp_path)
    cache = ParseCache()
    reflection = next(root.glob("2b-*/reflection.md"))
    text = reflection.read_text(encoding="utf-8")
    reflection.write_text(text.replace("## Reflection", "Version AAAA.\n\n## Reflection", 1))
    assert b"Version AAAA." in pages(root, cache)["2b/index.html"]
    reflection.write_text(text.replace("## Reflection", "Version BBBB.\n\n## Reflection", 1))
    assert b"Version BBBB." in pages(root, cache)["2b/index.html"]


def test_what_a_cached_file_reported_is_reported_again(tmp_portfolio: PortfolioFactory) -> None:
    root = tmp_portfolio({"1a/reflection.md": "---\nsection: 1a\ncolour: blue\n---\n"})
    cache = ParseCache()
    first = formatted(build(root, write=False, today=TODAY, cache=cache))
    parsed = cache.parsed
    second = formatted(build(root, write=False, today=TODAY, cache=cache))
    assert cache.parsed == parsed
    assert any("1a/reflection.md:3:1: warning unknown-key" in line for line in first), first
    assert second == first == formatted(build(root, write=False, today=TODAY))


def test_a_new_day_parses_again_for_dates_in_the_future(tmp_portfolio: PortfolioFactory) -> None:
    root = tmp_portfolio(
        {
            "1a/evidence.yml": "- {id: ev-1a, title: R, type: document, date: 2026-11-05, "
            "url: 'https://example.org/r', shows: It}\n"
        }
    )
    cache = ParseCache()
    early = build(root, write=False, today=TODAY, cache=cache)
    assert any("error future-date" in line for line in formatted(early)), formatted(early)
    later = build(root, write=False, today=dt.date(2026, 11, 6), cache=cache)
    assert later.ok, formatted(later)


def test_deleted_and_unreadable_files_are_not_served_from_the_cache(tmp_path: Path) -> None:
    root = copy_example(tmp_path)
    cache = ParseCache()
    pages(root, cache)
    evidence = next(root.glob("3a-*/evidence.yml"))
    evidence.unlink()
    result = build(root, write=False, today=TODAY, cache=cache)
    assert formatted(result) == formatted(build(root, write=False, today=TODAY))
    assert not result.ok  # its items are cited, so the citations are now errors
    reflection = next(root.glob("3a-*/reflection.md"))
    reflection.write_bytes(b"\x00binary")
    result = build(root, write=False, today=TODAY, cache=cache)
    assert any("error file-encoding" in line for line in formatted(result)), formatted(result)


# ------------------------------------------------- parses kept between runs (cache folder)


def fresh_cache_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> Path:
    folder = tmp_path / name
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    return folder / "cmaltgen" / "parsed"


def test_a_new_run_reads_unchanged_parses_from_the_cache_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_example(tmp_path)
    files = len(list(root.glob("*/reflection.md"))) + len(list(root.glob("*/evidence.yml")))
    kept = fresh_cache_folder(tmp_path, monkeypatch, "cache")
    first_run = ParseCache()
    first = pages(root, first_run)
    assert first_run.parsed == files
    assert len(list(kept.glob("*.pickle"))) == files + 1  # and portfolio.yml
    second_run = ParseCache()  # what a new process starts with
    assert pages(root, second_run) == first
    assert second_run.parsed == 0
    fresh_cache_folder(tmp_path, monkeypatch, "empty")
    assert pages(root, None) == first  # the same site, everything parsed afresh


def test_a_new_run_parses_a_changed_file_and_every_file_on_a_new_day(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_example(tmp_path)
    files = len(list(root.glob("*/reflection.md"))) + len(list(root.glob("*/evidence.yml")))
    fresh_cache_folder(tmp_path, monkeypatch, "cache")
    pages(root, None)
    reflection = next(root.glob("2b-*/reflection.md"))
    text = reflection.read_text(encoding="utf-8")
    reflection.write_text(text.replace("## Reflection", "A new sentence.\n\n## Reflection", 1))
    run = ParseCache()
    built = pages(root, run)
    assert run.parsed == 1 and b"A new sentence." in built["2b/index.html"]
    run = ParseCache()
    pages(root, run, today=TODAY + dt.timedelta(days=1))
    assert run.parsed == files


def test_what_a_kept_parse_reported_is_reported_in_a_new_run(
    tmp_portfolio: PortfolioFactory,
) -> None:
    root = tmp_portfolio(
        {
            "portfolio.yml": "pathway: cmalt\ncolour: blue\ncandidate: {name: Sam}\n",
            "1a/reflection.md": "---\nsection: 1a\ncolour: blue\n---\n",
        }
    )
    first = formatted(build(root, write=False, today=TODAY))
    run = ParseCache()
    second = formatted(build(root, write=False, today=TODAY, cache=run))
    assert run.parsed == 0
    assert any("1a/reflection.md:3:1: warning unknown-key" in line for line in first), first
    assert any("portfolio.yml:2:1: warning unknown-key" in line for line in first), first
    assert second == first


def test_broken_kept_parses_are_parsed_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_example(tmp_path)
    files = len(list(root.glob("*/reflection.md"))) + len(list(root.glob("*/evidence.yml")))
    kept = fresh_cache_folder(tmp_path, monkeypatch, "cache")
    first = pages(root, None)
    entries = sorted(kept.glob("*.pickle"))
    contents = [entry.read_bytes() for entry in entries]
    for n, entry in enumerate(entries):  # emptied, cut short, or holding another file's entry
        other = contents[(n + 1) % len(contents)]
        entry.write_bytes(contents[n][: 40 * (n % 3)] if n % 4 else other)
    run = ParseCache()
    assert pages(root, run) == first
    assert run.parsed == files


def test_a_build_in_another_process_leaves_parses_for_the_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_example(tmp_path)
    fresh_cache_folder(tmp_path, monkeypatch, "cache")
    done = subprocess.run(
        [sys.executable, "-m", "cmaltgen", "build", str(root)],
        capture_output=True,
        text=True,
        check=False,
        env=os.environ,
    )
    assert done.returncode == 0, done.stderr
    run = ParseCache()
    result = build(root, write=False, today=dt.date.today(), cache=run)  # the process's day
    assert run.parsed == 0 and result.rendered is not None
    for name, data in result.rendered.pages.items():
        if name.endswith(".html"):
            assert (root / "_site" / name).read_bytes() == data, name


@pytest.mark.skipif(sys.platform != "linux", reason="other systems refuse such names")
def test_a_folder_name_that_is_not_utf8_is_a_located_error(tmp_path: Path) -> None:
    """Linux allows any bytes in a file name; Python hands them over as surrogates, which
    can be parsed and kept but not put into a web address."""
    root = copy_example(tmp_path)
    folder = next(root.glob("1a-*"))
    folder.rename(os.fsdecode(os.fsencode(folder) + b"-caf\xe9"))
    first = build(root, write=False, today=TODAY, cache=ParseCache())
    lines = formatted(first)
    assert any(
        "-caf\\xe9: error name-encoding: the folder name" in line and "is not UTF-8" in line
        for line in lines
    ), lines
    again = ParseCache()
    assert formatted(build(root, write=False, today=TODAY, cache=again)) == lines
    assert again.parsed == 0  # its files were parsed and kept all the same
    done = subprocess.run(
        [sys.executable, "-m", "cmaltgen", "build", str(root)],
        capture_output=True,
        check=False,
        env=os.environ,
    )
    assert done.returncode == 1
    assert b"error name-encoding" in done.stderr and b"Traceback" not in done.stderr
