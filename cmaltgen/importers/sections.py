"""Recognise CMALT sections and their parts in imported Markdown, as people write them.

Headings such as "Core Area 1a", "1a) Understanding the constraints...", "Section 2b:",
"Specialist area: Accessibility", "Contextual statement" or "Future plans" start a section;
"Description", "Evidence" and "Reflection" start a part inside one. A paragraph that is only
bold text counts as a heading when it names a section or a part, as many Word users write them.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from cmaltgen.read.framework import Pathway
from cmaltgen.wording import plural

_PART_WORDS = {
    "description": r"descri(ption|be)s?|description of (my )?practice|what i did|my practice",
    "evidence": r"(supporting |list of |my )?evidences?( list| used| items)?|evidence and links",
    "reflection": r"reflections?|reflect(ive)?( commentary| account)?|what i (have )?learn(ed|t)",
}
_CORE = re.compile(
    r"^(?:cmalt\s+)?(?:core\s+area|core|area|section|part)?\s*([1-9])(?:\.(?=[a-d]))?\s*\(?([a-d])?\)?"
    r"(?=$|[\s.:)\-–—,])[\s.:)\-–—,]*(.*)$",
    re.I,
)
_SLOT = re.compile(
    r"^(specialist|advanced)(?:\s+(?:area|option|options|topic))?"
    r"(?:\s*(?:\d+|one|two|three|first|second|third))?\s*[.:)\-–—]*\s*(.*)$",
    re.I,
)
_CONTEXT = re.compile(r"^(?:my\s+)?context(?:ual)?(?:\s+statement)?$", re.I)
_FUTURE = re.compile(r"^(?:my\s+)?future\s+(?:plans?|development|directions?)\b|^next steps$", re.I)
_OUTLINE = re.compile(r"^(?:\d+(?:\.\d+)*\.?|[ivx]+\.|part\s+\d+:?)\s+(?=[a-z0-9])", re.I)
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


class Match(NamedTuple):
    """What a heading names: a section id (or a slot, 'specialist'/'advanced'), or a group."""

    kind: str  # "section", "slot" or "group"
    id: str  # section id, slot name, or group number
    title: str  # the candidate's own words after the section's name, if any


_LINKED = re.compile(r"!?\[([^\[\]]*)\]\([^()\s]*\)")
_NOTE_MARK = re.compile(r"\[\^\w+\]")


def normalise(text: str) -> str:
    text = _NOTE_MARK.sub("", _LINKED.sub(r"\1", text))  # a heading's link or footnote mark
    text = re.sub(r"[*_`#]+", "", text).replace("\u00a0", " ")
    return re.sub(r"\s+", " ", text).strip(" :.-–—")


def _kept(heading: str, text: str) -> str:
    """``text`` after the links and footnote marks of the heading that names its section or
    part, which the heading itself does not keep."""
    extras = [m.group() for m in re.finditer(f"{_LINKED.pattern}|{_NOTE_MARK.pattern}", heading)]
    return "\n\n".join([" ".join(extras), text.lstrip("\n")]) if extras else text


def match_section(text: str, pathway: Pathway) -> Match | None:
    heading = normalise(text)
    found = [_match(c, pathway) for c in (heading, _OUTLINE.sub("", heading))]
    sections = [f for f in found if f is not None and f.kind != "group"]
    return sections[0] if sections else next((f for f in found if f is not None), None)


def _match(heading: str, pathway: Pathway) -> Match | None:
    if _CONTEXT.match(heading):
        return Match("section", "contextual-statement", "")
    if _FUTURE.match(heading):
        return Match("section", "future-plans", "")
    slot = _SLOT.match(heading)
    if slot:
        return Match("slot", slot.group(1).lower(), normalise(slot.group(2)))
    core = _CORE.match(heading)
    if core and (
        heading[:1].isdigit() or re.match(r"(cmalt|core|area|section|part)", heading, re.I)
    ):
        return _core(core, pathway)
    return _by_title(heading, pathway)


def _core(core: re.Match[str], pathway: Pathway) -> Match | None:
    number, letter, rest = core.group(1), (core.group(2) or "").lower(), normalise(core.group(3))
    ids = pathway.fixed()
    for section_id in (f"{number}{letter}", number):  # 2016 had one core area 3 for "3a", "3b"
        if section_id in ids:
            return Match(
                "section", section_id, "" if _similar(rest, ids[section_id].title) else rest
            )
    prefixed = not core.string[:1].isdigit()  # "Core area 2", not "2.5 million students"
    if not letter and prefixed and any(i.startswith(number) and len(i) == 2 for i in ids):
        return Match("group", number, rest)
    return None


def _by_title(heading: str, pathway: Pathway) -> Match | None:
    """A heading that is an official section title without its number."""
    if len(heading) < 12:
        return None
    for spec in pathway.sections:
        if spec.slot is None and _similar(heading, spec.title):
            return Match("section", spec.id, "")
    return None


def _similar(text: str, title: str) -> bool:
    a, b = text.lower(), title.lower()
    shortened = len(a) >= 12 and b.startswith(a.rstrip("….").strip())  # "Understanding the…"
    return bool(a) and (a.startswith(b) or shortened or _close(a, b))


def _close(a: str, b: str) -> bool:
    """difflib's ratio of ``a`` to ``b`` above 0.85, its cheap upper bounds tried first (as
    difflib.get_close_matches does): every heading against every title took 2 ms a heading."""
    if not 2.0 * min(len(a), len(b)) / (len(a) + len(b)) > 0.85:  # real_quick_ratio
        return False
    matcher = _matcher(b)
    matcher.set_seq1(a)
    return matcher.quick_ratio() > 0.85 and matcher.ratio() > 0.85


@functools.lru_cache(maxsize=256)
def _matcher(title: str) -> difflib.SequenceMatcher[str]:
    """A matcher for one title, its index of the title's characters made once."""
    return difflib.SequenceMatcher(None, "", title)


def match_part(text: str) -> str | None:
    heading = _OUTLINE.sub("", normalise(text).lower())
    for part, words in _PART_WORDS.items():
        if re.fullmatch(rf"(?:\d+\.?\s*)?(?:{words})(?:\s*\(.*\))?", heading):
            return part
    return None


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
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40].rstrip("-")


class Sorter:
    """Feeds headings and text in document order into sections, parts and the unsorted note."""

    def __init__(self, pathway: Pathway) -> None:
        self.result = Sorting(pathway)
        self.current: Found | None = None
        self.level = 0
        self.part = "description"
        self.titled: dict[str, str] = {}  # a page's title -> the section it started

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
        if self._repeats(match, heading):  # "Core area 1a" then the official title below it
            self._text(origin, text)
            return
        started = match is not None and match.kind != "group" and self._start(match, where, level)
        if started:
            if self.current is not None and len(self.current.origins) > 1:
                self.current.add("description", f"### {heading.text.strip()}")  # a second part
            self._text(origin, _kept(heading.text, text))
            return
        part = match_part(heading.text) if self.current is not None else None
        if self.current is not None and part is not None:
            self.part = part
            self.current.part_headings.add(part)
            self._text(origin, _kept(heading.text, text))
            return
        if heading.level == 7:
            self._text(origin, f"**{heading.text}**\n{text}")
            return
        belongs = _SECTION_END_MATTER.match(_OUTLINE.sub("", normalise(heading.text))) is not None
        if self.current is not None and heading.level <= self.level and not belongs:
            self.current = None
        if match is not None and match.kind == "group" and not text.strip():
            return  # a core area's own heading: the site shows it
        hashes = "#" * min(max(heading.level, 2), 6)
        self._text(origin, f"{hashes} {heading.text.strip()}\n{text}")

    def _repeats(self, match: Match | None, heading: Heading) -> bool:
        current = self.current
        if match is None or current is None or match.kind != "section" or match.title:
            return False
        return match.id == current.id and heading.level > self.level

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
        if title:
            return f"{slot}-{slug(title) or 'area'}"
        free = (
            f"{slot}-{n}" for n in SLOT_FALLBACK[slot] if f"{slot}-{n}" not in self.result.sections
        )
        return next(free, f"{slot}-area-{len(self.result.sections) + 1}")
