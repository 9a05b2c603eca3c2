"""Make a .docx with broken references readable, so one bad link never loses the document.

mammoth refuses a whole document when one link or picture names a relationship that the
file does not have (Word repairs such files silently; other programs and hand edits make
them). Each missing relationship is added, pointing at ``BROKEN`` + its id: such a link
becomes text and such a picture is left out, each with a located warning (``docx_places``).
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from xml.sax.saxutils import quoteattr

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

BROKEN = "cmaltgen-broken:"
_R = (
    "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}",
    "{http://purl.oclc.org/ooxml/officeDocument/relationships}",
)
_PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"
_KINDS = ("officeDocument", "footnotes", "endnotes", "comments")
# What reading a part may raise besides a missing member: damaged data, bad XML, DOCTYPE.
_UNREADABLE = (KeyError, zipfile.BadZipFile, OSError, ValueError, EOFError, SafeET.ParseError,
               DefusedXmlException, NotImplementedError, RuntimeError)  # fmt: skip


def main_part(archive: zipfile.ZipFile) -> str:
    """The document's main part, as ``_rels/.rels`` names it (Word: word/document.xml)."""
    for target in _targets(archive, "_rels/.rels", "", "officeDocument"):
        if target in archive.NameToInfo:
            return target
    return "word/document.xml"


def repaired(archive: zipfile.ZipFile) -> bytes | None:
    """The .docx with a relationship added for each one its text names but lacks, or None."""
    main = main_part(archive)
    parts = [main]
    for kind in _KINDS[1:]:
        found = _targets(archive, _rels_of(main), posixpath.dirname(main), kind)
        parts += found or [posixpath.join(posixpath.dirname(main), f"{kind}.xml")]
    replaced: dict[str, bytes] = {}
    for part in dict.fromkeys(parts):
        if part not in archive.NameToInfo:
            continue
        rels = _rels_of(part)
        known = _relationships(archive, rels)
        try:
            named = _named_ids(archive.read(part))
        except _UNREADABLE:
            continue  # mammoth reports the part as damaged
        missing = [rid for rid in named if rid not in {r.get("Id") for r in known}]
        if missing:
            replaced[rels] = _rels_xml(known, missing)
    return _rewritten(archive, replaced) if replaced else None


def _rels_of(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def _relationships(archive: zipfile.ZipFile, rels: str) -> list[dict[str, str]]:
    """The relationships a part has; none when its list is missing or unreadable."""
    try:
        root = SafeET.fromstring(archive.read(rels), forbid_dtd=True)
    except _UNREADABLE:
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


def _named_ids(xml: bytes) -> list[str]:
    """Every relationship id the part's elements name (r:id, r:embed, r:link...), in order."""
    ids: dict[str, None] = {}
    for element in SafeET.fromstring(xml, forbid_dtd=True).iter():
        for key, value in element.attrib.items():
            if key.startswith(_R):
                ids[value] = None
    return list(ids)


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


def _rewritten(archive: zipfile.ZipFile, replaced: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in archive.infolist():
            if info.filename not in replaced:
                copy.writestr(info, archive.read(info))
        for name, data in replaced.items():
            copy.writestr(name, data)
    return out.getvalue()
