"""Helpers that inspect a built site on disk: links, anchors, ids (used by several tests)."""

from __future__ import annotations

import functools
import json
import posixpath
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

MANIFEST_SCHEMA = Path(__file__).resolve().parent.parent / "schemas" / "manifest.schema.json"


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.h1 = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "h1":
            self.h1 += 1
        if values.get("id"):
            self.ids.add(str(values["id"]))
        for name in ("href", "src"):
            if tag != "base" and values.get(name) is not None:
                self.links.append(str(values[name]))


def parse_page(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def broken_links(site: Path) -> list[str]:
    """Every internal link or anchor that does not resolve, and every root-absolute link."""
    pages = {p.relative_to(site).as_posix(): parse_page(p) for p in site.rglob("*.html")}
    problems: list[str] = []
    for name, page in pages.items():
        for link in page.links:
            problem = _check(name, link, site, pages)
            if problem:
                problems.append(f"{name}: {link}: {problem}")
    return problems


def _check(name: str, link: str, site: Path, pages: dict[str, _Page]) -> str | None:
    parts = urlsplit(link)
    if parts.scheme in ("http", "https", "mailto"):
        return None
    if parts.scheme or parts.netloc:
        return "unexpected scheme"
    if link.startswith("/"):
        return "root-absolute link"
    target = posixpath.normpath(posixpath.join(posixpath.dirname(name), unquote(parts.path)))
    if not parts.path:
        target = name
    if target.startswith(".."):
        return "leaves the site"
    if (site / target).is_dir():
        return "links to a folder (breaks when opened from disk)"
    if not (site / target).is_file():
        return "missing target"
    if parts.fragment and target.endswith(".html") and parts.fragment not in pages[target].ids:
        return f"missing anchor #{parts.fragment}"
    return None


@functools.cache
def _manifest_validator() -> Any:
    import jsonschema

    schema = json.loads(MANIFEST_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def manifest_problems(site: Path) -> list[str]:
    """Why a public site's portfolio.json is missing or does not match its schema."""
    path = site / "portfolio.json"
    if not path.is_file():
        return ["portfolio.json is missing"]
    data = json.loads(path.read_text(encoding="utf-8"))
    problems = [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in _manifest_validator().iter_errors(data)
    ]
    for section in data["sections"]:  # each address is a page of the site
        if section["url"] is not None and not (site / section["url"] / "index.html").is_file():
            problems.append(f"sections: {section['id']}'s url {section['url']} is not a page")
    return problems


VNU_JAR = (
    Path(__file__).resolve().parent.parent
    / "node_modules"
    / "vnu-jar"
    / "build"
    / "dist"
    / "vnu.jar"
)


def nu_missing() -> str | None:
    """Why the Nu checker cannot run here, or None."""
    missing = "Java" if shutil.which("java") is None else "" if VNU_JAR.is_file() else "vnu.jar"
    if missing:
        return f"the Nu HTML checker needs {missing} (apt-get install default-jre; npm ci)"
    return None


def nu_errors(*paths: Path | str) -> list[dict[str, Any]]:
    """The W3C Nu checker's errors for every HTML file under ``paths`` (none: valid).

    Tests take it from the ``nu_checker`` fixture (tests/conftest.py), which marks them slow."""
    command = ["java", "-jar", str(VNU_JAR), "--errors-only", "--format", "json"]
    proc = subprocess.run(
        [*command, "--skip-non-html", *map(str, paths)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    messages: list[dict[str, Any]] = json.loads(proc.stderr or '{"messages": []}')["messages"]
    assert messages or proc.returncode == 0, f"the Nu checker failed: {proc.stderr[:3000]}"
    return messages
