"""Reviewers' comments, kept as data in ``feedback/NAME.yml``: each about a section and,
optionally, one paragraph of it (its id ``p-4f2a9c`` or its number ``¶4``).

This module loads and checks them; ``cmaltgen.rules.feedback`` ties each to its paragraph
and ``serve`` shows open ones beside it. Feedback is never published: nothing in
``feedback/`` reaches the public site, its manifest, feed or sitemap.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from cmaltgen.diagnostics import Diagnostics
from cmaltgen.read.dates import PartialDate
from cmaltgen.read.located_yaml import LineMap, load_yaml
from cmaltgen.read.safe_read import read_text
from cmaltgen.read.schema import Context, load, spec
from cmaltgen.read.sources import EVIDENCE_NAME, FEEDBACK_DIR, REFLECTION_NAME

log = logging.getLogger(__name__)

ROLES = ("mentor", "colleague", "assessor")
STATUSES = ("open", "addressed")
# A paragraph as a reviewer names it: its id (p-4f2a9c, p-4f2a9c-2) or its number (¶4, 4).
PARAGRAPH_PATTERN = r"^(p-[0-9a-f]{6}(-[0-9]+)?|¶? ?[0-9]+)$"


@dataclass(frozen=True, kw_only=True)
class FeedbackEntry:
    """One comment on a section, or on one paragraph of it."""

    section: str = spec("The section it is about, e.g. 3a.", example="3a")
    paragraph: str = spec(
        "The paragraph it is about: its id as serve shows it (p-4f2a9c) or its number "
        "(¶4). Leave out for the whole section.",
        pattern=PARAGRAPH_PATTERN,
        hint="write the paragraph's id as 'cmaltgen serve' shows it (p-4f2a9c) or its "
        "number (¶4); leave 'paragraph' out for the whole section",
        default="",
    )
    text: str = spec("What the reviewer says.")
    status: str = spec(
        "open, or addressed once you have dealt with it.", choices=STATUSES, default="open"
    )
    response: str = spec("Your reply: what you changed, or why you did not.", default="")


@dataclass(frozen=True, kw_only=True)
class FeedbackFile:
    """A reviewer's feedback file, kept in the feedback folder and never published."""

    reviewer: str = spec("Who gave the feedback.", example="Sam Lee")
    role: str = spec("Their role in your CMALT journey.", choices=ROLES)
    date: PartialDate = spec("When they gave it (YYYY-MM-DD).")
    items: tuple[FeedbackEntry, ...] = spec("Their comments, one per item.")


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


def load_all(root: Path, diags: Diagnostics, today: dt.date) -> Loaded:
    """Every comment in ``root/feedback/*.yml``; problems become located diagnostics."""
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
