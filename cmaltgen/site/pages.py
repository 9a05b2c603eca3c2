"""The list of pages as data: which template renders which path, in which editions.

Built-in pages are :data:`PAGES`; a theme adds its own with ``pages:`` in its ``theme.yml``
(see docs/themes.md), so a new page set needs no change to the renderer. A leaf module: the
site's structure, themes and serve all name these paths.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

HOME = "index.html"
EVIDENCE_INDEX = "evidence/index.html"
MATRIX = "matrix/index.html"
CONFIRMATION = "confirmation/index.html"
NOT_FOUND = "404.html"
SINGLE_PAGE = "portfolio.html"  # the printable whole portfolio, assessor edition only

EDITIONS = ("public", "assessor")
EACH_SECTION = ""  # the path of a spec rendered once per section, at the section's own URL


@dataclass(frozen=True)
class PageSpec:
    """One page (or one per section): its output path, template, title, kind and editions."""

    path: str
    template: str
    title: str
    kind: str
    editions: tuple[str, ...] = EDITIONS
    where: tuple[Path, int, int] | None = field(default=None, compare=False)  # theme.yml


PAGES: tuple[PageSpec, ...] = (
    PageSpec(HOME, "home.html", "Home", "home", ("public",)),
    PageSpec(HOME, "assessor-home.html", "Home", "home", ("assessor",)),
    PageSpec(EACH_SECTION, "section.html", "", "section"),
    PageSpec(EVIDENCE_INDEX, "evidence.html", "Evidence", "evidence"),
    PageSpec(MATRIX, "matrix.html", "Evidence by section", "matrix"),
    PageSpec(CONFIRMATION, "confirmation.html", "Confirmation", "confirmation"),
    PageSpec(NOT_FOUND, "404.html", "Page not found", "404"),
    PageSpec(SINGLE_PAGE, "single.html", "Whole portfolio", "single", ("assessor",)),
)
