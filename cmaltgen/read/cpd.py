"""The CPD record of a portfolio review: ``cpd.yml`` in the cpd-record section folder,
declared so errors are located and ``cmaltgen schema cpd`` prints its JSON Schema; summarised
by type and year, and checked against the review period (three years from the award)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from cmaltgen.diagnostics import Diagnostics, suggestion
from cmaltgen.read import schema
from cmaltgen.read.dates import PartialDate
from cmaltgen.read.located_yaml import LineMap, load_yaml
from cmaltgen.read.safe_read import decode_text, read_parsed
from cmaltgen.read.schema import spec

REVIEW_YEARS = 3
SOON_DAYS = 183  # "due soon": within about six months
TYPES = (
    "course",
    "qualification",
    "conference",
    "event",
    "webinar",
    "reading",
    "writing",
    "research",
    "project",
    "mentoring",
    "network",
    "other",
)
URL = re.compile(r"^https?://")


@dataclass(frozen=True, kw_only=True)
class CpdActivity:
    """One continuing professional development (CPD) activity."""

    date: PartialDate = spec("When it took place or ended (YYYY-MM-DD or YYYY-MM).")
    activity: str = spec("What you did, e.g. 'ALT annual conference'.")
    type: str = spec("The kind of activity.", choices=TYPES)
    hours: float = spec("Hours spent, e.g. 1.5.")
    evidence: str = spec(
        "An evidence id from this portfolio, or a web address (optional).", default=""
    )
    reflection: str = spec("A sentence or two on what it changed in your practice.", default="")


@dataclass(frozen=True)
class CpdRecord:
    """Every usable activity of a cpd.yml, sorted by date, and whether all of it was usable."""

    path: Path
    entries: tuple[tuple[int, CpdActivity], ...]  # (index in the file, activity)
    marks: LineMap | None
    ok: bool = True

    def where(self, index: int, key: str = "") -> dict[str, object]:
        if self.marks is None:
            return {"path": self.path, "line": 1, "col": 1}
        return self.marks.where((index, key) if key else (index,))

    def activities(self) -> list[CpdActivity]:
        """Oldest first: the order the table shows without JavaScript."""
        return sorted((a for _, a in self.entries), key=lambda a: a.date.earliest())


@dataclass(frozen=True)
class Summary:
    """The record in figures: activities, hours, by type and by year, and the period covered."""

    count: int
    hours: float
    by_type: dict[str, float]
    by_year: dict[int, float]
    first: PartialDate | None
    last: PartialDate | None


def load_record(path: Path, diags: Diagnostics, today: dt.date) -> CpdRecord | None:
    """Read a cpd.yml; ``None`` (with located diagnostics) when it cannot be used at all."""
    return read_parsed(path, today, diags, _record_from)


def _record_from(path: Path, data: bytes, diags: Diagnostics, today: dt.date) -> CpdRecord | None:
    text = decode_text(data, path, diags, allow_empty=True)
    if text is None:
        return None
    loaded = load_yaml(text, path, diags)
    if loaded is None:
        return None
    values, linemap = loaded
    if values is None:
        return CpdRecord(path, (), linemap)
    if not isinstance(values, list):
        diags.add(
            "wrong-type",
            "cpd.yml must be a list of activities",
            path=path,
            line=1,
            col=1,
            hint="start each activity with '- date: ...' (a hyphen, a space, then date)",
        )
        return None
    ctx = schema.Context(linemap, diags, today)
    entries = []
    for i, raw in enumerate(values):
        item = schema.load(CpdActivity, raw, (i,), ctx)
        if item is not None:
            entries.append((i, item))
    return CpdRecord(path, tuple(entries), linemap, ctx.ok)


def check_evidence(record: CpdRecord, evidence_ids: set[str], diags: Diagnostics) -> None:
    """An activity's ``evidence`` is a web address or the id of an evidence item here."""
    for index, item in record.entries:
        ref = item.evidence.strip()
        where = record.where(index, "evidence")
        hint = schema.url_hint(ref) if URL.match(ref) else None
        if hint:  # an unclosed [ or a port that is no port: the pages could not link it
            diags.add(
                "invalid-url",
                schema.url_message(ref),
                key=f"[{index}].evidence",
                hint=hint,
                **where,
            )
        if not ref or URL.match(ref) or ref in evidence_ids:
            continue
        diags.add(
            "unknown-evidence",
            f"this CPD activity names evidence '{ref}', and no evidence.yml has that id"
            + suggestion(ref, evidence_ids),
            key=f"[{index}].evidence",
            hint="give the id of an evidence item in this portfolio, or a web address "
            "starting https://",
            **where,
        )


def summarise(activities: list[CpdActivity]) -> Summary:
    by_type: dict[str, float] = {}
    by_year: dict[int, float] = {}
    for item in activities:
        by_type[item.type] = by_type.get(item.type, 0.0) + item.hours
        by_year[item.date.year] = by_year.get(item.date.year, 0.0) + item.hours
    dates = sorted((a.date for a in activities), key=lambda d: d.earliest())
    return Summary(
        count=len(activities),
        hours=sum(a.hours for a in activities),
        by_type={t: by_type[t] for t in TYPES if t in by_type},
        by_year=dict(sorted(by_year.items())),
        first=dates[0] if dates else None,
        last=dates[-1] if dates else None,
    )


def hours(value: float) -> str:
    """``12``, ``1.5``: hours as people write them."""
    return f"{value:.2f}".rstrip("0").rstrip(".") or "0"


def hours_phrase(value: float) -> str:
    """``1 hour``, ``1.5 hours``, ``0 hours``."""
    shown = hours(value)
    return f"{shown} {'hour' if shown == '1' else 'hours'}"


@dataclass(frozen=True)
class Due:
    """When the three-yearly review is due, and how that stands today."""

    date: dt.date
    status: str  # overdue | soon | ok
    days: int  # days from today to the due date (negative when overdue)


def review_due(awarded: PartialDate, today: dt.date) -> Due:
    """Three years after the award (its month's first day when the day is not given)."""
    start = awarded.earliest()
    try:
        due = start.replace(year=start.year + REVIEW_YEARS)
    except ValueError:  # 29 February
        due = start.replace(year=start.year + REVIEW_YEARS, day=28)
    days = (due - today).days
    status = "overdue" if days < 0 else ("soon" if days <= SOON_DAYS else "ok")
    return Due(due, status, days)
