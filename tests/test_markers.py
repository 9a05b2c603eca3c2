"""The slow marks stay right: Chromium and the Nu checker start only through the helpers whose
fixtures mark their tests slow (tests/conftest.py), never from a test file itself."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import SLOW_FIXTURES, SLOW_RULES

TESTS = Path(__file__).resolve().parent
HELPERS = {"browser_support.py": "chromium()", "site_checks.py": "nu_errors()"}
# What starting Chromium or Java looks like in Python source.
STARTS = ("sync_playwright", "chromium.launch", '"java"', "'java'", "vnu-jar")


def test_only_the_helpers_start_chromium_or_the_nu_checker() -> None:
    found = []
    for path in sorted(TESTS.glob("*.py")):
        if path.name in HELPERS or path.name == Path(__file__).name:
            continue
        text = path.read_text(encoding="utf-8")
        found += [f"{path.name}: {start}" for start in STARTS if start in text]
    assert found == [], "use the browser or nu_checker fixture (tests/conftest.py) instead"


def test_the_helpers_are_where_chromium_and_java_start() -> None:
    """The other half of the check above: the patterns it looks for are the real ones."""
    assert "chromium.launch" in (TESTS / "browser_support.py").read_text(encoding="utf-8")
    checks = (TESTS / "site_checks.py").read_text(encoding="utf-8")
    assert '"java"' in checks and "vnu-jar" in checks


def test_each_marking_fixture_exists_and_names_a_rule() -> None:
    """Renaming the browser or nu_checker fixture must not quietly make its tests fast."""
    from tests import conftest

    for name, rule in SLOW_FIXTURES.items():
        assert rule in SLOW_RULES and callable(getattr(conftest, name, None)), name
