"""The fields people write: a reflection's front matter and an evidence.yml item, declared
for the validator, the JSON Schemas and docs/format.md (see :mod:`cmaltgen.read.schema`)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from cmaltgen.read.dates import PartialDate
from cmaltgen.read.schema import ID_PATTERN, spec

EVIDENCE_TYPES = (
    "document",
    "image",
    "video",
    "audio",
    "web-page",
    "testimonial",
    "certificate",
    "publication",
    "presentation",
    "dataset",
    "code",
    "other",
)
VISIBILITIES = ("public", "assessors", "private")
_WEB_ADDRESS = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")


@dataclass(frozen=True, kw_only=True)
class FrontMatter:
    """The settings at the top of a reflection.md, between --- lines."""

    section: str = spec(
        "Which section this is: contextual-statement, 1a ... 4a, specialist-NAME, "
        "advanced-NAME or future-plans.",
        pattern=r"^[a-z0-9][a-z0-9-]*$",
        hint="section ids are lowercase, with hyphens for spaces: 1a ... 4a, "
        "contextual-statement, future-plans, specialist-NAME (e.g. specialist-accessibility); "
        "cmaltgen pathways lists them",
    )
    title: str = spec("Your own title: required for specialist and advanced areas.", default="")
    summary: str = spec("One or two sentences shown in the overview and link previews.", default="")
    updated: PartialDate | None = spec(
        "When you last revised this section (YYYY-MM-DD).", default=None
    )
    focus: str = spec(
        "Section 3b only: whether it covers a policy or a second piece of legislation.",
        choices=("policy", "legislation"),
        default="",
    )
    draft: bool = spec(
        "Work in progress: shown by serve with a banner, left out of build.", default=False
    )
    visibility: str = spec(
        "Who may see this section: public, assessors or private "
        "(default: privacy.default_visibility, normally public).",
        choices=VISIBILITIES,
        default="",
    )
    privacy_checked: bool = spec(
        "You checked this section for personal data: silences the privacy lint.", default=False
    )


@dataclass(frozen=True, kw_only=True)
class Consent:
    """Who agreed to their personal data being shown, and when."""

    who: str = spec("Who gave permission, e.g. 'the module leader, Dr A. Khan'.")
    date: PartialDate = spec("When they gave it (YYYY-MM-DD).")


@dataclass(frozen=True, kw_only=True)
class EvidenceItem:
    """One piece of evidence."""

    id: str = spec(
        "A short unique name used to cite it: lowercase, digits, hyphens.", pattern=ID_PATTERN
    )
    title: str = spec("A clear label an assessor will recognise.")
    type: str = spec("What kind of evidence it is.", choices=EVIDENCE_TYPES)
    date: PartialDate = spec("When it was made (YYYY-MM-DD, YYYY-MM or YYYY).")
    file: str = spec(
        "A file inside the portfolio, relative to this evidence.yml.", kind="path", default=""
    )
    url: str = spec("A web address, instead of a file.", kind="url", default="")
    shows: str = spec("What this evidence shows the assessor.")
    supports: tuple[str, ...] = spec(
        "Other section ids this item also supports, e.g. [2a, 4a].", default=()
    )
    alt: str = spec("Text alternative describing the image (required for images).", default="")
    captions: bool = spec("Video or audio only: true when it has accurate captions.", default=False)
    transcript: str = spec(
        "Video or audio only: its transcript, a file in the portfolio (published) or a URL; "
        "linked beside the item.",
        default="",
    )
    draft: bool = spec("Not ready yet: shown by serve, left out of build.", default=False)
    visibility: str = spec(
        "Who may see it: public, assessors or private (default: its section's, "
        "else privacy.default_visibility).",
        choices=VISIBILITIES,
        default="",
    )
    personal_data: bool = spec(
        "It shows or names other people (students, colleagues).", default=False
    )
    anonymised: bool = spec("You removed names and anything that identifies people.", default=False)
    consent: Consent | None = spec(
        "The permission you hold to show people's personal data.", default=None
    )
    privacy_checked: bool = spec(
        "You checked it for personal data: silences the privacy lint for it.", default=False
    )

    @property
    def transcript_file(self) -> str:
        """The transcript when it is a file in the portfolio rather than a web address."""
        text = self.transcript.strip()
        return "" if _WEB_ADDRESS.match(text) or text.lower().startswith("www.") else text
