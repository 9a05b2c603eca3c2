"""What the CLI prints: diagnostics, the build summary, and ``cmaltgen check``'s report.

Imported by the commands only when they run, so ``cmaltgen --version`` stays quick.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from cmaltgen import __version__
from cmaltgen.cli.base import echo_diagnostic, echo_diagnostics, echo_failure, echo_notes
from cmaltgen.diagnostics import Diagnostic, display_path, one_line
from cmaltgen.rules import sizes
from cmaltgen.rules.readiness import (
    COLUMNS,
    DRAFT,
    MISSING,
    STUB,
    UNREADABLE,
    WRITTEN,
    LinkSummary,
    Report,
    SectionRow,
    cells,
    feedback_line,
)
from cmaltgen.wording import columns, pad, plural

if TYPE_CHECKING:
    from cmaltgen.build import BuildResult
    from cmaltgen.read.feedback import FeedbackItem
    from cmaltgen.read.framework import Pathway


def report_build(result: BuildResult, target: str | None = None) -> None:
    """Diagnostics, notes, what is left to write, and the one-line summary (or the failure).
    ``target`` names where the site goes when its folder is a temporary one (deploy)."""
    echo_diagnostics(result.diagnostics)
    if not result.ok:
        echo_failure("Build", result.diagnostics, result.strict, None if target else result.output)
        return
    echo_notes(result.notes, result.root)
    drafts = [d for d in result.diagnostics if d.code == "draft" and "section" in d.message]
    if drafts:
        click.secho(
            f"{plural(len(drafts), 'section')} still to write (drafts, left out of the site).",
            fg="yellow",
            err=True,
        )
    where = display_path(result.output) if result.written else "(nothing written)"
    where = target or where
    accepted = len(result.diagnostics.accepted)
    also = f" ({accepted} accepted)" if accepted else ""
    click.echo(
        f"Built {plural(result.sections, 'section')}, "
        f"{plural(result.evidence, 'evidence item')}, "
        f"{plural(result.pages, 'page')} ({plural(result.files, 'file')} copied), "
        f"{plural(len(result.diagnostics.warnings), 'warning')}{also} "
        f"in {result.seconds:.2f} s -> {where}"
    )


def slot_count(pathway: Pathway, slot: str) -> str:
    count = pathway.slot_count(slot)
    if count.max and count.max == count.min:
        return f"exactly {count.min}"
    if count.max:
        return f"{count.min} to {count.max}"
    return f"{count.min} or more"


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


def _plain(text: str, role: str) -> str:
    return text


def report_lines(report: Report, style: Styler = _plain) -> list[str]:
    """The progress table and link summary as text lines (the verdict is :attr:`verdict`)."""
    lines = [style(_title(report), "heading"), ""]
    if not report.sections:
        return [*lines, "No sections to show: portfolio.yml could not be used."]
    table = [cells(row) for row in report.sections]
    widths = [max(columns(r[i]) for r in [list(COLUMNS), *table]) for i in range(len(COLUMNS) - 1)]
    right = {2, 3, 4, 5, 6}

    def fit(values: list[str]) -> list[str]:
        pairs = enumerate(zip(values[:-1], widths, strict=True))
        return [*(pad(c, w, right=i in right) for i, (c, w) in pairs), values[-1]]

    lines.append(style("  ".join(fit(list(COLUMNS))).rstrip(), "heading"))
    for row, values in zip(report.sections, table, strict=True):
        fitted = fit(values)
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
        lines.append(f"  {_size(size):>9}  {one_line(shown)}{over}")
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
        "evidence": asdict(report.evidence) if report.evidence else None,
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


def _links_json(links: LinkSummary | None) -> dict[str, Any] | None:
    if links is None:
        return None
    return {**asdict(links), "offline": links.offline or None, "seconds": round(links.seconds, 3)}


def print_check(report: Report, colour: bool | None) -> None:
    """The progress table, the problems, then the verdict."""
    if colour is None and os.environ.get("NO_COLOR"):  # https://no-color.org
        colour = False

    def style(text: str, role: str) -> str:
        return click.style(text, **STYLES.get(role, {}))

    for line in report_lines(report, style):
        click.echo(line, color=colour)
    if report.diagnostics:
        click.echo("")  # the table and the problems are separate blocks
    for diag in report.diagnostics.sorted():
        if colour is False:
            click.echo(diag.format(), err=True)
        else:
            echo_diagnostic(diag)
    click.echo("\n" + style(report.verdict, "ready" if report.ready else "not-ready"), color=colour)
