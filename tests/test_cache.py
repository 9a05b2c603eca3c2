"""The cache folder and data derived from packaged files: faster when usable, never needed."""

from __future__ import annotations

from pathlib import Path

import pytest

from cmaltgen import cache, framework


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "cmaltgen"


def test_default_cache_dir_follows_xdg() -> None:
    assert cache.cache_dir({"XDG_CACHE_HOME": "/var/cache/me"}) == Path("/var/cache/me/cmaltgen")
    home = Path.home() / ".cache" / "cmaltgen"
    assert cache.cache_dir({"XDG_CACHE_HOME": "relative"}) == home
    assert cache.cache_dir({}) == home


def test_derived_data_is_made_once_then_read_back(home: Path) -> None:
    made: list[bytes] = []

    def make(source: bytes) -> dict[str, object]:
        made.append(source)
        return {"length": len(source), "items": [1, 2]}

    first = cache.derived("things", b"abc", lambda: make(b"abc"), how="v1")
    again = cache.derived("things", b"abc", lambda: make(b"abc"), how="v1")
    other = cache.derived("things", b"abcd", lambda: make(b"abcd"), how="v1")
    assert first == again == {"length": 3, "items": [1, 2]} and other["length"] == 4
    assert made == [b"abc", b"abcd"]  # the second call read the first one's result
    assert len(list((home / "things").glob("*.pickle"))) == 2
    assert not list((home / "things").glob("*.tmp"))
    changed = cache.derived("things", b"abc", lambda: make(b"abc"), how="v2")
    assert changed == first and made == [b"abc", b"abcd", b"abc"]  # a new way: made again


def test_a_corrupt_entry_is_made_again(home: Path) -> None:
    cache.derived("things", b"abc", lambda: "right", how="v1")
    (entry,) = (home / "things").glob("*.pickle")
    entry.write_bytes(b"not a pickle")
    assert cache.derived("things", b"abc", lambda: "right again", how="v1") == "right again"
    assert cache.derived("things", b"abc", lambda: "unused", how="v1") == "right again"


def test_an_unusable_cache_folder_only_means_no_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "file").write_text("a file where the cache folder would be", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "file"))
    assert cache.writable("templates") is None
    assert cache.derived("things", b"abc", lambda: 42, how="v1") == 42
    assert cache.derived("things", b"abc", lambda: 43, how="v1") == 43  # nothing could be kept


def test_no_home_folder_only_means_no_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)

    def no_home() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.setattr(Path, "home", no_home)
    assert cache.writable("templates") is None
    assert cache.derived("things", b"abc", lambda: 42, how="v1") == 42


def test_frameworks_read_from_the_cache_equal_freshly_parsed_ones(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    framework.framework.cache_clear()
    fresh = framework.framework("2019")
    assert list((home / "frameworks").glob("*.pickle"))
    framework.framework.cache_clear()

    def no_parsing(*args: object, **kwargs: object) -> None:
        raise AssertionError("the framework YAML was parsed again")

    monkeypatch.setattr(framework.yaml, "load", no_parsing)
    try:
        cached = framework.framework("2019")
    finally:
        framework.framework.cache_clear()
    assert cached == fresh and cached is not None and "cmalt" in cached.pathways
