"""The build: the only module that knows the order of the stages.

load config -> collect sources -> parse -> validate -> structure -> render -> write.
Everything is read and checked before anything is written; a failed build writes nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

from cmaltgen import config as config_stage
from cmaltgen import documents, privacy, render, sources, structure, theme, validate
from cmaltgen.diagnostics import CmaltgenError, Diagnostic, Diagnostics

log = logging.getLogger(__name__)


@dataclass(eq=False)
class BuildResult:
    """What a build did, for the CLI's summary and for serve."""

    root: Path
    output: Path
    diagnostics: Diagnostics
    strict: bool = False
    edition: str = "public"
    written: bool = False
    sections: int = 0
    evidence: int = 0
    pages: int = 0
    files: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    site: structure.Site | None = field(default=None, repr=False)
    rendered: render.Output | None = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        failing = self.diagnostics.errors or (self.strict and self.diagnostics.warnings)
        return not failing

    @property
    def base_url(self) -> str:
        return self.site.portfolio.config.site.base_url if self.site else ""


def default_output(root: Path, edition: str = "public") -> Path:
    """``_site`` inside the portfolio; the assessor edition goes beside the portfolio folder,
    outside it, so that it is never committed with the sources or published by CI."""
    if edition == "assessor":
        return root.resolve().parent / f"{root.resolve().name}-assessor-site"
    return root / sources.DEFAULT_OUTPUT


def build(
    root: Path,
    output: Path | None = None,
    *,
    strict: bool = False,
    today: dt.date | None = None,
    write: bool = True,
    drafts: bool = False,
    edition: str = "public",
    cache: documents.ParseCache | None = None,
) -> BuildResult:
    """Build the portfolio in ``root`` into ``output`` (default ``root/_site``).

    Content problems are returned as diagnostics (``result.ok`` is false); problems with the
    output location raise :class:`CmaltgenError` before anything is read. ``drafts`` includes
    sections and evidence marked ``draft: true`` (serve uses it; build leaves them out).
    ``edition`` is ``public`` (the website: public items only) or ``assessor`` (public and
    assessors items, plus the printable single page); private items are never built.
    ``cache`` keeps parsed files and cleaned images for the next build (serve); the result is
    the same without it.
    """
    if edition not in privacy.EDITIONS:
        raise ValueError(f"unknown edition {edition!r}")
    started = time.perf_counter()
    root = root.resolve()
    output = (output or default_output(root, edition)).resolve()
    check_output_location(root, output)
    result = BuildResult(root, output, Diagnostics(), strict, edition)
    _, portfolio = read_portfolio(
        root, output, today or dt.date.today(), result.diagnostics, cache=cache
    )
    ready = portfolio is not None and result.ok
    site = None
    if ready and portfolio is not None:
        site = structure.build_site(portfolio, drafts=drafts, edition=edition)
    if site is not None:
        result.site = site
        result.rendered = _render(site, result.diagnostics, cache.images if cache else None)
    if result.rendered is not None and result.ok:
        if write:
            render.write_site(result.rendered, output)
            result.written = write
        result.notes = result.rendered.notes
        result.pages = sum(1 for p in result.rendered.pages if p.endswith(".html"))
        cleaned = [p for p in result.rendered.pages if p.startswith(structure.FILES_DIR + "/")]
        result.files = len(result.rendered.files) + len(cleaned)  # images without metadata
    if site is not None:
        result.sections, result.evidence = len(site.sections), len(site.evidence)
    result.seconds = time.perf_counter() - started
    log.info("build of %s finished in %.3f s", root, result.seconds)
    return result


def read_portfolio(
    root: Path,
    output: Path,
    today: dt.date,
    diags: Diagnostics,
    *,
    cache: documents.ParseCache | None = None,
) -> tuple[sources.Sources, validate.Portfolio | None]:
    """Load, collect, parse and validate: everything up to the site structure.

    The portfolio is ``None`` when portfolio.yml or its pathway is unusable; every problem
    found on the way is in ``diags``. ``cmaltgen check`` stops here.
    """
    if not root.is_dir():
        raise CmaltgenError(f"there is no folder {root}")
    root = root.resolve()  # later stages compare resolved paths against it
    loaded = config_stage.load_config(root / sources.CONFIG_NAME, diags, today)
    found = sources.collect(root, output)
    docs = [documents.parse_section(s, diags, today, cache) for s in found.sections]
    if cache is not None:
        cache.retain(p for s in found.sections for p in (s.reflection, s.evidence) if p)
    if not found.sections:
        diags.add(
            "missing-section",
            "this portfolio has no section folders yet",
            path=root,
            hint="each section is a folder holding a reflection.md; see docs/format.md",
        )
    if loaded is None:
        return found, None
    config, marks = loaded
    resolved = validate.resolve_pathway(config, marks, diags)
    if resolved is None:
        return found, None
    portfolio = validate.Portfolio(root, config, marks, resolved[0], resolved[1], docs)
    diags.extend(validate.validate(portfolio, found))
    return found, portfolio


def _render(
    site: structure.Site, diags: Diagnostics, images: render.ImageCache | None
) -> render.Output | None:
    config = site.portfolio.config
    overrides = site.portfolio.root / sources.TEMPLATES_DIR
    try:
        chosen = theme.load_theme(config.site.theme, overrides if overrides.is_dir() else None)
    except CmaltgenError as exc:
        marks = site.portfolio.config_marks
        for diag in exc.diagnostics:
            diags.add(
                diag.code,
                diag.message,
                hint=diag.hint,
                key="site.theme",
                **marks.where(("site", "theme")),
            )
        return None
    return render.render_site(site, chosen, diags, images)


def check_output_location(root: Path, output: Path) -> None:
    """Refuse outputs that would overwrite or mix with the portfolio's sources."""
    problem = None
    if output == root:
        problem = "the output folder is the portfolio folder itself"
    elif root.is_relative_to(output):
        problem = "the output folder contains the portfolio folder"
    elif output.is_relative_to(root):
        top = output.relative_to(root).parts[0]
        if not top.startswith(("_", ".")):
            problem = f"the output folder is inside the portfolio's content ({top}/)"
    if problem:
        raise CmaltgenError(
            problem,
            [
                Diagnostic(
                    "output-location",
                    problem + ", so building could overwrite your work",
                    path=output,
                    hint="use the default (_site inside the portfolio) or a "
                    "folder outside the portfolio, e.g. -o ../my-site",
                )
            ],
        )
