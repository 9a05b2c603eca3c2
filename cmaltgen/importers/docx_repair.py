"""Make a .docx with broken references readable, so one bad link never loses the document.

mammoth refuses a whole document when one link or picture names a relationship that the
file does not have (Word repairs such files silently; other programs and hand edits make
them); so does one footnote mark whose footnote is missing. Each missing relationship is
added, pointing at ``BROKEN`` + its id, and each missing note, saying ``MISSING_NOTE``: such a
link becomes text, such a picture and such a mark are left out, each with a located warning
(``docx_places``).
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from typing import NamedTuple
from xml.etree.ElementTree import Element, SubElement, tostring
from xml.sax.saxutils import quoteattr

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

BROKEN = "cmaltgen-broken:"
MISSING_NOTE = "cmaltgen-missing-note"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_R = (
    "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}",
    "{http://purl.oclc.org/ooxml/officeDocument/relationships}",
)
_PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"
_KINDS = ("officeDocument", "footnotes", "endnotes", "comments", "styles", "numbering")
# What reading a part may raise besides a missing member: damaged data, bad XML, DOCTYPE.
UNREADABLE = (KeyError, zipfile.BadZipFile, OSError, ValueError, EOFError, SafeET.ParseError,
               DefusedXmlException, NotImplementedError, RuntimeError)  # fmt: skip


def main_part(archive: zipfile.ZipFile) -> str:
    """The document's main part, as ``_rels/.rels`` names it (Word: word/document.xml)."""
    for target in _targets(archive, "_rels/.rels", "", "officeDocument"):
        if target in archive.NameToInfo:
            return target
    return "word/document.xml"


def part_of(archive: zipfile.ZipFile, kind: str) -> str:
    """Where mammoth reads the ``kind`` part (comments, styles...): as the main part's
    relationships say, else the usual place."""
    main = main_part(archive)
    found = _targets(archive, _rels_of(main), posixpath.dirname(main), kind)
    return next((t for t in found if _has(archive, t)), f"word/{kind}.xml")


def parsed_parts(archive: zipfile.ZipFile) -> set[str]:
    """Every member mammoth may parse as XML: each .xml and .rels, and each part a
    relationship of its kinds names, whatever its name, as this module and mammoth (which
    does not normalise) find it."""
    parsed = {name for name in archive.NameToInfo if name.endswith((".xml", ".rels"))}
    for rels in [name for name in parsed if name.endswith(".rels")]:
        folder = posixpath.dirname(posixpath.dirname(rels))
        for rel in _relationships(archive, rels):
            if rel.get("Type", "").endswith(tuple(f"/{kind}" for kind in _KINDS)):
                target = rel.get("Target", "")
                joined = target if target.startswith("/") or not folder else f"{folder}/{target}"
                parsed |= {joined.lstrip("/"), posixpath.normpath(joined).lstrip("/")}
    return parsed & set(archive.NameToInfo)


class Repair(NamedTuple):
    data: bytes  # the repaired .docx
    damaged: list[str]  # the parts that could not be read, now empty


def repaired(archive: zipfile.ZipFile) -> Repair | None:
    """The .docx with a relationship added for each one its text names but lacks, a footnote
    or endnote for each mark whose note it lacks, and each part besides the main one that
    cannot be read (empty, cut short) made empty; None if it has none of these faults."""
    main = main_part(archive)
    folder = posixpath.dirname(main)
    parts = {"officeDocument": main}
    for kind in _KINDS[1:]:
        found = [t for t in _targets(archive, _rels_of(main), folder, kind) if _has(archive, t)]
        parts[kind] = found[0] if found else f"word/{kind}.xml"  # where mammoth looks
    replaced: dict[str, bytes] = {}
    damaged: list[str] = []
    marks: dict[str, list[str]] = {}
    for kind, part in parts.items():
        if not _has(archive, part):
            continue
        try:
            root = SafeET.fromstring(archive.read(part), forbid_dtd=True)
        except UNREADABLE:
            if kind != "officeDocument":  # the text itself: reported as damaged
                damaged.append(part)
                replaced[part] = f'<w:{kind} xmlns:w="{_W[1:-1]}"/>'.encode()
            continue
        known = _relationships(archive, _rels_of(part))
        named = _named_ids(root)
        missing = [rid for rid in named if rid not in {r.get("Id") for r in known}]
        if missing:
            replaced[_rels_of(part)] = _rels_xml(known, missing)
        if kind == "officeDocument":
            marks = _note_marks(root)
    for kind in ("footnotes", "endnotes"):
        lacking = marks.get(kind[:-1] + "Reference", [])
        notes = _with_notes(archive, parts[kind], kind, lacking, parts[kind] in damaged)
        if notes is not None:
            replaced[parts[kind]] = notes
    return Repair(rewritten(archive, replaced), damaged) if replaced else None


def _has(archive: zipfile.ZipFile, name: str) -> bool:
    return name in archive.NameToInfo


def _rels_of(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def _relationships(archive: zipfile.ZipFile, rels: str) -> list[dict[str, str]]:
    """The relationships a part has; none when its list is missing or unreadable."""
    try:
        root = SafeET.fromstring(archive.read(rels), forbid_dtd=True)
    except UNREADABLE:
        return []
    return [dict(child.attrib) for child in root if child.tag == f"{{{_PACKAGE}}}Relationship"]


def _targets(archive: zipfile.ZipFile, rels: str, folder: str, kind: str) -> list[str]:
    found = []
    for rel in _relationships(archive, rels):
        if rel.get("Type", "").endswith(f"/{kind}") and rel.get("TargetMode") != "External":
            target = rel.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
            found.append(posixpath.normpath(path))
    return found


def _named_ids(root: Element) -> list[str]:
    """Every relationship id the part's elements name (r:id, r:embed, r:link...), in order."""
    ids: dict[str, None] = {}
    for element in root.iter():
        for key, value in element.attrib.items():
            if key.startswith(_R):
                ids[value] = None
    return list(ids)


def _note_marks(root: Element) -> dict[str, list[str]]:
    """The note numbers the document's footnote and endnote marks name, by kind of mark."""
    marks: dict[str, list[str]] = {}
    for element in root.iter():
        namespace, _, name = element.tag.rpartition("}")
        if name in ("footnoteReference", "endnoteReference"):
            number = element.get(f"{namespace}}}id")
            if number is not None:
                marks.setdefault(name, []).append(number)
    return marks


def _with_notes(
    archive: zipfile.ZipFile, part: str, kind: str, marks: list[str], damaged: bool
) -> bytes | None:
    """The notes part with an empty note (saying MISSING_NOTE) for each mark it lacks."""
    if not marks:
        return None
    try:
        fresh = damaged or not _has(archive, part)
        root = None if fresh else SafeET.fromstring(archive.read(part), forbid_dtd=True)
    except UNREADABLE:
        return None
    namespace = _W if root is None else root.tag.rpartition("}")[0] + "}"
    if root is None:
        root = Element(f"{namespace}{kind}")
    have = {note.get(f"{namespace}id") for note in root}
    lacking = [mark for mark in dict.fromkeys(marks) if mark not in have]
    for mark in lacking:
        note = SubElement(root, f"{namespace}{kind[:-1]}", {f"{namespace}id": mark})
        run = SubElement(SubElement(note, f"{namespace}p"), f"{namespace}r")
        SubElement(run, f"{namespace}t").text = MISSING_NOTE
    return tostring(root, encoding="utf-8", xml_declaration=True) if lacking else None


def _rels_xml(known: list[dict[str, str]], missing: list[str]) -> bytes:
    rows = [
        "<Relationship " + " ".join(f"{k}={quoteattr(v)}" for k, v in rel.items()) + "/>"
        for rel in known
    ]
    rows += [
        f"<Relationship Id={quoteattr(rid)} Type={quoteattr(_R[0][1:-1] + '/hyperlink')} "
        f'Target={quoteattr(BROKEN + rid)} TargetMode="External"/>'
        for rid in missing
    ]
    xml = f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PACKAGE}">'
    return (xml + "".join(rows) + "</Relationships>").encode("utf-8")


def rewritten(archive: zipfile.ZipFile, replaced: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in archive.infolist():
            if info.filename not in replaced:
                copy.writestr(info, archive.read(info))
        for name, data in replaced.items():
            copy.writestr(name, data)
    return out.getvalue()
