"""The ``cmaltgen`` command group and what every command shares: --debug, failures, exit codes.

Exit codes: 0 success; 1 the portfolio has errors (or warnings with --strict); 2 usage problems;
130 Ctrl-C while starting up (cmaltgen/__main__.py).
"""

from __future__ import annotations

import importlib
import logging
import re
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

import click

from cmaltgen import __version__
from cmaltgen.diagnostics import (
    CmaltgenError,
    Diagnostic,
    Diagnostics,
    display_path,
    one_line,
)

T = TypeVar("T")

PORTFOLIO_DIR = click.Path(file_okay=False, path_type=Path)

debug_option = click.option(
    "--debug", is_flag=True, default=False, help="Show tracebacks and debug logging."
)


def setup_logging(debug: bool) -> None:
    """Called by every command that does real work."""
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


def echo_diagnostics(diags: Diagnostics) -> None:
    for diag in diags.sorted():
        echo_diagnostic(diag)


def echo_failure(what: str, diags: Diagnostics, strict: bool, kept: Path | None = None) -> None:
    """``Build failed: 2 errors, 1 warning. Nothing was written; KEPT was left as it was.``"""
    from cmaltgen.wording import plural

    counts = f"{plural(len(diags.errors), 'error')}, {plural(len(diags.warnings), 'warning')}"
    left = f"; {display_path(kept)} was left as it was" if kept else ""
    click.secho(
        f"{what} failed: {counts}{' (--strict)' if strict else ''}. Nothing was written{left}.",
        fg="red",
        err=True,
    )


def echo_notes(notes: Iterable[str], root: Path | None = None) -> None:
    """Each note; one that starts at a file of the portfolio in ``root`` (``2a/evidence.yml:
    5:9: ...``) names it as diagnostics do, from the working folder."""
    for note in notes:
        where = _NOTE_AT.match(note) if root is not None else None
        if where and root is not None and (root / where.group(1)).is_file():
            note = display_path(root / where.group(1)) + note[where.end(1) :]
        click.secho(f"note: {note}", dim=True, err=True)


_NOTE_AT = re.compile(r"([^:\n]+):\d+:\d+: ")


def guarded(debug: bool, action: Callable[[], T]) -> T:
    """Run a command's work: a user's mistake is reported plainly and exits 1; anything else
    is reported as cmaltgen's own problem. --debug shows the traceback in both cases."""
    setup_logging(debug)
    try:
        return action()
    except CmaltgenError as exc:
        for diag in exc.diagnostics:
            echo_diagnostic(diag)
        if not exc.diagnostics:
            click.secho(f"error: {one_line(str(exc))}", fg="red", err=True)
        if debug:
            raise
    except Exception as exc:
        if debug:
            raise
        click.secho(
            f"cmaltgen hit an internal problem ({type(exc).__name__}: {exc}). Your files were "
            "not changed. Run the command again with --debug and report what it shows.",
            fg="red",
            err=True,
        )
    sys.exit(1)


# The module that defines each command: a run imports only the one it needs.
COMMAND_MODULES = {
    "badge": "start",
    "build": "publish",
    "bundle": "publish",
    "check": "progress",
    "cohort": "cohort",
    "deploy": "publish",
    "import": "start",
    "new": "start",
    "pathways": "start",
    "schema": "start",
    "serve": "progress",
}


class _Commands(dict[str, click.Command]):
    """Commands by name. Looking one up imports the module defining it, which adds its
    commands here; an unknown name imports them all, so that click can suggest a near one."""

    def __missing__(self, name: str) -> click.Command:
        wanted = [COMMAND_MODULES[name]] if name in COMMAND_MODULES else COMMAND_MODULES.values()
        for module in sorted(set(wanted)):
            importlib.import_module(f"cmaltgen.cli.{module}")
        if name in self:
            return dict.__getitem__(self, name)
        raise KeyError(name)


class _Group(click.Group):
    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        try:
            return self.commands[cmd_name]
        except KeyError:
            return None

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMAND_MODULES, *self.commands})


@click.group(
    cls=_Group, commands=_Commands(), context_settings={"help_option_names": ["-h", "--help"]}
)
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
