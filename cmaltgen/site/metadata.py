"""Render stage, continued: what makes a portfolio link well from a blog.

Canonical URLs, JSON-LD (a schema.org ProfilePage about the candidate as a Person, holding the
CMALT credential once it is awarded and working towards it until then), an Atom feed of section
updates and a sitemap. Feed, sitemap and absolute URLs need ``site.base_url``; without it
they are skipped and the build says so.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from html import escape
from typing import Any

from cmaltgen import __version__
from cmaltgen.read.config import PortfolioConfig, site_title
from cmaltgen.read.dates import PartialDate
from cmaltgen.read.framework import REVIEW, Pathway
from cmaltgen.site.pages import HOME, NOT_FOUND
from cmaltgen.site.structure import Site

FEED = "feed.xml"
SITEMAP = "sitemap.xml"
SHARE_IMAGE = "assets/share.png"
ALT = {
    "@type": "Organization",
    "name": "Association for Learning Technology",
    "url": "https://www.alt.ac.uk/",
}


def pretty(path: str) -> str:
    """``1a/index.html`` -> ``1a/``: the address people share."""
    if path == HOME:
        return ""
    return path[: -len("index.html")] if path.endswith("/index.html") else path


def _date(value: PartialDate | None, fallback: PartialDate) -> str:
    chosen = value or fallback
    return dt.date(chosen.year, chosen.month or 1, chosen.day or 1).isoformat()


HELD_BY_DEFAULT = "cmalt"  # what a review portfolio holds when award.pathway does not say


def award_pathway_id(config: PortfolioConfig) -> str:
    """The pathway awarded: ``award.pathway``, else the portfolio's own (a review portfolio,
    whose pathway is not a credential, falls back to CMALT; validation asks it to say)."""
    award = config.award
    if award is not None and award.pathway:
        return award.pathway
    return HELD_BY_DEFAULT if config.pathway == REVIEW else config.pathway


def awarded_pathway(site: Site) -> Pathway:
    """The pathway of the award in portfolio.yml (the portfolio's own unless it says)."""
    chosen = award_pathway_id(site.portfolio.config)
    return site.portfolio.framework.pathways.get(chosen, site.portfolio.pathway)


def award_sentence(pathway_title: str, date: PartialDate) -> str:
    """ "CMALT awarded November 2026": awards are announced by month, even when the day is known."""
    return f"{pathway_title} awarded {PartialDate(date.year, date.month).human()}"


def json_ld(site: Site, base_url: str) -> str:
    """The home page's JSON-LD, safe to embed in a <script> element."""
    config = site.portfolio.config
    candidate = config.candidate
    orcid = candidate.links.orcid
    links = [
        v for k, v in vars(candidate.links).items() if k != "orcid" and str(v).startswith("http")
    ]
    if orcid:  # the bare identifier or the full address: the same link, given once
        links.append(orcid if orcid.startswith("https://") else f"https://orcid.org/{orcid}")
    person: dict[str, Any] = {"@type": "Person", "name": candidate.name}
    if candidate.role:
        person["jobTitle"] = candidate.role
    if candidate.organisation:
        person["worksFor"] = {"@type": "Organization", "name": candidate.organisation}
    if links:
        person["sameAs"] = links
    pathway = awarded_pathway(site)
    credential: dict[str, Any] = {
        "@type": "EducationalOccupationalCredential",
        "name": f"{pathway.title} (Certified Membership of the Association "
        "for Learning Technology)",
        "credentialCategory": "Professional certification",
        "educationalLevel": pathway.title,
        "recognizedBy": ALT,
    }
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ProfilePage",
        "name": site_title(config),
        "inLanguage": config.site.language,
        "dateModified": _date(None, config.confirmation.date),
        "mainEntity": person,
    }
    if config.award is not None:
        # Held only once ALT has made the award: dated, with the certificate when there is one.
        credential["dateCreated"] = config.award.date.iso()
        if config.award.url:
            credential["url"] = config.award.url
        person["hasCredential"] = credential
    else:
        # Before the award the page is a portfolio working towards the credential: it is
        # about the credential, and the Person claims nothing.
        data["about"] = credential
        data["description"] = f"A portfolio working towards {pathway.title}."
    if base_url:
        data["url"] = base_url
    # "</" would end the script element early, and "<!--<script" make it run on past its end
    # over the whole page; JSON allows the escaped form of "<", which no text then holds.
    return json.dumps(data, indent=2, ensure_ascii=False).replace("<", "\\u003c")


def atom_feed(site: Site, base_url: str) -> bytes:
    """An Atom feed with one entry per section, dated by its ``updated`` front matter."""
    signed = site.portfolio.config.confirmation.date
    entries = sorted(site.sections, key=lambda s: _date(s.updated, signed), reverse=True)
    newest = _date(entries[0].updated, signed) if entries else _date(None, signed)
    feed = ET.Element("feed", xmlns="http://www.w3.org/2005/Atom")
    ET.SubElement(feed, "title").text = site_title(site.portfolio.config)
    ET.SubElement(feed, "id").text = base_url
    ET.SubElement(feed, "link", href=base_url)
    ET.SubElement(feed, "link", rel="self", href=base_url + FEED)
    ET.SubElement(feed, "updated").text = f"{newest}T00:00:00Z"
    ET.SubElement(ET.SubElement(feed, "author"), "name").text = site.portfolio.config.candidate.name
    ET.SubElement(feed, "generator", version=__version__).text = "cmaltgen"
    for section in entries:
        url = base_url + pretty(section.url)
        entry = ET.SubElement(feed, "entry")
        ET.SubElement(entry, "title").text = section.label
        ET.SubElement(entry, "id").text = url
        ET.SubElement(entry, "link", href=url)
        ET.SubElement(entry, "updated").text = f"{_date(section.updated, signed)}T00:00:00Z"
        ET.SubElement(entry, "summary").text = section.summary
    return _xml(feed)


def sitemap(site: Site, base_url: str, pages: list[str]) -> bytes:
    """A sitemap of every HTML page but the 404, with section dates where known."""
    signed = site.portfolio.config.confirmation.date
    dated = {s.url: _date(s.updated, signed) for s in site.sections}
    urlset = ET.Element("urlset", xmlns="http://www.sitemaps.org/schemas/sitemap/0.9")
    for path in pages:
        if path == NOT_FOUND or not path.endswith(".html"):
            continue
        url = ET.SubElement(urlset, "url")
        ET.SubElement(url, "loc").text = base_url + pretty(path)
        ET.SubElement(url, "lastmod").text = dated.get(path, _date(None, signed))
    return _xml(urlset)


def _xml(root: ET.Element) -> bytes:
    """``root`` as an indented UTF-8 XML document; ElementTree escapes every value."""
    ET.indent(root, space="  ")
    text = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="utf-8"?>\n{text}\n'.encode()


def badge(
    title: str, name: str, url: str, pathway_title: str, award: str = "", award_url: str = ""
) -> dict[str, str]:
    """Copy-paste snippets linking to the portfolio, for a blog sidebar or email signature.

    The link says whose portfolio it is and for which pathway, once: ``site.title`` as it
    is when it already names CMALT, else with the pathway added; without a title, the name.
    Once awarded, ``award`` ("CMALT awarded November 2026") follows the link, itself linked
    to the certificate or badge ``award_url`` when there is one.
    """
    label = _badge_label(title, name, pathway_title)
    snippets = {
        "html": f'<a href="{escape(url)}" rel="me">{escape(label, quote=False)}</a>',
        "markdown": f"[{_markdown_text(label)}]({_markdown_url(url)})",
        "text": f"{label} <{url}>",
    }
    if award and award_url:
        snippets["html"] += f' (<a href="{escape(award_url)}">{escape(award, quote=False)}</a>)'
        snippets["markdown"] += f" ([{_markdown_text(award)}]({_markdown_url(award_url)}))"
        snippets["text"] += f" ({award}: <{award_url}>)"
    elif award:
        snippets["html"] += f" ({escape(award, quote=False)})"
        snippets["markdown"] += f" ({_markdown_text(award)})"
        snippets["text"] += f" ({award})"
    return snippets


def _markdown_text(text: str) -> str:
    return re.sub(r"([\\\[\]*_`<>()])", r"\\\1", text)


def _markdown_url(url: str) -> str:
    return f"<{url}>" if re.search(r"[\s()<>]", url) else url


def _badge_label(title: str, name: str, pathway_title: str) -> str:
    title = " ".join(title.split())
    if not title:
        return f"{name}: {pathway_title} portfolio"
    if "cmalt" in title.lower():
        return title
    return f"{title}: {pathway_title} portfolio"
