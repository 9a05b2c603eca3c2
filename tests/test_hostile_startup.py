"""Ctrl-C while Python is still loading cmaltgen: a short message and exit 130, no traceback.

The child is held at a known point inside the start-up: its compiled-module cache
(PYTHONPYCACHEPREFIX) has a named pipe where ``cmaltgen/cli/__init__``'s cached bytecode goes,
so importing the command line blocks reading it. Opening the pipe's other end without waiting
succeeds only once the child is reading it; SIGINT is sent then, with no timing guess.
"""

from __future__ import annotations

import errno
import importlib.util
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import cmaltgen

SCRIPT = Path(sys.executable).parent / "cmaltgen"


def _held_start_up(prefix: Path) -> Path:
    """A named pipe where the child will look for cmaltgen.cli's cached bytecode."""
    source = Path(cmaltgen.__file__).parent / "cli" / "__init__.py"
    saved = sys.pycache_prefix
    sys.pycache_prefix = str(prefix)
    try:
        cached = Path(importlib.util.cache_from_source(str(source)))
    finally:
        sys.pycache_prefix = saved
    cached.parent.mkdir(parents=True)
    os.mkfifo(cached)
    return cached


def _when_reading(pipe: Path, proc: subprocess.Popen[str]) -> int:
    """Wait until the child has the pipe open for reading; return our writing end."""
    deadline = time.monotonic() + 60
    while True:
        try:
            return os.open(pipe, os.O_WRONLY | os.O_NONBLOCK)
        except OSError as exc:
            assert exc.errno == errno.ENXIO, exc  # no reader yet
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the child never reached cmaltgen.cli"
        time.sleep(0.01)


@pytest.mark.parametrize("how", ["python -m cmaltgen", "installed script"])
def test_ctrl_c_during_start_up_exits_130_without_a_traceback(tmp_path: Path, how: str) -> None:
    if how == "installed script" and not SCRIPT.exists():
        pytest.skip("the cmaltgen script is not installed beside this Python")
    pipe = _held_start_up(tmp_path / "pycache")
    env = {**os.environ, "PYTHONPYCACHEPREFIX": str(tmp_path / "pycache")}
    argv = [sys.executable, "-m", "cmaltgen"] if how == "python -m cmaltgen" else [str(SCRIPT)]
    proc = subprocess.Popen(
        [*argv, "pathways"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    writer = _when_reading(pipe, proc)
    try:
        proc.send_signal(signal.SIGINT)  # the child is inside `import cmaltgen.cli`
    finally:
        # If the signal came between the child's open() and read(), the read would wait for
        # data forever: closing our end ends it, and Python then raises KeyboardInterrupt at
        # its next instruction, still inside the import.
        os.close(writer)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert err == "\ncmaltgen: stopped (Ctrl-C).\n"
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    assert out == ""  # the command never ran
