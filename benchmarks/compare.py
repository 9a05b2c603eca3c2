"""How fast cmaltgen builds, against MkDocs and Hugo on the same content, and how it scales.

Run:  python benchmarks/compare.py [--quick] [--save]

See benchmarks/README.md for what each figure means. Everything is written under
benchmarks/_work/ (or --work DIR); --save also copies the printed tables into
benchmarks/results.md. No network: the peers are used only if already installed.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import generate

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "example_portfolio"
BIN = Path(sys.executable).parent
MB = 1024.0  # ru_maxrss is in KiB on Linux

# Targets from issue 7.
TARGET_MKDOCS, AIM_MKDOCS, TARGET_HUGO = 0.5, 0.33, 3.0
TARGET_LARGEST_S, TARGET_LARGEST_MB = 10.0, 300.0


# ----------------------------------------------------------------------------- processes


@dataclass
class Sample:
    wall: float
    cpu: float
    rss_mb: float
    code: int
    stderr: str = ""


def run(cmd: Sequence[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> Sample:
    """Run ``cmd`` to completion; its own wall time, CPU time and peak RSS (via wait4)."""
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        text = err.read().decode("utf-8", "replace")
    cpu = usage.ru_utime + usage.ru_stime
    return Sample(wall, cpu, usage.ru_maxrss / MB, proc.returncode, text)


@dataclass
class Figure:
    """Medians of several runs of one command."""

    samples: list[Sample] = field(default_factory=list)
    skipped: str = ""

    @property
    def ok(self) -> bool:
        return bool(self.samples) and all(s.code == 0 for s in self.samples)

    @property
    def wall(self) -> float:
        return statistics.median(s.wall for s in self.samples) if self.ok else math.nan

    @property
    def cpu(self) -> float:
        return statistics.median(s.cpu for s in self.samples) if self.ok else math.nan

    @property
    def rss(self) -> float:
        return max(s.rss_mb for s in self.samples) if self.ok else math.nan


def _failed(sample: Sample) -> str:
    last = sample.stderr.strip().splitlines()[-1:]
    return "failed: " + last[0][:200] if last else f"failed with exit code {sample.code}"


def measure(
    cmd: Sequence[str], runs: int, *, warmup: bool, before: Callable[[], None] | None = None
) -> Figure:
    """``runs`` runs of one command (after an untimed warm-up run if ``warmup``)."""
    return measure_together({"": (cmd, before)}, runs, warmup=warmup)[""]


def measure_together(
    commands: dict[str, tuple[Sequence[str], Callable[[], None] | None]],
    runs: int,
    *,
    warmup: bool,
) -> dict[str, Figure]:
    """Several commands run in turn, round by round, so that background load on a shared
    machine falls on all of them alike. A command that fails is dropped and reported."""
    figures = {name: Figure() for name in commands}
    for n in range(runs + (1 if warmup else 0)):
        for name, (cmd, before) in commands.items():
            figure = figures[name]
            if figure.skipped:
                continue
            if before:
                before()
            sample = run(cmd)
            if sample.code != 0:
                figure.samples, figure.skipped = [sample], _failed(sample)
            elif n or not warmup:
                figure.samples.append(sample)
    return figures


def tool(name: str) -> Path | None:
    local = BIN / name
    if local.exists():
        return local
    found = shutil.which(name)
    return Path(found) if found else None


def version_of(cmd: Sequence[str]) -> str:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=False)
    except OSError:
        return "?"
    return (out.stdout or out.stderr).strip().splitlines()[0] if (out.stdout or out.stderr) else "?"


# ----------------------------------------------------------------------------- peers' layouts


@dataclass
class Source:
    """A cmaltgen portfolio read plainly, for laying out the same content for the peers."""

    root: Path
    sections: list[tuple[str, dict[str, object], str, list[dict[str, object]]]]
    words: int
    source_bytes: int

    @property
    def items(self) -> int:
        return sum(len(ev) for *_, ev in self.sections)


def read_source(root: Path) -> Source:
    sections = []
    words = size = 0
    for reflection in sorted(root.glob("*/reflection.md")):
        folder = reflection.parent
        if folder.name.startswith(("_", ".")):
            continue
        text = reflection.read_text(encoding="utf-8")
        _, front, body = text.split("---\n", 2)
        evidence_file = folder / "evidence.yml"
        evidence = yaml.safe_load(evidence_file.read_text()) if evidence_file.exists() else None
        sections.append((folder.name, yaml.safe_load(front), body, evidence or []))
        words += len(re.findall(r"[\w’'-]+", body))
        size += len(text.encode()) + (evidence_file.stat().st_size if evidence_file.exists() else 0)
    return Source(root, sections, words, size)


EVIDENCE_LINK = re.compile(r"\]\(evidence:([^)\s]+)\)")
SECTION_LINK = re.compile(r"\]\(section:([^)\s]+)\)")


def _item_md(number: int, item: dict[str, object], prefix: str) -> str:
    where = f"{prefix}{item['file']}" if item.get("file") else str(item.get("url", ""))
    return (
        f"### E{number} {item['title']} {{#ev-{item['id']}}}\n\n{item['shows']}\n\n"
        f"- Type: {item['type']}\n- Date: {item['date']}\n- [Open it]({where})\n"
    )


def _pages(src: Source, ext_links: bool) -> dict[str, str]:
    """Page path (folder/index.md) -> Markdown; links in the peer's own style."""
    folder_of = {str(front["section"]): folder for folder, front, _, _ in src.sections}
    numbers: dict[str, int] = {}
    homes: dict[str, str] = {}
    for folder, _, _, evidence in src.sections:
        for item in evidence:
            numbers[str(item["id"])] = len(numbers) + 1
            homes[str(item["id"])] = folder

    def page(folder: str) -> str:
        return f"../{folder}/index.md" if ext_links else f"../{folder}/"

    pages: dict[str, str] = {}
    for folder, front, body, evidence in src.sections:
        body = EVIDENCE_LINK.sub(lambda m: f"]({page('evidence')}#ev-{m.group(1)})", body)
        body = SECTION_LINK.sub(lambda m: f"]({page(folder_of.get(m.group(1), ''))})", body)
        parts = [f"# {front.get('title') or front['section']}\n\n{front.get('summary', '')}\n"]
        parts.append(body)
        if evidence:
            parts.append("\n## Evidence for this section\n")
            parts += [_item_md(numbers[str(i["id"])], i, "") for i in evidence]
        pages[f"{folder}/index.md"] = "\n".join(parts)
    every = ["# Evidence\n"]
    for folder, _, _, evidence in src.sections:
        every += [_item_md(numbers[str(i["id"])], i, f"../{folder}/") for i in evidence]
    pages["evidence/index.md"] = "\n".join(every)
    ids = [str(front["section"]) for _, front, _, _ in src.sections]
    rows = [
        "# Evidence by section\n",
        "| Evidence | " + " | ".join(ids) + " |",
        "|---" * (len(ids) + 1) + "|",
    ]
    for folder, _, _, evidence in src.sections:
        for item in evidence:
            mine = {str(front["section"]) for f, front, _, _ in src.sections if f == folder}
            mine |= {str(s) for s in item.get("supports", []) or []}  # type: ignore[union-attr]
            cells = " | ".join("✓" if s in mine else " " for s in ids)
            rows.append(
                f"| [E{numbers[str(item['id'])]} {item['title']}]"
                f"({page('evidence')}#ev-{item['id']}) | {cells} |"
            )
    pages["matrix/index.md"] = "\n".join(rows) + "\n"
    overview = [
        f"- [{front.get('title') or front['section']}]({page(folder)[3:]})"
        for folder, front, _, _ in src.sections
    ]
    pages["index.md"] = "# Home\n\n" + "\n".join(overview) + "\n"
    pages["confirmation/index.md"] = "# Confirmation\n\nI confirm that this is my own work.\n"
    return pages


def _copy_files(src: Source, dest: Path) -> None:
    for folder, *_ in src.sections:
        for path in (src.root / folder).rglob("*"):
            if path.is_file() and path.name not in ("reflection.md", "evidence.yml"):
                target = dest / folder / path.relative_to(src.root / folder)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, target)


def layout_mkdocs(src: Source, dest: Path) -> Path:
    docs = dest / "docs"
    for rel, text in _pages(src, ext_links=True).items():
        (docs / rel).parent.mkdir(parents=True, exist_ok=True)
        (docs / rel).write_text(text, encoding="utf-8")
    _copy_files(src, docs)
    (dest / "mkdocs.yml").write_text(
        "site_name: Benchmark portfolio\nmarkdown_extensions: [tables, footnotes, attr_list]\n",
        encoding="utf-8",
    )
    return dest


HUGO_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }} | {{ .Site.Title }}</title>
</head><body><nav><ul>{{ range .Site.Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a>
</li>{{ end }}</ul></nav><main><h1>{{ .Title }}</h1>{{ .Content }}</main></body></html>
"""


def layout_hugo(src: Source, dest: Path) -> Path:
    content = dest / "content"
    for rel, text in _pages(src, ext_links=False).items():
        title, _, body = text.partition("\n")
        rel = "_index.md" if rel == "index.md" else rel
        page = f'---\ntitle: "{title[2:].replace(chr(34), chr(39))}"\n---\n{body}'
        (content / rel).parent.mkdir(parents=True, exist_ok=True)
        (content / rel).write_text(page, encoding="utf-8")
    _copy_files(src, content)
    layouts = dest / "layouts" / "_default"
    layouts.mkdir(parents=True)
    for name in ("single.html", "list.html"):
        (layouts / name).write_text(HUGO_PAGE, encoding="utf-8")
    (dest / "config.toml").write_text(
        'baseURL = "https://example.org/bench/"\ntitle = "Benchmark portfolio"\n'
        'disableKinds = ["taxonomy", "term", "RSS"]\n',
        encoding="utf-8",
    )
    return dest


# ----------------------------------------------------------------------------- warm rebuilds


EDIT_AT = "## Reflection\n"


def warm_child(root: Path, runs: int) -> None:
    """In this process: build once as ``cmaltgen build`` does, then as serve does (drafts
    shown, parses and Jinja environments kept in memory), then edit one reflection and
    rebuild, ``runs`` times."""
    from cmaltgen.build import build
    from cmaltgen.read.documents import ParseCache
    from cmaltgen.site.theme import Environments

    target = next(
        p for p in sorted(root.glob("*/reflection.md")) if EDIT_AT in p.read_text("utf-8")
    )
    original = target.read_text(encoding="utf-8")
    started = time.perf_counter()
    build(root, write=False)
    plain_s = time.perf_counter() - started
    cache, templates = ParseCache(), Environments()
    started = time.perf_counter()
    first = build(root, write=False, drafts=True, cache=cache, templates=templates)
    first_s = time.perf_counter() - started
    times: list[float] = []
    try:
        for n in range(runs):
            edited = original.replace(
                EDIT_AT, f"{EDIT_AT}\nThis is edit number {n} of the benchmark.\n", 1
            )
            target.write_text(edited, encoding="utf-8")
            started = time.perf_counter()
            result = build(root, write=False, drafts=True, cache=cache, templates=templates)
            times.append(time.perf_counter() - started)
            if not result.ok:
                raise SystemExit(f"warm rebuild of {root} failed")
    finally:
        target.write_text(original, encoding="utf-8")
    report = {
        "plain": plain_s,
        "first": first_s,
        "times": times,
        "ok": first.ok,
        "rendered": first.pages,  # every page is rendered again
        "pages": first.pages,
    }
    print(json.dumps(report))


@dataclass
class Warm:
    plain: float = math.nan  # the first build in a fresh process, as cmaltgen build
    first: float = math.nan  # the first build as serve does it (drafts shown, parses kept)
    median: float = math.nan
    rss: float = math.nan
    rendered: int = 0  # pages rendered again by each rebuild
    pages: int = 0


def measure_warm(root: Path, runs: int, repeats: int = 1) -> Warm:
    """Medians over ``repeats`` fresh processes, each doing one first build and ``runs``
    rebuilds; the peak RSS is the largest of them."""
    plains: list[float] = []
    firsts: list[float] = []
    rebuilds: list[float] = []
    rss = 0.0
    for _ in range(repeats):
        with tempfile.TemporaryFile() as out:
            proc = subprocess.Popen(
                [sys.executable, __file__, "--warm-child", str(root), str(runs)], stdout=out
            )
            _, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = os.waitstatus_to_exitcode(status)
            out.seek(0)
            text = out.read().decode()
        if proc.returncode:
            return Warm()
        data = json.loads(text.strip().splitlines()[-1])
        plains.append(data["plain"])
        firsts.append(data["first"])
        rebuilds.append(statistics.median(data["times"]))
        rss = max(rss, usage.ru_maxrss / MB)
    return Warm(
        statistics.median(plains),
        statistics.median(firsts),
        statistics.median(rebuilds),
        rss,
        data["rendered"],
        data["pages"],
    )


# ----------------------------------------------------------------------------- start-up


def imports_in_process(statement: str, runs: int) -> float:
    """Median seconds that ``statement`` takes inside a fresh process, timed from within it:
    unlike timing ``python -c statement`` from outside, this leaves out the interpreter's
    start-up and its teardown at exit."""
    code = f"import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"
    times = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        if out.returncode == 0:
            times.append(float(out.stdout))
    return statistics.median(times) if times else math.nan


def importtime(cmd: Sequence[str], top: int = 10) -> tuple[list[tuple[int, str]], int]:
    """The ``top`` imports by cumulative microseconds, and the total of all top-level ones."""
    out = subprocess.run(cmd, capture_output=True, text=True, check=False)
    rows: list[tuple[int, int, str]] = []
    for line in out.stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if m:
            rows.append((int(m.group(2)), len(m.group(3)), m.group(4)))
    total = sum(cum for cum, depth, _ in rows if depth == 1)
    ranked = sorted(((cum, name) for cum, _, name in rows), reverse=True)
    return ranked[:top], total


# ----------------------------------------------------------------------------- reporting


def fmt(value: float, digits: int = 2) -> str:
    return "–" if math.isnan(value) else f"{value:.{digits}f}"


def ratio(a: float, b: float) -> str:
    return "–" if math.isnan(a) or math.isnan(b) or not b else f"{a / b:.2f}x"


def table(head: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


@dataclass
class Case:
    name: str
    root: Path
    src: Source
    runs: int
    warmup: bool
    cold: dict[str, Figure] = field(default_factory=dict)
    warm: Warm = field(default_factory=Warm)


def verdict_linear(exponent: float) -> str:
    if math.isnan(exponent):
        return "–"
    if exponent <= 1.15:
        return "linear"
    return "slightly superlinear" if exponent <= 1.5 else "superlinear"


def slope(a: float, b: float, na: float, nb: float) -> float:
    """log-log growth exponent: 1 is linear, 2 quadratic."""
    if min(a, b, na, nb) <= 0 or na == nb or math.isnan(a) or math.isnan(b):
        return math.nan
    return math.log(b / a) / math.log(nb / na)


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmark cmaltgen against MkDocs and Hugo.")
    parser.add_argument("--quick", action="store_true", help="small sizes, few runs (~1 min)")
    parser.add_argument("--work", type=Path, default=REPO / "benchmarks" / "_work")
    parser.add_argument("--save", action="store_true", help="write benchmarks/results.md")
    parser.add_argument(
        "--keep-env",
        action="store_true",
        help="do not enable bytecode caching for the measured processes",
    )
    parser.add_argument("--warm-child", nargs=2, metavar=("DIR", "RUNS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.warm_child:
        warm_child(Path(args.warm_child[0]), int(args.warm_child[1]))
        return
    lines = report(args.quick, args.work.resolve(), args.keep_env)
    if args.save:
        save_results(REPO / "benchmarks" / "results.md", lines, args.quick)


# What --save writes sits between these lines of results.md; the rest of the file (sections
# other scripts or people wrote, such as the cohort hub's) is kept as it is.
SAVED_START = "<!-- compare.py --save: from here -->"
SAVED_END = "<!-- compare.py --save: to here -->"


def save_results(path: Path, lines: list[str], quick: bool) -> None:
    """Replace only compare.py's own part of ``path``, keeping every other section."""
    ours = (
        f"{SAVED_START}\nPrinted by `python benchmarks/compare.py{' --quick' if quick else ''}`; "
        "see README.md for what each figure means.\n\n" + "\n".join(lines) + f"\n{SAVED_END}\n"
    )
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    if SAVED_START in old and SAVED_END in old:
        before, _, rest = old.partition(SAVED_START)
        after = rest.partition(SAVED_END)[2].lstrip("\n")
    else:  # a file from before the markers: ours ran up to the first "Total benchmark time"
        before, after = "# Latest benchmark results\n\n", old
        if re.search(r"^Total benchmark time .*$", old, re.M):
            after = re.split(r"^Total benchmark time .*\n?", old, maxsplit=1, flags=re.M)[1]
        elif old.startswith("# Latest benchmark results"):
            after = old.partition("\n")[2]
        after = after.lstrip("\n")
    path.write_text(before + ours + ("\n" + after if after else ""), encoding="utf-8")


def say(lines: list[str], *new: str) -> None:
    for line in new:
        print(line, flush=True)
        lines.append(line)


def use_bytecode_cache(work: Path, keep_env: bool) -> str:
    """Let the measured processes cache compiled modules, as an installed package has them.

    With PYTHONDONTWRITEBYTECODE set (some sandboxes and CI images set it) an editable install
    recompiles cmaltgen's own modules in every process, which adds about 25 ms to every run
    and is not what users see. The cache goes under the work folder, not the source tree.
    """
    if keep_env:
        return "environment left as it is (--keep-env)"
    note = "compiled modules cached under the work folder (PYTHONPYCACHEPREFIX)"
    if os.environ.pop("PYTHONDONTWRITEBYTECODE", None) is not None:
        note += "; PYTHONDONTWRITEBYTECODE from this shell ignored for the measured processes"
    os.environ["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    return note


def report(quick: bool, work: Path, keep_env: bool = False) -> list[str]:
    started = time.perf_counter()
    work.mkdir(parents=True, exist_ok=True)
    bytecode = use_bytecode_cache(work, keep_env)
    cmaltgen, mkdocs, hugo = tool("cmaltgen"), tool("mkdocs"), tool("hugo")
    lines: list[str] = []
    versions = {
        "cmaltgen": version_of([str(cmaltgen), "--version"]) if cmaltgen else "missing",
        "MkDocs": version_of([str(mkdocs), "--version"]) if mkdocs else "skipped: not installed",
        "Hugo": version_of([str(hugo), "version"]) if hugo else "skipped: not installed",
    }
    say(
        lines,
        f"## Environment{' (--quick)' if quick else ''}",
        "",
        f"- Python {platform.python_version()} on {platform.system()} "
        f"{platform.machine()}, {os.cpu_count()} CPUs",
        *(f"- {k}: {v}" for k, v in versions.items()),
        f"- source: {version_of(['git', '-C', str(REPO), 'describe', '--always', '--dirty'])}",
        f"- bytecode: {bytecode}",
        "",
    )
    if cmaltgen is None:
        raise SystemExit("cmaltgen is not installed in this Python environment")

    # --- start-up
    n = 5 if quick else 15
    imports = "import cmaltgen.cli, cmaltgen.build"
    startup = measure_together(
        {
            "py": ([sys.executable, "-c", "pass"], None),
            "ver": ([str(cmaltgen), "--version"], None),
            "full": ([sys.executable, "-c", imports], None),
        },
        n,
        warmup=True,
    )
    py, ver, full = startup["py"], startup["ver"], startup["full"]
    import_ms = imports_in_process(imports, n)
    top, total = importtime([sys.executable, "-X", "importtime", "-m", "cmaltgen", "--version"])
    btop, btotal = importtime(
        [sys.executable, "-X", "importtime", "-c", "import cmaltgen.cli, cmaltgen.build"]
    )
    say(lines, f"## Start-up (median of {n}, wall ms)", "")
    say(
        lines,
        *table(
            ["command", "ms", "RSS MB"],
            [
                ["python -c pass", fmt(py.wall * 1000, 0), fmt(py.rss, 0)],
                ["cmaltgen --version", fmt(ver.wall * 1000, 0), fmt(ver.rss, 0)],
                [
                    "python -c 'import cmaltgen.cli, cmaltgen.build'",
                    fmt(full.wall * 1000, 0),
                    fmt(full.rss, 0),
                ],
            ],
        ),
        "",
    )
    say(
        lines,
        f"`python -X importtime -m cmaltgen --version`: top-level imports "
        f"{total / 1000:.0f} ms in all; top 10 by cumulative time:",
        "",
    )
    say(lines, *table(["module", "cumulative ms"], [[m, f"{c / 1000:.1f}"] for c, m in top]), "")
    say(
        lines,
        f"Everything `build` needs (`import cmaltgen.cli, cmaltgen.build`): "
        f"{btotal / 1000:.0f} ms; top 10:",
        "",
    )
    say(lines, *table(["module", "cumulative ms"], [[m, f"{c / 1000:.1f}"] for c, m in btop]), "")

    # --- portfolios
    runs = 3 if quick else 7
    sizes = generate.SIZES[:2] if quick else generate.SIZES
    cases = []
    example = work / "example"
    if example.exists():
        shutil.rmtree(example)
    shutil.copytree(EXAMPLE, example, ignore=shutil.ignore_patterns("_site"))
    cases.append(Case("example", example, read_source(example), runs, True))
    for size in sizes:
        root = generate.generate(work / size.name, size)
        big = size.items >= 1000
        case_runs = runs if not big else (5 if size.items < 5000 else 3)
        cases.append(Case(size.name, root, read_source(root), case_runs, not big))
    for case in cases:
        peers = work / "peers" / case.name
        if peers.exists():
            shutil.rmtree(peers)
        out = work / "out" / case.name
        commands: dict[str, list[str] | str] = {
            "cmaltgen": [str(cmaltgen), "build", str(case.root), "-o", str(out / "cmaltgen")],
        }
        if mkdocs:
            cfg = layout_mkdocs(case.src, peers / "mkdocs") / "mkdocs.yml"
            commands["MkDocs"] = [
                str(mkdocs),
                "build",
                "-q",
                "-f",
                str(cfg),
                "-d",
                str(out / "mkdocs"),
            ]
        else:
            commands["MkDocs"] = "skipped: mkdocs is not installed (pip install mkdocs)"
        if hugo:
            site = layout_hugo(case.src, peers / "hugo")
            commands["Hugo"] = [
                str(hugo),
                "--quiet",
                "-s",
                str(site),
                "-d",
                str(out / "hugo"),
                "--cacheDir",
                str(work / "hugo-cache"),
            ]
        else:
            commands["Hugo"] = "skipped: hugo is not installed (apt-get install hugo)"
        runnable: dict[str, tuple[Sequence[str], Callable[[], None] | None]] = {}
        for name, cmd in commands.items():
            if isinstance(cmd, str):
                case.cold[name] = Figure(skipped=cmd)
                continue
            dest = Path(cmd[cmd.index("-o" if name == "cmaltgen" else "-d") + 1])

            def clean(dest: Path = dest) -> None:
                shutil.rmtree(dest, ignore_errors=True)

            runnable[name] = (cmd, clean)
        case.cold.update(measure_together(runnable, case.runs, warmup=case.warmup))
        print(
            f"  {case.name:8} "
            + "  ".join(f"{k} {fmt(f.wall, 3)} s {f.skipped}" for k, f in case.cold.items()),
            file=sys.stderr,
            flush=True,
        )
        small = case.src.items < 1000
        case.warm = measure_warm(
            case.root, 3 if quick or not small else 5, repeats=3 if small else 1
        )

    # --- full builds
    say(lines, "## Full build as a whole process (median wall seconds; peak RSS MB)", "")
    rows = []
    for case in cases:
        c, m, h = (case.cold.get(k, Figure()) for k in ("cmaltgen", "MkDocs", "Hugo"))
        rows.append(
            [
                case.name,
                str(len(case.src.sections)),
                str(case.src.items),
                str(case.src.words),
                str(case.runs),
                fmt(c.wall, 3),
                fmt(m.wall, 3),
                fmt(h.wall, 3),
                ratio(c.wall, m.wall),
                ratio(c.wall, h.wall),
                ratio(c.cpu, m.cpu),
                fmt(c.rss, 0),
                fmt(m.rss, 0),
                fmt(h.rss, 0),
                f"{fmt(c.cpu, 2)} / {fmt(m.cpu, 2)} / {fmt(h.cpu, 2)}",
            ]
        )
    say(
        lines,
        *table(
            [
                "portfolio",
                "sections",
                "items",
                "words",
                "runs",
                "cmaltgen s",
                "MkDocs s",
                "Hugo s",
                "cg/MkDocs",
                "cg/Hugo",
                "CPU cg/MkDocs",
                "cg MB",
                "MkDocs MB",
                "Hugo MB",
                "CPU s cg/MkDocs/Hugo",
            ],
            rows,
        ),
        "",
    )
    for case in cases:
        for name, fig in case.cold.items():
            if fig.skipped:
                say(lines, f"- {case.name} {name}: {fig.skipped}")
    say(lines, "")

    # --- warm rebuilds and growth
    say(lines, "## Warm rebuild in-process after a one-file edit (as serve does it)", "")
    base = ver.wall
    rows = []
    generated = [c for c in cases if c.name != "example"]
    for case in cases:
        cold_build = case.cold["cmaltgen"].wall - base
        rows.append(
            [
                case.name,
                str(case.src.items),
                f"{case.src.source_bytes / 1024:.0f}",
                fmt(case.warm.first * 1000, 0),
                fmt(case.warm.median * 1000, 0),
                f"{case.warm.rendered} of {case.warm.pages}",
                fmt(case.warm.rss, 0),
                fmt(cold_build * 1000, 0),
                fmt(case.warm.median * 1000 / len(case.src.sections), 1),
                fmt(case.warm.median * 1000 / max(case.src.items, 1), 2),
            ]
        )
    say(
        lines,
        *table(
            [
                "portfolio",
                "items",
                "source KB",
                "first serve build ms",
                "rebuild ms (median)",
                "pages rendered",
                "serve-style RSS MB",
                "cold minus start-up ms",
                "rebuild ms/section",
                "rebuild ms/item",
            ],
            rows,
        ),
        "",
    )
    say(
        lines,
        "Growth between sizes (log-log exponent of time against size: 1.0 is linear, "
        "2.0 quadratic):",
        "",
    )
    rows = []
    for a, b in itertools.pairwise(generated):
        exponent = slope(a.warm.median, b.warm.median, a.src.source_bytes, b.src.source_bytes)
        rows.append(
            [
                f"{a.name} -> {b.name}",
                f"x{b.src.items / a.src.items:.1f}",
                f"x{b.src.source_bytes / a.src.source_bytes:.1f}",
                f"x{b.warm.median / a.warm.median:.1f}" if a.warm.median else "–",
                fmt(exponent),
                verdict_linear(exponent),
                fmt(
                    slope(
                        a.cold["cmaltgen"].wall - base,
                        b.cold["cmaltgen"].wall - base,
                        a.src.source_bytes,
                        b.src.source_bytes,
                    )
                ),
                fmt(
                    slope(
                        a.cold["cmaltgen"].rss,
                        b.cold["cmaltgen"].rss,
                        a.src.source_bytes,
                        b.src.source_bytes,
                    )
                ),
            ]
        )
    say(
        lines,
        *table(
            [
                "step",
                "items",
                "source bytes",
                "rebuild time",
                "rebuild exponent",
                "rebuild growth",
                "cold build exponent",
                "RSS exponent",
            ],
            rows,
        ),
        "",
    )

    # --- targets
    say(lines, "## Targets", "")
    ex = cases[0].cold
    r_m = ex["cmaltgen"].wall / ex["MkDocs"].wall if ex["MkDocs"].ok else math.nan
    r_h = ex["cmaltgen"].wall / ex["Hugo"].wall if ex["Hugo"].ok else math.nan
    largest = cases[-1]
    verdict = {True: "PASS", False: "FAIL"}
    say(
        lines,
        f"- example vs MkDocs: {fmt(r_m)}x (target <= {TARGET_MKDOCS}x, aim {AIM_MKDOCS}x): "
        + (
            "skipped"
            if math.isnan(r_m)
            else verdict[r_m <= TARGET_MKDOCS]
            + (" (aim met)" if r_m <= AIM_MKDOCS else " (aim not met)")
        ),
        f"- example vs Hugo: {fmt(r_h)}x (target <= {TARGET_HUGO}x): "
        + ("skipped" if math.isnan(r_h) else verdict[r_h <= TARGET_HUGO]),
        f"- largest ({largest.name}: {len(largest.src.sections)} sections, "
        f"{largest.src.items} items): {fmt(largest.cold['cmaltgen'].wall)} s, "
        f"{fmt(largest.cold['cmaltgen'].rss, 0)} MB (target: seconds, within a few hundred MB, "
        f"here <= {TARGET_LARGEST_S:.0f} s and <= {TARGET_LARGEST_MB:.0f} MB): "
        + verdict[
            largest.cold["cmaltgen"].wall <= TARGET_LARGEST_S
            and largest.cold["cmaltgen"].rss <= TARGET_LARGEST_MB
        ],
        f"- the same ratios in CPU time (less sensitive to other load on the machine): "
        f"{ratio(ex['cmaltgen'].cpu, ex['MkDocs'].cpu)} of MkDocs, "
        f"{ratio(ex['cmaltgen'].cpu, ex['Hugo'].cpu)} of Hugo",
        "",
    )
    first = cases[0].warm.plain
    cold = ex["cmaltgen"].wall
    imported = import_ms
    say(
        lines,
        "Where the example's cold build goes (medians, wall ms; the parts are measured "
        "separately, so on a busy machine they may not add up exactly): Python start-up "
        f"{fmt(py.wall * 1000, 0)}, importing what build needs {fmt(imported * 1000, 0)}, "
        f"the build itself in a fresh process (read, check, render incl. compiling templates) "
        f"{fmt(first * 1000, 0)}, writing the site, reading the command line, reporting and "
        "exiting "
        f"{fmt((cold - py.wall - imported - first) * 1000, 0)}; total {fmt(cold * 1000, 0)}.",
        "",
        f"Total benchmark time {time.perf_counter() - started:.0f} s.",
    )
    return lines


if __name__ == "__main__":
    main()
