"""Frozen editions: what was submitted stays online, unchanged, beside the living portfolio.

Each ``submissions[].ref`` in portfolio.yml names a git tag or commit. The portfolio as it was
at that commit is read with ``git archive`` (nothing in the repository, its work tree or its
index changes) into a temporary folder, built as the public edition with the same build, and
added to the site under ``submitted/YYYY-MM/``. A frozen build never adds frozen editions of
its own, and a ref git does not know is a located error: nothing is rebuilt from a guess.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from pathlib import Path

from cmaltgen.diagnostics import Diagnostics
from cmaltgen.read import history
from cmaltgen.read.config import PortfolioConfig
from cmaltgen.read.dates import PartialDate
from cmaltgen.read.located_yaml import LineMap
from cmaltgen.site.output import Output

log = logging.getLogger(__name__)

FOLDER = "submitted"
GIT_TIMEOUT = 120  # seconds; a portfolio's archive takes well under a second
ARCHIVE_MAX_BYTES = 2 * 1024 * 1024 * 1024  # GitHub Pages refuses sites over 1 GB anyway
# Left out of a frozen edition: the living site has its own feed, sitemap and 404 page.
LEFT_OUT = {"feed.xml", "sitemap.xml", ".nojekyll", "404.html"}
MAIN_TAG = re.compile(rb"<main\b[^>]*>")
# The head's link to the Atom feed, which a frozen edition leaves out (LEFT_OUT).
FEED_LINK = re.compile(rb'<link rel="alternate" type="application/atom\+xml"[^>]*>\n?')

Builder = Callable[[Path, Path, dt.date], "Output | Diagnostics"]


@dataclass(frozen=True)
class Frozen:
    """One submitted edition to publish: the folder under submitted/, and the ref."""

    index: int  # position in submissions, for located messages
    slug: str  # e.g. 2026-11
    ref: str
    date: PartialDate


def editions(config: PortfolioConfig) -> list[Frozen]:
    """The submissions marked ``publish`` that name a ref, each with its folder: the month,
    or the whole date when two submissions share a month."""
    named = [(i, s) for i, s in enumerate(config.submissions) if s.publish and s.ref.strip()]
    months = [s.date.iso()[:7] for _, s in named]
    return [
        Frozen(
            i,
            s.date.iso() if months.count(s.date.iso()[:7]) > 1 else s.date.iso()[:7],
            s.ref.strip(),
            s.date,
        )
        for i, s in named
    ]


def add_editions(
    root: Path,
    config: PortfolioConfig,
    marks: LineMap,
    output: Output,
    today: dt.date,
    diags: Diagnostics,
    stack: contextlib.ExitStack,
    builder: Builder,
) -> None:
    """Build every frozen edition into ``output`` under submitted/; problems go to ``diags``.

    The temporary folders stay (in ``stack``) until the site is written: built files are
    copied from them."""
    seen: set[str] = set()
    for frozen in editions(config):
        where = marks.where(("submissions", frozen.index, "ref"))
        key = f"submissions[{frozen.index}].ref"
        if frozen.slug in seen:
            diags.add(
                "submission-ref",
                f"two submissions on {frozen.date.iso()} both name a ref, so both would be "
                f"published at {FOLDER}/{frozen.slug}/",
                key=key,
                hint="keep the ref on the submission whose edition should stay online",
                **where,
            )
            continue
        seen.add(frozen.slug)
        log.debug(
            "building the edition submitted as %s into %s/%s", frozen.ref, FOLDER, frozen.slug
        )
        problem, source = _checkout(root, frozen.ref, stack)
        if source is None:
            diags.add("submission-ref", problem, key=key, hint=_hint(problem), **where)
            continue
        built = builder(source, Path(stack.enter_context(tempfile.TemporaryDirectory())), today)
        if isinstance(built, Diagnostics):
            first = "; ".join(d.message for d in built.errors[:2])
            diags.add(
                "submission-build",
                f"the edition submitted as '{frozen.ref}' does not build any more "
                f"({len(built.errors)} errors, e.g. {first})",
                key=key,
                hint=f"check it out (git switch --detach {frozen.ref}) and run cmaltgen "
                "build there to see each problem, or build with --no-submitted",
                **where,
            )
            continue
        _merge(output, built, frozen)


def _hint(problem: str) -> str:
    if "not installed" in problem:
        return "install git, or build without the submitted editions: --no-submitted"
    if "another user account" in problem:
        return (
            "if the folder is yours, tell git you trust it (git config --global --add "
            "safe.directory FOLDER, with the folder git names), or use --no-submitted"
        )
    if "not inside a git repository" in problem:
        return "build inside your portfolio's git repository, or use --no-submitted"
    return (
        "list your tags with 'git tag'; in GitHub Actions the checkout needs "
        "'fetch-depth: 0' to fetch them; or fix the name here"
    )


def _checkout(root: Path, ref: str, stack: contextlib.ExitStack) -> tuple[str, Path | None]:
    """The portfolio folder as it was at ``ref``, in a temporary folder, or why not."""
    if shutil.which("git") is None:
        return "git is not installed, so the submitted edition cannot be rebuilt", None
    try:
        return _archive(root, ref, stack)
    except subprocess.TimeoutExpired:
        return f"git took over {GIT_TIMEOUT} seconds to read '{ref}' and was stopped", None
    except (OSError, tarfile.TarError) as exc:
        return f"the portfolio at '{ref}' could not be read from git ({exc})", None


def _archive(root: Path, ref: str, stack: contextlib.ExitStack) -> tuple[str, Path | None]:
    top = _git(root, "rev-parse", "--show-toplevel")
    if top.returncode != 0 and b"dubious ownership" in top.stderr:
        return (
            "git will not read this repository: its folder belongs to another user account (as "
            "on a USB drive, a network share or a folder shared with WSL or Docker)"
        ), None
    if top.returncode != 0:
        return "the portfolio is not inside a git repository, so there is no tag to build", None
    found = _git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    if ref.startswith("-") or found.returncode != 0 or not found.stdout.strip():
        return f"there is no git tag or commit '{ref}' in this repository", None
    toplevel = Path(os.fsdecode(top.stdout.strip())).resolve()
    try:  # where the portfolio was then: the folder may have moved since (git mv)
        prefix = history.folder_at(root, ref) or "."
    except history.HistoryProblem as problem:
        return problem.message, None
    folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="cmaltgen-frozen-")))
    archive = folder / "edition.tar"
    spec = f"{ref}:{prefix}" if prefix != "." else ref
    with archive.open("wb") as out:
        made = subprocess.run(
            # as committed: core.autocrlf (Git for Windows) would turn an all-text PDF's LFs
            # into CRLFs and break it
            ["git", "-c", "core.autocrlf=false", "archive", "--format=tar", spec],
            cwd=toplevel,  # from a subfolder git archive limits itself to that folder
            stdout=out,
            stderr=subprocess.PIPE,
            timeout=GIT_TIMEOUT,
            check=False,
        )
    if made.returncode != 0:
        return f"git could not read the portfolio folder at '{ref}' (it was not there)", None
    if archive.stat().st_size > ARCHIVE_MAX_BYTES:
        return f"the portfolio at '{ref}' is over 2 GB, too large to publish", None
    source = folder / "portfolio"
    with tarfile.open(archive) as tar:
        _extract(tar, source)
    archive.unlink()
    return "", source


def _extract(tar: tarfile.TarFile, dest: Path) -> None:
    """Extract git's archive: nothing outside ``dest``, no links leading out, no devices."""
    if hasattr(tarfile, "data_filter"):  # Python 3.10.12+, 3.11.4+
        tar.extractall(dest, filter="data")
        return
    dest.mkdir(parents=True, exist_ok=True)
    for member in tar.getmembers():  # older Pythons: ordinary files and folders only
        target = (dest / member.name).resolve()
        if not target.is_relative_to(dest.resolve()) or not (member.isfile() or member.isdir()):
            continue
        tar.extract(member, dest, set_attrs=False)


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        ["git", *args], cwd=root, capture_output=True, timeout=GIT_TIMEOUT, check=False
    )


def _merge(output: Output, built: Output, frozen: Frozen) -> None:
    base = f"{FOLDER}/{frozen.slug}/"
    for path, data in built.pages.items():
        if path in LEFT_OUT or path.startswith("."):
            continue
        output.pages[base + path] = (
            _with_note(data, path, frozen) if path.endswith(".html") else data
        )
    for path, source in built.files.items():
        output.files[base + path] = source


def _with_note(page: bytes, path: str, frozen: Frozen) -> bytes:
    """A note at the top of each frozen page: what it is, and where the living one is."""
    up = "../" * (path.count("/") + 2)
    note = (
        '<p class="frozen-note" role="note"><strong>Submitted edition.</strong> This is the '
        f'portfolio as submitted on <time datetime="{frozen.date.iso()}">'
        f"{escape(frozen.date.human())}</time>, kept unchanged. "
        f'<a href="{up}index.html">See the current portfolio</a>.</p>'
    ).encode()
    page = FEED_LINK.sub(b"", page, count=1)
    return MAIN_TAG.sub(lambda m: m.group(0) + b"\n" + note, page, count=1)
