"""Readiness: one :class:`SectionRow` per section of the pathway, the evidence counts and the
verdict of the :class:`Report` that ``cmaltgen check`` gives."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from cmaltgen.codes import Severity
from cmaltgen.diagnostics import Diagnostics
from cmaltgen.read.dates import PartialDate
from cmaltgen.read.document_fields import EvidenceItem
from cmaltgen.read.documents import PART_NAMES, Reflection
from cmaltgen.read.framework import SLOT_PREFIX, Framework, Pathway, SectionSpec
from cmaltgen.read.portfolio import Portfolio
from cmaltgen.rules.guidance import STUB_WORDS, Present, is_stub, present_sections
from cmaltgen.wording import article, join_and, plural

if TYPE_CHECKING:  # a review's status and feedback: only some portfolios have them
    from cmaltgen.read.feedback import FeedbackItem
    from cmaltgen.rules.review import ReviewStatus

MISSING, DRAFT, STUB, WRITTEN = "missing", "draft", "stub", "written"
UNREADABLE = "unreadable"  # its reflection.md has errors that stop it being read


# ------------------------------------------------------------------------------ report


@dataclass(frozen=True)
class SectionRow:
    """One line of the progress table."""

    id: str
    title: str
    status: str  # missing, unreadable, draft, stub or written
    required: bool  # a missing section counts as left to write
    folder: Path | None = None
    words: int | None = None
    description_words: int | None = None
    reflection_words: int | None = None
    evidence: int = 0  # items (not drafts) listed beside it or supporting it
    newest_evidence: PartialDate | None = None
    todo: tuple[str, ...] = ()
    on_site: int | None = None  # of those, how many the public site shows (None: not built)

    @property
    def left(self) -> bool:
        return self.status in (DRAFT, STUB) or (self.status == MISSING and self.required)


@dataclass(frozen=True)
class LinkSummary:
    """What checking the web addresses found (``check --external``)."""

    urls: int  # distinct web addresses found
    requested: int  # checked over the network this time
    cached: int  # answered from the cache
    offline: str  # why nothing was checked, or ""
    seconds: float


@dataclass(frozen=True)
class EvidenceCounts:
    """How many evidence items there are, and how many the public site shows (as ``build``
    counts them), with why the others are left out."""

    items: int  # distinct items, drafts included
    on_site: int | None  # None: the site would not be built (there are errors)
    drafts: int  # draft items, and items of draft sections
    assessors: int  # for assessors only (in the assessor edition)
    private: int  # never built
    unread: int = 0  # evidence.yml files with errors: their items are not counted

    def line(self) -> str:
        shown = "; the site is not built until the errors are fixed"
        if self.on_site is not None:
            shown = f"; {self.on_site} on the public site"
        why = [
            f"{n} {what}"
            for n, what in (
                (self.drafts, "draft"),
                (self.assessors, "for assessors only"),
                (self.private, "private"),
            )
            if n
        ]
        rest = f" (left out: {', '.join(why)})" if why and self.on_site is not None else ""
        unread = f" (not counting {plural(self.unread, 'evidence.yml')} with errors)"
        return (
            f"Evidence: {plural(self.items, 'item')}{unread if self.unread else ''}{shown}{rest}."
        )


@dataclass
class Report:
    """Everything ``cmaltgen check`` reports about a portfolio."""

    root: Path
    today: dt.date
    strict: bool
    framework: Framework | None
    pathway: Pathway | None
    candidate: str
    sections: list[SectionRow]
    diagnostics: Diagnostics
    ignored: int = 0
    links: LinkSummary | None = None
    evidence: EvidenceCounts | None = None
    largest: list[tuple[Path, int]] = field(default_factory=list)  # published files, biggest first
    published_bytes: int = 0  # every file the public site publishes, added up
    review: ReviewStatus | None = None  # when the three-yearly review is due (holders)
    feedback: list[FeedbackItem] = field(default_factory=list)  # open and addressed

    @property
    def open_feedback(self) -> list[FeedbackItem]:
        """Open comments in the table's section order, then paragraph order."""
        order = {row.id: i for i, row in enumerate(self.sections)}
        items = [i for i in self.feedback if i.is_open]
        return sorted(items, key=lambda i: (order.get(i.section, len(order)), i.number))

    @property
    def errors(self) -> int:
        return len(self.diagnostics.errors)

    @property
    def warnings(self) -> int:
        return len(self.diagnostics.warnings)

    @property
    def left(self) -> int:
        return sum(1 for row in self.sections if row.left)

    @property
    def ready(self) -> bool:
        return not (self.errors or self.left or (self.strict and self.warnings))

    @property
    def verdict(self) -> str:
        accepted = len(self.diagnostics.accepted)
        if self.ready:
            notes = [f"{plural(self.warnings, 'warning')} to review"] if self.warnings else []
            notes += [f"{accepted} accepted"] if accepted else []
            extra = f" ({'; '.join(notes)})" if notes else ""
            return "Ready for ALT's initial check" + extra
        problems = f"{plural(self.errors, 'error')}, {plural(self.warnings, 'warning')}"
        left = f"{plural(self.left, 'section')} left to write"
        return f"Not ready: {problems}; {left}" + (" (--strict)" if self.strict else "")


# ------------------------------------------------------------------------------ sections


def section_rows(
    portfolio: Portfolio, diags: Diagnostics, shown: dict[str, int] | None = None
) -> list[SectionRow]:
    """One row per section of the pathway and slot area; ``shown``: items each section shows
    on the public site (None: not built)."""
    present = present_sections(portfolio)
    items = _evidence_by_section(portfolio)
    unreadable = portfolio.fallout.folders
    failed = portfolio.fallout.evidence_failed  # then "add evidence" may be a consequence
    rows: list[SectionRow] = []
    for spec in portfolio.pathway.sections:
        if spec.slot is None:
            found = present.get(spec.id)
            if found:
                rows.append(_row(found, items.get(spec.id, []), diags, shown, failed))
            elif spec.id in unreadable:
                rows.append(_unreadable_row(spec.id, spec, unreadable[spec.id], diags))
            else:
                rows.append(missing_row(spec))
            continue
        areas = [w for w in present.values() if w.spec is spec]
        rows.extend(
            _row(w, items.get(w.reflection.front.section, []), diags, shown, failed) for w in areas
        )
        broken = sorted(s for s in unreadable if portfolio.pathway.spec_for(s) is spec)
        broken = [s for s in broken if s not in present]
        rows.extend(_unreadable_row(s, spec, unreadable[s], diags) for s in broken)
        short = portfolio.pathway.slot_count(spec.slot).min - len(areas) - len(broken)
        rows.extend(missing_row(spec) for _ in range(max(0, short)))
    return rows


def _unreadable_row(sid: str, spec: SectionSpec, folder: Path, diags: Diagnostics) -> SectionRow:
    """A section whose reflection.md could not be read: not missing, but not countable."""
    errors, _ = _problems(diags, folder)
    todo = f"fix {plural(errors, 'error')}" if errors else "fix its reflection.md"
    return SectionRow(sid, spec.title, UNREADABLE, True, folder=folder, todo=(todo,))


def _evidence_by_section(portfolio: Portfolio) -> dict[str, list[EvidenceItem]]:
    """Each section's evidence: items beside it or supporting it. Draft items are left out,
    as in the build, but a draft section's count: they will be published with it."""
    found: dict[str, dict[str, EvidenceItem]] = {}
    for doc, entry in portfolio.evidence():
        if entry.item.draft:
            continue
        for sid in {doc.section_id, *entry.item.supports}:
            if sid:
                found.setdefault(sid, {}).setdefault(entry.item.id, entry.item)
    return {sid: list(items.values()) for sid, items in found.items()}


def missing_row(spec: SectionSpec) -> SectionRow:
    if spec.slot:
        sid, todo = f"{SLOT_PREFIX[spec.slot]}NAME", f"add {article(spec.title.lower())}"
    else:
        sid, todo = spec.id, "write it"
    required = spec.level is Severity.ERROR
    return SectionRow(sid, spec.title, MISSING, required, todo=(todo if required else "optional",))


def _row(
    present: Present,
    items: list[EvidenceItem],
    diags: Diagnostics,
    shown: dict[str, int] | None = None,
    evidence_failed: bool = False,
) -> SectionRow:
    spec, reflection = present.spec, present.reflection
    parts = [reflection.parts.get(name) for name in PART_NAMES]
    folder = reflection.path.parent
    return SectionRow(
        id=reflection.front.section,
        title=reflection.front.title if spec.slot else spec.title,
        status=_status(spec, reflection),
        required=True,
        folder=folder,
        words=reflection.words,
        description_words=parts[0].words if parts[0] else None,
        reflection_words=parts[1].words if parts[1] else None,
        evidence=len(items),
        newest_evidence=max((i.date for i in items), default=None),
        todo=_todo(spec, reflection, len(items) or evidence_failed, _problems(diags, folder)),
        on_site=None if shown is None else shown.get(reflection.front.section, 0),
    )


def _status(spec: SectionSpec, reflection: Reflection) -> str:
    if reflection.front.draft:
        return DRAFT
    return STUB if is_stub(spec, reflection) else WRITTEN


def _problems(diags: Diagnostics, folder: Path) -> tuple[int, int]:
    """Errors and warnings in a section's files (its draft warning is the status already)."""
    inside = [
        d
        for d in diags
        if d.path is not None and d.path.is_relative_to(folder) and d.code != "draft"
        if d.accepted is None  # reviewed already
    ]
    errors = sum(1 for d in inside if d.is_error)
    return errors, len(inside) - errors


def _todo(
    spec: SectionSpec, reflection: Reflection, evidence: int | bool, problems: tuple[int, int]
) -> tuple[str, ...]:
    """What is left; ``evidence`` is true when it has evidence, or may have (see _row)."""
    todo = list(_writing(spec, reflection))
    if spec.assessed and not evidence:
        todo.append("add evidence")
    if reflection.front.draft:
        todo.append("remove draft: true when ready")
    if problems[0]:
        todo.append(f"fix {plural(problems[0], 'error')}")
    if problems[1]:
        todo.append(f"review {plural(problems[1], 'warning')}")
    return tuple(todo)


def _writing(spec: SectionSpec, reflection: Reflection) -> list[str]:
    """E.g. "write the description and the reflection", "expand it (9 words)", or nothing."""
    if spec.assessed:
        parts = {name: reflection.parts.get(name) for name in PART_NAMES}
        short = {
            f"the {n}": p.words if p else 0
            for n, p in parts.items()
            if not p or p.words < STUB_WORDS
        }
    else:  # brief sections (a review's link to the original, its CPD introduction) may be short
        least = 1 if spec.brief else STUB_WORDS
        short = {"it": reflection.words} if reflection.words < least else {}
    if not short:
        return []
    if not any(short.values()):
        return ["write " + join_and(short)]
    return ["expand " + join_and(f"{w} ({plural(n, 'word')})" for w, n in short.items())]


COLUMNS = (
    "Section",
    "Status",
    "Words",
    "Descr.",
    "Refl.",
    "Evidence",
    "On site",
    "Newest",
    "To do",
)


def cells(row: SectionRow) -> list[str]:
    """A row's values under :data:`COLUMNS`, as both the terminal and the preview show them."""

    def num(n: int | None) -> str:
        return "-" if n is None else str(n)

    newest = row.newest_evidence.iso() if row.newest_evidence else "-"
    counted = row.evidence or row.status not in (MISSING, UNREADABLE)
    evidence = str(row.evidence) if counted else "-"
    words = [num(row.words), num(row.description_words), num(row.reflection_words)]
    return [row.id, row.status, *words, evidence, num(row.on_site), newest, "; ".join(row.todo)]


def feedback_line(item: FeedbackItem) -> str:
    """One open comment: ``3a ¶4 (Sam Lee, mentor, 2 Oct 2026): text``."""
    when = item.date.human("%b")
    return f"{item.reference} ({item.reviewer}, {item.role}, {when}): {' '.join(item.text.split())}"
