"""``--download``: fetch a WordPress site's attachments so the portfolio keeps its own copies.

Only http(s) addresses, each file at most ``max_bytes``, at most three redirects (never to
another kind of address), a timeout on every read and on the whole file. A server that sends
a web page where a file was expected (a login or error page) is not saved. A failure is a
warning and the evidence item keeps the attachment's address.
"""

from __future__ import annotations

import contextlib
import http.client
import mimetypes
import socket
import ssl
import threading
import time
import urllib.error
import urllib.request
from http.client import HTTPMessage
from typing import IO, Any
from urllib.parse import urlsplit

from cmaltgen import __version__
from cmaltgen.diagnostics import Diagnostics
from cmaltgen.importers.evidence import Asset
from cmaltgen.importers.names import safe_name

MAX_BYTES = 50 * 1024 * 1024
_CHUNK = 64 * 1024


class DownloadError(Exception):
    """Why one attachment was not downloaded, in plain words."""


class _Redirects(urllib.request.HTTPRedirectHandler):
    max_redirections = 3

    def redirect_request(
        self, req: Any, fp: IO[bytes], code: int, msg: str, headers: HTTPMessage, newurl: str
    ) -> urllib.request.Request | None:
        if urlsplit(newurl).scheme not in ("http", "https"):
            raise DownloadError(f"it redirects to {newurl}, which is not a web address")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class _Watched(urllib.request.HTTPHandler, urllib.request.HTTPSHandler):
    """http(s) for one download, whose sockets are shut at its deadline: socket timeouts
    limit each read, so a server sending its headers a byte a second would never trip one."""

    def __init__(self, seconds: float) -> None:
        self.tls = ssl.create_default_context()
        super().__init__(context=self.tls)
        self.fired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True
        self._timer.start()

    def http_open(self, req: Any) -> http.client.HTTPResponse:
        return self.do_open(self._kind(http.client.HTTPConnection), req)

    def https_open(self, req: Any) -> http.client.HTTPResponse:
        return self.do_open(self._kind(http.client.HTTPSConnection), req, context=self.tls)

    def _kind(self, base: type[http.client.HTTPConnection]) -> Any:
        watch = self._watch

        class Connection(base):  # type: ignore[valid-type,misc]
            def connect(self) -> None:
                super().connect()
                watch(self.sock)

        return Connection

    def _watch(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            if self.fired:
                self._shut(sock)

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            for sock in self._sockets:
                self._shut(sock)

    @staticmethod
    def _shut(sock: socket.socket) -> None:
        with contextlib.suppress(OSError):  # the base class's, which leaves TLS state alone
            socket.socket.shutdown(sock, socket.SHUT_RDWR)

    def cancel(self) -> None:
        self._timer.cancel()


class Downloader:
    """Callable: a URL to an Asset, or None with the reason kept in ``problems``."""

    def __init__(self, max_bytes: int = MAX_BYTES, timeout: float = 20.0) -> None:
        self.max_bytes = max_bytes
        self.timeout = timeout
        self.problems = Diagnostics()
        self._done: dict[str, Asset | None] = {}

    def __call__(self, url: str) -> Asset | None:
        if url not in self._done:
            try:
                self._done[url] = self._get(url)
            except DownloadError as exc:
                self._done[url] = None
                self.problems.add(
                    "import-download",
                    f"{url} was not downloaded: {exc}",
                    hint="its evidence item points at the address instead; download it "
                    "yourself if the site will close",
                )
        return self._done[url]

    def _get(self, url: str) -> Asset:
        if urlsplit(url).scheme not in ("http", "https"):
            raise DownloadError("only http:// and https:// addresses are downloaded")
        watched = _Watched(self.timeout * 3)  # the whole file, headers and redirects included
        try:
            asset: Asset | None = self._fetch(
                url, urllib.request.build_opener(_Redirects(), watched)
            )
        except DownloadError:
            if not watched.fired:
                raise
            asset = None
        finally:
            watched.cancel()
        if asset is None or watched.fired:  # shut mid-answer, which can look like its end
            raise DownloadError("it took too long to download")
        return asset

    def _fetch(self, url: str, opener: urllib.request.OpenerDirector) -> Asset:
        request = urllib.request.Request(url, headers={"User-Agent": f"cmaltgen/{__version__}"})
        try:
            with opener.open(request, timeout=self.timeout) as response:
                ctype = response.headers.get_content_type()
                _check_type(url, ctype)
                data = self._read(response)
        except urllib.error.HTTPError as exc:
            if 300 <= exc.code < 400:
                raise DownloadError(
                    "it redirects somewhere cmaltgen does not follow (not a web address, or "
                    "too many redirects)"
                ) from None
            raise DownloadError(f"the server answered {exc.code} {exc.reason}") from None
        except urllib.error.URLError as exc:
            raise DownloadError(f"the server could not be reached ({exc.reason})") from None
        except (TimeoutError, OSError) as exc:
            raise DownloadError(f"the server stopped answering ({exc})") from None
        except http.client.HTTPException as exc:  # a garbled or cut-short answer
            raise DownloadError(f"the server's answer is not usable HTTP ({_shown(exc)})") from None
        except ValueError:  # a redirect to "http://[bad", which urllib cannot even split
            raise DownloadError("it redirects to an address that is not valid") from None
        return Asset(_name(url, ctype), data)

    def _read(self, response: Any) -> bytes:
        given = response.headers.get("Content-Length") or ""
        declared = int(given) if given.isascii() and given.isdigit() else None  # not "²"
        if declared is not None and declared > self.max_bytes:
            raise DownloadError(f"it is larger than {self.max_bytes // (1024 * 1024)} MB")
        deadline = time.monotonic() + self.timeout * 3
        chunks: list[bytes] = []
        size = 0
        # read1: what has arrived, so a server sending a byte at a time meets the deadline
        while chunk := response.read1(_CHUNK):
            size += len(chunk)
            if size > self.max_bytes:
                raise DownloadError(f"it is larger than {self.max_bytes // (1024 * 1024)} MB")
            if time.monotonic() > deadline:
                raise DownloadError("it took too long to download")
            chunks.append(chunk)
        if declared is not None and size < declared:
            raise DownloadError("the connection closed before the whole file arrived")
        return b"".join(chunks)


def _shown(exc: Exception) -> str:
    """An HTTP error from the server, quoted as one short printable line."""
    text = " ".join("".join(c if c.isprintable() else " " for c in str(exc)).split())
    return text[:80] or type(exc).__name__


def _check_type(url: str, ctype: str) -> None:
    guessed, _ = mimetypes.guess_type(urlsplit(url).path)
    if ctype == "text/html" and guessed != "text/html":
        raise DownloadError(
            "the server sent a web page instead of the file (perhaps a login or error page)"
        )
    family = guessed.split("/")[0] if guessed else ""
    loose = ctype == "application/octet-stream"
    if family in ("image", "video", "audio") and ctype.split("/")[0] != family and not loose:
        raise DownloadError(f"the server sent {ctype}, not the {guessed} its name promises")


def _name(url: str, ctype: str) -> str:
    name = safe_name(url, default="attachment")
    if "." not in name:
        name += mimetypes.guess_extension(ctype) or ""
    return name
