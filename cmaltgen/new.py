"""``cmaltgen new``: a ready-to-edit portfolio for a pathway, built from the framework data.

Every section starts as a draft whose front matter carries that section's guidance as YAML
comments, so a new portfolio builds at once (with one warning per unwritten section) and the
guidance sits where the candidate writes.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import re
import shutil
import textwrap
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import yaml

from cmaltgen import __version__
from cmaltgen.atomic import why_not_written
from cmaltgen.diagnostics import CmaltgenError, Diagnostic, display_path
from cmaltgen.read.config import PortfolioConfig
from cmaltgen.read.framework import REVIEW, Framework, Pathway, SectionSpec, pathway_for

# Where cmaltgen's source lives: the generated workflow names it as the way to install a
# version that is not on PyPI. tests/test_package.py checks it matches pyproject's "Source".
SOURCE = "https://github.com/cmaltgen/cmaltgen"

SLOT_NAMES = {
    "specialist": ["specialist-first-area", "specialist-second-area"],
    "advanced": ["advanced-impact"],
}


@dataclass(frozen=True)
class Created:
    root: Path
    pathway: Pathway
    sections: list[str]


def create(
    dest: Path,
    pathway_id: str,
    version: str | None = None,
    today: dt.date | None = None,
    source: Path | None = None,
) -> Created:
    """Write a new portfolio into ``dest``, which must not exist or be empty; a review may
    start from ``source``, the portfolio it reviews (which is never changed)."""
    framework, pathway = pathway_for(pathway_id, version)
    if source is not None and pathway_id != REVIEW:
        raise CmaltgenError("--from starts a portfolio review: use it with --pathway review")
    _refuse_non_empty(dest)
    today = today or dt.date.today()
    files = scaffold(framework, pathway, today)
    sections = section_ids(pathway)
    if pathway.id == REVIEW:
        files.update(review_files(framework, sections, today, source))
    made = not os.path.lexists(dest)
    try:
        for rel, text in files.items():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            (dest / rel).write_text(text, encoding="utf-8")
    except OSError as exc:
        if made:  # what this run made, so that running it again after the fix works
            shutil.rmtree(dest, ignore_errors=True)
        raise _not_made(dest, exc) from exc
    return Created(dest, pathway, [sid for sid, _ in sections])


GITIGNORE = """\
_site/
.DS_Store
# Files only assessors may see, and private ones, stay on your computer: put them in a
# folder of either name inside their section (docs/privacy.md). The public build needs none.
assessors-only/
private/
"""


def scaffold(framework: Framework, pathway: Pathway, today: dt.date) -> dict[str, str]:
    """A new portfolio's files by relative path (``import`` fills in missing sections from it)."""
    files: dict[str, str] = {
        "portfolio.yml": _portfolio_yml(framework, pathway, today),
        ".gitignore": GITIGNORE,
        ".github/workflows/pages.yml": workflow(),
    }
    for number, (section_id, spec) in enumerate(section_ids(pathway)):
        folder = section_folder(number, section_id)
        files[f"{folder}/reflection.md"] = _reflection(section_id, spec, pathway.id)
        if spec.assessed:
            files[f"{folder}/evidence.yml"] = _evidence(section_id)
    return files


def section_folder(number: int, section_id: str) -> str:
    return f"{number:02d}-{section_id}"


def _refuse_non_empty(dest: Path) -> None:
    try:
        taken = os.path.lexists(dest) and (not dest.is_dir() or any(dest.iterdir()))
    except OSError as exc:
        raise _not_made(dest, exc) from exc
    if taken:
        what = (
            "this folder already exists and is not empty"
            if dest.is_dir()
            else "something that is not a folder already has this name"
        )
        raise CmaltgenError(
            f"{dest}: {what}",
            [
                Diagnostic(
                    "output-not-site",
                    f"{what}, so cmaltgen new will not write into it",
                    path=dest,
                    hint="choose a new folder name, e.g. cmaltgen new my-cmalt-portfolio",
                )
            ],
        )


def _not_made(dest: Path, exc: OSError) -> CmaltgenError:
    reason, hint = why_not_written(dest, exc, "")
    return CmaltgenError(
        f"cmaltgen could not make the portfolio folder {display_path(dest)} ({reason})",
        [
            Diagnostic(
                "output-not-written",
                f"the portfolio could not be made here: {reason}",
                path=dest,
                hint=hint.replace("choose another place", "choose another folder name"),
            )
        ],
    )


def section_ids(pathway: Pathway) -> list[tuple[str, SectionSpec]]:
    ids: list[tuple[str, SectionSpec]] = []
    for spec in pathway.sections:
        if spec.slot is None:
            ids.append((spec.id, spec))
            continue
        wanted = max(pathway.slot_count(spec.slot).min, 0)
        ids.extend((name, spec) for name in SLOT_NAMES[spec.slot][:wanted])
    return ids


@functools.cache  # packaged data: read once per process, not once per section
def _guidance() -> dict[str, dict[str, str]]:
    text = (resources.files("cmaltgen") / "scaffold" / "guidance.yml").read_text("utf-8")
    loaded: dict[str, dict[str, str]] = yaml.safe_load(text)
    return loaded


def _comment(label: str, text: str) -> str:
    lines = textwrap.wrap(f"{label}: {text}", width=92)
    return "".join(f"# {line}\n" if i == 0 else f"#   {line}\n" for i, line in enumerate(lines))


def _reflection(section_id: str, spec: SectionSpec, pathway: str = "", body: str = "") -> str:
    guidance = _guidance()
    guide = guidance.get(f"{pathway}/{section_id}") or guidance.get(spec.slot or section_id, {})
    title = ""
    if spec.slot:
        title = "title: Name this area  # e.g. Accessibility, Open educational resources\n"
    heading = f"{section_id} {spec.title}" if section_id[0].isdigit() else spec.title
    comments = f"# {heading}\n" + "".join(
        _comment(key.capitalize(), guide[key])
        for key in ("describe", "evidence", "reflect")
        if key in guide
    )
    focus = "focus: policy  # or: legislation (CMALT only)\n" if spec.focus_allowed else ""
    examples = "".join(f"### Example {n + 1}\n\n\n" for n in range(spec.min_examples))
    body = body or (f"## Description\n\n\n{examples}## Reflection\n\n" if spec.assessed else "\n")
    return (
        f"---\nsection: {section_id}\n{title}{focus}{comments}"
        "# Remove the next line when this section is ready to publish.\n"
        f"draft: true\n---\n{body}"
    )


def _evidence(section_id: str) -> str:
    return (
        f"# Evidence for section {section_id}. Each item starts with '- id:'.\n"
        "# Cite an item in reflection.md as [your words](evidence:ITS-ID).\n"
        "# An example (remove the # at the start of each line to use it):\n"
        "#\n"
        f"# - id: {section_id}-example\n"
        "#   title: A clear name an assessor will recognise\n"
        "#   type: document   # image, video, web-page, testimonial, certificate, ...\n"
        "#   date: 2026-01-31\n"
        "#   file: my-document.pdf   # a file in this folder, or instead:\n"
        "#   # url: https://example.org/my-page\n"
        "#   shows: What this evidence shows about your practice.\n"
        "#   supports: []   # other sections it also supports, e.g. [2a, 4a]\n"
    )


def _portfolio_yml(framework: Framework, pathway: Pathway, today: dt.date) -> str:
    return f"""\
# Your CMALT portfolio. Full reference: the cmaltgen docs, docs/format.md.
pathway: {pathway.id}          # {pathway.title}
framework: "{framework.version}"      # {framework.title}

candidate:
  name: Your Name          # as it should appear on the site
  role: Your job title
  organisation: Where you work
  links: {{}}               # e.g. blog: https://..., orcid: 0000-0002-1825-0097

site:
  # title: "Your Name: CMALT portfolio"
  # base_url: https://YOUR-GITHUB-NAME.github.io/REPOSITORY/
  language: en-GB
  # licence: CC BY 4.0

confirmation:              # your signed, dated own-work statement
  name: Your Name
  date: {today.isoformat()}         # update this when you submit
"""


def workflow(what: str = "portfolio", command: str = "cmaltgen build . -o _site") -> str:
    """The GitHub Pages workflow: the portfolio's, or with another build command (cohort hubs)."""
    text = (resources.files("cmaltgen") / "scaffold" / "pages.yml").read_text("utf-8")
    for name, value in (
        ("__VERSION__", __version__),
        ("__SOURCE__", SOURCE),
        ("__WHAT__", what),
        ("__COMMAND__", command),
    ):
        text = text.replace(name, value)
    return text


# ------------------------------------------------------------------------------ reviews


def review_files(
    framework: Framework,
    sections: list[tuple[str, SectionSpec]],
    today: dt.date,
    source: Path | None,
) -> dict[str, str]:
    """A review's own files; from ``source``, the reviewed portfolio, its details and plans."""
    start = ReviewStart.read(source, today) if source is not None else ReviewStart()
    folders = {sid: section_folder(n, sid) for n, (sid, _) in enumerate(sections)}
    specs = dict(sections)
    files = {
        "portfolio.yml": _review_yml(framework, start, today),
        f"{folders['cpd-record']}/cpd.yml": _cpd_yml(today),
        f"{folders['original-portfolio']}/reflection.md": _reflection(
            "original-portfolio", specs["original-portfolio"], REVIEW, start.original_link()
        ),
    }
    if start.plans:
        files[f"{folders['future-plans']}/reflection.md"] = _reflection(
            "future-plans", specs["future-plans"], REVIEW, start.plans
        )
    return files


@dataclass(frozen=True)
class ReviewStart:
    """What a review carries over from the portfolio it reviews."""

    config: dict[str, object] | None = None
    base_url: str = ""
    awarded: str = ""
    plans: str = ""

    @classmethod
    def read(cls, source: Path, today: dt.date) -> ReviewStart:
        """Read ``source`` (its portfolio.yml must be usable); located errors otherwise."""
        from cmaltgen.diagnostics import Diagnostics
        from cmaltgen.read import config as config_stage
        from cmaltgen.read import documents, sources

        diags = Diagnostics()
        loaded = config_stage.load_config(source / sources.CONFIG_NAME, diags, today)
        if loaded is None or diags.errors:
            raise CmaltgenError(
                f"cannot start a review from {source}: its portfolio.yml has problems",
                list(diags.sorted()),
            )
        config = loaded[0]
        plans = ""
        for found in sources.collect(source.resolve()).sections:
            doc = documents.parse_section(found, Diagnostics(), today)
            if doc.reflection is not None and doc.reflection.front.section == "future-plans":
                plans = doc.reflection.body.strip()
                break
        return cls(
            config=_carried(config),
            base_url=config.site.base_url,
            awarded=_award_yaml(config),
            plans=plans + "\n" if plans else "",
        )

    def original_link(self) -> str:
        if not self.base_url:
            return "\nMy original CMALT portfolio is at ADDRESS (replace with its web address).\n"
        return (
            f"\nMy [original CMALT portfolio]({self.base_url}) stays online as it was assessed.\n"
        )


def _carried(config: PortfolioConfig) -> dict[str, object]:
    candidate = config.candidate
    links = {k: v for k, v in vars(candidate.links).items() if v}
    optional = {"role": candidate.role, "organisation": candidate.organisation, "links": links}
    return {"name": candidate.name, **{k: v for k, v in optional.items() if v}}


def _award_yaml(config: PortfolioConfig) -> str:
    award = config.award
    if award is None:
        return ""
    text = f"award:\n  date: {award.date.iso()}\n  pathway: {award.pathway or config.pathway}\n"
    if award.url:  # a web address, quoted as JSON (valid YAML) when it needs quoting
        plain = re.fullmatch(r"[A-Za-z0-9:/._~?=&%+-]+", award.url)
        text += f"  url: {award.url if plain else json.dumps(award.url)}\n"
    return text


def _review_yml(framework: Framework, start: ReviewStart, today: dt.date) -> str:
    candidate = start.config or {
        "name": "Your Name",
        "role": "Your job title",
        "organisation": "Where you work",
    }
    name = str(candidate["name"])
    award = start.awarded or (
        "# The award this review follows (required): when, and which pathway.\n"
        "# award:\n#   date: 2023-11-20\n#   pathway: cmalt\n"
    )
    who = yaml.safe_dump({"candidate": candidate}, sort_keys=False, allow_unicode=True)
    title = yaml.safe_dump({"title": f"{name}: CMALT portfolio review"}, allow_unicode=True)
    signed = yaml.safe_dump({"name": name}, allow_unicode=True)
    return f"""\
# Your three-yearly CMALT portfolio review. Full reference: the cmaltgen docs, docs/cycle.md.
pathway: review            # the portfolio review, for holders
framework: "{framework.version}"      # {framework.title}

{who}
{award}
site:
  {title.strip()}
  # base_url: https://YOUR-GITHUB-NAME.github.io/REPOSITORY/
  language: en-GB

confirmation:              # your signed, dated statement
  {signed.strip()}
  date: {today.isoformat()}         # update this when you submit
"""


def _cpd_yml(today: dt.date) -> str:
    return (
        "# Your CPD record since the award: one item per activity (cmaltgen schema cpd).\n"
        "# An example (remove the # at the start of each line to use it):\n"
        "#\n"
        f"# - date: {today.isoformat()}\n"
        "#   activity: ALT Annual Conference\n"
        "#   type: conference   # course, qualification, webinar, reading, writing, ...\n"
        "#   hours: 6\n"
        "#   evidence: https://example.org/my-talk   # or an evidence id from this portfolio\n"
        "#   reflection: What it changed in my practice.\n"
    )
