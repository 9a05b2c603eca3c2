"""Commands that make the site: build, bundle and deploy."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from cmaltgen.cli.base import (
    PORTFOLIO_DIR,
    debug_option,
    echo_diagnostics,
    echo_failure,
    echo_notes,
    guarded,
    main,
)
from cmaltgen.diagnostics import display_path
from cmaltgen.wording import plural


@main.command()
@click.argument("portfolio_dir", type=PORTFOLIO_DIR, default=".")
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where to write the site (default: PORTFOLIO_DIR/_site).",
)
@click.option("--strict/--no-strict", default=False, help="Treat warnings as errors.")
@click.option(
    "--edition",
    type=click.Choice(["public", "assessor"]),
    default="public",
    show_default=True,
    help="public: the website. assessor: also assessors-only content, never to be published "
    "(default output: beside the portfolio folder).",
)
@click.option(
    "--submitted/--no-submitted",
    default=True,
    help="Add each submission's frozen edition (submissions[].ref in portfolio.yml) under "
    "submitted/ (default: on; needs git).",
)
@debug_option
def build(
    portfolio_dir: Path,
    output: Path | None,
    strict: bool,
    edition: str,
    submitted: bool,
    debug: bool,
) -> None:
    """Check a portfolio and build its website.

    Every problem is listed with its file and line. If there are errors nothing is
    written, and the site from the last good build is left as it was.

    \b
    Examples:
      cmaltgen build
      cmaltgen build my-portfolio -o public
      cmaltgen build my-portfolio --strict    fail on warnings too (for CI)
      cmaltgen build --edition assessor       the private copy for assessors
      cmaltgen build --no-submitted           skip the frozen submitted editions
    """
    from cmaltgen.build import build as run_build
    from cmaltgen.cli_report import report_build

    result = guarded(
        debug,
        lambda: run_build(
            portfolio_dir, output, strict=strict, edition=edition, submitted=submitted
        ),
    )
    report_build(result)
    if not result.ok:
        sys.exit(1)
    if edition == "assessor":
        click.secho(
            "This is the assessor edition: it includes evidence for assessors only. "
            "Do not publish it; `cmaltgen bundle` zips it for ALT.",
            fg="yellow",
            err=True,
        )


@main.command()
@click.argument("portfolio_dir", type=PORTFOLIO_DIR, default=".")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The zip to write (default: beside the portfolio folder, NAME-assessor-bundle.zip).",
)
@click.option("--strict/--no-strict", default=False, help="Treat warnings as errors.")
@click.option(
    "--since",
    metavar="TAG|COMMIT|DATE",
    help="Add a page of what changed since this tag, commit or date (YYYY-MM-DD), from git "
    "history (default for a resubmission: the submission before, from portfolio.yml).",
)
@debug_option
def bundle(
    portfolio_dir: Path, output: Path | None, strict: bool, since: str | None, debug: bool
) -> None:
    """Make the zip to send ALT when a URL is not enough.

    It holds the assessor edition of the site (public and assessors-only content, never
    private), the whole portfolio on one printable page (portfolio.html) and the evidence
    files, and works opened from disk. Warns over 10 MB; refuses over 25 MB. For a
    resubmission it also holds a page of what changed since the last submission.

    \b
    Examples:
      cmaltgen bundle
      cmaltgen bundle my-portfolio -o rowan-cmalt.zip
      cmaltgen bundle --since submitted-2026-06
    """
    from cmaltgen.output.bundle import bundle as run_bundle
    from cmaltgen.site.render import filesize

    result = guarded(debug, lambda: run_bundle(portfolio_dir, output, strict=strict, since=since))
    echo_diagnostics(result.diagnostics)
    if not result.written:
        echo_failure("Bundle", result.diagnostics, strict)
        sys.exit(1)
    built = result.build
    echo_notes(built.notes, built.root)
    click.echo(
        f"Bundled {plural(built.sections, 'section')}, "
        f"{plural(built.evidence, 'evidence item')} and "
        f"{plural(built.files, 'file')} into {display_path(result.path)} "
        f"({filesize(result.size)}; ALT asks for under 10 MB). Do not publish it."
    )


@main.command()
@click.argument("portfolio_dir", type=PORTFOLIO_DIR, default=".")
@click.option("--remote", default="origin", show_default=True, help="The git remote to push to.")
@click.option("--branch", default="gh-pages", show_default=True, help="The branch to publish on.")
@click.option("--cname", default=None, help="A custom domain, written to a CNAME file.")
@click.option("-m", "--message", default=None, help="The commit message.")
@click.option("--push/--no-push", default=True, help="Push the branch after committing.")
@click.option("--strict/--no-strict", default=False, help="Refuse to publish with warnings.")
@debug_option
def deploy(
    portfolio_dir: Path,
    remote: str,
    branch: str,
    cname: str | None,
    message: str | None,
    push: bool,
    strict: bool,
    debug: bool,
) -> None:
    """Build the portfolio and publish it on a gh-pages branch.

    Commits the built site to the branch without checking anything out: your working
    tree, staged files and current branch are never touched. Nothing is published if the
    build fails, and nothing is changed if deploy cannot publish safely (the branch is
    checked out, a merge is under way, no remote, the push is refused, files over
    GitHub's 100 MB limit...): it says why and what to do.

    \b
    Examples:
      cmaltgen deploy
      cmaltgen deploy my-portfolio --cname cmalt.example.org
      cmaltgen deploy --no-push       commit locally only
    """
    from cmaltgen.cli_report import report_build
    from cmaltgen.output.gitbranch import deploy as run_deploy

    done = guarded(
        debug,
        lambda: run_deploy(
            portfolio_dir,
            branch=branch,
            remote=remote,
            message=message,
            cname=cname,
            push=push,
            strict=strict,
        ),
    )
    report_build(done.build, target=f"the {branch} branch")
    if not done.commit:
        click.secho(f"Nothing was published to {branch}.", fg="red", err=True)
        sys.exit(1)
    pushed = f"and pushed to {remote}" if done.pushed else "(not pushed)"
    click.echo(f"Committed the site to {branch} as {done.commit[:10]} {pushed}.")
    for note in done.notes:
        click.secho(f"note: {note}", fg="yellow", err=True)
    if done.url:
        click.echo(f"It will appear at {done.url}")
