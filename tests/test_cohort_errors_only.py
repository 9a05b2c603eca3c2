"""A cohort hub reads its members for errors only: the checks that can only give warnings are
skipped, and what the hub shows and reports stays the same."""

from __future__ import annotations

import gc
from pathlib import Path

from cmaltgen import build
from cmaltgen.cohort import members
from cmaltgen.cohort.build import build_cohort
from cmaltgen.diagnostics import Diagnostics
from cmaltgen.read import sources
from cmaltgen.rules import validate
from cmaltgen.site import structure
from tests.conftest import ASSESSED, TODAY, evidence, reflection, valid_files, write_files

# Problems that only warnings are about, each from a check in validate.WARNINGS_ONLY.
WARNED: dict[str, str | bytes] = {
    "1a/reflection.md": reflection(
        "1a",
        body="## Description\n\nI led it [as reported](evidence:ev-1a). Email me at "
        "sam@example.org. Some <b>bold</b> text, and [click here](https://example.org/x).\n\n"
        "## Reflection\n\nI learned a great deal.\n\n#### Skipped\n\nMore.\n",
    ),
    "1b/notes.md": "Notes I keep beside the section.\n",  # a stray file
    "1b/evidence.yml": evidence("1b")
    + "- id: uncited\n  title: Slides\n  type: presentation\n  date: 2025-06-01\n"
    "  file: slides.pptx\n  shows: Something.\n",
    "1b/slides.pptx": b"PK\x03\x04 not really slides",
}
WARNED_CODES = {
    "contact-details",
    "raw-html",
    "link-text",
    "heading-skip",
    "stray-file",
    "uncited-evidence",
    "proprietary-format",
}
# Two errors: one from a check that also gives warnings (privacy), one from the references.
ERRORS: dict[str, str | bytes] = {
    "1c/evidence.yml": evidence("1c") + "  personal_data: true\n",
    "2a/reflection.md": reflection("2a").replace("(evidence:ev-2a)", "(evidence:nope)"),
}


def portfolio(tmp_path: Path, *changes: dict[str, str | bytes]) -> Path:
    files: dict[str, str | bytes | None] = dict(valid_files())
    for change in changes:
        files.update(change)
    return write_files(tmp_path / "portfolio", files)


def test_errors_only_reads_the_same_errors_manifest_and_text(tmp_path: Path) -> None:
    root = portfolio(tmp_path, WARNED, ERRORS)
    full, only = Diagnostics(), Diagnostics()
    read_fully = members.local_public(root, TODAY, full)
    assert members.local_public(root, TODAY, only, errors_only=True) == read_fully
    assert read_fully[0] is not None and read_fully[1]
    assert only.errors == full.errors
    assert {d.code for d in full.errors} == {"personal-data", "unknown-evidence"}
    warned = {d.code for d in full.warnings}
    assert warned >= WARNED_CODES
    assert not WARNED_CODES & {d.code for d in only}


def test_warnings_only_checks_give_only_warnings(tmp_path: Path) -> None:
    root = portfolio(tmp_path, WARNED, ERRORS).resolve()
    with sources.resolved_once():
        _, read = build.read_portfolio(root, root / "_site", TODAY, Diagnostics())
        assert read is not None
        specs = validate._section_specs(read, Diagnostics())
        given = Diagnostics()
        for check in validate.WARNINGS_ONLY:
            check(read, specs, given)
    assert given.errors == []
    assert {d.code for d in given} >= WARNED_CODES - {"stray-file"}


def test_a_member_with_only_warnings_is_no_problem_for_the_hub(tmp_path: Path) -> None:
    write_files(tmp_path / "cohort", {"cohort.yml": "name: C\nmembers:\n  - path: ann\n"})
    write_files(tmp_path / "cohort" / "ann", {**valid_files(), **WARNED})
    result = build_cohort(tmp_path / "cohort", tmp_path / "out", strict=True, today=TODAY)
    assert result.ok and list(result.diagnostics) == []
    assert result.members[0].problem == ""


def test_error_giving_rules_still_run_for_members(tmp_path: Path) -> None:
    write_files(tmp_path / "cohort", {"cohort.yml": "name: C\nmembers:\n  - path: ann\n"})
    write_files(tmp_path / "cohort" / "ann", {**valid_files(), **WARNED, **ERRORS})
    full = Diagnostics()
    members.local_public((tmp_path / "cohort" / "ann").resolve(), TODAY, full)
    result = build_cohort(tmp_path / "cohort", tmp_path / "out", today=TODAY)
    (problem,) = result.diagnostics
    assert problem.code == "cohort-member-problem" and "has 2 errors" in problem.message
    first = next(d for d in full.sorted() if d.is_error)
    assert first.message in problem.message
    assert result.members[0].problem.startswith("2 errors, first: ")


def test_sections_link_their_neighbours_without_a_reference_cycle(tmp_path: Path) -> None:
    root = portfolio(tmp_path).resolve()
    _, read = build.read_portfolio(root, root / "_site", TODAY, Diagnostics())
    assert read is not None
    site = structure.build_site(read)
    first, second = site.sections[:2]
    assert first.prev is None and first.next is second and second.prev is first
    assert site.sections[-1].next is None and len(site.sections) == len(ASSESSED) + 2
    del site, first, second, read
    gc.collect()
    was = gc.isenabled()
    gc.disable()
    try:  # a member read and dropped leaves nothing for the cycle collector
        members.local_public(root, TODAY, Diagnostics(), errors_only=True)
        assert gc.collect() == 0
    finally:
        if was:
            gc.enable()
