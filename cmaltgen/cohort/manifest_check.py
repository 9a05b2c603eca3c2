"""Checking a member's portfolio.json: untrusted JSON to a clean version-1 manifest.

Nesting depth is checked before parsing; then every known field is read with its type, size
and count limits, control characters are removed, and anything else is a :class:`Problem`
in plain words naming the field.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any
from urllib.parse import urlsplit

from cmaltgen.read.schema import hide_password
from cmaltgen.site.manifest import SECTION_STATUSES, STATUSES, VERSION

MAX_DEPTH = 64  # of nested lists and objects; checked before parsing
MAX_SECTIONS = 200
MAX_EVIDENCE = 5000
MAX_TEXT = 10_000  # characters in any one string
MAX_COUNT = 10_000_000  # words or evidence items in one section


class Problem(Exception):
    """A fetch or content problem, in plain words; never leaves the cohort package."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_UNCLEAN = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
_SECTION_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


def parse_manifest(body: bytes, content_type: str) -> dict[str, Any]:
    """The validated manifest in ``body``; raises Problem with the reason otherwise."""
    media = content_type.split(";")[0].strip().lower()
    if media in ("text/html", "application/xhtml+xml") or body.lstrip()[:1] == b"<":
        raise Problem(
            "the site answered with a web page (HTML), not portfolio.json: is the address "
            "the home page of a site built with cmaltgen?"
        )
    if not body.strip():
        raise Problem("portfolio.json is empty")
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Problem("portfolio.json is not UTF-8 text") from None
    if too_deep(text):
        raise Problem(f"portfolio.json is nested more than {MAX_DEPTH} levels deep")
    try:
        data = json.loads(text, parse_constant=no_constant)
    except json.JSONDecodeError as exc:
        what = exc.msg.removesuffix(" at")  # "Unterminated string starting at"
        raise Problem(
            f"portfolio.json is not valid JSON ({what} at line {exc.lineno}, column {exc.colno})"
        ) from None
    except ValueError as exc:  # NaN, or a number with thousands of digits
        reason = "a number with thousands of digits" if "digits" in str(exc) else str(exc)
        raise Problem(f"portfolio.json is not usable JSON ({shown(reason)})") from None
    return checked(data)


def no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def too_deep(text: str) -> bool:
    """Whether lists and objects nest deeper than MAX_DEPTH, found without recursing."""
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    depth = 0
    for char in brackets:
        depth += 1 if char in "[{" else -1
        if depth > MAX_DEPTH:
            return True
    return False


def validate_manifest(data: object) -> str | None:
    """None if ``data`` is a usable manifest, else the reason."""
    try:
        checked(data)
    except Problem as problem:
        return problem.reason
    return None


def checked(data: object) -> dict[str, Any]:
    """A clean copy of a version-1 manifest: known fields, control characters removed."""
    if not isinstance(data, dict):
        raise Problem(f"portfolio.json should hold a JSON object, but it holds {_kind(data)}")
    if "manifest" not in data:
        raise Problem('portfolio.json has no "manifest" version, so cmaltgen did not make it')
    version = data["manifest"]
    if not _is_int(version):
        raise Problem(f'portfolio.json\'s "manifest" version should be 1, not {_kind(version)}')
    if version != VERSION:
        raise Problem(
            f"portfolio.json is manifest version {version}, but this cmaltgen reads version "
            f"{VERSION}: update cmaltgen (pip install -U cmaltgen)"
        )
    fields = _Fields(data, "")
    candidate = _Fields(fields.object("candidate"), "candidate.")
    pathway = _Fields(fields.object("pathway"), "pathway.")
    pathway_id = pathway.text("id")
    return {
        "manifest": VERSION,
        "generator": fields.text("generator", ""),
        "url": fields.url("url", ""),
        "candidate": {
            "name": candidate.text("name"),
            "role": candidate.text("role", ""),
            "organisation": candidate.text("organisation", ""),
        },
        "pathway": {"id": pathway_id, "title": pathway.text("title", pathway_id)},
        "framework": fields.text("framework", ""),
        "status": fields.choice("status", STATUSES),
        "award": _award(fields),
        "updated": fields.date("updated", None),
        "sections": [_section(f) for f in fields.items("sections", MAX_SECTIONS)],
        "evidence": [_evidence(f) for f in fields.items("evidence", MAX_EVIDENCE)],
    }


def _award(fields: _Fields) -> dict[str, Any] | None:
    found = fields.object("award", optional=True)
    if found is None:
        return None
    award = _Fields(found, "award.")
    return {
        "date": award.date("date"),
        "pathway": award.text("pathway", ""),
        "url": award.url("url", ""),
    }


def _section(section: _Fields) -> dict[str, Any]:
    return {
        "id": section.section_id("id"),
        "title": section.text("title"),
        "status": section.choice("status", SECTION_STATUSES),
        "words": section.count("words"),
        "evidence": section.count("evidence"),
        "url": section.url("url", None),
        "updated": section.date("updated", None),
    }


def _evidence(item: _Fields) -> dict[str, Any]:
    return {
        "id": item.text("id"),
        "title": item.text("title"),
        "type": item.text("type", ""),
        "date": item.date("date", None),
        "sections": item.texts("sections", MAX_SECTIONS),
        "url": item.url("url", None),
    }


_REQUIRED: Any = object()


class _Fields:
    """Reads typed fields of one JSON object; a wrong or missing one raises Problem."""

    def __init__(self, data: dict[str, Any], prefix: str) -> None:
        self.data, self.prefix = data, prefix

    def _get(self, name: str, default: Any, expected: str) -> Any:
        if name in self.data and self.data[name] is not None:
            return self.data[name]
        if default is _REQUIRED:
            self._wrong(name, expected)
        return default

    def _wrong(self, name: str, expected: str) -> None:
        value = self.data.get(name)
        raise Problem(
            f"portfolio.json's {self.prefix}{name} should be {expected}, "
            f"but it is {_kind(value) if name in self.data else 'missing'}"
        )

    def text(self, name: str, default: Any = _REQUIRED) -> Any:
        value = self._get(name, default, "text")
        if value is default:
            return value
        if not isinstance(value, str):
            self._wrong(name, "text")
        if len(value) > MAX_TEXT:
            raise Problem(
                f"portfolio.json's {self.prefix}{name} is longer than {MAX_TEXT:,} characters"
            )
        return _clean(value)

    def texts(self, name: str, limit: int) -> list[str]:
        values = self._list(name, limit, "a list of text")
        where = f"{self.prefix}{name}"
        return [
            _Fields({f"{where}[{i}]": v}, "").text(f"{where}[{i}]") for i, v in enumerate(values)
        ]

    def choice(self, name: str, allowed: tuple[str, ...]) -> str:
        value = self._get(name, _REQUIRED, "one of " + ", ".join(allowed))
        if value not in allowed:
            raise Problem(
                f"portfolio.json's {self.prefix}{name} should be one of {', '.join(allowed)}, "
                f"but it is {shown(str(value), 40)!r}"
            )
        return allowed[allowed.index(value)]  # the shared constant, not a copy per member

    def count(self, name: str) -> int:
        value = self._get(name, 0, "a whole number")
        if not _is_int(value) or not 0 <= value <= MAX_COUNT:
            self._wrong(name, f"a whole number from 0 to {MAX_COUNT:,}")
        return int(value)

    def date(self, name: str, default: Any = _REQUIRED) -> Any:
        """YYYY, YYYY-MM or YYYY-MM-DD: a real day, not after next year (a portfolio's dates
        are never in the future, so 9999 would stay top of the feed for ever)."""
        value = self.text(name, default)
        if value is not default and not _real_date(value):
            self._wrong(name, "a date like 2026-11-20")
        return value

    def section_id(self, name: str) -> str:
        value: str = self.text(name)
        if not _SECTION_ID.fullmatch(value):
            self._wrong(name, "a section id like 1a")
        return value

    def url(self, name: str, default: Any) -> Any:
        value = self.text(name, default)
        if value is default or value == "":
            return value
        try:
            scheme = urlsplit(value).scheme.lower()
        except ValueError:
            scheme = "?"
        if hide_password(value) != value:
            raise Problem(f"portfolio.json's {self.prefix}{name} holds a password")
        if re.search(r"[\s\x00-\x1f\x7f]", value) or scheme not in ("", "http", "https"):
            raise Problem(
                f"portfolio.json's {self.prefix}{name} {shown(value, 60)!r} is not a web address"
            )
        return value

    def object(self, name: str, optional: bool = False) -> Any:
        value = self._get(name, None if optional else _REQUIRED, "an object")
        if value is not None and not isinstance(value, dict):
            self._wrong(name, "an object")
        return value

    def items(self, name: str, limit: int) -> list[_Fields]:
        found = []
        for index, value in enumerate(self._list(name, limit, "a list")):
            where = f"{self.prefix}{name}[{index}]"
            if not isinstance(value, dict):
                raise Problem(f"portfolio.json's {where} should be an object, not {_kind(value)}")
            found.append(_Fields(value, where + "."))
        return found

    def _list(self, name: str, limit: int, expected: str) -> list[Any]:
        values: list[Any] = self._get(name, [], expected)
        if not isinstance(values, list):
            self._wrong(name, expected)
        if len(values) > limit:
            raise Problem(
                f"portfolio.json's {self.prefix}{name} has {len(values):,} entries; "
                f"a hub reads at most {limit:,}"
            )
        return values


def _real_date(text: str) -> bool:
    if not _DATE.fullmatch(text):
        return False
    year, month, day = [*text.split("-"), "01", "01"][:3]
    try:
        dt.date(int(year), int(month), int(day))
    except ValueError:
        return False
    return int(year) <= dt.date.today().year + 1


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return f"the number {value!r}" if abs(value) < 10**15 else "a number"
    if isinstance(value, str):
        return f"the text {shown(value, 40)!r}"
    return "a list" if isinstance(value, list) else "an object"


def _clean(text: str) -> str:
    """Text as it came, minus control characters and unpaired surrogates (never valid text)."""
    if not _UNCLEAN.search(text):
        return text
    return _SURROGATE.sub("\ufffd", _CONTROL.sub("", text))


def shown(text: str, limit: int = 120) -> str:
    """Untrusted text quoted in a warning: one clean line, not too long."""
    one = hide_password(" ".join(_clean(text).split()))
    return one if len(one) <= limit else one[: limit - 1] + "…"
