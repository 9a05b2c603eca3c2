"""Template tables: a section laid out as a table of Description / Evidence / Reflection.

Many CMALT templates hold each section in a table: one column with a label row above each
part, two columns (label | text), or a row of labels above a row of text. Left as a table,
the whole section became one Markdown table under Description. Such a table is unrolled into
its parts, each label as a bold line, which the sorter reads as the start of a part; a first
row across the table (the section's name) becomes a bold line too, which may start a section.

A table is unrolled only when its labels name Reflection and Description or Evidence, so an
evidence table ("Evidence | What it shows | Date") stays a table.
"""

from __future__ import annotations

import re
from html import escape

from bs4 import BeautifulSoup, Tag

from cmaltgen.importers.headings import match_part

_BLOCKS = ["p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table"]
# A cell (or its first paragraph) starting with the word of the Reflection part: only then
# is the page parsed.
_MAYBE = re.compile(
    r"<t[dh]\b[^>]*>\s*(?:<p>\s*)?(?:<(?:strong|em|u)>\s*)*(?:\d+\.?\s*)?"
    r"(?:reflect|what i (?:have )?learn)",
    re.I,
)


def unrolled(html: str) -> str:
    """``html`` with each template table replaced by its parts, in reading order."""
    if not _MAYBE.search(html):
        return html
    soup = BeautifulSoup(html, "html.parser")
    changed = False
    for table in soup.find_all("table"):
        if table.find_parent("table") is not None:
            continue  # only a table in the page, not one inside a cell
        parts = _parts(table)
        if parts is not None:
            table.replace_with(BeautifulSoup(parts, "html.parser"))
            changed = True
    return str(soup) if changed else html


def _parts(table: Tag) -> str | None:
    rows = [
        list(row.find_all(["td", "th"], recursive=False))
        for row in table.find_all("tr")
        if row.find_parent("table") is table
    ]
    title = _title(rows)  # a first row across the table: "Core Area 1a: Choosing a tool"
    parts = _unrolled_rows(rows[1:] if title else rows)
    return None if parts is None else (_bold(title) if title else "") + parts


def _title(rows: list[list[Tag]]) -> str | None:
    if len(rows) < 2 or len(rows[0]) != 1 or _label(rows[0][0]) is not None:
        return None
    text = " ".join(rows[0][0].get_text(" ").split())
    return text if 0 < len(text) <= 150 else None


def _unrolled_rows(rows: list[list[Tag]]) -> str | None:
    header = [_label(cell) for cell in rows[0]] if rows else []
    if len(header) > 1 and all(header) and len(rows) != 2:
        return None  # a log with a row per entry ("Evidence | Reflection"): a real table
    if len(rows) == 2 and len(header) > 1 and all(header) and _template(header):
        # labels above their texts: "Description | Evidence | Reflection" over one row
        out = []
        for index, label in enumerate(header):
            body = rows[1][index].decode_contents() if index < len(rows[1]) else ""
            out.append(_bold(label or "") + body)
        return "".join(out)
    labelled = [(cell, _lead(cell)) for row in rows for cell in row]
    if not _template([lead[0] for _, lead in labelled if lead is not None]):
        return None
    out = []
    for cell, lead in labelled:
        if lead is None:
            out.append(cell.decode_contents())
        else:
            out.append(_bold(lead[0]) + lead[1])
    return "".join(out)


def _template(labels: list[str | None]) -> bool:
    parts = {match_part(label) for label in labels if label}
    return "reflection" in parts and bool(parts & {"description", "evidence"})


def _label(cell: Tag) -> str | None:
    """The cell's text when that is only a part's name ('Reflection:')."""
    text = " ".join(cell.get_text(" ").split()).rstrip(":").strip()
    return text if len(text) <= 60 and match_part(text) else None


def _lead(cell: Tag) -> tuple[str, str] | None:
    """(label, the HTML after it) when the cell starts with a part's name on its own."""
    if (label := _label(cell)) is not None:
        return label, ""
    first = cell.find(_BLOCKS, recursive=False)
    if first is None or first.name in ("ul", "ol", "table"):
        return None
    text = " ".join(first.get_text(" ").split()).rstrip(":").strip()
    if len(text) > 60 or not match_part(text):
        return None
    rest = "".join(str(node) for node in first.next_siblings)
    return text, rest


def _bold(label: str) -> str:
    return f"<p><strong>{escape(label)}</strong></p>"
