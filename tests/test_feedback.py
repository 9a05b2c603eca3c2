"""Feedback files (feedback/NAME.yml), stable paragraph ids and where feedback shows.

Paragraph ids are tested on strings (the Markdown factory does no I/O); feedback files on
real portfolios written to disk, built and checked as a user would; the preview through a
real ``serve`` on loopback; leaks by grepping every file a build writes.
"""

from __future__ import annotations

import itertools
import json
import re
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from click.testing import CliRunner

from cmaltgen.cli import main
from cmaltgen.read import markdown
from cmaltgen.read.markdown_scan import paragraph_id
from cmaltgen.rules.feedback import find_paragraph
from cmaltgen.serve.server import PreviewServer
from tests.browser_support import describe, example_copy, loopback_only, run_axe
from tests.conftest import (
    EXAMPLE,
    TODAY,
    NuChecker,
    PortfolioFactory,
    formatted,
    reflection,
    run_build,
)
from tests.test_serve import fetch, settle

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page


# ------------------------------------------------------------------- paragraph anchors

BODIES = [
    "First paragraph.\n\nSecond paragraph.\n\nThird paragraph.\n",
    "## Description\n\nI led it.\n\n- a list item\n- another\n\n> quoted words\n\nEnd.\n",
    "One *emphasised* line\nwrapped here.\n\n1. first step\n2. second step\n\nLast[^n].\n\n"
    "[^n]: A note, which is not a paragraph of the body.\n",
    "Same words.\n\nOther words.\n\nSame words.\n\nDifferent words.\n",
    "| a | b |\n| - | - |\n| 1 | 2 |\n\nAfter the table.\n\n```\ncode\n```\n\nBelow code."
    "\n\n<div>raw</div>\n\nAfter raw HTML.\n",
]
SAME = "Same words.\n\nSame words.\n\nSame words.\n\nDifferent words.\n"


def _ids(body: str) -> list[str]:
    return [p.id for p in markdown.parse(body).paragraphs]


def _edit_second(body: str) -> str:
    """Change the words of the second paragraph only."""
    second = markdown.parse(body).paragraphs[1]
    lines = body.split("\n")
    line = lines[second.line - 1]
    lines[second.line - 1] = line + " Now with more words in it."
    return "\n".join(lines)


@pytest.mark.parametrize("body", BODIES)
def test_editing_one_paragraph_keeps_the_others_ids(body: str) -> None:
    before = _ids(body)
    assert len(before) >= 3 and len(set(before)) == len(before)
    after = _ids(_edit_second(body))
    assert after[0] == before[0] and after[2:] == before[2:]
    assert after[1] != before[1]


@pytest.mark.parametrize("body", BODIES)
def test_adding_and_removing_paragraphs_keeps_the_others_ids(body: str) -> None:
    before = _ids(body)
    added = _ids("A new opening paragraph.\n\n" + body)
    assert added[1:] == before  # every id stays; every number moves by one
    numbers = [p.number for p in markdown.parse("A new opening paragraph.\n\n" + body).paragraphs]
    assert numbers == list(range(1, len(before) + 2))


def test_ids_come_from_the_words_not_the_markup_or_spacing() -> None:
    assert _ids("Some *emphasised*   words\nhere.") == _ids("Some emphasised words here.")
    assert paragraph_id("Some words.") == paragraph_id("  Some\n words. ")
    assert re.fullmatch(r"p-[0-9a-f]{6}", paragraph_id("Some words."))


def test_identical_paragraphs_get_numbered_ids_and_notes_are_not_paragraphs() -> None:
    assert _ids(SAME)[:3] == [paragraph_id("Same words.") + s for s in ("", "-2", "-3")]
    # Editing a different paragraph leaves the copies' ids alone; only rewording an earlier
    # copy renumbers the later ones (documented in docs/format.md).
    assert _ids(SAME.replace("Different", "Changed"))[:3] == _ids(SAME)[:3]
    texts = [p.text for p in markdown.parse(BODIES[2]).paragraphs]
    assert texts == ["One emphasised line wrapped here.", "first step", "second step", "Last."]


def test_paragraph_lines_are_the_body_lines() -> None:
    found = markdown.parse("## Description\n\nOne.\n\n- two\n- three\n").paragraphs
    assert [(p.number, p.line) for p in found] == [(1, 3), (2, 5), (3, 6)]


def test_paragraphs_are_found_by_id_or_number() -> None:
    paragraphs = markdown.parse(BODIES[0]).paragraphs
    assert find_paragraph("¶2", paragraphs) == paragraphs[1]
    assert find_paragraph("3", paragraphs) == paragraphs[2]
    assert find_paragraph(paragraphs[0].id, paragraphs) == paragraphs[0]
    assert find_paragraph("¶4", paragraphs) is None and find_paragraph("¶0", paragraphs) is None
    assert find_paragraph("p-000000", paragraphs) is None


class _Resolver:
    def evidence(self, evidence_id: str) -> tuple[str, str] | None:
        return None

    def section(self, section_id: str) -> tuple[str, str] | None:
        return None

    def file(self, target: str) -> str | None:
        return None


def test_public_rendering_has_no_paragraph_ids_or_references() -> None:
    html = markdown.render(markdown.parse(BODIES[1]), _Resolver())
    assert "<p>I led it.</p>" in html and "p-" not in html and "¶" not in html


# ------------------------------------------------------------------- feedback files

GOOD = """\
reviewer: Sam Lee
role: mentor
date: 2026-10-02
items:
  - section: 1a
    paragraph: ¶1
    text: Say what you changed after the audit.
  - section: 1b
    text: The whole section needs a clearer ending.
    status: addressed
    response: I rewrote the last paragraph.
"""


def _with_feedback(make: PortfolioFactory, text: str, **more: str) -> Path:
    return make({"feedback/mentor.yml": text, **more})


def _messages(root: Path, **kwargs: object) -> list[str]:
    return formatted(run_build(root, write=False, **kwargs))


def test_a_good_feedback_file_builds_cleanly(tmp_portfolio: PortfolioFactory) -> None:
    result = run_build(_with_feedback(tmp_portfolio, GOOD), write=False, strict=True)
    assert result.ok, formatted(result)
    assert result.site is not None
    items = result.site.portfolio.feedback
    assert [(i.section, i.number, i.status, i.line) for i in items] == [
        ("1a", 1, "open", 5),
        ("1b", 0, "addressed", 8),
    ]
    first = markdown.parse("I led the work and cited [the report](evidence:ev-1a).").paragraphs
    assert items[0].paragraph == first[0].id and items[0].reference == "1a ¶1"


def test_the_feedback_folder_is_not_a_section_and_not_a_stray(
    tmp_portfolio: PortfolioFactory,
) -> None:
    root = _with_feedback(tmp_portfolio, GOOD, **{"feedback/notes.md": "my own notes\n"})
    assert _messages(root) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ("date: 2026-10-02", "date: 2026-13-02"),
            "feedback/mentor.yml:3:7: error invalid-date: '2026-13-02' is not a real date",
        ),
        (
            ("date: 2026-10-02", "date: 2027-01-05"),
            "feedback/mentor.yml:3:7: error future-date [date]: 5 January 2027 is in the future",
        ),
        (
            ("status: addressed", "status: adressed"),
            "feedback/mentor.yml:10:13: error invalid-value [items[1].status]: 'adressed' is "
            "not one of the choices (did you mean 'addressed'?)",
        ),
        (
            ("role: mentor", "role: tutor"),
            "feedback/mentor.yml:2:7: error invalid-value [role]: 'tutor' is not one of the "
            "choices",
        ),
        (
            ("paragraph: ¶1", "paragraph: the second one"),
            "feedback/mentor.yml:6:16: error invalid-value [items[0].paragraph]: "
            "'the second one' is not allowed here",
        ),
        (
            ("reviewer: Sam Lee", "reviewer: [Sam, Lee]"),
            "feedback/mentor.yml:1:11: error wrong-type [reviewer]: expected text here",
        ),
        (
            ("    text: Say what you changed after the audit.", "    text: [one, two]"),
            "feedback/mentor.yml:7:11: error wrong-type [items[0].text]: expected text here",
        ),
        (
            ("    text: Say what you changed after the audit.", "    text: ''"),
            "feedback/mentor.yml:7:11: error missing-key [items[0].text]: this comment has no "
            "words",
        ),
        (
            ("    response: I rewrote", "    respons: I rewrote"),
            "feedback/mentor.yml:11:5: warning unknown-key [items[1].respons]: 'respons' is not "
            "a setting cmaltgen knows here, so it is ignored (did you mean 'response'?)",
        ),
        (
            ("date: 2026-10-02\n", "date: 2026-10-02\nrole2: x\n"),
            "feedback/mentor.yml:4:1: warning unknown-key [role2]: 'role2' is not a setting "
            "cmaltgen knows here, so it is ignored (did you mean 'role'?)",
        ),
        (
            ("    text: Say", "    text: 'Say"),
            "feedback/mentor.yml:",  # unclosed quote: a located YAML error, not a crash
        ),
    ],
)
def test_broken_feedback_files_get_located_messages(
    tmp_portfolio: PortfolioFactory, change: tuple[str, str], expected: str
) -> None:
    text = GOOD.replace(*change)
    assert text != GOOD
    messages = _messages(_with_feedback(tmp_portfolio, text))
    assert any(m.startswith(expected) for m in messages), messages


HEAD = "reviewer: A\nrole: mentor\ndate: 2026-10-01\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            HEAD + "items: looks fine to me\n",
            "feedback/mentor.yml:4:8: error wrong-type [items]: expected a list here, found "
            "'looks fine to me'",
        ),
        (
            HEAD + "items:\n  - just words\n",
            "feedback/mentor.yml:5:5: error wrong-type [items[0]]: expected one comment on a "
            "section, or on one paragraph of it ('key: value' lines) here, found 'just words'",
        ),
        (
            "- a\n- b\n",
            "feedback/mentor.yml:1:1: error wrong-type: expected a reviewer's feedback file, "
            "kept in the feedback folder and never published ('key: value' lines) here, found "
            "a list",
        ),
        (HEAD, "feedback/mentor.yml:1:1: error missing-key: 'items' is required"),
        (HEAD + "items:\n  - {section: 1a}\n", "feedback/mentor.yml:5:5: error missing-key"),
        ("", "feedback/mentor.yml:1:1: error file-empty: this file is empty"),
        (b"reviewer: \xff\n", "feedback/mentor.yml:1:11: error file-encoding"),
    ],
)
def test_feedback_files_of_the_wrong_shape(
    tmp_portfolio: PortfolioFactory, text: str, expected: str
) -> None:
    messages = _messages(tmp_portfolio({"feedback/mentor.yml": text}))
    assert any(m.startswith(expected) for m in messages), messages


def test_a_section_in_the_feedback_folder_is_reported_not_read(
    tmp_portfolio: PortfolioFactory,
) -> None:
    root = _with_feedback(
        tmp_portfolio,
        GOOD,
        **{"feedback/reflection.md": reflection("3a"), "feedback/evidence.yml": "- {id: x}\n"},
    )
    result = run_build(root, write=False)
    assert "feedback/reflection.md: warning stray-file: the feedback folder holds feedback " in (
        "\n".join(formatted(result))
    )
    assert result.site is not None and "3a" in [s.id for s in result.site.sections]
    assert result.site.section("3a") is not None  # the portfolio's own 3a, not this one
    assert not [m for m in formatted(result) if "evidence.yml" in m]


def test_new_does_not_make_a_feedback_folder(tmp_path: Path) -> None:
    from cmaltgen.new import create

    create(tmp_path / "fresh", "cmalt", today=TODAY)
    assert not (tmp_path / "fresh" / "feedback").exists()


def test_an_error_in_a_feedback_file_fails_the_build_and_the_cli(
    tmp_portfolio: PortfolioFactory,
) -> None:
    root = _with_feedback(tmp_portfolio, GOOD.replace("role: mentor", "role: tutor"))
    result = CliRunner().invoke(main, ["build", str(root), "-o", str(root / "_site")])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "feedback/mentor.yml:2:7: error invalid-value [role]" in result.stderr
    assert not (root / "_site").exists()


def test_unknown_section_is_a_warning_with_did_you_mean(tmp_portfolio: PortfolioFactory) -> None:
    root = _with_feedback(tmp_portfolio, GOOD.replace("section: 1a", "section: 1aa"))
    result = run_build(root, write=False)
    assert result.ok and not run_build(root, write=False, strict=True).ok
    (message,) = formatted(result)
    assert message.startswith(
        "feedback/mentor.yml:5:14: warning feedback-section [items[0].section]: this feedback "
        "is about section '1aa', which the portfolio does not have (did you mean '1a'?)"
    ), message
    assert "1a, 1b, 1c, 2a" in message


def test_section_ids_are_matched_whatever_their_case(tmp_portfolio: PortfolioFactory) -> None:
    root = _with_feedback(tmp_portfolio, GOOD.replace("section: 1a", "section: 1A"))
    result = run_build(root, write=False, strict=True)
    assert result.ok and result.site is not None, formatted(result)
    assert result.site.portfolio.feedback[0].reference == "1a ¶1"


def test_a_paragraph_that_is_gone_warns_at_both_places(tmp_portfolio: PortfolioFactory) -> None:
    root = tmp_portfolio()
    body = (
        "## Description\n\nI led it.\n\nI cited [it](evidence:ev-1a).\n\n"
        "## Reflection\n\nI learned what I would change.\n"
    )
    (root / "1a" / "reflection.md").write_text(reflection("1a", body=body), encoding="utf-8")
    second = markdown.parse(body).paragraphs[1]
    text = GOOD.replace("paragraph: ¶1", f"paragraph: {second.id}")
    (root / "feedback").mkdir()
    (root / "feedback" / "mentor.yml").write_text(text, encoding="utf-8")
    assert _messages(root) == []
    # The writer rewrites that paragraph: the comment's paragraph is gone.
    rewritten = body.replace("I cited [it]", "I cited [the report]")
    (root / "1a" / "reflection.md").write_text(reflection("1a", body=rewritten), "utf-8")
    (message,) = _messages(root)
    assert message.startswith(
        "feedback/mentor.yml:6:16: warning feedback-paragraph [items[0].paragraph]: this "
        f"feedback is about paragraph '{second.id}' of section 1a, which is no longer there"
    ), message
    # The hint names the other place: the section's reflection file and its lines.
    assert "hint: section 1a is 1a/reflection.md:4 and now has ¶1 to ¶3" in message
    assert "(the last at 1a/reflection.md:12)" in message


def test_a_paragraph_number_past_the_end_warns(tmp_portfolio: PortfolioFactory) -> None:
    root = _with_feedback(tmp_portfolio, GOOD.replace("paragraph: ¶1", "paragraph: 9"))
    (message,) = _messages(root)
    assert "warning feedback-paragraph [items[0].paragraph]: this feedback is about " in message
    assert "paragraph '9' of section 1a" in message and "1a/reflection.md:" in message
    # a number past the end is not "edited, moved or removed": the section is shorter
    assert "of section 1a, which has 2 paragraphs now\n" in message, message


def test_feedback_files_can_never_be_published(tmp_portfolio: PortfolioFactory) -> None:
    body = "## Description\n\nI [read my notes](../feedback/mentor.yml) and [it](evidence:ev-1a)."
    evidence = (
        "- {id: ev-1a, title: Notes, type: document, date: 2025-06-01, "
        "file: ../feedback/mentor.yml, shows: It}\n"
    )
    files = {"1a/reflection.md": reflection("1a", body=body + "\n\n## Reflection\n\nI.\n")}
    root = _with_feedback(tmp_portfolio, GOOD, **files, **{"1a/evidence.yml": evidence})
    messages = [m for m in _messages(root) if "feedback-published" in m]
    assert messages == [
        "1a/evidence.yml:1:69: error feedback-published: '../feedback/mentor.yml' is in the "
        "feedback folder, which is never published\n"
        "    hint: feedback stays private to you and your reviewers; cite something else",
        "1a/reflection.md:6:3: error feedback-published: '../feedback/mentor.yml' is in the "
        "feedback folder, which is never published\n"
        "    hint: feedback stays private to you and your reviewers; cite something else",
    ]


def test_the_json_schema_is_printed_and_names_the_choices() -> None:
    result = CliRunner().invoke(main, ["schema", "feedback"])
    schema = json.loads(result.stdout)
    assert result.exit_code == 0 and schema["required"] == ["reviewer", "role", "date", "items"]
    assert schema["properties"]["role"]["enum"] == ["mentor", "colleague", "assessor"]
    item = schema["properties"]["items"]["items"]
    assert item["properties"]["status"]["enum"] == ["open", "addressed"]
    assert item["additionalProperties"] is False and item["required"] == ["section", "text"]


@pytest.mark.skipif(shutil.which("check-jsonschema") is None, reason="check-jsonschema missing")
def test_the_example_feedback_file_passes_its_json_schema(tmp_path: Path) -> None:
    schema = tmp_path / "feedback.schema.json"
    schema.write_text(CliRunner().invoke(main, ["schema", "feedback"]).stdout, "utf-8")
    proc = subprocess.run(
        ["check-jsonschema", "--schemafile", str(schema), str(EXAMPLE / "feedback/mentor.yml")],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


# ------------------------------------------------------------------- cmaltgen check


def test_check_lists_open_feedback_per_section() -> None:
    result = CliRunner().invoke(main, ["check", str(EXAMPLE), "--no-colour"])
    out = result.stdout
    assert "Open feedback (2 open comments, 1 addressed):" in out
    first = out.index("  1a ¶8 (Sam Lee, mentor, 2 Oct 2026): Who will you involve next time?")
    second = out.index("  3a ¶10 (Sam Lee, mentor, 2 Oct 2026): Say what the dashboard")
    assert first < second  # in the table's section order
    assert "what did the officers actually ask for" not in out  # addressed


def test_check_json_has_every_comment() -> None:
    result = CliRunner().invoke(main, ["check", str(EXAMPLE), "--format", "json"])
    data = json.loads(result.stdout)
    assert [(f["reference"], f["status"]) for f in data["feedback"]] == [
        ("3a ¶10", "open"),
        ("1a ¶8", "open"),
        ("3a ¶9", "addressed"),
    ]
    first = data["feedback"][0]
    assert first["path"] == "feedback/mentor.yml" and first["line"] == 7
    assert (first["reviewer"], first["role"], first["date"]) == ("Sam Lee", "mentor", "2026-10-02")
    assert first["paragraph"] == "p-23510d" and first["found"] is True
    assert data["feedback"][2]["response"].startswith("I added the two changes")


def test_check_marks_a_comment_whose_paragraph_is_gone(tmp_portfolio: PortfolioFactory) -> None:
    root = _with_feedback(tmp_portfolio, GOOD.replace("paragraph: ¶1", "paragraph: p-abcdef"))
    result = CliRunner().invoke(main, ["check", str(root), "--no-colour"])
    assert "  1a (Sam Lee, mentor, 2 Oct 2026): Say what you changed after the audit. [not " in (
        result.stdout
    )
    assert "feedback/mentor.yml:6:16: warning feedback-paragraph" in result.stderr


# ------------------------------------------------------------------- never published


MARKERS = ["Zqreviewer Zqname", "ZQFEEDBACKTEXT", "ZQRESPONSE", "cmaltgen-feedback", "¶"]


def _secret_feedback(paragraph: str) -> str:
    return (
        "reviewer: Zqreviewer Zqname\nrole: assessor\ndate: 2026-10-02\nitems:\n"
        f"  - section: 1a\n    paragraph: {paragraph}\n    text: ZQFEEDBACKTEXT here\n"
        "  - section: 1b\n    text: ZQFEEDBACKTEXT on the section\n"
        "    status: addressed\n    response: ZQRESPONSE\n"
    )


@pytest.mark.parametrize("edition", ["public", "assessor"])
def test_no_feedback_reaches_any_built_file(
    tmp_portfolio: PortfolioFactory, tmp_path: Path, edition: str
) -> None:
    pid = markdown.parse("I led the work and cited [the report](evidence:ev-1a).").paragraphs[0]
    root = _with_feedback(tmp_portfolio, _secret_feedback(pid.id))
    out = tmp_path / "site"
    result = run_build(root, output=out, edition=edition, strict=True)
    assert result.ok and result.written, formatted(result)
    every = [p for p in out.rglob("*") if p.is_file()]
    files = {p.relative_to(out).as_posix(): p.read_bytes() for p in every}
    pages = {n for n in files if n.endswith((".html", ".xml", ".json", ".txt", ".webmanifest"))}
    assert {"feed.xml", "sitemap.xml", "index.html"} <= pages or edition == "assessor"
    assert not [name for name in files if "feedback" in name or "mentor" in name]
    markers = MARKERS if edition == "public" else MARKERS[:4]  # "3a ¶4" is on portfolio.html
    for name, data in files.items():
        # The stylesheet names the feedback note's class and a comment says "3a ¶4".
        shown = markers if name in pages else markers[:3]
        for marker in [*shown, "feedback-" + pid.id, "role: assessor"]:
            assert marker.encode() not in data, (name, marker)
        if edition == "public":
            assert pid.id.encode() not in data, name  # no paragraph ids on the public site
    if edition == "assessor":
        single = files["portfolio.html"].decode()
        assert f'<a class="para-ref" href="#1a-{pid.id}">1a ¶1</a>' in single


# ------------------------------------------------------------------- serve


def _copy_example(tmp_path: Path) -> Path:
    root = tmp_path / "portfolio"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns("_site"))
    return root


def _wait(check: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    pytest.fail(f"timed out waiting for {what}")


NOTE = re.compile(
    r'<p id="p-23510d" aria-details="feedback-p-23510d"><a class="para-ref" '
    r'href="#p-23510d">3a ¶10</a> The dashboard went live.*?</p>\n'
    r'<div class="cmaltgen-feedback" id="feedback-p-23510d" role="note" '
    r'aria-labelledby="feedback-p-23510d-heading"><h4 id="feedback-p-23510d-heading">'
    r'<a href="#p-23510d">Feedback on 3a ¶10</a></h4><ul><li><p><strong>Sam Lee</strong> '
    r'\(mentor, <time datetime="2026-10-02">2 Oct 2026</time>\):</p><p>Say what the '
    r"dashboard&#x27;s first term showed",
    re.S,
)


@pytest.mark.slow("serve")
def test_serve_shows_open_feedback_beside_its_paragraph(tmp_path: Path) -> None:
    root = _copy_example(tmp_path)
    server = PreviewServer(root, port=0, port_fixed=True)
    server.start()
    try:
        code, _, page = fetch(server.port, "/cmalt-portfolio/3a/")
        assert code == 200 and NOTE.search(page), page[:2000]
        assert "actually ask for" not in page  # addressed: not shown
        assert 'href="#p-b9eaad">3a ¶1</a>' in page
        # Whole-section feedback shows above the text; marking it addressed hides it.
        feedback = root / "feedback" / "mentor.yml"
        text = feedback.read_text("utf-8")
        feedback.write_text(
            text + "  - section: 1a\n    text: ZQWHOLE the section reads well.\n", "utf-8"
        )
        _wait(lambda: "ZQWHOLE" in fetch(server.port, "/cmalt-portfolio/1a/")[2], "new comment")
        page = fetch(server.port, "/cmalt-portfolio/1a/")[2]
        assert re.search(r'<h2 id="feedback-section-heading">Feedback on section 1a</h2>', page)
        assert page.index("ZQWHOLE") < page.index('id="p-9e9495"')
        feedback.write_text(text.replace("status: open", "status: addressed"), "utf-8")
        _wait(lambda: "cmaltgen-feedback" not in fetch(server.port, "/cmalt-portfolio/3a/")[2],
              "addressed comments to go")  # fmt: skip
        settle(server)
    finally:
        server.stop()
    # The site serve showed was never written anywhere, and build shows none of it.
    assert not (root / "_site").exists()


@pytest.mark.slow("serve")
def test_serves_progress_page_lists_open_feedback(tmp_path: Path) -> None:
    root = _copy_example(tmp_path)
    server = PreviewServer(root, port=0, port_fixed=True)
    server.start()
    try:
        code, _, page = fetch(server.port, "/__cmaltgen/progress")
    finally:
        server.stop()
    assert code == 200 and '<h2 id="open-feedback">Open feedback</h2>' in page
    assert "<p>2 open comments, 1 addressed.</p>" in page
    assert "<li>1a ¶8 (Sam Lee, mentor, 2 Oct 2026): Who will you involve" in page
    assert "<li>3a ¶10 (Sam Lee, mentor, 2 Oct 2026): Say what the dashboard&#x27;s" in page


@pytest.mark.slow("serve")
def test_serve_shows_a_broken_feedback_file_as_an_error(tmp_path: Path) -> None:
    root = _copy_example(tmp_path)
    server = PreviewServer(root, port=0, port_fixed=True)
    server.start()
    try:
        feedback = root / "feedback" / "mentor.yml"
        feedback.write_text(feedback.read_text("utf-8").replace("2026-10-02", "2026-02-30"))
        _wait(lambda: "cmaltgen-errors" in fetch(server.port, "/cmalt-portfolio/3a/")[2], "error")
        page = fetch(server.port, "/cmalt-portfolio/3a/")[2]
        assert "feedback/mentor.yml, line 5, column 7</code>: <strong>error</strong> " in page
        assert "invalid-date" in page
    finally:
        server.stop()


def test_served_feedback_page_passes_the_nu_html_checker(
    tmp_path: Path, nu_checker: NuChecker
) -> None:
    root = _copy_example(tmp_path)
    with (root / "feedback" / "mentor.yml").open("a", encoding="utf-8") as extra:
        extra.write(  # on a list item (no <p> of its own) and on the whole section
            "  - {section: 3a, paragraph: ¶3, text: On a list item.}\n"
            "  - {section: 3a, text: On the whole section.}\n"
        )
    server = PreviewServer(root, port=0, port_fixed=True)
    server.start()
    try:
        pages = tmp_path / "pages"
        pages.mkdir()
        for section in ("1a", "3a"):
            body = fetch(server.port, f"/cmalt-portfolio/{section}/")[2]
            assert "cmaltgen-feedback" in body
            if section == "3a":
                assert '<li><a id="p-d0d422" aria-details="feedback-p-d0d422" ' in body
                assert "On a list item." in body and "On the whole section." in body
            (pages / f"{section}.html").write_text(body, "utf-8")
    finally:
        server.stop()
    messages = nu_checker(pages)
    assert messages == [], json.dumps(messages, indent=1)[:3000]


def test_build_never_shows_feedback_even_from_serves_cache(tmp_path: Path) -> None:
    root = _copy_example(tmp_path)
    result = run_build(root, output=tmp_path / "site", strict=True)
    assert result.ok and TODAY.year == 2026
    html = (tmp_path / "site" / "3a" / "index.html").read_text("utf-8")
    assert "Say what the dashboard" not in html and "para-ref" not in html


# ------------------------------------------------------------------- in a browser


def _keyboard_to_feedback(page: Page, limit: int = 300) -> dict[str, Any]:
    """Tab from the top of the page until focus is inside a feedback note."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused: dict[str, Any] = page.evaluate(
            """() => {
            const el = document.activeElement;
            const note = el.closest('.cmaltgen-feedback');
            const r = el.getBoundingClientRect();
            return {inNote: !!note, text: el.textContent.trim(), href: el.getAttribute('href'),
                    top: r.top, bottom: r.bottom, left: r.left, right: r.right,
                    outline: getComputedStyle(el).outlineStyle};
        }"""
        )
        if focused["inNote"]:
            return focused
    pytest.fail("no feedback note could be reached with the Tab key")


@pytest.mark.parametrize("theme", ["default", "print"])
def test_feedback_in_serve_is_accessible_by_keyboard_and_screen_reader(
    tmp_path: Path, theme: str, browser: Browser
) -> None:
    root = example_copy(tmp_path / "portfolio", theme)
    with (root / "feedback" / "mentor.yml").open("a", encoding="utf-8") as extra:
        extra.write(  # on a list item and on the whole section: axe checks those notes too
            "  - {section: 3a, paragraph: ¶3, text: On a list item.}\n"
            "  - {section: 3a, text: On the whole section.}\n"
        )
    server = PreviewServer(root, port=0, port_fixed=True)
    server.start()
    url = f"http://127.0.0.1:{server.port}/cmalt-portfolio/3a/"
    try:
        for width, scheme in itertools.product((390, 1280), ("light", "dark")):
            page = browser.new_page(viewport={"width": width, "height": 800}, color_scheme=scheme)
            page.route("**/*", loopback_only)
            page.goto(url)
            where = f"{theme} {width}px {scheme}"
            assert run_axe(page) == [], where + "\n" + describe(run_axe(page))
            assert page.evaluate("document.documentElement.scrollWidth") <= width, where
            # What a screen reader is given: a note named after the paragraph,
            # which the paragraph points at (aria-details).
            note = page.get_by_role("note", name="Feedback on 3a ¶10")
            assert note.count() == 1, where
            assert "Sam Lee (mentor, 2 Oct 2026):" in note.inner_text(), where
            assert "first term showed" in note.inner_text(), where
            paragraph = page.locator("#p-23510d")
            assert paragraph.get_attribute("aria-details") == "feedback-p-23510d"
            assert page.locator("#feedback-p-23510d").get_attribute("role") == "note"
            ref = page.get_by_role("link", name="3a ¶10", exact=True)
            assert ref.get_attribute("href") == "#p-23510d", where
            # The note sits right after its paragraph, and the keyboard reaches it.
            below = page.evaluate("document.querySelector('#p-23510d').nextElementSibling.id")
            assert below == "feedback-p-23510d", where
            assert page.get_by_role("note", name="Feedback on section 3a").count() == 1
            assert page.get_by_role("note", name="Feedback on 3a ¶3").count() == 1
            # Tab reaches each paragraph's note in reading order (the section's
            # note has no link: it is read in place, above the text).
            focused = _keyboard_to_feedback(page)
            assert focused["text"] == "Feedback on 3a ¶3", where
            focused = _keyboard_to_feedback(page)
            assert focused["text"] == "Feedback on 3a ¶10", where
            assert focused["outline"] != "none", where
            assert focused["top"] >= 0 and focused["bottom"] <= 800, where
            assert focused["left"] >= 0 and focused["right"] <= width, where
            page.keyboard.press("Enter")  # back to the paragraph it is about
            assert page.evaluate("location.hash") == "#p-23510d", where
            page.close()
    finally:
        server.stop()
