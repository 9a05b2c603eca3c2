"""The compiled-template cache: reused across runs, harmless when the cache folder is not usable."""

from __future__ import annotations

import os
from pathlib import Path

import jinja2
import pytest

from cmaltgen import theme


def test_cache_goes_to_xdg_cache_home_and_is_reused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    cache = theme._disk_cache()
    assert isinstance(cache, theme._LayeredCache)
    loader = jinja2.DictLoader({"t.html": "Hello {{ name }}"})
    env = jinja2.Environment(loader=loader, bytecode_cache=cache, autoescape=True)
    assert env.get_template("t.html").render(name="A") == "Hello A"
    stored = list((tmp_path / "cache" / "cmaltgen" / "templates").iterdir())
    assert stored, "compiled template written to the disk cache"
    fresh = jinja2.Environment(
        loader=loader, bytecode_cache=theme._disk_cache(), autoescape=True
    )  # a new process: memory is empty, the disk has it
    assert fresh.get_template("t.html").render(name="B") == "Hello B"


def test_edited_template_is_recompiled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    cache = theme._disk_cache()
    source = {"t.html": "one"}
    env = jinja2.Environment(loader=jinja2.DictLoader(source), bytecode_cache=cache)
    assert env.get_template("t.html").render() == "one"
    source["t.html"] = "two"
    env2 = jinja2.Environment(loader=jinja2.DictLoader(source), bytecode_cache=cache)
    assert env2.get_template("t.html").render() == "two"


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write to read-only folders")
def test_unwritable_cache_folder_falls_back_to_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    monkeypatch.setenv("XDG_CACHE_HOME", str(locked))
    assert type(theme._disk_cache()) is theme._MemoryBytecodeCache


def test_cache_path_that_is_a_file_falls_back_to_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "cmaltgen").write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert type(theme._disk_cache()) is theme._MemoryBytecodeCache
