"""The hub build, the only module that knows its order.

cohort.yml -> members (each handed to the search indexer as it is read) -> pages rendered in
memory -> the search index finished -> one atomic write, so a failed build leaves the last good
hub in place.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from cmaltgen import __version__
from cmaltgen.build import check_output_location
from cmaltgen.cohort import ics, pages, search
from cmaltgen.cohort.config import CohortConfig, Loaded, load_cohort
from cmaltgen.cohort.indexer import Indexer, group_size
from cmaltgen.cohort.members import Member, read_members
from cmaltgen.cohort.memo import Memo
from cmaltgen.diagnostics import CmaltgenError, Diagnostics
from cmaltgen.output import folder as site_folder
from cmaltgen.read import sources
from cmaltgen.read.framework import framework, latest
from cmaltgen.read.located_yaml import LineMap
from cmaltgen.site import render, theme
from cmaltgen.site.output import MARKER, Output
from cmaltgen.site.template_problems import TemplateProblems

log = logging.getLogger(__name__)


@dataclass(eq=False)
class CohortResult:
    """What a hub build did, for the CLI's summary, ``cohort check`` and serve."""

    root: Path
    output: Path
    diagnostics: Diagnostics
    strict: bool = False
    config: CohortConfig | None = None
    members: list[Member] = field(default_factory=list)  # every member, unlisted ones too
    rendered: Output | None = field(default=None, repr=False)
    written: bool = False
    pages: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.diagnostics.errors or (self.strict and self.diagnostics.warnings))

    @property
    def base_url(self) -> str:
        return self.config.site.base_url if self.config else ""

    @property
    def listed(self) -> int:
        return sum(1 for m in self.members if m.listed)


def build_cohort(
    root: Path,
    output: Path | None = None,
    *,
    strict: bool = False,
    offline: bool = False,
    today: dt.date | None = None,
    write: bool = True,
    memo: Memo | None = None,
    templates: theme.Environments | None = None,
) -> CohortResult:
    """Build the hub in ``root`` into ``output`` (default ``root/_site``); ``memo`` and
    ``templates`` (``cmaltgen serve``) keep what did not change between builds."""
    started = time.perf_counter()
    root = sources.real_path(root)  # a link that loops is reported by load_cohort
    output = sources.real_path(output or root / sources.DEFAULT_OUTPUT)
    check_output_location(root, output)
    today = today or dt.date.today()
    result = CohortResult(root, output, Diagnostics(), strict)
    loaded = load_cohort(root, result.diagnostics, today)
    if loaded is None:
        return _finished(result, started)
    with _indexer(loaded, memo) as indexer:
        members = read_members(
            loaded,
            result.diagnostics,
            today,
            offline=offline,
            on_member=_indexing(indexer) if result.ok else None,  # none for a hub not rendered
            memo=memo.members if memo else None,
        )
        indexer.members_done()
        log.info("members read in %.3f s", time.perf_counter() - started)
        result.config, result.members = loaded.config, members
        if result.ok:
            hub = pages.make_hub(loaded.config, members, today)
            result.rendered = render_hub(
                hub, root, result.diagnostics, indexer, loaded.linemap, templates=templates
            )
    if result.rendered is not None and result.ok:
        if write:
            site_folder.write_site(result.rendered, output)
            result.written = True
        result.pages = sum(1 for p in result.rendered.pages if p.endswith(".html"))
        result.notes = result.rendered.notes
    return _finished(result, started)


def _indexer(loaded: Loaded, memo: Memo | None) -> Indexer:
    """The search indexer for this cohort, its groups sized by the listed members."""
    found = framework(latest())
    assert found is not None  # the packaged guidance always has its latest version
    columns = {c.key: c for c in pages.columns(found)}
    listed = sum(1 for _, entry in loaded.members if entry.listed)
    group = group_size(listed)
    language = loaded.config.site.language
    return Indexer(language, columns, group, memo.search if memo else None)


def _indexing(indexer: Indexer) -> Callable[[Member], None]:
    """Index each member as it is read, then drop its text (a large cohort's prose is never
    all held at once)."""

    def index(member: Member) -> None:
        indexer.add(member)
        member.texts = {}

    return index


def _finished(result: CohortResult, started: float) -> CohortResult:
    result.seconds = time.perf_counter() - started
    log.info("hub build of %s finished in %.3f s", result.root, result.seconds)
    return result


def render_hub(
    hub: pages.Hub,
    root: Path,
    diags: Diagnostics,
    indexer: Indexer,
    linemap: LineMap,
    *,
    templates: theme.Environments | None = None,
) -> Output | None:
    """Every page and feed of the hub, in memory; problems are located in cohort.yml."""
    overrides = root / sources.TEMPLATES_DIR  # the cohort's own, as in a portfolio
    try:
        chosen = theme.load_theme(hub.config.site.theme, overrides if overrides.is_dir() else None)
    except CmaltgenError as exc:
        where = linemap.where(("site", "theme"))
        for diag in exc.diagnostics:
            diags.add(diag.code, diag.message, hint=diag.hint, key="site.theme", **where)
        return None
    env = templates.get(chosen) if templates is not None else theme.environment(chosen)
    output = Output()
    problems = TemplateProblems(env, chosen)
    every = pages.pages(hub)
    for page in every:
        if page.path == pages.SEARCH:
            continue  # rendered below, once the index says whether search works
        values = pages.page_values(hub, page)
        html = render.render_template(env, page.path, page.template, values, problems)
        if html is not None:
            output.pages[page.path] = html.encode("utf-8")
    index = indexer.finish(output.pages, {p.path: p.kind for p in every})
    _report_search(index, diags, linemap.where(("site",)))  # or the top of cohort.yml
    output.pages.update(index.files)
    if index.available:
        output.pages[pages.SEARCH_SCRIPT] = _search_script(env)
    page = next(p for p in every if p.path == pages.SEARCH)
    values = {**pages.page_values(hub, page), "search": index}
    html = render.render_template(env, page.path, page.template, values, problems)
    if html is not None:
        output.pages[page.path] = html.encode("utf-8")
    problems.report(diags)  # each once, with the pages it stopped
    output.pages[pages.FEED] = pages.atom_feed(hub)
    output.pages[pages.CALENDAR] = ics.calendar(hub.config, _stamp())
    output.pages[".nojekyll"] = b""
    output.pages[MARKER] = f"Built by cmaltgen {__version__}. Safe to delete.\n".encode()
    for folder in chosen.static_dirs:
        for source in sorted(folder.rglob("*")):
            if source.is_file():
                output.files[f"{render.ASSETS_DIR}/{source.relative_to(folder).as_posix()}"] = (
                    source
                )
    if not hub.base_url:
        output.notes.append(
            "No site.base_url in cohort.yml, so the feed has no web address; add it once you "
            "know where the hub will live."
        )
    return output


def _report_search(index: search.Index, diags: Diagnostics, where: dict[str, Any]) -> None:
    """A search index that could not be built: a located warning (the hub has no search)."""
    if index.problem:
        diags.add(
            "cohort-search-unavailable",
            f"the hub's search could not be built, so the hub is built without it: {index.problem}",
            hint="the search page says search is unavailable and lists the section pages; "
            "reinstall cmaltgen (pip install --force-reinstall cmaltgen) to bring Pagefind back",
            **where,
        )


def _search_script(env: jinja2.Environment) -> bytes:
    """The search page's script, from the theme's templates (a hub-only file, so portfolio
    sites, which copy the theme's static folder, do not carry it). Copied, not rendered."""
    assert env.loader is not None
    source, _, _ = env.loader.get_source(env, "cohort/search.js")
    return source.encode("utf-8")


def _stamp() -> dt.datetime:
    """The calendar's DTSTAMP: SOURCE_DATE_EPOCH when set (reproducible builds), else now."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isascii() and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
