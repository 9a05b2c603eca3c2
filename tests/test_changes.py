"""Resubmission: submissions in portfolio.yml and the bundle's change page, made from real git
repositories built in temporary folders (init, commit, tag, edit), bundled, unzipped and read."""

from __future__ import annotations

import hashlib
import html as htmllib
import json
import os
import re
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner, Result

from cmaltgen.build import build
from cmaltgen.cli import main
from cmaltgen.diagnostics import Diagnostics
from cmaltgen.output.bundle import BundleResult, bundle
from cmaltgen.read import history
from cmaltgen.site import changes, render, theme, word_diff
from cmaltgen.site.word_diff import Block
from tests.conftest import (
    EXAMPLE,
    REPO,
    RUN_BUILD_TEMPLATES,
    TODAY,
    NuChecker,
    PortfolioFactory,
    formatted,
    reflection,
    run_build,
    valid_files,
    write_files,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser

OLD_DATE = "2026-06-01T12:00:00+00:00"
NEW_DATE = "2026-07-15T12:00:00+00:00"
EXAMPLE_BASE = "7bd6e118e7b9ba771fd9a65f7f80b8f4883e9a08"

SUBMITTED = """\
submissions:
  - date: 2026-06-20
    type: first
    outcome: referral-minor
"""


# ---------------------------------------------------------------------------- helpers


def git(cwd: Path, *args: str, when: str = NEW_DATE) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_DATE": when,
        "GIT_AUTHOR_NAME": "Sam Tester",
        "GIT_AUTHOR_EMAIL": "sam@example.org",
        "GIT_COMMITTER_NAME": "Sam Tester",
        "GIT_COMMITTER_EMAIL": "sam@example.org",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    proc = subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def submitted_repo(top: Path, folder: str = "", extra: str = "") -> Path:
    """A repository whose first commit (1 June 2026, tagged ``submitted``) is a valid
    portfolio in ``top/folder``; returns the portfolio folder. Each one is a copy of its own
    of a repository made once per test run (with the same git commands) for that folder and
    extra text."""
    seed = _SEEDS.get((folder, extra))
    if seed is None:
        seed = _SEEDS[folder, extra] = _seed_home() / f"seed-{len(_SEEDS)}"
        root = seed / folder if folder else seed
        root.mkdir(parents=True)
        files = valid_files()
        files["portfolio.yml"] += extra
        write_files(root, files)
        git(seed, "init", "-q", "-b", "main")
        git(seed, "add", "-A")
        git(seed, "commit", "-q", "-m", "As submitted", when=OLD_DATE)
        git(seed, "tag", "submitted")
    shutil.copytree(seed, top, symlinks=True, dirs_exist_ok=True)
    return top / folder if folder else top


_SEEDS: dict[tuple[str, str], Path] = {}  # (folder, extra) -> the repository to copy
_SEED_HOME: list[Path] = []


def _seed_home() -> Path:
    if not _SEED_HOME:
        raise RuntimeError("submitted_repo needs the _submitted_seeds fixture")
    return _SEED_HOME[0]


@pytest.fixture(scope="session", autouse=True)
def _submitted_seeds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """A folder for submitted_repo's repositories, made at most once each per test run."""
    _SEED_HOME[:] = [tmp_path_factory.mktemp("submitted-seeds")]
    yield
    _SEEDS.clear()
    _SEED_HOME.clear()


def body(description: str, reflection_text: str, section: str = "1a") -> str:
    return (
        f"## Description\n\n{description} [the report](evidence:ev-{section}).\n\n"
        f"## Reflection\n\n{reflection_text}\n"
    )


def revise(root: Path, commit: bool = True) -> None:
    """Change 1a's reflection: two words replaced, a clause and a new paragraph added."""
    text = body(
        "I led the work and cited",
        "I learned a little from it, and changed my plans.\n\nNext year I will ask students first.",
    )
    write_files(root, {"1a/reflection.md": reflection("1a", body=text)})
    if commit:
        top = Path(git(root, "rev-parse", "--show-toplevel"))
        git(top, "add", "-A")
        git(top, "commit", "-q", "-m", "Revised after feedback")


def make_bundle(root: Path, out: Path, since: str | None = None) -> BundleResult:
    return bundle(root, out / "b.zip", today=TODAY, since=since, templates=RUN_BUILD_TEMPLATES)


def change_page(result: BundleResult) -> str | None:
    assert result.written, [d.format() for d in result.diagnostics]
    with zipfile.ZipFile(result.path) as archive:
        names = archive.namelist()
        wanted = [n for n in names if n.endswith("/" + changes.CHANGES_PAGE)]
        return archive.read(wanted[0]).decode("utf-8") if wanted else None


def _words(fragment: str) -> str:
    """What a sighted reader sees: hidden words and the +/− signs left out."""
    fragment = re.sub(r'<span class="visually-hidden">[^<]*</span>', "", fragment)
    fragment = re.sub(r'<span class="diff-sign" aria-hidden="true">[^<]*</span>', "", fragment)
    return htmllib.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()


def marked(page: str, section: str) -> tuple[list[str], list[str]]:
    """The added and the removed runs of words shown for ``section``, in order."""
    found = re.search(rf'<section [^>]*id="changes-{section}".*?</section>', page, re.S)
    assert found, f"no part for {section}"
    part = found.group(0)
    added = [_words(m) for m in re.findall(r"<ins[^>]*>(.*?)</ins>", part, re.S)]
    removed = [_words(m) for m in re.findall(r"<del[^>]*>(.*?)</del>", part, re.S)]
    return added, removed


def summary(page: str, section: str) -> list[str]:
    row = re.search(rf'<tr><th scope="row"><a href="#changes-{section}">.*?</tr>', page)
    assert row, section
    return re.findall(r"<td>([^<]*)</td>", row.group(0))


EXPECTED_1A = (
    ["little", "it, and changed my plans.", "+¶", "Next year I will ask students first."],
    ["great deal", "it."],
)


# ---------------------------------------------------------------- --since tag, commit, date


def test_since_a_tag_names_the_exact_words_added_and_removed(tmp_path: Path) -> None:
    root = submitted_repo(tmp_path / "repo")
    revise(root)
    page = change_page(make_bundle(root, tmp_path, since="submitted"))
    assert page is not None
    assert marked(page, "1a") == EXPECTED_1A
    assert summary(page, "1a") == ["changed", "13", "3", "14"]
    assert summary(page, "1b") == ["unchanged", "0", "0", "17"]
    assert marked(page, "1b") == ([], [])
    assert "the tag submitted" in page and "1 June 2026" in page
    # named for screen readers, and never colour alone: a sign and underline/strike-through
    assert '<span class="visually-hidden">added: </span>little' in page
    assert '<span class="visually-hidden">removed: </span>great deal' in page
    assert '<span class="diff-sign" aria-hidden="true">+</span>' in page
    assert "Under “Reflection”:" in page


def test_since_a_commit_and_since_a_date_give_the_same_comparison(tmp_path: Path) -> None:
    root = submitted_repo(tmp_path / "repo")
    first = git(root, "rev-parse", "HEAD")
    revise(root)
    by_commit = change_page(make_bundle(root, tmp_path / "c", since=first[:10]))
    by_date = change_page(make_bundle(root, tmp_path / "d", since="2026-06-30"))
    by_month = change_page(make_bundle(root, tmp_path / "m", since="2026-06"))
    for page in (by_commit, by_date, by_month):
        assert page is not None and marked(page, "1a") == EXPECTED_1A
    assert by_commit is not None and f"the commit {first[:10]}" in by_commit
    assert by_date is not None and "the last commit on or before 30 June 2026" in by_date
    # a date after the revision: nothing changed since then
    after = change_page(make_bundle(root, tmp_path / "a", since="2026-07-20"))
    assert after is not None and summary(after, "1a") == ["unchanged", "0", "0", "27"]


def test_uncommitted_edits_are_compared_too(tmp_path: Path) -> None:
    root = submitted_repo(tmp_path / "repo")
    revise(root, commit=False)
    page = change_page(make_bundle(root, tmp_path, since="submitted"))
    assert page is not None and marked(page, "1a") == EXPECTED_1A


def test_default_is_the_referred_submission_date_or_its_ref(tmp_path: Path) -> None:
    root = submitted_repo(tmp_path / "repo")
    revise(root)
    # no submissions: no change page, and no message about it
    result = make_bundle(root, tmp_path / "none")
    assert change_page(result) is None and result.build.notes == []
    # the latest submission was referred: compared with that submission's date
    write_files(root, {"portfolio.yml": valid_files()["portfolio.yml"] + SUBMITTED})
    page = change_page(make_bundle(root, tmp_path / "date"))
    assert page is not None and marked(page, "1a") == EXPECTED_1A
    assert "on or before 20 June 2026" in page
    # a resubmission listed after it: compared with the submission before, by its ref
    resubmitted = SUBMITTED + "    ref: submitted\n  - date: 2026-07-20\n    type: resubmission\n"
    write_files(root, {"portfolio.yml": valid_files()["portfolio.yml"] + resubmitted})
    page = change_page(make_bundle(root, tmp_path / "ref"))
    assert page is not None and marked(page, "1a") == EXPECTED_1A and "the tag submitted" in page
    # the resubmission was referred again: the next one is compared with it
    again = resubmitted.replace("2026-07-20", "2026-07-10") + "    outcome: referral-major\n"
    write_files(root, {"portfolio.yml": valid_files()["portfolio.yml"] + again})
    page = change_page(make_bundle(root, tmp_path / "again"))
    assert page is not None and marked(page, "1a") == EXPECTED_1A
    assert "on or before 10 July 2026" in page
    # passed: not a resubmission any more, so no change page unless asked for
    passed = SUBMITTED.replace("referral-minor", "pass")
    write_files(root, {"portfolio.yml": valid_files()["portfolio.yml"] + passed})
    assert change_page(make_bundle(root, tmp_path / "pass")) is None


def test_home_page_links_to_the_change_page(tmp_path: Path) -> None:
    root = submitted_repo(tmp_path / "repo")
    revise(root)
    result = make_bundle(root, tmp_path, since="submitted")
    with zipfile.ZipFile(result.path) as archive:
        home = archive.read("b/index.html").decode("utf-8")
    assert '<a href="changes/index.html">Changes since the last submission</a>' in home


# ----------------------------------------------------- where the portfolio is and moves


def test_a_portfolio_in_a_subfolder_of_the_repository(tmp_path: Path) -> None:
    top = tmp_path / "repo"
    root = submitted_repo(top, "cmalt files/portfólio")
    write_files(top, {"README.md": "notes\n", "other/reflection.md": "not a section\n"})
    revise(root)
    page = change_page(make_bundle(root, tmp_path, since="submitted"))
    assert page is not None and marked(page, "1a") == EXPECTED_1A
    assert summary(page, "2a") == ["unchanged", "0", "0", "17"]


def test_a_renamed_section_folder_is_matched_by_its_section_id(tmp_path: Path) -> None:
    root = submitted_repo(tmp_path / "repo")
    git(root, "mv", "1a", "1a-constraints")
    git(root, "commit", "-q", "-m", "Rename")
    text = body("I led the work and cited", "I learned a great deal from it, again.")
    write_files(root, {"1a-constraints/reflection.md": reflection("1a", body=text)})
    page = change_page(make_bundle(root, tmp_path, since="submitted"))
    assert page is not None
    assert summary(page, "1a")[0] == "changed"
    assert marked(page, "1a") == (["it, again."], ["it."])


def test_a_portfolio_folder_moved_since_the_submission_is_found_where_it_was(
    tmp_path: Path,
) -> None:
    """git mv of the whole folder: compared with the folder it was in, not shown all new."""
    top = tmp_path / "repo"
    submitted_repo(top, "portfolio")
    git(top, "mv", "portfolio", "cmalt 2026")
    git(top, "commit", "-q", "-m", "Moved")
    root = top / "cmalt 2026"
    revise(root)
    page = change_page(make_bundle(root, tmp_path, since="submitted"))
    assert page is not None and marked(page, "1a") == EXPECTED_1A
    assert summary(page, "2a") == ["unchanged", "0", "0", "17"]
    assert "when the portfolio was in the folder <code>portfolio</code>" in page
    # two portfolios then: the one git sees renamed to this folder is the one compared
    write_files(top, {"other/portfolio.yml": valid_files()["portfolio.yml"]})
    git(top, "add", "-A")
    git(top, "commit", "-q", "-m", "A second portfolio")
    git(top, "tag", "two")
    git(top, "mv", "cmalt 2026", "cmalt")
    git(top, "commit", "-q", "-m", "Moved again")
    snapshot = history.read_at(top / "cmalt", "two", TODAY)
    assert snapshot.folder == "cmalt 2026" and "1a/reflection.md" in snapshot.files


def test_a_base_without_the_portfolio_is_a_located_warning_not_all_new(tmp_path: Path) -> None:
    top = tmp_path / "repo"
    write_files(top, {"README.md": "My CMALT notes\n"})
    git(top, "init", "-q", "-b", "main")
    git(top, "add", "-A")
    git(top, "commit", "-q", "-m", "Notes", when=OLD_DATE)
    git(top, "tag", "notes")
    root = top / "portfolio"
    write_files(root, valid_files())
    asked = make_bundle(root, tmp_path, since="notes")
    (diag,) = asked.diagnostics
    assert not asked.written and diag.code == "no-history" and diag.key == "--since"
    assert diag.message == (
        "there was no portfolio.yml in the folder 'portfolio' at the tag notes (commit "
        f"{git(top, 'rev-parse', '--short', 'notes')} of 1 June 2026)"
    )


def test_a_reflection_too_large_at_the_base_is_a_located_warning(tmp_path: Path) -> None:
    """Old reflections are read from git with the same 2 MB cap as files on disk."""
    root = submitted_repo(tmp_path / "repo")
    huge = reflection("1b", body="## Description\n\n" + "Words of a pasted log. " * 100_000)
    write_files(root, {"1b/reflection.md": huge})
    git(root, "commit", "-q", "-am", "pasted the whole log by mistake")
    git(root, "tag", "huge")
    write_files(root, {"1b/reflection.md": valid_files()["1b/reflection.md"]})
    result = make_bundle(root, tmp_path, since="huge")
    page = change_page(result)
    assert page is not None and summary(page, "1b") == ["not compared", "0", "0", "0"]
    assert "Not compared: at that commit its text was larger than cmaltgen reads." in page
    assert summary(page, "1a") == ["unchanged", "0", "0", "17"]
    (diag,) = result.diagnostics
    assert diag.format(base=root).startswith(
        "1b/reflection.md:1:1: warning file-too-large: 1b/reflection.md was 2.2 MB at the tag "
        "huge (commit "
    )
    assert "more than the 2 MB cmaltgen reads, so the change page cannot compare its section" in (
        diag.message
    )
    # an evidence.yml too large then: its evidence is not listed as all added
    huge_evidence = valid_files()["2a/evidence.yml"] + "# padding\n" * 250_000
    write_files(root, {"2a/evidence.yml": huge_evidence})
    git(root, "commit", "-q", "-am", "a long comment in 2a's evidence")
    git(root, "tag", "huge-evidence")
    write_files(root, {"2a/evidence.yml": valid_files()["2a/evidence.yml"]})
    result = make_bundle(root, tmp_path / "evidence", since="huge-evidence")
    page = change_page(result)
    assert page is not None and summary(page, "2a") == ["unchanged", "0", "0", "17"]
    (diag,) = result.diagnostics
    assert diag.format(base=root).startswith("2a/evidence.yml:1:1: warning file-too-large: ")
    assert diag.message.endswith("so the change page does not list what changed in that evidence")


def test_a_reflection_rewritten_entirely_reads_as_old_then_new(tmp_path: Path) -> None:
    """Words two different texts share by chance ("I", "the") are not shown as unchanged
    islands in a rewrite; a small edit still keeps its unchanged words."""
    root = submitted_repo(tmp_path / "repo")
    old = "We ran the pilot in the spring and I wrote up what the staff said about it"
    new = "Next year the students will choose the tools, and I will support them from the start"
    text = body("I led the work and cited", f"{old} afterwards.")
    write_files(root, {"1a/reflection.md": reflection("1a", body=text)})
    git(root, "commit", "-q", "-am", "1a")
    git(root, "tag", "one")
    text = body("I led the work and cited", f"{new} of term.")
    write_files(root, {"1a/reflection.md": reflection("1a", body=text)})
    page = change_page(make_bundle(root, tmp_path, since="one"))
    assert page is not None and marked(page, "1a") == ([f"{new} of term."], [f"{old} afterwards."])
    assert summary(page, "1a") == ["changed", "18", "18", "10"]  # every word of it rewritten


def _file_item(section: str, name: str, title: str, extra: str = "") -> str:
    return (
        f"- id: {name}\n  title: {title}\n  type: document\n  date: 2025-06-01\n"
        f"  file: {name}.pdf\n  shows: That I did the work.\n{extra}"
    )


def test_evidence_changes_are_listed_per_section(tmp_path: Path) -> None:
    """Added, removed, retitled, a file with new contents and a new link are named; a file
    renamed (git mv, or deleted and added) with the same contents is not a change, nor is an
    item assessors could not see then."""
    root = submitted_repo(tmp_path / "repo")
    pdf = b"%PDF-1.4\n% the submitted report\n"
    write_files(root, {"1b/report.pdf": pdf.decode(), "2a/plan.pdf": pdf.decode()})
    write_files(root, {"2b/poster.pdf": "%PDF-1.4\n% a poster\n", "3a/old.pdf": "%PDF-1.4\n"})
    evidence_1b = valid_files()["1b/evidence.yml"] + _file_item("1b", "report", "Report")
    evidence_2a = valid_files()["2a/evidence.yml"] + _file_item("2a", "plan", "Plan")
    private = _file_item("2b", "poster", "Private poster", "  visibility: private\n")
    write_files(
        root,
        {
            "1b/evidence.yml": evidence_1b,
            "2a/evidence.yml": evidence_2a,
            "2b/evidence.yml": valid_files()["2b/evidence.yml"] + private,
            "3a/evidence.yml": valid_files()["3a/evidence.yml"] + _file_item("3a", "old", "Old"),
        },
    )
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "evidence")
    git(root, "tag", "with-evidence")
    # 1b: the report replaced by a new version, retitled; a link changed
    (root / "1b/report.pdf").write_bytes(b"%PDF-1.4\n% the revised report\n")
    evidence_1b = evidence_1b.replace("title: Report\n", "title: Revised report\n")
    evidence_1b = evidence_1b.replace("example.org/1b", "example.org/1b-v2")
    # 2a: the plan renamed with git mv, same contents; 2b: the private poster made public
    git(root, "mv", "2a/plan.pdf", "2a/plan-2025.pdf")
    evidence_2a = evidence_2a.replace("file: plan.pdf", "file: plan-2025.pdf")
    # 3a: old.pdf deleted, survey added
    (root / "3a/old.pdf").unlink()
    (root / "3a/survey.pdf").write_bytes(pdf)
    evidence_3a = valid_files()["3a/evidence.yml"] + _file_item("3a", "survey", "Survey")
    write_files(
        root,
        {
            "1b/evidence.yml": evidence_1b,
            "2a/evidence.yml": evidence_2a,
            "2b/evidence.yml": valid_files()["2b/evidence.yml"]
            + private.replace("visibility: private", "visibility: public"),
            "3a/evidence.yml": evidence_3a,
        },
    )
    result = make_bundle(root, tmp_path, since="with-evidence")
    page = change_page(result)
    assert page is not None

    def listed(section: str) -> list[str]:
        part = re.search(rf'<section [^>]*id="changes-{section}".*?</section>', page, re.S)
        assert part, section
        items = re.findall(r'<ul class="evidence-changes">(.*?)</ul>', part.group(0), re.S)
        return [_words(li) for li in re.findall(r"<li>(.*?)</li>", "".join(items), re.S)]

    with zipfile.ZipFile(result.path) as archive:
        evidence_page = archive.read("b/evidence/index.html").decode("utf-8")

    def label(item_id: str) -> str:  # the item's number in this edition, "E7"
        found = re.search(rf'id="ev-{item_id}".*?(E\d+)', evidence_page, re.S)
        assert found, item_id
        return found.group(1)

    assert summary(page, "1b") == ["evidence changed", "0", "0", "17"]
    assert "No changes to the text; its evidence changed (below)." in page
    assert listed("1b") == [
        "Retitled: E2 Report for 1b (was “Report for 1b”)"
        if False
        else f"New link: {label('ev-1b')} Report for 1b (https://example.org/1b-v2)",
        f"Retitled: {label('report')} Revised report (was “Report”)",
        f"New file: {label('report')} Revised report (report.pdf)",
    ]
    assert listed("2a") == [] and summary(page, "2a")[0] == "unchanged"
    assert listed("2b") == [f"Added: {label('poster')} Private poster"]
    assert listed("3a") == [f"Added: {label('survey')} Survey", "Removed: Old"]


def test_a_very_long_changed_passage_is_compared_in_linear_time() -> None:
    """Past word_diff.MAX_ALIGNED words, aligning every word would take minutes (its cost
    grows with the square of the length): a passage of as many paragraphs then as now is
    compared paragraph by paragraph, and a rewrite of a different length is shown as the old
    text then the new. (Speed itself is measured in benchmarks/, not here.)"""
    paragraphs = 1200  # 34,800 words then and as many now
    then = [
        Block(
            "paragraph",
            f"In week {i} the VLE quiz was used by the whole cohort of "
            + "students on the module, " * 3
            + "and I kept notes.",
        )
        for i in range(paragraphs)
    ]
    now = [Block(b.kind, b.text.replace("VLE", "Moodle")) for b in then]
    assert word_diff.words(then) + word_diff.words(now) > word_diff.MAX_ALIGNED
    passages, counts = word_diff.diff(then, now)
    shown = [s for p in passages for para in p.paragraphs for s in para]
    assert [s.text for s in shown if s.kind == "removed"] == ["VLE"] * paragraphs
    assert [s.text for s in shown if s.kind == "added"] == ["Moodle"] * paragraphs
    assert counts == (paragraphs, paragraphs, word_diff.words(then) - paragraphs)
    rewritten = [
        Block("paragraph", f"New paragraph {i} " + "about lecture capture " * 12)
        for i in range(paragraphs + 7)
    ]
    passages, counts = word_diff.diff(then, rewritten)
    shown = [s for p in passages for para in p.paragraphs for s in para]
    assert {s.kind for s in shown} == {"removed", "added", "joined", "split"}
    assert counts == (word_diff.words(rewritten), word_diff.words(then), 0)


def test_evidence_checked_out_with_windows_line_endings_or_from_git_lfs_is_unchanged(
    tmp_path: Path,
) -> None:
    """A Windows checkout (core.autocrlf) turns a text file's LF into CRLF, and Git LFS keeps a
    pointer in git for the file on disk: neither is a new file; new contents still are."""
    root = submitted_repo(tmp_path / "repo")
    video = b"\x00\x00\x00\x18ftypmp42 a short screencast" * 100
    pointer = (
        "version https://git-lfs.github.com/spec/v1\n"
        f"oid sha256:{hashlib.sha256(video).hexdigest()}\nsize {len(video)}\n"
    )
    items = _file_item("1b", "notes", "Notes").replace("notes.pdf", "notes.txt") + _file_item(
        "1b", "screencast", "Screencast"
    ).replace("screencast.pdf", "screencast.mp4").replace("type: document", "type: video")
    write_files(
        root,
        {
            "1b/evidence.yml": valid_files()["1b/evidence.yml"] + items,
            "1b/notes.txt": "Line one\nLine two\n",
            "1b/screencast.mp4": pointer,
        },
    )
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "evidence")
    git(root, "tag", "files")
    (root / "1b/notes.txt").write_bytes(b"Line one\r\nLine two\r\n")  # as checked out
    (root / "1b/screencast.mp4").write_bytes(video)  # as git lfs pull leaves it
    page = change_page(make_bundle(root, tmp_path / "same", since="files"))
    assert page is not None and summary(page, "1b") == ["unchanged", "0", "0", "17"]
    (root / "1b/notes.txt").write_bytes(b"Line one\r\nLine 2\r\n")
    (root / "1b/screencast.mp4").write_bytes(video + b"re-recorded")
    page = change_page(make_bundle(root, tmp_path / "new", since="files"))
    assert page is not None and summary(page, "1b")[0] == "evidence changed"
    assert page.count('<li><span class="response-label">New file:</span>') == 2


def test_new_and_removed_sections(tmp_path: Path) -> None:
    root = submitted_repo(tmp_path / "repo")
    new = {
        "specialist-oer/reflection.md": None,
        "specialist-oer/evidence.yml": None,
        "specialist-video/reflection.md": reflection("specialist-video"),
        "specialist-video/evidence.yml": valid_files()["specialist-oer/evidence.yml"].replace(
            "specialist-oer", "specialist-video"
        ),
    }
    write_files(root, new)
    page = change_page(make_bundle(root, tmp_path, since="submitted"))
    assert page is not None
    assert summary(page, "specialist-video") == ["new", "17", "0", "0"]
    assert summary(page, "specialist-oer") == ["removed", "0", "17", "0"]
    assert "New since the last submission (17 words)." in page
    assert "No longer in the portfolio (17 words removed)." in page


def test_drafts_and_private_sections_at_the_base_count_as_not_submitted(tmp_path: Path) -> None:
    public = valid_files()["future-plans/reflection.md"]
    private = public.replace(
        "---\nsection: future-plans\n", "---\nsection: future-plans\nvisibility: private\n"
    )
    assert private != public
    root = submitted_repo(tmp_path / "repo")
    write_files(root, {"future-plans/reflection.md": private})
    git(root, "commit", "-qam", "private plans")
    git(root, "tag", "private-plans")
    write_files(root, {"future-plans/reflection.md": public})
    page = change_page(make_bundle(root, tmp_path, since="private-plans"))
    assert page is not None and summary(page, "future-plans") == ["new", "300", "0", "0"]
    # a section made private has left the assessors' edition: listed as removed, no text
    write_files(root, {"future-plans/reflection.md": private})
    page = change_page(make_bundle(root, tmp_path / "again", since="submitted"))
    assert page is not None and summary(page, "future-plans") == ["removed", "0", "300", "0"]
    assert "I reflected on" not in page and ">Future plans</a>" in page
    # a draft at the base was not submitted either
    write_files(
        root, {"future-plans/reflection.md": public.replace("---\n", "---\ndraft: true\n", 1)}
    )
    git(root, "commit", "-qam", "draft plans")
    git(root, "tag", "draft-plans")
    write_files(root, {"future-plans/reflection.md": public})
    page = change_page(make_bundle(root, tmp_path / "draft", since="draft-plans"))
    assert page is not None and summary(page, "future-plans") == ["new", "300", "0", "0"]


def test_a_reflection_in_feedback_at_the_base_is_not_a_section(tmp_path: Path) -> None:
    """feedback/ is never a section: its files at the base are not read into the snapshot."""
    plans = valid_files()["future-plans/reflection.md"]
    root = submitted_repo(tmp_path / "repo")
    write_files(root, {"future-plans/reflection.md": None, "feedback/reflection.md": plans})
    git(root, "add", "-A")
    git(root, "commit", "-qm", "plans kept with the feedback")
    git(root, "tag", "plans-in-feedback")
    write_files(root, {"future-plans/reflection.md": plans, "feedback/reflection.md": None})
    snapshot = history.read_at(root, "plans-in-feedback", TODAY)
    assert "feedback/reflection.md" not in snapshot.files
    assert "1a/reflection.md" in snapshot.files
    page = change_page(make_bundle(root, tmp_path, since="plans-in-feedback"))
    assert page is not None and summary(page, "future-plans") == ["new", "300", "0", "0"]


# ---------------------------------------------------------------- without git, and errors


def test_no_repository_is_an_error_when_asked_and_a_located_note_otherwise(
    tmp_portfolio: PortfolioFactory, tmp_path: Path
) -> None:
    root = tmp_portfolio({"portfolio.yml": valid_files()["portfolio.yml"] + SUBMITTED})
    asked = make_bundle(root, tmp_path / "asked", since="submitted")
    assert not asked.written
    assert [d.format() for d in asked.diagnostics] == [
        "cmaltgen: error git-unavailable [--since]: the portfolio folder is not in a git "
        "repository, so there is no earlier version to compare with\n    hint: keep the "
        "portfolio in git (git init, git add -A, git commit -m 'My portfolio') and tag what "
        "you submit (git tag submitted-2026-06)"
    ]
    quiet = make_bundle(root, tmp_path / "default")
    assert quiet.written and change_page(quiet) is None and list(quiet.diagnostics) == []
    (note,) = quiet.build.notes
    line = valid_files()["portfolio.yml"].count("\n") + 2  # the submission's date
    assert re.match(rf"^.*portfolio/portfolio\.yml:{line}:11: the bundle has no change page", note)
    assert "not in a git repository" in note


def test_git_not_installed(
    tmp_path: Path, tmp_portfolio: PortfolioFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = submitted_repo(tmp_path / "repo", extra=SUBMITTED)
    empty = tmp_path / "no-programs"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))  # git really cannot be found
    result = make_bundle(root, tmp_path, since="submitted")
    (diag,) = result.diagnostics
    assert diag.code == "git-unavailable" and diag.key == "--since" and not result.written
    assert "git is not installed" in diag.message and "git-scm.com" in (diag.hint or "")
    quiet = make_bundle(root, tmp_path / "default")
    assert quiet.written and change_page(quiet) is None and list(quiet.diagnostics) == []
    (note,) = quiet.build.notes
    assert "portfolio.yml:" in note and "git is not installed" in note


def test_unknown_ref_asked_for_is_an_error_with_a_suggestion(tmp_path: Path) -> None:
    root = submitted_repo(tmp_path / "repo")
    result = make_bundle(root, tmp_path, since="submited")
    assert not result.written
    (diag,) = result.diagnostics
    assert diag.format() == (
        "cmaltgen: error unknown-revision [--since]: git does not know 'submited': it is not "
        "a tag, branch or commit in this repository (did you mean 'submitted'?)\n    hint: "
        "check the spelling (tags here: submitted); a commit can be given by the first 7 or "
        "more characters of its id (git log --oneline lists them)"
    )
    dash = make_bundle(root, tmp_path / "dash", since="--all")
    assert [d.code for d in dash.diagnostics] == ["unknown-revision"]


def test_unknown_ref_in_portfolio_yml_is_a_located_warning(tmp_path: Path) -> None:
    extra = SUBMITTED + "    ref: submitted-2026-6\n"
    root = submitted_repo(tmp_path / "repo", extra=extra)
    result = make_bundle(root, tmp_path)
    assert result.written and change_page(result) is None  # made, without the page
    line = valid_files()["portfolio.yml"].count("\n") + 5
    shown = [d.format(base=root) for d in result.diagnostics]
    assert len(shown) == 1 and shown[0].startswith(
        f"portfolio.yml:{line}:10: warning unknown-revision [submissions[0].ref]: git does not "
        "know 'submitted-2026-6': it is not a tag, branch or commit in this repository (did you "
        "mean 'submitted'?), so the bundle has no change page"
    )
    strict = bundle(root, tmp_path / "strict.zip", today=TODAY, strict=True)
    assert not strict.written
    # the public build does not look at git: the ref is checked only for the change page
    assert run_build(root, output=tmp_path / "site", strict=True).ok


def test_a_date_before_the_first_commit(tmp_path: Path) -> None:
    root = submitted_repo(tmp_path / "repo")
    asked = make_bundle(root, tmp_path, since="2026-05-31")
    assert [d.format() for d in asked.diagnostics] == [
        "cmaltgen: error no-history [--since]: there is no commit on or before 31 May 2026: "
        "the history here starts on 1 June 2026\n    hint: give a later date, or the tag or "
        "commit of what you submitted (--since, or ref: in the submission in portfolio.yml)"
    ]
    early = SUBMITTED.replace("2026-06-20", "2026-05-02")
    write_files(root, {"portfolio.yml": valid_files()["portfolio.yml"] + early})
    quiet = make_bundle(root, tmp_path / "default")
    assert quiet.written and change_page(quiet) is None
    (note,) = quiet.build.notes
    assert "portfolio.yml:" in note and "no commit on or before 2 May 2026" in note
    bad = make_bundle(root, tmp_path / "bad", since="2026-02-30")
    assert [d.message for d in bad.diagnostics] == ["'2026-02-30' is not a real date"]
    future = make_bundle(root, tmp_path / "future", since="2027-01-01")
    assert [d.code for d in future.diagnostics] == ["no-history"]


def test_a_date_is_the_day_on_the_committers_clock_not_this_machines(tmp_path: Path) -> None:
    """The base by date is the last commit whose own day (in its time zone) is on or before
    it: 00:30 on 1 July in London is 30 June in UTC but not on 30 June for the candidate."""
    root = submitted_repo(tmp_path / "repo")  # 1 June 2026
    revise(root)  # 15 July 2026
    git(root, "commit", "-q", "--allow-empty", "-m", "late", when="2026-07-01T00:30:00+01:00")
    git(root, "commit", "-q", "--allow-empty", "-m", "New York", when="2026-06-30T23:30-05:00")
    by_date = history.read_at(root, "2026-06-30", TODAY).base
    assert (by_date.subject, by_date.date.isoformat()) == ("New York", "2026-06-30")
    git(root, "commit", "-q", "--allow-empty", "-m", "Auckland", when="2026-07-01T08:00+12:00")
    assert history.read_at(root, "2026-06-30", TODAY).base.subject == "New York"
    assert history.read_at(root, "2026-07-01", TODAY).base.subject == "Auckland"
    assert history.read_at(root, "main", TODAY).base.found_by == "the branch main"
    # a date written another way is named with the way to write it
    result = make_bundle(root, tmp_path, since="30/06/2026")
    assert [d.format() for d in result.diagnostics] == [
        "cmaltgen: error unknown-revision [--since]: '30/06/2026' is not a date in the form "
        "cmaltgen reads\n    hint: write it as 2026-06-30 for 30 June 2026: dates are "
        "YYYY-MM-DD, YYYY-MM or YYYY"
    ]


def test_a_commit_message_in_latin_1_or_with_control_characters_reads_as_text(
    tmp_path: Path,
) -> None:
    root = submitted_repo(tmp_path / "repo")
    message = tmp_path / "message.txt"
    message.write_bytes("Soumis à l'ALT \x1b[31mle 30 juin\x07".encode("latin-1"))
    git(root, "commit", "-q", "--allow-empty", "--cleanup=verbatim", "-F", str(message))
    git(root, "tag", "soumis")
    revise(root)
    page = change_page(make_bundle(root, tmp_path, since="soumis"))
    assert page is not None and "(“Soumis à l&#39;ALT le 30 juin”)" in page
    assert marked(page, "1a") == EXPECTED_1A


def test_a_shallow_clone_says_to_fetch_the_history(tmp_path: Path) -> None:
    origin = submitted_repo(tmp_path / "origin")
    revise(origin)
    write_files(origin, {"portfolio.yml": valid_files()["portfolio.yml"] + SUBMITTED})
    git(origin, "commit", "-qam", "submissions")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", origin.as_uri(), str(clone))
    quiet = make_bundle(clone, tmp_path / "default")
    assert quiet.written and change_page(quiet) is None
    (note,) = quiet.build.notes
    assert "shallow clone" in note and "git fetch --unshallow" in note
    asked = make_bundle(clone, tmp_path / "asked", since="submitted")
    (diag,) = asked.diagnostics
    assert diag.code == "unknown-revision" and "git fetch --unshallow" in (diag.hint or "")
    assert "'submitted' is not in this copy of the repository" in diag.message
    git(clone, "fetch", "-q", "--unshallow", "--tags")
    page = change_page(make_bundle(clone, tmp_path / "full", since="submitted"))
    assert page is not None and marked(page, "1a") == EXPECTED_1A


def test_cli_since_and_its_errors(tmp_path: Path) -> None:
    root = submitted_repo(tmp_path / "repo")
    revise(root)

    def run(*args: str) -> Result:
        return CliRunner().invoke(main, ["bundle", str(root), *args], env={"NO_COLOR": "1"})

    good = run("-o", str(tmp_path / "ok.zip"), "--since", "submitted")
    assert good.exit_code == 0, good.stderr
    with zipfile.ZipFile(tmp_path / "ok.zip") as archive:
        assert "ok/changes/index.html" in archive.namelist()
    bad = run("-o", str(tmp_path / "bad.zip"), "--since", "v9")
    assert bad.exit_code == 1 and "Traceback" not in bad.stderr
    assert isinstance(bad.exception, SystemExit)  # no exception escaped the command
    assert "error unknown-revision [--since]: git does not know 'v9'" in bad.stderr
    assert not (tmp_path / "bad.zip").exists()


# ---------------------------------------------------------------- validation in portfolio.yml


def _config_with(extra: str, tmp_portfolio: PortfolioFactory) -> list[str]:
    root = tmp_portfolio({"portfolio.yml": valid_files()["portfolio.yml"] + extra})
    return formatted(run_build(root, write=False))


FIRST_LINE = valid_files()["portfolio.yml"].count("\n") + 2  # "  - date:" of the first


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (
            "submissions:\n  - date: 2026-09-01\n    type: first\n"
            "  - date: 2026-06-30\n    type: resubmission\n",
            f"portfolio.yml:{FIRST_LINE + 2}:11: error submission-order [submissions[1].date]: "
            "this submission (30 June 2026) is listed after a later one (1 September 2026); "
            "list submissions oldest first",
        ),
        (
            "submissions:\n  - date: 2026-06-30\n    type: resubmision\n",
            f"portfolio.yml:{FIRST_LINE + 1}:11: error invalid-value [submissions[0].type]: "
            "'resubmision' is not one of the choices (did you mean 'resubmission'?)",
        ),
        (
            "submissions:\n  - date: 2026-06-30\n    type: first\n    outcome: referal-minor\n",
            f"portfolio.yml:{FIRST_LINE + 2}:14: error invalid-value [submissions[0].outcome]: "
            "'referal-minor' is not one of the choices (did you mean 'referral-minor'?)",
        ),
        (
            "submissions:\n  - date: 2026-12-30\n    type: first\n",
            f"portfolio.yml:{FIRST_LINE}:11: error future-date [submissions[0].date]: "
            "30 December 2026 is in the future (today is 2026-11-01)",
        ),
        (
            "submissions:\n  - date: 30/06/2026\n    type: first\n",
            f"portfolio.yml:{FIRST_LINE}:11: error invalid-date [submissions[0].date]: "
            "'30/06/2026' is not a date cmaltgen understands\n    hint: write it as 2026-06-30 "
            "for 30 June 2026: dates are YYYY-MM-DD, YYYY-MM or YYYY",
        ),
        (
            "submissions:\n  - date: 2026-06-30\n",
            f"portfolio.yml:{FIRST_LINE}:5: error missing-key [submissions[0]]: 'type' is required",
        ),
        (
            "submissions:\n  - date: 2026-06-30\n    type: resubmission\n",
            f"portfolio.yml:{FIRST_LINE + 1}:11: warning submission-sequence "
            "[submissions[0].type]: a resubmission with no earlier submission listed",
        ),
        (
            "submissions:\n  - date: 2026-06-30\n    type: first\n    outcome: pass\n"
            "  - date: 2026-09-30\n    type: resubmission\n",
            f"portfolio.yml:{FIRST_LINE + 4}:11: warning submission-sequence "
            "[submissions[1].type]: a resubmission after a pass: only a referred portfolio is "
            "resubmitted",
        ),
        (
            "submissions:\n  - date: 2026-06-30\n    type: first\n    outcom: pass\n",
            f"portfolio.yml:{FIRST_LINE + 2}:5: warning unknown-key [submissions[0].outcom]: "
            "'outcom' is not a setting cmaltgen knows here, so it is ignored "
            "(did you mean 'outcome'?)",
        ),
    ],
)
def test_submissions_are_validated_with_located_messages(
    extra: str, expected: str, tmp_portfolio: PortfolioFactory
) -> None:
    shown = _config_with(extra, tmp_portfolio)
    assert len(shown) == 1 and shown[0].startswith(expected), shown


def test_valid_submissions_build_cleanly(tmp_portfolio: PortfolioFactory) -> None:
    extra = (
        SUBMITTED
        + "    ref: submitted-2026-06\n  - date: 2026-09-30\n    type: resubmission\n"
        + "    outcome: pass\n  - date: 2026-10-30\n    type: review\n"
    )
    assert _config_with(extra, tmp_portfolio) == []


# ---------------------------------------------------------------------------- privacy


def test_the_public_build_has_no_change_page_and_no_trace_of_submissions(
    tmp_path: Path,
) -> None:
    extra = SUBMITTED + "    ref: submitted\n"
    root = submitted_repo(tmp_path / "repo", extra=extra)
    revise(root)
    result = build(root, tmp_path / "public", today=TODAY, strict=True)
    assert result.ok and result.written, formatted(result)
    site = tmp_path / "public"
    assert not (site / "changes").exists()
    for path in site.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".xml", ".json", ".txt"):
            text = path.read_text(encoding="utf-8")
            for secret in ("changes/index.html", "Changes since", "referral", "submitted"):
                assert secret not in text, (path, secret)
    with pytest.raises(ValueError):
        build(root, tmp_path / "p2", today=TODAY, since="submitted")


# ------------------------------------------------------------------ responses to feedback


def test_responses_to_feedback_are_shown_per_section(tmp_path: Path) -> None:
    root = submitted_repo(tmp_path / "repo")
    revise(root)
    built = build(root, tmp_path / "a", today=TODAY, write=False, edition="assessor")
    assert built.site is not None
    responses = [
        ("1a", "Say what you would do differently.", "I added my plans for next year."),
        ("1a", "Cite the survey <results>.", ""),
        ("9z", "A general point about length.", "I shortened every section."),
    ]
    diags, notes = Diagnostics(), []
    extra = changes.pages(
        built.site, changes.Since("submitted", True), responses, diags, notes, TODAY
    )
    chosen = theme.load_theme("default", None)
    output = render.render_site(built.site, chosen, diags, None, extra)
    assert list(diags) == [] and notes == []
    page = output.pages[changes.CHANGES_PAGE].decode("utf-8")
    part = re.search(r'id="changes-1a".*?</section>', page, re.S)
    assert part is not None
    found = re.findall(r'<span class="response-label">([^<]*)</span> ([^<]*)</p>', part.group(0))
    assert found == [
        ("Feedback:", "Say what you would do differently."),
        ("Response:", "I added my plans for next year."),
        ("Feedback:", "Cite the survey &lt;results&gt;."),
        ("Response:", "No response written yet."),
    ]
    assert "Feedback on 9z:</span> A general point about length." in page
    assert page.count("Responses to assessor feedback") == 1


# ---------------------------------------------------------------------------- the example


def _has_commit(commit: str) -> bool:
    proc = subprocess.run(
        ["git", "-C", str(REPO), "cat-file", "-e", f"{commit}^{{commit}}"],
        capture_output=True,
        check=False,
    )
    return proc.returncode == 0


def test_example_bundle_shows_the_resubmission_changes(tmp_path: Path) -> None:
    result = bundle(EXAMPLE, tmp_path / "rowan.zip", strict=True)
    assert result.written and list(result.diagnostics) == []
    page = change_page(result)
    if not _has_commit(EXAMPLE_BASE):  # a CI job's shallow clone: a note, and no page
        assert page is None and "shallow clone" in " ".join(result.build.notes)
        return
    assert page is not None and result.build.notes == []
    assert marked(page, "3a") == (
        [
            "two",
            "sessions",
            "it, attended by 23 staff from four faculties.",
            "What has changed in my own practice is concrete. I now keep a one-page data map "
            "for every tool I support, and I review it with Information Governance each summer "
            "before the new academic year, so that a change in what a vendor collects is "
            "noticed before students are affected.",
        ],
        ["a", "session", "it."],
    )
    assert marked(page, "1b") == (
        ["has since followed to run the audit on her own."],
        ["could follow."],
    )
    assert summary(page, "2a")[0] == "unchanged"


# ------------------------------------------------- every kind of change, checked as a page

LONG = " ".join(f"word{n}" for n in range(40))
RICH_BEFORE = body(
    f"I led the work and cited the report. {LONG}\n\nFirst half. Second half.\n\nOne part.\n\n"
    "Another part. See",
    "I learned a great deal from it.",
)
RICH_AFTER = body(
    f"I led the work and cited the report. {LONG.replace('word20', 'changed20')}\n\n"
    "First half.\n\nSecond half.\n\nOne part. Another part. See",
    "I learned a great deal from it.",
)


@pytest.fixture(scope="module", params=["default", "print"])
def rich_bundle(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Path:
    """An unzipped bundle (in each built-in theme) whose change page has replaced words,
    elided context, a paragraph split in two, two paragraphs joined and evidence retitled."""
    tmp = tmp_path_factory.mktemp("rich")
    root = submitted_repo(tmp / "repo")
    config = valid_files()["portfolio.yml"].replace("site:\n", f"site:\n  theme: {request.param}\n")
    write_files(root, {"portfolio.yml": config})
    write_files(root, {"1a/reflection.md": reflection("1a", body=RICH_BEFORE)})
    git(root, "commit", "-qam", "before")
    git(root, "tag", "rich-before")
    retitled = valid_files()["2a/evidence.yml"].replace("Report for 2a", "Report on 2a")
    write_files(root, {"1a/reflection.md": reflection("1a", body=RICH_AFTER)})
    write_files(root, {"2a/evidence.yml": retitled})  # an evidence change list in 2a
    result = make_bundle(root, tmp, since="rich-before")
    assert result.written
    with zipfile.ZipFile(result.path) as archive:
        archive.extractall(tmp / "unzipped")
    unzipped = tmp / "unzipped" / "b"
    page = (unzipped / changes.CHANGES_PAGE).read_text(encoding="utf-8")
    assert ('<nav class="contents"' in page) == (request.param == "print")  # the theme's own
    assert "Evidence changes</h3>" in page and "(was “Report for 2a”)" in page
    return unzipped


def test_context_is_shortened_and_paragraph_breaks_are_named(rich_bundle: Path) -> None:
    page = (rich_bundle / changes.CHANGES_PAGE).read_text(encoding="utf-8")
    assert marked(page, "1a") == (["changed20", "+¶"], ["word20", "−¶"])
    assert "word12 word13" in page and "word11" not in page  # 8 words of context each side
    assert "word28" in page and "word29" not in page
    assert page.count("(unchanged words left out)") == 2
    assert "added: a paragraph break" in page and "removed: a paragraph break" in page
    # the paragraph a break now starts is shown, so the reader sees where the text splits
    assert re.search(
        r"First half\. <ins class=\"diff-break\">.*?</ins></p>\n<p>Second half\.</p>", page
    )


def test_change_page_passes_the_nu_html_checker(rich_bundle: Path, nu_checker: NuChecker) -> None:
    messages = nu_checker(rich_bundle / changes.CHANGES_PAGE, rich_bundle / "index.html")
    assert messages == [], json.dumps(messages, indent=1)[:3000]


def test_change_page_in_a_browser_from_disk_axe_and_keyboard(
    rich_bundle: Path, browser: Browser
) -> None:
    from tests.browser_support import describe, run_axe

    for scheme in ("light", "dark"):
        page = browser.new_page(viewport={"width": 1280, "height": 800}, color_scheme=scheme)
        page.goto((rich_bundle / "index.html").as_uri())
        page.get_by_role("link", name="Changes since the last submission").click()
        assert page.url.endswith("/changes/index.html")
        violations = run_axe(page)
        assert violations == [], describe(violations)
        stops = []
        for _ in range(60):
            page.keyboard.press("Tab")
            stops.append(page.evaluate(
                "() => [document.activeElement.getAttribute('href') || '',"
                " getComputedStyle(document.activeElement).outlineStyle]"
            ))  # fmt: skip
        hrefs = [href for href, _ in stops]
        assert hrefs[0] == "#main"
        assert "#changes-1a" in hrefs and "../1a/index.html" in hrefs
        assert all(style != "none" for href, style in stops if href)
        page.goto(page.url.split("#")[0])  # from the top again: Tab to a row, Enter
        for _ in range(80):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.getAttribute('href')") == "#changes-1a":
                break
        page.keyboard.press("Enter")
        assert page.url.endswith("#changes-1a")
        # removed words are struck through, added ones underlined, each with a sign
        lines = page.evaluate(
            """() => [...document.querySelectorAll('#changes-1a ins, #changes-1a del')]
              .map(e => [e.tagName, getComputedStyle(e).textDecorationLine,
                         e.innerText.trim()[0]])"""
        )
        assert ["INS", "underline", "+"] in lines and ["DEL", "line-through", "−"] in lines
        page.close()


def test_change_page_fits_a_phone(rich_bundle: Path, browser: Browser) -> None:
    """At 390 px the summary table made the whole page scroll sideways (554 px for the
    example); it now scrolls in its own region, which a keyboard reaches and axe passes."""
    from tests.browser_support import describe, run_axe

    for scheme in ("light", "dark"):
        page = browser.new_page(viewport={"width": 390, "height": 800}, color_scheme=scheme)
        page.goto((rich_bundle / changes.CHANGES_PAGE).as_uri())
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, scheme
        violations = run_axe(page)
        assert violations == [], describe(violations)
        region = page.get_by_role("region", name="Words changed in each section")
        assert region.evaluate("e => e.scrollWidth > e.clientWidth"), "the table is wider"
        for _ in range(40):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.getAttribute('role')") == "region":
                break
        focused = page.evaluate(
            """() => [document.activeElement.querySelector('caption')?.textContent,
                      getComputedStyle(document.activeElement).outlineStyle]"""
        )
        assert focused[0] == "Words changed in each section" and focused[1] != "none", focused
        page.close()


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs chown")
def test_a_repository_git_refuses_to_read_gives_gits_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = submitted_repo(tmp_path / "repo")
    for path in [root, *root.rglob("*")]:
        os.chown(path, 65534, 65534, follow_symlinks=False)  # owned by someone else
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)  # no safe.directory exception
    result = make_bundle(root, tmp_path, since="submitted")
    (diag,) = result.diagnostics
    assert diag.code == "git-unavailable" and diag.key == "--since"
    assert diag.message.startswith("git cannot read the repository holding the portfolio (")
    assert "dubious ownership" in diag.message and "safe.directory" in (diag.hint or "")
