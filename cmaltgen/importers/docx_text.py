"""Word text that mammoth would leave out without a word, rewritten as what it reads.

- A *simple field* (``w:fldSimple``: a caption's number "Figure 1", a cross-reference, a
  hyperlink field some programs write) becomes the same field in the long form
  (``w:fldChar``), which mammoth reads: its text stays, and a hyperlink field stays a link.
- An *equation* (``m:oMath``) becomes its text in a run between ``EQUATION`` marks, which
  ``docx_places`` turns back into the text with a located warning.

Only the main part is rewritten, and only when it holds one of them.
"""

from __future__ import annotations

import re
import zipfile
from xml.etree.ElementTree import Element, SubElement, tostring

import defusedxml.ElementTree as SafeET

from cmaltgen.importers.docx_repair import UNREADABLE, comments_part, main_part, rewritten

EQUATION = re.compile("\ue000cmaltgen-equation-(\\d+)\ue001")
_MATH = (
    "{http://schemas.openxmlformats.org/officeDocument/2006/math}",
    "{http://purl.oclc.org/ooxml/officeDocument/math}",
)
_HAS = re.compile(rb"fldSimple|oMath")
# A tracked insertion, deletion or move (not w:insideH, w:delText...), and a comment.
_CHANGE = re.compile(rb"<[\w.-]+:(?:ins|del|moveFrom|moveTo)[\s/>]")
_COMMENT = re.compile(rb"<[\w.-]+:comment[\s/>]")


def main_xml(archive: zipfile.ZipFile) -> tuple[str, bytes]:
    """The main part's name and bytes; b"" if it cannot be read (mammoth reports that)."""
    main = main_part(archive)
    try:
        return main, archive.read(main)
    except UNREADABLE:
        return main, b""


def unresolved(archive: zipfile.ZipFile, xml: bytes) -> tuple[int, int]:
    """How many tracked changes the main part has, and how many comments the file has."""
    changes = len(_CHANGE.findall(xml))
    try:
        comments = len(_COMMENT.findall(archive.read(comments_part(archive))))
    except UNREADABLE:
        comments = 0  # none, or mammoth reports the part
    return changes, comments


def rewrite(archive: zipfile.ZipFile, main: str, xml: bytes) -> tuple[bytes, list[str]] | None:
    """The .docx with simple fields and equations rewritten, and each equation's text;
    None when the main part has neither (or cannot be read: mammoth reports that)."""
    if not _HAS.search(xml):
        return None
    try:
        root = SafeET.fromstring(xml, forbid_dtd=True)
    except UNREADABLE:
        return None
    equations: list[str] = []
    parents = {child: parent for parent in root.iter() for child in parent}
    changed = False
    for element in reversed(list(root.iter())):  # a field inside a field: the inner first
        namespace, _, name = element.tag.rpartition("}")
        parent = parents.get(element)
        if parent is None:
            continue
        if name == "fldSimple":
            _replace(parent, element, _long_field(namespace + "}", element))
        elif name in ("oMathPara", "oMath") and namespace + "}" in _MATH:
            if _in_equation(parent, parents):
                continue
            w = parent.tag.rpartition("}")[0] + "}"
            run = Element(f"{w}r")
            SubElement(run, f"{w}t").text = f"\ue000cmaltgen-equation-{len(equations)}\ue001"
            equations.append(" ".join(_linear(element).split()))
            _replace(parent, element, [run])
        else:
            continue
        changed = True
    if not changed:
        return None
    part = tostring(root, encoding="utf-8", xml_declaration=True)
    return rewritten(archive, {main: part}), equations


def _in_equation(element: Element | None, parents: dict[Element, Element]) -> bool:
    while element is not None:
        namespace, _, name = element.tag.rpartition("}")
        if name in ("oMathPara", "oMath") and namespace + "}" in _MATH:
            return True
        element = parents.get(element)
    return False


def _linear(element: Element) -> str:
    """An equation as a line of text: ``(a+b)/2``, ``x^2``, ``x_i``, ``√(x)``."""
    name = element.tag.rpartition("}")[2]
    if name == "t":
        return element.text or ""
    parts = {c.tag.rpartition("}")[2]: _linear(c) for c in element if not c.tag.endswith("Pr")}
    if name == "f":
        return f"{_group(parts.get('num', ''))}/{_group(parts.get('den', ''))}"
    if name in ("sSup", "sSub", "sSubSup"):
        sub, sup = parts.get("sub"), parts.get("sup")
        base = _group(parts.get("e", ""))
        return base + (f"_{_group(sub)}" if sub else "") + (f"^{_group(sup)}" if sup else "")
    if name == "rad":
        return f"{parts.get('deg', '')}√{_group(parts.get('e', ''))}"
    if name == "d":
        inside = ", ".join(_linear(c) for c in element if c.tag.endswith("}e"))
        return f"({inside})"
    return "".join(_linear(c) for c in element if not c.tag.endswith("Pr"))


def _group(text: str) -> str:
    return text if len(text) <= 1 or text.isalnum() else f"({text})"


def _long_field(w: str, field: Element) -> list[Element]:
    """``field`` (a simple field) as runs: begin, its instruction, separate, its text, end."""

    def char(kind: str) -> Element:
        run = Element(f"{w}r")
        run.append(Element(f"{w}fldChar", {f"{w}fldCharType": kind}))
        return run

    instruction = Element(f"{w}r")
    code = Element(f"{w}instrText")
    code.text = field.get(f"{w}instr", "")
    instruction.append(code)
    return [char("begin"), instruction, char("separate"), *list(field), char("end")]


def _replace(parent: Element, old: Element, new: list[Element]) -> None:
    at = list(parent).index(old)
    parent.remove(old)
    for offset, element in enumerate(new):
        parent.insert(at + offset, element)
