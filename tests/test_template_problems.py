"""A typo in a template: one located error in plain words, with how the name was used, the
pages it stopped and a suggestion when a close name exists; the last good site stays."""

from __future__ import annotations

from pathlib import Path

import pytest

from cmaltgen.diagnostics import Diagnostics
from cmaltgen.site.render import render_site
from cmaltgen.site.theme import load_theme, themes_root
from tests.conftest import PortfolioFactory, formatted, run_build
from tests.test_pages import _themes_with

SECTION = (themes_root() / "default" / "templates" / "section.html").read_text("utf-8")
PAGES = "on 11 pages (contextual-statement/index.html, 1a/index.html, 1b/index.html and 8 more)"
NAMES = "check the spelling; docs/themes.md lists the names a template can use"


def _line_of(text: str, template: str = SECTION) -> tuple[int, int]:
    """The line and column (from 1) where ``text`` is in ``template``."""
    before = template[: template.index(text)]
    return before.count("\n") + 1, len(before) - before.rfind("\n")


TYPOS = {
    "an unknown name": (
        "{{ section.heading }}</h1>",
        "{{ sectoin.heading }}</h1>",
        "error template-error: the template uses 'sectoin', which is not defined "
        "(did you mean 'section'?)",
        f"used as {{{{ sectoin.heading }}}}, {PAGES}; {NAMES}",
    ),
    "a field a section does not have": (
        "{{ section.heading }}</h1>",
        "{{ section.headng }}</h1>",
        "error template-error: the template uses 'section.headng', and section has no "
        "'headng' (did you mean 'heading'?)",
        f"used as {{{{ section.headng }}}}, {PAGES}; {NAMES}",
    ),
    "a key the site has not": (
        "{{ render(section) }}",
        "{{ site.titel }}",
        "error template-error: the template uses 'site.titel', and site has no 'titel' "
        "(did you mean 'title'?)",
        f"used as {{{{ site.titel }}}}, {PAGES}; {NAMES}",
    ),
    "a loop variable": (
        '{% include "partials/evidence-item.html" %}',
        "{{ iten.title }}",
        "error template-error: the template uses 'iten', which is not defined "
        "(did you mean 'item'?)",
        "used as {{ iten.title }}, on 9 pages (1a/index.html, 1b/index.html, 1c/index.html "
        f"and 6 more); {NAMES}",
    ),
    "an unknown filter": (
        "| plural('word')",
        "| plurl('word')",
        "error template-error: there is no filter 'plurl' (did you mean 'plural'?)",
        "used as {{ section.words | plurl('word') }}, "
        f"{PAGES}; check the spelling; Jinja's own filters work, and docs/themes.md lists "
        "cmaltgen's",
    ),
    "an unknown test": (
        '{% if section.id == "cpd-record" and site.cpd %}',
        "{% if section.id is sting %}",
        "error template-error: there is no test 'sting' (did you mean 'string'?)",
        f"used as {{% if section.id is sting %}}, {PAGES}; "
        "check the spelling; Jinja's own tests work, and docs/themes.md lists cmaltgen's",
    ),
    "an unknown template": (
        '{% include "partials/on-this-page.html" %}',
        '{% include "partials/on-this-pag.html" %}',
        "error template-missing: the template 'partials/on-this-pag.html' was not found "
        "(did you mean 'partials/on-this-page.html'?)",
        f'used as {{% include "partials/on-this-pag.html" %}}, {PAGES}; searched: ',
    ),
    "an unknown theme's template": (
        '{% include "partials/on-this-page.html" %}',
        '{% include "!defualt/partials/on-this-page.html" %}',
        "error template-missing: the template '!defualt/partials/on-this-page.html' was not "
        "found (did you mean '!default/partials/on-this-page.html'?)",
        f'used as {{% include "!defualt/partials/on-this-page.html" %}}, {PAGES}; searched: ',
    ),
    "a theme's template by a name that is no theme's": (  # not the unprefixed name: a loop
        '{% include "partials/on-this-page.html" %}',
        '{% include "!theme/partials/on-this-page.html" %}',
        "error template-missing: the template '!theme/partials/on-this-page.html' was not "
        "found (did you mean '!default/partials/on-this-page.html'?)",
        f'used as {{% include "!theme/partials/on-this-page.html" %}}, {PAGES}; searched: ',
    ),
}


@pytest.mark.parametrize(("old", "new", "message", "hint"), TYPOS.values(), ids=list(TYPOS))
def test_a_template_typo_is_one_located_error_with_a_suggestion(
    tmp_portfolio: PortfolioFactory, old: str, new: str, message: str, hint: str
) -> None:
    root = tmp_portfolio({"templates/section.html": SECTION})
    good = run_build(root)
    assert good.ok and good.written, formatted(good)
    home = (good.output / "index.html").read_bytes()
    broken = SECTION.replace(old, new, 1)
    (root / "templates" / "section.html").write_text(broken, "utf-8")
    result = run_build(root)
    assert not result.ok and not result.written
    (diag,) = result.diagnostics  # one, not one for each page the template renders
    line, col = _line_of(new, broken)
    if new.startswith("|"):  # the tag that uses the filter starts before it
        line, col = _line_of("{{ section.words | plurl", broken)
    assert (
        diag.format(base=root).split("\n")[0] == f"templates/section.html:{line}:{col}: {message}"
    )
    assert diag.hint is not None and diag.hint.startswith(hint), diag.hint
    assert (good.output / "index.html").read_bytes() == home  # the last good site stays


def test_a_theme_page_naming_a_template_that_is_not_there_points_at_its_theme_yml(
    tmp_portfolio: PortfolioFactory, tmp_path: Path
) -> None:
    result = run_build(tmp_portfolio())
    assert result.site is not None, formatted(result)
    theme_yml = "name: extra\npages:\n  - path: colophon.html\n    template: colofon.html\n"
    themes = _themes_with(tmp_path, theme_yml + "    title: Colophon\n")
    diags = Diagnostics()
    render_site(result.site, load_theme("extra", None, themes), diags)
    (diag,) = diags
    assert diag.format(base=tmp_path) == (
        "themes/extra/theme.yml:4:15: error template-missing: the theme's pages: "
        "list names the template 'colofon.html', which was not found "
        "(did you mean 'colophon.html'?)\n"
        "    hint: on the page colophon.html; searched: "
        + ", ".join(str(themes / name / "templates") for name in ("extra", "default"))
    )


def test_python_errors_in_a_template_are_reported_once_at_their_line(
    tmp_portfolio: PortfolioFactory,
) -> None:
    broken = SECTION.replace("{{ render(section) }}", "{{ 1 // 0 }}")
    root = tmp_portfolio({"templates/section.html": broken})
    result = run_build(root)
    line, _ = _line_of("{{ 1 // 0 }}", broken)
    assert formatted(result) == [
        f"templates/section.html:{line}:1: error template-error: the template failed here: "
        f"integer division or modulo by zero\n    hint: {PAGES}; check the line against "
        "docs/themes.md; the message above is Python's"
    ]


def test_a_template_that_includes_itself_is_located_in_the_users_own_file(
    tmp_portfolio: PortfolioFactory,
) -> None:
    """Recursion ended in whichever template ran last: the default theme's base.html, which
    the user did not touch, with Python's 'maximum recursion depth exceeded'."""
    loop = '{% if section.id == "1a" %}{% include "section.html" %}{% endif %}'
    broken = SECTION.replace("{{ render(section) }}", loop, 1)
    root = tmp_portfolio({"templates/section.html": broken})
    result = run_build(root)
    (shown,) = formatted(result)
    where, message = shown.split(": error template-error: ")
    assert where.startswith("templates/section.html:"), shown
    assert message.startswith("the template includes, extends or calls itself without end\n")
    assert "leads back to itself" in message and "recursion" not in message


def test_a_typo_in_a_cohort_hub_template_is_one_located_error(tmp_path: Path) -> None:
    from tests.test_cohort import TWO, hub, make_cohort, portfolio_files, shown

    progress = (themes_root() / "default" / "templates" / "cohort" / "progress.html").read_text(
        "utf-8"
    )
    broken = progress.replace(">{{ mentor.name }}</a>", ">{{ mentor.nmae }}</a>", 1)
    assert broken != progress
    root = make_cohort(
        tmp_path / "cohort",
        TWO,
        {
            "members/ann": portfolio_files("Ann Zqlisted"),
            "members/bob": portfolio_files("Bob Zqhidden"),
            "templates/cohort": {"progress.html": broken},
        },
    )
    result = hub(root)
    assert not result.ok and not result.written
    line, col = _line_of("{{ mentor.nmae }}", broken)
    assert shown(result) == [
        f"templates/cohort/progress.html:{line}:{col}: error template-error: the template uses "
        "'mentor.nmae', and mentor has no 'nmae' (did you mean 'name'?)\n"
        "    hint: used as {{ mentor.nmae }}, on 8 pages (progress/index.html, "
        "progress/status/started/index.html, progress/status/drafting/index.html and 5 more); "
        f"{NAMES}"
    ]
