"""Checking a member's portfolio.json: every wrong field named in plain words."""

from __future__ import annotations

from typing import Any

import pytest

from cmaltgen.cohort.manifest_check import Problem, parse_manifest, too_deep, validate_manifest
from tests.test_cohort_remote import good_manifest


def without(path: str) -> dict[str, Any]:
    data = good_manifest()
    *parents, last = path.split(".")
    target: Any = data
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    del target[last]
    return data


def changed(path: str, value: object) -> dict[str, Any]:
    data = good_manifest()
    *parents, last = path.split(".")
    target: Any = data
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    target[int(last) if last.isdigit() else last] = value
    return data


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ([], "portfolio.json should hold a JSON object, but it holds a list"),
        ("text", "portfolio.json should hold a JSON object, but it holds the text 'text'"),
        ({}, 'portfolio.json has no "manifest" version, so cmaltgen did not make it'),
        (changed("manifest", "1"), "version should be 1, not the text '1'"),
        (changed("manifest", True), "version should be 1, not true"),
        (changed("manifest", 0), "portfolio.json is manifest version 0"),
        (without("candidate"), "candidate should be an object, but it is missing"),
        (changed("candidate", "Rowan"), "candidate should be an object, but it is the text"),
        (without("candidate.name"), "candidate.name should be text, but it is missing"),
        (changed("candidate.name", 7), "candidate.name should be text, but it is the number 7"),
        (without("pathway.id"), "pathway.id should be text, but it is missing"),
        (changed("status", "finished"), "status should be one of started, drafting, submitted"),
        (without("status"), "status should be one of started"),
        (changed("updated", "20/11/2026"), "updated should be a date like 2026-11-20"),
        (changed("award", []), "award should be an object, but it is a list"),
        (changed("award", {"pathway": "cmalt"}), "award.date should be text, but it is missing"),
        (changed("sections", {}), "sections should be a list, but it is an object"),
        (changed("sections.0", "1a"), "sections[0] should be an object, not the text '1a'"),
        (without("sections.0.id"), "sections[0].id should be text, but it is missing"),
        (changed("sections.0.id", "../1a"), "sections[0].id should be a section id like 1a"),
        (changed("sections.1.status", "done"), "sections[1].status should be one of missing"),
        (changed("sections.0.words", -1), "sections[0].words should be a whole number"),
        (changed("sections.0.words", 1.5), "sections[0].words should be a whole number"),
        (changed("sections.0.words", True), "sections[0].words should be a whole number"),
        (changed("sections.0.evidence", 10**8), "sections[0].evidence should be a whole number"),
        (changed("evidence.0.sections", "1a"), "evidence[0].sections should be a list of text"),
        (
            changed("evidence.0.sections", [1]),
            "evidence[0].sections[0] should be text, but it is the number 1",
        ),
        (changed("evidence.0.url", "data:text/html,<b>"), "evidence[0].url 'data:text/html,<b>'"),
        (changed("url", "java\nscript:alert(1)"), "portfolio.json's url"),
        (changed("award", {"date": "2026-11", "url": "vbscript:x"}), "award.url 'vbscript:x'"),
        (changed("updated", "2026-13-45"), "updated should be a date like 2026-11-20, but it is"),
        (changed("updated", "9999-12-31"), "updated should be a date like 2026-11-20, but it is"),
        (changed("sections.0.updated", "2026-02-30"), "sections[0].updated should be a date"),
        (changed("award", {"date": "0000-00"}), "award.date should be a date like 2026-11-20"),
        (
            changed("evidence.0.date", "2026-00"),
            "evidence[0].date should be a date like 2026-11-20",
        ),
    ],
)
def test_validate_manifest_names_what_is_wrong(data: object, reason: str) -> None:
    found = validate_manifest(data)
    assert found is not None and reason in found, found


def test_validate_manifest_accepts_the_format_and_its_optional_fields() -> None:
    assert validate_manifest(good_manifest()) is None
    minimal = {
        "manifest": 1,
        "candidate": {"name": "Rowan"},
        "pathway": {"id": "cmalt"},
        "status": "started",
    }
    assert validate_manifest(minimal) is None
    awarded = changed("award", {"date": "2026-11", "pathway": "cmalt", "url": "https://x.org/"})
    assert validate_manifest({**awarded, "status": "awarded", "future": {"field": 1}}) is None


def test_the_depth_check_never_recurses() -> None:
    for text in ("[" * 1_000_000, "{" + '"a":' * 10 + "[" * 65, '["' + "[" * 1000 + '"]'):
        expected = not text.startswith('["')
        assert too_deep(text) is expected  # brackets inside a string do not count


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (
            b'{"manifest": 1, "candidate": {"name": "Rowan',
            "(Unterminated string starting at line 1, ",
        ),
        (b'{"manifest": 1' + b"0" * 5000 + b"}", "(a number with thousands of digits)"),
        (b'{"manifest": NaN}', "(NaN is not a JSON number)"),
    ],
)
def test_json_that_cannot_be_read_is_named_in_plain_words(body: bytes, reason: str) -> None:
    with pytest.raises(Problem) as raised:
        parse_manifest(body, "application/json")
    assert reason in raised.value.reason and "sys." not in raised.value.reason
