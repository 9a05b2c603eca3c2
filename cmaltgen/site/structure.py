"""Structure stage: the site tree. Section order, evidence numbering, URLs, prev/next, matrix.

What the templates see of the portfolio (:class:`Site`, its :class:`Section` pages and
:class:`Evidence` items), and which items and files each edition leaves out. Addresses and
links between pages are :mod:`cmaltgen.site.urls`.
"""

from __future__ import annotations

import itertools
import posixpath
import weakref
from dataclasses import dataclass, field
from pathlib import Path

from cmaltgen import wording
from cmaltgen.read import markdown, markdown_scan
from cmaltgen.read.dates import PartialDate
from cmaltgen.read.document_fields import Consent
from cmaltgen.read.documents import EvidenceEntry, Reflection, SectionDoc
from cmaltgen.read.framework import SectionSpec
from cmaltgen.read.portfolio import Portfolio
from cmaltgen.read.sources import real_path, resolve_local
from cmaltgen.rules import privacy
from cmaltgen.rules.settings import image_size
from cmaltgen.site.urls import output_path_for

WITHHELD_NOTE = "evidence available to assessors"
SUMMARY_LENGTH = 240  # characters of a section's summary when it has none of its own


@dataclass(eq=False)
class Evidence:
    """One evidence item as the templates see it."""

    id: str
    number: int
    label: str  # "E3"
    title: str
    type: str
    date: PartialDate
    shows: str
    alt: str
    home: str  # the section whose evidence.yml lists it
    sections: list[str]  # every section it supports, home first, in site order
    url: str = ""  # external address
    file: str = ""  # output path of the copied file
    transcript: str = ""  # output path of a video's or audio's transcript file
    transcript_url: str = ""  # or its web address
    draft: bool = False
    source: Path | None = None
    size: int = 0
    visibility: str = privacy.PUBLIC
    personal_data: bool = False
    anonymised: bool = False
    consent: Consent | None = None

    @property
    def is_image(self) -> bool:
        return self.type == "image" and bool(self.file) and markdown_scan.shows_as_image(self.file)

    @property
    def extension(self) -> str:
        return posixpath.splitext(self.file)[1].lstrip(".").upper() if self.file else ""

    @property
    def personal_data_note(self) -> str:
        """What the assessors' single page says of its personal data: who consented and when."""
        if self.consent is not None:
            note = f"Shown with the consent of {self.consent.who} ({self.consent.date.human()})"
            return note + ("; anonymised" if self.anonymised else "")
        return "Anonymised" if self.anonymised else "Yes"


@dataclass(eq=False)
class Section:
    """One section page."""

    id: str
    title: str  # the framework's title, e.g. "Supporting the deployment ..."
    own_title: str  # the candidate's title
    group: str | None
    group_title: str
    assessed: bool
    summary: str
    updated: PartialDate | None
    url: str
    reflection: Reflection
    evidence: list[Evidence] = field(default_factory=list)
    visibility: str = privacy.PUBLIC
    # The neighbours in the site's order, held weakly: a chain of sections linked both ways
    # is a reference cycle, which would keep every parsed reflection until Python's cycle
    # collector runs. The site's list of sections keeps them.
    _prev: weakref.ref[Section] | None = field(default=None, repr=False)
    _next: weakref.ref[Section] | None = field(default=None, repr=False)

    @property
    def prev(self) -> Section | None:
        return self._prev() if self._prev is not None else None

    @property
    def next(self) -> Section | None:
        return self._next() if self._next is not None else None

    @property
    def draft(self) -> bool:
        return self.reflection.front.draft

    @property
    def heading(self) -> str:
        """What the page's h1 says: for specialist areas their own title."""
        return self.own_title if self.id.startswith(("specialist-", "advanced-")) else self.title

    @property
    def label(self) -> str:
        """Short navigation label."""
        if self.id[0].isdigit():
            return f"{self.id} {self.title}"
        return self.heading

    @property
    def words(self) -> int:
        return self.reflection.words

    @property
    def outline(self) -> list[markdown.OutlineEntry]:
        """The reflection's ## and ### headings, for the page's "On this page" list."""
        return markdown.outline(self.reflection.parsed)


@dataclass(frozen=True)
class Photo:
    """The candidate's photo as the templates see it."""

    file: str  # output path of the published (metadata-free) copy
    alt: str
    width: int
    height: int


@dataclass(eq=False)
class Site:
    """The whole site of one edition: its pages' sections, evidence and published files."""

    portfolio: Portfolio
    sections: list[Section]
    evidence: list[Evidence]
    files: dict[str, Path]  # output path -> source file
    edition: str = "public"
    withheld: dict[str, str] = field(default_factory=dict)  # evidence id -> its visibility
    photo: Photo | None = None
    preview: bool = False  # serve's preview: paragraph references and open feedback show
    _by_id: tuple[dict[str, Section], dict[str, Evidence]] | None = field(
        default=None, init=False, repr=False, compare=False
    )
    _by_source: dict[Path, str] | None = field(default=None, init=False, repr=False)

    def withheld_note(self, evidence_id: str) -> str:
        """What a citation of a left-out item says: assessors items only are mentioned."""
        return WITHHELD_NOTE if self.withheld.get(evidence_id) == privacy.ASSESSORS else ""

    def section(self, section_id: str) -> Section | None:
        return self._index()[0].get(section_id)

    def item(self, evidence_id: str) -> Evidence | None:
        return self._index()[1].get(evidence_id)

    def output_of(self, source: Path) -> str | None:
        """Where a resolved source file is published, if it is."""
        if self._by_source is None:
            self._by_source = {}
            for out, path in self.files.items():  # the first, as a scan in order would find
                self._by_source.setdefault(real_path(path), out)
        return self._by_source.get(source)

    def _index(self) -> tuple[dict[str, Section], dict[str, Evidence]]:
        """Lookups by id, made once: a scan per citation grew with the square of the items."""
        if self._by_id is None:
            self._by_id = ({s.id: s for s in self.sections}, {e.id: e for e in self.evidence})
        return self._by_id

    def groups(self) -> list[tuple[str, list[Section]]]:
        """Sections grouped for navigation: ungrouped ones stand alone, in order."""
        out: list[tuple[str, list[Section]]] = []
        for section in self.sections:
            if section.group and out and out[-1][0] == section.group_title:
                out[-1][1].append(section)
            else:
                out.append((section.group_title if section.group else "", [section]))
        return out


def build_site(portfolio: Portfolio, *, drafts: bool = False, edition: str = "public") -> Site:
    """Order the sections, number the evidence, and decide every URL.

    Drafts are left out (with a draft section, its evidence) unless ``drafts`` (serve) is set;
    whatever ``edition`` may not show (:mod:`cmaltgen.rules.privacy`) is left out entirely,
    and the files of left-out evidence are never published.
    """
    sections = [
        s
        for s in _sections(portfolio)
        if (drafts or not s.draft) and privacy.visible(s.visibility, edition)
    ]
    files: dict[str, Path] = {}
    evidence = _evidence(portfolio, sections, files, drafts, edition)
    for section in sections:
        section.evidence = [e for e in evidence if section.id in e.sections]
    for before, after in itertools.pairwise(sections):
        before._next, after._prev = weakref.ref(after), weakref.ref(before)
    withheld = _withheld(portfolio, evidence, drafts)
    hidden = _withheld_sources(portfolio, withheld, files)
    _local_files(portfolio, sections, files, hidden)
    photo = _photo(portfolio, files)
    return Site(portfolio, sections, evidence, files, edition, withheld, photo)


def _photo(portfolio: Portfolio, files: dict[str, Path]) -> Photo | None:
    """The candidate's photo, published beside the evidence files (and cleaned like them)."""
    chosen = portfolio.config.candidate.photo
    if chosen is None:
        return None
    source, problem = resolve_local(portfolio.root, portfolio.root, chosen.file)
    size = image_size(source) if source is not None and problem is None else None
    if source is None or size is None:
        return None  # validation has reported it
    out = output_path_for(portfolio.root, source)
    files[out] = source
    return Photo(out, chosen.alt.strip(), size[0], size[1])


def _withheld(portfolio: Portfolio, shown: list[Evidence], drafts: bool) -> dict[str, str]:
    """Every item left out for privacy (not as a draft), with its visibility."""
    ids = {e.id for e in shown}
    config = portfolio.config
    return {
        entry.item.id: privacy.item_visibility(entry, doc, config)
        for doc, entry in portfolio.evidence()
        if entry.item.id not in ids and (drafts or not (entry.item.draft or _draft(doc)))
    }


def _draft(doc: SectionDoc) -> bool:
    return doc.reflection is not None and doc.reflection.front.draft


def _withheld_sources(
    portfolio: Portfolio, withheld: dict[str, str], files: dict[str, Path]
) -> set[Path]:
    """Files of left-out items that no shown item also uses: never published, even if linked."""
    shown = {real_path(p) for p in files.values()}
    hidden: set[Path] = set()
    for _, entry in portfolio.evidence():
        for name in (entry.item.file, entry.item.transcript_file):
            if entry.item.id not in withheld or not name:
                continue
            source, _ = resolve_local(portfolio.root, entry.path.parent, name)
            if source is not None and real_path(source) not in shown:
                hidden.add(real_path(source))
    return hidden


def _sections(portfolio: Portfolio) -> list[Section]:
    specs = list(portfolio.pathway.sections)
    found: list[tuple[tuple[int, str], Section]] = []
    seen: set[str] = set()
    for _, reflection in portfolio.sections():
        spec = portfolio.pathway.spec_for(reflection.front.section)
        if spec is None or reflection.front.section in seen:
            continue
        seen.add(reflection.front.section)
        order = (specs.index(spec), reflection.path.parent.name)
        found.append((order, _section(portfolio, spec, reflection)))
    return [s for _, s in sorted(found, key=lambda pair: pair[0])]


def _section(portfolio: Portfolio, spec: SectionSpec, reflection: Reflection) -> Section:
    front = reflection.front
    # a specialist or advanced area's page is titled with its own name: say what it is above
    slot_title = spec.title if spec.slot else ""
    group_title = portfolio.framework.groups.get(spec.group or "", "") or slot_title
    return Section(
        id=front.section,
        title=spec.title,
        own_title=front.title,
        group=spec.group,
        group_title=group_title,
        assessed=spec.assessed,
        summary=front.summary or _first_sentence(reflection),
        updated=front.updated,
        url=f"{front.section}/index.html",
        reflection=reflection,
        visibility=privacy.section_visibility(front, portfolio.config),
    )


def _first_sentence(reflection: Reflection) -> str:
    part = reflection.parts.get("description")
    text = part.first_text if part else reflection.plain
    return wording.first_sentence(text, SUMMARY_LENGTH)


def _evidence(
    portfolio: Portfolio,
    sections: list[Section],
    files: dict[str, Path],
    drafts: bool,
    edition: str,
) -> list[Evidence]:
    position = {s.id: i for i, s in enumerate(sections)}
    config = portfolio.config
    entries = [
        (doc.section_id or "", entry, privacy.item_visibility(entry, doc, config))
        for doc, entry in portfolio.evidence()
        if doc.section_id in position and (drafts or not entry.item.draft)
    ]
    entries = [e for e in entries if privacy.visible(e[2], edition)]
    entries.sort(key=lambda triple: position[triple[0]])  # stable: keeps each file's own order
    items: list[Evidence] = []
    seen: set[str] = set()
    counters = {"E": 0, "A": 0}  # public items E1.., assessors-only items A1..: no gaps
    for home, entry, visibility in entries:
        if entry.item.id in seen:
            continue
        seen.add(entry.item.id)
        prefix = "E" if visibility == privacy.PUBLIC else "A"
        counters[prefix] += 1
        item = _item(portfolio, home, entry, counters[prefix], position, files)
        item.label, item.visibility = f"{prefix}{counters[prefix]}", visibility
        items.append(item)
    return items


def _item(
    portfolio: Portfolio,
    home: str,
    entry: EvidenceEntry,
    number: int,
    position: dict[str, int],
    files: dict[str, Path],
) -> Evidence:
    item = entry.item
    supported = [s for s in item.supports if s in position and s != home]
    evidence = Evidence(
        id=item.id,
        number=number,
        label=f"E{number}",
        title=item.title,
        type=item.type,
        date=item.date,
        shows=item.shows,
        alt=item.alt,
        home=home,
        sections=[home, *sorted(supported, key=position.__getitem__)],
        url=item.url,
        draft=item.draft,
        personal_data=item.personal_data,
        anonymised=item.anonymised,
        consent=item.consent,
    )
    evidence.transcript_url = "" if item.transcript_file else item.transcript.strip()
    for transcript, name in enumerate((item.file, item.transcript_file)):
        if not name:  # a web link: nothing to publish
            continue
        source, problem = resolve_local(portfolio.root, entry.path.parent, name)
        if source is None or problem is not None:
            continue
        out = output_path_for(portfolio.root, source)
        files[out] = source
        if transcript:
            evidence.transcript = out
        else:
            evidence.file, evidence.source, evidence.size = out, source, source.stat().st_size
    return evidence


def _local_files(
    portfolio: Portfolio, sections: list[Section], files: dict[str, Path], hidden: set[Path]
) -> None:
    """Files that the shown reflections link to or show as images are published too."""
    for section in sections:
        reflection = section.reflection
        for ref in reflection.parsed.references:
            if ref.kind == "file":
                source, problem = resolve_local(portfolio.root, reflection.path.parent, ref.target)
                if source is None or real_path(source) in portfolio.source_files:
                    continue  # cmaltgen's own files are never published (a source-link warning)
                if problem is None and real_path(source) not in hidden:
                    files[output_path_for(portfolio.root, source)] = source
