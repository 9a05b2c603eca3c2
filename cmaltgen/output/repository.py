"""The git repository ``cmaltgen deploy`` publishes into: running git, and the checks that
it is safe to publish there.

:func:`plan` refuses, raising :class:`CmaltgenError` and changing nothing, whenever a site
commit could not be added safely; otherwise it says which commit to build on and what the
branch must still point at when it is moved.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from cmaltgen.diagnostics import CmaltgenError
from cmaltgen.wording import git_reason

# Files git leaves in the git folder while an operation is half done, and how to finish it.
IN_PROGRESS = {
    "MERGE_HEAD": ("a merge", "git merge --continue", "git merge --abort"),
    "rebase-merge": ("a rebase", "git rebase --continue", "git rebase --abort"),
    "rebase-apply": ("a rebase", "git rebase --continue", "git rebase --abort"),
    "CHERRY_PICK_HEAD": ("a cherry-pick", "git cherry-pick --continue", "git cherry-pick --abort"),
    "REVERT_HEAD": ("a revert", "git revert --continue", "git revert --abort"),
    "BISECT_LOG": ("a bisect", "git bisect reset", "git bisect reset"),
}


@dataclass
class Plan:
    """What the checks found: where the new commit goes and what the branch must still be."""

    repo: Path
    local: str | None  # the branch's tip now; it is moved only if it is still this
    parent: str | None  # the new site commit's parent


def run_git(
    repo: Path, *args: str, env: dict[str, str] | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """git's result, never raising: for callers that read its exit status themselves."""
    return subprocess.run(
        ["git", *args],
        cwd=repo,
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="backslashreplace",
        env={**os.environ, **(env or {})},
        check=False,
    )


def git(repo: Path, *args: str, env: dict[str, str] | None = None) -> str:
    proc = run_git(repo, *args, env=env)
    if proc.returncode != 0:
        detail = proc.stderr.strip() or proc.stdout.strip()
        raise CmaltgenError(f"git {args[0]} failed: {detail}")
    return proc.stdout.strip()


def git_ok(repo: Path, *args: str) -> bool:
    return run_git(repo, *args).returncode == 0


def repo_root(root: Path) -> Path:
    if shutil.which("git") is None:
        raise CmaltgenError("deploy needs git, and git is not installed")
    if not root.is_dir():
        raise CmaltgenError(f"{root} is not a folder: give deploy your portfolio's folder")
    found = run_git(root.resolve(), "rev-parse", "--show-toplevel")
    if found.returncode == 0:
        return Path(found.stdout.strip())
    if "dubious ownership" in found.stderr:  # a USB drive, network share, WSL or Docker folder
        where = re.search(r"repository at '([^']*)'", found.stderr)
        folder = where.group(1) if where else str(root.resolve())
        raise CmaltgenError(
            f"git will not work in {folder}: the folder belongs to another user account on "
            "this computer (as on a USB drive, a network share or a folder shared with WSL or "
            "Docker), and git protects you from repositories others could have changed. "
            "Nothing was changed. If the folder is yours and you trust it, tell git so with "
            f'git config --global --add safe.directory "{folder}", then run deploy again.'
        )
    if "not a git repository" not in found.stderr:
        raise CmaltgenError(
            f"git could not open the repository at {root} ({git_reason(found.stderr)}). "
            "Nothing was changed."
        )
    raise CmaltgenError(
        f"{root} is not inside a git repository; run 'git init' there first, "
        "or publish with the GitHub Actions workflow that 'cmaltgen new' writes"
    )


def plan(repo: Path, branch: str, remote: str, push: bool) -> Plan:
    """Check, in order from cheapest, that a site commit can go on ``branch`` (and be pushed
    to ``remote``) without disturbing anything; the first problem refuses, in plain words."""
    _check_branch_name(repo, branch)
    _check_not_checked_out(repo, branch)
    _check_nothing_in_progress(repo)
    _check_has_commits(repo)
    local = _tip(repo, f"refs/heads/{branch}")
    _check_not_sources(repo, branch, local)
    _check_branch_can_move(repo, branch, local)
    if push:
        _check_remote(repo, remote)
        known = _remote_tip(repo, remote, branch)
    else:
        known = _tip(repo, f"refs/remotes/{remote}/{branch}")
    return Plan(repo, local, _parent(repo, branch, remote, local, known))


def _check_branch_name(repo: Path, branch: str) -> None:
    plain = bool(branch) and not branch.startswith("-") and branch not in ("HEAD", "@")
    if plain and git_ok(repo, "check-ref-format", f"refs/heads/{branch}"):
        return
    raise CmaltgenError(
        f"'{branch}' cannot be the name of a git branch (no spaces, '..', '~', '^', ':', '?', "
        "'*', '[', '\\', no leading '-', and not HEAD or @). Nothing was changed. Publish on "
        "the usual branch by leaving out --branch, or give a name such as gh-pages."
    )


def _check_not_checked_out(repo: Path, branch: str) -> None:
    """Moving a branch that a worktree has checked out would leave that worktree's files
    and index staged against the site: the user would see their sources as changes."""
    ref = f"refs/heads/{branch}"
    for path, head in _worktrees(repo):
        if head != ref and _being_rebased(path) != ref:
            continue
        if path == repo:
            where, fix = "here", "Switch back to your portfolio's branch (git switch main)"
        elif not path.is_dir():
            where = f"in a worktree at {path} that no longer exists"
            fix = "Let git forget it (git worktree prune)"
        else:
            where = f"in the worktree at {path}"
            fix = (
                f"Switch that worktree away from it (git -C {path} switch --detach) "
                f"or remove it (git worktree remove {path})"
            )
        raise CmaltgenError(
            f"The branch '{branch}' is checked out {where}, so deploy cannot publish on it "
            f"without disturbing the files there. Nothing was changed. {fix}, then run "
            "deploy again."
        )


def _worktrees(repo: Path) -> list[tuple[Path, str]]:
    """Each worktree's folder and the branch ref it has checked out ('' if detached)."""
    found: list[tuple[Path, str]] = []
    for block in git(repo, "worktree", "list", "--porcelain").split("\n\n"):
        lines = dict(line.partition(" ")[::2] for line in block.splitlines())
        if "worktree" in lines:
            found.append((Path(lines["worktree"]), lines.get("branch", "")))
    return found


def _being_rebased(worktree: Path) -> str:
    """The branch a rebase in ``worktree`` will move when it finishes, or ''."""
    if not worktree.is_dir():
        return ""
    for name in ("rebase-merge/head-name", "rebase-apply/head-name"):
        path = worktree / git(worktree, "rev-parse", "--git-path", name)
        if path.is_file():
            return path.read_text(encoding="utf-8", errors="replace").strip()
    return ""


def _check_nothing_in_progress(repo: Path) -> None:
    names = list(IN_PROGRESS)
    args = [arg for name in names for arg in ("--git-path", name)]
    paths = git(repo, "rev-parse", *args).splitlines()  # relative to repo, or absolute
    for name, path in zip(names, paths, strict=True):
        if (repo / path).exists():
            what, go_on, abort = IN_PROGRESS[name]
            raise CmaltgenError(
                f"This repository is in the middle of {what}, so its files may be half "
                f"changed and deploy would publish them so. Nothing was changed. Finish it "
                f"({go_on}) or undo it ({abort}), then run deploy again."
            )


def _check_has_commits(repo: Path) -> None:
    if not git_ok(repo, "rev-parse", "--verify", "--quiet", "HEAD^{commit}"):
        raise CmaltgenError(
            "This repository has no commits yet, so there is nothing to keep your sources "
            "safe beside the published site. Nothing was changed. Commit your portfolio first "
            "(git add -A, then git commit -m 'My portfolio'), then run deploy again."
        )


def _check_not_sources(repo: Path, branch: str, tip: str | None, remote: str = "") -> None:
    """A branch whose tip is in HEAD's history holds sources (an old Jekyll site kept them on
    gh-pages); a site commit on it would bury them under the built site."""
    if not tip or not git_ok(repo, "merge-base", "--is-ancestor", tip, "HEAD"):
        return
    if remote:
        where = f"The branch '{branch}' on '{remote}'"
        fix = f"delete it there (git push {remote} --delete {branch})"
    else:
        where, fix = f"The branch '{branch}'", f"delete it (git branch -d {branch})"
    raise CmaltgenError(
        f"{where} holds your portfolio's sources (it is part of the history you have "
        "checked out), not a published site. Nothing was changed. Publish on another branch "
        f"with --branch; or, if it holds nothing your current branch lacks, {fix} and run "
        "deploy again."
    )


def _check_branch_can_move(repo: Path, branch: str, local: str | None) -> None:
    """Rehearse moving the branch (lock it, check for a clashing name, then let go), so a
    push never succeeds only for the local branch to fail to follow."""
    ref = f"refs/heads/{branch}"
    change = f"update {ref} HEAD {local}" if local else f"create {ref} HEAD"
    proc = run_git(repo, "update-ref", "--stdin", stdin=f"start\n{change}\nprepare\nabort\n")
    if proc.returncode == 0 or "unknown command" in proc.stderr:  # git before 2.27
        return
    if "exists; cannot create" in proc.stderr or "cannot process" in proc.stderr:
        fix = "Its name clashes with an existing branch: choose another with --branch."
    elif ".lock" in proc.stderr:
        fix = (
            "Another git command is running here; wait for it to finish. If none is, one "
            "crashed and left a .lock file (named above): delete that file."
        )
    else:
        fix = "Check that you can write to this repository's .git folder."
    first = proc.stderr.strip().splitlines()[0] if proc.stderr.strip() else "no reason given"
    raise CmaltgenError(
        f"deploy could not move the branch '{branch}' in this repository "
        f"({first.removeprefix('fatal: ')}). Nothing was changed. {fix}"
    )


def _check_remote(repo: Path, remote: str) -> None:
    remotes = git(repo, "remote").split()
    if remote in remotes:
        return
    others = f" This repository's remotes: {', '.join(remotes)} (use --remote)." if remotes else ""
    raise CmaltgenError(
        f"This repository has no remote named '{remote}' to push the site to.{others} "
        "Nothing was changed. Create a repository on GitHub, then connect it with "
        f"git remote add {remote} https://github.com/YOUR-NAME/REPOSITORY.git "
        "and run deploy again; or run deploy --no-push to commit the site locally only."
    )


def _remote_tip(repo: Path, remote: str, branch: str) -> str | None:
    ref = f"refs/heads/{branch}"
    proc = run_git(repo, "ls-remote", remote, ref)
    if proc.returncode != 0:
        raise CmaltgenError(
            f"deploy could not reach the remote '{remote}' ({git_reason(proc.stderr)}). Nothing "
            "was changed. Check your network connection and that you can push "
            f"(git push {remote}), or run deploy --no-push to commit locally only."
        )
    for line in proc.stdout.splitlines():
        sha, _, name = line.partition("\t")
        if name == ref:
            return sha
    return None


def _parent(
    repo: Path, branch: str, remote: str, local: str | None, known: str | None
) -> str | None:
    """Build on whichever of the local and the remote branch contains the other."""
    if known is None or known == local:
        return local
    if not git_ok(repo, "cat-file", "-e", f"{known}^{{commit}}"):
        raise CmaltgenError(
            f"The branch '{branch}' on '{remote}' has commits this copy of the repository "
            f"does not have (it was published from another computer, or this is a shallow "
            f"clone). Nothing was changed. Fetch them first: git fetch {remote} {branch}, "
            "then run deploy again."
        )
    _check_not_sources(repo, branch, known, remote)
    if local is None or git_ok(repo, "merge-base", "--is-ancestor", local, known):
        return known
    if git_ok(repo, "merge-base", "--is-ancestor", known, local):
        return local
    raise CmaltgenError(
        f"Your local branch '{branch}' and the one on '{remote}' have different histories, so "
        "deploy cannot tell which to build on. Nothing was changed. If the remote's is the one "
        f"to keep, delete your local copy (git branch -D {branch}) and run deploy again."
    )


def _tip(repo: Path, ref: str) -> str | None:
    proc = run_git(repo, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    return proc.stdout.strip() if proc.returncode == 0 else None
