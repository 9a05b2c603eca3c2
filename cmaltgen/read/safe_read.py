"""Reading the portfolio's files safely: every problem becomes a located diagnostic.

The input is hand-written by people who are not programmers: a file may be binary, huge,
empty, not UTF-8, or a named pipe, device or socket in the place of a text file. Nothing
raises (the ``*_regular`` helpers raise ``OSError`` for their callers to report).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import shutil
import stat
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from cmaltgen.diagnostics import Diagnostics

MAX_TEXT_BYTES = 2 * 1024 * 1024


def read_text(path: Path, diags: Diagnostics, *, allow_empty: bool = False) -> str | None:
    """Read a UTF-8 text file, or record why it cannot be used and return ``None``."""
    data = read_bytes(path, diags)
    return None if data is None else decode_text(data, path, diags, allow_empty=allow_empty)


def read_bytes(path: Path, diags: Diagnostics) -> bytes | None:
    """A text file's bytes, or ``None`` after recording why it cannot be read. A pipe, device
    or socket is reported, never read (see :func:`open_regular`), so it cannot hang the build."""
    try:
        fd, size = _open_regular(path)
        if size > MAX_TEXT_BYTES:
            os.close(fd)
            diags.add(
                "file-too-large",
                f"this file is {size // 1024} KB; cmaltgen reads text files up to "
                f"{MAX_TEXT_BYTES // (1024 * 1024)} MB",
                path=path,
                hint="split it up, or move large content into an evidence file",
            )
            return None
        return _read_all(fd, size)
    except NotRegularFile as exc:
        diags.add(
            "file-unreadable" if exc.kind == "folder" else "special-file",
            f"this is {describe(exc.kind, path)}, not an ordinary file, so it cannot be read",
            path=path,
            hint="replace it with an ordinary text file of that name",
        )
    except FileNotFoundError:
        diags.add("file-missing", "this file does not exist", path=path)
    except OSError as exc:
        diags.add("file-unreadable", f"this file cannot be read ({exc.strerror})", path=path)
    return None


# What a path that is not an ordinary file is, in words a user knows (see :func:`describe`).
_KINDS = {
    "folder": "a folder",
    "fifo": "a named pipe (FIFO)",
    "socket": "a socket",
    "device": "a device file",
    "broken-link": "a symbolic link to something that does not exist",
    "link-loop": "a symbolic link that leads round in a circle (to itself, or to a link back)",
    "nul-name": "a name no file can have (it holds a NUL character)",
    "other": "a special file",
}


class NotRegularFile(OSError):
    """``path`` exists (or is a link) but is not an ordinary file; ``kind`` says what it is."""

    def __init__(self, kind: str, path: Path) -> None:
        super().__init__(f"{path} is {_KINDS[kind]}")
        self.kind = kind


def file_kind(mode: int) -> str | None:
    """``None`` for an ordinary file, else a key of the kinds :func:`describe` knows."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "folder"
    if stat.S_ISFIFO(mode):
        return "fifo"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    return "other"


def describe(kind: str, path: Path) -> str:
    """``a named pipe (FIFO)``; for a link, what it points at too."""
    words = _KINDS.get(kind, _KINDS["other"])
    if kind == "broken-link":
        with contextlib.suppress(OSError):
            return f"a symbolic link to '{path.readlink()}', which does not exist"
    elif kind not in ("link-loop", "nul-name") and path.is_symlink():
        words = f"a symbolic link to {words}"
    return words


def open_regular(path: Path) -> int:
    """A descriptor for reading ``path``, which must be an ordinary file (else
    :class:`NotRegularFile`, or ``OSError`` as ``open`` raises). Never blocks: a named pipe
    waits for a writer, so the file is opened non-blocking and checked with ``fstat`` on the
    open descriptor (no race between a check and the open; working links are followed)."""
    return _open_regular(path)[0]


def _open_regular(path: Path) -> tuple[int, int]:
    """:func:`open_regular`'s descriptor, and the file's size from the same ``fstat``."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        why = _kind_after_failed_open(path)
        if why is not None:
            raise NotRegularFile(why, path) from exc
        raise
    kind: str | None = "other"
    size = 0
    try:
        found = os.fstat(fd)
        kind, size = file_kind(found.st_mode), found.st_size
        if kind is None and hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
    finally:
        if kind is not None:  # not a file, or fstat failed: nothing to hand back
            os.close(fd)
    if kind is not None:
        raise NotRegularFile(kind, path)
    return fd, size


def _read_all(fd: int, size: int) -> bytes:
    """Everything left in the open file ``fd`` of ``size`` bytes, then ``fd`` is closed: read
    straight from the descriptor (no buffered file object and its own checks around it), in
    one read when the size holds, to the end if the file has grown since."""
    try:
        chunks: list[bytes] = []
        want = size + 1 if size else 64 * 1024  # a size of 0 may not be the truth (/proc)
        while chunk := os.read(fd, want):
            chunks.append(chunk)
            want = 1024 * 1024
        return b"".join(chunks)
    finally:
        os.close(fd)


def _kind_after_failed_open(path: Path) -> str | None:
    """Why an open failed, when the answer is "it is not a file": a socket or a broken link."""
    try:
        return file_kind(path.stat().st_mode)
    except FileNotFoundError:
        return "broken-link" if path.is_symlink() else None
    except OSError:
        return None


def read_regular(path: Path) -> bytes:
    """All of an ordinary file's bytes (:func:`open_regular` says what else may be raised)."""
    return _read_all(*_open_regular(path))


def copy_regular(source: Path, target: Path) -> None:
    """Copy an ordinary file: a pipe or device put in its place is refused, not read forever."""
    with os.fdopen(open_regular(source), "rb") as src, target.open("wb") as dst:
        shutil.copyfileobj(src, dst, 1024 * 1024)


T = TypeVar("T")


def read_parsed(
    path: Path,
    today: dt.date,
    diags: Diagnostics,
    parse: Callable[[Path, bytes, Diagnostics, dt.date], T],
) -> T | None:
    """Read ``path`` and ``parse`` its bytes; ``None`` (with a diagnostic) if it cannot be read."""
    data = read_bytes(path, diags)
    return None if data is None else parse(path, data, diags, today)


def decode_text(
    data: bytes, path: Path, diags: Diagnostics, *, allow_empty: bool = False
) -> str | None:
    """``data`` (read from ``path``) as text, or ``None`` after recording why it is not."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16, Notepad's "Unicode": not binary
        diags.add(
            "file-encoding",
            "this file is saved as UTF-16 text (what Notepad calls 'Unicode'), not UTF-8",
            path=path,
            line=1,
            col=1,
            hint="in your editor choose 'Save as' (or 'Save with encoding') and pick UTF-8",
        )
        return None
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        diags.add(
            "file-encoding",
            "this looks like a binary file, not text",
            path=path,
            line=line,
            col=1,
            hint="save it as plain text (UTF-8) from your editor",
        )
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        diags.add(
            "file-encoding",
            "this file is not UTF-8 text",
            path=path,
            line=line,
            col=col,
            hint="in your editor choose 'Save with encoding' and pick UTF-8",
        )
        return None
    if not allow_empty and not text.strip():
        diags.add("file-empty", "this file is empty", path=path, line=1, col=1)
        return None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    control = _CONTROL.search(text)
    if control:
        start = control.start()
        diags.add(
            "file-encoding",
            f"this file holds a control character ({control.group()!r}), which no web page "
            "can show",
            path=path,
            line=text.count("\n", 0, start) + 1,
            col=start - (text.rfind("\n", 0, start) + 1) + 1,
            hint="delete it (text copied from another program can bring one: in Word, a "
            "manual line break)",
        )
        return None
    return text


# Characters no web page or feed can hold (tab and line breaks are fine; NUL is "binary").
_CONTROL = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def split_front_matter(text: str) -> tuple[str | None, str, int]:
    """(``---`` front matter, or None if absent; the body; the body's first line, 1-based). An
    unclosed block gives front matter ``""`` and an empty body, for the caller to report."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return None, text, 1
    for i in range(1, len(lines)):
        if lines[i].strip() in ("---", "..."):
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1 :]), i + 2
    return "", "", len(lines)


def front_matter_slip(text: str) -> tuple[int, str]:
    """(Line, hint) for a reflection whose first line is not ``---``: blank lines above it,
    a dash Word made of it (``—``), too few or many hyphens, or no ``---`` above the settings."""
    lines = text.split("\n")
    first = next((i for i, line in enumerate(lines) if line.strip()), 0)
    shown = lines[first].strip() if lines else ""
    if shown == "---":
        return first + 1, f"--- must be the very first line: remove the {first} empty line(s) above"
    if shown and set(shown) <= set("-\u2013\u2014 ") and len(shown) < 8:
        return first + 1, f"write exactly three hyphens, ---, on this line, not '{shown}'"
    if re.match(r"[A-Za-z_]+:", shown):
        return (
            first + 1,
            f"add a line --- above '{shown[:40]}': the settings go between two --- lines",
        )
    return 1, "start the file with three lines: ---, section: 1a (your section id), ---"
