"""Privacy: who may see what, and the lint of what the public site would show.

Visibility levels, strictest last: ``public``, ``assessors`` (assessor edition and bundle) and
``private`` (never published); an item is never more visible than its section. The lint finds
contact details and camera or location metadata; :mod:`cmaltgen.rules.images` removes that.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from cmaltgen.diagnostics import Diagnostics
from cmaltgen.read.config import PortfolioConfig
from cmaltgen.read.document_fields import FrontMatter
from cmaltgen.read.documents import EvidenceEntry, Reflection, SectionDoc
from cmaltgen.read.portfolio import Portfolio, Specs
from cmaltgen.read.safe_read import read_regular
from cmaltgen.read.sources import real_path, resolve_local
from cmaltgen.rules import images

log = logging.getLogger(__name__)

PUBLIC, ASSESSORS, PRIVATE = "public", "assessors", "private"
LEVELS = (PUBLIC, ASSESSORS, PRIVATE)
EDITIONS = ("public", "assessor")
TEXT_EVIDENCE = (".md", ".txt")

# ----------------------------------------------------------------------------- visibility


def section_visibility(front: FrontMatter | None, config: PortfolioConfig) -> str:
    default = config.privacy.default_visibility
    return (front.visibility if front else "") or default


def item_visibility(entry: EvidenceEntry, doc: SectionDoc, config: PortfolioConfig) -> str:
    """The item's own visibility (or the default), never looser than its section's."""
    front = doc.reflection.front if doc.reflection else None
    own = entry.item.visibility or config.privacy.default_visibility
    return max(own, section_visibility(front, config), key=LEVELS.index)


def in_no_edition(portfolio: Portfolio, doc: SectionDoc, entry: EvidenceEntry) -> bool:
    """Whether an item is private (so no edition shows it), as far as can be told: an error
    in the privacy setting or its section's front matter leaves it counted as shown."""
    if portfolio.setting_failed("privacy") or doc.broken is not None:
        return False
    return item_visibility(entry, doc, portfolio.config) == PRIVATE


def visible(visibility: str, edition: str) -> bool:
    """Whether something at ``visibility`` appears in ``edition`` (private never does)."""
    if edition == "assessor":
        return visibility in (PUBLIC, ASSESSORS)
    return visibility == PUBLIC


# ------------------------------------------------------------------- contact details lint


class Contact(NamedTuple):
    """An email address or phone number found in text."""

    kind: str  # "email address" or "phone number"
    start: int
    text: str

    @property
    def masked(self) -> str:
        """Enough to find it, not enough to republish it in a public CI log."""
        if self.kind == "email address":
            user, _, domain = self.text.partition("@")
            return f"{user[:1]}…@{domain}"
        return "ending " + re.sub(r"\D", "", self.text)[-3:]


_EMAIL = re.compile(
    r"(?<![\w.%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![\w-])"
)
_NUMBER = re.compile(r"(?<![\w+/.:-])(?:\+|\()?\d[\d ().-]{6,}\d(?![\w]|-\d|\.\d)")
_ISBN_BEFORE = re.compile(r"ISBN(?:-?1[03])?[:\s]*$", re.IGNORECASE)


_PHONE_DIGITS = 8  # the fewest digits _is_phone accepts


_ANY_DIGIT = re.compile(r"\d")


def _digits(text: str) -> int:
    """How many digits ``text`` has, counting other scripts' digits as the patterns do."""
    if text.isascii():
        return sum(map(text.count, "0123456789"))
    return len(_ANY_DIGIT.findall(text))


def find_contacts(text: str) -> list[Contact]:
    """Email addresses and phone numbers (UK and international) in ``text``, in order."""
    # Cheap tests first: most lines of prose have no "@" and too few digits for a phone
    # number, and scanning them with the patterns below is what would take the time.
    found: list[Contact] = []
    if "@" in text:
        found = [Contact("email address", m.start(), m.group()) for m in _EMAIL.finditer(text)]
    if _digits(text) < _PHONE_DIGITS:
        return found
    for match in _NUMBER.finditer(text):
        run = match.group().rstrip(" (.-")
        if _is_phone(run) and not _ISBN_BEFORE.search(text[: match.start()]):
            found.append(Contact("phone number", match.start(), run))
    return sorted(found, key=lambda c: c.start)


def _is_phone(run: str) -> bool:
    """Phone-shaped, and not a date, ISBN, ORCID iD or other hyphenated identifier."""
    digits = re.sub(r"\D", "", run)
    if re.search(r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[./]\d{1,2}[./]\d{2,4}", run):
        return False  # a date
    groups = [g for g in re.split(r"[ ().-]+", run.lstrip("+")) if g]
    if run.startswith("+"):
        return _PHONE_DIGITS <= len(digits) <= 15 and len(groups[0]) <= 3
    starts_uk = digits.startswith("0") and not digits.startswith("00")
    return starts_uk and len(digits) in (10, 11) and len(groups[0]) >= 3 and len(groups) <= 4


def check_contacts(portfolio: Portfolio, specs: Specs, diags: Diagnostics) -> None:
    """Warn about likely contact details and image metadata in what the public site shows."""
    if portfolio.setting_failed("privacy"):
        return  # who sees what depends on the setting that has an error
    root, config = portfolio.root, portfolio.config
    for doc in portfolio.docs:
        if doc.broken is not None:
            continue  # its section's visibility is unknown until its front matter is fixed
        reflection = doc.reflection
        if (
            reflection is not None
            and not (reflection.front.draft or reflection.front.privacy_checked)
            and section_visibility(reflection.front, config) == PUBLIC
        ):
            lines = reflection.text.splitlines()  # the file's lines as the parse stage read them
            _lint_lines(reflection.path, lines, 1, len(lines), diags)
            _lint_reflection_images(root, reflection, diags)
        evidence_lines: list[str] | None = None  # its evidence.yml's, split once if needed
        for entry in _public_items(doc, config):
            if not entry.item.privacy_checked:
                if evidence_lines is None:
                    evidence_lines = doc.evidence_text.splitlines()
                _lint_item(root, entry, evidence_lines, diags)


def check_personal_data(portfolio: Portfolio, specs: Specs, diags: Diagnostics) -> None:
    """Public evidence with personal data that is neither anonymised nor consented: an error."""
    if portfolio.setting_failed("privacy"):
        return
    for doc in portfolio.docs:
        if doc.broken is None:  # else its section's visibility is unknown
            for entry in _public_items(doc, portfolio.config):
                item = entry.item
                if item.personal_data and not item.anonymised and item.consent is None:
                    diags.add(
                        "personal-data",
                        f"evidence '{item.id}' is public and has personal data, but is neither "
                        "anonymised nor shown with consent",
                        **entry.where("personal_data"),
                        hint="anonymise it and add 'anonymised: true', record permission with "
                        "'consent: {who: ..., date: ...}', or make it 'visibility: assessors'",
                    )


def _public_items(doc: SectionDoc, config: PortfolioConfig) -> Iterator[EvidenceEntry]:
    for entry in doc.evidence:
        if not entry.item.draft and item_visibility(entry, doc, config) == PUBLIC:
            yield entry


def _lint_lines(path: Path, lines: list[str], first: int, last: int, diags: Diagnostics) -> None:
    for number in range(first, min(last, len(lines)) + 1):
        for contact in find_contacts(lines[number - 1]):
            diags.add(
                "contact-details",
                f"this looks like {'an' if contact.kind[0] in 'aeiou' else 'a'} {contact.kind} "
                f"({contact.masked}) in public content",
                path=path,
                line=number,
                col=contact.start + 1,
                hint="remove it or make the item 'visibility: assessors'; if it is meant to be "
                "public, add 'privacy_checked: true' to the evidence item or the section's "
                "front matter",
            )


def _lint_item(root: Path, entry: EvidenceEntry, lines: list[str], diags: Diagnostics) -> None:
    """The published fields of an item (``lines``: its evidence.yml), then its file: text
    for contacts, images for EXIF."""
    spans = _field_spans(entry, ("title", "shows", "alt", "url"), lines)
    for number in sorted({n for first, last in spans for n in range(first, last + 1)}):
        _lint_lines(entry.path, lines, number, number, diags)
    if not entry.item.file:
        return
    source, problem = resolve_local(root, entry.path.parent, entry.item.file)
    if source is None or problem is not None:
        return
    if source.suffix.lower() in TEXT_EVIDENCE:
        try:
            text = read_regular(source).decode("utf-8-sig").splitlines()
        except (OSError, UnicodeDecodeError):
            text = []  # unreadable files are reported by the stage that reads them
        _lint_lines(source, text, 1, len(text), diags)
    found = images.metadata_in(source)
    if found:
        line, col = entry.at("file")
        _report_metadata(entry.item.file, found, entry.path, line, col, diags)


def _field_spans(
    entry: EvidenceEntry, names: tuple[str, ...], lines: list[str]
) -> Iterator[tuple[int, int]]:
    """Line ranges holding each named field's value (block scalars span several lines)."""
    starts = sorted({line for line, _ in entry.fields.values()})
    for name in names:
        if name not in entry.fields:
            continue
        line = entry.fields[name][0]
        later = [s - 1 for s in starts if s > line]
        yield line, min([*later, _continuation_end(lines, line)])


_KEY_LINE = re.compile(r"\s*(- )?[A-Za-z_]+:(\s|$)")


def _continuation_end(lines: list[str], line: int) -> int:
    """The last line of a value starting on ``line``: indented lines that are not keys."""
    end = line
    while end < len(lines) and lines[end].startswith((" ", "\t")):
        if _KEY_LINE.match(lines[end]):
            break
        end += 1
    return end


def _lint_reflection_images(root: Path, reflection: Reflection, diags: Diagnostics) -> None:
    for ref in reflection.parsed.references:
        if not ref.image or ref.kind != "file":
            continue
        source, problem = resolve_local(root, reflection.path.parent, ref.target)
        found = images.metadata_in(source) if source is not None and problem is None else []
        if found:
            line = reflection.file_line(ref.line)
            _report_metadata(ref.target, found, reflection.path, line, ref.col, diags)


def _report_metadata(
    name: str, found: list[str], path: Path, line: int, col: int, diags: Diagnostics
) -> None:
    diags.add(
        "image-metadata",
        f"the image '{name}' carries {', '.join(found)} in its metadata",
        path=path,
        line=line,
        col=col,
        hint="cmaltgen removes it from the published copy (unless privacy.keep_exif is set), "
        "but your portfolio's own file still has it; once checked, add 'privacy_checked: true'",
    )


# ------------------------------------------------------------------------- where images are


Use = tuple[str, Path, int, int]  # the name as written, the file naming it, line, column


def image_uses(root: Path, docs: list[SectionDoc], source: Path) -> list[Use]:
    """Where ``source`` is named: evidence ``file:`` lines (the line to edit) first, then
    reflections' links."""
    target = real_path(source)
    found: list[Use] = []
    links: list[Use] = []
    for doc in docs:
        for entry in doc.evidence:
            if entry.item.file and _names(root, entry.path.parent, entry.item.file, target):
                found.append((entry.item.file, entry.path, *entry.at("file")))
        reflection = doc.reflection
        if reflection is None:
            continue
        for ref in reflection.parsed.references:
            if ref.kind == "file" and _names(root, reflection.path.parent, ref.target, target):
                links.append((ref.target, reflection.path, reflection.file_line(ref.line), ref.col))
    return found + links


def _names(root: Path, base: Path, name: str, target: Path) -> bool:
    source, problem = resolve_local(root, base, name)
    return source is not None and problem is None and real_path(source) == target
