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
import stat
import sys
import tempfile
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
    folder = _own(name, create=True)
    if folder is None:
        return None
    try:
        probe = folder / ".write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError:
        return None
    return folder


def _own(name: str, *, create: bool) -> Path | None:
    """The cache's folder ``name`` if it is safe to load from, else ``None``.

    What the cache holds is loaded as code and objects (compiled templates, pickles) and copies
    your text, so its folders must be yours alone: they are made private (0700), a folder of
    yours that others could open is made private first, and one someone else owns is not used.
    (On Windows, where these permission bits mean nothing, the folder is used as it is.)
    """
    try:
        folder = cache_dir() / name  # RuntimeError when there is no home folder
        if create:
            folder.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            folder.mkdir(mode=0o700, exist_ok=True)
        found = folder.stat()
    except (OSError, RuntimeError):
        return None
    uid = getattr(os, "getuid", None)
    if not stat.S_ISDIR(found.st_mode) or (uid is not None and found.st_uid != uid()):
        return None
    if uid is not None and found.st_mode & 0o077:
        try:
            folder.chmod(0o700)
        except OSError:
            return None
    return folder


def derived(name: str, source: bytes, make: Callable[[], T], *, how: str) -> T:
    """``make()``, a pure function of ``source``, kept in folder ``name`` so that the next run
    can read it back instead of working it out again. The entry is keyed on ``source``, on
    ``how`` (what ``make`` does, e.g. the parser's version) and on cmaltgen's code, so a
    change to any of them makes a new entry rather than reusing a stale one."""
    key = hashlib.sha256(f"{name}\0{how}\0".encode() + code_key() + source).hexdigest()
    entry = key[:32] + ".pickle"
    folder = _own(name, create=False)
    # Missing, unreadable, or written by an incompatible Python: then it is made again.
    with contextlib.suppress(Exception):
        if folder is not None:
            with (folder / entry).open("rb") as stored:
                found: T = pickle.load(stored)
                return found
    value = make()
    _store(name, entry, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    return value


def _store(name: str, entry: str, data: bytes) -> None:
    """Write ``data`` as ``entry`` in folder ``name``, whole or not at all (a temporary file,
    readable by you alone, then renamed), even with two runs at once; failures are ignored."""
    folder = _own(name, create=True)
    if folder is None:
        return
    with contextlib.suppress(OSError):
        handle, temp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            Path(temp).replace(folder / entry)
        finally:
            Path(temp).unlink(missing_ok=True)


def kept(
    name: str,
    where: str,
    key: bytes,
    make: Callable[[], T],
    valid: Callable[[object], bool] = lambda value: True,
) -> tuple[T, bool]:
    """``make()``, kept in folder ``name`` under ``where`` for as long as ``key`` is the same.

    One entry per ``where`` (for example a source file's path): a new key replaces the entry,
    so the folder grows with the number of places, not with every edit. ``key`` must cover all
    that ``make`` depends on; cmaltgen's code is added to it here. A value read back that
    ``valid`` refuses is made again. Returns the value and whether it was read back (``False``:
    ``make`` ran).
    """
    digest = hashlib.blake2b(key, digest_size=_KEY_SIZE, key=code_key()).digest()
    named = where.encode("utf-8", "surrogateescape")  # file names need not be UTF-8
    entry = hashlib.blake2b(named, digest_size=16).hexdigest() + ".pickle"
    folder = _own(name, create=False)
    # Missing, stale, unreadable or written by an incompatible Python: then it is made again.
    with contextlib.suppress(Exception):
        if folder is not None:
            with (folder / entry).open("rb") as stored:
                if stored.read(_KEY_SIZE) == digest:
                    found: T = pickle.load(stored)
                    if valid(found):
                        return found, True
    value = make()
    try:
        data = digest + pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError, RecursionError):
        return value, False  # not something that can be kept
    _store(name, entry, data)
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
