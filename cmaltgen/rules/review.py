"""The three-yearly review for holders: when it is due, and what a review's CPD record covers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from cmaltgen.diagnostics import Diagnostics
from cmaltgen.read import cpd
from cmaltgen.read.dates import PartialDate
from cmaltgen.read.framework import CPD_SECTION, REVIEW
from cmaltgen.read.portfolio import Portfolio
from cmaltgen.wording import plural


@dataclass(frozen=True)
class ReviewYear:
    """One twelve-month year of the review period, counted from the award."""

    number: int
    start: dt.date
    end: dt.date  # the day before the next year starts
    activities: int
    hours: float
    in_progress: bool = False  # not ended by today: nothing in it yet is not a gap
    late: bool = False  # after the three years: activity recorded after the review was due

    @property
    def label(self) -> str:
        which = "after it was due" if self.late else f"year {self.number}"
        return f"{which} ({_day(self.start)} to {_day(self.end)})"

    def line(self) -> str:
        if self.in_progress:
            return f"  {self.label}, in progress: {cpd.hours_phrase(self.hours)} so far"
        return f"  {self.label}: {cpd.hours_phrase(self.hours)}"


@dataclass(frozen=True)
class ReviewStatus:
    """When the review is due and, for a review portfolio, what its CPD record covers."""

    awarded: PartialDate
    due: cpd.Due
    is_review: bool
    submitted: PartialDate | None = None  # the review, once submitted (submissions: review)
    record: bool = False  # a review with a cpd.yml
    unreadable: bool = False  # some of cpd.yml could not be read: the figures leave it out
    activities: int = 0
    hours: float = 0.0
    first: PartialDate | None = None
    last: PartialDate | None = None
    years: list[ReviewYear] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    complete: bool = True  # every activity in cpd.yml could be read (and is counted)

    def lines(self) -> list[str]:
        """What ``check`` says, in plain words."""
        when = _day(self.due.date)
        if self.due.status == "overdue":
            due = f"was due on {when} ({plural(-self.due.days, 'day')} ago)"
        elif self.due.days == 0:
            due = f"is due today, {when}"
        else:
            due = f"is due on {when} (in {plural(self.due.days, 'day')})"
        awarded = self.awarded.human()
        lines = [f"Portfolio review: {due}, three years after the award ({awarded})."]
        if self.submitted:
            lines = [
                f"Portfolio review: submitted on {self.submitted.human()}; it was due on "
                f"{when}, three years after the award ({awarded})."
            ]
        if not self.is_review:
            return lines
        if self.record:
            first, last = self.first, self.last
            span = f", {first.human()} to {last.human()}" if first and last else ""
            span = f", on {first.human()}" if first and first == last else span
            lines.append(
                f"CPD record: {plural(self.activities, 'activity', 'activities')}, "
                f"{cpd.hours_phrase(self.hours)}{span}."
            )
            lines += [y.line() for y in self.years]
            if self.unreadable:
                lines.append(
                    "  (cpd.yml has errors, listed below: what they are about is not counted)"
                )
        lines += [f"Missing: {item}" for item in self.missing]
        return lines

    def as_json(self) -> dict[str, object]:
        return {
            "awarded": self.awarded.iso(),
            "due": self.due.date.isoformat(),
            "status": self.due.status,
            "days": self.due.days,
            "submitted": self.submitted.iso() if self.submitted else None,
            "cpd": {
                "activities": self.activities,
                "hours": self.hours,
                "first": self.first.iso() if self.first else None,
                "last": self.last.iso() if self.last else None,
                "years": [
                    {
                        "start": y.start.isoformat(),
                        "end": y.end.isoformat(),
                        "hours": y.hours,
                        "in_progress": y.in_progress,
                        "late": y.late,
                    }
                    for y in self.years
                ],
            }
            if self.record
            else None,
            "missing": self.missing,
        }


def _day(day: dt.date) -> str:
    return PartialDate(day.year, day.month, day.day).human()


def review_status(portfolio: Portfolio, today: dt.date) -> ReviewStatus | None:
    """``None`` for a portfolio without an award (nothing is due before it is made)."""
    award = portfolio.config.award
    if award is None:
        return None
    due = cpd.review_due(award.date, today)
    reviews = [
        s.date
        for s in portfolio.config.submissions
        if s.type == "review" and s.date.earliest() >= award.date.earliest()
    ]
    submitted = max(reviews, key=PartialDate.earliest, default=None)
    if portfolio.pathway.id != REVIEW:
        return ReviewStatus(award.date, due, is_review=False, submitted=submitted)
    if portfolio.cpd is None:
        where = "there is no cpd-record section"
        if any(r.front.section == CPD_SECTION for _, r in portfolio.sections()):
            where = "section cpd-record has no cpd.yml"
        return ReviewStatus(award.date, due, True, submitted, missing=[f"a CPD record ({where})"])
    activities = portfolio.cpd.activities()
    summary = cpd.summarise(activities)
    years = _years(award.date.earliest(), due.date, activities, today)
    unreadable = not portfolio.cpd.ok  # a gap may be the part with an error: not claimed
    missing = [
        f"any CPD activity in {y.label}"
        for y in years
        if not y.activities and not y.in_progress and not unreadable
    ]
    bare = sum(1 for a in activities if not a.reflection.strip())
    if bare:
        missing.append(f"a reflection for {plural(bare, 'activity', 'activities')}")
    return ReviewStatus(
        award.date,
        due,
        True,
        submitted,
        record=True,
        unreadable=unreadable,
        activities=summary.count,
        hours=summary.hours,
        first=summary.first,
        last=summary.last,
        years=years,
        missing=missing,
        complete=portfolio.cpd.ok,
    )


def _years(
    start: dt.date, due: dt.date, activities: list[cpd.CpdActivity], today: dt.date
) -> list[ReviewYear]:
    """The years of the period that have begun by ``today``, with their activity so far, and
    the activity recorded after the review was due, if any."""
    years = []
    for number in range(1, cpd.REVIEW_YEARS + 1):
        begins = _add_years(start, number - 1)
        ends = min(_add_years(start, number), due) - dt.timedelta(days=1)
        if begins > today:
            break
        inside = [a for a in activities if begins <= a.date.earliest() <= ends]
        hours = sum(a.hours for a in inside)
        years.append(ReviewYear(number, begins, ends, len(inside), hours, ends >= today))
    late = [a for a in activities if a.date.earliest() >= due]
    if late:
        last = max(a.date.earliest() for a in late)
        hours = sum(a.hours for a in late)
        years.append(ReviewYear(len(years) + 1, due, last, len(late), hours, late=True))
    return years


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def check_review(portfolio: Portfolio, today: dt.date, diags: Diagnostics) -> None:
    """Warnings ``check`` adds: the review is overdue or due soon; a year without CPD."""
    status = review_status(portfolio, today)
    if status is None:
        return
    marks = portfolio.config_marks
    if status.due.status != "ok" and status.submitted is None:
        diags.add(
            "review-due",
            status.lines()[0].removeprefix("Portfolio review: ").rstrip("."),
            key="award.date",
            hint="start it with: cmaltgen new --pathway review NEW-FOLDER --from " + "THIS-FOLDER"
            if not status.is_review
            else "ALT asks holders to submit a review every three years",
            **marks.where(("award", "date")),
        )
    if portfolio.cpd is None or status.unreadable:
        return  # the errors in cpd.yml come first: a gap may be an activity they are about
    for year in status.years:
        if not year.activities and not year.in_progress:
            diags.add(
                "cpd-gap",
                f"the CPD record has no activity in {year.label} of the review period",
                path=portfolio.cpd.path,
                line=1,
                col=1,
                hint="add what you did that year, even short activities such as reading or "
                "a webinar",
            )
