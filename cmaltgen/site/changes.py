"""The change page: what changed in each section since the last submission.

Each section's reflection is compared with its text at the base commit (read with git by
:mod:`cmaltgen.read.history`), sections matched by their front matter ``section:`` id so renamed
folders still pair up. The comparison is of the *plain text* the reader sees, block by block
(headings, paragraphs, list items, table rows), not of the Markdown: assessors read prose, and
markup changes (a link target, ``**``, a citation's evidence id) would be noise to them. The
comparison itself is :mod:`cmaltgen.site.word_diff`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import posixpath
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cmaltgen.codes import Severity
from cmaltgen.diagnostics import Diagnostics, display_path
from cmaltgen.read import history, markdown
from cmaltgen.read.config import REFERRALS, PortfolioConfig
from cmaltgen.read.located_yaml import LineMap, load_yaml
from cmaltgen.read.safe_read import MAX_TEXT_BYTES, split_front_matter
from cmaltgen.read.sources import CONFIG_NAME, EVIDENCE_NAME, REFLECTION_NAME
from cmaltgen.rules import privacy
from cmaltgen.site.structure import Site
from cmaltgen.site.word_diff import Block, Passage, blocks, diff, words

log = logging.getLogger(__name__)

CHANGES_PAGE = "changes/index.html"


@dataclass(frozen=True)
class Since:
    """What to compare with: a tag, commit or date, and where that came from."""

    value: str
    explicit: bool  # given with --since: a failure is an error, not a note
    key: str = "--since"
    where: dict[str, Any] = field(default_factory=dict)  # path/line/col in portfolio.yml


@dataclass
class SectionChanges:
    id: str
    label: str
    url: str  # the section's page in this edition, "" for a removed section
    status: str  # changed, unchanged, evidence changed, new, removed, not compared
    added: int = 0
    removed: int = 0
    unchanged: int = 0
    passages: list[Passage] = field(default_factory=list)
    responses: list[tuple[str, str]] = field(default_factory=list)  # (feedback, response)
    evidence: list[tuple[str, str]] = field(default_factory=list)  # ("Added", "E5 Survey")


@dataclass
class ChangePage:
    base: history.Base
    since: str
    sections: list[SectionChanges]
    other_responses: list[tuple[str, str, str]] = field(default_factory=list)
    folder: str = ""  # where the portfolio was at the base, when it has moved since

    @property
    def totals(self) -> tuple[int, int]:
        return sum(s.added for s in self.sections), sum(s.removed for s in self.sections)


def default_since(config: PortfolioConfig, marks: LineMap) -> Since | None:
    """What a resubmission is compared with: the latest submission, when it was referred (the
    resubmission is being prepared, even after a second referral); otherwise the submission
    before the latest, when the latest is a resubmission. Its ``ref`` if it has one, else its
    date. ``None``: this is not a resubmission."""
    subs = config.submissions
    if subs and subs[-1].outcome in REFERRALS:
        index = len(subs) - 1
    elif len(subs) >= 2 and subs[-1].type == "resubmission":
        index = len(subs) - 2
    else:
        return None
    base = subs[index]
    name = "ref" if base.ref else "date"
    where = marks.where(("submissions", index, name))
    return Since(base.ref or base.date.iso(), False, f"submissions[{index}].{name}", where)


def pages(
    site: Site,
    since: Since,
    responses: Sequence[tuple[str, str, str]],
    diags: Diagnostics,
    notes: list[str],
    today: dt.date,
) -> list[tuple[str, str, dict[str, Any]]]:
    """The change page for the assessor edition (one entry), or none after saying why."""
    try:
        snapshot = history.read_at(site.portfolio.root, since.value, today)
    except history.HistoryProblem as problem:
        _report(problem, since, diags, notes)
        return []
    _too_big(site, snapshot, since, diags)
    page = compare(site, snapshot, since.value, responses)
    log.info("change page against %s: %s", snapshot.base.short, page.totals)
    title = "Changes since the last submission"
    return [(CHANGES_PAGE, "changes.html", {"title": title, "kind": "changes", "changes": page})]


def _report(
    problem: history.HistoryProblem, since: Since, diags: Diagnostics, notes: list[str]
) -> None:
    """Asked for with --since: an error. Otherwise the bundle is made without the page: with a
    located note when the cause is where cmaltgen runs (a CI job's shallow clone), a located
    warning when portfolio.yml names a ref git does not know."""
    if since.explicit:
        diags.add(problem.code, problem.message, key=since.key, hint=problem.hint)
    elif problem.setup:
        path, line, col = since.where.get("path"), since.where.get("line"), since.where.get("col")
        at = f"{display_path(path)}:{line}:{col}: " if isinstance(path, Path) else ""
        notes.append(f"{at}the bundle has no change page: {problem.message}; {problem.hint}")
    else:  # a wrong ref in portfolio.yml: the bundle is still made, warned (--strict stops)
        message = f"{problem.message}, so the bundle has no change page"
        where = {"key": since.key, "hint": problem.hint, **since.where}
        diags.add(problem.code, message, severity=Severity.WARNING, **where)


def _too_big(site: Site, snapshot: history.Snapshot, since: Since, diags: Diagnostics) -> None:
    """A located warning for each reflection or evidence.yml too large to read at the base,
    at the file now (its section is "not compared") or else at the submission."""
    for rel, size in sorted(snapshot.too_big.items()):
        old = f"{snapshot.folder}/{rel}" if snapshot.folder else rel
        now = site.portfolio.root / rel
        where = {"path": now, "line": 1} if now.is_file() else {"key": since.key, **since.where}
        shown = "cannot compare its section" if now.is_file() else "shows its section as new"
        if rel.endswith(EVIDENCE_NAME):
            shown = "does not list what changed in that evidence"
        diags.add(
            "file-too-large",
            f"{old} was {size / (1024 * 1024):.1f} MB at {snapshot.base.found_by} (commit "
            f"{snapshot.base.short}), more than the {MAX_TEXT_BYTES // (1024 * 1024)} MB "
            f"cmaltgen reads, so the change page {shown}",
            severity=Severity.WARNING,
            hint="to compare with another version, give its tag or commit with --since",
            **where,
        )


# ------------------------------------------------------------------ sections then and now


def compare(
    site: Site,
    snapshot: history.Snapshot,
    since: str,
    responses: Sequence[tuple[str, str, str]],
) -> ChangePage:
    old, titles, homes = _old_sections(snapshot.files)
    default = _old_default_visibility(snapshot.files.get(CONFIG_NAME, b""))
    result: list[SectionChanges] = []
    for section in site.sections:
        now = blocks(section.reflection.parsed.tokens)
        before = old.pop(section.id, None)
        change = SectionChanges(section.id, section.label, section.url, "new")
        if before is None and _rel(site, section.reflection.path) in snapshot.too_big:
            change.status = "not compared"
        elif before is None:
            change.added = words(now)
        else:
            change.passages, (change.added, change.removed, change.unchanged) = diff(before, now)
            change.status = "changed" if change.passages else "unchanged"
            change.evidence = _evidence(site, section.id, homes[section.id], snapshot, default)
            if change.evidence and not change.passages:
                change.status = "evidence changed"
        result.append(change)
    for section_id, before in old.items():
        label = _label(site, section_id, titles.get(section_id, ""))
        result.append(SectionChanges(section_id, label, "", "removed", removed=words(before)))
    page = ChangePage(snapshot.base, since, result, folder=snapshot.folder)
    by_id = {s.id: s for s in result}
    for section_id, text, response in responses:
        if section_id in by_id:
            by_id[section_id].responses.append((text, response))
        else:
            page.other_responses.append((section_id, text, response))
    return page


def _rel(site: Site, path: Path) -> str:
    try:
        return path.relative_to(site.portfolio.root).as_posix()
    except ValueError:
        return ""


def _label(site: Site, section_id: str, own_title: str) -> str:
    """A removed section's name, as the navigation would have shown it."""
    spec = site.portfolio.pathway.spec_for(section_id)
    if section_id[0].isdigit() and spec is not None:
        return f"{section_id} {spec.title}"
    if section_id.startswith(("specialist-", "advanced-")):
        return own_title or section_id
    return spec.title if spec is not None else section_id


def _old_sections(
    files: dict[str, bytes],
) -> tuple[dict[str, list[Block]], dict[str, str], dict[str, str]]:
    """Each section submitted at the base (not a draft, not private) by its section id, and
    the titles and folders the sections had then."""
    default = _old_default_visibility(files.get(CONFIG_NAME, b""))
    found: dict[str, list[Block]] = {}
    titles: dict[str, str] = {}
    homes: dict[str, str] = {}
    for rel, data in sorted(files.items()):
        if not rel.endswith(f"/{REFLECTION_NAME}"):
            continue
        text = data.decode("utf-8-sig", "replace").replace("\r\n", "\n")
        front_text, body, _ = split_front_matter(text)
        front = _yaml_mapping(front_text or "", rel)
        section = front.get("section")
        visibility = front.get("visibility") or default
        if not isinstance(section, str) or front.get("draft") is True:
            continue
        if not privacy.visible(str(visibility), "assessor") or section in found:
            continue
        found[section] = blocks(markdown.parse(body).tokens)
        titles[section] = str(front.get("title") or "")
        homes[section] = rel.rsplit("/", 1)[0]
    return found, titles, homes


def _evidence(
    site: Site, section_id: str, home: str, snapshot: history.Snapshot, default: str
) -> list[tuple[str, str]]:
    """What changed in the evidence a section's evidence.yml lists: items added, removed or
    retitled, a file with other contents (renamed with the same contents is no change), a
    new link. Items assessors could not see then (private, drafts) are not named."""
    if f"{home}/{EVIDENCE_NAME}" in snapshot.too_big:
        return []  # not read then: warned, nothing claimed
    loaded = _yaml_list(snapshot.files.get(f"{home}/{EVIDENCE_NAME}", b""))
    old = {
        str(item["id"]): item
        for item in loaded
        if isinstance(item, dict)
        and item.get("id")
        and item.get("draft") is not True
        and privacy.visible(str(item.get("visibility") or default), "assessor")
    }
    found: list[tuple[str, str]] = []
    for item in (e for e in site.evidence if e.home == section_id):
        then = old.pop(item.id, None)
        name = f"{item.label} {item.title}"
        if then is None:
            found.append(("Added", name))
            continue
        if str(then.get("title") or "") != item.title:
            found.append(("Retitled", f"{name} (was “{then.get('title')}”)"))
        file, url = str(then.get("file") or ""), str(then.get("url") or "")
        if item.source is not None and _replaced(snapshot, f"{home}/{file}", item.source):
            found.append(("New file", f"{name} ({item.source.name})"))
        elif item.url and url != item.url:
            found.append(("New link", f"{name} ({item.url})"))
    found += [("Removed", str(then.get("title") or key)) for key, then in old.items()]
    return found


def _replaced(snapshot: history.Snapshot, old: str, now: Path) -> bool:
    """Whether the file at ``now`` has other contents than ``old`` had then (or there was
    none), as git would store it: line endings a Windows checkout changed (core.autocrlf)
    and a Git LFS pointer's object are the same contents."""
    old = posixpath.normpath(old)
    blob, size = snapshot.listing.get(old, ("", -1))
    lfs = rb"version https://git-lfs\S*\noid sha256:([0-9a-f]{64})\n"
    pointer = re.match(lfs, snapshot.files.get(old, b"")[:200])
    try:
        if pointer:  # git lfs: the pointer names the object by its SHA-256
            return _digest(now, hashlib.sha256()) != pointer.group(1).decode()
        if now.stat().st_size == size:
            return _digest(now, hashlib.sha1(f"blob {size}\0".encode())) != blob
        data = now.read_bytes() if now.stat().st_size <= MAX_TEXT_BYTES else b""
    except OSError:
        return False  # unreadable now: reported where the evidence is checked
    lf = data.replace(b"\r\n", b"\n")
    return not data or lf == data or hashlib.sha1(b"blob %d\0" % len(lf) + lf).hexdigest() != blob


def _digest(path: Path, digest: Any) -> str:
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return str(digest.hexdigest())


def _yaml_list(data: bytes) -> list[Any]:
    loaded = load_yaml(data.decode("utf-8-sig", "replace"), Path(EVIDENCE_NAME), Diagnostics())
    return loaded[0] if loaded and isinstance(loaded[0], list) else []


def _old_default_visibility(data: bytes) -> str:
    config = _yaml_mapping(data.decode("utf-8-sig", "replace"), CONFIG_NAME)
    settings = config.get("privacy")
    value = settings.get("default_visibility") if isinstance(settings, dict) else None
    return value if isinstance(value, str) else privacy.PUBLIC


def _yaml_mapping(text: str, name: str) -> dict[str, Any]:
    """An old file's YAML, or {} if it cannot be read then: its problems are history."""
    loaded = load_yaml(text, Path(name), Diagnostics()) if text.strip() else None
    return loaded[0] if loaded and isinstance(loaded[0], dict) else {}
