"""Validate stage: named checks against the pathway and across documents.

Each check adds located diagnostics and never raises. A document whose file failed to parse is
absent (``reflection is None``), so its dependent checks are skipped rather than piled on.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from cmaltgen import accessibility, guidance, privacy
from cmaltgen.accept import Entry
from cmaltgen.config import PortfolioConfig
from cmaltgen.diagnostics import Diagnostics, Severity, did_you_mean, display_path, suggestion
from cmaltgen.documents import EvidenceEntry, Reflection, SectionDoc
from cmaltgen.framework import SLOT_PREFIX, Framework, Pathway, SectionSpec, latest, versions
from cmaltgen.framework import framework as load_framework
from cmaltgen.sources import LineMap, Sources, resolve_local, stray_files

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
                f"needs at least {count.min} {slot} area(s) and this portfolio has {len(have)}"
            )
        elif count.max and len(have) > count.max:
            problem = (
                f"allows at most {count.max} {slot} area(s) and this portfolio has {len(have)}"
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
                f"this section has {words} words; the guidance asks for {low}-{high or 'any'}",
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
                f"{examples} '###' example heading(s)",
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
    elif problem == "not-a-file":
        diags.add("evidence-file-missing", f"'{target}' is a folder, not a file", **where)


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
                f"section {reflection.front.section} is a draft ({reflection.words} words so "
                "far), so it is left out of the built site",
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
                f"'{entry.item.file}' is a {kind}, which assessors may not be able to open",
                hint="export it as PDF (File > Save as > PDF) and point file: at the PDF",
                **entry.where("file"),
            )


def check_privacy(portfolio: Portfolio, specs: Specs, diags: Diagnostics) -> None:
    """Personal data in public content (see cmaltgen.privacy)."""
    if portfolio.setting_failed("privacy"):
        return  # who sees what depends on the setting that has an error
    privacy.lint(portfolio.root, portfolio.config, portfolio.docs, diags)


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
    check_privacy,
    accessibility.check_content,
    *guidance.GUIDANCE_CHECKS,
)
