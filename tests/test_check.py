"""cmaltgen check: the progress report, readiness warnings and the external link check.

Web links are checked against a real HTTP server on 127.0.0.1; nothing leaves this machine.
"""

from __future__ import annotations

import collections
import datetime as dt
import http.server
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from cmaltgen import __version__
from cmaltgen import check as readiness
from cmaltgen.build import build
from cmaltgen.check import CheckOptions
from cmaltgen.cli import main
from cmaltgen.diagnostics import CmaltgenError
from cmaltgen.read.dates import PartialDate
from cmaltgen.rules import guidance
from cmaltgen.rules.readiness import Report
from cmaltgen.serve.progress import report_html
from tests.browser_support import POLL
from tests.conftest import (
    ASSESSED,
    EXAMPLE,
    FILLER,
    TODAY,
    PortfolioFactory,
    evidence,
    valid_files,
    write_files,
)

SECTIONS = ["contextual-statement", *ASSESSED[:8], "specialist-oer", "future-plans"]
DESCRIPTION = " ".join(["I planned the change and ran it with my colleagues."] * 18)
REFLECTION = " ".join(["I learned how my practice changed and what I will do next."] * 15)


def body(section: str, description: str = DESCRIPTION, reflection: str = REFLECTION) -> str:
    """A section body long enough to count as written (about 330 words)."""
    return (
        f"## Description\n\n{description} I cited [the report](evidence:ev-{section}).\n\n"
        f"## Reflection\n\n{reflection}\n"
    )


def front(section: str) -> str:
    title = "title: Open educational resources\n" if section.startswith("specialist-") else ""
    return f"---\nsection: {section}\n{title}---\n"


def ready_files() -> dict[str, str]:
    """The conftest portfolio with every section written out: ready, with no warnings."""
    files = valid_files()
    files["contextual-statement/reflection.md"] = front("contextual-statement") + FILLER
    for section in ASSESSED:
        files[f"{section}/reflection.md"] = front(section) + body(section)
    return files


@pytest.fixture
def ready(tmp_portfolio: PortfolioFactory) -> PortfolioFactory:
    """A ready portfolio, with ``changes`` on top."""

    def make(changes: dict[str, str | bytes | None] | None = None) -> Path:
        return tmp_portfolio({**ready_files(), **(changes or {})})

    return make


def run_check(root: Path, **options: object) -> Report:
    return readiness.check(root, CheckOptions(**options), today=TODAY)  # type: ignore[arg-type]


def shown(report: Report) -> list[str]:
    """Diagnostics as the user sees them, with paths relative to the portfolio."""
    return [d.format(base=report.root) for d in report.diagnostics.sorted()]


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


# ------------------------------------------------------------------------ progress report


def test_example_portfolio_is_ready(tmp_path: Path) -> None:
    root = tmp_path / "example"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns("_site"))
    report = run_check(root)
    assert shown(report) == []
    assert report.ready and report.verdict == "Ready for ALT's initial check"
    rows = [(r.id, r.status) for r in report.sections]
    assert len(rows) == 11 and {status for _, status in rows} == {"written"}
    assert rows[0][0] == "contextual-statement" and rows[-1][0] == "future-plans"

    code, out, err = invoke("check", str(root), "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["ready"] is True and data["verdict"] == "Ready for ALT's initial check"
    assert [s["status"] for s in data["sections"]] == ["written"] * 11

    code, out, err = invoke("check", str(root))
    assert code == 0 and err == ""
    table = out.splitlines()
    assert table[2].split() == [
        "Section",
        "Status",
        "Words",
        "Descr.",
        "Refl.",
        "Evidence",
        "On",
        "site",
        "Newest",
        "To",
        "do",
    ]
    assert [line.split()[:2] for line in table[3:14]] == [[r[0], "written"] for r in rows]
    assert table[-1] == "Ready for ALT's initial check"


def test_ready_fixture_is_ready_with_no_warnings(ready: PortfolioFactory) -> None:
    report = run_check(ready())
    assert shown(report) == [] and report.ready
    assert [r.id for r in report.sections] == SECTIONS


def test_missing_and_stub_sections_are_listed_and_not_ready(
    tmp_portfolio: PortfolioFactory,
) -> None:
    root = tmp_portfolio(
        {
            "2b/reflection.md": None,
            "2b/evidence.yml": None,
            "specialist-oer/reflection.md": None,
            "specialist-oer/evidence.yml": None,
        }
    )
    code, out, err = invoke("check", str(root), "--format", "json")
    assert code == 1, err
    data = json.loads(out)
    status = {s["id"]: s["status"] for s in data["sections"]}
    assert [sid for sid, st in status.items() if st == "missing"] == ["2b", "specialist-NAME"]
    assert status["future-plans"] == "written"  # the conftest one has 300 words
    assert [sid for sid, st in status.items() if st == "stub"] == [
        "contextual-statement",
        "1a",
        "1b",
        "1c",
        "2a",
        "3a",
        "3b",
        "4a",
    ]
    assert data["ready"] is False and data["counts"]["sections_left"] == 10
    assert data["verdict"].startswith("Not ready: 2 errors, 0 warnings; 10 sections left to write")
    one = next(s for s in data["sections"] if s["id"] == "1a")
    assert one["todo"] == ["expand the description (8 words) and the reflection (7 words)"]
    assert (one["evidence"], one["newest_evidence"], one["folder"]) == (1, "2025-06-01", "1a")


def test_stubs_alone_make_it_not_ready(tmp_portfolio: PortfolioFactory) -> None:
    report = run_check(tmp_portfolio())  # valid, so no errors, but every section is a stub
    assert report.errors == 0 and not report.ready and report.left == 10


def test_drafts_are_left_to_write_and_their_evidence_is_not_counted(
    ready: PortfolioFactory,
) -> None:
    draft_item = (
        "- id: ev-draft\n  title: Draft\n  type: other\n  date: 2026-10-01\n"
        "  url: https://example.org/d\n  shows: Later.\n  supports: [2a]\n  draft: true\n"
    )
    root = ready(
        {
            "1a/reflection.md": "---\nsection: 1a\ndraft: true\n---\n" + body("1a"),
            "1b/evidence.yml": ready_files()["1b/evidence.yml"] + draft_item,
            "2a/reflection.md": front("2a") + body("2a") + "[Draft](evidence:ev-draft)\n",
        }
    )
    report = run_check(root)
    rows = {r.id: r for r in report.sections}
    assert rows["1a"].status == "draft" and rows["1a"].todo == ("remove draft: true when ready",)
    assert rows["1a"].evidence == 1  # progress: its items will be published with it
    assert (rows["2a"].evidence, str(rows["2a"].newest_evidence)) == (1, "2025-06-01")
    assert not report.ready and report.left == 1
    assert report.verdict.endswith("1 section left to write")


def test_text_table_marks_missing_sections_and_prints_located_problems(
    tmp_portfolio: PortfolioFactory,
) -> None:
    root = tmp_portfolio({"4a/reflection.md": None, "4a/evidence.yml": None})
    code, out, err = invoke("check", str(root))
    assert code == 1
    row = next(line for line in out.splitlines() if line.startswith("4a "))
    assert row.split() == ["4a", "missing", "-", "-", "-", "-", "-", "-", "write", "it"]
    assert "error missing-section: the CMALT pathway needs section 4a" in err
    assert "\x1b[" not in out + err  # no colour when not a terminal
    assert out.rstrip().endswith("Not ready: 1 error, 0 warnings; 10 sections left to write")


def test_colour_can_be_forced(ready: PortfolioFactory) -> None:
    code, out, _ = invoke("check", str(ready()), "--colour")
    assert code == 0 and "\x1b[32mwritten" in out and "\x1b[32m\x1b[1mReady" in out


def test_unusable_portfolio_yml_still_reports(tmp_portfolio: PortfolioFactory) -> None:
    code, out, err = invoke("check", str(tmp_portfolio({"portfolio.yml": "pathway: [\n"})))
    assert code == 1 and "No sections to show" in out and "yaml-syntax" in err


def test_no_such_folder_is_a_located_failure(tmp_path: Path) -> None:
    with pytest.raises(CmaltgenError):
        readiness.check(tmp_path / "nothing", today=TODAY)
    code, _, err = invoke("check", str(tmp_path / "nothing"))
    assert code == 1 and "there is no folder" in err and "Traceback" not in err


# ------------------------------------------------------------------------ readiness checks

WE = " ".join(["We designed the course and our team ran it for us."] * 10)

READINESS_CASES = [
    pytest.param(
        {"2a/reflection.md": front("2a") + body("2a", description=WE + " " + DESCRIPTION[:60])},
        {},
        "2a/reflection.md:4:1: warning we-not-i: the description says we/our/us 30 times and "
        "I/my/me 4 times",
        id="we-not-i",
    ),
    pytest.param(
        {"3a/reflection.md": front("3a") + body("3a", DESCRIPTION * 2, REFLECTION[:300])},
        {},
        "3a/reflection.md:8:1: warning thin-reflection: the reflection has 62 words, under a "
        "third of the description's 363",
        id="thin-reflection",
    ),
    pytest.param(
        {
            f"{s}/reflection.md": front(s)
            + body(s).replace("(evidence:ev-", "(evidence:ev-1a) and [it](evidence:ev-")
            for s in ("1b", "1c", "2a")
        },
        {},
        "1a/evidence.yml:1:7: warning evidence-overused: evidence 'ev-1a' is cited in 4 "
        "sections (1a, 1b, 1c and 2a)",
        id="evidence-overused",
    ),
    pytest.param(
        {},
        {"max_age": 1},
        "1a/evidence.yml:4:9: warning old-evidence: evidence 'ev-1a' is dated 2025-06-01, more "
        "than 1 year ago",
        id="old-evidence",
    ),
    pytest.param(
        {"1b/reflection.md": front("1b") + body("1b", reflection=REFLECTION * 23)},
        {},
        "1b/reflection.md:4:1: warning section-length: this section has 4,302 words; "
        "assessed core sections usually run 300-4,000",
        id="too-long",
    ),
    pytest.param(
        {"1c/reflection.md": front("1c") + body("1c", DESCRIPTION[:330], REFLECTION[:330])},
        {},
        "1c/reflection.md:4:1: warning section-length: this section has 135 words; "
        "assessed core sections usually run 300-4,000",
        id="too-short",
    ),
]


@pytest.mark.parametrize(("changes", "options", "expected"), READINESS_CASES)
def test_readiness_warning(
    ready: PortfolioFactory, changes: dict[str, str], options: dict[str, object], expected: str
) -> None:
    report = run_check(ready(changes), **options)
    lines = [line.split("\n")[0] for line in shown(report)]
    assert expected in lines, lines
    assert report.errors == 0 and report.ready  # warnings alone do not fail without --strict
    code = expected.split(" ")[2].rstrip(":")
    assert not shown(run_check(report.root, ignore=frozenset({code}), **options))


def test_old_evidence_counts_from_the_last_day_a_partial_date_can_mean() -> None:
    assert guidance.latest_day(PartialDate(2023)) == dt.date(2023, 12, 31)
    assert guidance.latest_day(PartialDate(2024, 2)) == dt.date(2024, 2, 29)
    assert guidance.years_before(dt.date(2028, 2, 29), 3) == dt.date(2025, 2, 28)


@pytest.mark.parametrize(("date", "old"), [("2023", False), ("2023-10", True), ("2023-11", False)])
def test_old_evidence_boundary(ready: PortfolioFactory, date: str, old: bool) -> None:
    evidence = ready_files()["1a/evidence.yml"].replace("2025-06-01", date)
    codes = [d.code for d in run_check(ready({"1a/evidence.yml": evidence})).diagnostics]
    assert ("old-evidence" in codes) is old


def test_pronouns_ignore_the_us_in_capitals() -> None:
    assert guidance.pronoun_counts("We met the US team; I wrote our plan, and my notes.") == (
        2,
        2,
    )


def test_ignore_and_strict_on_the_command_line(ready: PortfolioFactory) -> None:
    root = ready({"2a/reflection.md": front("2a") + body("2a", description=WE + DESCRIPTION[:60])})
    code, out, err = invoke("check", str(root))
    assert code == 0 and "warning we-not-i" in err
    assert out.rstrip().endswith("Ready for ALT's initial check (1 warning to review)")
    code, out, err = invoke("check", str(root), "--strict")
    assert code == 1 and out.rstrip().endswith("1 warning; 0 sections left to write (--strict)")
    code, out, err = invoke("check", str(root), "--strict", "--ignore", "we-not-i")
    assert code == 0 and err == ""
    data = json.loads(invoke("check", str(root), "--ignore", "we-not-i", "--format", "json")[1])
    counts = {"errors": 0, "warnings": 0, "ignored": 1, "accepted": 0, "sections_left": 0}
    assert data["counts"] == counts


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("we-not-me", "there is no diagnostic code 'we-not-me' (did you mean 'we-not-i'?)"),
        ("missing-section", "'missing-section' is an error, and errors cannot be ignored"),
    ],
)
def test_ignore_rejects_unknown_codes_and_errors(
    ready: PortfolioFactory, code: str, message: str
) -> None:
    exit_code, _, err = invoke("check", str(ready()), "--ignore", code)
    assert exit_code == 2 and message in err


def test_max_age_must_be_a_positive_number_of_years(ready: PortfolioFactory) -> None:
    assert invoke("check", str(ready()), "--max-age", "0")[0] == 2
    code, _, err = invoke("check", str(ready()), "--max-age", "1")
    assert code == 0 and err.count("warning old-evidence") == 9


# ------------------------------------------------------------------------ output formats


def test_json_keys_are_stable(tmp_portfolio: PortfolioFactory) -> None:
    root = tmp_portfolio({"2b/reflection.md": None})
    code, out, _ = invoke("check", str(root), "--format", "json")
    data = json.loads(out)
    assert code == 1 and list(data) == [
        "version",
        "cmaltgen",
        "portfolio",
        "framework",
        "pathway",
        "today",
        "ready",
        "verdict",
        "counts",
        "evidence",
        "sections",
        "diagnostics",
        "links",
        "largest_files",
        "published_bytes",
        "feedback",
        "review",
    ]
    assert (data["version"], data["framework"], data["pathway"]) == (1, "2019", "cmalt")
    assert list(data["sections"][0]) == [
        "id",
        "title",
        "status",
        "required",
        "folder",
        "words",
        "description_words",
        "reflection_words",
        "evidence",
        "evidence_on_site",
        "newest_evidence",
        "todo",
    ]
    assert list(data["diagnostics"][0]) == [
        "severity",
        "code",
        "path",
        "line",
        "col",
        "key",
        "message",
        "hint",
        "accepted",
    ]
    assert data["links"] is None
    stray = next(d for d in data["diagnostics"] if d["code"] == "missing-section")
    assert stray["path"] == "." and stray["severity"] == "error"


def test_report_html_is_a_valid_escaped_table(ready: PortfolioFactory) -> None:
    oer = ready_files()["specialist-oer/reflection.md"].replace(
        "title: Open educational resources", "title: \"<script>alert('x')</script> & OER\""
    )
    report = run_check(ready({"specialist-oer/reflection.md": oer, "2b/reflection.md": None}))
    fragment = report_html(report)
    region = ET.fromstring(fragment)  # well-formed: the table in a region that scrolls
    assert (region.tag, region.get("role"), region.get("tabindex")) == ("div", "region", "0")
    (table,) = region
    assert table.tag == "table" and "<script>" not in fragment
    assert table.findtext("caption") == report.verdict
    assert [th.get("scope") for th in table.iter("th")][:8] == ["col"] * 8
    rows = table.findall("tbody/tr")
    assert len(rows) == 11 and all(r[0].tag == "th" and r[0].get("scope") == "row" for r in rows)
    assert rows[9][0].text == "specialist-oer <script>alert('x')</script> & OER"
    assert rows[5].get("class") == "status-missing"


def test_check_help_has_examples() -> None:
    code, out, _ = invoke("check", "--help")
    assert code == 0 and "Examples:" in out and "--external" in out


# ------------------------------------------------------------------------ web links

SLOW = 2.0
TIMEOUT = 0.5


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    hits: collections.Counter[tuple[str, str]]
    agents: set[str]

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # the slow endpoint's client has gone: nothing to report


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _Server

    def do_HEAD(self) -> None:
        self._answer()

    def do_GET(self) -> None:
        self._answer()

    def _answer(self) -> None:
        self.server.hits[(self.command, self.path)] += 1
        self.server.agents.add(self.headers.get("User-Agent", ""))
        if self.path == "/slow":
            time.sleep(SLOW)
        status, headers = {
            "/ok": (200, {}),
            "/moved": (301, {"Location": "/ok"}),
            "/head-405": (405 if self.command == "HEAD" else 200, {"Allow": "GET"}),
            "/private": (403, {}),
            "/slow": (200, {}),
            "/to-file": (302, {"Location": "file:///etc/passwd"}),
            "/to-script": (302, {"Location": "javascript:alert(1)"}),
            "/to-ftp": (302, {"Location": f"ftp://127.0.0.1:{self.server.server_address[1]}/x"}),
            "/to-login": (302, {"Location": "http://who:s3cret@" + self.headers["Host"] + "/ok"}),
            "/busy": (429, {"Retry-After": "3600"}),
            "/to-nowhere": (302, {"Location": "http://no-such-host.invalid/x"}),
            "/to-closed": (302, {"Location": f"http://127.0.0.1:{closed_port()}/x"}),
            "/login": (401, {"WWW-Authenticate": 'Basic realm="x"'}),
        }.get(self.path, (404, {}))
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", "2")
        self.end_headers()
        if self.command == "GET":
            self.wfile.write(b"hi")

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[_Server]:
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    httpd = _Server(("127.0.0.1", 0), _Handler)
    httpd.hits, httpd.agents = collections.Counter(), set()
    thread = threading.Thread(target=httpd.serve_forever, args=(POLL,), daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def base(httpd: _Server) -> str:
    return f"http://127.0.0.1:{httpd.server_address[1]}"


def linked_files(urls: dict[str, str], markdown_link: str = "") -> dict[str, str | None]:
    """The ready portfolio with evidence addresses replaced (sections not named keep none)."""
    files: dict[str, str | None] = {}
    for section in ASSESSED:
        evidence = ready_files()[f"{section}/evidence.yml"].replace(
            f"https://example.org/{section}", urls.get(section, f"file-{section}.txt")
        )
        evidence = evidence.replace("  url: file-", "  file: file-")
        files[f"{section}/evidence.yml"] = evidence
        files[f"{section}/file-{section}.txt"] = "evidence"
    if markdown_link:
        files["4a/reflection.md"] = front("4a") + body("4a", DESCRIPTION + " " + markdown_link)
    return files


@pytest.mark.slow("timeout")
def test_external_links_against_a_local_server(
    ready: PortfolioFactory, server: _Server, tmp_path: Path
) -> None:
    web = base(server)
    urls = {
        "1a": f"{web}/ok",
        "1b": f"{web}/missing",
        "1c": f"{web}/moved",
        "2a": f"{web}/head-405",
        "2b": f"{web}/slow",
        "3a": f"{web}/private",
        "3b": f"http://127.0.0.1:{closed_port()}/x",
    }
    root = ready(linked_files(urls, f"See [the gone page]({web}/gone)."))
    started = time.monotonic()
    report = run_check(root, external=True, timeout=TIMEOUT, cache_dir=tmp_path / "cache")
    elapsed = time.monotonic() - started
    assert elapsed < TIMEOUT * 3, elapsed
    lines = [line.split("\n")[0] for line in shown(report)]
    assert lines == [
        f"1b/evidence.yml:5:8: error link-broken: {web}/missing answers 404 Not Found",
        f"1c/evidence.yml:5:8: warning link-redirect: {web}/moved redirects to {web}/ok",
        f"2b/evidence.yml:5:8: warning link-timeout: {web}/slow did not answer within 0.5 s",
        f"3a/evidence.yml:5:8: warning link-restricted: {web}/private answers 403 Forbidden: "
        "an assessor may not be able to open it",
        f"{urls['3b'].replace('http', '3b/evidence.yml:5:8: error link-unreachable: http')} "
        "refused the connection",
        f"4a/reflection.md:6:{len(DESCRIPTION) + 22}: error link-broken: {web}/gone answers "
        "404 Not Found",
    ]
    assert server.hits[("HEAD", "/head-405")] == 1 and server.hits[("GET", "/head-405")] == 1
    assert server.hits[("GET", "/ok")] == 0  # redirects and checks stay HEAD requests
    assert server.agents == {f"cmaltgen/{__version__} link check"}
    assert report.links is not None and report.links.urls == 8 and report.links.cached == 0


def test_hostile_answers_give_plain_located_reasons_and_never_print_a_password(
    ready: PortfolioFactory, server: _Server, tmp_path: Path
) -> None:
    web, port = base(server), server.server_address[1]
    urls = {
        "1a": f"{web}/to-file",
        "1b": f"{web}/to-script",
        "1c": f"{web}/to-ftp",
        "2a": f"{web}/to-login",
        "2b": f"{web}/busy",
        "3a": f"http://rowan:hunter2@127.0.0.1:{port}/login",
        "3b": f"https://127.0.0.1:{port}/ok",  # a server that speaks no TLS
        "4a": f"{web}/to-nowhere",
    }
    login = f"http://rowan:hunter2@127.0.0.1:{port}/login"
    written = f"[my notes]({login}), [café]({web}/café), [shop](http://bücher.invalid/)"
    written += f" and [it]({web}/to-closed)"
    root = ready(linked_files(urls, f"See {written}."))

    def at(url: str) -> int:  # the column in line 6 (the description, a space, then ours)
        return len(DESCRIPTION) + 1 + len("See ") + written.index(url) + 1

    report = run_check(root, external=True, timeout=TIMEOUT, cache_dir=tmp_path / "cache")
    lines = [line.split("\n")[0] for line in shown(report)]
    lines[-1] = lines[-1].rsplit("127.0.0.1:", 1)[0] + "127.0.0.1:"  # then the closed port
    assert shown(report)[-1].split("\n")[0].endswith("/x: it refuses)")
    not_web = "could not be opened (redirects to '{}', which is not a web address)"
    assert lines == [
        f"3a/evidence.yml:5:8: error invalid-url [[0].url]: "
        f"'http://rowan:***@127.0.0.1:{port}/login' holds a password",
        f"1a/evidence.yml:5:8: error link-unreachable: {web}/to-file "
        + not_web.format("file:///etc/passwd"),
        f"1b/evidence.yml:5:8: error link-unreachable: {web}/to-script "
        + not_web.format("javascript:alert(1)"),
        f"1c/evidence.yml:5:8: error link-unreachable: {web}/to-ftp "
        + not_web.format(f"ftp://127.0.0.1:{port}/x"),
        f"2a/evidence.yml:5:8: warning link-redirect: {web}/to-login redirects to {web}/ok",
        f"2b/evidence.yml:5:8: warning link-timeout: {web}/busy answers 429 Too Many Requests: "
        "the server asks to be asked again later",
        f"3b/evidence.yml:5:8: error link-unreachable: https://127.0.0.1:{port}/ok could not be "
        "opened (a secure (https) connection could not be made)",
        f"4a/evidence.yml:5:8: error link-unreachable: {web}/to-nowhere could not be opened (it "
        "redirects to http://no-such-host.invalid/x: its host name could not be found)",
        f"4a/reflection.md:6:{at(login)}: warning link-restricted: "
        f"http://rowan:***@127.0.0.1:{port}/login answers 401 Unauthorized: an assessor may not "
        "be able to open it",
        f"4a/reflection.md:6:{at(f'{web}/café')}: error link-broken: {web}/café answers 404 "
        "Not Found",
        f"4a/reflection.md:6:{at('http://bücher')}: error link-unreachable: the host name in "
        "http://bücher.invalid/ could not be found",
        f"4a/reflection.md:6:{at(f'{web}/to-closed')}: error link-unreachable: {web}/to-closed "
        "could not be opened (it redirects to http://127.0.0.1:",
    ]  # as written in the file, and where (not http://xn--bcher-kva.invalid/ at the line's start)
    assert "hunter2" not in "".join(shown(report)) and "s3cret" not in "".join(shown(report))
    assert f"write the address without it, http://127.0.0.1:{port}/login" in shown(report)[0]
    assert server.hits[("HEAD", "/x")] == 0  # the ftp: redirect was not followed
    assert server.hits[("HEAD", "/login")] == 1 and server.hits[("HEAD", "/ok")] == 1


@pytest.mark.slow("timeout")
def test_a_server_that_trickles_for_ever_cannot_keep_check_from_ending(
    ready: PortfolioFactory, tmp_path: Path
) -> None:
    """A byte a second trips no socket timeout; check --external reports a timeout and exits."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def trickle() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            with connection:
                connection.recv(4096)
                connection.sendall(b"HTTP/1.1 200 OK\r\n")
                while not stop.wait(0.2):
                    try:
                        connection.sendall(b"X")
                    except OSError:
                        break

    threading.Thread(target=trickle, daemon=True).start()
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/slow"
    root = ready(linked_files({"1a": url}))
    try:
        started = time.monotonic()
        args = ["check", str(root), "--external", "--timeout", "1", "--no-cache"]
        done = subprocess.run(
            [sys.executable, "-m", "cmaltgen", *args],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=root,
            env={k: v for k, v in os.environ.items() if "proxy" not in k.lower()},
        )
        assert time.monotonic() - started < 30
    finally:
        stop.set()
        listener.close()
    assert f"1a/evidence.yml:5:8: warning link-timeout: {url} did not answer within 1 s" in (
        done.stderr
    )
    assert done.returncode == 0, done.stderr


def test_working_links_are_cached_for_a_day(
    ready: PortfolioFactory, server: _Server, tmp_path: Path
) -> None:
    web = base(server)
    root = ready(linked_files({"1a": f"{web}/ok", "1b": f"{web}/moved", "1c": f"{web}/missing"}))
    cache = tmp_path / "cache"
    first = run_check(root, external=True, timeout=TIMEOUT, cache_dir=cache)
    before = server.hits.copy()
    second = run_check(root, external=True, timeout=TIMEOUT, cache_dir=cache)
    assert shown(second) == shown(first) and len(shown(first)) == 2  # redirect, 404
    for path in ("/ok", "/moved"):
        assert server.hits[("HEAD", path)] == before[("HEAD", path)], path
    assert server.hits[("HEAD", "/missing")] == 2  # broken links are asked again
    assert second.links is not None and second.links.cached == 2

    entries = json.loads((cache / "links.json").read_text("utf-8"))
    for entry in entries.values():
        entry["checked"] -= 25 * 60 * 60  # a day and an hour ago: expired
    (cache / "links.json").write_text(json.dumps(entries), "utf-8")
    run_check(root, external=True, timeout=TIMEOUT, cache_dir=cache)
    assert server.hits[("HEAD", "/ok")] == before[("HEAD", "/ok")] + 2  # direct and redirected


def test_connection_refused_everywhere_means_offline(ready: PortfolioFactory) -> None:
    urls = {s: f"http://127.0.0.1:{closed_port()}/x" for s in ("1a", "1b")}
    report = run_check(ready(linked_files(urls)), external=True, timeout=TIMEOUT)
    assert [line.split("\n")[0] for line in shown(report)] == [
        ".: warning links-unchecked: there seems to be no network (every connection was "
        "refused), so 2 web links were not checked"
    ]
    assert report.links is not None and report.links.offline


@pytest.mark.slow("timeout")
def test_no_name_lookups_means_offline_without_hanging(
    ready: PortfolioFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    def stuck_resolver(*args: object, **kwargs: object) -> object:
        if args and args[0] == "slow.example":
            time.sleep(SLOW)
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    monkeypatch.setattr(socket, "getaddrinfo", stuck_resolver)
    urls = {"1a": "https://slow.example/a", "1b": "https://fails.example/b"}
    started = time.monotonic()
    report = run_check(ready(linked_files(urls)), external=True, timeout=TIMEOUT)
    assert time.monotonic() - started < TIMEOUT * 3
    assert [d.code for d in report.diagnostics] == ["links-unchecked"]
    assert "no host name could be looked up" in report.diagnostics.warnings[0].message


def test_external_on_the_command_line(
    ready: PortfolioFactory, server: _Server, tmp_path: Path
) -> None:
    web = base(server)
    root = ready(linked_files({"1a": f"{web}/ok", "1b": f"{web}/missing"}))
    args = ["check", str(root), "--external", "--timeout", "1", "--cache-dir", str(tmp_path)]
    code, out, err = invoke(*args)
    assert code == 1 and "1b/evidence.yml:5:8: error link-broken" in err
    assert "Web links: 2 checked (0 from the cache)" in out
    code, out, _ = invoke(*args, "--format", "json")
    links = json.loads(out)["links"]
    assert code == 1 and (links["urls"], links["requested"], links["cached"]) == (2, 1, 1)
    assert list(links) == ["urls", "requested", "cached", "offline", "seconds"]
    code, out, _ = invoke(*args, "--no-cache")
    assert "(0 from the cache)" in out


def test_a_fresh_new_portfolio_is_not_ready_and_lists_every_section(tmp_path: Path) -> None:
    from cmaltgen.new import create

    created = create(tmp_path / "fresh", "cmalt", today=dt.date(2026, 11, 1))
    report = readiness.check(created.root, today=dt.date(2026, 11, 1))
    rows = {row.id: row.status for row in report.sections}
    assert list(rows) == created.sections
    assert set(rows.values()) == {"draft"}
    assert not report.ready and report.left == 11


# ------------------------------------------------------------- one set of rules (issue 17)

WE_DESCRIPTION = "## Description\n\n" + "We planned it and we ran it; our team and us. " * 3

BUILD_AND_CHECK = {
    "example": {},
    "front matter with an invalid date": {
        "1a-constraints-and-benefits/reflection.md": "---\nsection: 1a\nupdated: 2026-13-02\n"
        "---\n## Description\n\nI [r](evidence:interactive-video-appraisal).\n",
    },
    "evidence.yml with a YAML typo": {
        "1b-technical-knowledge/evidence.yml": "- id: x\n  title: a: b\n",
    },
    "old evidence, a draft section, assessors-only and private items and 'we'": {
        "future-plans/reflection.md": "---\nsection: future-plans\ndraft: true\n---\nSoon.\n",
        "3a-legislation/evidence.yml": "- id: old-report\n  title: Old\n  type: web-page\n"
        "  date: 2019-01-01\n  url: https://example.org/old\n  shows: It.\n"
        "  visibility: private\n",
        "3a-legislation/reflection.md": "---\nsection: 3a\n---\n"
        + WE_DESCRIPTION
        + "[o](evidence:old-report)\n\n## Reflection\n\nI learned.\n",
    },
}


@pytest.mark.parametrize("changes", BUILD_AND_CHECK.values(), ids=BUILD_AND_CHECK.keys())
def test_build_and_check_report_the_same_diagnostics_and_counts(
    tmp_path: Path, changes: dict[str, str]
) -> None:
    root = tmp_path / "p"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns("_site"))
    write_files(root, changes)
    built = build(root, write=False, today=TODAY)
    report = run_check(root)
    assert shown(report) == [d.format(base=built.root) for d in built.diagnostics.sorted()]
    assert report.evidence is not None
    if built.ok:  # check's counts are the site's, or labelled as something else
        assert report.evidence.on_site == built.evidence
        assert built.site is not None
        site = {s.id: len(s.evidence) for s in built.site.sections}
        assert {r.id: r.on_site for r in report.sections if r.id in site} == site
        left_out = report.evidence.drafts + report.evidence.assessors + report.evidence.private
        assert report.evidence.items - left_out == built.evidence
    else:
        assert report.evidence.on_site is None
        assert "not built until the errors are fixed" in report.evidence.line()


def test_the_evidence_count_says_which_files_it_could_not_count(
    tmp_portfolio: PortfolioFactory,
) -> None:
    """A British date in 1a's only item: before, "Evidence: 8 items" as if 1a had none."""
    files = ready_files()
    files["1a/evidence.yml"] = files["1a/evidence.yml"].replace("2025-06-01", "01/06/2025")
    report = readiness.check(tmp_portfolio(files), today=TODAY)
    assert report.evidence is not None
    assert report.evidence.line() == (
        "Evidence: 8 items (not counting 1 evidence.yml with errors); the site is not built "
        "until the errors are fixed."
    )


def test_check_labels_evidence_the_public_site_leaves_out(tmp_path: Path) -> None:
    root = tmp_path / "p"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns("_site"))
    code, out, _ = invoke("check", str(root))
    assert code == 0
    assert "Evidence: 26 items; 25 on the public site (left out: 1 for assessors only)." in out
    row = next(line for line in out.splitlines() if line.startswith("2a "))
    assert row.split()[5:7] == ["5", "4"]  # listed beside 2a or supporting it; on the site


def test_old_evidence_is_reported_by_build_too_and_its_age_is_a_setting(
    ready: PortfolioFactory,
) -> None:
    old = evidence("2a").replace("2025-06-01", "2020-03-01")
    root = ready({"2a/evidence.yml": old})
    built = build(root, write=False, today=TODAY)
    assert [d.code for d in built.diagnostics] == ["old-evidence"]
    assert "2a/evidence.yml:4:9: warning old-evidence" in "\n".join(shown(run_check(root)))
    config = (root / "portfolio.yml").read_text() + "evidence_max_age: 10\n"
    (root / "portfolio.yml").write_text(config)
    assert list(build(root, write=False, today=TODAY).diagnostics) == []
    assert shown(run_check(root)) == []
    (root / "portfolio.yml").write_text(config.replace("10", "0"))
    found = shown(run_check(root))  # the setting's error, and not its consequences
    assert found[0].startswith("portfolio.yml:13:19: error invalid-value [evidence_max_age]")
    assert len(found) == 1


def test_check_summary_and_problems_are_separate_blocks(tmp_portfolio: PortfolioFactory) -> None:
    root = tmp_portfolio({"4a/reflection.md": None, "4a/evidence.yml": None})
    result = CliRunner().invoke(main, ["check", str(root)])
    lines = result.output.splitlines()
    first = next(i for i, line in enumerate(lines) if " error " in line or " warning " in line)
    assert lines[first - 1] == "" and lines[first - 2].startswith("Evidence: ")
    assert lines[-2] == "" and lines[-1].startswith("Not ready: ")
    assert not lines[-3].startswith("Not ready")


def test_the_table_does_not_blame_a_section_for_another_files_errors(
    ready: PortfolioFactory,
) -> None:
    root = ready(
        {
            "1a/evidence.yml": "- id: ev-1a\n  title: Report: one\n",  # a YAML typo
            "1b/reflection.md": "---\nsection: 1b\nupdated: 2026-02-30\n---\n" + body("1b"),
        }
    )
    report = run_check(root)
    rows = {r.id: r for r in report.sections}
    assert (rows["1a"].status, rows["1a"].todo) == ("written", ("fix 1 error",))  # not "add"
    assert (rows["1b"].status, rows["1b"].todo) == ("unreadable", ("fix 1 error",))
    assert not rows["1b"].left and report.left == 0  # not "missing": nothing to write
    assert sorted(d.code for d in report.diagnostics) == ["invalid-date", "yaml-syntax"]


def test_web_links_are_located_in_the_reflection_as_read(tmp_portfolio: PortfolioFactory) -> None:
    """Lines and columns come from the file the parse stage read (BOM and CRLF normalised),
    counted from the top of the file; the same address twice on a line is found twice."""
    from cmaltgen.build import read_portfolio
    from cmaltgen.diagnostics import Diagnostics
    from cmaltgen.rules.links import link_targets

    root = tmp_portfolio(
        {
            "1a/reflection.md": (
                "\ufeff---\r\nsection: 1a\r\n---\r\n## Description\r\n\r\n"
                "See [a](https://example.org/a) and [b](https://example.org/a).\r\n\r\n"
                "![pic](https://example.org/p.png) [r](evidence:ev-1a)\r\n\r\n"
                "## Reflection\r\n\r\nI learned.\r\n"
            )
        }
    )
    _, portfolio = read_portfolio(root.resolve(), root / "_site", TODAY, Diagnostics())
    assert portfolio is not None
    found = [
        (t.url, t.line, t.col) for t in link_targets(portfolio) if t.path.name == "reflection.md"
    ]
    assert found == [
        ("https://example.org/a", 6, 9),
        ("https://example.org/a", 6, 40),
        ("https://example.org/p.png", 8, 8),
    ]


@pytest.mark.slow("large")
def test_thousands_of_links_to_one_address_are_located_in_one_pass(
    tmp_portfolio: PortfolioFactory,
) -> None:
    """Each link's search started at its paragraph's start and stepped over every place
    already found: 5,000 links to one address on a line took seconds, the cap's 10,000 more."""
    from cmaltgen.build import read_portfolio
    from cmaltgen.diagnostics import Diagnostics
    from cmaltgen.rules.links import link_targets

    links = " ".join("[a](https://example.org/a)" for _ in range(5_000))
    body = f"## Description\n\n{links}\n\n## Reflection\n\nI learned.\n"
    root = tmp_portfolio({"1a/reflection.md": f"---\nsection: 1a\n---\n{body}"})
    _, portfolio = read_portfolio(root.resolve(), root / "_site", TODAY, Diagnostics())
    assert portfolio is not None
    found = [(t.line, t.col) for t in link_targets(portfolio) if t.path.name == "reflection.md"]
    assert found == [(6, 5 + 27 * n) for n in range(5_000)]


@pytest.mark.parametrize("seconds", ["nan", "inf", "1e9"])
def test_a_timeout_that_is_no_number_of_seconds_is_a_usage_error(seconds: str) -> None:
    code, _, err = invoke("check", str(EXAMPLE), "--external", "--timeout", seconds)
    assert code == 2 and "Invalid value for '--timeout'" in err, err
    assert "internal problem" not in err


def test_an_evidence_age_of_thousands_of_years_counts_everything_as_recent(
    tmp_path: Path,
) -> None:
    root = tmp_path / "example"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns("_site"))
    for years in ("3000", str(10**20)):
        code, out, err = invoke("check", str(root), "--max-age", years)
        assert code == 0 and "old-evidence" not in err and "internal problem" not in out + err
    with (root / "portfolio.yml").open("a", encoding="utf-8") as config:
        config.write("evidence_max_age: 3000\n")
    code, out, err = invoke("check", str(root))
    assert code == 0 and "internal problem" not in out + err, out + err
