"""cmaltgen deploy, end to end against real git and real bare repositories on disk.

Every refusing case snapshots the repository (HEAD, index, working tree bytes, every ref, the
stash, the worktrees) and the remote before and after, and asserts nothing changed."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cmaltgen.cli import main
from cmaltgen.diagnostics import CmaltgenError
from cmaltgen.output import gitbranch as deploy_module
from cmaltgen.output.gitbranch import PAGES_FILE_LIMIT, deploy
from tests.conftest import TODAY, PortfolioFactory, evidence, write_files

pytestmark = pytest.mark.slow("deploy")

Repo = tuple[Path, Path]


def run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """git as the tests use it; GIT_OPTIONAL_LOCKS=0 keeps `git status` from refreshing the
    index, so the snapshots themselves change nothing."""
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0"}
    return subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, check=False, env=env
    )


def git(cwd: Path, *args: str) -> str:
    proc = run(cwd, *args)
    assert proc.returncode == 0, f"git {' '.join(args)}: {proc.stderr}"
    return proc.stdout.strip()


@pytest.fixture(autouse=True)
def _plain_git(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The tests' git never reads the developer's own configuration."""
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "gitconfig"))
    (tmp_path / "gitconfig").write_text("[init]\n\tdefaultBranch = main\n", encoding="utf-8")


def _identity(root: Path) -> None:
    git(root, "config", "user.name", "Sam Tester")
    git(root, "config", "user.email", "sam@example.org")


@pytest.fixture
def repo(tmp_portfolio: PortfolioFactory, tmp_path: Path) -> Repo:
    """A portfolio committed on main, with a bare repository as its origin, and a stash entry
    (so every snapshot also proves the stash unchanged)."""
    root = tmp_portfolio()
    bare = tmp_path / "remote.git"
    git(tmp_path, "init", "--bare", "-q", str(bare))
    git(root, "init", "-q", "-b", "main")
    _identity(root)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "My portfolio")
    git(root, "remote", "add", "origin", str(bare))
    future = root / "future-plans" / "reflection.md"
    future.write_text(future.read_text() + "\nAn idea for later.\n", encoding="utf-8")
    git(root, "stash", "-q")
    return root, bare


def snapshot(root: Path) -> dict[str, object]:
    """Everything of the user's that deploy must leave as it was, byte for byte."""

    def git_file(name: str) -> bytes:
        path = Path(git(root, "rev-parse", "--path-format=absolute", "--git-path", name))
        return path.read_bytes() if path.exists() else b""

    files = {
        path.relative_to(root).as_posix(): (
            hashlib.sha256(path.read_bytes()).hexdigest(),
            path.stat().st_mtime_ns,  # rewritten with the same bytes would still show
        )
        for path in sorted(root.rglob("*"))
        if path.is_file() and ".git" not in path.relative_to(root).parts
    }
    return {
        "HEAD file": git_file("HEAD"),
        "index file": git_file("index"),
        "HEAD": run(root, "rev-parse", "--verify", "--quiet", "HEAD").stdout,
        "status": git(root, "status", "--porcelain=v2", "--branch", "--untracked-files=all"),
        "ignored": git(root, "status", "--porcelain", "--ignored"),
        "staged": git(root, "diff", "--cached", "--binary"),
        "index": git(root, "ls-files", "--stage"),
        "refs": git(root, "for-each-ref", "--format=%(refname) %(objectname) %(symref)"),
        "stash": git(root, "stash", "list"),
        "worktrees": git(root, "worktree", "list", "--porcelain"),
        "files": files,
    }


def remote_refs(bare: Path) -> str:
    return git(bare, "for-each-ref", "--format=%(refname) %(objectname)")


def cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["deploy", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.exit_code, result.output


def assert_refused(root: Path, bare: Path, args: list[str], *phrases: str) -> str:
    """deploy through the CLI: exit 1, plain words naming the fix, no traceback, no change."""
    before, remote_before = snapshot(root), remote_refs(bare)
    code, output = cli(str(root), *args)
    assert code == 1, output
    assert "Traceback" not in output and "internal problem" not in output
    assert "Nothing was changed" in output or "nothing was committed" in output
    for phrase in phrases:
        assert phrase in output, output
    assert snapshot(root) == before
    assert remote_refs(bare) == remote_before
    return output


# --- publishing --------------------------------------------------------------------------


def test_deploy_pushes_the_site_to_gh_pages_without_touching_the_work(repo: Repo) -> None:
    root, bare = repo
    (root / "notes.txt").write_text("uncommitted work in progress", encoding="utf-8")
    before = snapshot(root)
    done = deploy(root, cname="portfolio.example.org", today=TODAY)
    assert done.build.ok and done.pushed and done.url == "https://portfolio.example.org/"
    after = snapshot(root)
    assert after.pop("refs") != before.pop("refs")
    assert after == before  # HEAD, index, status (incl. untracked), stash and files
    files = git(bare, "ls-tree", "-r", "--name-only", "gh-pages").splitlines()
    assert {"index.html", "1a/index.html", ".nojekyll", "CNAME", "404.html"} <= set(files)
    assert git(bare, "show", "gh-pages:CNAME") == "portfolio.example.org"
    assert "Sam Tester" in git(bare, "show", "gh-pages:index.html")
    assert git(bare, "rev-parse", "gh-pages") == done.commit
    assert git(root, "rev-parse", "gh-pages", "origin/gh-pages").split() == [done.commit] * 2


def test_second_deploy_adds_a_commit_on_top(repo: Repo) -> None:
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


def test_a_custom_domain_set_on_github_is_kept_by_the_next_deploy(
    repo: Repo, tmp_path: Path
) -> None:
    """GitHub's Settings > Pages commits a CNAME file to gh-pages; a deploy without --cname
    used to drop it, which switched the custom domain off."""
    root, bare = repo
    deploy(root, today=TODAY)
    web = tmp_path / "as-github-does"
    git(tmp_path, "clone", "-q", "-b", "gh-pages", str(bare), str(web))
    (web / "CNAME").write_text("cmalt.example.org", encoding="utf-8")
    _identity(web)
    git(web, "add", "CNAME")
    git(web, "commit", "-q", "-m", "Create CNAME")
    git(web, "push", "-q", "origin", "gh-pages")
    git(root, "fetch", "-q", "origin")
    done = deploy(root, today=TODAY)
    assert git(bare, "show", "gh-pages:CNAME") == "cmalt.example.org"
    assert done.url == "https://cmalt.example.org/"
    assert any("Kept the custom domain cmalt.example.org" in note for note in done.notes)
    assert deploy(root, cname="new.example.org", today=TODAY).url == "https://new.example.org/"
    assert git(bare, "show", "gh-pages:CNAME") == "new.example.org"
    # A CNAME that is no domain name is left out, and the note says so.
    git(web, "pull", "-q", "--ff-only")
    (web / "CNAME").write_text("https://oops/", encoding="utf-8")
    git(web, "commit", "-q", "-am", "Broken CNAME")
    git(web, "push", "-q", "origin", "gh-pages")
    git(root, "fetch", "-q", "origin")
    done = deploy(root, today=TODAY)
    assert run(bare, "cat-file", "-e", "gh-pages:CNAME").returncode != 0
    assert any("'https://oops/', which is not a domain name" in note for note in done.notes)


def test_a_branch_holding_a_site_made_another_way_is_replaced_with_a_note(
    repo: Repo, tmp_path: Path
) -> None:
    """A gh-pages made by hand (or by another tool): its files go from the new tree, so the
    note names them and how to get one back; they stay in the branch's history."""
    root, bare = repo
    web = tmp_path / "hand-made"
    git(tmp_path, "init", "-q", "-b", "gh-pages", str(web))
    _identity(web)
    for name in ("index.html", "style.css", "cv.pdf", "photo.jpg", "CNAME"):
        (web / name).write_text(name if name != "CNAME" else "me.example.org", encoding="utf-8")
    git(web, "add", "-A")
    git(web, "commit", "-q", "-m", "My old site")
    git(web, "push", "-q", str(bare), "gh-pages")
    old = git(web, "rev-parse", "HEAD")
    git(root, "fetch", "-q", "origin")
    done = deploy(root, today=TODAY)
    notes = [n for n in done.notes if "cmaltgen did not publish" in n]
    assert len(notes) == 1, done.notes
    assert "(cv.pdf, index.html, photo.jpg and 1 more)" in notes[0]
    assert f"git restore --source {old[:10]} FILE" in notes[0]
    assert git(bare, "rev-parse", "gh-pages^") == old
    assert git(bare, "show", f"{old}:cv.pdf") == "cv.pdf"
    again = deploy(root, today=TODAY)  # on a branch cmaltgen published: nothing to say
    assert not any("cmaltgen did not publish" in n for n in again.notes)


@pytest.mark.parametrize("safecrlf", ["true", "warn"])
def test_files_are_published_byte_for_byte_whatever_the_line_ending_settings(
    repo: Repo, tmp_path: Path, safecrlf: str
) -> None:
    """Git for Windows sets core.autocrlf: `git add` turned an all-text PDF's CRLFs into LFs
    (breaking it), and with core.safecrlf the deploy failed with git's 'LF would be
    replaced by CRLF'. A global attributes file marking PDFs as text did the same."""
    root, bare = repo
    pdf = b"%PDF-1.4\r\n1 0 obj << /Type /Catalog >>\r\nendobj\r\ntrailer\n%%EOF\r\n"
    (root / "1a" / "report.pdf").write_bytes(pdf)
    write_files(
        root,
        {
            "1a/evidence.yml": evidence("1a") + "- id: ev-pdf\n  title: Report\n  type: document\n"
            "  date: 2025-06-01\n  file: report.pdf\n  shows: My writing.\n",
        },
    )
    git(root, "-c", "core.autocrlf=false", "add", "1a")
    git(root, "-c", "core.autocrlf=false", "commit", "-q", "-m", "Report")
    git(root, "config", "core.autocrlf", "true")
    git(root, "config", "core.safecrlf", safecrlf)
    (tmp_path / "attributes").write_text("*.pdf text eol=lf\n", encoding="utf-8")
    git(root, "config", "core.attributesFile", str(tmp_path / "attributes"))
    before = snapshot(root)
    done = deploy(root, today=TODAY)
    assert done.pushed
    assert _blob(bare, "gh-pages:files/1a/report.pdf") == pdf
    after = snapshot(root)
    after.pop("refs"), before.pop("refs")
    assert after == before


def _blob(repo: Path, spec: str) -> bytes:
    return subprocess.run(
        ["git", "cat-file", "blob", spec], cwd=repo, capture_output=True, check=True
    ).stdout


def test_failing_build_publishes_nothing(repo: Repo) -> None:
    root, bare = repo
    (root / "1a" / "evidence.yml").write_text("- id: [broken\n", encoding="utf-8")
    done = deploy(root, today=TODAY)
    assert not done.build.ok and not done.commit and not done.pushed
    assert "gh-pages" not in git(bare, "branch", "--list")
    assert "gh-pages" not in git(root, "branch", "--list")


def test_strict_refuses_warnings(repo: Repo) -> None:
    root, _ = repo
    (root / "future-plans" / "reflection.md").write_text(
        "---\nsection: future-plans\n---\nShort.\n", encoding="utf-8"
    )
    assert not deploy(root, strict=True, today=TODAY).commit
    assert deploy(root, strict=False, today=TODAY).commit


def test_no_push_commits_locally_only(repo: Repo) -> None:
    root, bare = repo
    done = deploy(root, push=False, today=TODAY)
    assert done.commit and not done.pushed
    assert git(root, "rev-parse", "gh-pages") == done.commit
    assert "gh-pages" not in git(bare, "branch", "--list")


def test_local_commits_are_pushed_later_on_top(repo: Repo) -> None:
    """Deploys made with --no-push are kept: the next push builds on them."""
    root, bare = repo
    local = deploy(root, push=False, today=TODAY).commit
    pushed = deploy(root, today=TODAY).commit
    assert git(bare, "rev-parse", "gh-pages^") == local
    assert git(bare, "rev-parse", "gh-pages") == pushed == git(root, "rev-parse", "gh-pages")


def test_a_repository_git_distrusts_is_explained_not_called_missing(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder owned by another account (USB drive, network share, WSL): git says 'dubious
    ownership'; the advice was to run git init there."""
    root, bare = repo
    before, remote_before = snapshot(root), remote_refs(bare)
    monkeypatch.setenv("GIT_TEST_ASSUME_DIFFERENT_OWNER", "1")  # git's own switch for this
    code, output = cli(str(root))
    assert code == 1 and "Traceback" not in output
    assert "belongs to another user account" in output and "git init" not in output
    assert f'git config --global --add safe.directory "{root}"' in output
    monkeypatch.delenv("GIT_TEST_ASSUME_DIFFERENT_OWNER")
    assert snapshot(root) == before and remote_refs(bare) == remote_before


def test_not_a_git_repository_is_a_plain_error(tmp_portfolio: PortfolioFactory) -> None:
    with pytest.raises(CmaltgenError, match="not inside a git repository"):
        deploy(tmp_portfolio(), today=TODAY)


def test_a_missing_folder_is_a_plain_error(tmp_path: Path) -> None:
    code, output = cli(str(tmp_path / "nowhere"))
    assert code == 1 and "is not a folder" in output and "Traceback" not in output


def test_dirty_tree_and_stash_deploy_the_files_as_they_are_and_stay_untouched(
    repo: Repo,
) -> None:
    """Uncommitted, staged and stashed changes: deploy publishes the working files, says
    so, and leaves HEAD, the index, the files and the stash exactly as they were."""
    root, bare = repo
    reflection = root / "1b" / "reflection.md"
    reflection.write_text(reflection.read_text() + "\nStashed thought.\n", encoding="utf-8")
    git(root, "stash", "-q")
    (root / "1a" / "reflection.md").write_text(
        "---\nsection: 1a\n---\n## Description\n\nStaged [r](evidence:ev-1a).\n\n"
        "## Reflection\n\nI.\n",
        encoding="utf-8",
    )
    git(root, "add", "1a/reflection.md")
    (root / "1a" / "reflection.md").write_text(
        "---\nsection: 1a\n---\n## Description\n\nNot yet staged [r](evidence:ev-1a).\n\n"
        "## Reflection\n\nI.\n",
        encoding="utf-8",
    )
    (root / "scratch.txt").write_text("untracked", encoding="utf-8")
    before = snapshot(root)
    code, output = cli(str(root))
    assert code == 0, output
    assert "changes not committed to git" in output
    after = snapshot(root)
    after.pop("refs"), before.pop("refs")
    assert after == before
    assert "Not yet staged" in git(bare, "show", "gh-pages:1a/index.html")
    assert git(root, "stash", "list").count("stash@") == 2


def test_detached_head_deploys_and_stays_detached(repo: Repo) -> None:
    """A detached HEAD is safe: deploy never moves HEAD, so it publishes from it."""
    root, bare = repo
    git(root, "switch", "-q", "--detach", "HEAD")
    before = snapshot(root)
    done = deploy(root, today=TODAY)
    assert done.pushed and git(bare, "rev-parse", "gh-pages") == done.commit
    after = snapshot(root)
    assert (
        after["HEAD file"]
        == before["HEAD file"]
        == (git(root, "rev-parse", "HEAD") + "\n").encode()
    )
    assert after["status"] == before["status"] and after["files"] == before["files"]


def test_portfolio_in_a_subfolder_of_the_repository(
    tmp_portfolio: PortfolioFactory, tmp_path: Path
) -> None:
    """The repository holds more than the portfolio: the site is built from the subfolder
    and the branch gets the site at its root."""
    portfolio = tmp_portfolio()
    top = tmp_path / "work"
    top.mkdir()
    portfolio.rename(top / "cmalt")
    (top / "README.md").write_text("My CMALT work\n", encoding="utf-8")
    bare = tmp_path / "remote.git"
    git(tmp_path, "init", "--bare", "-q", str(bare))
    git(top, "init", "-q", "-b", "main")
    _identity(top)
    git(top, "add", "-A")
    git(top, "commit", "-q", "-m", "Work")
    git(top, "remote", "add", "origin", str(bare))
    before = snapshot(top)
    code, output = cli(str(top / "cmalt"))
    assert code == 0, output
    files = set(git(bare, "ls-tree", "-r", "--name-only", "gh-pages").splitlines())
    assert {"index.html", "1a/index.html", ".nojekyll"} <= files
    assert "README.md" not in files and not any(f.startswith("cmalt/") for f in files)
    after = snapshot(top)
    after.pop("refs"), before.pop("refs")
    assert after == before


def test_shallow_clone_deploys(repo: Repo, tmp_path: Path) -> None:
    """A shallow clone (as CI makes) can publish: the site commit needs no old history."""
    root, bare = repo
    (root / "extra.txt").write_text("a second commit\n", encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "More")
    git(root, "push", "-q", "origin", "main")
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{bare}", str(shallow))
    _identity(shallow)
    assert git(shallow, "rev-parse", "--is-shallow-repository") == "true"
    done = deploy(shallow, today=TODAY)
    assert done.pushed and git(bare, "rev-parse", "gh-pages") == done.commit


def test_shallow_clone_missing_the_published_branch_is_told_to_fetch_it(
    repo: Repo, tmp_path: Path
) -> None:
    root, bare = repo
    git(root, "push", "-q", "origin", "main")
    first = deploy(root, today=TODAY).commit
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{bare}", str(shallow))
    _identity(shallow)
    assert_refused(shallow, bare, [], "git fetch origin gh-pages", "shallow clone")
    git(shallow, "fetch", "-q", "origin", "gh-pages")
    done = deploy(shallow, today=TODAY)
    assert git(bare, "rev-parse", "gh-pages^") == first == git(root, "rev-parse", "gh-pages")
    assert git(bare, "rev-parse", "gh-pages") == done.commit


def test_publishing_from_a_second_computer_builds_on_the_remote_branch(
    repo: Repo, tmp_path: Path
) -> None:
    """A fresh clone has origin/gh-pages but no local gh-pages: deploy builds on it, so the
    push is a fast-forward; and the first computer, now behind, is told to fetch."""
    root, bare = repo
    git(root, "push", "-q", "origin", "main")
    first = deploy(root, today=TODAY).commit
    other = tmp_path / "laptop"
    git(tmp_path, "clone", "-q", str(bare), str(other))
    _identity(other)
    second = deploy(other, today=TODAY).commit
    assert git(bare, "rev-parse", "gh-pages^") == first
    assert git(other, "rev-parse", "gh-pages") == second
    assert_refused(root, bare, [], "git fetch origin gh-pages")
    git(root, "fetch", "-q", "origin", "gh-pages")
    third = deploy(root, today=TODAY).commit
    assert git(bare, "rev-parse", "gh-pages^") == second
    assert git(root, "rev-parse", "gh-pages") == third


# --- refusing: the matrix of repository states -------------------------------------------


def test_refuses_when_gh_pages_is_checked_out_here(repo: Repo) -> None:
    """The reported bug: the branch checked out, deploy moved it under the user's files."""
    root, bare = repo
    git(root, "switch", "-q", "-c", "gh-pages")
    assert_refused(root, bare, [], "'gh-pages' is checked out here", "git switch main")


def test_refuses_when_gh_pages_is_an_unborn_checked_out_branch(repo: Repo) -> None:
    """`git checkout --orphan gh-pages` leaves the sources staged on an unborn branch."""
    root, bare = repo
    git(root, "checkout", "-q", "--orphan", "gh-pages")
    assert_refused(root, bare, [], "'gh-pages' is checked out here")


def test_refuses_when_gh_pages_is_checked_out_in_another_worktree(
    repo: Repo, tmp_path: Path
) -> None:
    root, bare = repo
    deploy(root, push=False, today=TODAY)
    elsewhere = tmp_path / "site-worktree"
    git(root, "worktree", "add", "-q", str(elsewhere), "gh-pages")
    before_there = snapshot(elsewhere)
    assert_refused(root, bare, [], "checked out in the worktree at", str(elsewhere))
    assert snapshot(elsewhere) == before_there


def test_refuses_when_gh_pages_is_checked_out_in_a_deleted_worktree(
    repo: Repo, tmp_path: Path
) -> None:
    """git still counts a worktree whose folder was deleted; so does deploy, and says how
    to make git forget it."""
    root, bare = repo
    deploy(root, push=False, today=TODAY)
    elsewhere = tmp_path / "site-worktree"
    git(root, "worktree", "add", "-q", str(elsewhere), "gh-pages")
    shutil.rmtree(elsewhere)
    assert_refused(root, bare, [], "no longer exists", "git worktree prune")
    git(root, "worktree", "prune")
    assert deploy(root, today=TODAY).pushed


def test_refuses_from_a_linked_worktree_when_the_main_one_has_the_branch(
    repo: Repo, tmp_path: Path
) -> None:
    root, bare = repo
    linked = tmp_path / "drafting"
    git(root, "worktree", "add", "-q", "-b", "drafting", str(linked))
    git(root, "switch", "-q", "-c", "gh-pages")
    assert_refused(linked, bare, [], f"checked out in the worktree at {root}")


def test_refuses_to_publish_on_the_branch_being_rebased_in_another_worktree(
    repo: Repo, tmp_path: Path
) -> None:
    root, bare = repo
    deploy(root, push=False, today=TODAY)
    elsewhere = tmp_path / "site-worktree"
    git(root, "worktree", "add", "-q", str(elsewhere), "gh-pages")
    (elsewhere / "index.html").write_text("edited by hand\n", encoding="utf-8")
    git(elsewhere, "commit", "-q", "-am", "Edit")
    stopped = run(elsewhere, "rebase", "-q", "--exec", "false", "HEAD~1")  # stops, detached
    assert stopped.returncode != 0
    assert git(elsewhere, "rev-parse", "--abbrev-ref", "HEAD") == "HEAD"
    assert_refused(root, bare, [], "'gh-pages' is checked out in the worktree at")


def test_refuses_with_no_commits(tmp_portfolio: PortfolioFactory, tmp_path: Path) -> None:
    root = tmp_portfolio()
    bare = tmp_path / "remote.git"
    git(tmp_path, "init", "--bare", "-q", str(bare))
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")  # staged but never committed
    git(root, "remote", "add", "origin", str(bare))
    assert_refused(root, bare, [], "no commits yet", "git commit")


def test_refuses_with_no_remote_and_says_how_to_add_one(repo: Repo) -> None:
    root, bare = repo
    git(root, "remote", "remove", "origin")
    output = assert_refused(root, bare, [], "no remote named 'origin'", "git remote add origin")
    assert "--no-push" in output
    assert deploy(root, push=False, today=TODAY).commit  # what the message offers works


def test_refuses_a_missing_remote_and_lists_the_others(repo: Repo) -> None:
    root, bare = repo
    git(root, "remote", "rename", "origin", "github")
    assert_refused(root, bare, [], "no remote named 'origin'", "github (use --remote)")


def test_refuses_an_unreachable_remote(repo: Repo, tmp_path: Path) -> None:
    root, bare = repo
    git(root, "remote", "set-url", "origin", str(tmp_path / "gone.git"))
    assert_refused(root, bare, [], "could not reach the remote 'origin'", "--no-push")


@pytest.mark.parametrize("published_before", [False, True])
def test_remote_that_rejects_the_push_leaves_the_local_branch_as_it_was(
    repo: Repo, published_before: bool
) -> None:
    root, bare = repo
    if published_before:
        deploy(root, today=TODAY)
    hook = bare / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'site publishing is closed' >&2\nexit 1\n")
    hook.chmod(0o755)
    output = assert_refused(
        root, bare, [], "did not accept the site", "pre-receive hook declined", "left as it was"
    )
    assert "site publishing is closed" in output


@pytest.mark.parametrize("hooks_path", ["", "my-hooks"])
def test_the_users_own_pre_push_hook_refusing_is_named_with_its_words(
    repo: Repo, hooks_path: str
) -> None:
    """A pre-push hook (husky, pre-commit) that fails: git says only 'failed to push some
    refs'; the message names the hook and what it printed, not the network."""
    root, bare = repo
    if hooks_path:
        git(root, "config", "core.hooksPath", hooks_path)
    hooks = Path(git(root, "rev-parse", "--path-format=absolute", "--git-path", "hooks"))
    hooks.mkdir(exist_ok=True)
    (hooks / "pre-push").write_text("#!/bin/sh\necho '3 tests failed, push aborted' >&2\nexit 1\n")
    (hooks / "pre-push").chmod(0o755)
    if hooks_path:  # the hook folder is part of the work: commit it, so the snapshot is clean
        git(root, "add", hooks_path)
        git(root, "commit", "-q", "-m", "hooks")
    output = assert_refused(root, bare, [], "pre-push hook", "3 tests failed, push aborted")
    assert f"{hooks_path or '.git/hooks'}/pre-push" in output
    assert "Check that you can push" not in output


def test_a_user_name_set_to_nothing_falls_back_like_an_unset_one(repo: Repo) -> None:
    root, bare = repo
    git(root, "config", "user.name", "")
    done = deploy(root, today=TODAY)
    assert done.pushed
    assert git(bare, "log", "-1", "--format=%an <%ae>", "gh-pages") == "cmaltgen <sam@example.org>"


def test_someone_publishing_during_the_deploy_is_a_plain_refusal(repo: Repo) -> None:
    """The race: the remote's gh-pages moves after deploy looked at it. A pre-push hook
    (run by the real push) moves it; the push is then not a fast-forward and is refused."""
    root, bare = repo
    git(root, "push", "-q", "origin", "main")
    first = deploy(root, today=TODAY).commit
    hook = Path(git(root, "rev-parse", "--path-format=absolute", "--git-path", "hooks"))
    hook.mkdir(exist_ok=True)
    (hook / "pre-push").write_text(
        f"#!/bin/sh\ngit --git-dir='{bare}' update-ref refs/heads/gh-pages refs/heads/main\n"
    )
    (hook / "pre-push").chmod(0o755)
    before = snapshot(root)
    code, output = cli(str(root))
    assert code == 1 and "Traceback" not in output
    assert "did not accept the site" in output and "git fetch origin gh-pages" in output
    assert snapshot(root) == before
    assert git(root, "rev-parse", "gh-pages") == first


def _conflicting_branch(root: Path) -> Path:
    """Branch ``other`` and ``main`` both change the same line of 1a's reflection."""
    target = root / "1a" / "reflection.md"
    git(root, "switch", "-q", "-c", "other")
    target.write_text(target.read_text() + "\nOther side.\n", encoding="utf-8")
    git(root, "commit", "-q", "-am", "Other")
    git(root, "switch", "-q", "main")
    target.write_text(target.read_text() + "\nThis side.\n", encoding="utf-8")
    git(root, "commit", "-q", "-am", "This")
    return target


@pytest.mark.parametrize(
    ("operation", "what", "abort"),
    [
        (("merge", "other"), "a merge", "git merge --abort"),
        (("rebase", "other"), "a rebase", "git rebase --abort"),
        (("rebase", "--merge", "other"), "a rebase", "git rebase --abort"),
        (("cherry-pick", "other"), "a cherry-pick", "git cherry-pick --abort"),
    ],
)
def test_refuses_in_the_middle_of_a_conflicted_operation(
    repo: Repo, operation: tuple[str, ...], what: str, abort: str
) -> None:
    """The files hold conflict markers: publishing them would publish a half-done state."""
    root, bare = repo
    target = _conflicting_branch(root)
    assert run(root, *operation).returncode != 0
    assert "<<<<<<<" in target.read_text()
    assert_refused(root, bare, [], f"in the middle of {what}", abort)


def test_refuses_in_the_middle_of_a_revert(repo: Repo) -> None:
    root, bare = repo
    _conflicting_branch(root)
    git(root, "merge", "-q", "-s", "ours", "other", "-m", "Keep ours")
    target = root / "1a" / "reflection.md"
    target.write_text(target.read_text() + "\nLater.\n", encoding="utf-8")
    git(root, "commit", "-q", "-am", "Later")
    assert run(root, "revert", "--no-edit", "HEAD~2").returncode != 0
    assert_refused(root, bare, [], "in the middle of a revert", "git revert --abort")


def test_refuses_in_the_middle_of_a_bisect(repo: Repo) -> None:
    root, bare = repo
    git(root, "bisect", "start")
    assert_refused(root, bare, [], "in the middle of a bisect", "git bisect reset")


@pytest.mark.parametrize(
    "name", ["bad name", "a..b", "-x", "HEAD", "x~1", "a:b", "gh-pages.lock", "", "a\\b", "@"]
)
def test_refuses_a_branch_name_that_is_not_a_valid_ref(repo: Repo, name: str) -> None:
    root, bare = repo
    assert_refused(root, bare, [f"--branch={name}"], "cannot be the name of a git branch")


def test_refuses_to_publish_onto_the_current_branch(repo: Repo) -> None:
    root, bare = repo
    assert_refused(root, bare, ["--branch", "main"], "'main' is checked out here")


def test_refuses_to_publish_onto_a_branch_of_the_sources(repo: Repo) -> None:
    root, bare = repo
    git(root, "branch", "drafts")
    assert_refused(root, bare, ["--branch", "drafts"], "holds your portfolio's sources")


def test_a_gh_pages_branch_made_by_hand_from_the_sources_is_refused_until_deleted(
    repo: Repo,
) -> None:
    root, bare = repo
    git(root, "branch", "gh-pages")
    assert_refused(root, bare, [], "holds your portfolio's sources", "git branch -d gh-pages")
    git(root, "branch", "-d", "-q", "gh-pages")
    assert deploy(root, today=TODAY).pushed


def test_a_remote_gh_pages_holding_the_sources_is_refused(repo: Repo) -> None:
    """An old Jekyll site kept its sources on gh-pages: deploy must not bury them."""
    root, bare = repo
    git(root, "push", "-q", "origin", "main:gh-pages")
    assert_refused(
        root, bare, [], "'gh-pages' on 'origin' holds your portfolio's sources", "--delete"
    )
    git(root, "fetch", "-q", "origin")
    before = snapshot(root)
    code, output = cli(str(root), "--no-push")  # the remote-tracking branch says the same
    assert code == 1 and "holds your portfolio's sources" in output
    assert snapshot(root) == before


def test_refuses_a_branch_name_clashing_with_an_existing_branch(repo: Repo) -> None:
    """refs/heads/site/live cannot exist beside refs/heads/site: found before pushing, so the
    remote never gets a branch the local one cannot follow."""
    root, bare = repo
    git(root, "branch", "site")
    assert_refused(root, bare, ["--branch", "site/live"], "clashes with an existing branch")


def test_refuses_while_a_stale_lock_holds_the_branch(repo: Repo) -> None:
    root, bare = repo
    lock = Path(git(root, "rev-parse", "--path-format=absolute", "--git-dir"))
    lock = lock / "refs" / "heads" / "gh-pages.lock"
    lock.write_text("", encoding="utf-8")
    assert_refused(root, bare, [], "could not move the branch 'gh-pages'", "delete that file")
    assert lock.exists()
    lock.unlink()
    assert deploy(root, today=TODAY).pushed


# --- GitHub Pages limits -------------------------------------------------------------------


def test_refuses_a_file_over_the_pages_limit_before_committing(repo: Repo) -> None:
    root, bare = repo
    big = root / "1a" / "lecture.mp4"
    with big.open("wb") as handle:  # sparse on disk, still a real 100 MB + 1 byte file
        handle.truncate(PAGES_FILE_LIMIT + 1)
    write_files(
        root,
        {
            "1a/evidence.yml": evidence("1a")
            + "- id: ev-lecture\n  title: Recorded lecture\n  type: video\n"
            "  date: 2025-06-01\n  file: lecture.mp4\n  shows: My teaching.\n",
        },
    )
    git(root, "add", "1a/evidence.yml")
    git(root, "commit", "-q", "-m", "Lecture")
    output = assert_refused(root, bare, [], "GitHub Pages would reject this site")
    assert (
        "1a/lecture.mp4 is 100.0 MB (104,857,601 bytes); GitHub accepts files up to 100 MB."
        in output
    )
    assert "url:" in output and "visibility: assessors" in output


def test_refuses_a_site_over_the_pages_limit(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    """1 GB of real files is too slow to write here, so the limit is lowered for the test;
    the measuring and the message are the real ones."""
    root, bare = repo
    monkeypatch.setattr(deploy_module, "PAGES_SITE_LIMIT", 1000)
    output = assert_refused(
        root, bare, [], "The whole site is", "accepts up to 1,000 bytes", "Its largest files: "
    )
    assert "GitHub accepts files up to" not in output


def test_a_site_exactly_at_the_limit_is_published(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, _ = repo
    first = deploy(root, push=False, today=TODAY).commit
    sizes = git(root, "ls-tree", "-r", "-l", first).splitlines()
    total = sum(int(line.split()[3]) for line in sizes)
    git(root, "branch", "-D", "-q", "gh-pages")
    monkeypatch.setattr(deploy_module, "PAGES_SITE_LIMIT", total)
    assert deploy(root, today=TODAY).pushed


# --- the real command ---------------------------------------------------------------------


def test_a_refusal_as_a_real_process(repo: Repo) -> None:
    root, bare = repo
    git(root, "switch", "-q", "-c", "gh-pages")
    before = snapshot(root)
    proc = subprocess.run(
        [sys.executable, "-m", "cmaltgen", "deploy", str(root)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert proc.returncode == 1
    assert "error: The branch 'gh-pages' is checked out here" in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    assert snapshot(root) == before and "gh-pages" not in remote_refs(bare)


@pytest.mark.parametrize(
    "cname", ["https://cmalt.example.org/", "cmalt.example.org/portfolio", "a b", "localhost"]
)
def test_a_cname_that_is_not_a_domain_name_is_refused_before_anything(
    repo: Repo, cname: str
) -> None:
    root, bare = repo
    assert_refused(
        root,
        bare,
        ["--cname", cname],
        f"--cname '{cname}' is not a domain name",
        "for example --cname cmalt.example.org",
    )
    assert run(root, "rev-parse", "--verify", "--quiet", "refs/heads/gh-pages").returncode != 0


def test_an_internationalised_cname_is_refused_with_its_ascii_form(repo: Repo) -> None:
    root, bare = repo
    assert_refused(
        root,
        bare,
        ["--cname", "portfolio.bücher.example"],
        "--cname 'portfolio.bücher.example' has letters outside ASCII",
        "Give its ASCII form: --cname portfolio.xn--bcher-kva.example",
    )


def test_a_cname_in_its_ascii_form_is_published_even_with_an_idna_top_level_domain(
    repo: Repo,
) -> None:
    root, bare = repo
    done = deploy(root, cname="cmalt.xn--p1ai", today=TODAY)
    assert done.build.ok and done.pushed and done.url == "https://cmalt.xn--p1ai/"
    assert git(bare, "show", "gh-pages:CNAME") == "cmalt.xn--p1ai"
