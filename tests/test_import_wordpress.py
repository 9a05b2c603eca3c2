"""``cmaltgen import`` from a WordPress export (WXR): page and post shapes, hostile XML and
HTML, and ``--download`` against a real loopback HTTP server."""

from __future__ import annotations

import http.server
import json
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
import yaml
from click.testing import CliRunner

from cmaltgen.cli import main
from cmaltgen.importers import import_portfolio
from cmaltgen.importers.download import Downloader
from cmaltgen.wording import word_count
from tests.browser_support import POLL
from tests.import_fixtures import builds_and_checks, invoke, png

PROSE = (
    "I planned the change with colleagues, tried it with a pilot group of forty students, "
    "collected their comments and changed the design before it went to every course. "
)
SITE = "https://rowan.example.org"
UPLOADS = f"{SITE}/wp-content/uploads/2025/03"


def item(
    title: str,
    content: str = "",
    kind: str = "page",
    status: str = "publish",
    categories: tuple[str, ...] = (),
    order: int | str = 0,
    date: str = "2025-03-01 10:00:00",
    attachment: str = "",
    alt: str = "",
    meta: dict[str, str] | None = None,
    pid: int = 0,
    parent: int = 0,
) -> str:
    cats = "".join(
        f'<category domain="category" nicename="c"><![CDATA[{c}]]></category>' for c in categories
    )
    extra = f"<wp:attachment_url>{escape(attachment)}</wp:attachment_url>" if attachment else ""
    if alt:
        extra += (
            "<wp:postmeta><wp:meta_key><![CDATA[_wp_attachment_image_alt]]></wp:meta_key>"
            f"<wp:meta_value><![CDATA[{alt}]]></wp:meta_value></wp:postmeta>"
        )
    if pid:
        extra += f"<wp:post_id>{pid}</wp:post_id><wp:post_parent>{parent}</wp:post_parent>"
    for key, value in (meta or {}).items():
        extra += (
            f"<wp:postmeta><wp:meta_key><![CDATA[{key}]]></wp:meta_key>"
            f"<wp:meta_value><![CDATA[{value}]]></wp:meta_value></wp:postmeta>"
        )
    return (
        f"<item><title>{escape(title)}</title><link>{SITE}/x</link>"
        f"<content:encoded><![CDATA[{content}]]></content:encoded>"
        f"<excerpt:encoded><![CDATA[]]></excerpt:encoded>"
        f"<wp:post_date>{date}</wp:post_date><wp:post_type>{kind}</wp:post_type>"
        f"<wp:status>{status}</wp:status><wp:menu_order>{order}</wp:menu_order>{cats}{extra}"
        "</item>"
    )


def wxr(*items: str, head: str = "") -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8" ?>{head}\n'
        '<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:wp="http://wordpress.org/export/1.2/">\n<channel><title>Rowan</title>'
        f"<wp:wxr_version>1.2</wp:wxr_version>\n{''.join(items)}\n</channel></rss>\n"
    )


def run_import(tmp_path: Path, xml: str, *extra: str, pathway: str = "cmalt") -> tuple[Path, str]:
    source = tmp_path / "export.xml"
    source.write_text(xml, "utf-8")
    dest = tmp_path / "imported"
    code, out = invoke("import", source, dest, "--pathway", pathway, *extra)
    assert code == 0, out
    return dest, out


def folder(root: Path, section: str) -> Path:
    (found,) = [p for p in root.iterdir() if re.fullmatch(rf"\d\d-{re.escape(section)}", p.name)]
    return found


def text_of(root: Path, section: str) -> str:
    return (folder(root, section) / "reflection.md").read_text("utf-8")


def items_of(root: Path, section: str) -> list[dict[str, object]]:
    return yaml.safe_load((folder(root, section) / "evidence.yml").read_text("utf-8")) or []


def block(html: str) -> str:
    return f"<!-- wp:paragraph -->\n{html}\n<!-- /wp:paragraph -->\n"


def page_per_area() -> str:
    pages = [item("Contextual statement", block(f"<p>{PROSE}</p>"), order=1)]
    for n, cid in enumerate(["1a", "1b", "1c", "2a", "2b", "3a", "3b", "4a"], 2):
        content = (
            "<!-- wp:heading --><h2>Description</h2><!-- /wp:heading -->"
            + block(f"<p>{PROSE} See <a href='{UPLOADS}/plan-{cid}.pdf'>my plan</a>.</p>")
            + "<h2>Reflection</h2>"
            + block(f"<p>{PROSE}</p>")
        )
        pages.append(item(f"Core Area {cid}: My work", content, order=n))
    chart = f"{UPLOADS}/chart-300x200.png"
    pages.append(
        item(
            "Specialist area: Open education",
            block(f'<p>{PROSE}</p><figure><img src="{chart}" /></figure>'),
            order=20,
        )
    )
    pages.append(item("Future plans", block(f"<p>{PROSE * 4}</p>"), order=30))
    pages.append(
        item("About this site", block("<p>Theme credits and cookie notice.</p>"), order=40)
    )
    attachments = [
        item(
            f"Plan for {cid}",
            kind="attachment",
            status="inherit",
            attachment=f"{UPLOADS}/plan-{cid}.pdf",
        )
        for cid in ["1a", "1b", "1c", "2a", "2b", "3a", "3b", "4a"]
    ]
    attachments.append(
        item(
            "Open textbook adoption chart",
            kind="attachment",
            status="inherit",
            attachment=f"{UPLOADS}/chart.png",
            alt="Bar chart: open textbook adoption rose from 3 to 17 modules",
        )
    )
    menu = item("Home", kind="nav_menu_item")
    trashed = item("Core Area 4a", "<p>old draft words</p>", status="trash")
    return wxr(*pages, *attachments, menu, trashed)


def test_one_page_per_core_area(tmp_path: Path) -> None:
    root, out = run_import(tmp_path, page_per_area())
    for cid in ["1a", "1b", "1c", "2a", "2b", "3a", "3b", "4a"]:
        text = text_of(root, cid)
        assert "title: My work" in text and "draft: true" in text
        assert (
            text.index("## Reflection") > text.index(PROSE.strip()) > text.index("## Description")
        )
        (evidence,) = items_of(root, cid)
        assert evidence["url"] == f"{UPLOADS}/plan-{cid}.pdf"
        assert evidence["title"] == f"Plan for {cid}" and evidence["type"] == "document"
        assert str(evidence["date"]) == "2025-03-01"
        assert f"[my plan](evidence:{evidence['id']})" in text
        assert "wp:" not in text and "<!--" not in text
    assert "old draft words" not in text_of(root, "4a")
    (chart,) = items_of(root, "specialist-open-education")
    assert chart["url"] == f"{UPLOADS}/chart.png"  # the full-size image, not the thumbnail
    assert chart["alt"] == "Bar chart: open textbook adoption rose from 3 to 17 modules"
    assert chart["title"] == "Open textbook adoption chart"
    unsorted = (root / "_unsorted.md").read_text("utf-8")
    assert "Theme credits and cookie notice." in unsorted and "About this site" in unsorted
    # paragraph and heading blocks lose nothing with their comments: no warning for them
    assert "block comment" not in out and "import-removed" not in out, out
    assert "Home" not in unsorted
    builds_and_checks(root)


def test_only_block_comments_that_may_lose_content_are_reported(tmp_path: Path) -> None:
    embed = (
        '<!-- wp:embed {"url":"https://video.example.org/v/1"} -->\n<figure><div>'
        "https://video.example.org/v/1</div></figure>\n<!-- /wp:embed -->"
    )
    content = (
        "<!-- wp:heading --><h2>Description</h2><!-- /wp:heading -->"
        + block(f"<p>{PROSE}</p>")
        + embed
        + '<!-- wp:separator --><hr class="wp-block-separator"/><!-- /wp:separator -->'
        + "<h2>Reflection</h2>"
        + block(f"<p>{PROSE}</p>")
    )
    root, out = run_import(tmp_path, wxr(item("Core Area 1a: My work", content)))
    removed = [line for line in out.splitlines() if "import-removed" in line]
    assert len(removed) == 1 and "removed 1 WordPress shortcode" in removed[0], out
    assert "a block comment (wp:embed" in removed[0] and "paragraph" not in removed[0], out
    assert "wp:" not in text_of(root, "1a")
    assert "1 section, 59 words, 0 evidence items (drafts), 2 things to decide" in out, out


def test_one_long_page_with_classic_editor_text_and_shortcodes(tmp_path: Path) -> None:
    content = (
        "Welcome to my CMALT portfolio.\n\n"
        f"<h2>Contextual statement</h2>\n{PROSE}\n\n"
        f"<h2>1a) Understanding the constraints</h2>\n<h3>Description</h3>\n{PROSE}\n\n"
        f'[caption id="attachment_7" align="alignnone" width="300"]<img src="{UPLOADS}/vle.png" '
        'alt="The VLE course page" /> The course page[/caption]\n\n'
        f'<h3>Reflection</h3>\n{PROSE}\n\n[gallery ids="4,5,6"]\n\n'
        f"<h2>Core Area 3b: Our assessment policy</h2>\n{PROSE}\n\n"
        "I quoted the guidance [sic] and wrote [1] as a note.\n\n"
        f"<h2>Future plans</h2>\n{PROSE * 4}"
    )
    xml = wxr(item("My CMALT portfolio", content))
    root, out = run_import(tmp_path, xml)
    one_a = text_of(root, "1a")
    assert "[caption" not in one_a and "[gallery" not in one_a and "[/caption]" not in one_a
    assert "The course page" in one_a and "![The VLE course page](" in one_a
    assert one_a.index("## Reflection") < one_a.rindex(PROSE.strip())
    three_b = text_of(root, "3b")
    assert "title: Our assessment policy" in three_b
    assert "[sic]" in three_b and "[1]" in three_b  # square brackets that are not shortcodes stay
    assert "warning import-removed" in out and "[caption]" in out and "[gallery]" in out
    assert "Welcome to my CMALT portfolio." in (root / "_unsorted.md").read_text("utf-8")
    # words: the text without its headings (which become front matter and part headings)
    without_headings = re.sub(r"<h\d>.*?</h\d>", " ", content)
    source_words = word_count(
        re.sub(r"<[^>]+>|\[/?(caption|gallery)[^\]]*\]", " ", without_headings)
    )
    report = json.loads(
        CliRunner()
        .invoke(
            main,
            [
                "import",
                str(tmp_path / "export.xml"),
                str(tmp_path / "j"),
                "--pathway",
                "cmalt",
                "--format",
                "json",
            ],
        )
        .stdout
    )
    imported = sum(s["words"] for s in report["sections"]) + report["unsorted"]["words"]
    assert abs(imported - source_words) / source_words < 0.03, (imported, source_words)
    builds_and_checks(root)


def test_posts_with_categories(tmp_path: Path) -> None:
    xml = wxr(
        item(
            "Piloting quizzes",
            f"<p>{PROSE}</p>",
            kind="post",
            categories=("Core Area 2a",),
            date="2025-01-10 09:00:00",
        ),
        item(
            "What students told us",
            f"<p>Students said {PROSE}</p>",
            kind="post",
            categories=("CMALT", "Core Area 2a"),
            date="2025-02-10 09:00:00",
        ),
        item(
            "Reflection on the upgrade",
            f"<h2>Reflection</h2><p>{PROSE}</p>",
            kind="post",
            categories=("1b",),
            date="2025-01-01 09:00:00",
        ),
        item(
            "Holiday photos",
            "<p>Not about CMALT at all.</p>",
            kind="post",
            categories=("Uncategorised",),
        ),
        item(
            "Draft post for 4a",
            f"<p>{PROSE}</p>",
            kind="post",
            status="draft",
            categories=("Core area 4a",),
        ),
    )
    root, _ = run_import(tmp_path, xml)
    two_a = text_of(root, "2a")
    assert "### Piloting quizzes" in two_a and "### What students told us" in two_a
    assert two_a.index("Piloting quizzes") < two_a.index("What students told us")
    assert "post 'Piloting quizzes'" in two_a and "post 'What students told us'" in two_a
    assert "## Reflection\n\n" + PROSE.strip() in text_of(root, "1b")
    assert PROSE.strip() in text_of(root, "4a")
    assert "Not about CMALT at all." in (root / "_unsorted.md").read_text("utf-8")
    builds_and_checks(root)


def test_hostile_html_is_sanitised(tmp_path: Path) -> None:
    content = (
        "<h2>Description</h2><p onclick='steal()'>Hello <script>alert(1)</script>"
        "<style>body{display:none}</style><a href='javascript:alert(1)'>link</a>"
        '<img src="x" onerror="alert(1)" alt="pic"></p>'
        '<iframe src="https://evil.example/frame"></iframe><object data="x.swf"></object>'
        "<form action='https://evil.example/form'><input name='x'></form>"
        "<p>Text about &lt;script&gt; tags.</p><svg onload='alert(1)'><text>svg</text></svg>"
        "<p>[written](javascript:alert(2)) ![pixel](data:image/png;base64,AAAA) "
        "<a href='&#106;avascript:alert(3)'>encoded</a> <A HREF='JaVaScRiPt:alert(4)'>caps</A>"
        "<scr<script>ipt>text</script> <img src='file:///etc/passwd' alt='local'></p>"
    )
    root, out = run_import(tmp_path, wxr(item("Core Area 1c", content)))
    text = text_of(root, "1c")
    for bad in (
        "data:",
        "file:",
        "passwd",
        "<script",
        "alert(",
        "<style",
        "javascript:",
        "onerror",
        "onclick",
        "<iframe",
        "evil.example/form",
        "x.swf",
        "<form",
        "<svg",
        "onload",
        "display:none",
    ):
        assert bad not in text.lower(), bad
    assert "Text about &lt;script> tags." in text
    # a frame's web address is kept as an ordinary link (evidence), never as a frame
    assert text.count("evil.example") == 1 and "[evil.example/frame](evidence:" in text
    assert "warning import-removed" in out and "script" in out and "iframe" in out
    builds_and_checks(root)


# ------------------------------------------------------------------------ bad XML


def refused(tmp_path: Path, xml: str) -> str:
    source = tmp_path / "export.xml"
    source.write_text(xml, "utf-8")
    code, out = invoke("import", source, tmp_path / "out", "--pathway", "cmalt")
    assert code == 1, out
    assert "Traceback" not in out and not (tmp_path / "out").exists()
    assert "error import-source" in out
    return out


def test_entity_expansion_bomb_is_refused(tmp_path: Path) -> None:
    laughs = "".join(f'<!ENTITY l{n} "{f"&l{n - 1};" * 10}">' for n in range(1, 10))
    head = f'<!DOCTYPE rss [<!ENTITY l0 "lol">{laughs}]>'
    xml = wxr(item("Core Area 1a", "&l9;"), head=head).replace("<![CDATA[&l9;]]>", "&l9;")
    assert "DOCTYPE or entities" in refused(tmp_path, xml)


def test_external_entity_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET", "utf-8")
    head = f'<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{secret}">]>'
    xml = wxr(item("Core Area 1a &xxe;"), head=head)
    out = refused(tmp_path, xml)
    assert "TOP-SECRET" not in out


def test_damaged_xml_is_a_located_error(tmp_path: Path) -> None:
    xml = wxr(item("Core Area 1a", "text")).replace("</channel>", "")
    out = refused(tmp_path, xml)
    assert re.search(r"export\.xml:\d+:\d+: error import-source: this XML file is damaged", out)


def test_xml_that_is_not_a_wordpress_export(tmp_path: Path) -> None:
    out = refused(tmp_path, "<rss><channel><item><title>x</title></item></channel></rss>")
    assert "not a WordPress export" in out


def test_export_without_pages_or_posts(tmp_path: Path) -> None:
    assert "no pages or posts" in refused(tmp_path, wxr(item("Menu", kind="nav_menu_item")))


def test_pathway_without_specialist_areas_keeps_them_unsorted(tmp_path: Path) -> None:
    xml = wxr(item("Specialist area: Accessibility", f"<p>{PROSE}</p>"))
    root, out = run_import(tmp_path, xml, pathway="associate")
    assert PROSE.strip() in (root / "_unsorted.md").read_text("utf-8")
    assert not any("specialist" in p.name for p in root.iterdir())
    assert (
        "warning import-unsorted" in out
        and "the Associate CMALT pathway has no specialist areas, so this area was kept" in out
        and "in _unsorted.md" in out
    )
    builds_and_checks(root)


# ------------------------------------------------------------------------ --download

# slow.pdf sends its headers, then nothing until this is set (or 3 s pass): past any timeout.
LATE = threading.Event()


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        path = self.path.split("?")[0]
        if path == "/files/plan.pdf":
            self._send(200, "application/pdf", b"%PDF-1.4 plan")
        elif path == "/files/chart.png":
            self._send(200, "image/png", png())
        elif path.endswith("escape.pdf"):
            self._send(200, "application/pdf", b"%PDF-1.4 escape")
        elif path == "/files/2024/chart.png":
            self._send(200, "image/png", png(5, 5))
        elif path == "/files/login.pdf":
            self._send(200, "text/html", b"<html>Please log in</html>")
        elif path == "/files/huge.pdf":
            self.send_response(200)
            self.send_header("Content-Type", "application/pdf")
            self.end_headers()
            for _ in range(40):  # 2.5 MB with no Content-Length: the cap counts what arrives
                self.wfile.write(b"\0" * 65536)
        elif path == "/files/slow.pdf":
            self.send_response(200)
            self.send_header("Content-Type", "application/pdf")
            self.end_headers()
            LATE.wait(3)
            self.wfile.write(b"late")
        elif path == "/files/odd-length.pdf":  # "²".isdigit() is True; int("²") fails
            self.send_response(200)
            self.send_header("Content-Type", "application/pdf")
            self.send_header("Content-Length", "²")
            self.end_headers()
            self.wfile.write(b"%PDF-1.4 odd")
        elif path == "/files/moved.pdf":
            self.send_response(302)
            self.send_header("Location", "file:///etc/passwd")
            self.end_headers()
        elif path == "/files/garbled.pdf":  # no HTTP at all
            self.wfile.write(b"\x00\xff garbage\r\n\r\n")
        elif path == "/files/cut.pdf":  # promises 100,000 bytes, sends 9 and closes
            self.send_response(200)
            self.send_header("Content-Type", "application/pdf")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            self.wfile.write(b"%PDF-1.4 ")
            self.close_connection = True
        elif path == "/files/invalid.pdf":  # to an address urllib cannot even split
            self.send_response(302)
            self.send_header("Location", "http://[::1/x.pdf")
            self.end_headers()
        elif path == "/files/headers.pdf":  # its headers a byte every 0.1 s, for 30 s
            self.wfile.write(b"HTTP/1.0 200 OK\r\n")
            for _ in range(300):
                time.sleep(0.1)
                try:
                    self.wfile.write(b"X")
                    self.wfile.flush()
                except OSError:  # cmaltgen gave up, as it should
                    break
        elif path == "/files/trickle.pdf":  # a byte every 0.1 s: each read is quick
            self.send_response(200)
            self.send_header("Content-Type", "application/pdf")
            self.send_header("Content-Length", "100")
            self.end_headers()
            for _ in range(100):
                if LATE.wait(0.1):
                    break
                self.wfile.write(b"x")
                self.wfile.flush()
        else:
            self._send(404, "text/plain", b"no")

    def _send(self, code: int, ctype: str, body: bytes) -> None:
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, args=(POLL,), daemon=True)
    thread.start()
    LATE.clear()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    LATE.set()
    httpd.shutdown()
    httpd.server_close()


def attachments_export(base: str, names: list[str]) -> str:
    links = "".join(f"<p><a href='{base}/files/{n}'>file {n}</a></p>" for n in names)
    content = f"<h2>Description</h2><p>{PROSE}</p>{links}<img src='{base}/files/chart.png'>"
    files = [
        item(f"Attachment {n}", kind="attachment", status="inherit", attachment=f"{base}/files/{n}")
        for n in [*names, "chart.png"]
    ]
    return wxr(
        item("Core Area 1a", content),
        *files[:-1],
        item(
            "Chart",
            kind="attachment",
            status="inherit",
            attachment=f"{base}/files/chart.png",
            alt="A pie chart of survey answers",
        ),
    )


def test_download_saves_attachments_beside_their_section(tmp_path: Path, server: str) -> None:
    root, out = run_import(tmp_path, attachments_export(server, ["plan.pdf"]), "--download")
    assert "import-download" not in out
    home = folder(root, "1a")
    assert (home / "plan.pdf").read_bytes() == b"%PDF-1.4 plan"
    assert (home / "chart.png").read_bytes() == png()
    found = {i["title"]: i for i in items_of(root, "1a")}
    assert found["Attachment plan.pdf"]["file"] == "plan.pdf"
    assert "url" not in found["Attachment plan.pdf"]
    assert found["Chart"] == {
        **found["Chart"],
        "file": "chart.png",
        "alt": "A pie chart of survey answers",
    }
    assert "![A pie chart of survey answers](chart.png)" in text_of(root, "1a")
    builds_and_checks(root)


def test_download_ignores_a_content_length_that_is_no_number(tmp_path: Path, server: str) -> None:
    root, out = run_import(tmp_path, attachments_export(server, ["odd-length.pdf"]), "--download")
    assert "import-download" not in out, out
    assert (folder(root, "1a") / "odd-length.pdf").read_bytes() == b"%PDF-1.4 odd"


@pytest.mark.slow("timeout")
def test_download_failures_keep_the_address_and_warn(tmp_path: Path, server: str) -> None:
    names = ["login.pdf", "huge.pdf", "slow.pdf", "missing.pdf", "moved.pdf"]
    source = tmp_path / "export.xml"
    source.write_text(attachments_export(server, names), "utf-8")
    down = "http://127.0.0.1:9/files/down.pdf"  # the discard port: nothing listens
    source.write_text(
        source.read_text("utf-8")
        .replace(
            "</channel>",
            item("Down", kind="attachment", status="inherit", attachment=down) + "</channel>",
        )
        .replace("<h2>Description</h2>", f"<h2>Description</h2><p><a href='{down}'>down</a></p>"),
        "utf-8",
    )
    fetch = Downloader(max_bytes=1024 * 1024, timeout=1.0)
    report = import_portfolio(source, tmp_path / "out", "cmalt", fetch=fetch)
    found = {str(i["title"]): i for i in items_of(tmp_path / "out", "1a")}
    for name in names:
        assert found[f"Attachment {name}"]["url"] == f"{server}/files/{name}"
    assert found["Down"]["url"] == down
    messages = {d.message for d in report.diagnostics if d.code == "import-download"}
    assert any("login.pdf" in m and "web page instead of the file" in m for m in messages)
    assert any("huge.pdf" in m and "larger than 1 MB" in m for m in messages)
    assert any("slow.pdf" in m and "stopped answering" in m for m in messages)
    assert any("missing.pdf" in m and "answered 404" in m for m in messages)
    assert any("moved.pdf" in m and "redirects somewhere" in m for m in messages)
    assert any("down.pdf" in m and "could not be reached" in m for m in messages)
    assert sorted(p.name for p in folder(tmp_path / "out", "1a").iterdir()) == [
        "chart.png",
        "evidence.yml",
        "reflection.md",
    ]
    LATE.set()  # the command line's own 20 s timeout would outwait slow.pdf anyway
    code, out = invoke("import", source, tmp_path / "again", "--pathway", "cmalt", "--download")
    assert code == 0 and "warning import-download" in out


@pytest.mark.slow("timeout")
def test_a_garbled_cut_short_or_trickling_answer_is_a_warning_not_a_crash(
    tmp_path: Path, server: str
) -> None:
    """A status line that is not HTTP (BadStatusLine) and a redirect to "http://[::1"
    (ValueError) crashed the import; a file cut short of its Content-Length was saved cut
    short; a server sending a byte at a time was waited on past the file's deadline, and
    one sending its headers so was waited on for ever."""
    names = ["garbled.pdf", "cut.pdf", "invalid.pdf", "trickle.pdf", "headers.pdf"]
    source = tmp_path / "export.xml"
    source.write_text(attachments_export(server, names), "utf-8")
    fetch = Downloader(max_bytes=1024 * 1024, timeout=1.0)  # 3 s for a whole file
    report = import_portfolio(source, tmp_path / "out", "cmalt", fetch=fetch)
    found = {str(i["title"]): i for i in items_of(tmp_path / "out", "1a")}
    for name in names:
        assert found[f"Attachment {name}"]["url"] == f"{server}/files/{name}"
    messages = {d.message for d in report.diagnostics if d.code == "import-download"}
    assert any(
        "garbled.pdf" in m and "the server's answer is not usable HTTP" in m for m in messages
    )
    assert any(
        "cut.pdf" in m and "the connection closed before the whole file arrived" in m
        for m in messages
    )
    assert any(
        "invalid.pdf" in m and "it redirects to an address that is not valid" in m for m in messages
    )
    assert any("trickle.pdf" in m and "it took too long to download" in m for m in messages)
    assert any("headers.pdf" in m and "it took too long to download" in m for m in messages)
    assert sorted(p.name for p in folder(tmp_path / "out", "1a").iterdir()) == [
        "chart.png",
        "evidence.yml",
        "reflection.md",
    ]


def test_downloads_with_the_same_name_never_overwrite_each_other(
    tmp_path: Path, server: str
) -> None:
    first, second = f"{server}/files/chart.png", f"{server}/files/2024/chart.png"
    content = (
        f"<h2>Description</h2><p>{PROSE}</p><img src='{first}' alt='Chart one'>"
        f"<h2>Reflection</h2><p>{PROSE}</p><img src='{second}' alt='Chart two'>"
    )
    xml = wxr(
        item("Core Area 2b", content),
        item("One", kind="attachment", status="inherit", attachment=first),
        item("Two", kind="attachment", status="inherit", attachment=second),
    )
    root, _ = run_import(tmp_path, xml, "--download")
    home = folder(root, "2b")
    found = {i["title"]: i["file"] for i in items_of(root, "2b")}
    assert found == {"One": "chart.png", "Two": "chart-2.png"}
    assert (home / "chart.png").read_bytes() == png()
    assert (home / "chart-2.png").read_bytes() == png(5, 5)
    assert "![Chart two](chart-2.png)" in text_of(root, "2b")
    builds_and_checks(root)


def test_block_editor_footnotes_survive_per_post(tmp_path: Path) -> None:
    def post(title: str, category: str, note: str) -> str:
        content = (
            f'<!-- wp:paragraph --><p>{PROSE}<sup data-fn="n-{title}" class="fn">'
            f'<a href="#n-{title}" id="n-{title}-link">1</a></sup></p><!-- /wp:paragraph -->'
            "<!-- wp:footnotes /-->"
        )
        notes = json.dumps([{"content": note, "id": f"n-{title}"}])
        return item(title, content, kind="post", categories=(category,), meta={"footnotes": notes})

    xml = wxr(post("one", "Core Area 1a", "First source."), post("two", "Core Area 1b", "Second."))
    root, _ = run_import(tmp_path, xml)
    one_a, one_b = text_of(root, "1a"), text_of(root, "1b")
    (label_a,) = re.findall(r"\[\^(\w+)\]:", one_a)
    (label_b,) = re.findall(r"\[\^(\w+)\]:", one_b)
    assert label_a != label_b
    assert f"[^{label_a}]: First source." in one_a
    assert f"[^{label_a}]" in one_a.split("## Reflection")[0]
    assert f"[^{label_b}]: Second." in one_b
    builds_and_checks(root)


def test_absurdly_nested_html_keeps_its_words(tmp_path: Path) -> None:
    deep = "<div><blockquote>" * 600 + PROSE + "</blockquote></div>" * 600
    xml = wxr(item("Core Area 2b", f"<h2>Description</h2><p>{PROSE}</p>{deep}"))
    root, out = run_import(tmp_path, xml)
    assert text_of(root, "2b").count(PROSE.strip()) == 2
    assert "warning import-review: page 'Core Area 2b' is nested too deeply" in out
    assert "Traceback" not in out
    builds_and_checks(root)


def test_attachment_names_never_lead_outside_the_portfolio(tmp_path: Path, server: str) -> None:
    urls = [
        f"{server}/files/..%2F..%2F..%2Fescape.pdf",
        f"{server}/files/%2Ftmp%2Fescape.pdf",
        f"{server}/files/..%5C..%5Cescape.pdf",
    ]
    links = "".join(f"<p><a href='{u}'>file {n}</a></p>" for n, u in enumerate(urls))
    xml = wxr(
        item("Core Area 3a", f"<h2>Description</h2><p>{PROSE}</p>{links}"),
        *[
            item(f"A{n}", kind="attachment", status="inherit", attachment=u)
            for n, u in enumerate(urls)
        ],
    )
    root, _ = run_import(tmp_path, xml, "--download")
    home = folder(root, "3a")
    assert sorted(p.name for p in home.iterdir()) == [
        "escape-2.pdf",
        "escape-3.pdf",
        "escape.pdf",
        "evidence.yml",
        "reflection.md",
    ]
    everything = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*escape*")}
    assert everything == {
        f"imported/{home.name}/{n}" for n in ("escape.pdf", "escape-2.pdf", "escape-3.pdf")
    }
    assert not Path("/tmp/escape.pdf").exists()


def test_huge_export_is_refused_without_reading_it(tmp_path: Path) -> None:
    source = tmp_path / "site.WordPress.2025-03-01.wxr"
    with source.open("wb") as handle:
        handle.truncate(250 * 1024 * 1024)  # sparse: no disk used
    code, out = invoke("import", source, tmp_path / "out", "--pathway", "cmalt")
    assert code == 1 and "error import-source: this WordPress export is 250 MB" in out
    assert not (tmp_path / "out").exists()


@pytest.mark.slow("large")
def test_a_page_of_thousands_of_links_gives_every_item_as_pyyaml_writes_it(
    tmp_path: Path,
) -> None:
    """PyYAML took about a millisecond an evidence item (30,000 links: half a minute); the
    items are now written directly, to the same text."""
    links = " ".join(f'<a href="https://example.org/{i}">link {i}</a>' for i in range(5_000))
    dest, _ = run_import(tmp_path, wxr(item("1a Constraints", f"<p>{links}</p>")))
    items = items_of(dest, "1a")
    assert len(items) == 5_000
    assert items[-1]["url"] == "https://example.org/4999" and items[-1]["title"] == "link 4999"
    text = (folder(dest, "1a") / "evidence.yml").read_text("utf-8")
    dumped = yaml.safe_dump(items, allow_unicode=True, sort_keys=False, width=1000)
    assert text.split("\n- ", 1)[1] == dumped.replace("\n- ", "\n\n- ")[2:]


@pytest.mark.slow("large")
def test_a_page_of_thousands_of_headings_is_sorted_with_the_same_sections(
    tmp_path: Path,
) -> None:
    """Each heading was compared with every section title by difflib in full (2 ms a heading:
    20,000 headings, half a minute); the cheap bounds first give the same sections."""
    headings = "".join(f"<h2>Heading {i}</h2><p>Text {i}.</p>" for i in range(3_000))
    near = "<h2>Technical knowledge and ability in the use of learning technologies</h2>"
    page = item("1a Constraints", f"{headings}{near}<p>{PROSE}</p>")
    dest, _ = run_import(tmp_path, wxr(page))
    text = text_of(dest, "1a")
    assert "### Heading 0\n\nText 0." in text and "### Heading 2999\n\nText 2999." in text
    assert PROSE.strip() in text_of(dest, "1b")


def test_child_pages_join_the_section_of_their_parent(tmp_path: Path) -> None:
    xml = wxr(
        item("CMALT Portfolio", f"<p>Welcome. {PROSE}</p>", pid=10),
        item("Core Area 1: Operational issues", "<p>About area 1.</p>", pid=11, parent=10),
        # children listed before their parents, and menu orders that interleave them
        item("Reflection", f"<p>Looking back, {PROSE}</p>", pid=13, parent=12, order=2),
        item("Evidence", f"<p><a href='{UPLOADS}/e1.pdf'>Survey</a></p>", pid=14, parent=12),
        item("1a – Understanding the constraints", f"<p>At first {PROSE}</p>", pid=12, parent=11),
        item("1b Technical knowledge", f"<p>The upgrade {PROSE}</p>", pid=15, parent=11, order=2),
        item("Lecture capture rollout", f"<p>The rollout {PROSE}</p>", pid=16, parent=15),
        item("Loop A", "<p>Loop words.</p>", pid=20, parent=21),
        item("Loop B", "<p>More loop words.</p>", pid=21, parent=20),
    )
    root, out = run_import(tmp_path, xml)
    one_a = text_of(root, "1a")
    assert one_a.index("At first") < one_a.index("### Evidence") < one_a.index("[Survey](evidence:")
    assert one_a.index("## Reflection\n\nLooking back,") > one_a.index("[Survey]")
    assert "page 'Reflection', parent page '1a – Understanding the constraints'" in one_a
    one_b = text_of(root, "1b")
    assert one_b.index("The upgrade") < one_b.index("### Lecture capture rollout\n\nThe rollout")
    unsorted = (root / "_unsorted.md").read_text("utf-8")
    assert "Welcome." in unsorted and "About area 1." in unsorted and "Loop words." in unsorted
    assert "More loop words." in unsorted and "Looking back" not in unsorted
    assert "section 1a has no Reflection" not in out, out
    builds_and_checks(root)


def test_a_link_that_shows_its_own_address_becomes_evidence(tmp_path: Path) -> None:
    address = "https://padlet.example.org/rowan/induction"
    content = f"<h2>Description</h2><p>{PROSE} The board: <a href='{address}'>{address}</a>.</p>"
    root, _ = run_import(tmp_path, wxr(item("Core Area 2a", content)))
    (evidence,) = items_of(root, "2a")
    assert evidence["url"] == address
    assert f"[{address}](evidence:{evidence['id']})" in text_of(root, "2a")


def test_reusable_blocks_and_theme_post_kinds_keep_their_text(tmp_path: Path) -> None:
    reflection = f"<!-- wp:heading --><h2>Reflection</h2><!-- /wp:heading --><p>{PROSE}</p>"
    xml = wxr(
        item("Shared reflection", reflection, kind="wp_block", pid=27),
        item("Core Area 1c", f'<p>Before. {PROSE}</p><!-- wp:block {{"ref":27}} /-->', pid=28),
        item("Core Area 2a", '<p>Nothing here.</p><!-- wp:block {"ref":99} /-->', pid=29),
        item("Loop", '<p>Again</p><!-- wp:block {"ref":30} /-->', kind="wp_block", pid=30),
        item("Core Area 2b", '<!-- wp:block {"ref":30} /-->', pid=31),
        item("Core Area 1a: Lecture capture", f"<p>Case. {PROSE}</p>", kind="jetpack-portfolio"),
        item("Quiz pilot", f"<p>Quizzes. {PROSE}</p>", kind="project", categories=("2b",)),
        item("Thanks for the form", "<p>A visitor's message.</p>", kind="feedback"),
        item("Re: your portfolio", "<p>A visitor's message.</p>", kind="flamingo_inbound"),
        item("sitemap-1.xml", "<urlset>https://rowan.example.org/</urlset>", kind="jp_sitemap"),
        item("Header", "<!-- wp:site-title /-->", kind="wp_template_part"),
    )
    root, out = run_import(tmp_path, xml)
    one_c = text_of(root, "1c")
    assert one_c.index("Before.") < one_c.index("## Reflection\n\n" + PROSE.strip())
    assert "Case. " in text_of(root, "1a") and "### Quiz pilot\n\nQuizzes." in text_of(root, "2b")
    assert "a reusable block (99) not in the export" in out, out
    assert "a reusable block (30) in itself" in out and "Again" in text_of(root, "2b")
    assert "the items of kind 'jetpack-portfolio', 'project' (made by a theme or plugin)" in out
    assert "A visitor's message." not in out and not (root / "_unsorted.md").exists()
    assert "site-title" not in out
    builds_and_checks(root)


def test_embedded_media_keep_their_addresses_as_evidence(tmp_path: Path) -> None:
    youtube = "https://www.youtube.com/watch?v=abc123"
    content = (
        f"<h2>Description</h2>\n{PROSE}\n\n{youtube}\n\n"
        "[embed]https://vimeo.com/12345[/embed]\n\n"
        f'[video width="640" mp4="{UPLOADS}/clip.mp4"][/video]\n\n'
        f'[audio mp3="{UPLOADS}/interview.mp3"][/audio]\n\n'
        '[pdf-embedder url="https://rowan.example.org/cert.pdf"]\n\n'
        '[et_pb_button button_url="https://rowan.example.org/kit.zip" button_text="Kit"]\n\n'
        '<iframe src="https://padlet.com/rowan/board?a=1&amp;b=2" width="100%"></iframe>\n\n'
        '[gallery ids="40,41,404"]\n\n'
        f'<!-- wp:video {{"id":42}} --><figure class="wp-block-video"><video controls src="'
        f'{UPLOADS}/talk.mp4"></video></figure><!-- /wp:video -->\n\n'
        f'<div class="wp-block-file"><object data="{UPLOADS}/report.pdf"></object>'
        f'<a href="{UPLOADS}/report.pdf">My report</a></div>\n\n'
        f"<h2>Reflection</h2>\n{PROSE}"
    )
    atts = [
        item("Photo", kind="attachment", pid=40, attachment=f"{UPLOADS}/p.jpg", alt="A photo"),
        item("Minutes", kind="attachment", pid=41, attachment=f"{UPLOADS}/minutes.pdf"),
        item("My talk", kind="attachment", pid=42, attachment=f"{UPLOADS}/talk.mp4"),
    ]
    root, out = run_import(tmp_path, wxr(item("Core Area 3a", content), *atts))
    text = text_of(root, "3a")
    urls = {str(i["url"]): i for i in items_of(root, "3a")}
    assert set(urls) == {
        youtube, "https://vimeo.com/12345", f"{UPLOADS}/clip.mp4", f"{UPLOADS}/interview.mp3",
        "https://rowan.example.org/cert.pdf", "https://padlet.com/rowan/board?a=1&b=2",
        "https://rowan.example.org/kit.zip",
        f"{UPLOADS}/p.jpg", f"{UPLOADS}/minutes.pdf", f"{UPLOADS}/talk.mp4",
        f"{UPLOADS}/report.pdf",
    }  # fmt: skip
    assert f"[www.youtube.com/watch?v=abc123](evidence:{urls[youtube]['id']})" in text
    assert urls[f"{UPLOADS}/talk.mp4"]["title"] == "My talk"
    assert "![A photo](" in text and text.count("(evidence:my-report)") == 1
    assert text.index("clip.mp4") < text.index("## Reflection")
    assert "kept 8 embedded items (video, sound, frame, file) as links" in out, out
    builds_and_checks(root)


def test_a_gallery_without_ids_shows_the_files_uploaded_to_its_page(tmp_path: Path) -> None:
    def upload(name: str, parent: int, order: int = 0) -> str:
        return item(
            name, kind="attachment", pid=100 + order + parent, parent=parent, order=order,
            attachment=f"{UPLOADS}/{name}", alt=f"Picture {name}",
        )  # fmt: skip

    xml = wxr(
        item("Core Area 2a", f"<p>{PROSE}</p>\n\n[gallery columns='2']", pid=7),
        item("Core Area 2b", f"<p>{PROSE}</p>[gallery include='1']", pid=8),
        upload("b.png", 7, 2),
        upload("a.png", 7, 1),
        upload("other.png", 9),
    )
    root, out = run_import(tmp_path, xml)
    two_a = text_of(root, "2a")
    assert two_a.index("![Picture a.png](") < two_a.index("![Picture b.png](")
    assert "other.png" not in two_a and "Picture" not in text_of(root, "2b")
    assert "[gallery]" in out  # the shortcode itself is still named


def test_control_characters_and_bytes_that_are_not_utf8_are_read_with_a_warning(
    tmp_path: Path,
) -> None:
    # WordPress writes a Word line break (\x0b) as it was pasted, and old databases hold
    # Latin-1 bytes: both make the XML invalid, and WordPress's own importer fails on them
    xml = wxr(
        item("Core Area 1a", f"<p>Line one\x0bline two. {PROSE}</p><p>Caf\udce9 au lait.</p>"),
        item("Core Area 2a", "<p>Valid &#x1F; reference, then the rest.</p>"),
    )
    source = tmp_path / "export.xml"
    source.write_bytes(xml.encode("utf-8", "surrogateescape"))
    code, out = invoke("import", source, tmp_path / "out", "--pathway", "cmalt")
    assert code == 0, out
    line = xml[: xml.index("\x0b")].count("\n") + 1
    assert f"export.xml:{line}:" in out and "3 characters that XML does not allow" in out, out
    one_a = text_of(tmp_path / "out", "1a")
    assert "Line one line two." in one_a and "Caf\ufffd au lait." in one_a
    assert "Valid reference, then the rest." in " ".join(text_of(tmp_path / "out", "2a").split())


def test_a_page_made_with_elementor_keeps_its_text(tmp_path: Path) -> None:
    def widget(kind: str, **settings: object) -> dict[str, object]:
        return {"elType": "widget", "widgetType": kind, "settings": settings, "elements": []}

    layout = [
        {
            "elType": "section",
            "settings": {"layout": "boxed"},
            "elements": [
                {
                    "elType": "column",
                    "elements": [
                        widget("heading", title="Description", header_size="h3"),
                        widget("text-editor", editor=f"<p>Built with blocks. {PROSE}</p>"),
                        widget("image", image={"url": f"{UPLOADS}/plan.png", "alt": "The plan"}),
                        widget("button", text="Report", link={"url": f"{UPLOADS}/report.pdf"}),
                        widget("video", youtube_url="https://www.youtube.com/watch?v=el1"),
                        widget("heading", title="Reflection"),
                        widget("tabs", tabs=[{"tab_title": "Looking back", "tab_content": PROSE}]),
                    ],
                }
            ],
        }
    ]
    deep = '{"items":[' * 495 + '{"text":"deep"}' + "]}" * 495
    xml = wxr(
        item("Core Area 4a", "", meta={"_elementor_data": json.dumps(layout)}),
        item("Core Area 3a", f"<p>Its own {PROSE}</p>", meta={"_elementor_data": "[{]"}),
        item("Core Area 3b", "", meta={"_elementor_data": '"not a layout"'}),
        # settings nested as deep as Python's JSON reader goes: never a crash
        item("Core Area 2b", "", meta={"_elementor_data": '[{"settings":' + deep + "}]"}),
    )
    root, out = run_import(tmp_path, xml)
    four_a = text_of(root, "4a")
    assert four_a.index("Built with blocks.") < four_a.index("![The plan](")
    reflection = four_a.index("## Reflection")
    assert reflection < four_a.index("Looking back") < four_a.rindex(PROSE.strip())
    assert {str(i["url"]) for i in items_of(root, "4a")} == {
        f"{UPLOADS}/plan.png", f"{UPLOADS}/report.pdf", "https://www.youtube.com/watch?v=el1",
    }  # fmt: skip
    assert "the page 'Core Area 4a' was made with Elementor" in out, out
    assert "Its own" in text_of(root, "3a") and "'Core Area 3a' was made" not in out
    builds_and_checks(root)


def test_links_between_pages_of_the_site_become_links_between_sections(tmp_path: Path) -> None:
    def page(title: str, content: str, pid: int, slug: str) -> str:
        return item(title, content, pid=pid).replace(f"{SITE}/x<", f"{SITE}/{slug}/<")

    xml = wxr(
        page("Core Area 1a", f"<h2>Reflection</h2><p>{PROSE}</p>", 12, "cmalt/core-1a"),
        page(
            "Core Area 1b",
            f"<p>{PROSE} As in <a href='http://rowan.example.org/cmalt/core-1a#plan'>my 1a</a>,"
            " <a href='/?page_id=12'>the same</a> and <a href='/cmalt/core-1a'>again</a>; see "
            f"<a href='{SITE}/about/'>about me</a> and <a href='{SITE}/cmalt/other/'>x</a>.</p>",
            15,
            "cmalt/core-1b",
        ),
        page("About me", "<p>I work in a library.</p>", 20, "about"),
        head="",
    ).replace("<channel><title>Rowan</title>", f"<channel><title>Rowan</title><link>{SITE}</link>")
    root, _ = run_import(tmp_path, xml)
    one_b = text_of(root, "1b")
    assert "[my 1a](section:1a), [the same](section:1a) and [again](section:1a)" in one_b
    urls = {str(i["url"]) for i in items_of(root, "1b")}
    assert urls == {f"{SITE}/about/", f"{SITE}/cmalt/other/"}  # not imported as a section
    builds_and_checks(root)


def test_titles_and_categories_kept_with_html_entities_are_read_as_text(tmp_path: Path) -> None:
    xml = wxr(
        item("1a &#8211; Choosing a lecture capture tool", f"<p>{PROSE}</p>"),
        item(
            "Quiz pilot",
            f"<p>{PROSE}</p>",
            kind="post",
            categories=("Core Area 2b &#8211; Q&amp;A",),
        ),
    )
    root, _ = run_import(tmp_path, xml)
    one_a = text_of(root, "1a")
    assert "title: Choosing a lecture capture tool" in one_a and "&#" not in one_a
    assert "page '1a – Choosing a lecture capture tool'" in one_a
    two_b = text_of(root, "2b")
    assert "category 'Core Area 2b – Q&A'" in two_b and "&amp;" not in two_b


def test_private_and_password_protected_pages_are_named(tmp_path: Path) -> None:
    protected = item("Core Area 3a", f"<p>{PROSE}</p>").replace(
        "</item>", "<wp:post_password>letmein</wp:post_password></item>"
    )
    xml = wxr(protected, item("Core Area 3b", f"<p>{PROSE}</p>", status="private"))
    root, out = run_import(tmp_path, xml)
    assert "the page 'Core Area 3a' was password-protected on WordPress" in out, out
    assert "the page 'Core Area 3b' was private on WordPress" in out, out
    assert "'visibility: assessors'" in out and "letmein" not in out
    assert PROSE.strip() in text_of(root, "3a") and PROSE.strip() in text_of(root, "3b")


def test_a_wordpress_com_zip_of_split_exports_is_read(tmp_path: Path) -> None:
    import zipfile

    source = tmp_path / "rowan.wordpress.com-2025-03-01.zip"
    with zipfile.ZipFile(source, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("rowan.wordpress.2025-03-01.000.xml", wxr(item("Core Area 1a", PROSE)))
        archive.writestr(
            "rowan.wordpress.2025-03-01.001.xml",
            wxr(item("Core Area 2a", f"<p><img src='{UPLOADS}/c.png'></p>{PROSE}")),
        )
        archive.writestr(
            "rowan.wordpress.2025-03-01.002.xml",
            wxr(item("Chart", kind="attachment", attachment=f"{UPLOADS}/c.png", alt="A chart")),
        )
        archive.writestr("__MACOSX/._rowan.wordpress.2025-03-01.000.xml", b"\x00\x05")
    code, out = invoke("import", source, tmp_path / "out", "--pathway", "cmalt")
    assert code == 0, out
    assert PROSE.strip() in text_of(tmp_path / "out", "1a")
    assert "![A chart](" in text_of(tmp_path / "out", "2a")  # its attachment in another file
    empty = tmp_path / "photos.zip"
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr("photo.jpg", b"\xff\xd8")
    code, out = invoke("import", empty, tmp_path / "out2", "--pathway", "cmalt")
    assert code == 1 and "photos.zip: error import-source: this .zip file holds no WordPress" in out
    damaged = tmp_path / "cut.zip"
    damaged.write_bytes(source.read_bytes()[:300])
    code, out = invoke("import", damaged, tmp_path / "out3", "--pathway", "cmalt")
    assert code == 1 and "this .zip file is damaged" in out and "internal" not in out, out


def test_attachments_found_when_pages_write_the_site_with_another_scheme(
    tmp_path: Path, server: str
) -> None:
    # a site moved to https keeps http:// (or //host/) addresses in its older pages
    xml = attachments_export(server, ["plan.pdf"])
    plain = server.removeprefix("http:")
    xml = xml.replace(f"href='{server}/files/plan.pdf'", f"href='{plain}/files/plan.pdf'")
    xml = xml.replace(f"src='{server}/files/chart.png'", f"src='{plain}/files/chart-300x200.png'")
    xml = xml.replace("<channel><title>Rowan</title>", f"<channel><link>{server}</link>")
    root, out = run_import(tmp_path, xml, "--download")
    home = folder(root, "1a")
    assert (home / "plan.pdf").read_bytes() == b"%PDF-1.4 plan"
    assert (home / "chart.png").read_bytes() == png()
    assert "![A pie chart of survey answers](chart.png)" in text_of(root, "1a")
    assert "needs a description" not in out and "import-download" not in out, out


def test_images_sized_by_address_or_scaled_are_their_attachments(tmp_path: Path) -> None:
    files = "https://rowan.files.wordpress.com/2025/03"  # WordPress.com's uploads
    content = (
        f"<p>{PROSE}<img src='{files}/photo.jpg?w=1024&amp;h=768' alt=''>"
        f"<img src='{UPLOADS}/big-1024x683.jpg'><img src='https://[broken/x.png?w=3'>"
        f"<img src='https://elsewhere.example.org/x.png?w=300' alt='Elsewhere'></p>"
    )
    xml = wxr(
        item("Core Area 1a", content),
        item("Photo", kind="attachment", attachment=f"{files}/photo.jpg", alt="A photo"),
        item("Big", kind="attachment", attachment=f"{UPLOADS}/big-scaled.jpg", alt="A big one"),
        item("Odd", kind="attachment", attachment="https://[odd/y.png", alt="Odd"),
    )
    root, _ = run_import(tmp_path, xml)
    text = text_of(root, "1a")
    assert f"![A photo]({files}/photo.jpg)" in text
    assert f"![A big one]({UPLOADS}/big-scaled.jpg)" in text
    assert "![Elsewhere](https://elsewhere.example.org/x.png?w=300)" in text  # not the site's


def test_a_picture_linked_to_its_own_file_or_page_is_one_image_item(tmp_path: Path) -> None:
    def upload(name: str, pid: int) -> str:
        page = f"<link>{SITE}/core-area-1a/{name.split('.')[0]}/</link>"
        return item(
            name, kind="attachment", pid=pid, attachment=f"{UPLOADS}/{name}", alt=f"The {name}"
        ).replace(f"<link>{SITE}/x</link>", page)

    content = (
        f"<p>{PROSE}</p>"
        f"<p><a href='{SITE}/core-area-1a/chart/' rel='attachment'>"
        f"<img src='{UPLOADS}/chart-300x200.png' alt=''></a></p>"
        f"<p><a href='{UPLOADS}/map.png'><img src='{UPLOADS}/map-300x200.png' alt='A map'></a></p>"
        f"<p><a href='{SITE}/?attachment_id=42'><img src='{UPLOADS}/plan-150x150.png'></a></p>"
        f"<p><a href='https://example.org/project'><img src='{UPLOADS}/logo.png' alt='Logo'>"
        "</a></p>"
    )
    xml = wxr(
        item("Core Area 1a", content),
        upload("chart.png", 40), upload("map.png", 41), upload("plan.png", 42),
    ).replace("<channel><title>Rowan</title>", f"<channel><link>{SITE}</link>")  # fmt: skip
    root, _ = run_import(tmp_path, xml)
    text = text_of(root, "1a")
    # each picture is followed by its citation, so `check` finds every item cited
    assert f"\n![The chart.png]({UPLOADS}/chart.png) [](evidence:chart-png)\n" in text
    assert (
        f"\n![A map]({UPLOADS}/map.png) [](evidence:map-png)\n" in text
        and f"\n![The plan.png]({UPLOADS}/plan.png) [](evidence:plan-png)" in text
    )
    assert "[![Logo](" in text  # a picture linking elsewhere keeps its link
    titles = sorted(str(i["title"]) for i in items_of(root, "1a"))
    assert titles == ["Logo", "chart.png", "map.png", "plan.png"], titles


def test_a_link_to_a_heading_of_a_long_page_goes_to_that_section(tmp_path: Path) -> None:
    long_page = (
        f"<h2>Contextual statement</h2><p>{PROSE} See <a href='{SITE}/portfolio/#core-area-2a'>"
        f"my assessment work</a> and <a href='{SITE}/portfolio/'>the top</a>.</p>"
        f"<h2>Core Area 1a</h2><p>{PROSE}</p><h2>Core Area 2a</h2><p>{PROSE}</p>"
    )
    xml = wxr(item("Portfolio", long_page).replace(f"{SITE}/x<", f"{SITE}/portfolio/<"))
    root, _ = run_import(tmp_path, xml)
    context = text_of(root, "contextual-statement")
    assert "[my assessment work](section:2a)" in context
    assert "[the top](section:contextual-statement)" in context
    builds_and_checks(root)


def test_child_pages_of_an_unnamed_specialist_area_stay_in_that_area(tmp_path: Path) -> None:
    xml = wxr(
        item("Specialist Area", f"<p>Open textbooks. {PROSE}</p>", pid=1),
        item("Description", f"<p>The project. {PROSE}</p>", pid=2, parent=1),
        item("Reflection", f"<p>Looking back. {PROSE}</p>", pid=3, parent=1),
    )
    root, out = run_import(tmp_path, xml)
    area = text_of(root, "specialist-first-area")
    assert area.index("Open textbooks.") < area.index("The project.") < area.index("## Reflection")
    assert area.index("## Reflection\n\nLooking back.") > 0
    assert "specialist-second-area" not in out and "specialist-third-area" not in out


def test_a_file_blocks_download_button_is_not_a_second_citation(tmp_path: Path) -> None:
    """A file block (as WordPress 6 writes it) has the file's link and a Download button to
    the same file: both became citations, run together ("report [E1]Download [E1]")."""
    report = f"{UPLOADS}/evaluation-report-final.pdf"
    content = (
        block(f"<p>{PROSE}</p>")
        + f'<!-- wp:file {{"id":102,"href":"{report}"}} -->\n<div class="wp-block-file">'
        f'<a id="wp-block-file--media-1" href="{report}">Evaluation report (final)</a>'
        f'<a href="{report}" class="wp-block-file__button wp-element-button" download '
        'aria-describedby="wp-block-file--media-1">Download</a></div>\n<!-- /wp:file -->\n'
        # an older one: the button before its address, and a button with no link beside it
         + f'<div class="wp-block-file"><a class="wp-block-file__button" href="{UPLOADS}/a.pdf"'
        f" download>Download</a></div>"
    )
    root, _ = run_import(tmp_path, wxr(item("Core Area 1a", content)))
    text = text_of(root, "1a")
    assert "[Evaluation report (final)](evidence:evaluation-report-final)\n" in text, text
    assert text.count("(evidence:evaluation-report-final)") == 1
    assert "[Download](evidence:" in text  # the only link to a.pdf stays
    assert {str(i["url"]) for i in items_of(root, "1a")} == {report, f"{UPLOADS}/a.pdf"}


def test_an_embed_blocks_caption_names_its_link(tmp_path: Path) -> None:
    """An embed block's caption ("Demo of the new tool") was left as a loose line, and the
    video's link read "www.youtube.com/watch?v=...", which check reports as a bare address."""
    video = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    content = (
        block(f"<p>{PROSE}</p>")
        + f'<!-- wp:embed {{"url":"{video}","type":"video","providerNameSlug":"youtube"}} -->\n'
        '<figure class="wp-block-embed is-type-video is-provider-youtube wp-block-embed-youtube">'
        f'<div class="wp-block-embed__wrapper">\n{video}\n</div><figcaption class="wp-element-'
        'caption">Demo of the <em>new</em> tool &amp; its captions</figcaption></figure>\n'
        "<!-- /wp:embed -->\n"
        # no caption: the address, as before
         + '<!-- wp:embed {"url":"https://vimeo.com/1"} -->\n<figure class="wp-block-embed">'
        '<div class="wp-block-embed__wrapper">\nhttps://vimeo.com/1\n</div></figure>\n'
        "<!-- /wp:embed -->\n"
    )
    root, out = run_import(tmp_path, wxr(item("Core Area 1a", content)))
    text = text_of(root, "1a")
    assert (
        "[Demo of the new tool & its captions](evidence:demo-of-the-new-tool-its-captions)" in text
    )
    assert text.count("Demo of the") == 1  # the caption is the link's words, not a line too
    assert "[vimeo.com/1](evidence:vimeo-com-1)" in text
    found = {str(i["url"]): i for i in items_of(root, "1a")}
    assert found[video]["title"] == "Demo of the new tool & its captions"
    assert "kept 2 embedded items" in out
