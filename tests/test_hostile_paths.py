"""Odd paths given on the command line (the portfolio folder, -o, new's folder): a located
error in plain words and exit 1, never a crash or a hang; nothing is left half-made."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from cmaltgen.cli import main
from tests.conftest import PortfolioFactory, symlink_or_skip


def run(*args: str | Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "internal problem" not in result.output, result.output
    return result.exit_code, result.output


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.parametrize("command", ["build", "bundle"])
def test_an_output_under_a_file_says_which_file_is_in_the_way(
    tmp_portfolio: PortfolioFactory,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    command: str,
) -> None:
    """-o notes.txt/site crashed (FileExistsError) after the whole build; now a located error."""
    root = tmp_portfolio()
    monkeypatch.chdir(tmp_path)  # paths are shown relative to here
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    before = listing(tmp_path)
    target = tmp_path / "notes.txt" / ("site" if command == "build" else "b.zip")
    code, output = run(command, root, "-o", target)
    assert code == 1
    assert "error output-not-written: the " in output
    what = "site" if command == "build" else "bundle"
    assert (
        f"notes.txt/{target.name}: error output-not-written: the {what} "
        "could not be written here: 'notes.txt' is in the way: it is a file, not a folder"
    ) in output
    assert "hint: choose another place with -o, or move that file" in output
    assert listing(tmp_path) == before and (tmp_path / "notes.txt").read_text() == "mine"


@pytest.mark.parametrize("command", ["build", "bundle", "new"])
def test_a_name_too_long_for_the_disk_is_a_located_error(tmp_path: Path, command: str) -> None:
    """A 300-letter output name crashed (OSError: File name too long)."""
    from tests.conftest import valid_files, write_files

    root = write_files(tmp_path / "portfolio", valid_files())
    name = "x" * 300 + (".zip" if command == "bundle" else "")
    args = ["new", tmp_path / name, "--pathway", "cmalt"] if command == "new" else []
    code, output = run(*(args or [command, root, "-o", tmp_path / name]))
    assert code == 1
    assert "error output-not-written: the " in output
    assert "could not be written here: a name in it is too long" in output or (
        "could not be made here: a name in it is too long" in output
    )
    assert "hint: choose a shorter name (at most 255 letters)" in output
    assert listing(tmp_path) == ["portfolio"]


def test_an_output_name_of_250_letters_builds(
    tmp_portfolio: PortfolioFactory, tmp_path: Path
) -> None:
    """The temporary folder beside the output (.NAME.random.tmp) passed 255 bytes and the build
    crashed although the name itself was legal; now the temporary name is cut short."""
    root = tmp_portfolio()
    out = tmp_path / ("s" * 250)
    for _ in range(2):  # the second build swaps the first aside (.NAME.old-PID)
        code, output = run("build", root, "-o", out)
        assert code == 0, output
    assert (out / "index.html").is_file()
    assert listing(tmp_path) == ["portfolio", out.name]


@pytest.mark.parametrize("command", ["build", "check", "bundle"])
def test_a_portfolio_folder_that_is_a_looping_link_or_a_pipe_is_named_as_such(
    tmp_path: Path, command: str
) -> None:
    """A portfolio folder that was a link to itself crashed (RuntimeError: Symlink loop); a
    named pipe was "there is no folder"."""
    symlink_or_skip(tmp_path / "loop", Path("loop"))
    code, output = run(command, tmp_path / "loop")
    assert code == 1
    assert "is a symbolic link that leads round in a circle" in output
    assert "not a folder: give the path of your portfolio folder" in output
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "pipe")
        code, output = run(command, tmp_path / "pipe")
        assert code == 1
        assert "pipe is a named pipe (FIFO), not a folder" in output


@pytest.mark.parametrize(
    ("command", "what"),
    [(["serve"], "portfolio"), (["cohort", "build"], "cohort"), (["cohort", "check"], "cohort")],
)
def test_serve_and_cohort_name_a_looping_link_or_a_pipe_as_build_does(
    tmp_path: Path, command: list[str], what: str
) -> None:
    """serve and cohort crashed on a looping link (RuntimeError: Symlink loop) and called a
    named pipe "no folder": one message for every command now."""
    symlink_or_skip(tmp_path / "loop", Path("loop"))
    code, output = run(*command, tmp_path / "loop")
    assert code == 1 and "Traceback" not in output and "internal problem" not in output
    assert "is a symbolic link that leads round in a circle" in output
    assert f"not a folder: give the path of your {what} folder" in output
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "pipe")
        code, output = run(*command, tmp_path / "pipe")
        assert code == 1
        assert "pipe is a named pipe (FIFO), not a folder" in output


def test_a_bundle_over_a_named_pipe_is_refused_not_waited_on(
    tmp_portfolio: PortfolioFactory, tmp_path: Path
) -> None:
    """-o pipe.zip, a named pipe, hung for ever (zipfile read it to see if it was a zip)."""
    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes here")
    root = tmp_portfolio()
    os.mkfifo(tmp_path / "pipe.zip")
    symlink_or_skip(tmp_path / "loop.zip", Path("loop.zip"))
    for name in ("pipe.zip", "loop.zip"):
        code, output = run("bundle", root, "-o", tmp_path / name)
        assert code == 1
        assert (
            "error bundle-location: a file that is not a zip already has this name, so it was "
            "not replaced"
        ) in output
    assert (tmp_path / "loop.zip").is_symlink()


def test_new_into_a_link_or_under_a_file_is_a_located_error(tmp_path: Path) -> None:
    """new crashed (FileExistsError, NotADirectoryError) and, part-way, left half a portfolio
    behind that made the next try fail with "not empty"."""
    symlink_or_skip(tmp_path / "loop", Path("loop"))
    code, output = run("new", tmp_path / "loop", "--pathway", "cmalt")
    assert code == 1
    assert (
        "error output-not-site: something that is not a folder already has this name, so "
        "cmaltgen new will not write into it"
    ) in output
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    code, output = run("new", tmp_path / "notes.txt" / "cmalt", "--pathway", "cmalt")
    assert code == 1
    assert "error output-not-written: the portfolio could not be made here: '" in output
    assert "notes.txt' is in the way: it is a file, not a folder" in output
    assert "hint: choose another folder name, or move that file" in output
    assert listing(tmp_path) == ["loop", "notes.txt"]


@pytest.mark.parametrize(
    ("number", "reason", "hint"),
    [
        (errno.EROFS, "you are not allowed to write there", "choose a folder of your own with -o"),
        (errno.ENOSPC, "the disk is full", "free some space, or choose another disk with -o"),
    ],
)
def test_why_not_written_says_it_in_plain_words(
    tmp_path: Path, number: int, reason: str, hint: str
) -> None:
    """What a read-only disk or a full one means for the user (running as root or on an
    ordinary disk, neither can be made to happen for real here)."""
    from cmaltgen.atomic import why_not_written

    found = why_not_written(tmp_path / "site", OSError(number, os.strerror(number)))
    assert found[0] == reason and found[1].startswith(hint)


def test_a_rebuild_keeps_a_git_repository_in_the_output_folder(
    tmp_portfolio: PortfolioFactory, tmp_path: Path
) -> None:
    """A site folder made a git clone (to publish it from) lost its .git, history and all,
    at the next build; hidden entries cmaltgen does not write are now kept, as MkDocs does."""
    import subprocess

    root = tmp_portfolio()
    site = tmp_path / "site"
    assert run("build", root, "-o", site)[0] == 0
    git = ["git", "-C", str(site), "-c", "user.name=Sam", "-c", "user.email=sam@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "Published site"], check=True)
    (site / ".github").mkdir()
    (site / ".github" / "CODEOWNERS").write_text("* @sam\n", encoding="utf-8")
    (site / "stale.html").write_text("old page", encoding="utf-8")
    code, output = run("build", root, "-o", site)
    assert code == 0, output
    log = subprocess.run([*git, "log", "--format=%s"], capture_output=True, text=True, check=True)
    assert log.stdout == "Published site\n"
    assert (site / ".github" / "CODEOWNERS").read_text(encoding="utf-8") == "* @sam\n"
    assert not (site / "stale.html").exists()  # the site itself is replaced
    assert (site / "index.html").is_file() and (site / ".nojekyll").is_file()
    assert listing(tmp_path) == ["portfolio", "site"]  # no old copy left beside it
