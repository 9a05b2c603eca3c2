"""The build: the only module that knows the order of the stages.

load config -> collect sources -> parse -> validate -> structure -> render -> write.
Everything is read and checked before anything is written; a failed build writes nothing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cmaltgen.diagnostics import CmaltgenError, Diagnostic, Diagnostics
from cmaltgen.output import folder
from cmaltgen.read import config as config_stage
from cmaltgen.read import documents, framework, sources
from cmaltgen.read.portfolio import Portfolio
from cmaltgen.rules import accept, privacy, validate
from cmaltgen.rules import feedback as feedback_rules
from cmaltgen.site import published_images, render, structure, theme, urls, withheld
from cmaltgen.site.output import Output

if TYPE_CHECKING:  # read only by the portfolios that have them (see _cpd_record, _feedback)
    from cmaltgen.read.cpd import CpdRecord
    from cmaltgen.read.feedback import FeedbackItem

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
    rendered: Output | None = field(default=None, repr=False)

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
        root = sources.real_path(root)
        return root.parent / f"{root.name}-assessor-site"
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
    templates: theme.Environments | None = None,
    preview: bool = False,
    submitted: bool = False,
    since: str | None = None,
) -> BuildResult:
    """Build the portfolio in ``root`` into ``output`` (default: :func:`default_output`).

    Content problems are diagnostics (``result.ok`` is false); a bad output location raises
    :class:`CmaltgenError` before anything is read. ``edition`` is ``public`` or ``assessor``
    (see :mod:`cmaltgen.rules.privacy`). serve sets ``drafts`` (drafts included), ``preview``
    (paragraph references and open feedback: never published), and ``cache`` and
    ``templates``, kept for the next build. ``submitted`` adds each published submission's
    frozen edition (:mod:`cmaltgen.output.submitted`); ``since`` is what the assessor
    edition's change page compares with (default: the submission before).
    """
    if edition not in privacy.EDITIONS:
        raise ValueError(f"unknown edition {edition!r}")
    if since is not None and edition != "assessor":
        raise ValueError("since is for the assessor edition only")
    started = time.perf_counter()
    root = sources.real_path(root)  # a link that loops is reported by read_portfolio
    output = sources.real_path(output or default_output(root, edition))
    check_output_location(root, output)
    result = BuildResult(root, output, Diagnostics(), strict, edition)
    diags = result.diagnostics
    today = today or dt.date.today()
    notes: list[str] = []
    with sources.resolved_once():  # each file is looked up once, not once per rule
        _, portfolio = read_portfolio(root, output, today, diags, cache=cache)
        if portfolio is not None:
            notes = _left_out_files(portfolio.withheld_missing, edition, diags, root)
        # --strict renders despite warnings, so one run lists what rendering finds too
        if portfolio is not None and not diags.errors:
            site = result.site = structure.build_site(portfolio, drafts=drafts, edition=edition)
            site.preview = preview
            result.sections, result.evidence = len(site.sections), len(site.evidence)
            notes += withheld.check_withheld_citations(site, diags)
            accept_site_warnings(site, diags)
            extra = _change_page(site, since, today, diags, notes) if edition == "assessor" else []
            images = cache.images if cache else None
            result.rendered = _render(site, diags, images, extra, templates)
    rendered = result.rendered
    if result.site is not None and rendered is not None and result.ok:
        with contextlib.ExitStack() as frozen_sources:  # kept until the site is written
            if submitted and edition == "public":
                _add_submitted(result.site, rendered, diags, today, frozen_sources, templates)
            if write and result.ok:
                folder.write_site(rendered, output)
                result.written = True
        if result.ok:
            result.notes = notes + rendered.notes
            result.pages = sum(1 for p in rendered.pages if p.endswith(".html"))
            cleaned = [p for p in rendered.pages if p.startswith(urls.FILES_DIR + "/")]
            result.files = len(rendered.files) + len(cleaned)  # images without metadata
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
    max_age: int | None = None,
    errors_only: bool = False,
) -> tuple[sources.Sources, Portfolio | None]:
    """Load, collect, parse and validate: everything up to the site structure.

    The portfolio is ``None`` when portfolio.yml or its pathway is unusable; every problem
    found on the way is in ``diags``. ``cmaltgen check`` stops here. ``max_age`` overrides
    portfolio.yml's ``evidence_max_age`` (``check --max-age``). ``errors_only`` skips the
    checks that can only give warnings (a cohort hub's members).
    """
    if not root.is_dir():
        raise CmaltgenError(sources.not_a_folder(root))
    root = sources.real_path(root)  # later stages compare resolved paths against it
    loaded = config_stage.load_config(root / sources.CONFIG_NAME, diags, today)
    found = sources.collect(root, output)
    docs = [documents.parse_section(s, diags, today, cache) for s in found.sections]
    if cache is not None:
        cache.retain(p for s in found.sections for p in (s.reflection, s.evidence) if p)
    if not found.sections and loaded is not None:  # no portfolio.yml says enough alone
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
    years = max_age or config.evidence_max_age
    accepts = accept.entries(config, marks, diags)
    unset = frozenset(d.key for d in diags if d.is_error and d.path == marks.path and d.key)
    portfolio = Portfolio(
        root, config, marks, *resolved, docs, today=today, max_age=years, accepts=accepts
    )
    portfolio.unset = unset
    portfolio.cpd = _cpd_record(portfolio, today, diags)
    diags.extend(validate.validate(portfolio, found, errors_only=errors_only))
    portfolio.feedback = _feedback(portfolio, diags, today)
    accept.apply(diags, accepts, root, portfolio.failed_files())
    return found, portfolio


def accept_site_warnings(site: structure.Site, diags: Diagnostics) -> None:
    """Apply ``accept:`` to the warnings found once the site is made. Only the public site
    judges unused entries: the assessor edition leaves less out, so it warns less."""
    portfolio = site.portfolio
    stage = accept.SITE if site.edition == "public" else accept.MARK_ONLY
    accept.apply(diags, portfolio.accepts, portfolio.root, portfolio.failed_files(), stage=stage)


def _left_out_files(
    missing: list[tuple[Diagnostic, str]], edition: str, diags: Diagnostics, root: Path
) -> list[str]:
    """An edition needs no file of what it leaves out: each missing one becomes a note, so a
    public repository can go without assessors-only and private files."""
    gone = [(d, level) for d, level in missing if not privacy.visible(level, edition)]
    diags.drop(d for d, _ in gone)
    site = "the public site" if edition == "public" else "the assessor edition"
    needed_by = {
        privacy.ASSESSORS: "the assessor edition and cmaltgen bundle need it",
        privacy.PRIVATE: "it is private: no edition shows it",
    }
    return [
        f"{d.where(root)}: {d.message}; {site} leaves it out, so this build goes on without "
        f"it ({needed_by[level]})"
        for d, level in gone
    ]


def _add_submitted(
    site: structure.Site,
    rendered: Output,
    diags: Diagnostics,
    today: dt.date,
    stack: contextlib.ExitStack,
    templates: theme.Environments | None,
) -> None:
    portfolio = site.portfolio
    if not any(s.publish for s in portfolio.config.submissions):
        return
    from cmaltgen.output import submitted as frozen  # git and tar: only when asked for

    frozen.add_editions(
        portfolio.root,
        portfolio.config,
        portfolio.config_marks,
        rendered,
        today,
        diags,
        stack,
        functools.partial(_build_frozen, templates=templates or theme.Environments()),
    )


def _build_frozen(
    source: Path, output: Path, today: dt.date, templates: theme.Environments
) -> Output | Diagnostics:
    """A submitted edition: the public edition only, and never its own submitted editions."""
    built = build(source, output, today=today, write=False, edition="public", templates=templates)
    if built.diagnostics.errors or built.rendered is None:
        return built.diagnostics
    return built.rendered


def _feedback(portfolio: Portfolio, diags: Diagnostics, today: dt.date) -> list[FeedbackItem]:
    """The comments in feedback/*.yml, each matched to its paragraph; links or evidence that
    would publish the folder are errors whether or not it exists."""
    if not (portfolio.root / sources.FEEDBACK_DIR).is_dir():  # no comments to read
        feedback_rules.check_not_published(portfolio, diags)
        return []
    from cmaltgen.read import feedback

    comments = feedback.load_all(portfolio.root, diags, today)
    return feedback_rules.attach(comments, portfolio, diags)


def _cpd_record(portfolio: Portfolio, today: dt.date, diags: Diagnostics) -> CpdRecord | None:
    """A review's cpd.yml, read from its cpd-record section folder (other portfolios have
    none: a cpd.yml elsewhere is reported as a file cmaltgen does not read)."""
    if portfolio.pathway.id != framework.REVIEW:
        return None
    from cmaltgen.read import cpd

    for doc in portfolio.docs:
        path = doc.source.folder / framework.CPD_NAME
        if doc.section_id == framework.CPD_SECTION and (path.exists() or path.is_symlink()):
            # unusable (its problems are reported): still the record, not a stray file
            loaded = cpd.load_record(path, diags, today)
            return loaded or cpd.CpdRecord(path, (), None, ok=False)
    return None


def _change_page(
    site: structure.Site, since: str | None, today: dt.date, diags: Diagnostics, notes: list[str]
) -> list[tuple[str, str, dict[str, Any]]]:
    """The change page of a resubmission (or of any edition given ``since``), or none."""
    from cmaltgen.site import changes  # git history and word diffs: the assessor edition only

    portfolio = site.portfolio
    wanted = (
        changes.Since(since, explicit=True)
        if since is not None
        else changes.default_since(portfolio.config, portfolio.config_marks)
    )
    if wanted is None:
        return []
    responses = [  # the author's replies to the assessors' feedback (feedback/*.yml)
        (item.section, item.text, item.response)
        for item in portfolio.feedback
        if item.role == "assessor" and item.response
    ]
    return changes.pages(site, wanted, responses, diags, notes, today)


def render_problems(site: structure.Site, diags: Diagnostics) -> None:
    """What a build finds only while rendering, added to ``diags`` as it adds them, for
    ``check``: an unknown theme, an image that cannot be cleaned, and, when the portfolio has
    its own templates/, their mistakes (the built-in themes' templates are tested)."""
    if (site.portfolio.root / sources.TEMPLATES_DIR).is_dir():
        _render(site, diags, None, [], None)
    elif _theme(site, diags) is not None and not site.portfolio.config.privacy.keep_exif:
        published = Output(files=dict(site.files))
        published_images.clean_images(site, published, diags, None, decode_only=True)


def _theme(site: structure.Site, diags: Diagnostics) -> theme.Theme | None:
    overrides = site.portfolio.root / sources.TEMPLATES_DIR
    try:
        return theme.load_theme(
            site.portfolio.config.site.theme, overrides if overrides.is_dir() else None
        )
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


def _render(
    site: structure.Site,
    diags: Diagnostics,
    images: published_images.ImageCache | None,
    extra: list[tuple[str, str, dict[str, Any]]],
    templates: theme.Environments | None,
) -> Output | None:
    chosen = _theme(site, diags)
    if chosen is None:
        return None
    return render.render_site(site, chosen, diags, images, extra, templates)


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
