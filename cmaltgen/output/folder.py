"""Folder writer: the whole site swapped into place at once, the last good site kept on failure."""

from __future__ import annotations

import shutil
from pathlib import Path

from cmaltgen.atomic import staging_folder, swap_folder, why_not_written
from cmaltgen.diagnostics import CmaltgenError, Diagnostic, display_path
from cmaltgen.read.safe_read import copy_regular
from cmaltgen.site.output import MARKER, Output


def write_site(output: Output, dest: Path) -> None:
    """Write ``output`` into a temporary sibling of ``dest``, then swap it into place."""
    staging: Path | None = None
    try:
        check_replaceable(dest)
        staging = staging_folder(dest)
        _write_into(output, staging)
        swap_folder(staging, dest, keep=_yours)
    except OSError as exc:
        raise _not_written(dest, exc) from exc
    finally:  # gone after a swap; a half-written copy otherwise
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)


def _yours(name: str) -> bool:
    """A hidden file or folder in the output that cmaltgen does not write (a git repository
    of the published site, .github, .gitignore) is kept from one build to the next, as MkDocs
    keeps them."""
    return name.startswith(".")


def _not_written(dest: Path, exc: OSError) -> CmaltgenError:
    """A plain-words error for a site that could not be written or swapped into place (on
    Windows a folder cannot be renamed while another program has a file in it open)."""
    reason, hint = why_not_written(dest, exc)
    return CmaltgenError(
        f"cmaltgen could not write the site into {display_path(dest)} ({reason}); "
        "the last good site there is unchanged",
        [
            Diagnostic(
                "output-not-written",
                f"the site could not be written here: {reason}",
                path=dest,
                hint=hint,
            )
        ],
    )


def _write_into(output: Output, folder: Path) -> None:
    for parent in {(folder / rel).parent for rel in (*output.pages, *output.files)}:
        parent.mkdir(parents=True, exist_ok=True)  # each folder once, not once per file in it
    for rel, data in output.pages.items():
        (folder / rel).write_bytes(data)
    for rel, source in output.files.items():
        copy_regular(source, folder / rel)  # a pipe or device put in a file's place is refused


def check_replaceable(dest: Path) -> None:
    """Refuse to replace a folder that is not empty and was not written by cmaltgen."""
    if dest.is_symlink() or (dest.exists() and not dest.is_dir()):
        raise CmaltgenError(
            f"the output {dest} is not a folder",
            [
                Diagnostic(
                    "output-not-site",
                    "the output path exists and is not a folder",
                    path=dest,
                    hint="choose another output folder with -o",
                )
            ],
        )
    if dest.is_dir() and any(dest.iterdir()) and not (dest / MARKER).exists():
        raise CmaltgenError(
            f"the output folder {dest} holds files cmaltgen did not write",
            [
                Diagnostic(
                    "output-not-site",
                    "this folder is not empty and is not a site cmaltgen built, so cmaltgen "
                    "will not replace it",
                    path=dest,
                    hint="choose an empty or new folder with -o, or delete this one yourself",
                )
            ],
        )
