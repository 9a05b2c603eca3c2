"""Assessor guidance: warnings about what assessors criticise (we not I, thin reflection,
old or overused evidence, unusual length), run by every command like any other rule."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from cmaltgen.diagnostics import Diagnostics
from cmaltgen.read.dates import PartialDate
from cmaltgen.read.documents import PART_NAMES, Reflection
from cmaltgen.read.framework import SectionSpec
from cmaltgen.read.portfolio import Portfolio, Specs
from cmaltgen.wording import join_and, plural

STUB_WORDS = 50  # a description, reflection or free-text section shorter than this is a stub
WE_MIN, WE_RATIO = 5, 1.5  # we/our/us at least this often and this many times I/my/me
THIN_RATIO = 3  # a reflection under a third of its description is thin
OVERUSED = 4  # an item cited by this many sections or more
CORE_WORDS = (300, 4000)  # typical length of an assessed core section (unconfirmed)


@dataclass(frozen=True)
class Present:
    """A section that is present: the first reflection naming a section of the pathway."""

    spec: SectionSpec
    reflection: Reflection


def present_sections(portfolio: Portfolio) -> dict[str, Present]:
    """Present sections by id, in pathway order (areas of one slot by folder name)."""
    order = list(portfolio.pathway.sections)
    found: dict[str, Present] = {}
    for _, reflection in portfolio.sections():
        spec = portfolio.pathway.spec_for(reflection.front.section)
        if spec is not None and reflection.front.section not in found:
            found[reflection.front.section] = Present(spec, reflection)
    ranked = sorted(
        found.items(), key=lambda p: (order.index(p[1].spec), p[1].reflection.path.parent.name)
    )
    return dict(ranked)


def is_stub(spec: SectionSpec, reflection: Reflection) -> bool:
    """Shorter than a first draft: a part (or the whole free-text section) under STUB_WORDS;
    a brief section (a review's link to the original, its CPD introduction) only when empty."""
    if not spec.assessed:
        return reflection.words < (1 if spec.brief else STUB_WORDS)
    parts = [reflection.parts.get(name) for name in PART_NAMES]
    return any(part is None or part.words < STUB_WORDS for part in parts)


_SINGULAR = {"me", "my", "mine", "myself"}
_PLURAL = {"we", "us", "our", "ours", "ourselves"}


def pronoun_counts(text: str) -> tuple[int, int]:
    """(we/us/our..., I/me/my...) in ``text``. "US" in capitals is the country, not "us"."""
    words = re.findall(r"[A-Za-z]+", text)
    we = sum(1 for w in words if w.lower() in _PLURAL and w != "US")
    i = sum(1 for w in words if w == "I" or w.lower() in _SINGULAR)
    return we, i


def check_we_not_i(portfolio: Portfolio, specs: Specs, diags: Diagnostics) -> None:
    for present in present_sections(portfolio).values():
        part = present.reflection.parts.get("description")
        if not present.spec.assessed or part is None:
            continue
        we, i = pronoun_counts(part.first_text)
        if we >= WE_MIN and we > WE_RATIO * i:
            diags.add(
                "we-not-i",
                f"the description says we/our/us {plural(we, 'time')} and I/my/me "
                f"{plural(i, 'time')}",
                **present.reflection.at(part.line),
                hint="assessors look for your own part: write 'I' for what you did and name "
                "what others did",
            )


def check_thin_reflection(portfolio: Portfolio, specs: Specs, diags: Diagnostics) -> None:
    for present in present_sections(portfolio).values():
        desc = present.reflection.parts.get("description")
        refl = present.reflection.parts.get("reflection")
        if desc is None or refl is None or not refl.words:
            continue
        if refl.words * THIN_RATIO < desc.words:
            diags.add(
                "thin-reflection",
                f"the reflection has {plural(refl.words, 'word')}, under a third of the "
                f"description's {desc.words}",
                **present.reflection.at(refl.line),
                hint="thin reflection is the commonest reason for a referral: say what you "
                "learned, what changed in your practice, and its impact",
            )


def check_overused_evidence(portfolio: Portfolio, specs: Specs, diags: Diagnostics) -> None:
    citing: dict[str, list[str]] = {}
    for sid, present in present_sections(portfolio).items():
        if present.reflection.front.draft:
            continue  # not published, so not seen by assessors
        for ref in present.reflection.parsed.references:
            if ref.kind == "evidence" and sid not in citing.setdefault(ref.target, []):
                citing[ref.target].append(sid)
    seen: set[str] = set()
    for _, entry in portfolio.evidence():
        sids = citing.get(entry.item.id, [])
        if len(sids) >= OVERUSED and entry.item.id not in seen:
            seen.add(entry.item.id)
            diags.add(
                "evidence-overused",
                f"evidence '{entry.item.id}' is cited in {plural(len(sids), 'section')} "
                f"({join_and(sids)})",
                **entry.where("id"),
                hint="assessors criticise the same item reused everywhere: keep it where it "
                "shows most and find other evidence for the rest",
            )


def latest_day(date: PartialDate) -> dt.date:
    """The last day a partial date can mean (``2022`` is at most 31 December 2022)."""
    month = date.month or 12
    day = date.day or calendar.monthrange(date.year, month)[1]
    return dt.date(date.year, month, day)


def years_before(today: dt.date, years: int) -> dt.date:
    """The day ``years`` before ``today``; the first day of year 1 if that is earlier (a limit
    of thousands of years, however large, then makes no evidence old)."""
    year = today.year - years
    if year < dt.MINYEAR:
        return dt.date.min
    return today.replace(year=year, day=min(today.day, calendar.monthrange(year, today.month)[1]))


def check_old_evidence(portfolio: Portfolio, specs: Specs, diags: Diagnostics) -> None:
    if portfolio.max_age < 1:
        return  # an invalid evidence_max_age, reported where it is set
    cutoff = years_before(portfolio.today, portfolio.max_age)
    for _, entry in portfolio.evidence():
        if latest_day(entry.item.date) < cutoff:
            diags.add(
                "old-evidence",
                f"evidence '{entry.item.id}' is dated {entry.item.date.iso()}, more than "
                f"{plural(portfolio.max_age, 'year')} ago",
                **entry.where("date"),
                hint="assessors ask for recent evidence: add newer evidence or say why this "
                "still matters (evidence_max_age in portfolio.yml changes the limit)",
            )


def check_section_length(portfolio: Portfolio, specs: Specs, diags: Diagnostics) -> None:
    low, high = CORE_WORDS
    for sid, present in present_sections(portfolio).items():
        spec, reflection = present.spec, present.reflection
        if not (spec.group and spec.assessed) or sid in portfolio.config.words:
            continue
        if reflection.front.draft or is_stub(spec, reflection) or low <= reflection.words <= high:
            continue  # drafts and stubs are already listed as left to write
        diags.add(
            "section-length",
            f"this section has {plural(reflection.words, 'word')}; assessed core sections "
            f"usually run {low:,}-{high:,}",
            **reflection.at(reflection.body_line),
            hint="this is guidance, not a rule: set your own range under 'words:' in "
            "portfolio.yml, or accept it under 'accept:'",
        )


GUIDANCE_CHECKS = (
    check_we_not_i,
    check_thin_reflection,
    check_overused_evidence,
    check_old_evidence,
    check_section_length,
)


def near_miss(reflection: Reflection, part: str) -> tuple[int, str] | None:
    """The body line and a hint for a line meant as the ``part`` heading that is not read as
    one: a heading in quotes or bold (pasted from Word), one made a sub-heading by a ``#``
    heading above it, or a bold line instead of a heading."""
    want = f"'## {part.title()}'"
    headings = reflection.parsed.headings
    for n, heading in enumerate(headings):
        if not _first_word(heading.text).startswith(part[:7]):  # Reflections, Reflective...
            continue
        if heading.level == 2:
            return heading.line, f"this heading is not read as the {part}: write it as {want}"
        # a heading one level up (the body's top level is always 2): the nearest before it
        higher = [h for h in headings if h.level < heading.level]
        above = next((h for h in reversed(headings[:n]) if h in higher), None)
        if above is None:
            where = reflection.file_line(higher[0].line)
            return heading.line, f"give it as few #s as the heading on line {where}: {want}"
        return heading.line, (
            f"parts must be your top-level headings, and the heading on line "
            f"{reflection.file_line(above.line)} is one level up from this one: give that one "
            "more #s than this, or remove it (the page shows the section's title already)"
        )
    for number, line in enumerate(reflection.body.splitlines(), start=1):
        if line.lstrip().startswith(("**", "__")) and _first_word(line) == part:
            return number, f"bold text is not a heading: write {want} on this line"
        if line.strip().rstrip(":").lower() == part:
            return number, f"a line with only the word is text, not a heading: write {want}"
        block = (
            line.lstrip().startswith("#")
            and _first_word(line) == part
            and next(
                (t for t in reflection.parsed.tokens if t.map and t.map[0] < number <= t.map[1]),
                None,
            )
        )  # the block holding the line, if that is code or HTML
        if block and block.type in _HIDING:
            starts = reflection.file_line(block.map[0] + 1)  # type: ignore[index]
            mark = block.markup if len(block.markup) < 9 else f"{block.markup[:3]}… (as many)"
            return number, _HIDING[block.type].format(line=starts, mark=mark)
    return None


# What a heading line is read as, when it is inside a block of code or HTML.
_HIDING = {
    "fence": "this line is inside the code block that starts on line {line} with {mark}, so "
    "it is shown as code: end that block with a line {mark} before it",
    "code_block": "this line starts with 4 spaces or more, so it is shown as code: remove the "
    "spaces before the #",
    "html_block": "this line is inside the HTML that starts on line {line} (such as a <!-- "
    "with no -->), so it is not read as Markdown: close or remove that HTML",
}


def _first_word(text: str) -> str:
    words = re.findall(r"[^\W\d_]+", text.lower())
    return words[0] if words and len(words) <= 6 else ""
