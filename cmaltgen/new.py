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
from cmaltgen.read.framework import Framework, Pathway, SectionSpec, pathway_for

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
    files: list[Path]


def create(
    dest: Path, pathway_id: str, version: str | None = None, today: dt.date | None = None
) -> Created:
    """Write a new portfolio into ``dest``, which must not exist or be empty."""
    framework, pathway = pathway_for(pathway_id, version)
    _refuse_non_empty(dest)
    files = scaffold(framework, pathway, today or dt.date.today())
    written = [_write(dest / rel, text) for rel, text in files.items()]
    return Created(dest, pathway, [sid for sid, _ in section_ids(pathway)], written)


def scaffold(framework: Framework, pathway: Pathway, today: dt.date) -> dict[str, str]:
    """A new portfolio's files by relative path (used by ``new``, and by ``import`` to fill
    in the sections a source lacks)."""
    files: dict[str, str] = {
        "portfolio.yml": _portfolio_yml(framework, pathway, today),
        ".gitignore": "_site/\n.DS_Store\n",
        ".github/workflows/pages.yml": _workflow(),
    }
    for number, (section_id, spec) in enumerate(section_ids(pathway)):
        folder = section_folder(number, section_id)
        files[f"{folder}/reflection.md"] = _reflection(section_id, spec)
        if spec.assessed:
            files[f"{folder}/evidence.yml"] = _evidence(section_id)
    return files


def section_folder(number: int, section_id: str) -> str:
    return f"{number:02d}-{section_id}"


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


def section_ids(pathway: Pathway) -> list[tuple[str, SectionSpec]]:
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


def _workflow() -> str:
    text = (resources.files("cmaltgen") / "scaffold" / "pages.yml").read_text("utf-8")
    return text.replace("__VERSION__", __version__).replace("__SOURCE__", SOURCE)


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
