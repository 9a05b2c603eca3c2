"""Addresses inside the output folder: where a portfolio file is published, and the relative
link from one page to another.

Every URL the site structure decides is a path inside the output folder (``1a/index.html``);
pages link to each other with relative URLs, so one build works at a domain root, under a
sub-path and opened from disk.
"""

from __future__ import annotations

import functools
import posixpath
import re
from pathlib import Path
from urllib.parse import quote

from cmaltgen.read.sources import real_path

FILES_DIR = "files"


def relative_url(from_page: str, to_path: str, *, anchors: bool = True) -> str:
    """A URL that leads from output page ``from_page`` to output path ``to_path``.

    ``evidence/index.html#ev-x`` keeps its anchor; with ``anchors=False`` (a published file,
    whose name may hold a ``#``) the whole path is the file's. Each part is percent-encoded.
    """
    anchor = ""
    if anchors and "#" in to_path:
        to_path, anchor = to_path.split("#", 1)
        anchor = "#" + anchor
    if not to_path:
        return anchor or "#"
    return _relative(posixpath.dirname(from_page), to_path) + anchor


@functools.lru_cache(maxsize=65536)
def _relative(folder: str, to_path: str) -> str:
    """Pure string work: posixpath.relpath asks the OS for the working folder on every call."""
    here = folder.split("/") if folder else []
    there = to_path.split("/")
    common = 0
    while common < min(len(here), len(there) - 1) and here[common] == there[common]:
        common += 1
    rel = "/".join([".."] * (len(here) - common) + there[common:])
    return quote(rel, safe="/.-_~")


def output_path_for(root: Path, source: Path) -> str:
    """Where a portfolio file is published: ``files/<its path in the portfolio>``."""
    rel = real_path(source).relative_to(real_path(root)).as_posix()
    return f"{FILES_DIR}/{rel}"


def with_slash(url: str) -> str:
    """``https://x.org/repo`` -> ``https://x.org/repo/``; an empty address stays empty."""
    return url if not url or url.endswith("/") else url + "/"


_NOT_IN_URLS = re.compile(r'[\s"<>\\^`{|}]')


def href(url: str) -> str:
    """``url`` with the few ASCII characters no address may hold (space, ``" < > \\ ^ ` { | }``)
    %-encoded, as a browser would: a valid ``href`` whatever a member's site sends."""
    return _NOT_IN_URLS.sub(lambda found: quote(found.group(), safe=""), url)
