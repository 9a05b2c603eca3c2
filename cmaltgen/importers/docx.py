"""Read a Word .docx into HTML with mammoth, which maps Word's styles to plain HTML.

The file is untrusted: it is checked before mammoth opens it. An old .doc and a
password-protected .docx (both OLE compound files) get plain advice; a zip whose members
would unpack to more than cmaltgen allows (a "zip bomb") and XML with a DOCTYPE (entity
attacks) are refused.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
import xml.sax
import xml.sax.handler
import zipfile
import zlib
from pathlib import Path, PurePosixPath
from typing import Any

import defusedxml.ElementTree as SafeET
import mammoth
from defusedxml import DefusedXmlException
from defusedxml.expatreader import DefusedExpatParser

from cmaltgen.importers.docx_images import Pictures, saver
from cmaltgen.importers.docx_places import dropped
from cmaltgen.importers.docx_repair import UNREADABLE, main_part, parsed_parts, repaired
from cmaltgen.importers.docx_tables import unrolled
from cmaltgen.importers.docx_text import heading_styles, main_xml, rewrite, unresolved
from cmaltgen.importers.html import hazards
from cmaltgen.importers.source import Piece, Reading, read_capped, source_error
from cmaltgen.wording import plural

log = logging.getLogger(__name__)

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_UNPACKED = 400 * 1024 * 1024  # all members together
MAX_RATIO = 100  # how much larger than stored a big member may unpack
MAX_MEMBERS = 10_000
_STYLE_MAP = """
p[style-name='Title'] => h1:fresh
p[style-name='Subtitle'] => p:fresh
p[style-name='Heading 7'] => h6:fresh
p[style-name='Quote'] => blockquote > p:fresh
p[style-name='Intense Quote'] => blockquote > p:fresh
br[type='page'] => br
br[type='column'] => br
"""  # page and column breaks: a line break, or the words either side run together
_PART_HOLDS = {
    "footnotes": "its footnotes",
    "endnotes": "its endnotes",
    "comments": "its comments",
    "styles": "its headings (styles)",
    "numbering": "the numbers of its lists",
}
# mammoth writes a tick box (a content control or a form field) as an <input>.
_CHECKBOX = re.compile(r"<input\b([^<>]*\btype=\"checkbox\"[^<>]*)>")
_SAVE_AS = "open it in Word or LibreOffice and use Save As, choosing Word Document (.docx)"


def read(path: Path, today: dt.date) -> Reading:
    data = read_capped(path)
    _refuse_not_docx(path, data)
    archive = _open_zip(path, data)
    equations: list[str] = []
    main, xml = main_xml(archive)
    changes, comments = unresolved(archive, xml)
    try:
        if (kept := rewrite(archive, main, xml)) is not None:  # fields, equations: text kept
            data, equations = kept
            archive = zipfile.ZipFile(io.BytesIO(data))
    except (*UNREADABLE, RecursionError):  # nested past any real document
        log.debug("could not rewrite %s", path, exc_info=True)  # mammoth reports it
    styles = heading_styles(archive)  # the document's own heading styles
    pictures = Pictures()
    damaged: list[str] = []
    try:
        result = _convert(data, styles, pictures)
    # mammoth raises many kinds of error on a damaged file (KeyError, ValueError, XML
    # errors...): each means the same to the user, so they are reported as one. A link or
    # picture naming a relationship the file lacks is one of them: such a file is
    # repaired (docx_repair) and read again, so that the rest of it is imported.
    except Exception as exc:
        log.debug("mammoth failed on %s", path, exc_info=True)
        second = _repaired(archive, styles, pictures)
        if second is None:
            raise source_error(
                path,
                f"this Word file is damaged and cannot be read ({type(exc).__name__})",
                f"{_SAVE_AS}, then import the new file",
            ) from None
        result, damaged = second
    for message in result.messages:
        log.debug("mammoth: %s", message.message)
    reading = Reading("Word document", [], _date(archive, today), pictures.assets)
    for part in damaged:
        reading.diagnostics.add(
            "import-removed",
            f"this Word file's part {part} is damaged (empty or cut short), so it was left out: "
            f"{_PART_HOLDS.get(PurePosixPath(part).stem, 'what it holds')} may be missing",
            path=path,
            hint=f"{_SAVE_AS} and import the new file, or check the new portfolio",
        )
    html = _CHECKBOX.sub(_box, str(result.value))  # a form's tick box: the sanitiser drops <input>
    html = dropped(html, path, reading.diagnostics, pictures, equations)
    html = unrolled(html)  # a section laid out in a template's table: its parts
    reading.pieces.append(Piece(path.name, html))
    _review_marks(path, reading, changes, comments)
    unsafe = hazards(html)
    if unsafe:
        reading.diagnostics.add(
            "import-removed",
            f"removed unsafe links or code from the document: {', '.join(unsafe)}",
            path=path,
            hint="links that run code are never copied; link to a web page instead",
        )
    return reading


def _review_marks(path: Path, reading: Reading, changes: int, comments: int) -> None:
    if changes:
        reading.diagnostics.add(
            "import-review",
            f"this Word file has {plural(changes, 'tracked change')} not yet accepted or "
            "rejected: they were imported as if accepted (inserted text kept, deleted text "
            "left out)",
            path=path,
            hint="if that is not what you want, accept or reject them in Word (Review > "
            "Accept, Reject) and import again",
        )
    if comments:
        reading.diagnostics.add(
            "import-review",
            f"this Word file has {plural(comments, 'comment')}: comments are not imported",
            path=path,
            hint="read them in Word (Review > Show Comments) and copy what you need into the "
            "new portfolio",
        )


def _box(match: re.Match[str]) -> str:
    return "☒" if re.search(r"\bchecked\b", match.group(1)) else "☐"


def _refuse_not_docx(path: Path, data: bytes) -> None:
    if data.startswith(OLE) and path.suffix.lower() == ".docx":
        raise source_error(
            path,
            "this Word file is password-protected (encrypted), so it cannot be read",
            "open it in Word, remove the password (File > Info > Protect Document) and "
            "save as .docx without a password, then import that copy",
        )
    if data.startswith(OLE):
        raise source_error(
            path,
            "this is an old-style Word .doc file (or a password-protected document), which "
            "cmaltgen cannot read",
            f"{_SAVE_AS}, without a password, then import the .docx",
        )
    if not data.startswith(b"PK\x03\x04"):
        raise source_error(
            path,
            "this is not a Word .docx file (a .docx is a zip archive and this is not one)",
            f"if it is a Word document, {_SAVE_AS}",
        )


def _open_zip(path: Path, data: bytes) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise source_error(
            path, "this Word file is damaged: its zip archive cannot be read", _SAVE_AS
        ) from None
    unpacked = sum(m.file_size for m in members)
    bomb = any(
        m.file_size > 1024 * 1024 and m.file_size > MAX_RATIO * max(m.compress_size, 1)
        for m in members
    )
    if len(members) > MAX_MEMBERS or unpacked > MAX_UNPACKED or bomb:
        raise source_error(
            path,
            "this file would unpack to far more data than a Word document holds, so cmaltgen "
            "will not open it (it may be a 'zip bomb')",
            f"if it is your portfolio, {_SAVE_AS}",
        )
    if main_part(archive) not in archive.NameToInfo:  # word/document.xml, or as .rels says
        raise source_error(
            path, "this zip file is not a Word document (it has no word/document.xml)", _SAVE_AS
        )
    parsed = parsed_parts(archive)  # any name: mammoth follows the relationships
    for member in members:
        if member.filename in parsed and _has_doctype(path, archive, member):
            raise source_error(
                path,
                f"this Word file's {member.filename} declares a DOCTYPE, which Word never "
                "writes and XML attacks use, so cmaltgen will not read it",
                _SAVE_AS,
            )
    return archive


# What reading a damaged zip member raises: a bad checksum, damaged compressed data, a
# member cut short, a compression method Python does not have, a member marked as
# encrypted (RuntimeError: "password required").
_DAMAGED = (
    zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError, RuntimeError
)  # fmt: skip


class _Root(Exception):
    """The first element: past where a DOCTYPE may be."""


class _UpToRoot(xml.sax.handler.ContentHandler):
    def startElement(self, name: str, attrs: object) -> None:
        raise _Root


def _has_doctype(path: Path, archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bool:
    """Whether the part declares a DOCTYPE (or entities), read as mammoth's parser reads it
    (any encoding, however much comes before it), up to its first element."""
    parser = DefusedExpatParser(forbid_dtd=True)
    parser.setContentHandler(_UpToRoot())
    try:
        with archive.open(member) as handle:
            while chunk := handle.read(65536):
                parser.feed(chunk)
    except DefusedXmlException:  # a ValueError: before _DAMAGED
        return True
    except (_Root, xml.sax.SAXException, LookupError):  # its first element, or not XML
        return False  # (an encoding Python does not know: mammoth reports it)
    except _DAMAGED:
        raise source_error(
            path, f"this Word file is damaged: its part {member.filename} cannot be read", _SAVE_AS
        ) from None
    return False


def _convert(data: bytes, styles: str, pictures: Pictures) -> Any:
    return mammoth.convert_to_html(
        io.BytesIO(data),
        style_map=_STYLE_MAP + styles,
        convert_image=mammoth.images.img_element(saver(pictures)),
    )


def _repaired(
    archive: zipfile.ZipFile, styles: str, pictures: Pictures
) -> tuple[Any, list[str]] | None:
    """mammoth's reading of the repaired file, and the parts left out as damaged; None if
    there was nothing to repair or that fails too."""
    pictures.clear()
    try:
        fixed = repaired(archive)
        return None if fixed is None else (_convert(fixed.data, styles, pictures), fixed.damaged)
    except Exception:  # still damaged, in some other way: reported as damaged
        log.debug("mammoth failed on the repaired file", exc_info=True)
        return None


def _date(archive: zipfile.ZipFile, today: dt.date) -> dt.date:
    """When the document was last changed (its own record), else today."""
    try:
        root = SafeET.fromstring(archive.read("docProps/core.xml"), forbid_dtd=True)
    except (KeyError, LookupError, SafeET.ParseError, DefusedXmlException, *_DAMAGED):
        return today  # LookupError: an encoding Python does not know
    for element in root:
        if element.tag.endswith("}modified") and element.text:
            try:
                return min(dt.date.fromisoformat(element.text.strip()[:10]), today)
            except ValueError:
                return today
    return today
