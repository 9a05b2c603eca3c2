"""The list of pages as data: which template renders which path, in which editions.

Built-in pages are :data:`PAGES`; a theme adds its own with ``pages:`` in its ``theme.yml``
(see docs/themes.md), so a new page set needs no change to the renderer.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from cmaltgen.site.structure import (
    CONFIRMATION,
    EVIDENCE_INDEX,
    HOME,
    MATRIX,
    NOT_FOUND,
    SINGLE_PAGE,
    Site,
)

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


def pages_of(site: Site, extra: Iterable[PageSpec] = ()) -> list[tuple[str, str, dict[str, Any]]]:
    """(path, template, context) for every page of ``site``'s edition: built-ins, then ``extra``."""
    pages: list[tuple[str, str, dict[str, Any]]] = []
    for spec in (*PAGES, *extra):
        if site.edition not in spec.editions:
            continue
        if spec.path != EACH_SECTION:
            pages.append((spec.path, spec.template, {"title": spec.title, "kind": spec.kind}))
            continue
        for section in site.sections:
            context = {"title": spec.title or section.heading, "kind": spec.kind}
            pages.append((section.url, spec.template, {**context, "section": section}))
    return pages
