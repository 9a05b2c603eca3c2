"""What the templates see: the site-wide context and each page's values (the template
context documented in docs/themes.md), and how a reflection's links resolve on a page."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from markupsafe import Markup

from cmaltgen import wording
from cmaltgen.read import markdown
from cmaltgen.read.config import Candidate, Links, site_title
from cmaltgen.read.dates import PartialDate
from cmaltgen.read.sources import real_path
from cmaltgen.site import metadata
from cmaltgen.site.pages import EVIDENCE_INDEX, NOT_FOUND, SINGLE_PAGE
from cmaltgen.site.structure import Section, Site
from cmaltgen.site.urls import relative_url, with_slash


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

    def section_part(self, section_id: str, fragment: str) -> str:
        """``section:2a#reflection``: its headings' ids start with the section's here."""
        if fragment.startswith("ev-"):
            return f"#{fragment}"
        return (
            f"#section-{section_id}"
            if fragment == "evidence-heading"
            else f"#{section_id}-{fragment}"
        )


def site_context(site: Site) -> dict[str, Any]:
    """``site`` as every template sees it."""
    config = site.portfolio.config
    title = site_title(config)
    base_url = public_base_url(site)
    return {
        "edition": site.edition,
        "single_page": SINGLE_PAGE if site.edition == "assessor" else "",
        "title": title,
        "description": config.site.description,
        "language": config.site.language,
        "licence": config.site.licence,
        "base_url": base_url,
        "candidate": config.candidate,
        "tagline": _tagline(config.candidate, title),
        "links": _links(config.candidate.links),
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


def _tagline(candidate: Candidate, title: str) -> str:
    """Who the candidate is, under the site title: their name (unless the title has it), role
    and organisation."""
    named = [] if candidate.name in title else [candidate.name]
    return ", ".join([*named, *(part for part in (candidate.role, candidate.organisation) if part)])


def _links(links: Links) -> list[dict[str, str]]:
    """The candidate's links that are set, in order, as the home page lists them."""
    orcid = links.orcid
    orcid_url = orcid if orcid.startswith("https://") else f"https://orcid.org/{orcid}"
    shown = [
        ("Blog", links.blog, ""),
        ("Website", links.website, ""),
        ("ORCID " + orcid.replace("https://orcid.org/", ""), orcid and orcid_url, ""),
        ("LinkedIn", links.linkedin, ""),
        ("Mastodon", links.mastodon, "me"),  # rel="me": the profile can link back to verify
        ("GitHub", links.github, ""),
    ]
    return [{"label": label, "url": url, "rel": rel} for label, url, rel in shown if url]


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


def public_base_url(site: Site) -> str:
    """The public address; the assessor edition has none (it is opened from disk or a zip)."""
    if site.edition != "public":
        return ""
    return with_slash(site.portfolio.config.site.base_url)


def page_values(site: Site, path: str, context: dict[str, Any]) -> dict[str, Any]:
    """What a page's template sees besides the site-wide ``site``, ``generator`` and
    ``section_by_id`` (the template context documented in docs/themes.md)."""
    section: Section | None = context.get("section")
    base_url = public_base_url(site)

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

    title, titled = context["title"], site_title(site.portfolio.config)
    page = {
        "path": path,
        "title": title,
        "kind": context["kind"],
        "description": _description(site, section),
        "canonical": base_url + metadata.pretty(path) if base_url and path != NOT_FOUND else "",
        # what a link preview shows: the site's title for the home page
        "share_title": titled if context["kind"] == "home" else f"{title} | {titled}",
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
    annotator = annotate.ParagraphRefs(of.id, items)
    body = markdown.render(of.reflection.parsed, resolver, annotator=annotator)
    return annotator.section_note("feedback-section", 2) + body


DESCRIPTION_LENGTH = 160  # characters of a page's meta description (search results show ~155)


def _description(site: Site, section: Section | None) -> str:
    config = site.portfolio.config
    text = (section.summary if section is not None else "") or config.site.description
    text = text or f"The {site.portfolio.pathway.title} portfolio of {config.candidate.name}."
    return wording.shorten(text, DESCRIPTION_LENGTH)
