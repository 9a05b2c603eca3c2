"""Atomic writes: a file or a folder is written beside its target and renamed into place, so
it appears whole or not at all. At the top of the package because read/, rules/, cohort/
and importers/ use it too, and a stage never imports a later one.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path


def write_bytes(target: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``target``, then replace ``target`` with it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        Path(temp).replace(target)
    finally:  # gone after the rename; a half-written file otherwise
        Path(temp).unlink(missing_ok=True)


def staging_folder(dest: Path, label: str = "") -> Path:
    """A new empty folder beside ``dest`` to fill before :func:`swap_folder`."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{dest.name}.{label}", suffix=".tmp", dir=dest.parent))


def swap_folder(staging: Path, dest: Path) -> None:
    """Put ``staging`` where ``dest`` is; if that fails, the old ``dest`` is put back."""
    if not dest.exists():
        staging.replace(dest)
        return
    old = dest.with_name(f".{dest.name}.old-{os.getpid()}")
    dest.replace(old)
    try:
        staging.replace(dest)
    except OSError:
        old.replace(dest)  # put the last good copy back
        raise
    shutil.rmtree(old, ignore_errors=True)
