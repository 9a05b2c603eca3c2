"""The cache folder and data derived from packaged files: faster when usable, never needed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cmaltgen import cache, framework

# Windows has no Unix permission bits; there the cache relies on the profile being private.
POSIX_MODES = pytest.mark.skipif(os.name == "nt", reason="no Unix permission bits on Windows")


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


def test_kept_values_are_made_once_and_a_new_key_replaces_the_entry(home: Path) -> None:
    made: list[str] = []

    def make(value: str) -> dict[str, str]:
        made.append(value)
        return {"value": value}

    assert cache.kept("things", "a.md", b"one", lambda: make("1")) == ({"value": "1"}, False)
    assert cache.kept("things", "a.md", b"one", lambda: make("x")) == ({"value": "1"}, True)
    assert cache.kept("things", "b.md", b"one", lambda: make("2")) == ({"value": "2"}, False)
    assert cache.kept("things", "a.md", b"two", lambda: make("3")) == ({"value": "3"}, False)
    assert cache.kept("things", "a.md", b"one", lambda: make("4")) == ({"value": "4"}, False)
    assert made == ["1", "2", "3", "4"]
    # one entry per place, however often it changed; nothing half-written is left
    assert len(list((home / "things").glob("*.pickle"))) == 2
    assert not list((home / "things").glob("*.tmp"))


def test_a_corrupt_kept_entry_is_made_again(home: Path) -> None:
    cache.kept("things", "a.md", b"one", lambda: "right")
    (entry,) = (home / "things").glob("*.pickle")
    original = entry.read_bytes()
    for junk in (b"", b"short", original[:40], original[:32] + b"not a pickle"):
        entry.write_bytes(junk)
        assert cache.kept("things", "a.md", b"one", lambda: "made again") == ("made again", False)
    assert cache.kept("things", "a.md", b"one", lambda: "unused") == ("made again", True)


def test_what_cannot_be_kept_is_still_returned(home: Path) -> None:
    value, stored = cache.kept("things", "a.md", b"one", lambda: lambda: 1)  # unpicklable
    assert callable(value) and not stored
    assert not list((home / "things").glob("*"))  # nothing kept, nothing half-written


@POSIX_MODES
def test_kept_values_are_private_to_their_owner(home: Path) -> None:
    cache.kept("things", "a.md", b"one", lambda: "my reflection")
    assert (home / "things").stat().st_mode & 0o777 == 0o700
    assert home.stat().st_mode & 0o777 == 0o700
    (entry,) = (home / "things").glob("*.pickle")
    assert entry.stat().st_mode & 0o777 == 0o600


@POSIX_MODES
def test_a_cache_folder_others_can_open_is_made_private_first(home: Path) -> None:
    (home / "things").mkdir(parents=True)
    (home / "things").chmod(0o777)
    cache.kept("things", "a.md", b"one", lambda: "my reflection")
    assert (home / "things").stat().st_mode & 0o777 == 0o700
    assert cache.kept("things", "a.md", b"one", lambda: "unused") == ("my reflection", True)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to chown")
def test_a_cache_folder_someone_else_owns_is_not_used(home: Path) -> None:
    """Kept entries and compiled templates are loaded as objects and code: a folder another
    user owns (and so could have filled) is neither read nor written."""
    cache.kept("things", "a.md", b"one", lambda: "mine")
    cache.derived("derived", b"abc", lambda: "mine", how="v1")
    for name in ("things", "derived"):
        os.chown(home / name, 65534, 65534)
    assert cache.kept("things", "a.md", b"one", lambda: "made") == ("made", False)
    assert cache.derived("derived", b"abc", lambda: "made", how="v1") == "made"
    (home / "templates").mkdir()
    os.chown(home / "templates", 65534, 65534)
    assert cache.writable("templates") is None


def test_a_kept_value_of_the_wrong_shape_is_made_again(home: Path) -> None:
    cache.kept("things", "a.md", b"one", lambda: 5)
    assert cache.kept(
        "things", "a.md", b"one", lambda: "x", valid=lambda v: isinstance(v, str)
    ) == (
        "x",
        False,
    )
    assert cache.kept(
        "things", "a.md", b"one", lambda: "y", valid=lambda v: isinstance(v, str)
    ) == (
        "x",
        True,
    )


def test_places_whose_names_are_not_utf8_are_kept(home: Path) -> None:
    where = os.fsdecode(b"/portfolio/1a-caf\xe9/reflection.md")  # as Linux hands it over
    assert cache.kept("things", where, b"one", lambda: 1) == (1, False)
    assert cache.kept("things", where, b"one", lambda: 2) == (1, True)


def test_an_unusable_cache_folder_only_means_making_each_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "file").write_text("a file where the cache folder would be", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "file"))
    assert cache.kept("things", "a.md", b"one", lambda: 1) == (1, False)
    assert cache.kept("things", "a.md", b"one", lambda: 2) == (2, False)


def test_the_code_key_changes_with_any_module(tmp_path: Path) -> None:
    package = tmp_path / "package"
    package.mkdir()
    module = package / "stage.py"
    module.write_text("x = 1\n", encoding="utf-8")
    (package / "notes.txt").write_text("not code\n", encoding="utf-8")
    first = cache.package_key(package)
    assert cache.package_key(package) == first
    (package / "notes.txt").write_text("still not code\n", encoding="utf-8")
    assert cache.package_key(package) == first
    module.write_text("x = 22\n", encoding="utf-8")  # a new size
    second = cache.package_key(package)
    assert second != first
    os.utime(module, ns=(1, 1))  # the same size, another time: as after a checkout
    third = cache.package_key(package)
    assert third not in (first, second)
    (package / "new.py").write_text("", encoding="utf-8")
    assert cache.package_key(package) not in (first, second, third)
