"""The hub's pages: which pages there are (data), what each template sees, and rendering.

Only listed members reach this module's page sets (:class:`Hub` holds them); unlisted members
exist only for ``cohort check``. Every link is relative, so the hub works at a domain root,
under a GitHub Pages sub-path and opened from disk.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from dataclasses import dataclass, field
from importlib import resources
from typing import Any
from xml.etree import ElementTree as ET

import yaml

from cmaltgen import __version__
from cmaltgen.cohort.config import STATUSES, CohortConfig, Event, Mentor, event_date, mentor_key
from cmaltgen.cohort.members import Member, MemberSection
from cmaltgen.read.framework import Framework, framework, latest
from cmaltgen.site.urls import relative_url, with_slash

HOME, PROGRESS, SECTIONS, SHOWCASE = (
    "index.html",
    "progress/index.html",
    "sections/index.html",
    "showcase/index.html",
)
MENTORS, EVENTS, NOT_FOUND = "mentors/index.html", "events/index.html", "404.html"
SEARCH = "search/index.html"  # rendered last, once the search index is built (cohort/search.py)
SEARCH_SCRIPT = "assets/cohort-search.js"  # from templates/cohort/search.js
CALENDAR, FEED = "events.ics", "feed.xml"
FEED_ENTRIES = 50

# Each status is a word and a distinct symbol, never a colour alone.
SECTION_STATES = {
    "written": ("✓", "written"),
    "stub": ("◐", "started (under 50 words a part)"),
    "draft": ("✎", "draft"),
    "missing": ("○", "not yet written"),
    "n/a": ("–", "not part of this pathway"),
    "unknown": ("?", "not tracked (portfolio made with another tool)"),
}
PROGRESS_ORDER = ("missing", "draft", "stub", "written")
SHORT = {
    "contextual-statement": "Context",
    "specialist": "Specialist",
    "advanced": "Advanced",
    "future-plans": "Future plans",
}


@dataclass(frozen=True)
class Column:
    """One CMALT section (or repeatable area) across the cohort."""

    key: str  # 1a, future-plans, specialist, advanced
    title: str
    slot: str | None
    guidance: dict[str, str]

    @property
    def label(self) -> str:
        return f"{self.key} {self.title}" if self.key[0].isdigit() else self.title

    @property
    def short(self) -> str:
        """The grid's column heading (the full label is its tooltip and accessible name)."""
        return SHORT.get(self.key, self.key if self.key[0].isdigit() else self.title)

    @property
    def url(self) -> str:
        return f"sections/{self.key}/index.html"


@dataclass(frozen=True)
class Cell:
    status: str  # a key of SECTION_STATES
    text: str  # the accessible name: "1a: written"
    symbol: str
    note: str = ""  # e.g. "2 areas"


@dataclass(eq=False)
class Hub:
    """What every hub page can see (the template context's ``hub``)."""

    config: CohortConfig
    members: list[Member]  # listed members only, in cohort.yml order
    columns: list[Column]
    framework: Framework
    today: dt.date
    base_url: str = ""

    @property
    def title(self) -> str:
        return self.config.title

    @functools.cached_property
    def mentors(self) -> list[Mentor]:
        return list(self.config.mentors)

    @functools.cached_property
    def column_by_key(self) -> dict[str, Column]:
        return {c.key: c for c in self.columns}

    def mentees(self, mentor: str) -> list[Member]:
        return [m for m in self.members if m.mentor == mentor]

    @functools.cached_property
    def awarded(self) -> list[Member]:
        done = [m for m in self.members if m.status == "awarded"]
        return sorted(done, key=lambda m: m.awarded or "", reverse=True)

    def events(self, upcoming: bool) -> list[tuple[dt.date, Event]]:
        dated = [(d, e) for e in self.config.events if (d := event_date(e)) is not None]
        chosen = [(d, e) for d, e in dated if (d >= self.today) == upcoming]
        return sorted(
            chosen, key=lambda pair: (pair[0], pair[1].time.zfill(5)), reverse=not upcoming
        )

    def cell(self, member: Member, column: Column) -> Cell:
        """A member's status in one column, as a symbol and words."""
        status, note = _status(member, column, self._pathway_keys(member.pathway))
        symbol, words = SECTION_STATES[status]
        text = f"{column.short}: {words}" + (f" ({note})" if note else "")
        return Cell(status, text, symbol, note)

    def versions(self, column: Column) -> list[tuple[Member, MemberSection]]:
        """Each listed member's version of a column's section, written ones first."""
        found: list[tuple[Member, MemberSection]] = []
        for member in self.members:
            if column.slot:
                mine: list[MemberSection | None] = list(member.slot_sections(column.slot))
            else:
                mine = [member.section(column.key)]
            found += [(member, s) for s in mine if s is not None and s.status != "missing"]
        rank = {status: i for i, status in enumerate(reversed(PROGRESS_ORDER))}
        return sorted(found, key=lambda pair: rank[pair[1].status])

    @functools.cache  # noqa: B019 (one hub per build; pathways are few)
    def _pathway_keys(self, pathway_id: str) -> frozenset[str]:
        pathway = self.framework.pathways.get(pathway_id)
        if pathway is None:
            return frozenset()
        return frozenset(s.slot or s.id for s in pathway.sections)


def _status(member: Member, column: Column, keys: frozenset[str]) -> tuple[str, str]:
    if not member.sections:
        return "unknown", ""
    if keys and column.key not in keys:
        return "n/a", ""
    if column.slot:
        areas = member.slot_sections(column.slot)
        if not areas:
            return "missing", ""
        worst = min((a.status for a in areas), key=PROGRESS_ORDER.index)
        return worst, f"{len(areas)} areas" if len(areas) > 1 else ""
    found = member.section(column.key)
    return (found.status if found else "missing"), ""


def make_hub(config: CohortConfig, members: list[Member], today: dt.date) -> Hub:
    found = framework(latest())
    assert found is not None  # the packaged guidance always has its latest version
    listed = [m for m in members if m.listed]
    return Hub(config, listed, columns(found), found, today, with_slash(config.site.base_url))


def columns(found: Framework) -> list[Column]:
    """Every section of every pathway, merged in the guidance's order (slots as one column)."""
    order: list[str] = []
    titles: dict[str, tuple[str, str | None]] = {}
    for pathway in found.pathways.values():
        previous = -1
        for spec in pathway.sections:
            key = spec.slot or spec.id
            titles.setdefault(key, (spec.title, spec.slot))
            if key not in order:
                order.insert(previous + 1, key)
            previous = order.index(key)
    guide = _guidance()
    return [Column(k, titles[k][0], titles[k][1], guide.get(k, {})) for k in order]


@functools.cache
def _guidance() -> dict[str, dict[str, str]]:
    text = (resources.files("cmaltgen") / "scaffold" / "guidance.yml").read_text("utf-8")
    loaded: dict[str, dict[str, str]] = yaml.safe_load(text)
    return loaded


# ------------------------------------------------------------------------ the page list


@dataclass(frozen=True)
class Page:
    path: str
    template: str
    title: str
    kind: str
    context: dict[str, Any] = field(default_factory=dict)


FIXED = [
    Page(HOME, "cohort/roster.html", "Members", "roster"),
    Page(PROGRESS, "cohort/progress.html", "Progress", "progress", {"filter": None}),
    Page(SECTIONS, "cohort/sections.html", "Sections across the cohort", "sections"),
    Page(SHOWCASE, "cohort/showcase.html", "Awarded portfolios", "showcase"),
    Page(MENTORS, "cohort/mentors.html", "Mentors", "mentors"),
    Page(EVENTS, "cohort/events.html", "Events", "events"),
    Page(SEARCH, "cohort/search.html", "Search the cohort", "search"),
    Page(NOT_FOUND, "cohort/404.html", "Page not found", "404"),
]


def _filtered_progress(hub: Hub) -> list[Page]:
    """The grid filtered by status or by mentor, as plain pages: the filter without JS."""
    pages = [
        Page(
            f"progress/status/{status}/index.html",
            "cohort/progress.html",
            f"Progress: {status}",
            "progress",
            {"filter": ("status", status)},
        )
        for status in STATUSES
    ]
    pages += [
        Page(
            f"progress/mentor/{mentor_key(m.name)}/index.html",  # as cohort.yml's check
            "cohort/progress.html",
            f"Progress: mentored by {m.name}",
            "progress",
            {"filter": ("mentor", m.name)},
        )
        for m in hub.mentors
    ]
    return pages


def _section_pages(hub: Hub) -> list[Page]:
    return [
        Page(c.url, "cohort/section.html", f"{c.label} across the cohort", "section", {"column": c})
        for c in hub.columns
    ]


def pages(hub: Hub) -> list[Page]:
    return FIXED + _filtered_progress(hub) + _section_pages(hub)


def page_values(hub: Hub, page: Page) -> dict[str, Any]:
    """What a hub template sees: ``hub``, ``page``, ``url()`` and the page's own values."""

    def url(target: str) -> str:
        if page.path == NOT_FOUND and hub.base_url:
            return hub.base_url + relative_url(NOT_FOUND, target)  # served at any depth
        return relative_url(page.path, target)

    members = hub.members
    chosen = page.context.get("filter")
    if chosen is not None:
        kind, value = chosen
        members = [m for m in members if getattr(m, kind) == value]
    return {
        **page.context,
        "hub": hub,
        "page": {"path": page.path, "title": page.title, "kind": page.kind},
        "url": url,
        "members": members,
        "states": SECTION_STATES,
        "statuses": STATUSES,
        "slug": mentor_key,  # a mentor's part of an address, as their progress page has it
        "generator": f"cmaltgen {__version__}",
    }


# ------------------------------------------------------------------------ feeds


ATOM = "http://www.w3.org/2005/Atom"


def atom_feed(hub: Hub) -> bytes:
    """Members' most recent section updates, newest first, written with an XML writer."""
    updates = [
        (s.updated, member, s)
        for member in hub.members
        for s in member.sections
        if s.updated and s.status != "missing"
    ]
    updates.sort(key=lambda triple: _day(triple[0] or ""), reverse=True)
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _sub(feed, "title", hub.title + ": section updates")
    _sub(feed, "id", hub.base_url + FEED if hub.base_url else _urn("feed", hub.config.name))
    if hub.base_url:
        ET.SubElement(feed, f"{{{ATOM}}}link", href=hub.base_url)
        ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=hub.base_url + FEED)
    newest = updates[0][0] if updates else hub.today.isoformat()
    _sub(feed, "updated", _stamp(newest or hub.today.isoformat()))
    _sub(ET.SubElement(feed, f"{{{ATOM}}}author"), "name", hub.title)
    _sub(feed, "generator", "cmaltgen").set("version", __version__)
    for updated, member, section in updates[:FEED_ENTRIES]:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        label = f"{section.id} {section.title}" if section.id[:1].isdigit() else section.title
        _sub(entry, "title", f"{member.name}: {label}")
        _sub(entry, "id", _urn(member.key, section.id, updated or ""))
        if section.url:
            ET.SubElement(entry, f"{{{ATOM}}}link", href=section.url)
        _sub(entry, "updated", _stamp(updated or ""))
        _sub(ET.SubElement(entry, f"{{{ATOM}}}author"), "name", member.name)
        words = f"{section.words} words, {section.evidence} evidence items ({section.status})."
        _sub(entry, "summary", words)
    body = ET.tostring(feed, encoding="unicode")
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + body + "\n").encode("utf-8")


def _sub(parent: ET.Element, name: str, text: str) -> ET.Element:
    child = ET.SubElement(parent, f"{{{ATOM}}}{name}")
    child.text = text
    return child


def _urn(*parts: str) -> str:
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return f"urn:uuid:{digest[:8]}-{digest[8:12]}-5{digest[13:16]}-8{digest[17:20]}-{digest[20:32]}"


def _day(iso: str) -> dt.date:
    parts = [int(p) for p in iso.split("-")] + [1, 1]
    try:
        return dt.date(parts[0], parts[1] or 1, parts[2] or 1)
    except (ValueError, IndexError):
        return dt.date.min


def _stamp(iso: str) -> str:
    return _day(iso).isoformat() + "T00:00:00Z"
