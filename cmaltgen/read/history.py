"""The portfolio as it was at an earlier commit, read with git (for the bundle's change page).

Only plain, read-only git commands run (``rev-parse``, ``rev-list``, ``tag``, ``show``,
``ls-tree``, ``cat-file``), each with a timeout; nothing in the repository is changed. Every
way of failing becomes a :class:`HistoryProblem` in plain words with what is needed.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from cmaltgen.diagnostics import suggestion
from cmaltgen.read.dates import PartialDate, date_hint, guess_date
from cmaltgen.read.safe_read import MAX_TEXT_BYTES
from cmaltgen.read.sources import CONFIG_NAME, EVIDENCE_NAME, REFLECTION_NAME, never_a_section
from cmaltgen.wording import git_reason

POINTER_BYTES = 200  # small files are read too: a Git LFS pointer names the file it stands for
GIT_TIMEOUT = 60  # seconds for one git command; reading a few blobs takes milliseconds
_DATE = re.compile(r"^\d{4}-\d{1,2}(-\d{1,2})?$")
_SHALLOW_HINT = (
    "this is a shallow clone, with only the latest commits: fetch the whole history with "
    "git fetch --unshallow"
)


class HistoryProblem(Exception):
    """Why the earlier version could not be read. ``setup`` problems come from where cmaltgen
    runs or the history it has (no git, no repository, a shallow clone, a history that starts
    after the date), not from a wrong value the user can correct."""

    def __init__(self, code: str, message: str, hint: str, *, setup: bool) -> None:
        super().__init__(message)
        self.code, self.message, self.hint, self.setup = code, message, hint, setup


@dataclass(frozen=True)
class Base:
    """The commit compared against, and how it was found."""

    commit: str
    short: str
    date: dt.date
    subject: str
    found_by: str  # "the tag submitted-2026-06", "the last commit on or before 30 June 2026"


@dataclass(frozen=True)
class Snapshot:
    """The portfolio's text files at the base: paths relative to the portfolio folder.
    ``folder``: where the portfolio was then, when it has moved since ("" if not);
    ``too_big``: reflections left unread for their size, with their size in bytes;
    ``listing``: every file then, with its blob id and size (to tell a replaced file)."""

    base: Base
    files: dict[str, bytes]
    folder: str = ""
    too_big: dict[str, int] = field(default_factory=dict)
    listing: dict[str, tuple[str, int]] = field(default_factory=dict)


def read_at(root: Path, since: str, today: dt.date) -> Snapshot:
    """portfolio.yml and each section's reflection.md and evidence.yml as they were at
    ``since`` (a tag, branch, commit or date YYYY-MM-DD / YYYY-MM), in the repository holding
    ``root``."""
    top = _toplevel(root)
    # git's own answer, not a path comparison: symlinks and /private/var on macOS differ
    prefix = _text(_git(root, "rev-parse", "--show-prefix")).rstrip("/")
    base = _resolve(top, since.strip(), today)
    entries = _entries(top, prefix, base.commit)
    folder = ""
    if CONFIG_NAME not in entries:  # the portfolio folder was somewhere else then
        folder = _moved_from(top, prefix, base)
        entries = _entries(top, folder, base.commit)
    text = {rel: entry for rel, entry in entries.items() if _wanted(rel)}
    wanted = {rel: blob for rel, (blob, size) in text.items() if size <= MAX_TEXT_BYTES}
    wanted |= {rel: blob for rel, (blob, size) in entries.items() if size <= POINTER_BYTES}
    too_big = {rel: size for rel, (_, size) in text.items() if size > MAX_TEXT_BYTES}
    return Snapshot(base, _blobs(top, wanted), folder or "", too_big, entries)


def folder_at(root: Path, commit: str) -> str:
    """The folder in the repository that held the portfolio at ``commit`` ("" for the top):
    where it is now, or where it was before it moved. A :class:`HistoryProblem` if none."""
    top = _toplevel(root)
    prefix = _text(_git(root, "rev-parse", "--show-prefix")).rstrip("/")
    here = f"{prefix}/{CONFIG_NAME}" if prefix else CONFIG_NAME
    if _git(top, "cat-file", "-e", f"{commit}:{here}").returncode == 0:
        return prefix
    return _moved_from(top, prefix, _base(top, commit, f"the tag or commit '{commit}'"))


def _git(cwd: Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(
            ["git", *args],
            cwd=cwd,
            input=stdin,
            capture_output=True,
            timeout=GIT_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise HistoryProblem(
            "git-unavailable",
            f"git took longer than {GIT_TIMEOUT} seconds to answer (git {args[0]})",
            "check that the repository is on a local disk and not locked by another program",
            setup=True,
        ) from None
    except OSError as exc:
        raise _no_git(str(exc)) from None


def _text(proc: subprocess.CompletedProcess[bytes]) -> str:
    return proc.stdout.decode("utf-8", "backslashreplace").strip()


def _no_git(detail: str = "") -> HistoryProblem:
    return HistoryProblem(
        "git-unavailable",
        "the change page is made from the portfolio's git history, and git is not installed"
        + (f" ({detail})" if detail else ""),
        "install git (https://git-scm.com/downloads) and keep the portfolio in a repository",
        setup=True,
    )


def _toplevel(root: Path) -> Path:
    if shutil.which("git") is None:
        raise _no_git()
    proc = _git(root, "rev-parse", "--show-toplevel")
    said = proc.stderr.decode("utf-8", "backslashreplace")
    if proc.returncode != 0 and "not a git repository" not in said:
        raise HistoryProblem(  # e.g. "dubious ownership": a repository git will not read
            "git-unavailable",
            f"git cannot read the repository holding the portfolio ({git_reason(said)})",
            "do what git's message asks (for a folder owned by another user: git config "
            "--global --add safe.directory FOLDER), then run the command again",
            setup=True,
        )
    if proc.returncode != 0:
        raise HistoryProblem(
            "git-unavailable",
            "the portfolio folder is not in a git repository, so there is no earlier "
            "version to compare with",
            "keep the portfolio in git (git init, git add -A, git commit -m 'My portfolio') "
            "and tag what you submit (git tag submitted-2026-06)",
            setup=True,
        )
    return Path(_text(proc))


def _shallow(top: Path) -> bool:
    return _text(_git(top, "rev-parse", "--is-shallow-repository")) == "true"


def _resolve(top: Path, since: str, today: dt.date) -> Base:
    if _DATE.match(since) and not _is_ref(top, since):
        return _by_date(top, since, today)
    if not since or since.startswith("-"):
        raise HistoryProblem(
            "unknown-revision",
            f"'{since}' is not a tag, commit or date",
            "give a tag (submitted-2026-06), a commit (a1b2c3d) or a date (2026-06-30)",
            setup=False,
        )
    proc = _git(top, "rev-parse", "--verify", "--quiet", f"{since}^{{commit}}")
    if proc.returncode != 0:
        raise _unknown(top, since)
    commit = _text(proc)
    kind = _ref_kind(top, since) or "commit"
    return _base(top, commit, f"the {kind} {since}")


def _is_ref(top: Path, name: str) -> bool:
    """A tag or branch literally named like a date (``2026-06-30``) is taken as that ref."""
    return bool(_ref_kind(top, name))


def _ref_kind(top: Path, name: str) -> str:
    """ "tag" or "branch" when ``name`` is one, else ""."""
    for kind, folder in (("tag", "tags"), ("branch", "heads")):
        if _git(top, "show-ref", "--verify", "--quiet", f"refs/{folder}/{name}").returncode == 0:
            return kind
    return ""


def _unknown(top: Path, since: str) -> HistoryProblem:
    if guess_date(" ".join(since.split())) is not None:  # 30/06/2026, "30 June 2026"
        return HistoryProblem(
            "unknown-revision",
            f"'{since}' is not a date in the form cmaltgen reads",
            date_hint(since),
            setup=False,
        )
    if _shallow(top):
        return HistoryProblem(
            "unknown-revision",
            f"'{since}' is not in this copy of the repository",
            _SHALLOW_HINT,
            setup=True,
        )
    tags = _text(_git(top, "tag", "--list")).split()
    known = f"tags here: {', '.join(tags[-8:])}" if tags else "this repository has no tags"
    return HistoryProblem(
        "unknown-revision",
        f"git does not know '{since}': it is not a tag, branch or commit in this repository"
        + suggestion(since, tags),
        f"check the spelling ({known}); a commit can be given by the first 7 or more "
        "characters of its id (git log --oneline lists them)",
        setup=False,
    )


def _by_date(top: Path, since: str, today: dt.date) -> Base:
    date = PartialDate.parse(since)
    if date is None:
        raise HistoryProblem(
            "unknown-revision",
            f"'{since}' is not a real date",
            "write dates as YYYY-MM-DD (2026-06-30) or YYYY-MM (2026-06)",
            setup=False,
        )
    end = _end_of(date)
    if end > today:
        raise HistoryProblem(
            "no-history",
            f"{date.human()} is in the future (today is {today.isoformat()})",
            "give the date you submitted, or a tag or commit",
            setup=False,
        )
    # each commit's day as its committer's clock said (%cs), not this machine's time zone:
    # 00:30 on 1 July in London is 30 June in UTC, and is not "on or before 30 June"
    late = f"--before={end + dt.timedelta(days=1)} 12:00 +0000"  # no zone is more than -12
    proc = _git(top, "log", "-200", "--first-parent", late, "--format=%H %cs", "HEAD", "--")
    days = [line.split() for line in _text(proc).splitlines()] if proc.returncode == 0 else []
    commit = next((c for c, day in days if day <= end.isoformat()), "")
    if not commit and len(days) == 200:  # a busy day: the first commit before it anywhere
        early = f"--before={end - dt.timedelta(days=1)} 12:00 +0000"  # nor more than +14
        commit = _text(_git(top, "rev-list", "-1", "--first-parent", early, "HEAD", "--"))
    if not commit:
        raise _before_history(top, date)
    return _base(top, commit, f"the last commit on or before {date.human()}")


def _end_of(date: PartialDate) -> dt.date:
    """The last day a partial date covers: a submission "in June" means the end of June."""
    if date.day:
        return date.earliest()
    if date.month:
        return dt.date(date.year, date.month, calendar.monthrange(date.year, date.month)[1])
    return dt.date(date.year, 12, 31)


def _before_history(top: Path, date: PartialDate) -> HistoryProblem:
    first = _git(top, "log", "--first-parent", "--reverse", "--format=%cs", "HEAD", "--")
    days = _text(first).split()
    if not days:
        return HistoryProblem(
            "no-history",
            "this repository has no commits yet, so there is no earlier version",
            "commit your portfolio (git add -A, git commit -m 'My portfolio')",
            setup=True,
        )
    starts = PartialDate.parse(days[0])
    when = starts.human() if starts else days[0]
    message = f"there is no commit on or before {date.human()}: the history here starts on {when}"
    if _shallow(top):
        return HistoryProblem("no-history", message, _SHALLOW_HINT, setup=True)
    return HistoryProblem(  # nothing to fix in portfolio.yml: the history just starts later
        "no-history",
        message,
        "give a later date, or the tag or commit of what you submitted (--since, or ref: "
        "in the submission in portfolio.yml)",
        setup=True,
    )


def _base(top: Path, commit: str, found_by: str) -> Base:
    proc = _git(top, "show", "-s", "--format=%H%x00%h%x00%cs%x00%s", commit, "--")
    try:  # a message written in another encoding with no header saying so: Windows' usually
        said = proc.stdout.decode("utf-8")
    except UnicodeDecodeError:
        said = proc.stdout.decode("cp1252", "replace")
    full, short, day, subject = [*said.strip().split("\x00"), "", "", ""][:4]
    subject = re.sub(r"\x1b\[[0-9;]*[A-Za-z]|[\x00-\x1f\x7f-\x9f]", "", subject)  # not HTML text
    parsed = PartialDate.parse(day)
    date = parsed.earliest() if parsed else dt.date.min
    return Base(full or commit, short or commit[:7], date, subject, found_by)


def _entries(top: Path, prefix: str, commit: str) -> dict[str, tuple[str, int]]:
    """The files under ``prefix`` at ``commit``: their blob ids and sizes."""
    spec = [f"{prefix}/"] if prefix else []
    proc = _git(top, "ls-tree", "-r", "-l", "-z", commit, "--", *spec)
    wanted: dict[str, tuple[str, int]] = {}
    for entry in proc.stdout.split(b"\x00"):
        meta, _, raw_path = entry.partition(b"\t")
        fields = meta.split()
        if len(fields) != 4 or fields[1] != b"blob" or not fields[3].isdigit():
            continue
        path = raw_path.decode("utf-8", "backslashreplace")
        rel = path[len(prefix) + 1 :] if prefix else path
        wanted[rel] = (fields[2].decode("ascii"), int(fields[3]))
    return wanted


def _moved_from(top: Path, prefix: str, base: Base) -> str:
    """The folder holding portfolio.yml at the base, when it is not ``prefix``: the only one,
    or the one git sees renamed to ``prefix``; a problem when there is none to compare."""
    proc = _git(top, "ls-tree", "-r", "--name-only", "-z", base.commit)
    names = [n.decode("utf-8", "backslashreplace") for n in proc.stdout.split(b"\x00")]
    folders = [_folder(name) for name in names if PurePosixPath(name).name == CONFIG_NAME]
    if len(folders) > 1:  # several portfolios then: the one git sees moved here
        here = f"{prefix}/{CONFIG_NAME}" if prefix else CONFIG_NAME
        spec = f":(glob)**/{CONFIG_NAME}"
        diff = _git(top, "diff", "-M", "--name-status", "-z", base.commit, "HEAD", "--", spec)
        fields = diff.stdout.decode("utf-8", "backslashreplace").split("\x00")
        index = 0
        while index < len(fields) - 2:
            renamed = fields[index].startswith(("R", "C"))
            if renamed and fields[index + 2] == here:
                folders = [_folder(fields[index + 1])]
                break
            index += 3 if renamed else 2
    if len(folders) == 1:
        return folders[0]
    where = f"the folder '{prefix}'" if prefix else "the top of the repository"
    at = f"{base.found_by} (commit {base.short} of {base.date.day} {base.date:%B %Y})"
    others = f" and {len(folders)} portfolio folders elsewhere" if folders else ""
    raise HistoryProblem(
        "no-history",
        f"there was no {CONFIG_NAME} in {where} at {at}{others}",
        "give the tag or commit of what you submitted (--since, or ref: in the submission "
        "in portfolio.yml); the portfolio must be in it",
        setup=False,
    )


def _folder(path: str) -> str:
    parent = str(PurePosixPath(path).parent)
    return "" if parent == "." else parent


def _wanted(rel: str) -> bool:
    parts = PurePosixPath(rel).parts
    if parts == (CONFIG_NAME,):
        return True
    if len(parts) != 2 or parts[1] not in (REFLECTION_NAME, EVIDENCE_NAME):
        return False
    return not never_a_section(parts[0])  # as the portfolio is read today: not feedback/


def _blobs(top: Path, wanted: dict[str, str]) -> dict[str, bytes]:
    """The blobs, by their paths, read in one ``git cat-file --batch``."""
    if not wanted:
        return {}
    names = list(wanted)
    request = "".join(f"{wanted[name]}\n" for name in names).encode()
    out = _git(top, "cat-file", "--batch", stdin=request).stdout
    files: dict[str, bytes] = {}
    position = 0
    for name in names:
        end = out.find(b"\n", position)
        header = out[position:end].split()
        if end < 0 or len(header) != 3 or not header[2].isdigit():
            break
        size = int(header[2])
        files[name] = out[end + 1 : end + 1 + size]
        position = end + 1 + size + 1
    return files
