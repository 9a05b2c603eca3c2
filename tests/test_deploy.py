"""cmaltgen deploy, end to end against a real local bare repository."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from cmaltgen.deploy import deploy
from cmaltgen.diagnostics import CmaltgenError
from tests.conftest import TODAY, PortfolioFactory


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, check=True
    ).stdout.strip()


@pytest.fixture
def repo(tmp_portfolio: PortfolioFactory, tmp_path: Path) -> tuple[Path, Path]:
    """A portfolio committed on main, with a bare repository as its origin."""
    root = tmp_portfolio()
    bare = tmp_path / "remote.git"
    git(tmp_path, "init", "--bare", "-q", str(bare))
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "Sam Tester")
    git(root, "config", "user.email", "sam@example.org")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "My portfolio")
    git(root, "remote", "add", "origin", str(bare))
    return root, bare


def snapshot(root: Path) -> tuple[str, str, str, str]:
    return (
        git(root, "rev-parse", "--abbrev-ref", "HEAD"),
        git(root, "rev-parse", "HEAD"),
        git(root, "status", "--porcelain", "--ignored"),
        (root / "1a" / "reflection.md").read_text(encoding="utf-8"),
    )


def test_deploy_pushes_the_site_to_gh_pages_without_touching_the_work(
    repo: tuple[Path, Path],
) -> None:
    root, bare = repo
    (root / "notes.txt").write_text("uncommitted work in progress", encoding="utf-8")
    before = snapshot(root)
    done = deploy(root, cname="portfolio.example.org", today=TODAY)
    assert done.build.ok and done.pushed and done.url == "https://portfolio.example.org/"
    assert snapshot(root) == before  # branch, HEAD, status (incl. untracked) and files
    files = git(bare, "ls-tree", "-r", "--name-only", "gh-pages").splitlines()
    assert {"index.html", "1a/index.html", ".nojekyll", "CNAME", "404.html"} <= set(files)
    assert git(bare, "show", "gh-pages:CNAME") == "portfolio.example.org"
    assert "Sam Tester" in git(bare, "show", "gh-pages:index.html")
    assert git(bare, "rev-parse", "gh-pages") == done.commit


def test_second_deploy_adds_a_commit_on_top(repo: tuple[Path, Path]) -> None:
    root, bare = repo
    first = deploy(root, today=TODAY).commit
    (root / "1a" / "reflection.md").write_text(
        "---\nsection: 1a\n---\n## Description\n\nRevised [r](evidence:ev-1a).\n\n"
        "## Reflection\n\nI.\n",
        encoding="utf-8",
    )
    second = deploy(root, today=TODAY).commit
    assert git(bare, "rev-parse", "gh-pages^") == first and second != first
    assert "Revised" in git(bare, "show", "gh-pages:1a/index.html")
    assert deploy(root, today=TODAY).url == "https://sam.example.org/cmalt/"  # the base_url


def test_failing_build_publishes_nothing(repo: tuple[Path, Path]) -> None:
    root, bare = repo
    (root / "1a" / "evidence.yml").write_text("- id: [broken\n", encoding="utf-8")
    done = deploy(root, today=TODAY)
    assert not done.build.ok and not done.commit and not done.pushed
    assert "gh-pages" not in git(bare, "branch", "--list")
    assert "gh-pages" not in git(root, "branch", "--list")


def test_strict_refuses_warnings(repo: tuple[Path, Path]) -> None:
    root, _ = repo
    (root / "future-plans" / "reflection.md").write_text(
        "---\nsection: future-plans\n---\nShort.\n", encoding="utf-8"
    )
    assert not deploy(root, strict=True, today=TODAY).commit
    assert deploy(root, strict=False, today=TODAY).commit


def test_no_push_commits_locally_only(repo: tuple[Path, Path]) -> None:
    root, bare = repo
    done = deploy(root, push=False, today=TODAY)
    assert done.commit and not done.pushed
    assert git(root, "rev-parse", "gh-pages") == done.commit
    assert "gh-pages" not in git(bare, "branch", "--list")


def test_not_a_git_repository_is_a_plain_error(tmp_portfolio: PortfolioFactory) -> None:
    with pytest.raises(CmaltgenError, match="not inside a git repository"):
        deploy(tmp_portfolio(), today=TODAY)
