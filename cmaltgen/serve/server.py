"""Serve: a local preview that rebuilds on save and reloads the browser.

One watchdog observer watches the portfolio and the themes; its callbacks only set an event.
One build thread waits for the saves to settle, runs ``build(write=False)`` and swaps a single
:class:`Snapshot` reference, so every request sees one complete build. Pages are served from
memory, evidence and theme files are streamed from their sources (nothing is copied), and the
live-reload script and error overlay are added to served HTML only, never to built files.
Requests naming a host other than this computer are refused (see :mod:`cmaltgen.serve.hosts`).

A failed build never stops the server: the last good site stays up with an overlay listing the
problems (or an error page when there has been no good build yet) until the next save.
"""

from __future__ import annotations

import contextlib
import errno
import html
import ipaddress
import json
import logging
import mimetypes
import os
import posixpath
import secrets
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Protocol, cast
from urllib.parse import parse_qs, quote, unquote, urlsplit

from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

from cmaltgen.build import BuildResult, build
from cmaltgen.diagnostics import CmaltgenError, Diagnostic, Diagnostics
from cmaltgen.read.documents import ParseCache
from cmaltgen.read.sources import open_regular
from cmaltgen.serve import hosts
from cmaltgen.site.output import Output
from cmaltgen.site.pages import HOME, NOT_FOUND
from cmaltgen.site.theme import themes_root
from cmaltgen.wording import join_and, plural

log = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
PORT_TRIES = 20  # how far to look for a free port when the user did not choose one
QUIET_SECONDS = 0.1  # editors save in bursts (temp file, rename, chmod) within ~100 ms
MAX_SETTLE_SECONDS = 2.0  # build anyway if something keeps writing
KEEPALIVE_SECONDS = 15.0  # lets the event stream notice a closed tab
RESERVED = "/__cmaltgen/"  # the server's own endpoints, outside any site path
EVENTS_PATH = RESERVED + "events"
STATUS_PATH = RESERVED + "status"
PROGRESS_PATH = RESERVED + "progress"  # cmaltgen check's report, in the preview only

# Watchdog also reports opens and reads (including the build's own); only changes matter.
WATCHED_EVENTS = (
    FileCreatedEvent,
    FileModifiedEvent,
    FileDeletedEvent,
    FileMovedEvent,
    FileClosedEvent,
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
)

_TEMP_SUFFIXES = (".swp", ".swo", ".swx", ".tmp", ".crswap", "~", "___jb_tmp___", "___jb_old___")


# ---------------------------------------------------------------------------- watching


def is_ignored(path: Path, base: Path, is_directory: bool = False) -> bool:
    """True for editor temp/swap files, hidden files and ``_``-folders such as ``_site``."""
    try:
        parts = path.relative_to(base).parts
    except ValueError:
        return True  # not below a watched folder
    if not parts:
        return False
    folders = parts if is_directory else parts[:-1]
    if any(p.startswith((".", "_")) or p == "node_modules" for p in folders):
        return True  # output folders, .git, __pycache__: the build never reads them
    name = parts[-1]
    return (
        name.startswith(".")  # vim .x.swp, Emacs .#x, LibreOffice .~lock.x#
        or name.endswith(_TEMP_SUFFIXES)
        or (name.startswith("#") and name.endswith("#"))  # Emacs auto-save
        or name == "4913"  # vim's probe that it can write to the folder
    )


class _ChangeHandler(FileSystemEventHandler):
    def __init__(self, base: Path, on_change: Callable[[Path], None]) -> None:
        self.base, self.on_change = base, on_change

    def on_any_event(self, event: FileSystemEvent) -> None:
        if not isinstance(event, WATCHED_EVENTS):
            return  # opened / closed_no_write: someone (often the build) only read a file
        for raw in (event.src_path, event.dest_path):
            path = Path(_text(raw)) if raw else None
            # Atomic saves arrive as "temp file moved to reflection.md": check both ends.
            if path is not None and not is_ignored(path, self.base, event.is_directory):
                self.on_change(path)
                return


def _text(raw: str | bytes) -> str:
    return raw.decode() if isinstance(raw, bytes) else raw


class Watcher:
    """Watch folders recursively; call ``on_change(path)`` for changes that matter.

    Folders are watched (not files) so delete-and-rename saves are seen. ``on_change`` runs on
    the observer's thread and should only record the change.
    """

    def __init__(
        self, folders: Sequence[Path], on_change: Callable[[Path], None], *, poll: bool = False
    ) -> None:
        # Polling is for network and container mounts where inotify sees nothing.
        self.observer: BaseObserver = PollingObserver(timeout=0.5) if poll else Observer()
        for folder in folders:
            handler = _ChangeHandler(folder.resolve(), on_change)
            self.observer.schedule(
                handler, str(folder), recursive=True, event_filter=list(WATCHED_EVENTS)
            )
        self.folders = list(folders)

    def start(self) -> None:
        self.observer.start()

    def stop(self) -> None:
        self.observer.stop()
        self.observer.join(timeout=5)


# ---------------------------------------------------------------------------- state


class Built(Protocol):
    """What serve needs of a build: a portfolio's BuildResult, or a cohort hub's."""

    @property
    def ok(self) -> bool: ...
    @property
    def rendered(self) -> Output | None: ...
    @property
    def diagnostics(self) -> Diagnostics: ...
    @property
    def base_url(self) -> str: ...


@dataclass(frozen=True)
class BuildReport:
    """What one (re)build did, for the CLI's status lines."""

    number: int
    ok: bool
    diagnostics: tuple[Diagnostic, ...]
    seconds: float
    changed: Path | None = None  # the first change that triggered it
    result: Built | None = None  # None when the build raised


@dataclass(frozen=True)
class Snapshot:
    """Everything a request needs; replaced whole after each build, never mutated."""

    version: str
    site: Output | None = None  # the last good build
    mount: str = "/"  # the path of site.base_url, where the site is served
    base_url: str = ""
    problems: tuple[Diagnostic, ...] = ()  # set while the latest build is failing
    builds: int = 0


@dataclass
class Response:
    status: int
    content_type: str = "text/html; charset=utf-8"
    body: bytes = b""
    file: Path | None = None  # streamed from the source instead of ``body``
    headers: dict[str, str] = field(default_factory=dict)


# ---------------------------------------------------------------------------- the server


class PreviewServer:
    """Build, watch and serve a portfolio. ``start()`` returns once the server is listening."""

    def __init__(
        self,
        root: Path,
        *,
        host: str = DEFAULT_HOST,
        port: int = DEFAULT_PORT,
        port_fixed: bool = False,
        poll: bool = False,
        on_build: Callable[[BuildReport], None] | None = None,
        quiet: float = QUIET_SECONDS,
        allow_hosts: Sequence[str] = (),
        builder: Callable[[Path], Built] | None = None,
    ) -> None:
        self.root = root.resolve()
        # What to build: the portfolio by default; `cmaltgen serve` passes the hub's build
        # for a cohort folder. It runs on the build thread only.
        self.builder = builder or self._build_portfolio
        self.host, self.requested_port, self.port_fixed = host, port, port_fixed
        self.allow_hosts = hosts.rules(allow_hosts)  # ValueError for a value that is no host
        self.host_check = hosts.HostCheck(host, port, self.allow_hosts)
        self._refused: set[str] = set()  # Host names already reported, to log each once
        self.poll, self.on_build, self.quiet = poll, on_build, quiet
        self._token = secrets.token_hex(4)  # a new server makes open pages reload
        self._state = Snapshot(version=f"{self._token}.0")
        self._changed = threading.Event()
        self._last_change: Path | None = None
        self._stopping = threading.Event()
        self._new_state = threading.Condition()
        self._httpd: _HTTPServer | None = None
        self._watcher: Watcher | None = None
        self._threads: list[threading.Thread] = []
        # Kept from build to build; only the build thread uses them (and start, before it).
        self.parse_cache = ParseCache()

    # -- lifecycle

    def start(self) -> None:
        """Bind the port, watch, build once (even a failing build), then serve in the background."""
        if not self.root.is_dir():
            raise CmaltgenError(f"there is no folder {self.root}")
        self._httpd = bind(self.host, self.requested_port, self.port_fixed)
        self._httpd.preview = self
        self.host_check = hosts.HostCheck(self.host, self.port, self.allow_hosts)
        started = False
        try:
            # Watch before the first build so a save made during it is not lost.
            self._watcher = self._watch()
            self._rebuild(None)
            started = True
        finally:
            if not started:
                self.stop()
        self._spawn(self._httpd.serve_forever, "cmaltgen-http")
        self._spawn(self._build_loop, "cmaltgen-build")

    def _watch(self) -> Watcher:
        folders = [self.root, themes_root()]
        watcher = Watcher(folders, self._note_change, poll=self.poll)
        try:
            watcher.start()
        except OSError as exc:  # typically the inotify watch limit on a big tree
            log.warning("watching for changes failed (%s); polling instead", exc)
            watcher = Watcher(folders, self._note_change, poll=True)
            watcher.start()
        return watcher

    def stop(self) -> None:
        """Stop watching, building and serving; open event streams are released."""
        self._stopping.set()
        self._changed.set()
        with self._new_state:
            self._new_state.notify_all()
        if self._watcher is not None:
            self._watcher.stop()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        for thread in self._threads:
            thread.join(timeout=5)

    def wait(self, timeout: float | None = None) -> bool:
        """Block until stopped; short waits so Ctrl-C reaches the main thread promptly."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self._stopping.wait(0.25):
            if deadline is not None and time.monotonic() >= deadline:
                return False
        return True

    def _spawn(self, target: Callable[[], None], name: str) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    # -- what callers can see

    @property
    def port(self) -> int:
        return self._httpd.server_address[1] if self._httpd else self.requested_port

    @property
    def url(self) -> str:
        """The address to open: the site's own path under the local host and port."""
        return f"http://{browser_host(self.host)}:{self.port}{self._state.mount}"

    @property
    def progress_url(self) -> str:
        """Where the preview shows cmaltgen check's report."""
        return f"http://{browser_host(self.host)}:{self.port}{PROGRESS_PATH}"

    @property
    def build_count(self) -> int:
        return self._state.builds

    @property
    def snapshot(self) -> Snapshot:
        return self._state

    # -- watching and building

    def _note_change(self, path: Path) -> None:
        # Runs on the observer thread: record and signal only; the build thread does the work.
        log.debug("change: %s", path)
        self._last_change = path
        self._changed.set()

    def _build_loop(self) -> None:
        while not self._stopping.is_set():
            self._changed.wait()
            if self._stopping.is_set():
                return
            changed = self._settle()
            if self._stopping.is_set():
                return
            try:
                self._rebuild(changed)
            except Exception:  # e.g. the status callback could not print; keep serving
                log.exception("rebuilding after a change failed")

    def _settle(self) -> Path | None:
        """Wait until no change has arrived for ``quiet`` seconds (bounded), then report one."""
        started = time.monotonic()
        while True:
            self._changed.clear()
            if not self._changed.wait(self.quiet):
                break
            if time.monotonic() - started > MAX_SETTLE_SECONDS:
                self._changed.clear()
                break
        return self._last_change

    def _rebuild(self, changed: Path | None) -> None:
        started = time.perf_counter()
        result, problems = self._run_build()
        old = self._state
        number = old.builds + 1
        version = f"{self._token}.{number}"
        if result is not None and result.ok and result.rendered is not None:
            base_url = result.base_url
            state = Snapshot(version, result.rendered, mount_path(base_url), base_url, (), number)
        else:
            state = Snapshot(version, old.site, old.mount, old.base_url, problems, number)
        self._publish(state)
        report = BuildReport(
            number, not problems, problems, time.perf_counter() - started, changed, result
        )
        if self.on_build is not None:
            self.on_build(report)

    def _build_portfolio(self, root: Path) -> BuildResult:
        # Drafts show, with a banner; files unchanged since the last build are not parsed.
        return build(root, write=False, drafts=True, cache=self.parse_cache, preview=True)

    def _run_build(self) -> tuple[Built | None, tuple[Diagnostic, ...]]:
        """Build into memory; every failure, even a crash, becomes diagnostics to show."""
        try:
            result = self.builder(self.root)
        except CmaltgenError as exc:
            return None, tuple(exc.diagnostics) or (Diagnostic("build-failed", str(exc)),)
        except Exception as exc:  # a bug must not take the preview down with it
            log.debug("the build crashed", exc_info=True)
            return None, (
                Diagnostic(
                    "internal-error",
                    f"{type(exc).__name__}: {exc}",
                    hint="run with --debug and report what it shows",
                ),
            )
        if result.ok:
            return result, ()
        return result, tuple(result.diagnostics.sorted())

    def _publish(self, state: Snapshot) -> None:
        # One reference assignment: a request holds either the old build or the new one.
        self._state = state
        with self._new_state:
            self._new_state.notify_all()

    def wait_for_version(self, seen: str, timeout: float) -> str | None:
        """The current version once it differs from ``seen``; None on timeout or stop."""
        with self._new_state:
            self._new_state.wait_for(
                lambda: self._stopping.is_set() or self._state.version != seen, timeout
            )
        if self._stopping.is_set() or self._state.version == seen:
            return None
        return self._state.version

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    # -- answering requests

    def refuse(self, host_headers: Sequence[str] | None) -> Response | None:
        """A 403 for a request naming a host this preview does not answer (DNS rebinding)."""
        reason = self.host_check.refusal(host_headers)
        if reason is None:
            return None
        shown = (host_headers or ["(none)"])[0][:100]
        if shown not in self._refused and len(self._refused) < 20:
            self._refused.add(shown)  # a set add is atomic; a rare repeat does no harm
            log.warning("refused a request for host %r: %s (see --allow-host)", shown, reason)
        return Response(403, "text/plain; charset=utf-8", self.host_check.message(reason))

    def respond(self, raw_path: str) -> Response:
        """The response for a request path (no I/O apart from checking a file exists)."""
        state = self._state
        path = raw_path.split("?", 1)[0].split("#", 1)[0]
        if path == STATUS_PATH:
            return _status(state)
        if path == PROGRESS_PATH:
            return Response(200, "text/html; charset=utf-8", progress_page(self.root, state))
        if state.site is None:
            return Response(500, body=error_page(state, self.root))
        if path in ("/", state.mount.rstrip("/")) and state.mount != "/":
            return _redirect(state.mount)  # "/repo" too: relative links need the slash
        rel = site_path(path, state.mount)
        if rel is None:
            return self._not_found(state)
        return self._lookup(state, rel)

    def _lookup(self, state: Snapshot, rel: str) -> Response:
        site = cast(Output, state.site)
        key = rel + HOME if rel == "" or rel.endswith("/") else rel
        if key in site.pages:
            return self._page(state, site.pages[key], key, HTTPStatus.OK)
        source = site.files.get(key)
        if source is not None and source.is_file():
            return Response(200, content_type=content_type(key), file=source)
        if f"{key}/{HOME}" in site.pages:  # a folder named without its slash
            return _redirect(state.mount + quote(key) + "/")
        return self._not_found(state)

    def _not_found(self, state: Snapshot) -> Response:
        site = state.site
        if site is None or NOT_FOUND not in site.pages:
            return Response(404, "text/plain; charset=utf-8", b"404 Not Found\n")
        page = site.pages[NOT_FOUND]
        if state.base_url:
            # The 404 page is served at any depth, so its links and stylesheet name the live
            # site in full; point them at the preview instead so they keep working here.
            live = html.escape(_with_slash(state.base_url)).encode()
            page = page.replace(b'="' + live, b'="' + state.mount.encode())
        return self._page(state, page, NOT_FOUND, HTTPStatus.NOT_FOUND)

    def _page(self, state: Snapshot, data: bytes, key: str, status: int) -> Response:
        kind = content_type(key)
        if kind.startswith("text/html"):
            data = inject(data, overlay(state, self.root) + reload_script(state.version))
        return Response(status, kind, data)


def _status(state: Snapshot) -> Response:
    """Machine-readable state, for tests and tools."""
    body = {
        "version": state.version,
        "builds": state.builds,
        "ok": not state.problems,
        "has_site": state.site is not None,
        "mount": state.mount,
    }
    return Response(200, "application/json", json.dumps(body).encode())


def _redirect(location: str) -> Response:
    return Response(302, "text/plain; charset=utf-8", b"", headers={"Location": location})


def _with_slash(url: str) -> str:
    return url if url.endswith("/") else url + "/"


# ---------------------------------------------------------------------------- paths


def mount_path(base_url: str) -> str:
    """``https://user.github.io/repo/`` -> ``/repo/``: where the site lives on its host."""
    path = urlsplit(base_url).path if base_url else ""
    parts = [p for p in path.split("/") if p]
    return "/" + "".join(quote(p) + "/" for p in parts)


def site_path(url_path: str, mount: str) -> str | None:
    """The build's output path for a URL path, or None if it is not a safe path in the site.

    Percent-decoding happens before the checks, so ``%2e%2e`` and ``%2f`` cannot sneak a
    ``..`` through; only exact keys of the build are ever served, so nothing else is reachable.
    """
    if not url_path.startswith(mount):
        return None
    try:
        rel = unquote(url_path[len(mount) :], errors="strict")
    except UnicodeDecodeError:
        return None
    if "\\" in rel or "\0" in rel:
        return None
    segments = rel.split("/")
    inner = segments[:-1]  # a trailing "" means a folder
    if any(s in ("", ".", "..") for s in inner) or segments[-1] in (".", ".."):
        return None
    return posixpath.join(*segments) if segments != [""] else ""


def content_type(path: str) -> str:
    guessed = mimetypes.guess_type(path)[0] or "application/octet-stream"
    if guessed.startswith("text/") or guessed in ("application/javascript", "image/svg+xml"):
        return guessed + "; charset=utf-8"
    return guessed


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def browser_host(host: str) -> str:
    """A host a browser can open: a wildcard address means this machine."""
    if host in ("", "0.0.0.0"):
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    return f"[{host}]" if ":" in host else host


# ---------------------------------------------------------------------------- injected HTML


def inject(page: bytes, snippet: str) -> bytes:
    """Insert ``snippet`` before the last ``</body>`` (or at the end)."""
    at = page.lower().rfind(b"</body>")
    data = snippet.encode("utf-8")
    return page + data if at < 0 else page[:at] + data + page[at:]


def reload_script(version: str) -> str:
    # The page names the build it came from; the server answers at once if that is stale.
    return (
        "<script>/* cmaltgen serve: live reload (preview only, not in built files) */\n"
        f"(function(){{var es=new EventSource({json.dumps(EVENTS_PATH + '?v=' + version)});"
        'es.addEventListener("reload",function(){es.close();location.reload();});})();'
        "</script>\n"
    )


_OVERLAY_STYLE = (
    "position:fixed;inset:auto 0 0 0;max-height:70vh;overflow:auto;z-index:2147483647;"
    "margin:0;padding:1rem 1.5rem;background:#fff5f5;color:#1a1a1a;border-top:4px solid #b00020;"
    "font:16px/1.5 system-ui,sans-serif;box-shadow:0 -4px 16px rgba(0,0,0,.25)"
)


def overlay(state: Snapshot, root: Path) -> str:
    """A panel over the last good page listing why the latest build failed ('' when fine)."""
    if not state.problems:
        return ""
    return (
        f'<section id="cmaltgen-errors" role="alert" style="{_OVERLAY_STYLE}">'
        f'<h2 style="margin-top:0">{_summary(state.problems)}</h2>'
        "<p>This is the last good build. Fix the files below and save; the page will reload."
        f"</p>{problem_list(state.problems, root)}</section>\n"
    )


def error_page(state: Snapshot, root: Path) -> bytes:
    """The whole page when there is no good build to show yet."""
    page = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        "<title>Build failed | cmaltgen</title></head>"
        '<body style="font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;'
        'padding:0 1rem"><main id="cmaltgen-errors" role="alert">'
        f"<h1>{_summary(state.problems)}</h1>"
        "<p>There is no good build to show yet. Fix the files below and save; "
        f"this page will reload.</p>{problem_list(state.problems, root)}</main>"
        f"{reload_script(state.version)}</body></html>\n"
    )
    return page.encode("utf-8")


def progress_page(root: Path, state: Snapshot) -> bytes:
    """``cmaltgen check``'s report as a page; it reloads with the site after each save."""
    from cmaltgen.rules import (
        readiness as check,  # only when asked for: the preview itself does not need it
    )

    try:
        body = _cohort_report(root) if (root / "cohort.yml").is_file() else None
        if body is None:
            report = check.check(root)
            body = check.report_html(report) + check.feedback_html(report)
    except Exception as exc:  # a broken portfolio.yml: the overlay explains; say so briefly
        body = f"<p>The progress report is not available: {html.escape(str(exc))}</p>"
    page = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>Progress | cmaltgen preview</title></head>"
        '<body style="font:16px/1.5 system-ui,sans-serif;max-width:72rem;margin:2rem auto;'
        'padding:0 1rem"><main><h1>Progress</h1>'
        f'<p><a href="{html.escape(state.mount)}">Back to the preview</a>. This page is part '
        "of the preview only; it is never published.</p>"
        f"{body}</main>{reload_script(state.version)}</body></html>\n"
    )
    return page.encode("utf-8")


def _cohort_report(root: Path) -> str:
    """For a cohort hub: ``cmaltgen cohort check``'s table (every member, unlisted too)."""
    from cmaltgen.cohort import report

    lines = report.lines(report.check(root, offline=True))
    return f"<pre>{html.escape(chr(10).join(lines))}</pre>"


def _summary(problems: Sequence[Diagnostic]) -> str:
    errors = sum(1 for d in problems if d.is_error)
    warnings = len(problems) - errors
    parts = [plural(errors, "error")] + ([plural(warnings, "warning")] if warnings else [])
    return "The portfolio did not build: " + join_and(parts)


def problem_list(problems: Iterable[Diagnostic], root: Path) -> str:
    items = "".join(_problem_item(d, root) for d in problems)
    return f'<ol style="padding-left:1.5rem">{items}</ol>'


def _problem_item(diag: Diagnostic, root: Path) -> str:
    where = html.escape(where_in(diag, root))
    key = f" [{html.escape(diag.key)}]" if diag.key else ""
    hint = f"<br><small>hint: {html.escape(diag.hint)}</small>" if diag.hint else ""
    return (
        f'<li style="margin:.5rem 0"><code>{where}</code>: <strong>{diag.severity.value}</strong> '
        f"{html.escape(diag.code)}{key}: {html.escape(diag.message)}{hint}</li>"
    )


def where_in(diag: Diagnostic, root: Path) -> str:
    """``section/reflection.md, line 4, column 2``: relative to the portfolio when inside it."""
    if diag.path is None:
        return "cmaltgen"
    try:
        shown = diag.path.resolve().relative_to(root).as_posix() or "."
    except ValueError:
        shown = diag.path.as_posix()
    if diag.line is None:
        return shown
    return f"{shown}, line {diag.line}" + (f", column {diag.col}" if diag.col else "")


# ---------------------------------------------------------------------------- HTTP


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True  # open event streams must not keep the process alive
    preview: PreviewServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        # socketserver prints tracebacks to stderr; library code logs instead.
        log.debug("request from %s failed", client_address, exc_info=True)


class _HTTPServer6(_HTTPServer):
    address_family = socket.AF_INET6


def bind(host: str, port: int, fixed: bool) -> _HTTPServer:
    """Listen on ``port``, or (unless ``fixed``) the next free one; clear errors otherwise."""
    server_class = _HTTPServer6 if ":" in host else _HTTPServer
    last = port + (0 if fixed else PORT_TRIES - 1)
    for candidate in range(port, min(last, 65535) + 1):
        try:
            return server_class((host, candidate), _RequestHandler)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE and candidate < last:
                log.debug("port %d is busy", candidate)
                continue
            raise PortError(host, candidate, exc, fixed) from exc
    raise PortError(host, last, OSError(errno.EADDRINUSE, "in use"), fixed)


class PortError(CmaltgenError):
    """The server could not listen where it was asked to."""

    def __init__(self, host: str, port: int, exc: OSError, fixed: bool) -> None:
        if exc.errno == errno.EADDRINUSE and fixed:
            message = (
                f"port {port} is already in use; stop the program using it or choose "
                "another with --port"
            )
        elif exc.errno == errno.EADDRINUSE:
            message = f"no free port from {port - PORT_TRIES + 1} to {port}; choose one with --port"
        else:
            message = f"cannot listen on {host}:{port}: {exc.strerror or exc}"
        super().__init__(message)


class _RequestHandler(BaseHTTPRequestHandler):
    server: _HTTPServer
    server_version = "cmaltgen-serve"

    def do_GET(self) -> None:
        self._answer(body=True)

    def do_HEAD(self) -> None:
        self._answer(body=False)

    def _answer(self, body: bool) -> None:
        preview = self.server.preview
        refused = preview.refuse(self.headers.get_all("Host"))
        if refused is not None:  # before anything else: pages, events, status, errors
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self._send(refused, body)
            return
        path = self.path.split("?", 1)[0]
        if path == EVENTS_PATH and body:
            self._events(preview)
            return
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the tab went away
            self._send(preview.respond(self.path), body)

    def _send(self, response: Response, body: bool) -> None:
        stream = None
        if response.file is not None:
            try:  # a file swapped for a pipe since the build is refused, not waited on
                stream = os.fdopen(open_regular(response.file), "rb")
            except OSError:
                response = Response(404, "text/plain; charset=utf-8", b"404 Not Found\n")
        try:
            # Size the file we opened, so a save in between cannot mismatch Content-Length.
            size = os.fstat(stream.fileno()).st_size if stream else len(response.body)
            self.send_response(response.status)
            self._headers(response, size)
            if body and stream is not None:
                shutil.copyfileobj(stream, self.wfile, 1024 * 1024)
            elif body:
                self.wfile.write(response.body)
        finally:
            if stream is not None:
                stream.close()

    def _headers(self, response: Response, size: int) -> None:
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(size))
        self.send_header("Cache-Control", "no-store")  # a preview must never show a stale page
        self.send_header("X-Content-Type-Options", "nosniff")
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()

    def _events(self, preview: PreviewServer) -> None:
        """Server-sent events: one ``reload`` when the build differs from the page's."""
        seen = parse_qs(self.path.partition("?")[2]).get("v", [""])[0]
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        try:
            self.wfile.write(b"retry: 1000\n\n")
            self.wfile.flush()
            while not preview.stopping:
                version = preview.wait_for_version(seen, KEEPALIVE_SECONDS)
                if version is not None:
                    self.wfile.write(f"event: reload\ndata: {version}\n\n".encode())
                    self.wfile.flush()
                    return
                self.wfile.write(b": keep-alive\n\n")  # fails once the tab has gone
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return

    def log_message(self, format: str, *args: object) -> None:
        log.debug("%s " + format, self.address_string(), *args)
