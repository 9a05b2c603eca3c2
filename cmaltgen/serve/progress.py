"""The preview's progress page: ``cmaltgen check``'s report as HTML, never published."""

from __future__ import annotations

import html
from pathlib import Path

from cmaltgen.rules.readiness import COLUMNS, Report, cells, feedback_line
from cmaltgen.serve.reload import problem_list, reload_script
from cmaltgen.wording import plural


def report_html(report: Report) -> str:
    """The progress table as a small, escaped HTML fragment for ``serve`` to embed."""
    esc = html.escape
    head = "".join(f'<th scope="col">{esc(c)}</th>' for c in COLUMNS)
    rows = []
    for row in report.sections:
        values = cells(row)
        name = f"{row.id} {row.title}" if row.title else row.id
        rest = "".join(f"<td>{esc(c)}</td>" for c in values[2:])
        rows.append(
            f'<tr class="status-{esc(row.status)}"><th scope="row">{esc(name)}</th>'
            f"<td>{esc(row.status)}</td>{rest}</tr>"
        )
    state = "ready" if report.ready else "not-ready"
    return (
        # A wide table scrolls in its own region (reachable by keyboard), not the whole page.
        '<div role="region" aria-label="Progress table" tabindex="0" style="overflow-x:auto">'
        f'<table class="check-report {state}">\n'
        f"<caption>{esc(report.verdict)}</caption>\n"
        f"<thead><tr>{head}</tr></thead>\n"
        "<tbody>\n" + "\n".join(rows) + ("\n" if rows else "") + "</tbody>\n</table></div>\n"
    )


def problems_html(report: Report) -> str:
    """Each problem ``cmaltgen check`` found, located, as it prints them ('' if none): the
    table counts them, and one in portfolio.yml has no row to show in."""
    if not report.diagnostics:
        return ""
    found = report.diagnostics.sorted()
    return f'<h2 id="problems">Problems</h2>\n{problem_list(found, report.root)}\n'


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


def cohort_html(root: Path) -> str:
    """For a cohort hub: ``cmaltgen cohort check``'s table (every member, unlisted too)."""
    from cmaltgen.cohort import report

    lines = report.lines(report.check(root, offline=True))
    return (  # its lines are wider than a phone: they scroll in a region, not the page
        '<div role="region" aria-label="Progress table" tabindex="0" style="overflow-x:auto">'
        f"<pre>{html.escape(chr(10).join(lines))}</pre></div>"
    )


def page(body: str, mount: str, version: str) -> bytes:
    """``cmaltgen check``'s report as a page; it reloads with the site after each save."""
    page = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>Progress | cmaltgen preview</title></head>"
        '<body style="font:16px/1.5 system-ui,sans-serif;max-width:72rem;margin:2rem auto;'
        'padding:0 1rem"><main><h1>Progress</h1>'
        f'<p><a href="{html.escape(mount)}">Back to the preview</a>. This page is part '
        "of the preview only; it is never published.</p>"
        f"{body}</main>{reload_script(version)}</body></html>\n"
    )
    return page.encode("utf-8")
