"""Cohort hub build time and peak memory for 20, 200 and 2,000 members.

Members are mixed like a real cohort: most are portfolio folders in the hub (copies of one
generated typical portfolio), a tenth are url members served by a loopback web server (their
portfolio.json), a tenth are plain entries. Each size is built twice in a fresh process: cold
(no fetch cache, no parse cache) and warm (both caches from the first build). Peak memory is
the build process's maximum resident set size (``ru_maxrss``, measured by the child itself).

    python benchmarks/cohort_build.py            # 20, 200 and 2,000 members
    python benchmarks/cohort_build.py --quick    # 20 and 200

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
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402  (benchmarks/generate.py, beside this script)

CHILD = """
import sys, time, resource
from pathlib import Path
from cmaltgen.cohort.build import build_cohort
started = time.perf_counter()
result = build_cohort(Path(sys.argv[1]), Path(sys.argv[2]))
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(f"{int(result.ok)} {seconds:.3f} {peak} {len(result.members)}")
"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """No request log."""


@contextlib.contextmanager
def web(root: Path) -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def make_cohort(work: Path, members: int, template: Path, base: str) -> Path:
    """A hub folder with ``members`` members: 80% folders, 10% url, 10% plain."""
    root = work / f"cohort-{members}"
    shutil.rmtree(root, ignore_errors=True)
    lines = ["name: Benchmark cohort", "mentors:"]
    lines += [f"  - name: Mentor {m}" for m in range(max(1, members // 25))]
    lines.append("members:")
    for i in range(members):
        mentor = f"    mentor: Mentor {i % max(1, members // 25)}"
        if i % 10 == 8:
            lines += [f"  - url: {base}m{i}/", mentor]
        elif i % 10 == 9:
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


def run(root: Path, out: Path, env: dict[str, str]) -> tuple[bool, float, int, int]:
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(root), str(out)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if proc.returncode:
        raise SystemExit(proc.stderr)
    ok, seconds, peak, members = proc.stdout.split()
    return ok == "1", float(seconds), int(peak), int(members)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="only 20 and 200 members")
    parser.add_argument("--work", type=Path, default=HERE / "_work" / "cohort")
    args = parser.parse_args()
    sizes = (20, 200) if args.quick else (20, 200, 2000)
    work: Path = args.work
    work.mkdir(parents=True, exist_ok=True)
    template = generate.generate(work / "template", generate.SIZES[0])
    web_root = work / "web"
    publish(template, web_root, [i for i in range(max(sizes)) if i % 10 == 8])
    rows = [
        "| members | build | seconds | peak memory | per member |",
        "| --- | --- | --- | --- | --- |",
    ]
    with web(web_root) as base:
        for members in sizes:
            print(f"cohort of {members}...", file=sys.stderr)
            root = make_cohort(work, members, template, base)
            env = {**os.environ, "XDG_CACHE_HOME": str(work / f"xdg-{members}")}
            shutil.rmtree(env["XDG_CACHE_HOME"], ignore_errors=True)
            for label in ("cold", "warm"):
                started = time.perf_counter()
                ok, seconds, peak, count = run(root, work / f"site-{members}", env)
                if not ok or count != members:
                    raise SystemExit(f"the hub of {members} did not build ({count} members)")
                print(
                    f"  {label}: {seconds:.2f} s ({time.perf_counter() - started:.2f} s "
                    "with start-up)",
                    file=sys.stderr,
                )
                rows.append(
                    f"| {members} | {label} | {seconds:.2f} | {peak / 1024:.0f} MB "
                    f"| {1000 * seconds / members:.1f} ms |"
                )
    print("\n".join(rows))
    print(
        f"\nfetch concurrency: {_workers()} requests at a time; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )


def _workers() -> int:
    from cmaltgen.cohort import remote

    return int(getattr(remote, "WORKERS", 0) or getattr(remote, "MAX_WORKERS", 0))


if __name__ == "__main__":
    main()
