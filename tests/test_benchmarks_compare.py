"""`benchmarks/compare.py --save` replaces only its own part of results.md.

A correctness test of the script's file handling, not a timed test.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

COMPARE = Path(__file__).resolve().parent.parent / "benchmarks" / "compare.py"

COHORT = "## Cohort hub (`cohort_build.py`)\n\n| members | s |\n|---|---|\n| 200 | 9 |\n"


def _compare() -> ModuleType:
    spec = importlib.util.spec_from_file_location("benchmarks_compare", COMPARE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being created
    spec.loader.exec_module(module)
    return module


def test_save_keeps_the_sections_other_scripts_wrote(tmp_path: Path) -> None:
    compare = _compare()
    results = tmp_path / "results.md"
    results.write_text(
        "# Latest benchmark results\n\nPrinted by `python benchmarks/compare.py`; see README.md"
        " for what each figure means.\n\n## Environment\n\n- old figures\n\n"
        "Total benchmark time 117 s.\n\n" + COHORT,
        encoding="utf-8",
    )
    compare.save_results(results, ["## Environment", "", "- new figures", "", "Total 5 s."], False)
    first = results.read_text(encoding="utf-8")
    assert first.startswith("# Latest benchmark results\n\n")
    assert "- new figures" in first and "- old figures" not in first
    assert first.count("## Environment") == 1
    assert first.endswith(COHORT), first
    # Saving again replaces the part between the markers, and nothing else.
    compare.save_results(results, ["## Environment", "", "- newer figures"], True)
    second = results.read_text(encoding="utf-8")
    assert "- newer figures" in second and "- new figures" not in second
    assert "`python benchmarks/compare.py --quick`" in second
    assert second.endswith(COHORT) and second.count(COHORT) == 1
    assert second.count(compare.SAVED_START) == 1 and second.count(compare.SAVED_END) == 1


def test_save_into_a_missing_file_writes_only_its_part(tmp_path: Path) -> None:
    results = tmp_path / "results.md"
    _compare().save_results(results, ["## Environment", "", "- figures"], False)
    text = results.read_text(encoding="utf-8")
    assert text.startswith("# Latest benchmark results\n\n<!-- compare.py --save: from here -->")
    assert text.rstrip().endswith("<!-- compare.py --save: to here -->")


def test_the_committed_results_have_the_markers_once() -> None:
    text = (COMPARE.parent / "results.md").read_text(encoding="utf-8")
    compare = _compare()
    assert text.count(compare.SAVED_START) == 1 and text.count(compare.SAVED_END) == 1
    assert text.index(compare.SAVED_END) < text.index("## Cohort hub")
