"""The CMALT framework as immutable data, loaded from packaged, versioned YAML files.

Each file in ``cmaltgen/frameworks/`` is one version of ALT's guidance and defines its
pathways: the sections in order, their grouping into core areas, what each needs, and the
repeatable slots (specialist and advanced areas). A new guidance version is a new data file.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from cmaltgen.codes import Severity
from cmaltgen.diagnostics import CmaltgenError
from cmaltgen.read.located_yaml import LOADER

REVIEW = "review"  # the three-yearly portfolio review: written by holders, not awarded
CPD_SECTION = "cpd-record"  # the review's section holding its CPD record ...
CPD_NAME = "cpd.yml"  # ... in this file (read by cmaltgen.read.cpd)
SLOT_PREFIX = {"specialist": "specialist-", "advanced": "advanced-"}
SLOT_ID = re.compile(r"^(specialist|advanced)-[a-z0-9][a-z0-9-]*$")


class SectionSpec(NamedTuple):
    """One section of a pathway, or a repeatable slot (``slot`` is set) for specialist areas."""

    id: str
    title: str
    group: str | None = None
    assessed: bool = True
    level: Severity = Severity.ERROR  # how a missing section is reported
    slot: str | None = None
    words_min: int = 0
    words_max: int = 0
    focus_allowed: tuple[str, ...] = ()
    focus_required: bool = False
    min_examples: int = 0
    brief: bool = False  # short by nature (a link, an introduction): never called a stub

    @property
    def parts(self) -> tuple[str, ...]:
        """The body parts an assessed section must have."""
        return ("description", "reflection") if self.assessed else ()


class SlotCount(NamedTuple):
    min: int
    max: int  # 0 means no upper limit


class Pathway(NamedTuple):
    id: str
    title: str
    summary: str
    sections: tuple[SectionSpec, ...]
    specialist: SlotCount
    advanced: SlotCount
    confirmation_statement: str = ""  # the pathway's own wording, when not the framework's

    def fixed(self) -> dict[str, SectionSpec]:
        """The named (non-slot) sections by id, in order."""
        return {s.id: s for s in self.sections if s.slot is None}

    def slot(self, name: str) -> SectionSpec | None:
        return next((s for s in self.sections if s.slot == name), None)

    def spec_for(self, section_id: str) -> SectionSpec | None:
        """The spec a section id falls under, or ``None`` if the pathway has no such section."""
        if section_id in self.fixed():
            return self.fixed()[section_id]
        match = SLOT_ID.match(section_id)
        if match is None:
            return None
        allowed = self.slot_count(match.group(1))
        return self.slot(match.group(1)) if allowed.min + allowed.max > 0 else None

    def slot_count(self, slot: str) -> SlotCount:
        return self.specialist if slot == "specialist" else self.advanced

    def valid_ids(self) -> list[str]:
        ids = list(self.fixed())
        for slot in SLOT_PREFIX:
            if self.slot(slot) is not None:
                ids.append(f"{SLOT_PREFIX[slot]}<name>")
        return ids


class Framework(NamedTuple):
    version: str
    title: str
    confirmation_statement: str
    groups: dict[str, str]
    pathways: dict[str, Pathway]

    def credentials(self) -> dict[str, Pathway]:
        """The pathways ALT awards (all but the three-yearly review, which holders write)."""
        return {pid: p for pid, p in self.pathways.items() if pid != REVIEW}


_SECTION_KEYS = {
    "id",
    "slot",
    "title",
    "group",
    "assessed",
    "level",
    "words",
    "focus",
    "min_examples",
    "brief",
}


def _section(raw: dict[str, Any]) -> SectionSpec:
    unknown = set(raw) - _SECTION_KEYS
    if unknown or not isinstance(raw.get("title"), str):
        raise ValueError(f"framework section {raw!r}: unknown keys {sorted(unknown)} or no title")
    words = raw.get("words", {})
    focus = raw.get("focus", {})
    slot = raw.get("slot")
    return SectionSpec(
        id=str(raw.get("id", slot)),
        title=str(raw["title"]),
        group=raw.get("group"),
        assessed=bool(raw.get("assessed", True)),
        level=Severity(raw.get("level", "error")),
        slot=slot,
        words_min=int(words.get("min", 0)),
        words_max=int(words.get("max", 0)),
        focus_allowed=tuple(focus.get("allowed", ())),
        focus_required=bool(focus.get("required", False)),
        min_examples=int(raw.get("min_examples", 0)),
        brief=bool(raw.get("brief", False)),
    )


def _pathway(pid: str, raw: dict[str, Any]) -> Pathway:
    return Pathway(
        id=pid,
        title=raw["title"],
        summary=raw["summary"],
        sections=tuple(_section(s) for s in raw["sections"]),
        specialist=SlotCount(**raw.get("specialist", {"min": 0, "max": 0})),
        advanced=SlotCount(**raw.get("advanced", {"min": 0, "max": 0})),
        confirmation_statement=" ".join(str(raw.get("confirmation_statement", "")).split()),
    )


_FOLDER = Path(__file__).parent / "frameworks"


@functools.cache
def versions() -> tuple[str, ...]:
    """Every packaged guidance version, oldest first (file names, nothing parsed)."""
    return tuple(sorted(p.stem for p in _FOLDER.glob("*.yml")))


@functools.cache
def framework(version: str) -> Framework | None:
    """One guidance version (parsed on first use, then kept), or None if there is none."""
    if version not in versions():
        return None
    raw = yaml.load((_FOLDER / f"{version}.yml").read_bytes(), Loader=LOADER)
    return Framework(
        version=str(raw["version"]),
        title=raw["title"],
        confirmation_statement=" ".join(raw["confirmation_statement"].split()),
        groups=dict(raw["groups"]),
        pathways={pid: _pathway(pid, p) for pid, p in raw["pathways"].items()},
    )


def frameworks() -> dict[str, Framework]:
    """Every packaged guidance version, oldest first."""
    return {v: f for v in versions() if (f := framework(v)) is not None}


def latest() -> str:
    return max(versions())


def chosen(version: str | None) -> Framework | None:
    """The guidance version a portfolio or command names (default: the latest), or None."""
    return framework(version or latest())


def pathway_for(pathway_id: str, version: str | None = None) -> tuple[Framework, Pathway]:
    """A guidance version and one of its pathways, for ``new`` and ``import``; plain errors."""
    found = chosen(version)
    if found is None:
        raise CmaltgenError(f"there is no guidance version '{version}'")
    if pathway_id not in found.pathways:
        raise CmaltgenError(f"there is no pathway '{pathway_id}'")
    return found, found.pathways[pathway_id]
