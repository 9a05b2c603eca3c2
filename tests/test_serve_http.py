"""serve's HTTP: kept-alive connections, revalidated files, and what a reload costs the browser.

Real :class:`PreviewServer` instances on loopback, raw sockets or ``http.client``, and Chromium
for the reload itself. The tests that only read share one server for the module.
"""

from __future__ import annotations

import errno
import http.client
import logging
import select
import signal
import socket
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from cmaltgen.serve.server import PreviewServer
from tests.test_serve import MOUNT, copy_example, edit_reflection, fetch, in_process, serving

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ProxySettings

# Playwright's request routing (tests/browser_support.loopback_only) turns the browser's HTTP
# cache off, and the cache is what a reload test is about; instead everything but 127.0.0.1
# goes to a proxy that is not there, so the network stays loopback just the same.
LOOPBACK_ONLY: ProxySettings = {"server": "http://127.0.0.1:9", "bypass": "127.0.0.1"}
CSS = MOUNT + "assets/style.css"
TEXT_FILE = "specialist-accessibility/champions-testimonial.txt"
TEXT_URL = MOUNT + "files/" + TEXT_FILE


@pytest.fixture(scope="module")
def shared() -> Iterator[PreviewServer]:
    with tempfile.TemporaryDirectory() as folder, in_process(copy_example(Path(folder))) as server:
        yield server


def exchange(sock: socket.socket, request: str) -> tuple[str, dict[str, str], bytes]:
    """Send one request on an open socket and read exactly its response (by Content-Length)."""
    sock.sendall(request.encode())
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, f"the connection closed before a response: {data!r}"
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status, *lines = head.decode().split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines)}
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        chunk = sock.recv(65536)
        assert chunk, "the connection closed in the middle of a body"
        body += chunk
    assert len(body) == length, "more bytes than the response said"
    return status, headers, body


def get(path: str, port: int, *extra: str) -> str:
    lines = [f"GET {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", *extra]
    return "\r\n".join(lines) + "\r\n\r\n"


def closed(sock: socket.socket, timeout: float = 5) -> bool:
    """Whether the server has closed the connection (not merely gone quiet)."""
    sock.settimeout(timeout)
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False


def test_files_are_revalidated_by_etag_and_pages_never_stored(shared: PreviewServer) -> None:
    port = shared.port
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        status, headers, css = exchange(sock, get(CSS, port))
        assert status == "HTTP/1.1 200 OK" and b".skip-link" in css
        assert headers["cache-control"] == "no-cache" and headers["etag"].startswith('"')
        tag = headers["etag"]
        # The browser's copy is current: 304, no body, the same tag, on the same connection.
        for asked in (tag, f"W/{tag}", f'"other", {tag}', "*"):
            status, headers, body = exchange(sock, get(CSS, port, f"If-None-Match: {asked}"))
            assert status == "HTTP/1.1 304 Not Modified" and body == b"", asked
            assert headers["etag"] == tag and "content-length" not in headers
            assert headers["cache-control"] == "no-cache"
        status, headers, body = exchange(sock, get(CSS, port, 'If-None-Match: "other"'))
        assert status == "HTTP/1.1 200 OK" and body == css and headers["etag"] == tag
        # A page names its build: never stored, never a 304, whatever the browser asks.
        status, headers, page = exchange(sock, get(MOUNT + "1a/", port, "If-None-Match: *"))
        assert status == "HTTP/1.1 200 OK" and b"/__cmaltgen/events" in page
        assert headers["cache-control"] == "no-store" and "etag" not in headers
        status, headers, _ = exchange(sock, get(MOUNT + "no/such/", port))
        assert status == "HTTP/1.1 404 Not Found" and headers["cache-control"] == "no-store"
        assert not closed(sock, 0.2), "the connection should stay open for the next request"


def test_an_image_cleaned_in_memory_is_revalidated_too(shared: PreviewServer) -> None:
    """A published photo is a copy without its metadata, made in memory: like a file, it has an
    ETag of its bytes and a reload gets 304, not the whole image again."""
    port, photo = shared.port, MOUNT + "files/portrait.png"
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        status, headers, image = exchange(sock, get(photo, port))
        assert status == "HTTP/1.1 200 OK" and image.startswith(b"\x89PNG")
        assert headers["cache-control"] == "no-cache" and headers["etag"].startswith('"')
        tag = headers["etag"]
        status, headers, body = exchange(sock, get(photo, port, f"If-None-Match: {tag}"))
        assert status == "HTTP/1.1 304 Not Modified" and body == b"" and headers["etag"] == tag
        status, headers, body = exchange(sock, get(photo, port, 'If-None-Match: "other"'))
        assert status == "HTTP/1.1 200 OK" and body == image and headers["etag"] == tag
        status, headers, _ = exchange(sock, get("/__cmaltgen/status", port))
        assert headers["cache-control"] == "no-store" and "etag" not in headers


def test_a_file_is_served_in_parts_as_video_players_ask(shared: PreviewServer) -> None:
    """Browsers fetch video and audio evidence in byte ranges to play it from any point (Safari
    plays none without them); the preview answers them as GitHub Pages does."""
    port, whole = shared.port, (shared.root / TEXT_FILE).read_bytes()
    size = len(whole)
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        status, headers, body = exchange(sock, get(TEXT_URL, port))
        assert status == "HTTP/1.1 200 OK" and body == whole
        assert headers["accept-ranges"] == "bytes"
        tag = headers["etag"]
        for asked, part in (
            ("bytes=0-9", range(0, 10)),
            ("bytes=10-", range(10, size)),
            ("bytes=-7", range(size - 7, size)),
            (f"bytes=5-{size * 10}", range(5, size)),
        ):
            status, headers, body = exchange(sock, get(TEXT_URL, port, f"Range: {asked}"))
            assert status == "HTTP/1.1 206 Partial Content", asked
            assert body == whole[part.start : part.stop], asked
            assert headers["content-range"] == f"bytes {part.start}-{part.stop - 1}/{size}"
            assert headers["etag"] == tag
        status, headers, body = exchange(sock, get(TEXT_URL, port, f"Range: bytes={size}-"))
        assert status == "HTTP/1.1 416 Requested Range Not Satisfiable" and body == b""
        assert headers["content-range"] == f"bytes */{size}"
        # Several ranges, one that is not bytes, or an older copy (If-Range): the whole file.
        for extra in ("Range: bytes=0-1,4-5", "Range: bytes=9-2", "Range: lines=1-2"):
            status, _, body = exchange(sock, get(TEXT_URL, port, extra))
            assert status == "HTTP/1.1 200 OK" and body == whole, extra
        old = get(TEXT_URL, port, "Range: bytes=0-3", 'If-Range: "older"')
        assert exchange(sock, old)[2] == whole
        same = get(TEXT_URL, port, "Range: bytes=0-3", f"If-Range: {tag}")
        assert exchange(sock, same)[0] == "HTTP/1.1 206 Partial Content"
        assert not closed(sock, 0.2), "each part is sent exactly: the connection stays usable"


@pytest.mark.parametrize(
    "request_line",
    ["POST / HTTP/1.1", "BREW / HTTP/1.1", f"GET /{'x' * 70000} HTTP/1.1"],
)
def test_http_servers_own_errors_are_not_sniffed_either(
    shared: PreviewServer, request_line: str
) -> None:
    """Unknown methods, overlong addresses, bad versions: answered by http.server itself."""
    with socket.create_connection(("127.0.0.1", shared.port), timeout=5) as sock:
        sock.sendall(f"{request_line}\r\nHost: 127.0.0.1\r\n\r\n".encode())
        status, headers, _ = exchange(sock, "")
    assert status.split()[1] in ("414", "501"), status
    assert headers["x-content-type-options"] == "nosniff"


def test_a_target_in_absolute_form_is_answered_for_this_computer_only(
    shared: PreviewServer,
) -> None:
    """RFC 9112: a server must accept `GET http://host/path`; the host it names is checked
    like Host (which it replaces), so a foreign name is refused whatever Host says."""
    port = shared.port
    own = f"http://127.0.0.1:{port}"
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        status, _, page = exchange(sock, get(own + MOUNT + "1a/?from=proxy", port))
        assert status == "HTTP/1.1 200 OK" and b"/__cmaltgen/events" in page
        status, _, body = exchange(sock, get(own.upper() + "/__cmaltgen/status", port))
        assert status == "HTTP/1.1 200 OK" and b'"builds"' in body
        for target in (own + MOUNT + "%2e%2e/portfolio.yml", own + "//etc/passwd"):
            status, _, body = exchange(sock, get(target, port))
            assert status == "HTTP/1.1 404 Not Found" and b"pathway" not in body, target
        for target in (
            "http://evil.example" + MOUNT,
            f"http://evil.example:{port}" + MOUNT,
            f"http://user@127.0.0.1:{port}" + MOUNT,
            "http://[::1" + MOUNT,
        ):
            status, _, body = exchange(sock, get(target, port))
            assert status == "HTTP/1.1 403 Forbidden", target
            assert b"Rowan" not in body


def test_what_closes_a_connection(shared: PreviewServer) -> None:
    port = shared.port
    # Asked to close: answered, then closed.
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        status, _, _ = exchange(sock, get(MOUNT, port, "Connection: close"))
        assert status == "HTTP/1.1 200 OK" and closed(sock)
    # A request with a body, which the preview never reads: answered, then closed, so the
    # body is never taken for a second request.
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        body = get(MOUNT + "1a/", port)
        status, _, page = exchange(sock, get(MOUNT, port, f"Content-Length: {len(body)}") + body)
        assert status == "HTTP/1.1 200 OK" and b"<html" in page and closed(sock)
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:  # refused, too
        body = get(MOUNT, port)
        request = get(MOUNT, port, f"Content-Length: {len(body)}").replace(f"127.0.0.1:{port}", "x")
        status, _, _ = exchange(sock, request + body)
        assert status == "HTTP/1.1 403 Forbidden" and closed(sock)
    # The event stream has no length: it says so and ends with its connection.
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", "/__cmaltgen/events?v=stale")
        response = conn.getresponse()
        assert response.getheader("Connection") == "close"
        assert response.getheader("Content-Type") == "text/event-stream"
        text = response.read().decode()  # to the end: the server closes after one event
        assert "event: reload" in text and shared.snapshot.version in text
    finally:
        conn.close()


@pytest.mark.slow("serve")
def test_a_changed_file_gets_a_new_tag_and_open_pages_hear_of_the_build(tmp_path: Path) -> None:
    root = copy_example(tmp_path)
    with in_process(root) as server:
        port = server.port
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            _, headers, old = exchange(sock, get(TEXT_URL, port))
            tag = headers["etag"]
        events = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            before = server.snapshot.version
            events.request("GET", f"/__cmaltgen/events?v={before}")
            stream = events.getresponse()
            assert stream.readline() == b"retry: 1000\n"  # connected, nothing to say yet
            (root / TEXT_FILE).write_bytes(old + b"\nA line added after the first build.\n")
            text = stream.read().decode()  # the server ends the stream after the event
        finally:
            events.close()
        version = server.snapshot.version
        assert version != before and f"event: reload\ndata: {version}\n\n" in text
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            status, headers, new = exchange(sock, get(TEXT_URL, port, f"If-None-Match: {tag}"))
        assert status == "HTTP/1.1 200 OK" and new.endswith(b"added after the first build.\n")
        assert headers["etag"] != tag


@pytest.mark.slow("serve")
def test_stopping_closes_kept_alive_connections(tmp_path: Path) -> None:
    server = PreviewServer(copy_example(tmp_path), port=0, port_fixed=True)
    server.start()
    try:
        sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
        status, _, _ = exchange(sock, get(MOUNT, server.port))
        assert status == "HTTP/1.1 200 OK" and not closed(sock, 0.2)
    finally:
        server.stop()
    with sock:
        assert closed(sock), "a stopped preview must not keep answering an open connection"


# ---------------------------------------------------------------------------- the browser

_NAVIGATION = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  return {type: nav.type, y: window.scrollY};
}"""


def test_a_reload_keeps_the_scroll_position_and_revalidates_assets(
    tmp_path: Path, browser: Browser, caplog: pytest.LogCaptureFixture
) -> None:
    root = copy_example(tmp_path)
    caplog.set_level(logging.DEBUG, logger="cmaltgen.serve.handler")
    with in_process(root) as server:
        context = browser.new_context(viewport={"width": 1280, "height": 600}, proxy=LOOPBACK_ONLY)
        page = context.new_page()
        try:
            page.goto(server.url + "1a/")
            elsewhere = "() => fetch('http://example.com/').then(() => 'fetched', () => 'failed')"
            assert page.evaluate(elsewhere) == "failed"
            page.wait_for_function("() => document.readyState === 'complete'")
            page.evaluate("() => window.scrollTo(0, 900)")
            page.wait_for_function("() => window.scrollY === 900")
            time.sleep(0.3)  # the event stream connects after load
            caplog.clear()
            edit_reflection(root, "Words from a save while scrolled down.")
            page.get_by_text("Words from a save while scrolled down.").wait_for(timeout=10_000)
            page.wait_for_function("() => document.readyState === 'complete'")
            # The browser puts the reader back where they were (it may take a frame).
            page.wait_for_function("() => window.scrollY === 900", timeout=5_000)
            got = page.evaluate(_NAVIGATION)
            assert got == {"type": "reload", "y": 900}
            # The theme's scripts ran again: the inline one opened the contents on a wide
            # window, on-this-page.js marked the heading being read.
            assert page.locator("nav.site-nav details").evaluate("d => d.open") is True
            marked = page.locator('nav.on-this-page a[aria-current="location"]')
            marked.wait_for(timeout=5_000)
            assert marked.count() == 1
            # The stylesheet and script were asked about, not downloaded again.
            requests = [r.getMessage() for r in caplog.records]
            assert any(f'"GET {CSS} HTTP/1.1" 304' in r for r in requests), requests
            script = MOUNT + "assets/on-this-page.js"
            assert any(f'"GET {script} HTTP/1.1" 304' in r for r in requests), requests
            assert any(f'"GET {MOUNT}1a/ HTTP/1.1" 200' in r for r in requests), requests
            styled = page.evaluate(
                "() => getComputedStyle(document.querySelector('.skip-link')).position"
            )
            assert styled == "absolute", "the stylesheet from the browser's copy applies"
        finally:
            context.close()


def test_a_host_with_control_characters_is_refused_and_never_echoed(
    shared: PreviewServer, caplog: pytest.LogCaptureFixture
) -> None:
    """An IPv6 zone ("[fe80::1%...]") may hold any character: an escape sequence in one was
    quoted raw in the 403 and in the terminal's warning. Now it is no host name at all."""
    port = shared.port
    host = "[fe80::1%\x1b[2J\x07]"
    with caplog.at_level(logging.WARNING), socket.create_connection(("127.0.0.1", port)) as sock:
        request = get(MOUNT, port).replace(f"127.0.0.1:{port}", host)
        status, _, body = exchange(sock, request.encode("latin-1").decode())
    assert status == "HTTP/1.1 403 Forbidden"
    assert body.startswith(b"403 Forbidden: the request's Host header is not a host name.")
    assert b"\x1b" not in body and b"\x07" not in body
    warned = [r.getMessage() for r in caplog.records if "refused a request" in r.getMessage()]
    assert warned and all("\x1b" not in m and "\x07" not in m for m in warned), warned
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:  # others still served
        assert exchange(sock, get(MOUNT, port, "Connection: close"))[0] == "HTTP/1.1 200 OK"


BURST = 50  # more connections at once than a browser opening a page and its files makes


@pytest.mark.slow("serve")
@pytest.mark.skipif(not hasattr(signal, "SIGSTOP"), reason="pausing a process needs POSIX")
def test_a_burst_of_connections_is_queued_while_the_server_is_busy_and_all_answered(
    tmp_path: Path,
) -> None:
    """A real serve, paused as if busy: the system queues every connection for it (with
    socketserver's backlog of 5, only six got through and the rest waited to be retried),
    and once it runs again every one of them is answered."""
    with serving(copy_example(tmp_path)) as (served, port):
        assert fetch(port, "/__cmaltgen/status")[0] == 200  # the first build is done
        socks = []
        served.proc.send_signal(signal.SIGSTOP)
        try:
            for _ in range(BURST):
                sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                sock.setblocking(False)
                assert sock.connect_ex(("127.0.0.1", port)) in (0, errno.EINPROGRESS)
                socks.append(sock)
            queued: set[socket.socket] = set()
            deadline = time.monotonic() + 5
            while len(queued) < BURST and time.monotonic() < deadline:
                _, ready, _ = select.select([], [s for s in socks if s not in queued], [], 0.1)
                queued.update(
                    s for s in ready if s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0
                )
            assert len(queued) == BURST, f"only {len(queued)} of {BURST} connections were queued"
        finally:
            served.proc.send_signal(signal.SIGCONT)
        answered = 0
        for sock in socks:
            with sock:
                sock.setblocking(True)
                sock.settimeout(10)
                status, _, _ = exchange(sock, get(CSS, port, "Connection: close"))
                answered += status.startswith("HTTP/1.1 200")
        assert answered == BURST
