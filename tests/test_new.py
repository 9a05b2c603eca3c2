"""cmaltgen new: a fresh portfolio for each pathway that builds at once."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from cmaltgen import __version__
from cmaltgen.diagnostics import CmaltgenError
from cmaltgen.new import create
from tests.conftest import TODAY, formatted, run_build


@pytest.mark.parametrize(
    ("pathway", "sections"),
    [("associate", 10), ("cmalt", 11), ("senior", 13)],
)
def test_new_portfolio_builds_with_one_warning_per_unwritten_section(
    tmp_path: Path, pathway: str, sections: int
) -> None:
    created = create(tmp_path / "p", pathway, today=TODAY)
    assert len(created.sections) == sections
    result = run_build(created.root)
    shown = formatted(result)
    assert result.ok and result.written, shown
    assert len(shown) == sections and all(" warning draft [draft]: section " in s for s in shown)
    assert not run_build(created.root, strict=True).ok  # an unfinished portfolio is not published


def test_senior_gets_two_specialist_areas_and_an_advanced_area(tmp_path: Path) -> None:
    created = create(tmp_path / "p", "senior", today=TODAY)
    assert [s for s in created.sections if s.startswith(("specialist", "advanced"))] == [
        "specialist-first-area",
        "specialist-second-area",
        "advanced-impact",
    ]
    text = (tmp_path / "p" / "07-3b" / "reflection.md").read_text(encoding="utf-8")
    assert "focus: policy" in text
    text = (tmp_path / "p" / "08-4a" / "reflection.md").read_text(encoding="utf-8")
    assert "### Example 1\n\n\n### Example 2\n\n\n## Reflection" in text


def test_stubs_carry_the_guidance_and_parts(tmp_path: Path) -> None:
    create(tmp_path / "p", "cmalt", today=TODAY)
    text = (tmp_path / "p" / "05-2b" / "reflection.md").read_text(encoding="utf-8")
    assert text.startswith("---\nsection: 2b\n# 2b An understanding of your target learners\n")
    assert "# Evidence: Evidence of changed practice is required" in text
    assert "draft: true\n---\n## Description\n\n\n## Reflection\n" in text
    evidence = (tmp_path / "p" / "05-2b" / "evidence.yml").read_text(encoding="utf-8")
    assert yaml.safe_load(evidence) is None  # only comments: no evidence yet, and valid YAML


def test_finishing_a_section_removes_its_warning(tmp_path: Path) -> None:
    root = create(tmp_path / "p", "cmalt", today=TODAY).root
    (root / "01-1a" / "reflection.md").write_text(
        "---\nsection: 1a\n---\n## Description\n\nI compared [tools](evidence:tools).\n\n"
        "## Reflection\n\nI learned.\n",
        encoding="utf-8",
    )
    (root / "01-1a" / "evidence.yml").write_text(
        "- {id: tools, title: Tools, type: web-page, date: 2026-01-01, "
        "url: 'https://example.org/t', shows: It}\n",
        encoding="utf-8",
    )
    result = run_build(root)
    shown = formatted(result)
    drafts = [s for s in shown if " warning draft [draft]: " in s]
    assert result.ok and result.sections == 1 and len(drafts) == 10, shown
    # a section is published now: the details new wrote for you to replace are pointed out
    placeholders = [s.split(":", 1)[0] for s in shown if " warning placeholder " in s]
    assert placeholders == ["portfolio.yml"] * 4 and len(shown) == 14, shown


def test_workflow_is_valid_yaml_using_the_official_pages_actions(tmp_path: Path) -> None:
    create(tmp_path / "p", "cmalt", today=TODAY)
    workflow = yaml.safe_load((tmp_path / "p/.github/workflows/pages.yml").read_text("utf-8"))
    steps = workflow["jobs"]["build"]["steps"]
    uses = [s["uses"] for s in steps if "uses" in s] + [
        s["uses"] for s in workflow["jobs"]["deploy"]["steps"]
    ]
    assert "actions/upload-pages-artifact@v5" in uses and "actions/deploy-pages@v5" in uses
    assert "actions/configure-pages@v6" in uses
    (install,) = [s["run"] for s in steps if s.get("name") == "Install cmaltgen"]
    assert install.startswith(f'python -m pip install "cmaltgen=={__version__}" ||\n')
    assert any(s.get("run") == "cmaltgen build . -o _site" for s in steps)
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}


def test_the_workflow_build_step_publishes_a_fresh_portfolio(tmp_path: Path) -> None:
    """Without --strict, a first push publishes the finished parts (none yet) instead of
    failing: drafts stay out of the site and are listed as warnings."""
    root = create(tmp_path / "p", "cmalt", today=TODAY).root
    result = run_build(root, strict=False)
    assert result.ok and result.written and (root / "_site" / "index.html").is_file()
    assert all(" warning draft [draft]: " in s for s in formatted(result))


def test_refuses_a_non_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(CmaltgenError):
        create(tmp_path / "p", "cmalt", today=TODAY)
    assert [p.name for p in (tmp_path / "p").iterdir()] == ["notes.txt"]


def test_new_help_walks_through_the_first_publish_and_a_failed_run(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from cmaltgen.cli import main

    shown = CliRunner().invoke(main, ["new", "--help"], terminal_width=100)
    assert shown.exit_code == 0
    text = " ".join(shown.output.split())
    for step in (
        "File > Add local repository",
        'untick "Keep this code private"',
        'Settings > Pages and set "Source" to "GitHub Actions"',
        'click "Run workflow"',
        "If a run shows a red cross",
        "name the file and line to fix",
        'If "Install cmaltgen" fails',
    ):
        assert step in text, step
    made = CliRunner().invoke(main, ["new", str(tmp_path / "p"), "--pathway", "cmalt"])
    assert made.exit_code == 0 and "cmaltgen new --help" in made.output


def test_git_leaves_out_assessors_only_and_private_folders(tmp_path: Path) -> None:
    """A public repository need not hold them (docs/privacy.md); real git decides."""
    import subprocess

    root = create(tmp_path / "p", "cmalt", today=TODAY).root
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    names = ["02-1b/assessors-only/email.pdf", "03-1c/private/notes.txt", "02-1b/report.pdf"]
    for name in names:
        (root / name).parent.mkdir(exist_ok=True)
        (root / name).write_bytes(b"x")
    ignored = subprocess.run(
        ["git", "-C", str(root), "check-ignore", *names], capture_output=True, text=True
    ).stdout.split()
    assert ignored == names[:2]


@pytest.mark.parametrize(
    ("pathway", "folder", "ending"),
    [
        ("senior", "08-4a", "# Describe: How you work with others"),
        ("review", "03-significant-cpd", "# Describe: About three CPD activities"),
    ],
)
def test_guidance_that_names_a_heading_is_not_cut_short(
    tmp_path: Path, pathway: str, folder: str, ending: str
) -> None:
    """'### heading' in the guidance is words, not a YAML comment that ends the sentence."""
    create(tmp_path / "p", pathway, today=TODAY)
    text = (tmp_path / "p" / folder / "reflection.md").read_text(encoding="utf-8")
    describe = text[text.index(ending) :].split("\n# Evidence:")[0]
    assert describe.replace("\n#   ", " ").endswith("each under a ### heading."), describe
