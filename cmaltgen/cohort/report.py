"""``cmaltgen cohort check``: every member's progress, for the coordinator (text or JSON).

Unlisted members are included: this report is for the coordinator, never published.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Any

from cmaltgen.cohort.build import CohortResult
from cmaltgen.cohort.config import load_cohort
from cmaltgen.cohort.members import Member, read_members
from cmaltgen.diagnostics import Diagnostics, display_path
from cmaltgen.read.sources import real_path
from cmaltgen.wording import columns, pad

HEADINGS = ("Member", "Kind", "Listed", "Status", "Written", "Mentor", "Updated")


def check(root: Path, *, offline: bool = False, today: dt.date | None = None) -> CohortResult:
    """Read cohort.yml and every member; render and write nothing."""
    root = real_path(root)  # a link that loops is reported by load_cohort
    today = today or dt.date.today()
    result = CohortResult(root, root, Diagnostics())
    loaded = load_cohort(root, result.diagnostics, today)
    if loaded is not None:
        result.config = loaded.config
        result.members = read_members(loaded, result.diagnostics, today, offline=offline)
    return result


def _cells(member: Member) -> list[str]:
    status = member.status + (f" (stale since {member.stale_since})" if member.stale_since else "")
    return [
        member.name,
        member.kind,
        "yes" if member.listed else "no",
        status,
        f"{member.written}/{len(member.sections)}" if member.sections else "-",
        member.mentor or "-",
        member.updated or "-",
    ]


def lines(result: CohortResult) -> list[str]:
    """The table, one line per member, columns padded to fit."""
    name = result.config.name if result.config else display_path(result.root)
    rows = [list(HEADINGS)] + [_cells(m) for m in result.members]
    widths = [max(columns(row[i]) for row in rows) for i in range(len(HEADINGS))]
    out = [f"{name}: {len(result.members):,} members ({result.listed:,} listed)", ""]
    for row in rows:
        cells = (pad(cell, width) for cell, width in zip(row, widths, strict=True))
        out.append("  ".join(cells).rstrip())
    counts = Counter(member.status for member in result.members)
    if counts:
        out += ["", "By status: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))]
    return out


def as_json(result: CohortResult) -> dict[str, Any]:
    return {
        "cohort": result.config.name if result.config else None,
        "members": [_member_json(m) for m in result.members],
        "errors": len(result.diagnostics.errors),
        "warnings": len(result.diagnostics.warnings),
        "diagnostics": [
            {
                "severity": d.severity.value,
                "code": d.code,
                "message": d.message,
                "where": d.where(result.root),
                "hint": d.hint,
            }
            for d in result.diagnostics.sorted()
        ],
    }


def _member_json(member: Member) -> dict[str, Any]:
    return {
        "key": member.key,
        "kind": member.kind,
        "name": member.name,
        "listed": member.listed,
        "status": member.status,
        "pathway": member.pathway,
        "mentor": member.mentor,
        "awarded": member.awarded,
        "updated": member.updated,
        "url": member.url,
        "stale_since": member.stale_since.isoformat() if member.stale_since else None,
        "problem": member.problem or None,
        "sections": [
            {"id": s.id, "status": s.status, "words": s.words, "evidence": s.evidence}
            for s in member.sections
        ],
    }
