"""Citations of evidence an edition leaves out for privacy (``Site.withheld``), and links to
sections it leaves out: a note or a warning for each."""

from __future__ import annotations

from pathlib import Path

from cmaltgen.diagnostics import Diagnostics
from cmaltgen.read.documents import Reflection
from cmaltgen.read.markdown_scan import Reference
from cmaltgen.rules import privacy
from cmaltgen.site.structure import Site


def check_withheld_citations(site: Site, diags: Diagnostics) -> list[str]:
    """Tell the author about each citation of an item this edition leaves out for privacy.

    Its words show without a link. When the page says why ("(evidence available to
    assessors)") that is the intended way to mention such an item, and the author gets a
    located note; when the link goes silently (a private item, or an empty citation whose
    words are nothing) the author gets a ``withheld-citation`` warning to reread the sentence.
    """
    notes: list[str] = []
    where = "the public site" if site.edition == "public" else "the assessor edition"
    left_out = _left_out_sections(site)
    for section in site.sections:
        reflection = section.reflection
        for ref in reflection.parsed.references:
            if ref.kind == "section" and ref.target in left_out:
                _section_link(site, reflection, ref, left_out[ref.target], diags, notes)
                continue
            level = site.withheld.get(ref.target) if ref.kind == "evidence" else None
            if level is None:
                continue
            kind = "assessors-only" if level == privacy.ASSESSORS else "private"
            note = site.withheld_note(ref.target)
            said = f"this cites '{ref.target}', which is {kind}; {where} shows "
            line = reflection.file_line(ref.line)
            if ref.text and note:
                shown = _shown(reflection.path, site.portfolio.root)
                notes.append(f"{shown}:{line}:{ref.col}: {said}its text, unlinked, then ({note})")
                continue
            if ref.text:
                said += "the text without a link"
            else:
                said += f"only ({note}) for this empty citation" if note else "nothing for it"
            diags.add(
                "withheld-citation",
                said,
                path=reflection.path,
                line=line,
                col=ref.col,
                hint=(
                    "check the sentence still reads well without the link"
                    if ref.text
                    else f"give the citation words, e.g. [my appraisal](evidence:{ref.target})"
                )
                + ", or change the item's visibility in evidence.yml",
            )
    return notes


def _left_out_sections(site: Site) -> dict[str, str]:
    """Each section of the portfolio this edition leaves out, and why, in words."""
    shown = {s.id for s in site.sections}
    config = site.portfolio.config
    why: dict[str, str] = {}
    for _, reflection in site.portfolio.sections():
        front = reflection.front
        if front.section not in shown:
            level = privacy.section_visibility(front, config)
            kind = "private" if level == privacy.PRIVATE else "assessors-only"
            why.setdefault(front.section, "a draft" if front.draft else kind)
    return why


def _section_link(
    site: Site,
    reflection: Reflection,
    ref: Reference,
    why: str,
    diags: Diagnostics,
    notes: list[str],
) -> None:
    """A link to a section this edition leaves out keeps its words, unlinked: a note; an empty
    one has no words, so it vanishes from the sentence: a warning."""
    where = "the public site" if site.edition == "public" else "the assessor edition"
    said = f"this links to section {ref.target}, which is {why}; {where} shows "
    line = reflection.file_line(ref.line)
    if ref.text:
        shown = _shown(reflection.path, site.portfolio.root)
        notes.append(f"{shown}:{line}:{ref.col}: {said}its text without a link")
        return
    diags.add(
        "withheld-citation",
        said + "nothing for this empty link",
        path=reflection.path,
        line=line,
        col=ref.col,
        hint=f"give the link words, e.g. [my work on it](section:{ref.target}), or link to "
        "a section this edition shows",
    )


def _shown(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
