"""Members: every cohort member as one :class:`Member`, whatever kind of entry it came from.

A local member's portfolio is summarised by the function that writes a site's portfolio.json,
then read by :func:`from_manifest` exactly as a remote member's manifest is: one code path.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from cmaltgen import build
from cmaltgen.cohort.config import LOCAL, PLAIN, REMOTE, Loaded, MemberEntry
from cmaltgen.cohort.memo import MemberMemo
from cmaltgen.diagnostics import Diagnostics, display_path
from cmaltgen.read import sources
from cmaltgen.read.framework import SLOT_PREFIX, framework, latest
from cmaltgen.site import manifest, structure
from cmaltgen.site.urls import href, with_slash
from cmaltgen.wording import plural

if TYPE_CHECKING:
    from cmaltgen.cohort.remote import Fetched

log = logging.getLogger(__name__)

CACHE_DIR = ".cmaltgen-cohort-cache"
MAX_TEXT = 300  # longest name, title or role shown from a manifest
MAX_SECTIONS = 200
MAX_SEARCH_TEXT = 200_000  # characters of one section's prose the hub's search indexes


@dataclass(frozen=True)
class MemberSection:
    id: str
    title: str
    status: str  # missing, draft, stub, written
    words: int
    evidence: int
    url: str  # absolute, or "" when there is nothing to link to
    updated: str | None = None  # YYYY-MM-DD, YYYY-MM or YYYY


@dataclass
class Member:
    """One cohort member as the hub's pages, feed and check table see it."""

    key: str  # stable: members/rowan, a url, or plain:NAME
    kind: str  # local, remote or plain
    name: str
    role: str = ""
    organisation: str = ""
    pathway: str = ""  # id: associate, cmalt, senior
    pathway_title: str = ""
    specialist: list[str] = field(default_factory=list)
    mentor: str = ""
    status: str = "started"
    awarded: str | None = None  # YYYY-MM-DD or YYYY-MM
    updated: str | None = None
    url: str = ""
    listed: bool = True
    sections: list[MemberSection] = field(default_factory=list)
    stale_since: dt.date | None = None
    problem: str = ""  # why what is shown may be incomplete (for cohort check)
    # Local members only: each public section's prose as plain text, by section id, for the
    # hub's search. Never anything an edition for the public leaves out.
    texts: dict[str, str] = field(default_factory=dict, repr=False)

    def section(self, section_id: str) -> MemberSection | None:
        return next((s for s in self.sections if s.id == section_id), None)

    def slot_sections(self, slot: str) -> list[MemberSection]:
        return [s for s in self.sections if s.id.startswith(SLOT_PREFIX[slot])]

    @property
    def written(self) -> int:
        return sum(1 for s in self.sections if s.status == "written")


# ---------------------------------------------------------------------------- manifests


def from_manifest(data: dict[str, Any], base_url: str, key: str = "", kind: str = REMOTE) -> Member:
    """A Member from a checked manifest (a local site's, or one that passed manifest_check).

    Links are resolved on ``base_url`` and dropped unless http(s); text is cut to length, not
    escaped (the templates escape everything)."""
    candidate, award = data["candidate"], data["award"]
    sections = [_section(s, base_url) for s in data["sections"][:MAX_SECTIONS]]
    return Member(
        key=key or base_url,
        kind=kind,
        name=_text(candidate, "name") or "(no name)",
        role=_text(candidate, "role"),
        organisation=_text(candidate, "organisation"),
        pathway=_text(data["pathway"], "id"),
        pathway_title=_text(data["pathway"], "title"),
        specialist=[
            s.title
            for s in sections
            if s.id.startswith(SLOT_PREFIX["specialist"]) and s.status != "missing"
        ],
        status=data["status"],
        awarded=(_text(award, "date") or None) if award else None,
        updated=_text(data, "updated") or None,
        url=_link(base_url, ""),
        sections=sections,
    )


def _section(raw: dict[str, Any], base: str) -> MemberSection:
    return MemberSection(
        id=_text(raw, "id"),
        title=_text(raw, "title"),
        status=raw["status"],
        words=raw["words"],
        evidence=raw["evidence"],
        url=_link(base, raw["url"]) if raw["url"] is not None else "",
        updated=_text(raw, "updated") or None,
    )


def _text(data: dict[str, Any], name: str) -> str:
    return " ".join((data.get(name) or "").split())[:MAX_TEXT]


def _link(base: str, target: str) -> str:
    """``target`` resolved on ``base``, if the result is an http(s) address."""
    if not base:
        return ""
    url = href(urljoin(with_slash(base), target))
    return url if urlsplit(url).scheme in ("http", "https") else ""


# ---------------------------------------------------------------------------- each kind


def local_public(
    root: Path, today: dt.date, diags: Diagnostics, *, errors_only: bool = False
) -> tuple[dict[str, Any] | None, dict[str, str]]:
    """The portfolio in ``root`` read as a build reads it, as its public site's manifest
    (``None`` if unusable) and each public section's prose as plain text (for search).

    A section that site leaves out (draft, assessors only, private) has no text here either.
    ``errors_only``: checks that can only give warnings are skipped.
    """
    with sources.resolved_once():  # each file is looked up once, as in a build
        output = root / sources.DEFAULT_OUTPUT
        _, portfolio = build.read_portfolio(root, output, today, diags, errors_only=errors_only)
        if portfolio is None:
            return None, {}
        diags.drop(d for d, _ in portfolio.withheld_missing)  # the public site needs none
        site = structure.build_site(portfolio, edition="public")
        texts = {s.id: s.reflection.plain[:MAX_SEARCH_TEXT] for s in site.sections}
        return manifest.manifest(site), texts


def local(
    root: Path, entry: MemberEntry, today: dt.date, memo: MemberMemo | None = None
) -> tuple[Member, Diagnostics]:
    """A path: member, with the errors found reading its portfolio (the hub reports only those:
    checks that can only give warnings are not run)."""
    folder = root / entry.path
    state, kept = memo.get(folder, today) if memo is not None else ((), None)
    if kept is not None:
        data, texts, diags = kept
    else:
        diags = Diagnostics()
        try:
            data, texts = local_public(folder, today, diags, errors_only=True)
        except Exception as exc:  # a broken member must not take the whole hub down
            log.debug("reading %s failed", entry.path, exc_info=True)
            diags.add("file-unreadable", f"cmaltgen could not read it: {exc}", path=folder)
            data, texts = None, {}
        if memo is not None:
            memo.put(folder, state, (data, texts, diags))
    if data is None:
        member = Member(key=entry.path, kind=LOCAL, name=Path(entry.path).name)
    else:
        base = entry.url or data["url"]
        member = from_manifest(data, base, entry.path, LOCAL)
        shown = {s.id for s in member.sections if s.status != "missing"}
        member.texts = {k: v for k, v in texts.items() if k in shown}
    return member, diags


def plain(entry: MemberEntry) -> Member:
    """A plain entry, typed by hand in cohort.yml."""
    found = framework(latest())
    pathway = found.pathways.get(entry.pathway) if found else None
    return Member(
        key="plain:" + entry.name,
        kind=PLAIN,
        name=entry.name,
        role=entry.role,
        organisation=entry.organisation,
        pathway=entry.pathway,
        pathway_title=pathway.title if pathway else entry.pathway,
        specialist=list(entry.specialist),
        url=href(entry.url),
    )


def _common(member: Member, entry: MemberEntry) -> Member:
    """What cohort.yml says about any member: mentor, status, award, listing."""
    awarded = entry.awarded.iso() if entry.awarded else member.awarded
    status = entry.status or ("awarded" if entry.awarded else member.status)
    return replace(member, mentor=entry.mentor, status=status, awarded=awarded, listed=entry.listed)


# ---------------------------------------------------------------------------- all of them


def read_members(
    loaded: Loaded,
    diags: Diagnostics,
    today: dt.date,
    *,
    offline: bool = False,
    on_member: Callable[[Member], None] | None = None,
    memo: MemberMemo | None = None,
) -> list[Member]:
    """Every usable member in cohort.yml order; problems become located warnings.
    ``on_member`` sees each one as soon as it is read (the search indexer)."""
    from cmaltgen.cohort import remote as fetching  # only when there are remote members

    entries = loaded.members
    urls = [e.url for _, e in entries if e.kind == REMOTE]
    fetched = memo.fetched(urls) if memo is not None and not offline else {}
    wanted = [(url, url) for url in urls if url not in fetched]
    if wanted:
        new = fetching.fetch_all(wanted, loaded.root / CACHE_DIR, offline=offline)
        fetched.update(new)
        if memo is not None and not offline:
            memo.put_fetched(new)
    members: list[Member] = []
    for index, entry in entries:
        where = {"key": f"members[{index}]", **loaded.linemap.where(("members", index))}
        if entry.kind == LOCAL:
            member, found = local(loaded.root, entry, today, memo)
            _report_local(member, found, loaded.root, diags, where)
        elif entry.kind == PLAIN:
            member = plain(entry)
        else:
            member = _remote_member(entry, fetched[entry.url], diags, where)
        member = _common(member, entry)
        members.append(member)
        if on_member is not None:
            on_member(member)
    if memo is not None:
        memo.forget_unused()
    return members


def _report_local(
    member: Member, found: Diagnostics, root: Path, diags: Diagnostics, where: dict[str, Any]
) -> None:
    errors = [d for d in found.sorted() if d.is_error]
    if not errors:
        return
    first = errors[0]
    member.problem = f"{plural(len(errors), 'error')}, first: {first.format(root)}"
    diags.add(
        "cohort-member-problem",
        f"the portfolio of {member.name} ({member.key}) has {plural(len(errors), 'error')}, so the "
        f"hub shows what it could read; the first is at {first.where(root)}: {first.message}",
        hint=f"run: cmaltgen check {display_path(root / member.key)}",
        **where,
    )


def _remote_member(
    entry: MemberEntry, got: Fetched, diags: Diagnostics, where: dict[str, Any]
) -> Member:
    if got.data is None:
        member = Member(key=entry.url, kind=REMOTE, name=entry.url, url=href(entry.url))
    else:
        member = from_manifest(got.data, entry.url, entry.url, REMOTE)
    member.stale_since = got.stale_since
    if not got.warning:
        return member
    member.problem = got.warning
    if got.data is not None and got.stale_since is None:  # read, with something to say
        message = f"the portfolio at {entry.url}: {got.warning}"
    else:
        shown = f"last known data from {got.stale_since}" if got.stale_since else "no data"
        message = (
            f"the portfolio at {entry.url} could not be read ({got.warning}); the hub shows {shown}"
        )
    diags.add(
        "cohort-member-stale",
        message,
        hint="check the address in a browser; the next build tries again",
        **where,
    )
    return member
