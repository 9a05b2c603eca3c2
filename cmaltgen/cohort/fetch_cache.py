"""The fetch cache: the last good manifest of each url member, one JSON file per address.

Each file keeps the ETag, Last-Modified and fetch date, so a rebuild can ask "has it changed?"
and a failed fetch can fall back on it. A missing, corrupt, foreign or outdated file is no entry.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cmaltgen import atomic
from cmaltgen.cohort.manifest_check import Problem, checked, no_constant, too_deep
from cmaltgen.cohort.transport import validator

log = logging.getLogger(__name__)

CACHE_FORMAT = "cmaltgen remote manifest cache"
CACHE_VERSION = 1


@dataclass(frozen=True)
class Entry:
    """One cache file: the last good manifest fetched from ``url``."""

    url: str
    etag: str | None
    last_modified: str | None
    fetched: dt.date
    data: dict[str, Any]


def file_for(cache_dir: Path, url: str) -> Path:
    """The cache file of the manifest at ``url``."""
    return cache_dir / (hashlib.sha256(url.encode("utf-8", "replace")).hexdigest() + ".json")


def load(path: Path, url: str, max_bytes: int) -> Entry | None:
    """The cached entry for ``url``; None for a missing, corrupt, foreign or old file."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(4 * max_bytes + 65536 + 1)
    except OSError:
        return None
    try:
        return _entry(raw, url, max_bytes)
    except (Problem, ValueError, TypeError, KeyError) as exc:
        log.info("ignoring the fetch cache file %s: %s", path, exc)
        return None


def _entry(raw: bytes, url: str, max_bytes: int) -> Entry | None:
    if len(raw) > 4 * max_bytes + 65536:
        raise ValueError("too large")
    text = raw.decode("utf-8")
    if too_deep(text):
        raise ValueError("nested too deeply")
    record = json.loads(text, parse_constant=no_constant)
    if not isinstance(record, dict) or record.get("format") != CACHE_FORMAT:
        raise ValueError("not a cmaltgen fetch cache file")
    if record.get("version") != CACHE_VERSION or record.get("url") != url:
        raise ValueError("another version, or another address")
    etag, modified = record.get("etag"), record.get("last_modified")
    if etag != validator(etag) or modified != validator(modified):
        raise ValueError("unusable validators")
    fetched = dt.date.fromisoformat(record["fetched"])
    return Entry(url, etag, modified, fetched, checked(record["data"]))


def save(path: Path, entry: Entry) -> None:
    """Write ``entry`` atomically (temporary file, then replace); a failure only logs."""
    record = {
        "format": CACHE_FORMAT,
        "version": CACHE_VERSION,
        "url": entry.url,
        "etag": entry.etag,
        "last_modified": entry.last_modified,
        "fetched": entry.fetched.isoformat(),
        "data": entry.data,
    }
    try:
        _make_folder(path.parent)
        atomic.write_bytes(path, json.dumps(record, ensure_ascii=False).encode("utf-8"))
    except OSError as exc:
        log.warning("could not write the fetch cache %s: %s", path, exc)


def _make_folder(folder: Path) -> None:
    """Create the cache folder with a .gitignore, so the cache is never committed."""
    folder.mkdir(parents=True, exist_ok=True)
    try:
        with (folder / ".gitignore").open("x", encoding="utf-8") as ignore:
            ignore.write("# written by cmaltgen: the cohort fetch cache is not for git\n*\n")
    except FileExistsError:
        pass
