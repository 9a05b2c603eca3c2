"""The page list as data: the built-in pages, and a theme adding its own with ``pages:``."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cmaltgen.diagnostics import CmaltgenError, Diagnostics
from cmaltgen.output.folder import write_site
from cmaltgen.site.pages import PAGES
from cmaltgen.site.render import render_site
from cmaltgen.site.theme import load_theme, themes_root
from tests.conftest import PortfolioFactory, formatted, run_build

COLOPHON = """{% extends "base.html" %}
{% block content %}
<h1 id="page-title">{{ page.title }}</h1>
<p class="colophon">Made with care; a page of kind {{ page.kind }}.</p>
{% endblock %}
"""


def _themes_with(tmp_path: Path, theme_yml: str) -> Path:
    """A themes folder holding a copy of default and a theme 'extra' extending it."""
    themes = tmp_path / "themes"
    shutil.copytree(themes_root() / "default", themes / "default")
    (themes / "extra" / "templates").mkdir(parents=True)
    (themes / "extra" / "theme.yml").write_text(theme_yml, "utf-8")
    (themes / "extra" / "templates" / "colophon.html").write_text(COLOPHON, "utf-8")
    return themes


def test_built_in_pages_are_declared_once_per_edition_and_path() -> None:
    for edition in ("public", "assessor"):
        paths = [p.path for p in PAGES if edition in p.editions]
        assert len(paths) == len(set(paths)), paths


def test_a_theme_adds_a_page_with_pages_in_its_theme_yml(
    tmp_portfolio: PortfolioFactory, tmp_path: Path
) -> None:
    result = run_build(tmp_portfolio())
    assert result.ok and result.site is not None, formatted(result)
    themes = _themes_with(
        tmp_path,
        "name: extra\nextends: default\npages:\n"
        "  - {path: about/colophon.html, template: colophon.html, title: Colophon}\n",
    )
    theme = load_theme("extra", None, themes)
    diags = Diagnostics()
    output = render_site(result.site, theme, diags)
    assert not diags, [d.message for d in diags]
    write_site(output, tmp_path / "site")
    page = (tmp_path / "site" / "about" / "colophon.html").read_text("utf-8")
    assert '<h1 id="page-title">Colophon</h1>' in page
    assert "a page of kind about/colophon." in page
    # The built-in pages are all still there, and the sitemap lists the new one.
    for spec in PAGES:
        if spec.path and "public" in spec.editions:
            assert (tmp_path / "site" / spec.path).is_file(), spec.path
    sitemap = (tmp_path / "site" / "sitemap.xml").read_text("utf-8")
    assert "https://sam.example.org/cmalt/about/colophon.html" in sitemap


def test_a_theme_page_only_for_the_assessor_edition_is_not_public(
    tmp_portfolio: PortfolioFactory, tmp_path: Path
) -> None:
    result = run_build(tmp_portfolio())
    assert result.site is not None, formatted(result)
    themes = _themes_with(
        tmp_path,
        "name: extra\npages:\n  - path: colophon.html\n    template: colophon.html\n"
        "    title: Colophon\n    editions: [assessor]\n",
    )
    output = render_site(result.site, load_theme("extra", None, themes), Diagnostics())
    assert "colophon.html" not in output.pages


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ("{path: colophon.html, template: colophon.html}", "needs a path, a template and a title"),
        ("{path: ../up.html, template: c.html, title: T}", "is not a .html page inside the site"),
        ("{path: notes.txt, template: c.html, title: T}", "is not a .html page inside the site"),
        ("{path: index.html, template: c.html, title: T}", "which another page already uses"),
        ("{path: c.html, template: c.html, title: T, editions: [draft]}", "use public, assessor"),
    ],
)
def test_a_bad_theme_page_is_a_located_plain_error(
    tmp_path: Path, entry: str, problem: str
) -> None:
    themes = _themes_with(tmp_path, f"name: extra\npages:\n  - {entry}\n")
    with pytest.raises(CmaltgenError) as caught:
        load_theme("extra", None, themes)
    (diag,) = caught.value.diagnostics
    assert diag.code == "template-error"
    assert (diag.path, diag.line, diag.col) == (themes / "extra" / "theme.yml", 3, 5)
    assert problem in diag.message
