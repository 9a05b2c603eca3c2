"""A theme template's mistakes in plain words, each reported once with the pages it stopped.

A typo in a template that every section page uses fails every one of those pages; the user
needs one message at the template's line, saying what is wrong, how it was used and (where a
close name exists) what was probably meant.
"""

from __future__ import annotations

import dataclasses
import re
import sys
import traceback
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, NamedTuple

import jinja2
from jinja2 import nodes
from jinja2.utils import object_type_repr

from cmaltgen.diagnostics import Diagnostics, suggestion
from cmaltgen.site.theme import Theme

SHOWN_PAGES = 3  # pages named in the hint; the rest are counted
UNDEFINED = re.compile(r"^'(?P<name>[^']+)' is undefined$")
NO_ATTRIBUTE = re.compile(r"^'(?P<type>[^']+)' has no attribute '(?P<name>[^']+)'$")
NO_FILTER_OR_TEST = re.compile(r"^No (?P<kind>filter|test) named '(?P<name>[^']+)'")
TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")

_FIX_SPELLING = "check the spelling; docs/themes.md lists the names a template can use"
_FIX_SYNTAX = "compare the line with the theme's own templates (docs/themes.md)"
_FIX_NAME = "check the names the template uses against docs/themes.md"
_FIX_OTHER = "check the line against docs/themes.md; the message above is Python's"


class Where(NamedTuple):
    path: Path | None
    line: int | None


class Problem(NamedTuple):
    code: str
    where: Where
    message: str  # plain words, with a suggestion where a close name exists
    used: str  # the tag on that line that used the name, or ""
    col: int | None
    hint: str  # what to do, before the pages it stopped


class TemplateProblems:
    """Collects the template mistakes of one render; :meth:`report` adds each once."""

    def __init__(self, env: jinja2.Environment, theme: Theme) -> None:
        self.env = env
        self.theme = theme
        self.pages: dict[Problem, list[str]] = {}
        # a template a theme.yml page names: where that theme.yml names it
        self.named = {spec.template: spec.where for spec in theme.pages if spec.where}

    def add(self, exc: Exception, page: str, template: str, values: Mapping[str, Any]) -> None:
        problem = self._problem(exc, template, values)
        self.pages.setdefault(problem, []).append(page)

    def report(self, diags: Diagnostics) -> None:
        for problem, pages in self.pages.items():
            path, line = problem.where
            used = f"used as {problem.used}, " if problem.used else ""
            diags.add(
                problem.code,
                problem.message,
                hint=f"{used}{_on_pages(pages)}; {problem.hint}",
                path=path,
                line=line,
                col=(problem.col or 1) if line else None,
            )
        self.pages.clear()

    def _problem(self, exc: Exception, template: str, values: Mapping[str, Any]) -> Problem:
        if isinstance(exc, jinja2.TemplateNotFound):
            return self._not_found(exc, template)
        if isinstance(exc, jinja2.TemplateSyntaxError):
            where = Where(Path(exc.filename) if exc.filename else None, exc.lineno)
        else:  # a template that includes itself: the user's own file, not the theme's base
            own = self.theme.overrides if isinstance(exc, RecursionError) else None
            where = Where(*_template_frame(exc, own))
        text = exc.message if isinstance(exc, jinja2.TemplateError) else str(exc)
        text = text or type(exc).__name__
        named = NO_FILTER_OR_TEST.match(text)
        if named:
            kind, name = named["kind"], named["name"]
            known = self.env.filters if kind == "filter" else self.env.tests
            message = f"there is no {kind} '{name}'{suggestion(name, known)}"
            fix = (
                f"check the spelling; Jinja's own {kind}s work, and docs/themes.md lists cmaltgen's"
            )
            return self._located("template-error", where, message, name, fix)
        if isinstance(exc, jinja2.UndefinedError):
            return self._undefined(where, text, values)
        if isinstance(exc, jinja2.TemplateSyntaxError):
            message = f"template syntax: {text}"
            return Problem("template-error", where, message, "", None, _FIX_SYNTAX)
        if isinstance(exc, RecursionError):
            message = "the template includes, extends or calls itself without end"
            fix = "check the line's include, extends or macro call: it leads back to itself"
            return Problem("template-error", where, message, "", None, fix)
        message = f"the template failed here: {text}"
        return Problem("template-error", where, message, "", None, _FIX_OTHER)

    def _undefined(self, where: Where, text: str, values: Mapping[str, Any]) -> Problem:
        missing = UNDEFINED.match(text)
        if missing:
            name = missing["name"]
            own = _stored_names(self.env, where.path)  # preferred: what the template sets
            close = suggestion(name, own) or suggestion(name, {*values, *self.env.globals})
            message = f"the template uses '{name}', which is not defined{close}"
            return self._located("template-error", where, message, name)
        attribute = NO_ATTRIBUTE.match(text)
        if attribute is None:  # an item of a list that has fewer, say
            message = f"the template asks for something that is not there: {text}"
            return Problem("template-error", where, message, "", None, _FIX_NAME)
        kind, name = attribute["type"], attribute["name"]
        known = _attribute_names(kind, [*values.values(), *self.env.globals.values()])
        of = kind.removesuffix(" object").rpartition(".")[2]
        line = _line(where)
        expression = re.search(rf"([A-Za-z_][\w.]*)\.{re.escape(name)}\b", line)
        if expression:
            owner = expression[1]
            message = f"the template uses '{owner}.{name}', and {owner} has no '{name}'"
        else:
            message = f"the template asks a {of} for '{name}', which it does not have"
        return self._located("template-error", where, message + suggestion(name, known), name)

    def _located(
        self, code: str, where: Where, message: str, name: str, fix: str = _FIX_SPELLING
    ) -> Problem:
        used, col = _usage(where, name)
        return Problem(code, where, message, used, col, fix)

    def _not_found(self, exc: jinja2.TemplateNotFound, template: str) -> Problem:
        name = str(exc.name)
        where = Where(*_template_frame(exc))
        message = f"the template '{name}' was not found"
        used, col = _usage(where, name)
        if where.path is None and name == template and template in self.named:
            path, line, col = self.named[template]  # the theme.yml page that names it
            where = Where(path, line)
            message = f"the theme's pages: list names the template '{name}', which was not found"
        message += suggestion(name, _template_names(self.theme, prefixed=name.startswith("!")))
        searched = "searched: " + ", ".join(str(d) for d in self.theme.template_dirs)
        return Problem("template-missing", where, message, used, col, searched)


def _on_pages(pages: list[str]) -> str:
    if len(pages) == 1:
        return f"on the page {pages[0]}"
    shown = ", ".join(pages[:SHOWN_PAGES])
    more = len(pages) - SHOWN_PAGES
    return f"on {len(pages)} pages ({shown}{f' and {more} more' if more > 0 else ''})"


def _template_frame(
    exc: BaseException, prefer: Path | None = None
) -> tuple[Path | None, int | None]:
    """The innermost template line in the traceback; the innermost in folder ``prefer``
    first, if any."""
    frames = [
        frame
        for frame in reversed(traceback.extract_tb(exc.__traceback__))
        if frame.filename.endswith((".html", ".xml", ".txt"))
    ]
    if prefer is not None:
        frames.sort(key=lambda frame: not Path(frame.filename).is_relative_to(prefer))
    return (Path(frames[0].filename), frames[0].lineno) if frames else (None, None)


def _usage(where: Where, name: str) -> tuple[str, int | None]:
    """The tag on the problem's line that uses ``name``, and its column."""
    if where.path is None or where.path.suffix not in (".html", ".xml", ".txt"):
        return "", None
    uses = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)")
    tag = next((m for m in TAG.finditer(_line(where)) if uses.search(m[0])), None)
    return (tag[0], tag.start() + 1) if tag else ("", None)


def _line(where: Where) -> str:
    """The template's line the problem is on ("" when it cannot be read)."""
    if where.path is None or not where.line:
        return ""
    try:
        lines = where.path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return ""
    return lines[where.line - 1] if where.line <= len(lines) else ""


def _stored_names(env: jinja2.Environment, path: Path | None) -> set[str]:
    """Names the template itself sets: loop variables, ``set``, macros and their arguments."""
    if path is None:
        return set()
    try:
        tree = env.parse(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, jinja2.TemplateSyntaxError):
        return set()
    names = {n.name for n in tree.find_all(nodes.Name) if n.ctx in ("store", "param")}
    return names | {m.name for m in tree.find_all(nodes.Macro)}


def _attribute_names(kind: str, roots: Iterable[object]) -> set[str]:
    """Field names of the kind of object ``kind`` names ("dict object", "pkg.mod.Class
    object"): its class's public names, and the keys of such mappings the template can reach."""
    names: set[str] = set()
    module, _, name = kind.removesuffix(" object").rpartition(".")
    found = getattr(sys.modules.get(module), name, None) if module else None
    if isinstance(found, type):
        names.update(n for n in dir(found) if not n.startswith("_"))
        if dataclasses.is_dataclass(found):  # fields without a default are not in dir()
            names.update(f.name for f in dataclasses.fields(found))
    seen: set[int] = set()
    stack = [(root, 0) for root in roots]
    while stack:
        value, depth = stack.pop()
        if id(value) in seen or depth > 4:
            continue
        seen.add(id(value))
        if isinstance(value, Mapping):
            if object_type_repr(value) == kind:
                names.update(k for k in value if isinstance(k, str))
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list | tuple):
            stack.extend((v, depth + 1) for v in value[:5])
    return names


def _template_names(theme: Theme, prefixed: bool) -> set[str]:
    """Every template in the search path, by the name a template gives it: ``!theme/name``
    when the unknown name had such a prefix (a theme's own template, as one extends it)."""
    if not prefixed:
        return {
            p.relative_to(folder).as_posix()
            for folder in theme.template_dirs
            for p in folder.rglob("*")
            if p.is_file()
        }
    return {
        f"!{chosen.name}/{p.relative_to(chosen / 'templates').as_posix()}"
        for chosen in theme.chain
        for p in (chosen / "templates").rglob("*")
        if p.is_file()
    }
