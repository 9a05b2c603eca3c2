"""What a preview request gets, worked out from one :class:`Snapshot` of the latest build.

Pages come from memory, evidence and theme files are streamed from their sources, and the
live-reload script and error overlay are added to served HTML only, never to built files.
"""

from __future__ import annotations

import html
import json
import os
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from urllib.parse import quote

from cmaltgen.diagnostics import Diagnostic
from cmaltgen.serve import progress
from cmaltgen.serve.handler import Response, content_type, site_path
from cmaltgen.serve.reload import RESERVED, error_page, inject, overlay, reload_script
from cmaltgen.site import urls
from cmaltgen.site.output import Output
from cmaltgen.site.pages import HOME, NOT_FOUND

STATUS_PATH = RESERVED + "status"
PROGRESS_PATH = RESERVED + "progress"  # cmaltgen check's report, in the preview only


@dataclass(frozen=True)
class Snapshot:
    """Everything a request needs; replaced whole after each build, never mutated."""

    version: str
    site: Output | None = None  # the last good build
    mount: str = "/"  # the path of site.base_url, where the site is served
    base_url: str = ""
    problems: tuple[Diagnostic, ...] = ()  # set while the latest build is failing
    builds: int = 0


def respond(state: Snapshot, raw_path: str, root: Path) -> Response:
    """The response for a request path (no I/O apart from checking a file exists)."""
    path = raw_path.split("?", 1)[0].split("#", 1)[0]
    if path == STATUS_PATH:
        return _status(state)
    if path == PROGRESS_PATH:
        return _progress(state, root)
    if state.site is None:
        return Response(500, body=error_page(state.problems, state.version, root))
    if path in ("/", state.mount.rstrip("/")) and state.mount != "/":
        return _redirect(state.mount)  # "/repo" too: relative links need the slash
    rel = site_path(path, state.mount)
    if rel is None:
        return _not_found(state, root)
    return _lookup(state, state.site, rel, root)


def _progress(state: Snapshot, root: Path) -> Response:
    from cmaltgen.check import check  # only when asked for: the preview itself does not

    try:
        if (root / "cohort.yml").is_file():
            body = progress.cohort_html(root)
        else:
            report = check(root)
            body = (
                progress.report_html(report)
                + progress.problems_html(report)
                + progress.feedback_html(report)
            )
    except Exception as exc:  # a broken portfolio.yml: the overlay explains; say so briefly
        body = f"<p>The progress report is not available: {html.escape(str(exc))}</p>"
    return Response(200, body=progress.page(body, state.mount, state.version))


def _lookup(state: Snapshot, site: Output, rel: str, root: Path) -> Response:
    key = rel + HOME if rel == "" or rel.endswith("/") else rel
    if key in site.pages:
        return _page(state, site.pages[key], key, HTTPStatus.OK, root)
    source = site.files.get(key)
    if source is not None and source.is_file() and _not_led_out(source, root):
        return Response(200, content_type=content_type(key), file=source)
    if f"{key}/{HOME}" in site.pages:  # a folder named without its slash
        return _redirect(state.mount + quote(key) + "/")
    return _not_found(state, root)


def _not_led_out(source: Path, root: Path) -> bool:
    """Whether a file of the last good build is still not a link out of the portfolio: one
    swapped in since (refused by the build that followed) must not be served from there."""
    real = os.path.normcase(os.path.realpath(source))
    if real == os.path.normcase(os.path.normpath(source)):
        return True  # no link on the way: where the build found it
    return Path(real).is_relative_to(os.path.normcase(root))


def _not_found(state: Snapshot, root: Path) -> Response:
    site = state.site
    if site is None or NOT_FOUND not in site.pages:
        return Response(404, "text/plain; charset=utf-8", b"404 Not Found\n")
    page = site.pages[NOT_FOUND]
    if state.base_url:
        # The 404 page is served at any depth, so its links and stylesheet name the live
        # site in full; point them at the preview instead so they keep working here.
        live = html.escape(urls.with_slash(state.base_url)).encode()
        page = page.replace(b'="' + live, b'="' + state.mount.encode())
    return _page(state, page, NOT_FOUND, HTTPStatus.NOT_FOUND, root)


def _page(state: Snapshot, data: bytes, key: str, status: int, root: Path) -> Response:
    kind = content_type(key)
    if kind.startswith("text/html"):
        data = inject(data, overlay(state.problems, root) + reload_script(state.version))
        return Response(status, kind, data)
    return Response(status, kind, data, revalidate=True)  # e.g. an image cleaned of metadata


def _status(state: Snapshot) -> Response:
    """Machine-readable state, for tests and tools."""
    body = {
        "version": state.version,
        "builds": state.builds,
        "ok": not state.problems,
        "has_site": state.site is not None,
        "mount": state.mount,
    }
    return Response(200, "application/json", json.dumps(body).encode())


def _redirect(location: str) -> Response:
    return Response(302, "text/plain; charset=utf-8", b"", headers={"Location": location})
