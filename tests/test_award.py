"""The award: honest JSON-LD, the badge snippets, and located errors for a broken award."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cmaltgen.cli import main
from tests.conftest import PORTFOLIO_YML, PortfolioFactory, formatted, run_build


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def json_ld(site: Path) -> dict[str, object]:
    home = (site / "index.html").read_text(encoding="utf-8")
    loaded: dict[str, object] = json.loads(
        home.split('<script type="application/ld+json">')[1].split("</script>")[0]
    )
    return loaded


def test_without_an_award_the_person_claims_no_credential(
    tmp_portfolio: PortfolioFactory,
) -> None:
    result = run_build(tmp_portfolio())
    assert result.ok, formatted(result)
    data = json_ld(result.output)
    person = data["mainEntity"]
    assert isinstance(person, dict) and "hasCredential" not in person
    about = data["about"]
    assert isinstance(about, dict)
    assert about["@type"] == "EducationalOccupationalCredential" and "dateCreated" not in about
    assert data["description"] == "A portfolio working towards CMALT."


def test_with_an_award_the_person_holds_it_with_its_date(tmp_portfolio: PortfolioFactory) -> None:
    config = PORTFOLIO_YML + "award:\n  date: 2026-10-20\n  pathway: senior\n"
    result = run_build(tmp_portfolio({"portfolio.yml": config}))
    assert result.ok, formatted(result)
    data = json_ld(result.output)
    person = data["mainEntity"]
    assert isinstance(person, dict)
    held = person["hasCredential"]
    assert held["dateCreated"] == "2026-10-20" and held["educationalLevel"] == "Senior CMALT"
    assert "about" not in data and "description" not in data


def test_badge_says_when_it_was_awarded_and_links_the_certificate(
    tmp_portfolio: PortfolioFactory,
) -> None:
    config = (
        PORTFOLIO_YML + "award:\n  date: 2026-11-20\n  url: https://badges.example.org/b?id=1&x\n"
    )
    root = tmp_portfolio({"portfolio.yml": config})
    code, out, err = invoke("badge", str(root))
    assert code == 0, err
    url = "https://sam.example.org/cmalt/"
    label = "Sam Tester's CMALT portfolio"
    assert out == (
        f'HTML:\n  <a href="{url}" rel="me">{label}</a> '
        '(<a href="https://badges.example.org/b?id=1&amp;x">CMALT awarded November 2026</a>)\n\n'
        f"Markdown:\n  [{label}]({url}) "
        "([CMALT awarded November 2026](https://badges.example.org/b?id=1&x))\n\n"
        f"Plain text:\n  {label} <{url}> "
        "(CMALT awarded November 2026: <https://badges.example.org/b?id=1&x>)\n\n"
    )


def test_badge_without_a_certificate_names_the_awarded_pathway(
    tmp_portfolio: PortfolioFactory,
) -> None:
    config = PORTFOLIO_YML.replace("  title: Sam Tester's CMALT portfolio\n", "")
    root = tmp_portfolio({"portfolio.yml": config + "award:\n  date: 2026-09\n  pathway: senior\n"})
    code, out, err = invoke("badge", str(root))
    assert code == 0, err
    assert "Sam Tester: Senior CMALT portfolio</a> (Senior CMALT awarded September 2026)" in out
    assert "(Senior CMALT awarded September 2026)\n" in out.split("Markdown:")[1]
    assert "<https://sam.example.org/cmalt/> (Senior CMALT awarded September 2026)" in out


def test_badge_before_the_award_says_nothing_of_one(tmp_portfolio: PortfolioFactory) -> None:
    code, out, _ = invoke("badge", str(tmp_portfolio()))
    assert code == 0 and "awarded" not in out


@pytest.mark.parametrize(
    ("award", "expected"),
    [
        (
            "award:\n  date: 2026-13\n",
            "portfolio.yml:14:9: error invalid-date [award.date]",
        ),
        (
            "award:\n  date: 2027-02-01\n",
            "portfolio.yml:14:9: error future-date [award.date]",
        ),
        (
            "award:\n  date: 2026-10\n  pathway: cmlat\n",
            "portfolio.yml:15:12: error invalid-value [award.pathway]",
        ),
        (
            "award:\n  date: 2026-10\n  url: badges.example.org/1\n",
            "portfolio.yml:15:8: error invalid-url [award.url]",
        ),
        (
            "award:\n  pathway: cmalt\n",
            "portfolio.yml:14:3: error missing-key [award]: 'date' is required",
        ),
    ],
)
def test_broken_awards_get_located_errors(
    tmp_portfolio: PortfolioFactory, award: str, expected: str
) -> None:
    root = tmp_portfolio({"portfolio.yml": PORTFOLIO_YML + award})
    result = run_build(root)
    assert not result.ok and not (root / "_site").exists()
    assert any(line.startswith(expected) for line in formatted(result)), formatted(result)
    code, out, err = invoke("badge", str(root))
    assert code == 1 and out == "" and "Traceback" not in err
    assert expected.split(": error")[0] in err  # the same place, named by badge too
