"""What a heading names: a CMALT section (or a slot, or a group of sections), or a part.

"Core Area 1a", "1a) Understanding the constraints...", "Section 2b:", "Specialist area:
Accessibility", "Contextual statement" and "Future plans" name sections; "Description",
"Evidence" and "Reflection" name parts; under a group heading ("Core Area 3", "Specialist
options"), "a)", "3.1" or "Option 1: Accessibility" name its sections.
"""

from __future__ import annotations

import difflib
import functools
import re
from typing import NamedTuple

from cmaltgen.read.framework import Pathway

_PART_WORDS = {
    "description": r"descri(ption|be)s?|description of (my )?practice|what i did|my practice",
    "evidence": r"(supporting |list of |my )?evidences?( list| used| items)?|evidence and links",
    "reflection": r"reflections?( on (my )?practice)?|reflect(ive)?( commentary| account)?"
    r"|what i (have )?learn(ed|t)",
}
_CORE = re.compile(
    r"^(?:cmalt\s+)?(?:core\s+area|core|area|section|part)?\s*([1-9]|(?:one|two|three|four)(?![\w-]))"
    r"(?:\.(?=[a-d]))?\s*\(?([a-d])?\)?"
    r"(?=$|[\s.:)\-–—,])[\s.:)\-–—,]*(.*)$",
    re.I,
)
_NUMBER_WORDS = {"one": "1", "two": "2", "three": "3", "four": "4"}
_SLOT = re.compile(
    r"^(specialist|advanced)(?:\s+(?:area|option|topic)(s?)\b)?"
    r"(?:\s*(?:\d+|one|two|three|first|second|third))?\s*[.:)\-–—]*\s*(.*)$",
    re.I,
)
_CONTEXT = re.compile(r"^(?:my\s+)?context(?:ual)?(?:\s+statement)?$", re.I)
_FUTURE = re.compile(r"^(?:my\s+)?future\s+(?:plans?|development|directions?)\b|^next steps$", re.I)
OUTLINE = re.compile(
    r"^(?:\d+(?:\.\d+)*\.?|[ivx]+\.|(?:part|section)\s+\d+[:.]?)\s+(?=[a-z0-9])", re.I
)


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


def match_section(text: str, pathway: Pathway) -> Match | None:
    heading = normalise(text)
    found = [_match(c, pathway) for c in (heading, OUTLINE.sub("", heading))]
    sections = [f for f in found if f is not None and f.kind != "group"]
    return sections[0] if sections else next((f for f in found if f is not None), None)


def _match(heading: str, pathway: Pathway) -> Match | None:
    if _CONTEXT.match(heading):
        return Match("section", "contextual-statement", "")
    if _FUTURE.match(heading):
        return Match("section", "future-plans", "")
    slot = _SLOT.match(heading)
    if slot:
        title = normalise(slot.group(3))
        if slot.group(2) and not title:  # "Specialist options": the areas are below it
            return Match("group", slot.group(1).lower(), "")
        return Match("slot", slot.group(1).lower(), title)
    core = _CORE.match(heading)
    if core and (
        heading[:1].isdigit() or re.match(r"(cmalt|core|area|section|part)", heading, re.I)
    ):
        return _core(core, pathway)
    return _by_title(heading, pathway)


_GROUP_LETTER = re.compile(r"^\(?([a-d])[).:]\s*(.*)$|^([1-9])\.([1-4])\s+(.*)$", re.I)
_GROUP_SLOT = re.compile(r"^(?:option|area|topic)?\s*(?:\d+|one|two|three)?\s*[.:)\-–—]*\s*", re.I)


def in_group(group: str, heading: str, pathway: Pathway) -> Match | None:
    """What a heading under a group heading names: "a) Choosing a tool" or "3.1 Legislation"
    under "Core Area 3"; "Option 1: Accessibility" under "Specialist options"."""
    if not group.isdigit():
        title = _GROUP_SLOT.sub("", heading, count=1)
        return Match("slot", group, normalise(title)) if title else None
    found = _GROUP_LETTER.match(heading)
    if found is None or (found.group(3) and found.group(3) != group):
        return None
    letter = (found.group(1) or chr(ord("a") + int(found.group(4) or 1) - 1)).lower()
    section_id, rest = f"{group}{letter}", normalise(found.group(2) or found.group(5) or "")
    spec = pathway.fixed().get(section_id)
    if spec is None:
        return None
    return Match("section", section_id, "" if _similar(rest, spec.title) else rest)


def _core(core: re.Match[str], pathway: Pathway) -> Match | None:
    number, letter, rest = core.group(1), (core.group(2) or "").lower(), normalise(core.group(3))
    number = _NUMBER_WORDS.get(number.lower(), number)
    ids = pathway.fixed()
    for section_id in (f"{number}{letter}", number):  # 2016 had one core area 3 for "3a", "3b"
        if section_id in ids:
            return Match(
                "section", section_id, "" if _similar(rest, ids[section_id].title) else rest
            )
    prefixed = not core.string[:1].isdigit()  # "Core area 2", not "2.5 million students"
    areas = [i for i in ids if i.startswith(number) and len(i) == 2]
    if not letter and prefixed and len(areas) == 1:  # "Core Area 4" is 4a, all of it
        return Match("section", areas[0], "" if _similar(rest, ids[areas[0]].title) else rest)
    if not letter and prefixed and areas:
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
    heading = OUTLINE.sub("", normalise(text).lower())
    for part, words in _PART_WORDS.items():
        if re.fullmatch(rf"(?:\d+\.?\s*)?(?:{words})(?:\s*\(.*\))?", heading):
            return part
    return None


def kept_marks(heading: str, text: str) -> str:
    """``text`` after the links and footnote marks of the heading that names its section or
    part, which the heading itself does not keep."""
    extras = [m.group() for m in re.finditer(f"{_LINKED.pattern}|{_NOTE_MARK.pattern}", heading)]
    return "\n\n".join([" ".join(extras), text.lstrip("\n")]) if extras else text
