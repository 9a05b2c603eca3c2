"""Load stage: ``portfolio.yml``, declared as typed dataclasses with a doc for every field."""

from __future__ import annotations

import datetime as dt
import itertools
import os
from dataclasses import dataclass
from pathlib import Path

from cmaltgen.diagnostics import Diagnostics
from cmaltgen.read import schema
from cmaltgen.read.dates import PartialDate
from cmaltgen.read.located_yaml import LineMap, load_yaml
from cmaltgen.read.safe_read import decode_text, read_parsed
from cmaltgen.read.schema import spec
from cmaltgen.read.sources import lookalike


@dataclass(frozen=True, kw_only=True)
class Links:
    """Where readers can find you elsewhere."""

    blog: str = spec("Your blog's address.", kind="url", default="")
    website: str = spec("A personal or staff web page.", kind="url", default="")
    orcid: str = spec(
        "Your ORCID iD, e.g. 0000-0002-1825-0097.",
        pattern=r"^(https://orcid\.org/)?\d{4}-\d{4}-\d{4}-\d{3}[\dX]$",
        default="",
    )
    linkedin: str = spec("Your LinkedIn profile.", kind="url", default="")
    mastodon: str = spec("Your Mastodon profile.", kind="url", default="")
    github: str = spec("Your GitHub profile.", kind="url", default="")


@dataclass(frozen=True, kw_only=True)
class Photo:
    """A photo of you for the home page."""

    file: str = spec("The image file (JPEG or PNG), relative to the portfolio folder.")
    alt: str = spec("What the photo shows, for readers who cannot see it (required).", default="")


@dataclass(frozen=True, kw_only=True)
class Candidate:
    """Who the portfolio belongs to."""

    name: str = spec("Your name as it should appear on the site.")
    role: str = spec("Your job title.", default="")
    organisation: str = spec("Where you work.", default="")
    links: Links = spec("Links to you elsewhere.", default_factory=Links)
    photo: Photo | None = spec("A photo of you on the home page (optional).", default=None)


@dataclass(frozen=True, kw_only=True)
class Award:
    """Your CMALT award, once ALT has made it."""

    date: PartialDate = spec("When it was awarded (YYYY-MM or YYYY-MM-DD).")
    pathway: str = spec(
        "The pathway awarded: associate, cmalt or senior (default: the portfolio's).",
        choices=("associate", "cmalt", "senior"),
        default="",
    )
    url: str = spec("Your certificate or digital badge (optional).", kind="url", default="")


SUBMISSION_TYPES = ("first", "resubmission", "review")
PASSES = ("pass", "pass-with-distinction")
OUTCOMES = ("pass", "pass-with-distinction", "referral-minor", "referral-major", "fail")
REFERRALS = ("referral-minor", "referral-major")


@dataclass(frozen=True, kw_only=True)
class Submission:
    """One time you sent the portfolio to ALT: a first submission, a resubmission or a review."""

    date: PartialDate = spec("When you submitted it (YYYY-MM-DD).")
    type: str = spec(
        "first, resubmission (after a referral) or review (the three-year review).",
        choices=SUBMISSION_TYPES,
    )
    outcome: str = spec(
        "The assessors' outcome, once known: pass, pass-with-distinction, "
        "referral-minor, referral-major or fail.",
        choices=OUTCOMES,
        default="",
    )
    ref: str = spec(
        "The git tag or commit of what you submitted (optional; default: the last "
        "commit on the submission's date). The bundle's change page compares against it.",
        default="",
    )
    publish: bool = spec(
        "Keep this edition online, frozen, under submitted/YYYY-MM/ beside the living "
        "portfolio (needs ref): build rebuilds it from git.",
        default=False,
    )


@dataclass(frozen=True, kw_only=True)
class Site:
    """How the website is published."""

    title: str = spec("Site title (default: 'NAME: CMALT portfolio').", default="")
    description: str = spec("One sentence describing the portfolio.", default="")
    base_url: str = spec(
        "The address the site will live at, e.g. https://you.github.io/cmalt/.",
        kind="url",
        default="",
    )
    language: str = spec(
        "The language of your writing, as a tag such as en-GB or cy.",
        pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$",
        default="en-GB",
    )
    theme: str = spec(
        "The theme: default, or print (minimal, print-first).", default="default", kind="name"
    )
    licence: str = spec("The licence for your writing, e.g. CC BY 4.0.", default="")


@dataclass(frozen=True, kw_only=True)
class Confirmation:
    """Your signed, dated statement that the portfolio is your own work."""

    name: str = spec("Your name, as a signature.")
    date: PartialDate = spec("The date you signed (YYYY-MM-DD).")
    statement: str = spec("Your own-work statement (default: the standard wording).", default="")
    nominated_assessor: str = spec("An assessor you would like to nominate (optional).", default="")


@dataclass(frozen=True, kw_only=True)
class WordRange:
    """A word range for one section."""

    min: int = spec("Fewest words.", default=0)
    max: int = spec("Most words (0: no upper limit).", default=0)


@dataclass(frozen=True, kw_only=True)
class Privacy:
    """Who sees what, and how published files are cleaned."""

    default_visibility: str = spec(
        "Visibility of sections and evidence that do not set their own: public, assessors "
        "or private.",
        choices=("public", "assessors", "private"),
        default="public",
    )
    keep_exif: bool = spec(
        "Publish images with their camera and location metadata (EXIF) intact.", default=False
    )


@dataclass(frozen=True, kw_only=True)
class Accept:
    """A warning you have reviewed and accept: still listed, but it no longer fails --strict."""

    code: str = spec(
        "The warning's code, e.g. raw-html (see docs/diagnostics.md). Errors cannot be accepted.",
        pattern=r"^[a-z][a-z0-9-]*$",
    )
    path: str = spec(
        "The file it is reported in, relative to the portfolio folder, e.g. "
        "2a-teaching/reflection.md; * matches any name, ** any folders; . is the portfolio "
        "itself."
    )
    line: int = spec("Only the warning on this line of the file (default: any line).", default=0)
    reason: str = spec("Why it is acceptable; check shows it beside the warning.")


@dataclass(frozen=True, kw_only=True)
class PortfolioConfig:
    """The settings in portfolio.yml."""

    pathway: str = spec(
        "Which CMALT pathway: associate, cmalt or senior; review for the three-yearly "
        "portfolio review.",
        example="cmalt",
    )
    framework: str = spec(
        "Which version of ALT's guidance (default: the latest, 2019).", default=""
    )
    candidate: Candidate = spec("About you.")
    site: Site = spec("Website settings.", default_factory=Site)
    confirmation: Confirmation = spec("Your own-work confirmation.")
    award: Award | None = spec("Your CMALT award, once made (leave out until then).", default=None)
    submissions: tuple[Submission, ...] = spec(
        "Each time you submitted, oldest first (see docs/cycle.md).", default=()
    )
    privacy: Privacy = spec(
        "Privacy: default visibility and image metadata (see docs/privacy.md).",
        default_factory=Privacy,
    )
    words: dict[str, WordRange] = spec(
        "Word ranges per section id, overriding the guidance's (e.g. 1a).", default_factory=dict
    )
    evidence_max_age: int = spec(
        "Years after which evidence counts as old (the old-evidence warning).", default=3
    )
    accept: tuple[Accept, ...] = spec(
        "Warnings you have reviewed and accept (code, path, reason, optional line): build, "
        "check and serve still list them, but they do not fail --strict.",
        default=(),
    )


def load_config(
    path: Path, diags: Diagnostics, today: dt.date
) -> tuple[PortfolioConfig, LineMap] | None:
    """Read and check ``portfolio.yml``; ``None`` (with diagnostics) if it is unusable."""
    if not path.exists() and not path.is_symlink():  # a broken link is reported when read
        diags.add(
            "file-missing",
            "there is no portfolio.yml in this folder, so it is not a portfolio",
            path=path,
            hint=_no_config_hint(path.parent),
        )
        return None
    return read_parsed(path, today, diags, _config_from)


def _no_config_hint(folder: Path) -> str:
    """Where the portfolio.yml may be: misnamed here, in a folder below, or the one above."""
    if (folder / "cohort.yml").is_file():
        return (
            "this folder is a cohort hub (it has cohort.yml): use cmaltgen cohort check or "
            "cmaltgen cohort build"
        )
    try:
        listed = sorted(folder.iterdir())
    except OSError:
        listed = []
    named = [p.name for p in listed if lookalike(p) == "portfolio" and p.is_file()]
    if named:
        hidden = " (Windows may hide its .txt ending)" if named[0].endswith(".txt") else ""
        return f"rename {named[0]} to portfolio.yml{hidden}"
    below = [p for p in listed if (p / "portfolio.yml").is_file()]
    if below:
        return f"the folder {below[0].name} holds one: cmaltgen build {os.path.relpath(below[0])}"
    above = next((p for p in folder.resolve().parents if (p / "portfolio.yml").is_file()), None)
    if above is not None:
        return (
            f"this folder is inside the portfolio {above.name}: give the portfolio's path, "
            f"cmaltgen build {os.path.relpath(above)}"
        )
    return "run cmaltgen in your portfolio folder, or give its path: cmaltgen build FOLDER"


def _config_from(
    path: Path, data: bytes, diags: Diagnostics, today: dt.date
) -> tuple[PortfolioConfig, LineMap] | None:
    text = decode_text(data, path, diags)
    loaded = load_yaml(text, path, diags) if text is not None else None
    if loaded is None:
        return None
    values, linemap = loaded
    config = schema.load(PortfolioConfig, values, (), schema.Context(linemap, diags, today))
    if config is None:
        return None
    check_submissions(config.submissions, linemap, diags)
    _check_award(config, linemap, diags)
    return config, linemap


def check_submissions(
    submissions: tuple[Submission, ...], linemap: LineMap, diags: Diagnostics
) -> None:
    """Submissions are listed oldest first, and a resubmission follows a referral."""
    for index, (before, after) in enumerate(itertools.pairwise(submissions), start=1):
        if after.date.earliest() < before.date.earliest():
            diags.add(
                "submission-order",
                f"this submission ({after.date.human()}) is listed after a later one "
                f"({before.date.human()}); list submissions oldest first",
                key=f"submissions[{index}].date",
                hint="move it above the later one, or check the year and month",
                **linemap.where(("submissions", index, "date")),
            )
    for index, item in enumerate(submissions):
        problem = _sequence_problem(submissions[:index], item)
        if problem:
            diags.add(
                "submission-sequence",
                problem[0],
                key=f"submissions[{index}].type",
                hint=problem[1],
                **linemap.where(("submissions", index, "type")),
            )


def _check_award(config: PortfolioConfig, linemap: LineMap, diags: Diagnostics) -> None:
    """The award is not dated before the submission that passed (a slip of the year)."""
    passed = [s for s in config.submissions if s.outcome in PASSES and s.type != "review"]
    if config.award is None or not passed:
        return
    awarded, when = config.award.date.iso(), passed[0].date
    if awarded < when.iso()[: len(awarded)]:
        diags.add(
            "award-date",
            f"the award is dated {config.award.date.human()}, before the submission that "
            f"passed ({when.human()}), so the site would say you held CMALT before then",
            key="award.date",
            hint="check the year and month: the date is on ALT's award email or certificate",
            **linemap.where(("award", "date")),
        )


def _sequence_problem(earlier: tuple[Submission, ...], item: Submission) -> tuple[str, str] | None:
    if item.type != "resubmission":
        return None
    if not earlier:
        return (
            "a resubmission with no earlier submission listed, so there is nothing to "
            "compare it with",
            "add the first submission above it (date, type: first, outcome), or write type: first",
        )
    if earlier[-1].outcome in PASSES:
        return (
            f"a resubmission after a {earlier[-1].outcome.replace('-', ' ')}: only a "
            "referred portfolio is resubmitted",
            "for the three-year review write type: review",
        )
    return None


def site_title(config: PortfolioConfig) -> str:
    """The site's title: ``site.title``, or "NAME: CMALT portfolio" when it is not set."""
    return config.site.title or f"{config.candidate.name}: CMALT portfolio"
