"""Fetching url members' portfolio.json: a minimal stand-in with the agreed interface.

The full fetcher (conditional requests, redirect limits, depth limits) replaces this module;
this one keeps the same signature: concurrent fetches with a timeout and a size cap, and a
plain-JSON cache of the last good answer that ``offline`` uses alone.
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import hashlib
import json
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cmaltgen import __version__

MAX_BYTES = 2 * 1024 * 1024
WORKERS = 8


@dataclass(frozen=True)
class Fetched:
    data: dict[str, Any] | None  # the parsed portfolio.json
    stale_since: dt.date | None = None  # set when ``data`` is the cached copy
    warning: str | None = None


def manifest_url(url: str) -> str:
    return (url if url.endswith("/") else url + "/") + "portfolio.json"


def fetch_all(
    requests: list[tuple[str, str]],
    cache_dir: Path,
    *,
    offline: bool = False,
    timeout: float = 10.0,
) -> dict[str, Fetched]:
    """Fetch each (member key, site url)'s manifest; failures fall back to the cache."""
    if not requests:
        return {}
    with concurrent.futures.ThreadPoolExecutor(min(WORKERS, len(requests))) as pool:
        futures = {
            key: pool.submit(_one, url, cache_dir, offline, timeout) for key, url in requests
        }
        return {key: future.result() for key, future in futures.items()}


def _one(url: str, cache_dir: Path, offline: bool, timeout: float) -> Fetched:
    cache = cache_dir / (hashlib.sha256(url.encode()).hexdigest()[:32] + ".json")
    if offline:
        return _cached(cache, "--offline: not fetched")
    try:
        data = _get(manifest_url(url), timeout)
    except (OSError, ValueError) as exc:
        return _cached(cache, str(exc) or type(exc).__name__)
    cache_dir.mkdir(parents=True, exist_ok=True)
    record = {"fetched": dt.date.today().isoformat(), "data": data}
    cache.write_text(json.dumps(record), encoding="utf-8")
    return Fetched(data)


def _get(url: str, timeout: float) -> dict[str, Any]:
    request = urllib.request.Request(url, headers={"User-Agent": f"cmaltgen/{__version__}"})
    with urllib.request.urlopen(request, timeout=timeout) as answer:
        body = answer.read(MAX_BYTES + 1)
    if len(body) > MAX_BYTES:
        raise ValueError("portfolio.json is larger than 2 MB")
    data = json.loads(body.decode("utf-8"))
    if not isinstance(data, dict):
        raise ValueError("portfolio.json is not a JSON object")
    return data


def _cached(cache: Path, reason: str) -> Fetched:
    try:
        record = json.loads(cache.read_text(encoding="utf-8"))
        data, since = record["data"], dt.date.fromisoformat(record["fetched"])
    except (OSError, ValueError, KeyError, TypeError):
        return Fetched(None, None, reason)
    return Fetched(data if isinstance(data, dict) else None, since, reason)
