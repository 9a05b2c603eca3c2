"""Validate stage: named checks against the pathway and across documents.

Each check adds located diagnostics and never raises. A document whose file failed to parse is
absent (``reflection is None``), so its dependent checks are skipped rather than piled on.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from cmaltgen.diagnostics import Diagnostics, Severity, did_you_mean, display_path, suggestion
from cmaltgen.read.config import PortfolioConfig
from cmaltgen.read.documents import EvidenceEntry, Reflection, SectionDoc
from cmaltgen.read.framework import SLOT_PREFIX, Framework, Pathway, SectionSpec, latest, versions
from cmaltgen.read.framework import framework as load_framework
from cmaltgen.read.located_yaml import LineMap
from cmaltgen.read.sources import (
    Sources,
    describe,
    file_kind,
    resolve_local,
    stray_files,
)
from cmaltgen.rules import accessibility, guidance, images, privacy
from cmaltgen.rules.accept import Entry
from cmaltgen.wording import article, plural

log = logging.getLogger(__name__)


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
    accepts: list[Entry] = field(default_factory=list)  # portfolio.yml's accept: list
    unset: frozenset[str] = frozenset()  # portfolio.yml settings with errors (e.g. words.1a)

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
                guesses = (
                    _guess_section(doc.source.folder.name, self.pathway),
                    did_you_mean(sid, options),
                )
                found.sections |= {s for s in guesses if s}
                found.folders.update(dict.fromkeys((s for s in guesses if s), doc.source.folder))
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


def resolve_pathway(
    config: PortfolioConfig, marks: LineMap, diags: Diagnostics
) -> tuple[Framework, Pathway] | None:
    """The framework version and pathway ``portfolio.yml`` names, or located errors."""
    version = config.framework or latest()
    framework = load_framework(version)
    if framework is None:
        known = versions()
        diags.add(
            "unknown-framework",
            f"cmaltgen has no guidance version '{version}'" + suggestion(version, known),
            key="framework",
            hint="available versions: " + ", ".join(known),
            **marks.where(("framework",)),
        )
        return None
    if config.pathway not in framework.pathways:
        diags.add(
            "unknown-pathway",
            f"the {framework.title} has no pathway '{config.pathway}'"
            + suggestion(config.pathway, framework.pathways),
            key="pathway",
            hint="choose one of: " + ", ".join(framework.pathways),
            **marks.where(("pathway",)),
        )
        return None
    return framework, framework.pathways[config.pathway]


def validate(portfolio: Portfolio, sources: Sources) -> Diagnostics:
    """Run every check; return all findings."""
    diags = Diagnostics()
    _check_settings(portfolio, diags)
    specs = _section_specs(portfolio, diags)
    for check in CHECKS:
        check(portfolio, specs, diags)
    _stray_files(portfolio, sources, diags)
    _folder_names(sources, diags)
    _template_files(sources, diags)
    log.debug("validation found %d problems", len(diags))
    return diags


def _check_settings(portfolio: Portfolio, diags: Diagnostics) -> None:
    """Values of portfolio.yml that its schema's types alone do not rule out."""
    if portfolio.config.evidence_max_age < 1:
        diags.add(
            "invalid-value",
            f"evidence_max_age is {portfolio.config.evidence_max_age}; it must be a number of "
            "years, 1 or more",
            key="evidence_max_age",
            hint="for example: evidence_max_age: 5",
            **portfolio.config_marks.where(("evidence_max_age",)),
        )


Specs = dict[str, SectionSpec]
Check = Callable[[Portfolio, Specs, Diagnostics], None]


def _where(reflection: Reflection, key: str) -> dict[str, object]:
    return reflection.front_marks.where((key,))


def _section_specs(portfolio: Portfolio, diags: Diagnostics) -> Specs:
    """Map each present section id to its spec; report unknown and duplicate sections."""
    specs: Specs = {}
    first: dict[str, Reflection] = {}
    for _, reflection in portfolio.sections():
        sid = reflection.front.section
        spec = portfolio.pathway.spec_for(sid)
        if spec is None:
            _unknown_section(portfolio.pathway, reflection, diags)
        elif sid in first:
            diags.add(
                "duplicate-section",
                f"section '{sid}' is already written in "
                + display_path(first[sid].path, portfolio.root),
                hint="each section has one reflection.md; merge them or change this section id",
                **_where(reflection, "section"),
            )
        else:
            specs[sid] = spec
            first[sid] = reflection
    return specs


def _unknown_section(pathway: Pathway, reflection: Reflection, diags: Diagnostics) -> None:
    sid = reflection.front.section
    valid = pathway.valid_ids()
    extra = ""
    if sid.startswith(tuple(SLOT_PREFIX.values())):
        extra = f" ({pathway.title} has no {sid.split('-')[0]} areas)"
    diags.add(
        "unknown-section",
        f"'{sid}' is not a section of the {pathway.title} pathway{extra}" + suggestion(sid, valid),
        hint="valid section ids: " + ", ".join(valid),
        key="section",
        **_where(reflection, "section"),
    )


def check_required_sections(portfolio: Portfolio, specs: Specs, diags: Diagnostics) -> None:
    for sid, spec in portfolio.pathway.fixed().items():
        if sid not in specs and not portfolio.fallout.may_have_section(sid):
            diags.add(
                "missing-section",
                f"the {portfolio.pathway.title} pathway needs section {sid} ({spec.title}), "
                "and no reflection.md has 'section: " + sid + "'",
                path=portfolio.root,
                severity=spec.level,
                hint=f"create a folder with a reflection.md whose front matter says section: {sid}",
            )


def check_slot_counts(portfolio: Portfolio, specs: Specs, diags: Diagnostics) -> None:
    for slot, prefix in SLOT_PREFIX.items():
        count = portfolio.pathway.slot_count(slot)
        have = sorted(sid for sid in specs if sid.startswith(prefix))
        lost = {s for s in portfolio.fallout.sections if s.startswith(prefix)} - set(have)
        if count.min and len(have) + len(lost) < count.min:
            if portfolio.fallout.sections_unknown:
                continue  # the reflection that failed may be one

            problem = (
                f"needs at least {plural(count.min, slot + ' area')} and this portfolio "
                f"has {len(have)}"
            )
        elif count.max and len(have) > count.max:
            problem = (
                f"allows at most {plural(count.max, slot + ' area')} and this portfolio "
                f"has {len(have)}"
            )
        else:
            continue
        diags.add(
            "section-count",
            f"the {portfolio.pathway.title} pathway {problem}",
            path=portfolio.root,
            hint=f"{slot} areas are folders whose reflection.md says section: {prefix}NAME",
        )


def check_titles(portfolio: Portfolio, specs: Specs, diags: Diagnostics) -> None:
    for _, reflection in portfolio.sections():
        spec = specs.get(reflection.front.section)
        if spec is not None and spec.slot and not reflection.front.title:
            diags.add(
                "missing-title",
                f"{spec.title.lower()}s need a title naming the area",
                hint="add a line to the front matter such as: title: Accessibility",
                **_where(reflection, "section"),
            )


def check_parts(portfolio: Portfolio, specs: Specs, diags: Diagnostics) -> None:
    for _, reflection in portfolio.sections():
        if reflection.front.draft:
            continue  # unfinished by definition; check_drafts reports it once
        spec = specs.get(reflection.front.section)
        for part in spec.parts if spec else ():
            found = reflection.parts.get(part)
            if found is None:
                diags.add(
                    "missing-part",
                    f"this assessed section has no '## {part.title()}' heading",
                    path=reflection.path,
                    line=reflection.body_line,
                    col=1,
                    hint=f"add a line '## {part.title()}' followed by your {part}",
                )
            elif found.words == 0:
                diags.add(
                    "empty-part",
                    f"the {part.title()} part has no text",
                    path=reflection.path,
                    line=found.line,
                    col=1,
                    hint=f"write your {part} below this heading",
                )


def check_evidence_per_section(portfolio: Portfolio, specs: Specs, diags: Diagnostics) -> None:
    supported: dict[str, int] = {}
    for doc, entry in portfolio.evidence():
        for sid in {doc.section_id, *entry.item.supports}:
            if sid:
                supported[sid] = supported.get(sid, 0) + 1
    for doc, reflection in portfolio.sections():
        spec = specs.get(reflection.front.section)
        if reflection.front.draft:
            continue
        if spec and spec.assessed and not supported.get(reflection.front.section):
            if not doc.evidence_ok or portfolio.fallout.evidence_failed:
                continue  # an evidence item had errors: already reported
            diags.add(
                "no-evidence",
                f"section {reflection.front.section} has no evidence",
                path=reflection.path,
                line=1,
                col=1,
                hint="list at least one item in an evidence.yml beside this file, or add "
                f"'{reflection.front.section}' to another item's supports",
            )


def check_word_counts(portfolio: Portfolio, specs: Specs, diags: Diagnostics) -> None:
    for _, reflection in portfolio.sections():
        sid = reflection.front.section
        spec = specs.get(sid)
        if spec is None or reflection.front.draft or portfolio.setting_failed(f"words.{sid}"):
            continue
        low, high = spec.words_min, spec.words_max
        if sid in portfolio.config.words:
            low, high = portfolio.config.words[sid].min, portfolio.config.words[sid].max
        words = reflection.words
        if (low and words < low) or (high and words > high):
            diags.add(
                "word-count",
                f"this section has {plural(words, 'word')}; the guidance asks for "
                f"{low}-{high or 'any'}",
                path=reflection.path,
                line=reflection.body_line,
                col=1,
                hint="change the range for your portfolio under 'words:' in portfolio.yml",
            )


def check_focus(portfolio: Portfolio, specs: Specs, diags: Diagnostics) -> None:
    for _, reflection in portfolio.sections():
        spec = specs.get(reflection.front.section)
        if spec is None or not spec.focus_allowed:
            continue
        focus = reflection.front.focus
        allowed = " or ".join(spec.focus_allowed)
        if focus and focus not in spec.focus_allowed:
            diags.add(
                "section-focus",
                f"in the {portfolio.pathway.title} pathway section {spec.id} must cover {allowed}, "
                f"not {focus}",
                key="focus",
                **_where(reflection, "focus"),
            )
        elif not focus and spec.focus_required:
            diags.add(
                "section-focus",
                f"in the {portfolio.pathway.title} pathway section {spec.id} must cover {allowed}",
                severity=Severity.WARNING,
                hint=f"say so in the front matter: focus: {spec.focus_allowed[0]}",
                **_where(reflection, "section"),
            )


def check_examples(portfolio: Portfolio, specs: Specs, diags: Diagnostics) -> None:
    for _, reflection in portfolio.sections():
        spec = specs.get(reflection.front.section)
        part = reflection.parts.get("description")
        if spec is None or not spec.min_examples or part is None or reflection.front.draft:
            continue
        heads = reflection.parsed.headings
        start = next(
            i for i, h in enumerate(heads) if h.line + reflection.body_line - 1 == part.line
        )
        following = heads[start + 1 :]
        end = next((i for i, h in enumerate(following) if h.level <= 2), len(following))
        examples = sum(1 for h in following[:end] if h.level == 3)
        if examples < spec.min_examples:
            diags.add(
                "too-few-examples",
                f"{spec.id} needs {spec.min_examples} or more examples and the description has "
                + plural(examples, "'###' example heading"),
                path=reflection.path,
                line=part.line,
                col=1,
                hint="give each example its own ### heading inside the Description",
            )


def check_evidence_ids(portfolio: Portfolio, specs: Specs, diags: Diagnostics) -> None:
    seen: dict[str, EvidenceEntry] = {}
    for _, entry in portfolio.evidence():
        first = seen.setdefault(entry.item.id, entry)
        if first is not entry:
            diags.add(
                "duplicate-evidence-id",
                f"the evidence id '{entry.item.id}' is already used at "
                f"{display_path(first.path, portfolio.root)}:{first.line}",
                **entry.where("id"),
                hint="give each item its own id; citations use it to find the item",
            )


def check_evidence_items(portfolio: Portfolio, specs: Specs, diags: Diagnostics) -> None:
    present = portfolio.section_ids()
    for _, entry in portfolio.evidence():
        _check_source(portfolio.root, entry, diags)
        _check_supports(entry, present, portfolio.fallout, diags)
        item = entry.item
        if item.type == "image" and not item.alt.strip():
            diags.add(
                "missing-alt",
                f"the image '{item.title}' needs a text alternative",
                hint="add 'alt:' describing what the image shows, for readers who cannot see it",
                **entry.where("type"),
            )


def _check_source(root: Path, entry: EvidenceEntry, diags: Diagnostics) -> None:
    item = entry.item
    if bool(item.file) == bool(item.url):
        both = "both a file and a url" if item.file else "neither a file nor a url"
        diags.add(
            "evidence-source",
            f"evidence '{item.id}' has {both}",
            hint="give exactly one: file: (a file in the portfolio) or url: (a web address)",
            **entry.where("id"),
        )
        return
    if item.file:
        _check_file(root, entry.path.parent, item.file, diags, entry.where("file"))


def _check_file(
    root: Path, base: Path, target: str, diags: Diagnostics, where: dict[str, object]
) -> None:
    _, problem = resolve_local(root, base, target)
    if problem == "outside":
        diags.add(
            "evidence-file-outside",
            f"'{target}' is outside the portfolio folder",
            hint="copy the file into the portfolio (a link or ../ path that leaves the folder "
            "would not be published)",
            **where,
        )
    elif problem == "missing":
        siblings = (
            [p.name for p in (base / target).parent.glob("*")]
            if (base / target).parent.is_dir()
            else []
        )
        diags.add(
            "evidence-file-missing",
            f"there is no file '{target}'" + suggestion(Path(target).name, siblings),
            hint=f"paths are relative to the folder {display_path(base, root)}/; "
            "check the spelling "
            "and the capital letters",
            **where,
        )
    elif problem == "broken-link":
        diags.add(
            "evidence-file-missing",
            f"'{target}' is {describe(problem, base / target)}",
            hint="point the link at the file again, or replace the link with the file itself",
            **where,
        )
    elif problem == "folder":
        diags.add(
            "evidence-file-missing",
            f"'{target}' is {describe(problem, base / target)}, not a file",
            hint="name one file inside it, or zip the folder and give the zip's name",
            **where,
        )
    elif problem is not None:
        diags.add(
            "special-file",
            f"'{target}' is {describe(problem, base / target)}, not an ordinary file, so it "
            "cannot be published",
            hint="save the content as an ordinary file (a PDF, an image, a document) and give "
            "that file's name",
            **where,
        )
    else:
        _check_name(root, (base / target).resolve(), diags, where)


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
    """Why a path inside the site (``files/1a/report.pdf``) would not work everywhere it goes.

    The site is served by cmaltgen, by GitHub Pages and opened from a zip on Windows or macOS,
    and the folder is kept in git: a name must be a legal file name on all of them. Returns
    (what is wrong, how to rename) or ``None``. Any other name is fine: links percent-encode it.
    """
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
    for base, target, where in _file_targets(portfolio):
        source, problem = resolve_local(portfolio.root, base, target)
        if source is None or problem is not None:
            continue
        try:
            rel = source.resolve().relative_to(portfolio.root).as_posix()
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


def _file_targets(portfolio: Portfolio) -> list[tuple[Path, str, dict[str, object]]]:
    """Every local file named in the portfolio: (folder it is relative to, target, where)."""
    found: list[tuple[Path, str, dict[str, object]]] = [
        (entry.path.parent, entry.item.file, entry.where("file"))
        for _, entry in portfolio.evidence()
        if entry.item.file
    ]
    for _, reflection in portfolio.sections():
        for ref in reflection.parsed.references:
            if ref.kind == "file":
                where = {"path": reflection.path, "line": reflection.file_line(ref.line)}
                found.append((reflection.path.parent, ref.target, {**where, "col": ref.col}))
    return found


def _check_name(root: Path, source: Path, diags: Diagnostics, where: dict[str, object]) -> None:
    """The published copy is ``files/<path in the portfolio>``: every part must travel."""
    published = f"files/{source.relative_to(root).as_posix()}"
    found = name_problem(published)
    if found is not None:
        message, hint = found
        shown = os.fsencode(published[len("files/") :]).decode("utf-8", "backslashreplace")
        diags.add("file-name", f"{message}: {shown}", hint=hint, **where)


def _check_supports(
    entry: EvidenceEntry, present: set[str], fallout: Fallout, diags: Diagnostics
) -> None:
    for i, sid in enumerate(entry.item.supports):
        if sid not in present and not fallout.may_have_section(sid):
            diags.add(
                "unknown-section",
                f"evidence '{entry.item.id}' supports '{sid}', which is not a section of this "
                "portfolio" + suggestion(sid, present),
                **entry.where("supports"),
                key=f"supports[{i}]",
                hint="sections here: " + ", ".join(sorted(present)),
            )


def check_references(portfolio: Portfolio, specs: Specs, diags: Diagnostics) -> None:
    ids = {entry.item.id for _, entry in portfolio.evidence()}
    present = portfolio.section_ids()
    fallout = portfolio.fallout
    for _, reflection in portfolio.sections():
        for ref in reflection.parsed.references:
            where = {
                "path": reflection.path,
                "line": reflection.file_line(ref.line),
                "col": ref.col,
            }
            if ref.kind == "evidence" and ref.target not in ids:
                if fallout.may_have_evidence(ref.target):
                    continue  # its item had errors, reported in its evidence.yml
                diags.add(
                    "unknown-evidence",
                    f"no evidence item has the id '{ref.target}'" + suggestion(ref.target, ids),
                    hint="evidence ids are defined in the evidence.yml files",
                    **where,
                )
            elif ref.kind == "section" and ref.target not in present:
                if fallout.may_have_section(ref.target):
                    continue
                diags.add(
                    "unknown-link",
                    f"this portfolio has no section '{ref.target}'"
                    + suggestion(ref.target, present),
                    **where,
                )
            elif ref.kind == "file":
                _check_file(portfolio.root, reflection.path.parent, ref.target, diags, where)
            if ref.image and not ref.text.strip():
                diags.add(
                    "missing-alt",
                    "this image has no text alternative",
                    hint="write it between the brackets: ![what the image shows](file.png)",
                    **where,
                )


def check_uncited(portfolio: Portfolio, specs: Specs, diags: Diagnostics) -> None:
    cited = {
        ref.target
        for _, reflection in portfolio.sections()
        for ref in reflection.parsed.references
        if ref.kind == "evidence"
    }
    for _, entry in portfolio.evidence():
        if entry.item.id not in cited and not portfolio.fallout.may_cite(entry.item.id):
            diags.add(
                "uncited-evidence",
                f"no reflection cites evidence '{entry.item.id}'",
                hint="cite it where you discuss it: "
                f"[{entry.item.title}](evidence:{entry.item.id})",
                **entry.where("id"),
            )


def check_raw_html(portfolio: Portfolio, specs: Specs, diags: Diagnostics) -> None:
    for _, reflection in portfolio.sections():
        for line, col, html in reflection.parsed.raw_html:
            diags.add(
                "raw-html",
                f"HTML such as {html.split(chr(10))[0][:40]!r} is shown as text, not used as HTML",
                path=reflection.path,
                line=reflection.file_line(line),
                col=col,
                hint="use Markdown instead (for example **bold**, ![alt](image.png), [text](url))",
            )


def _template_files(sources: Sources, diags: Diagnostics) -> None:
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


def _folder_names(sources: Sources, diags: Diagnostics) -> None:
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


def _stray_files(portfolio: Portfolio, sources: Sources, diags: Diagnostics) -> None:
    used = {
        (entry.path.parent / entry.item.file).resolve()
        for _, entry in portfolio.evidence()
        if entry.item.file
    }
    unread = {d.source.folder for d in portfolio.docs if not d.evidence_ok}
    for path in stray_files(sources):
        if path.resolve() in used:
            continue
        if path.parent in unread and path.stem not in ("evidence", "reflection"):
            continue  # an item of its evidence.yml that had errors may use it
        hint = "cmaltgen reads reflection.md and evidence.yml in each section folder"
        if path.stem in ("evidence", "reflection"):
            hint = f"rename it to {path.stem}{'.yml' if path.stem == 'evidence' else '.md'}"
        diags.add("stray-file", f"cmaltgen does not read {path.name} here", path=path, hint=hint)


def check_drafts(portfolio: Portfolio, specs: Specs, diags: Diagnostics) -> None:
    for _, reflection in portfolio.sections():
        if reflection.front.draft:
            diags.add(
                "draft",
                f"section {reflection.front.section} is a draft "
                f"({plural(reflection.words, 'word')} so far), so it is left out of the built site",
                hint="when it is ready, remove 'draft: true' from its front matter",
                key="draft",
                **_where(reflection, "draft"),
            )
    for doc, entry in portfolio.evidence():
        home_is_draft = doc.reflection is not None and doc.reflection.front.draft
        if entry.item.draft and not home_is_draft:
            diags.add(
                "draft",
                f"evidence '{entry.item.id}' is a draft, so it is left out of the built site",
                hint="remove 'draft: true' when it is ready; citations of it show as plain text",
                **entry.where("draft"),
            )


PROPRIETARY = {
    ".docx": "Word document",
    ".doc": "Word document",
    ".pptx": "PowerPoint presentation",
    ".ppt": "PowerPoint presentation",
    ".xlsx": "Excel spreadsheet",
    ".xls": "Excel spreadsheet",
    ".key": "Keynote presentation",
    ".pages": "Pages document",
    ".numbers": "Numbers spreadsheet",
}


def check_formats(portfolio: Portfolio, specs: Specs, diags: Diagnostics) -> None:
    """Assessors may lack specialist software: suggest PDF for office formats."""
    config = portfolio.config
    if portfolio.setting_failed("privacy"):
        return  # who sees what depends on the setting that has an error
    for doc, entry in portfolio.evidence():
        if doc.broken is not None:
            continue  # who sees it depends on its section's front matter, which has errors
        kind = PROPRIETARY.get(Path(entry.item.file).suffix.lower()) if entry.item.file else None
        shown = privacy.visible(privacy.item_visibility(entry, doc, config), "assessor")
        if kind and shown and not entry.item.draft:
            diags.add(
                "proprietary-format",
                f"'{entry.item.file}' is {article(kind)}, which assessors may not be able to open",
                hint="export it as PDF (File > Save as > PDF) and point file: at the PDF",
                **entry.where("file"),
            )


PHOTO_PIXELS = 40_000_000  # far more than any portrait; bigger is a mistake or a trap
PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png")


def image_size(path: Path) -> tuple[int, int] | None:
    """Width and height of a JPEG or PNG image, or None if it is not one Pillow can read.

    Only the header is read: the pixels are never decoded.
    """
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path, formats=("JPEG", "PNG")) as image:
            width, height = image.size
    except (OSError, UnidentifiedImageError, Image.DecompressionBombError, ValueError):
        return None
    if width <= 0 or height <= 0 or width * height > PHOTO_PIXELS:
        return None
    return width, height


def check_photo(portfolio: Portfolio, specs: Specs, diags: Diagnostics) -> None:
    """``candidate.photo``: a JPEG or PNG inside the portfolio, with a text alternative."""
    photo = portfolio.config.candidate.photo
    if photo is None:
        return
    marks = portfolio.config_marks
    if not photo.alt.strip():
        diags.add(
            "missing-alt",
            "your photo needs a text alternative",
            key="candidate.photo.alt",
            hint="add 'alt:' under 'photo:' saying what it shows, e.g. "
            "alt: Rowan Ellery smiling, in front of a bookcase",
            **marks.where(("candidate", "photo", "alt")),  # or the photo: line
        )
    where = {"key": "candidate.photo.file", **marks.where(("candidate", "photo", "file"))}
    source, problem = resolve_local(portfolio.root, portfolio.root, photo.file)
    if source is None:
        _photo_missing(portfolio.root, photo.file, problem, diags, where)
        return
    if source.suffix.lower() not in PHOTO_SUFFIXES or image_size(source) is None:
        diags.add(
            "photo-file",
            f"'{photo.file}' is not a JPEG or PNG image cmaltgen can read",
            hint="save the photo as .jpg or .png (under 40 megapixels) and point file: at it",
            **where,
        )
    elif found := images.metadata_in(source):
        if not portfolio.config.privacy.keep_exif:
            return  # the published copy is cleaned; the photo is yours to share as you choose
        diags.add(
            "image-metadata",
            f"your photo '{photo.file}' carries {', '.join(found)} in its metadata, and "
            "privacy.keep_exif publishes it as it is",
            hint="remove the metadata with an image editor, or leave keep_exif out",
            **where,
        )


def check_award(portfolio: Portfolio, specs: Specs, diags: Diagnostics) -> None:
    """``award.pathway`` must be a pathway of the portfolio's guidance version."""
    award = portfolio.config.award
    known = portfolio.framework.pathways
    if award is not None and award.pathway and award.pathway not in known:
        diags.add(
            "invalid-value",
            f"the {portfolio.framework.title} has no pathway '{award.pathway}'",
            key="award.pathway",
            hint="choose one of: " + ", ".join(known),
            **portfolio.config_marks.where(("award", "pathway")),
        )


def _photo_missing(
    root: Path, target: str, problem: str | None, diags: Diagnostics, where: dict[str, Any]
) -> None:
    if problem == "outside":
        message, hint = (
            f"'{target}' is outside the portfolio folder",
            "copy the photo into the portfolio folder; a ../ path or a link that leaves it "
            "would not be published",
        )
    elif problem not in (None, "missing"):
        what = describe(problem, root / target)
        message, hint = f"'{target}' is {what}, not a file", "name the image file itself"
    else:
        parent = (root / target).parent
        names = [p.name for p in parent.glob("*")] if parent.is_dir() else []
        message = f"there is no file '{target}'" + suggestion(Path(target).name, names)
        hint = "the path is relative to the folder holding portfolio.yml; check the spelling "
        hint += "and the capital letters"
    diags.add("photo-file", message, hint=hint, **where)


def check_privacy(portfolio: Portfolio, specs: Specs, diags: Diagnostics) -> None:
    """Personal data in public content (see cmaltgen.rules.privacy)."""
    if portfolio.setting_failed("privacy"):
        return  # who sees what depends on the setting that has an error
    privacy.lint(portfolio.root, portfolio.config, portfolio.docs, diags)


# GitHub Pages refuses a file over 100 MB and a site over 1 GB. ``build`` and ``check`` warn
# (:func:`check_sizes`); ``deploy`` may import these to refuse what Pages would reject.
PAGES_MAX_FILE_BYTES = 100 * 1024 * 1024
PAGES_MAX_SITE_BYTES = 1024 * 1024 * 1024


@dataclass(frozen=True)
class PublishedFile:
    """A portfolio file the public website will copy, with where it is first named."""

    source: Path
    size: int
    where: dict[str, object]


def published_files(portfolio: Portfolio) -> list[PublishedFile]:
    """Files the public site publishes (evidence files and files reflections link to), largest
    first. Only ``stat`` is used: sizes of sparse or huge files cost nothing."""
    found: dict[Path, PublishedFile] = {}

    def add(base: Path, target: str, where: dict[str, object]) -> None:
        source, problem = resolve_local(portfolio.root, base, target)
        if source is None or problem is not None:
            return
        real = source.resolve()
        if real not in found:
            with contextlib.suppress(OSError):
                found[real] = PublishedFile(source, real.stat().st_size, where)

    config = portfolio.config
    for doc, entry in portfolio.evidence():
        public = privacy.item_visibility(entry, doc, config) == privacy.PUBLIC
        if entry.item.file and public:
            add(entry.path.parent, entry.item.file, entry.where("file"))
    for _, reflection in portfolio.sections():
        if privacy.section_visibility(reflection.front, config) != privacy.PUBLIC:
            continue
        for ref in reflection.parsed.references:
            if ref.kind == "file":
                where = {
                    "path": reflection.path,
                    "line": reflection.file_line(ref.line),
                    "col": ref.col,
                }
                add(reflection.path.parent, ref.target, where)
    return sorted(found.values(), key=lambda f: (-f.size, str(f.source)))


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):,.0f} MB" if size < 1024**3 else f"{size / 1024**3:,.1f} GB"


def check_sizes(portfolio: Portfolio, specs: Specs, diags: Diagnostics) -> None:
    """Files GitHub Pages would refuse, said at build rather than at the failed deploy."""
    files = published_files(portfolio)
    for file in files:
        if file.size > PAGES_MAX_FILE_BYTES:
            diags.add(
                "site-file-size",
                f"'{display_path(file.source, portfolio.root)}' is {megabytes(file.size)}; "
                f"GitHub Pages refuses files over {megabytes(PAGES_MAX_FILE_BYTES)}",
                hint="make it smaller (compress a video, export a PDF at a lower quality), or "
                "put it online elsewhere and give its url: instead of file:",
                **file.where,
            )
    total = sum(f.size for f in files)
    if total > PAGES_MAX_SITE_BYTES:
        largest = ", ".join(
            f"{display_path(f.source, portfolio.root)} ({megabytes(f.size)})" for f in files[:3]
        )
        diags.add(
            "site-size",
            f"the files the site publishes add up to {megabytes(total)}; GitHub Pages refuses "
            f"sites over {megabytes(PAGES_MAX_SITE_BYTES)}. Largest: {largest}",
            path=portfolio.root / "portfolio.yml",
            hint="make the largest files smaller, or put them online elsewhere and link to "
            "them with url:",
        )


CHECKS: tuple[Check, ...] = (
    check_drafts,
    check_required_sections,
    check_slot_counts,
    check_titles,
    check_parts,
    check_evidence_per_section,
    check_word_counts,
    check_focus,
    check_examples,
    check_evidence_ids,
    check_evidence_items,
    check_references,
    check_uncited,
    check_raw_html,
    check_formats,
    check_photo,
    check_award,
    check_privacy,
    accessibility.check_content,
    check_sizes,
    check_name_clashes,
    *guidance.GUIDANCE_CHECKS,
)
