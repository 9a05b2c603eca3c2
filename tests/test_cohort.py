"""Cohort hubs: cohort.yml checks, members, the hub's pages, feeds and calendar, the commands."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import html
import http.server
import json
import re
import shutil
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote
from xml.etree import ElementTree as ET

import icalendar
import pytest
import yaml
from click.testing import CliRunner

from cmaltgen.cli import main
from cmaltgen.cohort import ics
from cmaltgen.cohort.build import CohortResult, build_cohort
from cmaltgen.cohort.config import mentor_key
from cmaltgen.cohort.members import CACHE_DIR
from tests.browser_support import POLL
from tests.conftest import (
    HUB_TEMPLATES,
    PORTFOLIO_YML,
    REPO,
    TODAY,
    NuChecker,
    PortfolioFactory,
    valid_files,
    write_files,
)
from tests.site_checks import broken_links, parse_page

EXAMPLE_COHORT = REPO / "example_cohort"
UNLISTED = ("jo baxter", "jo-baxter", "careers adviser")  # only the unlisted member has these


# ---------------------------------------------------------------------------- helpers


def portfolio_files(name: str, **changes: str | None) -> dict[str, str | bytes | None]:
    """A valid portfolio for candidate ``name`` (conftest's, renamed)."""
    files: dict[str, str | bytes | None] = dict(valid_files())
    files["portfolio.yml"] = PORTFOLIO_YML.replace("Sam Tester", name)
    files.update(changes)
    return files


def make_cohort(
    root: Path, cohort_yml: str, members: Mapping[str, Mapping[str, str | bytes | None]] = {}
) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "cohort.yml").write_text(cohort_yml, encoding="utf-8")
    for folder, files in members.items():
        write_files(root / folder, files)
    return root


def hub(root: Path, **kwargs: Any) -> CohortResult:
    kwargs.setdefault("templates", HUB_TEMPLATES)
    return build_cohort(root, today=TODAY, **kwargs)


def shown(result: CohortResult) -> list[str]:
    return [d.format(base=result.root) for d in result.diagnostics.sorted()]


def every_file(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix().lower(): p.read_bytes().lower()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


TWO = """\
name: Test cohort
mentors:
  - name: Sam Lee
    areas: [1a]
  - name: Ife Adeyemi
members:
  - path: members/ann
    mentor: Sam Lee
  - path: members/bob
    mentor: Ife Adeyemi
    listed: false
"""


@pytest.fixture
def two(tmp_path: Path) -> Path:
    return make_cohort(
        tmp_path / "cohort",
        TWO,
        {
            "members/ann": portfolio_files("Ann Zqlisted"),
            "members/bob": portfolio_files("Bob Zqhidden"),
        },
    )


# ---------------------------------------------------------------------------- the example


@pytest.fixture(scope="module")
def example_hub(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("hub") / "site"
    result = build_cohort(EXAMPLE_COHORT, out, strict=True, today=TODAY)
    assert result.ok and result.written, shown(result)
    assert list(result.diagnostics) == []
    return out


def test_example_cohort_builds_strictly_with_every_page(example_hub: Path) -> None:
    for rel in (
        "index.html",
        "progress/index.html",
        "progress/status/drafting/index.html",
        "progress/mentor/sam-lee/index.html",
        "sections/index.html",
        "sections/1a/index.html",
        "sections/specialist/index.html",
        "showcase/index.html",
        "mentors/index.html",
        "events/index.html",
        "404.html",
        "events.ics",
        "feed.xml",
        ".nojekyll",
        "assets/style.css",
    ):
        assert (example_hub / rel).is_file(), rel
    assert broken_links(example_hub) == []


def test_example_hub_pages_have_one_h1_and_landmarks(example_hub: Path) -> None:
    for page in example_hub.rglob("*.html"):
        html = page.read_text("utf-8")
        assert parse_page(page).h1 == 1, page
        assert '<main id="main"' in html and 'class="skip-link" href="#main"' in html, page
        assert 'href="/' not in html and 'src="/' not in html, page  # relative links only


def test_example_and_empty_hubs_pass_the_nu_html_checker(
    example_hub: Path, tmp_path: Path, nu_checker: NuChecker
) -> None:
    from cmaltgen.cohort.new import create

    empty = hub(create(tmp_path / "new"), output=tmp_path / "empty")  # no members, no events
    assert empty.ok and empty.pages > 10
    messages = nu_checker(example_hub, tmp_path / "empty")
    assert messages == [], json.dumps(messages, indent=1)[:3000]


def test_unlisted_member_is_on_no_public_page_feed_or_calendar(example_hub: Path) -> None:
    files = every_file(example_hub)
    for marker in UNLISTED:
        assert [n for n, data in files.items() if marker.encode() in data or marker in n] == []


def test_roster_lists_members_with_their_details(example_hub: Path) -> None:
    html = (example_hub / "index.html").read_text("utf-8")
    for text in (
        '<a href="https://rowan-ellery.example.org/cmalt/">Rowan Ellery</a>',
        "Learning Technologist, University of Eastmoor (fictional)",
        "Accessible course materials",  # a specialist area, from the member's own title
        "Associate CMALT",
        '<a href="https://alex-kim.example.org/cmalt">Alex Kim</a>',  # the plain entry
        "Open education",
        '<time datetime="2026-10-01">2026-10-01</time>',
        'Dana Whitfield (<a href="mailto:dana.whitfield@eastmoor.example.ac.uk">',
    ):
        assert text in html, text
    assert html.index("Rowan Ellery") < html.index("Priya Natarajan") < html.index("Alex Kim")


def test_progress_grid_cells_say_their_status_in_words(example_hub: Path) -> None:
    html = (example_hub / "progress" / "index.html").read_text("utf-8")
    rows = re.findall(r"<tr data-status=.*?</tr>", html, re.S)
    assert len(rows) == 4
    priya = next(r for r in rows if "Priya Natarajan" in r)
    assert '<span class="visually-hidden">1a: written</span>' in priya
    assert '<span class="visually-hidden">1c: not yet written</span>' in priya
    assert '<span class="visually-hidden">Specialist: not part of this pathway</span>' in priya
    alex = next(r for r in rows if "Alex Kim" in r)
    assert "not tracked" in alex and 'data-mentor="Ife Adeyemi"' in alex
    for symbol in ("✓", "○", "–", "?"):
        assert f'<span class="cell-symbol" aria-hidden="true">{symbol}</span>' in html
    assert '<div class="grid-filter" hidden>' in html  # shown by the script only


def test_filtered_grids_work_without_javascript(example_hub: Path) -> None:
    drafting = (example_hub / "progress/status/drafting/index.html").read_text("utf-8")
    assert drafting.count('<tr data-status="drafting"') == 2
    assert '<tr data-status="awarded"' not in drafting
    mentor = (example_hub / "progress/mentor/ife-adeyemi/index.html").read_text("utf-8")
    assert "Priya Natarajan" in mentor and "Alex Kim" in mentor and "Rowan Ellery" not in mentor
    assert 'aria-current="page">Ife Adeyemi</a>' in mentor


def test_section_page_has_guidance_and_each_version(example_hub: Path) -> None:
    html = (example_hub / "sections" / "1a" / "index.html").read_text("utf-8")
    assert "What the guidance asks" in html and "options appraisal" in html
    assert '<a href="https://rowan-ellery.example.org/cmalt/1a/">Rowan Ellery</a>' in html
    listed = html.split('<ul class="versions"')[1].split("</ul>")[0]
    versions = re.findall(r"<li>\s*<a href=\"[^\"]+\">([^<]+)</a>", listed)
    assert versions == ["Rowan Ellery", "Priya Natarajan", "Morgan Okafor"]
    assert re.search(r"CMALT; written; \d+ words; 1 evidence item;", html)
    special = (example_hub / "sections" / "specialist" / "index.html").read_text("utf-8")
    assert "Rowan Ellery: Accessible course materials" in special


def test_showcase_mentors_and_events(example_hub: Path) -> None:
    showcase = (example_hub / "showcase" / "index.html").read_text("utf-8")
    assert 'awarded <time datetime="2026-09-30">' in showcase and "Alex Kim" not in showcase
    mentors = (example_hub / "mentors" / "index.html").read_text("utf-8")
    assert '<a href="mailto:sam.lee@eastmoor.example.ac.uk">Contact Sam Lee</a>' in mentors
    assert "Mentoring: " in mentors and "Morgan Okafor" in mentors
    assert (
        '<a href="../sections/1a/index.html">1a Understanding the constraints and benefits of '
        "different technologies</a>; "
    ) in mentors and "; Accessibility." in mentors
    events = (example_hub / "events" / "index.html").read_text("utf-8")
    upcoming, past = events.split("Past events")
    assert "Writing retreat" in upcoming and "Submission deadline" in upcoming
    assert "Cohort launch" in past and 'datetime="2026-09-10T14:00"' in past


# ---------------------------------------------------------------------------- ics and feed


def test_events_ics_is_strict_rfc_5545(example_hub: Path) -> None:
    data = (example_hub / "events.ics").read_bytes()
    lines = data.split(b"\r\n")
    assert lines[-1] == b"" and b"\n" not in data.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in lines)
    calendar = icalendar.Calendar.from_ical(data)
    events = calendar.walk("VEVENT")
    assert len(events) == 3 and len({str(e["UID"]) for e in events}) == 3
    by_title = {str(e["SUMMARY"]): e for e in events}
    launch = by_title["Cohort launch, with Q&A on the CMALT framework"]
    assert launch.decoded("DTSTART") == dt.datetime(2026, 9, 10, 14, 0)
    retreat = by_title["Writing retreat; bring a draft of 1a or 2a"]
    assert retreat.decoded("DTSTART") == dt.date(2026, 12, 3)
    assert retreat.decoded("DTEND") == dt.date(2026, 12, 4)  # all day
    assert str(retreat["LOCATION"]) == "Eastmoor Library, room 2"
    assert all(isinstance(e.decoded("DTSTAMP"), dt.datetime) for e in events)
    assert b"SUMMARY:Writing retreat\\; bring a draft of 1a or 2a" in data


def test_ics_escapes_and_folds_every_kind_of_text() -> None:
    assert ics.escape("a,b;c\\d\ne\r\nf") == "a\\,b\\;c\\\\d\\ne\\nf"
    line = "SUMMARY:" + "é" * 100  # two octets each: folding must not split one
    folded = ics.fold(line)
    pieces = folded.split("\r\n")
    assert all(len(p.encode()) <= 75 for p in pieces) and len(pieces) == 3
    assert "".join(p[1:] if i else p for i, p in enumerate(pieces)) == line


def test_event_text_with_special_characters_round_trips(tmp_path: Path) -> None:
    title = 'Meet; talk, "write" \\ repeat\nsecond line ' + "ü" * 60
    cohort = make_cohort(
        tmp_path / "c",
        "name: C\nevents:\n  - date: 2027-01-05\n    title: " + json.dumps(title) + "\n",
    )
    result = hub(cohort, output=tmp_path / "out")
    assert result.ok, shown(result)
    data = (tmp_path / "out" / "events.ics").read_bytes()
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))
    (event,) = icalendar.Calendar.from_ical(data).walk("VEVENT")
    assert str(event["SUMMARY"]) == title


def test_feed_is_well_formed_atom_with_listed_members_only(example_hub: Path) -> None:
    root = ET.parse(example_hub / "feed.xml").getroot()
    atom = "{http://www.w3.org/2005/Atom}"
    assert root.tag == f"{atom}feed"
    entries = root.findall(f"{atom}entry")
    assert entries and all(e.find(f"{atom}id") is not None for e in entries)
    dates = [e.findtext(f"{atom}updated") or "" for e in entries]
    assert dates == sorted(dates, reverse=True)
    titles = " ".join(e.findtext(f"{atom}title") or "" for e in entries)
    assert "Priya Natarajan: 1a" in titles and "Jo Baxter" not in titles
    assert "Rowan Ellery: Contextual statement" in titles


def test_markup_in_member_data_is_escaped_everywhere(tmp_path: Path) -> None:
    evil = "<script>alert(1)</script>&"
    cohort = make_cohort(
        tmp_path / "c",
        "name: C\nmembers:\n  - path: members/x\n  - name: "
        + json.dumps(evil)
        + "\n    pathway: cmalt\n    url: https://x.example.org/\n",
        {
            "members/x": portfolio_files(
                "Eve",
                **{
                    "1a/reflection.md": "---\nsection: 1a\ntitle: x\nupdated: 2026-05-01\n---\n"
                    "## Description\n\nI [r](evidence:ev-1a).\n\n## Reflection\n\nI.\n",
                    "portfolio.yml": PORTFOLIO_YML.replace("Sam Tester", "Eve <b>bold</b>"),
                },
            )
        },
    )
    result = hub(cohort, output=tmp_path / "out")
    assert result.ok, shown(result)
    for name, data in every_file(tmp_path / "out").items():
        assert b"<script>alert" not in data and b"<b>bold" not in data, name
    assert (
        "&lt;script&gt;alert(1)&lt;/script&gt;&amp;"
        in (tmp_path / "out" / "index.html").read_text()
    )
    ET.parse(tmp_path / "out" / "feed.xml")  # still well-formed


# ---------------------------------------------------------------------------- members


def test_unlisted_member_only_in_cohort_check(two: Path, tmp_path: Path) -> None:
    result = hub(two, output=tmp_path / "out")
    assert result.ok and result.listed == 1 and len(result.members) == 2, shown(result)
    files = every_file(tmp_path / "out")
    assert [n for n, d in files.items() if b"zqhidden" in d] == []
    assert b"ann zqlisted" in files["index.html"]
    code, out = _run("cohort", "check", str(two))
    assert code == 0 and "Bob Zqhidden" in out and re.search(r"Bob Zqhidden\s+local\s+no", out)


def test_local_member_with_errors_is_a_located_warning_and_still_listed(
    two: Path, tmp_path: Path
) -> None:
    write_files(two / "members/ann", {"1a/evidence.yml": None})  # 1a cites a missing item
    result = hub(two, output=tmp_path / "out")
    assert result.ok, shown(result)
    (warning,) = shown(result)
    assert warning.startswith(
        "cohort.yml:7:5: warning cohort-member-problem [members[0]]: the portfolio of "
        "Ann Zqlisted (members/ann) has "
    )
    assert "the first is at members/ann/1a/reflection.md:1:1: section 1a has no evidence" in warning
    assert "Ann Zqlisted" in (tmp_path / "out" / "index.html").read_text()
    strict = hub(two, output=tmp_path / "strict", strict=True)
    assert not strict.ok and not (tmp_path / "strict").exists()


def test_unreadable_local_member_is_listed_by_its_folder(two: Path, tmp_path: Path) -> None:
    write_files(two / "members/ann", {"portfolio.yml": "pathway: [unclosed\n"})
    result = hub(two, output=tmp_path / "out")
    assert result.ok
    (warning,) = shown(result)
    assert "cohort-member-problem" in warning
    assert "the first is at members/ann/portfolio.yml:1:10:" in warning
    assert ">ann</th>" in (tmp_path / "out" / "index.html").read_text()


def test_local_members_are_read_not_built(two: Path, tmp_path: Path) -> None:
    hub(two, output=tmp_path / "out")
    assert not (two / "members/ann/_site").exists() and not (two / "members/bob/_site").exists()


# ---------------------------------------------------------------------------- cohort.yml


MENTORS = ("李 明", "—", "–", "bda05058", "Straße")  # bda05058: what "—" once became


def test_mentors_named_without_latin_letters_have_their_own_pages_and_links(
    tmp_path: Path,
) -> None:
    """Each mentor's page is where the progress grid and the mentors page link: one rule
    makes both the address and the check that two mentors are the same."""
    listed = "".join(f"  - name: {json.dumps(name)}\n" for name in MENTORS)
    members = "".join(
        f"  - path: members/m{i}\n    mentor: {json.dumps(name)}\n"
        for i, name in enumerate(MENTORS)
    )
    root = make_cohort(
        tmp_path / "c",
        f"name: C\nmentors:\n{listed}members:\n{members}",
        {f"members/m{i}": portfolio_files(f"Member Zq{i}") for i in range(len(MENTORS))},
    )
    result = hub(root)
    assert result.ok and result.written, shown(result)
    site = result.output
    assert broken_links(site) == []
    grid = (site / "progress" / "index.html").read_text("utf-8")
    mentors = (site / "mentors" / "index.html").read_text("utf-8")
    pages = sorted(p.parent.name for p in (site / "progress" / "mentor").glob("*/index.html"))
    assert len(pages) == len(MENTORS)
    for i, name in enumerate(MENTORS):
        key = mentor_key(name)
        page = (site / "progress" / "mentor" / key / "index.html").read_text("utf-8")
        assert f"mentored by {html.escape(name)}" in page and f"Member Zq{i}" in page
        assert f'href="mentor/{quote(key)}/index.html"' in grid
        assert f'id="mentor-{key}"' in mentors
    assert mentor_key("李 明") == "李-明" and mentor_key("Straße") == "strasse"
    assert mentor_key("—") != mentor_key("–") and mentor_key("—").startswith("mentor-")
    # names one address would serve are one mentor, listed twice
    twice = located(tmp_path / "twice", "name: C\nmentors:\n  - name: Straße\n  - name: STRASSE\n")
    assert twice == [
        "cohort.yml:4:11: error cohort-duplicate-mentor [mentors[1].name]: 'STRASSE' is already "
        "listed as mentor 1\n    hint: list each mentor once; names that differ only in case "
        "or punctuation count as the same"
    ]


def located(
    tmp_path: Path, cohort_yml: str, **members: Mapping[str, str | bytes | None]
) -> list[str]:
    root = make_cohort(tmp_path / "c", cohort_yml, {f"members/{k}": v for k, v in members.items()})
    result = hub(root, write=False)
    return shown(result)


ANN = portfolio_files("Ann")


@pytest.mark.parametrize(
    ("cohort_yml", "expected"),
    [
        (
            "name: C\nmentors: [{name: Sam Lee}]\nmembers:\n  - path: members/ann\n"
            "    mentor: Sam Le\n",
            "cohort.yml:5:13: warning cohort-unknown-mentor [members[0].mentor]: 'Sam Le' is "
            "not one of the mentors (did you mean 'Sam Lee'?)",
        ),
        (
            "name: C\nmembers:\n  - path: members/ann\n  - path: ./members/ann/\n",
            "cohort.yml:4:5: error cohort-duplicate-member [members[1]]: this member is already "
            "listed as member 1",
        ),
        (
            "name: C\nmembers:\n  - url: https://a.example.org/cmalt/\n"
            "  - url: https://A.example.org/cmalt\n",
            "cohort.yml:4:5: error cohort-duplicate-member [members[1]]",
        ),
        (
            "name: C\nmembers:\n  - {name: Alex Kim, pathway: cmalt}\n"
            "  - {name: alex  kim, pathway: senior}\n",
            "cohort.yml:4:5: error cohort-duplicate-member [members[1]]",
        ),
        (
            "name: C\nmembers:\n  - path: members/ann\n    awarded: 2026-13-01\n",
            "cohort.yml:4:14: error invalid-date: '2026-13-01' is not a real date",
        ),
        (
            "name: C\nmembers:\n  - path: members/ann\n    awarded: 2027-01-01\n",
            "cohort.yml:4:14: error future-date [members[0].awarded]",
        ),
        (
            "name: C\nevents:\n  - {date: 2027-02-30, title: Retreat}\n",
            "cohort.yml:3:12: error invalid-date: '2027-02-30' is not a real date",
        ),
        (
            "name: C\nevents:\n  - {date: next week, title: Retreat}\n",
            "cohort.yml:3:12: error invalid-date [events[0].date]: 'next week' is not a date "
            "cmaltgen understands",
        ),
        (
            "name: C\nevents:\n  - {date: 2027-02-03, time: '25:00', title: Retreat}\n",
            "cohort.yml:3:30: error invalid-value [events[0].time]: '25:00' is not allowed",
        ),
        (
            "name: C\nmembers:\n  - path: members/ann\n    status: submited\n",
            "cohort.yml:4:13: error invalid-value [members[0].status]: 'submited' is not one of "
            "the choices (did you mean 'submitted'?)",
        ),
        (
            "name: C\nmembers:\n  - mentor: Sam Lee\n    listed: false\n",
            "cohort.yml:3:5: error cohort-member-kind [members[0]]: this member has no path, url "
            "or name",
        ),
        (
            "name: C\nmembers:\n  - {name: Alex Kim, url: 'https://alex.example.org/'}\n",
            "cohort.yml:3:5: error cohort-member-kind [members[0]]: the plain entry for Alex Kim "
            "needs pathway:",
        ),
        (
            "name: C\nmembers:\n  - {path: members/ann, name: Ann, pathway: cmalt}\n",
            "cohort.yml:3:5: error cohort-member-kind [members[0]]: a path: member's details "
            "come from its portfolio, so name, pathway cannot be set here",
        ),
        (
            "name: C\nmembers:\n  - path: ../outside\n",
            "cohort.yml:3:11: error cohort-path-outside [members[0].path]: '../outside' leads "
            "outside the cohort folder",
        ),
        (
            "name: C\nmembers:\n  - path: members/../../outside\n",
            "cohort.yml:3:11: error cohort-path-outside [members[0].path]",
        ),
        (
            "name: C\nmembers:\n  - path: /etc\n",
            "cohort.yml:3:11: error cohort-path-outside [members[0].path]",
        ),
        (
            "name: C\nmembers:\n  - path: members/nobody\n",
            "cohort.yml:3:11: error cohort-member-missing [members[0].path]: there is no folder "
            "'members/nobody'",
        ),
        (
            "name: C\nmembers:\n  - url: ftp://a.example.org/\n",
            "cohort.yml:3:10: error invalid-url [members[0].url]",
        ),
        (
            "name: C\nmentors:\n  - {name: Sam, contact: 'sam at example'}\n",
            "cohort.yml:3:26: error invalid-value [mentors[0].contact]",
        ),
        (
            "name: C\nmentors:\n  - name: Sam Lee\n  - name: sam  lee.\n",
            "cohort.yml:4:11: error cohort-duplicate-mentor [mentors[1].name]: 'sam  lee.' is "
            "already listed as mentor 1",
        ),
        (
            "name: C\nmembrs: []\n",
            "cohort.yml:2:1: warning unknown-key [membrs]: 'membrs' is not a setting cmaltgen "
            "knows here, so it is ignored (did you mean 'members'?)",
        ),
        ("institutions: [A]\n", "cohort.yml:1:1: error missing-key: 'name' is required"),
        (
            "name: C\nsite:\n  theme: fancy\n",
            "cohort.yml:3:10: error theme-missing [site.theme]: there is no theme 'fancy'",
        ),
        ("name: C\nmembers: [unclosed\n", "cohort.yml:2:10: error yaml-syntax"),
        (  # the template's 'mentors: []' kept while its example lines are uncommented
            "name: C\nmentors: []\n# - name: Sam Lee\n  - name: Sam Lee\n",
            "cohort.yml:2:10: error yaml-syntax",  # at the [] to delete (the hint says so)
        ),
        (
            "name: C\nmembers:\n  - path: members/ann\n    listed: no\n",
            "",  # a YAML yes/no is a proper false: no problem at all
        ),
    ],
)
def test_every_cohort_yml_rule_is_located(tmp_path: Path, cohort_yml: str, expected: str) -> None:
    found = located(tmp_path, cohort_yml, ann=ANN)
    if not expected:
        assert found == []
        return
    assert any(line.startswith(expected) for line in found), found


def test_path_through_a_symlink_out_of_the_cohort_is_refused(tmp_path: Path) -> None:
    outside = write_files(tmp_path / "elsewhere", ANN)
    root = make_cohort(tmp_path / "c", "name: C\nmembers:\n  - path: members/link\n")
    (root / "members").mkdir()
    (root / "members" / "link").symlink_to(outside, target_is_directory=True)
    assert any("cohort-path-outside" in line for line in shown(hub(root, write=False)))


def test_missing_cohort_yml_is_a_located_error(tmp_path: Path) -> None:
    tmp_path.joinpath("empty").mkdir()
    code, out = _run("cohort", "build", str(tmp_path / "empty"))
    assert code == 1 and "error file-missing: there is no cohort.yml in this folder" in out


def test_the_other_kind_of_folder_is_named_with_the_command_for_it(
    tmp_portfolio: PortfolioFactory, tmp_path: Path
) -> None:
    portfolio = tmp_portfolio()
    code, out = _run("cohort", "build", str(portfolio))
    assert code == 1 and "hint: this folder is a portfolio (it has portfolio.yml): use " in out
    hub_dir = make_cohort(tmp_path / "hub", "name: C\n")
    code, out = _run("check", str(hub_dir))
    assert code == 1 and "hint: this folder is a cohort hub (it has cohort.yml): use " in out
    assert "missing-section" not in out, out  # no portfolio.yml is the whole story


# ---------------------------------------------------------------------------- remote


@contextlib.contextmanager
def static_server(root: Path) -> Iterator[str]:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            """Quiet."""

    handler = functools.partial(Quiet, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(POLL,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/cmalt/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_url_member_is_read_from_its_portfolio_json_then_from_the_cache(tmp_path: Path) -> None:
    site = tmp_path / "web" / "cmalt"
    from tests.conftest import run_build

    portfolio = write_files(tmp_path / "remote-portfolio", portfolio_files("Rita Remote"))
    assert run_build(portfolio, output=site).ok
    with static_server(tmp_path / "web") as url:
        root = make_cohort(tmp_path / "c", f"name: C\nmembers:\n  - url: {url}\n    mentor: X\n")
        result = hub(root, output=tmp_path / "out")
        assert [d.code for d in result.diagnostics] == ["cohort-unknown-mentor"]
        section = (tmp_path / "out" / "sections" / "1a" / "index.html").read_text()
        assert f'<a href="{url}1a/">Rita Remote</a>' in section
    # The site is gone: the hub is still built, from the cached copy, marked stale.
    again = hub(root, output=tmp_path / "out")
    assert again.ok
    stale = [line for line in shown(again) if "cohort-member-stale" in line]
    assert len(stale) == 1 and f"the portfolio at {url} could not be read" in stale[0]
    assert "Rita Remote" in (tmp_path / "out" / "index.html").read_text()
    assert "(stale: last read" in (tmp_path / "out" / "index.html").read_text()
    assert (root / CACHE_DIR).is_dir()


# ---------------------------------------------------------------------------- the commands


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output, result.output
    return result.exit_code, result.output


def test_cohort_new_writes_a_hub_that_builds(tmp_path: Path) -> None:
    code, out = _run("cohort", "new", str(tmp_path / "hub"))
    assert code == 0 and "Created a cohort hub" in out
    for rel in ("cohort.yml", "README.md", ".gitignore", ".github/workflows/pages.yml"):
        assert (tmp_path / "hub" / rel).is_file(), rel
    workflow = yaml.safe_load((tmp_path / "hub/.github/workflows/pages.yml").read_text())
    steps = workflow["jobs"]["build"]["steps"]
    assert any(s.get("run") == "cmaltgen cohort build . --strict -o _site" for s in steps)
    assert steps[0]["with"]["submodules"] == "recursive"  # with fetch-depth: 0 for tags
    code, out = _run("cohort", "build", str(tmp_path / "hub"), "--strict")
    assert code == 0 and "Built the hub for 0 listed members" in out
    code, out = _run("cohort", "new", str(tmp_path / "hub"))
    assert code == 1 and "already exists" in out


def test_cohort_build_command_and_exit_codes(two: Path, tmp_path: Path) -> None:
    code, out = _run("cohort", "build", str(two), "-o", str(tmp_path / "site"))
    assert code == 0 and "Built the hub for 1 listed member (2 in all)" in out
    (two / "cohort.yml").write_text(TWO.replace("mentor: Sam Lee", "mentor: Sam"), "utf-8")
    code, out = _run("cohort", "build", str(two), "-o", str(tmp_path / "site"))
    assert code == 0 and "warning cohort-unknown-mentor" in out
    before = (tmp_path / "site" / "index.html").read_bytes()
    code, out = _run("cohort", "build", str(two), "-o", str(tmp_path / "site"), "--strict")
    assert code == 1 and "Build failed: 0 errors, 1 warning (--strict)" in out
    (two / "cohort.yml").write_text(TWO + "  - path: ../x\n", "utf-8")
    code, out = _run("cohort", "build", str(two), "-o", str(tmp_path / "site"))
    assert code == 1 and "error cohort-path-outside" in out
    assert (tmp_path / "site" / "index.html").read_bytes() == before  # the last good hub


def test_cohort_build_default_output_and_refused_outputs(two: Path) -> None:
    code, _ = _run("cohort", "build", str(two))
    assert code == 0 and (two / "_site" / "index.html").is_file()
    code, out = _run("cohort", "build", str(two), "-o", str(two / "members"))
    assert code == 1 and "output-location" in out
    assert (two / "members" / "ann" / "portfolio.yml").is_file()


def test_cohort_check_table_and_json(two: Path) -> None:
    code, out = _run("cohort", "check", str(two))
    assert code == 0
    assert re.search(r"Ann Zqlisted\s+local\s+yes\s+drafting\s+\d+/\d+\s+Sam Lee", out), out
    code, out = _run("cohort", "check", str(two), "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["cohort"] == "Test cohort" and data["errors"] == 0
    assert [(m["name"], m["listed"], m["mentor"]) for m in data["members"]] == [
        ("Ann Zqlisted", True, "Sam Lee"),
        ("Bob Zqhidden", False, "Ife Adeyemi"),
    ]
    assert {s["status"] for s in data["members"][0]["sections"]} <= {"written", "stub"}
    (two / "cohort.yml").write_text("name: [\n", "utf-8")
    code, out = _run("cohort", "check", str(two), "--format", "json")
    assert code == 1 and json.loads(out)["diagnostics"][0]["code"] == "yaml-syntax"


@pytest.mark.parametrize("kind", ["cohort", "manifest"])
def test_schema_command_prints_the_committed_schema(kind: str) -> None:
    code, out = _run("schema", kind)
    committed = json.loads((REPO / "schemas" / f"{kind}.schema.json").read_text("utf-8"))
    assert code == 0 and json.loads(out) == committed


def test_cohort_schema_accepts_the_example(tmp_path: Path) -> None:
    import jsonschema

    schema = json.loads((REPO / "schemas" / "cohort.schema.json").read_text("utf-8"))
    data = yaml.safe_load((EXAMPLE_COHORT / "cohort.yml").read_text("utf-8"))
    data = json.loads(json.dumps(data, default=str))  # dates as the strings an editor sees
    jsonschema.Draft202012Validator(schema).validate(data)


@pytest.mark.slow("serve")
def test_serve_previews_a_cohort_folder_and_reloads_on_change(tmp_path: Path) -> None:
    from tests.test_serve import fetch, serving, wait_for

    root = tmp_path / "cohort"
    shutil.copytree(EXAMPLE_COHORT, root, ignore=shutil.ignore_patterns("_site"))
    with serving(root) as (_, port):
        code, _, body = fetch(port, "/cmalt-2026/")
        assert code == 200 and "Rowan Ellery" in body and "Jo Baxter" not in body
        code, _, body = fetch(port, "/cmalt-2026/sections/1a/")
        assert code == 200 and "How members wrote it" in body
        code, _, body = fetch(port, "/__cmaltgen/progress")  # the coordinator's table
        assert code == 200 and re.search(r"Jo Baxter\s+local\s+no\s+drafting", body)
        config = root / "cohort.yml"
        config.write_text(config.read_text().replace("name: Alex Kim", "name: Alexa Kim"))
        wait_for(lambda: "Alexa Kim" in fetch(port, "/cmalt-2026/")[2], what="the rebuild")
        config.write_text(config.read_text() + "  - path: ../escape\n")
        wait_for(
            lambda: "cohort-path-outside" in fetch(port, "/cmalt-2026/")[2],
            what="the error overlay",
        )


@pytest.mark.parametrize(
    "command", [["cohort"], ["cohort", "new"], ["cohort", "build"], ["cohort", "check"]]
)
def test_every_cohort_command_has_help_with_examples(command: list[str]) -> None:
    code, out = _run(*command, "--help")
    assert code == 0 and "Examples:" in out


def test_cohort_build_prints_the_summary_on_stdout_and_problems_on_stderr(two: Path) -> None:
    (two / "cohort.yml").write_text(TWO.replace("mentor: Sam Lee", "mentor: Sam"), "utf-8")
    result = CliRunner().invoke(main, ["cohort", "build", str(two)])
    assert result.exit_code == 0
    assert result.stdout.startswith("Built the hub for 1 listed member (2 in all), ")
    assert "warning cohort-unknown-mentor" in result.stderr and "Built" not in result.stderr


def test_url_member_with_a_manifest_of_another_version_is_a_warning(tmp_path: Path) -> None:
    web = tmp_path / "web" / "cmalt"
    web.mkdir(parents=True)
    (web / "portfolio.json").write_text(json.dumps({"manifest": 2, "candidate": {}}), "utf-8")
    with static_server(tmp_path / "web") as url:
        root = make_cohort(tmp_path / "c", f"name: C\nmembers:\n  - url: {url}\n")
        result = hub(root, output=tmp_path / "out")
    assert result.ok
    (warning,) = shown(result)
    assert warning.startswith(
        f"cohort.yml:3:5: warning cohort-member-stale [members[0]]: the portfolio at {url} "
        "could not be read (portfolio.json is manifest version 2, but this cmaltgen reads "
        "version 1: update cmaltgen (pip install -U cmaltgen))"
    )
    assert f'<a href="{url}">{url}</a>' in (tmp_path / "out" / "index.html").read_text()


def test_a_path_member_may_say_where_it_is_published(two: Path, tmp_path: Path) -> None:
    text = TWO.replace(
        "  - path: members/ann\n", "  - path: members/ann\n    url: https://ann.example.org/\n"
    )
    (two / "cohort.yml").write_text(text, "utf-8")
    result = hub(two, output=tmp_path / "out")
    assert result.ok, shown(result)
    section = (tmp_path / "out" / "sections" / "1a" / "index.html").read_text()
    assert '<a href="https://ann.example.org/1a/">Ann Zqlisted</a>' in section


@pytest.mark.parametrize(
    ("epoch", "stamp"),
    [("1700000000", b"DTSTAMP:20231114T221320Z"), ("²", None), ("-5", None), ("soon", None)],
)
def test_source_date_epoch_fixes_the_calendar_stamp_and_odd_values_are_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, epoch: str, stamp: bytes | None
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    cohort = make_cohort(
        tmp_path / "c", "name: C\nevents:\n  - date: 2027-01-05\n    title: Meet\n"
    )
    result = hub(cohort, output=tmp_path / "out")
    assert result.ok, shown(result)
    data = (tmp_path / "out" / "events.ics").read_bytes()
    expected = stamp or f"DTSTAMP:{dt.datetime.now(dt.timezone.utc):%Y%m%d}T".encode()
    assert expected in data
