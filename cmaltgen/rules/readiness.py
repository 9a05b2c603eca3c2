"""Readiness: how far along a portfolio is, and whether it would pass ALT's initial check.

``cmaltgen check`` reads and validates a portfolio through the same stage functions as
``build`` (see :func:`read_portfolio`) but renders and writes nothing: it reports exactly the
build's diagnostics (the assessor guidance rules included, see :mod:`cmaltgen.rules.guidance`) and
adds readiness information: a progress table, what is left to write and, if asked, web links
checked over HTTP. The result is a :class:`Report`, which this module turns into
text lines, JSON-ready data or an HTML fragment; only the CLI prints.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from cmaltgen import __version__
from cmaltgen.diagnostics import (
    CODES,
    Diagnostic,
    Diagnostics,
    Severity,
    suggestion,
)
from cmaltgen.read import sources
from cmaltgen.read.documents import PART_NAMES, EvidenceEntry, EvidenceItem, Reflection, SectionDoc
from cmaltgen.read.feedback import FeedbackItem, short_date
from cmaltgen.read.framework import SLOT_PREFIX, Framework, Pathway, SectionSpec
from cmaltgen.read.portfolio import Portfolio
from cmaltgen.read.schema import PartialDate
from cmaltgen.rules import accept, links, privacy, sizes
from cmaltgen.rules.guidance import STUB_WORDS, Present, is_stub, present_sections
from cmaltgen.rules.links import WORKERS, LinkCache, LinkTarget, link_targets
from cmaltgen.rules.review import ReviewStatus, check_review, review_status
from cmaltgen.site import structure
from cmaltgen.wording import agree, article, join_and, plural

if TYPE_CHECKING:
    pass

log = logging.getLogger(__name__)


class EvidenceDate(Protocol):
    """What a section's status needs of an evidence item (an EvidenceItem or a site's item)."""

    @property
    def date(self) -> PartialDate: ...


MISSING, DRAFT, STUB, WRITTEN = "missing", "draft", "stub", "written"
UNREADABLE = "unreadable"  # its reflection.md has errors that stop it being read


# ------------------------------------------------------------------------------ reading


@dataclass
class Reading:
    """What the read and validate stages produced (``portfolio`` is None if unusable)."""

    root: Path
    found: sources.Sources
    portfolio: Portfolio | None
    diagnostics: Diagnostics


def read_portfolio(root: Path, today: dt.date, max_age: int | None = None) -> Reading:
    """Load, collect, parse and validate ``root`` exactly as a build does; render nothing."""

    root = root.resolve()
    diags = Diagnostics()
    output = root / sources.DEFAULT_OUTPUT
    from cmaltgen import build  # the orchestrator; imported here, as it imports the site stage

    found, portfolio = build.read_portfolio(root, output, today, diags, max_age=max_age)
    return Reading(root, found, portfolio, diags)


# ------------------------------------------------------------------------------ options


@dataclass(frozen=True)
class CheckOptions:
    """How to check. The defaults are those of ``cmaltgen check``."""

    strict: bool = False  # warnings make the portfolio not ready
    ignore: frozenset[str] = frozenset()  # warning codes not to report
    max_age: int | None = None  # years after which evidence is old (None: portfolio.yml's)
    external: bool = False  # check web links over the network
    timeout: float = 10.0  # seconds per web request
    workers: int = WORKERS
    cache_dir: Path | None = None  # where link results are kept; None: no cache


def ignore_problem(code: str) -> str | None:
    """Why ``code`` cannot be passed to ``--ignore``, or None if it can."""
    if code not in CODES:
        return f"there is no diagnostic code '{code}'" + suggestion(code, CODES)
    if CODES[code].severity is Severity.ERROR:
        return f"'{code}' is an error, and errors cannot be ignored: fix it instead"
    return None


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

    def line(self) -> str:
        shown = "" if self.on_site is None else f"; {self.on_site} on the public site"
        if self.on_site is None:
            shown = "; the site is not built until the errors are fixed"
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
        return f"Evidence: {plural(self.items, 'item')}{shown}{rest}."


@dataclass
class Report:
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


def check(
    root: Path, options: CheckOptions | None = None, *, today: dt.date | None = None
) -> Report:
    """Read, validate and check ``root`` for readiness; never writes to the portfolio."""
    options = options or CheckOptions()
    today = today or dt.date.today()
    reading = read_portfolio(root, today, options.max_age)
    portfolio, diags = reading.portfolio, Diagnostics(reading.diagnostics)
    links = None
    published: list[sizes.PublishedFile] = []
    if portfolio is not None:
        published = sizes.published_files(portfolio)
        check_review(portfolio, today, diags)  # readiness information, as --external
        if options.external:
            links = check_links(link_targets(portfolio), options, diags, portfolio.root)
            accept.apply(
                diags, portfolio.accepts, portfolio.root, portfolio.failed_files(), links=True
            )
    kept = Diagnostics(d for d in diags if d.is_error or d.code not in options.ignore)
    site = structure.build_site(portfolio) if portfolio and not diags.errors else None
    return Report(
        root=reading.root,
        today=today,
        strict=options.strict,
        framework=portfolio.framework if portfolio else None,
        pathway=portfolio.pathway if portfolio else None,
        candidate=portfolio.config.candidate.name if portfolio else "",
        sections=section_rows(portfolio, kept, site) if portfolio else [],
        diagnostics=kept,
        ignored=len(diags) - len(kept),
        links=links,
        evidence=evidence_counts(portfolio, site) if portfolio else None,
        largest=[(f.source, f.size) for f in published[:LARGEST_SHOWN]],
        published_bytes=sum(f.size for f in published),
        feedback=portfolio.feedback if portfolio else [],
        review=review_status(portfolio, today) if portfolio else None,
    )


def evidence_counts(portfolio: Portfolio, site: structure.Site | None) -> EvidenceCounts:
    """All distinct items, and where those the public site leaves out went."""
    first: dict[str, tuple[SectionDoc, EvidenceEntry]] = {}
    for doc, entry in portfolio.evidence():
        first.setdefault(entry.item.id, (doc, entry))
    drafts = assessors = private = 0
    for doc, entry in first.values():
        home_draft = doc.reflection is not None and doc.reflection.front.draft
        visibility = privacy.item_visibility(entry, doc, portfolio.config)
        if entry.item.draft or home_draft:
            drafts += 1
        elif visibility == privacy.PRIVATE:
            private += 1
        elif visibility == privacy.ASSESSORS:
            assessors += 1
    on_site = len(site.evidence) if site is not None else None
    return EvidenceCounts(len(first), on_site, drafts, assessors, private)


# ------------------------------------------------------------------------------ sections


def section_rows(
    portfolio: Portfolio, diags: Diagnostics, site: structure.Site | None = None
) -> list[SectionRow]:
    """One row per section of the pathway: present, unreadable, missing, each slot area."""
    present = present_sections(portfolio)
    items = _evidence_by_section(portfolio)
    shown = {s.id: len(s.evidence) for s in site.sections} if site is not None else None
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
    """Each section's evidence: items listed beside it and items that support it.

    Draft items are left out, as in the build; a draft section's items count, because this
    is a view of progress and they will be published with it.
    """
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


def _stub_words(spec: SectionSpec) -> int:
    """Brief sections (a review's link to the original portfolio, its CPD record's
    introduction) are short by nature: any words at all make them written."""
    return 1 if spec.brief else STUB_WORDS


def _writing(spec: SectionSpec, reflection: Reflection) -> list[str]:
    """E.g. "write the description and the reflection", "expand it (9 words)", or nothing."""
    if spec.assessed:
        parts = {name: reflection.parts.get(name) for name in PART_NAMES}
        short = {
            f"the {n}": p.words if p else 0
            for n, p in parts.items()
            if not p or p.words < STUB_WORDS
        }
    else:
        short = {"it": reflection.words} if reflection.words < _stub_words(spec) else {}
    if not short:
        return []
    if not any(short.values()):
        return ["write " + join_and(short)]
    return ["expand " + join_and(f"{w} ({plural(n, 'word')})" for w, n in short.items())]


# ------------------------------------------------------------------------------ readiness


# ------------------------------------------------------------------------------ web links


def check_links(
    targets: list[LinkTarget], options: CheckOptions, diags: Diagnostics, root: Path
) -> LinkSummary:
    """Check every distinct address once and add located diagnostics for each place."""
    started, now = time.monotonic(), time.time()
    urls = list(dict.fromkeys(t.url for t in targets))
    cache = LinkCache.load(options.cache_dir, now) if options.cache_dir else None
    results = {u: r for u in urls if cache and (r := cache.get(u)) is not None}
    todo = [u for u in urls if u not in results]
    failed = links.look_up_first(todo, options.timeout)
    offline = links.offline(todo, failed) if len(failed) == len(todo) else ""
    requested = [u for u in todo if u not in failed] if not offline else []
    fetched = links.fetch_all(requested, options.timeout, options.workers)
    offline = offline or links.offline(todo, {**failed, **fetched})
    if not offline:
        results.update({**failed, **fetched})
    if offline:
        diags.add(
            "links-unchecked",
            f"there seems to be no network ({offline}), so "
            f"{plural(len(todo), 'web link')} {agree(len(todo), 'was', 'were')} not checked",
            path=root,
            hint="run cmaltgen check --external again when you are online",
        )
    links.link_diagnostics(targets, results, options.timeout, diags)
    if cache is not None:
        for result in results.values():
            cache.put(result)
        cache.save()
    cached = sum(1 for r in results.values() if r.cached)
    seconds = time.monotonic() - started
    log.debug("checked %d links (%d from the cache) in %.2f s", len(urls), cached, seconds)
    return LinkSummary(len(urls), len(requested), cached, offline, seconds)


# ------------------------------------------------------------------------------ rendering

Styler = Callable[[str, str], str]

STYLES: dict[str, dict[str, Any]] = {
    "heading": {"bold": True},
    MISSING: {"fg": "red"},
    UNREADABLE: {"fg": "red", "bold": True},
    DRAFT: {"fg": "cyan"},
    STUB: {"fg": "yellow"},
    WRITTEN: {"fg": "green"},
    "ready": {"fg": "green", "bold": True},
    "not-ready": {"fg": "red", "bold": True},
}
"""Keyword arguments for ``click.style`` per role of a piece of the text report."""

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


def _plain(text: str, role: str) -> str:
    return text


def _cells(row: SectionRow) -> list[str]:
    def num(n: int | None) -> str:
        return "-" if n is None else str(n)

    newest = row.newest_evidence.iso() if row.newest_evidence else "-"
    counted = row.evidence or row.status not in (MISSING, UNREADABLE)
    evidence = str(row.evidence) if counted else "-"
    words = [num(row.words), num(row.description_words), num(row.reflection_words)]
    return [row.id, row.status, *words, evidence, num(row.on_site), newest, "; ".join(row.todo)]


def report_lines(report: Report, style: Styler = _plain) -> list[str]:
    """The progress table and link summary as text lines (the verdict is :attr:`verdict`)."""
    lines = [style(_title(report), "heading"), ""]
    if not report.sections:
        return [*lines, "No sections to show: portfolio.yml could not be used."]
    table = [_cells(row) for row in report.sections]
    widths = [max(len(r[i]) for r in [list(COLUMNS), *table]) for i in range(len(COLUMNS) - 1)]
    right = {2, 3, 4, 5, 6}

    def fit(cells: list[str]) -> list[str]:
        padded = [c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(pairs(cells))]
        return [*padded, cells[-1]]

    def pairs(cells: list[str]) -> list[tuple[str, int]]:
        return list(zip(cells[:-1], widths, strict=True))

    lines.append(style("  ".join(fit(list(COLUMNS))).rstrip(), "heading"))
    for row, cells in zip(report.sections, table, strict=True):
        fitted = fit(cells)
        fitted[1] = style(fitted[1], row.status)
        lines.append("  ".join(fitted).rstrip())
    if report.evidence is not None:
        lines += ["", report.evidence.line()]
    if report.feedback:
        lines += ["", *feedback_lines(report, style)]
    if report.review is not None:
        lines += ["", *report.review.lines()]
    if report.largest:
        lines += ["", *_largest_lines(report)]
    if report.links is not None:
        lines += ["", _link_line(report.links)]
    return lines


def feedback_lines(report: Report, style: Styler = _plain) -> list[str]:
    """ "Open feedback", per section: ``3a ¶4 (Sam Lee, mentor, 2 Oct 2026): text``."""
    shown = report.open_feedback
    done = len(report.feedback) - len(shown)
    counts = f"{plural(len(shown), 'open comment')}, {done} addressed"
    lines = [style(f"Open feedback ({counts}):", "heading")]
    if not shown:
        return [*lines, "  none: every comment is addressed"]
    for item in shown:  # in section order: the table's
        gone = "" if item.found else " [not found: see the warning below]"
        lines.append(f"  {feedback_line(item)}{gone}")
    return lines


def feedback_line(item: FeedbackItem) -> str:
    when = short_date(item.date)
    return f"{item.reference} ({item.reviewer}, {item.role}, {when}): {' '.join(item.text.split())}"


LARGEST_SHOWN = 5


def _largest_lines(report: Report) -> list[str]:
    """The biggest files the site publishes, against GitHub Pages' limits."""
    total, limit = report.published_bytes, sizes.PAGES_MAX_SITE_BYTES
    lines = [
        f"Largest files published (all files: {_size(total)} of GitHub Pages' "
        f"{_size(limit)} limit; each may be up to {_size(sizes.PAGES_MAX_FILE_BYTES)}):"
    ]
    for path, size in report.largest:
        over = "  over the limit" if size > sizes.PAGES_MAX_FILE_BYTES else ""
        shown = os.fsencode(_relative(path, report.root) or "").decode("utf-8", "backslashreplace")
        lines.append(f"  {_size(size):>9}  {shown}{over}")
    return lines


def _size(size: int) -> str:
    if size < 1024 * 1024:
        return f"{-(-size // 1024)} KB"  # rounded up: a small file is not "0 KB"
    return sizes.megabytes(size)


def _title(report: Report) -> str:
    what = f"{report.pathway.title} portfolio" if report.pathway else "Portfolio"
    who = f"{report.candidate}: " if report.candidate else ""
    guidance = f" ({report.framework.title})" if report.framework else ""
    return f"{who}{what}{guidance}"


def _link_line(links: LinkSummary) -> str:
    if links.offline:
        return f"Web links: not checked ({links.offline})."
    return (
        f"Web links: {links.urls} checked ({links.cached} from the cache) in {links.seconds:.1f} s."
    )


def verdict_role(report: Report) -> str:
    return "ready" if report.ready else "not-ready"


def _relative(path: Path | None, root: Path) -> str | None:
    if path is None:
        return None
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else path.as_posix()


def report_json(report: Report) -> dict[str, Any]:
    """The report as JSON-ready data; the keys are documented in docs/check.md."""
    return {
        "version": 1,
        "cmaltgen": __version__,
        "portfolio": report.root.as_posix(),
        "framework": report.framework.version if report.framework else None,
        "pathway": report.pathway.id if report.pathway else None,
        "today": report.today.isoformat(),
        "ready": report.ready,
        "verdict": report.verdict,
        "counts": {
            "errors": report.errors,
            "warnings": report.warnings,
            "ignored": report.ignored,
            "accepted": len(report.diagnostics.accepted),
            "sections_left": report.left,
        },
        "evidence": _evidence_json(report.evidence),
        "sections": [_row_json(row, report.root) for row in report.sections],
        "diagnostics": [_diag_json(d, report.root) for d in report.diagnostics.sorted()],
        "links": _links_json(report.links),
        "largest_files": [
            {"path": _relative(path, report.root), "bytes": size} for path, size in report.largest
        ],
        "published_bytes": report.published_bytes,
        "feedback": [_feedback_json(item, report.root) for item in report.feedback],
        "review": report.review.as_json() if report.review else None,
    }


def _feedback_json(item: FeedbackItem, root: Path) -> dict[str, Any]:
    return {
        "section": item.section,
        "paragraph": item.paragraph,
        "number": item.number or None,
        "reference": item.reference,
        "found": item.found,
        "reviewer": item.reviewer,
        "role": item.role,
        "date": item.date.iso(),
        "status": item.status,
        "text": item.text,
        "response": item.response or None,
        "path": _relative(item.file, root),
        "line": item.line,
    }


def _row_json(row: SectionRow, root: Path) -> dict[str, Any]:
    return {
        "id": row.id,
        "title": row.title,
        "status": row.status,
        "required": row.required,
        "folder": _relative(row.folder, root),
        "words": row.words,
        "description_words": row.description_words,
        "reflection_words": row.reflection_words,
        "evidence": row.evidence,
        "evidence_on_site": row.on_site,
        "newest_evidence": row.newest_evidence.iso() if row.newest_evidence else None,
        "todo": list(row.todo),
    }


def _diag_json(diag: Diagnostic, root: Path) -> dict[str, Any]:
    return {
        "severity": diag.severity.value,
        "code": diag.code,
        "path": _relative(diag.path, root),
        "line": diag.line,
        "col": diag.col,
        "key": diag.key,
        "message": diag.message,
        "hint": diag.hint,
        "accepted": diag.accepted,
    }


def _evidence_json(counts: EvidenceCounts | None) -> dict[str, Any] | None:
    if counts is None:
        return None
    return {
        "items": counts.items,
        "on_site": counts.on_site,
        "drafts": counts.drafts,
        "assessors": counts.assessors,
        "private": counts.private,
    }


def _links_json(links: LinkSummary | None) -> dict[str, Any] | None:
    if links is None:
        return None
    return {
        "urls": links.urls,
        "requested": links.requested,
        "cached": links.cached,
        "offline": links.offline or None,
        "seconds": round(links.seconds, 3),
    }


def feedback_html(report: Report) -> str:
    """Open feedback as an escaped HTML fragment for serve's progress page ('' if none)."""
    if not report.feedback:
        return ""
    shown = report.open_feedback
    done = len(report.feedback) - len(shown)
    items = "".join(f"<li>{html.escape(feedback_line(item))}</li>" for item in shown)
    return (
        f'<h2 id="open-feedback">Open feedback</h2>\n<p>{plural(len(shown), "open comment")}, '
        f"{done} addressed.</p>\n" + (f"<ul>{items}</ul>\n" if items else "")
    )


def report_html(report: Report) -> str:
    """The progress table as a small, escaped HTML fragment for ``serve`` to embed."""
    esc = html.escape
    head = "".join(f'<th scope="col">{esc(c)}</th>' for c in COLUMNS)
    rows = []
    for row in report.sections:
        cells = _cells(row)
        name = f"{row.id} {row.title}" if row.title else row.id
        rest = "".join(f"<td>{esc(c)}</td>" for c in cells[2:])
        rows.append(
            f'<tr class="status-{esc(row.status)}"><th scope="row">{esc(name)}</th>'
            f"<td>{esc(row.status)}</td>{rest}</tr>"
        )
    state = "ready" if report.ready else "not-ready"
    return (
        f'<table class="check-report {state}">\n'
        f"<caption>{esc(report.verdict)}</caption>\n"
        f"<thead><tr>{head}</tr></thead>\n"
        "<tbody>\n" + "\n".join(rows) + ("\n" if rows else "") + "</tbody>\n</table>\n"
    )
