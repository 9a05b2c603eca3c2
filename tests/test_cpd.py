"""The CPD record of a portfolio review: cpd.yml, its table and summary, located errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from cmaltgen.cli import main
from cmaltgen.read.cpd import hours, review_due, summarise
from cmaltgen.read.dates import PartialDate
from tests.conftest import TODAY, PortfolioFactory, formatted, run_build
from tests.review_support import CPD_YML, review_files


def test_a_review_with_a_cpd_record_builds_clean(tmp_portfolio: PortfolioFactory) -> None:
    result = run_build(tmp_portfolio(review_files(), base=False), strict=True)
    assert result.ok and formatted(result) == []


def test_the_table_is_sorted_by_date_without_javascript(tmp_portfolio: PortfolioFactory) -> None:
    result = run_build(tmp_portfolio(review_files(), base=False))
    page = (result.output / "cpd-record" / "index.html").read_text(encoding="utf-8")
    table = page.split('<table class="cpd-table" data-sortable>')[1].split("</table>")[0]
    dates = re.findall(r'<td data-value="(\d{4}-\d\d-\d\d)">', table)
    assert dates == ["2023-12-01", "2024-03-05", "2025-06-01", "2026-02-10"]
    assert "<caption>4 activities, oldest first</caption>" in table
    assert '<th scope="col" data-sort="date" aria-sort="ascending">Date</th>' in table
    # evidence by id links to the evidence page; by address to the address, named by its host
    assert '<a href="../evidence/index.html#ev-ev-course">E1 Course certificate</a>' in table
    assert '<a href="https://example.org/talk">example.org</a>' in table
    assert '<script src="../assets/cpd-table.js" defer></script>' in page
    assert (result.output / "assets" / "cpd-table.js").is_file()


def test_the_summary_gives_hours_by_type_and_by_year(tmp_portfolio: PortfolioFactory) -> None:
    result = run_build(tmp_portfolio(review_files(), base=False))
    page = (result.output / "cpd-record" / "index.html").read_text(encoding="utf-8")
    text = " ".join(re.sub(r"<[^>]+>", " ", page.split('id="cpd-summary-heading">')[1]).split())
    assert text.startswith(
        "CPD summary 4 activities, 28 hours, from 1 December 2023 to 10 February 2026 ."
    )
    assert "Hours by type Type Hours Course 12 Conference 6 Webinar 1.5 Mentoring 8.5" in text
    assert "Hours by year Year Hours 2023 6 2024 12 2025 8.5 2026 1.5" in text


def test_summary_and_hours_in_figures() -> None:
    from cmaltgen.read.cpd import CpdActivity

    items = [
        CpdActivity(date=PartialDate(2024, 1, 2), activity="a", type="course", hours=1.25),
        CpdActivity(date=PartialDate(2024, 5), activity="b", type="course", hours=2),
        CpdActivity(date=PartialDate(2025), activity="c", type="reading", hours=0),
    ]
    summary = summarise(items)
    assert (summary.count, summary.hours) == (3, 3.25)
    assert summary.by_type == {"course": 3.25, "reading": 0}
    assert summary.by_year == {2024: 3.25, 2025: 0}
    assert (hours(3.25), hours(2.0), hours(0.0), hours(0.5)) == ("3.25", "2", "0", "0.5")


@pytest.mark.parametrize(
    ("awarded", "today", "status", "due"),
    [
        (PartialDate(2023, 11, 20), "2026-11-21", "overdue", "2026-11-20"),
        (PartialDate(2023, 11, 20), "2026-11-20", "soon", "2026-11-20"),
        (PartialDate(2023, 11), "2026-06-01", "soon", "2026-11-01"),
        (PartialDate(2023, 11), "2026-04-01", "ok", "2026-11-01"),
        (PartialDate(2024, 2, 29), "2025-01-01", "ok", "2027-02-28"),
    ],
)
def test_review_due_three_years_after_the_award(
    awarded: PartialDate, today: str, status: str, due: str
) -> None:
    import datetime as dt

    found = review_due(awarded, dt.date.fromisoformat(today))
    assert (found.status, found.date.isoformat()) == (status, due)


BROKEN = [
    (
        "- date: 2024-13-01\n  activity: A\n  type: course\n  hours: 1\n",
        "cpd/cpd.yml:1:9: error invalid-date: '2024-13-01' is not a real date",
    ),
    (
        "- date: 2024-02\n  activity: A\n  type: course\n  hours: 1\n- date: 2024-02-30\n",
        "cpd/cpd.yml:5:9: error invalid-date",
    ),
    (
        "- date: 2027-01-01\n  activity: A\n  type: course\n  hours: 1\n",
        "cpd/cpd.yml:1:9: error future-date [[0].date]",
    ),
    (
        "- date: 2024-01-01\n  activity: A\n  type: coarse\n  hours: 1\n",
        "cpd/cpd.yml:3:9: error invalid-value [[0].type]: 'coarse' is not one of the choices "
        "(did you mean 'course'?)",
    ),
    (
        "- date: 2024-01-01\n  activity: A\n  type: course\n  hours: two\n",
        "cpd/cpd.yml:4:10: error wrong-type [[0].hours]: expected a number here (e.g. 1.5)",
    ),
    (
        "- date: 2024-01-01\n  activity: A\n  type: course\n  hours: -3\n",
        "cpd/cpd.yml:4:10: error invalid-value [[0].hours]",
    ),
    (
        "- date: 2024-01-01\n  activity: A\n  type: course\n  hours: .inf\n",
        "cpd/cpd.yml:4:10: error invalid-value [[0].hours]",
    ),
    (
        "- date: 2024-01-01\n  activity: A\n  type: course\n",
        "cpd/cpd.yml:1:3: error missing-key [[0]]: 'hours' is required",
    ),
    (
        "- date: 2024-01-01\n  activity: A\n  type: course\n  hours: 1\n  evidence: ev-cuorse\n",
        "cpd/cpd.yml:5:13: error unknown-evidence [[0].evidence]: this CPD activity names "
        "evidence 'ev-cuorse', and no evidence.yml has that id (did you mean 'ev-course'?)",
    ),
    (
        "- date: 2024-01-01\n  activity: A\n  type: course\n  hours: 1\n  hourz: 2\n",
        "cpd/cpd.yml:5:3: warning unknown-key [[0].hourz]",
    ),
    ("date: 2024-01-01\n", "cpd/cpd.yml:1:1: error wrong-type: cpd.yml must be a list"),
    (  # an unclosed [ crashed the CPD page (urlsplit's ValueError)
        "- date: 2024-01-01\n  activity: A\n  type: course\n  hours: 1\n  evidence: http://[::1\n",
        "cpd/cpd.yml:5:13: error invalid-url [[0].evidence]: 'http://[::1' is not a web address",
    ),
    (
        "- date: 2024-01-01\n  activity: A\n  type: course\n  hours: 1\n"
        "  evidence: https://example.org:99999/\n",
        "cpd/cpd.yml:5:13: error invalid-url [[0].evidence]",
    ),
    ("- date: [2024\n", "cpd/cpd.yml:1:9: error yaml-syntax"),
    # dates written the British way, in words or with a time: the hint gives the date to write
    *(
        (
            f"- date: {written}\n  activity: A\n  type: course\n  hours: 1\n",
            f"cpd/cpd.yml:1:9: error invalid-date [[0].date]: '{written}' is not a date cmaltgen "
            f"understands\n    hint: write it as {iso} for {human}: dates are YYYY-MM-DD, "
            "YYYY-MM or YYYY",
        )
        for written, iso, human in [
            ("01/02/2024", "2024-02-01", "1 February 2024"),
            ("29.02.2024", "2024-02-29", "29 February 2024"),
            ("1 March 2024", "2024-03-01", "1 March 2024"),
            ("3rd Sept 2024", "2024-09-03", "3 September 2024"),
            ("June 2024", "2024-06", "June 2024"),
            ("2024-11-30 09:00", "2024-11-30", "30 November 2024"),
        ]
    ),
    (b"\xff\xfe- date", "cpd/cpd.yml:1:1: error file-encoding"),
]


@pytest.mark.parametrize(("content", "expected"), BROKEN)
def test_broken_cpd_records_get_located_errors(
    tmp_portfolio: PortfolioFactory, content: str | bytes, expected: str
) -> None:
    files: dict[str, str | bytes] = dict(review_files(cpd=None))
    files["cpd/cpd.yml"] = content
    root = tmp_portfolio(files, base=False)
    result = run_build(root)
    lines = formatted(result)
    assert any(line.startswith(expected) for line in lines), lines
    if " error " in expected:
        assert not result.ok and not (root / "_site").exists()
        # the record is there, only broken: no "no cpd.yml" or "stray file" piled on top
        assert not any(" cpd-record: " in line or " stray-file: " in line for line in lines)


def test_a_review_without_cpd_yml_is_warned(tmp_portfolio: PortfolioFactory) -> None:
    result = run_build(tmp_portfolio(review_files(cpd=None), base=False))
    assert result.ok
    assert formatted(result)[0].startswith(
        "cpd/cpd.yml: warning cpd-record: the CPD record section has no cpd.yml"
    )


def test_an_empty_cpd_yml_shows_no_activities(tmp_portfolio: PortfolioFactory) -> None:
    result = run_build(tmp_portfolio(review_files(cpd="# nothing yet\n"), base=False))
    assert result.ok and formatted(result) == []
    page = (result.output / "cpd-record" / "index.html").read_text(encoding="utf-8")
    assert "No activities recorded yet." in page and "<table" not in page


def test_cpd_yml_outside_a_review_is_a_stray_file(tmp_portfolio: PortfolioFactory) -> None:
    result = run_build(tmp_portfolio({"1a/cpd.yml": CPD_YML}))
    assert any(
        line.startswith("1a/cpd.yml: warning stray-file: cmaltgen does not read cpd.yml here")
        and "belongs in the cpd-record section of a portfolio review" in line
        for line in formatted(result)
    ), formatted(result)


def test_evidence_left_out_of_the_edition_is_named_not_linked(
    tmp_portfolio: PortfolioFactory,
) -> None:
    files = review_files()
    files["significant/evidence.yml"] = files["significant/evidence.yml"] + (
        "- id: ev-private\n  title: Private notes\n  type: document\n  date: 2024-01-01\n"
        "  url: https://example.org/private\n  shows: Notes.\n  visibility: private\n"
    )
    files["cpd/cpd.yml"] = CPD_YML + (
        "- date: 2024-01-02\n  activity: B\n  type: reading\n  hours: 1\n  evidence: ev-private\n"
    )
    result = run_build(tmp_portfolio(files, base=False))
    page = (result.output / "cpd-record" / "index.html").read_text(encoding="utf-8")
    assert "ev-private" not in page and "Private notes" not in page
    assert "https://example.org/private" not in page


def test_schema_cpd_prints_the_declared_schema() -> None:
    from click.testing import CliRunner

    shown = CliRunner().invoke(main, ["schema", "cpd"])
    assert shown.exit_code == 0
    schema = json.loads(shown.stdout)
    item = schema["items"]
    assert schema["type"] == "array"
    assert item["required"] == ["date", "activity", "type", "hours"]
    assert item["properties"]["hours"] == {
        "type": "number",
        "minimum": 0,
        "description": "Hours spent, e.g. 1.5.",
    }
    assert "conference" in item["properties"]["type"]["enum"]


def test_the_printable_page_of_the_bundle_has_the_record(
    tmp_portfolio: PortfolioFactory, tmp_path: Path
) -> None:
    import zipfile

    from cmaltgen.output.bundle import bundle

    root = tmp_portfolio(review_files(), base=False)
    made = bundle(root, tmp_path / "b.zip", today=TODAY)
    assert made.written
    with zipfile.ZipFile(made.path) as zipped:
        name = next(n for n in zipped.namelist() if n.endswith("/portfolio.html"))
        page = zipped.read(name).decode("utf-8")
    record = page.split('id="section-cpd-record"')[1].split('id="section-significant-cpd"')[0]
    # one level below the section's h2, evidence linked on the same page
    assert '<h3 id="cpd-heading">CPD activities</h3>' in record
    assert '<h3 id="cpd-summary-heading">CPD summary</h3>' in record
    assert '<a href="#ev-ev-course">E1 Course certificate</a>' in record
