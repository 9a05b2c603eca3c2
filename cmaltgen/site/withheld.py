"""Citations of evidence an edition leaves out for privacy (``Site.withheld``): a note or a
warning for each."""

from __future__ import annotations

from pathlib import Path

from cmaltgen.diagnostics import Diagnostics
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
    for section in site.sections:
        reflection = section.reflection
        for ref in reflection.parsed.references:
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


def _shown(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
