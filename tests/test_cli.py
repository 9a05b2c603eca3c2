"""The command line, through click's CliRunner and as a real process."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from cmaltgen import __version__
from cmaltgen.cli import main
from tests.conftest import CommandBuild, PortfolioFactory


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_version() -> None:
    code, out, _ = invoke("--version")
    assert code == 0 and out.strip() == f"cmaltgen, version {__version__}"


@pytest.mark.parametrize(
    "command",
    [[], ["build"], ["pathways"], ["schema"], ["check"], ["serve"], ["new"], ["deploy"], ["badge"]],
)
def test_every_command_has_help_with_examples(command: list[str]) -> None:
    code, out, _ = invoke(*command, "--help")
    assert code == 0 and "Examples:" in out


def test_build_defaults_to_the_current_folder_and_prints_a_summary(
    tmp_portfolio: PortfolioFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_portfolio()
    monkeypatch.chdir(root)
    code, out, err = invoke("build")
    assert code == 0, err
    # The theme's style.css, share.png, on-this-page.js and cpd-table.js.
    assert out.startswith("Built 11 sections, 9 evidence items, 16 pages (4 files copied), ")
    assert out.rstrip().endswith("-> _site") and err == ""
    assert (root / "_site" / "index.html").is_file()


def test_build_errors_exit_1_with_located_messages_and_no_traceback(
    tmp_portfolio: PortfolioFactory,
) -> None:
    root = tmp_portfolio({"portfolio.yml": "pathway: [cmalt\n"})
    code, out, err = invoke("build", str(root))
    assert code == 1 and out == ""
    assert "portfolio.yml:1:10: error yaml-syntax: this YAML cannot be read" in err
    assert "Traceback" not in err
    assert "Build failed: 1 error, 0 warnings. Nothing was written" in err


def test_warnings_exit_0_unless_strict(tmp_portfolio: PortfolioFactory) -> None:
    root = tmp_portfolio(
        {
            "portfolio.yml": "pathway: cmalt\ncandidate: {name: S, nmae: x}\n"
            "confirmation: {name: S, date: 2026-01-01}\n"
        }
    )
    code, _, err = invoke("build", str(root))
    assert code == 0 and "warning unknown-key [candidate.nmae]" in err
    code, _, err = invoke("build", str(root), "--strict")
    assert code == 1 and "(--strict)" in err


def test_no_strict_flag_pairs_with_strict(tmp_portfolio: PortfolioFactory) -> None:
    root = tmp_portfolio(
        {
            "portfolio.yml": "pathway: cmalt\ncandidate: {name: S, nmae: x}\n"
            "confirmation: {name: S, date: 2026-01-01}\n"
        }
    )
    code, _, _ = invoke("build", str(root), "--strict", "--no-strict")
    assert code == 0


def test_unsafe_output_is_refused_with_exit_1(tmp_portfolio: PortfolioFactory) -> None:
    root = tmp_portfolio()
    code, _, err = invoke("build", str(root), "-o", str(root / "1a"))
    assert code == 1 and "error output-location" in err and "Traceback" not in err


def test_not_a_portfolio_says_so(tmp_path: Path) -> None:
    code, _, err = invoke("build", str(tmp_path))
    assert code == 1 and "there is no portfolio.yml in this folder" in err


def test_debug_shows_the_traceback(tmp_portfolio: PortfolioFactory) -> None:
    root = tmp_portfolio()
    result = CliRunner().invoke(main, ["build", str(root), "-o", str(root), "--debug"])
    assert result.exit_code == 1 and result.exception is not None
    assert type(result.exception).__name__ == "CmaltgenError"


def test_missing_portfolio_dir_is_a_usage_error(tmp_path: Path) -> None:
    code, _, err = invoke("build", str(tmp_path / "nope"), "--frobnicate")
    assert code == 2 and "No such option" in err


def test_pathways_lists_what_each_requires() -> None:
    code, out, _ = invoke("pathways")
    assert code == 0
    assert "Senior CMALT  (pathway: senior)" in out
    assert "specialist-NAME       Specialist area (exactly 2)" in out
    assert "future-plans" in out and "200-500 words" in out
    code, out, _ = invoke("pathways", "--framework", "2016")
    assert code == 0 and "The wider context" in out
    code, _, err = invoke("pathways", "--framework", "1999")
    assert code == 2 and "2016" in err


@pytest.mark.parametrize("kind", ["portfolio", "evidence", "front-matter"])
def test_schema_prints_json_schema(kind: str) -> None:
    code, out, _ = invoke("schema", kind)
    schema = json.loads(out)
    assert code == 0 and schema["$schema"].endswith("2020-12/schema")


def test_python_dash_m_runs_the_cli(example_command_build: CommandBuild) -> None:
    proc = example_command_build.proc  # python -m cmaltgen build EXAMPLE -o SITE --strict
    assert proc.returncode == 0, proc.stderr
    assert "Built 11 sections, 25 evidence items, 16 pages" in proc.stdout


def test_new_then_build_from_the_command_line(tmp_path: Path) -> None:
    target = tmp_path / "my-portfolio"
    code, out, _ = invoke("new", str(target), "--pathway", "cmalt")
    assert code == 0 and "with 11 sections to write" in out
    code, out, err = invoke("build", str(target))
    assert code == 0, err
    assert "11 sections still to write (drafts, left out of the site)." in err
    assert "note: No site.base_url in portfolio.yml" in err
    code, _, err = invoke("new", str(target), "--pathway", "cmalt")
    assert code == 1 and "already exists and is not empty" in err
    code, _, err = invoke("new", str(tmp_path / "x"), "--pathway", "cmlat")
    assert code == 2 and "'cmlat' is not one of" in err


def test_deploy_refuses_outside_git_and_badge_prints_snippets(
    tmp_portfolio: PortfolioFactory,
) -> None:
    root = tmp_portfolio()
    code, _, err = invoke("deploy", str(root))
    assert code == 1 and "not inside a git repository" in err and "Traceback" not in err
    code, out, _ = invoke("badge", str(root))
    assert code == 0
    assert out == (
        "HTML:\n"
        '  <a href="https://sam.example.org/cmalt/" rel="me">Sam Tester\'s CMALT portfolio</a>\n\n'
        "Markdown:\n"
        "  [Sam Tester's CMALT portfolio](https://sam.example.org/cmalt/)\n\n"
        "Plain text:\n"
        "  Sam Tester's CMALT portfolio <https://sam.example.org/cmalt/>\n\n"
    )


def test_badge_without_base_url_points_at_the_line_to_write_it_on(tmp_path: Path) -> None:
    """Before: "badge needs site.base_url in portfolio.yml", with no line and no example."""
    root = tmp_path / "mine"
    assert invoke("new", str(root), "--pathway", "cmalt")[0] == 0
    text = (root / "portfolio.yml").read_text(encoding="utf-8")
    line = next(n for n, t in enumerate(text.splitlines(), 1) if "# base_url:" in t)
    code, out, err = invoke("badge", str(root))
    assert (code, out) == (1, "")
    assert err.startswith(
        f"{root / 'portfolio.yml'}:{line}: badge needs site.base_url, the address of your site\n"
        "    hint: remove the # at the start of this line and write the address, https://"
    )
    (root / "portfolio.yml").write_text(text.replace("  # base_url:", "  # "), encoding="utf-8")
    site = next(n for n, t in enumerate(text.splitlines(), 1) if t.startswith("site:"))
    code, _, err = invoke("badge", str(root))
    assert code == 1 and err.startswith(f"{root / 'portfolio.yml'}:{site}: badge needs")
    assert "hint: add under site: a line base_url: https://" in err


SITE = "  base_url: https://sam.example.org/cmalt/\n"


@pytest.mark.parametrize(
    ("pathway", "site", "label"),
    [
        ("associate", SITE, "Sam Tester: Associate CMALT portfolio"),  # no site.title
        ("cmalt", SITE, "Sam Tester: CMALT portfolio"),
        ("senior", SITE, "Sam Tester: Senior CMALT portfolio"),
        (
            "associate",
            SITE + "  title: Sam's learning technology\n",
            "Sam's learning technology: Associate CMALT portfolio",
        ),
        (
            "senior",
            SITE + "  title: 'Sam Tester: CMALT portfolio'\n",
            "Sam Tester: CMALT portfolio",
        ),  # already says it: not repeated
        ("cmalt", SITE + "  title: My cmalt Portfolio\n", "My cmalt Portfolio"),
        (
            "cmalt",
            SITE + "  title: 'Notes [2026] & *more*'\n",
            "Notes [2026] & *more*: CMALT portfolio",
        ),
    ],
)
def test_badge_names_whose_portfolio_and_the_pathway_once(
    tmp_portfolio: PortfolioFactory, pathway: str, site: str, label: str
) -> None:
    root = tmp_portfolio(
        {
            "portfolio.yml": f"pathway: {pathway}\ncandidate: {{name: Sam Tester}}\n"
            f"site:\n{site}confirmation: {{name: Sam Tester, date: 2026-10-01}}\n"
        }
    )
    code, out, err = invoke("badge", str(root))
    assert code == 0, err
    escaped = label.replace("&", "&amp;")
    md = label.replace("[", "\\[").replace("]", "\\]").replace("*", "\\*")
    url = "https://sam.example.org/cmalt/"
    assert out == (
        f'HTML:\n  <a href="{url}" rel="me">{escaped}</a>\n\n'
        f"Markdown:\n  [{md}]({url})\n\n"
        f"Plain text:\n  {label} <{url}>\n\n"
    )
    assert out.lower().count("cmalt portfolio") == 3  # once per snippet


def test_badge_without_base_url_says_what_is_needed(tmp_portfolio: PortfolioFactory) -> None:
    root = tmp_portfolio(
        {
            "portfolio.yml": "pathway: cmalt\ncandidate: {name: S}\n"
            "confirmation: {name: S, date: 2026-10-01}\n"
        }
    )
    code, _, err = invoke("badge", str(root))
    assert code == 1 and "badge needs site.base_url" in err


def test_deploy_from_the_command_line(tmp_portfolio: PortfolioFactory, tmp_path: Path) -> None:
    root = tmp_portfolio()
    for args in (
        ["init", "-q", "-b", "main"],
        ["add", "-A"],
        ["-c", "user.name=S", "-c", "user.email=s@example.org", "commit", "-qm", "x"],
    ):
        subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)
    code, out, err = invoke("deploy", str(root), "--no-push")
    assert code == 0, err
    assert "Committed the site to gh-pages as " in out and "(not pushed)" in out
    assert "It will appear at https://sam.example.org/cmalt/" in out
    # the site is built in a temporary folder: the summary names the branch, not that folder
    assert "s -> the gh-pages branch\n" in out and "cmaltgen-deploy-" not in out + err
    (root / "1a" / "evidence.yml").write_text("- id: [broken\n", encoding="utf-8")
    code, out, err = invoke("deploy", str(root), "--no-push")
    assert code == 1 and "Nothing was published to gh-pages." in err
    assert "Build failed: 1 error" in err and "cmaltgen-deploy-" not in out + err, err


def test_notes_name_their_file_from_the_working_folder_as_warnings_do(
    tmp_portfolio: PortfolioFactory, tmp_path: Path
) -> None:
    """Run from outside the portfolio, a note's file is a path from here (as a warning's is),
    so an editor or terminal can open it; not one from inside the portfolio."""
    from cmaltgen.diagnostics import display_path

    root = tmp_portfolio(
        {
            "1a/reflection.md": "---\nsection: 1a\n---\n## Description\n\nI cited "
            "[the notes](evidence:notes) and [r](evidence:ev-1a).\n\n## Reflection\n\nI.\n",
            "1b/evidence.yml": "- id: ev-1b\n  title: R\n  type: web-page\n  date: 2025-06-01\n"
            "  url: https://example.org/b\n  shows: It\n"
            "- id: notes\n  title: Notes\n  type: document\n  date: 2025-06-01\n"
            "  file: assessors-only/notes.pdf\n  shows: It\n  visibility: assessors\n",
        }
    )
    result = CliRunner().invoke(main, ["build", str(root), "-o", str(tmp_path / "site")])
    assert result.exit_code == 0, result.output
    notes = [line for line in result.output.splitlines() if line.startswith("note: ")]
    reflection, evidence = (display_path(root / f) for f in ("1a/reflection.md", "1b/evidence.yml"))
    assert [n.split(": ")[1].rsplit(":", 2)[0] for n in notes] == [evidence, reflection], notes
    warnings = [line for line in result.output.splitlines() if ": warning " in line]
    assert all(line.startswith(display_path(root)) for line in warnings), warnings


@pytest.mark.parametrize("command", [["build"], ["check"], ["serve"], ["cohort", "build"]])
def test_a_misspelt_folder_is_named_with_the_one_meant(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    (tmp_path / "my-portfolio").mkdir()
    monkeypatch.chdir(tmp_path)
    code, _, err = invoke(*command, "my-portfolo")
    assert code == 1
    assert err == (
        f"error: there is no folder {tmp_path / 'my-portfolo'} (did you mean 'my-portfolio'?)\n"
    )


@pytest.mark.parametrize("group", [[], ["cohort"]])
def test_the_command_lists_are_whole_sentences_and_every_option_says_what_it_does(
    group: list[str],
) -> None:
    """The first screen a newcomer reads: no summary cut off with '...', no option without
    a description."""
    code, out, _ = invoke(*group, "--help")
    listed = out.split("Commands:\n")[1].splitlines()
    assert code == 0 and len(listed) >= 3
    assert not [line for line in listed if line.endswith("...")], listed
    for name in [line.split()[0] for line in listed]:
        _, sub, _ = invoke(*group, name, "--help")
        options = sub.split("Options:\n")[1].splitlines() if "Options:\n" in sub else []
        bare = [
            line
            for line, after in zip(options, [*options[1:], ""], strict=True)
            if line.lstrip().startswith("-")
            and "  " not in line.strip()
            and not after.startswith(" " * 10)
        ]
        assert not bare, (name, bare)


def test_pathway_names_are_taken_in_any_case(tmp_path: Path) -> None:
    code, _, err = invoke("new", str(tmp_path / "p"), "--pathway", "CMALT")
    assert code == 0, err
    assert "pathway: cmalt " in (tmp_path / "p" / "portfolio.yml").read_text(encoding="utf-8")


def test_a_folder_far_above_is_shown_as_its_whole_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not ../../../tmp/...: the path as a newcomer can find it."""
    from cmaltgen.diagnostics import display_path

    deep = tmp_path.joinpath(*"abcdefghij")
    deep.mkdir(parents=True)
    monkeypatch.chdir(deep)
    far = Path(tmp_path.anchor, tmp_path.parts[1], "p")
    assert display_path(far) == far.as_posix()
    assert display_path(deep.parent / "p") == "../p"
    assert display_path(deep / "p" / "1a") == "p/1a"
