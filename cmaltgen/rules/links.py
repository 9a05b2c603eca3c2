"""Checking web links for ``check --external``: HEAD/GET only, concurrently, in a bounded
time, with a cache; an offline machine is detected up front and reported once."""

from __future__ import annotations

import http
import http.client
import json
import logging
import math
import re
import socket
import ssl
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from urllib.parse import urldefrag, urlsplit

from markdown_it.common.normalize_url import normalizeLinkText

from cmaltgen import __version__, atomic
from cmaltgen.diagnostics import Diagnostics
from cmaltgen.read.documents import Reflection
from cmaltgen.read.portfolio import Portfolio
from cmaltgen.read.schema import hide_password, without_login

log = logging.getLogger(__name__)

WORKERS = 8
CACHE_FILE = "links.json"
CACHE_TTL = 24 * 60 * 60.0
USER_AGENT = f"cmaltgen/{__version__} link check"
_WEB = re.compile(r"^https?://", re.IGNORECASE)


@dataclass(frozen=True)
class LinkTarget:
    """A web address and where the portfolio gives it."""

    url: str
    path: Path
    line: int
    col: int
    written: str = ""  # as the file has it, if not as url (bücher.de, not xn--bcher-kva.de)


@dataclass(frozen=True)
class LinkResult:
    url: str
    status: int | None = None  # of the final response
    final_url: str = ""
    problem: str = ""  # "", "timeout", "dns", "refused", "error"
    detail: str = ""
    cached: bool = False

    @property
    def redirected(self) -> bool:
        asked = without_login(self.url)  # the address as requested
        return bool(self.final_url) and urldefrag(self.final_url)[0] != urldefrag(asked)[0]


def link_targets(portfolio: Portfolio) -> list[LinkTarget]:
    """Evidence ``url:`` values and http(s) links and images in reflections, located."""
    targets: list[LinkTarget] = []
    for _, entry in portfolio.evidence():
        if _WEB.match(entry.item.url):
            line, col = entry.at("url")
            targets.append(LinkTarget(entry.item.url, entry.path, line, col))
    for _, reflection in portfolio.sections():
        targets.extend(_markdown_links(reflection))
    return targets


def _markdown_links(reflection: Reflection) -> list[LinkTarget]:
    lines = reflection.text.split("\n")  # the file as the parse stage read it
    used: set[tuple[int, int]] = set()
    found: list[LinkTarget] = []
    for block in reflection.parsed.tokens:
        if block.type != "inline" or not block.children or not block.map:
            continue
        resume: dict[str, tuple[int, int]] = {}  # where each url's next search starts
        text = "\n".join(
            lines[min(reflection.file_line(i + 1), len(lines)) - 1] for i in range(*block.map)
        )
        for child in block.children:
            url = child.attrGet("href" if child.type == "link_open" else "src")
            if child.type in ("link_open", "image") and isinstance(url, str) and _WEB.match(url):
                # markdown-it gives host names in punycode and other letters %-encoded
                written = url if url in text else normalizeLinkText(url)
                line, col = _locate(lines, reflection, block.map, written, (used, resume))
                found.append(LinkTarget(url, reflection.path, line, col, written))
    return found


def _locate(
    lines: list[str],
    reflection: Reflection,
    span: list[int],
    url: str,
    claimed: tuple[set[tuple[int, int]], dict[str, tuple[int, int]]],
) -> tuple[int, int]:
    """File line and column of ``url`` within a block (body lines ``span``): the search
    resumes after the place the same url last took, not at the block's start (10,000 links
    to one address on a line read the line 50 million times)."""
    used, resume = claimed
    first, start = resume.get(url, (span[0], 0))
    for body_index in range(first, span[1]):
        n = reflection.file_line(body_index + 1) - 1
        pos = lines[n].find(url, start if body_index == first else 0) if n < len(lines) else -1
        while pos >= 0 and (n, pos) in used:
            pos = lines[n].find(url, pos + 1)
        if pos >= 0:
            used.add((n, pos))
            resume[url] = (body_index, pos + 1)
            return n + 1, pos + 1
    resume[url] = (span[1], 0)
    return reflection.file_line(span[0] + 1), 1


class LinkCache:
    """Working links (status below 400) remembered for a day in a JSON file (broken ones are
    what the user is fixing, so each run asks again)."""

    def __init__(self, path: Path, now: float, entries: dict[str, dict[str, Any]]) -> None:
        self.path, self.now, self.entries = path, now, entries

    @classmethod
    def load(cls, folder: Path, now: float) -> LinkCache:
        path = folder / CACHE_FILE
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError):  # RecursionError: nested thousands deep
            data = {}
        entries = {
            url: entry
            for url, entry in (data.items() if isinstance(data, dict) else [])
            if isinstance(entry, dict) and cls._fresh(entry, now)
        }
        return cls(path, now, entries)

    @staticmethod
    def _fresh(entry: dict[str, Any], now: float) -> bool:
        checked, status = entry.get("checked"), entry.get("status")
        if not isinstance(checked, (int, float)) or not isinstance(status, int):
            return False
        return isinstance(entry.get("final_url"), str) and 0 <= now - checked < CACHE_TTL

    def get(self, url: str) -> LinkResult | None:
        entry = self.entries.get(url)
        if entry is None:
            return None
        return LinkResult(url, entry["status"], entry["final_url"], cached=True)

    def put(self, result: LinkResult) -> None:
        if result.status is not None and result.status < 400 and not result.problem:
            entry = {"checked": self.now, "status": result.status, "final_url": result.final_url}
            self.entries.setdefault(result.url, entry)

    def save(self) -> None:
        """Write atomically; a cache that cannot be written only costs speed."""
        try:
            text = json.dumps(self.entries, indent=1, sort_keys=True)
            atomic.write_bytes(self.path, text.encode("utf-8"))
        except OSError as exc:
            log.warning("could not write the link cache %s: %s", self.path, exc)


class _HeadRedirects(urllib.request.HTTPRedirectHandler):
    """urllib turns a redirected HEAD into a GET; keep it a HEAD (no body is downloaded)."""

    last = ""  # where the last redirect led: to blame if it cannot be reached

    def redirect_request(
        self, req: Any, fp: IO[bytes], code: int, msg: str, headers: Any, newurl: str
    ) -> urllib.request.Request | None:
        if _split(newurl)[0] not in ("http", "https"):  # ftp: or worse is never followed
            raise _NotWeb(newurl)
        self.last = newurl
        new = super().redirect_request(req, fp, code, msg, headers, without_login(newurl))
        if new is not None and req.get_method() == "HEAD":
            new.method = "HEAD"
        return new


class _NotWeb(ValueError):  # a redirect to file:, ftp:, javascript:...
    def __init__(self, target: str) -> None:
        super().__init__(f"redirects to '{hide_password(target)}', which is not a web address")


def _request(url: str, method: str, timeout: float, hops: _HeadRedirects) -> tuple[int, str]:
    """(status, final URL) after following redirects; a ``user:password@`` is not sent (an
    assessor's browser would ask for it: a 401 answer says so)."""
    opener = urllib.request.build_opener(hops)
    headers = {"User-Agent": USER_AGENT}
    request = urllib.request.Request(without_login(url), method=method, headers=headers)
    try:
        with opener.open(request, timeout=timeout) as response:
            return int(response.status), str(response.geturl())
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, exc.geturl() or url


def fetch(url: str, timeout: float) -> LinkResult:
    """Check one address: HEAD, or GET where the server refuses HEAD (405, 501)."""
    hops = _HeadRedirects()
    try:
        status, final = _request(url, "HEAD", timeout, hops)
        if status in (405, 501):
            status, final = _request(url, "GET", timeout, hops)
    except urllib.error.URLError as exc:
        return _failure(url, exc.reason, hops.last)
    except (OSError, http.client.HTTPException, ValueError) as exc:
        return _failure(url, exc, hops.last)
    if 300 <= status < 400 and _split(final)[0] not in ("http", "https"):  # file:, javascript:
        return LinkResult(url, None, final, "error", str(_NotWeb(final)))
    if 300 <= status < 400:  # a redirect urllib would not follow, e.g. a loop
        return LinkResult(url, None, final, "error", f"redirects without end ({status})")
    return LinkResult(url, status, final)


def _failure(url: str, reason: object, via: str = "") -> LinkResult:
    found = _failed(url, reason)
    if via and found.problem in ("dns", "refused"):  # the redirect's host, not the link's
        what = "its host name could not be found" if found.problem == "dns" else "it refuses"
        return LinkResult(url, None, via, "error", f"it redirects to {hide_password(via)}: {what}")
    return found


def _failed(url: str, reason: object) -> LinkResult:
    if isinstance(reason, TimeoutError):
        return LinkResult(url, problem="timeout")
    if isinstance(reason, socket.gaierror):
        return LinkResult(url, problem="dns", detail=str(reason))
    if isinstance(reason, ConnectionRefusedError) or (
        isinstance(reason, OSError) and reason.errno in (101, 113)  # network/host unreachable
    ):
        return LinkResult(url, problem="refused", detail=str(reason))
    return LinkResult(url, problem="error", detail=_plain(reason))


def _plain(reason: object) -> str:
    """Why an address could not be opened, in words a reader can act on."""
    if isinstance(reason, ssl.SSLCertVerificationError):
        return f"its security certificate is not valid: {reason.verify_message}"
    if isinstance(reason, ssl.SSLError):
        return "a secure (https) connection could not be made"
    if isinstance(reason, (ConnectionError, http.client.RemoteDisconnected)):
        return "the server closed the connection before answering"
    if isinstance(reason, http.client.BadStatusLine):
        return "the server's answer is not a web page: is the port in the address right?"
    return str(reason) or type(reason).__name__


def _lookups(hosts: Iterable[str], timeout: float) -> dict[str, str]:
    """Look every host name up at once; "ok", "dns" (not found) or "timeout". Lookups ignore
    socket timeouts, so daemon threads are abandoned after ``timeout`` rather than hang."""
    found: dict[str, str] = {}
    names = set(hosts)

    def look(host: str) -> None:
        try:
            socket.getaddrinfo(host, None)
            found[host] = "ok"
        except (OSError, UnicodeError):
            found[host] = "dns"

    threads = [threading.Thread(target=look, args=(h,), daemon=True) for h in names]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    return {h: found.get(h, "timeout") for h in names}


def _split(url: str) -> tuple[str, str, str]:
    """(scheme, netloc, host name); empty strings for an address that cannot be split."""
    try:
        parts = urlsplit(url)
        return parts.scheme.lower(), parts.netloc, parts.hostname or ""
    except ValueError:  # e.g. http://[not-an-ip]/
        return "", "", ""


def _proxied(url: str) -> bool:
    """A proxy looks names up for us, so a local lookup proves nothing."""
    scheme, _, host = _split(url)
    return scheme in urllib.request.getproxies() and not urllib.request.proxy_bypass(host)


def fetch_all(urls: list[str], timeout: float, workers: int) -> dict[str, LinkResult]:
    """Fetch concurrently; whatever is unfinished after timeout * ceil(n/workers) timed out.
    The workers are daemon threads: one stuck on a server that trickles a byte a second
    (which no socket timeout catches) is abandoned, and cannot keep the program from ending."""
    if not urls:
        return {}
    workers = max(1, min(workers, len(urls)))
    deadline = time.monotonic() + timeout * math.ceil(len(urls) / workers)
    todo = iter(list(urls))
    lock = threading.Lock()
    results: dict[str, LinkResult] = {}
    over = threading.Event()  # the time is up: take no more addresses

    def work() -> None:
        while not over.is_set():
            with lock:
                url = next(todo, None)
            if url is None:
                return
            result = fetch(url, timeout)
            with lock:
                results[url] = result

    threads = [threading.Thread(target=work, daemon=True) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    over.set()
    with lock:
        return {url: results.get(url) or LinkResult(url, problem="timeout") for url in urls}


def offline(urls: list[str], results: dict[str, LinkResult]) -> str:
    """Why the network seems unavailable, or "" if some web server answered."""
    tried = [results[u] for u in urls if u in results]
    if not tried:
        return ""
    if all(r.problem in ("dns", "timeout") and r.detail == "lookup" for r in tried):
        return "no host name could be looked up"
    places = {_split(r.url)[1] for r in tried}
    if len(places) > 1 and all(r.problem == "refused" for r in tried):
        return "every connection was refused"
    return ""


def look_up_first(urls: list[str], timeout: float) -> dict[str, LinkResult]:
    """Results for addresses whose host name cannot be looked up (no request is sent)."""
    hosts = {u: host for u in urls if not _proxied(u) and (host := _split(u)[2])}
    status = _lookups(hosts.values(), timeout)
    return {
        u: LinkResult(u, problem="dns" if status[host] == "dns" else "timeout", detail="lookup")
        for u, host in hosts.items()
        if status[host] != "ok"
    }


def link_diagnostics(
    targets: list[LinkTarget], results: dict[str, LinkResult], timeout: float, diags: Diagnostics
) -> None:
    for target in targets:
        result = results.get(target.url)
        found = _link_problem(result, timeout, target.written) if result else None
        if found is not None:
            code, message, hint = found
            diags.add(code, message, hint=hint, path=target.path, line=target.line, col=target.col)


def _phrase(status: int) -> str:
    try:
        return f"{status} {http.HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


def _link_problem(
    result: LinkResult, timeout: float, written: str = ""
) -> tuple[str, str, str | None] | None:
    url = hide_password(written or result.url)
    if result.problem == "timeout":
        return "link-timeout", f"{url} did not answer within {timeout:g} s", _RETRY
    if result.problem == "dns":
        return "link-unreachable", f"the host name in {url} could not be found", _FIX
    if result.problem == "refused":
        return "link-unreachable", f"{url} refused the connection", _FIX
    if result.problem or result.status is None:
        return "link-unreachable", f"{url} could not be opened ({result.detail})", _FIX
    if result.status in (401, 403):
        message = f"{url} answers {_phrase(result.status)}: an assessor may not be able to open it"
        return "link-restricted", message, "check it opens in a private browser window"
    if result.status == 429:  # busy, not broken: asking again later will work
        message = f"{url} answers {_phrase(429)}: the server asks to be asked again later"
        return "link-timeout", message, _RETRY
    if result.status >= 400:
        return "link-broken", f"{url} answers {_phrase(result.status)}", _FIX
    if result.redirected:
        return "link-redirect", f"{url} redirects to {hide_password(result.final_url)}", _FINAL
    return None


_FIX = "correct the address or replace the link: assessors must be able to open every link"
_FINAL = "link to the final address, so the link keeps working if the redirect goes"
_RETRY = "the server may be slow or down; try again later, or raise --timeout"
