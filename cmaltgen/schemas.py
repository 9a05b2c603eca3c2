"""JSON Schemas for editors and docs/format.md's field tables, generated from the
declarations the validator uses (:func:`cmaltgen.read.schema.spec`)."""

from __future__ import annotations

import dataclasses
import typing
from typing import Any

from cmaltgen.cohort.config import CohortConfig
from cmaltgen.read.config import PortfolioConfig
from cmaltgen.read.cpd import CpdActivity
from cmaltgen.read.document_fields import EvidenceItem, FrontMatter
from cmaltgen.read.feedback import FeedbackFile
from cmaltgen.read.schema import is_required, shape

KINDS = {
    "portfolio": (PortfolioConfig, "cmaltgen portfolio.yml", False),
    "evidence": (EvidenceItem, "cmaltgen evidence.yml", True),
    "front-matter": (FrontMatter, "cmaltgen reflection.md front matter", False),
    "feedback": (FeedbackFile, "cmaltgen feedback file (feedback/NAME.yml)", False),
    "cpd": (CpdActivity, "cmaltgen cpd.yml (a portfolio review's CPD record)", True),
    "cohort": (CohortConfig, "cmaltgen cohort.yml", False),
}
# Every schema ``cmaltgen schema`` prints and schemas/ holds: the declared ones and the
# manifest's, which describes an output (portfolio.json) rather than a file people write.
NAMES = (*KINDS, "manifest")


def generate(kind: str) -> dict[str, Any]:
    if kind == "manifest":
        from cmaltgen.site.manifest import json_schema as manifest_schema

        return manifest_schema()
    cls, title, as_list = KINDS[kind]
    return json_schema(cls, title=title, as_list=as_list)


def json_schema(cls: type, *, title: str, as_list: bool = False) -> dict[str, Any]:
    """A JSON Schema (draft 2020-12) for ``cls`` (or a list of them)."""
    body = _object_schema(cls)
    if as_list:
        body = {"type": "array", "items": body}
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": title, **body}


def _object_schema(cls: type) -> dict[str, Any]:
    hints = typing.get_type_hints(cls)
    props: dict[str, Any] = {}
    required: list[str] = []
    for fld in dataclasses.fields(cls):
        props[fld.name] = _type_schema(hints[fld.name], fld.metadata)
        props[fld.name]["description"] = fld.metadata.get("doc", "")
        if is_required(fld):
            required.append(fld.name)
        elif fld.default not in (dataclasses.MISSING, None, "", ()):
            props[fld.name]["default"] = fld.default
    schema: dict[str, Any] = {"type": "object", "properties": props, "additionalProperties": False}
    if cls.__doc__:
        schema["description"] = cls.__doc__.strip().split("\n")[0]
    if required:
        schema["required"] = required
    return schema


def _type_schema(tp: Any, meta: Any) -> dict[str, Any]:
    kind, inner = shape(tp)
    if kind == "list":
        return {"type": "array", "items": _type_schema(inner, meta)}
    if kind == "dict":
        return {"type": "object", "additionalProperties": _type_schema(inner, meta)}
    if kind == "date":
        return {"type": "string", "pattern": r"^\d{4}(-\d{1,2}(-\d{1,2})?)?$"}
    if kind == "dataclass":
        return _object_schema(inner)
    if kind == "bool":
        return {"type": "boolean"}
    if kind == "int":
        return {"type": "integer"}
    if kind == "float":
        return {"type": "number", "minimum": 0}
    out: dict[str, Any] = {"type": "string"}
    if meta.get("choices"):
        out["enum"] = list(meta["choices"])
    if meta.get("pattern"):
        out["pattern"] = meta["pattern"]
    if meta.get("kind") == "url":
        out["format"] = "uri"
    return out


def field_rows(cls: type, prefix: str = "") -> list[tuple[str, str, bool, str]]:
    """(dotted name, type description, required, doc) for every field, nested ones included."""
    hints = typing.get_type_hints(cls)
    rows: list[tuple[str, str, bool, str]] = []
    for fld in dataclasses.fields(cls):
        name = prefix + fld.name
        tp = hints[fld.name]
        rows.append(
            (name, _type_words(tp, fld.metadata), is_required(fld), fld.metadata.get("doc", ""))
        )
        kind, inner = _unwrap(tp)
        if kind == "dataclass":
            keyed = ".<section>." if typing.get_origin(tp) is dict else "."
            rows.extend(field_rows(inner, name + keyed))
    return rows


def _unwrap(tp: Any) -> tuple[str, Any]:
    """The shape of ``tp``'s items, through lists and mappings."""
    kind, inner = shape(tp)
    return _unwrap(inner) if kind in ("list", "dict") else (kind, inner)


def _type_words(tp: Any, meta: Any) -> str:
    kind, _ = shape(tp)
    if kind == "text" and meta.get("choices"):
        return "one of " + ", ".join(f"`{c}`" for c in meta["choices"])
    if kind in ("list", "date"):
        return kind
    if meta.get("kind") == "url":
        return "URL"
    return {"text": "text", "bool": "true/false", "int": "number", "float": "number"}.get(
        kind, "mapping"
    )
