"""The parsed portfolio as every rule sees it: settings, pathway, documents (built by
:mod:`cmaltgen.build` from the read stage's results)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from cmaltgen.diagnostics import Diagnostic, did_you_mean
from cmaltgen.read.config import Accept, PortfolioConfig
from cmaltgen.read.documents import EvidenceEntry, Reflection, SectionDoc
from cmaltgen.read.framework import CPD_SECTION, SLOT_PREFIX, Framework, Pathway, SectionSpec
from cmaltgen.read.located_yaml import LineMap
from cmaltgen.read.sources import real_path

if TYPE_CHECKING:  # a review's CPD record and the feedback are read only when there are some
    from cmaltgen.read.cpd import CpdRecord
    from cmaltgen.read.feedback import FeedbackItem


@dataclass(frozen=True)
class AcceptEntry:
    """One usable entry, with where portfolio.yml lists it."""

    accept: Accept
    line: int
    col: int
    pattern: re.Pattern[str]


@dataclass(eq=False)
class Portfolio:
    """Everything the earlier stages produced, as the checks see it."""

    root: Path
    config: PortfolioConfig
    config_marks: LineMap
    framework: Framework
    pathway: Pathway
    docs: list[SectionDoc]
    today: dt.date = field(default_factory=dt.date.today)
    max_age: int = 3  # years after which evidence is old
    accepts: list[AcceptEntry] = field(default_factory=list)  # portfolio.yml's accept: list
    unset: frozenset[str] = frozenset()  # portfolio.yml settings with errors (e.g. words.1a)
    feedback: list[FeedbackItem] = field(default_factory=list)  # never published
    cpd: CpdRecord | None = None  # a review's CPD record (cpd.yml), when it has one
    # Missing files of what is not public, each with its visibility: an edition that leaves
    # it out goes on without the file (so a public repository need not hold it).
    withheld_missing: list[tuple[Diagnostic, str]] = field(default_factory=list)

    def setting_failed(self, *names: str) -> bool:
        """Whether portfolio.yml had an error in one of these settings (or inside them): the
        default cmaltgen used instead is not what was meant, so checks that use it wait."""
        return any(k == n or k.startswith((n + ".", n + "[")) for k in self.unset for n in names)

    def failed_files(self) -> set[Path]:
        """Files that could not be parsed, so whose warnings are unknown."""
        reflections = {d.source.reflection for d in self.docs if d.broken is not None}
        return reflections | {
            d.source.evidence for d in self.docs if not d.evidence_ok and d.source.evidence
        }

    def sections(self) -> list[tuple[SectionDoc, Reflection]]:
        return [(d, d.reflection) for d in self.docs if d.reflection is not None]

    def evidence(self) -> list[tuple[SectionDoc, EvidenceEntry]]:
        return [(d, e) for d in self.docs for e in d.evidence]

    def section_ids(self) -> set[str]:
        return {r.front.section for _, r in self.sections()}

    @cached_property
    def source_files(self) -> dict[Path, tuple[str, str]]:
        """cmaltgen's own files, never published (a section's may be assessors-only), by real
        path: (the section id, or "" for portfolio.yml; the kind of file)."""
        found = {real_path(self.root / "portfolio.yml"): ("", "settings")}
        for doc in self.docs:
            sid = doc.section_id or ""
            found[real_path(doc.source.reflection)] = (sid, "reflection")
            if doc.source.evidence is not None:
                found[real_path(doc.source.evidence)] = (sid, "evidence list")
        if self.cpd is not None:
            found[real_path(self.cpd.path)] = (CPD_SECTION, "CPD record")
        return found

    @cached_property
    def fallout(self) -> Fallout:
        """What files that failed to parse may hide (see :class:`Fallout`)."""
        found = Fallout()
        for doc in self.docs:
            if doc.broken is not None:
                guess = _guess_section(doc.source.folder.name, self.pathway)
                claims = {s for s in (doc.broken.section, guess) if s}
                found.sections |= claims
                found.folders.update(dict.fromkeys(claims, doc.source.folder))
                found.sections_unknown |= not claims
                found.cites |= doc.broken.cites or set()
                found.cites_unknown |= doc.broken.cites is None
            elif doc.reflection is not None and not self.pathway.spec_for(doc.section_id or ""):
                # an unknown section id (reported as such) is most likely a typo for the
                # section its folder is named after, or for the closest id
                sid = doc.section_id or ""
                options = list(self.pathway.fixed())
                guess = _guess_section(doc.source.folder.name, self.pathway)
                guesses = {s for s in (guess, did_you_mean(sid, options)) if s}
                found.sections |= guesses
                found.folders.update(dict.fromkeys(guesses, doc.source.folder))
            if not doc.evidence_ok:
                found.evidence_failed = True
                found.evidence |= doc.lost_evidence or set()
                found.evidence_unknown |= doc.lost_evidence is None
        return found


@dataclass
class Fallout:
    """What files that failed to parse would have provided, as far as it can be told.

    Their own errors are the root causes; a check leaves out an error that may only be a
    consequence (a section "missing" because its reflection's front matter failed, a citation
    of "unknown" evidence whose item failed), so the root cause is not lost among them.
    """

    sections: set[str] = field(default_factory=set)  # section ids of unparsed reflections
    folders: dict[str, Path] = field(default_factory=dict)  # the folder of each of them
    sections_unknown: bool = False  # an unparsed reflection's section cannot be told
    cites: set[str] = field(default_factory=set)  # evidence ids they cite
    cites_unknown: bool = False
    evidence: set[str] = field(default_factory=set)  # ids of evidence items with errors
    evidence_unknown: bool = False  # an evidence.yml whose ids cannot be read
    evidence_failed: bool = False  # some evidence item or file had errors

    def may_have_section(self, sid: str) -> bool:
        return self.sections_unknown or sid in self.sections

    def may_have_evidence(self, eid: str) -> bool:
        return self.evidence_unknown or eid in self.evidence

    def may_cite(self, eid: str) -> bool:
        return self.cites_unknown or eid in self.cites


def _guess_section(folder: str, pathway: Pathway) -> str | None:
    """The section a folder is probably for, from its name (``1a-planning``, ``01-future-plans``,
    ``specialist-accessibility``), when its reflection.md cannot tell."""
    name = re.sub(r"^\d+-", "", folder)
    if name.startswith(tuple(SLOT_PREFIX.values())):
        return name
    fits = [sid for sid in pathway.fixed() if name == sid or name.startswith(sid + "-")]
    return max(fits, key=len) if fits else None


Specs = dict[str, SectionSpec]
