"""Parse stage: each section folder becomes a :class:`SectionDoc` (reflection + evidence)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from cmaltgen import wording
from cmaltgen.diagnostics import Diagnostic, Diagnostics
from cmaltgen.read import markdown, schema
from cmaltgen.read.document_fields import EvidenceItem, FrontMatter
from cmaltgen.read.located_yaml import LineMap, load_yaml
from cmaltgen.read.safe_read import (
    decode_text,
    front_matter_slip,
    read_bytes,
    read_parsed,
    split_front_matter,
)
from cmaltgen.read.sources import SectionSource

PART_NAMES = ("description", "reflection")


class Part(NamedTuple):
    """A ``## Description`` or ``## Reflection`` part of a body."""

    name: str
    line: int  # of its heading, in the reflection file
    words: int
    first_text: str


@dataclass(eq=False)
class Reflection:
    path: Path
    front: FrontMatter
    body_line: int  # file line where the Markdown body starts
    parsed: markdown.ParsedMarkdown
    parts: dict[str, Part]
    words: int
    front_marks: LineMap
    body: str = ""  # the Markdown as written, for checks that locate text in it
    text: str = ""  # the whole file as read (newlines as \n), for checks that scan its lines
    plain: str = ""  # the body's prose as one line (markdown.plain_text of all its tokens)

    def file_line(self, body_line: int) -> int:
        return body_line + self.body_line - 1

    def at(self, line: int, col: int = 1) -> dict[str, Any]:
        """Keyword arguments for :meth:`Diagnostics.add` locating ``line`` of this file."""
        return {"path": self.path, "line": line, "col": col}

    def at_body(self, line: int, col: int = 1) -> dict[str, Any]:
        """The same for ``line`` of the Markdown body."""
        return self.at(self.file_line(line), col)

    def where(self, key: str) -> dict[str, Any]:
        """The same for front-matter setting ``key``."""
        return self.front_marks.where((key,))


class EvidenceEntry(NamedTuple):
    item: EvidenceItem
    path: Path  # the evidence.yml that lists it
    line: int
    col: int
    fields: dict[str, tuple[int, int]]  # where each field's value is

    def at(self, name: str) -> tuple[int, int]:
        """Line and column of field ``name``, or of the item when the field is absent."""
        return self.fields.get(name, (self.line, self.col))

    def where(self, name: str) -> dict[str, Any]:
        """Keyword arguments locating field ``name`` for :meth:`Diagnostics.add`."""
        line, col = self.at(name)
        return {"path": self.path, "line": line, "col": col}


class Broken(NamedTuple):
    """What a reflection that failed to parse still tells, read loosely from its text.

    Its own error is reported; checks use this to leave out errors that would only follow
    from it (its section "missing", the evidence it cites "uncited")."""

    section: str | None  # the section id its front matter names; None if unreadable
    cites: frozenset[str] | None  # evidence ids its text cites; None if unreadable


class EvidenceFile(NamedTuple):
    """The usable items of an evidence.yml, and the ids of those that were not usable."""

    entries: list[EvidenceEntry]
    ok: bool  # the whole file was usable
    lost: frozenset[str] | None  # ids of items with errors; None: they could not be read
    text: str = ""  # the file as read (newlines as \n), when it has usable items


@dataclass(eq=False)
class SectionDoc:
    source: SectionSource
    reflection: Reflection | None
    evidence: list[EvidenceEntry] = field(default_factory=list)
    evidence_ok: bool = True
    broken: Broken | None = None  # set when the reflection failed to parse
    lost_evidence: frozenset[str] | None = frozenset()  # see EvidenceFile.lost
    evidence_text: str = ""  # see EvidenceFile.text

    @property
    def section_id(self) -> str | None:
        return self.reflection.front.section if self.reflection else None


T = TypeVar("T")


class ParseCache:
    """Parsed files kept in memory from one build to the next (``serve`` rebuilds on every save).

    A parse depends only on the file's bytes and today's date, so an unchanged file is not
    parsed again: the kept result is used (later stages never change it) and what its parse
    reported is reported again."""

    def __init__(self) -> None:
        self._kept: dict[Path, tuple[bytes, dt.date, Any, tuple[Diagnostic, ...]]] = {}
        self.parsed = 0  # files parsed (not taken from the cache) since this cache was made
        # Cleaned images by source file, for the render stage (it owns the entries' shape).
        self.images: dict[Path, Any] = {}

    def get(
        self,
        path: Path,
        today: dt.date,
        diags: Diagnostics,
        parse: Callable[[Path, bytes, Diagnostics, dt.date], T],
    ) -> T | None:
        data = read_bytes(path, diags)
        if data is None:
            self._kept.pop(path, None)
            return None
        kept = self._kept.get(path)
        if kept is not None and kept[0] == data and kept[1] == today:
            diags.extend(kept[3])
            result: T = kept[2]
            return result
        found = Diagnostics()
        result = parse(path, data, found, today)
        self.parsed += 1
        self._kept[path] = (data, today, result, tuple(found))
        diags.extend(found)
        return result

    def retain(self, paths: Iterable[Path]) -> None:
        """Forget files that are no longer part of the portfolio."""
        keep = set(paths)
        for path in [p for p in self._kept if p not in keep]:
            del self._kept[path]


def parse_section(
    source: SectionSource, diags: Diagnostics, today: dt.date, cache: ParseCache | None = None
) -> SectionDoc:
    parse = cache.get if cache is not None else read_parsed
    read = parse(source.reflection, today, diags, _reflection_from)
    doc = SectionDoc(source, read if isinstance(read, Reflection) else None)
    if not isinstance(read, Reflection):
        doc.broken = read or Broken(None, None)
    if source.evidence is not None:
        found = parse(source.evidence, today, diags, _evidence_from)
        if found is None:
            found = EvidenceFile([], False, None)
        doc.evidence, doc.evidence_ok, doc.lost_evidence = list(found[0]), found[1], found[2]
        doc.evidence_text = found.text
    return doc


_SECTION_LINE = re.compile(r"^section:[ \t]*[\"']?([^\s\"'#:]+)", re.MULTILINE)
_ID_KEY = re.compile(r"(?:^|[\s{,-])id:", re.MULTILINE)
_ID_VALUE = re.compile(
    r"(?:^|[\s{,-])id:[ \t]*([\"']?)([A-Za-z0-9_.-]+)\1[ \t]*(?=$|[,}#])", re.MULTILINE
)


def _salvage_ids(text: str) -> frozenset[str] | None:
    """The ids of an evidence.yml whose YAML cannot be read, if every ``id:`` line is clear
    (None if one is not: the error may be in it, so any citation may have meant it)."""
    ids = [m.group(2) for m in _ID_VALUE.finditer(text)]
    return frozenset(ids) if len(ids) == len(_ID_KEY.findall(text)) else None


def _salvage(text: str) -> Broken:
    """The section id and citations of a reflection whose front matter is unusable."""
    named = _SECTION_LINE.search(text)
    refs = markdown.parse(text).references
    cites = frozenset(r.target for r in refs if r.kind == "evidence")
    return Broken(named.group(1) if named else None, cites)


def _reflection_from(
    path: Path, data: bytes, diags: Diagnostics, today: dt.date
) -> Reflection | Broken:
    read = _reflection_text(path, data, diags, today)
    if isinstance(read, Reflection):
        return read
    text = decode_text(data, path, Diagnostics())
    if text is None or markdown.over_a_cap(text):
        return Broken(None, None)
    return _salvage(text)


def _reflection_text(
    path: Path, data: bytes, diags: Diagnostics, today: dt.date
) -> Reflection | None:
    text = decode_text(data, path, diags)
    if text is None:
        return None
    front_text, body, body_line = split_front_matter(text)
    if front_text is None:
        line, hint = front_matter_slip(text)
        diags.add(
            "front-matter-missing",
            "this reflection has no front matter naming its section",
            path=path,
            line=line,
            col=1,
            hint=hint,
        )
        return None
    if front_text == "" and body == "":
        diags.add(
            "front-matter-unclosed",
            "the front matter starting on line 1 has no closing --- line",
            path=path,
            line=1,
            col=1,
            hint="add a line containing only --- after the last setting",
        )
        return None
    loaded = _front_matter(front_text, path, diags, today)
    if loaded is None:
        return None
    if markdown.too_many_marks(body, path, body_line, diags):
        return None
    reflection = _reflection(path, loaded[0], loaded[1], body, body_line, text)
    if reflection.parsed.too_deep is not None:
        diags.add(
            "file-too-large",
            "lists or quotes are nested too deeply here for cmaltgen to lay out (10 levels "
            "of lists, 20 of quotes); this and what follows in them would be left out",
            **reflection.at_body(reflection.parsed.too_deep + 1),
            hint="use fewer levels: indent less, or move a deep outline into an evidence file",
        )
    return reflection


def _front_matter(
    text: str, path: Path, diags: Diagnostics, today: dt.date
) -> tuple[FrontMatter, LineMap] | None:
    loaded = load_yaml(text, path, diags, line_offset=1)
    if loaded is None:
        return None
    data, linemap = loaded
    if data is None:
        diags.add(
            "missing-key",
            "the front matter is empty; it needs at least 'section: ID'",
            path=path,
            line=2,
            col=1,
            hint="add a line such as: section: 1a",
        )
        return None
    ctx = schema.Context(linemap, diags, today)
    front = schema.load(FrontMatter, data, (), ctx)
    # a setting with an error is not quietly replaced by its default (a section meant for
    # assessors only would be treated as public): the file is unusable until it is fixed
    return (front, linemap) if front is not None and ctx.ok else None


def _reflection(
    path: Path, front: FrontMatter, marks: LineMap, body: str, body_line: int, whole: str
) -> Reflection:
    parsed = markdown.parse(body)
    parts: dict[str, Part] = {}
    tokens = parsed.tokens
    tops = [h for h in parsed.headings if h.level == 2]
    # The body is read once, in ranges: what comes before the first top-level heading, then
    # each heading's range (its open, inline and close tokens left out, as plain_text leaves
    # headings out). No word spans two ranges, so the ranges' words add up to the body's
    # count and their texts, joined with spaces, are the body's plain text.
    first = tops[0].token_index if tops else len(tokens)
    text = markdown.plain_text(tokens[:first])
    words = wording.word_count(text)
    texts = [text]
    for n, heading in enumerate(tops):
        end = tops[n + 1].token_index if n + 1 < len(tops) else len(tokens)
        text = markdown.plain_text(tokens[heading.token_index + 3 : end])
        texts.append(text)
        count = wording.word_count(text)
        words += count
        name = heading.text.strip().lower().split(" ")[0].strip(":")
        if name in PART_NAMES and name not in parts:
            parts[name] = Part(name, heading.line + body_line - 1, count, text)
    plain = " ".join(t for t in texts if t)
    return Reflection(path, front, body_line, parsed, parts, words, marks, body, whole, plain)


def _evidence_from(path: Path, data: bytes, diags: Diagnostics, today: dt.date) -> EvidenceFile:
    """Every usable item of an evidence.yml, whether the whole file was usable, and the ids
    of the items that were not (read loosely from the text when the YAML is unreadable)."""
    text = decode_text(data, path, diags, allow_empty=True)
    if text is None:
        return EvidenceFile([], False, None)
    if not text.strip():
        return EvidenceFile([], True, frozenset())
    loaded = load_yaml(text, path, diags)
    if loaded is None:
        return EvidenceFile([], False, _salvage_ids(text))
    data, linemap = loaded
    if data is None:
        return EvidenceFile([], True, frozenset())
    if not isinstance(data, list):
        diags.add(
            "wrong-type",
            "evidence.yml must be a list of items",
            path=path,
            line=1,
            col=1,
            hint="start each item with '- id: ...' (a hyphen, a space, then id)",
        )
        return EvidenceFile([], False, _salvage_ids(text))
    entries: list[EvidenceEntry] = []
    lost: set[str] | None = set()
    ok = True
    for i, raw in enumerate(data):
        ctx = schema.Context(linemap, diags, today)
        item = schema.load(EvidenceItem, raw, (i,), ctx)
        if item is None or not ctx.ok:  # not used with a field quietly left at its default
            ok = False
            if not (isinstance(raw, dict) and isinstance(raw.get("id"), str | int | float)):
                lost = None  # its id cannot be read, so any citation may have meant it
            elif lost is not None:  # "Ev_1A" was probably cited as the id it should be, ev-1a
                written = str(raw["id"])
                lost |= {written, re.sub(r"[\s_]+", "-", written.strip().lower())}
            continue
        line, col = linemap.at((i,))
        where = {name: linemap.at((i, name)) for name in (raw if isinstance(raw, dict) else {})}
        for j in range(len(item.supports)):  # each section it supports, for a located mistake
            where[f"supports[{j}]"] = linemap.at((i, "supports", j))
        entries.append(EvidenceEntry(item, path, line, col, where))
    return EvidenceFile(entries, ok, None if lost is None else frozenset(lost), text)
