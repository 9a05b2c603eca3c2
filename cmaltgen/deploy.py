"""``cmaltgen deploy``: build, commit the site to a ``gh-pages`` branch, push it.

Like ``mkdocs gh-deploy``, but it never checks anything out: the site is built into a
temporary folder and committed with git plumbing (a temporary index, ``commit-tree``), so the
user's working tree, index, stash and current branch are never touched. The branch itself is
moved only at the very end, after the push succeeded, and only if nobody moved it meanwhile.

Before building, deploy refuses (changing nothing) whenever it cannot publish safely: the
branch is checked out in a worktree (moving it would desync that worktree), a merge, rebase,
cherry-pick, revert or bisect is under way, the repository has no commits, the branch name is
not valid or names the sources' own history, the remote is missing or unreachable, or the
remote's branch has commits this copy lacks. After building, it refuses a site GitHub Pages
would reject (:data:`PAGES_FILE_LIMIT`, :data:`PAGES_SITE_LIMIT`). A detached HEAD and
uncommitted changes are fine: deploy publishes the files as they are and touches neither.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from cmaltgen import __version__
from cmaltgen.build import BuildResult, build
from cmaltgen.diagnostics import CmaltgenError
from cmaltgen.render import filesize

log = logging.getLogger(__name__)

PAGES_FILE_LIMIT = 100 * 1024**2  # GitHub rejects a pushed file over 100 MB
PAGES_SITE_LIMIT = 1024**3  # GitHub Pages sites may be at most 1 GB

# Files git leaves in the git folder while an operation is half done, and how to finish it.
IN_PROGRESS = {
    "MERGE_HEAD": ("a merge", "git merge --continue", "git merge --abort"),
    "rebase-merge": ("a rebase", "git rebase --continue", "git rebase --abort"),
    "rebase-apply": ("a rebase", "git rebase --continue", "git rebase --abort"),
    "CHERRY_PICK_HEAD": ("a cherry-pick", "git cherry-pick --continue", "git cherry-pick --abort"),
    "REVERT_HEAD": ("a revert", "git revert --continue", "git revert --abort"),
    "BISECT_LOG": ("a bisect", "git bisect reset", "git bisect reset"),
}

UNCOMMITTED_NOTE = (
    "Your portfolio folder has changes not committed to git; the published site includes them "
    "as they are now. Commit them too, so your sources match what you published."
)


@dataclass
class Deployed:
    build: BuildResult
    branch: str
    commit: str = ""
    pushed: bool = False
    url: str = ""
    notes: list[str] = field(default_factory=list)


@dataclass
class _Plan:
    """What the checks found: where the new commit goes and what the branch must still be."""

    repo: Path
    local: str | None  # the branch's tip now; it is moved only if it is still this
    parent: str | None  # the new site commit's parent


def deploy(
    root: Path,
    *,
    branch: str = "gh-pages",
    remote: str = "origin",
    message: str | None = None,
    cname: str | None = None,
    push: bool = True,
    strict: bool = False,
    today: dt.date | None = None,
) -> Deployed:
    """Build ``root`` and publish it on ``branch``; a failing build publishes nothing.

    Raises :class:`CmaltgenError`, having changed nothing in the repository, whenever it
    cannot publish safely (see the module docstring)."""
    plan = _plan(_repo_root(root), branch, remote, push)
    with tempfile.TemporaryDirectory(prefix="cmaltgen-deploy-") as tmp:
        site = Path(tmp) / "site"
        result = build(root, site, strict=strict, today=today)
        deployed = Deployed(result, branch)
        if not result.ok:
            return deployed
        if cname:
            (site / "CNAME").write_text(cname.strip() + "\n", encoding="utf-8")
        check_pages_limits(site, result)
        deployed.commit = _commit_tree(plan, site, message or _message(), Path(tmp))
    if push:
        _push(plan.repo, remote, branch, deployed.commit)
        deployed.pushed = True
    _move_branch(plan, branch, deployed.commit, pushed=push, remote=remote)
    if _uncommitted(plan.repo, root):
        deployed.notes.append(UNCOMMITTED_NOTE)
    deployed.url = _pages_url(result, plan.repo, remote, cname)
    return deployed


def _message() -> str:
    return f"Deploy CMALT portfolio with cmaltgen {__version__}"


def _run(
    repo: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="backslashreplace",
        env={**os.environ, **(env or {})},
        check=False,
    )


def _git(repo: Path, *args: str, env: dict[str, str] | None = None) -> str:
    proc = _run(repo, *args, env=env)
    if proc.returncode != 0:
        detail = proc.stderr.strip() or proc.stdout.strip()
        raise CmaltgenError(f"git {args[0]} failed: {detail}")
    return proc.stdout.strip()


def _ok(repo: Path, *args: str) -> bool:
    return _run(repo, *args).returncode == 0


def _repo_root(root: Path) -> Path:
    if shutil.which("git") is None:
        raise CmaltgenError("deploy needs git, and git is not installed")
    if not root.is_dir():
        raise CmaltgenError(f"{root} is not a folder: give deploy your portfolio's folder")
    try:
        return Path(_git(root.resolve(), "rev-parse", "--show-toplevel"))
    except CmaltgenError:
        raise CmaltgenError(
            f"{root} is not inside a git repository; run 'git init' there first, "
            "or publish with the GitHub Actions workflow that 'cmaltgen new' writes"
        ) from None


# --- the checks: each refuses before anything is built or written ---------------------------


def _plan(repo: Path, branch: str, remote: str, push: bool) -> _Plan:
    _check_branch_name(repo, branch)
    _check_not_checked_out(repo, branch)
    _check_nothing_in_progress(repo)
    _check_has_commits(repo)
    local = _tip(repo, f"refs/heads/{branch}")
    _check_not_sources(repo, branch, local)
    if push:
        _check_remote(repo, remote)
        known = _remote_tip(repo, remote, branch)
    else:
        known = _tip(repo, f"refs/remotes/{remote}/{branch}")
    return _Plan(repo, local, _parent(repo, branch, remote, local, known))


def _check_branch_name(repo: Path, branch: str) -> None:
    plain = bool(branch) and not branch.startswith("-") and branch not in ("HEAD", "@")
    if plain and _ok(repo, "check-ref-format", f"refs/heads/{branch}"):
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
    for block in _git(repo, "worktree", "list", "--porcelain").split("\n\n"):
        lines = dict(line.partition(" ")[::2] for line in block.splitlines())
        if "worktree" in lines:
            found.append((Path(lines["worktree"]), lines.get("branch", "")))
    return found


def _being_rebased(worktree: Path) -> str:
    """The branch a rebase in ``worktree`` will move when it finishes, or ''."""
    if not worktree.is_dir():
        return ""
    for name in ("rebase-merge/head-name", "rebase-apply/head-name"):
        path = worktree / _git(worktree, "rev-parse", "--git-path", name)
        if path.is_file():
            return path.read_text(encoding="utf-8", errors="replace").strip()
    return ""


def _check_nothing_in_progress(repo: Path) -> None:
    names = list(IN_PROGRESS)
    args = [arg for name in names for arg in ("--git-path", name)]
    paths = _git(repo, "rev-parse", *args).splitlines()  # relative to repo, or absolute
    for name, path in zip(names, paths, strict=True):
        if (repo / path).exists():
            what, go_on, abort = IN_PROGRESS[name]
            raise CmaltgenError(
                f"This repository is in the middle of {what}, so its files may be half "
                f"changed and deploy would publish them so. Nothing was changed. Finish it "
                f"({go_on}) or undo it ({abort}), then run deploy again."
            )


def _check_has_commits(repo: Path) -> None:
    if not _ok(repo, "rev-parse", "--verify", "--quiet", "HEAD^{commit}"):
        raise CmaltgenError(
            "This repository has no commits yet, so there is nothing to keep your sources "
            "safe beside the published site. Nothing was changed. Commit your portfolio first "
            "(git add -A, then git commit -m 'My portfolio'), then run deploy again."
        )


def _check_not_sources(repo: Path, branch: str, tip: str | None, remote: str = "") -> None:
    """A branch whose tip is in HEAD's history holds sources (an old Jekyll site kept them on
    gh-pages); a site commit on it would bury them under the built site."""
    if not tip or not _ok(repo, "merge-base", "--is-ancestor", tip, "HEAD"):
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


def _check_remote(repo: Path, remote: str) -> None:
    remotes = _git(repo, "remote").split()
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
    proc = _run(repo, "ls-remote", remote, ref)
    if proc.returncode != 0:
        raise CmaltgenError(
            f"deploy could not reach the remote '{remote}' ({_reason(proc.stderr)}). Nothing "
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
    if not _ok(repo, "cat-file", "-e", f"{known}^{{commit}}"):
        raise CmaltgenError(
            f"The branch '{branch}' on '{remote}' has commits this copy of the repository "
            f"does not have (it was published from another computer, or this is a shallow "
            f"clone). Nothing was changed. Fetch them first: git fetch {remote} {branch}, "
            "then run deploy again."
        )
    _check_not_sources(repo, branch, known, remote)
    if local is None or _ok(repo, "merge-base", "--is-ancestor", local, known):
        return known
    if _ok(repo, "merge-base", "--is-ancestor", known, local):
        return local
    raise CmaltgenError(
        f"Your local branch '{branch}' and the one on '{remote}' have different histories, so "
        "deploy cannot tell which to build on. Nothing was changed. If the remote's is the one "
        f"to keep, delete your local copy (git branch -D {branch}) and run deploy again."
    )


def _tip(repo: Path, ref: str) -> str | None:
    proc = _run(repo, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    return proc.stdout.strip() if proc.returncode == 0 else None


# --- GitHub Pages limits ---------------------------------------------------------------------


def check_pages_limits(site: Path, result: BuildResult) -> None:
    """Refuse a built site that GitHub would reject, naming each file that is too big (or,
    for a site too big as a whole, its largest files)."""
    sizes = {
        path.relative_to(site).as_posix(): path.stat().st_size
        for path in site.rglob("*")
        if path.is_file()
    }
    largest = sorted(sizes, key=lambda rel: (-sizes[rel], rel))
    lines = [
        f"  {_source(rel, result)} is {_size(sizes[rel])}; GitHub accepts files up to "
        f"{_limit(PAGES_FILE_LIMIT)}."
        for rel in largest
        if sizes[rel] > PAGES_FILE_LIMIT
    ]
    total = sum(sizes.values())
    if total > PAGES_SITE_LIMIT:
        biggest = ", ".join(f"{_source(rel, result)} ({_size(sizes[rel])})" for rel in largest[:5])
        lines.append(
            f"  The whole site is {_size(total)}; GitHub Pages accepts up to "
            f"{_limit(PAGES_SITE_LIMIT)}. Its largest files: {biggest}."
        )
    if lines:
        raise CmaltgenError(
            "GitHub Pages would reject this site, so nothing was committed or pushed:\n"
            + "\n".join(lines)
            + "\nTo fix it, put large files elsewhere (a video service, your institution's "
            "repository, Zenodo) and cite them by url: in evidence.yml instead of file:, or "
            "make the evidence item assessors-only (visibility: assessors) so it goes to your "
            "assessors in 'cmaltgen bundle' and not onto the website."
        )


def _source(rel: str, result: BuildResult) -> str:
    """The portfolio file a site file was copied from, as the user knows it."""
    source = result.rendered.files.get(rel) if result.rendered else None
    if source is None:
        return rel
    try:
        return source.resolve().relative_to(result.root.resolve()).as_posix()
    except ValueError:  # a theme's file, outside the portfolio
        return rel


def _size(size: int) -> str:
    if size >= 1024**3:
        return f"{size / 1024**3:.2f} GB ({size:,} bytes)"
    return f"{filesize(size)} ({size:,} bytes)"


def _limit(size: int) -> str:
    for unit, scale in (("GB", 1024**3), ("MB", 1024**2)):
        if size % scale == 0:
            return f"{size // scale} {unit}"
    return f"{size:,} bytes"


# --- writing: a commit object, the push, then the branch -------------------------------------


def _identity(repo: Path) -> dict[str, str]:
    """Use the user's git identity; fall back to cmaltgen's so a fresh machine still works."""
    env: dict[str, str] = {}
    for key, var in (("user.name", "NAME"), ("user.email", "EMAIL")):
        if not _ok(repo, "config", key):
            fallback = "cmaltgen" if var == "NAME" else "cmaltgen@localhost"
            env[f"GIT_AUTHOR_{var}"] = env[f"GIT_COMMITTER_{var}"] = fallback
    return env


def _commit_tree(plan: _Plan, site: Path, message: str, tmp: Path) -> str:
    """The site as a commit object; no ref, index or file of the user's is touched."""
    env = {"GIT_INDEX_FILE": str(tmp / "index"), **_identity(plan.repo)}
    _git(plan.repo, "--work-tree", str(site), "add", "--all", "--force", ".", env=env)
    tree = _git(plan.repo, "write-tree", env=env)
    parent = ["-p", plan.parent] if plan.parent else []
    return _git(plan.repo, "commit-tree", tree, *parent, "-m", message, env=env)


def _push(repo: Path, remote: str, branch: str, commit: str) -> None:
    proc = _run(repo, "push", remote, f"{commit}:refs/heads/{branch}", env={"LC_ALL": "C"})
    if proc.returncode == 0:
        log.info("pushed %s to %s %s", commit, remote, branch)
        return
    err = proc.stderr
    if "non-fast-forward" in err or "fetch first" in err:
        fix = (
            f"It has commits yours lacks: fetch them (git fetch {remote} {branch}) "
            "and run deploy again."
        )
    elif "[remote rejected]" in err or "declined" in err:
        fix = (
            "The remote refused it (a hook or a branch protection rule): check the "
            "branch's settings on GitHub."
        )
    else:
        fix = f"Check that you can push to it (git push {remote}) and run deploy again."
    raise CmaltgenError(
        f"The remote '{remote}' did not accept the site ({_reason(err)}). Nothing was "
        f"changed: your local branch '{branch}' was left as it was. {fix}"
    )


def _reason(stderr: str) -> str:
    """git's own words, shortened to the lines that say what went wrong. A remote's text
    is untrusted: terminal escapes and control characters are dropped."""
    clean = re.sub(r"\x1b\[[0-9;]*[A-Za-z]|[\x00-\x08\x0b-\x1f\x7f]", "", stderr)
    lines = [line.strip() for line in clean.splitlines() if line.strip()]
    pattern = r"^remote: \S|rejected|error|fatal|denied|declined"
    wanted = [line for line in lines if re.search(pattern, line)]
    said = "; ".join((wanted or lines)[:4]) or "no reason given"
    return re.sub(r"\b[0-9a-f]{40}(?:[0-9a-f]{24})?\b", "the site", said)


def _move_branch(plan: _Plan, branch: str, commit: str, *, pushed: bool, remote: str) -> None:
    """Point the branch at the new commit, only if it still holds what the checks saw."""
    old = plan.local or ""
    proc = _run(
        plan.repo, "update-ref", "-m", "cmaltgen deploy", f"refs/heads/{branch}", commit, old
    )
    if proc.returncode != 0:
        done = f"The site was pushed to '{remote}', but y" if pushed else "Y"
        raise CmaltgenError(
            f"{done}our local branch '{branch}' changed while deploy ran, so it was left as it "
            f"was ({_reason(proc.stderr)}). Run deploy again."
        )
    log.info("moved %s to %s", branch, commit)


def _uncommitted(repo: Path, root: Path) -> bool:
    """Whether the portfolio has changes git has not committed; --no-optional-locks keeps
    status from refreshing the user's index."""
    where = str(root.resolve())
    status = _run(repo, "--no-optional-locks", "status", "--porcelain", "--", where)
    return status.returncode == 0 and bool(status.stdout.strip())


def _has_remote(repo: Path, remote: str) -> bool:
    return remote in _git(repo, "remote").split()


def _pages_url(result: BuildResult, repo: Path, remote: str, cname: str | None) -> str:
    """Where GitHub Pages will show the site: the CNAME, the base URL, or the remote's."""
    if cname:
        return f"https://{cname.strip()}/"
    site = result.site
    if site is not None and site.portfolio.config.site.base_url:
        return site.portfolio.config.site.base_url
    if not _has_remote(repo, remote):
        return ""
    url = _git(repo, "remote", "get-url", remote)
    found = re.search(r"github\.com[:/]([^/]+)/([^/]+?)(?:\.git)?$", url)
    if not found:
        return ""
    user, name = found.groups()
    if name.lower() == f"{user.lower()}.github.io":
        return f"https://{user.lower()}.github.io/"
    return f"https://{user.lower()}.github.io/{name}/"
