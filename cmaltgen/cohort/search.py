"""The hub's search: a Pagefind index built at ``cohort build`` time, offline.

What is indexed is decided here, from the :class:`~cmaltgen.cohort.pages.Hub`, which holds
listed members only: each listed member's published sections (a local member's section prose as
plain text, a remote or plain member's titles as its manifest or cohort.yml gives them) and the
hub's own pages. Nothing an unlisted member wrote, and nothing a public site leaves out
(assessors-only, private or draft sections), ever reaches the index.

Pagefind is the binary the ``pagefind[bin]`` package ships. It runs on a temporary folder of
small record pages (one per member section, each naming its target URL in Pagefind metadata)
and copies of the hub's pages; its bundle is then read back into the in-memory
:class:`~cmaltgen.site.output.Output`, so the folder writer swaps it in with the rest of the
hub, atomically. When Pagefind is missing or fails, :func:`build_index` says why and returns
``None``; the hub is built without search and its search page says so.
"""

from __future__ import annotations

import html
import logging
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from cmaltgen.cohort.members import MemberSection
from cmaltgen.cohort.pages import Hub
from cmaltgen.read.framework import SLOT_PREFIX

log = logging.getLogger(__name__)

BUNDLE = "pagefind"  # the bundle's folder in the hub
SEARCH_PAGE = "search/index.html"
INDEXED_KINDS = frozenset({"roster", "sections", "section", "showcase", "mentors", "events"})
TIMEOUT = 300.0  # seconds Pagefind may take; a 2,000-member hub takes a few
RECORDS = "_records"  # the temporary folder's record pages (never published)
MAX_STDERR = 400
# Pagefind's ready-made interfaces and its highlighter: the hub has its own small, accessible
# search script (templates/cohort/search.js), so these would only double the bundle's size.
UNUSED = re.compile(r"pagefind-(component-ui|modular-ui|ui)\.(js|css)|pagefind-highlight\.js")


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
    """The outcome: the bundle's files (output path -> bytes) or why there are none."""

    files: dict[str, bytes]
    records: int = 0
    problem: str = ""

    @property
    def available(self) -> bool:
        return bool(self.files) and not self.problem


def pagefind_binary() -> Path | None:
    """The Pagefind binary: the one ``pagefind[bin]`` installed, else one on PATH."""
    try:
        from pagefind_bin import get_executable  # the binary package's public locator
    except ImportError:
        log.debug("pagefind_bin is not installed")
    else:
        try:
            found: Path = get_executable()
        except FileNotFoundError:
            log.debug("pagefind_bin has no binary for this platform")
        else:
            return found
    on_path = shutil.which("pagefind")
    return Path(on_path) if on_path else None


def records(hub: Hub) -> list[Record]:
    """What members contribute to the index: listed members only (``hub.members``)."""
    found: list[Record] = []
    for member in hub.members:
        shown = [s for s in member.sections if s.status != "missing"]
        for section in shown:
            label = _label(hub, section)
            found.append(
                Record(
                    url=section.url or _column_url(hub, section),
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


def _label(hub: Hub, section: MemberSection) -> str:
    if section.id in hub.column_by_key and section.id[:1].isdigit():
        return f"{section.id} {section.title}"
    return section.title or section.id


def _column_url(hub: Hub, section: MemberSection) -> str:
    """Where a section without its own address is listed in the hub."""
    column = hub.column_by_key.get(section.id)
    if column is None:
        slot = next((k for k, p in SLOT_PREFIX.items() if section.id.startswith(p)), None)
        column = hub.column_by_key.get(slot or "")
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


def build_index(hub: Hub, pages: dict[str, bytes], kinds: dict[str, str]) -> Index:
    """Run Pagefind over the records and the hub's own pages (``pages``, kind by path)."""
    binary = pagefind_binary()
    if binary is None:
        return Index(
            {},
            problem="the Pagefind program was not found (install cmaltgen with its "
            "dependencies: pip install --upgrade cmaltgen, which brings pagefind[bin])",
        )
    language = hub.config.site.language or "en"
    found = records(hub)
    with tempfile.TemporaryDirectory(prefix="cmaltgen-search-") as temp:
        site, out = Path(temp) / "site", Path(temp) / "bundle"
        for number, record in enumerate(found):
            target = site / RECORDS / f"{number}.html"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(record_page(record, language), "utf-8")
        for path, body in pages.items():
            if kinds.get(path) in INDEXED_KINDS:
                target = site / path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(_MAIN.sub(b"<main data-pagefind-body", body, count=1))
        site.mkdir(exist_ok=True)
        staged = time.perf_counter()
        problem = _run(binary, site, out, language)
        log.debug("pagefind ran in %.3f s", time.perf_counter() - staged)
        if problem:
            return Index({}, len(found), problem)
        files = {
            f"{BUNDLE}/{p.relative_to(out).as_posix()}": p.read_bytes()
            for p in sorted(out.rglob("*"))
            if p.is_file() and not UNUSED.fullmatch(p.relative_to(out).as_posix())
        }
    if f"{BUNDLE}/pagefind.js" not in files:
        return Index({}, len(found), "Pagefind finished but wrote no pagefind.js")
    return Index(files, len(found))


def _run(binary: Path, site: Path, out: Path, language: str) -> str:
    """Run Pagefind; a plain-words reason when it failed, else ""."""
    command = [str(binary), "--site", str(site), "--output-path", str(out), "--quiet"]
    primary = language.split("-")[0].lower()
    if re.fullmatch(r"[a-z]{2,3}", primary):
        command += ["--force-language", primary]
    try:
        done = subprocess.run(
            command,
            cwd=site.parent,
            capture_output=True,
            timeout=TIMEOUT,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        return f"Pagefind ({binary}) did not finish within {TIMEOUT:.0f} seconds"
    except OSError as exc:
        return f"the Pagefind program ({binary}) could not be started: {exc.strerror or exc}"
    if done.returncode != 0:
        said = (done.stderr or done.stdout).decode("utf-8", "replace").strip()
        said = " ".join(said.split())[-MAX_STDERR:]
        return f"Pagefind ({binary}) failed with exit status {done.returncode}" + (
            f": {said}" if said else ""
        )
    return ""
