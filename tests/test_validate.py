"""Every validation rule, exercised with a broken portfolio (the cases are data files)."""

from __future__ import annotations

import base64
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from cmaltgen.codes import CODES
from tests.conftest import PortfolioFactory, formatted, run_build

CASES_FILE = Path(__file__).parent / "cases" / "validation.yml"


def _load_cases() -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = yaml.safe_load(CASES_FILE.read_text(encoding="utf-8"))
    for case in cases:
        for rel, content in case.get("files", {}).items():
            if isinstance(content, bytes):  # !!binary in the data file
                case["files"][rel] = content
    return cases


CASES = _load_cases()


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_case(case: dict[str, Any], tmp_portfolio: PortfolioFactory) -> None:
    root = tmp_portfolio(case.get("files"))
    result = run_build(root, write=False)
    shown = formatted(result)
    for expected in case["expect"]:
        matching = [line for line in shown if line.startswith(expected)]
        assert matching, f"expected a diagnostic starting {expected!r}; got:\n" + "\n".join(shown)
        if "message" in case:
            assert any(case["message"] in line for line in matching), "\n".join(matching)
    if "absent" in case:  # a cascade: the root cause first, none of its consequences
        assert shown[0].startswith(case["expect"][0]), "\n".join(shown)
        codes = {d.code for d in result.diagnostics}
        assert codes.isdisjoint(case["absent"]), "\n".join(shown)
    assert result.ok is case.get("ok", False), "\n".join(shown)


def test_valid_portfolio_has_no_diagnostics(tmp_portfolio: PortfolioFactory) -> None:
    result = run_build(tmp_portfolio(), write=False)
    assert formatted(result) == []
    assert result.ok


def test_every_code_is_exercised_by_a_case_or_a_named_test() -> None:
    """A declared rule without a broken-input test is a defect."""
    texts = [CASES_FILE.read_text(encoding="utf-8")]
    texts += [p.read_text(encoding="utf-8") for p in Path(__file__).parent.glob("test_*.py")]
    everything = "\n".join(texts)
    # Each code as `error CODE` / `warning CODE` (the whole word) or as "CODE": every such
    # word found in one pass, not one search of the whole text per code.
    named = set(re.findall(r"(?:error|warning) (?=([\w-]+))", everything))
    named |= set(re.findall(r'(?<=")[\w-]+(?=")', everything))
    untested = [code for code in CODES if code not in named]
    assert untested == []


def test_binary_data_in_cases_is_decoded() -> None:
    binary = [c for c in CASES if any(isinstance(v, bytes) for v in c.get("files", {}).values())]
    assert binary, "the !!binary cases should load as bytes"
    assert base64.b64encode(binary[0]["files"]["1a/reflection.md"]).startswith(b"LS0t")
