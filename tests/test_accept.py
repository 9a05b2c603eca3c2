"""portfolio.yml's accept: list, honoured by build, check and serve alike."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cmaltgen.check import CheckOptions, check
from cmaltgen.cli import main
from cmaltgen.rules.accept import glob_pattern
from tests.conftest import PORTFOLIO_YML, TODAY, PortfolioFactory, formatted, run_build
from tests.test_check import ready_files
from tests.test_serve import fetch, serving, wait_for

VIDEO = "\n<video src=clip.mp4 controls></video>\n"


def with_video(files: dict[str, str | None], accept: str) -> dict[str, str | None]:
    """The ready portfolio with a raw <video> in 2a, and ``accept`` added to portfolio.yml."""
    reflection = str(files["2a/reflection.md"]).replace("## Reflection", VIDEO + "\n## Reflection")
    return {**files, "2a/reflection.md": reflection, "portfolio.yml": PORTFOLIO_YML + accept}


ACCEPT_VIDEO = """\
accept:
  - code: raw-html
    path: 2a/reflection.md
    reason: a deliberate video, with captions
"""


@pytest.fixture
def video(tmp_portfolio: PortfolioFactory) -> Path:
    return tmp_portfolio(with_video(ready_files(), ACCEPT_VIDEO))


def test_an_accepted_warning_is_listed_but_does_not_fail_strict(video: Path) -> None:
    built = run_build(video, write=False, strict=True)
    assert built.ok and built.diagnostics.warnings == []
    # <video ...></video> on one line is one warning (one element), accepted
    assert [d.accepted for d in built.diagnostics] == ["a deliberate video, with captions"]
    report = check(video, CheckOptions(strict=True), today=TODAY)
    assert report.ready and report.warnings == 0
    assert report.verdict == "Ready for ALT's initial check (1 accepted)"

    result = CliRunner().invoke(main, ["check", str(video), "--strict"])
    assert result.exit_code == 0, result.output
    assert "2a/reflection.md:" in result.output
    assert "warning raw-html" in result.output
    assert "    accepted: a deliberate video, with captions" in result.output
    assert "review" not in result.output  # not counted as a warning to review in the table

    result = CliRunner().invoke(main, ["build", str(video), "--strict"])
    assert result.exit_code == 0, result.output
    assert "0 warnings (1 accepted)" in result.output


def test_without_the_entry_strict_fails(tmp_portfolio: PortfolioFactory) -> None:
    root = tmp_portfolio(with_video(ready_files(), ""))
    assert not run_build(root, write=False, strict=True).ok
    assert not check(root, CheckOptions(strict=True), today=TODAY).ready


def test_line_limits_an_entry_to_one_warning(tmp_portfolio: PortfolioFactory) -> None:
    files = with_video(ready_files(), ACCEPT_VIDEO + "    line: 9\n")
    files["2a/reflection.md"] = str(files["2a/reflection.md"]) + "\nMore <b>bold</b>.\n"
    built = run_build(tmp_portfolio(files), write=False)
    assert {(d.line, d.accepted is not None) for d in built.diagnostics} == {
        (9, True),  # <video> and </video>
        (15, False),  # <b> and </b>, on another line
    }
    files["portfolio.yml"] = str(files["portfolio.yml"]).replace("line: 9", "line: 99")
    shown = formatted(run_build(tmp_portfolio(files), write=False))
    assert any(s.startswith("portfolio.yml:14:5: warning accept-unused [accept]") for s in shown)


@pytest.mark.parametrize(
    ("pattern", "path", "matches"),
    [
        ("2a/reflection.md", "2a/reflection.md", True),
        ("./2a/reflection.md", "2a/reflection.md", True),
        ("2a-*/reflection.md", "2a-teaching/reflection.md", True),
        ("*/reflection.md", "2a/files/reflection.md", False),  # * stays within one name
        ("**/reflection.md", "2a/files/reflection.md", True),
        ("**/reflection.md", "reflection.md", True),
        ("2a/evidence.y?l", "2a/evidence.yml", True),
        (".", ".", True),
        ("2a/reflection.md", "2a/reflection.mdx", False),
        ("2a.reflection", "2a/reflection", False),  # a dot is only a dot
    ],
)
def test_paths_are_portfolio_relative_globs(pattern: str, path: str, matches: bool) -> None:
    assert bool(glob_pattern(pattern).fullmatch(path)) is matches


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        (
            "  - {code: raw-htm, path: 2a/reflection.md, reason: ok}\n",
            "portfolio.yml:14:12: error invalid-value [accept[0].code]: this accepted warning "
            "cannot be used: there is no warning code 'raw-htm' (did you mean 'raw-html'?)",
        ),
        (
            "  - {code: missing-part, path: 2a/reflection.md, reason: ok}\n",
            "portfolio.yml:14:12: error invalid-value [accept[0].code]: this accepted warning "
            "cannot be used: 'missing-part' is an error, and errors cannot be accepted",
        ),
        (
            "  - {code: raw-html, path: 2a/reflection.md, reason: ' '}\n",
            "portfolio.yml:14:54: error invalid-value [accept[0].reason]: this accepted "
            "warning cannot be used: the reason is empty",
        ),
        (
            "  - {code: raw-html, path: 2a/reflection.md}\n",
            "portfolio.yml:14:5: error missing-key [accept[0]]: 'reason' is required",
        ),
        (
            "  - {code: raw-html, reason: ok}\n",
            "portfolio.yml:14:5: error missing-key [accept[0]]: 'path' is required",
        ),
        (
            "  - {code: stray-file, path: 1a/notes.md, reason: ok}\n",
            "portfolio.yml:14:5: warning accept-unused [accept]: no stray-file warning is "
            "reported in 1a/notes.md",
        ),
    ],
)
def test_entries_are_checked_and_located(
    tmp_portfolio: PortfolioFactory, entry: str, expected: str
) -> None:
    root = tmp_portfolio({**ready_files(), "portfolio.yml": PORTFOLIO_YML + "accept:\n" + entry})
    shown = formatted(run_build(root, write=False))
    assert any(s.startswith(expected) for s in shown), "\n".join(shown)
    assert shown == [
        d.format(base=root.resolve())
        for d in check(root, CheckOptions(), today=TODAY).diagnostics.sorted()
    ]


def test_a_bad_entry_does_not_stop_the_others_or_the_build(tmp_portfolio: PortfolioFactory) -> None:
    accept = "accept:\n  - {code: raw-htm, path: x, reason: y}\n" + ACCEPT_VIDEO.split("\n", 1)[1]
    root = tmp_portfolio(with_video(ready_files(), accept))
    built = run_build(root, write=False)
    assert [d.code for d in built.diagnostics.errors] == ["invalid-value"]
    assert len(built.diagnostics.accepted) == 1  # the second entry still applies


def test_an_entry_for_a_file_that_failed_to_parse_is_not_called_unused(
    tmp_portfolio: PortfolioFactory,
) -> None:
    files = with_video(ready_files(), ACCEPT_VIDEO)
    files["2a/reflection.md"] = str(files["2a/reflection.md"]).replace(
        "section: 2a", "section: 2a\nupdated: someday"
    )
    shown = formatted(run_build(tmp_portfolio(files), write=False))
    assert shown[0].startswith("2a/reflection.md:3:10: error invalid-date")
    assert not any("accept-unused" in s for s in shown)


def test_link_warnings_are_judged_only_when_links_are_checked(
    tmp_portfolio: PortfolioFactory,
) -> None:
    accept = "accept:\n  - {code: link-redirect, path: 2a/evidence.yml, reason: a stable alias}\n"
    root = tmp_portfolio({**ready_files(), "portfolio.yml": PORTFOLIO_YML + accept})
    assert formatted(run_build(root, write=False)) == []


@pytest.mark.slow("serve")
def test_serve_lists_accepted_warnings_and_unused_entries(tmp_portfolio: PortfolioFactory) -> None:
    extra = "  - {code: stray-file, path: 1a/notes.md, reason: old notes}\n"
    root = tmp_portfolio(with_video(ready_files(), ACCEPT_VIDEO + extra))
    with serving(root) as (served, port):
        # stdout and stderr are read by separate threads: wait for both, not just the status
        wait_for(
            lambda: (
                "accepted: a deliberate video, with captions" in served.text
                and "warning accept-unused" in served.text
            ),
            what=f"the accepted and unused entries\n{served.text}",
        )
        assert fetch(port, "/")[0] in (200, 302)


PRIVATE_CITED = """\
- id: appraisal
  title: Annual appraisal
  type: document
  date: 2025-06-01
  url: https://example.org/appraisal
  shows: My review.
  visibility: private
"""


def citing_private(files: dict[str, str | None], accept: str) -> dict[str, str | None]:
    """The ready portfolio whose 2a cites a private item (a withheld-citation warning)."""
    reflection = str(files["2a/reflection.md"]).replace(
        "## Reflection", "See [my appraisal](evidence:appraisal).\n\n## Reflection"
    )
    return {
        **files,
        "2a/reflection.md": reflection,
        "2a/evidence.yml": str(files["2a/evidence.yml"]) + PRIVATE_CITED,
        "portfolio.yml": PORTFOLIO_YML + accept,
    }


ACCEPT_WITHHELD = """\
accept:
  - code: withheld-citation
    path: 2a/reflection.md
    reason: the appraisal is private on purpose
"""


def test_a_warning_found_when_the_site_is_made_can_be_accepted(
    tmp_portfolio: PortfolioFactory,
) -> None:
    root = tmp_portfolio(citing_private(ready_files(), ACCEPT_WITHHELD))
    for edition in ("public", "assessor"):
        built = run_build(root, write=False, strict=True, edition=edition)
        assert built.ok, formatted(built)  # before: accept-unused, and the warning counted
        assert [(d.code, d.accepted) for d in built.diagnostics] == [
            ("withheld-citation", "the appraisal is private on purpose")
        ]
    report = check(root, CheckOptions(strict=True), today=TODAY)
    assert report.ready and report.warnings == 0
    assert [(d.code, d.accepted) for d in report.diagnostics] == [
        ("withheld-citation", "the appraisal is private on purpose")
    ]


def test_check_and_strict_report_what_the_site_finds_in_the_same_run(
    tmp_portfolio: PortfolioFactory,
) -> None:
    files = citing_private(ready_files(), "")
    files["future-plans/reflection.md"] = "---\nsection: future-plans\n---\nShort.\n"
    root = tmp_portfolio(files)
    wanted = {"withheld-citation", "word-count"}
    built = run_build(root, write=False, strict=True)  # before: withheld-citation came later
    assert not built.ok and {d.code for d in built.diagnostics} == wanted, formatted(built)
    report = check(root, today=TODAY)  # before: check never reported withheld-citation
    assert {d.code for d in report.diagnostics} == wanted
    assert not report.ready


def test_an_unused_site_entry_is_reported_by_the_public_build_and_check(
    tmp_portfolio: PortfolioFactory,
) -> None:
    root = tmp_portfolio({**ready_files(), "portfolio.yml": PORTFOLIO_YML + ACCEPT_WITHHELD})
    unused = "no withheld-citation warning is reported in 2a/reflection.md"
    built = run_build(root, write=False)
    assert [d.code for d in built.diagnostics] == ["accept-unused"]
    assert unused in built.diagnostics.warnings[0].message
    assert [d.code for d in check(root, today=TODAY).diagnostics] == ["accept-unused"]
    assessor = run_build(root, write=False, edition="assessor")
    assert formatted(assessor) == []  # judged on the public site, which leaves out more
