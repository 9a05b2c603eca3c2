"""The `cmaltgen` program (cmaltgen.program.run) as real processes: what the quick exit and the
paused garbage collector must not change."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest
from click.testing import CliRunner

from cmaltgen import program
from cmaltgen.cli import GC_THRESHOLD, _resume_garbage_collection, main
from tests.conftest import EXAMPLE, PortfolioFactory


def cmaltgen(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cmaltgen", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
    )


def test_the_installed_command_is_program_run() -> None:
    (script,) = [e for e in entry_points(group="console_scripts") if e.name == "cmaltgen"]
    assert script.value == "cmaltgen.program:run"


def test_long_output_arrives_whole_before_the_quick_exit() -> None:
    """Output still buffered when the command returns must be flushed, not dropped."""
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


def test_a_built_site_is_complete_on_disk_when_the_process_has_ended(tmp_path: Path) -> None:
    out = tmp_path / "site"
    proc = cmaltgen("build", str(EXAMPLE), "-o", str(out), "--strict")
    assert proc.returncode == 0, proc.stderr
    pages = sorted(out.rglob("*.html"))
    assert len(pages) == 16
    for page in pages:
        assert page.read_text(encoding="utf-8").rstrip().endswith("</html>"), page


def test_garbage_collection_resumes_with_import_time_objects_frozen(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = gc.get_threshold()
    monkeypatch.setattr(program, "paused", True)  # as program.run leaves it
    gc.disable()
    try:
        _resume_garbage_collection()
        assert gc.isenabled() and not program.paused
        assert gc.get_threshold()[0] == GC_THRESHOLD
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
        gc.enable()


def test_a_collector_paused_by_someone_else_is_left_alone() -> None:
    """cli.main run inside another program: its garbage collection is its own business."""
    before = gc.get_threshold()
    assert not program.paused
    gc.disable()
    try:
        _resume_garbage_collection()
        assert not gc.isenabled() and gc.get_threshold() == before
    finally:
        gc.enable()
