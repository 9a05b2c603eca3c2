"""Readiness: how far along a portfolio is, and whether it would pass ALT's initial check.

``cmaltgen check`` reads and validates a portfolio through the same stage functions as
``build`` (see :func:`read_portfolio`) but renders and writes nothing. On top of the build's
validation it runs readiness checks (warnings about what assessors criticise) and, if asked,
checks web links over HTTP. The result is a :class:`Report`, which this module turns into
text lines, JSON-ready data or an HTML fragment; only the CLI prints.
"""

from __future__ import annotations

import calendar
import datetime as dt
import html
import logging
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from cmaltgen import __version__, links, sources, validate
from cmaltgen.diagnostics import (
    CODES,
    Diagnostic,
    Diagnostics,
    Severity,
    suggestion,
)
from cmaltgen.documents import PART_NAMES, EvidenceItem, Reflection, SectionDoc
from cmaltgen.framework import SLOT_PREFIX, Framework, Pathway, SectionSpec
from cmaltgen.links import WORKERS, LinkCache, LinkTarget, link_targets
from cmaltgen.schema import PartialDate

if TYPE_CHECKING:
    from cmaltgen.structure import Site

log = logging.getLogger(__name__)


class EvidenceDate(Protocol):
    """What a section's status needs of an evidence item (an EvidenceItem or a site's item)."""

    @property
    def date(self) -> PartialDate: ...


MISSING, DRAFT, STUB, WRITTEN = "missing", "draft", "stub", "written"
STUB_WORDS = 50  # a description, reflection or free-text section shorter than this is a stub
WE_MIN, WE_RATIO = 5, 1.5  # we/our/us at least this often and this many times I/my/me
THIN_RATIO = 3  # a reflection under a third of its description is thin
OVERUSED = 4  # an item cited by this many sections or more
CORE_WORDS = (300, 4000)  # typical length of an assessed core section (unconfirmed)


# ------------------------------------------------------------------------------ reading


@dataclass
class Reading:
    """What the read and validate stages produced (``portfolio`` is None if unusable)."""

    root: Path
    found: sources.Sources
    portfolio: validate.Portfolio | None
    diagnostics: Diagnostics


def read_portfolio(root: Path, today: dt.date) -> Reading:
    """Load, collect, parse and validate ``root`` exactly as a build does; render nothing."""
    from cmaltgen import build  # here, not at the top: the render stage imports this module

    root = root.resolve()
    diags = Diagnostics()
    found, portfolio = build.read_portfolio(root, root / sources.DEFAULT_OUTPUT, today, diags)
    return Reading(root, found, portfolio, diags)


# ------------------------------------------------------------------------------ options


@dataclass(frozen=True)
class CheckOptions:
    """How to check. The defaults are those of ``cmaltgen check``."""

    strict: bool = False  # warnings make the portfolio not ready
    ignore: frozenset[str] = frozenset()  # warning codes not to report
    max_age: int = 3  # years after which evidence is old
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
    status: str  # missing, draft, stub or written
    required: bool  # a missing section counts as left to write
    folder: Path | None = None
    words: int | None = None
    description_words: int | None = None
    reflection_words: int | None = None
    evidence: int = 0
    newest_evidence: PartialDate | None = None
    todo: tuple[str, ...] = ()

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
        if self.ready:
            extra = f" ({_plural(self.warnings, 'warning')} to review)" if self.warnings else ""
            return "Ready for ALT's initial check" + extra
        problems = f"{_plural(self.errors, 'error')}, {_plural(self.warnings, 'warning')}"
        left = f"{_plural(self.left, 'section')} left to write"
        return f"Not ready: {problems}; {left}" + (" (--strict)" if self.strict else "")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def check(
    root: Path, options: CheckOptions | None = None, *, today: dt.date | None = None
) -> Report:
    """Read, validate and check ``root`` for readiness; never writes to the portfolio."""
    options = options or CheckOptions()
    today = today or dt.date.today()
    reading = read_portfolio(root, today)
    portfolio, diags = reading.portfolio, Diagnostics(reading.diagnostics)
    links = None
    if portfolio is not None:
        context = _Context(portfolio, present_sections(portfolio), options, today)
        for readiness_check in READINESS_CHECKS:
            readiness_check(context, diags)
        if options.external:
            links = check_links(link_targets(portfolio), options, diags, portfolio.root)
    kept = Diagnostics(d for d in diags if d.is_error or d.code not in options.ignore)
    return Report(
        root=reading.root,
        today=today,
        strict=options.strict,
        framework=portfolio.framework if portfolio else None,
        pathway=portfolio.pathway if portfolio else None,
        candidate=portfolio.config.candidate.name if portfolio else "",
        sections=section_rows(portfolio, kept) if portfolio else [],
        diagnostics=kept,
        ignored=len(diags) - len(kept),
        links=links,
    )


# ------------------------------------------------------------------------------ sections


@dataclass(frozen=True)
class Present:
    """A section that is present: the first reflection naming a section of the pathway."""

    spec: SectionSpec
    doc: SectionDoc
    reflection: Reflection


def present_sections(portfolio: validate.Portfolio) -> dict[str, Present]:
    """Present sections by id, in pathway order (areas of one slot by folder name)."""
    order = list(portfolio.pathway.sections)
    found: dict[str, Present] = {}
    for doc, reflection in portfolio.sections():
        spec = portfolio.pathway.spec_for(reflection.front.section)
        if spec is not None and reflection.front.section not in found:
            found[reflection.front.section] = Present(spec, doc, reflection)
    ranked = sorted(
        found.items(), key=lambda p: (order.index(p[1].spec), p[1].reflection.path.parent.name)
    )
    return dict(ranked)


def section_rows(
    portfolio: validate.Portfolio,
    diags: Diagnostics,
    present: dict[str, Present] | None = None,
    evidence: dict[str, list[EvidenceDate]] | None = None,
) -> list[SectionRow]:
    """One row per section of the pathway: present, missing, and each slot area.

    This is the one definition of a section's status (missing, draft, stub, written). By
    default every section and evidence item of the portfolio counts (``cmaltgen check``); the
    manifest passes the sections and evidence of the public site instead (:func:`site_rows`),
    so a section the site leaves out reads as missing there.
    """
    present = present_sections(portfolio) if present is None else present
    items = _evidence_by_section(portfolio) if evidence is None else evidence
    rows: list[SectionRow] = []
    for spec in portfolio.pathway.sections:
        if spec.slot is None:
            found = present.get(spec.id)
            rows.append(_row(found, items.get(spec.id, []), diags) if found else _missing_row(spec))
            continue
        areas = [w for w in present.values() if w.spec is spec]
        rows.extend(_row(w, items.get(w.reflection.front.section, []), diags) for w in areas)
        short = portfolio.pathway.slot_count(spec.slot).min - len(areas)
        rows.extend(_missing_row(spec) for _ in range(max(0, short)))
    return rows


def site_rows(site: Site) -> list[SectionRow]:
    """The progress rows of what a built site shows: only its sections and its evidence."""
    portfolio = site.portfolio
    docs = {reflection.path: doc for doc, reflection in portfolio.sections()}
    present: dict[str, Present] = {}
    for section in site.sections:
        spec = portfolio.pathway.spec_for(section.id)
        doc = docs.get(section.reflection.path)
        if spec is not None and doc is not None:
            present[section.id] = Present(spec, doc, section.reflection)
    evidence: dict[str, list[EvidenceDate]] = {s.id: list(s.evidence) for s in site.sections}
    return section_rows(portfolio, Diagnostics(), present, evidence)


def _evidence_by_section(portfolio: validate.Portfolio) -> dict[str, list[EvidenceDate]]:
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


def _missing_row(spec: SectionSpec) -> SectionRow:
    if spec.slot:
        sid, todo = f"{SLOT_PREFIX[spec.slot]}NAME", f"add a {spec.title.lower()}"
    else:
        sid, todo = spec.id, "write it"
    required = spec.level is Severity.ERROR
    return SectionRow(sid, spec.title, MISSING, required, todo=(todo if required else "optional",))


def _row(present: Present, items: Sequence[EvidenceDate], diags: Diagnostics) -> SectionRow:
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
        todo=_todo(spec, reflection, len(items), _problems(diags, folder)),
    )


def _status(spec: SectionSpec, reflection: Reflection) -> str:
    if reflection.front.draft:
        return DRAFT
    return STUB if _is_stub(spec, reflection) else WRITTEN


def _is_stub(spec: SectionSpec, reflection: Reflection) -> bool:
    if not spec.assessed:
        return reflection.words < STUB_WORDS
    parts = [reflection.parts.get(name) for name in PART_NAMES]
    return any(part is None or part.words < STUB_WORDS for part in parts)


def _problems(diags: Diagnostics, folder: Path) -> tuple[int, int]:
    """Errors and warnings in a section's files (its draft warning is the status already)."""
    inside = [
        d
        for d in diags
        if d.path is not None and d.path.is_relative_to(folder) and d.code != "draft"
    ]
    errors = sum(1 for d in inside if d.is_error)
    return errors, len(inside) - errors


def _todo(
    spec: SectionSpec, reflection: Reflection, evidence: int, problems: tuple[int, int]
) -> tuple[str, ...]:
    todo = list(_writing(spec, reflection))
    if spec.assessed and not evidence:
        todo.append("add evidence")
    if reflection.front.draft:
        todo.append("remove draft: true when ready")
    if problems[0]:
        todo.append(f"fix {_plural(problems[0], 'error')}")
    if problems[1]:
        todo.append(f"review {_plural(problems[1], 'warning')}")
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
    else:
        short = {"it": reflection.words} if reflection.words < STUB_WORDS else {}
    if not short:
        return []
    if not any(short.values()):
        return ["write " + " and ".join(short)]
    return ["expand " + " and ".join(f"{w} ({_plural(n, 'word')})" for w, n in short.items())]


# ------------------------------------------------------------------------------ readiness


@dataclass(frozen=True)
class _Context:
    portfolio: validate.Portfolio
    sections: dict[str, Present]
    options: CheckOptions
    today: dt.date


_SINGULAR = {"me", "my", "mine", "myself"}
_PLURAL = {"we", "us", "our", "ours", "ourselves"}


def pronoun_counts(text: str) -> tuple[int, int]:
    """(we/us/our..., I/me/my...) in ``text``. "US" in capitals is the country, not "us"."""
    words = re.findall(r"[A-Za-z]+", text)
    plural = sum(1 for w in words if w.lower() in _PLURAL and w != "US")
    singular = sum(1 for w in words if w == "I" or w.lower() in _SINGULAR)
    return plural, singular


def check_we_not_i(ctx: _Context, diags: Diagnostics) -> None:
    for present in ctx.sections.values():
        part = present.reflection.parts.get("description")
        if not present.spec.assessed or part is None:
            continue
        plural, singular = pronoun_counts(part.first_text)
        if plural >= WE_MIN and plural > WE_RATIO * singular:
            diags.add(
                "we-not-i",
                f"the description says we/our/us {_plural(plural, 'time')} and I/my/me "
                f"{_plural(singular, 'time')}",
                path=present.reflection.path,
                line=part.line,
                col=1,
                hint="assessors look for your own part: write 'I' for what you did and name "
                "what others did",
            )


def check_thin_reflection(ctx: _Context, diags: Diagnostics) -> None:
    for present in ctx.sections.values():
        desc = present.reflection.parts.get("description")
        refl = present.reflection.parts.get("reflection")
        if desc is None or refl is None or not refl.words:
            continue
        if refl.words * THIN_RATIO < desc.words:
            diags.add(
                "thin-reflection",
                f"the reflection has {_plural(refl.words, 'word')}, under a third of the "
                f"description's {desc.words}",
                path=present.reflection.path,
                line=refl.line,
                col=1,
                hint="thin reflection is the commonest reason for a referral: say what you "
                "learned, what changed in your practice, and its impact",
            )


def check_overused_evidence(ctx: _Context, diags: Diagnostics) -> None:
    citing: dict[str, list[str]] = {}
    for sid, present in ctx.sections.items():
        if present.reflection.front.draft:
            continue  # not published, so not seen by assessors
        for ref in present.reflection.parsed.references:
            if ref.kind == "evidence" and sid not in citing.setdefault(ref.target, []):
                citing[ref.target].append(sid)
    seen: set[str] = set()
    for _, entry in ctx.portfolio.evidence():
        sids = citing.get(entry.item.id, [])
        if len(sids) >= OVERUSED and entry.item.id not in seen:
            seen.add(entry.item.id)
            diags.add(
                "evidence-overused",
                f"evidence '{entry.item.id}' is cited in {len(sids)} sections ({', '.join(sids)})",
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
    year = today.year - years
    return today.replace(year=year, day=min(today.day, calendar.monthrange(year, today.month)[1]))


def check_old_evidence(ctx: _Context, diags: Diagnostics) -> None:
    cutoff = years_before(ctx.today, ctx.options.max_age)
    for _, entry in ctx.portfolio.evidence():
        if latest_day(entry.item.date) < cutoff:
            diags.add(
                "old-evidence",
                f"evidence '{entry.item.id}' is dated {entry.item.date.iso()}, more than "
                f"{_plural(ctx.options.max_age, 'year')} ago",
                **entry.where("date"),
                hint="assessors ask for recent evidence: add newer evidence or say why this "
                "still matters (--max-age YEARS changes the limit)",
            )


def check_section_length(ctx: _Context, diags: Diagnostics) -> None:
    low, high = CORE_WORDS
    for sid, present in ctx.sections.items():
        spec, reflection = present.spec, present.reflection
        if not (spec.group and spec.assessed) or sid in ctx.portfolio.config.words:
            continue
        if _status(spec, reflection) != WRITTEN or low <= reflection.words <= high:
            continue  # drafts and stubs are already listed as left to write
        diags.add(
            "section-length",
            f"this section has {reflection.words:,} words; assessed core sections "
            f"usually run {low:,}-{high:,}",
            path=reflection.path,
            line=reflection.body_line,
            col=1,
            hint="this is guidance, not a rule: set your own range under 'words:' in "
            "portfolio.yml, or pass --ignore section-length",
        )


ReadinessCheck = Callable[[_Context, Diagnostics], None]

READINESS_CHECKS: tuple[ReadinessCheck, ...] = (
    check_we_not_i,
    check_thin_reflection,
    check_overused_evidence,
    check_old_evidence,
    check_section_length,
)


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
            f"{_plural(len(todo), 'web link')} were not checked",
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
    DRAFT: {"fg": "cyan"},
    STUB: {"fg": "yellow"},
    WRITTEN: {"fg": "green"},
    "ready": {"fg": "green", "bold": True},
    "not-ready": {"fg": "red", "bold": True},
}
"""Keyword arguments for ``click.style`` per role of a piece of the text report."""

COLUMNS = ("Section", "Status", "Words", "Descr.", "Refl.", "Evidence", "Newest", "To do")


def _plain(text: str, role: str) -> str:
    return text


def _cells(row: SectionRow) -> list[str]:
    def num(n: int | None) -> str:
        return "-" if n is None else str(n)

    newest = row.newest_evidence.iso() if row.newest_evidence else "-"
    evidence = str(row.evidence) if row.evidence or row.status != MISSING else "-"
    words = [num(row.words), num(row.description_words), num(row.reflection_words)]
    return [row.id, row.status, *words, evidence, newest, "; ".join(row.todo)]


def report_lines(report: Report, style: Styler = _plain) -> list[str]:
    """The progress table and link summary as text lines (the verdict is :attr:`verdict`)."""
    lines = [style(_title(report), "heading"), ""]
    if not report.sections:
        return [*lines, "No sections to show: portfolio.yml could not be used."]
    table = [_cells(row) for row in report.sections]
    widths = [max(len(r[i]) for r in [list(COLUMNS), *table]) for i in range(len(COLUMNS) - 1)]
    right = {2, 3, 4, 5}

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
    if report.links is not None:
        lines += ["", _link_line(report.links)]
    return lines


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
            "sections_left": report.left,
        },
        "sections": [_row_json(row, report.root) for row in report.sections],
        "diagnostics": [_diag_json(d, report.root) for d in report.diagnostics.sorted()],
        "links": _links_json(report.links),
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
