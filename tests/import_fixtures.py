"""Import fixtures: Word .docx files written as OOXML, the way Word writes them.

A small builder writes the parts Word writes (document, styles, numbering, footnotes, media,
relationships, core properties), so each test states the shape of document it is about:
heading styles per section, numbered headings, bold-line headings, evidence tables, images
with and without alt text, footnotes, hyperlinks.
"""

from __future__ import annotations

import io
import json
import struct
import zipfile
import zlib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from click.testing import CliRunner

from cmaltgen.cli import main

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
DRAW = (
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"'
)
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

Edit = Callable[[str, bytes], "tuple[str, bytes] | None"]


def rezip(
    data: bytes,
    edit: Edit = lambda name, body: (name, body),
    *,
    add: Mapping[str, str] | None = None,
    compression: int = zipfile.ZIP_STORED,
) -> bytes:
    """The .docx ``data`` written again, each member through ``edit(name, body)``, which
    gives the name and bytes to write or None to leave it out; then the ``add`` members."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name in source.namelist():
            kept = edit(name, source.read(name))
            if kept is not None:
                archive.writestr(*kept)
        for name, text in (add or {}).items():
            archive.writestr(name, text)
    return out.getvalue()


def replacing(part: str, old: bytes, new: bytes, count: int = -1) -> Edit:
    """An ``edit`` for rezip that replaces ``old`` with ``new`` in one member."""
    return lambda name, body: (name, body.replace(old, new, count) if name == part else body)


def png(width: int = 2, height: int = 2) -> bytes:
    """A real (tiny, grey) PNG image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


class Docx:
    """Build a .docx paragraph by paragraph; ``data()`` gives its bytes."""

    def __init__(self) -> None:
        self.body: list[str] = []
        self.rels: list[str] = []
        self.media: dict[str, bytes] = {}
        self.notes: list[str] = []

    # ---------------------------------------------------------------- paragraphs
    def heading(self, text: str, level: int = 1) -> Docx:
        self.body.append(self._p(self._run(text), f"Heading{level}"))
        return self

    def para(self, *runs: str) -> Docx:
        """A paragraph of runs made with text(), bold(), link(), note()."""
        self.body.append(self._p("".join(runs)))
        return self

    def text(self, text: str) -> str:
        return self._run(text)

    def bold(self, text: str) -> str:
        return f"<w:r><w:rPr><w:b/></w:rPr><w:t xml:space='preserve'>{escape(text)}</w:t></w:r>"

    def link(self, text: str, url: str) -> str:
        rid = self._rel("hyperlink", url, external=True)
        return f'<w:hyperlink r:id="{rid}">{self._run(text)}</w:hyperlink>'

    def note(self, text: str) -> str:
        number = len(self.notes) + 1
        self.notes.append(
            f'<w:footnote w:id="{number}"><w:p><w:pPr><w:pStyle w:val="FootnoteText"/></w:pPr>'
            f"{self._run(text)}</w:p></w:footnote>"
        )
        return f'<w:r><w:footnoteReference w:id="{number}"/></w:r>'

    def bullet(self, *runs: str) -> Docx:
        numbering = '<w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr>'
        self.body.append(
            f'<w:p><w:pPr><w:pStyle w:val="ListParagraph"/>{numbering}</w:pPr>{"".join(runs)}</w:p>'
        )
        return self

    def table(self, rows: list[list[str]]) -> Docx:
        """Rows of cells, each cell a run string (text(), link() ...)."""
        cells = "".join(
            "<w:tr>" + "".join(f"<w:tc>{self._p(cell)}</w:tc>" for cell in row) + "</w:tr>"
            for row in rows
        )
        self.body.append(f"<w:tbl>{cells}</w:tbl>")
        return self

    def image(self, data: bytes, alt: str = "", name: str = "image.png") -> Docx:
        number = len(self.media) + 1
        target = f"media/{number}-{name}"
        self.media[f"word/{target}"] = data
        rid = self._rel("image", target)
        descr = f" descr={quoteattr(alt)}" if alt else ""
        drawing = (
            f"<w:drawing><wp:inline><wp:extent cx='95250' cy='95250'/>"
            f"<wp:docPr id='{number}' name='Picture {number}'{descr}/>"
            "<a:graphic><a:graphicData uri='http://schemas.openxmlformats.org/drawingml/2006/"
            "picture'><pic:pic><pic:nvPicPr><pic:cNvPr id='0' name='x'/><pic:cNvPicPr/>"
            f"</pic:nvPicPr><pic:blipFill><a:blip r:embed='{rid}'/></pic:blipFill>"
            "</pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing>"
        )
        self.body.append(self._p(f"<w:r>{drawing}</w:r>"))
        return self

    # ---------------------------------------------------------------- package
    def data(self, modified: str = "2025-06-01T09:00:00Z") -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("[Content_Types].xml", self._types())
            z.writestr(
                "_rels/.rels",
                self._rels_xml(
                    [
                        f'<Relationship Id="rId1" Type="{REL}/officeDocument" '
                        'Target="word/document.xml"/>',
                        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/'
                        'package/2006/relationships/metadata/core-properties" '
                        'Target="docProps/core.xml"/>',
                    ]
                ),
            )
            z.writestr("docProps/core.xml", _core(modified))
            body = "".join(self.body)
            z.writestr(
                "word/document.xml",
                f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                f"<w:document {W} {R} {DRAW}><w:body>{body}</w:body></w:document>",
            )
            rels = [*self.rels]
            rels.append(f'<Relationship Id="rIdS" Type="{REL}/styles" Target="styles.xml"/>')
            rels.append(f'<Relationship Id="rIdN" Type="{REL}/numbering" Target="numbering.xml"/>')
            if self.notes:
                rels.append(
                    f'<Relationship Id="rIdF" Type="{REL}/footnotes" Target="footnotes.xml"/>'
                )
                z.writestr(
                    "word/footnotes.xml",
                    f'<?xml version="1.0" encoding="UTF-8"?><w:footnotes {W} {R}>'
                    '<w:footnote w:type="separator" w:id="-1"><w:p/></w:footnote>'
                    '<w:footnote w:type="continuationSeparator" w:id="0"><w:p/></w:footnote>'
                    f"{''.join(self.notes)}</w:footnotes>",
                )
            z.writestr("word/_rels/document.xml.rels", self._rels_xml(rels))
            z.writestr("word/styles.xml", _styles())
            z.writestr("word/numbering.xml", _numbering())
            for name, data in self.media.items():
                z.writestr(name, data)
        return out.getvalue()

    def _p(self, runs: str, style: str | None = None) -> str:
        props = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
        return f"<w:p>{props}{runs}</w:p>"

    def _run(self, text: str) -> str:
        return f"<w:r><w:t xml:space='preserve'>{escape(text)}</w:t></w:r>"

    def _rel(self, kind: str, target: str, external: bool = False) -> str:
        rid = f"rId{len(self.rels) + 10}"
        mode = ' TargetMode="External"' if external else ""
        self.rels.append(
            f'<Relationship Id="{rid}" Type="{REL}/{kind}" Target={quoteattr(target)}{mode}/>'
        )
        return rid

    def _rels_xml(self, rels: list[str]) -> str:
        return (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            f'openxmlformats.org/package/2006/relationships">{"".join(rels)}</Relationships>'
        )

    def _types(self) -> str:
        main = "application/vnd.openxmlformats-officedocument.wordprocessingml"
        return (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats'
            '.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Default Extension="png" ContentType="image/png"/>'
            f'<Override PartName="/word/document.xml" ContentType="{main}.document.main+xml"/>'
            f'<Override PartName="/word/styles.xml" ContentType="{main}.styles+xml"/>'
            f'<Override PartName="/word/numbering.xml" ContentType="{main}.numbering+xml"/>'
            f'<Override PartName="/word/footnotes.xml" ContentType="{main}.footnotes+xml"/>'
            "</Types>"
        )


def _core(modified: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><cp:coreProperties xmlns:cp="http://schemas.'
        'openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{modified}</dcterms:modified>'
        "</cp:coreProperties>"
    )


def _styles() -> str:
    styles = "".join(
        f'<w:style w:type="paragraph" w:styleId="Heading{n}"><w:name w:val="heading {n}"/>'
        "</w:style>"
        for n in range(1, 7)
    )
    styles += (
        '<w:style w:type="paragraph" w:styleId="ListParagraph"><w:name w:val="List Paragraph"/>'
        '</w:style><w:style w:type="paragraph" w:styleId="FootnoteText">'
        '<w:name w:val="footnote text"/></w:style>'
    )
    return f'<?xml version="1.0" encoding="UTF-8"?><w:styles {W}>{styles}</w:styles>'


def _numbering() -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><w:numbering {W}>'
        '<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/>'
        '</w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
        "</w:numbering>"
    )


# ---------------------------------------------------------------- running the CLI on them


def invoke(*args: str | Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.output


def builds_and_checks(root: Path) -> dict[str, Any]:
    """The imported portfolio builds at once, and check lists every section as a draft."""
    code, out = invoke("build", root)
    assert code == 0, out
    result = CliRunner().invoke(main, ["check", str(root), "--format", "json"])
    report: dict[str, Any] = json.loads(result.stdout)
    assert report["counts"]["errors"] == 0 and not report["ready"], report
    assert {s["status"] for s in report["sections"]} == {"draft"}, report["sections"]
    return report


# ------------------------------------------------------------------------ shapes
