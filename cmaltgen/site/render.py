"""Render stage: templates -> pages in memory (an :class:`Output`), for a writer in output/.

Which pages exist is data (:mod:`cmaltgen.site.pages`); what templates see is
:mod:`cmaltgen.site.context`; nothing here writes to disk.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import jinja2

from cmaltgen import __version__, wording
from cmaltgen.diagnostics import Diagnostics
from cmaltgen.site import manifest, metadata
from cmaltgen.site.context import page_values, site_context
from cmaltgen.site.output import MARKER, Output
from cmaltgen.site.pages import EACH_SECTION, PageSpec
from cmaltgen.site.pages import PAGES as BUILT_IN_PAGES
from cmaltgen.site.published_images import ImageCache, clean_images
from cmaltgen.site.structure import Site
from cmaltgen.site.template_problems import TemplateProblems
from cmaltgen.site.theme import Environments, Theme, environment
from cmaltgen.site.urls import with_slash

ASSETS_DIR = "assets"

Page = tuple[str, str, dict[str, Any]]  # output path, template, page context


def render_site(
    site: Site,
    theme: Theme,
    diags: Diagnostics,
    images: ImageCache | None = None,
    extra: Sequence[Page] = (),
    templates: Environments | None = None,
) -> Output:
    """Render every page into memory; template problems go to ``diags``. serve keeps
    ``images`` and ``templates`` from one build to the next. ``extra`` pages (the change page)
    follow the site's own; templates list them as ``extra_pages``."""
    env = templates.get(theme) if templates is not None else environment(theme)
    env.filters["filesize"] = filesize
    env.filters.update(plural=wording.plural, article=wording.article, join_and=wording.join_and)
    env.globals.update(
        site=site_context(site),
        generator=f"cmaltgen {__version__}",
        section_by_id={s.id: s for s in site.sections},
        extra_pages=[(path, context["title"]) for path, _, context in extra],
    )
    output = Output(files=dict(site.files))
    problems = TemplateProblems(env, theme)
    for path, template, context in [*pages_of(site, theme.pages), *extra]:
        values = page_values(site, path, context)
        html = render_template(env, path, template, values, problems)
        if html is not None:
            output.pages[path] = html.encode("utf-8")
    problems.report(diags)  # each once, with the pages it stopped
    if site.edition == "public":
        _add_feeds(site, output)
        output.pages[".nojekyll"] = b""
        output.pages[manifest.MANIFEST] = manifest.manifest_bytes(site)  # for cohort hubs
    if not site.portfolio.config.privacy.keep_exif:
        clean_images(site, output, diags, images)
    output.pages[MARKER] = f"Built by cmaltgen {__version__}. Safe to delete.\n".encode()
    for folder in theme.static_dirs:
        for source in sorted(folder.rglob("*")):
            if source.is_file():
                output.files[f"{ASSETS_DIR}/{source.relative_to(folder).as_posix()}"] = source
    return output


def _add_feeds(site: Site, output: Output) -> None:
    base_url = with_slash(site.portfolio.config.site.base_url)
    if not base_url:
        output.notes.append(
            "No site.base_url in portfolio.yml, so the Atom feed, sitemap and link-preview "
            "URLs were skipped; add it once you know where the site will live."
        )
        return
    output.pages[metadata.FEED] = metadata.atom_feed(site, base_url)
    output.pages[metadata.SITEMAP] = metadata.sitemap(site, base_url, sorted(output.pages))


def filesize(size: int) -> str:
    """``12 KB``, ``3.4 MB``: file sizes as people read them."""
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{round(size / 1024)} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def pages_of(site: Site, extra: Iterable[PageSpec] = ()) -> list[Page]:
    """(path, template, context) for every page of ``site``'s edition: built-ins, then ``extra``."""
    pages: list[tuple[str, str, dict[str, Any]]] = []
    for spec in (*BUILT_IN_PAGES, *extra):
        if site.edition not in spec.editions:
            continue
        if spec.path != EACH_SECTION:
            pages.append((spec.path, spec.template, {"title": spec.title, "kind": spec.kind}))
            continue
        for section in site.sections:
            context = {"title": spec.title or section.heading, "kind": spec.kind}
            pages.append((section.url, spec.template, {**context, "section": section}))
    return pages


def render_template(
    env: jinja2.Environment,
    path: str,
    template: str,
    values: dict[str, Any],
    problems: TemplateProblems,
) -> str | None:
    """The page's HTML, or ``None`` with its template's problem kept in ``problems``, which
    the caller reports (each problem once, with the pages it stopped)."""
    try:
        return env.get_template(template).render(values)
    except Exception as exc:  # a theme bug must become a located message, not a crash
        problems.add(exc, path, template, values)
    return None
