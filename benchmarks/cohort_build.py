"""Cohort hub build time and peak memory for 20, 200 and 2,000 members, cold and warm.

Cohorts: *mixed* like a real one (80% portfolio folders in the hub, copies of one generated
typical portfolio; 10% url members served by a loopback web server with ``--latency`` per
request, as a distant host would; 10% plain entries) and *local* (every member a folder: the
"200 local members in under 10 s" target of issue 16).

Each build runs in a fresh process (``build_cohort``, as ``cmaltgen cohort build`` calls it,
after importing ``cmaltgen.cli``, which sets the garbage collector's threshold as it does for
every command):

- cold: no fetch cache and no output folder;
- warm: the fetch cache and the output folder of the cold build before it.

Reported: wall seconds of the build (start-up excluded), per member; CPU seconds of the build
and Pagefind together, and of the build process alone; peak resident memory of
the build process (``ru_maxrss``) and, separately, of its largest child (Pagefind); the most
requests the loopback server saw at once (fetch concurrency); where the time went (members
read, then the wait for Pagefind at the end, from the build's log); and, for the 200 local
members, what ``cmaltgen serve`` does on a save (the hub built again in the same process after
one member's reflection changed). With ``--before DIR`` the
same builds also run with the code in DIR (PYTHONPATH, same interpreter), interleaved with
this tree's, round by round; figures are medians over ``--repeats``.

    python benchmarks/cohort_build.py                      # 20, 200, 200 local, 2,000
    python benchmarks/cohort_build.py --quick              # 20, 200 and 200 local
    python benchmarks/cohort_build.py --local              # 200 local only
    python benchmarks/cohort_build.py --before ../before   # also the code in ../before

Writes only under benchmarks/_work/cohort (or --work); uses no network beyond loopback.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402  (benchmarks/generate.py, beside this script)

CHILD = """
import gc, json, logging, re, resource, sys, time
from pathlib import Path
times = {}
class Phases(logging.Handler):
    def emit(self, record):
        text = record.getMessage()
        if m := re.match(r"members read in ([0-9.]+) s", text):
            times["read"] = float(m.group(1))
        elif m := re.search(r"([0-9.]+) s waiting for Pagefind at the end", text):
            times["pagefind_wait"] = float(m.group(1))
for name in ("cmaltgen.cohort.build", "cmaltgen.cohort.indexer"):
    logging.getLogger(name).addHandler(Phases())
    logging.getLogger(name).setLevel(logging.INFO)
import cmaltgen.cli  # sets the garbage collector's threshold, as `cmaltgen cohort build` runs
from cmaltgen.cohort.build import build_cohort
started = time.perf_counter()
result = build_cohort(Path(sys.argv[1]), Path(sys.argv[2]))
seconds = time.perf_counter() - started
own = resource.getrusage(resource.RUSAGE_SELF)
children = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({
    "ok": result.ok, "seconds": seconds, "members": len(result.members),
    "peak_kb": own.ru_maxrss, "child_peak_kb": children.ru_maxrss,
    "cpu": own.ru_utime + own.ru_stime, "child_cpu": children.ru_utime + children.ru_stime,
    "problems": [d.format() for d in result.diagnostics if d.code.startswith("cohort-search")],
    "code": str(Path(build_cohort.__code__.co_filename).parents[2]),
    "gc_threshold": gc.get_threshold()[0],
    **times,
}))
"""

# What `cmaltgen serve` does on a save: the hub built in memory again, in the same process.
SERVE_CHILD = """
import inspect, json, statistics, sys, time
from pathlib import Path
import cmaltgen.cli  # sets the garbage collector's threshold, as `cmaltgen serve` runs
from cmaltgen.cohort.build import build_cohort
root = Path(sys.argv[1])
kwargs = {"write": False}
if "memo" in inspect.signature(build_cohort).parameters:  # this tree: serve keeps a memo
    from cmaltgen.cohort.memo import Memo
    kwargs["memo"] = Memo()
started = time.perf_counter()
first = build_cohort(root, **kwargs)
first_s = time.perf_counter() - started
reflection = sorted((root / "members" / "m0").glob("*/reflection.md"))[1]
original = reflection.read_text("utf-8")
times = []
try:
    for n in range(int(sys.argv[2])):
        reflection.write_text(original + f"\\nEdited {n}.\\n", "utf-8")
        started = time.perf_counter()
        again = build_cohort(root, **kwargs)
        times.append(time.perf_counter() - started)
        assert again.ok
finally:
    reflection.write_text(original, "utf-8")
print(json.dumps({"first": first_s, "rebuild": statistics.median(times), "ok": first.ok,
                  "code": str(Path(build_cohort.__code__.co_filename).parents[2])}))
"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    """Static files after ``latency`` seconds, counting the requests in flight."""

    def do_GET(self) -> None:
        stats: _Stats = self.server.stats  # type: ignore[attr-defined]
        stats.enter()
        try:
            time.sleep(self.server.latency)  # type: ignore[attr-defined]
            super().do_GET()
        finally:
            stats.leave()

    def log_message(self, format: str, *args: object) -> None:
        """No request log."""


class _Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.active = self.peak = 0

    def enter(self) -> None:
        with self.lock:
            self.active += 1
            self.peak = max(self.peak, self.active)

    def leave(self) -> None:
        with self.lock:
            self.active -= 1

    def take_peak(self) -> int:
        with self.lock:
            peak, self.peak = self.peak, 0
            return peak


@contextlib.contextmanager
def web(root: Path, latency: float) -> Iterator[tuple[str, _Stats]]:
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root))
    )
    server.request_queue_size = 256  # type: ignore[misc]
    server.daemon_threads = True
    server.stats = _Stats()  # type: ignore[attr-defined]
    server.latency = latency  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", server.stats  # type: ignore[attr-defined]
    finally:
        server.shutdown()
        server.server_close()


def make_cohort(work: Path, members: int, template: Path, base: str, mixed: bool) -> Path:
    """A hub folder with ``members`` members: all folders, or 80% folders, 10% url, 10% plain."""
    root = work / f"cohort-{members}-{'mixed' if mixed else 'local'}"
    shutil.rmtree(root, ignore_errors=True)
    lines = ["name: Benchmark cohort", "mentors:"]
    lines += [f"  - name: Mentor {m}" for m in range(max(1, members // 25))]
    lines.append("members:")
    for i in range(members):
        mentor = f"    mentor: Mentor {i % max(1, members // 25)}"
        if mixed and i % 10 == 8:
            lines += [f"  - url: {base}m{i}/", mentor]
        elif mixed and i % 10 == 9:
            lines += [f"  - name: Plain member {i}", "    pathway: cmalt", mentor]
        else:
            shutil.copytree(template, root / "members" / f"m{i}", ignore=_no_site)
            lines += [f"  - path: members/m{i}", mentor]
    root.mkdir(parents=True, exist_ok=True)
    (root / "cohort.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def _no_site(folder: str, names: list[str]) -> list[str]:
    return [n for n in names if n == "_site"]


def publish(template: Path, web_root: Path, numbers: list[int]) -> None:
    """Published copies of the template's portfolio.json at m<number>/, for url members."""
    from cmaltgen.build import build

    site = web_root / "template-site"
    result = build(template, site)
    if not result.ok:
        raise SystemExit("the template portfolio does not build")
    data = json.loads((site / "portfolio.json").read_text("utf-8"))
    for n in numbers:
        target = web_root / f"m{n}"
        target.mkdir(parents=True, exist_ok=True)
        data["candidate"]["name"] = f"Remote member {n}"
        (target / "portfolio.json").write_text(json.dumps(data), "utf-8")


def run(root: Path, out: Path, code: Path) -> dict[str, Any]:
    """One build in a fresh process, with the code in ``code`` (a checkout's root)."""
    env = {**os.environ, "PYTHONPATH": str(code)}
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(root), str(out)],
        capture_output=True,
        text=True,
        env=env,
        cwd=root,  # not a checkout: ``python -c`` puts the working folder first on sys.path
        check=False,
    )
    if proc.returncode:
        raise SystemExit(proc.stderr)
    found: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return found


def serve_rebuilds(root: Path, versions: dict[str, Path], edits: int) -> list[str]:
    """First build and median rebuild after a one-member edit, as `cmaltgen serve` runs them."""
    lines = []
    for name, code in versions.items():
        proc = subprocess.run(
            [sys.executable, "-c", SERVE_CHILD, str(root), str(edits)],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": str(code)},
            cwd=root,
            check=False,
        )
        if proc.returncode:
            raise SystemExit(proc.stderr)
        got = json.loads(proc.stdout.strip().splitlines()[-1])
        if not got["ok"] or got["code"] != str(code):
            raise SystemExit(f"the serve-style builds of {name} failed: {got}")
        print(f"  serve {name}: {got}", file=sys.stderr, flush=True)
        lines.append(f"| {name} | {got['first']:.2f} | {got['rebuild']:.2f} | {edits} |")
    return lines


def measure(
    root: Path, work: Path, versions: dict[str, Path], stats: _Stats, repeats: int
) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """Cold then warm builds of each version, in turn, ``repeats`` rounds."""
    got: dict[tuple[str, str], list[dict[str, Any]]] = {}
    names = list(versions)
    for round_ in range(repeats):
        for name in names if round_ % 2 == 0 else reversed(names):
            out = work / f"site-{root.name}-{name}"
            shutil.rmtree(out, ignore_errors=True)
            shutil.rmtree(root / ".cmaltgen-cohort-cache", ignore_errors=True)
            for label in ("cold", "warm"):
                stats.take_peak()
                row = run(root, out, versions[name])
                row["concurrency"] = stats.take_peak()
                if not row["ok"] or row["problems"]:
                    raise SystemExit(f"{root.name} ({name}) did not build: {row['problems']}")
                if row["code"] != str(versions[name]):
                    raise SystemExit(f"{name} ran the code in {row['code']}, not {versions[name]}")
                got.setdefault((name, label), []).append(row)
                print(
                    f"  {name} {label}: {row['seconds']:.2f} s, CPU {row['cpu']:.2f} s "
                    f"(+ Pagefind {row['child_cpu']:.2f} s), {row['peak_kb'] / 1024:.0f} MB "
                    f"(+ Pagefind {row['child_peak_kb'] / 1024:.0f} MB), load "
                    f"{os.getloadavg()[0]:.1f}",
                    file=sys.stderr,
                    flush=True,
                )
    return got


def rows(size: int, kind: str, got: dict[tuple[str, str], list[dict[str, Any]]]) -> list[str]:
    lines = []
    for (name, label), runs in got.items():
        seconds = statistics.median(r["seconds"] for r in runs)
        cpu = statistics.median(r["cpu"] + r["child_cpu"] for r in runs)
        own = statistics.median(r["cpu"] for r in runs)
        read = [r["read"] for r in runs if "read" in r]
        wait = [r["pagefind_wait"] for r in runs if "pagefind_wait" in r]
        lines.append(
            f"| {size:,} {kind} | {name} | {label} | {seconds:.2f} | {cpu:.1f} | {own:.2f} "
            f"| {max(r['peak_kb'] for r in runs) / 1024:.0f} "
            f"| {max(r['child_peak_kb'] for r in runs) / 1024:.0f} "
            f"| {1000 * seconds / size:.1f} "
            f"| {f'{statistics.median(read):.2f}' if read else '-'} "
            f"| {f'{statistics.median(wait):.2f}' if wait else '-'} "
            f"| {max(r['concurrency'] for r in runs)} | {len(runs)} |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="only 20, 200 and 200 local")
    parser.add_argument(
        "--local", action="store_true", help="only 200 local (issue 16's target) and serve"
    )
    parser.add_argument("--work", type=Path, default=HERE / "_work" / "cohort")
    parser.add_argument("--before", type=Path, help="also build with the code in this folder")
    parser.add_argument("--repeats", type=int, default=3, help="rounds for up to 200 members")
    parser.add_argument("--latency", type=float, default=0.02, help="seconds per url request")
    args = parser.parse_args()
    cases = [(20, True), (200, True), (200, False)] + ([] if args.quick else [(2000, True)])
    if args.local:
        cases = [(200, False)]
    work: Path = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    template = generate.generate(work / "template", generate.SIZES[0])
    web_root = work / "web"
    publish(template, web_root, [i for i in range(2000) if i % 10 == 8])
    versions = {"after": HERE.parent}
    if args.before is not None:
        versions = {"before": args.before.resolve(), "after": HERE.parent}
    lines = [
        "| members | code | build | s | CPU s | process CPU s | peak MB | Pagefind MB "
        "| ms/member | read s | Pagefind wait s | concurrency | runs |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    started = time.perf_counter()
    serve_lines: list[str] = []
    with web(web_root, args.latency) as (base, stats):
        for members, mixed in cases:
            kind = "mixed" if mixed else "local"
            print(f"cohort of {members} ({kind})...", file=sys.stderr, flush=True)
            root = make_cohort(work, members, template, base, mixed)
            repeats = args.repeats if members <= 200 else 1
            lines += rows(members, kind, measure(root, work, versions, stats, repeats))
            if members == 200 and not mixed:
                print("serve rebuilds (200 local)...", file=sys.stderr, flush=True)
                serve_lines += serve_rebuilds(root, versions, args.repeats)
    print("\n".join(lines))
    print(
        "\n`cmaltgen serve` on the 200 local members, in one process: the first build, then "
        "the median rebuild after editing one member's reflection\n"
    )
    print("| code | first build s | rebuild s | edits |\n| --- | ---: | ---: | ---: |")
    print("\n".join(serve_lines))
    print(
        f"\nurl members answered after {args.latency * 1000:g} ms; load average "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores at the end; "
        f"{time.perf_counter() - started:.0f} s in all"
    )


if __name__ == "__main__":
    main()
