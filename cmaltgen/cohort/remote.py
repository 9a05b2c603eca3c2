"""Fetching url members' portfolio.json: untrusted input, fetched with limits and cached.

Each address once, concurrently; conditionally when the cache has a copy, so a rebuild
downloads nothing that did not change. Any failure gives a warning in plain words and the last
known data, marked stale; nothing here raises for a network or content problem.
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import logging
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from cmaltgen.cohort import fetch_cache
from cmaltgen.cohort.fetch_cache import Entry
from cmaltgen.cohort.manifest_check import Problem, parse_manifest
from cmaltgen.cohort.transport import Answer, Limits, check_address, get, too_slow
from cmaltgen.site.urls import with_slash

log = logging.getLogger(__name__)

MANIFEST_FILE = "portfolio.json"
WORKERS = 16  # requests at a time: the most a hub has in flight
SLOW_HOST = 3  # requests to one host that time out before its other members are not asked


@dataclass(frozen=True)
class Fetched:
    """What the hub knows about one url member after fetching."""

    data: dict[str, Any] | None  # the parsed, validated manifest (None if never fetched OK)
    stale_since: dt.date | None  # set when data comes from the cache because this fetch failed
    warning: str | None  # plain words naming the reason (the caller adds the member's name)
    from_cache: bool = False  # 304 Not Modified, or --offline


def fetch_all(
    requests: Sequence[tuple[str, str]],
    cache_dir: Path,
    *,
    offline: bool = False,
    timeout: float = 10.0,
    workers: int = WORKERS,
    max_bytes: int = 2 * 1024 * 1024,
    max_redirects: int = 5,
) -> dict[str, Fetched]:
    """Fetch each (member key, site url)'s portfolio.json concurrently, each address once;
    one result per key. ``offline`` uses no network."""
    limits = Limits(timeout, max_bytes, max_redirects)
    urls = list(dict.fromkeys(url for _, url in requests))
    today = dt.date.today()
    slow = _SlowHosts()

    def one(url: str) -> Fetched:
        return _fetch_one(url, cache_dir, offline, limits, today, slow)

    if offline or len(urls) <= 1:
        results = {url: one(url) for url in urls}
    else:
        count = max(1, min(workers, len(urls)))
        with concurrent.futures.ThreadPoolExecutor(count, "cmaltgen-fetch") as pool:
            results = dict(zip(urls, pool.map(one, urls), strict=True))
    return {key: results[url] for key, url in requests}


def manifest_url(site_url: str) -> str:
    """Where a cmaltgen site publishes its manifest, from its home page's address (with or
    without ``/`` or ``index.html``) or the manifest's own. ValueError if urlsplit refuses."""
    last = urlsplit(site_url).path.rsplit("/", 1)[-1]
    if last == MANIFEST_FILE:
        return site_url
    if last.lower().endswith((".html", ".htm")):
        return urljoin(site_url, MANIFEST_FILE)
    return urljoin(with_slash(site_url), MANIFEST_FILE)


class _SlowHosts:
    """Hosts that let SLOW_HOST requests time out: during an outage of, say, github.io, its
    other members are not asked, so 2,000 members do not wait 2,000 x 10 s / 16."""

    def __init__(self) -> None:
        self._count: Counter[str] = Counter()
        self._lock = threading.Lock()

    def check(self, url: str, limits: Limits) -> None:
        host = urlsplit(url).hostname or ""
        with self._lock:
            count = self._count[host]
        if count >= SLOW_HOST:
            raise Problem(
                f"not asked, because {count} other members' sites at {host} did not send "
                f"portfolio.json in time ({limits.timeout:g} seconds): that host seems down"
            )

    def saw(self, url: str, problem: Problem, limits: Limits) -> None:
        if problem.reason == too_slow(limits.timeout):
            with self._lock:
                self._count[urlsplit(url).hostname or ""] += 1


def _fetch_one(
    site_url: str, cache_dir: Path, offline: bool, limits: Limits, today: dt.date, slow: _SlowHosts
) -> Fetched:
    try:
        check_address(site_url)
    except Problem as problem:
        return Fetched(None, None, problem.reason)
    url = manifest_url(site_url)
    cache_file = fetch_cache.file_for(cache_dir, url)
    entry = fetch_cache.load(cache_file, url, limits.max_bytes)
    if offline:
        if entry is None:
            return Fetched(None, None, "not fetched yet; run without --offline")
        return Fetched(entry.data, None, None, from_cache=True)
    try:
        slow.check(url, limits)
        conditional = _conditional(entry)
        answer = get(url, conditional, limits)
        if answer.status == 304:
            return _not_modified(entry if conditional else None, answer, cache_file, today)
        data = parse_manifest(answer.body, answer.content_type)
    except Problem as problem:
        log.debug("fetching %s failed: %s", url, problem.reason)
        slow.saw(url, problem, limits)
        if entry is None:
            return Fetched(None, None, problem.reason)
        return Fetched(entry.data, entry.fetched, problem.reason)
    fetch_cache.save(cache_file, Entry(url, answer.etag, answer.last_modified, today, data))
    return Fetched(data, None, None)


def _not_modified(entry: Entry | None, answer: Answer, cache_file: Path, today: dt.date) -> Fetched:
    if entry is None:  # we sent no validators, so the server cannot know what we have
        raise Problem("the site answered 304 Not Modified to a request that was not conditional")
    fresh = replace(
        entry,
        fetched=today,
        etag=answer.etag or entry.etag,
        last_modified=answer.last_modified or entry.last_modified,
    )
    if fresh != entry:
        fetch_cache.save(cache_file, fresh)
    return Fetched(entry.data, None, None, from_cache=True)


def _conditional(entry: Entry | None) -> dict[str, str]:
    if entry is None:
        return {}
    headers = {"If-None-Match": entry.etag, "If-Modified-Since": entry.last_modified}
    return {name: value for name, value in headers.items() if value}
