"""Links and pictures a .docx names but does not hold: kept as text or left out, each located.

A .docx has no line numbers, so a place is told as a person finds it in Word: the heading
above it and the start of its paragraph, or the footnote it is in.
"""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup, Tag

from cmaltgen.diagnostics import Diagnostics
from cmaltgen.importers.docx_images import MISSING_IMAGE, Pictures, file_path
from cmaltgen.importers.docx_repair import BROKEN, MISSING_NOTE
from cmaltgen.importers.docx_text import EQUATION, LEFT_OUT
from cmaltgen.wording import plural

# A link to a file: file:///C:/..., a path beside the document, a Windows or network path.
_FILE_ADDRESS = re.compile(r"^\s*(?:file:|(?![a-z][a-z0-9+.-]+:)(?!#)(?=\S))", re.I)
_FILE_LINK = re.compile(r'href="(?:file:|(?![a-z][a-z0-9+.-]+:)(?!#)(?=[^"\s]))', re.I)
_NAMED = 10  # of each kind of finding, reported one by one; past these, counted
# Kinds of finding: (code, one, more, hint).
_NOWHERE = (
    "import-removed",
    "link that points nowhere",
    "links that point nowhere",
    "add the link again in the new portfolio (or in Word, and import again)",
)
_LEFT_OUT = (
    "import-removed",
    "picture left out",
    "pictures left out",
    "insert the picture into the Word document (Insert > Pictures > This Device) and import "
    "again, or add it to the new portfolio as evidence",
)
_UNSHOWN = (
    "import-review",
    "picture web browsers do not show",
    "pictures web browsers do not show",
    "in Word, right-click the picture, choose Save as Picture and PNG, and put that file in "
    "the section's folder in its place",
)
_TO_FILE = (
    "import-review",
    "link to a file",
    "links to files",
    "copy that file into the section's folder and cite it as evidence, or link to a copy on "
    "the web",
)
_EQUATION_TEXT = (
    "import-review",
    "equation kept as plain text",
    "equations kept as plain text",
    "check it in the new portfolio; write it out in words, or add a picture of it with a text "
    "description",
)
_PROMPT = (
    "import-removed",
    "template prompt left out",
    "template prompts left out",
    "these are the template's hints, shown in a box until something is typed in it; write "
    "those parts in the new portfolio",
)
_GRAPHIC = (
    "import-removed",
    "chart or diagram left out",
    "charts or diagrams left out",
    "in Word, right-click it, choose Save as Picture and PNG, and add that file to the "
    "section with its description",
)
_HEADING = re.compile(r"^h[1-6]$")
_NOTE = re.compile(r"^(foot|end)note-(\d+)$")
_BLOCK = ["p", "li", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6"]


def dropped(
    html: str, path: Path, diagnostics: Diagnostics, pictures: Pictures, equations: list[str]
) -> str:
    """``html`` with broken links made text and missing pictures removed, each reported, and
    equations (marked by ``docx_text``) as their text, each reported.

    ``pictures`` says why each missing picture could not be read, and which pictures are in a
    format web browsers do not show.
    """
    marks = (BROKEN, MISSING_IMAGE, MISSING_NOTE)
    odd = equations or pictures.unshown or _FILE_LINK.search(html)
    if not odd and not any(m in html for m in marks):
        return html
    soup = BeautifulSoup(html, "html.parser")
    report = _Report(soup, path, diagnostics)
    _drop_missing_notes(soup, report)
    _file_links(soup, report)
    _unshown(soup, report, pictures)
    if equations:
        _equations_as_text(soup, report, equations)
        _left_out(soup, report, equations)
    for link in soup.find_all("a", href=lambda h: bool(h) and h.startswith(BROKEN)):
        text = " ".join(link.get_text().split())
        picture = link.find("img")
        if text or picture is None:
            what = f"the link '{_short(text)}'" if text else "a link"
            kept = "so it was kept as plain text"
        else:
            alt = " ".join(str(picture.get("alt") or "").split())
            what = f"the link on the picture '{_short(alt)}'" if alt else "the link on a picture"
            kept = "so the picture was kept without it"
        report.add(
            _NOWHERE,
            f"{what} {report.place(link)} points nowhere: this Word file does not hold its "
            "address, " + kept,
        )
        link.unwrap()
    for image in soup.find_all("img", src=lambda s: bool(s) and s.startswith(MISSING_IMAGE)):
        alt = " ".join(str(image.get("alt") or "").split())
        what = f"the picture '{_short(alt)}'" if alt else "a picture"
        report.add(
            _LEFT_OUT,
            f"{what} {report.place(image)} was left out: {pictures.missing.get(str(image['src']))}",
        )
        image.decompose()
    report.close()
    return str(soup)


class _Report:
    """Located warnings: the first _NAMED of each kind one by one, the rest counted. Where
    each thing is comes from one walk through the page, not a search back for each."""

    def __init__(self, soup: BeautifulSoup, path: Path, diagnostics: Diagnostics) -> None:
        self.soup, self.path, self.diagnostics = soup, path, diagnostics
        self.counts: dict[tuple[str, str, str, str], int] = {}
        self._headings: dict[int, Tag | None] | None = None

    def add(self, kind: tuple[str, str, str, str], message: str) -> None:
        """``kind`` is (code, what one is called, what more are called, hint)."""
        self.counts[kind] = self.counts.get(kind, 0) + 1
        if self.counts[kind] <= _NAMED:
            self.diagnostics.add(kind[0], message, path=self.path, hint=kind[3])

    def close(self) -> None:
        for (code, one, many, hint), count in self.counts.items():
            if count > _NAMED:
                more = plural(count - _NAMED, f"more {one}", f"more {many}")
                self.diagnostics.add(code, f"{more}, likewise", path=self.path, hint=hint)

    def place(self, tag: Tag) -> str:
        """Where ``tag`` is, in words: 'in footnote 2', 'under the heading 'X', in 'Y...''."""
        note = tag.find_parent("li", id=_NOTE)
        if note is not None:
            kind, number = _NOTE.match(str(note["id"])).groups()  # type: ignore[union-attr]
            return f"in {kind}note {number}"
        block = tag if tag.name in _BLOCK else tag.find_parent(_BLOCK)
        heading = self._heading(block or tag)
        said = []
        if heading is not None and (title := " ".join(heading.get_text().split())):
            said.append(f"under the heading '{_short(title)}'")
        if block is not heading:
            if block is not None and (text := " ".join(block.get_text().split())):
                said.append(f"in the paragraph '{_short(text)}'")
            elif text := _text_before(block or tag, heading):
                said.append(f"after the paragraph '{_short(text)}'")
        return ", ".join(said) or "at the start of the document"

    def _heading(self, tag: Tag) -> Tag | None:
        """The heading ``tag`` is in, or else the last one before it."""
        if self._headings is None:
            self._headings, current = {}, None
            for element in self.soup.descendants:
                if isinstance(element, Tag):
                    if _HEADING.match(element.name):
                        current = element
                    self._headings[id(element)] = current
        return self._headings.get(id(tag))


def _unshown(soup: BeautifulSoup, report: _Report, pictures: Pictures) -> None:
    for image in soup.find_all("img", src=lambda s: s in pictures.unshown):
        src = str(image["src"])
        alt = " ".join(str(image.get("alt") or "").split())
        what = f"the picture '{_short(alt)}'" if alt else "a picture"
        report.add(
            _UNSHOWN,
            f"{what} {report.place(image)} is in {pictures.unshown[src]}, which web browsers "
            f"do not show: it was kept as {pictures.assets[src].name}",
        )


def _file_links(soup: BeautifulSoup, report: _Report) -> None:
    """Links to files on the author's computer: 'text (the file's path)', each reported."""
    for link in soup.find_all("a", href=_FILE_ADDRESS):
        where = file_path(str(link["href"]))
        text = " ".join(link.get_text().split())
        report.add(
            _TO_FILE,
            f"the link '{_short(text or where)}' {report.place(link)} points to a file on a "
            f"computer or network drive ({_short(where, 100)}), which the Word file does not "
            "hold: it was kept as text",
        )
        link.replace_with(f"{text} ({where})" if text else where)


def _left_out(soup: BeautifulSoup, report: _Report, texts: list[str]) -> None:
    """Each template box's prompt ("Click or tap here to enter text.") removed, and each
    chart or SmartArt (which only Word draws), each reported."""
    for text in soup.find_all(string=LEFT_OUT):
        parent = text.parent
        marks = LEFT_OUT.findall(str(text))
        text.replace_with(LEFT_OUT.sub("", str(text)))
        if parent is None:
            continue
        for kind, number in marks:
            said = texts[int(number)]
            if kind == "prompt":
                message = f"the template's prompt '{_short(said) or 'an empty box'}' "
                report.add(
                    _PROMPT,
                    f"{message}{report.place(parent)} was left out: it is the box's hint, not "
                    "your text",
                )
                continue
            what, _, name = said.partition(": ")
            named = f"the {what} '{_short(name)}'" if name else f"a {what}"
            where = report.place(parent)
            report.add(
                _GRAPHIC,
                f"{named} {where} was left out: Word draws it from its data, and it is not a "
                "picture cmaltgen can copy",
            )
        if not parent.get_text().strip() and parent.find("img") is None:
            parent.decompose()


def _equations_as_text(soup: BeautifulSoup, report: _Report, equations: list[str]) -> None:
    """Each equation's text in its place, reported."""
    kind = _EQUATION_TEXT
    for text in soup.find_all(string=EQUATION):
        parent = text.parent
        text.replace_with(EQUATION.sub(lambda m: equations[int(m.group(1))], str(text)))
        for number in EQUATION.findall(str(text)):
            where = report.place(parent) if parent is not None else "in the document"
            equation = _short(equations[int(number)])
            message = f"the equation '{equation}' {where} was kept as plain text: cmaltgen "
            report.add(kind, message + "does not convert Word equations")


def _drop_missing_notes(soup: BeautifulSoup, report: _Report) -> None:
    notes = [n for n in soup.find_all("li", id=_NOTE) if n.get_text().split()[:1] == [MISSING_NOTE]]
    if not notes:
        return
    marks: dict[str, list[Tag]] = {}  # a note's marks, found in one walk (not one per note)
    for link in soup.find_all("a", href=re.compile(r"^#(?:foot|end)note-\d+$")):
        marks.setdefault(str(link["href"]), []).append(link)
    for note in notes:
        kind = str(note["id"]).split("note-")[0]
        for mark in marks.get(f"#{note['id']}", []):
            report.add(
                ("import-removed", f"{kind}note mark without its {kind}note",
                 f"{kind}note marks without their {kind}notes",
                 f"add the {kind}note again in the new portfolio (a Markdown footnote)"),
                f"the {kind}note mark {mark.get_text()} {report.place(mark)} has no {kind}note "
                "text in this Word file, so the mark was left out",
            )  # fmt: skip
            (
                mark.parent if mark.parent is not None and mark.parent.name == "sup" else mark
            ).decompose()
        parent = note.parent
        note.decompose()
        if parent is not None and not parent.find("li"):
            parent.decompose()


def _text_before(block: Tag, heading: Tag | None) -> str:
    """The text of the nearest paragraph before ``block`` that has any, below ``heading``."""
    for before in block.find_all_previous(_BLOCK, limit=20):
        if before is heading:
            break
        if text := " ".join(before.get_text().split()):
            return text
    return ""


def _short(text: str, size: int = 60) -> str:
    return text if len(text) <= size else text[: size - 1].rstrip() + "…"
