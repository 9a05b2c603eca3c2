"""Validate stage: :data:`CHECKS`, the ordered list of rules, and the pathway's section structure.

Each check adds located diagnostics and never raises; a document whose file failed to parse is
absent (``reflection is None``), so its dependent checks are skipped.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from cmaltgen.codes import Severity
from cmaltgen.diagnostics import Diagnostics, display_path, suggestion
from cmaltgen.read.config import PortfolioConfig
from cmaltgen.read.documents import Reflection
from cmaltgen.read.framework import SLOT_PREFIX, Framework, Pathway, latest, versions
from cmaltgen.read.framework import framework as load_framework
from cmaltgen.read.located_yaml import LineMap
from cmaltgen.read.portfolio import Portfolio, Specs
from cmaltgen.read.sources import Sources
from cmaltgen.rules import accessibility, evidence, files, guidance, privacy, settings, sizes
from cmaltgen.wording import plural

log = logging.getLogger(__name__)


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


def validate(portfolio: Portfolio, sources: Sources, *, errors_only: bool = False) -> Diagnostics:
    """Run every check; return all findings. ``errors_only`` skips the checks that can only
    give warnings (:data:`WARNINGS_ONLY`): a cohort hub reports only its members' errors."""
    diags = Diagnostics()
    settings.check_values(portfolio, diags)
    specs = _section_specs(portfolio, diags)
    for check in CHECKS:
        if not (errors_only and check in WARNINGS_ONLY):
            check(portfolio, specs, diags)
    if not errors_only:
        files.check_stray_files(portfolio, sources, diags)
    files.check_folder_names(sources, diags)
    files.check_template_files(sources, diags)
    log.debug("validation found %d problems", len(diags))
    return diags


Check = Callable[[Portfolio, Specs, Diagnostics], None]


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
                **reflection.where("section"),
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
        **reflection.where("section"),
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
                **reflection.where("section"),
            )


def check_parts(portfolio: Portfolio, specs: Specs, diags: Diagnostics) -> None:
    for _, reflection in portfolio.sections():
        if reflection.front.draft:
            continue  # unfinished by definition; check_drafts reports it once
        spec = specs.get(reflection.front.section)
        for part in spec.parts if spec else ():
            found = reflection.parts.get(part)
            if found is None:
                near = guidance.near_miss(reflection, part)
                diags.add(
                    "missing-part",
                    f"this assessed section has no '## {part.title()}' heading",
                    **(
                        reflection.at_body(near[0]) if near else reflection.at(reflection.body_line)
                    ),
                    hint=near[1]
                    if near
                    else f"add a line '## {part.title()}' followed by your {part}",
                )
            elif found.words == 0:
                diags.add(
                    "empty-part",
                    f"the {part.title()} part has no text",
                    **reflection.at(found.line),
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
                **reflection.at(1),
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
        asks, hint = "the guidance asks for", "set your own range under 'words:' in portfolio.yml"
        if sid in portfolio.config.words:
            low, high = portfolio.config.words[sid].min, portfolio.config.words[sid].max
            line, _ = portfolio.config_marks.at(("words", sid))
            asks, hint = "your own range, in portfolio.yml, is", f"change it there, on line {line}"
        words = reflection.words
        if (low and words < low) or (high and words > high):
            wanted = (
                f"{low}-{high}" if low and high else f"at least {low}" if low else f"at most {high}"
            )
            diags.add(
                "word-count",
                f"this section has {plural(words, 'word')}; {asks} {wanted}",
                **reflection.at(reflection.body_line),
                hint=f"{'shorten' if high and words > high else 'expand'} the section, or {hint}",
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
                **reflection.where("focus"),
            )
        elif not focus and spec.focus_required:
            diags.add(
                "section-focus",
                f"in the {portfolio.pathway.title} pathway section {spec.id} must cover {allowed}",
                severity=Severity.WARNING,
                hint=f"say so in the front matter: focus: {spec.focus_allowed[0]}",
                **reflection.where("section"),
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
                **reflection.at(part.line),
                hint="give each example its own ### heading inside the Description",
            )


def check_drafts(portfolio: Portfolio, specs: Specs, diags: Diagnostics) -> None:
    for _, reflection in portfolio.sections():
        if reflection.front.draft:
            diags.add(
                "draft",
                f"section {reflection.front.section} is a draft "
                f"({plural(reflection.words, 'word')} so far), so it is left out of the built site",
                hint="when it is ready, remove 'draft: true' from its front matter",
                key="draft",
                **reflection.where("draft"),
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
    evidence.check_evidence_ids,
    evidence.check_evidence_items,
    evidence.check_references,
    evidence.check_uncited,
    accessibility.check_raw_html,
    evidence.check_formats,
    settings.check_photo,
    settings.check_placeholders,
    settings.check_award,
    settings.check_cpd,
    privacy.check_personal_data,
    privacy.check_contacts,
    accessibility.check_content,
    sizes.check_sizes,
    files.check_name_clashes,
    *guidance.GUIDANCE_CHECKS,
)

# The checks whose every finding is a warning (their codes' declared severity, never raised).
# ``validate(..., errors_only=True)`` skips them; a check that can give an error is not here.
WARNINGS_ONLY: frozenset[Check] = frozenset(
    {
        check_drafts,
        check_word_counts,
        check_examples,
        evidence.check_uncited,
        accessibility.check_raw_html,
        evidence.check_formats,
        settings.check_placeholders,
        privacy.check_contacts,
        accessibility.check_content,
        sizes.check_sizes,
        *guidance.GUIDANCE_CHECKS,
    }
)
