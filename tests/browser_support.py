"""Helpers for checking built pages in a real browser: a loopback server, Chromium and axe-core,
and the portfolios they check (the example in each theme, and a fresh ``cmaltgen new`` one).

Tests get Chromium from the ``browser`` fixture (tests/conftest.py), which uses ``chromium()``
here and marks them slow. Also runnable on its own to audit a built site:

    python tests/browser_support.py example_portfolio/_site [screenshot-dir]
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import http.server
import json
import os
import shutil
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from playwright.sync_api import Browser

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "example_portfolio"
# Debian's Chromium by default; CI on other systems names Playwright's in CMALTGEN_CHROMIUM.
CHROMIUM = Path(os.environ.get("CMALTGEN_CHROMIUM") or "/usr/bin/chromium")
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCHEMES: tuple[Literal["light"], Literal["dark"]] = ("light", "dark")
# How often a test's loopback server checks whether to stop: http.server's default, 0.5 s,
# is what stopping one would cost each time.
POLL = 0.01


def browser_missing() -> str | None:
    """Why the browser tests cannot run here (Playwright, Chromium or axe-core missing)."""
    import importlib.util

    if importlib.util.find_spec("playwright") is None:
        return "the playwright package is not installed (pip install playwright)"
    if not CHROMIUM.is_file():
        return f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
    if not AXE.is_file():
        return f"axe-core is missing at {AXE} (npm install)"
    return None


def require_browser() -> None:
    """Skip the calling test module when Playwright, Chromium or axe-core is missing; in CI,
    fail it instead, so a missing install step cannot pass unnoticed. Call at import time."""
    import pytest

    missing = browser_missing()
    if missing is not None:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests cannot run in CI: {missing}", pytrace=False)
        pytest.skip(missing, allow_module_level=True)


@contextlib.contextmanager
def chromium() -> Iterator[Browser]:
    """Chromium through Playwright, the one place tests launch it. Tests take it from the
    ``browser`` fixture (tests/conftest.py), which marks them slow. Skips the test when
    something is missing; fails it instead in CI."""
    import pytest

    missing = browser_missing()
    if missing is not None:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests cannot run in CI: {missing}", pytrace=False)
        pytest.skip(missing)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        launched = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


def example_copy(dest: Path, theme: str) -> Path:
    """A copy of the example portfolio in ``dest`` with ``site.theme`` set to ``theme``."""
    shutil.copytree(EXAMPLE, dest, ignore=shutil.ignore_patterns("_site"))
    config = dest / "portfolio.yml"
    text = config.read_text(encoding="utf-8")
    assert "  theme: default\n" in text, "the example portfolio names its theme"
    config.write_text(text.replace("  theme: default\n", f"  theme: {theme}\n"), "utf-8")
    return dest


def fresh_portfolio(dest: Path, today: dt.date, theme: str = "default") -> Path:
    """What ``cmaltgen new DIR --pathway cmalt`` writes, with the contextual statement made
    ready (its ``draft: true`` line removed), so the site has a section page."""
    from cmaltgen.new import create

    create(dest, "cmalt", today=today)
    if theme != "default":
        config = dest / "portfolio.yml"
        text = config.read_text(encoding="utf-8")
        assert "  language: en-GB\n" in text
        config.write_text(
            text.replace("  language: en-GB\n", f"  language: en-GB\n  theme: {theme}\n"), "utf-8"
        )
    (reflection,) = dest.glob("*-contextual-statement/reflection.md")
    text = reflection.read_text(encoding="utf-8")
    assert "\ndraft: true\n" in text
    reflection.write_text(text.replace("\ndraft: true\n", "\n"), encoding="utf-8")
    return dest


AWARDED_NAME = "Dr María-Fernanda Castellanos Whitworth"
AWARDED_SECTION = "1a/index.html"


def awarded_portfolio(dest: Path, theme: str = "default") -> Path:
    """A small valid portfolio with everything the home page can show: a long name with a
    hyphen and an accent, a photo (a JPEG carrying camera and GPS metadata, which the build
    must remove) and a Senior CMALT award with a badge link; section 1a has ### headings, a
    footnote and a code block with a line far wider than the page."""
    import io

    from PIL import Image

    from tests.conftest import PORTFOLIO_YML, valid_files, write_files

    config = PORTFOLIO_YML.replace("  name: Sam Tester\n  role", f"  name: {AWARDED_NAME}\n  role")
    config = config.replace("Sam Tester's CMALT portfolio", "Learning technology in practice")
    config = config.replace(
        "  organisation: Example College\n",
        "  organisation: Example College\n"
        "  photo:\n    file: about/me.jpg\n    alt: A smiling person in a blue jumper\n",
    )
    config += "award:\n  date: 2026-10-14\n  pathway: senior\n  url: https://badges.example.org/1\n"
    config = config.replace("site:\n", f"site:\n  theme: {theme}\n")
    photo = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "ExampleCam"  # camera make
    exif[0x8825] = {1: "N"}  # a GPS block
    Image.new("RGB", (240, 300), (96, 128, 160)).save(photo, "JPEG", exif=exif)
    body = (
        "## Description\n\nI led the work[^who] and cited [the report](evidence:ev-1a).\n\n"
        "### The *first* term\n\n" + "I planned it carefully with colleagues. " * 60 + "\n\n"
        "### The second term\n\n" + "I changed course after feedback. " * 60 + "\n\n"
        "```text\nmoodle_setting=" + "long-value-" * 20 + "end\n```\n\n"
        "## Reflection\n\n" + "I learned a great deal from it. " * 80 + "\n\n"
        "[^who]: With two colleagues in the library.\n"
    )
    files: dict[str, str | bytes | None] = {**valid_files(), "portfolio.yml": config}
    files["1a/reflection.md"] = f"---\nsection: 1a\n---\n{body}"
    files["about/me.jpg"] = photo.getvalue()
    return write_files(dest, files)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output clean."""


@contextlib.contextmanager
def serve(root: Path) -> Iterator[str]:
    """Serve ``root`` on a free loopback port; yield its base URL (ending in a slash)."""
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(POLL,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def html_pages(root: Path) -> list[str]:
    """Every HTML page of a built site, as paths relative to ``root``."""
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*.html"))


def loopback_only(route: Any) -> None:
    """Playwright route handler: let loopback requests through, abort everything else."""
    url: str = route.request.url
    if url.startswith(("http://127.0.0.1:", "data:", "about:")):
        route.continue_()
    else:
        route.abort()


def run_axe(page: Any) -> list[dict[str, Any]]:
    """Inject axe-core into ``page`` and return its violations for ``AXE_TAGS``."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result: dict[str, Any] = page.evaluate(
        """tags => axe.run(document, {
            runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})""",
        AXE_TAGS,
    )
    violations: list[dict[str, Any]] = result["violations"]
    return violations


def describe(violations: list[dict[str, Any]]) -> str:
    """One readable line per failing node."""
    lines = []
    for v in violations:
        for node in v["nodes"]:
            lines.append(
                f"  {v['id']} ({v['impact']}): {node['target']} - {node['failureSummary']}"
            )
    return "\n".join(lines)


def audit(site: Path, shots: Path | None = None) -> int:
    """Print axe violations for every page in both schemes; optionally save screenshots."""
    failures = 0
    with serve(site) as base, chromium() as browser:
        for scheme in SCHEMES:
            page = browser.new_page(color_scheme=scheme, viewport={"width": 1280, "height": 900})
            page.route("**/*", loopback_only)
            for rel in html_pages(site):
                page.goto(base + rel)
                found = run_axe(page)
                failures += len(found)
                if found:
                    print(f"{scheme} {rel}:\n{describe(found)}")
            page.close()
        if shots is not None:
            _screenshots(browser, base, shots)
    print(json.dumps({"violations": failures}))
    return 1 if failures else 0


def _screenshots(browser: Any, base: str, shots: Path) -> None:
    shots.mkdir(parents=True, exist_ok=True)
    pages = {
        "home": "index.html",
        "1a": "1a/index.html",
        "evidence": "evidence/index.html",
        "matrix": "matrix/index.html",
    }
    for scheme in SCHEMES:
        for width in (375, 1280):
            page = browser.new_page(color_scheme=scheme, viewport={"width": width, "height": 900})
            page.route("**/*", loopback_only)
            for name, rel in pages.items():
                page.goto(base + rel)
                page.screenshot(path=str(shots / f"{name}-{width}-{scheme}.png"), full_page=True)
            page.close()


if __name__ == "__main__":
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else None
    sys.exit(audit(Path(sys.argv[1]), out) if Path(sys.argv[1]).is_dir() else 2)
