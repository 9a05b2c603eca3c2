"""The three-year review as a pathway: framework data, the example, check's due date and CPD
coverage, and `new --pathway review --from`."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from cmaltgen.build import build
from cmaltgen.check import check
from cmaltgen.cli import main
from cmaltgen.cli_report import report_json, report_lines
from cmaltgen.new import create
from tests.conftest import EXAMPLE, REPO, TODAY, NuChecker, PortfolioFactory, formatted, run_build
from tests.review_support import REVIEW_YML, review_files

EXAMPLE_REVIEW = REPO / "example_review"


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_example_review_builds_strict_from_a_fresh_clone(tmp_path: Path) -> None:
    """Only what git tracks: a clone has no _site and nothing the working tree adds."""
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("needs the project's git repository")
    listed = subprocess.run(
        ["git", "ls-files", "-z", "example_review"],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    tracked = [name.decode() for name in listed if name]
    assert "example_review/03-cpd-record/cpd.yml" in tracked
    for name in tracked:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, tmp_path / name)
    for today in (TODAY, dt.date.today()):
        result = build(tmp_path / "example_review", strict=True, today=today)
        assert result.ok and formatted(result) == [], formatted(result)
    assert result.sections == 5 and result.evidence == 3
    home = (result.output / "index.html").read_text(encoding="utf-8")
    assert "CMALT awarded" in home and "November 2023" in home
    assert (result.output / "cpd-record" / "index.html").is_file()


def test_review_sections_are_unconfirmed_warnings_when_missing(
    tmp_portfolio: PortfolioFactory,
) -> None:
    files: dict[str, str | None] = dict(review_files())
    files["recent/reflection.md"] = None
    result = run_build(tmp_portfolio(files, base=False))
    assert result.ok  # missing review sections are warnings: ALT's headings are unconfirmed
    assert formatted(result) == [
        ".: warning missing-section: the CMALT review pathway needs section recent-practice "
        "(Summary of recent practice), and no reflection.md has 'section: recent-practice'\n"
        "    hint: create a folder with a reflection.md whose front matter says "
        "section: recent-practice"
    ]


def test_pathways_lists_the_review_and_marks_it_unconfirmed() -> None:
    code, out, _ = invoke("pathways")
    assert code == 0
    assert "CMALT review  (pathway: review)" in out
    line = next(x for x in out.splitlines() if x.strip().startswith("cpd-record"))
    assert "CPD record" in line and "missing is a warning (unconfirmed)" in line


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        (
            REVIEW_YML.replace("award:\n  date: 2023-11-20\n  pathway: cmalt\n", ""),
            "portfolio.yml:1:10: error review-award [award]: a portfolio review is for holders",
        ),
        (
            REVIEW_YML.replace("  pathway: cmalt\n", ""),
            "portfolio.yml:6:3: error review-award [award.pathway]: say which pathway you hold",
        ),
        (
            REVIEW_YML.replace("  pathway: cmalt\n", "  pathway: review\n"),
            "portfolio.yml:7:12: error invalid-value [award.pathway]: 'review' is not one of",
        ),
        (
            REVIEW_YML.replace("pathway: review\n", "pathway: reveiw\n"),
            "portfolio.yml:1:10: error unknown-pathway [pathway]: the CMALT guidance, July 2019 "
            "has no pathway 'reveiw' (did you mean 'review'?)",
        ),
    ],
)
def test_broken_review_configs_get_located_errors(
    tmp_portfolio: PortfolioFactory, config: str, expected: str
) -> None:
    files = review_files()
    files["portfolio.yml"] = config
    result = run_build(tmp_portfolio(files, base=False))
    assert not result.ok
    assert any(line.startswith(expected) for line in formatted(result)), formatted(result)


def test_review_uses_its_own_confirmation_wording(tmp_portfolio: PortfolioFactory) -> None:
    result = run_build(tmp_portfolio(review_files(), base=False))
    page = (result.output / "confirmation" / "index.html").read_text(encoding="utf-8")
    assert "I confirm that this review is my own work" in page


# ------------------------------------------------------------------------------ check


@pytest.mark.parametrize(
    ("today", "first", "status"),
    [
        (
            dt.date(2026, 12, 1),
            "Portfolio review: was due on 20 November 2026 (11 days ago), three years after "
            "the award (20 November 2023).",
            "overdue",
        ),
        (
            dt.date(2026, 11, 1),
            "Portfolio review: is due on 20 November 2026 (in 19 days), three years after the "
            "award (20 November 2023).",
            "soon",
        ),
        (
            dt.date(2026, 3, 1),
            "Portfolio review: is due on 20 November 2026 (in 264 days), three years after the "
            "award (20 November 2023).",
            "ok",
        ),
    ],
)
def test_check_says_when_the_review_is_due(
    tmp_portfolio: PortfolioFactory, today: dt.date, first: str, status: str
) -> None:
    files = review_files()
    files["cpd/cpd.yml"] = files["cpd/cpd.yml"].replace("2026-02-10", "2026-01-10")
    files["portfolio.yml"] = files["portfolio.yml"].replace("2026-10-01", "2026-01-15")
    report = check(tmp_portfolio(files, base=False), today=today)
    lines = report_lines(report)
    assert first in lines
    due = [d for d in report.diagnostics if d.code == "review-due"]
    if status == "ok":
        assert due == []
    else:
        assert len(due) == 1 and (due[0].line, due[0].col, due[0].key) == (6, 9, "award.date")
    data = report_json(report)["review"]
    assert data["status"] == status and data["due"] == "2026-11-20"


def test_check_says_what_the_cpd_record_covers_and_what_is_missing(
    tmp_portfolio: PortfolioFactory,
) -> None:
    files = review_files()
    # nothing between 20 November 2024 and 19 November 2025; one activity without reflection
    files["cpd/cpd.yml"] = (
        files["cpd/cpd.yml"]
        .replace("2025-06", "2024-06")
        .replace("  reflection: Now caption every video I publish.\n", "")
    )
    report = check(tmp_portfolio(files, base=False), today=dt.date(2026, 10, 1))
    lines = report_lines(report)
    assert "CPD record: 4 activities, 28 hours, 1 December 2023 to 10 February 2026." in lines
    assert "  year 1 (20 November 2023 to 19 November 2024): 26.5 hours" in lines
    assert "  year 2 (20 November 2024 to 19 November 2025): 0 hours" in lines
    assert "  year 3 (20 November 2025 to 19 November 2026), in progress: 1.5 hours so far" in lines
    assert "Missing: any CPD activity in year 2 (20 November 2024 to 19 November 2025)" in lines
    assert "Missing: a reflection for 1 activity" in lines
    gaps = [d.format(base=report.root) for d in report.diagnostics if d.code == "cpd-gap"]
    assert gaps == [
        "cpd/cpd.yml:1:1: warning cpd-gap: the CPD record has no activity in year 2 "
        "(20 November 2024 to 19 November 2025) of the review period\n"
        "    hint: add what you did that year, even short activities such as reading or a "
        "webinar"
    ]
    data = report_json(report)["review"]
    assert data["cpd"]["activities"] == 4 and data["cpd"]["hours"] == 28


def test_a_year_whose_activity_has_an_error_is_not_called_empty(
    tmp_portfolio: PortfolioFactory,
) -> None:
    """A British date in year 2's only activity: before, check also said the year had no
    activity (a cpd-gap warning and "Missing: any CPD activity"), which was untrue."""
    files = review_files()
    files["cpd/cpd.yml"] = files["cpd/cpd.yml"].replace("2025-06", "2024-06") + (
        "- date: 12/03/2025\n  activity: Webinar on WCAG 2.2\n  type: webinar\n  hours: 1\n"
    )
    report = check(tmp_portfolio(files, base=False), today=dt.date(2026, 10, 1))
    lines = report_lines(report)
    assert [d.code for d in report.diagnostics if d.is_error] == ["invalid-date"]
    assert [d for d in report.diagnostics if d.code == "cpd-gap"] == []
    assert not any(line.startswith("Missing: any CPD activity") for line in lines), lines
    assert "CPD record: 4 activities, 28 hours, 1 December 2023 to 10 February 2026." in lines
    assert "  (cpd.yml has errors, listed below: what they are about is not counted)" in lines


@pytest.mark.parametrize("ended", [False, True])
def test_a_year_in_progress_is_not_missing_until_it_has_ended(
    tmp_portfolio: PortfolioFactory, ended: bool
) -> None:
    """Year 3 (20 November 2025 to 19 November 2026) with nothing in it yet."""
    files = review_files()
    files["cpd/cpd.yml"] = files["cpd/cpd.yml"].split("- date: 2026-02-10")[0]
    root = tmp_portfolio(files, base=False)
    today = dt.date(2026, 11, 20) if ended else dt.date(2026, 11, 19)
    report = check(root, today=today)
    lines = report_lines(report)
    year3 = "year 3 (20 November 2025 to 19 November 2026)"
    gaps = [d.message for d in report.diagnostics if d.code == "cpd-gap"]
    years = report_json(report)["review"]["cpd"]["years"]
    if ended:
        assert f"  {year3}: 0 hours" in lines
        assert f"Missing: any CPD activity in {year3}" in lines
        assert gaps == [f"the CPD record has no activity in {year3} of the review period"]
    else:
        assert f"  {year3}, in progress: 0 hours so far" in lines
        assert not any(line.startswith("Missing:") for line in lines), lines
        assert gaps == []
    assert [y["in_progress"] for y in years] == [False, False, not ended]


def test_one_hour_is_singular_in_check_and_on_the_cpd_page(
    tmp_portfolio: PortfolioFactory, tmp_path: Path
) -> None:
    files = review_files()
    files["cpd/cpd.yml"] = files["cpd/cpd.yml"].split("- date: 2024-03-05")[0] + (
        "- date: 2024-03-05\n  activity: A short webinar\n  type: webinar\n  hours: 1\n"
        "  reflection: Short and useful.\n"
    )
    root = tmp_portfolio(files, base=False)
    lines = report_lines(check(root, today=dt.date(2026, 10, 1)))
    assert "CPD record: 1 activity, 1 hour, on 5 March 2024." in lines
    assert "  year 1 (20 November 2023 to 19 November 2024): 1 hour" in lines
    assert "  year 2 (20 November 2024 to 19 November 2025): 0 hours" in lines
    assert run_build(root, output=tmp_path / "site").ok
    page = (tmp_path / "site" / "cpd-record" / "index.html").read_text(encoding="utf-8")
    assert '<p class="cpd-total">1 activity, 1 hour, on <time datetime="2024-03-05">' in page


def test_a_cpd_yml_with_errors_claims_no_gaps(tmp_portfolio: PortfolioFactory) -> None:
    """An impossible date stops cpd.yml being read: its years are not said to be empty."""
    files = review_files()
    files["cpd/cpd.yml"] = files["cpd/cpd.yml"].replace("2025-06", "2025-02-29")
    report = check(tmp_portfolio(files, base=False), today=dt.date(2026, 11, 25))
    lines = report_lines(report)
    assert "  (cpd.yml has errors, listed below: what they are about is not counted)" in lines
    assert not any(line.startswith("Missing: any CPD activity") for line in lines), lines
    codes = [d.code for d in report.diagnostics]
    assert "invalid-date" in codes and "cpd-gap" not in codes
    # one activity with a wrong type: the others are counted, the gaps are still not claimed
    files["cpd/cpd.yml"] = CPD_ONE_BAD
    report = check(tmp_portfolio(files, base=False), today=dt.date(2026, 11, 25))
    lines = report_lines(report)
    assert "CPD record: 1 activity, 6 hours, on 1 December 2023." in lines
    codes = [d.code for d in report.diagnostics]
    assert "invalid-value" in codes and "cpd-gap" not in codes  # year 2's activity has the error


CPD_ONE_BAD = """\
- date: 2023-12-01
  activity: ALT Winter Conference
  type: conference
  hours: 6
  reflection: Met the accessibility network.
- date: 2025-06
  activity: Mentoring a colleague
  type: coaching
  hours: 8.5
  reflection: Explaining CMALT made me reread my own portfolio.
"""


def test_check_without_a_cpd_record_says_it_is_missing(tmp_portfolio: PortfolioFactory) -> None:
    report = check(tmp_portfolio(review_files(cpd=None), base=False), today=TODAY)
    assert "Missing: a CPD record (section cpd-record has no cpd.yml)" in report_lines(report)


def test_check_tells_an_awarded_holder_of_any_pathway_when_the_review_is_due(
    tmp_portfolio: PortfolioFactory,
) -> None:
    from tests.conftest import PORTFOLIO_YML

    root = tmp_portfolio({"portfolio.yml": PORTFOLIO_YML + "award:\n  date: 2023-06\n"})
    report = check(root, today=TODAY)
    assert (
        "Portfolio review: was due on 1 June 2026 (153 days ago), three years after the "
        "award (June 2023)." in report_lines(report)
    )
    due = next(d for d in report.diagnostics if d.code == "review-due")
    assert due.format(base=root).startswith("portfolio.yml:14:9: warning review-due [award.date]")
    today = tmp_portfolio({"portfolio.yml": PORTFOLIO_YML + "award:\n  date: 2023-11-01\n"})
    assert (  # not "in 0 days"
        "Portfolio review: is due today, 1 November 2026, three years after the award "
        "(1 November 2023)." in report_lines(check(today, today=TODAY))
    )
    assert "cmaltgen new --pathway review" in (due.hint or "")
    plain = check(tmp_portfolio({"portfolio.yml": PORTFOLIO_YML}), today=TODAY)
    assert plain.review is None and report_json(plain)["review"] is None


# ------------------------------------------------------------------------------ new


def test_new_review_from_an_existing_portfolio(tmp_path: Path) -> None:
    source = tmp_path / "original"
    shutil.copytree(EXAMPLE, source)
    config = source / "portfolio.yml"
    config.write_text(
        config.read_text(encoding="utf-8")
        + "award:\n  date: 2023-11-20\n  url: https://example.org/cert\n",
        encoding="utf-8",
    )
    before = {p: p.read_bytes() for p in source.rglob("*") if p.is_file()}
    code, _, err = invoke(
        "new", str(tmp_path / "review"), "--pathway", "review", "--from", str(source)
    )
    assert code == 0, err
    assert {p: p.read_bytes() for p in source.rglob("*") if p.is_file()} == before
    made = tmp_path / "review"
    text = (made / "portfolio.yml").read_text(encoding="utf-8")
    assert "pathway: review" in text and "name: Rowan Ellery" in text
    assert "award:\n  date: 2023-11-20\n  pathway: cmalt\n  url: https://example.org/cert\n" in text
    assert "orcid: 0000-0002-1825-0097" in text
    link = (made / "00-original-portfolio" / "reflection.md").read_text(encoding="utf-8")
    assert "[original CMALT portfolio](https://example.github.io/cmalt-portfolio/)" in link
    plans = (made / "04-future-plans" / "reflection.md").read_text(encoding="utf-8")
    assert "Accessibility with, not for, students" in plans and "draft: true" in plans
    assert (made / "02-cpd-record" / "cpd.yml").is_file()
    result = build(made, today=dt.date.today())
    assert result.ok, formatted(result)  # builds at once, every section a draft
    assert {d.code for d in result.diagnostics} == {"draft"}


def test_new_review_without_an_award_says_it_is_needed(tmp_path: Path) -> None:
    code, _, err = invoke(
        "new", str(tmp_path / "review"), "--pathway", "review", "--from", str(EXAMPLE)
    )
    assert code == 0 and "A review needs your award" in err
    result = build(tmp_path / "review", today=dt.date.today())
    assert [d.code for d in result.diagnostics.errors] == ["review-award"]


def test_new_review_from_a_broken_portfolio_gives_located_errors(
    tmp_portfolio: PortfolioFactory, tmp_path: Path
) -> None:
    source = tmp_portfolio({"portfolio.yml": "pathway: cmalt\ncandidate: [oops\n"})
    code, _, err = invoke(
        "new", str(tmp_path / "review"), "--pathway", "review", "--from", str(source)
    )
    assert code == 1 and "Traceback" not in err
    assert "portfolio.yml:2:12: error yaml-syntax" in err
    assert not (tmp_path / "review").exists()


def test_from_is_only_for_reviews(tmp_path: Path) -> None:
    code, _, err = invoke("new", str(tmp_path / "p"), "--pathway", "cmalt", "--from", str(EXAMPLE))
    assert code == 1 and "use it with --pathway review" in err
    assert not (tmp_path / "p").exists()


def test_new_review_without_from_builds_with_placeholders(tmp_path: Path) -> None:
    made = create(tmp_path / "r", "review", today=TODAY)
    assert made.sections == [
        "original-portfolio",
        "recent-practice",
        "cpd-record",
        "significant-cpd",
        "future-plans",
    ]
    text = (tmp_path / "r" / "portfolio.yml").read_text(encoding="utf-8")
    assert "# award:\n#   date: 2023-11-20" in text
    data = json.loads(json.dumps(report_json(check(tmp_path / "r", today=TODAY))))
    assert data["pathway"] == "review"


def test_review_and_a_submitted_edition_pass_the_nu_html_checker(
    tmp_path: Path, nu_checker: NuChecker
) -> None:
    if shutil.which("git") is None:
        pytest.skip("needs git")
    root = tmp_path / "review"
    shutil.copytree(EXAMPLE_REVIEW, root, ignore=shutil.ignore_patterns("_site"))
    env = {
        **os.environ,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_AUTHOR_NAME": "R",
        "GIT_AUTHOR_EMAIL": "r@example.org",
        "GIT_COMMITTER_NAME": "R",
        "GIT_COMMITTER_EMAIL": "r@example.org",
    }
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "review"], ["tag", "sent"]):
        subprocess.run(["git", *args], cwd=root, check=True, env=env, capture_output=True)
    config = root / "portfolio.yml"
    config.write_text(
        config.read_text(encoding="utf-8")
        + "submissions:\n  - date: 2026-10-30\n    type: review\n"
        + "    ref: sent\n    publish: true\n",
        encoding="utf-8",
    )
    result = build(root, today=TODAY, strict=True, submitted=True)
    assert result.ok, formatted(result)
    assert (result.output / "submitted" / "2026-10" / "cpd-record" / "index.html").is_file()
    messages = nu_checker(result.output)
    assert messages == [], json.dumps(messages, indent=1)[:3000]


def test_a_short_link_to_the_original_and_cpd_introduction_are_written_not_stubs(
    tmp_portfolio: PortfolioFactory,
) -> None:
    """The link to the original portfolio and the CPD record's introduction are short by
    nature (the record is cpd.yml): a sentence is written, not a section left to write."""
    report = check(tmp_portfolio(review_files(), base=False), today=TODAY)
    status = {row.id: row.status for row in report.sections}
    assert status["original-portfolio"] == status["cpd-record"] == "written"
    assert status["recent-practice"] == "stub"  # eight words: not brief by nature
    assert report_json(report)["counts"]["sections_left"] == 3  # practice, significant, plans


def test_a_submitted_review_is_not_overdue_and_later_cpd_is_counted(
    tmp_portfolio: PortfolioFactory,
) -> None:
    """Due 20 November 2026, submitted (late) on 1 December 2026: on 15 January 2027 check
    says when it was submitted, gives no review-due warning, and the activity recorded after
    the due date is summed apart, not dropped from the years."""
    files = review_files()
    files["portfolio.yml"] += "submissions:\n  - date: 2026-12-01\n    type: review\n"
    files["cpd/cpd.yml"] += (
        "- date: 2026-11-25\n  activity: ALT-C\n  type: conference\n  hours: 12\n"
        "  reflection: Presented the template.\n"
    )
    report = check(tmp_portfolio(files, base=False), today=dt.date(2027, 1, 15))
    lines = report_lines(report)
    assert (
        "Portfolio review: submitted on 1 December 2026; it was due on 20 November 2026, "
        "three years after the award (20 November 2023)." in lines
    )
    assert "  year 3 (20 November 2025 to 19 November 2026): 1.5 hours" in lines
    assert "  after it was due (20 November 2026 to 25 November 2026): 12 hours" in lines
    assert not [d for d in report.diagnostics if d.code in ("review-due", "cpd-gap")]
    data = report_json(report)["review"]
    assert data["submitted"] == "2026-12-01" and data["status"] == "overdue"
    assert [y["late"] for y in data["cpd"]["years"]] == [False, False, False, True]
    # not submitted yet: the same portfolio is overdue, and says so
    files["portfolio.yml"] = files["portfolio.yml"].split("submissions:")[0]
    report = check(tmp_portfolio(files, base=False), today=dt.date(2027, 1, 15))
    assert [d.code for d in report.diagnostics] == ["review-due"]
