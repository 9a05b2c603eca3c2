"""One bounded HTTP(S) GET of an untrusted address: the transport of url members' manifests.

Each request has one deadline (name lookup, connecting, every redirect and the whole body
together, enforced by a watchdog that shuts the socket however slowly a server trickles), a
size cap that holds whatever Content-Length claims and a redirect limit (http and https only).
Every failure is a :class:`~cmaltgen.cohort.manifest_check.Problem` in plain words.
"""

from __future__ import annotations

import contextlib
import http
import http.client
import ipaddress
import re
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

from cmaltgen import __version__
from cmaltgen.cohort.manifest_check import Problem, shown

USER_AGENT = f"cmaltgen/{__version__}"
_REDIRECTS = (301, 302, 303, 307, 308)
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class Limits:
    timeout: float
    max_bytes: int
    max_redirects: int


@dataclass(frozen=True)
class Answer:
    status: int  # 200 or 304
    body: bytes
    content_type: str
    etag: str | None
    last_modified: str | None


def check_address(url: str) -> None:
    where = shown(url)
    if re.search(r"[\s\x00-\x1f\x7f]", url):
        raise Problem(f"the address {where!r} contains spaces or control characters")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises ValueError for a port that is not a number)
    except ValueError:
        raise Problem(f"the address {where!r} is not a valid web address") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise Problem(
            f"the address {where!r} is not a web address: it must start with https:// or http://"
        )
    if not parts.hostname:
        raise Problem(f"the address {where!r} has no host name")


def get(url: str, conditional: dict[str, str], limits: Limits) -> Answer:
    """GET ``url``, following at most ``max_redirects`` http(s) redirects, by one deadline."""
    deadline = time.monotonic() + limits.timeout
    seen = {url}
    for _ in range(limits.max_redirects + 1):
        got = _exchange(url, conditional, deadline, limits)
        if isinstance(got, Answer):
            return got
        try:
            target = urljoin(url, got)
            check_address(target)
        except (Problem, ValueError):
            target = got
            raise Problem(
                f"the site redirects to {shown(target)!r}, which is not a web address"
            ) from None
        if target in seen:
            raise Problem(f"the site redirects in a loop (back to {shown(target)!r})")
        seen.add(target)
        url = target
    raise Problem(f"the site redirects more than {limits.max_redirects} times")


def _exchange(
    url: str, conditional: dict[str, str], deadline: float, limits: Limits
) -> Answer | str:
    """One request: the answer, or a redirect's Location."""
    parts = urlsplit(url)
    try:
        host = (parts.hostname or "").encode("idna").decode("ascii")
    except UnicodeError:
        raise Problem(f"the host name in {shown(url)!r} is not valid") from None
    secure = parts.scheme.lower() == "https"
    watchdog = _Watchdog(deadline)
    connection = _Connection(host, parts.port, limits.timeout, deadline, watchdog, secure)
    try:
        connection.request("GET", _target(parts.path, parts.query), headers=_headers(conditional))
        response = connection.getresponse()
        got = _answer(response, deadline, limits)
        if watchdog.fired:
            raise TimeoutError
        return got
    except Problem:
        if watchdog.fired:
            raise Problem(too_slow(limits.timeout)) from None
        raise
    except (OSError, http.client.HTTPException, ValueError) as exc:
        written = parts.hostname or host  # bücher.de, not xn--bcher-kva.de
        raise Problem(_network_reason(exc, written, watchdog.fired, limits.timeout)) from None
    finally:
        watchdog.cancel()
        connection.close()


def _target(path: str, query: str) -> str:
    safe = "/%:@!$&'()*+,;=~-._"
    return quote(path or "/", safe=safe) + ("?" + quote(query, safe=safe + "?") if query else "")


def _headers(conditional: dict[str, str]) -> dict[str, str]:
    return {
        "User-Agent": USER_AGENT,
        "Accept": "application/json",
        "Accept-Encoding": "identity",
        "Connection": "close",
        **conditional,
    }


def _answer(response: http.client.HTTPResponse, deadline: float, limits: Limits) -> Answer | str:
    status = response.status
    if status in _REDIRECTS:
        location = response.getheader("Location")
        if not location:
            raise Problem(f"the site answered HTTP {status} (a redirect) without saying where to")
        return location.strip()
    etag = validator(response.getheader("ETag"))
    modified = validator(response.getheader("Last-Modified"))
    if status == 304:
        return Answer(304, b"", "", etag, modified)
    if status != 200:
        raise Problem(_status_reason(status))
    encoding = (response.getheader("Content-Encoding") or "identity").strip().lower()
    if encoding != "identity":
        raise Problem(f"the site sent portfolio.json compressed ({shown(encoding)}) unasked")
    body = _read_body(response, deadline, limits.max_bytes)
    return Answer(200, body, response.getheader("Content-Type") or "", etag, modified)


def _read_body(response: http.client.HTTPResponse, deadline: float, max_bytes: int) -> bytes:
    """The body, in chunks, never more than ``max_bytes`` whatever Content-Length says."""
    declared = (response.getheader("Content-Length") or "").strip()
    too_big = f"portfolio.json is larger than {_size(max_bytes)}, the most a hub accepts"
    if declared.isascii() and declared.isdigit() and int(declared) > max_bytes:
        raise Problem(too_big)
    chunks: list[bytes] = []
    total = 0
    while chunk := response.read1(_CHUNK):
        total += len(chunk)
        if total > max_bytes:
            raise Problem(too_big)
        if time.monotonic() > deadline:
            raise TimeoutError
        chunks.append(chunk)
    if declared.isascii() and declared.isdigit() and total < int(declared):
        raise Problem("the connection closed before the whole of portfolio.json arrived")
    return b"".join(chunks)


def validator(value: str | None) -> str | None:
    """An ETag or Last-Modified we may send back: printable ASCII, not too long."""
    if value and re.fullmatch(r"[\x20-\x7e]{1,1000}", value.strip()):
        return value.strip()
    return None


def _status_reason(status: int) -> str:
    try:
        code = f"HTTP {status} {http.HTTPStatus(status).phrase}"
    except ValueError:
        code = f"HTTP {status}"
    if status in (404, 410):
        return (
            f"there is no portfolio.json at that address ({code}): check the address, and that "
            "the site is built with a cmaltgen version that publishes portfolio.json"
        )
    if status in (401, 403):
        return f"the site refused access to portfolio.json ({code}): is the site public?"
    if status == 429:
        return f"the site asked cmaltgen to slow down ({code}): try again later"
    if 400 <= status < 500:
        return f"the site refused the request ({code})"
    if status >= 500:
        return f"the site's server failed ({code}): try again later"
    return f"the site answered {code} instead of sending portfolio.json"


def _network_reason(exc: BaseException, host: str, fired: bool, timeout: float) -> str:
    if fired or isinstance(exc, TimeoutError):
        return too_slow(timeout)
    if isinstance(exc, _LookupFailed):
        return f"the host name {shown(host)!r} could not be found: check the address"
    if isinstance(exc, ConnectionRefusedError):
        return "the site refused the connection: its server is down or the address is wrong"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"the site's security certificate is not valid ({shown(exc.verify_message)})"
    if isinstance(exc, ssl.SSLError):
        return "a secure (https) connection to the site could not be made"
    if isinstance(exc, (ConnectionError, http.client.RemoteDisconnected)):
        return "the site closed the connection before answering"
    if isinstance(exc, http.client.BadStatusLine):
        return "the site's answer is not HTTP: is the port in the address right?"
    if isinstance(exc, http.client.IncompleteRead):
        return "the connection closed before the whole of portfolio.json arrived"
    if isinstance(exc, OSError) and exc.errno in (101, 113):
        return "the site cannot be reached from here (no route to it): is the network up?"
    return f"the site could not be fetched ({shown(str(exc) or type(exc).__name__)})"


def too_slow(timeout: float) -> str:
    unit = "second" if timeout == 1 else "seconds"
    return f"the site did not send portfolio.json within {timeout:g} {unit}"


class _LookupFailed(OSError):
    """The host name does not resolve."""


class _Watchdog:
    """Shuts the connection's socket at the deadline, however slowly the server trickles.

    Socket timeouts limit each read, not the whole answer: a server sending a byte every half
    second would never trip one. The watchdog holds a duplicate of the socket, so shutting it
    also interrupts a TLS handshake or a read inside http.client.
    """

    def __init__(self, deadline: float) -> None:
        self.fired = False
        self._lock = threading.Lock()
        self._socket: socket.socket | None = None
        self._timer = threading.Timer(max(0.0, deadline - time.monotonic()), self._fire)
        self._timer.daemon = True
        self._timer.start()

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self._socket = sock.dup()
            if self.fired:
                self._shut()

    def cancel(self) -> None:
        self._timer.cancel()
        with self._lock:
            if self._socket is not None:
                self._socket.close()
                self._socket = None

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            self._shut()

    def _shut(self) -> None:
        if self._socket is not None:
            with contextlib.suppress(OSError):  # already closed by the other end
                self._socket.shutdown(socket.SHUT_RDWR)


_TLS: ssl.SSLContext | None = None
_TLS_LOCK = threading.Lock()


def _tls() -> ssl.SSLContext:
    global _TLS
    with _TLS_LOCK:
        if _TLS is None:
            _TLS = ssl.create_default_context()
        return _TLS


class _Connection(http.client.HTTPConnection):
    """HTTP or HTTPS whose name lookup and connect share the request's deadline."""

    def __init__(
        self,
        host: str,
        port: int | None,
        timeout: float,
        deadline: float,
        watchdog: _Watchdog,
        secure: bool,
    ) -> None:
        self.default_port = 443 if secure else 80
        super().__init__(host, port or self.default_port, timeout=timeout)
        self._deadline, self._watchdog, self._secure = deadline, watchdog, secure

    def connect(self) -> None:
        sock = _open(self.host, self.port, self._deadline, self.timeout)
        self._watchdog.watch(sock)
        if self._secure:
            sock = _tls().wrap_socket(sock, server_hostname=self.host)
        self.sock = sock


def _open(host: str, port: int, deadline: float, timeout: float | None) -> socket.socket:
    failure: OSError = _LookupFailed("no address")
    for family, kind, proto, _, address in _resolve(host, port, deadline):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError
        sock = socket.socket(family, kind, proto)
        try:
            sock.settimeout(min(timeout or remaining, remaining))
            sock.connect(address)
            sock.settimeout(timeout)
            return sock
        except OSError as exc:
            sock.close()
            failure = exc
    raise failure


_Address = tuple[Any, ...]


def _resolve(
    host: str, port: int, deadline: float
) -> list[tuple[socket.AddressFamily, socket.SocketKind, int, str, _Address]]:
    """Look ``host`` up, giving up at the deadline (the resolver ignores socket timeouts)."""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return list(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
    found: list[Any] = []

    def look() -> None:
        try:
            found.append(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except (OSError, UnicodeError) as exc:
            found.append(exc)

    thread = threading.Thread(target=look, name="cmaltgen-lookup", daemon=True)
    thread.start()
    thread.join(max(0.0, deadline - time.monotonic()))
    if not found:
        raise TimeoutError
    if isinstance(found[0], (OSError, UnicodeError)):
        raise _LookupFailed(str(found[0]))
    addresses: list[tuple[socket.AddressFamily, socket.SocketKind, int, str, _Address]]
    addresses = found[0]
    return addresses


def _size(count: int) -> str:
    if count >= 1024 * 1024:
        return f"{count / (1024 * 1024):g} MB"
    return f"{count / 1024:g} KB" if count >= 1024 else f"{count} bytes"
