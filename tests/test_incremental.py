"""Incremental rendering: serve re-renders only the pages an edit reaches, and a build that
reuses pages is byte for byte the build that renders every page."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import jinja2
import pytest
from PIL import Image

from cmaltgen import images, incremental
from cmaltgen.build import build
from cmaltgen.documents import ParseCache
from cmaltgen.incremental import PageCache, Tracker, TrackingEnvironment
from cmaltgen.schema import PartialDate
from tests.conftest import EXAMPLE, TODAY, formatted
from tests.image_files import image_file

SECTION_PAGES = {
    "01-contextual-statement": "contextual-statement/index.html",
    "1a-constraints-and-benefits": "1a/index.html",
    "1b-technical-knowledge": "1b/index.html",
    "3a-legislation": "3a/index.html",
}


class Preview:
    """Builds as serve does (drafts, both caches) and checks each result against a build
    with no caches at all."""

    def __init__(self, root: Path, edition: str = "public") -> None:
        self.root, self.edition = root, edition
        self.parse, self.pages = ParseCache(), PageCache()

    def build(self) -> dict[str, bytes]:
        cached = build(
            self.root,
            write=False,
            drafts=True,
            today=TODAY,
            edition=self.edition,
            cache=self.parse,
            pages=self.pages,
        )
        fresh = build(self.root, write=False, drafts=True, today=TODAY, edition=self.edition)
        assert cached.ok == fresh.ok, formatted(cached)
        if not fresh.ok:
            return {}
        assert cached.rendered is not None and fresh.rendered is not None
        differing = [
            p
            for p in fresh.rendered.pages
            if cached.rendered.pages.get(p) != fresh.rendered.pages[p]
        ]
        assert not differing, f"reused pages differ from rendered ones: {differing}"
        assert cached.rendered.pages.keys() == fresh.rendered.pages.keys()
        assert cached.rendered.files == fresh.rendered.files
        return dict(cached.rendered.pages)

    @property
    def rendered(self) -> set[str]:
        return set(self.pages.rendered)


def html_pages(pages: dict[str, bytes]) -> set[str]:
    return {p for p in pages if p.endswith(".html")}


def copy_example(tmp_path: Path) -> Path:
    root = tmp_path / "portfolio"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns("_site"))
    return root


def replace(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {rel}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def preview(tmp_path: Path) -> Preview:
    return Preview(copy_example(tmp_path))


def test_an_unchanged_portfolio_renders_no_page_again(preview: Preview) -> None:
    first = preview.build()
    assert preview.rendered == html_pages(first)  # everything, the first time
    again = preview.build()
    assert preview.rendered == set()
    assert preview.pages.reused == len(html_pages(first))
    assert again == first


@pytest.mark.parametrize("edition", ["public", "assessor"])
@pytest.mark.parametrize("theme", ["default", "print"])
def test_every_built_in_page_can_be_reused(tmp_path: Path, theme: str, edition: str) -> None:
    """No built-in template reads anything the recorder cannot follow: were one to, that page
    would silently be rendered on every save."""
    root = copy_example(tmp_path)
    replace(root, "portfolio.yml", "theme: default", f"theme: {theme}")
    preview = Preview(root, edition)
    first = preview.build()
    preview.build()
    assert preview.rendered == set()
    assert set(preview.pages.pages) == html_pages(first)


def test_a_paragraph_edit_renders_only_that_section_page(preview: Preview) -> None:
    preview.build()
    replace(
        preview.root,
        "1b-technical-knowledge/reflection.md",
        "## Reflection",
        "A new paragraph about screen readers.\n\n## Reflection",
    )
    pages = preview.build()
    assert preview.rendered == {"1b/index.html"}
    assert b"A new paragraph about screen readers." in pages["1b/index.html"]


def test_an_edit_to_the_contextual_statement_also_renders_the_home_page(
    preview: Preview,
) -> None:
    preview.build()
    replace(
        preview.root, "01-contextual-statement/reflection.md", "\n\n", "\n\nIn short: video.\n\n"
    )
    pages = preview.build()
    assert preview.rendered == {"index.html", "contextual-statement/index.html"}
    assert b"In short: video." in pages["index.html"]


def test_a_title_change_renders_every_page_whose_navigation_shows_it(preview: Preview) -> None:
    first = preview.build()
    old = re.search(
        r"^title: (.+)$",
        (preview.root / "specialist-accessibility/reflection.md").read_text(encoding="utf-8"),
        re.MULTILINE,
    )
    assert old is not None
    replace(
        preview.root,
        "specialist-accessibility/reflection.md",
        f"title: {old[1]}",
        "title: Inclusive media practice",
    )
    pages = preview.build()
    assert preview.rendered == html_pages(first)
    assert all(
        b"Inclusive media practice" in pages[p] for p in html_pages(first) if p != "404.html"
    )


def test_an_evidence_edit_renders_the_pages_that_show_that_item(preview: Preview) -> None:
    preview.build()
    replace(
        preview.root,
        "1a-constraints-and-benefits/evidence.yml",
        "title: Interactive video options appraisal (PDF)",
        "title: Interactive video appraisal report",
    )
    pages = preview.build()
    assert {"1a/index.html", "evidence/index.html", "matrix/index.html"} <= preview.rendered
    assert "3a/index.html" not in preview.rendered
    assert "confirmation/index.html" not in preview.rendered
    assert b"Interactive video appraisal report" in pages["evidence/index.html"]


def test_a_citation_follows_a_renumbered_item(preview: Preview) -> None:
    """A new item renumbers those after it: every reflection citing one shows the new label."""
    preview.build()
    evidence = preview.root / "1a-constraints-and-benefits/evidence.yml"
    evidence.write_text(
        "- id: first-item\n  title: A new first item\n  type: web-page\n  date: 2025-01-01\n"
        "  url: https://example.org/new\n  shows: Something shown first.\n"
        + evidence.read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    preview.build()  # the comparison with a full build is the assertion that matters
    assert "1c/index.html" in preview.rendered  # cites an item from 1a by its label


def break_config(root: Path) -> None:
    (root / "portfolio.yml").write_text("pathway: [", encoding="utf-8")


EDITS: list[tuple[str, Callable[[Path], None]]] = [
    (
        "candidate name",
        lambda r: replace(r, "portfolio.yml", "name: Rowan Ellery", "name: R. Ellery"),
    ),
    (
        "site title",
        lambda r: replace(r, "portfolio.yml", 'title: "Rowan Ellery:', 'title: "R. E.:'),
    ),
    ("base url", lambda r: replace(r, "portfolio.yml", "example.github.io", "example.org")),
    (
        "licence",
        lambda r: replace(r, "portfolio.yml", "licence: CC BY 4.0", "licence: CC BY-SA 4.0"),
    ),
    (
        "summary",
        lambda r: replace(r, "3a-legislation/reflection.md", "summary: ", "summary: New. "),
    ),
    (
        "updated",
        lambda r: replace(r, "3a-legislation/reflection.md", "updated: ", "updated: 2026-01-01\n#"),
    ),
    ("draft", lambda r: replace(r, "3a-legislation/reflection.md", "---\n", "---\ndraft: true\n")),
    (
        "evidence date",
        lambda r: replace(r, "1a-constraints-and-benefits/evidence.yml", "2025-11-14", "2025-11"),
    ),
    (
        "evidence support",
        lambda r: replace(
            r, "1a-constraints-and-benefits/evidence.yml", "supports: [1c]", "supports: [1c, 3a]"
        ),
    ),
    ("broken then mended", break_config),
]


def test_a_sequence_of_edits_always_matches_a_full_build(preview: Preview) -> None:
    """Each edit builds on the last; after each one the reused pages must equal fresh ones."""
    preview.build()
    config = (preview.root / "portfolio.yml").read_text(encoding="utf-8")
    for name, edit in EDITS:
        edit(preview.root)
        pages = preview.build()  # compares with a build without caches
        if name == "broken then mended":
            assert pages == {}
            (preview.root / "portfolio.yml").write_text(config, encoding="utf-8")
            assert preview.build()
        else:
            assert pages, name


def test_removing_a_section_drops_its_page_and_its_links(preview: Preview) -> None:
    preview.build()
    shutil.rmtree(preview.root / "specialist-accessibility")
    (preview.root / "portfolio.yml").write_text(
        (preview.root / "portfolio.yml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    preview.build()  # an error or a site equal to a fresh build, either is checked


def test_a_replaced_image_is_cleaned_again(preview: Preview) -> None:
    """Cleaned images are kept between builds while the file is unchanged, not after."""
    image = preview.root / "1b-technical-knowledge/template-layout-diagram.png"
    out = "files/1b-technical-knowledge/template-layout-diagram.png"
    one = image_file("PNG", image=Image.new("RGB", (4, 4), (10, 20, 30)), comment=b"camera one")
    two = image_file("PNG", image=Image.new("RGB", (4, 4), (10, 20, 31)), comment=b"camera two")
    assert len(one) == len(two)  # the same size: only the times and the inode can tell
    image.write_bytes(one)
    first = preview.build()
    kept = preview.pages.images[image.resolve()]
    kept_mtime = image.stat().st_mtime_ns
    assert first[out] == images.clean(image).data
    image.write_bytes(two)
    stat = image.stat()
    os.utime(image, ns=(stat.st_atime_ns, kept_mtime))  # as cp -p or touch -r leave it
    second = preview.build()
    assert second[out] == images.clean(image).data != first[out]
    assert preview.pages.images[image.resolve()] != kept
    image.rename(image.with_name("layout.png"))
    replace(
        preview.root,
        "1b-technical-knowledge/evidence.yml",
        "template-layout-diagram.png",
        "layout.png",
    )
    assert preview.build()
    assert image.resolve() not in preview.pages.images  # the old name is forgotten


def test_markdown_of_a_removed_section_is_forgotten(preview: Preview) -> None:
    preview.build()
    assert ("page", "3a/index.html", "3a") in preview.pages.markdown
    replace(preview.root, "3a-legislation/reflection.md", "---\n", "---\nvisibility: private\n")
    preview.build()
    assert not any(key[2] == "3a" for key in preview.pages.markdown)


def test_a_portfolio_with_its_own_templates_is_rendered_every_time(preview: Preview) -> None:
    templates = preview.root / "templates"
    templates.mkdir()
    (templates / "404.html").write_text(
        '{% extends "!default/404.html" %}{% block content %}Lost.{% endblock %}',
        encoding="utf-8",
    )
    first = preview.build()
    preview.build()
    assert preview.rendered == html_pages(first)
    assert preview.pages.reused == 0


# ---------------------------------------------------------------------------- the recorder


def render_tracked(source: str, **context: object) -> Tracker:
    env = TrackingEnvironment(undefined=jinja2.StrictUndefined)
    tracker = Tracker({}, {}, {}, {}, [])
    for name, value in context.items():
        tracker.root((("r", name),), value)
    env.tracker = tracker
    env.from_string(source).render(context)
    return tracker


def test_the_recorder_notes_each_lookup_and_call_with_its_value() -> None:
    date = PartialDate(2026, 3)
    tracker = render_tracked(
        "{{ page.title }} {{ when.iso() }} {% for x in items %}{{ x }}{% endfor %}",
        page={"title": "Home"},
        when=date,
        items=["a", "b"],
    )
    assert tracker.ok
    assert tracker.local[(("r", "page"), ("a", "title"))] == "Home"
    assert tracker.local[(("r", "when"), ("a", "iso"), ("c", (), (), True))] == "2026-03"


def test_an_object_of_unknown_origin_makes_the_page_untracked() -> None:
    stray = PartialDate(2026)
    tracker = render_tracked("{{ (holder | first).iso() }}", holder=iter([stray]))
    assert not tracker.ok


def test_a_value_reached_by_two_paths_is_recorded_under_both() -> None:
    """Had reads been recorded under the first path only, pointing the second at another
    value later would go unnoticed."""
    date = PartialDate(2026, 3, 1)
    site = {"updated": date, "signed": date}
    tracker = render_tracked("{{ site.updated.year }} {{ site.signed.year }}", site=site)
    assert tracker.ok
    signed = (("r", "site"), ("a", "signed"), ("a", "year"))
    assert tracker.local[signed] == (int, 2026)
    follower = incremental.Follower(
        jinja2.Environment(), lambda step: {"updated": date, "signed": PartialDate(2025)}
    )
    assert follower.digest(signed) != tracker.local[signed]


def test_long_strings_are_kept_as_hashes() -> None:
    long = "x" * 5000
    assert incremental.digest(long, (), None) != long
    assert incremental.digest(long, (), None) == incremental.digest("x" * 5000, (), None)
    assert incremental.digest(long, (), None) != incremental.digest("x" * 4999 + "y", (), None)


def test_a_missing_path_is_a_change() -> None:
    env = jinja2.Environment()
    follower = incremental.Follower(env, lambda step: {"title": "x"} if step[1] == "page" else None)
    assert follower.digest((("r", "page"), ("a", "title"))) == "x"
    assert follower.digest((("r", "gone"), ("e", 3))) is incremental.MISSING
