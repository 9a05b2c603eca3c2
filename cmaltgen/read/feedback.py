"""Feedback on a portfolio: reviewers' comments kept as data in ``feedback/NAME.yml``.

A feedback file names a reviewer and lists comments, each about a section and, optionally,
one paragraph of it (by its stable id, ``p-4f2a9c``, or by its number as shown, ``¶4``).
This module loads and checks the files (:func:`load_feedback`), ties each comment to the
paragraph it is about (:func:`attach`) and, for ``serve`` only, shows open comments beside
their paragraphs (:class:`FeedbackAnnotator`). Feedback is never published: the public site,
its manifest, feed and sitemap never see it, and nothing in ``feedback/`` is copied anywhere.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import re
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from cmaltgen.diagnostics import Diagnostics, display_path, suggestion
from cmaltgen.read.markdown import Paragraph
from cmaltgen.read.schema import Context, PartialDate, load, spec
from cmaltgen.read.sources import (
    EVIDENCE_NAME,
    FEEDBACK_DIR,
    REFLECTION_NAME,
    LineMap,
    load_yaml,
    read_text,
    resolve_local,
)

if TYPE_CHECKING:
    from cmaltgen.read.documents import Reflection
    from cmaltgen.rules.validate import Portfolio

log = logging.getLogger(__name__)

ROLES = ("mentor", "colleague", "assessor")
STATUSES = ("open", "addressed")
# A paragraph as a reviewer names it: its id (p-4f2a9c, p-4f2a9c-2) or its number (¶4, 4).
PARAGRAPH_PATTERN = r"^(p-[0-9a-f]{6}(-[0-9]+)?|¶? ?[0-9]+)$"


@dataclass(frozen=True, kw_only=True)
class FeedbackEntry:
    """One comment on a section, or on one paragraph of it."""

    section: str = field(metadata=spec("The section it is about, e.g. 3a.", example="3a"))
    paragraph: str = field(
        default="",
        metadata=spec(
            "The paragraph it is about: its id as serve shows it (p-4f2a9c) or its number "
            "(¶4). Leave out for the whole section.",
            pattern=PARAGRAPH_PATTERN,
            hint="write the paragraph's id as 'cmaltgen serve' shows it (p-4f2a9c) or its "
            "number (¶4); leave 'paragraph' out for the whole section",
        ),
    )
    text: str = field(metadata=spec("What the reviewer says."))
    status: str = field(
        default="open",
        metadata=spec("open, or addressed once you have dealt with it.", choices=STATUSES),
    )
    response: str = field(
        default="", metadata=spec("Your reply: what you changed, or why you did not.")
    )


@dataclass(frozen=True, kw_only=True)
class FeedbackFile:
    """A reviewer's feedback file, kept in the feedback folder and never published."""

    reviewer: str = field(metadata=spec("Who gave the feedback.", example="Sam Lee"))
    role: str = field(metadata=spec("Their role in your CMALT journey.", choices=ROLES))
    date: PartialDate = field(metadata=spec("When they gave it (YYYY-MM-DD)."))
    items: tuple[FeedbackEntry, ...] = field(metadata=spec("Their comments, one per item."))


@dataclass(frozen=True)
class FeedbackItem:
    """One comment, located in its feedback file and tied to a section and paragraph."""

    file: Path
    line: int  # of the item in its file
    reviewer: str
    role: str
    date: PartialDate
    section: str
    paragraph: str | None  # a paragraph id once resolved (attach), else as written
    text: str
    status: str
    response: str
    number: int = 0  # the paragraph's number ("¶4") once resolved
    index: int = 0  # its place in the file's items list
    found: bool = True  # False when the section or paragraph no longer exists

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    @property
    def reference(self) -> str:
        """ "3a ¶4", or "3a" for a comment on the whole section."""
        return f"{self.section} ¶{self.number}" if self.number else self.section

    def where(self, name: str, linemaps: dict[Path, LineMap]) -> dict[str, Any]:
        linemap = linemaps.get(self.file)
        if linemap is None:
            return {"path": self.file, "line": self.line, "col": 1}
        return dict(linemap.where(("items", self.index, name)))


class Loaded(NamedTuple):
    items: list[FeedbackItem]
    linemaps: dict[Path, LineMap]  # feedback file -> its LineMap, for later located messages


def feedback_files(root: Path, diags: Diagnostics) -> list[Path]:
    """The YAML files in ``feedback/`` (a section written there is reported, not read)."""
    folder = root / FEEDBACK_DIR
    if not folder.is_dir():
        return []
    section = folder / REFLECTION_NAME
    if section.exists():
        diags.add(
            "stray-file",
            "the feedback folder holds feedback files, so this section is not read",
            path=section,
            hint="move the section to a folder of another name, such as feedback-practice/",
        )
    return sorted(
        p
        for p in folder.iterdir()
        if p.suffix in (".yml", ".yaml")
        and not p.name.startswith(".")
        and not (section.exists() and p.name == EVIDENCE_NAME)
    )


def load_feedback(root: Path, diags: Diagnostics, today: dt.date) -> list[FeedbackItem]:
    """Every comment in ``root/feedback/*.yml``; problems become located diagnostics."""
    return load_all(root, diags, today).items


def load_all(root: Path, diags: Diagnostics, today: dt.date) -> Loaded:
    loaded = Loaded([], {})
    for path in feedback_files(root, diags):
        text = read_text(path, diags)
        parsed = load_yaml(text, path, diags) if text is not None else None
        if parsed is None:
            continue
        data, linemap = parsed
        loaded.linemaps[path] = linemap
        loaded.items.extend(_items(path, data, linemap, diags, today))
    log.debug("read %d feedback items", len(loaded.items))
    return loaded


def _items(
    path: Path, data: Any, linemap: LineMap, diags: Diagnostics, today: dt.date
) -> list[FeedbackItem]:
    whole = load(FeedbackFile, data, (), Context(linemap, diags, today))
    if whole is None:
        return []
    items: list[FeedbackItem] = []
    quiet = Context(linemap, Diagnostics(), today)  # each problem was reported just above
    for i, raw in enumerate(data.get("items") or []):
        entry = load(FeedbackEntry, raw, ("items", i), quiet)
        if entry is None:
            continue
        line = linemap.at(("items", i))[0]
        if not entry.text:
            diags.add(
                "missing-key",
                "this comment has no words",
                key=f"items[{i}].text",
                hint="write the comment after 'text:', or remove the item",
                **linemap.where(("items", i, "text")),
            )
            continue
        items.append(
            FeedbackItem(
                path, line, whole.reviewer, whole.role, whole.date, entry.section,
                entry.paragraph or None, entry.text, entry.status, entry.response, index=i,
            )
        )  # fmt: skip
    return items


# ------------------------------------------------------------------ tie to paragraphs


def attach(loaded: Loaded, portfolio: Portfolio, diags: Diagnostics) -> list[FeedbackItem]:
    """Resolve each comment's paragraph; warn, at both places, about ones that are gone."""
    sections = {r.front.section: r for _, r in portfolio.sections()}
    unreadable = any(d.reflection is None for d in portfolio.docs)
    attached: list[FeedbackItem] = []
    for item in loaded.items:
        if item.section not in sections and item.section.lower() in sections:
            item = _replace(item, section=item.section.lower())  # "3A" as a heading shows it
        reflection = sections.get(item.section)
        if reflection is None:
            if not unreadable:  # a section whose file failed to read may be the one named
                _unknown_section(item, sorted(sections), loaded.linemaps, diags)
            attached.append(_replace(item, found=False))
            continue
        attached.append(_resolve(item, reflection, portfolio.root, loaded.linemaps, diags))
    check_not_published(portfolio, diags)
    return attached


def _replace(item: FeedbackItem, **changes: Any) -> FeedbackItem:
    return dataclasses.replace(item, **changes)


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
        return _replace(item, paragraph=found.id, number=found.number)
    where = display_path(reflection.path, root)
    count = len(paragraphs)
    line = reflection.file_line(paragraphs[-1].line if paragraphs else 1)
    now = f"¶1 to ¶{count}" if count > 1 else ("¶1" if count else "no paragraphs")
    diags.add(
        "feedback-paragraph",
        f"this feedback is about paragraph '{item.paragraph}' of section {item.section}, "
        "which is no longer there (the paragraph was edited, moved or removed)",
        key=f"items[{item.index}].paragraph",
        hint=f"section {item.section} is {where}:{reflection.file_line(1)} and now has {now} "
        f"(the last at {where}:{line}); find the paragraph the comment meant in "
        "'cmaltgen serve' and write its id here, or leave 'paragraph' out for the whole section",
        **item.where("paragraph", linemaps),
    )
    return _replace(item, found=False)


def find_paragraph(written: str, paragraphs: list[Paragraph]) -> Paragraph | None:
    """The paragraph ``written`` names: an id (p-4f2a9c) or a number (¶4, 4)."""
    number = re.fullmatch(r"¶ ?([0-9]+)", written) or re.fullmatch(r"([0-9]+)", written)
    if number:
        n = int(number.group(1))
        return paragraphs[n - 1] if 0 < n <= len(paragraphs) else None
    return next((p for p in paragraphs if p.id == written), None)


def check_not_published(portfolio: Portfolio, diags: Diagnostics) -> None:
    """Feedback must never be published: refuse evidence and links that name its files."""
    folder = (portfolio.root / FEEDBACK_DIR).resolve()
    for _, entry in portfolio.evidence():
        if entry.item.file and _inside(portfolio.root, entry.path.parent, entry.item.file, folder):
            _published(entry.item.file, diags, entry.where("file"))
    for _, reflection in portfolio.sections():
        for ref in reflection.parsed.references:
            base = reflection.path.parent
            if ref.kind == "file" and _inside(portfolio.root, base, ref.target, folder):
                line = reflection.file_line(ref.line)
                _published(
                    ref.target, diags, {"path": reflection.path, "line": line, "col": ref.col}
                )


def _inside(root: Path, base: Path, target: str, folder: Path) -> bool:
    source, _ = resolve_local(root, base, target)
    return source is not None and source.resolve().is_relative_to(folder)


def _published(target: str, diags: Diagnostics, where: dict[str, Any]) -> None:
    diags.add(
        "feedback-published",
        f"'{target}' is in the feedback folder, which is never published",
        hint="feedback stays private to you and your reviewers; cite something else",
        **where,
    )


# ------------------------------------------------------------------ showing it (serve)


def short_date(date: PartialDate) -> str:
    """``2 Oct 2026`` (or ``Oct 2026``, ``2026``): compact, for lists and e-mails."""
    if not date.month:
        return str(date.year)
    month = dt.date(2000, date.month, 1).strftime("%b")
    return f"{date.day} {month} {date.year}" if date.day else f"{month} {date.year}"


def by_section(items: list[FeedbackItem]) -> dict[str, list[FeedbackItem]]:
    """Open comments grouped by section, in paragraph order (whole-section ones first)."""
    grouped: dict[str, list[FeedbackItem]] = {}
    for item in sorted(items, key=lambda i: (i.number, i.date, i.reviewer)):
        if item.is_open:
            grouped.setdefault(item.section, []).append(item)
    return grouped


@dataclass
class ParagraphRefs:
    """Shows "3a ¶4" before each paragraph (the printable page): no feedback."""

    label: str

    def after(self, paragraph: Paragraph, ident: str, heading_level: int) -> str:
        return ""

    def details(self, paragraph: Paragraph, ident: str) -> str | None:
        return None


@dataclass
class FeedbackAnnotator(ParagraphRefs):
    """Shows open feedback in a note after the paragraph it is about (serve's preview)."""

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
        f'<time datetime="{i.date.iso()}">{escape(short_date(i.date))}</time>)'
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
