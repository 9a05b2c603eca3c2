"""HTTP plumbing for the preview: binding a port, answering requests, mapping URL paths."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import ipaddress
import logging
import mimetypes
import os
import posixpath
import re
import socket
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, BinaryIO, Protocol
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from cmaltgen.diagnostics import CmaltgenError
from cmaltgen.read.safe_read import open_regular
from cmaltgen.serve import reload

log = logging.getLogger(__name__)

PORT_TRIES = 20  # how far to look for a free port when the user did not choose one
COPY_BYTES = 1024 * 1024  # files are sent in pieces of this size
IDLE_SECONDS = 30.0  # an idle kept-alive connection is closed after this
PAGE_CACHING = "no-store"  # a page names its build: a preview must never show a stale one
FILE_CACHING = "no-cache"  # kept by the browser, but asked about (ETag) before every use


@dataclass
class Response:
    status: int
    content_type: str = "text/html; charset=utf-8"
    body: bytes = b""
    file: Path | None = None  # streamed from the source instead of ``body``
    headers: dict[str, str] = field(default_factory=dict)
    revalidate: bool = False  # a 200 ``body`` sent with an ETag of its bytes (images in memory)


class Site(reload.Versions, Protocol):
    """What the request handler needs from the preview server."""

    def refuse(self, host_headers: Sequence[str] | None) -> Response | None: ...

    def respond(self, raw_path: str) -> Response: ...


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


def etag(info: os.stat_result) -> str:
    """A validator for a served file: it changes when the file is written or replaced."""
    return f'"{info.st_ino:x}-{info.st_mtime_ns:x}-{info.st_size:x}"'


def body_etag(body: bytes) -> str:
    """A validator for a response made in memory: a digest of its bytes."""
    return f'"{hashlib.blake2b(body, digest_size=12).hexdigest()}"'


def fresh(if_none_match: str | None, tag: str) -> bool:
    """Whether the browser's copy (``If-None-Match``) is still ``tag``: answer 304."""
    if not if_none_match:
        return False
    tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
    return tag in tags or "*" in tags


_ABSOLUTE = re.compile(r"https?://", re.IGNORECASE)
_RANGE = re.compile(r"\s*bytes\s*=\s*([0-9]{0,18})\s*-\s*([0-9]{0,18})\s*", re.IGNORECASE)


def byte_range(header: str | None, size: int) -> range | None:
    """The bytes a ``Range`` header asks for (empty when none of them exist), or None to send
    the whole file: no header, several ranges, or one that cannot be read (RFC 9110 14.2)."""
    found = _RANGE.fullmatch(header or "")
    if found is None or found.groups() == ("", ""):
        return None
    first, last = found.groups()
    if first == "":  # the last N bytes
        return range(max(size - int(last), 0), size) if int(last) else range(0)
    start = int(first)
    if last and int(last) < start:
        return None
    return range(start, min(int(last) + 1, size) if last else size)


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


class PreviewHTTPServer(ThreadingHTTPServer):
    daemon_threads = True  # open event streams must not keep the process alive
    # Connections the system queues until the server accepts them (socketserver's own is 5):
    # a browser opening a page's files, several tabs or a busy rebuild can need many more.
    request_queue_size = 128
    preview: Site

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler]) -> None:
        self.connections: set[socket.socket] = set()  # open ones, closed by close_connections
        self._connections_lock = threading.Lock()
        super().__init__(address, handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        # Tracked here, in the serving loop, not in the handler's thread: a connection accepted
        # just before stop() is then always closed by it.
        self.track(request, True)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        self.track(request, False)
        super().shutdown_request(request)

    def track(self, connection: socket.socket, is_open: bool) -> None:
        with self._connections_lock:
            (self.connections.add if is_open else self.connections.discard)(connection)

    def close_connections(self) -> None:
        """End kept-alive connections, so a stopped preview answers nothing more."""
        with self._connections_lock:
            for connection in self.connections:
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # socketserver prints tracebacks to stderr; library code logs instead.
        log.debug("request from %s failed", client_address, exc_info=True)


class HTTPServer6(PreviewHTTPServer):
    address_family = socket.AF_INET6


def bind(host: str, port: int, fixed: bool) -> PreviewHTTPServer:
    """Listen on ``port``, or (unless ``fixed``) the next free one; clear errors otherwise."""
    server_class = HTTPServer6 if ":" in host else PreviewHTTPServer
    last = port + (0 if fixed else PORT_TRIES - 1)
    for candidate in range(port, min(last, 65535) + 1):
        try:
            return server_class((host, candidate), RequestHandler)
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


class RequestHandler(BaseHTTPRequestHandler):
    """HTTP/1.1 with keep-alive: a reload reuses its connections instead of opening new ones.

    Each response leaves in one piece (headers and a small body buffered together, then
    flushed without Nagle's wait), so the browser never waits for a delayed acknowledgement.
    """

    server: PreviewHTTPServer
    server_version = "cmaltgen-serve"
    protocol_version = "HTTP/1.1"
    wbufsize = 64 * 1024
    disable_nagle_algorithm = True
    timeout = IDLE_SECONDS

    def do_GET(self) -> None:
        self._answer(body=True)

    def do_HEAD(self) -> None:
        self._answer(body=False)

    def _answer(self, body: bool) -> None:
        preview = self.server.preview
        if self.headers.get("Content-Length", "0") != "0" or "Transfer-Encoding" in self.headers:
            self.close_connection = True  # a body is never read: do not parse it as a request
        refused = preview.refuse(self._hosts())
        if refused is not None:  # before anything else: pages, events, status, errors
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self._send(refused, body)
            return
        path = self.path.split("?", 1)[0]
        if path == reload.EVENTS_PATH and body:
            reload.send_events(self, preview)
            return
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the tab went away
            self._send(preview.respond(self.path), body)

    def _hosts(self) -> list[str] | None:
        """The host the request names. A target in absolute form (``GET http://host/path``, as
        sent to proxies) names it instead of ``Host`` (RFC 9112 3.2.2): checked the same way,
        and the path alone kept."""
        if not _ABSOLUTE.match(self.path):
            return self.headers.get_all("Host")
        try:
            parts = urlsplit(self.path)
        except ValueError:  # an unreadable address, such as an unclosed [: refused
            return ["[unreadable"]
        self.path = urlunsplit(("", "", parts.path or "/", parts.query, ""))
        return [parts.netloc]

    def _send(self, response: Response, body: bool) -> None:
        stream = None
        if response.file is not None:
            try:  # a file swapped for a pipe since the build is refused, not waited on
                stream = os.fdopen(open_regular(response.file), "rb")
            except OSError:
                response = Response(404, "text/plain; charset=utf-8", b"404 Not Found\n")
        try:
            kind, headers = response.content_type, response.headers
            if stream is None:
                caching = PAGE_CACHING
                if response.revalidate and response.status == HTTPStatus.OK:
                    caching, headers = FILE_CACHING, {**headers, "ETag": body_etag(response.body)}
                    if fresh(self.headers.get("If-None-Match"), headers["ETag"]):
                        self._start(HTTPStatus.NOT_MODIFIED, kind, None, caching, headers)
                        return
                self._start(response.status, kind, len(response.body), caching, headers)
                if body:
                    self.wfile.write(response.body)
                return
            # Size the file we opened, so a save in between cannot mismatch Content-Length.
            info = os.fstat(stream.fileno())
            headers = {**headers, "ETag": etag(info)}
            if fresh(self.headers.get("If-None-Match"), headers["ETag"]):
                self._start(HTTPStatus.NOT_MODIFIED, kind, None, FILE_CACHING, headers)
                return
            headers["Accept-Ranges"] = "bytes"  # a video can be played from any point
            wanted = self._range(info.st_size, headers["ETag"])
            if wanted is None:
                self._start(response.status, kind, info.st_size, FILE_CACHING, headers)
            elif not wanted:
                headers["Content-Range"] = f"bytes */{info.st_size}"
                self._start(
                    HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE, kind, 0, "no-store", headers
                )
                return
            else:
                headers["Content-Range"] = f"bytes {wanted.start}-{wanted.stop - 1}/{info.st_size}"
                self._start(HTTPStatus.PARTIAL_CONTENT, kind, len(wanted), FILE_CACHING, headers)
                stream.seek(wanted.start)
            if body:
                self._copy(stream, info.st_size if wanted is None else len(wanted))
        finally:
            if stream is not None:
                stream.close()

    def _range(self, size: int, tag: str) -> range | None:
        """The part of a file the request asks for; None for all of it, as when ``If-Range``
        names an older copy of the file."""
        if_range = self.headers.get("If-Range")
        if if_range is not None and if_range.strip() != tag:
            return None
        return byte_range(self.headers.get("Range"), size)

    def _copy(self, stream: BinaryIO, size: int) -> None:
        """Exactly ``size`` bytes: a file rewritten meanwhile must not spill into the next
        response on this connection; one cut short closes it, so the browser sees that."""
        left = size
        while left and (chunk := stream.read(min(left, COPY_BYTES))):
            self.wfile.write(chunk)
            left -= len(chunk)
        if left:
            self.close_connection = True

    def _start(
        self, status: int, kind: str, size: int | None, caching: str, extra: dict[str, str]
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        if size is not None:  # None for a 304, which has no body
            self.send_header("Content-Length", str(size))
        self.send_header("Cache-Control", caching)
        for name, value in extra.items():
            self.send_header(name, value)
        self.end_headers()

    def end_headers(self) -> None:
        # Every response, http.server's own errors (400, 414, 431, 501) and the events too.
        self.send_header("X-Content-Type-Options", "nosniff")
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        log.debug("%s " + format, self.address_string(), *args)
