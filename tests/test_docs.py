"""Documentation and published schemas stay in step with the code."""

from __future__ import annotations

import json
import re

from cmaltgen.codes import CODES
from cmaltgen.read.config import PortfolioConfig
from cmaltgen.read.document_fields import EvidenceItem, FrontMatter
from cmaltgen.schemas import NAMES, field_rows, generate
from tests import regenerate
from tests.conftest import REPO


def test_readme_test_command_is_what_ci_runs() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    setup = readme.split("\n## Set up\n", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```bash\n(.+?)\n```", setup)
    assert len(commands) == 2, "README keeps exactly two set-up commands"
    test_command = commands[1].split(" && ", 2)[2]  # after creating and activating the venv
    assert test_command in (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "cmaltgen build example_portfolio" in commands[0]
    # GitHub's CI runs the whole command, word for word, on every system.
    ci = (REPO / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8")
    assert f"run: {commands[1]}\n" in ci


def test_every_field_is_documented_in_format_md() -> None:
    text = (REPO / "docs" / "format.md").read_text(encoding="utf-8")
    assert regenerate.format_md(text) == text, "run: python -m tests.regenerate"
    for cls in (PortfolioConfig, FrontMatter, EvidenceItem):
        for name, _, _, doc in field_rows(cls):
            assert f"| `{name}` |" in text and doc in text, name


def test_every_diagnostic_code_is_documented() -> None:
    text = (REPO / "docs" / "diagnostics.md").read_text(encoding="utf-8")
    assert text == regenerate.diagnostics_md(), "run: python -m tests.regenerate"
    for code in CODES.values():
        assert f"| `{code.name}` | {code.severity.value} | {code.doc} |" in text


def test_committed_json_schemas_are_current() -> None:
    for kind in NAMES:
        committed = json.loads((REPO / "schemas" / f"{kind}.schema.json").read_text("utf-8"))
        assert committed == generate(kind), "run: python -m tests.regenerate"


def test_evidence_schema_requires_what_the_validator_requires() -> None:
    item = generate("evidence")["items"]
    assert set(item["required"]) == {"id", "title", "type", "date", "shows"}
    assert item["additionalProperties"] is False
    pattern = item["properties"]["date"]["pattern"]
    assert all(re.fullmatch(pattern, d) for d in ("2025-03-14", "2025-03", "2025"))
    assert not re.fullmatch(pattern, "14/03/2025")
