"""Feedback comments matched to their paragraphs; ``feedback/`` files are never published."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from cmaltgen.diagnostics import Diagnostics, display_path, suggestion
from cmaltgen.read.documents import Reflection
from cmaltgen.read.located_yaml import LineMap
from cmaltgen.read.markdown_scan import Paragraph
from cmaltgen.read.portfolio import Portfolio
from cmaltgen.read.sources import FEEDBACK_DIR, real_path, resolve_local
from cmaltgen.rules.files import file_targets
from cmaltgen.wording import plural

if TYPE_CHECKING:  # read only for a portfolio with a feedback/ folder
    from cmaltgen.read.feedback import FeedbackItem, Loaded


def attach(loaded: Loaded, portfolio: Portfolio, diags: Diagnostics) -> list[FeedbackItem]:
    """Resolve each comment's paragraph; warn, at both places, about ones that are gone."""
    sections = {r.front.section: r for _, r in portfolio.sections()}
    unreadable = any(d.reflection is None for d in portfolio.docs)
    attached: list[FeedbackItem] = []
    for item in loaded.items:
        if item.section not in sections and item.section.lower() in sections:
            item = replace(item, section=item.section.lower())  # "3A" as a heading shows it
        reflection = sections.get(item.section)
        if reflection is None:
            if not unreadable:  # a section whose file failed to read may be the one named
                _unknown_section(item, sorted(sections), loaded.linemaps, diags)
            attached.append(replace(item, found=False))
            continue
        attached.append(_resolve(item, reflection, portfolio.root, loaded.linemaps, diags))
    check_not_published(portfolio, diags)
    return attached


def _unknown_section(
    item: FeedbackItem, known: list[str], linemaps: dict[Path, LineMap], diags: Diagnostics
) -> None:
    diags.add(
        "feedback-section",
        f"this feedback is about section '{item.section}', which the portfolio does not have"
        + suggestion(item.section, known),
        key=f"items[{item.index}].section",
        hint="the portfolio's sections are "
        + (", ".join(known) or "none yet")
        + "; correct the section, or mark the comment addressed if the section is gone",
        **item.where("section", linemaps),
    )


def _resolve(
    item: FeedbackItem,
    reflection: Reflection,
    root: Path,
    linemaps: dict[Path, LineMap],
    diags: Diagnostics,
) -> FeedbackItem:
    if item.paragraph is None:
        return item
    paragraphs = reflection.parsed.paragraphs
    found = find_paragraph(item.paragraph, paragraphs)
    if found is not None:
        return replace(item, paragraph=found.id, number=found.number)
    where = display_path(reflection.path, root)
    count = len(paragraphs)
    line = reflection.file_line(paragraphs[-1].line if paragraphs else 1)
    now = f"¶1 to ¶{count}" if count > 1 else ("¶1" if count else "no paragraphs")
    diags.add(
        "feedback-paragraph",
        f"this feedback is about paragraph '{item.paragraph}' of section {item.section}, "
        + (
            f"which has {plural(count, 'paragraph')} now"
            if _number(item.paragraph)
            else "which is no longer there (the paragraph was edited, moved or removed)"
        ),
        key=f"items[{item.index}].paragraph",
        hint=f"section {item.section} is {where}:{reflection.file_line(1)} and now has {now} "
        f"(the last at {where}:{line}); find the paragraph the comment meant in "
        "'cmaltgen serve' and write its id here, or leave 'paragraph' out for the whole section",
        **item.where("paragraph", linemaps),
    )
    return replace(item, found=False)


def find_paragraph(written: str, paragraphs: list[Paragraph]) -> Paragraph | None:
    """The paragraph ``written`` names: an id (p-4f2a9c) or a number (¶4, 4)."""
    number = _number(written)
    if number:
        n = int(number.group(1))
        return paragraphs[n - 1] if 0 < n <= len(paragraphs) else None
    return next((p for p in paragraphs if p.id == written), None)


def _number(written: str) -> re.Match[str] | None:
    return re.fullmatch(r"¶ ?([0-9]+)", written) or re.fullmatch(r"([0-9]+)", written)


def check_not_published(portfolio: Portfolio, diags: Diagnostics) -> None:
    """Feedback must never be published: refuse evidence and links that name its files."""
    folder = real_path(portfolio.root / FEEDBACK_DIR)
    for base, target, where in file_targets(portfolio):
        source, _ = resolve_local(portfolio.root, base, target)
        if source is not None and real_path(source).is_relative_to(folder):
            diags.add(
                "feedback-published",
                f"'{target}' is in the feedback folder, which is never published",
                hint="feedback stays private to you and your reviewers; cite something else",
                **where,
            )
