"""iCalendar (RFC 5545) for the cohort's events: CRLF lines, folded at 75 octets, escaped text."""

from __future__ import annotations

import datetime as dt
import hashlib

from cmaltgen import __version__
from cmaltgen.cohort.config import CohortConfig, Event, event_date

LIMIT = 75  # octets per line, CRLF not counted


def escape(text: str) -> str:
    """TEXT value escaping: backslash, semicolon, comma and line breaks."""
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """Split a content line into pieces of at most 75 octets, never inside a character."""
    pieces: list[str] = []
    current, size, limit = "", 0, LIMIT
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            pieces.append(current)
            current, size, limit = "", 0, LIMIT - 1  # continuation lines start with a space
        current += char
        size += width
    pieces.append(current)
    return "\r\n ".join(pieces)


def calendar(config: CohortConfig, stamp: dt.datetime) -> bytes:
    """The events as a VCALENDAR; ``stamp`` (UTC) is each event's DTSTAMP."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//cmaltgen//cmaltgen {__version__}//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:" + escape(config.title),
    ]
    for event in config.events:
        day = event_date(event)
        if day is not None:
            lines += _event(config, event, day, stamp)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines).encode("utf-8")


def _event(config: CohortConfig, event: Event, day: dt.date, stamp: dt.datetime) -> list[str]:
    seed = f"{config.name}\n{event.date}\n{event.time}\n{event.title}".encode()
    lines = [
        "BEGIN:VEVENT",
        f"UID:{hashlib.sha256(seed).hexdigest()[:32]}@cmaltgen",
        "DTSTAMP:" + stamp.astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ"),
    ]
    if event.time:
        hour, minute = (int(part) for part in event.time.split(":"))
        lines.append(f"DTSTART:{day:%Y%m%d}T{hour:02d}{minute:02d}00")
    else:
        lines.append(f"DTSTART;VALUE=DATE:{day:%Y%m%d}")
        lines.append(f"DTEND;VALUE=DATE:{day + dt.timedelta(days=1):%Y%m%d}")
    lines.append("SUMMARY:" + escape(event.title))
    if event.place:
        lines.append("LOCATION:" + escape(event.place))
    if event.url:
        lines.append("URL:" + event.url)
    lines.append("END:VEVENT")
    return lines
