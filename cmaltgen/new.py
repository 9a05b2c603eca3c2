"""``cmaltgen new``: a ready-to-edit portfolio for a pathway, built from the framework data.

Every section starts as a draft whose front matter carries that section's guidance as YAML
comments, so a new portfolio builds at once (with one warning per unwritten section) and the
guidance sits where the candidate writes.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import yaml

from cmaltgen import __version__
from cmaltgen.diagnostics import CmaltgenError, Diagnostic
from cmaltgen.framework import Framework, Pathway, SectionSpec, latest
from cmaltgen.framework import framework as load_framework

SLOT_NAMES = {
    "specialist": ["specialist-first-area", "specialist-second-area"],
    "advanced": ["advanced-impact"],
}


@dataclass(frozen=True)
class Created:
    root: Path
    pathway: Pathway
    sections: list[str]
    files: list[Path]


def create(
    dest: Path, pathway_id: str, version: str | None = None, today: dt.date | None = None
) -> Created:
    """Write a new portfolio into ``dest``, which must not exist or be empty."""
    framework = load_framework(version or latest())
    if framework is None:
        raise CmaltgenError(f"there is no guidance version '{version}'")
    if pathway_id not in framework.pathways:
        raise CmaltgenError(f"there is no pathway '{pathway_id}'")
    _refuse_non_empty(dest)
    pathway = framework.pathways[pathway_id]
    files: dict[str, str] = {
        "portfolio.yml": _portfolio_yml(framework, pathway, today or dt.date.today()),
        ".gitignore": "_site/\n.DS_Store\n",
        ".github/workflows/pages.yml": workflow(),
    }
    sections = _section_ids(pathway)
    for number, (section_id, spec) in enumerate(sections):
        folder = f"{number:02d}-{section_id}"
        files[f"{folder}/reflection.md"] = _reflection(section_id, spec)
        if spec.assessed:
            files[f"{folder}/evidence.yml"] = _evidence(section_id)
    written = [_write(dest / rel, text) for rel, text in files.items()]
    return Created(dest, pathway, [sid for sid, _ in sections], written)


def _refuse_non_empty(dest: Path) -> None:
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise CmaltgenError(
            f"{dest} already exists and is not empty",
            [
                Diagnostic(
                    "output-not-site",
                    "this folder already exists and is not empty, so cmaltgen new will not "
                    "write into it",
                    path=dest,
                    hint="choose a new folder name, e.g. cmaltgen new my-cmalt-portfolio",
                )
            ],
        )


def _section_ids(pathway: Pathway) -> list[tuple[str, SectionSpec]]:
    ids: list[tuple[str, SectionSpec]] = []
    for spec in pathway.sections:
        if spec.slot is None:
            ids.append((spec.id, spec))
            continue
        wanted = max(pathway.slot_count(spec.slot).min, 0)
        ids.extend((name, spec) for name in SLOT_NAMES[spec.slot][:wanted])
    return ids


def _guidance() -> dict[str, dict[str, str]]:
    text = (resources.files("cmaltgen") / "scaffold" / "guidance.yml").read_text("utf-8")
    loaded: dict[str, dict[str, str]] = yaml.safe_load(text)
    return loaded


def _comment(label: str, text: str) -> str:
    lines = textwrap.wrap(f"{label}: {text}", width=92)
    return "".join(f"# {line}\n" if i == 0 else f"#   {line}\n" for i, line in enumerate(lines))


def _reflection(section_id: str, spec: SectionSpec) -> str:
    guide = _guidance().get(spec.slot or section_id, {})
    title = ""
    if spec.slot:
        title = "title: Name this area  # e.g. Accessibility, Open educational resources\n"
    heading = f"{section_id} {spec.title}" if section_id[0].isdigit() else spec.title
    comments = f"# {heading}\n" + "".join(
        _comment(label, guide[key])
        for key, label in (
            ("describe", "Describe"),
            ("evidence", "Evidence"),
            ("reflect", "Reflect"),
        )
        if key in guide
    )
    focus = "focus: policy  # or: legislation (CMALT only)\n" if spec.focus_allowed else ""
    examples = "".join(f"### Example {n + 1}\n\n\n" for n in range(spec.min_examples))
    body = f"## Description\n\n\n{examples}## Reflection\n\n" if spec.assessed else "\n"
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


def workflow(
    what: str = "portfolio",
    command: str = "cmaltgen build . --strict -o _site",
    strict_note: str = "--strict means an unfinished portfolio (drafts, warnings) is not "
    "published.",
) -> str:
    """The GitHub Pages workflow: the portfolio's, or with another build command (cohort hubs)."""
    text = (resources.files("cmaltgen") / "scaffold" / "pages.yml").read_text("utf-8")
    for name, value in (
        ("__VERSION__", __version__),
        ("__WHAT__", what),
        ("__COMMAND__", command),
        ("__STRICT__", strict_note),
    ):
        text = text.replace(name, value)
    return text


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
