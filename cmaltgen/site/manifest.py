"""portfolio.json: a machine-readable summary of a public portfolio site, for cohort hubs.

The manifest is made from the same public :class:`~cmaltgen.site.structure.Site` the pages are made
from, so nothing an edition leaves out (assessors-only, private or draft sections and evidence)
can appear in it. Section statuses come from :func:`site_rows`, the definition
``cmaltgen check`` uses. A cohort hub reads local members through :func:`manifest` too, so a
portfolio is summarised by one code path whether the hub reads its folder or its website.

The format is versioned (``"manifest": 1``); readers refuse another major version. Its JSON
Schema is ``schemas/manifest.schema.json`` (``cmaltgen schema manifest``).
"""

from __future__ import annotations

import dataclasses
import json
import posixpath
from typing import Any
from urllib.parse import quote

from cmaltgen import __version__
from cmaltgen.diagnostics import Diagnostics
from cmaltgen.read.dates import PartialDate
from cmaltgen.rules import readiness as check
from cmaltgen.site import metadata
from cmaltgen.site.structure import Evidence, Site
from cmaltgen.site.urls import with_slash

MANIFEST = "portfolio.json"
VERSION = 1
STATUSES = ("started", "drafting", "submitted", "awarded", "resubmitting")
SECTION_STATUSES = (check.MISSING, check.DRAFT, check.STUB, check.WRITTEN)


def manifest(site: Site) -> dict[str, Any]:
    """The manifest of ``site`` as JSON-ready data."""
    config = site.portfolio.config
    rows = site_rows(site)
    shown = {s.id: s for s in site.sections}
    sections = [_section(row, shown) for row in rows]
    dates = [s["updated"] for s in sections if s["updated"]]
    award = _award(site)
    return {
        "manifest": VERSION,
        "generator": f"cmaltgen {__version__}",
        "url": with_slash(config.site.base_url),
        "candidate": {
            "name": config.candidate.name,
            "role": config.candidate.role,
            "organisation": config.candidate.organisation,
        },
        "pathway": {"id": site.portfolio.pathway.id, "title": site.portfolio.pathway.title},
        "framework": site.portfolio.framework.version,
        "status": status(award, rows),
        "award": award,
        "updated": max(dates, key=_date_key) if dates else None,
        "sections": sections,
        "evidence": [_evidence(item) for item in site.evidence],
    }


def manifest_bytes(site: Site) -> bytes:
    """The manifest as the bytes of ``portfolio.json`` (UTF-8, stable key order)."""
    return (json.dumps(manifest(site), indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def status(award: dict[str, Any] | None, rows: list[check.SectionRow]) -> str:
    """The overall status a portfolio shows by itself (a cohort hub's cohort.yml may set
    ``submitted`` or ``resubmitting`` per member)."""
    if award is not None:
        return "awarded"
    if any(row.status in (check.WRITTEN, check.STUB) for row in rows):
        return "drafting"
    return "started"


def _award(site: Site) -> dict[str, Any] | None:
    award = site.portfolio.config.award
    if award is None:
        return None
    pathway = metadata.awarded_pathway(site).id  # a review's award is of its pathway held
    return {"date": award.date.iso(), "pathway": pathway, "url": award.url}


def site_rows(site: Site) -> list[check.SectionRow]:
    """``cmaltgen check``'s rows (one definition of a section's status) for what the public
    site shows: a section it leaves out (draft, assessors-only, private) reads as missing."""
    shown = {s.id: len(s.evidence) for s in site.sections}
    pathway = site.portfolio.pathway
    rows: list[check.SectionRow] = []
    for row in check.section_rows(site.portfolio, Diagnostics(), shown):
        spec = pathway.spec_for(row.id)
        if row.id in shown:
            rows.append(dataclasses.replace(row, evidence=shown[row.id]))
        elif spec is not None and spec.slot:  # its id and title are the author's own words
            rows.append(check.missing_row(spec))
        else:
            rows.append(dataclasses.replace(row, status=check.MISSING, words=0, evidence=0))
    return rows


def _section(row: check.SectionRow, shown: dict[str, Any]) -> dict[str, Any]:
    section = shown.get(row.id)
    updated: PartialDate | None = section.updated if section is not None else None
    return {
        "id": row.id,
        "title": row.title,
        "status": row.status,
        "words": row.words or 0,
        "evidence": row.evidence,
        "url": posixpath.dirname(section.url) + "/" if section is not None else None,
        "updated": updated.iso() if updated is not None else None,
    }


def _evidence(item: Evidence) -> dict[str, Any]:
    return {
        "id": item.id,
        "title": item.title,
        "type": item.type,
        "date": item.date.iso(),
        "sections": list(item.sections),
        # a file's path is a web address too: 'files/1a/Options appraisal.pdf' would be
        # refused by a hub reading it (spaces, '#'), so it is percent-encoded as pages link it
        "url": item.url or (quote(item.file, safe="/") if item.file else f"evidence/#ev-{item.id}"),
    }


def _date_key(iso: str) -> tuple[int, ...]:
    return tuple(int(part) for part in iso.split("-"))


# ------------------------------------------------------------------------ JSON Schema

_DATE = {"type": "string", "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$"}
_TEXT = {"type": "string", "maxLength": 2000}


def _object(properties: dict[str, Any]) -> dict[str, Any]:
    """An object with exactly these properties, all required."""
    return {
        "type": "object",
        "required": list(properties),
        "additionalProperties": False,
        "properties": properties,
    }


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of portfolio.json, version 1."""
    section = _object(
        {
            "id": {"type": "string", "pattern": r"^[a-z0-9][A-Za-z0-9-]*$"},
            "title": _TEXT,
            "status": {"enum": list(SECTION_STATUSES)},
            "words": {"type": "integer", "minimum": 0},
            "evidence": {"type": "integer", "minimum": 0},
            "url": {"type": ["string", "null"], "description": "Relative to the site's root."},
            "updated": {"oneOf": [_DATE, {"type": "null"}]},
        }
    )
    evidence = _object(
        {
            "id": {"type": "string"},
            "title": _TEXT,
            "type": {"type": "string"},
            "date": _DATE,
            "sections": {"type": "array", "items": {"type": "string"}},
            "url": {"type": "string", "description": "Absolute, or relative to the site's root."},
        }
    )
    award = _object({"date": _DATE, "pathway": {"type": "string"}, "url": {"type": "string"}})
    top = _object(
        {
            "manifest": {"const": VERSION, "description": "The format's version."},
            "generator": {"type": "string"},
            "url": {"type": "string", "description": "The site's base_url, or empty."},
            "candidate": _object({"name": _TEXT, "role": _TEXT, "organisation": _TEXT}),
            "pathway": _object({"id": {"type": "string"}, "title": _TEXT}),
            "framework": {"type": "string"},
            "status": {"enum": list(STATUSES)},
            "award": {"oneOf": [{"type": "null"}, award]},
            "updated": {"oneOf": [_DATE, {"type": "null"}]},
            "sections": {"type": "array", "items": section},
            "evidence": {"type": "array", "items": evidence},
        }
    )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "cmaltgen portfolio.json (manifest version 1)",
        "description": "A public CMALT portfolio site's summary, read by cohort hubs.",
        **top,
    }
