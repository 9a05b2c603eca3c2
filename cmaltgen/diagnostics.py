"""Located diagnostics: what went wrong, where, and how to fix it.

Every stage returns its findings as :class:`Diagnostic` objects; only the orchestrator decides
whether to stop and only the CLI prints them. Codes are declared in :mod:`cmaltgen.codes`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

from cmaltgen.codes import CODES, ROOT_CAUSES, Severity


class Diagnostic(NamedTuple):
    """One finding, located as precisely as the source allows."""

    code: str
    message: str
    path: Path | None = None
    line: int | None = None
    col: int | None = None
    key: str | None = None
    hint: str | None = None
    severity: Severity = Severity.ERROR
    accepted: str | None = None  # the reason given in portfolio.yml's accept: list

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    @property
    def is_root_cause(self) -> bool:
        """A file or setting that could not be read as written: others may follow from it."""
        own_section = self.code == "unknown-section" and self.key == "section"
        unread = self.code == "stray-file"  # an error only for a section's misnamed text
        return self.is_error and (self.code in ROOT_CAUSES or own_section or unread)

    def where(self, base: Path | None = None) -> str:
        """``path:line:col`` with the path shown relative to ``base`` when possible."""
        if self.path is None:
            return "cmaltgen"
        shown = display_path(self.path, base)
        if self.line is None:
            return shown
        return f"{shown}:{self.line}:{self.col or 1}"

    def format(self, base: Path | None = None) -> str:
        key = f" [{self.key}]" if self.key else ""
        text = f"{self.where(base)}: {self.severity.value} {self.code}{key}: {self.message}"
        lines = [text]
        if self.hint:
            lines.append(f"    hint: {self.hint}")
        if self.accepted is not None:
            lines.append(f"    accepted: {self.accepted}")
        return "\n".join(map(one_line, lines))


def one_line(text: str) -> str:
    """``text`` with its control characters and line breaks shown, not sent to the terminal."""
    return text.translate(_VISIBLE)


# Control characters quoted from a file (a NUL, an escape sequence that would restyle or
# clear the terminal) are shown as \x00, \x1b...; a line break in a name or a value as \n,
# so that each finding starts a line of its own; tabs are kept.
_VISIBLE = {c: f"\\x{c:02x}" for c in [*range(0x20), *range(0x7F, 0xA0)] if chr(c) != "\t"}
_VISIBLE.update({ord("\n"): "\\n", ord("\r"): "\\r"})


def display_path(path: Path, base: Path | None = None) -> str:
    """Show ``path`` relative to ``base`` (default: the working directory), or as a whole path
    when that is shorter (``/tmp/x``, not ``../../../tmp/x``).

    A name that is not UTF-8 (Linux allows any bytes) shows its odd bytes as ``\\xe9``, so
    that it can be printed, written to JSON or shown in a web page."""
    whole = Path(os.path.abspath(path)).as_posix()  # noqa: PTH100 (no link resolved)
    try:
        shown = Path(os.path.relpath(path, base or Path.cwd())).as_posix()
    except ValueError:  # a different drive on Windows
        shown = whole
    shown = whole if shown.startswith("../") and len(whole) < len(shown) else shown
    return os.fsencode(shown).decode("utf-8", "backslashreplace")


class Diagnostics:
    """An ordered collection that stages add to."""

    def __init__(self, items: Iterable[Diagnostic] = ()) -> None:
        self._items: list[Diagnostic] = list(items)

    def add(self, code: str, message: str, **where: object) -> Diagnostic:
        """Record a finding with the code's declared severity (``severity=`` overrides it)."""
        declared = CODES[code].severity
        severity = where.pop("severity", declared)
        diag = Diagnostic(code=code, message=message, severity=severity, **where)  # type: ignore[arg-type]
        self._items.append(diag)
        return diag

    def extend(self, other: Iterable[Diagnostic]) -> None:
        self._items.extend(other)

    def drop(self, gone: Iterable[Diagnostic]) -> None:
        """Remove these very findings (by identity, not by equal text)."""
        ids = {id(d) for d in gone}
        self._items = [d for d in self._items if id(d) not in ids]

    def accept(self, reason: Callable[[Diagnostic], str | None]) -> None:
        """Mark each diagnostic for which ``reason`` gives one as accepted with it."""
        self._items = [
            d._replace(accepted=why) if (why := reason(d)) is not None else d for d in self._items
        ]

    def __iter__(self) -> Iterator[Diagnostic]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self._items if d.is_error]

    @property
    def warnings(self) -> list[Diagnostic]:
        """Warnings not accepted in portfolio.yml: what --strict fails on, and counts."""
        return [d for d in self._items if not d.is_error and d.accepted is None]

    @property
    def accepted(self) -> list[Diagnostic]:
        return [d for d in self._items if d.accepted is not None]

    def sorted(self) -> list[Diagnostic]:
        """Errors reading files and settings first (what follows may be their consequence),
        then by file and line, so a user can work down the list."""
        return sorted(
            self._items,
            key=lambda d: (
                not d.is_root_cause,
                str(d.path or ""),
                d.line or 0,
                d.col or 0,
                d.code,
            ),
        )


def did_you_mean(word: str, options: Iterable[str]) -> str | None:
    """The closest option to a probably misspelt ``word``, if one is close enough."""
    import difflib  # imported on first use: most builds have no typo to suggest a fix for

    choices = list(options)
    same = [o for o in choices if o.lower() == word.lower()]  # 2A for 2a: too short for difflib
    matches = same or difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return matches[0] if matches else None


def suggestion(word: str, options: Iterable[str]) -> str:
    """`` (did you mean X?)`` or an empty string."""
    match = did_you_mean(word, options)
    return f" (did you mean '{match}'?)" if match else ""


class CmaltgenError(Exception):
    """A failure the user can fix. The CLI prints it without a traceback and exits non-zero."""

    def __init__(self, message: str, diagnostics: Iterable[Diagnostic] = ()) -> None:
        super().__init__(message)
        self.diagnostics = list(diagnostics)
