"""Safe file names from untrusted ones (attachment URLs, image names in a Word file).

A name from a source never chooses where a file goes: only its last part is kept, reduced to
letters, digits, dots, hyphens and underscores, never hidden, never a Windows device name,
never empty and never longer than 80 characters.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$", re.I)


def safe_name(raw: str, taken: set[str] | None = None, default: str = "file") -> str:
    """A file name with no path in it, unlike any in ``taken``."""
    path = urlsplit(raw).path if "://" in raw else raw
    last = unquote(path).replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
    ascii_name = unicodedata.normalize("NFKD", last).encode("ascii", "ignore").decode()
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", ascii_name).strip(".-_ ")
    name = re.sub(r"\.{2,}", ".", name)
    if not name or _RESERVED.match(name):
        name = f"{default}-{name}" if name else default
    stem = PurePosixPath(name).stem[:70].strip(".-_") or default
    suffix = PurePosixPath(name).suffix[:10]
    name = f"{stem}{suffix}".lower()
    candidate, n = name, 2
    while taken is not None and candidate in taken:
        candidate, n = f"{stem}-{n}{suffix}".lower(), n + 1
    return candidate
