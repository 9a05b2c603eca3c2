"""Write an imported portfolio: only inside its folder, never over files the user made.

A list of what the import wrote, with a checksum of each file, is kept in
``.cmaltgen-import.json``. ``--force`` may then write into a folder that is not empty, but it
replaces or removes only files that list names and that are unchanged since: anything the
user made or edited is never deleted or overwritten.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path, PurePosixPath

from cmaltgen import atomic
from cmaltgen.diagnostics import CmaltgenError, Diagnostic

MANIFEST = ".cmaltgen-import.json"


def write(dest: Path, files: dict[str, bytes], force: bool) -> None:
    """Write ``files`` (relative POSIX paths) below ``dest``."""
    try:
        return _write(dest, files, force)
    except OSError as exc:
        raise CmaltgenError(
            f"cannot write the portfolio in {dest} ({exc.strerror or exc}); choose a folder "
            "you can write to"
        ) from None


def _write(dest: Path, files: dict[str, bytes], force: bool) -> None:
    outside = [rel for rel in files if not _relative(rel)]
    if outside:
        raise ValueError(f"import would write outside its folder: {outside[0]!r}")
    if dest.exists() and not dest.is_dir():
        raise _error(dest, "this is a file, not a folder", "choose a new folder name")
    if not dest.exists() or not any(dest.iterdir()):
        _write_new(dest, files)
        return
    previous = _previous(dest) if force else {}
    _refuse(dest, files, previous, force)
    root = dest.resolve()
    for rel in files:
        _refuse_links(root, rel)
    for rel, data in files.items():
        _write_one(root, rel, data)
    for rel, digest in previous.items():
        path = root / rel
        if rel not in files and _digest_of(path) == digest:
            path.unlink()
    _write_manifest(root, files)


def _write_new(dest: Path, files: dict[str, bytes]) -> None:
    """A new folder appears whole or not at all: written beside it, then renamed."""
    staging = atomic.staging_folder(dest, "import-")
    try:
        for rel, data in files.items():
            _write_one(staging, rel, data)
        _write_manifest(staging, files)
        atomic.swap_folder(staging, dest)  # dest, if there, is empty, as _write checked
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _write_manifest(root: Path, files: dict[str, bytes]) -> None:
    manifest = {rel: hashlib.sha256(data).hexdigest() for rel, data in files.items()}
    (root / MANIFEST).write_text(json.dumps({"files": manifest}, indent=1) + "\n", "utf-8")


def _relative(rel: str) -> bool:
    path = PurePosixPath(rel)
    return not (path.is_absolute() or ".." in path.parts or "\\" in rel or not path.parts)


def _refuse(dest: Path, files: dict[str, bytes], previous: dict[str, str], force: bool) -> None:
    """Writing into a folder that is not empty: only with --force, never over the user's files."""
    if not force:
        raise _error(
            dest,
            "this folder already exists and is not empty, so cmaltgen import will not write "
            "into it",
            "choose a new folder name, or add --force to write beside what is there (files you "
            "made are never changed or deleted)",
        )
    clashes = [
        rel
        for rel in files
        if (dest / rel).exists() or (dest / rel).is_symlink()
        if previous.get(rel) is None or _digest_of(dest / rel) != previous[rel]
    ]
    if clashes:
        shown = ", ".join(clashes[:5]) + (" ..." if len(clashes) > 5 else "")
        raise _error(
            dest,
            f"--force would overwrite files that cmaltgen import did not write, or that you "
            f"have changed since: {shown}",
            "move those files away, or import into a new folder",
        )


def _refuse_links(root: Path, rel: str) -> None:
    for part in [*reversed(PurePosixPath(rel).parents), PurePosixPath(rel)]:
        if (root / part).is_symlink():
            raise _error(
                root / part,
                "this is a symbolic link, and cmaltgen import never writes through one",
                "remove the link, or import into a new folder",
            )


def _error(dest: Path, message: str, hint: str) -> CmaltgenError:
    return CmaltgenError(message, [Diagnostic("output-not-site", message, path=dest, hint=hint)])


def _previous(dest: Path) -> dict[str, str]:
    """The files the last import wrote here and their checksums (none if no valid list)."""
    try:
        data = json.loads((dest / MANIFEST).read_text("utf-8"))
        files = data["files"]
    except (OSError, ValueError, KeyError, TypeError, RecursionError):
        return {}
    if not isinstance(files, dict):
        return {}
    return {str(rel): str(digest) for rel, digest in files.items() if _relative(str(rel))}


def _digest_of(path: Path) -> str | None:
    if path.is_symlink() or not path.is_file():
        return None
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _write_one(root: Path, rel: str, data: bytes) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags, 0o644)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
