"""The numbers of headings numbered by a list, and the outline level of paragraph styles.

A multilevel list linked to the heading styles (a Word template's, LibreOffice's chapter
numbering) shows "Core Area 1:" or "1a)" before each heading, but the .docx holds only the
heading's words: ``Numbers`` works out what each heading shows, counting as Word does.
"""

from __future__ import annotations

import re
import zipfile
from xml.etree.ElementTree import Element, SubElement

import defusedxml.ElementTree as SafeET

from cmaltgen.importers.docx_repair import UNREADABLE, part_of

BUILT_IN = re.compile(r"heading ?([1-9])|title", re.I)
LEVELS = {str(n) for n in range(6)}
_ILVLS = {str(n) for n in range(9)}
_MAX = 32767  # Word's largest list number
_MAX_TEXT = 40  # a level's text, "Core Area %1:": a number is short, whatever a file says


def outline_level(style: Element, styles: dict[str | None, Element], w: str) -> int | None:
    """The outline level of a paragraph style (0 for Heading 1), following what it is based
    on; None for body text."""
    for _ in range(20):  # a chain of bases that never ends (a loop) is body text
        own = style.find(f"{w}pPr/{w}outlineLvl")
        if own is not None:
            value = own.get(f"{w}val", "")
            return int(value) if value in LEVELS else None
        if (built_in := BUILT_IN.fullmatch(style.get(f"{w}styleId") or "")) is not None:
            return int(built_in.group(1) or 1) - 1  # Title: 1
        based = style.find(f"{w}basedOn")
        base = styles.get(based.get(f"{w}val")) if based is not None else None
        if base is None:
            return None
        style = base
    return None


class Numbers:
    """The list numbering of headings: each numbered paragraph style's list and level, and
    each list's levels (start, format, text such as "%1%2)", what follows the number)."""

    def __init__(self, archive: zipfile.ZipFile, paragraphs_numbered: bool) -> None:
        self.lists: dict[str, dict[str, tuple[int, str, str, str]]] = {}
        self.styles: dict[str, tuple[int | None, str | None, str | None]] = {}
        self.found = False
        try:
            numbering = SafeET.fromstring(
                archive.read(part_of(archive, "numbering")), forbid_dtd=True
            )
            styles = SafeET.fromstring(archive.read(part_of(archive, "styles")), forbid_dtd=True)
        except UNREADABLE:
            return  # none, or mammoth reports the part
        w = numbering.tag.rpartition("}")[0] + "}"
        abstract = {a.get(f"{w}abstractNumId"): a for a in numbering.iter(f"{w}abstractNum")}
        read: dict[str | None, dict[str, tuple[int, str, str, str]]] = {}  # each list once
        for num in numbering.iter(f"{w}num"):
            base = num.find(f"{w}abstractNumId")
            key = None if base is None else base.get(f"{w}val")
            if key in abstract:
                if key not in read:
                    read[key] = _levels(w, abstract[key])
                self.lists[num.get(f"{w}numId", "")] = _overridden(w, read[key], num)
        by_id = {s.get(f"{w}styleId"): s for s in styles if s.get(f"{w}type") == "paragraph"}
        for style_id, style in by_id.items():
            numbered = _style_numbering(w, style, by_id)
            self.styles[style_id or ""] = (outline_level(style, by_id, w), *numbered)
        self.found = bool(self.lists) and (
            paragraphs_numbered
            or any(level is not None and num for level, num, _ in self.styles.values())
        )

    def number_headings(self, root: Element, w: str) -> bool:
        """Put each numbered heading's number at its start; whether there was one."""
        counts: dict[str, list[int | None]] = {}
        changed = False
        for paragraph in root.iter(f"{w}p"):
            properties = paragraph.find(f"{w}pPr")
            if properties is None:
                continue
            named = properties.find(f"{w}pStyle")
            style_id = "" if named is None else named.get(f"{w}val", "")
            level, num, ilvl = self.styles.get(style_id, (None, None, None))
            own = properties.find(f"{w}numPr")
            if own is not None:
                num = _val(w, own, "numId") or num
                ilvl = _val(w, own, "ilvl") or ilvl
            levels = self.lists.get(num or "")
            if num is None or levels is None:
                continue
            ilvl = ilvl or next((k for k, v in levels.items() if v[3] == style_id), "0")
            if ilvl not in levels:
                continue
            count = counts.setdefault(num, [None] * 9)
            depth, last = int(ilvl), count[int(ilvl)]
            count[depth:] = [levels[ilvl][0] if last is None else min(last + 1, _MAX)]
            count.extend([None] * (8 - depth))  # the levels below start again
            outline = properties.find(f"{w}outlineLvl")
            heading = level is not None or (
                outline is not None and outline.get(f"{w}val") in LEVELS
            )
            text = _number_text(levels, ilvl, count) if heading else ""
            if text:
                run = Element(f"{w}r")
                SubElement(run, f"{w}t").text = text
                paragraph.insert(list(paragraph).index(properties) + 1, run)
                changed = True
        return changed


def _val(w: str, element: Element, name: str) -> str | None:
    found = element.find(f"{w}{name}")
    return None if found is None else found.get(f"{w}val")


def _levels(w: str, abstract: Element) -> dict[str, tuple[int, str, str, str]]:
    """A list's levels: ilvl -> (start, format, text, style)."""
    levels = {}
    for lvl in abstract.iter(f"{w}lvl"):
        ilvl = lvl.get(f"{w}ilvl", "0")
        if ilvl not in _ILVLS:
            continue  # Word has nine levels, 0-8
        start = _val(w, lvl, "start") or "1"
        suffix = {"nothing": "", "space": " "}.get(_val(w, lvl, "suff") or "", " ")
        text = (_val(w, lvl, "lvlText") or "")[:_MAX_TEXT] + suffix
        fmt = _val(w, lvl, "numFmt") or "decimal"
        levels[ilvl] = (
            min(int(start), _MAX) if start.isdigit() and len(start) < 9 else 1,
            fmt,
            text,
            _val(w, lvl, "pStyle") or "",
        )
    return levels


def _overridden(
    w: str, levels: dict[str, tuple[int, str, str, str]], num: Element
) -> dict[str, tuple[int, str, str, str]]:
    """A list's levels with the starts one use of it sets ("restart at 3")."""
    changed = dict(levels)
    for override in num.iter(f"{w}lvlOverride"):
        ilvl, start = override.get(f"{w}ilvl", ""), _val(w, override, "startOverride") or ""
        if ilvl in changed and start.isdigit() and len(start) < 9:
            changed[ilvl] = (min(int(start), _MAX), *changed[ilvl][1:])
    return changed


def _style_numbering(
    w: str, style: Element, styles: dict[str | None, Element]
) -> tuple[str | None, str | None]:
    """The list and level a paragraph style numbers with, following what it is based on."""
    for _ in range(20):
        numbered = style.find(f"{w}pPr/{w}numPr")
        if numbered is not None:
            return _val(w, numbered, "numId"), _val(w, numbered, "ilvl")
        based = style.find(f"{w}basedOn")
        base = styles.get(based.get(f"{w}val")) if based is not None else None
        if base is None:
            break
        style = base
    return None, None


def _number_text(
    levels: dict[str, tuple[int, str, str, str]], ilvl: str, count: list[int | None]
) -> str:
    """The number a heading shows ("Core Area 1: ", "1a) "); "" for a bullet or none."""
    _, fmt, text, _ = levels[ilvl]
    if fmt == "bullet" or "%" not in text:
        return ""

    def one(match: re.Match[str]) -> str:
        depth = int(match.group(1)) - 1
        level = levels.get(str(depth))
        if level is None:
            return ""
        value = count[depth]  # a level above not used yet shows its start, as in Word
        return _formatted(level[0] if value is None else value, level[1])

    number = re.sub(r"%([1-9])", one, text).strip()
    return f"{number} " if number else ""


def _formatted(value: int, fmt: str) -> str:
    if fmt in ("lowerLetter", "upperLetter"):
        letters = chr(ord("a") + (value - 1) % 26) * min((value - 1) // 26 + 1, 4)
        return letters.upper() if fmt == "upperLetter" else letters
    if fmt in ("lowerRoman", "upperRoman"):
        roman = ""
        for size, mark in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"),
                           (90, "xc"), (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"),
                           (4, "iv"), (1, "i")):  # fmt: skip
            count, value = divmod(value, size)
            roman += mark * count
        return roman.upper() if fmt == "upperRoman" else roman
    if fmt == "none":
        return ""
    return f"{value:02d}" if fmt == "decimalZero" else str(value)
