"""Collect stage: find the portfolio's files (:func:`collect`), and where the files it names
are (:func:`resolve_local`, :func:`real_path`), looked up once per build."""

from __future__ import annotations

import contextlib
import contextvars
import errno
import logging
import os
import re
from collections.abc import Callable, Hashable, Iterator
from pathlib import Path, PureWindowsPath
from typing import Any, NamedTuple, TypeVar

from cmaltgen.diagnostics import display_path, suggestion
from cmaltgen.read.safe_read import describe, file_kind

log = logging.getLogger(__name__)

CONFIG_NAME = "portfolio.yml"
REFLECTION_NAME = "reflection.md"
EVIDENCE_NAME = "evidence.yml"
DEFAULT_OUTPUT = "_site"
TEMPLATES_DIR = "templates"
# reviewers' comments (cmaltgen.read.feedback): never a section, never published
FEEDBACK_DIR = "feedback"


class SectionSource(NamedTuple):
    """A section folder: its reflection and, if present, its evidence list."""

    folder: Path
    reflection: Path
    evidence: Path | None
    listed: tuple[Path, ...] = ()  # everything in the folder, sorted (for stray_files)


class Sources(NamedTuple):
    """Everything the collect stage found, in a stable order."""

    root: Path
    config: Path
    sections: tuple[SectionSource, ...]
    templates: Path | None
    root_files: tuple[Path, ...] = ()  # the files (not folders) in ``root``, sorted
    # top-level folders with no reflection.md (not hidden, _site...), with their listings
    others: tuple[tuple[Path, tuple[Path, ...]], ...] = ()


def collect(root: Path, output: Path | None = None) -> Sources:
    """Find ``portfolio.yml`` and every section folder (a top-level folder with reflection.md).
    Folders starting with ``.`` or ``_``, the output folder, ``templates`` and ``feedback`` are
    not content."""
    sections: list[SectionSource] = []
    others: list[tuple[Path, tuple[Path, ...]]] = []
    real_root = real_path(root)
    real_output = real_path(output) if output is not None else None
    folders: list[tuple[Path, bool]] = []
    files: list[Path] = []
    with os.scandir(root) as entries:
        for e in entries:
            if e.is_dir():
                folders.append((root / e.name, e.is_symlink()))
            elif e.is_file():
                files.append(root / e.name)
    for folder, link in sorted(folders):
        if never_a_section(folder.name):
            continue
        # a folder that is not a link is where it is listed: only links need resolving
        if (real_path(folder) if link else real_root / folder.name) == real_output:
            continue
        listed = _listing(folder)
        reflection = folder / REFLECTION_NAME
        if _present(reflection, listed):
            evidence = folder / EVIDENCE_NAME
            present = _present(evidence, listed)
            sections.append(
                SectionSource(folder, reflection, evidence if present else None, listed)
            )
        else:
            others.append((folder, listed))
    templates = root / TEMPLATES_DIR
    log.debug("collected %d section folders under %s", len(sections), root)
    config, found = root / CONFIG_NAME, tuple(sections)
    return Sources(
        root,
        config,
        found,
        templates if templates.is_dir() else None,
        tuple(sorted(files)),
        tuple(others),
    )


def _listing(folder: Path) -> tuple[Path, ...]:
    """What ``folder`` holds, sorted; nothing if it cannot be listed."""
    try:
        return tuple(sorted(folder.iterdir()))
    except OSError:
        return ()


def _present(path: Path, listed: tuple[Path, ...]) -> bool:
    """There, even as a broken link: reading it then says what is wrong, not "no evidence".
    Listed by that name, or found by ``stat`` (a name can differ in case where the file
    system ignores case)."""
    return path in listed or path.exists() or path.is_symlink()


def never_a_section(name: str) -> bool:
    """A top-level folder that is never read as a section: hidden, ``_site``, templates/,
    feedback/ and node_modules (the history of a section is read by the same rule)."""
    return name.startswith((".", "_")) or name in (TEMPLATES_DIR, FEEDBACK_DIR, "node_modules")


# a copy of reflection.md, evidence.yml or portfolio.yml under another name: "reflection (1)",
# "evidence (Rowan's conflicted copy)", "reflection-LAPTOP-12", "Reflection - Copy", ".md.txt"
_LOOKALIKE = re.compile(r"(reflection|evidence|portfolio)\b.*", re.IGNORECASE)
# what a reflection saved from a word processor, or with a hidden .txt ending, is named
_TEXT_SUFFIXES = (".md", ".markdown", ".txt", ".text", ".docx", ".doc", ".odt", ".rtf", ".pages")


def no_folder(path: Path) -> str:
    """ "There is no folder X", with the likeliest folder meant beside it (a typo)."""
    try:
        names = [p.name for p in path.parent.iterdir() if p.is_dir()]
    except OSError:
        names = []
    return f"there is no folder {path}" + suggestion(path.name, names)


def not_a_folder(path: Path, what: str = "portfolio") -> str:
    """Why ``path``, given as the portfolio (or cohort) folder, is not a folder, in plain words:
    one message for build, check, serve and cohort."""
    try:
        kind = file_kind(path.stat().st_mode)
    except FileNotFoundError:
        kind = "broken-link" if path.is_symlink() else "missing"
    except OSError as exc:
        kind = "link-loop" if exc.errno == errno.ELOOP else "other"
    if kind == "missing":
        return no_folder(path)
    shown = display_path(path)
    kind_of = "an ordinary file" if kind is None else describe(kind, path)
    return f"{shown} is {kind_of}, not a folder: give the path of your {what} folder"


def lookalike(path: Path) -> str | None:
    """The file ``path`` seems meant to be (``reflection.md``...), from its name, or ``None``."""
    found = _LOOKALIKE.fullmatch(path.name)
    return found.group(1).lower() if found else None


def stray_files(sources: Sources) -> list[Path]:
    """Files that look like content but are not read (likely a misplaced or misnamed file):
    Markdown/YAML beside a section, a look-alike of a file cmaltgen reads anywhere on top."""
    used = {s.reflection for s in sources.sections} | {s.evidence for s in sources.sections}
    strays: list[Path] = []
    for section in sources.sections:  # collect's listings: no folder is listed twice
        for path in section.listed:
            hidden_txt = _content(path, (".txt", ".text")) and lookalike(path) is not None
            if (_content(path, (".md", ".yml", ".yaml")) or hidden_txt) and path not in used:
                strays.append(path)
    for _folder, listed in sources.others:  # no reflection.md: another portfolio or hub?
        if not any(p.name in (CONFIG_NAME, "cohort.yml") for p in listed):
            strays.extend(
                p
                for p in listed
                if _content(p, (".md", ".yml", ".yaml"))
                or (_content(p, _TEXT_SUFFIXES) and lookalike(p) is not None)
            )
            strays.extend(  # a section one folder too deep: core-areas/1a/reflection.md
                p / REFLECTION_NAME
                for p in listed
                if not never_a_section(p.name) and (p / REFLECTION_NAME).is_file()
            )
    for path in sources.root_files:
        if path.name != CONFIG_NAME and (
            _content(path, (".yml", ".yaml"))
            or (_content(path, _TEXT_SUFFIXES) and lookalike(path) is not None)
        ):
            strays.append(path)
    return strays


def _content(path: Path, suffixes: tuple[str, ...]) -> bool:
    """Named like content, and not a hidden file (macOS's ``._name``) or Word's ``~$`` lock."""
    return path.suffix.lower() in suffixes and not path.name.startswith((".", "~$"))


Resolved = tuple[Path | None, str | None]
T = TypeVar("T")

# What one build has looked up (see resolved_once); None outside a build.
_REMEMBERED: contextvars.ContextVar[dict[Hashable, Any] | None]
_REMEMBERED = contextvars.ContextVar("remembered", default=None)


@contextlib.contextmanager
def resolved_once() -> Iterator[None]:
    """Within the block, :func:`resolve_local` and :func:`real_path` look each file up once: a
    build's rules and pages ask about the same evidence file many times, and each answer walks
    its whole path. What is found at the start holds for the whole block."""
    token = _REMEMBERED.set({})
    try:
        yield
    finally:
        _REMEMBERED.reset(token)


def _once(key: Hashable, look_up: Callable[[], T]) -> T:
    """``look_up()``, or its answer for ``key`` when this build has already asked."""
    remembered = _REMEMBERED.get()
    if remembered is None:
        return look_up()
    if key not in remembered:
        remembered[key] = look_up()
    found: T = remembered[key]
    return found


def real_path(path: Path) -> Path:
    """``path.resolve()``: absolute, with every symbolic link followed."""
    return _once(path, lambda: _resolved(path))


def _resolved(path: Path) -> Path:
    """``path.resolve()``; a link that loops, or a NUL in the name, gives the path made absolute
    as written (opening it then fails, and :func:`resolve_local` says why)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError, ValueError):
        return Path(os.path.abspath(path))  # noqa: PTH100 (resolve is what failed)


def on_computer(target: str) -> bool:
    """``/Users/...``, ``C:\\...``, ``C:/...``, ``\\\\server\\...``: a place on a computer
    (on any system), never a path inside the portfolio."""
    windows = PureWindowsPath(target)
    return Path(target).is_absolute() or bool(windows.drive or windows.root)


def resolve_local(root: Path, base: Path, target: str) -> Resolved:
    """``target`` (relative to folder ``base``) as a file inside the portfolio ``root`` (already
    resolved): (path, None), or (None, why): ``outside`` (``../`` or a link leads out),
    ``missing``, or a kind :func:`describe` knows. Only ``stat`` is used: nothing is opened."""
    return _once((root, base, target), lambda: _resolve_local(root, base, target))


def _resolve_local(root: Path, base: Path, target: str) -> Resolved:
    if on_computer(target) or target[:5].lower() == "file:":  # file:///C:/... too
        return None, "outside"
    if "\x00" in target:
        return None, "nul-name"
    candidate = base / target
    real = real_path(candidate)
    if not real.is_relative_to(root):
        return None, "outside"
    try:
        mode = real.stat().st_mode  # one call for "exists" and "is a file"
    except FileNotFoundError:
        return None, "broken-link" if candidate.is_symlink() else "missing"
    except OSError as exc:
        return None, "link-loop" if exc.errno == errno.ELOOP else "missing"
    kind = file_kind(mode)
    return (candidate, None) if kind is None else (None, kind)
