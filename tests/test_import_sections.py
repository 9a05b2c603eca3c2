"""Recognising CMALT sections and parts in headings as people write them."""

from __future__ import annotations

import pytest

from cmaltgen.importers.headings import match_part, match_section
from cmaltgen.importers.sections import Sorter, slug
from cmaltgen.read.framework import framework

FRAMEWORK = framework("2019")
assert FRAMEWORK is not None
CMALT = FRAMEWORK.pathways["cmalt"]


@pytest.mark.parametrize(
    ("heading", "kind", "section", "title"),
    [
        ("Core Area 1a", "section", "1a", ""),
        (
            "CORE AREA 1A: Choosing a lecture capture tool",
            "section",
            "1a",
            "Choosing a lecture capture tool",
        ),
        (
            "1a) Understanding the constraints and benefits of different technologies",
            "section",
            "1a",
            "",
        ),
        ("1a. Understanding the constraints…", "section", "1a", ""),
        ("Core area 1(b) - Running the VLE", "section", "1b", "Running the VLE"),
        ("Section 2b: An understanding of your target learners", "section", "2b", ""),
        ("3. Core Area 3a", "section", "3a", ""),
        ("CMALT core area 4a", "section", "4a", ""),
        ("Area 3b – Policy", "section", "3b", "Policy"),
        ("Technical knowledge and ability in the use of learning technology", "section", "1b", ""),
        ("Contextual statement", "section", "contextual-statement", ""),
        ("1. Context Statement", "section", "contextual-statement", ""),
        ("My future plans", "section", "future-plans", ""),
        ("Future Development", "section", "future-plans", ""),
        ("Specialist area: Accessibility", "slot", "specialist", "Accessibility"),
        ("Specialist Area 1 - Open education", "slot", "specialist", "Open education"),
        ("Specialist option", "slot", "specialist", ""),
        ("Advanced area: Leading digital strategy", "slot", "advanced", "Leading digital strategy"),
        ("Core Area 2: Teaching, learning and/or assessment processes", "group", "2", ""),
        ("Core Area Four: Communication and working with others", "section", "4a", ""),
        ("Core Area 4: Working with others", "section", "4a", "Working with others"),
        ("Core area two", "group", "2", ""),
        ("Specialist options", "group", "specialist", ""),  # was "specialist-s", titled "s"
        ("Specialist Areas", "group", "specialist", ""),
        ("Specialist areas: Accessibility", "slot", "specialist", "Accessibility"),
        ("1.a) Choosing a VLE", "section", "1a", "Choosing a VLE"),
        ("2.1 1a Choosing a VLE", "section", "1a", "Choosing a VLE"),
        ("Section 1 Contextual statement", "section", "contextual-statement", ""),  # numbered
        ("Section 6: Future plans", "section", "future-plans", ""),
    ],
)
def test_section_headings(heading: str, kind: str, section: str, title: str) -> None:
    match = match_section(heading, CMALT)
    assert match is not None, heading
    assert (match.kind, match.id) == (kind, section)
    if kind != "group":
        assert match.title == title


@pytest.mark.parametrize(
    "heading",
    [
        "Introduction",
        "Appendix A",
        "References",
        "1.5 million students",
        "2024 in review",
        "Area 51",
        "Core Area 5a",
        "Contents",
        "Acknowledgements",
        "3. A new approach to feedback",
        "Area three-year plan",
        "One more thing",
        "3.Assessment",
    ],
)
def test_other_headings_name_no_section(heading: str) -> None:
    assert match_section(heading, CMALT) is None


@pytest.mark.parametrize(
    ("heading", "part"),
    [
        ("Description", "description"),
        ("Description of practice:", "description"),
        ("Evidence", "evidence"),
        ("Supporting evidence", "evidence"),
        ("List of evidence", "evidence"),
        ("Reflection", "reflection"),
        ("Reflections", "reflection"),
        ("Reflective account", "reflection"),
        ("What I learned", "reflection"),
        ("2.1.1 Reflection", "reflection"),
        ("ii. Evidence", "evidence"),
        ("Describing the project team", None),
        ("Evidence-based practice in my team", None),
    ],
)
def test_part_headings(heading: str, part: str | None) -> None:
    assert match_part(heading) == part


def test_official_title_under_a_section_heading_does_not_restart_it() -> None:
    sorter = Sorter(CMALT)
    sorter.piece(
        "doc",
        None,
        [],
        "# Core Area 1a\n\n## Understanding the constraints and benefits of different "
        "technologies\n\nIntro words.\n\n## Reflection\n\nLearned.\n\n# Appendix\n\nExtra.\n",
    )
    found = sorter.result.sections["1a"]
    assert found.origins == ["doc, heading 'Core Area 1a'"]
    assert found.parts["description"] == ["Intro words."]
    assert found.parts["reflection"] == ["Learned."]
    assert [u.text for u in sorter.result.unsorted] == ["## Appendix\n\nExtra."]


def test_a_bold_label_at_the_start_of_a_paragraph_starts_a_part() -> None:
    sorter = Sorter(CMALT)
    sorter.piece(
        "doc",
        None,
        [],
        "## Core Area 2b\n\n**Description:** I surveyed students.\n\n"
        "**Reflection**: Looking back, I would ask sooner.\n\n**Note:** keep this bold.\n",
    )
    found = sorter.result.sections["2b"]
    assert found.parts["description"] == ["I surveyed students."]
    assert found.parts["reflection"] == [
        "Looking back, I would ask sooner.\n\n**Note:** keep this bold."
    ]


def test_references_at_the_section_level_stay_with_their_section() -> None:
    sorter = Sorter(CMALT)
    sorter.piece(
        "doc",
        None,
        [],
        "# Core Area 3a\n\n## Reflection\n\nI learned.\n\n# References\n\nJisc (2023).\n\n"
        "# Glossary\n\nVLE.\n\n# Core Area 3b\n\nPolicy.\n",
    )
    found = sorter.result.sections
    assert found["3a"].parts["reflection"] == ["I learned.", "## References\n\nJisc (2023)."]
    assert found["3b"].parts["description"] == ["Policy."]
    assert [u.text for u in sorter.result.unsorted] == ["## Glossary\n\nVLE."]


def test_unnamed_specialist_areas_never_merge_with_named_ones() -> None:
    sorter = Sorter(CMALT)  # any number of specialist areas
    sorter.piece(
        "doc",
        None,
        [],
        "# Specialist area: Second area\n\nNamed.\n\n# Specialist area\n\nFirst.\n\n"
        "# Specialist area\n\nAnother.\n",
    )
    found = sorter.result.sections
    assert {k: v.parts["description"] for k, v in found.items()} == {
        "specialist-second-area": ["Named."],
        "specialist-first-area": ["First."],
        "specialist-third-area": ["Another."],
    }


def test_the_2016_structure_has_one_core_area_3() -> None:
    old = framework("2016")
    assert old is not None
    pathway = old.pathways["cmalt"]
    assert match_section("Core Area 3", pathway) == ("section", "3", "")
    assert match_section("Core Area 3b: Policy", pathway) == ("section", "3", "Policy")
    assert match_section("Core Area 1a", pathway) == ("section", "1a", "")


def test_a_section_met_twice_keeps_the_second_heading() -> None:
    old = framework("2016")
    assert old is not None
    sorter = Sorter(old.pathways["cmalt"])
    sorter.piece("doc", None, [], "# Core Area 3a\n\nLaw.\n\n# Core Area 3b\n\nPolicy.\n")
    assert sorter.result.sections["3"].parts["description"] == [
        "Law.",
        "### Core Area 3b",
        "Policy.",
    ]


def test_headings_under_a_group_heading_name_its_sections_by_letter_or_place() -> None:
    """Under "Core Area 2", "(a) Choosing a quiz tool"; under "Core Area 3", "3.1"; under
    "Specialist options", "Option 1: Accessibility": each went to _unsorted.md, and
    "Specialist options" itself became section "specialist-s" titled "s"."""
    sorter = Sorter(CMALT)
    sorter.piece(
        "doc",
        None,
        [],
        "# Core Area 2 – Teaching, learning and assessment\n\n## (a) Choosing a quiz tool\n\n"
        "Quiz.\n\n### Reflection\n\nLearned.\n\n### a) first pilot\n\nPilot.\n\n"
        "## b) My learners\n\nLearners.\n\n# CORE AREA 3: THE WIDER CONTEXT\n\n"
        "## 3.1 Legislation\n\nLaw.\n\n## 4.2 Not this area\n\nOther.\n\n"
        "# Specialist options\n\n## Option 1: Digital accessibility\n\nAccess.\n\n"
        "### Reflection\n\nAccess learned.\n\n### Evidence of impact\n\nImpact.\n\n"
        "## Option 2: Open education\n\nOpen.\n\n# Appendix\n\n## a) Minutes\n\nMins.\n",
    )
    found = sorter.result.sections
    assert list(found) == [
        "2a", "2b", "3a", "specialist-digital-accessibility", "specialist-open-education"
    ]  # fmt: skip
    assert found["2a"].title == "Choosing a quiz tool"
    assert found["2a"].parts["reflection"] == ["Learned.", "### a) first pilot\n\nPilot."]
    assert found["2b"].parts["description"] == ["Learners."]
    assert found["3a"].title == "Legislation"
    access = found["specialist-digital-accessibility"]
    assert access.title == "Digital accessibility"
    assert access.parts["reflection"] == ["Access learned.", "### Evidence of impact\n\nImpact."]
    assert found["specialist-open-education"].parts["description"] == ["Open."]
    unsorted = [u.text for u in sorter.result.unsorted]
    assert unsorted == ["## 4.2 Not this area\n\nOther.\n\n## Appendix\n\n## a) Minutes\n\nMins."]


def test_core_area_4_is_its_one_section_4a() -> None:
    """Core area 4 has one section: "Core Area 4" with text under it was a group heading, its
    text sent to _unsorted.md; a "4a)" heading under it still gives the section its title."""
    sorter = Sorter(CMALT)
    sorter.piece("doc", None, [], "# Core Area 4\n\nI chair the user group.\n")
    assert sorter.result.sections["4a"].parts["description"] == ["I chair the user group."]
    assert not sorter.result.unsorted
    sorter = Sorter(CMALT)
    sorter.piece(
        "doc",
        None,
        [],
        "# Core Area 4: Communication and working with others\n\n## 4a) Working with IT\n\n"
        "Text.\n\n## Reflection\n\nLearned.\n",
    )
    found = sorter.result.sections["4a"]
    assert found.title == "Working with IT"
    assert found.parts["description"] == ["Text."] and found.parts["reflection"] == ["Learned."]


def test_ids_from_accented_words_keep_their_letters() -> None:
    """ "Specialist area: Éducation ouverte" became specialist-ducation-ouverte, and an
    evidence title "Siân's chart" the id si-n-s-chart: accents are dropped, not letters."""
    sorter = Sorter(CMALT)
    sorter.piece("doc", None, [], "# Specialist area: Éducation ouverte\n\nOER.\n")
    assert list(sorter.result.sections) == ["specialist-education-ouverte"]
    assert slug("Siân's chart – Múinteoireacht") == "sian-s-chart-muinteoireacht"
    assert slug("数字教育") == ""  # no Latin letters: the caller's fallback ("evidence")
    sorter = Sorter(CMALT)  # two areas named in other scripts stay two areas
    sorter.piece(
        "doc", None, [], "# Specialist area: 数字教育\n\nA.\n\n# Specialist area: 在线学习\n\nB.\n"
    )
    found = sorter.result.sections
    assert {k: (v.title, v.parts["description"]) for k, v in found.items()} == {
        "specialist-first-area": ("数字教育", ["A."]),
        "specialist-second-area": ("在线学习", ["B."]),
    }
