"""The cache folder: where it is, and that builds keep nothing executable in it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cmaltgen import cache
from tests.conftest import EXAMPLE


def test_default_cache_dir_follows_xdg() -> None:
    assert cache.cache_dir({"XDG_CACHE_HOME": "/var/cache/me"}) == Path("/var/cache/me/cmaltgen")
    home = Path.home() / ".cache" / "cmaltgen"
    assert cache.cache_dir({"XDG_CACHE_HOME": "relative"}) == home
    assert cache.cache_dir({}) == home


def test_a_build_keeps_nothing_between_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No pickles, no compiled templates: a build leaves the cache folder as it found it."""
    home = tmp_path / "cache"
    env = {**os.environ, "XDG_CACHE_HOME": str(home)}
    for _ in range(2):
        proc = subprocess.run(
            [sys.executable, "-m", "cmaltgen", "build", str(EXAMPLE), "-o", str(tmp_path / "s")],
            capture_output=True,
            text=True,
            check=False,
            env=env,
        )
        assert proc.returncode == 0, proc.stderr
    assert not home.exists() or not any(home.rglob("*"))
