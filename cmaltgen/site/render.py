"""Render stage: templates -> pages in memory (an :class:`Output`), for a writer in output/.

Which pages exist is data (:mod:`cmaltgen.site.pages`); nothing here writes to disk.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup

from cmaltgen import __version__, wording
from cmaltgen.diagnostics import Diagnostics, Severity
from cmaltgen.read import markdown
from cmaltgen.read.config import site_title
from cmaltgen.read.schema import PartialDate
from cmaltgen.read.sources import real_path
from cmaltgen.rules import images as pictures
from cmaltgen.rules import privacy
from cmaltgen.site import manifest, metadata
from cmaltgen.site.output import MARKER, Output
from cmaltgen.site.pages import EACH_SECTION, EVIDENCE_INDEX, NOT_FOUND, SINGLE_PAGE, PageSpec
from cmaltgen.site.pages import PAGES as BUILT_IN_PAGES
from cmaltgen.site.structure import Section, Site, relative_url, with_slash
from cmaltgen.site.theme import Theme, environment, searched

log = logging.getLogger(__name__)

ASSETS_DIR = "assets"


class PageResolver:
    """Resolves a reflection's references to URLs relative to the page being rendered."""

    def __init__(self, site: Site, page: str, current: Section | None) -> None:
        self.site, self.page, self.current = site, page, current

    def evidence(self, evidence_id: str) -> tuple[str, str] | None:
        item = self.site.item(evidence_id)
        if item is None:
            return None
        on_page = self.current is not None and self.current.id in item.sections
        target = f"#ev-{item.id}" if on_page else f"{EVIDENCE_INDEX}#ev-{item.id}"
        return (target if on_page else relative_url(self.page, target)), item.label

    def section(self, section_id: str) -> tuple[str, str] | None:
        found = self.site.section(section_id)
        return (relative_url(self.page, found.url), found.label) if found else None

    def file(self, target: str) -> str | None:
        base = self.current.reflection.path.parent if self.current else self.site.portfolio.root
        out = self.site.output_of(real_path(base / target))
        return None if out is None else relative_url(self.page, out, anchors=False)

    def withheld_note(self, evidence_id: str) -> str:
        return self.site.withheld_note(evidence_id)

    def evidence_title(self, evidence_id: str) -> str:
        item = self.site.item(evidence_id)
        return item.title if item else ""


class SinglePageResolver(PageResolver):
    """On the printable single page every item and section is an anchor on the same page."""

    def evidence(self, evidence_id: str) -> tuple[str, str] | None:
        item = self.site.item(evidence_id)
        return (f"#ev-{item.id}", item.label) if item else None

    def section(self, section_id: str) -> tuple[str, str] | None:
        found = self.site.section(section_id)
        return (f"#section-{found.id}", found.label) if found else None


# Cleaned images by source file, kept by serve while the file's state is unchanged.
ImageCache = dict[Path, tuple[tuple[int, int, int, int], pictures.Cleaned]]


Page = tuple[str, str, dict[str, Any]]  # output path, template, page context


def render_site(
    site: Site,
    theme: Theme,
    diags: Diagnostics,
    images: ImageCache | None = None,
    extra: Sequence[Page] = (),
) -> Output:
    """Render every page into memory. Template problems are added to ``diags``.

    ``images`` (serve) keeps cleaned images from one build to the next. ``extra`` pages
    (the bundle's change page) follow the site's own; templates list them as ``extra_pages``.
    """
    env = environment(theme)
    env.filters["filesize"] = filesize
    env.filters.update(plural=wording.plural, article=wording.article, join_and=wording.join_and)
    env.globals.update(
        site=_site_context(site),
        generator=f"cmaltgen {__version__}",
        section_by_id={s.id: s for s in site.sections},
        extra_pages=[(path, context["title"]) for path, _, context in extra],
    )
    output = Output(files=dict(site.files))
    for path, template, context in [*pages_of(site, theme.pages), *extra]:
        page = _render_page(env, theme, site, path, template, context, diags)
        if page is not None:
            output.pages[path] = page
    if site.edition == "public":
        _add_feeds(site, output)
        output.pages[".nojekyll"] = b""
        output.pages[manifest.MANIFEST] = manifest.manifest_bytes(site)  # for cohort hubs
    if not site.portfolio.config.privacy.keep_exif:
        _clean_images(site, output, diags, images)
    output.pages[MARKER] = f"Built by cmaltgen {__version__}. Safe to delete.\n".encode()
    for folder in theme.static_dirs:
        for source in sorted(folder.rglob("*")):
            if source.is_file():
                output.files[f"{ASSETS_DIR}/{source.relative_to(folder).as_posix()}"] = source
    return output


def _clean_images(site: Site, output: Output, diags: Diagnostics, cache: ImageCache | None) -> None:
    """Published images become copies holding their pixels only (see :mod:`cmaltgen.rules.images`).

    One that cannot be cleaned is never on the public site: an error at the line naming it.
    The assessor edition, which is never published, keeps it as it is, with a warning.
    """
    found = [(path, src) for path, src in output.files.items() if pictures.image_format(src)]
    for path, source in found:
        cleaned = _cleaned(source, cache)
        if cleaned.data is not None:
            del output.files[path]
            output.pages[path] = cleaned.data
            continue
        if site.edition == "public":
            del output.files[path]
        _report_uncleaned(site, source, cleaned, diags)
    if cache is not None:  # forget images no longer in the portfolio
        current = {source for _, source in found}
        for gone in [p for p in cache if p not in current]:
            del cache[gone]


def _cleaned(source: Path, cache: ImageCache | None) -> pictures.Cleaned:
    """The image without its metadata, or why not.

    serve keeps the answer while the file's size, modification and change times and inode are
    unchanged, so an unchanged image is not decoded again on every save. The change time cannot
    be set back (``cp -p`` and ``touch -r`` set the modification time only).
    """
    if cache is None:
        return pictures.clean(source)
    try:
        stat = source.stat()
    except OSError:
        return pictures.clean(source)  # gone since it was found: clean() says so
    state = (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)
    kept = cache.get(source)
    if kept is not None and kept[0] == state:
        return kept[1]
    cleaned = pictures.clean(source)
    cache[source] = (state, cleaned)
    return cleaned


def _report_uncleaned(
    site: Site, source: Path, cleaned: pictures.Cleaned, diags: Diagnostics
) -> None:
    portfolio = site.portfolio
    uses = privacy.image_uses(portfolio.root, portfolio.docs, source)
    name, path, line, col = uses[0] if uses else (source.name, source, None, None)
    if site.edition == "public":
        outcome, severity = "; it was not published", Severity.ERROR
    else:
        outcome = "; the assessor edition includes it as it is, metadata and all"
        severity = Severity.WARNING
    diags.add(
        "image-not-cleaned",
        f"the image '{name}' {cleaned.problem}{outcome}",
        path=path,
        line=line,
        col=col,
        hint=cleaned.hint,
        severity=severity,
    )


def _add_feeds(site: Site, output: Output) -> None:
    base_url = with_slash(site.portfolio.config.site.base_url)
    if not base_url:
        output.notes.append(
            "No site.base_url in portfolio.yml, so the Atom feed, sitemap and link-preview "
            "URLs were skipped; add it once you know where the site will live."
        )
        return
    title = _site_context(site)["title"]
    output.pages[metadata.FEED] = metadata.atom_feed(site, base_url, title)
    output.pages[metadata.SITEMAP] = metadata.sitemap(site, base_url, sorted(output.pages))


def _site_context(site: Site) -> dict[str, Any]:
    config = site.portfolio.config
    title = site_title(config)
    base_url = _base_url(site)
    return {
        "edition": site.edition,
        "single_page": SINGLE_PAGE if site.edition == "assessor" else "",
        "title": title,
        "description": config.site.description,
        "language": config.site.language,
        "licence": config.site.licence,
        "base_url": base_url,
        "candidate": config.candidate,
        "confirmation": config.confirmation,
        "statement": config.confirmation.statement
        or site.portfolio.pathway.confirmation_statement
        or site.portfolio.framework.confirmation_statement,
        "pathway": site.portfolio.pathway,
        "framework": site.portfolio.framework,
        "sections": site.sections,
        "groups": site.groups(),
        "evidence": site.evidence,
        "feed": metadata.FEED if base_url else "",
        "image": metadata.SHARE_IMAGE,
        "json_ld": Markup(metadata.json_ld(site, base_url)),
        "photo": site.photo,
        "award": _award(site),
        "cpd": _cpd(site),
    }


def _cpd(site: Site) -> dict[str, Any] | None:
    """A review's CPD record as the templates see it: rows oldest first, and the summary.

    Evidence named by id links to the evidence page when this edition has the item; an item
    it leaves out (assessors only, private) is named as text, never linked."""
    record = site.portfolio.cpd
    if record is None:
        return None
    from cmaltgen.read import cpd

    activities = record.activities()
    rows = []
    for item in activities:
        ref = item.evidence.strip()
        shown = site.item(ref) if ref else None
        if ref.startswith(("http://", "https://")):
            link, label = ref, urlsplit(ref).hostname or ref
        elif shown is not None:
            link, label = f"{EVIDENCE_INDEX}#ev-{shown.id}", f"{shown.label} {shown.title}"
        else:
            link, label = "", ""
        rows.append({"item": item, "hours": cpd.hours(item.hours), "link": link, "label": label})
    summary = cpd.summarise(activities)
    return {
        "rows": rows,
        "summary": summary,
        "hours": cpd.hours(summary.hours),
        "by_type": [(t, cpd.hours(h)) for t, h in summary.by_type.items()],
        "by_year": [(y, cpd.hours(h)) for y, h in summary.by_year.items()],
    }


def _award(site: Site) -> dict[str, Any] | None:
    """``award`` from portfolio.yml with its pathway resolved and the sentence to show."""
    award = site.portfolio.config.award
    if award is None:
        return None
    pathway = metadata.awarded_pathway(site)
    # Awards are announced by month ("CMALT awarded November 2026"), even when the day is known.
    when = PartialDate(award.date.year, award.date.month).human()
    return {
        "date": award.date,
        "pathway": pathway,
        "url": award.url,
        "when": when,
        "text": metadata.award_sentence(pathway.title, award.date),
    }


def _base_url(site: Site) -> str:
    """The public address; the assessor edition has none (it is opened from disk or a zip)."""
    if site.edition != "public":
        return ""
    return with_slash(site.portfolio.config.site.base_url)


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


def _render_page(
    env: jinja2.Environment,
    theme: Theme,
    site: Site,
    path: str,
    template: str,
    context: dict[str, Any],
    diags: Diagnostics,
) -> bytes | None:
    values = _page_values(site, path, context)
    html = render_template(env, theme, path, template, values, diags)
    return None if html is None else html.encode("utf-8")


def _page_values(site: Site, path: str, context: dict[str, Any]) -> dict[str, Any]:
    """What a page's template sees besides the site-wide ``site``, ``generator`` and
    ``section_by_id`` (the template context documented in docs/themes.md)."""
    section: Section | None = context.get("section")
    base_url = _base_url(site)

    def url(target: str) -> str:
        anchors = target not in site.files  # a published file's name may hold a "#"
        if path == NOT_FOUND and base_url:
            # Hosts serve 404.html at whatever address was missing, at any depth, so its
            # links must be absolute; a <base> element would also retarget its skip link.
            return base_url + relative_url(NOT_FOUND, target, anchors=anchors)
        return relative_url(path, target, anchors=anchors)

    def render_markdown(of: Section) -> Markup:
        resolver = PageResolver(site, path, of)
        if not site.preview:
            return Markup(markdown.render(of.reflection.parsed, resolver))
        return Markup(_preview_body(site, of, resolver))

    def render_in_single(of: Section) -> Markup:
        # The printable page shows "3a ¶4" so reviewers can quote a paragraph in an e-mail.
        from cmaltgen.site import annotate  # the assessor edition only

        resolver = SinglePageResolver(site, path, of)
        refs = annotate.ParagraphRefs(of.id)
        return Markup(
            markdown.render(
                of.reflection.parsed, resolver, heading_offset=1, id_prefix=of.id, annotator=refs
            )
        )

    page = {
        "path": path,
        "title": context["title"],
        "kind": context["kind"],
        "description": _description(site, section),
        "canonical": metadata.canonical(base_url, path),
    }
    return {
        **context,
        "page": page,
        "url": url,
        "render": render_markdown,
        "render_single": render_in_single,
        "section": section,
    }


def _preview_body(site: Site, of: Section, resolver: PageResolver) -> str:
    """serve's preview: paragraph references, with open feedback beside its paragraph and
    feedback on the whole section (or on a paragraph no longer there) above the body."""
    from cmaltgen.site import annotate  # serve's preview only

    items = [i for i in site.portfolio.feedback if i.section == of.id]
    annotator = annotate.FeedbackAnnotator(of.id, items)
    body = markdown.render(of.reflection.parsed, resolver, annotator=annotator)
    return annotator.section_note("feedback-section", 2) + body


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
        diags.add(
            "template-missing",
            f"the template '{exc.name}' was not found",
            hint="searched: " + searched(theme),
            path=file,
            line=line,
            col=1 if line else None,
        )
    except jinja2.TemplateSyntaxError as exc:
        diags.add(
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


DESCRIPTION_LENGTH = 160  # characters of a page's meta description (search results show ~155)


def _description(site: Site, section: Section | None) -> str:
    config = site.portfolio.config
    text = (section.summary if section is not None else "") or config.site.description
    text = text or f"The {site.portfolio.pathway.title} portfolio of {config.candidate.name}."
    return wording.shorten(text, DESCRIPTION_LENGTH)


def _template_frame(exc: Exception) -> tuple[Path | None, int | None]:
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith((".html", ".xml", ".txt")):
            return Path(frame.filename), frame.lineno
    return None, None
