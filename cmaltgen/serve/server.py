"""Serve: a local preview that rebuilds on save and reloads the browser.

One watchdog observer watches the portfolio and the themes; its callbacks only set an event.
One build thread waits for the saves to settle, runs ``build(write=False)`` and swaps a single
:class:`Snapshot` reference, so every request sees one complete build; what a request gets is
worked out in :mod:`cmaltgen.serve.responses`. Requests naming a host other than this computer
are refused (see :mod:`cmaltgen.serve.hosts`).

A failed build never stops the server: the last good site stays up with an overlay listing the
problems (or an error page when there has been no good build yet) until the next save.
"""

from __future__ import annotations

import logging
import secrets
import stat
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from cmaltgen.build import BuildResult, build
from cmaltgen.diagnostics import CmaltgenError, Diagnostic, Diagnostics
from cmaltgen.read.documents import ParseCache
from cmaltgen.read.sources import not_a_folder, real_path
from cmaltgen.serve import hosts, responses
from cmaltgen.serve.handler import PreviewHTTPServer, Response, bind, browser_host, mount_path
from cmaltgen.serve.responses import PROGRESS_PATH, Snapshot
from cmaltgen.serve.watcher import MAX_SETTLE_SECONDS, QUIET_SECONDS, SAVED_SECONDS, Watcher
from cmaltgen.site.output import Output
from cmaltgen.site.theme import Environments, themes_root

log = logging.getLogger(__name__)

REWATCH_SECONDS = 0.5  # how often to check that the portfolio folder is still the one watched

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


# ---------------------------------------------------------------------------- the server


class PreviewServer:
    """Build, watch and serve a portfolio. ``start()`` returns once the server is listening."""

    def __init__(
        self,
        root: Path,
        *,
        host: str = "127.0.0.1",
        port: int = 8000,
        port_fixed: bool = False,
        poll: bool = False,
        on_build: Callable[[BuildReport], None] | None = None,
        allow_hosts: Sequence[str] = (),
        builder: Callable[[Path], Built] | None = None,
    ) -> None:
        self.root = real_path(root)  # a link that loops is reported by start
        # What to build: the portfolio by default; `cmaltgen serve` passes the hub's build
        # for a cohort folder. It runs on the build thread only.
        self.builder = builder or self._build_portfolio
        self.host, self.requested_port, self.port_fixed = host, port, port_fixed
        self.allow_hosts = hosts.rules(allow_hosts)  # ValueError for a value that is no host
        self.host_check = hosts.HostCheck(host, port, self.allow_hosts)
        self._refused: set[str] = set()  # Host names already reported, to log each once
        self.poll, self.on_build = poll, on_build
        self._token = secrets.token_hex(4)  # a new server makes open pages reload
        self.snapshot = Snapshot(version=f"{self._token}.0")  # the latest build, swapped whole
        self._changed = threading.Event()
        self._last_change: Path | None = None
        self._last_saved = False  # whether that change ended a save (see the watcher)
        self._stopping = threading.Event()
        self._new_state = threading.Condition()
        self._httpd: PreviewHTTPServer | None = None
        self._watcher: Watcher | None = None
        self._watched: tuple[int, int] | None = None  # the watched folder's device and inode
        self._threads: list[threading.Thread] = []
        # Kept from build to build; only the build thread uses them (and start, before it).
        self.parse_cache = ParseCache()
        self.templates = Environments()

    # -- lifecycle

    def start(self) -> None:
        """Bind the port, watch, build once (even a failing build), then serve in the background."""
        if not self.root.is_dir():
            raise CmaltgenError(not_a_folder(self.root))
        httpd = self._httpd = bind(self.host, self.requested_port, self.port_fixed)
        httpd.preview = self
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
        # A short poll interval: stop() then waits 0.1 s at most, not 0.5.
        self._spawn(lambda: httpd.serve_forever(poll_interval=0.1), "cmaltgen-http")
        self._spawn(self._build_loop, "cmaltgen-build")

    def _watch(self) -> Watcher:
        self._watched = _identity(self.root)
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
            if self._threads:  # shutdown() waits for serve_forever: it would hang if never run
                self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd.close_connections()
        for thread in self._threads:
            thread.join(timeout=5)

    def wait(self, timeout: float) -> bool:
        """Whether the server has stopped, waiting up to ``timeout`` seconds."""
        return self._stopping.wait(timeout)

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
        return f"http://{browser_host(self.host)}:{self.port}{self.snapshot.mount}"

    @property
    def progress_url(self) -> str:
        """Where the preview shows cmaltgen check's report."""
        return f"http://{browser_host(self.host)}:{self.port}{PROGRESS_PATH}"

    @property
    def build_count(self) -> int:
        return self.snapshot.builds

    # -- watching and building

    def _note_change(self, path: Path, saved: bool) -> None:
        # Runs on the observer thread: record and signal only; the build thread does the work.
        log.debug("change: %s%s", path, " (saved)" if saved else "")
        self._last_change, self._last_saved = path, saved
        self._changed.set()

    def _build_loop(self) -> None:
        while not self._stopping.is_set():
            try:
                if not self._changed.wait(REWATCH_SECONDS):
                    self._check_folder()
                    continue
                if self._stopping.is_set():
                    return
                changed = self._settle()
                if self._stopping.is_set():
                    return
                self._rebuild(changed)
            except Exception:  # e.g. the status callback could not print; keep serving
                log.exception("rebuilding after a change failed")

    def _check_folder(self) -> None:
        """Rebuild when the portfolio folder is deleted, moved or replaced (a restored backup, a
        fresh clone), and watch it afresh once it is back: a watch ends with its folder."""
        now = _identity(self.root)
        alive = self._watcher is not None and self._watcher.alive()
        if now == self._watched and (alive or now is None):
            return
        if self._watcher is not None:
            self._watcher.stop()
            self._watcher = None
        if now is not None:
            self._watcher = self._watch()
            if self._stopping.is_set():  # stop() ran meanwhile and saw the old watcher
                self._watcher.stop()
                return
        self._watched = now
        if now is not None or alive:  # a deletion the watcher saw has been built already
            self._last_change, self._last_saved = self.root, True
            self._changed.set()

    def _settle(self) -> Path | None:
        """Wait until no change has arrived for ``QUIET_SECONDS`` (bounded), then report one.

        After a change that ended a save the wait is short, unless another change arrives in
        it: then this is a burst (or the editor's clean-up) and the full wait applies."""
        started, burst = time.monotonic(), False
        while True:
            self._changed.clear()
            short = self._last_saved and not burst
            if not self._changed.wait(SAVED_SECONDS if short else QUIET_SECONDS):
                break
            burst = burst or short  # a change within the short wait: a burst, or clean-up
            if time.monotonic() - started > MAX_SETTLE_SECONDS:
                self._changed.clear()
                break
        return self._last_change

    def _rebuild(self, changed: Path | None) -> None:
        started = time.perf_counter()
        result, problems = self._run_build()
        old = self.snapshot
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
        return build(
            root,
            write=False,
            drafts=True,
            cache=self.parse_cache,
            templates=self.templates,
            preview=True,
        )

    def _run_build(self) -> tuple[Built | None, tuple[Diagnostic, ...]]:
        """Build into memory; every failure, even a crash, becomes diagnostics to show."""
        if not self.root.is_dir():
            return None, (
                Diagnostic(
                    "build-failed",
                    f"the portfolio folder {self.root} is not there any more (deleted, moved or "
                    "renamed)",
                    hint="put it back and the preview rebuilds; if you moved it on purpose, "
                    "stop serve (Ctrl-C) and start it again in the folder's new place",
                ),
            )
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
        self.snapshot = state
        with self._new_state:
            self._new_state.notify_all()

    def wait_for_version(self, seen: str, timeout: float) -> str | None:
        """The current version once it differs from ``seen``; None on timeout or stop."""
        with self._new_state:
            self._new_state.wait_for(
                lambda: self._stopping.is_set() or self.snapshot.version != seen, timeout
            )
        if self._stopping.is_set() or self.snapshot.version == seen:
            return None
        return self.snapshot.version

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
        """The response for a request path, from the latest snapshot."""
        return responses.respond(self.snapshot, raw_path, self.root)


def _identity(folder: Path) -> tuple[int, int] | None:
    """A folder's device and inode, which change when it is replaced; None when it is gone."""
    try:
        info = folder.stat()
    except OSError:
        return None
    return (info.st_dev, info.st_ino) if stat.S_ISDIR(info.st_mode) else None
