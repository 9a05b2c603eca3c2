"""Commands for seeing progress while writing: check and serve."""

from __future__ import annotations

import json
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

import click

from cmaltgen.cli.base import (
    PORTFOLIO_DIR,
    debug_option,
    echo_diagnostic,
    guarded,
    main,
    setup_logging,
)
from cmaltgen.diagnostics import display_path

if TYPE_CHECKING:
    from cmaltgen.serve.server import BuildReport, Built


@main.command(short_help="Show how far along a portfolio is, and if it is ready.")
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
    type=click.FloatRange(min=0.1, max=3600),
    callback=lambda _, __, value: _finite(value),
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


def _allowed_hosts(
    ctx: click.Context, param: click.Parameter, values: tuple[str, ...]
) -> tuple[str, ...]:
    from cmaltgen.serve.hosts import rules

    try:
        return rules(values)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc


@main.command(short_help="Preview the site while you write, reloading as you save.")
@click.argument("portfolio_dir", type=PORTFOLIO_DIR, default=".")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. Anything but this machine shares your preview.",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port to listen on; 0 lets the system pick a free one. If you do not choose one and "
    "it is busy, the next free port is used.",
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
    press Ctrl-C. Nothing is written to the output folder. A folder with a cohort.yml
    previews its cohort hub instead.

    \b
    Examples:
      cmaltgen serve
      cmaltgen serve my-portfolio --open
      cmaltgen serve --port 8080 --poll
      cmaltgen serve --host 0.0.0.0 --allow-host mylaptop.local
    """
    stop = _StopRequests()  # first, so that Ctrl-C from here on is a clean stop
    ctx.call_on_close(stop.restore)
    import webbrowser

    from cmaltgen.serve.handler import PortError, is_loopback
    from cmaltgen.serve.server import PreviewServer

    setup_logging(debug)
    chosen = ctx.get_parameter_source("port") is not click.core.ParameterSource.DEFAULT

    server = PreviewServer(
        portfolio_dir,
        host=host,
        port=port,
        port_fixed=chosen,
        poll=poll,
        on_build=_ServeStatus(),
        allow_hosts=allow_hosts,
        builder=_cohort_builder(portfolio_dir),
    )

    def start() -> None:
        try:
            server.start()
        except PortError as exc:  # a usage problem, like a bad option
            click.secho(f"error: {exc}", fg="red", err=True)
            sys.exit(2)

    stop.building = True
    try:
        guarded(debug, start)
    except KeyboardInterrupt:  # Ctrl-C pressed twice during the first build
        server.stop()  # start() has already stopped it, unless it had just returned
        click.echo("\nStopped.")
        return
    finally:
        stop.building = False
    if stop.requested:  # Ctrl-C during the first build, which has now finished
        click.echo("\nStopping.")
        server.stop()
        return
    if port and server.port != port:  # port 0 asked the system for any free port
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
        while not (stop.requested or server.wait(0.25)):
            pass
        click.echo("\nStopping.")
    finally:
        server.stop()


class _StopRequests:
    """Ctrl-C, SIGTERM and Windows' Ctrl+Break ask serve to stop; the handler only notes it.

    A KeyboardInterrupt raised wherever the signal lands (an import, a print, inside a lock)
    escaped as click's "Aborted!" or hung; serve looks at ``requested`` at safe points instead.
    A second request while the first build runs stops at once, as a build can block.
    """

    def __init__(self) -> None:
        self.requested = False
        self.building = False
        names = ("SIGINT", "SIGTERM", "SIGBREAK")
        wanted = [sig for name in names if (sig := getattr(signal, name, None))]
        self._previous = {  # a signal ignored on purpose (nohup, `&` in a script) stays so
            sig: signal.signal(sig, self._handle)
            for sig in wanted
            if signal.getsignal(sig) is not signal.SIG_IGN
        }

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self.requested and self.building:
            self.building = False  # once only: serve must not be interrupted while stopping
            raise KeyboardInterrupt
        self.requested = True

    def restore(self) -> None:
        for sig, previous in self._previous.items():
            signal.signal(sig, signal.SIG_DFL if previous is None else previous)


def _cohort_builder(folder: Path) -> Callable[[Path], Built] | None:
    """A folder with cohort.yml is a cohort hub: serve previews the hub instead."""
    if not (folder / "cohort.yml").is_file():
        return None
    from cmaltgen.cohort.build import build_cohort
    from cmaltgen.cohort.memo import Memo
    from cmaltgen.site.theme import Environments

    memo = Memo()  # unchanged members and search bundles are kept from build to build
    templates = Environments()  # kept from one rebuild to the next, like a portfolio's
    return lambda root: build_cohort(root, write=False, memo=memo, templates=templates)


class _ServeStatus:
    """The lines ``cmaltgen serve`` prints after each build."""

    def __init__(self) -> None:
        self.built = False  # a good build has been served since serve started

    def __call__(self, rep: BuildReport) -> None:
        for diag in rep.diagnostics or (rep.result.diagnostics.sorted() if rep.result else []):
            echo_diagnostic(diag)
        _serve_line(rep, self.built)
        self.built = self.built or rep.ok


def _serve_line(rep: BuildReport, built: bool) -> None:
    what = f" ({display_path(rep.changed)} changed)" if rep.changed else ""
    if rep.ok:
        click.echo(f"Built in {rep.seconds:.2f} s{what}.")
    elif not built:
        first = "The first build failed" if rep.number == 1 else f"Build failed{what}"
        click.secho(
            f"{first}; the browser shows the errors (there is no good build yet). "
            "Save a fix and the site will build.",
            fg="red",
            err=True,
        )
    else:
        click.secho(
            f"Build failed{what}; still serving the last good site with the errors "
            "shown over it. Save a fix to rebuild.",
            fg="red",
            err=True,
        )


def _finite(seconds: float) -> float:
    if seconds != seconds:  # nan passes every range
        raise click.BadParameter("give a number of seconds, such as 10")
    return seconds
