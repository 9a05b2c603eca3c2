"""What ``cmaltgen serve`` keeps from one hub build to the next, so a save is a small rebuild.

:class:`MemberMemo`: local members read last time, kept while their folder is unchanged, and
url members fetched in the last five minutes.
:class:`SearchMemo`: Pagefind bundles, kept by a digest of exactly what they index.
A plain ``cohort build`` keeps nothing: it reads every member and indexes everything once.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path
from typing import Any

from cmaltgen.diagnostics import Diagnostics
from cmaltgen.read import sources

FETCH_AGAIN = 300.0  # seconds before serve fetches a url member again

# What reading a local member gave: its manifest (or None), its sections' text, its problems.
_Read = tuple[dict[str, Any] | None, dict[str, str], Diagnostics]


class MemberMemo:
    """Local members kept between builds: one whose folder has not changed is not read again.
    "Not changed": the same files, each with the same size, modification time and inode."""

    def __init__(self) -> None:
        self._kept: dict[Path, tuple[tuple[Any, ...], _Read]] = {}
        self._used: set[Path] = set()
        self.read = 0  # members read (not taken from the memo) since this memo was made
        self._fetched: dict[str, tuple[float, Any]] = {}  # url members: when, what

    def fetched(self, urls: list[str]) -> dict[str, Any]:
        """What url members gave in the last FETCH_AGAIN seconds: a save does not wait again
        for a site that is slow or down."""
        now = time.monotonic()
        kept = {url: self._fetched.get(url) for url in urls}
        return {url: got[1] for url, got in kept.items() if got and now - got[0] < FETCH_AGAIN}

    def put_fetched(self, fetched: dict[str, Any]) -> None:
        now = time.monotonic()
        self._fetched.update({url: (now, got) for url, got in fetched.items()})

    def get(self, folder: Path, today: dt.date) -> tuple[tuple[Any, ...], _Read | None]:
        """The folder's state now, and what reading it gave if it was in that state then."""
        self._used.add(folder)
        state = (today, *_fingerprint(folder))  # taken before reading, so no change is missed
        kept = self._kept.get(folder)
        return state, (kept[1] if kept is not None and kept[0] == state else None)

    def put(self, folder: Path, state: tuple[Any, ...], found: _Read) -> None:
        self.read += 1
        self._kept[folder] = (state, found)

    def forget_unused(self) -> None:
        """Keep only the members the last build read."""
        self._kept = {f: k for f, k in self._kept.items() if f in self._used}
        self._used = set()


def _fingerprint(folder: Path) -> list[tuple[str, int, int, int]]:
    """Every file under ``folder`` (links followed for their target's state, not walked)."""
    found: list[tuple[str, int, int, int]] = []
    stack = [(folder, True)]
    while stack:
        where, top = stack.pop()
        try:
            entries = list(os.scandir(where))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name not in (".git", "node_modules") and not (
                        top and entry.name == sources.DEFAULT_OUTPUT
                    ):
                        stack.append((Path(entry.path), False))
                    continue
                info = entry.stat()
            except OSError:
                found.append((entry.path, -1, -1, -1))
                continue
            found.append((entry.path, info.st_size, info.st_mtime_ns, info.st_ino))
    found.sort()
    return found


class SearchMemo:
    """Bundles kept from one build to the next (``cmaltgen serve``), by what they index."""

    def __init__(self) -> None:
        self._kept: dict[str, dict[str, bytes]] = {}
        self._used: set[str] = set()
        self.runs = 0  # Pagefind runs since this memo was made

    def get(self, digest: str) -> dict[str, bytes] | None:
        self._used.add(digest)
        return self._kept.get(digest)

    def put(self, digest: str, files: dict[str, bytes]) -> None:
        self._used.add(digest)
        self._kept[digest] = files

    def forget_unused(self) -> None:
        """Keep only the bundles the last build used."""
        self._kept = {d: f for d, f in self._kept.items() if d in self._used}
        self._used = set()


class Memo:
    """Everything one ``cmaltgen serve`` keeps between hub builds (used by its build thread)."""

    def __init__(self) -> None:
        self.members = MemberMemo()
        self.search = SearchMemo()
