"""Accepted warnings (``accept:`` in portfolio.yml): still reported, marked ``accepted``, but not
counted, so ``--strict`` passes. Errors cannot be accepted; an entry that matches nothing is
reported (``accept-unused``) so that the list does not outlive its reasons."""

from __future__ import annotations

import re
from pathlib import Path

from cmaltgen.codes import CODES, Severity
from cmaltgen.diagnostics import Diagnostic, Diagnostics, suggestion
from cmaltgen.read.config import Accept, PortfolioConfig
from cmaltgen.read.located_yaml import LineMap
from cmaltgen.read.portfolio import AcceptEntry

# Reported only by ``check --external``: not "unused" when the links were not checked.
LINK_CODES = frozenset({"link-restricted", "link-redirect", "link-timeout", "links-unchecked"})
# Found only once the site is made (build, check): judged then, not when the files are read.
SITE_CODES = frozenset({"withheld-citation"})
READ, SITE, LINKS = "read", "site", "links"
MARK_ONLY = "mark"  # mark accepted warnings, judge no entry (an edition that shows less)


def entries(config: PortfolioConfig, marks: LineMap, diags: Diagnostics) -> list[AcceptEntry]:
    """The usable entries; located errors for the others. Entries whose YAML was reported
    already are absent from ``config.accept``; ``diags`` tells which positions they held."""
    held = sorted(
        {k[1] for k in marks.marks if len(k) >= 2 and k[0] == "accept" and isinstance(k[1], int)}
    )
    failed = {
        int(m.group(1))
        for d in diags
        if d.is_error and (m := re.match(r"accept\[(\d+)\]", d.key or "")) is not None
    }
    found: list[AcceptEntry] = []
    for index, accept in zip([i for i in held if i not in failed], config.accept, strict=False):
        if _usable(accept, index, marks, diags):
            line, col = marks.at(("accept", index))
            found.append(AcceptEntry(accept, line, col, glob_pattern(accept.path)))
    return found


def _usable(accept: Accept, index: int, marks: LineMap, diags: Diagnostics) -> bool:
    key = ("accept", index)
    code = CODES.get(accept.code)
    problem, field = None, "code"
    if code is None:
        warnings = [c.name for c in CODES.values() if c.severity is Severity.WARNING]
        problem = f"there is no warning code '{accept.code}'" + suggestion(accept.code, warnings)
        hint = "the codes are listed in docs/diagnostics.md and after each warning"
    elif code.severity is Severity.ERROR:
        problem = f"'{accept.code}' is an error, and errors cannot be accepted: fix it instead"
        hint = "only warnings can be accepted; remove this entry when the error is fixed"
    elif not accept.reason.strip():
        problem, field = "the reason is empty", "reason"
        hint = "say why this warning is acceptable, e.g. reason: the video has captions"
    elif not accept.path.strip():
        problem, field = "the path is empty", "path"
        hint = "give the file the warning is reported in, e.g. 2a/reflection.md"
    if problem is None:
        return True
    diags.add(
        "invalid-value",
        f"this accepted warning cannot be used: {problem}",
        key=f"accept[{index}].{field}",
        hint=hint,
        **marks.where((*key, field)),
    )
    return False


# ``*`` matches within one name, ``**`` across folders, ``?`` one character.
_WILDCARDS = {"**/": "(?:.*/)?", "**": ".*", "*": "[^/]*", "?": "[^/]"}


def glob_pattern(path: str) -> re.Pattern[str]:
    text = path.strip().removeprefix("./") or "."
    parts = re.split(r"(\*\*/?|\*|\?)", text)
    return re.compile("".join(_WILDCARDS.get(part) or re.escape(part) for part in parts))


def apply(
    diags: Diagnostics,
    found: list[AcceptEntry],
    root: Path,
    failed: set[Path],
    *,
    stage: str = READ,
) -> None:
    """Mark accepted warnings in ``diags``; report entries that match none of them, except those
    that may match a ``failed`` file (its warnings are unknown). Entries for the warnings found
    later are judged at their ``stage``: SITE once the site is made, LINKS after
    ``check --external`` checked the links; MARK_ONLY judges none."""
    used: set[int] = set()

    def reason(diag: Diagnostic) -> str | None:
        if diag.is_error or diag.code == "accept-unused" or diag.path is None:
            return None
        shown = _relative(diag.path, root)
        for n, entry in enumerate(found):
            accept = entry.accept
            if accept.code != diag.code or not entry.pattern.fullmatch(shown):
                continue
            if accept.line and accept.line != diag.line:
                continue
            used.add(n)
            return accept.reason.strip()
        return None

    diags.accept(reason)
    failed_names = [_relative(path, root) for path in failed]
    for n, entry in enumerate(found):
        accept = entry.accept
        if n in used or _stage(accept.code) != stage:
            continue
        if any(entry.pattern.fullmatch(name) for name in failed_names):
            continue  # that file's warnings are unknown until its errors are fixed
        where = f" on line {accept.line}" if accept.line else ""
        diags.add(
            "accept-unused",
            f"no {accept.code} warning is reported in {accept.path}{where}, so this entry "
            "accepts nothing",
            path=root / "portfolio.yml",
            line=entry.line,
            col=entry.col,
            key="accept",
            hint="remove the entry if the warning is gone, or correct its code, path or line",
        )


def _stage(code: str) -> str:
    return LINKS if code in LINK_CODES else SITE if code in SITE_CODES else READ


def _relative(path: Path, root: Path) -> str:
    if path == root:
        return "."
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else path.as_posix()
