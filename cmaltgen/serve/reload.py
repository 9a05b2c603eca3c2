"""The live-reload protocol: the event stream, the script added to served pages, the overlay.

A served page names the build it came from; its script listens on ``EVENTS_PATH`` and reloads
once the server has a different build. None of this is ever written into built files.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, Sequence
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs

from cmaltgen.diagnostics import Diagnostic
from cmaltgen.wording import join_and, plural

KEEPALIVE_SECONDS = 15.0  # lets the event stream notice a closed tab
RESERVED = "/__cmaltgen/"  # the server's own endpoints, outside any site path
EVENTS_PATH = RESERVED + "events"


class Versions(Protocol):
    """What the event stream needs from the server."""

    @property
    def stopping(self) -> bool: ...

    def wait_for_version(self, seen: str, timeout: float) -> str | None: ...


def send_events(handler: BaseHTTPRequestHandler, versions: Versions) -> None:
    """Server-sent events: one ``reload`` when the build differs from the page's."""
    seen = parse_qs(handler.path.partition("?")[2]).get("v", [""])[0]
    handler.send_response(200)
    handler.send_header("Content-Type", "text/event-stream")
    handler.send_header("Cache-Control", "no-store")
    handler.send_header("Connection", "close")  # no length: the stream ends with its connection
    handler.end_headers()
    try:
        handler.wfile.write(b"retry: 1000\n\n")
        handler.wfile.flush()
        while not versions.stopping:
            version = versions.wait_for_version(seen, KEEPALIVE_SECONDS)
            if version is not None:
                handler.wfile.write(f"event: reload\ndata: {version}\n\n".encode())
                handler.wfile.flush()
                return
            handler.wfile.write(b": keep-alive\n\n")  # fails once the tab has gone
            handler.wfile.flush()
    except (BrokenPipeError, ConnectionResetError):
        return


def inject(page: bytes, snippet: str) -> bytes:
    """Insert ``snippet`` before the last ``</body>`` (or at the end)."""
    at = page.lower().rfind(b"</body>")
    data = snippet.encode("utf-8")
    return page + data if at < 0 else page[:at] + data + page[at:]


def reload_script(version: str) -> str:
    # The page names the build it came from; the server answers at once if that is stale.
    return (
        "<script>/* cmaltgen serve: live reload (preview only, not in built files) */\n"
        f"(function(){{var es=new EventSource({json.dumps(EVENTS_PATH + '?v=' + version)});"
        'es.addEventListener("reload",function(){es.close();location.reload();});})();'
        "</script>\n"
    )


_OVERLAY_STYLE = (
    "position:fixed;inset:auto 0 0 0;max-height:70vh;overflow:auto;z-index:2147483647;"
    "margin:0;padding:1rem 1.5rem;background:#fff5f5;color:#1a1a1a;border-top:4px solid #b00020;"
    "font:16px/1.5 system-ui,sans-serif;box-shadow:0 -4px 16px rgba(0,0,0,.25);"
    # The theme's focus ring, drawn inside the panel in a colour that shows on its pink.
    "outline-color:#b00020;outline-offset:-6px"
)


def overlay(problems: Sequence[Diagnostic], root: Path) -> str:
    """A panel over the last good page listing why the latest build failed ('' when fine)."""
    if not problems:
        return ""
    return (
        # Focusable, so a keyboard reaches it (Shift+Tab from the top) and can scroll it.
        '<section id="cmaltgen-errors" role="alert" tabindex="0" '
        f'aria-labelledby="cmaltgen-errors-heading" style="{_OVERLAY_STYLE}">'
        f'<h2 id="cmaltgen-errors-heading" style="margin-top:0">{_summary(problems)}</h2>'
        "<p>This is the last good build. Fix the files below and save; the page will reload."
        f"</p>{problem_list(problems, root)}</section>\n"
    )


def error_page(problems: Sequence[Diagnostic], version: str, root: Path) -> bytes:
    """The whole page when there is no good build to show yet."""
    page = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>Build failed | cmaltgen</title></head>"
        '<body style="font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;'
        # A main landmark (role="alert" on <main> is not allowed, and hid it).
        'padding:0 1rem"><main id="cmaltgen-errors">'
        f"<h1>{_summary(problems)}</h1>"
        "<p>There is no good build to show yet. Fix the files below and save; "
        f"this page will reload.</p>{problem_list(problems, root)}</main>"
        f"{reload_script(version)}</body></html>\n"
    )
    return page.encode("utf-8")


def _summary(problems: Sequence[Diagnostic]) -> str:
    errors = sum(1 for d in problems if d.is_error)
    warnings = len(problems) - errors
    parts = [plural(errors, "error")] + ([plural(warnings, "warning")] if warnings else [])
    return "The portfolio did not build: " + join_and(parts)


def problem_list(problems: Iterable[Diagnostic], root: Path) -> str:
    items = "".join(_problem_item(d, root) for d in problems)
    return f'<ol style="padding-left:1.5rem">{items}</ol>'


def _problem_item(diag: Diagnostic, root: Path) -> str:
    where = html.escape(where_in(diag, root))
    key = f" [{html.escape(diag.key)}]" if diag.key else ""
    hint = f"<br><small>hint: {html.escape(diag.hint)}</small>" if diag.hint else ""
    return (
        f'<li style="margin:.5rem 0"><code>{where}</code>: <strong>{diag.severity.value}</strong> '
        f"{html.escape(diag.code)}{key}: {html.escape(diag.message)}{hint}</li>"
    )


def where_in(diag: Diagnostic, root: Path) -> str:
    """``section/reflection.md, line 4, column 2``: relative to the portfolio when inside it."""
    if diag.path is None:
        return "cmaltgen"
    try:
        shown = diag.path.resolve().relative_to(root).as_posix() or "."
    except ValueError:
        shown = diag.path.as_posix()
    if diag.line is None:
        return shown
    return f"{shown}, line {diag.line}" + (f", column {diag.col}" if diag.col else "")
