"""`check` finds what a build finds only while rendering, so it never says "Ready" when
`build` would fail: an unknown theme, a broken template override (reported once, not once per
page), an image that cannot be cleaned. Each is the same located error, exit 1, in both."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cmaltgen.cli import main
from tests.conftest import PortfolioFactory, evidence

PNG_CUT_SHORT = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000100000001008060000")


def run(*args: str | Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "internal problem" not in result.output, result.output
    return result.exit_code, result.output


def errors(output: str) -> list[str]:
    return [line for line in output.splitlines() if ": error " in line]


BROKEN = {
    "an unknown theme": (
        {},
        ("portfolio.yml", "site:\n", "site:\n  theme: ../../../etc\n"),
        "portfolio.yml:8:10: error theme-missing [site.theme]: there is no theme '../../../etc'",
    ),
    "a template override with a syntax error": (
        {"templates/base.html": "{% block content %}{{ page.title }"},
        None,
        "templates/base.html:1:1: error template-error: template syntax: unexpected '}'",
    ),
    "an image cut short": (
        {
            "1a/chart.png": PNG_CUT_SHORT,
            "1a/evidence.yml": evidence("1a").replace(
                "url: https://example.org/1a", "file: chart.png"
            ),
        },
        None,
        "1a/evidence.yml:5:9: error image-not-cleaned: the image 'chart.png' cannot be read as a "
        "PNG image (it is damaged",
    ),
}


@pytest.mark.parametrize(("files", "edit", "expected"), BROKEN.values(), ids=BROKEN.keys())
def test_check_reports_what_only_rendering_finds_as_build_does(
    tmp_portfolio: PortfolioFactory,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    files: dict[str, str | bytes],
    edit: tuple[str, str, str] | None,
    expected: str,
) -> None:
    root = tmp_portfolio(files)
    if edit is not None:
        name, old, new = edit
        text = (root / name).read_text(encoding="utf-8")
        (root / name).write_text(text.replace(old, new, 1), encoding="utf-8")
    monkeypatch.chdir(root)  # paths are shown relative to here
    built_code, built = run("build", "-o", tmp_path / "site")
    checked_code, checked = run("check")
    assert (built_code, checked_code) == (1, 1)
    assert errors(checked) == errors(built)
    assert len(errors(checked)) == 1, checked  # once, not once for every page
    assert errors(checked)[0].startswith(expected), checked
    assert "Not ready: 1 error" in checked
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize("name", ["9" * 400, "../default", "default/../print", "x\\0y"])
def test_a_theme_name_that_is_a_path_or_too_long_is_theme_missing(
    tmp_portfolio: PortfolioFactory,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
) -> None:
    root = tmp_portfolio()
    yml = root / "portfolio.yml"
    text = yml.read_text(encoding="utf-8")
    yml.write_text(text.replace("site:\n", f'site:\n  theme: "{name}"\n', 1), encoding="utf-8")
    monkeypatch.chdir(root)
    shown = name.replace("\\0", "\\x00")
    for args in (["build", "-o", tmp_path / "site"], ["check"]):
        code, output = run(*args)
        assert code == 1, output
        assert (
            f"portfolio.yml:8:10: error theme-missing [site.theme]: there is no theme '{shown}'"
        ) in output
        assert "hint: available themes: default, print" in output
    assert not (tmp_path / "site").exists()
