"""Shared fixtures: a minimal valid portfolio written to disk from a dict of files."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from cmaltgen.build import BuildResult, build
from cmaltgen.site.theme import Environments

if TYPE_CHECKING:
    from playwright.sync_api import Browser

# The loop to run while you work is `python -m pytest -m "not slow"` (under 30 s on a 2-core
# machine, with one worker per CPU: -n auto in pyproject.toml); CI runs every test. A test is
# slow when it does one of the things below, each of which takes seconds, not milliseconds.
# Its mark names the rule: @pytest.mark.slow("serve"), or pytestmark =
# pytest.mark.slow("package") for a whole file; a slow mark without a known rule is a usage
# error. The `browser` and `nu_checker` fixtures below mark their tests
# themselves, so a new browser or Nu checker test cannot land in the fast loop by mistake
# (and tests/test_markers.py checks that no test starts Chromium or Java another way).
SLOW_RULES = {
    "browser": "drives Chromium through Playwright (the `browser` fixture marks it)",
    "nu": "runs the W3C Nu HTML checker, a Java program (the `nu_checker` fixture marks it)",
    "package": "builds the sdist and wheel or installs them in a new virtual environment",
    "benchmark": "generates benchmark portfolios",
    "serve": "serve end to end: starts its own preview server (`cmaltgen serve` or a "
    "PreviewServer) and waits for it to start, rebuild after a save or stop; the one shared, "
    "read-only server per test module is not counted",
    "deploy": "runs `cmaltgen deploy` with real git: a repository, a bare remote, dozens of git "
    "commands per test (tests/test_deploy.py; test_cli.py keeps one quick deploy)",
    "timeout": "waits for a real timeout to pass: a loopback server or name lookup that hangs, "
    "trickles or answers late on purpose",
    "large": "feeds a large input on purpose (100,000 unclosed marks, 300 damaged manifests, a "
    "10 MB bundle) to show it is read once, capped or warned about, not read for minutes",
}
SLOW_FIXTURES = {"browser": "browser", "nu_checker": "nu"}


@pytest.hookimpl(tryfirst=True)  # before -m "not slow" deselects by these marks
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        for fixture, rule in SLOW_FIXTURES.items():
            if fixture in getattr(item, "fixturenames", ()):
                item.add_marker(pytest.mark.slow(rule))
        for mark in item.iter_markers("slow"):
            if len(mark.args) != 1 or mark.args[0] not in SLOW_RULES:
                raise pytest.UsageError(
                    f"{item.nodeid}: mark a slow test with the rule it follows, one of "
                    f'{", ".join(SLOW_RULES)} (tests/conftest.py), e.g. @pytest.mark.slow("serve")'
                )


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Chromium, launched once for the test module; every test that uses it is slow."""
    from tests.browser_support import chromium

    with chromium() as launched:
        yield launched


NuChecker = Callable[..., list[dict[str, Any]]]


@pytest.fixture(scope="session")
def nu_checker() -> NuChecker:
    """``site_checks.nu_errors``: the W3C Nu checker's errors for HTML files or folders.
    Skips without Java or vnu.jar (npm ci), fails instead in CI; its tests are slow."""
    from tests.site_checks import nu_errors, nu_missing

    missing = nu_missing()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(missing, pytrace=False)
        pytest.skip(missing)
    return nu_errors


TODAY = dt.date(2026, 11, 1)
REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "example_portfolio"

ASSESSED = ["1a", "1b", "1c", "2a", "2b", "3a", "3b", "4a", "specialist-oer"]

PORTFOLIO_YML = """\
pathway: cmalt
framework: "2019"
candidate:
  name: Sam Tester
  role: Learning Technologist
  organisation: Example College
site:
  title: Sam Tester's CMALT portfolio
  base_url: https://sam.example.org/cmalt/
confirmation:
  name: Sam Tester
  date: 2026-10-01
"""

FILLER = " ".join(["I reflected on what worked and what I would change next time."] * 25)


def reflection(section: str, *, extra_front: str = "", body: str | None = None) -> str:
    title = "title: Open educational resources\n" if section.startswith("specialist-") else ""
    if body is None:
        body = (
            "## Description\n\nI led the work and cited [the report]"
            f"(evidence:ev-{section}).\n\n## Reflection\n\nI learned a great deal from it.\n"
        )
    return f"---\nsection: {section}\n{title}{extra_front}---\n{body}"


def evidence(section: str) -> str:
    return (
        f"- id: ev-{section}\n"
        f"  title: Report for {section}\n"
        "  type: web-page\n"
        "  date: 2025-06-01\n"
        f"  url: https://example.org/{section}\n"
        "  shows: That I did the work.\n"
    )


def valid_files() -> dict[str, str]:
    """A small portfolio that builds with no errors and no warnings."""
    files = {
        "portfolio.yml": PORTFOLIO_YML,
        "contextual-statement/reflection.md": "---\nsection: contextual-statement\n---\n"
        "I have worked in learning technology for six years.\n",
        "future-plans/reflection.md": f"---\nsection: future-plans\n---\n{FILLER}\n",
    }
    for section in ASSESSED:
        files[f"{section}/reflection.md"] = reflection(section)
        files[f"{section}/evidence.yml"] = evidence(section)
    return files


def write_files(root: Path, files: Mapping[str, str | bytes | None]) -> Path:
    """Write (or, for ``None``, delete) files below ``root``."""
    for rel, content in files.items():
        path = root / rel
        if content is None:
            path.unlink(missing_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


PortfolioFactory = Callable[..., Path]


@pytest.fixture(autouse=True, scope="session")
def _own_cache_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """cmaltgen's cache (compiled templates, parsed framework data) in a folder of this test
    run, for the tests and the processes they start: never the developer's own cache."""
    before = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("xdg-cache"))
    yield
    if before is None:
        del os.environ["XDG_CACHE_HOME"]
    else:
        os.environ["XDG_CACHE_HOME"] = before


@pytest.fixture
def tmp_portfolio(tmp_path: Path) -> PortfolioFactory:
    """Make a valid portfolio in a temporary folder, with ``changes`` applied on top."""

    def make(changes: Mapping[str, str | bytes | None] | None = None, base: bool = True) -> Path:
        root = tmp_path / "portfolio"
        root.mkdir(exist_ok=True)
        write_files(root, valid_files() if base else {})
        return write_files(root, changes or {})

    return make


@pytest.fixture(scope="session")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example portfolio's public site, built once (strict, no warnings) and shared by the
    tests that only read it; a test that changes a site builds its own."""
    from tests.site_checks import manifest_problems

    out = tmp_path_factory.mktemp("example") / "site"
    result = build(EXAMPLE, out, strict=True)
    assert result.ok, [d.format() for d in result.diagnostics]
    assert len(result.diagnostics) == 0, [d.format() for d in result.diagnostics]
    assert manifest_problems(out) == []
    return out


@dataclasses.dataclass(frozen=True)
class CommandBuild:
    """``python -m cmaltgen build EXAMPLE -o SITE --strict``, run once as a real process."""

    proc: subprocess.CompletedProcess[str]
    site: Path
    cache_home: Path  # XDG_CACHE_HOME for that process: a fresh, empty folder


@pytest.fixture(scope="session")
def example_command_build(tmp_path_factory: pytest.TempPathFactory) -> CommandBuild:
    """The example built by the command in its own process, once, for the tests that only look
    at what it printed and wrote (the command line, the program, the cache folder)."""
    folder = tmp_path_factory.mktemp("command-build")
    site, cache_home = folder / "site", folder / "cache"
    proc = subprocess.run(
        [sys.executable, "-m", "cmaltgen", "build", str(EXAMPLE), "-o", str(site), "--strict"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "XDG_CACHE_HOME": str(cache_home)},
    )
    return CommandBuild(proc, site, cache_home)


# The Jinja environments of every run_build in a test run, kept as `cmaltgen serve` keeps them
# from one build to the next: each template is compiled once per run, not once per build (about
# 40 ms a build). An environment is made afresh for a template search path whose files changed,
# so each build renders what a new process would. Builds by the command line (CliRunner), the
# example_site fixture and build() without templates= use them too (_kept_templates below); a
# build in a process of its own (example_command_build, tests/test_main.py) compiles afresh.
RUN_BUILD_TEMPLATES = Environments()
# The same for the cohort hubs the tests build (tests/test_cohort*.py), by the command line too:
# apart from the portfolios', whose globals (site, section_by_id...) a hub's templates must never
# see.
HUB_TEMPLATES = Environments()


@pytest.fixture(autouse=True, scope="session")
def _kept_templates() -> Iterator[None]:
    """A build in this test process without ``templates`` (the command line through CliRunner,
    example_site, tests calling build()) takes its environment from RUN_BUILD_TEMPLATES instead
    of compiling every template again; a cohort hub's (`cohort build`, build_cohort()) from
    HUB_TEMPLATES."""
    from cmaltgen.cohort.build import build_cohort
    from cmaltgen.site import render

    hub_defaults = build_cohort.__kwdefaults__
    assert hub_defaults is not None and hub_defaults["templates"] is None
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(render, "environment", RUN_BUILD_TEMPLATES.get)
        patch.setitem(hub_defaults, "templates", HUB_TEMPLATES)
        yield


def run_build(root: Path, **kwargs: object) -> BuildResult:
    """Build as the tests do; every public site written has a valid portfolio.json."""
    from tests.site_checks import manifest_problems

    kwargs.setdefault("templates", RUN_BUILD_TEMPLATES)
    result = build(root, today=TODAY, **kwargs)  # type: ignore[arg-type]
    if result.written and result.edition == "public":
        assert manifest_problems(result.output) == []
    return result


def formatted(result: BuildResult) -> list[str]:
    """Diagnostics as their users see them, with paths relative to the portfolio."""
    return [d.format(base=result.root) for d in result.diagnostics.sorted()]


def symlink_or_skip(link: Path, target: Path, *, is_dir: bool = False) -> None:
    """Make a symbolic link, or skip: Windows allows them only in Developer Mode or as admin."""
    try:
        link.symlink_to(target, target_is_directory=is_dir)
    except OSError as exc:
        if os.name != "nt":
            raise
        pytest.skip(f"this Windows account cannot make symbolic links ({exc})")
