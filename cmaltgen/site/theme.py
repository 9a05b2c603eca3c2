"""Themes: an ordered template search path with explicit inheritance.

Search order: the portfolio's own ``templates/`` folder, then the chosen theme, then the themes
it extends (``extends:`` in its ``theme.yml``), ending with ``default``. A template may extend
its same-named parent with a prefix naming the theme: ``{% extends "!default/page.html" %}``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import jinja2
import jinja2.bccache
import yaml

from cmaltgen.diagnostics import CmaltgenError, Diagnostic

DEFAULT_THEME = "default"


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

    @property
    def template_dirs(self) -> list[Path]:
        dirs = [self.overrides] if self.overrides else []
        return dirs + [t / "templates" for t in self.chain]

    @property
    def static_dirs(self) -> list[Path]:
        """Static folders, parent first, so a child's files replace its parent's."""
        return [t / "static" for t in reversed(self.chain) if (t / "static").is_dir()]


def load_theme(name: str, overrides: Path | None) -> Theme:
    """Resolve ``name`` and its parents; a missing theme is a user-facing error."""
    chain: list[Path] = []
    current: str | None = name
    while current:
        folder = themes_root() / current
        if not (folder / "theme.yml").is_file() or folder in chain:
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
        meta = yaml.safe_load((folder / "theme.yml").read_text(encoding="utf-8")) or {}
        current = meta.get("extends") or (DEFAULT_THEME if current != DEFAULT_THEME else None)
    return Theme(name, tuple(chain), overrides)


def environment(
    theme: Theme, kind: type[jinja2.Environment] = jinja2.Environment
) -> jinja2.Environment:
    """A Jinja environment over the search path, strict about undefined names, autoescaped.

    ``kind`` may be a subclass (serve's records what each page reads)."""
    prefixed = {t.name: jinja2.FileSystemLoader(t / "templates") for t in theme.chain}
    loader = jinja2.ChoiceLoader(
        [
            jinja2.FileSystemLoader([str(d) for d in theme.template_dirs]),
            jinja2.PrefixLoader(prefixed, delimiter="/"),
        ]
    )
    env = kind(
        loader=_BangLoader(loader),
        bytecode_cache=_BYTECODE,
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # Each build makes a new environment, so its templates cannot change within it;
        # without this Jinja would stat the file on every include of a partial.
        auto_reload=False,
    )
    return env


class _MemoryBytecodeCache(jinja2.BytecodeCache):
    """Compiled templates kept for the life of the process (serve rebuilds often).

    Jinja checks each entry against the template's source checksum, so an edited template
    is recompiled; only unchanged ones are reused.
    """

    def __init__(self) -> None:
        self._store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = self._store.get(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._store[bucket.key] = bucket.bytecode_to_string()


_BYTECODE = _MemoryBytecodeCache()  # one per process: serve compiles each template once


class _BangLoader(jinja2.BaseLoader):
    """Route ``!theme/name.html`` to that theme's own folder (skipping overrides)."""

    def __init__(self, inner: jinja2.ChoiceLoader) -> None:
        self.inner = inner

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str | None, Callable[[], bool] | None]:
        if template.startswith("!"):
            return self.inner.loaders[1].get_source(environment, template[1:])
        return self.inner.get_source(environment, template)


def searched(theme: Theme) -> str:
    return ", ".join(str(d) for d in theme.template_dirs)
