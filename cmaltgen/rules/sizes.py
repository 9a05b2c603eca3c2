"""What the public site publishes, against GitHub Pages' size limits."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

from cmaltgen.diagnostics import Diagnostics, display_path
from cmaltgen.read.portfolio import Portfolio, Specs
from cmaltgen.read.sources import real_path, resolve_local
from cmaltgen.rules.files import file_targets

# GitHub Pages refuses a file over 100 MB and a site over 1 GB. ``build`` and ``check`` warn
# (:func:`check_sizes`); ``deploy`` may import these to refuse what Pages would reject.
PAGES_MAX_FILE_BYTES = 100 * 1024 * 1024
PAGES_MAX_SITE_BYTES = 1024 * 1024 * 1024


@dataclass(frozen=True)
class PublishedFile:
    """A portfolio file the public website will copy, with where it is first named."""

    source: Path
    size: int
    where: dict[str, object]


def published_files(portfolio: Portfolio) -> list[PublishedFile]:
    """Files the public site publishes (evidence files and files reflections link to), largest
    first. Only ``stat`` is used: sizes of sparse or huge files cost nothing."""
    found: dict[Path, PublishedFile] = {}
    for base, target, where in file_targets(portfolio, public_only=True):
        source, problem = resolve_local(portfolio.root, base, target)
        if source is None or problem is not None:
            continue
        real = real_path(source)
        if real not in found:
            with contextlib.suppress(OSError):
                found[real] = PublishedFile(source, real.stat().st_size, where)
    return sorted(found.values(), key=lambda f: (-f.size, str(f.source)))


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):,.0f} MB" if size < 1024**3 else f"{size / 1024**3:,.1f} GB"


def check_sizes(portfolio: Portfolio, specs: Specs, diags: Diagnostics) -> None:
    """Files GitHub Pages would refuse, said at build rather than at the failed deploy."""
    files = published_files(portfolio)
    for file in files:
        if file.size > PAGES_MAX_FILE_BYTES:
            diags.add(
                "site-file-size",
                f"'{display_path(file.source, portfolio.root)}' is {megabytes(file.size)}; "
                f"GitHub Pages refuses files over {megabytes(PAGES_MAX_FILE_BYTES)}",
                hint="make it smaller (compress a video, export a PDF at a lower quality), or "
                "put it online elsewhere and give its url: instead of file:",
                **file.where,
            )
    total = sum(f.size for f in files)
    if total > PAGES_MAX_SITE_BYTES:
        largest = ", ".join(
            f"{display_path(f.source, portfolio.root)} ({megabytes(f.size)})" for f in files[:3]
        )
        diags.add(
            "site-size",
            f"the files the site publishes add up to {megabytes(total)}; GitHub Pages refuses "
            f"sites over {megabytes(PAGES_MAX_SITE_BYTES)}. Largest: {largest}",
            path=portfolio.root / "portfolio.yml",
            hint="make the largest files smaller, or put them online elsewhere and link to "
            "them with url:",
        )
