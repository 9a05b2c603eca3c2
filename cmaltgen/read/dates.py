"""Dates as candidates write them: whole or partial ISO dates, and hints for other forms."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date that may give only a year, or a year and month (evidence is often dated so)."""

    year: int
    month: int = 0
    day: int = 0

    @classmethod
    def parse(cls, value: object) -> PartialDate | None:
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            return cls(value.year, value.month, value.day)
        match = re.fullmatch(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", str(value).strip())
        if not match:
            return None
        year, month, day = (int(g) if g else 0 for g in match.groups())
        try:
            dt.date(year, month or 1, day or 1)
        except ValueError:
            return None
        return cls(year, month, day)

    def earliest(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    def iso(self) -> str:
        if not self.month:
            return f"{self.year:04d}"
        if not self.day:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def human(self, month_format: str = "%B") -> str:
        """``14 March 2025``, ``March 2025`` or ``2025`` (``%b``: ``14 Mar 2025``)."""
        if not self.month:
            return str(self.year)
        month = dt.date(2000, self.month, 1).strftime(month_format)
        return f"{self.day} {month} {self.year}" if self.day else f"{month} {self.year}"

    def __str__(self) -> str:
        return self.iso()


def date_hint(text: str) -> str:
    """How to write a date given another way (01/02/2027, 1 March 2027, with a time)."""
    guess = guess_date(" ".join(text.split()))
    if guess is None:
        return "write dates as YYYY-MM-DD (2025-03-14), YYYY-MM (2025-03) or YYYY"
    return f"write it as {guess.iso()} for {guess.human()}: dates are YYYY-MM-DD, YYYY-MM or YYYY"


_MONTHS = {dt.date(2000, m, 1).strftime(f).lower(): m for m in range(1, 13) for f in ("%B", "%b")}
_MONTHS["sept"] = 9


def guess_date(text: str) -> PartialDate | None:
    if m := re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text):
        # British, day first; month first only when that is the one possible reading
        return PartialDate.parse(f"{m[3]}-{m[2]}-{m[1]}") or PartialDate.parse(
            f"{m[3]}-{m[1]}-{m[2]}"
        )
    if m := re.fullmatch(r"(\d{4})[/.](\d{1,2})[/.](\d{1,2})", text):
        return PartialDate.parse(f"{m[1]}-{m[2]}-{m[3]}")
    if m := re.fullmatch(r"(\d{4}-\d{1,2}-\d{1,2})[T ]\d.*", text):  # a time of day
        return PartialDate.parse(m[1])
    m = re.fullmatch(r"(?:(\d{1,2})(?:st|nd|rd|th)? )?([A-Za-z]+)\.?,? (\d{4})", text)
    month = _MONTHS.get(m[2].lower()) if m else None
    if m and month:
        return PartialDate.parse(f"{m[3]}-{month}-{m[1]}" if m[1] else f"{m[3]}-{month}")
    return None
