"""The packaged CMALT framework data."""

from __future__ import annotations

from cmaltgen.codes import Severity
from cmaltgen.read.framework import frameworks, latest

CORE = ["1a", "1b", "1c", "2a", "2b", "3a", "3b", "4a"]


def test_2019_pathways_have_the_core_areas_in_order() -> None:
    framework = frameworks()["2019"]
    assert latest() == "2019"
    assert list(framework.pathways) == ["associate", "cmalt", "senior", "review"]
    for pathway in framework.credentials().values():
        ids = list(pathway.fixed())
        assert ids[0] == "contextual-statement" and ids[-1] == "future-plans"
        assert ids[1:-1] == CORE


def test_the_review_pathway_is_unconfirmed_and_has_its_own_confirmation() -> None:
    review = frameworks()["2019"].pathways["review"]
    assert list(review.fixed()) == [
        "original-portfolio",
        "recent-practice",
        "cpd-record",
        "significant-cpd",
        "future-plans",
    ]
    # ALT's official review headings are unconfirmed: every section is a warning when missing.
    assert all(spec.level is Severity.WARNING for spec in review.sections)
    assert [s.id for s in review.sections if s.assessed] == ["significant-cpd"]
    assert review.confirmation_statement.startswith("I confirm that this review")
    assert "review" not in frameworks()["2019"].credentials()


def test_titles_survive_commas_in_the_data() -> None:
    spec = frameworks()["2019"].pathways["cmalt"].fixed()["2a"]
    assert spec.title == "An understanding of teaching, learning and/or assessment processes"


def test_pathway_rules_match_the_guidance() -> None:
    paths = frameworks()["2019"].pathways
    assert (paths["cmalt"].specialist.min, paths["cmalt"].specialist.max) == (1, 0)
    assert (paths["senior"].specialist.min, paths["senior"].specialist.max) == (2, 2)
    assert paths["senior"].advanced.min == 1 and paths["cmalt"].advanced.max == 0
    assert paths["senior"].fixed()["3b"].focus_allowed == ("policy",)
    assert paths["senior"].fixed()["4a"].min_examples == 2
    future = paths["cmalt"].fixed()["future-plans"]
    assert (future.words_min, future.words_max, future.assessed) == (200, 500, False)
    # Associate sub-structure is unconfirmed: missing sub-areas are warnings, not errors.
    assert paths["associate"].fixed()["1a"].level is Severity.WARNING


def test_spec_for_slots_and_unknown_ids() -> None:
    cmalt = frameworks()["2019"].pathways["cmalt"]
    assert cmalt.spec_for("specialist-oer") is cmalt.slot("specialist")
    assert cmalt.spec_for("advanced-x") is None
    assert cmalt.spec_for("5a") is None
    assert "specialist-<name>" in cmalt.valid_ids()


def test_2016_structure_has_a_single_core_3() -> None:
    old = frameworks()["2016"].pathways["cmalt"]
    assert "3" in old.fixed() and "3a" not in old.fixed()
