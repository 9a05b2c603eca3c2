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

log = logging.getLogger(__name__)

USER_AGENT = f"cmaltgen/{__version__}"
MANIFEST_FILE = "portfolio.json"
VERSION = 1  # the manifest format this reader understands
MAX_DEPTH = 64  # of nested lists and objects; checked before parsing
MAX_SECTIONS = 200
MAX_EVIDENCE = 5000
MAX_TEXT = 10_000  # characters in any one string
MAX_COUNT = 10_000_000  # words or evidence items in one section
CACHE_FORMAT = "cmaltgen remote manifest cache"
CACHE_VERSION = 1
STATUSES = ("started", "drafting", "submitted", "awarded", "resubmitting")
SECTION_STATUSES = ("missing", "draft", "stub", "written")
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


class _Problem(Exception):
    """A fetch or content problem, in plain words; never leaves this module."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


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
    except _Problem as problem:
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
        data = _parse(answer.body, answer.content_type)
    except _Problem as problem:
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
        raise _Problem("the site answered 304 Not Modified to a request that was not conditional")
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
    shown = _shown(url)
    if re.search(r"[\s\x00-\x1f\x7f]", url):
        raise _Problem(f"the address {shown!r} contains spaces or control characters")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises ValueError for a port that is not a number)
    except ValueError:
        raise _Problem(f"the address {shown!r} is not a valid web address") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise _Problem(
            f"the address {shown!r} is not a web address: it must start with https:// or http://"
        )
    if not parts.hostname:
        raise _Problem(f"the address {shown!r} has no host name")


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
        except (_Problem, ValueError):
            target = got
            raise _Problem(
                f"the site redirects to {_shown(target)!r}, which is not a web address"
            ) from None
        if target in seen:
            raise _Problem(f"the site redirects in a loop (back to {_shown(target)!r})")
        seen.add(target)
        url = target
    raise _Problem(f"the site redirects more than {limits.max_redirects} times")


def _exchange(
    url: str, conditional: dict[str, str], deadline: float, limits: _Limits
) -> _Answer | str:
    """One request: the answer, or a redirect's Location."""
    parts = urlsplit(url)
    try:
        host = (parts.hostname or "").encode("idna").decode("ascii")
    except UnicodeError:
        raise _Problem(f"the host name in {_shown(url)!r} is not valid") from None
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
    except _Problem:
        if watchdog.fired:
            raise _Problem(_too_slow(limits.timeout)) from None
        raise
    except (OSError, http.client.HTTPException, ValueError) as exc:
        raise _Problem(_network_reason(exc, host, watchdog.fired, limits.timeout)) from None
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
            raise _Problem(f"the site answered HTTP {status} (a redirect) without saying where to")
        return location.strip()
    etag = _validator(response.getheader("ETag"))
    modified = _validator(response.getheader("Last-Modified"))
    if status == 304:
        return _Answer(304, b"", "", etag, modified)
    if status != 200:
        raise _Problem(_status_reason(status))
    encoding = (response.getheader("Content-Encoding") or "identity").strip().lower()
    if encoding != "identity":
        raise _Problem(f"the site sent portfolio.json compressed ({_shown(encoding)}) unasked")
    body = _read_body(response, deadline, limits.max_bytes)
    return _Answer(200, body, response.getheader("Content-Type") or "", etag, modified)


def _read_body(response: http.client.HTTPResponse, deadline: float, max_bytes: int) -> bytes:
    """The body, in chunks, never more than ``max_bytes`` whatever Content-Length says."""
    declared = (response.getheader("Content-Length") or "").strip()
    too_big = f"portfolio.json is larger than {_size(max_bytes)}, the most a hub accepts"
    if declared.isdigit() and int(declared) > max_bytes:
        raise _Problem(too_big)
    chunks: list[bytes] = []
    total = 0
    while chunk := response.read1(_CHUNK):
        total += len(chunk)
        if total > max_bytes:
            raise _Problem(too_big)
        if time.monotonic() > deadline:
            raise TimeoutError
        chunks.append(chunk)
    if declared.isdigit() and total < int(declared):
        raise _Problem("the connection closed before the whole of portfolio.json arrived")
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
        return f"the host name {_shown(host)!r} could not be found: check the address"
    if isinstance(exc, ConnectionRefusedError):
        return "the site refused the connection: its server is down or the address is wrong"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"the site's security certificate is not valid ({_shown(exc.verify_message)})"
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
    return f"the site could not be fetched ({_shown(str(exc) or type(exc).__name__)})"


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


# ------------------------------------------------------------------------------ content

_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_UNCLEAN = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
_SECTION_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


def _parse(body: bytes, content_type: str) -> dict[str, Any]:
    """The validated manifest in ``body``; raises _Problem with the reason otherwise."""
    media = content_type.split(";")[0].strip().lower()
    if media in ("text/html", "application/xhtml+xml") or body.lstrip()[:1] == b"<":
        raise _Problem(
            "the site answered with a web page (HTML), not portfolio.json: is the address "
            "the home page of a site built with cmaltgen?"
        )
    if not body.strip():
        raise _Problem("portfolio.json is empty")
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _Problem("portfolio.json is not UTF-8 text") from None
    if _too_deep(text):
        raise _Problem(f"portfolio.json is nested more than {MAX_DEPTH} levels deep")
    try:
        data = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise _Problem(
            f"portfolio.json is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"
        ) from None
    except ValueError as exc:  # e.g. a number with thousands of digits
        raise _Problem(f"portfolio.json is not usable JSON ({_shown(str(exc))})") from None
    return _checked(data)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _too_deep(text: str) -> bool:
    """Whether lists and objects nest deeper than MAX_DEPTH, found without recursing."""
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    depth = 0
    for char in brackets:
        depth += 1 if char in "[{" else -1
        if depth > MAX_DEPTH:
            return True
    return False


def validate_manifest(data: object) -> str | None:
    """None if ``data`` is a usable version-1 manifest, else the reason in plain words."""
    try:
        _checked(data)
    except _Problem as problem:
        return problem.reason
    return None


def _checked(data: object) -> dict[str, Any]:
    """A clean copy of a version-1 manifest: known fields, control characters removed."""
    if not isinstance(data, dict):
        raise _Problem(f"portfolio.json should hold a JSON object, but it holds {_kind(data)}")
    if "manifest" not in data:
        raise _Problem('portfolio.json has no "manifest" version, so cmaltgen did not make it')
    version = data["manifest"]
    if not _is_int(version):
        raise _Problem(f'portfolio.json\'s "manifest" version should be 1, not {_kind(version)}')
    if version != VERSION:
        raise _Problem(
            f"portfolio.json is manifest version {version}, but this cmaltgen reads version "
            f"{VERSION}: update cmaltgen (pip install -U cmaltgen)"
        )
    fields = _Fields(data, "")
    candidate = _Fields(fields.object("candidate"), "candidate.")
    pathway = _Fields(fields.object("pathway"), "pathway.")
    pathway_id = pathway.text("id")
    return {
        "manifest": VERSION,
        "generator": fields.text("generator", ""),
        "url": fields.url("url", ""),
        "candidate": {
            "name": candidate.text("name"),
            "role": candidate.text("role", ""),
            "organisation": candidate.text("organisation", ""),
        },
        "pathway": {"id": pathway_id, "title": pathway.text("title", pathway_id)},
        "framework": fields.text("framework", ""),
        "status": fields.choice("status", STATUSES),
        "award": _award(fields),
        "updated": fields.date("updated", None),
        "sections": [_section(f) for f in fields.items("sections", MAX_SECTIONS)],
        "evidence": [_evidence(f) for f in fields.items("evidence", MAX_EVIDENCE)],
    }


def _award(fields: _Fields) -> dict[str, Any] | None:
    found = fields.object("award", optional=True)
    if found is None:
        return None
    award = _Fields(found, "award.")
    return {
        "date": award.date("date"),
        "pathway": award.text("pathway", ""),
        "url": award.url("url", ""),
    }


def _section(section: _Fields) -> dict[str, Any]:
    return {
        "id": section.section_id("id"),
        "title": section.text("title"),
        "status": section.choice("status", SECTION_STATUSES),
        "words": section.count("words"),
        "evidence": section.count("evidence"),
        "url": section.url("url", None),
        "updated": section.date("updated", None),
    }


def _evidence(item: _Fields) -> dict[str, Any]:
    return {
        "id": item.text("id"),
        "title": item.text("title"),
        "type": item.text("type", ""),
        "date": item.date("date", None),
        "sections": item.texts("sections", MAX_SECTIONS),
        "url": item.url("url", None),
    }


_REQUIRED: Any = object()


class _Fields:
    """Reads typed fields of one JSON object; a wrong or missing one raises _Problem."""

    def __init__(self, data: dict[str, Any], prefix: str) -> None:
        self.data, self.prefix = data, prefix

    def _get(self, name: str, default: Any, expected: str) -> Any:
        if name in self.data and self.data[name] is not None:
            return self.data[name]
        if default is _REQUIRED:
            self._wrong(name, expected)
        return default

    def _wrong(self, name: str, expected: str) -> None:
        value = self.data.get(name)
        raise _Problem(
            f"portfolio.json's {self.prefix}{name} should be {expected}, "
            f"but it is {_kind(value) if name in self.data else 'missing'}"
        )

    def text(self, name: str, default: Any = _REQUIRED) -> Any:
        value = self._get(name, default, "text")
        if value is default:
            return value
        if not isinstance(value, str):
            self._wrong(name, "text")
        if len(value) > MAX_TEXT:
            raise _Problem(
                f"portfolio.json's {self.prefix}{name} is longer than {MAX_TEXT:,} characters"
            )
        return _clean(value)

    def texts(self, name: str, limit: int) -> list[str]:
        values = self._get(name, [], "a list of text")
        if not isinstance(values, list):
            self._wrong(name, "a list of text")
        self._limit(name, values, limit)
        where = f"{self.prefix}{name}"
        return [
            _Fields({f"{where}[{i}]": v}, "").text(f"{where}[{i}]") for i, v in enumerate(values)
        ]

    def choice(self, name: str, allowed: tuple[str, ...]) -> str:
        value = self._get(name, _REQUIRED, "one of " + ", ".join(allowed))
        if value not in allowed:
            raise _Problem(
                f"portfolio.json's {self.prefix}{name} should be one of {', '.join(allowed)}, "
                f"but it is {_shown(str(value), 40)!r}"
            )
        return allowed[allowed.index(value)]  # the shared constant, not a copy per member

    def count(self, name: str) -> int:
        value = self._get(name, 0, "a whole number")
        if not _is_int(value) or not 0 <= value <= MAX_COUNT:
            self._wrong(name, f"a whole number from 0 to {MAX_COUNT:,}")
        return int(value)

    def date(self, name: str, default: Any = _REQUIRED) -> Any:
        value = self.text(name, default)
        if value is not default and not _DATE.fullmatch(value):
            self._wrong(name, "a date like 2026-11-20")
        return value

    def section_id(self, name: str) -> str:
        value: str = self.text(name)
        if not _SECTION_ID.fullmatch(value):
            self._wrong(name, "a section id like 1a")
        return value

    def url(self, name: str, default: Any) -> Any:
        value = self.text(name, default)
        if value is default or value == "":
            return value
        try:
            scheme = urlsplit(value).scheme.lower()
        except ValueError:
            scheme = "?"
        if re.search(r"[\s\x00-\x1f\x7f]", value) or scheme not in ("", "http", "https"):
            raise _Problem(
                f"portfolio.json's {self.prefix}{name} {_shown(value, 60)!r} is not a web address"
            )
        return value

    def object(self, name: str, optional: bool = False) -> Any:
        value = self._get(name, None if optional else _REQUIRED, "an object")
        if value is not None and not isinstance(value, dict):
            self._wrong(name, "an object")
        return value

    def items(self, name: str, limit: int) -> list[_Fields]:
        values = self._get(name, [], "a list")
        if not isinstance(values, list):
            self._wrong(name, "a list")
        self._limit(name, values, limit)
        found = []
        for index, value in enumerate(values):
            where = f"{self.prefix}{name}[{index}]"
            if not isinstance(value, dict):
                raise _Problem(f"portfolio.json's {where} should be an object, not {_kind(value)}")
            found.append(_Fields(value, where + "."))
        return found

    def _limit(self, name: str, values: list[Any], limit: int) -> None:
        if len(values) > limit:
            raise _Problem(
                f"portfolio.json's {self.prefix}{name} has {len(values):,} entries; "
                f"a hub reads at most {limit:,}"
            )


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"{'true' if value else 'false'}"
    if isinstance(value, (int, float)):
        return f"the number {value!r}" if abs(value) < 10**15 else "a number"
    if isinstance(value, str):
        return f"the text {_shown(value, 40)!r}"
    return "a list" if isinstance(value, list) else "an object"


def _clean(text: str) -> str:
    """Text as it came, minus control characters and unpaired surrogates (never valid text)."""
    if not _UNCLEAN.search(text):
        return text
    return _SURROGATE.sub("\ufffd", _CONTROL.sub("", text))


def _shown(text: str, limit: int = 120) -> str:
    """Untrusted text quoted in a warning: one clean line, not too long."""
    one = " ".join(_clean(text).split())
    return one if len(one) <= limit else one[: limit - 1] + "…"


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
    except (_Problem, ValueError, TypeError, KeyError) as exc:
        log.info("ignoring the fetch cache file %s: %s", path, exc)
        return None


def _entry(raw: bytes, url: str, max_bytes: int) -> _Entry | None:
    if len(raw) > 4 * max_bytes + 65536:
        raise ValueError("too large")
    text = raw.decode("utf-8")
    if _too_deep(text):
        raise ValueError("nested too deeply")
    record = json.loads(text, parse_constant=_no_constant)
    if not isinstance(record, dict) or record.get("format") != CACHE_FORMAT:
        raise ValueError("not a cmaltgen fetch cache file")
    if record.get("version") != CACHE_VERSION or record.get("url") != url:
        raise ValueError("another version, or another address")
    etag, modified = record.get("etag"), record.get("last_modified")
    if etag != _validator(etag) or modified != _validator(modified):
        raise ValueError("unusable validators")
    fetched = dt.date.fromisoformat(record["fetched"])
    return _Entry(url, etag, modified, fetched, _checked(record["data"]))


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
