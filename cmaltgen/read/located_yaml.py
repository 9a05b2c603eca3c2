"""YAML with locations: every value's line and column, for located messages.

Nodes are constructed here, not by PyYAML, so each value's place is recorded in a
:class:`LineMap`. Tags, aliases, duplicate keys and deep nesting are refused with a located
diagnostic; nothing raises.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from cmaltgen.diagnostics import Diagnostics
from cmaltgen.read import yaml_hints

MAX_YAML_DEPTH = 32

KeyPath = tuple[str | int, ...]

# libyaml's parser when PyYAML was built with it: the same events and marks, several times faster.
LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_STR = "tag:yaml.org,2002:str"
_SAFE_TAGS = {
    "tag:yaml.org,2002:" + name
    for name in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")
}


class Mark(NamedTuple):
    """Where a YAML value (and its key, for mapping entries) starts; 1-based."""

    line: int
    col: int
    key_line: int | None = None
    key_col: int | None = None
    raw: str | None = None  # the scalar exactly as written, before YAML typed it


@dataclass(eq=False)
class LineMap:
    """Locations of every value in one YAML document, keyed by its path from the root."""

    path: Path
    marks: dict[KeyPath, Mark] = field(default_factory=dict)
    line_offset: int = 0

    def at(self, key: KeyPath) -> tuple[int, int]:
        """Line and column of the value at ``key``, or of its nearest located parent."""
        while key not in self.marks and key:
            key = key[:-1]
        mark = self.marks.get(key)
        return (mark.line, mark.col) if mark else (1 + self.line_offset, 1)

    def key_at(self, key: KeyPath) -> tuple[int, int]:
        """Line and column of the mapping key itself (for unknown-key messages)."""
        mark = self.marks.get(key)
        if mark and mark.key_line is not None and mark.key_col is not None:
            return mark.key_line, mark.key_col
        return self.at(key)

    def raw(self, key: KeyPath) -> str | None:
        mark = self.marks.get(key)
        return mark.raw if mark else None

    def where(self, key: KeyPath) -> dict[str, Any]:
        """Keyword arguments locating ``key`` for :meth:`Diagnostics.add`."""
        line, col = self.at(key)
        return {"path": self.path, "line": line, "col": col}


class _YamlProblem(Exception):
    def __init__(self, code: str, message: str, line: int, col: int, hint: str | None = None):
        super().__init__(message)
        self.code, self.line, self.col, self.hint = code, line, col, hint


def load_yaml(
    text: str, path: Path, diags: Diagnostics, *, line_offset: int = 0
) -> tuple[Any, LineMap] | None:
    """One YAML document as plain data plus the location of every value, or ``None`` after a
    located diagnostic. ``line_offset`` is added to lines (front matter starts below ``---``)."""
    linemap = LineMap(path, line_offset=line_offset)
    try:
        if "*" in text or _ANCHOR.search(text):
            _reject_aliases(text, line_offset)
        node = yaml.compose(text, Loader=LOADER)
        data = _Builder(linemap, line_offset).build(node)
        for line, col, message, hint in yaml_hints.cut_by_comment(text) if " #" in text else ():
            diags.add(
                "yaml-comment", message, path=path, line=line + line_offset, col=col, hint=hint
            )
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 if mark else 1) + line_offset
        col = mark.column + 1 if mark else 1
        hint = yaml_hints.general(exc)
        slip = yaml_hints.slip(text, exc) if mark else None
        if slip:  # 'name:Alex' above is one text with this line: the slip is there
            line, col, hint = slip[0] + line_offset, slip[1], slip[2]
        diags.add("yaml-syntax", _yaml_message(exc), path=path, line=line, col=col, hint=hint)
        return None
    except yaml.YAMLError as exc:
        diags.add("yaml-syntax", f"this YAML cannot be read: {exc}", path=path, line=1, col=1)
        return None
    except _YamlProblem as exc:
        diags.add(exc.code, str(exc), path=path, line=exc.line, col=exc.col, hint=exc.hint)
        return None
    return data, linemap


# an anchor, ``&name``, where a value starts (not "Q&A" nor "Teaching & learning")
_ANCHOR = re.compile(r"(?:^|[\s\[{,:])&[^\s&]")


def _reject_aliases(text: str, offset: int) -> None:
    """Find the first alias (``*name``) or anchor (``&name``) before composing: aliases can
    expand exponentially, and an anchor would drop words such as ``&copy`` from the value."""
    anchor: yaml.Event | None = None
    for event in yaml.parse(text, Loader=LOADER):
        if isinstance(event, yaml.AliasEvent):
            anchor = event
            break
        if anchor is None and getattr(event, "anchor", None):
            anchor = event
    if anchor is not None:
        mark = anchor.start_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        quote = yaml_hints.value_start(text.splitlines(), line - 1, "") if mark else None
        raise _alias(line + offset, col, quote[2] if quote else None)


def _alias(line: int, col: int, hint: str | None = None) -> _YamlProblem:
    return _YamlProblem(
        "yaml-alias",
        "YAML anchors and aliases (& and *) are not supported in a portfolio",
        line,
        col,
        hint or "write the value out in full where it is needed",
    )


def _yaml_message(exc: yaml.MarkedYAMLError) -> str:
    problem = exc.problem or "unexpected content"
    if exc.context:
        return f"this YAML cannot be read: {exc.context}, {problem}"
    return f"this YAML cannot be read: {problem}"


class _Builder:
    """Turn composed YAML nodes into Python values, recording where each came from."""

    def __init__(self, linemap: LineMap, offset: int) -> None:
        self.linemap = linemap
        self.offset = offset
        self.seen: set[int] = set()
        # The constructor alone: a whole loader holds itself in a cycle (its parser state is a
        # bound method), which would keep every node of the file until a garbage collection.
        self.scalars = yaml.constructor.SafeConstructor()

    def build(self, node: yaml.Node | None) -> Any:
        if node is None:
            return None
        return self._node(node, (), None, 0)

    def _pos(self, node: yaml.Node) -> tuple[int, int]:
        return node.start_mark.line + 1 + self.offset, node.start_mark.column + 1

    def _node(self, node: yaml.Node, key: KeyPath, key_node: yaml.Node | None, depth: int) -> Any:
        line, col = self._pos(node)
        if id(node) in self.seen:
            raise _alias(line, col)
        self.seen.add(id(node))
        if depth > MAX_YAML_DEPTH:
            raise _YamlProblem("yaml-too-deep", "this YAML is nested too deeply", line, col)
        if node.tag not in _SAFE_TAGS:
            raise _YamlProblem(
                "yaml-tag",
                f"the YAML tag '{node.tag}' is not allowed",
                line,
                col,
                "remove the !tag; plain text, lists and key: value pairs are enough",
            )
        key_line, key_col = self._pos(key_node) if key_node is not None else (None, None)
        raw = node.value if isinstance(node, yaml.ScalarNode) else None
        self.linemap.marks[key] = Mark(line, col, key_line, key_col, raw)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, key, depth)
        if isinstance(node, yaml.SequenceNode):
            return [
                self._node(item, (*key, i), None, depth + 1) for i, item in enumerate(node.value)
            ]
        assert isinstance(node, yaml.ScalarNode)
        return self._scalar(node, line, col)

    def _mapping(self, node: yaml.MappingNode, key: KeyPath, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            line, col = self._pos(key_node)
            if not isinstance(key_node, yaml.ScalarNode):
                raise _YamlProblem("wrong-type", "a key must be plain text", line, col)
            name = str(key_node.value)
            if name in result:
                raise _YamlProblem(
                    "yaml-duplicate-key",
                    f"the key '{name}' appears twice here",
                    line,
                    col,
                    "keep one of them: YAML would silently use only the last",
                )
            result[name] = self._node(value_node, (*key, name), key_node, depth + 1)
        return result

    def _scalar(self, node: yaml.ScalarNode, line: int, col: int) -> Any:
        if node.tag == _STR:  # text is the scalar as YAML unquoted it: nothing to construct
            return node.value
        try:
            return self.scalars.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError) as exc:  # e.g. a timestamp that is not a real date
            is_date = "timestamp" in node.tag
            raise _YamlProblem(
                "invalid-date" if is_date else "yaml-syntax",
                f"'{node.value}' is not a real date ({exc})"
                if is_date
                else f"'{node.value}' cannot be read ({exc})",
                line,
                col,
                "check the day and month: dates are written YYYY-MM-DD" if is_date else None,
            ) from exc
