"""How fast a cohort hub fetches its url members' portfolio.json, cold and with a warm cache.

Run:  python benchmarks/cohort_fetch.py [--sizes 20 200 2000] [--latency 0.02] [--workers 16]

A loopback server (its own process, so it does not count in the fetcher's memory) serves N
manifests, each about the size of a real 11-section portfolio's, answering every request after
``--latency`` seconds as a distant web host would; it answers ``304 Not Modified`` when the
ETag matches. For each N a fresh process runs :func:`cmaltgen.cohort.remote.fetch_all` twice
into one cache folder:

- cold: an empty cache, every manifest downloaded, checked and cached;
- warm: every request conditional, every answer a 304, nothing downloaded.

It prints a Markdown table: wall time, members per second, the most requests the server saw at
once, bytes of manifests sent, and the fetching process's peak resident memory (ru_maxrss),
next to a process that imports cmaltgen and fetches nothing. Prints figures only; no
assertions. Network use: loopback only. Temporary files only.
"""

from __future__ import annotations

import argparse
import http.server
import json
import resource
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

SECTIONS = ["1a", "1b", "1c", "2a", "2b", "3a", "3b", "4a", "4b", "5", "specialist-oer"]


def manifest(index: int) -> dict[str, Any]:
    """A version-1 manifest like a real 11-section portfolio's (about 7 KB)."""
    return {
        "manifest": 1,
        "generator": "cmaltgen 0.1.0",
        "url": f"https://member{index}.example.org/cmalt/",
        "candidate": {
            "name": f"Member {index}",
            "role": "Learning Technologist",
            "organisation": "Example University",
        },
        "pathway": {"id": "cmalt", "title": "CMALT"},
        "framework": "2019",
        "status": "drafting",
        "award": None,
        "updated": "2026-11-20",
        "sections": [
            {
                "id": section,
                "title": f"Section {section}: a title of ordinary length",
                "status": "written",
                "words": 800 + index % 200,
                "evidence": 3,
                "url": f"{section}/",
                "updated": "2026-11-20",
            }
            for section in SECTIONS
        ],
        "evidence": [
            {
                "id": f"item-{n}",
                "title": f"Evidence item {n}, described in a few words",
                "type": "document",
                "date": "2026-03",
                "sections": [SECTIONS[n % len(SECTIONS)]],
                "url": f"evidence/item-{n}.pdf",
            }
            for n in range(25)
        ],
    }


# ------------------------------------------------------------------------ the server


class _Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        self.active = self.peak = self.requests = self.bytes = self.not_modified = 0


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        if self.path in ("/stats", "/reset"):
            self._control()
            return
        stats = self.server.stats
        with stats.lock:
            stats.active += 1
            stats.requests += 1
            stats.peak = max(stats.peak, stats.active)
        try:
            time.sleep(self.server.latency)
            self._manifest()
        finally:
            with stats.lock:
                stats.active -= 1

    def _manifest(self) -> None:
        index = int(self.path.split("/")[1].removeprefix("m"))
        etag = f'"m{index}-v1"'
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            with self.server.stats.lock:
                self.server.stats.not_modified += 1
            return
        body = self.server.bodies[index]
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", etag)
        self.end_headers()
        self.wfile.write(body)
        with self.server.stats.lock:
            self.server.stats.bytes += len(body)

    def _control(self) -> None:
        stats = self.server.stats
        with stats.lock:
            body = json.dumps(vars(stats) | {"lock": None}).encode()
            if self.path == "/reset":
                stats.reset()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # the default 5 drops connections under 16 concurrent clients

    def __init__(self, count: int, latency: float) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.latency = latency
        self.stats = _Stats()
        self.bodies = [json.dumps(manifest(i), indent=2).encode("utf-8") for i in range(count)]


def serve(count: int, latency: float) -> None:
    """The server process: prints its port, serves until stdin closes."""
    server = _Server(count, latency)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(server.server_address[1], flush=True)
    sys.stdin.read()
    server.shutdown()


# --------------------------------------------------------------------- the fetcher


def fetch(count: int, port: int, cache: Path, workers: int) -> None:
    """The fetching process: prints its time, results and peak memory as one JSON line."""
    from cmaltgen.cohort.remote import fetch_all

    requests = [(f"m{i}", f"http://127.0.0.1:{port}/m{i}/") for i in range(count)]
    started = time.perf_counter()
    got = fetch_all(requests, cache, workers=workers) if requests else {}
    seconds = time.perf_counter() - started
    ok = sum(1 for f in got.values() if f.data is not None and f.warning is None)
    cached = sum(1 for f in got.values() if f.from_cache)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": seconds, "ok": ok, "from_cache": cached, "maxrss_kb": peak}))


def _control(port: int, what: str) -> dict[str, Any]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/{what}", timeout=10) as answer:
        found: dict[str, Any] = json.loads(answer.read())
        return found


def measure(count: int, latency: float, workers: int) -> dict[str, Any]:
    script = str(Path(__file__).resolve())
    server = subprocess.Popen(
        [sys.executable, script, "--serve", str(count), "--latency", str(latency)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert server.stdout is not None and server.stdin is not None
    port = int(server.stdout.readline())
    row: dict[str, Any] = {"members": count}
    try:
        with tempfile.TemporaryDirectory() as cache:
            for label in ("cold", "warm"):
                row[label] = _run_fetch(script, count, port, Path(cache), workers)
                row[label + "_server"] = _control(port, "reset")
            row["cache_bytes"] = sum(p.stat().st_size for p in Path(cache).glob("*.json"))
    finally:
        server.stdin.close()
        server.wait(timeout=30)
    return row


def _run_fetch(script: str, count: int, port: int, cache: Path, workers: int) -> dict[str, Any]:
    command = [sys.executable, script, "--fetch", str(count), "--port", str(port)]
    command += ["--cache", str(cache), "--workers", str(workers)]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    found: dict[str, Any] = json.loads(output)
    return found


def baseline_rss() -> int:
    script = str(Path(__file__).resolve())
    command = [sys.executable, script, "--fetch", "0", "--port", "1", "--cache", "/nonexistent"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return int(json.loads(output)["maxrss_kb"])


def table(rows: list[dict[str, Any]], base_kb: int, latency: float, workers: int) -> str:
    lines = [
        f"Loopback server, {latency * 1000:g} ms latency per request, {workers} workers; "
        f"a process that fetches nothing peaks at {base_kb / 1024:.1f} MB.",
        "",
        "| members | cold s | cold members/s | warm (all 304) s | warm members/s "
        "| peak concurrent requests | manifest bytes cold / warm | peak RSS MB cold / warm "
        "| cache on disk |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        cold, warm = row["cold"], row["warm"]
        n = row["members"]
        lines.append(
            f"| {n:,} | {cold['seconds']:.2f} | {n / cold['seconds']:,.0f} "
            f"| {warm['seconds']:.2f} | {n / warm['seconds']:,.0f} "
            f"| {max(row['cold_server']['peak'], row['warm_server']['peak'])} "
            f"| {row['cold_server']['bytes']:,} / {row['warm_server']['bytes']:,} "
            f"| {cold['maxrss_kb'] / 1024:.1f} / {warm['maxrss_kb'] / 1024:.1f} "
            f"| {row['cache_bytes'] / 1024 / 1024:.1f} MB |"
        )
        if cold["ok"] != n or warm["from_cache"] != n:
            lines.append(f"|  | (cold ok {cold['ok']}, warm from cache {warm['from_cache']}) |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[20, 200, 2000])
    parser.add_argument("--latency", type=float, default=0.02)
    parser.add_argument("--workers", type=int, default=16)
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--fetch", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--cache", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve is not None:
        serve(args.serve, args.latency)
    elif args.fetch is not None:
        fetch(args.fetch, args.port, args.cache, args.workers)
    else:
        rows = []
        for size in args.sizes:
            print(f"fetching {size} members...", file=sys.stderr, flush=True)
            rows.append(measure(size, args.latency, args.workers))
        print(table(rows, baseline_rss(), args.latency, args.workers))


if __name__ == "__main__":
    main()
