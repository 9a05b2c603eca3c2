"""The cache folder: where it is, and that builds keep nothing executable in it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from cmaltgen import cache
from tests.conftest import EXAMPLE, CommandBuild


def test_default_cache_dir_follows_xdg() -> None:
    assert cache.cache_dir({"XDG_CACHE_HOME": "/var/cache/me"}) == Path("/var/cache/me/cmaltgen")
    home = Path.home() / ".cache" / "cmaltgen"
    assert cache.cache_dir({"XDG_CACHE_HOME": "relative"}) == home
    assert cache.cache_dir({}) == home


def test_a_build_keeps_nothing_between_runs(
    tmp_path: Path, example_command_build: CommandBuild
) -> None:
    """No pickles, no compiled templates: a build leaves the cache folder as it found it."""
    first = example_command_build  # python -m cmaltgen build EXAMPLE, with a cache folder
    assert first.proc.returncode == 0, first.proc.stderr
    home = first.cache_home
    proc = subprocess.run(  # a second build after it, with the same cache folder
        [sys.executable, "-m", "cmaltgen", "build", str(EXAMPLE), "-o", str(tmp_path / "s")],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "XDG_CACHE_HOME": str(home)},
    )
    assert proc.returncode == 0, proc.stderr
    assert not home.exists() or not any(home.rglob("*"))
