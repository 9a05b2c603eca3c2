"""Stopping `cmaltgen serve` at any moment: a real process, a real signal, a clean stop.

Ctrl-C (or SIGTERM) during the first build, during a rebuild or just as serving starts ends
with "Stopping." and exit code 0: never click's "Aborted!", a traceback or a hang. To signal
during a build for certain, a cohort's remote member is a loopback server that holds its
answer until the signal has been sent.

Each test starts `cmaltgen serve` and waits for it to stop: slow by the conftest rule "serve",
except the Ctrl-C during a portfolio's first build, which keeps stopping in the fast loop.
"""

from __future__ import annotations

import contextlib
import http.server
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.test_serve import Served, copy_example, wait_for

EXAMPLE_COHORT = Path(__file__).resolve().parent.parent / "example_cohort"
STOPPED_IN = 15.0  # serve stops within a few seconds; a hang fails instead of blocking CI

SIGNALS = ["interrupt"] if sys.platform == "win32" else ["interrupt", "terminate"]


class HeldMember(http.server.ThreadingHTTPServer):
    """A member's site on loopback that answers 404 once ``release`` is set, not before."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Hold)
        self.asked: queue.Queue[str] = queue.Queue()  # one entry per request, as it arrives
        self.release = threading.Event()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/member/"

    def next_request(self) -> str:
        try:
            return self.asked.get(timeout=20)
        except queue.Empty:
            pytest.fail("serve never asked the member's site for portfolio.json")

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # serve hanging up on a held request is expected


class _Hold(http.server.BaseHTTPRequestHandler):
    server: HeldMember

    def do_GET(self) -> None:
        self.server.asked.put(self.path)
        self.server.release.wait(20)
        body = b"not here"
        self.send_response(404)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def member() -> Iterator[HeldMember]:
    server = HeldMember()
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.release.set()
        server.shutdown()
        server.server_close()


def cohort_with(member: HeldMember, folder: Path) -> Path:
    """The example cohort plus a member known only by the loopback server's address."""
    root = folder / "cohort"
    shutil.copytree(EXAMPLE_COHORT, root, ignore=shutil.ignore_patterns("_site"))
    config = root / "cohort.yml"
    text = config.read_text("utf-8")
    assert text.rstrip().splitlines()[-1].startswith("    ")  # members: is the last list
    config.write_text(text + f"  - url: {member.url}\n", "utf-8")
    return root


@contextlib.contextmanager
def started(root: Path, *extra: str) -> Iterator[Served]:
    served = Served([str(root), "--port", "0", *extra])
    try:
        yield served
    finally:
        if served.proc.poll() is None:
            served.proc.kill()
            served.proc.wait()


def send(served: Served, how: str) -> None:
    """Ctrl-C as the test helper sends it (Ctrl+Break on Windows), or SIGTERM."""
    if how == "terminate":
        served.proc.send_signal(signal.SIGTERM)
    else:
        served.proc.send_signal(getattr(signal, "CTRL_BREAK_EVENT", signal.SIGINT))


def exit_code(served: Served) -> int:
    try:
        code = served.proc.wait(timeout=STOPPED_IN)
    except subprocess.TimeoutExpired:
        pytest.fail(f"serve did not stop within {STOPPED_IN} s:\n{served.text}")
    # The reader threads may still hold the last lines: wait for the end of both streams.
    wait_for(lambda: "Stopp" in served.text, what=f"the stop message\n{served.text}")
    return code


def assert_clean(served: Served, code: int, message: str = "Stopping.") -> None:
    assert code == 0, served.text
    assert message in served.text
    assert "Aborted!" not in served.text
    assert "Traceback" not in served.text


@pytest.mark.slow("serve")
@pytest.mark.parametrize("how", SIGNALS)
def test_a_stop_during_the_first_build_ends_it_cleanly(
    member: HeldMember, tmp_path: Path, how: str
) -> None:
    with started(cohort_with(member, tmp_path)) as served:
        assert member.next_request() == "/member/portfolio.json"  # the first build waits here
        send(served, how)
        member.release.set()
        code = exit_code(served)
    assert_clean(served, code)
    assert "Built in" in served.text  # the build ran to its end, then serve stopped
    assert "Serving" not in served.text  # without starting to serve


@pytest.mark.slow("serve")
def test_ctrl_c_twice_during_the_first_build_stops_at_once(
    member: HeldMember, tmp_path: Path
) -> None:
    with started(cohort_with(member, tmp_path)) as served:
        member.next_request()
        deadline = time.monotonic() + STOPPED_IN
        # The member never answers: only a second press helps. A person stops pressing once
        # serve says it stopped; a press while Python is exiting would be one too many.
        while served.proc.poll() is None and time.monotonic() < deadline:
            if "Stopped." not in served.text:
                send(served, "interrupt")
            with contextlib.suppress(subprocess.TimeoutExpired):
                served.proc.wait(timeout=0.5)
        code = exit_code(served)
    assert_clean(served, code, "Stopped.")
    assert "Built in" not in served.text and "Serving" not in served.text


@pytest.mark.slow("serve")
@pytest.mark.parametrize("how", SIGNALS)
def test_a_stop_during_a_rebuild_ends_it_cleanly(
    member: HeldMember, tmp_path: Path, how: str
) -> None:
    root = cohort_with(member, tmp_path)
    member.release.set()  # the first build is answered at once
    with started(root) as served:
        served.wait_serving()
        member.next_request()
        member.release.clear()
        config = root / "cohort.yml"
        # A member at a new address: serve fetches it at once (one it fetched in the last five
        # minutes it takes as it was), so the rebuild waits on it.
        moved = config.read_text("utf-8").replace(member.url, member.url + "moved/")
        config.write_text(moved.replace("Alex Kim", "Alexa Kim"), "utf-8")
        assert member.next_request() == "/member/moved/portfolio.json"  # the rebuild waits here
        send(served, how)
        member.release.set()
        code = exit_code(served)
    assert_clean(served, code)


def test_ctrl_c_as_the_first_build_of_a_portfolio_runs_ends_it_cleanly(tmp_path: Path) -> None:
    root = copy_example(tmp_path)
    with started(root, "--debug") as served:
        # Logged by the first build as it reads the folder, after serve set up its handlers.
        wait_for(lambda: "section folders under" in served.text, what=served.text)
        send(served, "interrupt")
        code = exit_code(served)
    assert_clean(served, code)


@pytest.mark.slow("serve")
def test_ctrl_c_just_as_serving_starts_ends_it_cleanly(tmp_path: Path) -> None:
    """The flake this file was written for: the signal landed while "Serving" was printed."""
    root = copy_example(tmp_path)
    for _ in range(3):
        with started(root) as served:
            served.wait_serving()
            send(served, "interrupt")
            code = exit_code(served)
        assert_clean(served, code)
