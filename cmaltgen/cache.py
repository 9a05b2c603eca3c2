"""cmaltgen's cache folder: what is kept between runs to save time and can always be remade.

``$XDG_CACHE_HOME/cmaltgen`` or ``~/.cache/cmaltgen``. Nothing in it is needed: a missing,
read-only or corrupt cache only means the work is done again.

Every entry is keyed on cmaltgen's own code (:func:`code_key`) as well as on what it was made
from, so a new version, or an edited checkout, never reads an entry an older one wrote.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import pickle
import sys
import tempfile
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

_KEY_SIZE = 32  # bytes of BLAKE2b digest at the start of each kept entry


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
    key = hashlib.sha256(f"{name}\0{how}\0".encode() + code_key() + source).hexdigest()
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


def kept(name: str, where: str, key: bytes, make: Callable[[], T]) -> tuple[T, bool]:
    """``make()``, kept in folder ``name`` under ``where`` for as long as ``key`` is the same.

    One entry per ``where`` (for example a source file's path): a new key replaces the entry,
    so the folder grows with the number of places, not with every edit. ``key`` must cover all
    that ``make`` depends on; cmaltgen's code is added to it here. Returns the value and
    whether it was read back (``False``: ``make`` ran).
    """
    digest = hashlib.blake2b(key, digest_size=_KEY_SIZE, key=code_key()).digest()
    try:
        folder = cache_dir() / name
    except RuntimeError:  # no home folder: no cache
        return make(), False
    entry = folder / (hashlib.blake2b(where.encode(), digest_size=16).hexdigest() + ".pickle")
    # Missing, stale, unreadable or written by an incompatible Python: then it is made again.
    with contextlib.suppress(Exception), entry.open("rb") as stored:
        if stored.read(_KEY_SIZE) == digest:
            found: T = pickle.load(stored)
            return found, True
    value = make()
    temp = entry.with_name(f"{entry.stem}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        data = digest + pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)  # what you wrote: yours only
        temp.write_bytes(data)
        temp.replace(entry)  # whole or not at all, even with two runs at once
    except (OSError, pickle.PicklingError, TypeError, AttributeError, RecursionError):
        with contextlib.suppress(OSError):
            temp.unlink(missing_ok=True)
    return value, False


@functools.cache
def code_key() -> bytes:
    """cmaltgen's code as cache entries depend on it: the version, the Python running it, and
    each module's size and modification time (what Python's own compiled-module cache checks),
    so an entry written by other code is never read."""
    return package_key(Path(__file__).parent)


def package_key(package: Path) -> bytes:
    from cmaltgen import __version__

    parts = [__version__, sys.version]
    with contextlib.suppress(OSError), os.scandir(package) as entries:
        for entry in sorted(entries, key=lambda e: e.name):
            if entry.name.endswith(".py"):
                found = entry.stat()
                parts.append(f"{entry.name}:{found.st_size}:{found.st_mtime_ns}")
    return hashlib.blake2b("\0".join(parts).encode(), digest_size=32).digest()
