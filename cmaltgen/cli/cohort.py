"""Commands for a cohort hub: cohort new, build and check."""

from __future__ import annotations

import json
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


@main.group(short_help="Run a cohort hub: one site for a whole cohort.")
def cohort() -> None:
    """Run a cohort hub: one site for a cohort's candidates, mentors and portfolios.

    \b
    Examples:
      cmaltgen cohort new my-cohort       start a hub
      cmaltgen cohort check my-cohort     who is where (every member)
      cmaltgen cohort build my-cohort     build the hub site
      cmaltgen serve my-cohort            preview it while you edit cohort.yml
    """


@cohort.command("new", short_help="Start a cohort hub in DIRECTORY.")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@debug_option
def cohort_new(directory: Path, debug: bool) -> None:
    """Start a cohort hub in DIRECTORY: cohort.yml, a README and a publishing workflow.

    DIRECTORY must not exist or be empty. See docs/cohort.md.

    \b
    Examples:
      cmaltgen cohort new ble-cmalt-2027
    """
    from cmaltgen.cohort.new import create

    root = guarded(debug, lambda: create(directory))
    shown = display_path(root)
    click.echo(
        f"Created a cohort hub in {shown}.\n"
        f"Next: add your cohort's details and members to {shown}/cohort.yml, then run\n"
        f"  cmaltgen serve {shown}          (a live preview)\n"
        f"  cmaltgen cohort check {shown}   (who is where)"
    )


@cohort.command("build")
@click.argument("cohort_dir", type=PORTFOLIO_DIR, default=".")
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where to write the hub (default: COHORT_DIR/_site).",
)
@click.option("--strict/--no-strict", default=False, help="Treat warnings as errors.")
@click.option(
    "--offline/--online", default=False, help="Use only cached copies of url members' data."
)
@debug_option
def cohort_build(
    cohort_dir: Path, output: Path | None, strict: bool, offline: bool, debug: bool
) -> None:
    """Read cohort.yml and every member, and build the hub site.

    If there are errors nothing is written and the last good hub is left as it was.
    Members' own warnings are not repeated; a member whose portfolio has errors is a
    warning here, and the hub shows what could be read.

    \b
    Examples:
      cmaltgen cohort build
      cmaltgen cohort build my-cohort -o public
      cmaltgen cohort build my-cohort --strict     fail on warnings too (for CI)
      cmaltgen cohort build --offline              url members from the cache only
    """
    from cmaltgen.cohort.build import build_cohort

    result = guarded(
        debug, lambda: build_cohort(cohort_dir, output, strict=strict, offline=offline)
    )
    echo_diagnostics(result.diagnostics)
    if not result.ok:
        echo_failure("Build", result.diagnostics, strict, result.output)
        sys.exit(1)
    echo_notes(result.notes)
    click.echo(
        f"Built the hub for {plural(result.listed, 'listed member')} "
        f"({len(result.members):,} in all), {plural(result.pages, 'page')}, "
        f"{plural(len(result.diagnostics.warnings), 'warning')} "
        f"in {result.seconds:.2f} s -> {display_path(result.output)}"
    )


@cohort.command("check")
@click.argument("cohort_dir", type=PORTFOLIO_DIR, default=".")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="A table for people, or JSON for tools.",
)
@click.option(
    "--offline/--online", default=False, help="Use only cached copies of url members' data."
)
@debug_option
def cohort_check(cohort_dir: Path, output_format: str, offline: bool, debug: bool) -> None:
    """The coordinator's progress table: every member, unlisted ones too.

    Exit code 0 unless cohort.yml has errors. Nothing is written.

    \b
    Examples:
      cmaltgen cohort check
      cmaltgen cohort check my-cohort --format json > progress.json
    """
    from cmaltgen.cohort import report

    result = guarded(debug, lambda: report.check(cohort_dir, offline=offline))
    if output_format == "json":
        click.echo(json.dumps(report.as_json(result), indent=2))
    else:
        for line in report.lines(result):
            click.echo(line)
        echo_diagnostics(result.diagnostics)
    sys.exit(1 if result.diagnostics.errors else 0)
