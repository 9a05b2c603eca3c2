"""The site structure: URLs between pages and lookups by id."""

from __future__ import annotations

import posixpath
from urllib.parse import quote

import pytest

from cmaltgen.read.dates import PartialDate
from cmaltgen.read.document_fields import Consent
from cmaltgen.site.structure import Evidence
from cmaltgen.site.urls import relative_url

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


@pytest.mark.parametrize(
    ("consent", "anonymised", "note"),
    [
        (("Dr A. Khan", "2026-05"), False, "Shown with the consent of Dr A. Khan (May 2026)"),
        (
            ("the class", "2026-05-12"),
            True,
            "Shown with the consent of the class (12 May 2026); anonymised",
        ),
        (None, True, "Anonymised"),
        (None, False, "Yes"),
    ],
)
def test_the_single_page_says_how_personal_data_is_shown(
    consent: tuple[str, str] | None, anonymised: bool, note: str
) -> None:
    given = None
    if consent is not None:
        year, month, *day = (int(part) for part in consent[1].split("-"))
        given = Consent(who=consent[0], date=PartialDate(year, month, *day))
    item = Evidence(
        "x", 1, "E1", "T", "document", PartialDate(2026), "s", "", "1a", ["1a"],
        personal_data=True, anonymised=anonymised, consent=given,
    )  # fmt: skip
    assert item.personal_data_note == note
