"""File and folder names that travel everywhere; stray and special files."""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path
from urllib.parse import unquote

from cmaltgen.codes import Severity
from cmaltgen.diagnostics import Diagnostics, suggestion
from cmaltgen.read.framework import CPD_NAME, CPD_SECTION
from cmaltgen.read.portfolio import Portfolio, Specs
from cmaltgen.read.safe_read import MAX_TEXT_BYTES, describe, file_kind, open_regular
from cmaltgen.read.sources import (
    CONFIG_NAME,
    EVIDENCE_NAME,
    REFLECTION_NAME,
    Sources,
    lookalike,
    on_computer,
    real_path,
    resolve_local,
    stray_files,
)
from cmaltgen.rules import privacy

# Names Windows keeps for devices, with or without an extension (con.txt is reserved too).
_RESERVED = {"CON", "PRN", "AUX", "NUL"} | {
    f"{port}{n}" for port in ("COM", "LPT") for n in [*"0123456789", "\u00b9", "\u00b2", "\u00b3"]
}
_FORBIDDEN = set('<>:"|?*\\')
# Windows allows 260 characters in a whole path; leave room for where the site or bundle
# is unzipped or checked out (C:\Users\someone\Downloads\my-portfolio-bundle\).
MAX_PUBLISHED_PATH = 200
MAX_NAME_BYTES = 255  # Linux and macOS: one file or folder name


def name_problem(published: str) -> tuple[str, str] | None:
    """(What is wrong, how to rename) if a path inside the site (``files/1a/report.pdf``) is not
    a legal name on every system it goes to (a zip on Windows or macOS, git, GitHub Pages)."""
    for name in published.split("/"):
        found = _segment_problem(name)
        if found is not None:
            return found
    if len(published) > MAX_PUBLISHED_PATH:
        return (
            f"its path in the site ({len(published)} characters) is too long for Windows, "
            f"which allows about {MAX_PUBLISHED_PATH} here",
            "shorten the file name (and its folder names)",
        )
    return None


def _segment_problem(name: str) -> tuple[str, str] | None:
    shown = os.fsencode(name).decode("utf-8", "backslashreplace")
    try:
        size = len(name.encode("utf-8"))
    except UnicodeEncodeError:
        return (f"the name '{shown}' is not UTF-8 text", "rename it using ordinary characters")
    bad = sorted({c for c in name if c in _FORBIDDEN or ord(c) < 32 or ord(c) == 127})
    if bad:
        listed = " ".join(repr(c)[1:-1] if ord(c) < 32 or ord(c) == 127 else c for c in bad)
        return (
            f"the name '{shown}' contains {listed}, which Windows does not allow in file names",
            'rename it without any of < > : " | ? * \\ or control characters, e.g. use - instead',
        )
    if name.endswith((".", " ")):
        return (
            f"the name '{shown}' ends with a {'dot' if name.endswith('.') else 'space'}, "
            "which Windows removes, so the link would not find it",
            "rename it without the dot or space at the end",
        )
    if name.split(".", 1)[0].rstrip(" ").upper() in _RESERVED:
        return (
            f"the name '{shown}' is reserved for a device on Windows, which cannot open or "
            "unzip a file with that name",
            f"rename it, e.g. to 'my-{name}'",
        )
    if size > MAX_NAME_BYTES:
        return (
            f"the name '{shown[:40]}…' is {size} bytes long; file names can be at most "
            f"{MAX_NAME_BYTES}",
            "shorten the file name",
        )
    return None


def check_name_clashes(portfolio: Portfolio, specs: Specs, diags: Diagnostics) -> None:
    """``Report.pdf`` and ``report.pdf`` (or ``café`` written two ways) are one file on Windows
    and macOS: unzipped or checked out there, one would silently replace the other."""
    seen: dict[str, str] = {}
    for base, target, where in file_targets(portfolio):
        source, problem = resolve_local(portfolio.root, base, target)
        if source is None or problem is not None:
            continue
        try:
            rel = real_path(source).relative_to(portfolio.root).as_posix()
            key = unicodedata.normalize("NFC", rel).casefold()
        except (ValueError, UnicodeError):
            continue  # reported by the name check
        first = seen.setdefault(key, rel)
        if first != rel:
            diags.add(
                "file-name",
                f"'{rel}' and '{first}' differ only in capital letters or in how an accent is "
                "stored; Windows and macOS see one file, so one would replace the other",
                hint="rename one of the two files",
                **where,
            )


def file_targets(
    portfolio: Portfolio, public_only: bool = False
) -> list[tuple[Path, str, dict[str, object]]]:
    """Every local file named in the portfolio (or only where the public site shows it):
    (folder it is relative to, target, where)."""
    config = portfolio.config
    found: list[tuple[Path, str, dict[str, object]]] = [
        (entry.path.parent, name, entry.where(key))
        for doc, entry in portfolio.evidence()
        for key, name in (("file", entry.item.file), ("transcript", entry.item.transcript_file))
        if name
        and (not public_only or privacy.item_visibility(entry, doc, config) == privacy.PUBLIC)
    ]
    for _, reflection in portfolio.sections():
        if public_only and privacy.section_visibility(reflection.front, config) != privacy.PUBLIC:
            continue
        for ref in reflection.parsed.references:
            if ref.kind == "file":
                where = reflection.at_body(ref.line, ref.col)
                found.append((reflection.path.parent, ref.target, where))
    return found


def check_name(root: Path, source: Path, diags: Diagnostics, where: dict[str, object]) -> None:
    """The published copy is ``files/<path in the portfolio>``: every part must travel."""
    published = f"files/{source.relative_to(root).as_posix()}"
    found = name_problem(published)
    if found is not None:
        message, hint = found
        shown = os.fsencode(published[len("files/") :]).decode("utf-8", "backslashreplace")
        diags.add("file-name", f"{message}: {shown}", hint=hint, **where)


# Files a browser opens as a page of your site, running what scripts they hold, and the marks
# of a script: a <script> element, an on...= handler inside a tag, a javascript: address.
_ACTIVE_SUFFIXES = (".svg", ".html", ".htm", ".xhtml", ".xht", ".xml")
_ACTIVE = re.compile(rb"(<script)[\s>/]|<[^<>]*\s(on[a-z]+)\s*=|(javascript:)", re.IGNORECASE)


def check_active_content(source: Path, diags: Diagnostics, where: dict[str, object]) -> None:
    """An SVG or HTML file published with a script in it: it runs, on your site, for anyone
    who opens the file (the first 2 MB are looked at)."""
    if not source.name.lower().endswith(_ACTIVE_SUFFIXES):
        return
    try:
        fd = open_regular(source)
        try:
            head = os.read(fd, MAX_TEXT_BYTES)
        finally:
            os.close(fd)
    except OSError:
        return  # reported where it is named
    found = _ACTIVE.search(head)
    if found:
        mark = next(g for g in found.groups() if g).decode("utf-8", "replace")[:40]
        diags.add(
            "active-content",
            f"'{source.name}' holds a script ({mark!r}), which would run on your site for "
            "anyone who opens it",
            hint="publish a PDF or an image (PNG, JPEG) of it instead, or remove the script; "
            "if you made it and trust it, list it under accept: in portfolio.yml (docs/format.md)",
            **where,
        )


def check_template_files(sources: Sources, diags: Diagnostics) -> None:
    """A pipe or broken link in templates/ would be passed over, silently using the theme's."""
    if sources.templates is None:
        return
    for path in sorted(sources.templates.rglob("*")):
        try:
            kind = file_kind(path.stat().st_mode)
        except FileNotFoundError:
            kind = "broken-link" if path.is_symlink() else None
        except OSError:
            kind = "other"
        if kind is not None and kind != "folder":
            diags.add(
                "special-file",
                f"this is {describe(kind, path)}, not an ordinary file, so it cannot be used "
                "as a template",
                path=path,
                hint="replace it with an ordinary text file, or remove it to use the theme's own",
            )


def check_folder_names(sources: Sources, diags: Diagnostics) -> None:
    """Linux allows any bytes in a name; one that is not UTF-8 cannot go into a URL."""
    for section in sources.sections:
        name = section.folder.name
        try:
            name.encode("utf-8")
        except UnicodeEncodeError:
            shown = os.fsencode(name).decode("utf-8", "backslashreplace")
            diags.add(
                "name-encoding",
                f"the folder name '{shown}' is not UTF-8 text, so it cannot be part of a web "
                "address",
                path=section.folder,
                hint="rename the folder, e.g. to its section id and a few words: "
                "1a-planning-a-course",
            )


def check_stray_files(portfolio: Portfolio, sources: Sources, diags: Diagnostics) -> None:
    used = {
        real_path(entry.path.parent / name)
        for _, entry in portfolio.evidence()
        for name in (entry.item.file, entry.item.transcript_file)
        if name
    }
    unread = {d.source.folder for d in portfolio.docs if not d.evidence_ok}
    if portfolio.cpd is not None:
        used.add(real_path(portfolio.cpd.path))
    sections = {s.folder for s in sources.sections}
    for path in stray_files(sources):
        if real_path(path) in used:
            continue
        if path.parent in unread and path.stem not in ("evidence", "reflection"):
            continue  # an item of its evidence.yml that had errors may use it
        where = "root" if path.parent == sources.root else "other"
        if sources.root not in (path.parent, path.parent.parent) and path.parent not in sections:
            outer = path.parent.parent.name
            hint = (
                f"move the folder {path.parent.name} out of {outer}/, up into the portfolio folder"
            )
            message = (
                "this section is not read: cmaltgen looks for section folders directly in the "
                f"portfolio folder, not inside {outer}/"
            )
            diags.add("stray-file", message, path=path, hint=hint)
            continue
        message, hint = _stray(path, "section" if path.parent in sections else where)
        # a section's text under another name: the errors its section's absence causes follow
        unread_text = where == "other" and lookalike(path) == "reflection"
        if unread_text and path.stem.lower() != "reflection":
            unread_text = (
                path.name.lower().startswith("reflection.")
                or path.parent.joinpath(EVIDENCE_NAME).exists()
            )  # notes/reflection-ideas.md alone stays a warning
        severity = Severity.ERROR if unread_text else Severity.WARNING
        diags.add("stray-file", message, path=path, hint=hint, severity=severity)


def _stray(path: Path, where: str) -> tuple[str, str]:
    """What to say about a file cmaltgen does not read (``where``: root, section or other
    folder), and how to make it read."""
    meant = lookalike(path)
    wanted = {"evidence": EVIDENCE_NAME, "reflection": REFLECTION_NAME}.get(
        meant or "", CONFIG_NAME
    )
    message = f"cmaltgen does not read {path.name} here"
    if path.name == CPD_NAME:
        return message, f"a CPD record belongs in the {CPD_SECTION} section of a portfolio review"
    if where == "other":
        message = (
            f"cmaltgen does not read {path.name}: its folder, {path.parent.name}/, has no "
            f"{REFLECTION_NAME}, so it is not a section"
        )
        if meant == "reflection":
            return message, _rename(path, wanted)
        if meant == "evidence":
            return message, (
                f"give the folder its {REFLECTION_NAME}, or move {path.name} to the section "
                "folder whose evidence it is"
            )
        return message, (
            f"if the folder is a section, name its text {REFLECTION_NAME}; to keep notes that "
            "cmaltgen skips, start the folder's name with _ (e.g. _notes)"
        )
    if meant is None:
        return (
            message,
            f"cmaltgen reads {REFLECTION_NAME} and {EVIDENCE_NAME} in each section folder",
        )
    if where == "root" and meant != "portfolio":
        return message, f"cmaltgen reads {wanted} only in a section folder: move it into one"
    named = path.stem.lower() == meant or path.name.lower().startswith(f"{wanted}.")
    if named and where == "section" and not (path.parent / wanted).exists():
        return message, _rename(path, wanted)
    return message, (
        f"it looks like a copy of {wanted} (made by you, or by OneDrive or Dropbox when two "
        f"versions clashed); cmaltgen reads only {wanted}: move what you need into it, then "
        "delete this copy"
    )


def _rename(path: Path, wanted: str) -> str:
    """How to turn ``path`` into ``wanted``: a hidden .txt ending, a Word file, or a name."""
    if path.suffix.lower() in (".docx", ".doc", ".odt", ".rtf", ".pages"):
        return (
            f"cmaltgen reads plain text, not word-processor files: save the text as "
            f"{wanted} (Markdown), or start from Word with cmaltgen import"
        )
    if path.name.lower().startswith(wanted) and path.suffix.lower() in (".txt", ".text"):
        return (
            f"rename it to {wanted}: the .txt ending may be hidden (in Windows File Explorer, "
            "View > File name extensions shows it)"
        )
    return f"rename it to {wanted}"


def from_the_top(root: Path, base: Path, target: str) -> str | None:
    """For ``/2a/notes.pdf`` where the portfolio has a ``2a``: the address written from
    ``base``, as the writer meant a place in the site, not on the computer."""
    parts = target.split("/")
    if target[:1] != "/" or target[:2] == "//" or len(parts) < 3 or "" in parts[1:-1]:
        return None
    if ".." in parts or not (root / parts[1]).exists():
        return None  # /2a/../../etc/passwd is not a place in the site
    return os.path.relpath(root.joinpath(*parts[1:]), base).replace(os.sep, "/")


def outside(target: str, what: str, in_link: bool = False) -> tuple[str, str]:
    """Message and hint for a path that leaves the portfolio: a place on this computer
    (``C:\\Users\\...``) or a ``../`` or link out of the folder. ``in_link``: written in a
    Markdown link, where a file: address's %20 stays in the path to give."""
    if on_computer(target) or target[:5].lower() == "file:":
        written = re.split(r"[\\/]", target)[-1]
        name = unquote(written) if target[:5].lower() == "file:" else written  # My%20Report
        return (
            f"'{target}' is a place on your computer, outside the portfolio folder, so the "
            f"{what} cannot be published",
            f"copy {name} into the portfolio folder, e.g. beside this file, and give its path "
            f"from here: {written if in_link else name}",
        )
    return (
        f"'{target}' is outside the portfolio folder",
        f"copy the {what} into the portfolio (a link or ../ path that leaves the folder would "
        "not be published)",
    )


def no_such_file(base: Path, target: str) -> str:
    """ "There is no file ...", with the likeliest name meant from its folder."""
    parent = (base / target).parent
    names = [p.name for p in parent.glob("*")] if parent.is_dir() else []
    return f"there is no file '{target}'" + suggestion(Path(target).name, names)
