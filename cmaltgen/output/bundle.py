"""The assessor bundle: the assessor edition of the site as one zip, for when a URL is not enough.

ALT accepts a single file or zip: keep it under 10 MB (25 MB is the attachment limit). The zip
holds one folder with the site (public and assessors-only content, never private), the
printable ``portfolio.html`` and the evidence files. Every link in it is relative, so it works
unzipped and opened from disk with no server.
"""

from __future__ import annotations

import datetime as dt
import errno
import io
import logging
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from cmaltgen.atomic import why_not_written, write_bytes
from cmaltgen.build import BuildResult, build
from cmaltgen.diagnostics import CmaltgenError, Diagnostic, Diagnostics, display_path
from cmaltgen.read.safe_read import file_kind, read_regular
from cmaltgen.read.sources import real_path
from cmaltgen.site import render, theme
from cmaltgen.site.output import MARKER, Output
from cmaltgen.wording import agree, join_and

log = logging.getLogger(__name__)

WARN_BYTES = 10 * 1024 * 1024  # ALT: keep a submission under 10 MB
MAX_BYTES = 25 * 1024 * 1024  # ALT: the hard attachment limit
LARGEST_SHOWN = 5
_LEFT_OUT = (MARKER, ".nojekyll")  # build bookkeeping, not part of the portfolio
_ZIP_TIME = (2000, 1, 1, 0, 0, 0)  # fixed, so the same portfolio makes the same zip


@dataclass
class BundleResult:
    """What ``bundle`` did: the underlying build, and the zip."""

    build: BuildResult
    path: Path
    written: bool = False
    size: int = 0
    largest: list[tuple[str, int]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.build.ok

    @property
    def diagnostics(self) -> Diagnostics:
        return self.build.diagnostics


def default_path(root: Path) -> Path:
    """Beside the portfolio folder, so it is never committed or published with the sources."""
    root = real_path(root)
    return root.parent / f"{root.name}-assessor-bundle.zip"


def bundle(
    root: Path,
    output: Path | None = None,
    *,
    strict: bool = False,
    today: dt.date | None = None,
    warn_bytes: int = WARN_BYTES,
    max_bytes: int = MAX_BYTES,
    since: str | None = None,
    templates: theme.Environments | None = None,
) -> BundleResult:
    """Build the assessor edition in memory and write it as a zip (only if all is well);
    ``since`` and ``templates`` are as in :func:`cmaltgen.build.build`."""
    root = real_path(root)
    target = real_path(output or default_path(root))
    check_location(root, target)
    built = build(
        root,
        strict=strict,
        today=today,
        write=False,
        edition="assessor",
        since=since,
        templates=templates,
    )
    result = BundleResult(built, target)
    if built.rendered is None or not built.ok:
        return result
    data, sizes = _zip(built.rendered, target.stem)
    result.size, result.largest = len(data), sizes[:LARGEST_SHOWN]
    _check_size(result, root, warn_bytes, max_bytes)
    if built.ok:
        try:
            write_bytes(target, data)
        except OSError as exc:
            reason, hint = why_not_written(target, exc)
            problem = f"the bundle could not be written here: {reason}"
            raise CmaltgenError(
                f"cmaltgen could not write the bundle {display_path(target)} ({reason})",
                [Diagnostic("output-not-written", problem, path=target, hint=hint)],
            ) from exc
        result.written = True
    log.info("bundle of %s: %d bytes", root, result.size)
    return result


def _zip(output: Output, folder: str) -> tuple[bytes, list[tuple[str, int]]]:
    """The zip's bytes, and each member's compressed size, largest first."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for rel in sorted({*output.pages, *output.files}):
            if rel in _LEFT_OUT:
                continue
            data = output.pages[rel] if rel in output.pages else read_regular(output.files[rel])
            member = zipfile.ZipInfo(f"{folder}/{rel}", _ZIP_TIME)
            archive.writestr(member, data, compress_type=zipfile.ZIP_DEFLATED)
        sizes = [(i.filename.split("/", 1)[1], i.compress_size) for i in archive.infolist()]
    return buffer.getvalue(), sorted(sizes, key=lambda pair: (-pair[1], pair[0]))


def _check_size(result: BundleResult, root: Path, warn_bytes: int, max_bytes: int) -> None:
    if result.size <= warn_bytes:
        return
    largest = join_and(f"{name} ({render.filesize(size)})" for name, size in result.largest)
    files = agree(len(result.largest), "file", "files")
    over = result.size > max_bytes
    limit = (
        f"over ALT's {render.filesize(max_bytes)} attachment limit"
        if over
        else f"over the {render.filesize(warn_bytes)} ALT asks for"
    )
    result.diagnostics.add(
        "bundle-too-large" if over else "bundle-size",
        f"the assessor bundle is {render.filesize(result.size)}, {limit}; "
        f"largest {files}: {largest}",
        path=root,
        hint="compress or resize large files (export video as a link instead, save "
        "images at screen size), or submit the portfolio's URL",
    )


def check_location(root: Path, target: Path) -> None:
    """Refuse a zip that could be published with the site or overwrite someone's file."""
    problem, hint = _location_problem(root, target)
    if problem:
        raise CmaltgenError(
            problem, [Diagnostic("bundle-location", problem, path=target, hint=hint)]
        )


def _is_zip_or_nothing(target: Path) -> bool:
    """Nothing has this name yet, or an ordinary file that is a zip (a named pipe is never
    opened: reading one waits for ever)."""
    try:
        mode = target.stat().st_mode
    except OSError as exc:  # not there (writing it says why, if it cannot be), or a loop
        return exc.errno != errno.ELOOP
    return file_kind(mode) is None and zipfile.is_zipfile(target)


def _location_problem(root: Path, target: Path) -> tuple[str, str]:
    beside = f"leave out -o to write it beside the portfolio ({default_path(root).name})"
    if target.suffix.lower() != ".zip":
        return "the bundle must be a .zip file", "name it, for example, -o my-portfolio.zip"
    if not _is_zip_or_nothing(target):
        return "a file that is not a zip already has this name, so it was not replaced", beside
    if target.is_relative_to(root):
        top = target.relative_to(root).parts[0]
        if len(target.relative_to(root).parts) > 1 and not top.startswith(("_", ".")):
            return f"the bundle would be inside the portfolio's content ({top}/)", beside
        if top == "_site":
            return "the bundle would be inside the public site (_site/)", beside
    return "", ""
