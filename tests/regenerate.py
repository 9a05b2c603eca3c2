"""Regenerate what is derived from declarations: ``python -m tests.regenerate``.

Writes schemas/*.schema.json (portfolio.json's manifest schema too), the field tables in
docs/format.md and docs/diagnostics.md.
tests/test_docs.py fails while any of them is stale.
"""

from __future__ import annotations

import json
import re

from cmaltgen.config import PortfolioConfig
from cmaltgen.diagnostics import CODES
from cmaltgen.documents import EvidenceItem, FrontMatter
from cmaltgen.schema import field_rows
from cmaltgen.schemas import NAMES, generate
from tests.conftest import REPO

TABLES = {"portfolio": PortfolioConfig, "front-matter": FrontMatter, "evidence": EvidenceItem}

DIAGNOSTICS_HEAD = """# Diagnostics

Every problem cmaltgen reports reads

    path:line:col: error|warning CODE [key]: message
        hint: how to fix it

Errors stop the build (exit code 1) and nothing is written; the previous site stays as it was.
Warnings are reported but the site is built (exit code 0), unless you pass `--strict`.

| code | severity | what it means |
| --- | --- | --- |
"""


def field_table(cls: type) -> str:
    rows = ["| field | type | required | what it is |", "| --- | --- | --- | --- |"]
    for name, kind, required, doc in field_rows(cls):
        rows.append(f"| `{name}` | {kind} | {'yes' if required else ''} | {doc} |")
    return "\n".join(rows)


def format_md(text: str) -> str:
    def table(match: re.Match[str]) -> str:
        return f"{match.group(1)}\n{field_table(TABLES[match.group(2)])}\n<!-- end generated -->"

    pattern = r"(<!-- generated: fields ([a-z-]+) [^>]*-->)\n.*?\n<!-- end generated -->"
    return re.sub(pattern, table, text, flags=re.S)


def diagnostics_md() -> str:
    rows = [f"| `{c.name}` | {c.severity.value} | {c.doc} |" for c in CODES.values()]
    return DIAGNOSTICS_HEAD + "\n".join(rows) + "\n"


def main() -> None:
    for kind in NAMES:
        path = REPO / "schemas" / f"{kind}.schema.json"
        path.write_text(json.dumps(generate(kind), indent=2) + "\n", encoding="utf-8")
    fmt = REPO / "docs" / "format.md"
    fmt.write_text(format_md(fmt.read_text(encoding="utf-8")), encoding="utf-8")
    (REPO / "docs" / "diagnostics.md").write_text(diagnostics_md(), encoding="utf-8")


if __name__ == "__main__":
    main()
