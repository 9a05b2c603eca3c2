"""The benchmark generator's portfolios are valid: they build with no errors and no warnings.

A correctness test of benchmarks/generate.py, not a timed test.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from cmaltgen.build import build

pytestmark = pytest.mark.slow("benchmark")

GENERATE = Path(__file__).resolve().parent.parent / "benchmarks" / "generate.py"


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("benchmarks_generate", GENERATE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being created
    spec.loader.exec_module(module)
    return module


gen = _generator()


@pytest.mark.parametrize(("sections", "items"), [(11, 25), (14, 90)])
def test_generated_portfolio_builds_cleanly(tmp_path: Path, sections: int, items: int) -> None:
    root = gen.generate(tmp_path / "p", gen.Size("test", sections, items))
    result = build(root, write=False)
    assert [d.format() for d in result.diagnostics] == []
    assert result.ok
    assert (result.sections, result.evidence) == (sections, items)
    assert result.files >= items // gen.LOCAL_EVERY  # some evidence is local files


def test_generation_is_deterministic(tmp_path: Path) -> None:
    size = gen.Size("test", 12, 40)
    one = gen.generate(tmp_path / "one", size)
    two = gen.generate(tmp_path / "two", size)
    files = sorted(p.relative_to(one) for p in one.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(two) for p in two.rglob("*") if p.is_file())
    assert all((one / f).read_bytes() == (two / f).read_bytes() for f in files)
