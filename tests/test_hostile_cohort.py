"""Hostile cohort.yml members: a located error and exit 1, never a crash."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from cmaltgen.cli import main
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
