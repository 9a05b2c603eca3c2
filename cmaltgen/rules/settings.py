"""Rules on portfolio.yml's own settings: values, the photo, the award."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cmaltgen.diagnostics import Diagnostics
from cmaltgen.read.framework import CPD_NAME, CPD_SECTION, REVIEW
from cmaltgen.read.portfolio import Portfolio, Specs
from cmaltgen.read.safe_read import describe
from cmaltgen.read.sources import resolve_local
from cmaltgen.rules import files, image_open, images


def check_values(portfolio: Portfolio, diags: Diagnostics) -> None:
    """Values of portfolio.yml that its schema's types alone do not rule out."""
    if portfolio.config.evidence_max_age < 1:
        diags.add(
            "invalid-value",
            f"evidence_max_age is {portfolio.config.evidence_max_age}; it must be a number of "
            "years, 1 or more",
            key="evidence_max_age",
            hint="for example: evidence_max_age: 5",
            **portfolio.config_marks.where(("evidence_max_age",)),
        )


# What ``cmaltgen new`` (and ``import``) write for you to replace, by where it is written.
PLACEHOLDERS: dict[tuple[str, ...], tuple[str, str]] = {
    ("candidate", "name"): ("Your Name", "your name as it should appear on the site"),
    ("candidate", "role"): ("Your job title", "your job title, or delete the line"),
    ("candidate", "organisation"): ("Where you work", "where you work, or delete the line"),
    ("confirmation", "name"): ("Your Name", "your name, as a signature"),
}
AREA_PLACEHOLDER = "Name this area"


def check_placeholders(portfolio: Portfolio, specs: Specs, diags: Diagnostics) -> None:
    """Words ``cmaltgen new`` wrote for you to replace, still there once a section is
    published (a new portfolio, all drafts, has a warning per section already)."""
    config, marks = portfolio.config, portfolio.config_marks
    if all(reflection.front.draft for _, reflection in portfolio.sections()):
        return
    for key, (text, wanted) in PLACEHOLDERS.items():
        value = getattr(getattr(config, key[0]), key[1])
        if value.strip() == text:
            diags.add(
                "placeholder",
                f"{'.'.join(key)} is still '{text}', as cmaltgen new wrote it",
                key=".".join(key),
                hint=f"write {wanted}",
                **marks.where(key),
            )
    for _, reflection in portfolio.sections():
        if not reflection.front.draft and reflection.front.title.strip() == AREA_PLACEHOLDER:
            diags.add(
                "placeholder",
                f"this area's title is still '{AREA_PLACEHOLDER}', as cmaltgen new wrote it",
                key="title",
                hint="name the area, e.g. title: Accessibility",
                **reflection.where("title"),
            )


PHOTO_PIXELS = 40_000_000  # far more than any portrait; bigger is a mistake or a trap
PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png")


def image_size(path: Path) -> tuple[int, int] | None:
    """Width and height of a JPEG or PNG image from its header, or None if Pillow cannot read
    it (the pixels are never decoded)."""
    from PIL import Image, UnidentifiedImageError

    image_open.load_plugins("JPEG", "PNG")
    try:
        with Image.open(path, formats=("JPEG", "PNG")) as image:
            width, height = image.size
    except (OSError, UnidentifiedImageError, Image.DecompressionBombError, ValueError):
        return None
    if width <= 0 or height <= 0 or width * height > PHOTO_PIXELS:
        return None
    return width, height


def check_photo(portfolio: Portfolio, specs: Specs, diags: Diagnostics) -> None:
    """``candidate.photo``: a JPEG or PNG inside the portfolio, with a text alternative."""
    photo = portfolio.config.candidate.photo
    if photo is None:
        return
    marks = portfolio.config_marks
    if not photo.alt.strip():
        diags.add(
            "missing-alt",
            "your photo needs a text alternative",
            key="candidate.photo.alt",
            hint="add 'alt:' under 'photo:' saying what it shows, e.g. "
            "alt: Rowan Ellery smiling, in front of a bookcase",
            **marks.where(("candidate", "photo", "alt")),  # or the photo: line
        )
    where = {"key": "candidate.photo.file", **marks.where(("candidate", "photo", "file"))}
    source, problem = resolve_local(portfolio.root, portfolio.root, photo.file)
    if source is None:
        _photo_missing(portfolio.root, photo.file, problem, diags, where)
        return
    if source.suffix.lower() not in PHOTO_SUFFIXES or image_size(source) is None:
        diags.add(
            "photo-file",
            f"'{photo.file}' is not a JPEG or PNG image cmaltgen can read",
            hint="save the photo as .jpg or .png (under 40 megapixels) and point file: at it",
            **where,
        )
    elif not portfolio.config.privacy.keep_exif:
        return  # the published copy is cleaned; the photo is yours to share as you choose
    elif found := images.metadata_in(source):
        diags.add(
            "image-metadata",
            f"your photo '{photo.file}' carries {', '.join(found)} in its metadata, and "
            "privacy.keep_exif publishes it as it is",
            hint="remove the metadata with an image editor, or leave keep_exif out",
            **where,
        )


def check_award(portfolio: Portfolio, specs: Specs, diags: Diagnostics) -> None:
    """``award.pathway`` must be a pathway ALT awards; a review portfolio needs its award."""
    award = portfolio.config.award
    known = portfolio.framework.credentials()
    marks = portfolio.config_marks
    if award is not None and award.pathway and award.pathway not in known:
        diags.add(
            "invalid-value",
            f"the {portfolio.framework.title} has no pathway '{award.pathway}' to award",
            key="award.pathway",
            hint="choose one of: " + ", ".join(known),
            **marks.where(("award", "pathway")),
        )
    if portfolio.pathway.id != REVIEW:
        return
    if award is None:
        diags.add(
            "review-award",
            "a portfolio review is for holders, and this portfolio.yml has no award: the "
            "review is due three years after it",
            key="award",
            hint="add an award: block to portfolio.yml with its date and pathway, e.g. "
            "date: 2023-11 and pathway: cmalt (see docs/format.md)",
            **marks.where(("pathway",)),
        )
    elif not award.pathway and ("award", "pathway") not in marks.marks:  # else: invalid
        diags.add(
            "review-award",
            "say which pathway you hold: a review is not itself an award",
            key="award.pathway",
            hint="add e.g. 'pathway: cmalt' under award: (associate, cmalt or senior)",
            **marks.where(("award",)),
        )


def check_cpd(portfolio: Portfolio, specs: Specs, diags: Diagnostics) -> None:
    """A review's CPD record: there, with activities, each naming evidence that exists."""
    if portfolio.cpd is not None:
        from cmaltgen.read.cpd import check_evidence  # a review's record: reviews only

        ids = {entry.item.id for _, entry in portfolio.evidence()}
        check_evidence(portfolio.cpd, ids, diags)
    if portfolio.pathway.id != REVIEW or portfolio.cpd is not None:
        return
    for doc, reflection in portfolio.sections():
        if reflection.front.section == CPD_SECTION:
            diags.add(
                "cpd-record",
                f"the CPD record section has no {CPD_NAME}, so there is no record to show",
                path=doc.source.folder / CPD_NAME,
                hint="list each activity in cpd.yml: date, activity, type, hours (see "
                "cmaltgen schema cpd)",
            )


def _photo_missing(
    root: Path, target: str, problem: str | None, diags: Diagnostics, where: dict[str, Any]
) -> None:
    if problem == "outside":
        message, hint = files.outside(target, "photo")
    elif problem not in (None, "missing"):
        what = describe(problem, root / target)
        message, hint = f"'{target}' is {what}, not a file", "name the image file itself"
    else:
        message = files.no_such_file(root, target)
        hint = "the path is relative to the folder holding portfolio.yml; check the spelling "
        hint += "and the capital letters"
    diags.add("photo-file", message, hint=hint, **where)
