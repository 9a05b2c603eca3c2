"""Render stage: templates -> pages in memory (an :class:`Output`), for a writer in output/.

Which pages exist is data (:mod:`cmaltgen.site.pages`); what templates see is
:mod:`cmaltgen.site.context`; nothing here writes to disk.
"""

from __future__ import annotations

import traceback
from collections.abc import Iterable, Sequence
from pathlib import Path
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
    for path, template, context in [*pages_of(site, theme.pages), *extra]:
        values = page_values(site, path, context)
        html = render_template(env, theme, path, template, values, diags)
        if html is not None:
            output.pages[path] = html.encode("utf-8")
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
    theme: Theme,
    path: str,
    template: str,
    values: dict[str, Any],
    diags: Diagnostics,
) -> str | None:
    try:
        return env.get_template(template).render(values)
    except jinja2.TemplateNotFound as exc:
        file, line = _template_frame(exc)
        _add_once(
            diags,
            "template-missing",
            f"the template '{exc.name}' was not found",
            hint="searched: " + ", ".join(str(d) for d in theme.template_dirs),
            path=file,
            line=line,
            col=1 if line else None,
        )
    except jinja2.TemplateSyntaxError as exc:
        _add_once(
            diags,
            "template-error",
            f"template syntax: {exc.message}",
            path=Path(exc.filename) if exc.filename else None,
            line=exc.lineno,
            col=1,
        )
    except Exception as exc:  # a theme bug must become a located message, not a crash
        file, line = _template_frame(exc)
        diags.add(
            "template-error",
            f"rendering {path} failed: {exc}",
            path=file,
            line=line,
            col=1 if line else None,
        )
    return None


def _add_once(diags: Diagnostics, code: str, message: str, **where: Any) -> None:
    """A template's own mistake is reported once, not once for every page that uses it."""
    path, line = where.get("path"), where.get("line")
    if not any((d.code, d.message, d.path, d.line) == (code, message, path, line) for d in diags):
        diags.add(code, message, **where)


def _template_frame(exc: Exception) -> tuple[Path | None, int | None]:
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith((".html", ".xml", ".txt")):
            return Path(frame.filename), frame.lineno
    return None, None
