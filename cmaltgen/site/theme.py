"""Themes: an ordered template search path with explicit inheritance.

Search order: the portfolio's own ``templates/`` folder, then the chosen theme, then the themes
it extends (``extends:`` in its ``theme.yml``), ending with ``default``. A template may extend
its same-named parent with a prefix naming the theme: ``{% extends "!default/page.html" %}``.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import jinja2
import yaml

from cmaltgen.diagnostics import CmaltgenError, Diagnostic
from cmaltgen.site.pages import EDITIONS, PAGES, PageSpec

DEFAULT_THEME = "default"
Mark = tuple[int, int]  # a line and column in a theme.yml (from 1)


@functools.cache
def themes_root() -> Path:
    """The built-in themes: inside the installed package, or beside it in a source checkout."""
    here = Path(__file__).resolve().parents[1]  # the cmaltgen package
    for candidate in (here / "themes", here.parent / "themes"):
        if (candidate / DEFAULT_THEME / "theme.yml").is_file():
            return candidate
    raise CmaltgenError(f"cmaltgen's built-in themes are missing (looked in {here})")


def available() -> list[str]:
    return sorted(p.name for p in themes_root().iterdir() if (p / "theme.yml").is_file())


class Theme(NamedTuple):
    """A resolved theme: its chain (child first) and the folders to search."""

    name: str
    chain: tuple[Path, ...]  # theme folders, child first, ending with default
    overrides: Path | None  # the portfolio's templates/ folder
    pages: tuple[PageSpec, ...] = ()  # pages the themes add (``pages:`` in theme.yml)

    @property
    def template_dirs(self) -> list[Path]:
        dirs = [self.overrides] if self.overrides else []
        return dirs + [t / "templates" for t in self.chain]

    @property
    def static_dirs(self) -> list[Path]:
        """Static folders, parent first, so a child's files replace its parent's."""
        return [t / "static" for t in reversed(self.chain) if (t / "static").is_dir()]


def load_theme(name: str, overrides: Path | None, themes: Path | None = None) -> Theme:
    """Resolve ``name`` and its parents (in ``themes``, default the built-in ones); a missing
    theme is a user-facing error."""
    chain: list[Path] = []
    pages: list[PageSpec] = []
    current: str | None = name
    while current:
        folder = (themes or themes_root()) / current
        if not _is_theme(current, folder) or folder in chain:
            raise CmaltgenError(
                f"there is no theme '{current}'",
                [
                    Diagnostic(
                        "theme-missing",
                        f"there is no theme '{current}'",
                        hint="available themes: " + ", ".join(available()),
                    )
                ],
            )
        chain.append(folder)
        text = (folder / "theme.yml").read_text(encoding="utf-8")
        meta = yaml.safe_load(text) or {}
        marks = _page_marks(text) if meta.get("pages") else []
        pages[:0] = theme_pages(folder / "theme.yml", meta, marks)  # a parent's pages come first
        current = meta.get("extends") or (DEFAULT_THEME if current != DEFAULT_THEME else None)
    return Theme(name, tuple(chain), overrides, tuple(pages))


def _is_theme(name: str, folder: Path) -> bool:
    """A theme is named by its folder's name alone: not a path, nor a name too long for one."""
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}", name):
        return False
    try:
        return (folder / "theme.yml").is_file()
    except OSError:
        return False


def theme_pages(
    source: Path, meta: dict[str, Any], marks: Sequence[tuple[Mark, Mark]] = ()
) -> list[PageSpec]:
    """The ``pages:`` a theme.yml adds: each with ``path``, ``template``, ``title`` and
    optionally ``kind`` (default: the path without ``.html``) and ``editions``. ``marks``:
    where each entry, and its template, are in ``source``."""
    taken = {spec.path for spec in PAGES}
    found: list[PageSpec] = []
    for number, entry in enumerate(meta.get("pages") or []):
        entry_at, template_at = marks[number] if number < len(marks) else (None, None)
        problem = _page_problem(entry, taken)
        if problem:
            raise CmaltgenError(
                f"{source}: {problem}",
                [
                    Diagnostic(
                        "template-error",
                        f"a page in the theme's pages: list {problem}",
                        path=source,
                        line=entry_at[0] if entry_at else None,
                        col=entry_at[1] if entry_at else None,
                        hint="give each page a path ending in .html inside the site, a "
                        "template and a title; editions may be public and/or assessor",
                    )
                ],
            )
        path = str(entry["path"])
        editions = tuple(entry.get("editions") or EDITIONS)
        kind = str(entry.get("kind") or path.removesuffix(".html"))
        where = (source, *template_at) if template_at else None
        found.append(
            PageSpec(path, str(entry["template"]), str(entry["title"]), kind, editions, where)
        )
        taken.add(path)
    return found


def _page_marks(text: str) -> list[tuple[Mark, Mark]]:
    """Where each ``pages:`` entry is, and its ``template:`` (or the entry, without one)."""
    root = yaml.compose(text)
    if not isinstance(root, yaml.MappingNode):
        return []
    listed = next((v for k, v in root.value if k.value == "pages"), None)
    if not isinstance(listed, yaml.SequenceNode):
        return []
    marks = []
    for item in listed.value:
        at = item
        if isinstance(item, yaml.MappingNode):
            at = next((v for k, v in item.value if k.value == "template"), item)
        entry = (item.start_mark.line + 1, item.start_mark.column + 1)
        marks.append((entry, (at.start_mark.line + 1, at.start_mark.column + 1)))
    return marks


def _page_problem(entry: object, taken: set[str]) -> str:
    if not isinstance(entry, dict) or not all(entry.get(k) for k in ("path", "template", "title")):
        return "needs a path, a template and a title"
    path = str(entry["path"])
    if not path.endswith(".html") or path.startswith("/") or ".." in path.split("/"):
        return f"has the path '{path}', which is not a .html page inside the site"
    if path in taken:
        return f"has the path '{path}', which another page already uses"
    editions = entry.get("editions") or EDITIONS
    if not isinstance(editions, list | tuple) or not set(editions) <= set(EDITIONS):
        return f"has editions {editions!r}; use public, assessor or both"
    return ""


def environment(theme: Theme) -> jinja2.Environment:
    """A Jinja environment over the search path, strict about undefined names, autoescaped."""
    prefixed = {t.name: jinja2.FileSystemLoader(t / "templates") for t in theme.chain}
    loader = jinja2.ChoiceLoader(
        [
            jinja2.FileSystemLoader([str(d) for d in theme.template_dirs]),
            jinja2.PrefixLoader(prefixed, delimiter="/"),
        ]
    )
    return jinja2.Environment(
        loader=_BangLoader(loader),
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # An environment never outlives its template files unchanged (see Environments), so
        # Jinja need not stat the file on every include of a partial (thousands a build).
        auto_reload=False,
        # Jinja's optimizer folds constant expressions when compiling; the built-in themes
        # have none (their compiled code is identical either way), and looking for them
        # costs about an eighth of compiling the templates, which every build does.
        optimized=False,
    )


class Environments:
    """Jinja environments kept from one build to the next, one per template search path.

    ``cmaltgen serve`` keeps one for its life, so each template is compiled once (Jinja's own
    template cache). Once a template file in the search path is edited, added (an override in
    ``templates/``) or removed, the next build gets a new environment. One thread at a time:
    a build sets the environment's globals.
    """

    def __init__(self) -> None:
        self._kept: dict[tuple[Path, ...], tuple[frozenset[Stamp], jinja2.Environment]] = {}

    def get(self, theme: Theme) -> jinja2.Environment:
        key = tuple(theme.template_dirs)
        files = template_files(key)
        kept = self._kept.get(key)
        if kept is None or kept[0] != files:
            kept = self._kept[key] = (files, environment(theme))
        return kept[1]


Stamp = tuple[str, int, int]  # a file's path, modification time (ns) and size


def template_files(folders: tuple[Path, ...]) -> frozenset[Stamp]:
    """Every file in the search path with its modification time and size (none is opened)."""
    found: set[Stamp] = set()
    for folder in folders:  # one not there (yet) is skipped: the loader reports it
        for parent, _, names in os.walk(folder, followlinks=True):
            for path in (Path(parent, name) for name in names):
                try:
                    stat = path.stat()
                except OSError:
                    continue  # removed since the folder was listed
                found.add((str(path), stat.st_mtime_ns, stat.st_size))
    return frozenset(found)


class _BangLoader(jinja2.BaseLoader):
    """Route ``!theme/name.html`` to that theme's own folder (skipping overrides)."""

    def __init__(self, inner: jinja2.ChoiceLoader) -> None:
        self.inner = inner

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str | None, Callable[[], bool] | None]:
        if template.startswith("!"):
            try:
                return self.inner.loaders[1].get_source(environment, template[1:])
            except jinja2.TemplateNotFound:
                raise jinja2.TemplateNotFound(template) from None  # as the template named it
        return self.inner.get_source(environment, template)
