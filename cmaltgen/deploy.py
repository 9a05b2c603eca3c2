"""``cmaltgen deploy``: build, commit the site to a ``gh-pages`` branch, push it.

Like ``mkdocs gh-deploy``, but it never checks anything out: the site is built into a
temporary folder and committed with git plumbing (a temporary index, ``commit-tree`` and
``update-ref``), so the user's working tree, index and current branch are never touched.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cmaltgen import __version__
from cmaltgen.build import BuildResult, build
from cmaltgen.diagnostics import CmaltgenError

log = logging.getLogger(__name__)


@dataclass
class Deployed:
    build: BuildResult
    branch: str
    commit: str = ""
    pushed: bool = False
    url: str = ""


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
    """Build ``root`` and publish it on ``branch``; a failing build publishes nothing."""
    repo = _repo_root(root)
    with tempfile.TemporaryDirectory(prefix="cmaltgen-deploy-") as tmp:
        site = Path(tmp) / "site"
        result = build(root, site, strict=strict, today=today)
        deployed = Deployed(result, branch)
        if not result.ok:
            return deployed
        if cname:
            (site / "CNAME").write_text(cname.strip() + "\n", encoding="utf-8")
        deployed.commit = _commit_tree(repo, site, branch, message or _message(), Path(tmp))
    if push and _has_remote(repo, remote):
        _git(repo, "push", remote, f"refs/heads/{branch}:refs/heads/{branch}")
        deployed.pushed = True
    deployed.url = _pages_url(result, repo, remote, cname)
    return deployed


def _message() -> str:
    return f"Deploy CMALT portfolio with cmaltgen {__version__}"


def _git(repo: Path, *args: str, env: dict[str, str] | None = None) -> str:
    proc = subprocess.run(
        ["git", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        check=False,
    )
    if proc.returncode != 0:
        detail = proc.stderr.strip() or proc.stdout.strip()
        raise CmaltgenError(f"git {args[0]} failed: {detail}")
    return proc.stdout.strip()


def _repo_root(root: Path) -> Path:
    if shutil.which("git") is None:
        raise CmaltgenError("deploy needs git, and git is not installed")
    try:
        return Path(_git(root.resolve(), "rev-parse", "--show-toplevel"))
    except CmaltgenError:
        raise CmaltgenError(
            f"{root} is not inside a git repository; run 'git init' there first, "
            "or publish with the GitHub Actions workflow that 'cmaltgen new' writes"
        ) from None


def _identity(repo: Path) -> dict[str, str]:
    """Use the user's git identity; fall back to cmaltgen's so a fresh machine still works."""
    env: dict[str, str] = {}
    for key, var in (("user.name", "NAME"), ("user.email", "EMAIL")):
        try:
            _git(repo, "config", key)
        except CmaltgenError:
            fallback = "cmaltgen" if var == "NAME" else "cmaltgen@localhost"
            env[f"GIT_AUTHOR_{var}"] = env[f"GIT_COMMITTER_{var}"] = fallback
    return env


def _commit_tree(repo: Path, site: Path, branch: str, message: str, tmp: Path) -> str:
    env = {"GIT_INDEX_FILE": str(tmp / "index"), **_identity(repo)}
    _git(repo, "--work-tree", str(site), "add", "--all", "--force", ".", env=env)
    tree = _git(repo, "write-tree", env=env)
    parent = _branch_head(repo, branch)
    args = ["commit-tree", tree, "-m", message] + (["-p", parent] if parent else [])
    commit = _git(repo, *args, env=env)
    _git(repo, "update-ref", f"refs/heads/{branch}", commit, *([parent] if parent else []))
    log.info("committed %s to %s", commit, branch)
    return commit


def _branch_head(repo: Path, branch: str) -> str | None:
    try:
        return _git(repo, "rev-parse", "--verify", "--quiet", f"refs/heads/{branch}")
    except CmaltgenError:
        return None


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
