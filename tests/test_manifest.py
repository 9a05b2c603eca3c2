"""portfolio.json: on every public build, valid against its schema, public content only."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema

from cmaltgen import check
from cmaltgen.build import build
from cmaltgen.cohort import members
from cmaltgen.schemas import generate
from cmaltgen.site.manifest import MANIFEST, json_schema
from tests.conftest import (
    EXAMPLE,
    PORTFOLIO_YML,
    REPO,
    TODAY,
    PortfolioFactory,
    formatted,
    reflection,
    run_build,
)

SCHEMA = json.loads((REPO / "schemas" / "manifest.schema.json").read_text("utf-8"))


def validate(data: dict[str, Any]) -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    jsonschema.Draft202012Validator(SCHEMA).validate(data)


def built_manifest(root: Path, out: Path, **kwargs: Any) -> dict[str, Any]:
    result = run_build(root, output=out, **kwargs)
    assert result.ok and result.written, formatted(result)
    data: dict[str, Any] = json.loads((out / MANIFEST).read_text("utf-8"))
    validate(data)
    return data


def test_committed_schema_is_what_cmaltgen_schema_manifest_prints() -> None:
    assert SCHEMA == json_schema() == generate("manifest")


def test_example_portfolio_manifest_validates_and_matches_check(tmp_path: Path) -> None:
    result = build(EXAMPLE, tmp_path / "site", strict=True)
    assert result.ok, formatted(result)
    data = json.loads((tmp_path / "site" / MANIFEST).read_text("utf-8"))
    validate(data)
    assert data["manifest"] == 1 and data["candidate"]["name"] == "Rowan Ellery"
    assert data["url"] == "https://example.github.io/cmalt-portfolio/"
    assert data["pathway"] == {"id": "cmalt", "title": "CMALT"}
    # The example is fully public, so its statuses are exactly cmaltgen check's.
    rows = check.check(EXAMPLE).sections
    assert [(s["id"], s["status"], s["words"]) for s in data["sections"]] == [
        (r.id, r.status, r.words or 0) for r in rows
    ]
    for section in data["sections"]:
        assert (tmp_path / "site" / section["url"] / "index.html").is_file()
    assert data["updated"] == max(s["updated"] for s in data["sections"] if s["updated"])
    assert len(data["evidence"]) == result.evidence


def test_test_portfolio_manifest(tmp_portfolio: PortfolioFactory, tmp_path: Path) -> None:
    data = built_manifest(tmp_portfolio(), tmp_path / "out")
    assert data["status"] == "drafting" and data["award"] is None
    one_a = next(s for s in data["sections"] if s["id"] == "1a")
    assert one_a["url"] == "1a/" and one_a["evidence"] == 1 and one_a["status"] == "stub"
    item = next(e for e in data["evidence"] if e["id"] == "ev-1a")
    assert item == {
        "id": "ev-1a",
        "title": "Report for 1a",
        "type": "web-page",
        "date": "2025-06-01",
        "sections": ["1a"],
        "url": "https://example.org/1a",
    }


def test_a_file_name_with_spaces_is_a_web_address_a_hub_accepts(
    tmp_portfolio: PortfolioFactory, tmp_path: Path
) -> None:
    from cmaltgen.cohort.manifest_check import checked

    root = tmp_portfolio()
    (root / "1a" / "Options appraisal #2.pdf").write_bytes(b"%PDF-1.4\n")
    (root / "1a" / "evidence.yml").write_text(
        "- id: ev-1a\n  title: R\n  type: document\n  date: 2025-06-01\n"
        "  file: 'Options appraisal #2.pdf'\n  shows: It.\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    data = built_manifest(root, out)
    (item,) = [e for e in data["evidence"] if e["id"] == "ev-1a"]
    assert item["url"] == "files/1a/Options%20appraisal%20%232.pdf"
    assert (out / "files" / "1a" / "Options appraisal #2.pdf").is_file()
    assert checked(data)["evidence"]  # a cohort hub reads it (it refused the unencoded name)


def test_award_block_makes_it_awarded(tmp_portfolio: PortfolioFactory, tmp_path: Path) -> None:
    config = PORTFOLIO_YML + "award:\n  date: 2026-09\n  url: https://alt.example.org/r/1\n"
    data = built_manifest(tmp_portfolio({"portfolio.yml": config}), tmp_path / "out")
    assert data["status"] == "awarded"
    assert data["award"] == {
        "date": "2026-09",
        "pathway": "cmalt",
        "url": "https://alt.example.org/r/1",
    }


def test_award_in_the_future_is_a_located_error(tmp_portfolio: PortfolioFactory) -> None:
    root = tmp_portfolio({"portfolio.yml": PORTFOLIO_YML + "award:\n  date: 2027-01\n"})
    result = run_build(root)
    assert not result.ok
    assert any(
        line.startswith("portfolio.yml:14:9: error future-date [award.date]")
        for line in formatted(result)
    ), formatted(result)


def test_nothing_written_yet_is_started(tmp_portfolio: PortfolioFactory, tmp_path: Path) -> None:
    drafts = {
        f"{sid}/reflection.md": reflection(sid, extra_front="draft: true\n")
        for sid in ("1a", "1b", "1c", "2a", "2b", "3a", "3b", "4a", "specialist-oer")
    }
    drafts["contextual-statement/reflection.md"] = reflection(
        "contextual-statement", extra_front="draft: true\n", body="Soon.\n"
    )
    drafts["future-plans/reflection.md"] = reflection(
        "future-plans", extra_front="draft: true\n", body="Soon.\n"
    )
    data = built_manifest(tmp_portfolio(drafts), tmp_path / "out")
    assert data["status"] == "started" and data["updated"] is None
    assert {s["status"] for s in data["sections"]} == {"missing"}  # drafts are not public


LEAKY = "zqleak"


def leaky_files() -> dict[str, str | bytes | None]:
    """Assessors-only, private and draft sections and evidence, each marked with LEAKY."""

    def item(name: str, extra: str = "") -> str:
        return (
            f"- id: ev-{name}-{LEAKY}\n  title: {LEAKY.upper()} {name} title\n  type: document\n"
            f"  date: 2025-06-01\n  file: {LEAKY}-{name}.pdf\n  shows: {LEAKY} shows.\n{extra}"
        )

    def body(name: str) -> str:
        return (
            f"## Description\n\nI did {LEAKY} {name} work [cited](evidence:ev-{name}-{LEAKY}).\n\n"
            f"## Reflection\n\nI learned {LEAKY} {name} lessons.\n"
        )

    files: dict[str, str | bytes | None] = {}
    for sid, front in (
        ("2a", "visibility: assessors\n"),
        ("2b", "visibility: private\n"),
        ("3a", "draft: true\n"),
    ):
        files[f"{sid}/reflection.md"] = (
            f"---\nsection: {sid}\ntitle: {LEAKY} own title {sid}\n{front}---\n{body(sid)}"
        )
        files[f"{sid}/evidence.yml"] = item(sid)
        files[f"{sid}/{LEAKY}-{sid}.pdf"] = b"%PDF-1.4\n"
    files["specialist-zqleak/reflection.md"] = (
        f"---\nsection: specialist-{LEAKY}\ntitle: {LEAKY} area\nvisibility: private\n---\n"
        + body("area")
    )
    files["specialist-zqleak/evidence.yml"] = item("area")
    files["specialist-zqleak/zqleak-area.pdf"] = b"%PDF-1.4\n"
    # Public 1a cites an assessors item, a private item and a draft item beside its own.
    files["1a/evidence.yml"] = (
        "- {id: ev-1a, title: Report for 1a, type: web-page, date: 2025-06-01, "
        "url: 'https://example.org/1a', shows: It}\n"
        + item("1a-assess", "  visibility: assessors\n")
        + item("1a-private", "  visibility: private\n")
        + item("1a-draft", "  draft: true\n")
    )
    for name in ("1a-assess", "1a-private", "1a-draft"):
        files[f"1a/{LEAKY}-{name}.pdf"] = b"%PDF-1.4\n"
    files["1a/reflection.md"] = (
        "---\nsection: 1a\n---\n## Description\n\nI [r](evidence:ev-1a), "
        f"[a](evidence:ev-1a-assess-{LEAKY}), [p](evidence:ev-1a-private-{LEAKY}) and "
        f"[d](evidence:ev-1a-draft-{LEAKY}).\n\n## Reflection\n\nI.\n"
    )
    return files


def test_manifest_never_holds_assessors_private_or_draft_content(
    tmp_portfolio: PortfolioFactory, tmp_path: Path
) -> None:
    root = tmp_portfolio(leaky_files())
    data = built_manifest(root, tmp_path / "out")
    text = (tmp_path / "out" / MANIFEST).read_text("utf-8").lower()
    assert LEAKY not in text, [line for line in text.splitlines() if LEAKY in line]
    by_id = {s["id"]: s for s in data["sections"]}
    for sid in ("2a", "2b", "3a"):
        assert (by_id[sid]["status"], by_id[sid]["url"], by_id[sid]["words"]) == (
            "missing",
            None,
            0,
        )
    assert by_id["1a"]["evidence"] == 1
    assert [e["id"] for e in data["evidence"] if "1a" in e["sections"]] == ["ev-1a"]
    # ... and the hub, reading the same folder, sees exactly the same.
    assert members.local_public(root, TODAY, members.Diagnostics())[0] == data


def test_assessor_edition_has_no_manifest(tmp_portfolio: PortfolioFactory, tmp_path: Path) -> None:
    result = run_build(tmp_portfolio(), output=tmp_path / "a", edition="assessor")
    assert result.ok and not (tmp_path / "a" / MANIFEST).exists()


def test_from_manifest_resolves_links_and_drops_unsafe_ones(
    tmp_portfolio: PortfolioFactory,
) -> None:
    data = members.local_public(tmp_portfolio(), TODAY, members.Diagnostics())[0]
    assert data is not None
    data["sections"][1]["url"] = "javascript:alert(1)"
    member = members.from_manifest(data, "https://sam.example.org/cmalt/")
    assert member.url == "https://sam.example.org/cmalt/"
    assert member.sections[0].url == "https://sam.example.org/cmalt/contextual-statement/"
    assert member.sections[1].url == ""
    assert member.specialist == ["Open educational resources"]


def test_the_check_every_test_build_runs_can_fail(
    tmp_portfolio: PortfolioFactory, tmp_path: Path
) -> None:
    from tests.site_checks import manifest_problems

    out = tmp_path / "out"
    built_manifest(tmp_portfolio(), out)
    assert manifest_problems(out) == []
    data = json.loads((out / MANIFEST).read_text("utf-8"))
    data["status"] = "done"
    data["sections"][1]["url"] = "nowhere/"
    data["evidence"][0]["secret"] = "extra key"
    (out / MANIFEST).write_text(json.dumps(data), "utf-8")
    problems = manifest_problems(out)
    assert len(problems) == 3 and problems[0].startswith("status: 'done' is not one of")
    assert "sections: 1a's url nowhere/ is not a page" in problems
    (out / MANIFEST).unlink()
    assert manifest_problems(out) == ["portfolio.json is missing"]
