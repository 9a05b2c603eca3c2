"""Fetching url members' portfolio.json: untrusted input, fetched with limits and cached.

A cohort hub reads each ``url:`` member's published manifest. Everything about it is treated
as hostile: the address, the server's answers and the document itself. Each fetch has one
deadline (connecting, every redirect and the whole body together), a size cap that holds
whatever Content-Length claims, a redirect limit (http and https only), and the document is
checked for nesting depth *before* it is parsed, then against manifest format version 1.

The last good copy of each manifest is cached as plain JSON (one file per address, written
atomically) with its ETag and Last-Modified, so a rebuild asks "has it changed?" and downloads
nothing that did not; ``offline`` reads the cache alone. Any failure gives a warning in plain
words and the last known data, marked stale with the date of the last good fetch.
Nothing here raises for a network or content problem.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import datetime as dt
import hashlib
import http
import http.client
import ipaddress
import json
import logging
import re
import socket
import ssl
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

from cmaltgen import __version__, atomic
from cmaltgen.cohort.manifest_check import (
    Problem,
    checked,
    no_constant,
    parse_manifest,
    shown,
    too_deep,
)

log = logging.getLogger(__name__)

USER_AGENT = f"cmaltgen/{__version__}"
MANIFEST_FILE = "portfolio.json"
CACHE_FORMAT = "cmaltgen remote manifest cache"
CACHE_VERSION = 1
_REDIRECTS = (301, 302, 303, 307, 308)
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class Fetched:
    """What the hub knows about one url member after fetching."""

    data: dict[str, Any] | None  # the parsed, validated manifest (None if never fetched OK)
    stale_since: dt.date | None  # set when data comes from the cache because this fetch failed
    warning: str | None  # plain words naming the reason (the caller adds the member's name)
    from_cache: bool = False  # 304 Not Modified, or --offline


@dataclass(frozen=True)
class _Limits:
    timeout: float
    max_bytes: int
    max_redirects: int


@dataclass(frozen=True)
class _Answer:
    status: int  # 200 or 304
    body: bytes
    content_type: str
    etag: str | None
    last_modified: str | None


@dataclass(frozen=True)
class _Entry:
    """One cache file: the last good manifest fetched from ``url``."""

    url: str
    etag: str | None
    last_modified: str | None
    fetched: dt.date
    data: dict[str, Any]


def fetch_all(
    requests: Sequence[tuple[str, str]],
    cache_dir: Path,
    *,
    offline: bool = False,
    timeout: float = 10.0,
    workers: int = 16,
    max_bytes: int = 2 * 1024 * 1024,
    max_redirects: int = 5,
) -> dict[str, Fetched]:
    """Fetch each (member key, site url)'s portfolio.json concurrently; one result per key.

    The same address given for several members is fetched once. ``offline`` uses no network.
    """
    limits = _Limits(timeout, max_bytes, max_redirects)
    urls = list(dict.fromkeys(url for _, url in requests))
    today = dt.date.today()

    def one(url: str) -> Fetched:
        return _fetch_one(url, cache_dir, offline, limits, today)

    if offline or len(urls) <= 1:
        results = {url: one(url) for url in urls}
    else:
        count = max(1, min(workers, len(urls)))
        with concurrent.futures.ThreadPoolExecutor(count, "cmaltgen-fetch") as pool:
            results = dict(zip(urls, pool.map(one, urls), strict=True))
    return {key: results[url] for key, url in requests}


def manifest_url(site_url: str) -> str:
    """Where a cmaltgen site publishes its manifest (ValueError for an address urlsplit refuses).

    The address of the site's home page, with or without its final slash or ``index.html``,
    or of portfolio.json itself, all lead to the same place.
    """
    last = urlsplit(site_url).path.rsplit("/", 1)[-1]
    if last == MANIFEST_FILE:
        return site_url
    if last.lower().endswith((".html", ".htm")):
        return urljoin(site_url, MANIFEST_FILE)
    return urljoin(site_url if site_url.endswith("/") else site_url + "/", MANIFEST_FILE)


def _fetch_one(
    site_url: str, cache_dir: Path, offline: bool, limits: _Limits, today: dt.date
) -> Fetched:
    try:
        _check_address(site_url)
    except Problem as problem:
        return Fetched(None, None, problem.reason)
    url = manifest_url(site_url)
    cache_file = cache_dir / (hashlib.sha256(url.encode("utf-8", "replace")).hexdigest() + ".json")
    entry = _load_cache(cache_file, url, limits.max_bytes)
    if offline:
        if entry is None:
            return Fetched(None, None, "not fetched yet; run without --offline")
        return Fetched(entry.data, None, None, from_cache=True)
    try:
        conditional = _conditional(entry)
        answer = _get(url, conditional, limits)
        if answer.status == 304:
            return _not_modified(entry if conditional else None, answer, cache_file, today)
        data = parse_manifest(answer.body, answer.content_type)
    except Problem as problem:
        log.debug("fetching %s failed: %s", url, problem.reason)
        if entry is None:
            return Fetched(None, None, problem.reason)
        return Fetched(entry.data, entry.fetched, problem.reason)
    _save_cache(cache_file, _Entry(url, answer.etag, answer.last_modified, today, data))
    return Fetched(data, None, None)


def _not_modified(
    entry: _Entry | None, answer: _Answer, cache_file: Path, today: dt.date
) -> Fetched:
    if entry is None:  # we sent no validators, so the server cannot know what we have
        raise Problem("the site answered 304 Not Modified to a request that was not conditional")
    fresh = replace(
        entry,
        fetched=today,
        etag=answer.etag or entry.etag,
        last_modified=answer.last_modified or entry.last_modified,
    )
    if fresh != entry:
        _save_cache(cache_file, fresh)
    return Fetched(entry.data, None, None, from_cache=True)


def _conditional(entry: _Entry | None) -> dict[str, str]:
    headers: dict[str, str] = {}
    if entry is not None and entry.etag:
        headers["If-None-Match"] = entry.etag
    if entry is not None and entry.last_modified:
        headers["If-Modified-Since"] = entry.last_modified
    return headers


# ------------------------------------------------------------------------------- network


def _check_address(url: str) -> None:
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


def _get(url: str, conditional: dict[str, str], limits: _Limits) -> _Answer:
    """GET ``url``, following at most ``max_redirects`` http(s) redirects, by one deadline."""
    deadline = time.monotonic() + limits.timeout
    seen = {url}
    for _ in range(limits.max_redirects + 1):
        got = _exchange(url, conditional, deadline, limits)
        if isinstance(got, _Answer):
            return got
        try:
            target = urljoin(url, got)
            _check_address(target)
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
    url: str, conditional: dict[str, str], deadline: float, limits: _Limits
) -> _Answer | str:
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
            raise Problem(_too_slow(limits.timeout)) from None
        raise
    except (OSError, http.client.HTTPException, ValueError) as exc:
        raise Problem(_network_reason(exc, host, watchdog.fired, limits.timeout)) from None
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


def _answer(response: http.client.HTTPResponse, deadline: float, limits: _Limits) -> _Answer | str:
    status = response.status
    if status in _REDIRECTS:
        location = response.getheader("Location")
        if not location:
            raise Problem(f"the site answered HTTP {status} (a redirect) without saying where to")
        return location.strip()
    etag = _validator(response.getheader("ETag"))
    modified = _validator(response.getheader("Last-Modified"))
    if status == 304:
        return _Answer(304, b"", "", etag, modified)
    if status != 200:
        raise Problem(_status_reason(status))
    encoding = (response.getheader("Content-Encoding") or "identity").strip().lower()
    if encoding != "identity":
        raise Problem(f"the site sent portfolio.json compressed ({shown(encoding)}) unasked")
    body = _read_body(response, deadline, limits.max_bytes)
    return _Answer(200, body, response.getheader("Content-Type") or "", etag, modified)


def _read_body(response: http.client.HTTPResponse, deadline: float, max_bytes: int) -> bytes:
    """The body, in chunks, never more than ``max_bytes`` whatever Content-Length says."""
    declared = (response.getheader("Content-Length") or "").strip()
    too_big = f"portfolio.json is larger than {_size(max_bytes)}, the most a hub accepts"
    if declared.isdigit() and int(declared) > max_bytes:
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
    if declared.isdigit() and total < int(declared):
        raise Problem("the connection closed before the whole of portfolio.json arrived")
    return b"".join(chunks)


def _validator(value: str | None) -> str | None:
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
        return _too_slow(timeout)
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


def _too_slow(timeout: float) -> str:
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


# -------------------------------------------------------------------------------- cache


def _load_cache(path: Path, url: str, max_bytes: int) -> _Entry | None:
    """The cached entry for ``url``; None for a missing, corrupt, foreign or old file."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(4 * max_bytes + 65536 + 1)
    except OSError:
        return None
    try:
        return _entry(raw, url, max_bytes)
    except (Problem, ValueError, TypeError, KeyError) as exc:
        log.info("ignoring the fetch cache file %s: %s", path, exc)
        return None


def _entry(raw: bytes, url: str, max_bytes: int) -> _Entry | None:
    if len(raw) > 4 * max_bytes + 65536:
        raise ValueError("too large")
    text = raw.decode("utf-8")
    if too_deep(text):
        raise ValueError("nested too deeply")
    record = json.loads(text, parse_constant=no_constant)
    if not isinstance(record, dict) or record.get("format") != CACHE_FORMAT:
        raise ValueError("not a cmaltgen fetch cache file")
    if record.get("version") != CACHE_VERSION or record.get("url") != url:
        raise ValueError("another version, or another address")
    etag, modified = record.get("etag"), record.get("last_modified")
    if etag != _validator(etag) or modified != _validator(modified):
        raise ValueError("unusable validators")
    fetched = dt.date.fromisoformat(record["fetched"])
    return _Entry(url, etag, modified, fetched, checked(record["data"]))


def _save_cache(path: Path, entry: _Entry) -> None:
    """Write ``entry`` atomically (temporary file, then replace); a failure only logs."""
    record = {
        "format": CACHE_FORMAT,
        "version": CACHE_VERSION,
        "url": entry.url,
        "etag": entry.etag,
        "last_modified": entry.last_modified,
        "fetched": entry.fetched.isoformat(),
        "data": entry.data,
    }
    try:
        _make_cache_dir(path.parent)
        atomic.write_bytes(path, json.dumps(record, ensure_ascii=False).encode("utf-8"))
    except OSError as exc:
        log.warning("could not write the fetch cache %s: %s", path, exc)


def _make_cache_dir(folder: Path) -> None:
    """Create the cache folder with a .gitignore, so the cache is never committed."""
    folder.mkdir(parents=True, exist_ok=True)
    try:
        with (folder / ".gitignore").open("x", encoding="utf-8") as ignore:
            ignore.write("# written by cmaltgen: the cohort fetch cache is not for git\n*\n")
    except FileExistsError:
        pass
