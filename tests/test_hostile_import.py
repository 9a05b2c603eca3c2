"""Damaged import sources: a located error and exit 1, never a crash, nothing written."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest

from tests.import_fixtures import Docx, W, invoke, png, replacing, rezip
from tests.test_import_wordpress import item, wxr

LONG_PAGE = "<p>" + "word " * 1_300_000 + "</p>"  # 6.2 MB: more than one reflection may be


def _imported_statement(source: Path, dest: Path) -> str:
    """Import ``source`` (which must succeed) and return the contextual statement written."""
    code, output = invoke("import", source, dest, "--pathway", "cmalt")
    assert code == 0, output
    return (dest / "00-contextual-statement" / "reflection.md").read_text(encoding="utf-8")


def _damaged_member(data: bytes, name: str) -> bytes:
    """The .docx with one stored member's bytes changed, so its checksum no longer matches."""
    raw = bytearray(rezip(data))
    where = raw.index(b"<", raw.index(name.encode()))  # the member's first stored byte
    raw[where + 1] ^= 0x20
    return bytes(raw)


def test_a_docx_with_a_damaged_part_is_a_located_error(tmp_path: Path) -> None:
    good = Docx().heading("Contextual statement").para("I work at a college.").data()
    source = tmp_path / "portfolio.docx"
    source.write_bytes(_damaged_member(good, "[Content_Types].xml"))
    dest = tmp_path / "imported"
    code, output = invoke("import", source, dest, "--pathway", "cmalt")
    assert code == 1, output
    assert "internal problem" not in output
    assert (
        "portfolio.docx: error import-source: this Word file is damaged: its part "
        "[Content_Types].xml cannot be read"
    ) in output
    assert "hint: open it in Word or LibreOffice and use Save As" in output
    assert not dest.exists()


def test_importing_a_named_pipe_is_refused_without_waiting_for_it(tmp_path: Path) -> None:
    """A FIFO named like a .docx was read forever; now it is refused at once."""
    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes here")
    source = tmp_path / "portfolio.docx"
    os.mkfifo(source)
    dest = tmp_path / "imported"
    code, output = invoke("import", source, dest, "--pathway", "cmalt")
    assert code == 1, output
    assert (
        "portfolio.docx: error import-source: this is a named pipe (FIFO), not an ordinary file"
    ) in output
    assert "hint: name the .docx or .xml file itself" in output
    assert not dest.exists()


def test_a_wordpress_page_longer_than_a_reflection_is_refused_quickly(tmp_path: Path) -> None:
    """A 6 MB page was parsed for minutes (120 MB took over 2 minutes and 1 GB of memory)."""
    source = tmp_path / "export.xml"
    source.write_text(wxr(item("Contextual statement", LONG_PAGE)), encoding="utf-8")
    dest = tmp_path / "imported"
    code, output = invoke("import", source, dest, "--pathway", "cmalt")
    assert code == 1, output
    assert (
        "export.xml: error import-source: the page 'Contextual statement' holds 6.2 MB of text, "
        "more than the 2 MB cmaltgen reads as one reflection"
    ) in output
    assert not dest.exists()


def test_a_wordpress_page_longer_than_a_reflection_is_left_out_and_the_rest_imported(
    tmp_path: Path,
) -> None:
    """One over-long page must not cost the candidate the rest of their blog."""
    source = tmp_path / "export.xml"
    source.write_text(
        wxr(
            item("Contextual statement", "<p>I support staff in a college library.</p>"),
            item("Pasted images", LONG_PAGE, kind="post"),
        ),
        encoding="utf-8",
    )
    dest = tmp_path / "imported"
    code, output = invoke("import", source, dest, "--pathway", "cmalt")
    assert code == 0, output
    assert (
        "export.xml: warning import-removed: the post 'Pasted images' holds 6.2 MB of text, more "
        "than the 2 MB cmaltgen reads as one reflection: it was left out"
    ) in output
    assert "hint: split it into several pages in WordPress" in output
    written = "".join(p.read_text(encoding="utf-8") for p in dest.rglob("*.md"))
    assert "I support staff in a college library." in written
    assert "word word word" not in written


def test_a_wordpress_export_over_100_mb_is_refused_before_it_is_read(tmp_path: Path) -> None:
    source = tmp_path / "export.xml"
    source.write_text(wxr(item("Post", "<p>word</p>", kind="post")), encoding="utf-8")
    with source.open("r+b") as grown:  # sparse: its size is on disk, its bytes are not
        grown.truncate(101 * 1024 * 1024 + 512 * 1024)
    dest = tmp_path / "imported"
    code, output = invoke("import", source, dest, "--pathway", "cmalt")
    assert code == 1, output
    assert (
        "export.xml: error import-source: this WordPress export is 101.5 MB, more than the "
        "100 MB of text cmaltgen imports"
    ) in output
    assert "hint: export only your portfolio's pages or posts" in output
    assert not dest.exists()


@pytest.mark.slow("large")
def test_a_wordpress_page_nested_50000_deep_keeps_its_text_as_plain_paragraphs(
    tmp_path: Path,
) -> None:
    """Deep nesting made the sanitiser run for minutes; past 1,000 open tags the text is taken
    directly, scripts' content still dropped, and the author is told."""
    deep = "<div>" * 50_000 + "My context <script>alert(1)</script>" + "</div>" * 50_000
    source = tmp_path / "export.xml"
    source.write_text(wxr(item("Contextual statement", deep + "<p>More &amp; more</p>")))
    dest = tmp_path / "imported"
    code, output = invoke("import", source, dest, "--pathway", "cmalt")
    assert code == 0, output
    assert (
        "export.xml: warning import-review: page 'Contextual statement' is nested too deeply "
        "to keep its formatting: its text was kept as plain paragraphs"
    ) in output
    text = (dest / "00-contextual-statement" / "reflection.md").read_text(encoding="utf-8")
    body = text.split("---\n", 2)[2]
    assert body.split() == ["My", "context", "More", "&", "more"]
    assert "alert" not in text


@pytest.mark.slow("large")
def test_a_page_of_tags_never_closed_is_kept_as_text() -> None:
    """'<b<b<b...': each '<' with no '>' before the next made html.parser (and the nesting
    count) read the rest of the page again: 100,000 of them took minutes. Past 1,000 they are
    text, every one kept; a page with a few is converted as before."""
    from cmaltgen.importers.html import _nesting, to_markdown

    many = to_markdown("<p>My context</p>" + "<b" * 100_000)
    assert many.markdown.split("\n\n") == ["My context", "&lt;b" * 100_000]
    assert not many.flattened
    assert _nesting("<b" * 100_000 + "<div>" * 1_001) == 1_001
    few = to_markdown("<p>My context <b<i>shown</i> and a&lt;b</p><p>x<y z</p>")
    assert few.markdown == "My context shown and a&lt;b\n\nx"  # as html.parser reads them


def test_a_size_just_over_a_limit_is_never_shown_as_the_limit() -> None:
    """Rounded up to a tenth of a MB, so the message never says "2 MB, more than the 2 MB"."""
    from cmaltgen.importers.source import megabytes
    from cmaltgen.importers.wordpress import _too_long

    assert [megabytes(n) for n in (20 * 2**20 + 1, 201 * 2**20, 6_500_007)] == [
        "20.1",
        "201",
        "6.2",
    ]
    warned = _too_long(Path("export.xml"), "page 'Long'", "x" * 2_500_000)
    assert warned.message.startswith("the page 'Long' holds 2.4 MB of text, more than the 2 MB")


# ---------------------------------------------------------------- JSON nested thousands deep


def test_block_editor_footnotes_nested_thousands_deep_are_ignored(tmp_path: Path) -> None:
    """json.loads raises RecursionError (not ValueError) past ~1,000 levels: it crashed."""
    source = tmp_path / "export.xml"
    page = item("Contextual statement", "<p>I work at a college.</p>", meta={"footnotes": ""})
    source.write_text(wxr(page.replace("<![CDATA[]]>", "<![CDATA[" + "[" * 100_000 + "]]>")))
    text = _imported_statement(source, tmp_path / "imported")
    assert "I work at a college." in text


def test_an_import_list_nested_thousands_deep_is_no_list(tmp_path: Path) -> None:
    """--force reads the last import's .cmaltgen-import.json; nested deep, it crashed."""
    from cmaltgen.rules.links import CACHE_FILE, LinkCache

    source = tmp_path / "portfolio.docx"
    source.write_bytes(Docx().heading("Contextual statement").para("I teach.").data())
    dest = tmp_path / "imported"
    assert invoke("import", source, dest, "--pathway", "cmalt")[0] == 0
    (dest / ".cmaltgen-import.json").write_text('{"files": ' + "[" * 100_000, "utf-8")
    code, output = invoke("import", source, dest, "--pathway", "cmalt", "--force")
    assert code == 1, output
    assert (
        "imported: error output-not-site: --force would overwrite files that cmaltgen import "
        "did not write, or that you have changed since"
    ) in output
    # check's link cache is read the same way: a deep one is no cache, not a crash
    (tmp_path / CACHE_FILE).write_text("[" * 100_000, "utf-8")
    assert LinkCache.load(tmp_path, 0.0).entries == {}


# ---------------------------------------------------------------- encodings and addresses


@pytest.mark.parametrize("encoding", ["bogus-9", "UTF-7"])
def test_a_wordpress_export_in_an_encoding_python_cannot_parse_is_located(
    tmp_path: Path, encoding: str
) -> None:
    """An unknown encoding (LookupError) or a multi-byte one expat refuses (ValueError)."""
    source = tmp_path / "export.xml"
    source.write_text(wxr(item("Contextual statement", "<p>x</p>")).replace("UTF-8", encoding))
    dest = tmp_path / "imported"
    code, output = invoke("import", source, dest, "--pathway", "cmalt")
    assert code == 1, output
    assert (
        "export.xml:1:1: error import-source: this XML file says it is written in a text "
        "encoding cmaltgen cannot read (its first line names the encoding)"
    ) in output
    assert "hint: WordPress writes UTF-8: export again from WordPress" in output
    assert not dest.exists()


def _rezipped(data: bytes, name: str, old: bytes, new: bytes) -> bytes:
    return rezip(data, replacing(name, old, new), compression=zipfile.ZIP_DEFLATED)


def test_a_docx_whose_properties_name_an_unknown_encoding_is_imported(tmp_path: Path) -> None:
    """docProps/core.xml only gives the evidence date; an unknown encoding there crashed."""
    doc = Docx().heading("Contextual statement")
    good = doc.para(doc.text("I work at a college.")).data()
    source = tmp_path / "portfolio.docx"
    source.write_bytes(_rezipped(good, "docProps/core.xml", b'encoding="UTF-8"', b'encoding="x"'))
    text = _imported_statement(source, tmp_path / "imported")
    assert "I work at a college." in text


def test_a_docx_whose_parts_are_marked_encrypted_is_a_located_error(tmp_path: Path) -> None:
    """zipfile raises RuntimeError ('password required') for a member flagged as encrypted."""
    raw = bytearray(Docx().heading("Contextual statement").para("I teach.").data())
    for signature, flags in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = raw.find(signature)
        while at != -1:
            raw[at + flags] |= 1
            at = raw.find(signature, at + 4)
    source = tmp_path / "portfolio.docx"
    source.write_bytes(bytes(raw))
    dest = tmp_path / "imported"
    code, output = invoke("import", source, dest, "--pathway", "cmalt")
    assert code == 1, output
    assert (
        "portfolio.docx: error import-source: this Word file is damaged: its part "
        "[Content_Types].xml cannot be read"
    ) in output
    assert not dest.exists()


def test_addresses_urllib_cannot_split_are_kept_as_text(tmp_path: Path) -> None:
    """A site address 'http://[::1' or a link '//[zz/x' made urljoin raise ValueError."""
    content = "<p>See <a href='/plan'>my plan</a> and <a href='//[zz/x'>this</a>.</p>"
    for base, link, kept in (
        ("http://[::1", "/plan", "my plan (/plan)"),
        ("https://rowan.example.org/", "//[zz/x", "this (//[zz/x)"),
    ):
        source = tmp_path / "export.xml"
        head = f"<wp:base_blog_url>{base}</wp:base_blog_url><wp:wxr_version>"
        source.write_text(
            wxr(item("Contextual statement", content)).replace("<wp:wxr_version>", head, 1)
        )
        dest = tmp_path / f"imported-{link.count('/')}"
        code, output = invoke("import", source, dest, "--pathway", "cmalt")
        assert code == 0, output
        text = (dest / "00-contextual-statement" / "reflection.md").read_text(encoding="utf-8")
        assert kept in text, text


# ---------------------------------------------------------------- pages that were read for hours


@pytest.mark.slow("large")
def test_pages_of_marks_never_closed_are_read_once(tmp_path: Path) -> None:
    """Each of these made a pattern (or html.parser) read the rest of the page again for every
    mark, for hours: block comments never closed (<!-- wp:x), footnote marks never closed
    (<sup data-fn=...>), link brackets never closed ([a), and a blog of 3,000 attachments whose
    thumbnail names were searched with a new pattern for each attachment on each page; and
    sized image addresses (photo.png?w=w=w=..., then "https://" 20,000 times)."""
    uploads = "https://rowan.example.org/wp-content/uploads"
    notes = '[{"id":"n1","content":"A note"}]'
    files = [
        item(f"Photo {n}", kind="attachment", status="inherit", attachment=f"{uploads}/{n}.png")
        for n in range(3_000)
    ]
    posts = [
        item(
            f"Post {n}",
            f"<p>Week {n} <img alt='Photo' src='{uploads}/{n}-300x200.png'></p>",
            kind="post",
            categories=("Core area 1a",),
        )
        for n in range(100)
    ]
    source = tmp_path / "export.xml"
    source.write_text(
        wxr(
            item("Contextual statement", "<p>I teach.</p>" + "<!-- wp:x " * 100_000),
            item(
                "Core area 1b",
                "<p>Marked" + '<sup data-fn="n1">' * 50_000,
                meta={"footnotes": notes},
            ),
            item("Core area 1c", "<p>Lists" + " [a" * 100_000 + "</p>"),
            item(
                "Core area 2a",
                f"<p>Sized {uploads}/1.png?" + "w=" * 40 + "&&" + "https://" * 20_000 + "</p>",
            ),
            *files,
            *posts,
        )
    )
    dest = tmp_path / "imported"
    code, output = invoke("import", source, dest, "--pathway", "cmalt")
    assert code == 0, output

    def text(folder: str) -> str:
        return (dest / folder / "reflection.md").read_text(encoding="utf-8")

    assert "I teach." in text("00-contextual-statement")
    assert "Marked" in text("02-1b") and "A note" in text("02-1b")
    assert "Lists [a [a" in text("03-1c")
    assert "Sized" in text("04-2a") and "https://https://" in text("04-2a")
    assert f"![Photo]({uploads}/7.png)" in text("01-1a")  # the full-size file, not -300x200


@pytest.mark.slow("large")
def test_a_bold_phrase_with_thousands_of_non_breaking_spaces_is_read_once(tmp_path: Path) -> None:
    """'**Title**' tests read spaces around an optional colon with two \\s*, which shared a run
    of 20,000 non-breaking spaces between them in every way: 50 s, minutes for longer runs."""
    spaces = "&nbsp;" * 50_000
    source = tmp_path / "export.xml"
    source.write_text(
        wxr(
            item(
                "Contextual statement", f"<p><strong>My role{spaces}here</strong> at a college</p>"
            )
        )
    )
    text = _imported_statement(source, tmp_path / "imported")
    assert "**My role" in text and "here** at a college" in text


@pytest.mark.parametrize("order", ["²", "٣", "-1", " 2 ", "99999999999999999999", "x"])
def test_an_odd_wordpress_menu_order_never_stops_the_import(tmp_path: Path, order: str) -> None:
    """'²'.isdigit() is True but int('²') fails: the import crashed on such a menu_order."""
    source = tmp_path / "export.xml"
    source.write_text(
        wxr(
            item(
                "Contextual statement", "<p>I support staff in a college library.</p>", order=order
            ),
            item("Future plans", "<p>Next year I mentor two colleagues.</p>", order="1"),
        ),
        encoding="utf-8",
    )
    dest = tmp_path / "imported"
    code, output = invoke("import", source, dest, "--pathway", "cmalt")
    assert code == 0, output
    written = "".join(p.read_text(encoding="utf-8") for p in dest.rglob("*.md"))
    assert "I support staff in a college library." in written
    assert "Next year I mentor two colleagues." in written


def _dropped(data: bytes, prefix: str) -> bytes:
    """The .docx without the members whose names start with ``prefix``."""
    return rezip(
        data,
        lambda name, body: None if name.startswith(prefix) else (name, body),
        compression=zipfile.ZIP_DEFLATED,
    )


def test_links_and_pictures_the_docx_does_not_hold_are_dropped_and_located(
    tmp_path: Path,
) -> None:
    """One link naming a relationship the file lacks made mammoth refuse the whole document
    ('damaged (KeyError)'); a picture linked to a file outside it vanished without a word."""
    d = Docx().heading("Contextual statement").para("I work at a college.")
    d.heading("Core Area 1a").heading("Description", 2)
    d.para(d.text("See my "), d.link("pilot report", "https://example.org/r"), d.text(" here."))
    d.para(d.text("Our results chart:")).image(png(), "Results chart")  # rId11
    d.image(png(), "Linked chart")  # rId12, made a link to a file outside the document
    d.para(d.text("The rest of my description."))
    d.heading("Reflection", 2).para(d.text("I learned a lot"), d.note("Cited in 2024."))
    d.notes[0] = d.notes[0].replace("</w:p>", "<w:hyperlink r:id='rId99'><w:r><w:t>notes"
                                    "</w:t></w:r></w:hyperlink></w:p>")  # fmt: skip
    rels = "word/_rels/document.xml.rels"
    data = _rezipped(d.data(), rels, b'Id="rId10" Type', b'Id="gone" Type')  # the link's
    data = _rezipped(data, rels, b'Id="rId11" Type', b'Id="gone2" Type')  # first picture's
    data = _rezipped(data, "word/document.xml", b"r:embed='rId12'", b"r:link='rId12'")
    outside = b'Target="file:///C:/chart.png" TargetMode="External"'
    data = _rezipped(data, rels, b'Target="media/2-image.png"', outside)
    source = tmp_path / "portfolio.docx"
    source.write_bytes(data)
    dest = tmp_path / "imported"
    code, output = invoke("import", source, dest, "--pathway", "cmalt")
    assert code == 0, output
    text = (dest / "01-1a" / "reflection.md").read_text("utf-8")
    assert "See my pilot report here." in text and "The rest of my description." in text
    assert "I learned a lot[^1]" in text and "[^1]: Cited in 2024.notes" in text
    assert "![" not in text and not list((dest / "01-1a").glob("image-*"))
    flat = " ".join(output.split())
    for message in (
        "portfolio.docx: warning import-removed: the link 'pilot report' under the heading "
        "'Description', in the paragraph 'See my pilot report here.' points nowhere: this Word "
        "file does not hold its address, so it was kept as plain text",
        "warning import-removed: the picture 'Results chart' under the heading 'Description', "
        "after the paragraph 'Our results chart:' was left out: this Word file does not hold "
        "the picture itself",
        "warning import-removed: the picture 'Linked chart' under the heading 'Description', "
        "after the paragraph 'Our results chart:' was left out: it is linked to the file "
        "C:/chart.png, outside the Word document (Insert > Pictures with 'Link to File')",
        "warning import-removed: the link 'notes' in footnote 1 points nowhere",
        "hint: insert the picture into the Word document",
    ):
        assert message in flat, output


def test_a_picture_missing_from_the_docx_is_left_out_and_the_rest_imported(
    tmp_path: Path,
) -> None:
    d = Docx().heading("Contextual statement").para("I work at a college.")
    d.image(png(), "Campus map").para(d.text("After the map."))
    source = tmp_path / "portfolio.docx"
    source.write_bytes(_dropped(d.data(), "word/media/"))
    text = _imported_statement(source, tmp_path / "imported")
    assert "After the map." in text and "![" not in text


def test_a_footnote_mark_whose_footnote_is_missing_is_left_out_and_located(
    tmp_path: Path,
) -> None:
    """A mark naming a footnote or endnote the file lacks refused the whole document."""
    d = Docx().heading("Contextual statement").para("I work at a college.")
    d.para(d.text("As agreed"), d.note("Minutes of May 2024."), d.text(" in the team."))
    d.para(d.text("Later"), "<w:r><w:footnoteReference w:id='9'/></w:r>")
    d.para(d.text("And at the end"), "<w:r><w:endnoteReference w:id='3'/></w:r>")
    source = tmp_path / "portfolio.docx"
    source.write_bytes(d.data())
    dest = tmp_path / "imported"
    code, output = invoke("import", source, dest, "--pathway", "cmalt")
    assert code == 0, output
    text = (dest / "00-contextual-statement" / "reflection.md").read_text("utf-8")
    assert "As agreed[^1] in the team." in text and "[^1]: Minutes of May 2024." in text
    assert "\nLater\n" in text and "\nAnd at the end\n" in text and "cmaltgen-missing" not in text
    flat = " ".join(output.split())
    assert (
        "portfolio.docx: warning import-removed: the footnote mark [2] under the heading "
        "'Contextual statement', in the paragraph 'Later[2]' has no footnote text in this Word "
        "file, so the mark was left out"
    ) in flat
    assert (
        "the endnote mark [3] under the heading 'Contextual statement', in the paragraph " in flat
    )


@pytest.mark.parametrize("span", ["²", "0", "-1", "99999999999", "3", ""])
def test_odd_row_spans_never_stop_a_table(span: str) -> None:
    from cmaltgen.importers.html import to_markdown

    html = f"<table><tr><td rowspan='{span}'>a</td><td>b</td></tr><tr><td>c</td></tr></table>"
    markdown = to_markdown(html).markdown
    assert "| a | b |" in markdown
    assert ("|  | c |" if span == "3" else "| c |") in markdown


def test_cells_spanning_empty_rows_add_a_bounded_number_of_cells() -> None:
    """Each cell spanning the rows below got an empty cell in each: 150 cells over 150 empty
    rows (5 KB) became 22,500 cells, 600 over 600 (20 KB) a 1 MB table in 71 s. Past the
    table's own cells and 1,000 more, its columns are left as they are."""
    from cmaltgen.importers.html import to_markdown

    html = "<table><tr>" + "<td rowspan='1000'>a</td>" * 150 + "</tr>" + "<tr></tr>" * 150
    markdown = to_markdown(html + "</table>").markdown
    assert markdown.startswith("| a | a | a |") and markdown.count("a") == 150
    assert len(markdown) < 2 * len(html), len(markdown)


def test_equations_nested_deep_or_by_the_thousand_are_read_once(tmp_path: Path) -> None:
    """Each level of an equation was read twice (50 levels: 2**50 steps); 3,000 levels ran
    out of recursion. Past 60 levels only the text is kept; past 10 equations, a count."""
    math = 'xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math"'

    def run(text: str) -> str:
        return f"<m:r><m:t>{text}</m:t></m:r>"

    deep = "<m:f><m:num>" * 3000 + run("x") + f"</m:num><m:den>{run('2')}</m:den></m:f>" * 3000
    d = Docx().heading("Contextual statement")
    d.para(d.text("Deep: "), f"<m:oMath>{deep}</m:oMath>")
    d.para(*[f"<m:oMath>{run(f'y{n}')}</m:oMath>" for n in range(40)])
    d.para(d.text("The end."))
    data = _rezipped(
        d.data(), "word/document.xml", b"<w:document ", f"<w:document {math} ".encode()
    )
    source = tmp_path / "portfolio.docx"
    source.write_bytes(data)
    text = _imported_statement(source, tmp_path / "imported")
    assert "Deep: (((" in text and "y0y1y2" in text and "The end." in text
    code, output = invoke("import", source, tmp_path / "again", "--pathway", "cmalt")
    assert code == 0, output
    flat = " ".join(output.split())
    assert flat.count("warning import-review: the equation") == 10
    assert "warning import-review: 31 more equations kept as plain text, likewise" in flat


@pytest.mark.slow("large")
def test_shapes_nested_deep_are_read_once(tmp_path: Path) -> None:
    """Whether each shape was in an mc:AlternateContent was asked by walking up through its
    ancestors: 200,000 shapes under 20,000 levels were 4 billion steps (20,000 under 20,000
    took 68 s); one walk down now. Nesting that deep is past what mammoth reads: damaged."""
    depth, shapes = 20_000, 200_000
    deep = (
        "<w:sdt><w:sdtContent>" * depth
        + "<w:p><w:r>" + "<w:drawing><w:txbxContent/></w:drawing>" * shapes + "</w:r></w:p>"
        + "</w:sdtContent></w:sdt>" * depth
    )  # fmt: skip
    plain = Docx().heading("Contextual statement").data()
    docx = rezip(plain, replacing("word/document.xml", b"</w:body>", deep.encode() + b"</w:body>"))
    (tmp_path / "portfolio.docx").write_bytes(docx)  # stored: no zip bomb
    code, output = invoke(
        "import", tmp_path / "portfolio.docx", tmp_path / "imported", "--pathway", "cmalt"
    )
    assert code == 1, output
    assert "this Word file is damaged and cannot be read" in output
    assert not (tmp_path / "imported").exists()


@pytest.mark.slow("large")
def test_thousands_of_footnote_marks_without_notes_are_found_in_one_walk(tmp_path: Path) -> None:
    """Each footnote the file lacked was matched to its marks by a search of the whole page
    (1,000: 7.5 s, 2,000: 27 s, 5,000: minutes); the marks are now found in one walk."""
    d = Docx().heading("Contextual statement")
    for n in range(5000):
        d.para(d.text(f"Paragraph {n}."), f'<w:r><w:footnoteReference w:id="{n + 5}"/></w:r>')
    source = tmp_path / "portfolio.docx"
    source.write_bytes(d.data())  # no footnotes part at all
    code, output = invoke("import", source, tmp_path / "imported", "--pathway", "cmalt")
    assert code == 0, output
    flat = " ".join(output.split())
    assert flat.count("has no footnote text in this Word file, so the mark was left out") == 10
    assert "4,990 more footnote marks without their footnotes, likewise" in flat
    text = (tmp_path / "imported" / "00-contextual-statement" / "reflection.md").read_text("utf-8")
    assert "Paragraph 4999." in text and "[^" not in text


@pytest.mark.slow("large")
def test_thousands_of_broken_links_are_located_once_and_counted(tmp_path: Path) -> None:
    """With the links' list missing, each of 3,000 links was located by a search back
    through the page (quadratic: 20 s); now one walk, and ten warnings then a count."""
    d = Docx().heading("Contextual statement")
    for n in range(3000):
        d.para(d.text(f"Paragraph {n} cites "), d.link(f"link {n}", f"https://example.org/{n}"))
    source = tmp_path / "portfolio.docx"
    source.write_bytes(_dropped(d.data(), "word/_rels/document.xml.rels"))
    code, output = invoke("import", source, tmp_path / "imported", "--pathway", "cmalt")
    assert code == 0, output
    flat = " ".join(output.split())
    assert flat.count("points nowhere: this Word file does not hold its address") == 10
    assert "warning import-removed: 2,990 more links that point nowhere, likewise" in flat
    text = (tmp_path / "imported" / "00-contextual-statement" / "reflection.md").read_text("utf-8")
    assert "Paragraph 2999 cites link 2999" in text


def test_an_empty_styles_or_footnotes_part_is_left_out_and_the_rest_imported(
    tmp_path: Path,
) -> None:
    """A styles, numbering or footnotes part cut to nothing (a bad save, a sync tool) made
    mammoth refuse the whole document as 'damaged (ExpatError)'."""
    d = Docx().heading("Contextual statement")
    d.para(d.text("I work at a college."), d.note("Since 2019."))
    d.heading("Core Area 1a").para(d.text("I chose a tool."))
    data = d.data()
    for part in ("word/styles.xml", "word/footnotes.xml"):
        data = _rezipped(data, part, _member(data, part), b"")
    source = tmp_path / "portfolio.docx"
    source.write_bytes(data)
    dest = tmp_path / "imported"
    code, output = invoke("import", source, dest, "--pathway", "cmalt")
    assert code == 0, output
    text = (dest / "00-contextual-statement" / "reflection.md").read_text("utf-8")
    assert "I work at a college." in text and "cmaltgen-missing" not in text
    assert "I chose a tool." in (dest / "01-1a" / "reflection.md").read_text("utf-8")
    flat = " ".join(output.split())
    assert (
        "portfolio.docx: warning import-removed: this Word file's part word/footnotes.xml is "
        "damaged (empty or cut short), so it was left out: its footnotes may be missing"
    ) in flat
    assert "part word/styles.xml is damaged" in flat
    assert "the footnote mark [1] under the heading 'Contextual statement'" in flat


def _member(data: bytes, name: str) -> bytes:
    return zipfile.ZipFile(io.BytesIO(data)).read(name)


def test_heading_numbers_a_file_makes_huge_stay_short(tmp_path: Path) -> None:
    """A list level whose text repeats every level's number hundreds of times, starting at
    99,999,999 in letters (each a run of over a thousand), would have made each heading
    half a million characters: the number is capped, and the import stays quick."""
    d = Docx()
    for n in range(60):
        d.body.append(
            f"<w:p><w:pPr><w:pStyle w:val='Heading2'/><w:numPr><w:ilvl w:val='{n % 9}'/>"
            f"<w:numId w:val='1'/></w:numPr></w:pPr><w:r><w:t>Heading {n}</w:t></w:r></w:p>"
        )
        d.para(d.text("Some text about my practice."))
    levels = (
        "".join(
            f'<w:lvl w:ilvl="{k}"><w:start w:val="99999999"/><w:numFmt w:val="lowerLetter"/>'
            f'<w:lvlText w:val="{"%1%2%3%4%5%6%7%8%9" * 50}"/></w:lvl>'
            for k in range(9)
        )
        + '<w:lvl w:ilvl="12"><w:numFmt w:val="decimal"/></w:lvl>'
    )  # past Word's nine levels
    numbering = (
        f'<?xml version="1.0" encoding="UTF-8"?><w:numbering {W}><w:abstractNum '
        f'w:abstractNumId="0">{levels}</w:abstractNum><w:num w:numId="1"><w:abstractNumId '
        'w:val="0"/></w:num></w:numbering>'
    )
    source = tmp_path / "numbers.docx"
    source.write_bytes(
        rezip(
            d.data(),
            lambda name, body: (
                name,
                numbering.encode() if name.endswith("numbering.xml") else body,
            ),
        )
    )
    code, out = invoke("import", source, tmp_path / "p", "--pathway", "cmalt")
    assert code == 0, out
    headings = [
        line
        for line in (tmp_path / "p" / "_unsorted.md").read_text("utf-8").splitlines()
        if line.startswith("## ")
    ]
    assert len(headings) == 61 and headings[1].endswith("Heading 0"), headings[:3]
    assert max(len(h) for h in headings) < 400, max(len(h) for h in headings)
