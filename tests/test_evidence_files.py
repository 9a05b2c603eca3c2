"""Evidence files as a new user makes them: names with characters that mean something in a URL,
names other systems refuse, files too big for GitHub Pages, and things that are not files at all.

The links are followed for real: from ``cmaltgen serve`` over HTTP, from ``http.server`` serving
the built folder under ``/repo/`` as GitHub Pages does, and in Chromium from the folder on disk.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import html
import html.parser
import http.server
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from click.testing import CliRunner

from cmaltgen.cli import main
from cmaltgen.output.bundle import bundle
from cmaltgen.rules.files import MAX_PUBLISHED_PATH, name_problem
from cmaltgen.rules.sizes import PAGES_MAX_FILE_BYTES
from cmaltgen.site.urls import relative_url
from tests.browser_support import POLL
from tests.conftest import (
    REPO,
    TODAY,
    PortfolioFactory,
    formatted,
    run_build,
    valid_files,
    write_files,
)
from tests.test_serve import fetch, serving

if TYPE_CHECKING:
    from playwright.sync_api import Browser

# Names that Linux, macOS and Windows all allow, and that a URL must encode with care.
GOOD_NAMES = [
    "report #1.txt",
    "#hash-first.txt",
    "100% done.txt",
    "%41%2e%2e%2F.txt",  # looks percent-encoded already: must not be decoded twice
    "a&b=c;d,e.txt",
    "with  two spaces.txt",
    " leading space.txt",
    "it's 'quoted'.txt",
    "plus+sign.txt",
    "[brackets] (parens) {braces}.txt",
    "tilde~ caret^ backtick` at@ dollar$ bang!.txt",
    "café résumé.txt",
    "cafe\u0301 decomposed.txt",  # NFD, as macOS writes it
    "日本語のレポート.txt",
    "emoji 🎓.txt",
    "Ελληνικά и кириллица.txt",
    "..two-dots-first.txt",
    "_underscore-first.txt",
    ".dot-first.txt",
    "semi;colon.txt",
    "x" * 150 + ".txt",  # long, but inside every limit
    "no-extension",
    "dots.in.the.name.txt",
]

# Names some platform refuses, and the words the error must use.
BAD_NAMES = [
    ("CON.txt", "reserved for a device on Windows"),
    ("aux.txt", "reserved for a device on Windows"),
    ("nul", "reserved for a device on Windows"),
    ("com1.pdf", "reserved for a device on Windows"),
    ("LPT9.tar.gz", "reserved for a device on Windows"),
    ("what?.txt", "contains ?, which Windows does not allow"),
    ("a<b>.txt", "contains < >, which Windows does not allow"),
    ('say "hi".txt', 'contains ", which Windows does not allow'),
    ("pipe|d.txt", "contains |, which Windows does not allow"),
    ("star*.txt", "contains *, which Windows does not allow"),
    ("time 10:30.txt", "contains :, which Windows does not allow"),
    ("back\\slash.txt", "contains \\, which Windows does not allow"),
    ("tab\there.txt", "contains \\t, which Windows does not allow"),
    ("bell\x07.txt", "contains \\x07, which Windows does not allow"),
    ("trailing dot.", "ends with a dot"),
    ("trailing space.txt ", "ends with a space"),
    ("y" * 240 + ".txt", "too long for Windows"),
]


def _content(name: str) -> str:
    return f"content of {name!r}\n"


def _evidence_yml(names: list[str]) -> str:
    items = []
    for i, name in enumerate(names):
        items.append(
            f"- id: ev-file-{i}\n"
            f"  title: File {i}\n"
            "  type: document\n"
            "  date: 2025-06-01\n"
            f"  file: {json.dumps(name, ensure_ascii=False)}\n"
            "  shows: That a file with this name opens.\n"
        )
    return "".join(items)


def _portfolio(root: Path, base_url: str) -> Path:
    """The valid portfolio with every good name as an evidence file of 1a, one linked from
    the reflection too (percent-encoded, as Markdown needs for a '#')."""
    files: dict[str, str | bytes | None] = dict(valid_files())
    files["portfolio.yml"] = str(files["portfolio.yml"]).replace(
        "https://sam.example.org/cmalt/", base_url
    )
    for name in GOOD_NAMES:
        files[f"1a/{name}"] = _content(name)
    files["1a/evidence.yml"] = str(files["1a/evidence.yml"]) + _evidence_yml(GOOD_NAMES)
    files["1a/reflection.md"] = str(files["1a/reflection.md"]).replace(
        "## Reflection",
        "See [the first report](report%20%231.txt) and [the other](<100% done.txt>).\n\n"
        "## Reflection",
    )
    return write_files(root, files)


class _Hrefs(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href and "/files/" in urllib.parse.urljoin("http://h/a/", href):
            self.hrefs.append(href)


def file_hrefs(page: Path) -> list[str]:
    parser = _Hrefs()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.hrefs


def _expected_href(name: str) -> str:
    """From a section page: ../files/1a/<each part percent-encoded>."""
    return "../files/1a/" + urllib.parse.quote(name, safe="")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = _portfolio(tmp_path_factory.mktemp("names") / "portfolio", "https://sam.github.io/repo/")
    result = run_build(root)
    assert result.ok, formatted(result)
    assert not [d for d in result.diagnostics if d.code == "file-name"]
    return root


@pytest.mark.parametrize("name", GOOD_NAMES)
def test_every_link_is_percent_encoded_and_escaped(built: Path, name: str) -> None:
    site = built / "_site"
    assert (site / "files" / "1a" / name).read_text(encoding="utf-8") == _content(name)
    raw = (site / "1a" / "index.html").read_text(encoding="utf-8")
    expected = _expected_href(name)
    assert f'href="{html.escape(expected)}"' in raw
    assert expected in file_hrefs(site / "1a" / "index.html")
    evidence_page = file_hrefs(site / "evidence" / "index.html")
    assert "../files/1a/" + urllib.parse.quote(name, safe="") in evidence_page


def test_markdown_links_to_files_are_decoded_then_encoded(built: Path) -> None:
    """A reflection links to ``report%20%231.txt``: the file "report #1.txt" is found."""
    hrefs = file_hrefs(built / "_site" / "1a" / "index.html")
    assert hrefs.count(_expected_href("report #1.txt")) == 2  # the citation link and the item
    assert hrefs.count(_expected_href("100% done.txt")) == 2


def _resolved(page_url: str, hrefs: list[str]) -> list[str]:
    return [urllib.parse.urljoin(page_url, h) for h in hrefs]


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # loopback only
            return int(response.status), bytes(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, b""


def _check_all_open(page_url: str, hrefs: list[str]) -> list[str]:
    wrong = []
    by_href = {_expected_href(n): n for n in GOOD_NAMES}
    for href, url in zip(hrefs, _resolved(page_url, hrefs), strict=True):
        status, body = _get(url)
        name = by_href.get(href)
        if name is None or status != 200 or body.decode("utf-8") != _content(name):
            wrong.append(f"{href} -> {status}")
    return wrong


@pytest.mark.slow("serve")
def test_links_open_the_files_from_cmaltgen_serve(built: Path) -> None:
    with serving(built) as (_, port):
        page_url = f"http://127.0.0.1:{port}/repo/1a/"
        hrefs = file_hrefs(built / "_site" / "1a" / "index.html")
        assert len(hrefs) >= len(GOOD_NAMES)
        assert _check_all_open(page_url, hrefs) == []
        # serve still refuses to leave the site, however the path is encoded
        for sneaky in ("/repo/files/1a/..%2F..%2F..%2Fportfolio.yml", "/repo/%2e%2e/%2e%2e/x"):
            assert fetch(port, sneaky)[0] == 404


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output clean."""


@contextlib.contextmanager
def _pages_host(folder: Path) -> Iterator[int]:
    """``http.server`` over a folder holding the site as ``repo/``: GitHub Pages' layout."""
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(POLL,), daemon=True)
    thread.start()
    try:
        yield int(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_links_open_the_files_on_a_static_host_under_a_sub_path(
    built: Path, tmp_path: Path
) -> None:
    shutil.copytree(built / "_site", tmp_path / "host" / "repo")
    with _pages_host(tmp_path / "host") as port:
        for page in ("1a/", "evidence/"):
            hrefs = file_hrefs(tmp_path / "host" / "repo" / page / "index.html")
            assert hrefs
            assert _check_all_open(f"http://127.0.0.1:{port}/repo/{page}", hrefs) == []


def _disk_only(route: Any) -> None:
    """No network: only the files on disk may load."""
    if route.request.url.startswith(("file:", "data:", "about:")):
        route.continue_()
    else:
        route.abort()


def _opened_in_chromium(browser: Browser, site: Path, pages: list[str]) -> dict[str, str]:
    """Open each page from disk, follow every link to a published file, and return
    {file path the browser reached: the text it showed}."""
    opened: dict[str, str] = {}
    page = browser.new_page()
    page.route("**/*", _disk_only)
    for rel in pages:
        page.goto((site / rel).as_uri())
        links = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
        for url in links:
            if url.startswith("file:") and "/files/" in url:
                page.goto(url)
                text = page.evaluate("document.body.innerText")
                opened[urllib.request.url2pathname(urllib.parse.urlsplit(url).path)] = text
    page.close()
    return opened


def _unopened(site: Path, opened: dict[str, str]) -> dict[str, str | None]:
    expected = {str(site / "files" / "1a" / name): _content(name) for name in GOOD_NAMES}
    return {
        path: opened.get(path)
        for path, text in expected.items()
        if (opened.get(path) or "").strip() != text.strip()
    }


def test_links_open_the_files_from_disk_in_chromium(built: Path, browser: Browser) -> None:
    site = built / "_site"
    opened = _opened_in_chromium(browser, site, ["1a/index.html", "evidence/index.html"])
    assert _unopened(site, opened) == {}


def test_links_open_the_files_in_the_unzipped_bundle_in_chromium(
    built: Path, tmp_path: Path, browser: Browser
) -> None:
    made = bundle(built, tmp_path / "bundle.zip", today=TODAY)
    assert made.written, [d.format(base=built) for d in made.diagnostics]
    with zipfile.ZipFile(tmp_path / "bundle.zip") as archive:
        archive.extractall(tmp_path / "unzipped")
    site = tmp_path / "unzipped" / "bundle"
    pages = ["1a/index.html", "evidence/index.html", "portfolio.html"]
    opened = _opened_in_chromium(browser, site, pages)
    assert _unopened(site, opened) == {}


# ----------------------------------------------------------------- names that cannot travel


@pytest.mark.parametrize(("name", "words"), BAD_NAMES, ids=[repr(n)[:30] for n, _ in BAD_NAMES])
def test_a_name_some_system_refuses_is_a_located_error(
    tmp_portfolio: PortfolioFactory, name: str, words: str
) -> None:
    evidence = _evidence_yml([name])
    root = tmp_portfolio({"1b/evidence.yml": valid_files()["1b/evidence.yml"] + evidence})
    (root / "1b" / name).write_text("x", encoding="utf-8")
    result = run_build(root)
    assert not result.ok and not (root / "_site").exists()
    line = 6 + 5  # the one valid item takes 6 lines; `file:` is the 5th line of the new one
    found = [s for s in formatted(result) if " file-name" in s]
    assert len(found) == 1, formatted(result)
    assert found[0].startswith(f"1b/evidence.yml:{line}:9: error file-name: ")
    assert words in found[0]
    assert "\n    hint: rename" in found[0] or "\n    hint: shorten" in found[0]


def test_a_folder_name_with_a_reserved_name_is_refused_too(tmp_portfolio: PortfolioFactory) -> None:
    root = tmp_portfolio(
        {
            "1c/evidence.yml": valid_files()["1c/evidence.yml"] + _evidence_yml(["aux/notes.txt"]),
            "1c/aux/notes.txt": "notes",
        }
    )
    shown = formatted(run_build(root, write=False))
    assert any(
        s.startswith("1c/evidence.yml:11:9: error file-name: the name 'aux' is reserved")
        for s in shown
    ), shown


def test_a_markdown_link_to_a_refused_name_is_located_in_the_reflection(
    tmp_portfolio: PortfolioFactory,
) -> None:
    body = "## Description\n\nSee [notes](CON.txt) and (evidence:ev-2a).\n\n## Reflection\n\nX.\n"
    root = tmp_portfolio({"2a/reflection.md": f"---\nsection: 2a\n---\n{body}", "2a/CON.txt": "x"})
    shown = formatted(run_build(root, write=False))
    assert any(s.startswith("2a/reflection.md:6:5: error file-name") for s in shown), shown


@pytest.mark.parametrize(
    ("first", "second"),
    [("Report.pdf", "report.pdf"), ("caf\u00e9.txt", "cafe\u0301.txt"), ("A/x.txt", "a/x.txt")],
)
def test_names_one_file_on_windows_and_macos_are_refused(
    tmp_portfolio: PortfolioFactory, first: str, second: str
) -> None:
    root = tmp_portfolio(
        {
            "3a/evidence.yml": valid_files()["3a/evidence.yml"] + _evidence_yml([first, second]),
            f"3a/{first}": "one",
            f"3a/{second}": "two",
        }
    )
    shown = formatted(run_build(root, write=False))
    clash = [s for s in shown if "differ only in capital letters" in s]
    assert len(clash) == 1, shown
    assert clash[0].startswith(f"3a/evidence.yml:17:9: error file-name: '3a/{second}' and ")
    assert "hint: rename one of the two files" in clash[0]


def test_one_file_named_twice_is_not_a_clash(tmp_portfolio: PortfolioFactory) -> None:
    root = tmp_portfolio(
        {
            "3a/evidence.yml": valid_files()["3a/evidence.yml"] + _evidence_yml(["same.txt"]),
            "3a/same.txt": "one",
            "3b/evidence.yml": valid_files()["3b/evidence.yml"]
            + _evidence_yml(["../3a/same.txt"]).replace("ev-file-0", "ev-other"),
        }
    )
    assert not [d for d in run_build(root, write=False).diagnostics if d.code == "file-name"]


def test_name_rules() -> None:
    assert name_problem("files/1a/report #1 (final) 100%.pdf") is None
    assert name_problem("files/1a/" + "z" * (MAX_PUBLISHED_PATH - 9)) is None
    assert name_problem("files/1a/" + "z" * (MAX_PUBLISHED_PATH - 8)) is not None
    assert name_problem("files/1a/CONSOLE.txt") is None  # only the exact device names
    assert name_problem("files/1a/con .txt") is not None
    assert name_problem("files/1a/COM\u00b9.txt") is not None
    assert name_problem("files/1a/" + os.fsdecode(b"caf\xe9.txt")) is not None
    assert (
        relative_url("1a/index.html", "files/1a/a#b.txt", anchors=False) == "../files/1a/a%23b.txt"
    )
    assert (
        relative_url("1a/index.html", "evidence/index.html#ev-x") == "../evidence/index.html#ev-x"
    )


# --------------------------------------------------------------------------- size limits


def _sparse(path: Path, size: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as stream:
        stream.truncate(size)  # sparse: no disk space used


def _with_files(tmp_portfolio: PortfolioFactory, sizes: dict[str, int]) -> Path:
    root = tmp_portfolio(
        {"2b/evidence.yml": valid_files()["2b/evidence.yml"] + _evidence_yml(list(sizes))}
    )
    for name, size in sizes.items():
        _sparse(root / "2b" / name, size)
    return root


def test_a_file_over_100_mb_is_a_warning_at_its_file_line(
    tmp_portfolio: PortfolioFactory,
) -> None:
    root = _with_files(tmp_portfolio, {"lecture.mp4": 300 * 1024 * 1024, "small.pdf": 2048})
    result = run_build(root, write=False)
    shown = [s.split("\n")[0] for s in formatted(result) if "site-file-size" in s]
    assert shown == [
        "2b/evidence.yml:11:9: warning site-file-size: '2b/lecture.mp4' is 300 MB; GitHub "
        "Pages refuses files over 100 MB"
    ]
    assert result.ok  # a warning: the site still builds (and --strict would stop it)
    assert not run_build(root, write=False, strict=True).ok


def test_a_file_of_exactly_100_mb_is_fine(tmp_portfolio: PortfolioFactory) -> None:
    root = _with_files(tmp_portfolio, {"video.mp4": PAGES_MAX_FILE_BYTES})
    assert not [d for d in run_build(root, write=False).diagnostics if d.code.startswith("site")]


def test_a_site_over_1_gb_is_a_warning_naming_the_largest(
    tmp_portfolio: PortfolioFactory,
) -> None:
    sizes = {f"part-{i}.mp4": 95 * 1024 * 1024 for i in range(11)}
    root = _with_files(tmp_portfolio, sizes)
    shown = [s for s in formatted(run_build(root, write=False)) if "site-size" in s]
    assert len(shown) == 1
    assert shown[0].startswith("portfolio.yml: warning site-size: the files the site publishes")
    assert "1.0 GB" in shown[0] and "2b/part-0.mp4 (95 MB)" in shown[0]


def test_check_lists_the_largest_files(tmp_portfolio: PortfolioFactory) -> None:
    root = _with_files(
        tmp_portfolio, {"lecture.mp4": 300 * 1024 * 1024, "slides.pdf": 5 * 1024 * 1024}
    )
    out = CliRunner().invoke(main, ["check", str(root), "--no-colour"])
    text = out.stdout
    assert "Largest files published (all files: 305 MB of GitHub Pages' 1.0 GB limit" in text
    assert re.search(r"300 MB  2b/lecture\.mp4  over the limit\n", text), text
    assert re.search(r"5 MB  2b/slides\.pdf\n", text), text
    assert "warning site-file-size" in out.stderr
    data = json.loads(CliRunner().invoke(main, ["check", str(root), "--format", "json"]).stdout)
    assert data["largest_files"][0] == {"path": "2b/lecture.mp4", "bytes": 300 * 1024 * 1024}
    assert data["published_bytes"] == 305 * 1024 * 1024


# ------------------------------------------------------------------- things that are not files


def _make_special(path: Path, kind: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "socket":
        sock = socket.socket(socket.AF_UNIX)
        sock.bind(str(path))
        sock.close()  # the socket file stays
    elif kind == "device":
        path.symlink_to("/dev/zero")  # reading it would never end
    elif kind == "link-to-fifo":
        os.mkfifo(path.with_name("the-pipe"))
        path.symlink_to("the-pipe")
    elif kind == "broken-link":
        path.symlink_to("gone.pdf")
    elif kind == "folder":
        path.mkdir()


SPECIAL = {
    "fifo": ("special-file", "is a named pipe (FIFO), not an ordinary file"),
    "socket": ("special-file", "is a socket, not an ordinary file"),
    # a device can only be linked to from outside (making one needs root): refused as such
    "device": ("evidence-file-outside", "is outside the portfolio folder"),
    "link-to-fifo": (
        "special-file",
        "is a symbolic link to a named pipe (FIFO), not an ordinary file",
    ),
    "broken-link": (
        "evidence-file-missing",
        "is a symbolic link to 'gone.pdf', which does not exist",
    ),
    "folder": ("evidence-file-missing", "is a folder, not a file"),
}


# A build that opened one of these for reading would wait for ever: on a pipe for a writer, on
# /dev/zero for the end of the file. A real `cmaltgen build` process, whose timeout fails the
# test rather than hanging it, builds the device cases and the evidence-file pipe; the others
# run the command in this process, where a pipe read is ended from outside (_pipes_unblocked).
UNBLOCK_AFTER = 20.0  # seconds: a build here takes well under one


@dataclasses.dataclass
class Built:
    returncode: int
    stdout: str
    stderr: str


def _process_build(root: Path) -> Built:
    """A real ``cmaltgen build`` in its own process: if anything waited on a pipe, the
    timeout would end it and the test would fail rather than hang."""
    done = subprocess.run(
        [sys.executable, "-m", "cmaltgen", "build", "."],
        cwd=root,  # messages name files relative to where the user is
        env={**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return Built(done.returncode, done.stdout, done.stderr)


@contextlib.contextmanager
def _pipes_unblocked(root: Path) -> Iterator[list[str]]:
    """Fail, not hang, if a build in this process opens a named pipe below ``root`` for reading:
    after UNBLOCK_AFTER seconds, open each pipe for writing and close it again, so that the
    waiting read ends with nothing; the pipes opened are listed."""
    pipes = [p for p in root.rglob("*") if p.is_fifo() and not p.is_symlink()]
    opened: list[str] = []
    finished = threading.Event()

    def unblock() -> None:
        finished.wait(UNBLOCK_AFTER)
        while not finished.is_set():
            for pipe in pipes:
                try:
                    fd = os.open(pipe, os.O_WRONLY | os.O_NONBLOCK)  # fails without a reader
                except OSError:
                    continue
                os.close(fd)
                opened.append(pipe.name)
            finished.wait(0.05)

    thread = threading.Thread(target=unblock, daemon=True)
    thread.start()
    try:
        yield opened
    finally:
        finished.set()
        thread.join()


def _cli_build(root: Path, kind: str, *, process: bool = False) -> Built:
    """``cmaltgen build .`` in the portfolio folder, as the user runs it: in its own process
    when asked or for a device, else in this process (click's CliRunner)."""
    if process or kind == "device":  # a read of /dev/zero cannot be ended from outside
        return _process_build(root)
    before = Path.cwd()
    os.chdir(root)  # messages name files relative to where the user is
    try:
        with _pipes_unblocked(root) as opened:
            shown = CliRunner().invoke(main, ["build", "."], env={"NO_COLOR": "1"})
    finally:
        os.chdir(before)
    assert opened == [], f"the build waited to read {opened}"
    # Only an exit escapes: cmaltgen reports any other exception itself (``guarded``).
    assert isinstance(shown.exception, SystemExit), shown.exc_info
    return Built(shown.exit_code, shown.stdout, shown.stderr)


@pytest.mark.parametrize("kind", list(SPECIAL))
def test_an_evidence_file_that_is_not_a_file_says_what_it_is(tmp_path: Path, kind: str) -> None:
    root = write_files(tmp_path / "p", valid_files())
    (root / "1b" / "evidence.yml").write_text(
        valid_files()["1b/evidence.yml"] + _evidence_yml(["thing.pdf"]), encoding="utf-8"
    )
    _make_special(root / "1b" / "thing.pdf", kind)
    done = _cli_build(root, kind, process=kind == "fifo")
    code, words = SPECIAL[kind]
    assert done.returncode == 1, done.stderr
    assert f"1b/evidence.yml:11:9: error {code}: 'thing.pdf' {words}" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (root / "_site").exists()


@pytest.mark.parametrize(
    ("where", "kind"),
    [
        ("portfolio.yml", "fifo"),
        ("portfolio.yml", "broken-link"),
        ("1a/reflection.md", "fifo"),
        ("1a/reflection.md", "socket"),
        ("1a/reflection.md", "device"),
        ("1a/evidence.yml", "fifo"),
        ("1a/evidence.yml", "link-to-fifo"),
        ("1a/evidence.yml", "broken-link"),
        ("templates/base.html", "fifo"),
        ("templates/partials/nav.html", "broken-link"),
        ("2a/chart.png", "fifo"),  # an image a reflection shows
    ],
)
def test_no_source_file_is_read_when_it_is_not_a_file(
    tmp_path: Path, where: str, kind: str
) -> None:
    root = write_files(tmp_path / "p", valid_files())
    if where == "2a/chart.png":
        text = valid_files()["2a/reflection.md"].replace(
            "## Reflection", "![A chart of results](chart.png)\n\n## Reflection"
        )
        (root / "2a" / "reflection.md").write_text(text, encoding="utf-8")
    else:
        (root / where).unlink(missing_ok=True)
    _make_special(root / where, kind)
    done = _cli_build(root, kind)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    shown = "2a/reflection.md" if where == "2a/chart.png" else where  # the line linking it
    assert re.search(
        rf"^{re.escape(shown)}(:\d+:\d+)?: error (special-file|evidence-file-missing|file-missing)",
        done.stderr,
        re.MULTILINE,
    ), done.stderr
    described = {
        "fifo": "named pipe (FIFO)",
        "socket": "a socket",
        "device": "device file",
        "broken-link": "which does not exist",
        "link-to-fifo": "symbolic link to a named pipe",
    }[kind]
    assert described in done.stderr


def _video(ident: str, transcript: str, visibility: str = "public") -> str:
    return (
        f"- id: {ident}\n  title: Talk {ident}\n  type: video\n  date: 2025-06-01\n"
        f"  url: https://example.org/{ident}\n  shows: My talk.\n  transcript: {transcript}\n"
        f"  visibility: {visibility}\n"
    )


def test_a_transcript_is_published_and_linked_beside_its_video(
    tmp_portfolio: PortfolioFactory, tmp_path: Path
) -> None:
    """Before, ``transcript:`` only silenced no-captions: the file was never published, nor
    linked, so no reader could get it; a missing one passed unnoticed."""
    files = valid_files()
    cites = " [](evidence:talk) [](evidence:web) [](evidence:inner)"
    files["1b/reflection.md"] = files["1b/reflection.md"].replace("ev-1b).", "ev-1b)." + cites)
    files["1b/evidence.yml"] += (
        _video("talk", '"talk transcript #1.txt"')
        + _video("web", "https://example.org/talk-transcript")
        + _video("inner", "inner/notes.txt", "assessors")
    )
    root = tmp_portfolio(files)
    (root / "1b" / "talk transcript #1.txt").write_text("What I said.", encoding="utf-8")
    (root / "1b" / "inner").mkdir()
    (root / "1b" / "inner" / "notes.txt").write_text("Assessors only.", encoding="utf-8")
    result = run_build(root)
    assert result.ok, formatted(result)
    page = (root / "_site" / "1b" / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'<p class="evidence-transcript"><a href="([^"]+)">([^<]+)</a>', page)
    assert links == [
        ("../files/1b/talk%20transcript%20%231.txt", "Transcript of “Talk talk”"),
        ("https://example.org/talk-transcript", "Transcript of “Talk web”"),
    ]
    assert (root / "_site/files/1b/talk transcript #1.txt").read_text() == "What I said."
    assert not (root / "_site/files/1b/inner").exists()  # an assessors-only item's transcript
    assessor = run_build(root, output=tmp_path / "assessor", edition="assessor")
    assert (tmp_path / "assessor/files/1b/inner/notes.txt").is_file(), formatted(assessor)

    (root / "1b" / "talk transcript #1.txt").unlink()
    evidence = (root / "1b" / "evidence.yml").read_text(encoding="utf-8")
    web_less = evidence.replace("transcript: https://", "transcript: www.")
    (root / "1b/evidence.yml").write_text(web_less, encoding="utf-8")
    failed = run_build(root)
    line = evidence.splitlines().index('  transcript: "talk transcript #1.txt"') + 1
    web = evidence.splitlines().index("  transcript: https://example.org/talk-transcript") + 1
    assert sorted(s.split("\n")[0] for s in formatted(failed)) == [
        f"1b/evidence.yml:{line}:15: error evidence-file-missing: there is no file "
        "'talk transcript #1.txt'",
        f"1b/evidence.yml:{web}:15: error invalid-url: 'www.example.org/talk-transcript' is "
        "not a web address",
    ]
