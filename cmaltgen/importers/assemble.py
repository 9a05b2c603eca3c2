"""Sorted sections to portfolio files in memory: reflections, evidence, stubs, the unsorted note.

Sections the source lacks are written as ``cmaltgen new`` writes them, so the portfolio is
complete and ``cmaltgen check`` lists what is left to do.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any, cast

import yaml

from cmaltgen.diagnostics import Diagnostics
from cmaltgen.importers.evidence import Collector, SectionEvidence, collect, table_details
from cmaltgen.importers.headings import normalise
from cmaltgen.importers.sections import Found, Sorting
from cmaltgen.new import scaffold, section_folder, section_ids
from cmaltgen.read.framework import Framework, Pathway, SectionSpec
from cmaltgen.wording import plural, word_count

UNSORTED = "_unsorted.md"
_TABLE_RULE = re.compile(r"[\s|:-]+")  # the |---|:--| line under a table's header


class _NoAliases(yaml.SafeDumper):
    """Portfolios may not use YAML aliases, so a shared value is written out each time."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


@dataclass
class SectionReport:
    id: str
    folder: str
    origins: list[str]
    words: int
    evidence: int
    parts: list[str]


@dataclass
class Plan:
    files: dict[str, bytes] = field(default_factory=dict)
    sections: list[SectionReport] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    unsorted_words: int = 0
    diagnostics: Diagnostics = field(default_factory=Diagnostics)
    evidence: list[tuple[str, str, list[dict[str, Any]]]] = field(default_factory=list)

    def text(self, rel: str, content: str) -> None:
        self.files[rel] = content.encode("utf-8")


def assemble(
    sorting: Sorting,
    notes: dict[str, str],
    collector: Collector,
    framework: Framework,
    today: dt.date,
    source: str,
) -> Plan:
    plan = Plan()
    pathway = sorting.pathway
    stubs = scaffold(framework, pathway, today)
    for key in (".gitignore", ".github/workflows/pages.yml", "portfolio.yml"):
        plan.text(key, stubs[key])
    for number, section_id, spec in _order(sorting, pathway):
        folder = section_folder(number, section_id)
        found = sorting.sections.get(section_id)
        if found is None:
            _stub(plan, stubs, folder, section_id)
            continue
        _section(plan, folder, found, spec, notes, collector, source)
    for rel, section_id, items in plan.evidence:
        plan.text(rel, _evidence_yml(section_id, items, source))
    _unsorted(plan, sorting, notes, collector, source)
    _review(plan, sorting, collector)
    return plan


def _order(sorting: Sorting, pathway: Pathway) -> list[tuple[int, str, SectionSpec]]:
    """Every section to write, numbered in the pathway's order; found slots fill slots."""
    order: list[tuple[int, str, SectionSpec]] = []
    for number, (section_id, spec) in enumerate(section_ids(pathway)):
        if spec.slot is None:
            order.append((number, section_id, spec))
            continue
        if any(o[1].startswith(f"{spec.slot}-") for o in order):
            continue
        found = [s for s in sorting.sections if s.startswith(f"{spec.slot}-")]
        wanted = [sid for sid, sp in section_ids(pathway) if sp.slot == spec.slot]
        order.extend((number, sid, spec) for sid in found)
        still = [sid for sid in wanted if sid not in found][: max(len(wanted) - len(found), 0)]
        order.extend((number, sid, spec) for sid in still)
    return order


def _stub(plan: Plan, stubs: dict[str, str], folder: str, section_id: str) -> None:
    for rel, text in stubs.items():
        top, _, inside = rel.partition("/")
        if re.fullmatch(rf"\d\d-{re.escape(section_id)}", top):
            plan.text(f"{folder}/{inside}", text)
    plan.missing.append(section_id)


def _section(
    plan: Plan,
    folder: str,
    found: Found,
    spec: SectionSpec,
    notes: dict[str, str],
    collector: Collector,
    source: str,
) -> None:
    evidence = SectionEvidence()
    parts: dict[str, str] = {}
    for part, texts in found.parts.items():
        joined = "\n\n".join(texts)
        parts[part] = collect(joined, found.id, collector, spec.assessed, evidence)
    for text in parts.values():
        table_details(text, evidence.items)
    body = _body(parts, spec)
    body += _notes(body, notes)
    plan.text(f"{folder}/reflection.md", _front(found, spec, source) + body)
    for name, data in evidence.files.items():
        plan.files[f"{folder}/{name}"] = data
    if spec.assessed:  # written once every section is read: later ones add to `supports`
        plan.evidence.append((f"{folder}/evidence.yml", found.id, evidence.items))
    plan.sections.append(
        SectionReport(
            found.id,
            folder,
            found.origins,
            word_count(_words_of(body)),
            len(evidence.items),
            sorted(found.part_headings),
        )
    )
    unlinked = _unlinked(parts["evidence"])
    if spec.assessed and unlinked:
        plan.diagnostics.add(
            "import-review",
            f"section {found.id} lists {plural(len(unlinked), 'piece')} of evidence with no link "
            f"or file, e.g. '{_comment(unlinked[0].strip(' -*|'))[:60]}'",
            path=Path(folder, "evidence.yml"),
            hint="add each to evidence.yml with its file or web address, and cite it",
        )
    if spec.assessed and "reflection" not in found.part_headings:
        plan.diagnostics.add(
            "import-review",
            f"section {found.id} has no Reflection heading, so all its text is under Description",
            path=Path(folder, "reflection.md"),
            hint="move your reflection under ## Reflection",
        )


def _unlinked(markdown: str) -> list[str]:
    """List items, table rows (not header rows) and short lines that are not sentences
    ("Appendix 3: minutes", a line of a template's cell) naming evidence without linking it."""
    found = []
    for line, following in pairwise([*markdown.splitlines(), ""]):
        header = line.startswith("|") and _TABLE_RULE.fullmatch(following) is not None
        entry = re.match(r"\s*(?:[-*+]|\d+[.)]|\|)\s*\S", line) is not None
        bare = line.rstrip(" \\")
        named = (
            0 < len(bare) <= 120 and "](" not in bare and not re.match(r"\s*(#|>|\*\*|\[\^)", bare)
        )
        listed = entry or (named and bare[-1] not in ".:!?")
        if listed and not header and "(evidence:" not in line and not _TABLE_RULE.fullmatch(line):
            found.append(line)
    return found


def _body(parts: dict[str, str], spec: SectionSpec) -> str:
    if not spec.assessed:
        return "\n\n".join(t for t in parts.values() if t.strip()) + "\n"
    description = _demote(parts["description"])
    if parts["evidence"].strip():
        description += "\n\n### Evidence\n\n" + _demote(parts["evidence"])
    reflection = _demote(parts["reflection"])
    return f"## Description\n\n{description.strip()}\n\n## Reflection\n\n{reflection}\n"


def _demote(markdown: str) -> str:
    """Headings inside a part sit below its ## heading."""
    return re.sub(
        r"^(#{1,6}) ", lambda m: "#" * min(max(len(m.group(1)), 3), 6) + " ", markdown, flags=re.M
    ).strip()


def _notes(body: str, notes: dict[str, str]) -> str:
    used = [label for label in notes if f"[^{label}]" in body]
    return "".join(f"\n[^{label}]: {' '.join(notes[label].split())}\n" for label in used)


def _words_of(markdown: str) -> str:
    """The words a reader reads: images and link addresses are not words."""
    # [^[\]] and [^()]: each match stops at the next bracket, so unmatched ones cost no rescans
    text = re.sub(r"!\[[^\[\]]*\]\((?:[^()]|\([^()]*\))*\)", " ", markdown)
    text = re.sub(r"\]\((?:[^()]|\([^()]*\))*\)", "]", text)
    return re.sub(r"^#+ ", "", text, flags=re.M)


def _front(found: Found, spec: SectionSpec, source: str) -> str:
    lines = [f"section: {found.id}"]
    if found.title or spec.slot:
        lines.append(f"title: {_yaml_text(found.title or 'Name this area')}")
    if spec.focus_required and spec.focus_allowed:
        lines.append(f"focus: {spec.focus_allowed[0]}")
    elif spec.focus_allowed:
        lines.append(f"# focus: {' or '.join(spec.focus_allowed)}  (say which this section covers)")
    origins = "; ".join(found.origins)
    lines.append(f"# Imported by cmaltgen import from {_comment(source)}: {_comment(origins)}")
    lines.append("# Check it, then remove the next line when the section is ready to publish.")
    lines.append("draft: true")
    return "---\n" + "\n".join(lines) + "\n---\n"


def _yaml_text(text: str) -> str:
    dumped: str = yaml.safe_dump(text, allow_unicode=True, width=1000)
    return dumped.removesuffix("\n...\n").strip()


def _comment(text: str) -> str:
    return " ".join(text.split())[:300]


def _evidence_yml(section_id: str, items: list[dict[str, Any]], source: str) -> str:
    head = (
        f"# Evidence for section {section_id}, imported from {_comment(source)}.\n"
        "# Each item is a draft: check its title, type and date, say what it shows, then\n"
        "# remove 'draft: true'. Cite an item in reflection.md as [your words](evidence:ITS-ID).\n"
    )
    if not items:
        return head + "# No links or images were found in this section: add your evidence here.\n"
    dumped = "".join(_item_yaml(item) for item in items)
    return head + re.sub(r"^- ", "\n- ", dumped, flags=re.M).lstrip("\n")


def _dump(data: Any) -> str:
    return yaml.dump(data, Dumper=_NoAliases, allow_unicode=True, sort_keys=False, width=1000)


# A value PyYAML writes as it is (no quotes): checked below, with its resolver, to be no
# number, date, true/false or null. Other values are written by PyYAML itself.
_PLAIN = re.compile(
    r"[A-Za-z0-9][A-Za-z0-9 _./?=&%+~-]{0,200}|https?://[A-Za-z0-9_./?=&%+~:-]{1,200}"
)
_TAG_OF = cast(Callable[[type, str, tuple[bool, bool]], str], yaml.resolver.Resolver().resolve)


def _item_yaml(item: dict[str, Any]) -> str:
    """``yaml.dump([item])`` with the same options, its plain keys and values written here:
    PyYAML took about a millisecond an item (30,000 links: half a minute)."""
    pairs = [_pair(key, value) for key, value in item.items()]
    return "- " + "".join(pairs)[2:] if pairs else _dump([item])


def _pair(key: str, value: Any) -> str:
    """``  key: value`` as PyYAML writes it inside a list item."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        text = value.isoformat()
    else:
        text = value if _plain(value) else ""
    if text and _plain(key):
        return f"  {key}: {text}\n"
    return _pair_dumped(key, value) if isinstance(value, str) else _dumped(key, value)


@functools.lru_cache(maxsize=1024)  # the same words in every item ("shows")
def _pair_dumped(key: str, value: str) -> str:
    return _dumped(key, value)


def _dumped(key: str, value: Any) -> str:
    return "  " + _dump([{key: value}])[2:]


def _plain(value: Any) -> bool:
    return (
        isinstance(value, str)
        and _PLAIN.fullmatch(value) is not None
        and not value.endswith((" ", ":"))
        and _TAG_OF(yaml.ScalarNode, value, (True, False)) == "tag:yaml.org,2002:str"
    )


def _unsorted(
    plan: Plan, sorting: Sorting, notes: dict[str, str], c: Collector, source: str
) -> None:
    if not sorting.unsorted:
        return
    parts = []
    evidence = SectionEvidence()
    for chunk in sorting.unsorted:
        before = set(evidence.files)
        text = collect(chunk.text, "unsorted", c, assessed=False, found=evidence)
        plan.unsorted_words += word_count(_words_of(text))
        for name in set(evidence.files) - before:
            plan.files[f"_unsorted/{name}"] = evidence.files[name]
            text = text.replace(f"]({name})", f"](_unsorted/{name})")
        parts.append(f"## From {normalise(chunk.origin)}\n\n{text}")
    body = "\n\n".join(parts)
    plan.text(
        UNSORTED,
        f"# Imported text that is in no section yet\n\n"
        f"cmaltgen import could not tell which CMALT section this text from {source} belongs "
        "to. Move what you need into a section's reflection.md, then delete this file. "
        "cmaltgen does not publish it (files and folders starting with _ are never read).\n\n"
        f"{body}\n{_notes(body, notes)}",
    )
    plan.diagnostics.add(
        "import-unsorted",
        f"{plan.unsorted_words} words matched no CMALT section and were kept in {UNSORTED}",
        path=Path(UNSORTED),
        hint="move what you need into a section's reflection.md, then delete _unsorted.md",
    )


def _review(plan: Plan, sorting: Sorting, c: Collector) -> None:
    folders = {s.id: s.folder for s in plan.sections}
    for section_id, name in c.no_alt:
        home = folders.get(section_id)
        plan.diagnostics.add(
            "import-review",
            f"image without a text alternative ({section_id}: {name})",
            path=Path(home, "reflection.md") if home else Path(UNSORTED),
            hint="describe the image in its alt text: ![what it shows](file)",
        )
    for why in sorting.skipped_slots:
        plan.diagnostics.add(
            "import-unsorted",
            f"{why}, so this area was kept in {UNSORTED}",
            path=Path(UNSORTED),
            hint="move it into an area's reflection.md if it belongs there, or choose "
            "another pathway",
        )
    if plan.missing:
        plan.diagnostics.add(
            "import-review",
            f"not found in the source, so started empty: {', '.join(plan.missing)}",
            hint="write these sections, or check the source's headings (docs/import.md)",
        )
