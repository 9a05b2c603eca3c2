"""Commands for starting and describing a portfolio: new, import, pathways, schema, badge."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import click

from cmaltgen.cli.base import (
    PORTFOLIO_DIR,
    debug_option,
    echo_diagnostic,
    echo_diagnostics,
    guarded,
    main,
)
from cmaltgen.diagnostics import display_path
from cmaltgen.wording import article, plural


@main.command()
@click.option("--framework", "version", default=None, help="Guidance version (default: latest).")
def pathways(version: str | None) -> None:
    """List the CMALT pathways and what each requires.

    \b
    Examples:
      cmaltgen pathways
      cmaltgen pathways --framework 2016
    """
    from cmaltgen.cli_report import slot_count
    from cmaltgen.read.framework import frameworks, latest

    _known_framework(version)
    found = frameworks()
    chosen = version or latest()
    framework = found[chosen]
    click.echo(
        f'{framework.title} (framework: "{framework.version}"); '
        f"other versions: {', '.join(v for v in found if v != chosen) or 'none'}\n"
    )
    for pid, pathway in framework.pathways.items():
        click.secho(f"{pathway.title}  (pathway: {pid})", bold=True)
        click.echo(f"  {pathway.summary}")
        for spec in pathway.sections:
            if spec.slot:
                click.echo(
                    f"  {spec.slot + '-NAME':<22}{spec.title} ({slot_count(pathway, spec.slot)})"
                )
                continue
            needs = "description, evidence, reflection" if spec.assessed else "not assessed"
            extra = f"; {spec.words_min}-{spec.words_max} words" if spec.words_max else ""
            extra += "; missing is a warning (unconfirmed)" if spec.level.value == "warning" else ""
            extra += f"; focus: {' or '.join(spec.focus_allowed)}" if spec.focus_allowed else ""
            extra += f"; {spec.min_examples}+ examples" if spec.min_examples else ""
            click.echo(f"  {spec.id:<22}{spec.title} ({needs}{extra})")
        click.echo("  confirmation          signed and dated, in portfolio.yml\n")


@main.command(short_help="Print a JSON Schema, for your editor to check your files.")
@click.argument(
    "kind",
    metavar="KIND",
    type=click.Choice(
        ["portfolio", "evidence", "front-matter", "feedback", "cpd", "cohort", "manifest"]
    ),
)
def schema(kind: str) -> None:
    """Print the JSON Schema for portfolio.yml, evidence.yml, reflection front matter, a
    feedback file (feedback/NAME.yml), a review's cpd.yml, cohort.yml, or the portfolio.json
    (manifest) every public site publishes.

    Editors such as VS Code (with the YAML extension) use it to autocomplete and check
    your files.

    \b
    Examples:
      cmaltgen schema portfolio > portfolio.schema.json
      cmaltgen schema evidence > evidence.schema.json
      cmaltgen schema feedback > feedback.schema.json
      cmaltgen schema cpd > cpd.schema.json
      cmaltgen schema cohort > cohort.schema.json
    """
    from cmaltgen.schemas import generate

    click.echo(json.dumps(generate(kind), indent=2))


def _known_framework(version: str | None) -> None:
    """Refuse a --framework value cmaltgen has no guidance for."""
    from cmaltgen.read.framework import versions

    if version is not None and version not in versions():
        raise click.BadParameter(f"choose one of {', '.join(versions())}", param_hint="--framework")


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--pathway",
    type=click.Choice(["associate", "cmalt", "senior", "review"], case_sensitive=False),
    required=True,
    help="Which CMALT pathway the portfolio is for; review for the three-yearly review.",
)
@click.option("--framework", "version", default=None, help="Guidance version (default: latest).")
@click.option(
    "--from",
    "source",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="With --pathway review: the portfolio it reviews (details, award, link and future "
    "plans are carried over; it is not changed).",
)
@debug_option
def new(
    directory: Path, pathway: str, version: str | None, source: Path | None, debug: bool
) -> None:
    """Start a new portfolio in DIRECTORY, ready to edit.

    Creates portfolio.yml, one folder per section with its guidance, empty evidence
    lists, a .gitignore and a GitHub Actions workflow that publishes to GitHub Pages.
    Every section starts as a draft. DIRECTORY must not exist or be empty.

    \b
    Examples:
      cmaltgen new my-portfolio --pathway cmalt
      cmaltgen new my-portfolio --pathway senior
      cmaltgen new my-review --pathway review --from my-portfolio

    \b
    Publishing for the first time (no programming needed), with GitHub
    Desktop (desktop.github.com) and a free GitHub account:
      1. In GitHub Desktop, File > Add local repository, choose the folder
         cmaltgen made; it offers to "create a repository" there: do so.
      2. Click "Publish repository" and untick "Keep this code private"
         (a free account publishes Pages from public repositories only).
      3. On github.com, open the repository's Settings > Pages and set
         "Source" to "GitHub Actions".
      4. Open its Actions tab, choose "Publish portfolio" and click "Run
         workflow" (the run started by step 2 fails, as Pages was not on
         yet). From now on, every change you push publishes the site.
         After the green tick, the site is at the address Settings > Pages
         shows. Sections with draft: true are left out.

    \b
    If a run shows a red cross: click it, then the red step. The last
    lines name the file and line to fix, and how; cmaltgen check on your
    computer shows the same. Fix it and push again. Your last good site
    stays online meanwhile. If "Install cmaltgen" fails, read the comments
    in .github/workflows/pages.yml. More: docs/publishing.md in cmaltgen.
    """
    from cmaltgen.new import create

    _known_framework(version)
    created = guarded(debug, lambda: create(directory, pathway, version, source=source))
    shown = display_path(created.root)
    if pathway == "review" and "\naward:" not in (created.root / "portfolio.yml").read_text(
        encoding="utf-8"
    ):
        click.secho(
            "A review needs your award: add its date and pathway under award: in "
            "portfolio.yml (the build says so until you do).",
            fg="yellow",
            err=True,
        )
    click.echo(
        f"Created {article(created.pathway.title)} portfolio in {shown} with "
        f"{plural(len(created.sections), 'section')} to write.\n"
        f"Next: put your details in {shown}/portfolio.yml, then run\n"
        f"  cmaltgen serve {shown}     (a live preview while you write)\n"
        f"  cmaltgen check {shown}     (how far along you are)\n"
        "To publish it on GitHub Pages, follow the steps in: cmaltgen new --help"
    )


@main.command("import", short_help="Start a portfolio from a Word document or WordPress.")
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--pathway",
    type=click.Choice(["associate", "cmalt", "senior"], case_sensitive=False),
    required=True,
    help="Which CMALT pathway the portfolio is for.",
)
@click.option("--framework", "version", default=None, help="Guidance version (default: latest).")
@click.option("--force/--no-force", default=False, help="Write into a folder that is not empty.")
@click.option(
    "--download/--no-download", default=False, help="Download WordPress attachments as files."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="A report for people, or JSON for tools.",
)
@debug_option
def import_(
    source: Path,
    directory: Path,
    pathway: str,
    version: str | None,
    force: bool,
    download: bool,
    fmt: str,
    debug: bool,
) -> None:
    """Start a portfolio in DIRECTORY from a Word document or a WordPress export.

    SOURCE is a .docx file, or the .xml file WordPress exports (Tools > Export).
    Sections are found by their headings (or page titles); links and images become
    evidence; text that matches no section is kept in _unsorted.md. Every section
    starts as a draft. Files you made are never changed, even with --force.

    \b
    Examples:
      cmaltgen import my-portfolio.docx my-portfolio --pathway cmalt
      cmaltgen import wordpress-export.xml my-portfolio --pathway senior --download
    """
    from cmaltgen.importers import import_portfolio, report_lines
    from cmaltgen.importers.download import Downloader

    _known_framework(version)
    fetch = Downloader() if download else None
    report = guarded(
        debug,
        lambda: import_portfolio(
            source, directory, pathway, version=version, force=force, fetch=fetch
        ),
    )
    if fmt == "json":
        click.echo(json.dumps(report.as_json(), indent=2))
        return
    for diag in report.diagnostics:
        echo_diagnostic(diag)
    click.echo("\n".join(report_lines(report)))


@main.command(short_help="Print snippets that link to your portfolio.")
@click.argument("portfolio_dir", type=PORTFOLIO_DIR, default=".")
def badge(portfolio_dir: Path) -> None:
    """Print snippets that link to your portfolio, for a blog sidebar or email signature.

    Uses site.base_url from portfolio.yml. Once award: is set, the snippets say so
    ("CMALT awarded November 2026") and link to the certificate or badge award.url names.

    \b
    Examples:
      cmaltgen badge
      cmaltgen badge my-portfolio
    """
    import datetime as dt

    from cmaltgen.diagnostics import Diagnostics
    from cmaltgen.read.config import load_config
    from cmaltgen.read.framework import chosen
    from cmaltgen.site.metadata import award_pathway_id, award_sentence
    from cmaltgen.site.metadata import badge as snippets

    diags = Diagnostics()
    loaded = load_config(portfolio_dir / "portfolio.yml", diags, dt.date.today())
    echo_diagnostics(diags)
    if loaded is None or diags.errors:
        click.secho(
            "Fix portfolio.yml first: badge prints nothing from a broken one.", fg="red", err=True
        )
        sys.exit(1)
    config = loaded[0]
    if not config.site.base_url:
        click.secho(_no_base_url(portfolio_dir / "portfolio.yml"), fg="red", err=True)
        sys.exit(1)
    framework = chosen(config.framework)
    held = award_pathway_id(config)
    pathway = framework.pathways.get(held) if framework else None
    title = pathway.title if pathway else "CMALT"
    award = config.award
    found = snippets(
        config.site.title,
        config.candidate.name,
        config.site.base_url,
        title,
        award=award_sentence(title, award.date) if award else "",
        award_url=award.url if award else "",
    )
    for label, key in (("HTML", "html"), ("Markdown", "markdown"), ("Plain text", "text")):
        click.echo(f"{label}:\n  {found[key]}\n")


def _no_base_url(path: Path) -> str:
    """Where to write site.base_url: the commented-out line cmaltgen new wrote, if it is there."""
    lines = path.read_text(encoding="utf-8-sig", errors="replace").splitlines()
    example = "https://YOUR-GITHUB-NAME.github.io/REPOSITORY/ (GitHub's Settings > Pages shows it)"
    line, hint = 1, f"add under site: a line base_url: {example}"
    for n, text in enumerate(lines, 1):
        if re.match(r"\s*#\s*base_url\s*:", text):
            line, hint = (
                n,
                f"remove the # at the start of this line and write the address, {example}",
            )
            break
        if text.startswith("site:"):
            line = n
    return f"{path}:{line}: badge needs site.base_url, the address of your site\n    hint: {hint}"
