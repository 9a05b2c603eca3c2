"""``cmaltgen import`` from Word: real .docx files in several shapes, then build and check."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import mammoth
import pytest
import yaml
from click.testing import CliRunner

from cmaltgen.cli import main
from cmaltgen.importers.docx_text import main_xml, rewrite
from cmaltgen.importers.names import safe_name
from cmaltgen.wording import word_count
from tests.import_fixtures import Docx, W, builds_and_checks, invoke, png, replacing, rezip

CORE = ["1a", "1b", "1c", "2a", "2b", "3a", "3b", "4a"]
PROSE = (
    "I planned the change with colleagues, tried it with a pilot group of forty students, "
    "collected their comments and changed the design before it went to every course. "
)


def imported(tmp_path: Path, doc: Docx, *extra: str, pathway: str = "cmalt") -> Path:
    source = tmp_path / "portfolio.docx"
    source.write_bytes(doc.data())
    dest = tmp_path / "imported"
    code, out = invoke("import", source, dest, "--pathway", pathway, *extra)
    assert code == 0, out
    (tmp_path / "import.log").write_text(out, "utf-8")
    return dest


def folder(root: Path, section: str) -> Path:
    (found,) = [p for p in root.iterdir() if re.fullmatch(rf"\d\d-{re.escape(section)}", p.name)]
    return found


def front(path: Path) -> dict[str, object]:
    text = path.read_text("utf-8")
    loaded: dict[str, object] = yaml.safe_load(text.split("---\n")[1])
    return loaded


def items(root: Path, section: str) -> list[dict[str, object]]:
    loaded = yaml.safe_load((folder(root, section) / "evidence.yml").read_text("utf-8"))
    return loaded or []


def body_words(path: Path) -> int:
    body = path.read_text("utf-8").split("---\n", 2)[2]
    body = re.sub(r"\]\([^)]*\)", "]", body)
    return word_count(re.sub(r"^#+ .*$", "", body, flags=re.M))


def source_words(data: bytes) -> int:
    return word_count(mammoth.extract_raw_text(io.BytesIO(data)).value)


def one_heading_per_section() -> Docx:
    d = Docx()
    d.heading("My CMALT portfolio", 1).para(d.text("Submitted by Sam Tester in 2025."))
    d.heading("Contextual statement", 1).para(d.text(PROSE * 2))
    for cid in CORE:
        d.heading(f"Core Area {cid}", 1)
        d.heading("Description", 2)
        d.para(
            d.text(PROSE * 3 + "My "),
            d.link("options appraisal", f"https://example.org/{cid}/appraisal.pdf"),
            d.text(" compared three tools."),
            d.note(f"The appraisal for {cid} was agreed in 2024."),
        )
        d.heading("Evidence", 2)
        d.bullet(d.link(f"Pilot blog post {cid}", f"https://blog.example.org/{cid}"))
        d.heading("Reflection", 2).para(d.text(PROSE * 2))
    d.heading("Specialist area: Accessibility", 1)
    d.heading("Description", 2).para(d.text(PROSE * 2))
    d.image(png(), "A bar chart of accessibility audit scores rising over three terms")
    d.heading("Reflection", 2).para(d.text(PROSE))
    d.heading("Future plans", 1).para(d.text(PROSE * 6))
    d.heading("Appendix: acronyms", 1).para(d.text("VLE: virtual learning environment."))
    return d


def test_one_heading_style_per_section(tmp_path: Path) -> None:
    doc = one_heading_per_section()
    root = imported(tmp_path, doc)
    assert not list(tmp_path.glob(".imported.import-*"))  # written beside, then renamed
    assert json.loads((root / ".cmaltgen-import.json").read_text("utf-8"))["files"]
    for cid in CORE:
        reflection = folder(root, cid) / "reflection.md"
        assert front(reflection) == {"section": cid, "draft": True}
        text = reflection.read_text("utf-8")
        assert "## Description" in text and "## Reflection" in text and "### Evidence" in text
        assert f"[^1]: The appraisal for {cid} was agreed in 2024." in text or "[^" in text
        found = items(root, cid)
        urls = {i["url"] for i in found}
        assert urls == {
            f"https://example.org/{cid}/appraisal.pdf",
            f"https://blog.example.org/{cid}",
        }
        assert all(i["draft"] is True and i["shows"] for i in found)
        cited = set(re.findall(r"\(evidence:([a-z0-9-]+)\)", text))
        assert cited == {i["id"] for i in found}
    spec = folder(root, "specialist-accessibility")
    assert front(spec / "reflection.md")["title"] == "Accessibility"
    unsorted = (root / "_unsorted.md").read_text("utf-8")
    assert "Submitted by Sam Tester in 2025." in unsorted
    assert "VLE: virtual learning environment." in unsorted
    written = sum(body_words(p) for p in root.glob("*/reflection.md"))
    written += body_words_plain(root / "_unsorted.md")
    assert abs(written - source_words(doc.data())) / source_words(doc.data()) < 0.04
    checked = {s["id"]: s for s in builds_and_checks(root)["sections"]}
    assert checked["1a"]["words"] > 100 and checked["future-plans"]["words"] > 150


def body_words_plain(path: Path) -> int:
    text = path.read_text("utf-8").split("\n\n", 2)[2]  # after the note's own heading and words
    return word_count(re.sub(r"^#+ .*$", "", text, flags=re.M))


def test_footnotes_are_markdown_footnotes_in_their_section(tmp_path: Path) -> None:
    root = imported(tmp_path, one_heading_per_section())
    text = (folder(root, "2b") / "reflection.md").read_text("utf-8")
    refs = re.findall(r"\[\^(\w+)\][^:]", text)
    assert refs, text
    assert f"[^{refs[0]}]: The appraisal for 2b was agreed in 2024." in text
    html = (root / "_site").exists()
    assert not html


def test_numbered_and_bold_headings_and_official_titles(tmp_path: Path) -> None:
    d = Docx()
    d.heading("1. Contextual Statement", 1).para(d.text(PROSE))
    d.heading("1a) Understanding the constraints and benefits of different technologies", 2)
    d.para(d.text(PROSE)).para(d.bold("Reflection")).para(d.text("Looking back, " + PROSE))
    d.para(d.bold("Core area 1b: Running the VLE upgrade")).para(d.text(PROSE))
    d.heading("Section 1c - Supporting the deployment of learning technologies", 2)
    d.para(d.text(PROSE))
    d.heading("Core Area 2: Teaching, learning and/or assessment processes", 1)
    d.heading("An understanding of your target learners", 2).para(d.text(PROSE))
    d.heading("Specialist Area", 1).para(d.text(PROSE))
    d.heading("Future Plans", 1).para(d.text(PROSE * 3))
    root = imported(tmp_path, d)
    assert front(folder(root, "1a") / "reflection.md") == {"section": "1a", "draft": True}
    one_a = (folder(root, "1a") / "reflection.md").read_text("utf-8")
    assert one_a.index("Looking back") > one_a.index("## Reflection")
    assert front(folder(root, "1b") / "reflection.md")["title"] == "Running the VLE upgrade"
    assert PROSE.strip() in (folder(root, "1c") / "reflection.md").read_text("utf-8")
    assert PROSE.strip() in (folder(root, "2b") / "reflection.md").read_text("utf-8")
    spec = folder(root, "specialist-first-area") / "reflection.md"
    assert front(spec)["title"] == "Name this area"
    assert not (root / "_unsorted.md").exists()
    # sections the document lacks are started empty, as `cmaltgen new` starts them
    assert "## Description" in (folder(root, "4a") / "reflection.md").read_text("utf-8")
    report = builds_and_checks(root)
    words = {s["id"]: s["words"] for s in report["sections"]}
    assert words["4a"] == 0 and words["1a"] > 50 and words["2b"] > 20


def test_evidence_table_gives_items_titles_and_what_they_show(tmp_path: Path) -> None:
    d = Docx()
    d.heading("Core Area 3a: GDPR in our lecture capture", 1)
    d.heading("Description", 2).para(d.text(PROSE))
    d.heading("Evidence", 2)
    d.table(
        [
            [d.text("Evidence"), d.text("What it shows"), d.text("Link"), d.text("Date")],
            [
                d.text("Privacy notice"),
                d.text("The notice I wrote | with legal"),
                d.link("notice", "https://example.org/notice"),
                d.text("2024-03-01"),
            ],
            [
                d.text("Training slides"),
                d.text("My staff training"),
                d.link("slides", "https://example.org/slides.pptx"),
                d.text("May 2024"),
            ],
        ]
    )
    d.heading("Reflection", 2).para(d.text(PROSE))
    root = imported(tmp_path, d)
    found = items(root, "3a")
    assert [(i["title"], i["type"], str(i["date"])) for i in found] == [
        ("Privacy notice", "web-page", "2024-03-01"),
        ("Training slides", "presentation", "2024-05"),  # May 2024: no day is made up
    ]
    assert found[0]["shows"] == "The notice I wrote | with legal"
    assert "with no link or file" not in (tmp_path / "import.log").read_text("utf-8")
    text = (folder(root, "3a") / "reflection.md").read_text("utf-8")
    assert "| Privacy notice | The notice I wrote \\| with legal |" in text
    assert front(folder(root, "3a") / "reflection.md")["title"] == "GDPR in our lecture capture"
    builds_and_checks(root)


def test_evidence_listed_without_links_is_kept_and_reported(tmp_path: Path) -> None:
    d = Docx()
    d.heading("Core Area 4a", 1).heading("Description", 2).para(d.text(PROSE))
    d.heading("Evidence", 2)
    d.bullet(d.text("Appendix 3: minutes of the working group"))
    d.bullet(d.text("Email from the Dean (available on request)"))
    d.bullet(d.link("Project blog", "https://blog.example.org/project"))
    # a paragraph of prose, and items each a paragraph (or a line) of their own, as in a
    # template's cell: only the items count
    d.para(d.text("The minutes below show how the group reached its decision."))
    d.para(d.text("Screenshot of the load test results"))
    d.para(d.link("Migration plan", "https://example.org/plan"))
    d.heading("Reflection", 2).para(d.text(PROSE))
    source = tmp_path / "p.docx"
    source.write_bytes(d.data())
    code, out = invoke("import", source, tmp_path / "out", "--pathway", "cmalt")
    assert code == 0, out
    assert (
        "out/08-4a/evidence.yml: warning import-review: section 4a lists 3 pieces of evidence "
        "with no link or file, e.g. 'Appendix 3: minutes of the working group'" in out
    )
    text = (folder(tmp_path / "out", "4a") / "reflection.md").read_text("utf-8")
    assert "- Appendix 3: minutes of the working group" in text
    assert [i["url"] for i in items(tmp_path / "out", "4a")] == [
        "https://blog.example.org/project",
        "https://example.org/plan",
    ]
    builds_and_checks(tmp_path / "out")


def test_images_are_evidence_files_with_their_alt_text(tmp_path: Path) -> None:
    d = Docx()
    d.heading("Core Area 2a", 1).heading("Description", 2).para(d.text(PROSE))
    d.image(png(), "Screenshot of the quiz feedback page")
    d.image(png(3, 3), "")
    d.heading("Reflection", 2).para(d.text(PROSE))
    source = tmp_path / "p.docx"
    source.write_bytes(d.data())
    code, out = invoke("import", source, tmp_path / "out", "--pathway", "cmalt")
    assert code == 0, out
    home = folder(tmp_path / "out", "2a")
    found = items(tmp_path / "out", "2a")
    assert [(i["type"], i["file"], i["alt"]) for i in found] == [
        ("image", "image-1.png", "Screenshot of the quiz feedback page"),
    ]
    assert (home / "image-1.png").read_bytes() == png()
    text = (home / "reflection.md").read_text("utf-8")
    assert (
        "![Screenshot of the quiz feedback page](image-1.png) "
        "[](evidence:screenshot-of-the-quiz-feedback-page)" in text
    )
    # without alt text the image is kept and linked, never published without one
    assert (home / "image-2.png").read_bytes() == png(3, 3)
    assert "[image-2.png, an image that needs a description](image-2.png)" in text
    assert (
        "out/04-2a/reflection.md: warning import-review: image without a text alternative "
        "(2a: image-2.png)" in out
    )
    builds_and_checks(tmp_path / "out")
    # Once the section and item are ready, the picture counts as cited: showing it alone
    # did not, and `check` asked for a citation of every imported picture.
    for path in (home / "reflection.md", home / "evidence.yml"):
        path.write_text(re.sub(r"(?m)^ *draft: true\n", "", path.read_text("utf-8")), "utf-8")
    result = CliRunner().invoke(main, ["check", str(tmp_path / "out"), "--format", "json"])
    codes = {(d["code"], d["path"]) for d in json.loads(result.stdout)["diagnostics"]}
    assert ("uncited-evidence", "04-2a/evidence.yml") not in codes, codes
    assert ("missing-alt", "04-2a/reflection.md") not in codes, codes


def test_report_as_json_names_sources_words_and_decisions(tmp_path: Path) -> None:
    source = tmp_path / "p.docx"
    source.write_bytes(one_heading_per_section().data())
    code, out = invoke("import", source, tmp_path / "o", "--pathway", "senior", "--format", "json")
    assert code == 0, out
    report = json.loads(out)
    by_id = {s["id"]: s for s in report["sections"]}
    assert by_id["1a"]["from"] == ["p.docx, heading 'Core Area 1a'"]
    assert by_id["1a"]["evidence"] == 2 and by_id["1a"]["words"] > 100
    assert by_id["1a"]["parts"] == ["description", "evidence", "reflection"]
    assert "specialist-first-area" in report["not_found"]  # Senior needs a second area
    assert "advanced-impact" in report["not_found"]
    assert report["unsorted"]["words"] > 0
    codes = {d["code"] for d in report["needs_decision"]}
    assert {"import-unsorted", "import-review"} <= codes


def test_text_report_lists_sections(tmp_path: Path) -> None:
    source = tmp_path / "p.docx"
    source.write_bytes(one_heading_per_section().data())
    code, out = invoke("import", source, tmp_path / "o", "--pathway", "cmalt")
    assert code == 0
    assert re.search(r"1a\s+\d+\s+2\s+p\.docx, heading 'Core Area 1a'", out), out
    assert "warning import-unsorted" in out and "_unsorted.md" in out
    assert "cmaltgen check" in out


def test_hostile_links_and_html_like_text_never_reach_the_portfolio(tmp_path: Path) -> None:
    d = Docx()
    d.heading("Core Area 1a", 1).heading("Description", 2)
    script = d.text(" <script>alert(1)</script>")
    d.para(d.link("click", "javascript:alert(document.cookie)"), script)
    d.para(d.link("data", "data:text/html,<script>alert(1)</script>"))
    root = tmp_path / "o"
    source = tmp_path / "p.docx"
    source.write_bytes(d.data())
    code, out = invoke("import", source, root, "--pathway", "cmalt")
    assert code == 0, out
    assert "warning import-removed" in out and "javascript: address" in out
    text = (folder(root, "1a") / "reflection.md").read_text("utf-8")
    assert "javascript:" not in text and "data:text" not in text and "<script" not in text
    assert "&lt;script>alert(1)&lt;/script>" in text  # kept as the words it was
    builds_and_checks(root)


# ------------------------------------------------------------------------ bad input


def refused(tmp_path: Path, name: str, data: bytes) -> str:
    source = tmp_path / name
    source.write_bytes(data)
    dest = tmp_path / "out"
    code, out = invoke("import", source, dest, "--pathway", "cmalt")
    assert code == 1, out
    assert "Traceback" not in out
    assert not dest.exists()
    assert f"{name}: error import-source:" in out.replace(str(tmp_path) + "/", "")
    return out


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600


def test_old_doc_file_is_refused_with_advice(tmp_path: Path) -> None:
    out = refused(tmp_path, "portfolio.doc", OLE)
    assert "old-style Word .doc" in out and "Save As" in out


def test_password_protected_docx_is_refused_with_advice(tmp_path: Path) -> None:
    out = refused(tmp_path, "portfolio.docx", OLE)
    assert "password-protected" in out and "without a password" in out


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"hello, I am not a zip", "not a Word .docx file"),
        (b"PK\x03\x04" + b"\x00" * 40, "damaged"),
        (b"", "not a Word .docx file"),
    ],
)
def test_not_a_docx_is_refused(tmp_path: Path, data: bytes, words: str) -> None:
    assert words in refused(tmp_path, "p.docx", data)


def zipped(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return out.getvalue()


def test_truncated_docx_is_refused_as_damaged(tmp_path: Path) -> None:
    whole = one_heading_per_section().data()
    assert "damaged" in refused(tmp_path, "p.docx", whole[: len(whole) // 2])


def test_zip_without_a_document_is_refused(tmp_path: Path) -> None:
    assert "no word/document.xml" in refused(tmp_path, "p.docx", zipped({"a.txt": b"hi"}))


def test_zip_bomb_is_refused_before_it_is_unpacked(tmp_path: Path) -> None:
    data = zipped({"word/document.xml": b"<x/>", "word/media/big.png": b"\0" * 20_000_000})
    assert len(data) < 100_000
    assert "zip bomb" in refused(tmp_path, "p.docx", data)


def test_damaged_docx_is_a_plain_error(tmp_path: Path) -> None:
    data = zipped({"word/document.xml": b"<w:document><unclosed"})
    assert "damaged" in refused(tmp_path, "p.docx", data)


def test_doctype_in_a_docx_part_is_refused(tmp_path: Path) -> None:
    good = Docx().heading("Core Area 1a").data()
    members = {}
    with zipfile.ZipFile(io.BytesIO(good)) as z:
        for name in z.namelist():
            members[name] = z.read(name)
    members["word/document.xml"] = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
        + members["word/document.xml"].split(b"?>", 1)[1]
    )
    assert "DOCTYPE" in refused(tmp_path, "p.docx", zipped(members))


_ENTITY = b'<!DOCTYPE x [<!ENTITY e "EXPANDED-ENTITY">]>'


@pytest.mark.parametrize(
    ("part", "head"),
    [
        ("word/document.xml", b'<?xml version="1.0"?><!--' + b"x" * 5000 + b"-->" + _ENTITY),
        ("word/document.xml", "UTF-16"),
        ("word/main.dat", b'<?xml version="1.0"?>' + _ENTITY),
    ],
    ids=["after-a-long-comment", "utf-16", "part-not-named-xml"],
)
def test_a_doctype_mammoth_would_read_is_refused(
    tmp_path: Path, part: str, head: bytes | str
) -> None:
    """mammoth's parser reads a DOCTYPE after 4 KB, in UTF-16, and in a main part of any
    name (as _rels/.rels names it): each was imported with its entity expanded."""
    doc = Docx().heading("Core Area 1a")
    members = {}
    with zipfile.ZipFile(io.BytesIO(doc.para(doc.text("@@")).data())) as z:
        for name in z.namelist():
            members[name] = z.read(name)
    body = members.pop("word/document.xml").split(b"?>", 1)[1].replace(b"@@", b"&e;")
    if isinstance(head, str):  # the encoding: the whole part in it
        xml = f'<?xml version="1.0" encoding="{head}"?>'.encode() + _ENTITY + body
        members[part] = xml.decode().encode(head.lower())
    else:
        members[part] = head + body
    if part != "word/document.xml":
        rels = members.pop("word/_rels/document.xml.rels", None)
        if rels is not None:
            members["word/_rels/main.dat.rels"] = rels
        members["_rels/.rels"] = members["_rels/.rels"].replace(b"word/document.xml", part.encode())
    out = refused(tmp_path, "p.docx", zipped(members))
    assert f"{part} declares a DOCTYPE" in out


def test_huge_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    source = tmp_path / "huge.docx"
    with source.open("wb") as handle:
        handle.truncate(201 * 1024 * 1024)  # sparse: no disk used
    code, out = invoke("import", source, tmp_path / "out", "--pathway", "cmalt")
    assert code == 1 and "201 MB, more than the 200 MB" in out
    assert not (tmp_path / "out").exists()


def test_missing_source_and_unknown_kind(tmp_path: Path) -> None:
    code, out = invoke("import", tmp_path / "nope.docx", tmp_path / "o", "--pathway", "cmalt")
    assert code == 1 and "error import-source: there is no such file" in out
    other = tmp_path / "notes.pdf"
    other.write_bytes(b"%PDF-1.4")
    code, out = invoke("import", other, tmp_path / "o", "--pathway", "cmalt")
    assert code == 1 and "cannot import '.pdf' files" in out and "Google Docs" in out


# ------------------------------------------------------------------------ the folder


def test_non_empty_folder_is_refused_and_force_never_touches_your_files(tmp_path: Path) -> None:
    source = tmp_path / "p.docx"
    source.write_bytes(one_heading_per_section().data())
    dest = tmp_path / "mine"
    dest.mkdir()
    (dest / "notes.txt").write_text("my own notes", "utf-8")
    code, out = invoke("import", source, dest, "--pathway", "cmalt")
    assert code == 1 and "error output-not-site" in out and "--force" in out
    assert sorted(p.name for p in dest.iterdir()) == ["notes.txt"]
    code, out = invoke("import", source, dest, "--pathway", "cmalt", "--force")
    assert code == 0, out
    assert (dest / "notes.txt").read_text("utf-8") == "my own notes"
    # importing again replaces only what the import wrote, and removes only its own files
    smaller = Docx().heading("Core Area 1a").heading("Description", 2).para(Docx().text(PROSE))
    source.write_bytes(smaller.data())
    code, out = invoke("import", source, dest, "--pathway", "cmalt", "--force")
    assert code == 0, out
    assert not (dest / "_unsorted.md").exists()
    assert (dest / "notes.txt").read_text("utf-8") == "my own notes"
    # a file the import wrote and you then changed is yours: --force refuses to overwrite it
    edited = folder(dest, "1a") / "reflection.md"
    edited.write_text(edited.read_text("utf-8") + "\nMy edit.\n", "utf-8")
    code, out = invoke("import", source, dest, "--pathway", "cmalt", "--force")
    assert code == 1 and "01-1a/reflection.md" in out
    assert edited.read_text("utf-8").endswith("My edit.\n")


def test_force_never_writes_through_a_symlink(tmp_path: Path) -> None:
    source = tmp_path / "p.docx"
    source.write_bytes(Docx().heading("Core Area 1a").data())
    outside = tmp_path / "outside"
    outside.mkdir()
    dest = tmp_path / "dest"
    dest.mkdir()
    (dest / "01-1a").symlink_to(outside, target_is_directory=True)
    code, out = invoke("import", source, dest, "--pathway", "cmalt", "--force")
    assert code == 1, out
    assert list(outside.iterdir()) == []


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("../../etc/passwd", "passwd"),
        ("/etc/cron.d/evil", "evil"),
        ("..\\..\\windows\\win.ini", "win.ini"),
        ("https://site.example/uploads/My%20Chart%20(final).PNG?x=1", "my-chart-final.png"),
        ("CON.png", "file-con.png"),
        ("...", "file"),
        (".htaccess", "htaccess"),
        ("", "file"),
        ("Ünïcode naïve.pdf", "unicode-naive.pdf"),
    ],
)
def test_file_names_from_sources_are_made_safe(raw: str, safe: str) -> None:
    assert safe_name(raw) == safe
    assert safe_name(raw, {safe}) != safe


def test_help_says_what_import_reads() -> None:
    code, out = invoke("import", "--help")
    assert code == 0
    assert "Word document or a WordPress export" in out and "--download" in out
    code, out = invoke("--help")
    assert "import" in out


def test_more_specialist_areas_than_the_pathway_allows_are_kept_unsorted(tmp_path: Path) -> None:
    d = Docx()
    for name in ("Accessibility", "Open education", "Learning analytics"):
        d.heading(f"Specialist area: {name}", 1).heading("Description", 2).para(d.text(PROSE))
        d.heading("Reflection", 2).para(d.text(f"{name}: {PROSE}"))
    source = tmp_path / "p.docx"
    source.write_bytes(d.data())
    code, out = invoke("import", source, tmp_path / "out", "--pathway", "senior")
    assert code == 0, out
    root = tmp_path / "out"
    names = sorted(p.name for p in root.iterdir() if "specialist" in p.name)
    assert names == ["09-specialist-accessibility", "09-specialist-open-education"]
    assert "Learning analytics: " + PROSE.strip() in (root / "_unsorted.md").read_text("utf-8")
    assert "has at most 2 specialist areas, so this area was kept in _unsorted.md" in out
    builds_and_checks(root)


def test_a_folder_that_cannot_be_made_is_a_plain_error(tmp_path: Path) -> None:
    source = tmp_path / "p.docx"
    source.write_bytes(Docx().heading("Core Area 1a").data())
    (tmp_path / "a-file").write_text("x", "utf-8")
    code, out = invoke("import", source, tmp_path / "a-file" / "portfolio", "--pathway", "cmalt")
    assert code == 1 and "cannot write the portfolio in" in out and "Traceback" not in out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file", "p.docx"]


def test_a_link_cited_in_two_sections_is_one_item_supporting_both(tmp_path: Path) -> None:
    d = Docx()
    for cid in ("1c", "4a"):
        d.heading(f"Core Area {cid}", 1).heading("Description", 2)
        d.para(d.text(PROSE), d.link("the rollout plan", "https://example.org/rollout"))
    root = imported(tmp_path, d)
    (item,) = items(root, "1c")
    assert item["url"] == "https://example.org/rollout" and item["supports"] == ["4a"]
    assert items(root, "4a") == []
    assert f"[the rollout plan](evidence:{item['id']})" in (
        folder(root, "4a") / "reflection.md"
    ).read_text("utf-8")
    builds_and_checks(root)


def test_a_main_part_named_by_the_package_relationships_is_read(tmp_path: Path) -> None:
    """Word sometimes saves its text as word/document2.xml, named in _rels/.rels: such a file
    was refused as 'not a Word document (it has no word/document.xml)'."""
    d = Docx().heading("Contextual statement")
    d.para(d.text("I work at a college."))
    d.para(d.text("See "), d.link("my blog", "https://blog.example.org/"), d.note("In 2024."))
    renamed = {
        "word/document.xml": "word/document2.xml",
        "word/_rels/document.xml.rels": "word/_rels/document2.xml.rels",
    }

    def moved(name: str, body: bytes) -> tuple[str, bytes]:
        if name in ("_rels/.rels", "[Content_Types].xml"):
            body = body.replace(b"word/document.xml", b"word/document2.xml")
        return renamed.get(name, name), body

    (tmp_path / "portfolio.docx").write_bytes(rezip(d.data(), moved))
    code, output = invoke(
        "import", tmp_path / "portfolio.docx", tmp_path / "p", "--pathway", "cmalt"
    )
    assert code == 0, output
    assert "import-removed" not in output
    text = (tmp_path / "p" / "00-contextual-statement" / "reflection.md").read_text("utf-8")
    assert "I work at a college." in text and "[^1]: In 2024." in text
    assert "[my blog](https://blog.example.org/)" in text


MATH = 'xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math"'


def _declaring(namespace: str, doc: Docx) -> bytes:
    """``doc`` with ``namespace`` declared on its w:document (the builder declares w and r)."""
    declared = f"<w:document {namespace} ".encode()
    return rezip(doc.data(), replacing("word/document.xml", b"<w:document ", declared))


def _statement(tmp_path: Path, data: bytes) -> tuple[str, str]:
    """Import ``data``: the contextual statement's reflection.md, and what import printed."""
    (tmp_path / "portfolio.docx").write_bytes(data)
    code, output = invoke(
        "import", tmp_path / "portfolio.docx", tmp_path / "p", "--pathway", "cmalt"
    )
    assert code == 0, output
    text = (tmp_path / "p" / "00-contextual-statement" / "reflection.md").read_text("utf-8")
    return text, output


def test_simple_fields_and_equations_keep_their_text(tmp_path: Path) -> None:
    """mammoth leaves out w:fldSimple (a caption's number, a hyperlink field) and m:oMath
    without a word: "Figure 7: a chart" became "Figure : a chart" and equations vanished."""
    d = Docx().heading("Contextual statement")

    def run(text: str) -> str:
        return f"<m:r><m:t>{text}</m:t></m:r>"

    d.para(d.text("Figure "), f"<w:fldSimple w:instr=' SEQ Figure '>{d.text('7')}</w:fldSimple>",
           d.text(": the pass rate."))  # fmt: skip
    d.para("<w:fldSimple w:instr=' HYPERLINK &quot;https://example.org/pilot&quot; '>"
           f"{d.text('the pilot report')}</w:fldSimple>")  # fmt: skip
    d.para(d.text("The mean was "), "<m:oMath><m:f><m:num>" + run("a+b") + "</m:num><m:den>"
           + run("2") + "</m:den></m:f></m:oMath>", d.text(" each term."))  # fmt: skip
    text, output = _statement(tmp_path, _declaring(MATH, d))
    assert "Figure 7: the pass rate." in text
    assert "[the pilot report](https://example.org/pilot)" in text
    assert "The mean was (a+b)/2 each term." in text
    assert (
        "portfolio.docx: warning import-review: the equation '(a+b)/2' under the heading "
        "'Contextual statement', in the paragraph 'The mean was (a+b)/2 each term.' was kept as "
        "plain text: cmaltgen does not convert Word equations"
    ) in " ".join(output.split())


def test_tracked_changes_and_comments_are_reported(tmp_path: Path) -> None:
    """Tracked changes were imported as if accepted, and comments left out, without a word."""
    d = Docx().heading("Contextual statement")
    d.para(
        d.text("I work "),
        f"<w:ins w:id='1' w:author='Sam'>{d.text('full-time ')}</w:ins>",
        "<w:del w:id='2' w:author='Sam'><w:r><w:delText>part-time </w:delText></w:r></w:del>",
        d.text("at a college."),
        "<w:r><w:commentReference w:id='0'/></w:r>",
    )
    d.body.append(  # a table border named "insideH" is no tracked change
        "<w:tbl><w:tblPr><w:tblBorders><w:insideH w:val='single'/></w:tblBorders></w:tblPr>"
        "<w:tr><w:tc><w:p/></w:tc></w:tr></w:tbl>"
    )
    d.rels.append(
        '<Relationship Id="rIdC" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/comments" Target="comments.xml"/>'
    )
    comments = (
        f"<w:comments {W}><w:comment w:id='0' w:author='Tutor'><w:p><w:r><w:t>Say more"
        "</w:t></w:r></w:p></w:comment></w:comments>"
    )
    docx = rezip(d.data(), add={"word/comments.xml": comments})
    (tmp_path / "portfolio.docx").write_bytes(docx)
    code, output = invoke(
        "import", tmp_path / "portfolio.docx", tmp_path / "p", "--pathway", "cmalt"
    )
    assert code == 0, output
    text = (tmp_path / "p" / "00-contextual-statement" / "reflection.md").read_text("utf-8")
    assert "I work full-time at a college." in text and "Say more" not in text
    flat = " ".join(output.split())
    assert (
        "portfolio.docx: warning import-review: this Word file has 2 tracked changes not yet "
        "accepted or rejected: they were imported as if accepted (inserted text kept, deleted "
        "text left out)"
    ) in flat
    assert (
        "portfolio.docx: warning import-review: this Word file has 1 comment: comments are " in flat
    )


def test_headings_by_the_documents_own_styles_and_outline_levels(tmp_path: Path) -> None:
    """A heading in a style of the author's own ("CMALT heading", based on Heading 1), or a
    paragraph given an outline level, was read as a plain paragraph: its section was lost in
    _unsorted.md."""
    d = Docx()

    def styled(style: str, text: str, extra: str = "") -> str:
        return f"<w:p><w:pPr><w:pStyle w:val='{style}'/>{extra}</w:pPr>{d.text(text)}</w:p>"

    d.body.append(styled("TOCHeading", "Contents"))
    d.body.append(styled("CMALTHeading", "Core Area 1a: Choosing a VLE"))
    d.body.append(styled("PartHeading", "Reflection"))
    d.para(d.text("I learned to ask students first."))
    d.body.append(styled("Normal", "Core Area 1b", "<w:outlineLvl w:val='0'/>"))
    d.para(d.text("I ran the pilot."))
    styles = (
        '<w:style w:type="paragraph" w:styleId="CMALTHeading"><w:name w:val="CMALT '
        'heading"/><w:basedOn w:val="Heading1"/></w:style>'
        '<w:style w:type="paragraph" w:styleId="PartHeading"><w:name w:val="Sam\'s part"/>'
        '<w:pPr><w:outlineLvl w:val="1"/></w:pPr></w:style>'
        '<w:style w:type="paragraph" w:styleId="TOCHeading"><w:name w:val="TOC Heading"/>'
        '<w:basedOn w:val="Heading1"/><w:pPr><w:outlineLvl w:val="9"/></w:pPr></w:style>'
        '<w:style w:type="paragraph" w:styleId="Normal"><w:name w:val="Normal"/></w:style>'
    )
    edit = replacing("word/styles.xml", b"</w:styles>", styles.encode() + b"</w:styles>")
    (tmp_path / "portfolio.docx").write_bytes(rezip(d.data(), edit))
    code, output = invoke(
        "import", tmp_path / "portfolio.docx", tmp_path / "p", "--pathway", "cmalt"
    )
    assert code == 0, output
    one_a = (folder(tmp_path / "p", "1a") / "reflection.md").read_text("utf-8")
    assert front(folder(tmp_path / "p", "1a") / "reflection.md")["title"] == "Choosing a VLE"
    assert "## Reflection\n\nI learned to ask students first." in one_a
    one_b = (folder(tmp_path / "p", "1b") / "reflection.md").read_text("utf-8")
    assert "I ran the pilot." in one_b and "Core Area 1b" not in one_b.split("---")[2]
    assert "Contents" in (tmp_path / "p" / "_unsorted.md").read_text("utf-8")


def test_sections_laid_out_in_a_template_table_are_split_into_parts(tmp_path: Path) -> None:
    """A section held in a template's table (Description / Evidence / Reflection) became one
    Markdown table under Description, with a warning that it had no Reflection."""
    d = Docx().heading("Core Area 1a")  # one column: a label row above each part
    d.table([[d.bold("Description")], [d.text("I chose a lecture capture tool.")],
             [d.bold("Evidence")], [d.link("Options appraisal", "https://example.org/a.pdf")],
             [d.bold("Reflection:")], [d.text("I would ask students sooner.")]])  # fmt: skip
    d.heading("Core Area 1b")  # two columns: label | text
    d.table([[d.text("Description"), d.text("I ran the pilot.")],
             [d.text("Reflection"), d.text("Pilots matter.")]])  # fmt: skip
    d.heading("Core Area 2a")  # a row of labels above a row of texts, and an evidence table
    d.table([[d.text("Description"), d.text("Reflection")],
             [d.text("I trained tutors."), d.text("Tutors learn from tutors.")]])  # fmt: skip
    survey = d.link("Survey", "https://example.org/s")
    d.table([[d.text("Evidence"), d.text("What it shows"), d.text("Date")],
             [survey, d.text("Uptake"), d.text("May 2024")]])  # fmt: skip
    d.heading("Core Area 2b")  # a reflective log: evidence and reflection per row, kept
    d.table([[d.text("Evidence"), d.text("Reflection")],
             [d.text("Log 1"), d.text("Went well.")],
             [d.text("Log 2"), d.text("Did not.")]])  # fmt: skip
    root = imported(tmp_path, d)
    log = (tmp_path / "import.log").read_text("utf-8")
    assert log.count("no Reflection heading") == 1, log  # the log table's section only
    assert "section 2b has no Reflection heading" in log
    one_a = (folder(root, "1a") / "reflection.md").read_text("utf-8").split("---\n", 2)[2]
    assert one_a == (
        "## Description\n\nI chose a lecture capture tool.\n\n### Evidence\n\n"
        "[Options appraisal](evidence:options-appraisal)\n\n"
        "## Reflection\n\nI would ask students sooner.\n"
    )
    one_b = (folder(root, "1b") / "reflection.md").read_text("utf-8")
    assert "## Description\n\nI ran the pilot.\n\n## Reflection\n\nPilots matter." in one_b
    two_a = (folder(root, "2a") / "reflection.md").read_text("utf-8")
    assert "## Description\n\nI trained tutors." in two_a
    assert "## Reflection\n\nTutors learn from tutors." in two_a
    assert items(root, "2a")[0]["shows"] == "Uptake"  # the evidence table is still read as one
    two_b = (folder(root, "2b") / "reflection.md").read_text("utf-8")
    assert "| Log 1 | Went well. |" in two_b


SHAPES = (
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"'
)


def _text_box(text: str) -> str:
    return (
        "<w:drawing><wp:anchor><wp:docPr id='9' name='Text Box 1'/><a:graphic><a:graphicData "
        "uri='http://schemas.microsoft.com/office/word/2010/wordprocessingShape'><wps:wsp>"
        f"<wps:txbx><w:txbxContent><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:txbxContent>"
        "</wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing>"
    )


def test_text_boxes_without_a_fallback_keep_their_text(tmp_path: Path) -> None:
    """LibreOffice writes a text box with an empty mc:Fallback, which is all mammoth reads: the
    box's text was lost without a word; so was a shape's with no fallback at all."""
    d = Docx().heading("Contextual statement")
    choice = "<mc:Choice Requires='wps'>" + _text_box("I lead the team.") + "</mc:Choice>"
    empty = "<mc:Fallback><w:pict></w:pict></mc:Fallback>"
    boxed = f"<w:r><mc:AlternateContent>{choice}{empty}</mc:AlternateContent></w:r>"
    d.para(d.text("My role is in the box."), boxed)
    d.para(d.text("And a shape:"), "<w:r>" + _text_box("We serve 9,000 students.") + "</w:r>")
    text, _ = _statement(tmp_path, _declaring(SHAPES, d))
    assert text.split("---\n", 2)[2] == (
        "My role is in the box.\n\nI lead the team.\n\nAnd a shape:\n\nWe serve 9,000 students.\n"
    )


def test_text_boxes_nested_in_text_boxes_are_moved_not_copied(tmp_path: Path) -> None:
    """Each shape's text box was copied beside the shape, so a box in a box in a box was
    written out 2**levels times (16 levels in 2 KB: 12 MB; 30 levels never finished)."""
    levels = 16
    d = Docx().heading("Contextual statement")
    nested = "".join(
        f"<w:r><w:t>level {n} </w:t></w:r><w:r><w:drawing><w:txbxContent><w:p>"
        for n in range(levels)
    )
    d.para(d.text("Boxes: "), nested + "</w:p></w:txbxContent></w:drawing></w:r>" * levels)
    data = d.data()
    archive = zipfile.ZipFile(io.BytesIO(data))
    main, xml = main_xml(archive)
    kept = rewrite(archive, main, xml)
    assert kept is not None
    written = zipfile.ZipFile(io.BytesIO(kept[0])).getinfo(main).file_size
    assert written < 2 * len(xml), (written, len(xml))
    text, _ = _statement(tmp_path, data)
    assert re.findall(r"level (\d+)", text) == [str(n) for n in range(levels)], text


def test_a_page_break_inside_a_paragraph_keeps_the_words_apart(tmp_path: Path) -> None:
    """mammoth drops page and column breaks: "the end.<page break>Next" became "end.Next"."""
    d = Docx().heading("Contextual statement")
    d.para(d.text("I teach."), "<w:r><w:br w:type='page'/></w:r>", d.text("I also research."),
           "<w:r><w:br w:type='column'/></w:r>", d.text("And I write."))  # fmt: skip
    d.para("<w:r><w:br w:type='page'/></w:r>")
    d.heading("Core Area 1a").para(d.text("I chose a tool."))
    root = imported(tmp_path, d)
    text = (root / "00-contextual-statement" / "reflection.md").read_text("utf-8")
    assert text.split("---\n", 2)[2] == "I teach.  \nI also research.  \nAnd I write.\n"
    assert "I chose a tool." in (folder(root, "1a") / "reflection.md").read_text("utf-8")


def test_merged_cells_and_tables_in_cells_keep_their_columns(tmp_path: Path) -> None:
    """A cell merged down two rows left the row below one cell short, so its text moved into
    the wrong column; a table inside a cell became a run of pipes inside the outer table."""
    d = Docx().heading("Contextual statement")

    def cell(text: str, props: str = "") -> str:
        return f"<w:tc><w:tcPr>{props}</w:tcPr><w:p>{d.text(text)}</w:p></w:tc>"

    times = (("Mon", "9am"), ("Tue", "2pm"))
    inner = "".join(f"<w:tr>{cell(day)}{cell(time)}</w:tr>" for day, time in times)
    start = cell("Autumn", "<w:vMerge w:val='restart'/>")
    merged = "<w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc>"
    d.body.append(
        "<w:tbl>"
        f"<w:tr>{cell('Term')}{cell('Course')}{cell('Sessions')}</w:tr>"
        f"<w:tr>{start}{cell('Biology')}<w:tc><w:p/><w:tbl>{inner}</w:tbl><w:p/></w:tc></w:tr>"
        f"<w:tr>{merged}{cell('Chemistry')}{cell('3')}</w:tr>"
        "</w:tbl>"
    )
    root = imported(tmp_path, d)
    text = (root / "00-contextual-statement" / "reflection.md").read_text("utf-8")
    assert text.split("---\n", 2)[2] == (
        "| Term | Course | Sessions |\n| --- | --- | --- |\n"
        "| Autumn | Biology | Mon / 9am; Tue / 2pm |\n|  | Chemistry | 3 |\n"
    )


def test_link_addresses_with_spaces_or_open_brackets_stay_links(tmp_path: Path) -> None:
    """Word keeps a space typed in a link's address: '[pilot](https://x/a b)' is no Markdown
    link, so it was left as text and no evidence item was made; so with a lone ')'."""
    d = Docx().heading("Core Area 1a").heading("Evidence", 2)
    d.bullet(d.link("Pilot report", "https://example.org/pilot report.pdf"))
    d.bullet(d.link("Survey", "https://example.org/survey)2024"))
    d.bullet(d.link("Wiki", "https://en.wikipedia.org/wiki/Lecture_(teaching)"))
    root = imported(tmp_path, d)
    assert {str(i["url"]) for i in items(root, "1a")} == {
        "https://example.org/pilot%20report.pdf",
        "https://example.org/survey%292024",
        "https://en.wikipedia.org/wiki/Lecture_(teaching)",
    }
    text = (folder(root, "1a") / "reflection.md").read_text("utf-8")
    assert "](https://" not in text and text.count("(evidence:") == 3


def test_links_to_files_on_the_authors_computer_keep_their_path(tmp_path: Path) -> None:
    """A link to file:///C:/... lost its address without a word (only its text was kept)."""
    d = Docx().heading("Core Area 1a").heading("Evidence", 2)
    d.para(d.text("The "), d.link("appraisal", "file:///C:/Users/Sam%20T/Documents/appraisal.pdf"))
    d.para(d.link("Minutes", "Evidence/minutes.docx"), d.text(" and "),
           d.link("the plan", "\\\\server\\share\\plan.pdf"))  # fmt: skip
    d.para(d.link("Our site", "https://example.org/"), d.link("Contents", "#_Toc1"))
    root = imported(tmp_path, d)
    text = (folder(root, "1a") / "reflection.md").read_text("utf-8")
    assert "The appraisal (C:/Users/Sam T/Documents/appraisal.pdf)" in text
    assert "Minutes (Evidence/minutes.docx) and the plan (\\\\server\\share\\plan.pdf)" in text
    assert [i["url"] for i in items(root, "1a")] == ["https://example.org/"]
    log = " ".join((tmp_path / "import.log").read_text("utf-8").split())
    assert (
        "portfolio.docx: warning import-review: the link 'appraisal' under the heading "
        "'Evidence', in the paragraph 'The appraisal' points to a file on a computer or network "
        "drive (C:/Users/Sam T/Documents/appraisal.pdf), which the Word file does not hold: it "
        "was kept as text"
    ) in log
    assert log.count("points to a file on a computer") == 3


def test_pictures_are_named_by_their_format_and_metafiles_reported(tmp_path: Path) -> None:
    """An EMF or WMF picture (Word's pasted charts and diagrams) was saved as image-N.bin and
    shown as a broken image, without a word; so was any picture of a type Word did not name."""
    emf = b"\x01\x00\x00\x00" + b"\x00" * 36 + b" EMF" + b"\x00" * 40
    d = Docx().heading("Contextual statement")
    d.para(d.text("Our pass rates:"))
    d.image(emf, "Pass rates chart", name="chart.emf")  # Word names the type: image/x-emf
    d.image(png(), "Campus map", name="map.img")  # no type named: known by its bytes
    d.image(emf, "Org chart", name="org.img")
    emf_type = b'<Default Extension="emf" ContentType="image/x-emf"/>'
    default = b"<Default Extension="
    edit = replacing("[Content_Types].xml", default, emf_type + default, 1)
    (tmp_path / "portfolio.docx").write_bytes(rezip(d.data(), edit))
    code, output = invoke(
        "import", tmp_path / "portfolio.docx", tmp_path / "p", "--pathway", "cmalt"
    )
    assert code == 0, output
    section = tmp_path / "p" / "00-contextual-statement"
    assert sorted(p.name for p in section.glob("image-*")) == [
        "image-1.emf", "image-2.png", "image-3.emf"
    ]  # fmt: skip
    flat = " ".join(output.split())
    assert (
        "portfolio.docx: warning import-review: the picture 'Pass rates chart' under the heading "
        "'Contextual statement', after the paragraph 'Our pass rates:' is in EMF format (a "
        "Windows metafile), which web browsers do not show: it was kept as image-1.emf"
    ) in flat
    assert "hint: in Word, right-click the picture, choose Save as Picture and PNG" in flat
    assert "'Org chart'" in flat and "'Campus map'" not in flat


def test_a_heading_with_a_link_or_footnote_mark_still_names_its_section(tmp_path: Path) -> None:
    """'## [Core Area 1b](https://...)' and '## Core Area 1c[^1]' matched no section, so both
    sections went to _unsorted.md; the link and the note are kept in the section."""
    d = Docx()
    d.heading("Contextual statement").para(d.text("I teach."))
    d.body.append(
        "<w:p><w:pPr><w:pStyle w:val='Heading1'/></w:pPr>"
        f"{d.link('Core Area 1b', 'https://blog.example.org/1b')}</w:p>"
    )
    d.para(d.text("I ran the pilot."))
    d.body.append(
        "<w:p><w:pPr><w:pStyle w:val='Heading1'/></w:pPr>"
        f"{d.text('Core Area 1c')}{d.note('Renamed in 2024.')}</w:p>"
    )
    d.heading("Reflection", 2).para(d.text("I learned."))
    root = imported(tmp_path, d)
    assert not (root / "_unsorted.md").exists()
    one_b = (folder(root, "1b") / "reflection.md").read_text("utf-8")
    assert "## Description\n\n[Core Area 1b](evidence:core-area-1b)\n\nI ran the pilot." in one_b
    assert items(root, "1b")[0]["url"] == "https://blog.example.org/1b"
    one_c = (folder(root, "1c") / "reflection.md").read_text("utf-8")
    assert "## Description\n\n[^1]\n\n## Reflection\n\nI learned." in one_c
    assert "[^1]: Renamed in 2024." in one_c


def test_tick_boxes_keep_whether_they_are_ticked(tmp_path: Path) -> None:
    """mammoth writes a tick box as <input type=checkbox>, which the sanitiser removes: "I
    confirm this is my own work" lost its tick without a word."""
    w14 = 'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml"'

    def box(ticked: bool) -> str:
        return (
            f"<w:sdt><w:sdtPr><w14:checkbox><w14:checked w14:val='{int(ticked)}'/></w14:checkbox>"
            f"</w:sdtPr><w:sdtContent>{Docx().text('x')}</w:sdtContent></w:sdt>"
        )

    d = Docx().heading("Contextual statement")
    d.para(box(True), d.text(" I confirm this is my own work."))
    d.para(box(False), d.text(" I would like feedback."))
    text, _ = _statement(tmp_path, _declaring(w14, d))
    assert text.split("---\n", 2)[2] == (
        "☒ I confirm this is my own work.\n\n☐ I would like feedback.\n"
    )


def _numbered_headings(numbering: str, styles: str, body: list[str]) -> bytes:
    d = Docx()
    d.body.extend(body)
    numbering_xml = (
        f'<?xml version="1.0" encoding="UTF-8"?><w:numbering {W}>{numbering}</w:numbering>'
    )
    style_edit = replacing("word/styles.xml", b"</w:styles>", styles.encode() + b"</w:styles>")
    return rezip(
        d.data(),
        lambda name, body: (
            (name, numbering_xml.encode())
            if name == "word/numbering.xml"
            else style_edit(name, body)
        ),
    )


def test_headings_numbered_by_a_list_keep_their_numbers(tmp_path: Path) -> None:
    """A heading numbered by a list linked to the heading styles (LibreOffice's chapter
    numbering, a Word template's multilevel list) showed "Core Area 1: Operational issues"
    and "1.a) Choosing a tool", but the .docx holds only the words: every section went to
    _unsorted.md. The shapes are those LibreOffice 7.4 and Word write."""

    def p(style: str, text: str, numbering: str = "") -> str:
        own = f"<w:numPr>{numbering}</w:numPr>" if numbering else ""
        return f"<w:p><w:pPr><w:pStyle w:val='{style}'/>{own}</w:pPr>" + (
            f"<w:r><w:t xml:space='preserve'>{text}</w:t></w:r></w:p>"
        )

    def lvl(ilvl: int, fmt: str, text: str, extra: str = "") -> str:
        return (
            f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/>{extra}<w:numFmt w:val="{fmt}"/>'
            f'<w:lvlText w:val="{text}"/></w:lvl>'
        )

    # LibreOffice: the numbering in the heading styles, "%1.%2) " and no suffix.
    none = "<w:suff w:val='nothing'/>"
    office = (
        '<w:abstractNum w:abstractNumId="1">'
        + lvl(0, "decimal", "Core Area %1: ", "<w:pStyle w:val='Heading1'/>" + none)
        + lvl(1, "lowerLetter", "%1.%2) ", "<w:pStyle w:val='Heading2'/>" + none)
        + lvl(2, "none", "%3", none)
        + '</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="1"/></w:num>'
        # Word: a bulleted list in the text, and a heading numbered by hand ("1c").
        + '<w:abstractNum w:abstractNumId="2">' + lvl(0, "bullet", "•") + "</w:abstractNum>"
        + '<w:num w:numId="2"><w:abstractNumId w:val="2"/></w:num>'
        + '<w:abstractNum w:abstractNumId="3">' + lvl(0, "decimal", "%1.")
        + lvl(1, "lowerLetter", "%1%2)") + "</w:abstractNum>"
        + '<w:num w:numId="3"><w:abstractNumId w:val="3"/>'
        '<w:lvlOverride w:ilvl="1"><w:startOverride w:val="3"/></w:lvlOverride></w:num>'
    )  # fmt: skip
    styles = "".join(
        f'<w:style w:type="paragraph" w:styleId="Heading{n}"><w:name w:val="heading {n}"/>'
        f'<w:pPr><w:numPr><w:ilvl w:val="{n - 1}"/><w:numId w:val="1"/></w:numPr>'
        f'<w:outlineLvl w:val="{n - 1}"/></w:pPr></w:style>'
        for n in (1, 2, 3)
    )
    bullet = "<w:ilvl w:val='0'/><w:numId w:val='2'/>"
    body = [
        p("Heading1", "Operational issues"),
        p("Heading2", "Choosing a lecture capture tool"),
        p("Heading3", "Reflection"),
        p("Normal", "I would ask students first.", bullet),
        p("Heading2", "Moodle upgrade"),
        p("Normal", "We upgraded in the summer."),
        p("Heading3", "Elsewhere", "<w:ilvl w:val='1'/><w:numId w:val='3'/>"),
        p("Normal", "Workshops for staff."),
        p("Heading1", "Teaching, learning and assessment"),
        p("Heading2", "Blended module"),
        p("Normal", "A module with Nursing."),
    ]
    source = tmp_path / "numbered.docx"
    source.write_bytes(_numbered_headings(office, styles, body))
    before = source.read_bytes()
    code, out = invoke("import", source, tmp_path / "p", "--pathway", "cmalt")
    assert code == 0, out
    assert source.read_bytes() == before
    root = tmp_path / "p"
    one_a = (folder(root, "1a") / "reflection.md").read_text("utf-8")
    assert front(folder(root, "1a") / "reflection.md")["title"] == "Choosing a lecture capture tool"
    assert "## Reflection\n\n- I would ask students first." in one_a
    assert "We upgraded in the summer." in (folder(root, "1b") / "reflection.md").read_text()
    # a heading numbered directly by a list of its own: "1c)" (started at 3)
    assert "Workshops for staff." in (folder(root, "1c") / "reflection.md").read_text()
    assert "A module with Nursing." in (folder(root, "2a") / "reflection.md").read_text()
    assert not (root / "_unsorted.md").exists()
    assert "1a  " in out and "heading '1.a) Choosing a lecture capture tool'" in out
    # the report's table lines up when every section id is shorter than its heading
    header = next(line for line in out.splitlines() if line.lstrip().startswith("section "))
    row = next(line for line in out.splitlines() if line.lstrip().startswith("1a "))
    words = re.match(r"\s+1a\s+(\d+)", row)
    assert words is not None and header.index("words") + len("words") == words.end(1), out


def test_decimal_heading_numbers_before_typed_section_numbers(tmp_path: Path) -> None:
    """Word's usual outline numbering (1, 1.1, 1.1.1 on Heading 1-3) before headings that
    name the section themselves: "2.1 1a Choosing a VLE", "2.1.1 Reflection", "2.1.2
    References" still start the section, its part, and the end matter it keeps."""
    levels = "".join(
        f'<w:lvl w:ilvl="{n}"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
        f'<w:lvlText w:val="{".".join(f"%{k + 1}" for k in range(n + 1))}"/>'
        f'<w:pStyle w:val="Heading{n + 1}"/></w:lvl>'
        for n in range(3)
    )
    numbering = (
        f'<w:abstractNum w:abstractNumId="0">{levels}</w:abstractNum>'
        '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
    )
    styles = "".join(
        f'<w:style w:type="paragraph" w:styleId="Heading{n}"><w:name w:val="heading {n}"/>'
        '<w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style>'
        for n in (1, 2, 3)
    )
    d = Docx()
    d.heading("Contextual statement").para(d.text("I support the VLE."))
    d.heading("Core Area 1: Operational issues").heading("1a Choosing a VLE", 2)
    d.para(d.text("We compared two systems.")).heading("Reflection", 3)
    d.para(d.text("I would ask students first.")).heading("References", 3)
    d.para(d.text("Smith, J. (2020) Choosing a VLE."))
    d.heading("1b) Running the VLE", 2).para(d.text("Upgrades each summer."))
    source = tmp_path / "decimal.docx"
    source.write_bytes(_numbered_headings(numbering, styles, d.body))
    code, out = invoke("import", source, tmp_path / "p", "--pathway", "cmalt")
    assert code == 0, out
    root = tmp_path / "p"
    one_a = (folder(root, "1a") / "reflection.md").read_text("utf-8")
    assert front(folder(root, "1a") / "reflection.md")["title"] == "Choosing a VLE"
    assert "heading '2.1 1a Choosing a VLE'" in out
    assert "## Reflection\n\nI would ask students first." in one_a
    assert "### 2.1.2 References\n\nSmith, J. (2020) Choosing a VLE." in one_a
    assert "Upgrades each summer." in (folder(root, "1b") / "reflection.md").read_text()
    assert (
        "I support the VLE." in (folder(root, "contextual-statement") / "reflection.md").read_text()
    )
    assert not (root / "_unsorted.md").exists()


def test_a_template_tables_title_row_names_its_section(tmp_path: Path) -> None:
    """A template table per section, its first row across the table naming the section (as
    LibreOffice writes a merged heading cell): the section was not found, and its parts went
    to _unsorted.md as loose text. "Reflection on practice" was not read as a label."""
    d = Docx()

    def table(title: str, rows: list[list[str]]) -> None:
        merged = (
            "<w:tr><w:tc><w:tcPr><w:gridSpan w:val='2'/></w:tcPr><w:p><w:pPr><w:pStyle "
            f"w:val='TableHeading'/><w:jc w:val='center'/></w:pPr>{d.text(title)}</w:p>"
            "</w:tc></w:tr>"
        )
        d.table(rows)
        d.body[-1] = d.body[-1].replace("<w:tbl>", "<w:tbl>" + merged, 1)

    d.heading("CMALT portfolio")
    table("Core Area 1a: Choosing a lecture capture tool",
          [[d.bold("Description"), d.text("I compared three tools.")],
           [d.bold("Evidence"), d.link("Report", "https://example.org/report.pdf")],
           [d.bold("Reflection"), d.text("I would ask students first.")]])  # fmt: skip
    table("Core Area 1b",
          [[d.text("Description of practice"), d.text("Reflection on practice")],
           [d.text("I ran the VLE upgrade."), d.text("Plan earlier.")]])  # fmt: skip
    table("Training log", [[d.text("Date"), d.text("Session")],
                           [d.text("May"), d.text("Quizzes")]])  # fmt: skip
    root = imported(tmp_path, d)
    one_a = (folder(root, "1a") / "reflection.md").read_text("utf-8")
    assert front(folder(root, "1a") / "reflection.md")["title"] == "Choosing a lecture capture tool"
    assert one_a.split("---\n", 2)[2] == (
        "## Description\n\nI compared three tools.\n\n### Evidence\n\n"
        "[Report](evidence:report)\n\n## Reflection\n\nI would ask students first.\n"
    )
    one_b = (folder(root, "1b") / "reflection.md").read_text("utf-8")
    assert "## Description\n\nI ran the VLE upgrade.\n\n## Reflection\n\nPlan earlier." in one_b
    assert "| Training log | |" in one_b  # not a template: a table, under the section above


def test_a_templates_unfilled_boxes_are_not_imported_as_text(tmp_path: Path) -> None:
    """A template's content controls still showing their prompt (Word's "Click or tap here to
    enter text.", LibreOffice's placeholders, both written as w:sdt with w:showingPlcHdr) were
    imported as the candidate's own words: an empty section looked written."""
    d = Docx().heading("Core Area 1a").heading("Description", 2)

    def box(content: str, showing: bool = True) -> str:
        shows = "<w:showingPlcHdr/>" if showing else ""
        return (
            "<w:sdt><w:sdtPr><w:id w:val='-1'/><w:placeholder><w:docPart w:val="
            f"'DefaultPlaceholder_-1854013440'/></w:placeholder>{shows}</w:sdtPr>"
            f"<w:sdtContent>{content}</w:sdtContent></w:sdt>"
        )

    prompt = (
        "<w:r><w:rPr><w:rStyle w:val='PlaceholderText'/></w:rPr>"
        "<w:t>Click or tap here to enter text.</w:t></w:r>"
    )
    d.para(d.text("Role: "), box(prompt))  # inside a paragraph
    d.para(d.text("I compared three tools."), box(d.text(" And a filled-in box."), False))
    d.heading("Reflection", 2)
    d.body.append(box(f"<w:p>{prompt}</w:p>"))  # a box of whole paragraphs
    d.heading("Core Area 1b")
    d.body.append(box("<w:p><w:r><w:t>Describe your practice here</w:t></w:r></w:p>"))
    root = imported(tmp_path, d)
    one_a = (folder(root, "1a") / "reflection.md").read_text("utf-8").split("---\n", 2)[2]
    assert one_a.rstrip() == (
        "## Description\n\nRole:\n\nI compared three tools. And a filled-in box.\n\n## Reflection"
    ), one_a
    one_b = (folder(root, "1b") / "reflection.md").read_text("utf-8")
    assert "Describe your practice" not in one_b and "Click or tap" not in one_b
    flat = " ".join((tmp_path / "import.log").read_text("utf-8").split())
    assert (
        "portfolio.docx: warning import-removed: the template's prompt 'Click or tap here to "
        "enter text.' under the heading 'Description', in the paragraph 'Role:' was left out: "
        "it is the box's hint, not your text" in flat
    ), flat
    assert (
        "the template's prompt 'Describe your practice here' under the heading 'Core Area" in flat
    )
    assert flat.count("warning import-removed: the template's prompt") == 3


def test_charts_and_smartart_left_out_are_reported(tmp_path: Path) -> None:
    """A chart (Insert > Chart) or SmartArt is not a picture: mammoth dropped it without a
    word, so evidence vanished from the section unreported."""
    d = Docx().heading("Core Area 2a").heading("Description", 2)

    def graphic(kind: str, descr: str) -> str:
        described = f" descr='{descr}'" if descr else ""
        return (
            "<w:r><w:drawing><wp:inline><wp:extent cx='5486400' cy='3200400'/>"
            f"<wp:docPr id='3' name='Chart 3'{described}/><a:graphic><a:graphicData "
            f"uri='http://schemas.openxmlformats.org/drawingml/2006/{kind}'>"
            "<c:chart xmlns:c='http://schemas.openxmlformats.org/drawingml/2006/chart' "
            "r:id='rId99'/></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>"
        )

    d.para(d.text("Uptake rose each term."))
    d.para(graphic("chart", "Uptake by term"))
    d.para(d.text("Our process:"), graphic("diagram", ""))
    d.image(png(), "A photo of the workshop")
    d.heading("Reflection", 2).para(d.text(PROSE))
    root = imported(tmp_path, d)
    text = (folder(root, "2a") / "reflection.md").read_text("utf-8")
    assert "Uptake rose each term.\n\nOur process:\n\n![A photo of the workshop]" in text, text
    flat = " ".join((tmp_path / "import.log").read_text("utf-8").split())
    assert (
        "portfolio.docx: warning import-removed: the chart 'Uptake by term' under the heading "
        "'Description', after the paragraph 'Uptake rose each term.' was left out: Word draws "
        "it from its data" in flat
    ), flat
    assert (
        "a diagram (SmartArt) under the heading 'Description', in the paragraph 'Our process:' "
        "was left out" in flat
    )
    assert "hint: in Word, right-click it, choose Save as Picture" in flat
