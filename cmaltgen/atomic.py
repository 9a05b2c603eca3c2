"""Atomic writes: a file or a folder is written beside its target and renamed into place, so
it appears whole or not at all. At the top of the package because read/, rules/, cohort/
and importers/ use it too, and a stage never imports a later one.
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from cmaltgen.diagnostics import display_path


def write_bytes(target: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``target``, then replace ``target`` with it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=_hidden(target), suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        Path(temp).replace(target)
    finally:  # gone after the rename; a half-written file otherwise
        Path(temp).unlink(missing_ok=True)


def staging_folder(dest: Path, label: str = "") -> Path:
    """A new empty folder beside ``dest`` to fill before :func:`swap_folder`."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=_hidden(dest, label), suffix=".tmp", dir=dest.parent))


def swap_folder(staging: Path, dest: Path, keep: Callable[[str], bool] | None = None) -> None:
    """Put ``staging`` where ``dest`` is; if that fails, the old ``dest`` is put back. What
    the old ``dest`` holds with a name ``keep`` accepts, and the new one lacks, is moved into
    the new one (if that fails, the old folder stays beside it with it, never deleted)."""
    if not dest.exists():
        staging.replace(dest)
        return
    old = dest.with_name(f"{_hidden(dest)}old-{os.getpid()}")
    dest.replace(old)
    try:
        staging.replace(dest)
    except OSError:
        old.replace(dest)  # put the last good copy back
        raise
    if keep is not None:
        try:
            for entry in old.iterdir():
                if keep(entry.name) and not os.path.lexists(dest / entry.name):
                    entry.replace(dest / entry.name)
        except OSError:
            return
    shutil.rmtree(old, ignore_errors=True)


def _hidden(dest: Path, label: str = "") -> str:
    """``.NAME.`` for a temporary name beside ``dest``: a long name is cut short, so that the
    temporary one (with its random part and ``.tmp``) still fits in 255 bytes."""
    name = dest.name
    while len(os.fsencode(name)) > 200:
        name = name[:-1]
    return f".{name}.{label}"


def why_not_written(dest: Path, exc: OSError, how: str = " with -o") -> tuple[str, str]:
    """(Why, in plain words; what to do) when ``dest`` could not be written or made; ``how``
    says how to choose another place."""
    number = exc.errno
    if number in (errno.ENOTDIR, errno.EEXIST):
        for part in (dest, *dest.parents):
            if os.path.lexists(part) and not part.is_dir():
                what = "a symbolic link" if part.is_symlink() else "a file"
                return (
                    f"'{display_path(part)}' is in the way: it is {what}, not a folder",
                    f"choose another place{how}, or move that {what[2:]}",
                )
    if number == errno.ELOOP:
        return (
            "a symbolic link on the way leads round in a circle",
            f"fix or remove that link, or choose another place{how}",
        )
    if number == errno.ENAMETOOLONG:
        return "a name in it is too long", "choose a shorter name (at most 255 letters)"
    if number in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return "the disk is full", f"free some space, or choose another disk{how}"
    if number in (errno.EROFS, errno.EPERM) or (number == errno.EACCES and os.name != "nt"):
        return (
            "you are not allowed to write there",
            f"choose a folder of your own{how}, for example in your Documents",
        )
    if number == errno.ENOENT:
        return "a folder cannot be made there", f"choose another place{how}"
    return (
        exc.strerror or str(exc),
        "close any program showing a file from this folder (on Windows: File Explorer, an "
        "editor or a preview), check there is free space, then try again; or choose "
        f"another place{how}",
    )
