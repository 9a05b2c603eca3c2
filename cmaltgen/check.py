"""``cmaltgen check``: read and validate like ``build``, optionally check web links, and return
a :class:`cmaltgen.rules.readiness.Report`; write nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass
from pathlib import Path

from cmaltgen import build
from cmaltgen.codes import CODES, Severity
from cmaltgen.diagnostics import Diagnostics, suggestion
from cmaltgen.read import sources
from cmaltgen.read.documents import EvidenceEntry, SectionDoc
from cmaltgen.read.portfolio import Portfolio
from cmaltgen.rules import accept, links, privacy, sizes
from cmaltgen.rules.links import WORKERS, LinkCache, LinkTarget, link_targets
from cmaltgen.rules.readiness import EvidenceCounts, LinkSummary, Report, section_rows
from cmaltgen.rules.review import check_review, review_status
from cmaltgen.site import structure, withheld
from cmaltgen.wording import agree, plural

log = logging.getLogger(__name__)

LARGEST_SHOWN = 5  # published files listed, biggest first


@dataclass(frozen=True)
class CheckOptions:
    """How to check. The defaults are those of ``cmaltgen check``."""

    strict: bool = False  # warnings make the portfolio not ready
    ignore: frozenset[str] = frozenset()  # warning codes not to report
    max_age: int | None = None  # years after which evidence is old (None: portfolio.yml's)
    external: bool = False  # check web links over the network
    timeout: float = 10.0  # seconds per web request
    workers: int = WORKERS
    cache_dir: Path | None = None  # where link results are kept; None: no cache


def ignore_problem(code: str) -> str | None:
    """Why ``code`` cannot be passed to ``--ignore``, or None if it can."""
    if code not in CODES:
        return f"there is no diagnostic code '{code}'" + suggestion(code, CODES)
    if CODES[code].severity is Severity.ERROR:
        return f"'{code}' is an error, and errors cannot be ignored: fix it instead"
    return None


def check(
    root: Path, options: CheckOptions | None = None, *, today: dt.date | None = None
) -> Report:
    """Read, validate and check ``root`` for readiness; never writes to the portfolio."""
    options = options or CheckOptions()
    today = today or dt.date.today()
    root = sources.real_path(root)
    diags = Diagnostics()
    with sources.resolved_once():  # each file is looked up once, not once per rule
        output = root / sources.DEFAULT_OUTPUT
        _, portfolio = build.read_portfolio(root, output, today, diags, max_age=options.max_age)
        links = None
        published: list[sizes.PublishedFile] = []
        if portfolio is not None:
            # a private file is in no edition, so its absence is no obstacle; the assessor
            # edition and the bundle still need every assessors-only file
            diags.drop(d for d, level in portfolio.withheld_missing if level == privacy.PRIVATE)
            published = sizes.published_files(portfolio)
            check_review(portfolio, today, diags)  # readiness information, as --external
            if options.external:
                links = check_links(link_targets(portfolio), options, diags, portfolio.root)
                accept.apply(
                    diags,
                    portfolio.accepts,
                    portfolio.root,
                    portfolio.failed_files(),
                    stage=accept.LINKS,
                )
        site = structure.build_site(portfolio) if portfolio and not diags.errors else None
        if site is not None:  # what only the site finds: withheld citations, theme, images
            withheld.check_withheld_citations(site, diags)
            build.render_problems(site, diags)
            build.accept_site_warnings(site, diags)
        kept = Diagnostics(d for d in diags if d.is_error or d.code not in options.ignore)
    # how many evidence items each section shows on the public site (None: not built)
    shown = {s.id: len(s.evidence) for s in site.sections} if site is not None else None
    return Report(
        root=root,
        today=today,
        strict=options.strict,
        framework=portfolio.framework if portfolio else None,
        pathway=portfolio.pathway if portfolio else None,
        candidate=portfolio.config.candidate.name if portfolio else "",
        sections=section_rows(portfolio, kept, shown) if portfolio else [],
        diagnostics=kept,
        ignored=len(diags) - len(kept),
        links=links,
        evidence=evidence_counts(portfolio, site) if portfolio else None,
        largest=[(f.source, f.size) for f in published[:LARGEST_SHOWN]],
        published_bytes=sum(f.size for f in published),
        feedback=portfolio.feedback if portfolio else [],
        review=review_status(portfolio, today) if portfolio else None,
    )


def evidence_counts(portfolio: Portfolio, site: structure.Site | None) -> EvidenceCounts:
    """All distinct items, and where those the public site leaves out went."""
    first: dict[str, tuple[SectionDoc, EvidenceEntry]] = {}
    for doc, entry in portfolio.evidence():
        first.setdefault(entry.item.id, (doc, entry))
    drafts = assessors = private = 0
    for doc, entry in first.values():
        home_draft = doc.reflection is not None and doc.reflection.front.draft
        visibility = privacy.item_visibility(entry, doc, portfolio.config)
        if entry.item.draft or home_draft:
            drafts += 1
        elif visibility == privacy.PRIVATE:
            private += 1
        elif visibility == privacy.ASSESSORS:
            assessors += 1
    on_site = len(site.evidence) if site is not None else None
    unread = sum(1 for d in portfolio.docs if d.source.evidence and not d.evidence_ok)
    return EvidenceCounts(len(first), on_site, drafts, assessors, private, unread)


def check_links(
    targets: list[LinkTarget], options: CheckOptions, diags: Diagnostics, root: Path
) -> LinkSummary:
    """Check every distinct address once and add located diagnostics for each place."""
    started, now = time.monotonic(), time.time()
    urls = list(dict.fromkeys(t.url for t in targets))
    cache = LinkCache.load(options.cache_dir, now) if options.cache_dir else None
    results = {u: r for u in urls if cache and (r := cache.get(u)) is not None}
    todo = [u for u in urls if u not in results]
    failed = links.look_up_first(todo, options.timeout)
    offline = links.offline(todo, failed) if len(failed) == len(todo) else ""
    requested = [u for u in todo if u not in failed] if not offline else []
    fetched = links.fetch_all(requested, options.timeout, options.workers)
    offline = offline or links.offline(todo, {**failed, **fetched})
    if offline:
        diags.add(
            "links-unchecked",
            f"there seems to be no network ({offline}), so "
            f"{plural(len(todo), 'web link')} {agree(len(todo), 'was', 'were')} not checked",
            path=root,
            hint="run cmaltgen check --external again when you are online",
        )
    else:
        results.update({**failed, **fetched})
    links.link_diagnostics(targets, results, options.timeout, diags)
    if cache is not None:
        for result in results.values():
            cache.put(result)
        cache.save()
    cached = sum(1 for r in results.values() if r.cached)
    seconds = time.monotonic() - started
    log.debug("checked %d links (%d from the cache) in %.2f s", len(urls), cached, seconds)
    return LinkSummary(len(urls), len(requested), cached, offline, seconds)
