"""Fetching url members' portfolio.json against real loopback servers that misbehave.

Each case in issue 16's "Remote members are untrusted input" is played by a real
ThreadingHTTPServer on 127.0.0.1; no request leaves the machine (one host name under the
reserved .invalid domain is looked up, which never resolves).
"""

from __future__ import annotations

import copy
import datetime as dt
import http.server
import json
import random
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from cmaltgen import __version__
from cmaltgen.cohort import fetch_cache, remote, transport
from cmaltgen.cohort import memo as memos
from cmaltgen.cohort.build import build_cohort
from cmaltgen.cohort.manifest_check import validate_manifest
from cmaltgen.cohort.members import from_manifest
from cmaltgen.cohort.remote import Fetched, fetch_all
from tests.browser_support import POLL


def good_manifest(name: str = "Rowan Ash") -> dict[str, Any]:
    return {
        "manifest": 1,
        "generator": f"cmaltgen {__version__}",
        "url": "https://rowan.example.org/cmalt/",
        "candidate": {"name": name, "role": "Librarian", "organisation": "Example College"},
        "pathway": {"id": "cmalt", "title": "CMALT"},
        "framework": "2019",
        "status": "drafting",
        "award": None,
        "updated": "2026-11-20",
        "sections": [
            {
                "id": "1a",
                "title": "Operational issues",
                "status": "written",
                "words": 812,
                "evidence": 3,
                "url": "1a/",
                "updated": "2026-11-20",
            },
            {
                "id": "1b",
                "title": "Teaching, learning and assessment",
                "status": "missing",
                "words": 0,
                "evidence": 0,
                "url": None,
                "updated": None,
            },
        ],
        "evidence": [
            {
                "id": "vle-audit",
                "title": "VLE audit",
                "type": "report",
                "date": "2026-03",
                "sections": ["1a"],
                "url": "evidence/vle-audit.pdf",
            }
        ],
    }


def encoded(data: object) -> bytes:
    return json.dumps(data).encode("utf-8")


# ------------------------------------------------------------------------ the server


@dataclass
class Seen:
    """What the server saw: each request's path and headers, and its busiest moment."""

    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    bodies_sent: dict[str, int] = field(default_factory=dict)
    active: int = 0
    most_active: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def headers(self, path: str) -> list[dict[str, str]]:
        return [h for p, h in self.requests if p == path]


Handler = Callable[["Responder"], None]


class Responder(http.server.BaseHTTPRequestHandler):
    """Plays the behaviour registered for the request's path (see the ``Site`` fixture)."""

    server: Server

    def do_GET(self) -> None:
        seen = self.server.seen
        with seen.lock:
            seen.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
            seen.active += 1
            seen.most_active = max(seen.most_active, seen.active)
        try:
            self.server.routes.get(self.path, not_found)(self)
        except OSError:  # the client gave up, as it should for a trickle or a huge body
            pass
        finally:
            with seen.lock:
                seen.active -= 1

    def send(
        self, status: int, body: bytes, content_type: str = "application/json", **extra: str
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in extra.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)
        with self.server.seen.lock:
            self.server.seen.bodies_sent[self.path] = len(body)

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        pass


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Responder)
        self.routes: dict[str, Handler] = {}
        self.seen = Seen()

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client closing early is expected here


def not_found(h: Responder) -> None:
    h.send(404, b"not here", "text/plain")


@dataclass
class Site:
    server: Server
    cache: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def route(self, name: str, handler: Handler) -> str:
        """Serve ``handler`` at /NAME/portfolio.json; returns the member's site URL."""
        self.server.routes[f"/{name}/portfolio.json"] = handler
        return f"{self.base}/{name}/"

    def serve(self, name: str, data: object, **headers: str) -> str:
        return self.route(name, lambda h: h.send(200, encoded(data), **headers))

    def fetch(self, url: str, **options: Any) -> Fetched:
        return fetch_all([("member", url)], self.cache, **options)["member"]

    @property
    def seen(self) -> Seen:
        return self.server.seen


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    server = Server()
    thread = threading.Thread(target=server.serve_forever, args=(POLL,), daemon=True)
    thread.start()
    try:
        yield Site(server, tmp_path / ".cmaltgen-cohort-cache")
    finally:
        server.shutdown()
        server.server_close()


def cache_files(site: Site) -> list[Path]:
    return sorted(site.cache.glob("*.json"))


# --------------------------------------------------------------------- good answers


def test_a_good_manifest_is_fetched_validated_and_cached_as_plain_json(site: Site) -> None:
    url = site.serve("rowan", good_manifest(), ETag='"v1"')
    got = site.fetch(url)
    assert got == Fetched(good_manifest(), None, None, from_cache=False)
    (headers,) = site.seen.headers("/rowan/portfolio.json")
    assert headers["user-agent"] == f"cmaltgen/{__version__}"
    (cached,) = cache_files(site)
    record = json.loads(cached.read_text("utf-8"))
    assert record["format"] == fetch_cache.CACHE_FORMAT and record["etag"] == '"v1"'
    assert record["data"] == good_manifest() and record["fetched"] == dt.date.today().isoformat()
    assert (site.cache / ".gitignore").read_text("utf-8").splitlines()[-1] == "*"
    assert sorted(p.name for p in site.cache.iterdir()) == [".gitignore", cached.name]  # no temp


def etag_server(etag: str) -> Handler:
    def handle(h: Responder) -> None:
        if h.headers.get("If-None-Match") == etag:
            h.send_response(304)
            h.send_header("ETag", etag)
            h.end_headers()
            return
        h.send(200, encoded(good_manifest()), ETag=etag)

    return handle


def test_a_rebuild_sends_if_none_match_and_a_304_downloads_nothing(site: Site) -> None:
    url = site.route("etag", etag_server('W/"abc123"'))
    first, second = site.fetch(url), site.fetch(url)
    assert first.data == second.data == good_manifest()
    assert (first.from_cache, second.from_cache) == (False, True)
    assert second.warning is None and second.stale_since is None
    before, after = site.seen.headers("/etag/portfolio.json")
    assert "if-none-match" not in before
    assert after["if-none-match"] == 'W/"abc123"'
    assert site.seen.bodies_sent == {"/etag/portfolio.json": len(encoded(good_manifest()))}


def test_a_rebuild_sends_if_modified_since_for_a_last_modified_server(site: Site) -> None:
    stamp = "Fri, 20 Nov 2026 10:00:00 GMT"

    def handle(h: Responder) -> None:
        if h.headers.get("If-Modified-Since") == stamp:
            h.send_response(304)
            h.end_headers()
        else:
            h.send(200, encoded(good_manifest()), Last_Modified=stamp)

    url = site.route("lm", handle)
    assert site.fetch(url).from_cache is False
    again = site.fetch(url)
    assert again.from_cache is True and again.data == good_manifest()
    assert site.seen.headers("/lm/portfolio.json")[1]["if-modified-since"] == stamp
    assert len(site.seen.bodies_sent) == 1  # only the first answer had a body


def test_a_changed_manifest_replaces_the_cached_one(site: Site) -> None:
    versions = iter([("v1", "Rowan Ash"), ("v2", "Rowan Ash-Lee")])

    def handle(h: Responder) -> None:
        tag, name = next(versions)
        h.send(200, encoded(good_manifest(name)), ETag=f'"{tag}"')

    url = site.route("changing", handle)
    site.fetch(url)
    got = site.fetch(url)
    assert got.data is not None and got.data["candidate"]["name"] == "Rowan Ash-Lee"
    assert site.seen.headers("/changing/portfolio.json")[1]["if-none-match"] == '"v1"'
    (cached,) = cache_files(site)
    assert json.loads(cached.read_text("utf-8"))["etag"] == '"v2"'


def test_a_redirect_to_another_http_address_is_followed(site: Site) -> None:
    target = site.serve("moved-here", good_manifest())

    def handle(h: Responder) -> None:
        h.send_response(301)
        h.send_header("Location", "/moved-here/portfolio.json")
        h.send_header("Content-Length", "0")
        h.end_headers()

    got = site.fetch(site.route("old", handle))
    assert got.data == good_manifest() and got.warning is None
    assert target.endswith("/moved-here/")


def test_the_same_address_for_two_members_is_fetched_once(site: Site) -> None:
    url = site.serve("shared", good_manifest())
    got = fetch_all([("a", url), ("b", url)], site.cache)
    assert got["a"] == got["b"] and got["a"].data == good_manifest()
    assert len(site.seen.headers("/shared/portfolio.json")) == 1


def test_markup_in_strings_stays_text_and_control_characters_go(site: Site) -> None:
    hostile = good_manifest('<script>alert("x")</script> & <b>Rowan</b>\x1b[31m\x00\u0085')
    hostile["sections"][0]["title"] = "<img src=x onerror=alert(1)>\tTitle\n"
    hostile["evidence"][0]["title"] = "lone \ud800 surrogate"
    url = site.route("markup", lambda h: h.send(200, json.dumps(hostile).encode("ascii")))
    got = site.fetch(url)
    assert got.warning is None and got.data is not None
    assert got.data["candidate"]["name"] == '<script>alert("x")</script> & <b>Rowan</b>[31m'
    assert got.data["sections"][0]["title"] == "<img src=x onerror=alert(1)>\tTitle\n"
    assert got.data["evidence"][0]["title"] == "lone \ufffd surrogate"
    (cached,) = cache_files(site)
    cached.read_text("utf-8")  # the cleaned text is always writable as UTF-8


# ------------------------------------------------------------------------- failures


def test_a_stale_fallback_carries_the_date_of_the_last_good_fetch(site: Site) -> None:
    state = {"ok": True}

    def handle(h: Responder) -> None:
        if state["ok"]:
            h.send(200, encoded(good_manifest()))
        else:
            h.send(503, b"maintenance", "text/plain")

    url = site.route("flaky", handle)
    assert site.fetch(url).stale_since is None
    state["ok"] = False
    got = site.fetch(url)
    assert got.data == good_manifest() and got.stale_since == dt.date.today()
    assert got.warning is not None and "HTTP 503 Service Unavailable" in got.warning
    (cached,) = cache_files(site)
    record = json.loads(cached.read_text("utf-8"))
    record["fetched"] = "2026-01-15"
    cached.write_text(json.dumps(record), "utf-8")
    assert site.fetch(url).stale_since == dt.date(2026, 1, 15)


def fails_after_first(handler: Handler) -> Handler:
    calls: list[int] = []

    def handle(h: Responder) -> None:
        calls.append(1)
        if len(calls) == 1:
            h.send(200, encoded(good_manifest()))
        else:
            handler(h)

    return handle


def html(h: Responder) -> None:
    h.send(200, b"<!doctype html><title>Home</title><p>Welcome", "text/html; charset=utf-8")


def html_labelled_json(h: Responder) -> None:
    h.send(200, b"\n  <html><body>Not found</body></html>")


def wrong_version(h: Responder) -> None:
    h.send(200, encoded({**good_manifest(), "manifest": 2}))


def invalid_json(h: Responder) -> None:
    h.send(200, b'{"manifest": 1, "candidate": {"name": "Rowan"')


def nested(h: Responder) -> None:
    h.send(200, b"[" * 100_000 + b"]" * 100_000)


def nested_inside(h: Responder) -> None:
    h.send(200, b'{"manifest": 1, "extra": ' + b"[" * 70 + b"]" * 70 + b"}")


def huge(h: Responder) -> None:
    h.send(200, b'{"pad": "' + b"x" * (10 * 1024 * 1024) + b'"}')


def huge_without_length(h: Responder) -> None:
    """10 MB with no Content-Length (the end is when the connection closes): the cap holds."""
    h.send_response(200)
    h.send_header("Content-Type", "application/json")
    h.end_headers()
    h.wfile.write(b'{"pad": "')
    for _ in range(10 * 16):
        h.wfile.write(b"x" * 65536)


def huge_chunked(h: Responder) -> None:
    h.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
    h.wfile.write(b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
    for _ in range(10 * 16):
        h.wfile.write(b"10000\r\n" + b"x" * 65536 + b"\r\n")
    h.wfile.write(b"0\r\n\r\n")
    h.close_connection = True


def status(code: int) -> Handler:
    def handle(h: Responder) -> None:
        h.send_response(code)
        h.send_header("Content-Length", "0")
        h.end_headers()

    return handle


def server_error(h: Responder) -> None:
    h.send(500, b"<h1>Internal error</h1>", "text/html")


def truncated(h: Responder) -> None:
    body = encoded(good_manifest())
    h.send_response(200)
    h.send_header("Content-Length", str(len(body) + 500))
    h.end_headers()
    h.wfile.write(body)


def compressed(h: Responder) -> None:
    h.send(200, b"\x1f\x8b\x08\x00", Content_Encoding="gzip")


def many_sections(h: Responder) -> None:
    data = good_manifest()
    data["sections"] = [dict(data["sections"][1], id=f"s{i}") for i in range(201)]
    h.send(200, encoded(data))


def many_evidence(h: Responder) -> None:
    data = good_manifest()
    data["evidence"] = [dict(data["evidence"][0], id=f"e{i}") for i in range(5001)]
    h.send(200, encoded(data))


def long_text(h: Responder) -> None:
    h.send(200, encoded(good_manifest("R" * 10_001)))


def wrong_shape(h: Responder) -> None:
    data = good_manifest()
    data["sections"][1]["words"] = "many"
    h.send(200, encoded(data))


def javascript_link(h: Responder) -> None:
    data = good_manifest()
    data["sections"][0]["url"] = "JavaScript:alert(document.cookie)"
    h.send(200, encoded(data))


def unconditional_304(h: Responder) -> None:
    h.send_response(304)
    h.end_headers()


FAILURES: list[tuple[str, Handler, str]] = [
    ("server-error", server_error, "the site's server failed (HTTP 500 Internal Server Error)"),
    ("missing", not_found, "there is no portfolio.json at that address (HTTP 404 Not Found)"),
    ("private", status(403), "the site refused access to portfolio.json (HTTP 403 Forbidden)"),
    ("busy", status(429), "the site asked cmaltgen to slow down (HTTP 429 Too Many Requests)"),
    ("teapot", status(418), "the site refused the request (HTTP 418"),
    ("no-content", status(204), "the site answered HTTP 204 No Content instead of sending"),
    ("gateway", status(502), "the site's server failed (HTTP 502 Bad Gateway): try again later"),
    ("html", html, "the site answered with a web page (HTML), not portfolio.json"),
    ("html-as-json", html_labelled_json, "the site answered with a web page (HTML)"),
    ("invalid", invalid_json, "portfolio.json is not valid JSON (Expecting"),
    ("version", wrong_version, "portfolio.json is manifest version 2, but this cmaltgen reads"),
    ("huge", huge, "portfolio.json is larger than 2 MB, the most a hub accepts"),
    ("huge-no-length", huge_without_length, "portfolio.json is larger than 2 MB"),
    ("huge-chunked", huge_chunked, "portfolio.json is larger than 2 MB"),
    ("nested", nested, "portfolio.json is nested more than 64 levels deep"),
    ("nested-inside", nested_inside, "portfolio.json is nested more than 64 levels deep"),
    ("truncated", truncated, "the connection closed before the whole of portfolio.json arrived"),
    ("gzip", compressed, "the site sent portfolio.json compressed (gzip) unasked"),
    (
        "sections",
        many_sections,
        "portfolio.json's sections has 201 entries; a hub reads at most 200",
    ),
    ("evidence", many_evidence, "evidence has 5,001 entries; a hub reads at most 5,000"),
    ("long", long_text, "portfolio.json's candidate.name is longer than 10,000 characters"),
    ("shape", wrong_shape, "sections[1].words should be a whole number from 0 to 10,000,000"),
    ("javascript", javascript_link, "sections[0].url 'JavaScript:alert(document.cookie)' is not a"),
    ("not-modified", unconditional_304, "304 Not Modified to a request that was not conditional"),
]


@pytest.mark.parametrize(("name", "handler", "reason"), FAILURES, ids=[f[0] for f in FAILURES])
def test_a_bad_answer_warns_with_its_reason_and_keeps_no_data(
    site: Site, name: str, handler: Handler, reason: str
) -> None:
    got = site.fetch(site.route(name, handler))
    assert got.data is None and got.stale_since is None and got.from_cache is False
    assert got.warning is not None and reason in got.warning, got.warning
    assert cache_files(site) == []


@pytest.mark.parametrize(("name", "handler", "reason"), FAILURES, ids=[f[0] for f in FAILURES])
def test_a_bad_answer_after_a_good_one_falls_back_to_stale_data(
    site: Site, name: str, handler: Handler, reason: str
) -> None:
    url = site.route(name, fails_after_first(handler))
    assert site.fetch(url).warning is None
    got = site.fetch(url)
    assert got.data == good_manifest() and got.stale_since == dt.date.today()
    assert got.warning is not None and reason in got.warning, got.warning


def trickle(h: Responder) -> None:
    """Headers, then one byte of the body every half second (what no socket timeout catches)."""
    h.send_response(200)
    h.send_header("Content-Type", "application/json")
    h.send_header("Content-Length", "100")
    h.end_headers()
    h.wfile.flush()
    for _ in range(40):
        h.wfile.write(b" ")
        h.wfile.flush()
        time.sleep(0.5)


def trickle_headers(h: Responder) -> None:
    h.wfile.write(b"HTTP/1.0 200 OK\r\n")
    for _ in range(40):
        h.wfile.write(b"X-Slow: 1\r\n")
        h.wfile.flush()
        time.sleep(0.5)


@pytest.mark.slow("timeout")
@pytest.mark.parametrize("handler", [trickle, trickle_headers])
def test_a_trickling_server_is_cut_off_near_the_timeout(site: Site, handler: Handler) -> None:
    url = site.route("trickle", handler)
    started = time.monotonic()
    got = site.fetch(url, timeout=1.0)
    assert time.monotonic() - started < 5  # loose: the server would take 20 s
    assert got.data is None
    assert got.warning == "the site did not send portfolio.json within 1 second"


def unused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_server_that_is_down_gives_a_plain_reason(site: Site) -> None:
    got = site.fetch(f"http://127.0.0.1:{unused_port()}/cmalt/")
    assert got == Fetched(
        None, None, "the site refused the connection: its server is down or the address is wrong"
    )


@pytest.mark.parametrize("host", ["no-such-candidate.invalid", "bücher-kandidat.invalid"])
def test_a_host_name_that_does_not_exist_gives_a_plain_reason(site: Site, host: str) -> None:
    got = site.fetch(f"https://{host}/cmalt/", timeout=5.0)
    assert got.data is None
    assert got.warning is not None
    if got.warning.startswith("the site did not send"):
        pytest.skip("this machine's name resolver does not answer at all")
    assert f"the host name '{host}' could not be found" in got.warning  # as written


@pytest.mark.slow("timeout")
@pytest.mark.parametrize("scheme", ["http", "https"])
def test_a_server_that_accepts_but_never_answers_times_out(site: Site, scheme: str) -> None:
    with socket.socket() as silent:  # the kernel accepts connections nobody reads
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        started = time.monotonic()
        got = site.fetch(f"{scheme}://127.0.0.1:{port}/cmalt/", timeout=0.5)
    assert time.monotonic() - started < 5  # loose
    assert got == Fetched(None, None, "the site did not send portfolio.json within 0.5 seconds")


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        (b"\x1b[31mSSH-2.0-OpenSSH <b>hi</b>\r\n", "the site's answer is not HTTP"),
        (b"", "the site closed the connection before answering"),
    ],
)
def test_a_port_that_does_not_speak_http_gives_a_plain_reason(
    site: Site, reply: bytes, reason: str
) -> None:
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen(1)

        def answer() -> None:
            connection, _ = other.accept()
            with connection:
                connection.recv(4096)
                connection.sendall(reply)

        thread = threading.Thread(target=answer, daemon=True)
        thread.start()
        got = site.fetch(f"http://127.0.0.1:{other.getsockname()[1]}/cmalt/")
        thread.join(5)
    assert got.data is None and got.warning is not None
    assert got.warning.startswith(reason), got.warning


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and its key, made once for the module."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is not installed")
    folder = tmp_path_factory.mktemp("tls")
    key, cert = folder / "key.pem", folder / "cert.pem"
    options = ["-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1"]
    options += ["-addext", "subjectAltName=IP:127.0.0.1"]
    # An elliptic-curve key: made in a millisecond, where a 2048-bit RSA key took ~0.4 s.
    options += ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"]
    subprocess.run(
        [openssl, "req", "-x509", "-nodes", "-days", "1", *options],
        check=True,
        capture_output=True,
    )
    return key, cert


@pytest.fixture
def https_site(certificate: tuple[Path, Path]) -> Iterator[tuple[str, Path]]:
    """An https server with a self-signed certificate (which no client should trust)."""
    key, cert = certificate
    server = Server()
    server.routes["/tls/portfolio.json"] = lambda h: h.send(200, encoded(good_manifest()))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, args=(POLL,), daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}/tls/", cert
    finally:
        server.shutdown()
        server.server_close()


def test_an_untrusted_certificate_is_refused(
    https_site: tuple[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(transport, "_TLS", None)
    got = fetch_all([("m", https_site[0])], tmp_path / "cache")["m"]
    assert got.data is None and got.warning is not None
    assert got.warning.startswith("the site's security certificate is not valid (self")


def test_a_trusted_certificate_is_fetched_over_https(
    https_site: tuple[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(https_site[1]))  # as a company CA bundle would be
    monkeypatch.setattr(transport, "_TLS", None)
    got = fetch_all([("m", https_site[0])], tmp_path / "cache")["m"]
    assert got == Fetched(good_manifest(), None, None)


def redirect_to(location: str) -> Handler:
    def handle(h: Responder) -> None:
        h.send_response(302)
        h.send_header("Location", location)
        h.send_header("Content-Length", "0")
        h.end_headers()

    return handle


def test_a_redirect_loop_stops(site: Site) -> None:
    site.route("loop-a", redirect_to("/loop-b/portfolio.json"))
    got = site.fetch(site.route("loop-b", redirect_to("/loop-a/portfolio.json")))
    assert got.data is None and got.warning is not None
    assert got.warning.startswith("the site redirects in a loop (back to 'http://127.0.0.1:")
    assert len(site.seen.requests) == 2


def test_a_redirect_chain_longer_than_the_limit_stops(site: Site) -> None:
    for hop in range(10):
        site.route(f"hop{hop}", redirect_to(f"/hop{hop + 1}/portfolio.json"))
    site.serve("hop10", good_manifest())
    got = site.fetch(f"{site.base}/hop0/", max_redirects=3)
    assert got.warning == "the site redirects more than 3 times"
    assert len(site.seen.requests) == 4
    assert site.fetch(f"{site.base}/hop5/").data == good_manifest()  # 5 redirects are fine


def test_a_password_in_a_redirect_or_in_portfolio_json_is_never_shown_nor_kept(
    site: Site,
) -> None:
    loop = f"http://rowan:hunter2@127.0.0.1:{site.server.server_address[1]}/login/portfolio.json"
    got = site.fetch(site.route("login", redirect_to(loop)))
    assert got.warning is not None and "hunter2" not in got.warning
    assert got.warning.startswith("the site redirects in a loop (back to 'http://rowan:***@")
    for which in ("url", "evidence"):
        manifest = good_manifest()
        if which == "url":
            manifest["url"] = "https://rowan:hunter2@rowan.example.org/cmalt/"
        else:
            manifest["evidence"][0]["url"] = "https://rowan:hunter2@files.example.org/a.pdf"
        got = site.fetch(site.serve(f"with-{which}", manifest))
        assert got.data is None
        where = "url" if which == "url" else "evidence[0].url"
        assert got.warning == f"portfolio.json's {where} holds a password"
    assert cache_files(site) == []


@pytest.mark.parametrize(
    "target",
    ["file:///etc/passwd", "ftp://example.org/portfolio.json", "javascript:alert(1)", "http://[x/"],
)
def test_a_redirect_to_a_non_web_address_is_refused(site: Site, target: str) -> None:
    got = site.fetch(site.route("escape", redirect_to(target)))
    assert got.data is None
    assert got.warning == f"the site redirects to {target!r}, which is not a web address"


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("file:///etc/", "it must start with https:// or http://"),
        ("ftp://example.org/cmalt/", "it must start with https:// or http://"),
        ("javascript:alert(1)", "it must start with https:// or http://"),
        ("example.org/cmalt", "it must start with https:// or http://"),
        ("http:///cmalt/", "has no host name"),
        ("http://example.org:port/", "is not a valid web address"),
        ("http://exa mple.org/", "contains spaces or control characters"),
        ("http://[::1/cmalt/", "is not a valid web address"),
        ("", "it must start with https:// or http://"),
    ],
)
def test_an_address_that_is_not_http_is_never_fetched(site: Site, url: str, reason: str) -> None:
    got = site.fetch(url)
    assert got.data is None and got.warning is not None and reason in got.warning


@pytest.mark.parametrize(
    ("given", "fetched"),
    [
        ("https://x.org/cmalt/", "https://x.org/cmalt/portfolio.json"),
        ("https://x.org/cmalt", "https://x.org/cmalt/portfolio.json"),
        ("https://x.org", "https://x.org/portfolio.json"),
        ("https://x.org/cmalt/index.html", "https://x.org/cmalt/portfolio.json"),
        ("https://x.org/cmalt/portfolio.json", "https://x.org/cmalt/portfolio.json"),
    ],
)
def test_the_manifest_address_comes_from_the_site_address(given: str, fetched: str) -> None:
    assert remote.manifest_url(given) == fetched


# --------------------------------------------------------------------------- cache


def corrupt_caches(url: str) -> list[bytes]:
    good = {
        "format": fetch_cache.CACHE_FORMAT,
        "version": fetch_cache.CACHE_VERSION,
        "url": remote.manifest_url(url),
        "etag": '"v1"',
        "last_modified": None,
        "fetched": "2026-11-01",
        "data": good_manifest(),
    }

    def variant(**changes: Any) -> bytes:
        return json.dumps({**copy.deepcopy(good), **changes}).encode("utf-8")

    return [
        b"",
        b"{",
        json.dumps(good).encode("utf-8")[:200],  # truncated
        b"\xff\xfe\x00garbage",
        b"[" * 100_000,
        b"\x80\x04\x95pickle-looking bytes.",
        json.dumps([1, 2, 3]).encode(),
        variant(format="something else"),
        variant(version=99),
        variant(url="http://elsewhere.example.org/portfolio.json"),
        variant(fetched="last tuesday"),
        variant(fetched=None),
        variant(etag="bad\r\nInjected: header"),
        variant(data={**good_manifest(), "manifest": 2}),
        variant(data="not an object"),
    ]


@pytest.mark.parametrize("index", range(15))
def test_a_corrupt_or_foreign_cache_file_is_ignored(site: Site, index: int) -> None:
    url = site.route("cached", etag_server('"v1"'))
    site.fetch(url)
    (cached,) = cache_files(site)
    cached.write_bytes(corrupt_caches(url)[index])
    got = site.fetch(url)
    assert got == Fetched(good_manifest(), None, None, from_cache=False)
    assert "if-none-match" not in site.seen.headers("/cached/portfolio.json")[1]
    assert json.loads(cached.read_text("utf-8"))["format"] == fetch_cache.CACHE_FORMAT  # repaired
    cached.write_bytes(corrupt_caches(url)[index])
    assert site.fetch(url, offline=True).data is None


def test_a_corrupt_cache_and_a_failing_server_give_no_data_and_no_crash(site: Site) -> None:
    url = site.route("both-bad", fails_after_first(server_error))
    site.fetch(url)
    (cached,) = cache_files(site)
    cached.write_bytes(b'{"format": "cmaltgen remote manifest cache", "data": [')
    got = site.fetch(url)
    assert got.data is None and got.stale_since is None
    assert got.warning is not None and "HTTP 500" in got.warning


def test_offline_uses_the_cache_and_no_network(site: Site) -> None:
    url = site.serve("offline", good_manifest(), ETag='"v1"')
    never = site.serve("never", good_manifest())
    site.fetch(url)
    requests = len(site.seen.requests)
    got = fetch_all([("a", url), ("b", never)], site.cache, offline=True)
    assert got["a"] == Fetched(good_manifest(), None, None, from_cache=True)
    assert got["b"] == Fetched(None, None, "not fetched yet; run without --offline")
    assert len(site.seen.requests) == requests


def test_an_unwritable_cache_folder_only_loses_the_cache(site: Site, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", "utf-8")
    url = site.serve("nocache", good_manifest())
    got = fetch_all([("m", url)], blocker / "cache")["m"]
    assert got.data == good_manifest() and got.warning is None
    assert blocker.read_text("utf-8") == "not a folder"


@pytest.mark.slow("large")
def test_damaged_manifests_never_raise(site: Site) -> None:
    """300 copies of a good manifest, each with a few bytes changed: a warning or good data."""
    rng = random.Random(16)
    good = json.dumps(good_manifest()).encode("utf-8")
    members = []
    for n in range(300):
        body = bytearray(good)
        for _ in range(rng.randint(1, 4)):
            body[rng.randrange(len(body))] = rng.choice(b'{}[]",:\\0n-e.\x00\xff<')
        site.route(f"damaged{n}", lambda h, b=bytes(body): h.send(200, b))
        members.append((f"m{n}", f"{site.base}/damaged{n}/"))
    got = fetch_all(members, site.cache)
    assert len(got) == 300
    for fetched in got.values():
        assert (fetched.data is None) is (fetched.warning is not None)
        assert fetched.data is None or validate_manifest(fetched.data) is None
    assert sum(1 for f in got.values() if f.warning) > 200  # most damage is noticed


# ---------------------------------------------------------------------- concurrency


@pytest.mark.slow("timeout")
def test_members_are_fetched_concurrently(site: Site) -> None:
    def slow(h: Responder) -> None:
        time.sleep(0.2)
        h.send(200, encoded(good_manifest()))

    urls = [site.route(f"m{i}", slow) for i in range(50)]
    started = time.monotonic()
    got = fetch_all([(f"m{i}", url) for i, url in enumerate(urls)], site.cache, workers=16)
    elapsed = time.monotonic() - started
    assert all(f.data == good_manifest() for f in got.values()) and len(got) == 50
    assert elapsed < 50 * 0.2 / 2  # loose: one at a time would take 10 s
    assert site.seen.most_active > 1


def unicode_length(h: Responder) -> None:
    """A Content-Length of '²' (Latin-1 0xB2): '²'.isdigit() is True, but it is no number."""
    body = encoded(good_manifest())
    h.send_response(200)
    h.send_header("Content-Type", "application/json")
    h.send_header("Content-Length", "²")
    h.end_headers()
    h.wfile.write(body)


def test_a_content_length_of_unicode_digits_is_ignored_not_a_crash(site: Site) -> None:
    got = site.fetch(site.route("unicode-length", unicode_length))
    assert got.warning is None, got.warning
    assert got.data == good_manifest()


def test_serve_fetches_a_url_member_once_in_five_minutes_not_on_every_save(
    site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "hub"
    root.mkdir()
    url = site.route("down", lambda h: h.send(503, b"down", "text/plain"))
    (root / "cohort.yml").write_text(f"name: Hub\nmembers:\n  - url: {url}\n", "utf-8")
    memo = memos.Memo()
    for save in range(3):  # serve: the first build and two saves
        result = build_cohort(root, write=False, memo=memo)
        (warning,) = result.diagnostics.warnings
        assert "HTTP 503 Service Unavailable" in warning.message, save
    assert len(site.seen.requests) == 1
    build_cohort(root, write=False)  # cohort build keeps nothing
    assert len(site.seen.requests) == 2
    monkeypatch.setattr(memos, "FETCH_AGAIN", 0.0)  # five minutes later
    build_cohort(root, write=False, memo=memo)
    assert len(site.seen.requests) == 3


def test_a_link_with_characters_no_address_may_hold_is_encoded_not_published_as_is(
    site: Site,
) -> None:
    manifest = good_manifest()
    manifest["sections"][0]["url"] = '1a/?q=<b>"x"{y}|z^`'
    got = site.fetch(site.serve("odd", manifest))
    assert got.data is not None
    member = from_manifest(got.data, f"{site.base}/odd/")
    assert member.sections[0].url == f"{site.base}/odd/1a/?q=%3Cb%3E%22x%22%7By%7D%7Cz%5E%60"


@pytest.mark.slow("timeout")
def test_a_host_that_times_out_three_times_is_not_asked_for_its_other_members(
    site: Site,
) -> None:
    """An outage of one host (github.io, say) costs three timeouts, not one per member."""
    never = threading.Event()
    urls = [site.route(f"m{i}", lambda h: never.wait(5)) for i in range(6)]
    other = site.serve("elsewhere", good_manifest())
    requests = [(url, url) for url in urls] + [("other", other.replace("127.0.0.1", "localhost"))]
    try:
        got = fetch_all(requests, site.cache, timeout=0.5, workers=1)
    finally:
        never.set()
    reasons = [got[url].warning for url in urls]
    assert reasons[:3] == ["the site did not send portfolio.json within 0.5 seconds"] * 3
    assert (
        reasons[3:]
        == [
            "not asked, because 3 other members' sites at 127.0.0.1 did not send portfolio.json in "
            "time (0.5 seconds): that host seems down"
        ]
        * 3
    )
    assert got["other"].data is not None  # another host is still asked
    assert len(site.seen.requests) == 4
