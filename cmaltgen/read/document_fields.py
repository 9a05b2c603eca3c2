"""The fields people write: a reflection's front matter and an evidence.yml item, declared
for the validator, the JSON Schemas and docs/format.md (see :mod:`cmaltgen.read.schema`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from cmaltgen.read.schema import ID_PATTERN, PartialDate, spec

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


@dataclass(frozen=True, kw_only=True)
class FrontMatter:
    """The settings at the top of a reflection.md, between --- lines."""

    section: str = field(
        metadata=spec(
            "Which section this is: contextual-statement, 1a ... 4a, specialist-NAME, "
            "advanced-NAME or future-plans.",
            pattern=r"^[a-z0-9][a-z0-9-]*$",
        )
    )
    title: str = field(
        default="",
        metadata=spec("Your own title: required for specialist and advanced areas."),
    )
    summary: str = field(
        default="", metadata=spec("One or two sentences shown in the overview and link previews.")
    )
    updated: PartialDate | None = field(
        default=None, metadata=spec("When you last revised this section (YYYY-MM-DD).")
    )
    focus: str = field(
        default="",
        metadata=spec(
            "Section 3b only: whether it covers a policy or a second piece of legislation.",
            choices=("policy", "legislation"),
        ),
    )
    draft: bool = field(
        default=False,
        metadata=spec("Work in progress: shown by serve with a banner, left out of build."),
    )
    visibility: str = field(
        default="",
        metadata=spec(
            "Who may see this section: public, assessors or private "
            "(default: privacy.default_visibility, normally public).",
            choices=VISIBILITIES,
        ),
    )
    privacy_checked: bool = field(
        default=False,
        metadata=spec("You checked this section for personal data: silences the privacy lint."),
    )


@dataclass(frozen=True, kw_only=True)
class Consent:
    """Who agreed to their personal data being shown, and when."""

    who: str = field(metadata=spec("Who gave permission, e.g. 'the module leader, Dr A. Khan'."))
    date: PartialDate = field(metadata=spec("When they gave it (YYYY-MM-DD)."))


@dataclass(frozen=True, kw_only=True)
class EvidenceItem:
    """One piece of evidence."""

    id: str = field(
        metadata=spec(
            "A short unique name used to cite it: lowercase, digits, hyphens.", pattern=ID_PATTERN
        )
    )
    title: str = field(metadata=spec("A clear label an assessor will recognise."))
    type: str = field(metadata=spec("What kind of evidence it is.", choices=EVIDENCE_TYPES))
    date: PartialDate = field(metadata=spec("When it was made (YYYY-MM-DD, YYYY-MM or YYYY)."))
    file: str = field(
        default="",
        metadata=spec("A file inside the portfolio, relative to this evidence.yml.", kind="path"),
    )
    url: str = field(default="", metadata=spec("A web address, instead of a file.", kind="url"))
    shows: str = field(metadata=spec("What this evidence shows the assessor."))
    supports: tuple[str, ...] = field(
        default=(), metadata=spec("Other section ids this item also supports, e.g. [2a, 4a].")
    )
    alt: str = field(
        default="", metadata=spec("Text alternative describing the image (required for images).")
    )
    captions: bool = field(
        default=False, metadata=spec("Video or audio only: true when it has accurate captions.")
    )
    transcript: str = field(
        default="",
        metadata=spec("Video or audio only: a transcript, as a file in the portfolio or a URL."),
    )
    draft: bool = field(
        default=False,
        metadata=spec("Not ready yet: shown by serve, left out of build."),
    )
    visibility: str = field(
        default="",
        metadata=spec(
            "Who may see it: public, assessors or private (default: its section's, "
            "else privacy.default_visibility).",
            choices=VISIBILITIES,
        ),
    )
    personal_data: bool = field(
        default=False, metadata=spec("It shows or names other people (students, colleagues).")
    )
    anonymised: bool = field(
        default=False, metadata=spec("You removed names and anything that identifies people.")
    )
    consent: Consent | None = field(
        default=None, metadata=spec("The permission you hold to show people's personal data.")
    )
    privacy_checked: bool = field(
        default=False,
        metadata=spec("You checked it for personal data: silences the privacy lint for it."),
    )
