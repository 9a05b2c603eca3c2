"""Themes: choosing one, the print theme, portfolio overrides, and the errors for missing ones.

No browser needed; tests/test_browser.py looks at the same sites in Chromium.
"""

from __future__ import annotations

import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import jinja2
import pytest

from cmaltgen.build import BuildResult, build
from cmaltgen.rules import images
from cmaltgen.site import theme
from cmaltgen.site.theme import available, load_theme, themes_root
from tests.browser_support import (
    AWARDED_NAME,
    awarded_portfolio,
    example_copy,
    fresh_portfolio,
)
from tests.conftest import (
    PORTFOLIO_YML,
    REPO,
    TODAY,
    NuChecker,
    PortfolioFactory,
    formatted,
    run_build,
)

THEMES = themes_root()


@pytest.fixture(scope="module")
def example_builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The example portfolio built once in each theme: theme name -> site folder."""
    sites = {}
    for name in ("default", "print"):
        folder = tmp_path_factory.mktemp(name)
        result = build(example_copy(folder / "portfolio", name), folder / "site", strict=True)
        assert result.ok and not result.diagnostics, [d.format() for d in result.diagnostics]
        sites[name] = folder / "site"
    return sites


@pytest.fixture(scope="module")
def fresh_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("fresh")
    result = build(fresh_portfolio(folder / "portfolio", TODAY), folder / "site", today=TODAY)
    assert result.ok, [d.format() for d in result.diagnostics.errors]
    return folder / "site"


def _with_theme(name: str) -> str:
    return PORTFOLIO_YML.replace("  base_url:", f"  theme: {name}\n  base_url:")


def _read(site: Path, rel: str) -> str:
    return (site / rel).read_text(encoding="utf-8")


# ------------------------------------------------------------------------------ the print theme


def test_print_theme_is_built_in_and_extends_default() -> None:
    assert {"default", "print"} <= set(available())
    theme = load_theme("print", None)
    assert [folder.name for folder in theme.chain] == ["print", "default"]
    # Static folders are copied parent first, so print's style.css replaces default's.
    assert theme.static_dirs == [THEMES / "default" / "static", THEMES / "print" / "static"]


def test_print_theme_has_its_own_stylesheet_and_markup(example_builds: dict[str, Path]) -> None:
    default, printed = example_builds["default"], example_builds["print"]
    css = _read(printed, "assets/style.css")
    assert css == (THEMES / "print" / "static" / "style.css").read_text(encoding="utf-8")
    assert css != _read(default, "assets/style.css")
    assert "@media print" in css and "prefers-reduced-motion" in css
    assert "prefers-color-scheme: dark" in css
    # Files the print theme does not replace are inherited from default.
    assert (printed / "assets" / "share.png").read_bytes() == (
        default / "assets" / "share.png"
    ).read_bytes()

    page, default_page = _read(printed, "1a/index.html"), _read(default, "1a/index.html")
    assert '<nav class="site-nav"' in default_page and '<nav class="site-nav"' not in page
    assert '<nav class="contents" aria-label="Portfolio sections">' in page
    # The print theme's one script marks the heading being read in "On this page".
    assert "<script>" in default_page
    assert re.findall(r"<script[^>]*>", page) == ['<script src="../assets/on-this-page.js" defer>']
    assert "This page online: https://example.github.io/cmalt-portfolio/1a/" in page
    # Everything else comes from the default templates: the same section content.
    for shared in ('<article class="section"', 'id="ev-interactive-video-appraisal"', "skip-link"):
        assert shared in page and shared in default_page


# Default's classes the print theme has no use for: its sidebar and the wrappers around it.
DEFAULT_ONLY = {"layout", "site-nav", "nav-toggle", "nav-group", "site-header-inner"}
DEFAULT_ONLY |= {"site-footer-inner", "page-matrix", "page-section"}


def _css_classes(path: Path) -> set[str]:
    css = re.sub(r"/\*.*?\*/", "", path.read_text(encoding="utf-8"), flags=re.S)
    return set(re.findall(r"\.([a-zA-Z][\w-]*)", css))


def test_print_stylesheet_styles_what_the_default_one_styles() -> None:
    """print's style.css replaces default's, so a class newly styled there needs a rule here."""
    default = _css_classes(THEMES / "default" / "static" / "style.css")
    printed = _css_classes(THEMES / "print" / "static" / "style.css")
    assert default - printed - DEFAULT_ONLY == set()


def test_print_theme_site_links_resolve(example_builds: dict[str, Path]) -> None:
    from tests.site_checks import broken_links

    assert broken_links(example_builds["print"]) == []


def test_print_theme_and_a_fresh_portfolio_pass_the_nu_html_checker(
    example_builds: dict[str, Path], fresh_site: Path, nu_checker: NuChecker
) -> None:
    messages = nu_checker(example_builds["print"], fresh_site)  # asserts Java exited 0 too
    assert messages == [], json.dumps(messages, indent=1)[:3000]


# ------------------------------------------------------------------------------ overrides


SECTION_OVERRIDE = """\
{% extends "!default/section.html" %}
{% block content %}
<p class="my-note">Read with the evidence list open.</p>
{{ super() }}
{% endblock %}
"""


def test_a_portfolio_template_extends_the_default_one(tmp_portfolio: PortfolioFactory) -> None:
    root = tmp_portfolio({"templates/section.html": SECTION_OVERRIDE})
    result = run_build(root)
    assert result.ok and not result.diagnostics, formatted(result)
    page = _read(result.output, "1a/index.html")
    # The overriding block is applied ...
    assert page.count('<p class="my-note">Read with the evidence list open.</p>') == 1
    # ... and the parent's block (through super()) and the base page are still there.
    assert page.index('class="my-note"') < page.index('<article class="section"')
    assert 'id="ev-ev-1a"' in page and 'class="pager"' in page
    assert page.index('class="skip-link"') < page.index("<main")
    # Only section pages use section.html.
    assert "my-note" not in _read(result.output, "index.html")


def test_a_portfolio_override_wins_over_the_chosen_theme(tmp_portfolio: PortfolioFactory) -> None:
    nav = '<nav class="mine" aria-label="Mine"><a href="{{ url(\'index.html\') }}">Home</a></nav>\n'
    root = tmp_portfolio(
        {"portfolio.yml": _with_theme("print"), "templates/partials/nav.html": nav}
    )
    result = run_build(root)
    assert result.ok, formatted(result)
    page = _read(result.output, "1a/index.html")
    assert '<nav class="mine" aria-label="Mine"><a href="../index.html">Home</a></nav>' in page
    assert 'class="contents"' not in page
    assert "This page online:" in page, "print's own base.html is still used"


def test_styles_added_in_the_head_block_reach_every_page(tmp_portfolio: PortfolioFactory) -> None:
    base = (
        '{% extends "!print/base.html" %}\n'
        "{% block head %}<style>h1 { color: rebeccapurple; }</style>{% endblock %}\n"
    )
    root = tmp_portfolio({"portfolio.yml": _with_theme("print"), "templates/base.html": base})
    result = run_build(root)
    assert result.ok, formatted(result)
    for rel in ("index.html", "1a/index.html", "evidence/index.html"):
        page = _read(result.output, rel)
        assert page.index("style.css") < page.index("rebeccapurple"), rel
        assert "This page online:" in page, "!print/base.html keeps the print footer"
    assert "application/ld+json" in _read(result.output, "index.html")


def _missing_template(root: Path) -> BuildResult:
    result = run_build(root)
    assert not result.ok and not result.written
    return result


def test_a_missing_template_error_lists_the_folders_searched(
    tmp_portfolio: PortfolioFactory,
) -> None:
    broken = '{% extends "base.html" %}\n{% block content %}\n{% include "partials/x.html" %}\n'
    root = tmp_portfolio(
        {
            "portfolio.yml": _with_theme("print"),
            "templates/section.html": broken + "{% endblock %}\n",
        }
    )
    result = _missing_template(root)
    (diag,) = result.diagnostics.errors  # once, not once for each section page
    assert diag.code == "template-missing"
    assert formatted(result)[0].startswith(
        "templates/section.html:3:1: error template-missing: "
        "the template 'partials/x.html' was not found"
    )
    searched = [
        root / "templates",
        THEMES / "print" / "templates",
        THEMES / "default" / "templates",
    ]
    assert diag.hint == (
        'used as {% include "partials/x.html" %}, on 11 pages (contextual-statement/index.html, '
        "1a/index.html, 1b/index.html and 8 more); searched: "
        + ", ".join(str(folder) for folder in searched)
    )


def test_an_unknown_theme_is_reported_where_it_is_named(tmp_portfolio: PortfolioFactory) -> None:
    root = tmp_portfolio({"portfolio.yml": _with_theme("fancy")})
    result = _missing_template(root)
    line = _with_theme("fancy").splitlines().index("  theme: fancy") + 1
    assert formatted(result) == [
        f"portfolio.yml:{line}:10: error theme-missing [site.theme]: there is no theme 'fancy'\n"
        "    hint: available themes: " + ", ".join(available())
    ]


# ------------------------------------------------------------------------------ the documented API


def test_every_site_and_page_field_is_documented(tmp_portfolio: PortfolioFactory) -> None:
    """docs/themes.md is the template context's contract: a new field needs a row there."""
    dump = "{{ site | list | join(' ') }}\n{{ page | list | join(' ') }}\n"
    root = tmp_portfolio({"templates/404.html": dump})
    result = run_build(root)
    assert result.ok, formatted(result)
    site_keys, page_keys = (line.split() for line in _read(result.output, "404.html").splitlines())
    assert "title" in site_keys and "canonical" in page_keys
    docs = (REPO / "docs" / "themes.md").read_text(encoding="utf-8")
    names = [f"site.{key}" for key in site_keys] + [f"page.{key}" for key in page_keys]
    assert [name for name in names if f"| `{name}` |" not in docs] == []


def _kept_page(kept: theme.Environments, chosen: theme.Theme) -> tuple[jinja2.Environment, str]:
    env = kept.get(chosen)
    return env, env.get_template("page.html").render()


def _touch_later(path: Path, text: str) -> None:
    """Write ``text`` with a later modification time, as a save seconds later would."""
    mtime = path.stat().st_mtime_ns if path.exists() else 0
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(mtime + 2_000_000_000, mtime + 2_000_000_000))


def test_kept_environments_reuse_templates_and_see_edits_and_new_overrides(
    tmp_path: Path,
) -> None:
    """serve keeps one environment per search path: a template is compiled once, and an edited
    template, or an override added to templates/ (or removed), is used at the next build."""
    base = tmp_path / "themes" / "default"
    (base / "templates").mkdir(parents=True)
    (base / "theme.yml").write_text("name: default\n", encoding="utf-8")
    _touch_later(base / "templates" / "page.html", "theme one")
    overrides = tmp_path / "templates"
    overrides.mkdir()
    chosen = load_theme("default", overrides, tmp_path / "themes")
    kept = theme.Environments()
    env, text = _kept_page(kept, chosen)
    assert text == "theme one"
    compiled = env.get_template("page.html")
    assert kept.get(chosen) is env and env.get_template("page.html") is compiled
    _touch_later(base / "templates" / "page.html", "theme two")
    assert _kept_page(kept, chosen)[1] == "theme two"
    _touch_later(overrides / "page.html", "override {% include '!default/page.html' %}")
    assert _kept_page(kept, chosen)[1] == "override theme two"
    _touch_later(overrides / "page.html", "override two")
    assert _kept_page(kept, chosen)[1] == "override two"
    (overrides / "page.html").unlink()
    assert _kept_page(kept, chosen)[1] == "theme two"


def test_kept_environments_report_template_errors_with_their_line(
    tmp_portfolio: PortfolioFactory,
) -> None:
    """A broken override is reported on each build until it is fixed, then the page builds."""
    root = tmp_portfolio({"templates/404.html": "{% extends 'base.html' %}\n{% block x %}\n"})
    kept = theme.Environments()
    for _ in range(2):
        result = build(root, write=False, today=TODAY, templates=kept)
        (diag,) = [d for d in result.diagnostics if d.code == "template-error"]
        assert diag.path == root / "templates" / "404.html" and diag.line == 2, diag.format()
    _touch_later(root / "templates" / "404.html", "{% extends '!default/404.html' %}\n")
    result = build(root, write=False, today=TODAY, templates=kept)
    assert result.ok, formatted(result)


# ------------------------------------------------------------------------------ home, photo, award


@pytest.fixture(scope="module")
def awarded_builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The portfolio with a photo and an award, built in each theme: theme -> site folder."""
    sites = {}
    for name in ("default", "print"):
        folder = tmp_path_factory.mktemp(f"awarded-{name}")
        portfolio = awarded_portfolio(folder / "portfolio", name)
        result = build(portfolio, folder / "site", strict=True, today=TODAY)
        assert result.ok and not result.diagnostics, [d.format() for d in result.diagnostics]
        sites[name] = folder / "site"
    return sites


class _Visible(HTMLParser):
    """The text a reader sees in <body> (scripts left out), and the text of each h1."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.h1: list[str] = []
        self._skip = 0
        self._in_body = self._in_h1 = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_body = self._in_body or tag == "body"
        self._skip += tag in ("script", "style")
        self._in_h1 = self._in_h1 or tag == "h1"

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("script", "style")
        self._in_h1 = self._in_h1 and tag != "h1"

    def handle_data(self, data: str) -> None:
        if self._in_body and not self._skip:
            self.text.append(data)
            if self._in_h1:
                self.h1.append(data)


def _visible(html: str) -> tuple[str, str]:
    parser = _Visible()
    parser.feed(html)
    return " ".join("".join(parser.text).split()), "".join(parser.h1)


@pytest.mark.parametrize("theme", ["default", "print"])
def test_home_page_names_the_candidate_once_in_the_h1(
    awarded_builds: dict[str, Path], example_builds: dict[str, Path], theme: str
) -> None:
    for site, name in (
        (awarded_builds[theme], AWARDED_NAME),
        (example_builds[theme], "Rowan Ellery"),
    ):
        text, h1 = _visible(_read(site, "index.html"))
        assert h1 == name
        assert text.count(name) == 1, text
        # Other pages still say whose portfolio it is, in the banner or the footer.
        assert name in _visible(_read(site, "1a/index.html"))[0]


@pytest.mark.parametrize("theme", ["default", "print"])
def test_photo_is_shown_with_its_size_and_alt_text_and_published_without_metadata(
    awarded_builds: dict[str, Path], theme: str
) -> None:
    site = awarded_builds[theme]
    home = _read(site, "index.html")
    assert (
        '<img class="home-photo" src="files/about/me.jpg" alt="A smiling person in a blue jumper" '
        'width="240" height="300">' in home
    )
    assert images.metadata_in(site / "files" / "about" / "me.jpg") == []
    source = site.parent / "portfolio" / "about" / "me.jpg"
    assert images.metadata_in(source) == ["camera make", "GPS location"]


def test_without_a_photo_or_award_the_home_page_has_neither(
    tmp_portfolio: PortfolioFactory,
) -> None:
    result = run_build(tmp_portfolio())
    assert result.ok and formatted(result) == []
    home = _read(result.output, "index.html")
    assert "<img" not in home and "awarded" not in home
    assert '<h1 id="page-title" class="home-name">' in home


def test_home_page_lists_the_candidates_links_in_order(tmp_portfolio: PortfolioFactory) -> None:
    links = (
        "  links:\n"
        "    github: https://github.com/sam\n"
        "    mastodon: https://mastodon.example/@sam\n"
        "    linkedin: https://www.linkedin.com/in/sam\n"
        "    orcid: https://orcid.org/0000-0002-1825-0097\n"
        "    website: https://sam.example.org/?a=1&b=2\n"
        "    blog: https://sam.example.org/blog/\n"
    )
    yml = PORTFOLIO_YML.replace(
        "  organisation: Example College\n", "  organisation: Example College\n" + links
    )
    result = run_build(tmp_portfolio({"portfolio.yml": yml}))
    assert result.ok, formatted(result)
    home = _read(result.output, "index.html")
    assert (
        '    <ul class="candidate-links" aria-label="Elsewhere">\n'
        '      <li><a href="https://sam.example.org/blog/">Blog</a></li>\n'
        '      <li><a href="https://sam.example.org/?a=1&amp;b=2">Website</a></li>\n'
        '      <li><a href="https://orcid.org/0000-0002-1825-0097">'
        "ORCID 0000-0002-1825-0097</a></li>\n"
        '      <li><a href="https://www.linkedin.com/in/sam">LinkedIn</a></li>\n'
        '      <li><a href="https://mastodon.example/@sam" rel="me">Mastodon</a></li>\n'
        '      <li><a href="https://github.com/sam">GitHub</a></li>\n'
        "    </ul>\n"
    ) in home
    bare = yml.replace("orcid: https://orcid.org/0000", "orcid: 0000")
    result = run_build(tmp_portfolio({"portfolio.yml": bare}))
    assert (
        '<li><a href="https://orcid.org/0000-0002-1825-0097">ORCID 0000-0002-1825-0097</a></li>'
        in _read(result.output, "index.html")
    )
    result = run_build(tmp_portfolio({"portfolio.yml": PORTFOLIO_YML}))
    assert "candidate-links" not in _read(result.output, "index.html")


@pytest.mark.parametrize("theme", ["default", "print"])
def test_award_is_shown_on_the_home_page_and_in_every_footer(
    awarded_builds: dict[str, Path], example_builds: dict[str, Path], theme: str
) -> None:
    site = awarded_builds[theme]
    for rel in ("index.html", "1a/index.html", "evidence/index.html"):
        text, _ = _visible(_read(site, rel))
        assert text.count("Senior CMALT awarded October 2026") == (2 if rel == "index.html" else 1)
    home = _read(site, "index.html")
    assert (
        '<a href="https://badges.example.org/1">Senior CMALT awarded '
        '<time datetime="2026-10-14">October 2026</time></a>' in home
    )
    assert "awarded" not in _visible(_read(example_builds[theme], "index.html"))[0]


def test_award_without_pathway_or_url_uses_the_portfolio_pathway(
    tmp_portfolio: PortfolioFactory,
) -> None:
    root = tmp_portfolio({"portfolio.yml": PORTFOLIO_YML + "award:\n  date: 2026-11\n"})
    result = run_build(root)
    assert result.ok and formatted(result) == []
    home = _read(result.output, "index.html")
    assert 'CMALT awarded <time datetime="2026-11">November 2026</time>' in home
    assert '<a href="https' not in home.split('class="award"')[1].split("</p>")[0]
    ld = json.loads(home.split('<script type="application/ld+json">')[1].split("</script>")[0])
    credential = ld["mainEntity"]["hasCredential"]
    assert credential["dateCreated"] == "2026-11" and credential["educationalLevel"] == "CMALT"
    assert "url" not in credential


def test_json_ld_credential_carries_the_award(awarded_builds: dict[str, Path]) -> None:
    home = _read(awarded_builds["default"], "index.html")
    ld = json.loads(home.split('<script type="application/ld+json">')[1].split("</script>")[0])
    credential = ld["mainEntity"]["hasCredential"]
    assert credential["dateCreated"] == "2026-10-14"
    assert credential["url"] == "https://badges.example.org/1"
    assert credential["educationalLevel"] == "Senior CMALT"
    assert credential["name"].startswith("Senior CMALT (Certified Membership")


# ------------------------------------------------------------------------------ on this page, notes


@pytest.mark.parametrize("theme", ["default", "print"])
def test_section_page_lists_its_headings_on_this_page(
    awarded_builds: dict[str, Path], theme: str
) -> None:
    page = _read(awarded_builds[theme], "1a/index.html")
    nav = page.split('<nav class="on-this-page" aria-label="On this page">')[1].split("</nav>")[0]
    links = re.findall(r'<li class="toc-level-(\d)"><a href="#([^"]+)">([^<]+)</a>', nav)
    assert links == [
        ("2", "description", "Description"),
        ("3", "the-first-term", "The first term"),
        ("3", "the-second-term", "The second term"),
        ("2", "reflection", "Reflection"),
        ("2", "evidence-heading", "Evidence for this section"),
    ]
    for _, anchor, _ in links:
        assert f'id="{anchor}"' in page
    assert '<script src="../assets/on-this-page.js" defer></script>' in nav
    assert (awarded_builds[theme] / "assets" / "on-this-page.js").is_file()
    # A section with fewer than two headings has no list.
    assert "on-this-page" not in _read(awarded_builds[theme], "contextual-statement/index.html")


@pytest.mark.parametrize("theme", ["default", "print"])
def test_footnotes_have_a_notes_heading(awarded_builds: dict[str, Path], theme: str) -> None:
    page = _read(awarded_builds[theme], "1a/index.html")
    assert (
        '<section class="footnotes" aria-labelledby="footnotes-heading">\n'
        '<h2 id="footnotes-heading" class="footnotes-heading">Notes</h2>' in page
    )
    assert "footnotes-sep" not in page


def test_home_photo_and_award_pages_pass_the_nu_html_checker(
    awarded_builds: dict[str, Path], nu_checker: NuChecker
) -> None:
    messages = nu_checker(*awarded_builds.values())  # asserts Java exited 0 too
    assert messages == [], json.dumps(messages, indent=1)[:3000]


@pytest.mark.parametrize("theme", ["default", "print"])
def test_on_this_page_links_and_the_photo_resolve(
    awarded_builds: dict[str, Path], theme: str
) -> None:
    from tests.site_checks import broken_links

    assert broken_links(awarded_builds[theme]) == []
