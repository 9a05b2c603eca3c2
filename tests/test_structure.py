"""The site structure: URLs between pages and lookups by id."""

from __future__ import annotations

import posixpath
from urllib.parse import quote

import pytest

from cmaltgen.site.structure import relative_url

PAGES = ["index.html", "404.html", "1a/index.html", "evidence/index.html", "a/b/c/index.html"]
TARGETS = [
    "index.html",
    "assets/style.css",
    "1a/index.html",
    "files/1a/my report.pdf",
    "evidence/index.html",
    "a/b/x.png",
    "a/b/c/index.html",
    "1b/index.html",
]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("target", TARGETS)
def test_relative_url_matches_posixpath_relpath(page: str, target: str) -> None:
    expected = quote(posixpath.relpath(target, posixpath.dirname(page) or "."), safe="/.-_~")
    assert relative_url(page, target) == expected


def test_relative_url_keeps_anchors_and_handles_same_page_links() -> None:
    assert (
        relative_url("1a/index.html", "evidence/index.html#ev-x") == "../evidence/index.html#ev-x"
    )
    assert relative_url("1a/index.html", "#top") == "#top"
    assert relative_url("1a/index.html", "1a/index.html") == "index.html"
