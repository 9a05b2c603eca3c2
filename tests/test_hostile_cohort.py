"""Hostile cohort.yml members: a located error and exit 1, never a crash."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from cmaltgen.cli import main
from cmaltgen.wording import columns
from tests.conftest import REPO, symlink_or_skip


def run(*args: str | Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "internal problem" not in result.output, result.output
    return result.exit_code, result.output


def cohort_with(tmp_path: Path, member: str) -> Path:
    root = tmp_path / "cohort"
    shutil.copytree(REPO / "example_cohort", root)
    yml = root / "cohort.yml"
    yml.write_text(yml.read_text(encoding="utf-8") + member, encoding="utf-8")
    return root


def checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, member: str) -> tuple[int, str]:
    """``cmaltgen cohort check`` in the example cohort with ``member`` added."""
    monkeypatch.chdir(cohort_with(tmp_path, member))
    return run("cohort", "check")


_UNUSABLE = {
    "a NUL byte": "members/a\\0b",
    "a symbolic link that loops": "members/loop",
    "a name too long for a file name": "m" * 400,  # ENAMETOOLONG looking for portfolio.yml
}


@pytest.mark.parametrize("how", list(_UNUSABLE))
def test_a_member_path_that_cannot_be_looked_up_is_a_located_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    name = _UNUSABLE[how]
    root = cohort_with(tmp_path, f'  - path: "{name}"\n')
    if how == "a symbolic link that loops":
        symlink_or_skip(root / "members" / "loop", Path("loop"))
    line = len((root / "cohort.yml").read_text(encoding="utf-8").splitlines())
    shown = name.replace("\\0", "\\x00")
    monkeypatch.chdir(root)
    for args in (["cohort", "build", "-o", tmp_path / "hub"], ["cohort", "check"]):
        code, output = run(*args)
        assert code == 1, output
        assert (
            f"cohort.yml:{line}:11: error cohort-member-missing [members[5].path]: "
            f"there is no folder '{shown}'"
        ) in output
    assert not (tmp_path / "hub").exists()


_REFUSED_URL = {
    "a mistyped scheme": (
        "htp://rowan.example.org/cmalt/",
        "'htp://rowan.example.org/cmalt/' is not a web address",
    ),
    "a password": (
        "https://rowan:hunter2@rowan.example.org/cmalt/",
        "'https://rowan:***@rowan.example.org/cmalt/' holds a password",
    ),
}


@pytest.mark.parametrize("how", list(_REFUSED_URL))
def test_a_member_whose_only_url_is_refused_gets_one_error_that_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    url, message = _REFUSED_URL[how]
    root = cohort_with(tmp_path, f"  - url: {url}\n")
    line = len((root / "cohort.yml").read_text(encoding="utf-8").splitlines())
    monkeypatch.chdir(root)
    for args in (["cohort", "build", "--offline", "-o", tmp_path / "hub"], ["cohort", "check"]):
        code, output = run(*args)
        assert code == 1, output
        assert f"cohort.yml:{line}:10: error invalid-url [members[5].url]: {message}" in output
        assert "cohort-member-kind" not in output  # not also "has no path, url or name"
        assert "hunter2" not in output
    assert not (tmp_path / "hub").exists()


def test_an_empty_member_says_what_a_member_is_on_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, output = checked(tmp_path, monkeypatch, "  -\n")
    assert code == 1
    assert (
        "error wrong-type [members[5]]: expected one member: a portfolio folder (path), a "
        "published cmaltgen portfolio (url alone), or a plain entry typed by hand (name, url, "
        "pathway, status) ('key: value' lines) here, found nothing\n"
    ) in output


def test_a_withdrawn_status_says_how_to_keep_the_member_off_the_hub(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = "  - name: Sam Okoro\n    url: https://sam.example.org/\n    pathway: cmalt\n"
    code, output = checked(tmp_path, monkeypatch, plain + "    status: withdrawn\n")
    assert code == 1
    assert (
        "error invalid-value [members[5].status]: 'withdrawn' is not one of the choices" in output
    )
    assert (
        "hint: choose one of: started, drafting, submitted, awarded, resubmitting; someone who "
        "has withdrawn or paused can stay here with listed: false (off every public page, still "
        "in cmaltgen cohort check)"
    ) in output


def test_one_site_written_three_ways_is_one_member(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = "https://rowan.example.org/cmalt"
    forms = [
        f"{site}/",
        f"{site}/index.html",
        "https://ROWAN.example.org/CMALT/portfolio.json",
        f"{site}-2/",
    ]
    root = cohort_with(tmp_path, "".join(f"  - url: {form}\n" for form in forms))
    monkeypatch.chdir(root)
    code, output = run("cohort", "build", "--offline", "-o", tmp_path / "hub")
    assert code == 1
    duplicates = [line for line in output.splitlines() if "cohort-duplicate-member" in line]
    assert [line.split(" error ")[1] for line in duplicates] == [
        f"cohort-duplicate-member [members[{i}]]: this member is already listed as member 6"
        for i in (6, 7)
    ]


def test_a_plain_entry_address_with_characters_no_address_may_hold_is_encoded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = (
        "  - name: Sam Okoro\n    url: https://sam.example.org/cmalt?q={x}|y^z\n"
        "    pathway: cmalt\n"
    )
    root = cohort_with(tmp_path, plain)
    monkeypatch.chdir(root)
    code, output = run("cohort", "build", "--offline", "-o", tmp_path / "hub")
    assert code == 0, output
    page = (tmp_path / "hub" / "index.html").read_text("utf-8")  # < > " are refused (invalid-url)
    assert 'href="https://sam.example.org/cmalt?q=%7Bx%7D%7Cy%5Ez"' in page


def test_the_coordinators_table_lines_up_names_in_any_script(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = ["李明", "Zoe\u0301 Ashby", "Kim Min-jun 김민준"]
    entries = "".join(
        f"  - name: {n}\n    url: https://x{i}.example.org/\n    pathway: cmalt\n"
        for i, n in enumerate(names)
    )
    monkeypatch.chdir(cohort_with(tmp_path, entries))
    code, output = run("cohort", "check", "--offline")
    rows = [line for line in output.splitlines() if any(line.startswith(n) for n in names)]
    assert code == 0 and len(rows) == 3, output
    kind_at = {columns(row[: row.index("plain")]) for row in rows}
    assert len(kind_at) == 1, rows  # the Kind column starts at one terminal column for all


@pytest.mark.parametrize(
    ("path", "error"),
    [
        (
            "members\\rowan-ellery",
            "cohort-member-missing [members[5].path]: there is no folder "
            "'members\\rowan-ellery'\n"
            "    hint: write folders with / as on the web, not \\: members/rowan-ellery",
        ),
        (
            "members/rowan-elery",
            "cohort-member-missing [members[5].path]: there is no folder "
            "'members/rowan-elery' (did you mean 'rowan-ellery'?)",
        ),
        (
            "C:\\Users\\sam\\rowan",
            "cohort-path-outside [members[5].path]: 'C:\\Users\\sam\\rowan' leads outside "
            "the cohort folder",
        ),
    ],
)
def test_a_member_path_typed_wrongly_says_what_to_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, path: str, error: str
) -> None:
    """A Windows path, a typo or a folder on the coordinator's computer, each located."""
    root = cohort_with(tmp_path, f"  - path: '{path}'\n")
    line = len((root / "cohort.yml").read_text(encoding="utf-8").splitlines())
    monkeypatch.chdir(root)
    code, output = run("cohort", "check")
    assert code == 1, output
    assert f"cohort.yml:{line}:11: error {error}" in output, output
