"""cmaltgen's cache folder: what is kept between runs to save time and can always be remade.

``$XDG_CACHE_HOME/cmaltgen`` or ``~/.cache/cmaltgen``. Nothing in it is needed: a missing,
read-only or corrupt cache only means the work is done again.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def cache_dir(env: Mapping[str, str] | None = None) -> Path:
    """``$XDG_CACHE_HOME/cmaltgen``, or ``~/.cache/cmaltgen``."""
    base = (os.environ if env is None else env).get("XDG_CACHE_HOME", "")
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".cache"
    return root / "cmaltgen"


def writable(name: str) -> Path | None:
    """The cache's folder ``name``, created if need be, or ``None`` if it cannot be written."""
    try:
        folder = cache_dir() / name  # RuntimeError when there is no home folder
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / ".write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except (OSError, RuntimeError):
        return None
    return folder


def derived(name: str, source: bytes, make: Callable[[], T], *, how: str) -> T:
    """``make()``, a pure function of ``source``, kept in folder ``name`` so that the next run
    can read it back instead of working it out again. The entry is keyed on ``source``, on
    ``how`` (what ``make`` does, e.g. the parser's version) and on cmaltgen's version, so a
    change to any of them makes a new entry rather than reusing a stale one."""
    from cmaltgen import __version__

    key = hashlib.sha256(f"{name}\0{how}\0{__version__}\0".encode() + source).hexdigest()
    try:
        folder = cache_dir() / name
    except RuntimeError:  # no home folder: no cache
        return make()
    kept = folder / (key[:32] + ".pickle")
    # Missing, unreadable, or written by an incompatible Python: then it is made again.
    with contextlib.suppress(Exception), kept.open("rb") as stored:
        found: T = pickle.load(stored)
        return found
    value = make()
    with contextlib.suppress(OSError, pickle.PicklingError):
        folder.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                pickle.dump(value, out, protocol=pickle.HIGHEST_PROTOCOL)
            Path(temp).replace(kept)  # whole or not at all, even with two runs at once
        finally:
            Path(temp).unlink(missing_ok=True)
    return value
