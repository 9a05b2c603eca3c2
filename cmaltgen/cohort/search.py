"""The hub's search: what is indexed. Pagefind runs over it in :mod:`cmaltgen.cohort.indexer`.

Listed members only: each one's published sections (a local member's prose as plain text, the
others' titles) and the hub's own pages, from their ``<main>``. Nothing an unlisted member wrote,
and nothing a public site leaves out (assessors-only, private or draft), reaches the index.
"""

from __future__ import annotations

import html
import logging
import re
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from cmaltgen.cohort.members import Member, MemberSection
from cmaltgen.cohort.pages import Column
from cmaltgen.read.framework import SLOT_PREFIX

log = logging.getLogger(__name__)

BUNDLE = "pagefind"  # the bundle's folder in the hub
INDEXED_KINDS = frozenset({"roster", "sections", "section", "showcase", "mentors", "events"})


@dataclass(frozen=True)
class Record:
    """One search result: a member's section, or a plain member as a whole."""

    url: str  # absolute http(s), or a path inside the hub (sections/1a/index.html)
    title: str
    member: str
    section: str  # the section's label; "" for a whole member
    text: str


@dataclass
class Index:
    """The bundle's files (output path -> bytes) or why there are none; ``parts``: the bundles
    the search page merges into the main one (``pagefind/part-1/``...)."""

    files: dict[str, bytes]
    records: int = 0
    problem: str = ""
    parts: list[str] = field(default_factory=list)

    @property
    def available(self) -> bool:
        return bool(self.files) and not self.problem


def pagefind_binary() -> Path | None:
    """The Pagefind binary: the one ``pagefind[bin]`` installed, else one on PATH."""
    try:
        from pagefind_bin import get_executable  # the binary package's public locator

        found: Path = get_executable()
    except (ImportError, FileNotFoundError) as exc:
        log.debug("pagefind_bin is not installed or has no binary here: %s", exc)
    else:
        return found
    on_path = shutil.which("pagefind")
    return Path(on_path) if on_path else None


def member_records(member: Member, columns: Mapping[str, Column]) -> list[Record]:
    """What one listed member contributes to the index (``columns``: the hub's, by key)."""
    found: list[Record] = []
    for section in member.sections:
        if section.status == "missing":
            continue
        label = _label(columns, section)
        found.append(
            Record(
                url=section.url or _column_url(columns, section),
                title=f"{member.name}: {label}",
                member=member.name,
                section=label,
                text=member.texts.get(section.id, ""),
            )
        )
    if not member.sections:  # a plain entry (or a member with nothing to read yet)
        about = [member.role, member.organisation, member.pathway_title, *member.specialist]
        found.append(
            Record(
                url=member.url or "index.html",
                title=member.name,
                member=member.name,
                section="",
                text=". ".join(a for a in about if a),
            )
        )
    return found


def _label(columns: Mapping[str, Column], section: MemberSection) -> str:
    if section.id in columns and section.id[:1].isdigit():
        return f"{section.id} {section.title}"
    return section.title or section.id


def _column_url(columns: Mapping[str, Column], section: MemberSection) -> str:
    """Where a section without its own address is listed in the hub."""
    column = columns.get(section.id)
    if column is None:
        slot = next((k for k, p in SLOT_PREFIX.items() if section.id.startswith(p)), None)
        column = columns.get(slot or "")
    return column.url if column else "sections/index.html"


def record_page(record: Record, language: str) -> str:
    """A record as the small HTML page Pagefind indexes; its metadata names the target."""
    esc = html.escape
    meta = "".join(
        f'<p data-pagefind-meta="{key}">{esc(value)}</p>'
        for key, value in (
            ("url", record.url),
            ("member", record.member),
            ("section", record.section),
        )
        if value
    )
    return (
        f'<!DOCTYPE html><html lang="{esc(language)}"><head><meta charset="utf-8">'
        f"<title>{esc(record.title)}</title></head><body>"
        f"<main data-pagefind-body><h1>{esc(record.title)}</h1><p>{esc(record.text)}</p></main>"
        f"<div>{meta}</div></body></html>"
    )


_MAIN = re.compile(rb"<main\b", re.IGNORECASE)


def hub_pages(pages: Mapping[str, bytes], kinds: Mapping[str, str]) -> dict[str, bytes]:
    """The hub's own pages Pagefind indexes (by path), each from its ``<main>``."""
    return {
        path: _MAIN.sub(b"<main data-pagefind-body", body, count=1)
        for path, body in pages.items()
        if kinds.get(path) in INDEXED_KINDS
    }
