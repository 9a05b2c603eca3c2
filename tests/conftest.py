"""Shared fixtures: a minimal valid portfolio written to disk from a dict of files."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest

from cmaltgen.build import BuildResult, build

# Tests that drive Chromium, run the Nu HTML checker (Java), build the package or generate
# benchmark portfolios: seconds each. `python -m pytest -m "not slow"` leaves them out while
# you work; CI runs everything.
SLOW_FILES = frozenset(
    {"test_browser.py", "test_browser_review.py", "test_package.py", "test_benchmarks_generate.py"}
)
SLOW_WORDS = ("nu_html", "nu_checker", "chromium", "axe", "browser", "accessible_and_valid")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        name = item.name.lower()
        if item.path.name in SLOW_FILES or any(word in name for word in SLOW_WORDS):
            item.add_marker(pytest.mark.slow)


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


def run_build(root: Path, **kwargs: object) -> BuildResult:
    """Build as the tests do; every public site written has a valid portfolio.json."""
    from tests.site_checks import manifest_problems

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
