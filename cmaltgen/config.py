"""Load stage: ``portfolio.yml``, declared as typed dataclasses with a doc for every field."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from cmaltgen import schema
from cmaltgen.diagnostics import Diagnostics
from cmaltgen.schema import PartialDate, spec
from cmaltgen.sources import LineMap, decode_text, load_yaml, read_parsed


@dataclass(frozen=True, kw_only=True)
class Links:
    """Where readers can find you elsewhere."""

    blog: str = field(default="", metadata=spec("Your blog's address.", kind="url"))
    website: str = field(default="", metadata=spec("A personal or staff web page.", kind="url"))
    orcid: str = field(
        default="",
        metadata=spec(
            "Your ORCID iD, e.g. 0000-0002-1825-0097.",
            pattern=r"^(https://orcid\.org/)?\d{4}-\d{4}-\d{4}-\d{3}[\dX]$",
        ),
    )
    linkedin: str = field(default="", metadata=spec("Your LinkedIn profile.", kind="url"))
    mastodon: str = field(default="", metadata=spec("Your Mastodon profile.", kind="url"))
    github: str = field(default="", metadata=spec("Your GitHub profile.", kind="url"))


@dataclass(frozen=True, kw_only=True)
class Candidate:
    """Who the portfolio belongs to."""

    name: str = field(metadata=spec("Your name as it should appear on the site."))
    role: str = field(default="", metadata=spec("Your job title."))
    organisation: str = field(default="", metadata=spec("Where you work."))
    links: Links = field(default_factory=Links, metadata=spec("Links to you elsewhere."))


@dataclass(frozen=True, kw_only=True)
class Site:
    """How the website is published."""

    title: str = field(default="", metadata=spec("Site title (default: 'NAME: CMALT portfolio')."))
    description: str = field(default="", metadata=spec("One sentence describing the portfolio."))
    base_url: str = field(
        default="",
        metadata=spec(
            "The address the site will live at, e.g. https://you.github.io/cmalt/.", kind="url"
        ),
    )
    language: str = field(
        default="en-GB",
        metadata=spec(
            "The language of your writing, as a tag such as en-GB or cy.",
            pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$",
        ),
    )
    theme: str = field(
        default="default", metadata=spec("The theme: default, or print (minimal, print-first).")
    )
    licence: str = field(default="", metadata=spec("The licence for your writing, e.g. CC BY 4.0."))


@dataclass(frozen=True, kw_only=True)
class Confirmation:
    """Your signed, dated statement that the portfolio is your own work."""

    name: str = field(metadata=spec("Your name, as a signature."))
    date: PartialDate = field(metadata=spec("The date you signed (YYYY-MM-DD)."))
    statement: str = field(
        default="",
        metadata=spec("Your own-work statement (default: the standard wording)."),
    )
    nominated_assessor: str = field(
        default="", metadata=spec("An assessor you would like to nominate (optional).")
    )


@dataclass(frozen=True, kw_only=True)
class WordRange:
    """A word range for one section."""

    min: int = field(default=0, metadata=spec("Fewest words."))
    max: int = field(default=0, metadata=spec("Most words (0: no upper limit)."))


@dataclass(frozen=True, kw_only=True)
class Privacy:
    """Who sees what, and how published files are cleaned."""

    default_visibility: str = field(
        default="public",
        metadata=spec(
            "Visibility of sections and evidence that do not set their own: public, assessors "
            "or private.",
            choices=("public", "assessors", "private"),
        ),
    )
    keep_exif: bool = field(
        default=False,
        metadata=spec("Publish images with their camera and location metadata (EXIF) intact."),
    )


@dataclass(frozen=True, kw_only=True)
class Award:
    """Your CMALT award, once ALT has confirmed it."""

    date: PartialDate = field(
        metadata=spec("When the award was confirmed (YYYY-MM-DD or YYYY-MM).")
    )
    url: str = field(
        default="",
        metadata=spec("A public record of the award, e.g. ALT's register or a badge.", kind="url"),
    )


@dataclass(frozen=True, kw_only=True)
class PortfolioConfig:
    """The settings in portfolio.yml."""

    pathway: str = field(
        metadata=spec("Which CMALT pathway: associate, cmalt or senior.", example="cmalt")
    )
    framework: str = field(
        default="",
        metadata=spec("Which version of ALT's guidance (default: the latest, 2019)."),
    )
    candidate: Candidate = field(metadata=spec("About you."))
    site: Site = field(default_factory=Site, metadata=spec("Website settings."))
    confirmation: Confirmation = field(metadata=spec("Your own-work confirmation."))
    privacy: Privacy = field(
        default_factory=Privacy,
        metadata=spec("Privacy: default visibility and image metadata (see docs/privacy.md)."),
    )
    words: dict[str, WordRange] = field(
        default_factory=dict,
        metadata=spec("Word ranges per section id, overriding the guidance's (e.g. 1a)."),
    )
    award: Award | None = field(
        default=None,
        metadata=spec("Your award, once confirmed: shown in portfolio.json and on cohort hubs."),
    )


def load_config(
    path: Path, diags: Diagnostics, today: dt.date
) -> tuple[PortfolioConfig, LineMap] | None:
    """Read and check ``portfolio.yml``; ``None`` (with diagnostics) if it is unusable."""
    if not path.exists():
        diags.add(
            "file-missing",
            "there is no portfolio.yml in this folder, so it is not a portfolio",
            path=path,
            hint="run cmaltgen in your portfolio folder, or give its path: cmaltgen build FOLDER",
        )
        return None
    return read_parsed(path, today, diags, _config_from)


def _config_from(
    path: Path, data: bytes, diags: Diagnostics, today: dt.date
) -> tuple[PortfolioConfig, LineMap] | None:
    text = decode_text(data, path, diags)
    loaded = load_yaml(text, path, diags) if text is not None else None
    if loaded is None:
        return None
    values, linemap = loaded
    config = schema.load(PortfolioConfig, values, (), schema.Context(linemap, diags, today))
    return (config, linemap) if config is not None else None
