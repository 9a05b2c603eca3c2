"""`cmaltgen serve`: a real server over real HTTP, a real file watcher and a real browser.

Most tests run `python -m cmaltgen serve` in a subprocess on a free loopback port, as a user
would; the rebuild-counting tests drive :class:`PreviewServer` in-process to read its counter.
A test that starts a server of its own is slow (the "serve" rule in tests/conftest.py); the
tests that only read from the module's one shared server run in the fast loop.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner

from cmaltgen.build import build
from cmaltgen.cli import main
from cmaltgen.serve.server import PreviewServer
from cmaltgen.serve.watcher import SAVED_SECONDS
from tests.browser_support import describe, loopback_only, run_axe
from tests.conftest import EXAMPLE, REPO

if TYPE_CHECKING:
    from playwright.sync_api import Browser

MOUNT = "/cmalt-portfolio/"  # the path of the example's site.base_url
SECTION = "1a-constraints-and-benefits/reflection.md"
VIEWPORT = "width=device-width, initial-scale=1"
BROKEN_YAML = 'pathway: cmalt\nframework: "2019"\ncandidate: [unclosed\n  name: Rowan\n'
WAIT = 10.0


# ---------------------------------------------------------------------------- helpers


def copy_example(folder: Path) -> Path:
    root = folder / "portfolio"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns("_site"))
    return root


@pytest.fixture
def portfolio(tmp_path: Path) -> Path:
    return copy_example(tmp_path)


def fetch(port: int, path: str, method: str = "GET") -> tuple[int, dict[str, str], str]:
    """One request with the path sent exactly as given (no client-side normalising)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.putrequest(method, path, skip_accept_encoding=True)
        conn.endheaders()
        response = conn.getresponse()
        body = response.read().decode("utf-8", "replace")
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body
    finally:
        conn.close()


def wait_for(check: Callable[[], bool], timeout: float = WAIT, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    pytest.fail(f"timed out after {timeout} s waiting for {what or check}")


def status(port: int) -> dict[str, object]:
    data: dict[str, object] = json.loads(fetch(port, "/__cmaltgen/status")[2])
    return data


def edit_reflection(root: Path, text: str) -> None:
    """Add a paragraph to the end of the 1a description, as a person would."""
    path = root / SECTION
    body = path.read_text(encoding="utf-8")
    path.write_text(body.replace("## Reflection", f"{text}\n\n## Reflection", 1), "utf-8")


class Served:
    """`cmaltgen serve` running in a subprocess, its output collected as it arrives."""

    def __init__(self, args: list[str]) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "NO_COLOR": "1"}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "cmaltgen", "serve", *args],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            # Windows delivers Ctrl+Break, not Ctrl+C, to a child in its own process group.
            creationflags=getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0),
        )
        self.out: list[str] = []
        self.err: list[str] = []
        self._lines: queue.Queue[str] = queue.Queue()
        assert self.proc.stdout is not None and self.proc.stderr is not None
        for stream, sink in ((self.proc.stdout, self.out), (self.proc.stderr, self.err)):
            threading.Thread(target=self._read, args=(stream, sink), daemon=True).start()

    def _read(self, stream: object, sink: list[str]) -> None:
        for line in stream:  # type: ignore[attr-defined]
            sink.append(line)
            self._lines.put(line)

    def wait_serving(self) -> int:
        """The port from the 'Serving ... at URL' line."""
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with contextlib.suppress(queue.Empty):
                found = re.search(
                    r"Serving .* at http://127\.0\.0\.1:(\d+)/", self._lines.get(timeout=0.2)
                )
                if found:
                    return int(found.group(1))
            if self.proc.poll() is not None:
                break
        pytest.fail(f"serve did not start:\n{self.text}")

    @property
    def text(self) -> str:
        return "".join(self.out) + "".join(self.err)

    def stop(self) -> int:
        """Ctrl-C, as a user would stop it."""
        if self.proc.poll() is None:
            self.proc.send_signal(getattr(signal, "CTRL_BREAK_EVENT", signal.SIGINT))
        try:
            return self.proc.wait(timeout=10)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()


@contextlib.contextmanager
def serving(root: Path, *extra: str) -> Iterator[tuple[Served, int]]:
    served = Served([str(root), "--port", "0", *extra])
    try:
        port = served.wait_serving()
        yield served, port
    finally:
        code = served.stop()
    assert code == 0, served.text
    assert "Traceback" not in served.text


@contextlib.contextmanager
def in_process(root: Path) -> Iterator[PreviewServer]:
    server = PreviewServer(root, port=0, port_fixed=True)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def settle(server: PreviewServer, quiet: float = 0.8) -> int:
    """The build count once it has stopped changing for ``quiet`` seconds."""
    count, since = server.build_count, time.monotonic()
    deadline = since + WAIT
    while time.monotonic() < deadline:
        time.sleep(0.05)
        if server.build_count != count:
            count, since = server.build_count, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return count
    pytest.fail("the server kept rebuilding")


# ---------------------------------------------------------------------------- the CLI server


@pytest.fixture(scope="module")
def shared() -> Iterator[tuple[Path, Served, int]]:
    """One server for the tests that only read, with a secret file beside the portfolio."""
    with contextlib.ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        root = copy_example(folder)
        (folder / "secret.txt").write_text("TOP SECRET", encoding="utf-8")
        served, port = stack.enter_context(serving(root))
        yield root, served, port


def test_serves_the_site_under_its_base_path_with_live_reload(
    shared: tuple[Path, Served, int],
) -> None:
    portfolio, served, port = shared
    code, headers, _ = fetch(port, "/")
    assert code == 302 and headers["location"] == MOUNT
    code, headers, body = fetch(port, MOUNT)
    assert code == 200 and headers["content-type"] == "text/html; charset=utf-8"
    assert headers["cache-control"] == "no-store"
    assert body.count("/__cmaltgen/events") == 1
    assert body.index("/__cmaltgen/events") < body.rindex("</body>")
    assert fetch(port, MOUNT + "1a")[1]["location"] == MOUNT + "1a/"
    code, headers, css = fetch(port, MOUNT + "assets/style.css")
    assert code == 200 and headers["content-type"].startswith("text/css")
    assert "__cmaltgen" not in css
    code, headers, _ = fetch(
        port, MOUNT + "files/1b-technical-knowledge/template-layout-diagram.png", "HEAD"
    )
    assert code == 200 and headers["content-type"] == "image/png"
    assert "Serving" in "".join(served.out)
    assert not (portfolio / "_site").exists(), "serve must not write the site"


@pytest.mark.slow("serve")
def test_built_files_never_contain_the_reload_script(portfolio: Path) -> None:
    with serving(portfolio) as (_, port):
        assert "/__cmaltgen/events" in fetch(port, MOUNT)[2]
        result = build(portfolio)
    assert result.ok and result.written
    for page in (portfolio / "_site").rglob("*"):
        if page.is_file():
            assert b"__cmaltgen" not in page.read_bytes(), page


def test_unknown_paths_get_the_sites_404_page_pointing_at_the_preview(
    shared: tuple[Path, Served, int],
) -> None:
    port = shared[2]
    code, _, body = fetch(port, MOUNT + "no/such/page/")
    assert code == 404 and "Page not found" in body
    assert f'href="{MOUNT}assets/style.css"' in body  # the preview's, not the live site's
    assert 'href="https://example.github.io' not in body
    assert "/__cmaltgen/events" in body
    assert fetch(port, "/elsewhere.html")[0] == 404


@pytest.mark.slow("serve")
@pytest.mark.parametrize("watching", ["--no-poll", "--poll"])
def test_an_edited_reflection_is_served_within_seconds(portfolio: Path, watching: str) -> None:
    with serving(portfolio, watching) as (served, port):
        edit_reflection(portfolio, "A freshly added paragraph about caption quality.")
        wait_for(
            lambda: "caption quality" in fetch(port, MOUNT + "1a/")[2],
            what=f"the edit\n{served.text}",
        )
        wait_for(lambda: "Built in" in "".join(served.out[1:]), what=f"a status\n{served.text}")


@pytest.mark.slow("serve")
def test_a_rebuild_parses_only_what_the_save_changed(portfolio: Path) -> None:
    with in_process(portfolio) as server:
        files = len(
            list(portfolio.glob("*/reflection.md")) + list(portfolio.glob("*/evidence.yml"))
        )
        assert server.parse_cache.parsed == files
        path = portfolio / SECTION
        text = path.read_text(encoding="utf-8")
        saved = path.with_name(".reflection.md.new")  # saved whole, as editors do
        saved.write_text(text.replace("## Reflection", "On transcripts.\n\n## Reflection", 1))
        saved.replace(path)
        wait_for(lambda: "On transcripts." in fetch(server.port, MOUNT + "1a/")[2], what="edit")
        settle(server)
        assert server.parse_cache.parsed == files + 1


@pytest.mark.slow("serve")
def test_a_broken_portfolio_yml_shows_errors_then_recovers(portfolio: Path) -> None:
    config = portfolio / "portfolio.yml"
    good = config.read_text(encoding="utf-8")
    with serving(portfolio) as (served, port):
        config.write_text(BROKEN_YAML, encoding="utf-8")
        wait_for(lambda: "cmaltgen-errors" in fetch(port, MOUNT)[2], what="the error overlay")
        code, _, body = fetch(port, MOUNT + "1a/")
        assert code == 200 and "cmaltgen-errors" in body  # last good page, errors over it
        assert "<code>portfolio.yml, line 3, column 12</code>" in body, body[-2000:]
        assert "yaml-syntax" in body
        assert "<script>" not in body.split("cmaltgen-errors", 1)[1].split("</section>")[0]
        wait_for(lambda: "portfolio.yml:" in "".join(served.err), what="terminal errors")
        wait_for(lambda: "still serving the last good site" in "".join(served.err), what="why")
        assert status(port)["ok"] is False
        config.write_text(good, encoding="utf-8")
        wait_for(lambda: status(port)["ok"] is True, what="recovery")
        assert "cmaltgen-errors" not in fetch(port, MOUNT + "1a/")[2]


@pytest.mark.slow("serve")
def test_a_failing_first_build_still_serves_the_errors(portfolio: Path) -> None:
    config = portfolio / "portfolio.yml"
    good = config.read_text(encoding="utf-8")
    config.write_text(BROKEN_YAML, encoding="utf-8")
    with serving(portfolio) as (served, port):
        for path in ("/", MOUNT, "/anything/at/all.css"):
            code, headers, body = fetch(port, path)
            assert code == 500 and headers["content-type"].startswith("text/html")
            assert "portfolio.yml, line 3" in body and "/__cmaltgen/events" in body
        # stderr is read by a thread: wait for the line rather than racing it
        wait_for(lambda: "first build failed" in "".join(served.err), what="the terminal")
        config.write_text(BROKEN_YAML + "\n", encoding="utf-8")  # still broken: no site yet
        wait_for(lambda: "Build failed (" in "".join(served.err), what="the rebuild")
        err = "".join(served.err)
        assert "no good build yet" in err.split("Build failed (", 1)[1], err
        assert "still serving the last good site" not in err, err
        config.write_text(good, encoding="utf-8")
        wait_for(lambda: fetch(port, "/")[0] == 302, what="the first good build")
        assert fetch(port, MOUNT)[0] == 200


@pytest.mark.slow("serve")
def test_template_errors_are_shown_with_their_file_and_line(portfolio: Path) -> None:
    overrides = portfolio / "templates"
    overrides.mkdir()
    with serving(portfolio) as (_, port):
        (overrides / "home.html").write_text(
            '{% extends "!default/home.html" %}\n{% block content %}\n{{ 1 / 0 }}\n'
            "{% endblock %}\n",
            encoding="utf-8",
        )
        wait_for(lambda: "cmaltgen-errors" in fetch(port, MOUNT)[2], what="the template error")
        body = fetch(port, MOUNT)[2]
        assert "templates/home.html, line 3" in body and "division by zero" in body
        (overrides / "home.html").unlink()
        wait_for(lambda: "cmaltgen-errors" not in fetch(port, MOUNT)[2], what="recovery")


@pytest.mark.parametrize(
    "path",
    [
        "/../../../../etc/passwd",
        MOUNT + "../../secret.txt",
        MOUNT + "%2e%2e/%2e%2e/secret.txt",
        MOUNT + "%2E%2E%2F%2E%2E%2Fsecret.txt",
        MOUNT + "..%5c..%5csecret.txt",
        "//etc/passwd",
        MOUNT + "/etc/passwd",
        "/etc/passwd",
        MOUNT + "portfolio.yml",
        MOUNT + SECTION,
        MOUNT + "files/",
        MOUNT + "%ff%fe",
        MOUNT + "a%00b",
    ],
)
def test_paths_never_escape_the_build(shared: tuple[Path, Served, int], path: str) -> None:
    code, _, body = fetch(shared[2], path)
    assert code in (400, 403, 404), (path, code)
    assert "TOP SECRET" not in body and "root:" not in body
    assert "Index of" not in body


@pytest.mark.slow("serve")
def test_a_chosen_busy_port_fails_clearly(portfolio: Path) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        served = Served([str(portfolio), "--port", str(port)])
        code = served.proc.wait(timeout=20)
        time.sleep(0.1)  # let the reader threads finish
    assert code == 2
    assert f"port {port} is already in use" in served.text
    assert "Traceback" not in served.text


@pytest.mark.slow("serve")
def test_port_0_picks_a_free_port_without_calling_port_0_busy(portfolio: Path) -> None:
    with serving(portfolio) as (served, port):
        assert port != 0 and fetch(port, MOUNT)[0] == 200
        assert f" at http://127.0.0.1:{port}{MOUNT}  (Ctrl-C to stop)" in served.text
        assert "busy" not in served.text


@pytest.mark.slow("serve")
def test_the_default_port_moves_on_when_busy(portfolio: Path) -> None:
    with socket.socket() as holder:
        with contextlib.suppress(OSError):  # already busy is just as good
            holder.bind(("127.0.0.1", 8000))
            holder.listen()
        served = Served([str(portfolio)])
        try:
            port = served.wait_serving()
            assert port != 8000
            assert f"Port 8000 is busy, so using {port}" in "".join(served.out)
            assert fetch(port, MOUNT)[0] == 200
        finally:
            assert served.stop() == 0


def test_serve_help_shows_paired_flags_and_defaults() -> None:
    result = CliRunner().invoke(main, ["serve", "--help"])
    assert result.exit_code == 0
    for flag in ("--open / --no-open", "--poll / --no-poll", "--host", "--port", "--debug"):
        assert flag in result.output
    assert "127.0.0.1" in result.output and "8000" in result.output


# ---------------------------------------------------------------------------- in-process


@pytest.mark.slow("serve")
def test_an_atomic_save_and_a_burst_of_saves_rebuild_only_a_few_times(portfolio: Path) -> None:
    target = portfolio / SECTION
    original = target.read_text(encoding="utf-8")
    with in_process(portfolio) as server:
        port, before = server.port, settle(server)
        # An editor's atomic save: write a temp file beside it, then rename it into place.
        temp = target.with_name(".reflection.md.swp")
        temp.write_text(
            original.replace("## Reflection", "Atomic words.\n\n## Reflection"), encoding="utf-8"
        )
        temp.replace(target)  # os.replace: the rename editors use
        wait_for(lambda: "Atomic words." in fetch(port, MOUNT + "1a/")[2], what="atomic save")
        after_atomic = settle(server)
        assert 1 <= after_atomic - before <= 2
        # A pause between two writes longer than serve's shortest wait is a save of its own
        # (on a loaded machine this loop is descheduled now and then): one rebuild each, at most.
        stalls, last = 0, time.monotonic()
        for n in range(50):
            target.write_text(
                original.replace("## Reflection", f"Save {n}.\n\n## Reflection"), encoding="utf-8"
            )
            now = time.monotonic()
            stalls += now - last > SAVED_SECONDS
            last = now
        final = settle(server)
        assert 1 <= final - after_atomic <= 3 + stalls
        assert "Save 49." in fetch(port, MOUNT + "1a/")[2]


@pytest.mark.slow("serve")
def test_editor_temp_files_and_the_output_folder_are_ignored(portfolio: Path) -> None:
    with in_process(portfolio) as server:
        before = settle(server, quiet=0.3)
        folder = portfolio / "1a-constraints-and-benefits"
        for name in (
            ".reflection.md.swp",
            ".reflection.md.swo",
            "4913",
            "reflection.md~",
            "#reflection.md#",
            ".#reflection.md",
            "reflection.md___jb_tmp___",
            "reflection.md___jb_old___",
            "draft.tmp",
            ".~lock.report.docx#",
            "~$report.docx",  # Word, Excel and PowerPoint, while the file is open
        ):
            (folder / name).write_text("x", encoding="utf-8")
        for rel in ("_site/index.html", "_drafts/x.md", ".git/HEAD"):
            (portfolio / rel).parent.mkdir(parents=True, exist_ok=True)
            (portfolio / rel).write_text("x", encoding="utf-8")
        time.sleep(0.6)
        assert server.build_count == before


@pytest.mark.slow("serve")
@pytest.mark.parametrize("how", ["deleted", "moved away"])
def test_a_portfolio_folder_deleted_or_moved_then_put_back_is_watched_again(
    tmp_path: Path, how: str
) -> None:
    """A restored backup or a fresh clone in the same place: its saves still rebuild."""
    portfolio = copy_example(tmp_path)
    spare = copy_example(tmp_path / "spare")
    with in_process(portfolio) as server:
        port = server.port
        if how == "deleted":
            shutil.rmtree(portfolio)
        else:  # a move is no change inside the folder: the watcher reports nothing
            portfolio.rename(tmp_path / "old")
        gone = "is not there any more (deleted, moved or renamed)"
        # (a build during the deletion may first report the files that have gone)
        wait_for(lambda: gone in str(server.snapshot.problems), what="the folder reported gone")
        problems = server.snapshot.problems
        assert [d.code for d in problems] == ["build-failed"]
        assert "put it back" in (problems[0].hint or "")
        assert "cmaltgen-errors" in fetch(port, MOUNT + "1a/")[2]  # the last good site, still
        shutil.copytree(spare, portfolio)
        wait_for(lambda: status(port)["ok"] is True, what="the folder back")
        edit_reflection(portfolio, "Written after the restore.")
        wait_for(
            lambda: "Written after the restore." in fetch(port, MOUNT + "1a/")[2],
            what="a save in the restored folder",
        )


@pytest.mark.slow("serve")
def test_an_evidence_file_swapped_for_a_link_out_of_the_portfolio_is_not_served(
    tmp_path: Path,
) -> None:
    """The build refuses it (evidence-file-outside); the last good site must not serve the
    file the link leads to, while a link that stays inside the portfolio still works."""
    portfolio = copy_example(tmp_path)
    (tmp_path / "secret.txt").write_text("TOP SECRET", encoding="utf-8")
    evidence = portfolio / "specialist-accessibility" / "champions-testimonial.txt"
    url = MOUNT + "files/specialist-accessibility/champions-testimonial.txt"
    with in_process(portfolio) as server:
        port = server.port
        assert fetch(port, url)[0] == 200
        kept = portfolio / "specialist-accessibility" / "kept.txt"
        evidence.rename(kept)
        evidence.symlink_to(kept)  # inside the portfolio: the build accepts it
        wait_for(lambda: server.build_count >= 2 and status(port)["ok"] is True, what="link in")
        # published under its target's name, and served through the link
        assert fetch(port, url.replace("champions-testimonial", "kept"))[0] == 200
        evidence.unlink()
        kept.rename(evidence)
        wait_for(lambda: fetch(port, url)[0] == 200, what="the file back")
        evidence.unlink()
        evidence.symlink_to(tmp_path / "secret.txt")
        wait_for(lambda: "evidence-file-outside" in str(server.snapshot.problems), what="refusal")
        code, _, body = fetch(port, url)
        assert code == 404 and "TOP SECRET" not in body
        assert fetch(port, MOUNT + "assets/style.css")[0] == 200  # the rest is still served


@pytest.mark.slow("serve")
def test_a_new_server_reports_its_url_and_stops_cleanly(portfolio: Path) -> None:
    with in_process(portfolio) as server:
        assert server.url == f"http://127.0.0.1:{server.port}{MOUNT}"
        assert server.build_count == 1 and server.snapshot.problems == ()
    assert not any(t.name.startswith("cmaltgen-") and t.is_alive() for t in threading.enumerate())


@pytest.mark.slow("serve")
def test_an_unchosen_busy_port_moves_to_the_next(portfolio: Path) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        busy = holder.getsockname()[1]
        server = PreviewServer(portfolio, port=busy, port_fixed=False)
        server.start()
        try:
            assert server.port > busy and fetch(server.port, MOUNT)[0] == 200
        finally:
            server.stop()


# ---------------------------------------------------------------------------- the browser


def test_the_browser_reloads_after_a_save(portfolio: Path, browser: Browser) -> None:
    with serving(portfolio) as (_, port):
        page = browser.new_page()
        try:
            page.route("**/*", loopback_only)
            page.goto(f"http://127.0.0.1:{port}{MOUNT}1a/")
            page.wait_for_function("() => document.readyState === 'complete'")
            time.sleep(0.3)  # the event stream connects after load
            edit_reflection(portfolio, "Words that appear without navigating.")
            page.get_by_text("Words that appear without navigating.").wait_for(timeout=10_000)
            (portfolio / "portfolio.yml").write_text(BROKEN_YAML, encoding="utf-8")
            page.locator("#cmaltgen-errors").wait_for(timeout=10_000)
            assert "portfolio.yml, line" in page.locator("#cmaltgen-errors").inner_text()
            # A keyboard reaches the panel (so it can scroll a long list), with a visible focus.
            page.evaluate("() => document.activeElement && document.activeElement.blur()")
            page.keyboard.press("Shift+Tab")
            focused = page.evaluate(
                """() => { const e = document.activeElement, s = getComputedStyle(e);
                return [e.id, s.outlineStyle, parseFloat(s.outlineWidth)]; }"""
            )
            assert focused[0] == "cmaltgen-errors", focused
            assert focused[1] != "none" and focused[2] > 0, focused
        finally:
            page.close()


def test_the_error_page_and_progress_page_pass_axe_and_fit_a_phone(
    tmp_path: Path, browser: Browser
) -> None:
    """With no good build yet, the error page had <main role="alert"> (not allowed, and no main
    landmark left: axe failed it) and no viewport; the progress page's table made the whole
    page scroll sideways at 390 px. Now both pass axe in both schemes and fit a phone, the
    table scrolling in a region a keyboard reaches with a visible focus."""
    root = copy_example(tmp_path)
    (root / "portfolio.yml").write_text(BROKEN_YAML, encoding="utf-8")
    with in_process(root) as server:
        base = f"http://127.0.0.1:{server.port}"
        for scheme in ("light", "dark"):
            page = browser.new_page(viewport={"width": 390, "height": 800}, color_scheme=scheme)
            page.route("**/*", loopback_only)
            try:
                for path in ("/", "/__cmaltgen/progress"):
                    page.goto(base + path)
                    where = f"{path} ({scheme})"
                    assert "portfolio.yml, line 3" in page.locator("main").inner_text(), where
                    violations = run_axe(page)
                    assert violations == [], f"{where}:\n{describe(violations)}"
                    assert page.evaluate("document.documentElement.scrollWidth") <= 390, where
                    viewport = page.locator('meta[name="viewport"]')
                    assert (
                        viewport.get_attribute("content") == "width=device-width, initial-scale=1"
                    )
                page.keyboard.press("Tab")  # "Back to the preview"
                page.keyboard.press("Tab")
                focused = page.evaluate(
                    """() => { const e = document.activeElement, s = getComputedStyle(e);
                    return [e.getAttribute('role'), e.querySelector('table') !== null,
                            s.outlineStyle, e.scrollWidth > e.clientWidth]; }"""
                )
                assert focused[:2] == ["region", True] and focused[2] != "none", focused
                assert focused[3], "the table is wider than a phone: its region scrolls"
            finally:
                page.close()


@pytest.mark.slow("serve")
def test_drafts_show_in_the_preview_with_a_banner(tmp_path: Path) -> None:
    root = copy_example(tmp_path)
    reflection = next(root.glob("1b-*/reflection.md"))
    text = reflection.read_text(encoding="utf-8")
    reflection.write_text(text.replace("---\n", "---\ndraft: true\n", 1), encoding="utf-8")
    server = PreviewServer(root, port=0)
    server.start()
    try:
        status, _, body = fetch(server.port, MOUNT + "1b/")
        assert status == 200 and 'class="draft-banner"' in body and "draft: true" in body
    finally:
        server.stop()
    built = build(root, tmp_path / "out")
    assert built.written and not (tmp_path / "out" / "1b").exists()


@pytest.mark.slow("serve")
def test_the_progress_page_lists_each_problem_where_it_is(tmp_path: Path) -> None:
    """It counted '1 error' and showed an empty table when portfolio.yml could not be read."""
    root = copy_example(tmp_path)
    (root / "portfolio.yml").write_text(BROKEN_YAML, encoding="utf-8")
    with in_process(root) as server:
        status, _, body = fetch(server.port, "/__cmaltgen/progress")
    assert status == 200 and "1 error" in body
    problems = body.split('id="problems"', 1)[1]
    assert "<code>portfolio.yml, line 3, column 12</code>" in problems
    assert "yaml-syntax" in problems and "hint:" in problems


@pytest.mark.slow("serve")
def test_progress_report_is_a_preview_page_never_built(tmp_path: Path) -> None:
    root = copy_example(tmp_path)
    next(root.glob("3b-*/reflection.md")).unlink()
    with in_process(root) as server:
        status, headers, body = fetch(server.port, "/__cmaltgen/progress")
        assert status == 200 and headers["content-type"].startswith("text/html")
        assert "<caption" in body and "3b" in body and "missing" in body.lower()
        assert server.progress_url.endswith("/__cmaltgen/progress")
    built = build(root, tmp_path / "out")
    assert not any("progress" in p.as_posix() for p in (tmp_path / "out").rglob("*"))
    assert not built.ok  # 3b is missing: the report said so, and build refuses too


# ---------------------------------------------------------------------------- the Host check

FORGED = [
    "evil.example",  # DNS rebinding: the attacker's own name, pointed at 127.0.0.1
    "evil.example:{port}",
    "127.0.0.1.evil.example:{port}",
    "localhost.evil.example:{port}",
    "sub.localhost:{port}",
    "localhost:1",  # a loopback name, but not this server's port
    "[::1]:1",
    "10.0.0.7:{port}",  # not the address the server listens on
    "evil.example@127.0.0.1:{port}",
    "",
    "localhost:{port}/path",
]
ENDPOINTS = [
    "/",
    MOUNT,
    MOUNT + "1a-constraints-and-benefits/",
    MOUNT + "files/1b-technical-knowledge/template-layout-diagram.png",
    MOUNT + "assets/style.css",
    MOUNT + "no/such/page/",
    "/__cmaltgen/status",
    "/__cmaltgen/progress",
    "/__cmaltgen/events?v=stale",  # the live-reload stream would answer at once, or wait
]


def ask(
    port: int, path: str, hosts: list[str] | None, method: str = "GET"
) -> tuple[int, dict[str, str], str]:
    """One request with exactly these Host headers (none for None), as a forged page would."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        for host in hosts or []:
            conn.putheader("Host", host)
        conn.endheaders()
        response = conn.getresponse()
        body = response.read().decode("utf-8", "replace")
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body
    finally:
        conn.close()


def _refused(code: int, headers: dict[str, str], body: str) -> bool:
    return (
        code == 403
        and headers["content-type"] == "text/plain; charset=utf-8"
        and body.startswith("403 Forbidden: ")
        and "--allow-host NAME" in body
        and "__cmaltgen" not in body
        and "Rowan" not in body  # nothing of the portfolio
    )


@pytest.mark.parametrize("forged", FORGED)
def test_requests_for_other_host_names_are_refused_everywhere(
    shared: tuple[Path, Served, int], forged: str
) -> None:
    port = shared[2]
    host = forged.format(port=port)
    for path in ENDPOINTS:
        code, headers, body = ask(port, path, [host])
        assert _refused(code, headers, body), (host, path, code, body)
    code, headers, body = ask(port, MOUNT, [host], "HEAD")
    assert code == 403 and body == "" and headers["content-length"] != "0"


def test_the_refusal_says_why_and_what_is_answered(shared: tuple[Path, Served, int]) -> None:
    _, served, port = shared
    body = ask(port, MOUNT, [f"attacker.example:{port}"])[2]
    assert body.startswith(
        f"403 Forbidden: this preview does not answer requests for 'attacker.example:{port}'."
    )
    assert f"It answers: localhost, 127.0.0.1, [::1] (port {port})." in body
    wait_for(lambda: "attacker.example" in "".join(served.err), what="the terminal")
    assert "refused a request for host" in "".join(served.err)


def test_missing_and_repeated_host_headers_are_refused(shared: tuple[Path, Served, int]) -> None:
    port = shared[2]
    code, headers, body = ask(port, MOUNT, None)
    assert _refused(code, headers, body) and "has no Host header" in body
    code, headers, body = ask(port, MOUNT, [f"localhost:{port}", "evil.example"])
    assert _refused(code, headers, body) and "more than one Host header" in body
    # HTTP/1.0 over a raw socket, as old scripts send it: no Host header at all. The server
    # answers in HTTP/1.1 and, the request being 1.0, closes the connection (the loop ends).
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(f"GET {MOUNT} HTTP/1.0\r\n\r\n".encode())
        reply = b""
        while chunk := sock.recv(65536):
            reply += chunk
    assert reply.startswith(b"HTTP/1.1 403 ") and b"no Host header" in reply


@pytest.mark.parametrize(
    "allowed",
    [
        "localhost:{port}",
        "localhost",
        "LocalHost:{port}",
        "localhost.:{port}",
        "127.0.0.1:{port}",
        "127.0.0.1",
        "[::1]:{port}",
        "[::1]",
        "[0:0::1]:{port}",
    ],
)
def test_this_computers_names_are_answered(shared: tuple[Path, Served, int], allowed: str) -> None:
    port = shared[2]
    host = allowed.format(port=port)
    code, _, body = ask(port, MOUNT, [host])
    assert code == 200 and "/__cmaltgen/events" in body, (host, code)
    assert ask(port, "/__cmaltgen/status", [host])[0] == 200


def test_the_reload_stream_answers_an_allowed_host(shared: tuple[Path, Served, int]) -> None:
    port = shared[2]
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.putrequest("GET", "/__cmaltgen/events?v=stale", skip_host=True)
        conn.putheader("Host", f"localhost:{port}")
        conn.endheaders()
        response = conn.getresponse()
        assert response.status == 200
        assert response.getheader("content-type") == "text/event-stream"
        assert b"event: reload" in response.read1(4096) + response.read1(4096)
    finally:
        conn.close()


@pytest.mark.slow("serve")
def test_allow_host_names_are_answered_and_others_still_refused(portfolio: Path) -> None:
    served = Served(
        [
            str(portfolio),
            "--port",
            "0",
            "--allow-host",
            "mylaptop.local",
            "--allow-host",
            "tunnel.example:9443",
            "--allow-host",
            ".preview.test",
        ]
    )
    try:
        port = served.wait_serving()
        for host in (
            "mylaptop.local",
            f"mylaptop.local:{port}",
            "mylaptop.local:8443",  # a name the user allowed: any port (forwarded ones too)
            "tunnel.example:9443",  # the port its rule names, not the one served
            "preview.test",
            "rowan.preview.test:443",
            f"localhost:{port}",
        ):
            assert ask(port, MOUNT, [host])[0] == 200, host
        refused = ("evil.example", f"tunnel.example:{port}", "preview.test.evil", "xpreview.test")
        for host in refused:
            assert _refused(*ask(port, MOUNT, [host])), host
    finally:
        assert served.stop() == 0, served.text


@pytest.mark.slow("serve")
def test_the_error_page_of_a_failing_first_build_is_refused_too(portfolio: Path) -> None:
    (portfolio / "portfolio.yml").write_text(BROKEN_YAML, encoding="utf-8")
    with in_process(portfolio) as server:
        assert ask(server.port, MOUNT, [f"127.0.0.1:{server.port}"])[0] == 500
        code, headers, body = ask(server.port, MOUNT, [f"evil.example:{server.port}"])
        assert _refused(code, headers, body) and "portfolio.yml" not in body


def test_allow_host_defaults_to_none_and_rejects_what_is_not_a_host() -> None:
    command = main.commands["serve"]
    context = command.make_context("serve", [])
    assert context.params["allow_hosts"] == ()
    context = command.make_context("serve", ["--allow-host", "A.Lan.", "--allow-host", "b:9"])
    assert context.params["allow_hosts"] == ("a.lan", "b:9")
    for bad in ("http://mylaptop.local/", "my laptop", "host:99999", ""):
        result = CliRunner().invoke(main, ["serve", "--allow-host", bad])
        assert result.exit_code == 2, bad
        assert "Invalid value for '--allow-host'" in result.output, result.output
    help_text = CliRunner().invoke(main, ["serve", "--help"]).output
    assert "--allow-host NAME" in help_text


@pytest.mark.slow("serve")
def test_an_image_that_cannot_be_cleaned_is_shown_as_an_error_never_served(
    portfolio: Path,
) -> None:
    image = portfolio / "1b-technical-knowledge/template-layout-diagram.png"
    url = MOUNT + "files/1b-technical-knowledge/template-layout-diagram.png"
    with serving(portfolio) as (_, port):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("GET", url)
        before = conn.getresponse().read()
        conn.close()
        broken = image.read_bytes()[:300] + b"Zqsecret trailing bytes"
        image.write_bytes(broken)
        wait_for(lambda: status(port)["ok"] is False, what="the failed build")
        page = fetch(port, MOUNT + "1b-technical-knowledge/")[2]
        assert "image-not-cleaned" in page and "template-layout-diagram.png" in page
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("GET", url)
        served = conn.getresponse().read()
        conn.close()
        assert served == before and b"Zqsecret" not in served  # the last good copy
