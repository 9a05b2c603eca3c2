"""``cmaltgen deploy``: build, commit the site to a ``gh-pages`` branch, push it.

Like ``mkdocs gh-deploy``, but it never checks anything out: the site is built into a
temporary folder and committed with git plumbing (a temporary index, ``commit-tree``), so the
user's working tree, index, stash and current branch are never touched. The branch itself is
moved only at the very end, after the push succeeded, and only if nobody moved it meanwhile.
Deploy refuses, changing nothing, whenever it cannot publish safely: before building (the
checks in :mod:`cmaltgen.output.repository`) and after (a site GitHub Pages would reject). A
detached HEAD and uncommitted changes are fine: deploy publishes the files as they are.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from cmaltgen import __version__
from cmaltgen.build import BuildResult, build
from cmaltgen.diagnostics import CmaltgenError
from cmaltgen.output import repository
from cmaltgen.output.repository import Plan, git, git_ok, repo_root, run_git
from cmaltgen.site.output import MARKER
from cmaltgen.site.render import filesize
from cmaltgen.wording import git_reason

log = logging.getLogger(__name__)

PAGES_FILE_LIMIT = 100 * 1024**2  # GitHub rejects a pushed file over 100 MB
PAGES_SITE_LIMIT = 1024**3  # GitHub Pages sites may be at most 1 GB

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
    if cname is not None:
        _check_cname(cname)
    plan = repository.plan(repo_root(root), branch, remote, push)
    with tempfile.TemporaryDirectory(prefix="cmaltgen-deploy-") as tmp:
        site = Path(tmp) / "site"
        result = build(root, site, strict=strict, today=today, submitted=True)
        deployed = Deployed(result, branch)
        if not result.ok:
            return deployed
        if cname is None:
            cname = _kept_cname(plan, deployed.notes)
        if cname:
            (site / "CNAME").write_text(cname.strip() + "\n", encoding="utf-8")
        check_pages_limits(site, result)
        message = message or f"Deploy CMALT portfolio with cmaltgen {__version__}"
        deployed.commit = _commit_tree(plan, site, message, Path(tmp))
    if push:
        _push(plan.repo, remote, branch, deployed.commit)
        deployed.pushed = True
    _move_branch(plan, branch, deployed.commit, pushed=push, remote=remote)
    deployed.notes.extend(_replaced(plan, branch))
    if _uncommitted(plan.repo, root):
        deployed.notes.append(UNCOMMITTED_NOTE)
    deployed.url = _pages_url(result, plan.repo, remote, cname)
    return deployed


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
    for key, var, fallback in (
        ("user.name", "NAME", "cmaltgen"),
        ("user.email", "EMAIL", "cmaltgen@localhost"),
    ):
        if not run_git(repo, "config", key).stdout.strip():  # unset, or set to nothing
            env[f"GIT_AUTHOR_{var}"] = env[f"GIT_COMMITTER_{var}"] = fallback
    return env


def _commit_tree(plan: Plan, site: Path, message: str, tmp: Path) -> str:
    """The site as a commit object; no ref, index or file of the user's is touched."""
    env = {"GIT_INDEX_FILE": str(tmp / "index"), "GIT_ATTR_NOSYSTEM": "1", **_identity(plan.repo)}
    # The files as built, byte for byte: none of the user's line-ending settings (Git for
    # Windows sets core.autocrlf, which would turn an all-text PDF's CRLFs into LFs) applies.
    exact = ["-c", "core.autocrlf=false", "-c", "core.safecrlf=false"]
    exact += ["-c", f"core.attributesFile={tmp / 'no-attributes'}"]
    git(plan.repo, *exact, "--work-tree", str(site), "add", "--all", "--force", ".", env=env)
    tree = git(plan.repo, "write-tree", env=env)
    parent = ["-p", plan.parent] if plan.parent else []
    return git(plan.repo, "commit-tree", tree, *parent, "-m", message, env=env)


def _push(repo: Path, remote: str, branch: str, commit: str) -> None:
    proc = run_git(repo, "push", remote, f"{commit}:refs/heads/{branch}", env={"LC_ALL": "C"})
    if proc.returncode == 0:
        log.info("pushed %s to %s %s", commit, remote, branch)
        return
    err = proc.stderr
    if re.search(r"non-fast-forward|fetch first|but expected|stale info", err):
        fix = (
            f"It has commits yours lacks: fetch them (git fetch {remote} {branch}) "
            "and run deploy again."
        )
    elif hook := _pre_push_hook(repo, err):
        said = [line for line in err.splitlines() if not line.startswith("error: failed to push")]
        raise CmaltgenError(
            f"Your repository's pre-push hook ({hook}), a script git runs before every push, "
            f"stopped the push ({git_reason(chr(10).join(said))}). Nothing was changed: your "
            f"local branch '{branch}' was left as it was. Fix what it reports, or ask whoever "
            "set the hook up to let pushes of the published site through, then run deploy again."
        )
    elif "[remote rejected]" in err or "declined" in err:
        fix = (
            "The remote refused it (a hook or a branch protection rule): check the "
            "branch's settings on GitHub."
        )
    else:
        fix = f"Check that you can push to it (git push {remote}) and run deploy again."
    raise CmaltgenError(
        f"The remote '{remote}' did not accept the site ({git_reason(err)}). Nothing was "
        f"changed: your local branch '{branch}' was left as it was. {fix}"
    )


def _replaced(plan: Plan, branch: str) -> list[str]:
    """A note when the branch held files cmaltgen did not publish (a site made by hand or by
    another tool): the new site replaces them, and where to find them again."""
    if plan.parent is None or git_ok(plan.repo, "cat-file", "-e", f"{plan.parent}:{MARKER}"):
        return []
    listed = git(plan.repo, "ls-tree", "-r", "--name-only", "-z", plan.parent).split("\0")
    theirs = [name for name in listed if name and name not in ("CNAME", ".nojekyll")]
    if not theirs:
        return []
    shown = ", ".join(theirs[:3]) + (f" and {len(theirs) - 3} more" if len(theirs) > 3 else "")
    return [
        f"The branch '{branch}' held files that cmaltgen did not publish ({shown}); your site "
        "replaced them. They are kept in the branch's history: git show "
        f"{plan.parent[:10]}:FILE shows one, and git restore --source {plan.parent[:10]} FILE "
        "puts it back in your folder."
    ]


def _pre_push_hook(repo: Path, err: str) -> str:
    """The user's pre-push hook, when it is what refused a push (the remote was not reached)."""
    if re.search(r"^\s*!|^fatal:|^remote:", err, re.MULTILINE):
        return ""
    hook = run_git(repo, "rev-parse", "--git-path", "hooks/pre-push").stdout.strip()
    return hook if hook and os.access(repo / hook, os.X_OK) else ""


def _move_branch(plan: Plan, branch: str, commit: str, *, pushed: bool, remote: str) -> None:
    """Point the branch at the new commit, only if it still holds what the checks saw."""
    old = plan.local or ""
    proc = run_git(
        plan.repo, "update-ref", "-m", "cmaltgen deploy", f"refs/heads/{branch}", commit, old
    )
    if proc.returncode != 0:
        done = f"The site was pushed to '{remote}', but y" if pushed else "Y"
        raise CmaltgenError(
            f"{done}our local branch '{branch}' changed while deploy ran, so it was left as it "
            f"was ({git_reason(proc.stderr)}). Run deploy again."
        )
    log.info("moved %s to %s", branch, commit)


def _uncommitted(repo: Path, root: Path) -> bool:
    """Whether the portfolio has changes git has not committed; --no-optional-locks keeps
    status from refreshing the user's index."""
    where = str(root.resolve())
    status = run_git(repo, "--no-optional-locks", "status", "--porcelain", "--", where)
    return status.returncode == 0 and bool(status.stdout.strip())


_DOMAIN = re.compile(
    r"(?=.{4,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+"
    r"([A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})"  # a top-level domain, or its ASCII (IDNA) form
)


def _kept_cname(plan: Plan, notes: list[str]) -> str | None:
    """The custom domain already on the branch (GitHub's Settings > Pages writes a CNAME
    file there): kept, so that a deploy without --cname does not switch the domain off."""
    if plan.parent is None:
        return None
    found = run_git(plan.repo, "cat-file", "blob", f"{plan.parent}:CNAME")
    kept = found.stdout.strip() if found.returncode == 0 else ""
    if not kept:
        return None
    if not _DOMAIN.fullmatch(kept):
        shown = kept[:100].encode("unicode_escape").decode("ascii")
        notes.append(
            f"The CNAME file already published holds '{shown}', which is not a domain name, so "
            "it was left out. To use a custom domain, give it with --cname."
        )
        return None
    notes.append(
        f"Kept the custom domain {kept} already published (its CNAME file). To change it, "
        "give --cname; to stop using it, remove it in the repository's Settings > Pages."
    )
    return kept


def _check_cname(cname: str) -> None:
    """--cname is a domain name alone, as GitHub Pages reads the CNAME file."""
    if _DOMAIN.fullmatch(cname.strip()):
        return
    shown = cname.encode("unicode_escape").decode("ascii")
    ascii_form = _idna(cname.strip())
    if ascii_form and _DOMAIN.fullmatch(ascii_form):
        raise CmaltgenError(
            f"--cname '{cname.strip()}' has letters outside ASCII, which a CNAME file cannot "
            f"hold. Nothing was changed. Give its ASCII form: --cname {ascii_form}"
        )
    raise CmaltgenError(
        f"--cname '{shown}' is not a domain name. Nothing was changed. Give the domain alone, "
        "without https:// or a path, for example --cname cmalt.example.org."
    )


def _idna(name: str) -> str | None:
    """The ASCII (IDNA) form of an internationalised domain name, or None if it has none."""
    try:
        return name.encode("idna").decode("ascii")
    except UnicodeError:
        return None


def _pages_url(result: BuildResult, repo: Path, remote: str, cname: str | None) -> str:
    """Where GitHub Pages will show the site: the CNAME, the base URL, or the remote's."""
    if cname:
        return f"https://{cname.strip()}/"
    site = result.site
    if site is not None and site.portfolio.config.site.base_url:
        return site.portfolio.config.site.base_url
    if remote not in git(repo, "remote").split():
        return ""
    url = git(repo, "remote", "get-url", remote)
    found = re.search(r"github\.com[:/]([^/]+)/([^/]+?)(?:\.git)?$", url)
    if not found:
        return ""
    user, name = found.groups()
    if name.lower() == f"{user.lower()}.github.io":
        return f"https://{user.lower()}.github.io/"
    return f"https://{user.lower()}.github.io/{name}/"
