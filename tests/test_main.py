"""The `cmaltgen` program (``python -m cmaltgen`` and the installed script) as real processes."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

from click.testing import CliRunner

from cmaltgen.cli import main
from tests.conftest import CommandBuild, PortfolioFactory


def cmaltgen(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cmaltgen", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
    )


def test_the_installed_command_is_main_run() -> None:
    (script,) = [e for e in entry_points(group="console_scripts") if e.name == "cmaltgen"]
    assert script.value == "cmaltgen.__main__:run"


def test_long_output_arrives_whole_before_the_quick_exit() -> None:
    """Long output through a pipe arrives whole and matches the in-process run."""
    proc = cmaltgen("schema", "portfolio")
    in_process = CliRunner().invoke(main, ["schema", "portfolio"])
    assert proc.returncode == 0, proc.stderr
    assert len(proc.stdout) > 4096  # more than a small buffer's worth
    assert proc.stdout == in_process.stdout
    assert json.loads(proc.stdout)["title"]


def test_exit_statuses_and_messages_are_kept(tmp_portfolio: PortfolioFactory) -> None:
    assert cmaltgen("--version").returncode == 0
    unknown = cmaltgen("no-such-command")
    assert unknown.returncode == 2 and "No such command 'no-such-command'" in unknown.stderr
    root = tmp_portfolio()
    (root / "portfolio.yml").write_text("candidate: [\n", encoding="utf-8")
    broken = cmaltgen("build", cwd=root)  # paths are shown relative to where you are
    assert broken.returncode == 1
    assert broken.stderr.startswith("portfolio.yml:2:1: error yaml-syntax"), broken.stderr
    assert "Traceback" not in broken.stderr


def test_a_built_site_is_complete_on_disk(example_command_build: CommandBuild) -> None:
    proc, out = example_command_build.proc, example_command_build.site  # build EXAMPLE --strict
    assert proc.returncode == 0, proc.stderr
    pages = sorted(out.rglob("*.html"))
    assert len(pages) == 16
    for page in pages:
        assert page.read_text(encoding="utf-8").rstrip().endswith("</html>"), page


def test_each_command_is_defined_where_the_group_looks_for_it() -> None:
    from cmaltgen.cli import cohort, progress, publish, start
    from cmaltgen.cli.base import COMMAND_MODULES

    defined = {
        name: command.callback.__module__
        for module in (cohort, progress, publish, start)
        for name, command in dict.items(main.commands)
        if command.callback is not None and command.callback.__module__ == module.__name__
    }
    assert defined == {name: f"cmaltgen.cli.{m}" for name, m in COMMAND_MODULES.items()}


def test_a_command_imports_only_its_own_module() -> None:
    """`cmaltgen build` does not import the code of cohort, serve, import or new."""
    script = (
        "import sys\n"
        "from cmaltgen.cli import main\n"
        "main(['build', '--help'], standalone_mode=False)\n"
        "print(sorted(m for m in sys.modules if m.startswith('cmaltgen.cli.')))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert proc.stdout.splitlines()[-1] == "['cmaltgen.cli.base', 'cmaltgen.cli.publish']"
    assert "Check a portfolio and build its website." in proc.stdout
