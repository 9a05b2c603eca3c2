"""Word text that mammoth would leave out without a word, rewritten as what it reads.

- A *simple field* (``w:fldSimple``: a caption's number "Figure 1", a cross-reference, a
  hyperlink field some programs write) becomes the same field in the long form
  (``w:fldChar``), which mammoth reads: its text stays, and a hyperlink field stays a link.
- A paragraph given an *outline level* of its own (Format > Paragraph > Outline level,
  which Word's table of contents follows) is styled as the heading of that level.
- A *text box* whose text is only in a drawing mammoth does not read (an ``mc:Choice``
  with an empty ``mc:Fallback``, as LibreOffice writes; a shape with no fallback) gets
  that text in a fallback, which mammoth reads after the paragraph.
- An *equation* (``m:oMath``) becomes its text in a run between ``EQUATION`` marks, which
  ``docx_places`` turns back into the text with a located warning.
- A heading *numbered by a list* (a multilevel list linked to the heading styles, as Word
  templates and LibreOffice's chapter numbering make: "Core Area 1:", "1a)") gets the number
  it shows as text, which mammoth leaves out.

Only the main part is rewritten, and only when it holds one of them. ``heading_styles``
gives the same for styles: a style with an outline level, or based on a heading style.
"""

from __future__ import annotations

import re
import zipfile
from xml.etree.ElementTree import Element, SubElement, tostring

import defusedxml.ElementTree as SafeET

from cmaltgen.importers.docx_numbers import BUILT_IN, LEVELS, Numbers, outline_level
from cmaltgen.importers.docx_repair import UNREADABLE, main_part, part_of, rewritten

EQUATION = re.compile("\ue000cmaltgen-equation-(\\d+)\ue001")
LEFT_OUT = re.compile("\ue000cmaltgen-(prompt|graphic)-(\\d+)\ue001")  # docx_places reports
_MATH = (
    "{http://schemas.openxmlformats.org/officeDocument/2006/math}",
    "{http://purl.oclc.org/ooxml/officeDocument/math}",
)
_HAS = re.compile(rb"fldSimple|oMath|outlineLvl|txbxContent|showingPlcHdr|2006/(?:chart|diagram)")
# A chart or SmartArt drawn by Word or LibreOffice (not a picture): mammoth drops it unsaid.
_GRAPHICS = {
    "http://schemas.openxmlformats.org/drawingml/2006/chart": "chart",
    "http://schemas.openxmlformats.org/drawingml/2006/diagram": "diagram (SmartArt)",
    "http://purl.oclc.org/ooxml/drawingml/chart": "chart",
    "http://purl.oclc.org/ooxml/drawingml/diagram": "diagram (SmartArt)",
}
_ALTERNATE = {"{http://schemas.openxmlformats.org/markup-compatibility/2006}AlternateContent"}
_EQUATION = {f"{ns}{name}" for ns in _MATH for name in ("oMath", "oMathPara")}
_MAX_DEPTH = 60  # equations nest a few levels; a hostile one, thousands (and recursion ends)
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
        comments = len(_COMMENT.findall(archive.read(part_of(archive, "comments"))))
    except UNREADABLE:
        comments = 0  # none, or mammoth reports the part
    return changes, comments


def heading_styles(archive: zipfile.ZipFile) -> str:
    """mammoth style-map lines making headings of the document's own heading styles: those
    with an outline level, or based on a heading style ("My Heading", based on Heading 1)."""
    try:
        root = SafeET.fromstring(archive.read(part_of(archive, "styles")), forbid_dtd=True)
    except UNREADABLE:
        return ""  # none, or mammoth reports the part
    w = root.tag.rpartition("}")[0] + "}"
    styles = {s.get(f"{w}styleId"): s for s in root if s.get(f"{w}type") == "paragraph"}
    lines = []
    for style_id, style in styles.items():
        named = style.find(f"{w}name")
        name = "" if named is None else named.get(f"{w}val", "")
        if not name or BUILT_IN.fullmatch(name) or BUILT_IN.fullmatch(style_id or ""):
            continue  # mammoth's own map, and cmaltgen's, have these
        level = outline_level(style, styles, w)
        if level is not None:
            quoted = re.sub(r"([\\'])", r"\\\1", name).replace("\n", "\\n").replace("\r", "\\r")
            lines.append(f"p[style-name='{quoted}'] => h{min(level + 1, 6)}:fresh")
    return "\n".join(lines)


def rewrite(archive: zipfile.ZipFile, main: str, xml: bytes) -> tuple[bytes, list[str]] | None:
    """The .docx with simple fields, equations, template prompts and heading numbers
    rewritten, and the text of each equation and prompt (as their marks number them); None
    when the main part has none (or cannot be read: mammoth reports that)."""
    numbers = Numbers(archive, b"numPr" in xml)
    if not _HAS.search(xml) and not numbers.found:
        return None
    try:
        root = SafeET.fromstring(xml, forbid_dtd=True)
    except UNREADABLE:
        return None
    equations: list[str] = []
    w = root.tag.rpartition("}")[0] + "}"
    changed = numbers.found and numbers.number_headings(root, w)
    parents = {child: parent for parent in root.iter() for child in parent}
    inside = {"alternate": _inside(root, _ALTERNATE), "equation": _inside(root, _EQUATION)}
    for element in reversed(list(root.iter())):  # a field inside a field: the inner first
        parent = parents.get(element)
        if parent is not None and _rewrite_one(w, element, parents, inside, equations):
            changed = True
    if not changed:
        return None
    part = tostring(root, encoding="utf-8", xml_declaration=True)
    return rewritten(archive, {main: part}), equations


def _rewrite_one(
    w: str,
    element: Element,
    parents: dict[Element, Element],
    inside: dict[str, set[Element]],
    equations: list[str],
) -> bool:
    """Rewrite ``element`` if mammoth would lose it; whether it was. ``inside``: the elements
    in an mc:AlternateContent, and those in an equation (see _inside)."""
    parent = parents[element]
    namespace, _, name = element.tag.rpartition("}")
    if name == "fldSimple":
        _as_long_field(namespace + "}", element)
        return True
    if name == "pPr":
        return _outline_heading(namespace + "}", element)
    if name == "AlternateContent":
        return _boxes_in_fallback(w, element, parents)
    if name == "sdtContent":
        return _prompt(namespace + "}", element, parent, equations)
    if name == "drawing" and (kind := _graphic(element)) is not None:
        equations.append(kind)
        element.clear()  # the drawing becomes its mark, in its run
        element.tag = f"{w}t"
        element.text = f"\ue000cmaltgen-graphic-{len(equations) - 1}\ue001"
        return True
    if name == "drawing" and parent not in inside["alternate"]:
        if not (boxes := _boxes(w, element)):
            return False
        _move(boxes, SubElement(parent, f"{w}pict"), parents)  # after the drawing, in its run
        return True
    if element.tag in _EQUATION and parent not in inside["equation"]:
        equations.append(" ".join(_linear(element).split()))
        element.clear()  # the equation becomes a run of its text, in its place
        element.tag = f"{w}r"
        SubElement(element, f"{w}t").text = f"\ue000cmaltgen-equation-{len(equations) - 1}\ue001"
        return True
    return False


def _prompt(w: str, content: Element, control: Element, texts: list[str]) -> bool:
    """A template's box still showing its prompt ("Click or tap here to enter text."): the
    prompt becomes a mark, which ``docx_places`` removes with a located warning."""
    shows = control.find(f"{w}sdtPr/{w}showingPlcHdr")
    if shows is None or shows.get(f"{w}val", "true") in ("false", "0", "off"):
        return False  # filled in
    kinds = {child.tag.rpartition("}")[2] for child in content}
    if kinds & {"tr", "tc"}:
        return False  # a box around a table's rows or cells: kept as it is
    texts.append(" ".join("".join(content.itertext()).split()))
    content.clear()
    holder = SubElement(content, f"{w}p") if kinds & {"p", "tbl"} else content
    run = SubElement(holder, f"{w}r")
    SubElement(run, f"{w}t").text = f"\ue000cmaltgen-prompt-{len(texts) - 1}\ue001"
    return True


def _graphic(drawing: Element) -> str | None:
    """'chart: Uptake by school' for a chart or SmartArt drawing (its kind, and its
    description or name); None for a picture, a text box or a shape."""
    for element in drawing.iter():
        kind = _GRAPHICS.get(element.get("uri", ""))
        if kind is not None and element.tag.endswith("}graphicData"):
            named = next((e for e in drawing.iter() if e.tag.endswith("}docPr")), None)
            name = "" if named is None else named.get("descr") or named.get("title") or ""
            return f"{kind}: {' '.join(name.split())}"
    return None


def _inside(root: Element, names: set[str]) -> set[Element]:
    """The elements that are, or are inside, an element of one of ``names`` ("{ns}local"),
    found in one walk down (asking each element for its ancestors: depth x elements steps)."""
    found: set[Element] = set()
    stack = [(root, False)]
    while stack:
        element, within = stack.pop()
        if within or element.tag in names:
            found.add(element)
            within = True
        stack.extend((child, within) for child in element)
    return found


def _boxes(w: str, container: Element) -> list[Element]:
    """The text boxes' contents in ``container``, without those inside another box, in
    order (one walk, which does not go into a box)."""
    found, stack = [], list(reversed(container))
    while stack:
        element = stack.pop()
        if element.tag == f"{w}txbxContent":
            found.append(element)
        else:
            stack.extend(reversed(element))
    return found


def _boxes_in_fallback(w: str, alternate: Element, parents: dict[Element, Element]) -> bool:
    """Give an mc:Fallback the text boxes of its mc:Choice when it has none (LibreOffice
    writes an empty one, and mammoth reads only the fallback); whether it did."""
    mc = alternate.tag.rpartition("}")[0] + "}"
    fallback = alternate.find(f"{mc}Fallback")
    if fallback is not None and fallback.find(f".//{w}txbxContent") is not None:
        return False
    choice = next((c for c in alternate.findall(f"{mc}Choice") if _boxes(w, c)), None)
    if choice is None:
        return False
    if fallback is None:
        fallback = SubElement(alternate, f"{mc}Fallback")
    _move(_boxes(w, choice), SubElement(fallback, f"{w}pict"), parents)
    return True


def _move(boxes: list[Element], into: Element, parents: dict[Element, Element]) -> None:
    """Move ``boxes`` into ``into``: moved, not copied, as a box in a box in a box... copied
    at each level was written out 2**levels times (18 levels in 2 KB: 50 MB)."""
    for box in boxes:
        if (old := parents.get(box)) is not None:
            old.remove(box)
        parents[box] = into
    into.extend(boxes)


def _linear(element: Element, depth: int = 0) -> str:
    """An equation as a line of text: ``(a+b)/2``, ``x^2``, ``x_i``, ``√(x)``. Each element
    is read once; past _MAX_DEPTH levels (no real equation) only the text is kept."""
    name = element.tag.rpartition("}")[2]
    if name == "t":
        return element.text or ""
    if depth > _MAX_DEPTH:
        return "".join(element.itertext())
    children = [
        (c.tag.rpartition("}")[2], _linear(c, depth + 1))
        for c in element
        if not c.tag.endswith("Pr")
    ]
    parts = dict(children)
    if name == "f":
        return f"{_group(parts.get('num', ''))}/{_group(parts.get('den', ''))}"
    if name in ("sSup", "sSub", "sSubSup"):
        sub, sup = parts.get("sub"), parts.get("sup")
        base = _group(parts.get("e", ""))
        return base + (f"_{_group(sub)}" if sub else "") + (f"^{_group(sup)}" if sup else "")
    if name == "rad":
        return f"{parts.get('deg', '')}√{_group(parts.get('e', ''))}"
    if name == "d":
        return "(" + ", ".join(text for kind, text in children if kind == "e") + ")"
    return "".join(text for _, text in children)


def _group(text: str) -> str:
    return text if len(text) <= 1 or text.isalnum() else f"({text})"


def _outline_heading(w: str, properties: Element) -> bool:
    """Style a paragraph given an outline level of its own (Level 1: "Heading1"); whether
    it had one."""
    outline = properties.find(f"{w}outlineLvl")
    value = None if outline is None else outline.get(f"{w}val")
    if value not in LEVELS:
        return False
    style = properties.find(f"{w}pStyle")
    if style is None:
        style = Element(f"{w}pStyle")
        properties.insert(0, style)
    style.set(f"{w}val", f"Heading{int(value) + 1}")  # mammoth maps this style id to <hN>
    return True


def _as_long_field(w: str, field: Element) -> None:
    """Make ``field`` (a simple field) the long form in place: a container mammoth reads
    through (a smart tag) of runs: begin, its instruction, separate, its text, end."""

    def char(kind: str) -> Element:
        run = Element(f"{w}r")
        SubElement(run, f"{w}fldChar", {f"{w}fldCharType": kind})
        return run

    instruction = Element(f"{w}r")
    SubElement(instruction, f"{w}instrText").text = field.get(f"{w}instr", "")
    field.tag, field.attrib = f"{w}smartTag", {}
    field[0:0] = [char("begin"), instruction, char("separate")]
    field.append(char("end"))
