"""Paragraph references ("3a ¶4") and open feedback beside paragraphs, as HTML.

Only the printable page and ``serve``'s preview use these; the public site never does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

from cmaltgen.read.feedback import FeedbackItem
from cmaltgen.read.markdown_scan import Paragraph


@dataclass
class ParagraphRefs:
    """Shows "3a ¶4" before each paragraph and open feedback in a note after the paragraph
    it is about (serve's preview; the printable page has no ``items``)."""

    label: str
    items: list[FeedbackItem] = field(default_factory=list)

    def _for(self, paragraph: Paragraph) -> list[FeedbackItem]:
        return [i for i in self.items if i.is_open and i.found and i.paragraph == paragraph.id]

    def details(self, paragraph: Paragraph, ident: str) -> str | None:
        return f"feedback-{ident}" if self._for(paragraph) else None

    def after(self, paragraph: Paragraph, ident: str, heading_level: int) -> str:
        items = self._for(paragraph)
        if not items:
            return ""
        return note_html(
            f"feedback-{ident}", f"Feedback on {self.label} ¶{paragraph.number}",
            f"#{ident}", items, heading_level,
        )  # fmt: skip

    def section_note(self, ident: str, heading_level: int) -> str:
        """Open comments on the whole section (or on paragraphs no longer there)."""
        items = [i for i in self.items if i.is_open and (not i.paragraph or not i.found)]
        if not items:
            return ""
        return note_html(ident, f"Feedback on section {self.label}", "", items, heading_level)


def note_html(ident: str, title: str, target: str, items: list[FeedbackItem], level: int) -> str:
    """A labelled note: a heading (linking back to the paragraph) and the comments."""
    heading = f'<a href="{escape(target)}">{escape(title)}</a>' if target else escape(title)
    comments = "".join(
        f"<li><p><strong>{escape(i.reviewer)}</strong> ({escape(i.role)}, "
        f'<time datetime="{i.date.iso()}">{escape(i.date.human("%b"))}</time>)'
        + (f" on {escape(i.paragraph)}, which is no longer there" if not i.found and i.paragraph
           else "")
        + f":</p><p>{escape(i.text)}</p></li>"
        for i in items
    )  # fmt: skip
    return (
        f'<div class="cmaltgen-feedback" id="{escape(ident)}" role="note" '
        f'aria-labelledby="{escape(ident)}-heading">'
        f'<h{level} id="{escape(ident)}-heading">{heading}</h{level}>'
        f"<ul>{comments}</ul></div>\n"
    )
