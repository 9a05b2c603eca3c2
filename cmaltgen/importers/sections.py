"""Recognise CMALT sections and their parts in imported Markdown, as people write them.

Headings such as "Core Area 1a", "1a) Understanding the constraints...", "Section 2b:",
"Specialist area: Accessibility", "Contextual statement" or "Future plans" start a section;
"Description", "Evidence" and "Reflection" start a part inside one. A paragraph that is only
bold text counts as a heading when it names a section or a part, as many Word users write them.
What a heading names is headings.py's to say.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from cmaltgen.importers.headings import (
    OUTLINE,
    Match,
    in_group,
    kept_marks,
    match_part,
    match_section,
    normalise,
)
from cmaltgen.read.framework import Pathway
from cmaltgen.wording import plural

# Headings that close a section rather than start a new topic, at whatever level.
_SECTION_END_MATTER = re.compile(
    r"^(references?|reference list|bibliography|works cited|further reading|sources|"
    r"notes|footnotes|endnotes)$",
    re.I,
)
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
# Around an optional colon, spaces are read by one \s* only: "\s*:?\s*" could share a long run
# of spaces (20,000 non-breaking ones in a bold phrase) between its two halves in every way.
_BOLD_LINE = re.compile(r"^\*\*([^*]+?)\*\*\s*(?::\s*)?$")


# --------------------------------------------------------------------------- splitting


class Heading(NamedTuple):
    text: str
    level: int  # 1-6; 7 for a bold line standing in for a heading


def blocks(markdown: str) -> Iterator[tuple[Heading | None, list[str]]]:
    """The Markdown cut at headings: (heading or None for text before the first, lines)."""
    heading: Heading | None = None
    lines: list[str] = []
    fence = False
    for line in _bold_leads(markdown).splitlines():
        if line.lstrip().startswith("```"):
            fence = not fence
        found = None if fence else _heading(line)
        if found is None:
            lines.append(line)
            continue
        if heading is not None or any(s.strip() for s in lines):
            yield heading, lines
        heading, lines = found, []
    if heading is not None or any(s.strip() for s in lines):
        yield heading, lines


_BOLD_LEAD = re.compile(r"^\*\*([^*]{3,40}?)\s*(?::\s*)?\*\*(?:\s*:)?\s+(\S.*)$", re.M)


def _bold_leads(markdown: str) -> str:
    """ "**Reflection:** Looking back, ..." starts a part: its label goes on a line of its own."""

    def split(match: re.Match[str]) -> str:
        if match_part(match.group(1)) is None:
            return match.group(0)
        return f"**{match.group(1)}**\n\n{match.group(2)}"

    return _BOLD_LEAD.sub(split, markdown)


def _heading(line: str) -> Heading | None:
    atx = _HEADING.match(line)
    if atx:
        return Heading(atx.group(2), len(atx.group(1)))
    bold = _BOLD_LINE.match(line.strip())
    return Heading(bold.group(1), 7) if bold else None


@dataclass
class Found:
    """One section gathered from the source, part by part."""

    id: str
    title: str
    origins: list[str] = field(default_factory=list)
    parts: dict[str, list[str]] = field(
        default_factory=lambda: {"description": [], "evidence": [], "reflection": []}
    )
    part_headings: set[str] = field(default_factory=set)

    def add(self, part: str, text: str) -> None:
        if text.strip():
            self.parts[part].append(text.strip())


@dataclass
class Unsorted:
    origin: str
    text: str


@dataclass
class Sorting:
    """The result: sections by id in the order found, and what matched none."""

    pathway: Pathway
    sections: dict[str, Found] = field(default_factory=dict)
    unsorted: list[Unsorted] = field(default_factory=list)
    skipped_slots: list[str] = field(default_factory=list)


SLOT_FALLBACK = {
    "specialist": ["first-area", "second-area", "third-area", "fourth-area"],
    "advanced": ["first-area", "second-area", "third-area"],
}


def slug(text: str) -> str:
    """An id from words: "Éducation ouverte" is education-ouverte, not -ducation-ouverte."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40].rstrip("-")


class Sorter:
    """Feeds headings and text in document order into sections, parts and the unsorted note."""

    def __init__(self, pathway: Pathway) -> None:
        self.result = Sorting(pathway)
        self.current: Found | None = None
        self.level = 0
        self.part = "description"
        self.titled: dict[str, str] = {}  # a page's title -> the section it started
        self.group: tuple[str, int, int] | None = None  # a group heading: id, level, its areas'

    def piece(
        self, origin: str, title: str | None, labels: list[str], markdown: str,
        parents: list[str] | None = None,
    ) -> None:  # fmt: skip
        """One page, post or document. Its title (or else a label, or a parent page's title)
        may name its section. An unmatched title is not repeated in the unsorted note:
        ``origin`` names it."""
        self.current = None
        if title is not None:
            named = [
                *((t, "category") for t in labels),
                *((t, "parent page") for t in parents or []),
            ]
            self._titled(origin, title, named)
        for heading, lines in blocks(markdown):
            self._block(origin, heading, "\n".join(lines))

    def _titled(self, origin: str, title: str, named: list[tuple[str, str]]) -> None:
        for index, (text, kind) in enumerate([(title, ""), *named]):
            match = match_section(text, self.result.pathway)
            known = self.titled.get(text) if kind == "parent page" else None
            if known is not None:  # the parent's section, even an area it had to name
                match = Match("section", known, "")
            if match is None or match.kind == "group":
                continue
            how = "" if index == 0 else f", {kind} '{normalise(text)}'"
            started = self._start(match, f"{origin}{how}", 0)
            if started is not None and index == 0:
                self.titled.setdefault(title, started.id)
            part = match_part(title) if index > 0 else None
            if started is not None and part is not None:  # a child page "Reflection"
                self.part = part
                started.part_headings.add(part)
            elif started is not None and index > 0 and normalise(title):
                started.add(self.part, f"### {normalise(title)}")
            return

    def _block(self, origin: str, heading: Heading | None, text: str) -> None:
        if heading is None:
            self._text(origin, text)
            return
        where = f"{origin}, heading '{normalise(heading.text)}'"
        match = match_section(heading.text, self.result.pathway)
        level = 0 if heading.level == 7 else heading.level
        if self.group is not None and level and level <= self.group[1]:
            self.group = None  # a heading beside the group's ends it
        if match is not None and match.kind == "group" and level:
            self.group = (match.id, level, 0)
        elif self.group and level and (match is None or match.kind == "group"):
            match = self.in_group(self.group, heading, level) or match
        if self._repeats(match, heading):  # "Core area 1a" then the official title below it
            self._text(origin, text)
            return
        started = match is not None and match.kind != "group" and self._start(match, where, level)
        if started:
            if self.current is not None and len(self.current.origins) > 1:
                self.current.add("description", f"### {heading.text.strip()}")  # a second part
            self._text(origin, kept_marks(heading.text, text))
            return
        part = match_part(heading.text) if self.current is not None else None
        if self.current is not None and part is not None:
            self.part = part
            self.current.part_headings.add(part)
            self._text(origin, kept_marks(heading.text, text))
            return
        if heading.level == 7:
            self._text(origin, f"**{heading.text}**\n{text}")
            return
        belongs = _SECTION_END_MATTER.match(OUTLINE.sub("", normalise(heading.text))) is not None
        if self.current is not None and heading.level <= self.level and not belongs:
            self.current = None
        if match is not None and match.kind == "group" and not text.strip():
            return  # a core area's own heading: the site shows it
        hashes = "#" * min(max(heading.level, 2), 6)
        self._text(origin, f"{hashes} {heading.text.strip()}\n{text}")

    def in_group(self, group: tuple[str, int, int], heading: Heading, level: int) -> Match | None:
        """A section a heading names by its place under a group heading, at the level of the
        group's first such heading (not its parts' headings)."""
        if match_part(heading.text) or group[2] not in (0, level):
            return None
        found = in_group(group[0], normalise(heading.text), self.result.pathway)
        if found is not None:
            self.group = (group[0], group[1], level)
        return found

    def _repeats(self, match: Match | None, heading: Heading) -> bool:
        current = self.current
        if match is None or current is None or match.kind != "section" or match.id != current.id:
            return False
        if heading.level <= self.level:
            return False
        if match.title and not current.title and not any(current.parts.values()):
            current.title = match.title  # "Core Area 4", then "4a) Working with IT"
            return True
        return not match.title

    def _text(self, origin: str, text: str) -> None:
        unsorted = self.result.unsorted
        if not text.strip():
            return
        if self.current is not None:
            self.current.add(self.part, text)
        elif unsorted and unsorted[-1].origin == origin:
            unsorted[-1].text += "\n\n" + text.strip()
        else:
            unsorted.append(Unsorted(origin, text.strip()))

    def _start(self, match: Match, origin: str, level: int) -> Found | None:
        section_id, title = match.id, match.title
        if match.kind == "slot":
            section_id = self._slot_id(match.id, title)
            reason = self._no_room(match.id, section_id)
            if reason:
                self.result.skipped_slots.append(f"{origin}: {reason}")
                self.current = None
                return None
        found = self.result.sections.get(section_id)
        if found is None:
            found = self.result.sections[section_id] = Found(section_id, title)
        found.origins.append(origin)
        self.current, self.level, self.part = found, level, "description"
        return found

    def _no_room(self, slot: str, section_id: str) -> str:
        """Why the pathway has no room for this area ('' if it has)."""
        pathway = self.result.pathway
        allowed = pathway.slot_count(slot)
        if allowed.min + allowed.max == 0:
            return f"the {pathway.title} pathway has no {slot} areas"
        taken = [s for s in self.result.sections if s.startswith(f"{slot}-")]
        if allowed.max and section_id not in taken and len(taken) >= allowed.max:
            return f"the {pathway.title} pathway has at most {plural(allowed.max, slot + ' area')}"
        return ""

    def _slot_id(self, slot: str, title: str) -> str:
        if slug(title):  # a title in other letters ("数字教育"): the next free name
            return f"{slot}-{slug(title)}"
        free = (
            f"{slot}-{n}" for n in SLOT_FALLBACK[slot] if f"{slot}-{n}" not in self.result.sections
        )
        return next(free, f"{slot}-area-{len(self.result.sections) + 1}")
