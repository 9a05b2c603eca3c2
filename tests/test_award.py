"""The award: honest JSON-LD, the badge snippets, and located errors for a broken award."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from cmaltgen.cli import main
from tests.conftest import (
    PORTFOLIO_YML,
    PortfolioFactory,
    formatted,
    reflection,
    run_build,
    valid_files,
    write_files,
)
from tests.site_checks import broken_links


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
    # portfolio.json (what a cohort hub reads) names the pathway awarded, not the one applied for
    manifest = json.loads((result.output / "portfolio.json").read_text(encoding="utf-8"))
    assert manifest["award"] == {"date": "2026-10-20", "pathway": "senior", "url": ""}


@pytest.mark.parametrize("orcid", ["0000-0002-1825-0097", "https://orcid.org/0000-0002-1825-0097"])
def test_an_orcid_is_one_same_as_link_however_it_is_written(
    tmp_portfolio: PortfolioFactory, orcid: str
) -> None:
    config = PORTFOLIO_YML.replace(
        "  organisation: Example College\n",
        f"  organisation: Example College\n  links:\n    orcid: {orcid}\n"
        "    website: https://sam.example.org/\n",
    )
    result = run_build(tmp_portfolio({"portfolio.yml": config}))
    assert result.ok, formatted(result)
    person = json_ld(result.output)["mainEntity"]
    assert isinstance(person, dict)
    assert person["sameAs"] == ["https://sam.example.org/", "https://orcid.org/0000-0002-1825-0097"]


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


PASSED = "submissions:\n  - date: 2026-06-30\n    type: first\n    outcome: {outcome}\n"


@pytest.mark.parametrize(
    ("award", "outcome", "warned"),
    [
        ("2026-05-01", "pass", "1 May 2026"),  # a slip: awarded before the portfolio passed
        ("2026-05", "pass-with-distinction", "May 2026"),
        ("2026-06", "pass", ""),  # the month it passed: not before
        ("2026-06-30", "pass", ""),
        ("2026-05-01", "referral-minor", ""),  # nothing passed: nothing to compare
    ],
)
def test_an_award_dated_before_the_pass_is_a_located_warning(
    tmp_portfolio: PortfolioFactory, award: str, outcome: str, warned: str
) -> None:
    config = PORTFOLIO_YML + PASSED.format(outcome=outcome) + f"award:\n  date: {award}\n"
    result = run_build(tmp_portfolio({"portfolio.yml": config}))
    found = [line for line in formatted(result) if " award-date " in line]
    assert result.ok
    if warned:
        assert found == [
            "portfolio.yml:18:9: warning award-date [award.date]: the award is dated "
            f"{warned}, before the submission that passed (30 June 2026), so the site would say "
            "you held CMALT before then\n    hint: check the year and month: the date is on "
            "ALT's award email or certificate"
        ]
    else:
        assert found == []


# ------------------------------------------------------------------------------ submitted editions

SUBMITTED = (
    "submissions:\n  - date: 2026-06-30\n    type: first\n    ref: {ref}\n    publish: true\n"
)


def git(cwd: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_AUTHOR_NAME": "Sam Tester",
        "GIT_AUTHOR_EMAIL": "sam@example.org",
        "GIT_COMMITTER_NAME": "Sam Tester",
        "GIT_COMMITTER_EMAIL": "sam@example.org",
    }
    proc = subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, env=env, input=""
    )
    assert proc.returncode == 0, f"git {' '.join(args)}: {proc.stderr}"
    return proc.stdout.strip()


@pytest.fixture(scope="module")
def tagged_seed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A repository whose portfolio sits in a subfolder, tagged at submission: made once,
    never changed; ``tagged`` gives each test a copy of its own."""
    if shutil.which("git") is None:
        pytest.skip("needs git")
    repo = tmp_path_factory.mktemp("tagged") / "repo"
    write_files(repo / "portfolio", valid_files())
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "submitted")
    git(repo, "tag", "submitted-2026-06")
    return repo


@pytest.fixture
def tagged(tmp_path: Path, tagged_seed: Path) -> Path:
    """A repository whose portfolio sits in a subfolder, tagged at submission, then edited
    on: a line added to 1a, an assessors-only item and a private section added."""
    repo = tmp_path / "repo"
    shutil.copytree(tagged_seed, repo, symlinks=True)
    root = repo / "portfolio"
    reflection = root / "1a" / "reflection.md"
    reflection.write_text(
        reflection.read_text(encoding="utf-8") + "\nWritten after the submission.\n",
        encoding="utf-8",
    )
    return root


def snapshot(repo: Path) -> tuple[str, str, str, str]:
    status = git(repo, "status", "--porcelain", "--ignored").splitlines()
    return (
        "\n".join(line for line in status if "_site/" not in line),  # the build's own output
        git(repo, "worktree", "list", "--porcelain"),
        git(repo, "rev-parse", "HEAD"),
        git(repo, "stash", "list"),
    )


def test_the_submitted_edition_stays_frozen_beside_the_living_one(tagged: Path) -> None:
    config = tagged / "portfolio.yml"
    config.write_text(
        config.read_text(encoding="utf-8") + SUBMITTED.format(ref="submitted-2026-06"),
        encoding="utf-8",
    )
    before = snapshot(tagged.parent)
    code, _, err = invoke("build", str(tagged))
    assert code == 0, err
    site = tagged / "_site"
    living = (site / "1a" / "index.html").read_text(encoding="utf-8")
    frozen = (site / "submitted" / "2026-06" / "1a" / "index.html").read_text(encoding="utf-8")
    assert "Written after the submission." in living
    assert "Written after the submission." not in frozen
    assert (
        '<p class="frozen-note" role="note"><strong>Submitted edition.</strong> This is the '
        'portfolio as submitted on <time datetime="2026-06-30">30 June 2026</time>, kept '
        'unchanged. <a href="../../../index.html">See the current portfolio</a>.</p>' in frozen
    )
    assert (site / "submitted" / "2026-06" / "assets" / "style.css").is_file()
    for gone in ("feed.xml", "sitemap.xml", "404.html", ".nojekyll"):
        assert not (site / "submitted" / "2026-06" / gone).exists()
    assert "submitted/" not in (site / "sitemap.xml").read_text(encoding="utf-8")
    assert 'type="application/atom+xml"' in living and "atom+xml" not in frozen
    assert broken_links(site) == []  # no frozen page points at a feed it does not have
    # nothing in the repository changed: no worktree, index, stash or ref left behind
    assert snapshot(tagged.parent) == before
    code, _, err = invoke("build", str(tagged), "--no-submitted")
    assert code == 0 and not (site / "submitted").exists()


def test_a_frozen_editions_files_are_as_committed_whatever_core_autocrlf(tagged: Path) -> None:
    repo = tagged.parent
    pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\nendobj\ntrailer\n%%EOF\n"  # no binary bytes
    (tagged / "1a" / "report.pdf").write_bytes(pdf)
    write_files(
        tagged,
        {
            "1a/evidence.yml": (tagged / "1a" / "evidence.yml").read_text(encoding="utf-8")
            + "- id: ev-pdf\n  title: Report\n  type: document\n"
            "  date: 2025-01-01\n  file: report.pdf\n  shows: My writing.\n",
        },
    )
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "with a report")
    git(repo, "tag", "resubmitted")
    git(repo, "config", "core.autocrlf", "true")  # as Git for Windows sets it
    config = tagged / "portfolio.yml"
    config.write_text(
        config.read_text(encoding="utf-8") + SUBMITTED.format(ref="resubmitted"),
        encoding="utf-8",
    )
    code, _, err = invoke("build", str(tagged))
    assert code == 0, err
    frozen = tagged / "_site" / "submitted" / "2026-06"
    assert (frozen / "files" / "1a" / "report.pdf").read_bytes() == pdf


def test_a_frozen_edition_follows_the_public_edition_rules(tagged: Path) -> None:
    """Assessors-only and private content in the tagged commit stays out of its edition."""
    repo = tagged.parent
    write_files(
        tagged,
        {
            "1a/evidence.yml": (tagged / "1a" / "evidence.yml").read_text(encoding="utf-8")
            + "- id: ev-secret\n  title: Assessors only item\n  type: document\n"
            "  date: 2025-01-01\n  url: https://example.org/secret\n  shows: Secret.\n"
            "  visibility: assessors\n",
            "1a/reflection.md": (tagged / "1a" / "reflection.md").read_text(encoding="utf-8")
            + "\nSee [the secret](evidence:ev-secret).\n",
            "2a/reflection.md": reflection("2a", extra_front="visibility: private\n"),
        },
    )
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "with private parts")
    git(repo, "tag", "resubmitted")
    config = tagged / "portfolio.yml"
    config.write_text(
        config.read_text(encoding="utf-8") + SUBMITTED.format(ref="resubmitted"),
        encoding="utf-8",
    )
    code, _, err = invoke("build", str(tagged))
    assert code == 0, err
    frozen = tagged / "_site" / "submitted" / "2026-06"
    text = "".join(p.read_text(encoding="utf-8") for p in frozen.rglob("*.html"))
    assert "https://example.org/secret" not in text and "Assessors only item" not in text
    assert not (frozen / "2a").exists() and (frozen / "1a" / "index.html").is_file()
    # ... and a frozen edition does not add frozen editions of its own
    assert not (frozen / "submitted").exists()


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("no-such-tag", "there is no git tag or commit 'no-such-tag' in this repository"),
        ("--output=x", "there is no git tag or commit '--output=x' in this repository"),
        ("0123456789abcdef0123", "there is no git tag or commit '0123456789abcdef0123'"),
    ],
)
def test_a_missing_ref_is_a_located_error_and_nothing_is_built(
    tagged: Path, ref: str, message: str
) -> None:
    config = tagged / "portfolio.yml"
    config.write_text(
        config.read_text(encoding="utf-8") + SUBMITTED.format(ref=f"'{ref}'"), encoding="utf-8"
    )
    code, _, err = invoke("build", str(tagged))
    assert code == 1 and "Traceback" not in err
    assert f"portfolio.yml:16:10: error submission-ref [submissions[0].ref]: {message}" in err
    assert "fetch-depth: 0" in err
    assert not (tagged / "_site").exists() and not (tagged / "x").exists()


def test_a_ref_where_the_portfolio_did_not_exist_yet(tagged: Path) -> None:
    repo = tagged.parent
    empty_tree = git(repo, "hash-object", "-t", "tree", "-w", "--stdin")
    commit = git(repo, "commit-tree", empty_tree, "-m", "nothing yet")
    git(repo, "tag", "before", commit)
    config = tagged / "portfolio.yml"
    config.write_text(
        config.read_text(encoding="utf-8") + SUBMITTED.format(ref="before"), encoding="utf-8"
    )
    code, _, err = invoke("build", str(tagged))
    assert code == 1
    assert (
        "error submission-ref [submissions[0].ref]: there was no portfolio.yml in the folder "
        "'portfolio' at the tag or commit 'before' (commit "
    ) in err


def test_a_portfolio_folder_moved_since_the_submission_still_builds_its_edition(
    tagged: Path,
) -> None:
    """git mv of the portfolio folder after the submission: the frozen edition is built
    from the folder the portfolio was in at the tag, not refused."""
    repo = tagged.parent
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "after")
    git(repo, "mv", "portfolio", "cmalt portfolio")
    git(repo, "commit", "-qm", "moved")
    root = repo / "cmalt portfolio"
    config = root / "portfolio.yml"
    config.write_text(
        config.read_text(encoding="utf-8") + SUBMITTED.format(ref="submitted-2026-06"),
        encoding="utf-8",
    )
    code, _, err = invoke("build", str(root))
    assert code == 0, err
    frozen = root / "_site" / "submitted" / "2026-06" / "1a" / "index.html"
    assert "Written after the submission." not in frozen.read_text(encoding="utf-8")
    assert "Written after the submission." in (root / "_site/1a/index.html").read_text("utf-8")


def test_outside_git_the_submitted_edition_cannot_be_built(
    tmp_portfolio: PortfolioFactory,
) -> None:
    root = tmp_portfolio(
        {"portfolio.yml": PORTFOLIO_YML + SUBMITTED.format(ref="submitted-2026-06")}
    )
    code, _, err = invoke("build", str(root))
    assert code == 1
    assert "the portfolio is not inside a git repository" in err and "--no-submitted" in err
    code, _, err = invoke("build", str(root), "--no-submitted")
    assert code == 0, err


def test_a_repository_git_distrusts_is_not_called_missing(
    tagged: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tagged / "portfolio.yml"
    config.write_text(
        config.read_text(encoding="utf-8") + SUBMITTED.format(ref="submitted-2026-06"),
        encoding="utf-8",
    )
    monkeypatch.setenv("GIT_TEST_ASSUME_DIFFERENT_OWNER", "1")  # "dubious ownership"
    code, _, err = invoke("build", str(tagged))
    assert code == 1 and "not inside a git repository" not in err
    assert "belongs to another user account" in err and "safe.directory" in err


def test_an_old_edition_that_no_longer_builds_is_named(tagged: Path) -> None:
    repo = tagged.parent
    write_files(tagged, {"1a/reflection.md": "---\nsection: 1a\nfocus: [\n---\nBroken.\n"})
    git(repo, "commit", "-qam", "broken")
    git(repo, "tag", "broken")
    write_files(tagged, {"1a/reflection.md": reflection("1a")})
    config = tagged / "portfolio.yml"
    config.write_text(
        config.read_text(encoding="utf-8") + SUBMITTED.format(ref="broken"), encoding="utf-8"
    )
    code, _, err = invoke("build", str(tagged))
    assert code == 1
    assert "portfolio.yml:16:10: error submission-build [submissions[0].ref]: the edition " in err
    assert "git switch --detach broken" in err


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        (
            "  - date: 2026-06-31\n    type: first\n",
            "portfolio.yml:14:11: error invalid-date: '2026-06-31' is not a real date",
        ),
        (
            "  - date: 2026-06-30\n    type: frist\n",
            "portfolio.yml:15:11: error invalid-value [submissions[0].type]: 'frist' is not one "
            "of the choices (did you mean 'first'?)",
        ),
        (
            "  - date: 2026-06-30\n    type: first\n    outcome: passed\n",
            "portfolio.yml:16:14: error invalid-value [submissions[0].outcome]: 'passed' is not "
            "one of the choices (did you mean 'pass'?)",
        ),
        (
            "  - type: first\n",
            "portfolio.yml:14:5: error missing-key [submissions[0]]: 'date' is required",
        ),
        (
            "  - date: 2027-01-01\n    type: first\n",
            "portfolio.yml:14:11: error future-date",
        ),
    ],
)
def test_broken_submissions_get_located_errors(
    tmp_portfolio: PortfolioFactory, entry: str, expected: str
) -> None:
    result = run_build(tmp_portfolio({"portfolio.yml": PORTFOLIO_YML + "submissions:\n" + entry}))
    assert not result.ok
    assert any(line.startswith(expected) for line in formatted(result)), formatted(result)


def test_two_refs_in_one_month_get_their_own_folders_or_a_located_error(tagged: Path) -> None:
    config = tagged / "portfolio.yml"
    text = config.read_text(encoding="utf-8")
    two = (
        "submissions:\n  - date: 2026-06-02\n    type: first\n"
        "    ref: submitted-2026-06\n    publish: true\n"
        "  - date: 2026-06-30\n    type: resubmission\n"
        "    ref: submitted-2026-06\n    publish: true\n"
    )
    config.write_text(text + two, encoding="utf-8")
    code, _, err = invoke("build", str(tagged))
    assert code == 0, err
    assert (tagged / "_site" / "submitted" / "2026-06-02" / "index.html").is_file()
    assert (tagged / "_site" / "submitted" / "2026-06-30" / "index.html").is_file()
    same = two.replace("2026-06-30", "2026-06-02")
    config.write_text(text + same, encoding="utf-8")
    code, _, err = invoke("build", str(tagged))
    assert code == 1
    assert "portfolio.yml:20:10: error submission-ref [submissions[1].ref]: two submissions" in err


def test_submissions_leak_nothing_but_the_frozen_edition(tagged: Path) -> None:
    """Outcomes, types and ref names of submissions are the author's business: the public
    site, its feed and its sitemap show none of them; only the frozen edition is published."""
    config = tagged / "portfolio.yml"
    config.write_text(
        config.read_text(encoding="utf-8")
        + "submissions:\n  - date: 2026-06-30\n    type: first\n    outcome: referral-major\n"
        "    ref: submitted-2026-06\n    publish: true\n"
        "  - date: 2026-09-01\n    type: resubmission\n"
        "    outcome: pass-with-distinction\n",
        encoding="utf-8",
    )
    code, _, err = invoke("build", str(tagged))
    assert code == 0, err
    site = tagged / "_site"
    for path in site.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".xml", ".json", ".txt", ".js"):
            text = path.read_text(encoding="utf-8").lower()
            for secret in ("referral", "distinction", "resubmission", "submitted-2026-06"):
                assert secret not in text, (path, secret)
    assert (site / "submitted" / "2026-06" / "index.html").is_file()
    assert not (site / "submitted" / "2026-09").exists()  # no ref: nothing to publish
