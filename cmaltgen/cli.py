"""The command line: the only module that prints. Maps user-facing failures to exit codes.

Exit codes: 0 success; 1 the portfolio has errors (or warnings with --strict); 2 usage problems.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from cmaltgen import __version__
from cmaltgen.diagnostics import CmaltgenError, display_path
from cmaltgen.wording import article, plural

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")

PORTFOLIO_DIR = click.Path(file_okay=False, path_type=Path)


def debug_option(func: F) -> F:
    return click.option(
        "--debug", is_flag=True, default=False, help="Show tracebacks and debug logging."
    )(func)


def _setup_logging(debug: bool) -> None:
    """Called by every command that does real work."""
    logging.basicConfig(
        level=logging.DEBUG if debug else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )


def fail(exc: CmaltgenError, debug: bool) -> NoReturn:
    """Report a user-facing failure without a traceback (unless --debug) and exit 1."""
    from cmaltgen.cli_report import echo_diagnostic

    for diag in exc.diagnostics:
        echo_diagnostic(diag)
    if not exc.diagnostics:
        click.secho(f"error: {exc}", fg="red", err=True)
    if debug:
        raise exc
    sys.exit(1)


def internal_error(exc: Exception, debug: bool) -> NoReturn:
    """A bug in cmaltgen, not the user's mistake: say so plainly and how to report it."""
    if debug:
        raise exc
    click.secho(
        f"cmaltgen hit an internal problem ({type(exc).__name__}: {exc}). Your files were not "
        "changed. Run the command again with --debug and report what it shows.",
        fg="red",
        err=True,
    )
    sys.exit(1)


def guarded(debug: bool, action: Callable[[], T]) -> T:
    """Run a command's work: a user's mistake is reported plainly and exits 1; anything else
    is reported as cmaltgen's own problem. --debug shows the traceback in both cases."""
    _setup_logging(debug)
    try:
        return action()
    except CmaltgenError as exc:
        fail(exc, debug)
    except Exception as exc:
        internal_error(exc, debug)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="cmaltgen")
def main() -> None:
    """cmaltgen turns a folder of Markdown reflections and YAML evidence into a
    validated, accessible CMALT portfolio website.

    \b
    Examples:
      cmaltgen build                  build the portfolio in this folder
      cmaltgen build my-portfolio     build another folder
      cmaltgen pathways               what each CMALT pathway requires
    """


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
@debug_option
def build(
    portfolio_dir: Path, output: Path | None, strict: bool, edition: str, debug: bool
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
    """
    from cmaltgen.build import build as run_build
    from cmaltgen.cli_report import report_build

    result = guarded(
        debug, lambda: run_build(portfolio_dir, output, strict=strict, edition=edition)
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
@debug_option
def bundle(portfolio_dir: Path, output: Path | None, strict: bool, debug: bool) -> None:
    """Make the zip to send ALT when a URL is not enough.

    It holds the assessor edition of the site (public and assessors-only content, never
    private), the whole portfolio on one printable page (portfolio.html) and the evidence
    files, and works opened from disk. Warns over 10 MB; refuses over 25 MB.

    \b
    Examples:
      cmaltgen bundle
      cmaltgen bundle my-portfolio -o rowan-cmalt.zip
    """
    from cmaltgen.cli_report import echo_diagnostic
    from cmaltgen.output.bundle import bundle as run_bundle
    from cmaltgen.site.render import filesize

    result = guarded(debug, lambda: run_bundle(portfolio_dir, output, strict=strict))
    for diag in result.diagnostics.sorted():
        echo_diagnostic(diag)
    if not result.written:
        errors, warnings = len(result.diagnostics.errors), len(result.diagnostics.warnings)
        click.secho(
            f"Bundle failed: {plural(errors, 'error')}, {plural(warnings, 'warning')}"
            + (" (--strict)" if strict else "")
            + ". Nothing was written.",
            fg="red",
            err=True,
        )
        sys.exit(1)
    built = result.build
    click.echo(
        f"Bundled {plural(built.sections, 'section')}, "
        f"{plural(built.evidence, 'evidence item')} and "
        f"{plural(built.files, 'file')} into {display_path(result.path)} "
        f"({filesize(result.size)}; ALT asks for under 10 MB). Do not publish it."
    )


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

    found = frameworks()
    chosen = version or latest()
    if chosen not in found:
        raise click.BadParameter(f"choose one of {', '.join(found)}", param_hint="--framework")
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


@main.command()
@click.argument("portfolio_dir", type=PORTFOLIO_DIR, default=".")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="A table for people, or JSON for CI and tools (keys in docs/check.md).",
)
@click.option("--strict/--no-strict", default=False, help="Warnings make it not ready too.")
@click.option(
    "--ignore", multiple=True, metavar="CODE", help="Do not report this warning code (repeatable)."
)
@click.option(
    "--max-age",
    type=click.IntRange(min=1),
    default=None,
    metavar="YEARS",
    help="Warn about evidence older than this (default: evidence_max_age in portfolio.yml, 3).",
)
@click.option(
    "--external/--no-external", default=False, help="Also check web links over the network."
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=10.0,
    show_default=True,
    metavar="SECONDS",
    help="How long to wait for each web link.",
)
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where working links are remembered for a day (default: ~/.cache/cmaltgen, or "
    "$XDG_CACHE_HOME/cmaltgen).",
)
@click.option("--cache/--no-cache", default=True, help="Reuse link results from the last day.")
@click.option(
    "--colour/--no-colour",
    "colour",
    default=None,
    help="Colour the table (default: when the terminal supports it and NO_COLOR is unset).",
)
@debug_option
def check(
    portfolio_dir: Path,
    output_format: str,
    strict: bool,
    ignore: tuple[str, ...],
    max_age: int | None,
    external: bool,
    timeout: float,
    cache_dir: Path | None,
    cache: bool,
    colour: bool | None,
    debug: bool,
) -> None:
    """Show how far along a portfolio is and whether it is ready for ALT's initial check.

    Reports exactly the problems a build reports (including the assessor guidance warnings,
    for example "we" instead of "I", thin reflection, old evidence) without writing a site,
    plus a progress table of what is left to write. Exit code 0 means ready, 1 not ready.

    \b
    Examples:
      cmaltgen check
      cmaltgen check my-portfolio --external       also check web links
      cmaltgen check --ignore old-evidence --strict
      cmaltgen check --format json > report.json
    """
    from cmaltgen import check as checking
    from cmaltgen.cache import cache_dir as cache_folder
    from cmaltgen.cli_report import print_check, report_json

    for code in ignore:
        if problem := checking.ignore_problem(code):
            raise click.BadParameter(problem, param_hint="--ignore")
    options = checking.CheckOptions(
        strict=strict,
        ignore=frozenset(ignore),
        max_age=max_age,
        external=external,
        timeout=timeout,
        cache_dir=(cache_dir or cache_folder()) if cache else None,
    )
    report = guarded(debug, lambda: checking.check(portfolio_dir, options))
    if output_format == "json":
        click.echo(json.dumps(report_json(report), indent=2))
    else:
        print_check(report, colour)
    sys.exit(0 if report.ready else 1)


@main.command()
@click.argument("kind", type=click.Choice(["portfolio", "evidence", "front-matter"]))
def schema(kind: str) -> None:
    """Print the JSON Schema for portfolio.yml, evidence.yml or reflection front matter.

    Editors such as VS Code (with the YAML extension) use it to autocomplete and check
    your files.

    \b
    Examples:
      cmaltgen schema portfolio > portfolio.schema.json
      cmaltgen schema evidence > evidence.schema.json
    """
    from cmaltgen.read.schemas import generate

    click.echo(json.dumps(generate(kind), indent=2))


def _allowed_hosts(
    ctx: click.Context, param: click.Parameter, values: tuple[str, ...]
) -> tuple[str, ...]:
    from cmaltgen.serve.hosts import rules

    try:
        return rules(values)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc


@main.command()
@click.argument("portfolio_dir", type=PORTFOLIO_DIR, default=".")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. Anything but this machine shares your preview.",
)
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=8000,
    show_default=True,
    help="Port to listen on. If you do not choose one and it is busy, the next free port is used.",
)
@click.option(
    "--allow-host",
    "allow_hosts",
    multiple=True,
    metavar="NAME",
    callback=_allowed_hosts,
    help="Also answer requests for this host name (repeatable), e.g. mylaptop.local; "
    "NAME:PORT for one port, .example.org for a domain. Others get 403 (DNS rebinding).",
)
@click.option(
    "--open/--no-open", "open_browser", default=False, help="Open the site in your web browser."
)
@click.option(
    "--poll/--no-poll",
    default=False,
    help="Check for changes by polling (for network drives and containers).",
)
@debug_option
@click.pass_context
def serve(
    ctx: click.Context,
    portfolio_dir: Path,
    host: str,
    port: int,
    allow_hosts: tuple[str, ...],
    open_browser: bool,
    poll: bool,
    debug: bool,
) -> None:
    """Preview the site, rebuilding and reloading the browser when you save.

    Errors are shown in the browser and here; the server keeps running until you
    press Ctrl-C. Nothing is written to the output folder.

    \b
    Examples:
      cmaltgen serve
      cmaltgen serve my-portfolio --open
      cmaltgen serve --port 8080 --poll
      cmaltgen serve --host 0.0.0.0 --allow-host mylaptop.local
    """
    import signal
    import webbrowser

    from cmaltgen.cli_report import serve_status
    from cmaltgen.serve.handler import PortError, is_loopback
    from cmaltgen.serve.server import PreviewServer

    _setup_logging(debug)
    chosen = ctx.get_parameter_source("port") is not click.core.ParameterSource.DEFAULT

    server = PreviewServer(
        portfolio_dir,
        host=host,
        port=port,
        port_fixed=chosen,
        poll=poll,
        on_build=serve_status,
        allow_hosts=allow_hosts,
    )
    try:
        server.start()
    except KeyboardInterrupt:  # Ctrl-C during the first build
        click.echo("\nStopped.")
        return
    except PortError as exc:
        click.secho(f"error: {exc}", fg="red", err=True)
        sys.exit(2)
    except CmaltgenError as exc:
        fail(exc, debug)
    except Exception as exc:
        internal_error(exc, debug)
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # stop cleanly when killed too
    if sys.platform == "win32":  # Ctrl+Break (how a console program is stopped from outside)
        signal.signal(signal.SIGBREAK, signal.default_int_handler)
    if server.port != port:
        click.secho(f"Port {port} is busy, so using {server.port}.", fg="yellow")
    if not is_loopback(host):
        click.secho(
            f"warning: listening on {host}: anyone who can reach this machine can see "
            "the preview, including evidence meant only for your assessors. Names other "
            "than IP addresses need --allow-host NAME.",
            fg="yellow",
            err=True,
        )
    if "*" in allow_hosts:
        click.secho(
            "warning: --allow-host '*' answers every host name, so a web page you visit "
            "could read the preview through DNS rebinding.",
            fg="yellow",
            err=True,
        )
    click.echo(f"Serving {display_path(server.root)} at {server.url}  (Ctrl-C to stop)")
    click.echo(f"Progress report: {server.progress_url}")
    if open_browser:
        webbrowser.open(server.url)
    try:
        server.wait()
    except KeyboardInterrupt:
        click.echo("\nStopping.")
    finally:
        server.stop()


def _known_framework(version: str | None) -> None:
    """Refuse a --framework value cmaltgen has no guidance for."""
    from cmaltgen.read.framework import versions

    if version is not None and version not in versions():
        raise click.BadParameter(f"choose one of {', '.join(versions())}", param_hint="--framework")


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--pathway",
    type=click.Choice(["associate", "cmalt", "senior"]),
    required=True,
    help="Which CMALT pathway the portfolio is for.",
)
@click.option("--framework", "version", default=None, help="Guidance version (default: latest).")
@debug_option
def new(directory: Path, pathway: str, version: str | None, debug: bool) -> None:
    """Start a new portfolio in DIRECTORY, ready to edit.

    Creates portfolio.yml, one folder per section with its guidance, empty evidence
    lists, a .gitignore and a GitHub Actions workflow that publishes to GitHub Pages.
    Every section starts as a draft. DIRECTORY must not exist or be empty.

    \b
    Examples:
      cmaltgen new my-portfolio --pathway cmalt
      cmaltgen new my-portfolio --pathway senior

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
    created = guarded(debug, lambda: create(directory, pathway, version))
    shown = display_path(created.root)
    click.echo(
        f"Created {article(created.pathway.title)} portfolio in {shown} with "
        f"{plural(len(created.sections), 'section')} to write.\n"
        f"Next: put your details in {shown}/portfolio.yml, then run\n"
        f"  cmaltgen serve {shown}     (a live preview while you write)\n"
        f"  cmaltgen check {shown}     (how far along you are)\n"
        "To publish it on GitHub Pages, follow the steps in: cmaltgen new --help"
    )


@main.command("import")
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--pathway",
    type=click.Choice(["associate", "cmalt", "senior"]),
    required=True,
    help="Which CMALT pathway the portfolio is for.",
)
@click.option("--framework", "version", default=None, help="Guidance version (default: latest).")
@click.option("--force/--no-force", default=False, help="Write into a folder that is not empty.")
@click.option(
    "--download/--no-download", default=False, help="Download WordPress attachments as files."
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
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
    from cmaltgen.cli_report import echo_diagnostic
    from cmaltgen.importers import import_portfolio, report_lines
    from cmaltgen.importers.download import fetcher

    _known_framework(version)
    fetch = fetcher() if download else None
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
    report_build(done.build)
    if not done.commit:
        click.secho(f"Nothing was published to {branch}.", fg="red", err=True)
        sys.exit(1)
    pushed = f"and pushed to {remote}" if done.pushed else "(not pushed)"
    click.echo(f"Committed the site to {branch} as {done.commit[:10]} {pushed}.")
    for note in done.notes:
        click.secho(f"note: {note}", fg="yellow", err=True)
    if done.url:
        click.echo(f"It will appear at {done.url}")


@main.command()
@click.argument("portfolio_dir", type=PORTFOLIO_DIR, default=".")
def badge(portfolio_dir: Path) -> None:
    """Print snippets that link to your portfolio, for a blog sidebar or email signature.

    Uses site.base_url from portfolio.yml.

    \b
    Examples:
      cmaltgen badge
      cmaltgen badge my-portfolio
    """
    import datetime as dt

    from cmaltgen.cli_report import echo_diagnostic
    from cmaltgen.diagnostics import Diagnostics
    from cmaltgen.read.config import load_config
    from cmaltgen.read.framework import chosen
    from cmaltgen.site.metadata import badge as snippets

    diags = Diagnostics()
    loaded = load_config(portfolio_dir / "portfolio.yml", diags, dt.date.today())
    if loaded is None or not loaded[0].site.base_url:
        for diag in diags:
            echo_diagnostic(diag)
        click.secho(
            "badge needs site.base_url in portfolio.yml: the address of your site.",
            fg="red",
            err=True,
        )
        sys.exit(1)
    config = loaded[0]
    framework = chosen(config.framework)
    pathway = framework.pathways.get(config.pathway) if framework else None
    found = snippets(
        config.site.title,
        config.candidate.name,
        config.site.base_url,
        pathway.title if pathway else "CMALT",
    )
    for label, key in (("HTML", "html"), ("Markdown", "markdown"), ("Plain text", "text")):
        click.echo(f"{label}:\n  {found[key]}\n")


if __name__ == "__main__":  # pragma: no cover
    main()
