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
from cmaltgen.read.documents import ParseCache
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


def test_what_a_kept_parse_reported_is_reported_again(tmp_portfolio: PortfolioFactory) -> None:
    root = tmp_portfolio(
        {
            "portfolio.yml": "pathway: cmalt\ncolour: blue\ncandidate: {name: Sam}\n",
            "1a/reflection.md": "---\nsection: 1a\ncolour: blue\n---\n",
        }
    )
    run = ParseCache()
    first = formatted(build(root, write=False, today=TODAY, cache=run))
    parsed = run.parsed
    second = formatted(build(root, write=False, today=TODAY, cache=run))
    assert run.parsed == parsed  # nothing parsed the second time
    assert any("1a/reflection.md:3:1: warning unknown-key" in line for line in first), first
    assert second == first


@pytest.mark.skipif(sys.platform != "linux", reason="other systems refuse such names")
def test_a_folder_name_that_is_not_utf8_is_a_located_error(tmp_path: Path) -> None:
    """Linux allows any bytes in a file name; Python hands them over as surrogates, which
    can be parsed and kept but not put into a web address."""
    root = copy_example(tmp_path)
    folder = next(root.glob("1a-*"))
    folder.rename(os.fsdecode(os.fsencode(folder) + b"-caf\xe9"))
    again = ParseCache()
    first = build(root, write=False, today=TODAY, cache=again)
    lines = formatted(first)
    assert any(
        "-caf\\xe9: error name-encoding: the folder name" in line and "is not UTF-8" in line
        for line in lines
    ), lines
    parsed = again.parsed
    assert formatted(build(root, write=False, today=TODAY, cache=again)) == lines
    assert again.parsed == parsed  # its files were parsed and kept all the same
    done = subprocess.run(
        [sys.executable, "-m", "cmaltgen", "build", str(root)],
        capture_output=True,
        check=False,
        env=os.environ,
    )
    assert done.returncode == 1
    assert b"error name-encoding" in done.stderr and b"Traceback" not in done.stderr
