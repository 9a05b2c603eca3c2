"""What a reader gives the importer: pieces of HTML in order, with the files they refer to."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

from cmaltgen.diagnostics import CmaltgenError, Diagnostic, Diagnostics
from cmaltgen.importers.evidence import Asset, Attachment
from cmaltgen.read.safe_read import NotRegularFile, describe, open_regular

MAX_SOURCE = 200 * 1024 * 1024  # bytes: far more than any portfolio with its images


@dataclass
class Piece:
    """A Word document, or one WordPress page or post."""

    origin: str  # how the report names it: "portfolio.docx", "page 'Core area 1a'"
    html: str
    title: str | None = None  # a page or post title, which may name a section
    labels: list[str] = field(default_factory=list)  # WordPress categories and tags
    parents: list[str] = field(default_factory=list)  # a WordPress page's parent pages' titles
    addresses: list[str] = field(default_factory=list)  # a WordPress page's own web addresses


@dataclass
class Reading:
    kind: str  # "Word document" or "WordPress export"
    pieces: list[Piece]
    date: dt.date  # when the source was last changed: the default date of its evidence
    assets: dict[str, Asset] = field(default_factory=dict)
    attachments: dict[str, Attachment] = field(default_factory=dict)
    diagnostics: Diagnostics = field(default_factory=Diagnostics)
    base_url: str = ""  # where relative addresses in the content point


def source_error(
    path: Path, message: str, hint: str, line: int | None = None, col: int | None = None
) -> CmaltgenError:
    """A source that cannot be imported: one located, plain-words error."""
    where = Diagnostic("import-source", message, path=path, line=line, col=col, hint=hint)
    return CmaltgenError(message, [where])


def megabytes(size: int) -> str:
    """``size`` in MB, rounded up to a tenth: a file just over a limit never reads as it."""
    tenths = -(-size * 10 // (1024 * 1024))
    return str(tenths // 10) if tenths % 10 == 0 else f"{tenths / 10:.1f}"


def read_capped(path: Path) -> bytes:
    """The file's bytes; refused unread if too large or not an ordinary file (a pipe)."""
    try:
        with os.fdopen(open_regular(path), "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > MAX_SOURCE:
                raise source_error(
                    path,
                    f"this file is {megabytes(size)} MB, more than the "
                    f"{MAX_SOURCE // (1024 * 1024)} MB cmaltgen imports",
                    "import a copy without large videos or images, and add those as evidence later",
                )
            return handle.read(MAX_SOURCE + 1)
    except NotRegularFile as exc:
        if exc.kind == "folder":
            raise source_error(
                path, "this is a folder, not a file", "name the file to import"
            ) from None
        raise source_error(
            path,
            f"this is {describe(exc.kind, path)}"
            + ("" if exc.kind == "broken-link" else ", not an ordinary file"),
            "name the .docx or .xml file itself",
        ) from None
    except FileNotFoundError:
        raise source_error(path, "there is no such file", "check the name and folder") from None
    except OSError as exc:
        raise source_error(
            path, f"this file cannot be read ({exc.strerror})", "check its permissions"
        ) from None
