"""The command line: the only module that prints. Maps user-facing failures to exit codes.

Exit codes: 0 success; 1 the portfolio has errors (or warnings with --strict); 2 usage problems.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from cmaltgen import __version__
from cmaltgen.diagnostics import CmaltgenError, Diagnostic, display_path

F = TypeVar("F", bound=Callable[..., Any])

PORTFOLIO_DIR = click.Path(file_okay=False, path_type=Path)


def debug_option(func: F) -> F:
    return click.option(
        "--debug", is_flag=True, default=False, help="Show tracebacks and debug logging."
    )(func)


def _setup_logging(debug: bool) -> None:
    logging.basicConfig(
        level=logging.DEBUG if debug else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )


def echo_diagnostic(diag: Diagnostic) -> None:
    colour = "red" if diag.is_error else "yellow"
    head, _, rest = diag.format().partition(": ")
    label = diag.severity.value
    rest = rest.replace(label, click.style(label, fg=colour, bold=True), 1)
    click.echo(f"{click.style(head, bold=True)}: {rest}", err=True)


def fail(exc: CmaltgenError, debug: bool) -> None:
    """Report a user-facing failure without a traceback (unless --debug) and exit 1."""
    for diag in exc.diagnostics:
        echo_diagnostic(diag)
    if not exc.diagnostics:
        click.secho(f"error: {exc}", fg="red", err=True)
    if debug:
        raise exc
    sys.exit(1)


def internal_error(exc: Exception, debug: bool) -> None:
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
@debug_option
def build(portfolio_dir: Path, output: Path | None, strict: bool, debug: bool) -> None:
    """Check a portfolio and build its website.

    Every problem is listed with its file and line. If there are errors nothing is
    written, and the site from the last good build is left as it was.

    \b
    Examples:
      cmaltgen build
      cmaltgen build my-portfolio -o public
      cmaltgen build my-portfolio --strict    fail on warnings too (for CI)
    """
    from cmaltgen.build import build as run_build

    _setup_logging(debug)
    try:
        result = run_build(portfolio_dir, output, strict=strict)
    except CmaltgenError as exc:
        fail(exc, debug)
        return
    except Exception as exc:
        internal_error(exc, debug)
        return
    for diag in result.diagnostics.sorted():
        echo_diagnostic(diag)
    errors, warnings = len(result.diagnostics.errors), len(result.diagnostics.warnings)
    if not result.ok:
        why = f"{errors} error(s), {warnings} warning(s)" + (" (--strict)" if strict else "")
        click.secho(f"Build failed: {why}. Nothing was written; "
                    f"{display_path(result.output)} was left as it was.", fg="red", err=True)
        sys.exit(1)
    click.echo(
        f"Built {result.sections} sections, {result.evidence} evidence items, "
        f"{result.pages} pages ({result.files} files copied), {warnings} warning(s) "
        f"in {result.seconds:.2f} s -> {display_path(result.output)}"
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
    from cmaltgen.framework import frameworks, latest

    found = frameworks()
    chosen = version or latest()
    if chosen not in found:
        raise click.BadParameter(f"choose one of {', '.join(found)}", param_hint="--framework")
    framework = found[chosen]
    click.echo(f"{framework.title} (framework: \"{framework.version}\"); "
               f"other versions: {', '.join(v for v in found if v != chosen) or 'none'}\n")
    for pid, pathway in framework.pathways.items():
        click.secho(f"{pathway.title}  (pathway: {pid})", bold=True)
        click.echo(f"  {pathway.summary}")
        for spec in pathway.sections:
            if spec.slot:
                count = pathway.count(spec.slot)
                many = f"{count.min}" + ("+" if not count.max else f"-{count.max}" if count.max != count.min else "")
                click.echo(f"  {spec.slot}-NAME  {spec.title}: {many} required")
                continue
            needs = "description, evidence, reflection" if spec.assessed else "free text, not assessed"
            extra = f"; {spec.words_min}-{spec.words_max} words" if spec.words_max else ""
            extra += "; missing is a warning (unconfirmed)" if spec.level.value == "warning" else ""
            extra += f"; focus: {' or '.join(spec.focus_allowed)}" if spec.focus_allowed else ""
            extra += f"; {spec.min_examples}+ examples" if spec.min_examples else ""
            click.echo(f"  {spec.id:<22}{spec.title} ({needs}{extra})")
        click.echo("  confirmation          signed and dated, in portfolio.yml\n")


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
    from cmaltgen.schemas import generate

    click.echo(json.dumps(generate(kind), indent=2))


@main.command()
@click.argument("portfolio_dir", type=PORTFOLIO_DIR, default=".")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but this machine shares your preview.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True,
              help="Port to listen on. If you do not choose one and it is busy, the next free "
              "port is used.")
@click.option("--open/--no-open", "open_browser", default=False,
              help="Open the site in your web browser.")
@click.option("--poll/--no-poll", default=False,
              help="Check for changes by polling (for network drives and containers).")
@debug_option
@click.pass_context
def serve(ctx: click.Context, portfolio_dir: Path, host: str, port: int, open_browser: bool,
          poll: bool, debug: bool) -> None:
    """Preview the site, rebuilding and reloading the browser when you save.

    Errors are shown in the browser and here; the server keeps running until you
    press Ctrl-C. Nothing is written to the output folder.

    \b
    Examples:
      cmaltgen serve
      cmaltgen serve my-portfolio --open
      cmaltgen serve --port 8080 --poll
    """
    import signal
    import webbrowser

    from cmaltgen.serve import BuildReport, PortError, PreviewServer, is_loopback

    _setup_logging(debug)
    chosen = ctx.get_parameter_source("port") is not click.core.ParameterSource.DEFAULT

    def report(rep: BuildReport) -> None:
        for diag in rep.diagnostics or (rep.result.diagnostics.sorted() if rep.result else []):
            echo_diagnostic(diag)
        what = f" ({display_path(rep.changed)} changed)" if rep.changed else ""
        if rep.ok:
            click.echo(f"Built in {rep.seconds:.2f} s{what}.")
        elif rep.number == 1:
            click.secho("The first build failed; the browser shows the errors. Save a fix and "
                        "the site will build.", fg="red", err=True)
        else:
            click.secho(f"Build failed{what}; still serving the last good site with the errors "
                        "shown over it. Save a fix to rebuild.", fg="red", err=True)

    server = PreviewServer(portfolio_dir, host=host, port=port, port_fixed=chosen, poll=poll,
                           on_build=report)
    try:
        server.start()
    except PortError as exc:
        click.secho(f"error: {exc}", fg="red", err=True)
        sys.exit(2)
    except CmaltgenError as exc:
        fail(exc, debug)
    except Exception as exc:
        internal_error(exc, debug)
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # stop cleanly when killed too
    if server.port != port:
        click.secho(f"Port {port} is busy, so using {server.port}.", fg="yellow")
    if not is_loopback(host):
        click.secho(f"warning: listening on {host}: anyone who can reach this machine can see "
                    "the preview, including evidence meant only for your assessors.",
                    fg="yellow", err=True)
    click.echo(f"Serving {display_path(server.root)} at {server.url}  (Ctrl-C to stop)")
    if open_browser:
        webbrowser.open(server.url)
    try:
        server.wait()
    except KeyboardInterrupt:
        click.echo("\nStopping.")
    finally:
        server.stop()


if __name__ == "__main__":  # pragma: no cover
    main()
