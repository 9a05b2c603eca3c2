"""Regenerate what is derived from declarations: ``python -m tests.regenerate``.

Writes schemas/*.schema.json (portfolio.json's manifest schema too), the field tables in
docs/format.md and docs/diagnostics.md.
tests/test_docs.py fails while any of them is stale.
"""

from __future__ import annotations

import json
import re

from cmaltgen.codes import CODES
from cmaltgen.read.config import PortfolioConfig
from cmaltgen.read.cpd import CpdActivity
from cmaltgen.read.document_fields import EvidenceItem, FrontMatter
from cmaltgen.read.feedback import FeedbackFile
from cmaltgen.schemas import NAMES, field_rows, generate
from tests.conftest import REPO

TABLES = {
    "portfolio": PortfolioConfig,
    "front-matter": FrontMatter,
    "evidence": EvidenceItem,
    "feedback": FeedbackFile,
    "cpd": CpdActivity,
}

DIAGNOSTICS_HEAD = """# Diagnostics

Every problem cmaltgen reports reads

    path:line:col: error|warning CODE [key]: message
        hint: how to fix it

Errors stop the build (exit code 1) and nothing is written; the previous site stays as it was.
Warnings are reported but the site is built (exit code 0), unless you pass `--strict`.
A mistake in the command itself (an unknown option, a folder that does not exist) exits
with code 2. Ctrl-C stops cmaltgen: while it is still starting up, with code 130 and the
message `cmaltgen: stopped (Ctrl-C).`; once a command runs, with `Aborted!` and code 1
(`serve` stops as [serve.md](serve.md) describes).
`build`, `check` and `serve` report the same problems for the same portfolio (`check --external`
adds web link problems).

Problems reading a file or a setting (`file-*`, `yaml-*`, `front-matter-*`, `missing-key`,
`wrong-type`, `invalid-*`, `future-date`, `unknown-framework`, `unknown-pathway`,
`name-encoding`) are listed first: fix them first. What would only follow from them is not
reported until they are fixed: a section whose reflection.md cannot be read is not also
"missing" (nor its citations' evidence "uncited"), and a citation of an evidence item whose
entry has errors is not also "unknown evidence".

Columns count characters from 1, a tab as one character.

A warning you have reviewed can be accepted in portfolio.yml's `accept:` list (see
docs/format.md): it is still listed, with `accepted: REASON` under it, but no longer counts
as a warning, so `--strict` passes. Errors cannot be accepted.

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
