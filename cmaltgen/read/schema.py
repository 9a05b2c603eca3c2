"""Declared schemas: dataclasses whose fields carry a one-line doc and a kind (:func:`spec`).

The same declarations drive the validator (:func:`load`: located, plain-words problems), the
JSON Schemas for editors and docs/format.md's field tables (:mod:`cmaltgen.schemas`), so the
three cannot drift apart.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
import types
import typing
from dataclasses import dataclass
from typing import Any, TypeVar, Union
from urllib.parse import urlsplit

from cmaltgen.diagnostics import Diagnostics, suggestion
from cmaltgen.read.dates import PartialDate, date_hint
from cmaltgen.read.located_yaml import KeyPath, LineMap

T = TypeVar("T")

ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"


def spec(
    doc: str,
    *,
    default: Any = dataclasses.MISSING,
    default_factory: Any = dataclasses.MISSING,
    kind: str | None = None,
    choices: tuple[str, ...] = (),
    pattern: str | None = None,
    example: Any = None,
    hint: str | None = None,
) -> Any:
    """A declared field, required unless given a default. ``kind`` refines a str: ``url``,
    ``date``, ``path`` (a file name, kept exactly as quoted: names may start or end with
    spaces), ``name`` (looked up by a later check, such as a theme's), ``text`` (default).
    ``hint`` says how to write a value that does not match ``pattern`` or ``choices``."""
    meta = {
        "doc": doc,
        "kind": kind,
        "choices": choices,
        "pattern": pattern,
        "example": example,
        "hint": hint,
    }
    return dataclasses.field(default=default, default_factory=default_factory, metadata=meta)


@dataclass(eq=False)
class Context:
    """What :func:`load` needs to report problems: where the data came from, and today."""

    linemap: LineMap
    diags: Diagnostics
    today: dt.date
    ok: bool = True

    def problem(self, code: str, message: str, key: KeyPath, hint: str | None = None) -> None:
        self.ok = False if code != "unknown-key" else self.ok
        where = self.linemap.where(key)
        if code == "unknown-key":
            where["line"], where["col"] = self.linemap.key_at(key)
        self.diags.add(code, message, key=_dotted(key) or None, hint=hint, **where)


def _dotted(key: KeyPath) -> str:
    text = ""
    for part in key:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def load(cls: type[T], data: Any, key: KeyPath, ctx: Context) -> T | None:
    """Check ``data`` against dataclass ``cls``; return an instance or ``None`` if unusable."""
    if not isinstance(data, dict):
        ctx.problem("wrong-type", f"expected {_describe(cls)} here, found {_kind_of(data)}", key)
        return None
    fields, hints = _declared(cls)  # type: ignore[arg-type]  # classes are hashable
    for name in data:
        if name not in fields:
            ctx.problem(
                "unknown-key",
                f"'{name}' is not a setting cmaltgen knows here, so it is ignored"
                + suggestion(name, fields),
                (*key, name),
                hint="known settings: " + ", ".join(fields),
            )
    values: dict[str, Any] = {}
    complete = True
    for name, fld in fields.items():
        if name not in data or data[name] is None:
            if is_required(fld):
                ctx.problem("missing-key", f"'{name}' is required: {fld.metadata['doc']}", key)
                complete = False
            continue
        value = _value(hints[name], fld.metadata, data[name], (*key, name), ctx)
        if value is _INVALID:
            complete = complete and not is_required(fld)
        else:
            values[name] = value
    return cls(**values) if complete else None


@functools.cache
def _declared(cls: type) -> tuple[dict[str, dataclasses.Field[Any]], dict[str, Any]]:
    """A dataclass's fields and type hints, once per class: ``typing.get_type_hints``
    re-evaluates every annotation, a fifth of a large build with thousands of evidence items."""
    return {f.name: f for f in dataclasses.fields(cls)}, typing.get_type_hints(cls)


def is_required(fld: dataclasses.Field[Any]) -> bool:
    return fld.default is dataclasses.MISSING and fld.default_factory is dataclasses.MISSING


_INVALID = object()


@functools.cache
def shape(tp: Any) -> tuple[str, Any]:
    """What kind of value type hint ``tp`` asks for, and its item type: worked out once per
    hint, not once per value (the JSON Schemas use it too)."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (Union, types.UnionType):
        return shape(next(a for a in args if a is not type(None)))
    if origin in (list, tuple):
        return "list", args[0]
    if origin is dict:
        return "dict", args[1]
    if tp is PartialDate:
        return "date", tp
    if dataclasses.is_dataclass(tp):
        return "dataclass", tp
    for kind in (bool, int, float):
        if tp is kind:
            return kind.__name__, tp
    return "text", tp


def _value(tp: Any, meta: Any, data: Any, key: KeyPath, ctx: Context) -> Any:
    kind, inner = shape(tp)
    if kind == "text":
        return _text(meta, data, key, ctx)
    if kind == "list":
        return _list(inner, meta, data, key, ctx)
    if kind == "dict":
        return _dict(inner, meta, data, key, ctx)
    if kind == "dataclass":
        loaded = load(inner, data, key, ctx)
        return _INVALID if loaded is None else loaded
    return _SCALARS[kind](data, key, ctx)


def _list(item: Any, meta: Any, data: Any, key: KeyPath, ctx: Context) -> Any:
    if isinstance(data, str) and _ID_LIST.fullmatch(data) and not dataclasses.is_dataclass(item):
        data = [part.strip() for part in data.split(",")]  # "supports: 2a, 4a" means two
    if isinstance(data, (str, int, float)) and not dataclasses.is_dataclass(item):
        data = [data]  # "supports: 1a" means a list of one; be forgiving
    if not isinstance(data, list):
        ctx.problem("wrong-type", f"expected a list here, found {_kind_of(data)}", key)
        return _INVALID
    items = [_value(item, meta, v, (*key, i), ctx) for i, v in enumerate(data)]
    return tuple(v for v in items if v is not _INVALID)


# A whole value in Word's curly quotes (“Choosing tools”): YAML keeps them as characters,
# but they were meant as quotes, as straight ones would be. Quotes inside are left alone.
_CURLY_QUOTED = re.compile("^\u201c([^\u201c\u201d]*)\u201d$|^\u2018([^\u2018\u2019]*)\u2019$")


# Ids written as text with commas between them, as people write a list without brackets.
_ID_LIST = re.compile(r"[\w-]+(?:\s*,\s*[\w-]+)+")


def _dict(item: Any, meta: Any, data: Any, key: KeyPath, ctx: Context) -> Any:
    if not isinstance(data, dict):
        ctx.problem("wrong-type", f"expected 'key: value' lines here, found {_kind_of(data)}", key)
        return _INVALID
    values = {k: _value(item, meta, v, (*key, k), ctx) for k, v in data.items()}
    return {k: v for k, v in values.items() if v is not _INVALID}


_LOGIN = re.compile(r"^([\s<\"']*[A-Za-z][A-Za-z0-9+.-]*://)([^/?#]*)@")  # <https://... too


def hide_password(text: str) -> str:
    """``text`` with the password of a ``user:password@`` address shown as ***."""
    found = _LOGIN.match(text)
    if found is None or ":" not in found.group(2):
        return text
    return f"{found.group(1)}{found.group(2).split(':')[0]}:***@{text[found.end() :]}"


def without_login(text: str) -> str:
    """A web address without its ``user:password@`` part, if any."""
    return _LOGIN.sub(r"\1", text, count=1)


def url_message(text: str) -> str:
    """What is wrong with an address :func:`url_hint` refuses, its password hidden."""
    shown = hide_password(text)
    return f"'{text}' is not a web address" if shown == text else f"'{shown}' holds a password"


def url_hint(text: str) -> str | None:
    """None for a web address (http(s)://, a host name, a port if any); else how to fix it."""
    if hide_password(text) != text:
        bare = without_login(text)
        more = url_hint(bare)  # "https://me:pw@host/<x>": say what else is wrong at once
        fix = f"write the address without it, {bare}" if more is None else f"remove it; {more}"
        return f"anyone reading the site could see it: {fix}"
    if not re.match(r"^https?://[^\s/$.?#][^\s\x00-\x1f\x7f]*$", text):
        if re.match(r"^(www\.|[\w-]+(\.[\w-]+)+/)\S*$", text):  # a host without https://
            return f"web addresses start with https:// (or http://): https://{text}"
        return "web addresses start with https:// (or http://)"
    odd = sorted(set(text) & set('<>"'))
    if odd:  # never part of an address: pasted with the HTML or quotes around it
        return f"a web address cannot hold {' or '.join(odd)}: copy it again from the browser"
    try:
        parts = urlsplit(text)
    except ValueError:  # an unclosed [ of an IPv6 address
        return "an IPv6 address in a web address is written in [ ], with both brackets"
    try:
        parts.port  # noqa: B018 (raises ValueError for a port that is not a port)
    except ValueError:
        return "a ':' after the host name starts a port number (1 to 65535): check for a slip"
    return None if parts.hostname else "a web address needs a host name after https://"


def _text(meta: Any, data: Any, key: KeyPath, ctx: Context) -> Any:
    if isinstance(data, (dict, list)):
        ctx.problem("wrong-type", f"expected text here, found {_kind_of(data)}", key)
        return _INVALID
    raw = ctx.linemap.raw(key)
    text = (raw if raw is not None and not isinstance(data, str) else str(data)).strip()
    if meta.get("kind") == "path" and isinstance(data, str) and text:
        text = data  # " notes.txt" (quoted) is that file: only YAML's own unquoting applies
    elif isinstance(data, str):
        text = _CURLY_QUOTED.sub(lambda m: m.group(1) or m.group(2) or "", text)
    hint = url_hint(text) if meta.get("kind") == "url" else None
    if hint:
        ctx.problem("invalid-url", url_message(text), key, hint=hint)
        return _INVALID
    choices = meta.get("choices") or ()
    if choices and text not in choices:
        ctx.problem(
            "invalid-value",
            f"'{text}' is not one of the choices" + suggestion(text, choices),
            key,
            hint="; ".join(
                filter(None, ["choose one of: " + ", ".join(choices), meta.get("hint")])
            ),
        )
        return _INVALID
    pattern = meta.get("pattern")
    if pattern and not re.match(pattern, text):
        ctx.problem(
            "invalid-value",
            f"'{text}' is not allowed here"
            + (f" (did you mean '{text.lower()}'?)" if re.match(pattern, text.lower()) else ""),
            key,
            hint=meta.get("hint") or _pattern_hint(pattern),
        )
        return _INVALID
    if _CONTROL.search(text) and meta.get("kind") not in ("path", "name"):  # theirs say more
        ctx.problem(
            "invalid-value",
            f"'{text}' holds a control character, which no web page can show",
            key,
            hint="remove the escape that makes it (such as \\0, \\e or \\x07) from the quoted text",
        )
        return _INVALID
    return text


# YAML refuses these typed into a file, but its escapes ("\0", "\e", "\x07") make them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _pattern_hint(pattern: str) -> str:
    if pattern == ID_PATTERN:
        return "use lowercase letters, digits and hyphens, e.g. vle-survey-2024"
    return f"it must match {pattern}"


def _date(data: Any, key: KeyPath, ctx: Context) -> Any:
    shown = ctx.linemap.raw(key) or str(data)
    parsed = PartialDate.parse(data) if not isinstance(data, (bool, list, dict)) else None
    if parsed is None:
        ctx.problem(
            "invalid-date",
            f"'{shown}' is not a date cmaltgen understands",
            key,
            hint=date_hint(str(data)),
        )
        return _INVALID
    if parsed.earliest() > ctx.today:
        ctx.problem(
            "future-date",
            f"{parsed.human()} is in the future (today is {ctx.today.isoformat()})",
            key,
            hint="check the year and month; nothing in a portfolio can be dated ahead of today",
        )
        return _INVALID
    return parsed


def _bool(data: Any, key: KeyPath, ctx: Context) -> Any:
    if isinstance(data, bool):
        return data
    name = str(key[-1]) if key else "the setting"
    ctx.problem(
        "wrong-type",
        f"expected true or false here, found {_kind_of(data)}",
        key,
        hint=f"write {name}: true or {name}: false (yes and no work too)",
    )
    return _INVALID


def _int(data: Any, key: KeyPath, ctx: Context) -> Any:
    if isinstance(data, int) and not isinstance(data, bool):
        return data
    ctx.problem("wrong-type", f"expected a whole number here, found {_kind_of(data)}", key)
    return _INVALID


def _number(data: Any, key: KeyPath, ctx: Context) -> Any:
    """A number such as 1.5 that is not negative, infinite or NaN (``.inf`` is valid YAML)."""
    if isinstance(data, (int, float)) and not isinstance(data, bool):
        if data >= 0 and data == data and data != float("inf"):
            return float(data)
        ctx.problem("invalid-value", f"'{data}' is not a number zero or more", key)
        return _INVALID
    ctx.problem("wrong-type", f"expected a number here (e.g. 1.5), found {_kind_of(data)}", key)
    return _INVALID


# Values with no type parameters: each checks its data alone.
_SCALARS = {"date": _date, "bool": _bool, "int": _int, "float": _number}


def _kind_of(data: Any) -> str:
    if isinstance(data, dict):
        return "a set of 'key: value' lines"
    if isinstance(data, list):
        return "a list"
    if isinstance(data, bool):
        return f"'{str(data).lower()}' (YAML reads yes/no/true/false as a yes-or-no value)"
    if data is None:
        return "nothing"
    return f"'{data}'"


def _describe(cls: type) -> str:
    what = " ".join((cls.__doc__ or cls.__name__).split(".")[0].split()).lower()
    return f"{what} ('key: value' lines)"
