"""``cmaltgen import``: a new portfolio folder from a Word document or a WordPress export.

The order is that of a build: read the source (``docx``, ``wordpress``) into pieces of HTML,
make each safe Markdown (``html``), sort it into CMALT sections and parts (``sections``), turn
links and images into evidence (``evidence``), lay out every file in memory (``assemble``)
and only then write them, inside the folder (``write``). Nothing is dropped: what matches no
section is kept in ``_unsorted.md``, and the report says what needs a person's decision.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cmaltgen.diagnostics import Diagnostic, Diagnostics, display_path
from cmaltgen.importers.assemble import UNSORTED, SectionReport, assemble
from cmaltgen.importers.evidence import Asset, Collector, page_key
from cmaltgen.importers.html import to_markdown
from cmaltgen.importers.sections import Sorter, Sorting, slug
from cmaltgen.importers.source import Piece, Reading, source_error
from cmaltgen.importers.write import write
from cmaltgen.read.framework import pathway_for
from cmaltgen.wording import plural


@dataclass
class ImportReport:
    """What was imported from where, and what needs a person's decision."""

    source: Path
    dest: Path
    kind: str
    pathway: str
    sections: list[SectionReport]
    missing: list[str]
    unsorted_words: int
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def evidence(self) -> int:
        return sum(s.evidence for s in self.sections)

    @property
    def words(self) -> int:
        return sum(s.words for s in self.sections) + self.unsorted_words

    def as_json(self) -> dict[str, Any]:
        return {
            "source": display_path(self.source),
            "portfolio": display_path(self.dest),
            "kind": self.kind,
            "pathway": self.pathway,
            "sections": [
                {
                    "id": s.id,
                    "folder": s.folder,
                    "from": s.origins,
                    "words": s.words,
                    "evidence": s.evidence,
                    "parts": s.parts,
                }
                for s in self.sections
            ],
            "not_found": self.missing,
            "unsorted": {"file": UNSORTED, "words": self.unsorted_words}
            if self.unsorted_words
            else None,
            "evidence": self.evidence,
            "needs_decision": [
                {"code": d.code, "message": d.message, "hint": d.hint, "where": d.where()}
                for d in self.diagnostics
            ],
        }


def import_portfolio(
    source: Path,
    dest: Path,
    pathway_id: str,
    *,
    version: str | None = None,
    force: bool = False,
    fetch: Callable[[str], Asset | None] | None = None,
    today: dt.date | None = None,
) -> ImportReport:
    """Read ``source`` (a .docx or a WordPress .xml export) and write a portfolio in ``dest``."""
    today = today or dt.date.today()
    framework, pathway = pathway_for(pathway_id, version)
    reading = read_source(source, today)
    sorter = Sorter(pathway)
    notes: dict[str, str] = {}
    for piece in reading.pieces:
        converted = to_markdown(piece.html)
        notes.update(converted.notes)
        if converted.flattened:
            reading.diagnostics.add(
                "import-review",
                f"{piece.origin} is nested too deeply to keep its formatting: its text was kept "
                "as plain paragraphs",
                path=source,
                hint="check its headings and lists in the new portfolio",
            )
        sorter.piece(piece.origin, piece.title, piece.labels, converted.markdown, piece.parents)
    collector = Collector(
        reading.date,
        reading.assets,
        reading.attachments,
        fetch,
        base_url=reading.base_url,
        sections=_page_sections(reading.pieces, sorter.result),
    )
    plan = assemble(sorter.result, notes, collector, framework, today, source.name)
    write(dest, plan.files, force)
    return ImportReport(
        source,
        dest,
        reading.kind,
        pathway.id,
        plan.sections,
        plan.missing,
        plan.unsorted_words,
        [*reading.diagnostics, *_inside(dest, plan.diagnostics), *_download_problems(fetch)],
    )


def _page_sections(pieces: list[Piece], sorting: Sorting) -> dict[str, str]:
    """Each WordPress page's address -> the section its text went to (the first, for a page
    holding several; "address#heading" -> the section a heading there started), so that
    links between the site's pages become links between sections."""
    origins = {piece.origin for piece in pieces if piece.addresses}
    section_of: dict[str, str] = {}  # piece origin -> section id
    anchors: dict[str, dict[str, str]] = {}  # piece origin -> {heading's slug: section id}
    for found in sorting.sections.values():
        for origin in found.origins:  # "page 'X'", or "page 'X', heading 'Y'"...
            cuts = [len(origin)] + [m.start() for m in re.finditer(", ", origin)]
            for cut in (c for c in cuts if origin[:c] in origins):
                section_of.setdefault(origin[:cut], found.id)
                heading = re.fullmatch(r", heading '(.*)'", origin[cut:])
                if heading:
                    anchors.setdefault(origin[:cut], {}).setdefault(slug(heading[1]), found.id)
    out: dict[str, str] = {}
    for piece in pieces:
        for address in piece.addresses if piece.origin in section_of else []:
            out.setdefault(page_key(address), section_of[piece.origin])
            for anchor, section in anchors.get(piece.origin, {}).items():
                out.setdefault(f"{page_key(address)}#{anchor}", section)
    return out


def _inside(dest: Path, diagnostics: Diagnostics) -> list[Diagnostic]:
    """Findings about written files, located in the new portfolio."""
    return [d._replace(path=dest / d.path) if d.path is not None else d for d in diagnostics]


def _download_problems(fetch: Callable[[str], Asset | None] | None) -> Diagnostics:
    from cmaltgen.importers.download import Downloader

    return fetch.problems if isinstance(fetch, Downloader) else Diagnostics()


def read_source(source: Path, today: dt.date) -> Reading:
    suffix = source.suffix.lower()
    if suffix in (".docx", ".doc", ".docm", ".dotx"):
        from cmaltgen.importers.docx import read as read_docx

        return read_docx(source, today)
    if suffix in (".xml", ".wxr", ".zip"):
        from cmaltgen.importers.wordpress import read as read_wxr

        return read_wxr(source, today)
    raise source_error(
        source,
        f"cmaltgen cannot import '{suffix or source.name}' files",
        "import a Word document (.docx) or a WordPress export (.xml or WordPress.com's .zip, "
        "from Tools > Export); "
        "for Google Docs, use File > Download > Microsoft Word (.docx)",
    )


def report_lines(report: ImportReport) -> list[str]:
    """The report as the command line shows it."""
    where = display_path(report.dest)
    lines = [f"Imported {display_path(report.source)} ({report.kind}) into {where}:", ""]
    width = max([len("section"), *(len(s.id) for s in report.sections)])
    lines.append(f"  {'section':<{width}}  {'words':>6}  {'evidence':>8}  from")
    for s in report.sections:
        origin = "; ".join(s.origins)
        lines.append(f"  {s.id:<{width}}  {s.words:>6}  {s.evidence:>8}  {origin}")
    if report.missing:
        lines.append(f"  not found, started empty: {', '.join(report.missing)}")
    if report.unsorted_words:
        lines.append(f"  {report.unsorted_words} words in no section: {where}/{UNSORTED}")
    lines.append("")
    decisions = len(report.diagnostics)
    lines.append(
        f"{plural(len(report.sections), 'section')}, {plural(report.words, 'word')}, "
        f"{plural(report.evidence, 'evidence item')} (drafts), "
        f"{plural(decisions, 'thing')} to decide (the warnings). "
        "Every section is a draft."
    )
    lines.append(f"Next: cmaltgen serve {where}    (a live preview)")
    lines.append(f"      cmaltgen check {where}    (what is left to do)")
    return lines
