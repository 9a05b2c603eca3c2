"""cohort.yml: the hub's declarations (typed dataclasses, a doc for every field) and loading.

Every problem is located, as in portfolio.yml. On top of the schema: each member's kind (a local
folder, a published portfolio's address, or a plain entry), paths that leave the cohort folder,
duplicate members, unknown mentors and event dates.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cmaltgen.cohort.remote import manifest_url
from cmaltgen.diagnostics import CmaltgenError, Diagnostics, suggestion
from cmaltgen.read import schema
from cmaltgen.read.dates import PartialDate
from cmaltgen.read.located_yaml import KeyPath, LineMap, load_yaml
from cmaltgen.read.safe_read import decode_text, read_parsed
from cmaltgen.read.schema import spec
from cmaltgen.read.sources import not_a_folder, on_computer, real_path

COHORT_NAME = "cohort.yml"
PATHWAYS = ("associate", "cmalt", "senior")
STATUSES = ("started", "drafting", "submitted", "awarded", "resubmitting")
LOCAL, REMOTE, PLAIN = "local", "remote", "plain"


@dataclass(frozen=True, kw_only=True)
class Coordinator:
    """Someone who runs the cohort."""

    name: str = spec("Their name.")
    email: str = spec(
        "An email address to contact them.", pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", default=""
    )
    url: str = spec("A web page about them.", kind="url", default="")


@dataclass(frozen=True, kw_only=True)
class Mentor:
    """A mentor candidates can ask for help."""

    name: str = spec("Their name, as members' mentor: fields write it.")
    role: str = spec("Their job title.", default="")
    areas: tuple[str, ...] = spec(
        "What they can help with: section ids (1a, 3b) or words (Accessibility).", default=()
    )
    contact: str = spec(
        "How to reach them: a web address or mailto:address.",
        pattern=r"^(https?://\S+|mailto:[^@\s]+@[^@\s]+)$",
        default="",
    )


@dataclass(frozen=True, kw_only=True)
class Event:
    """A meeting, writing retreat or deadline."""

    date: str = spec("The day, as YYYY-MM-DD (future dates are fine here).", example="2027-03-01")
    time: str = spec(
        "Start time as HH:MM, 24-hour (leave out for an all-day event).",
        pattern=r"^([01]?\d|2[0-3]):[0-5]\d$",
        default="",
    )
    title: str = spec("What it is, e.g. Writing retreat.")
    place: str = spec("Where: a room, a town, or Online.", default="")
    url: str = spec("A page with details or the call link.", kind="url", default="")


@dataclass(frozen=True, kw_only=True)
class HubSite:
    """How the hub website is published."""

    title: str = spec("Site title (default: the cohort's name).", default="")
    description: str = spec("One sentence describing the hub.", default="")
    base_url: str = spec(
        "Where the hub will live, e.g. https://ble.github.io/cmalt/.", kind="url", default=""
    )
    language: str = spec(
        "The language of the hub's pages, as a tag such as en-GB or cy.",
        pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$",
        default="en-GB",
    )
    theme: str = spec("The theme: default or print.", default="default")


@dataclass(frozen=True, kw_only=True)
class MemberEntry:
    """One member: a portfolio folder (path), a published cmaltgen portfolio (url alone), or
    a plain entry typed by hand (name, url, pathway, status)."""

    path: str = spec(
        "A cmaltgen portfolio folder inside the cohort folder (or a submodule).",
        default="",
        kind="name",  # its own check names a folder that cannot be (a NUL byte)
    )
    url: str = spec(
        "The portfolio's address. Alone: a cmaltgen site whose portfolio.json is read. "
        "With name: a plain entry. With path: where that portfolio is published.",
        kind="url",
        default="",
    )
    name: str = spec("Plain entry: the candidate's name.", default="")
    role: str = spec("Plain entry: their job title.", default="")
    organisation: str = spec("Plain entry: where they work.", default="")
    pathway: str = spec("Plain entry: associate, cmalt or senior.", choices=PATHWAYS, default="")
    specialist: tuple[str, ...] = spec("Plain entry: their specialist area(s).", default=())
    mentor: str = spec("Their mentor: a name from mentors.", default="")
    status: str = spec(
        "started, drafting, submitted, awarded or resubmitting (overrides what the "
        "portfolio shows).",
        choices=STATUSES,
        default="",
        hint="someone who has withdrawn or paused can stay here with listed: false (off every "
        "public page, still in cmaltgen cohort check)",
    )
    awarded: PartialDate | None = spec(
        "When they were awarded (YYYY-MM-DD or YYYY-MM).", default=None
    )
    listed: bool = spec(
        "false keeps them off every public page; cohort check still shows them.", default=True
    )

    @property
    def kind(self) -> str:
        if self.path:
            return LOCAL
        if self.name:
            return PLAIN
        return REMOTE if self.url else ""


@dataclass(frozen=True, kw_only=True)
class CohortConfig:
    """The settings in cohort.yml."""

    name: str = spec("The cohort's name, e.g. BLE CMALT cohort 2027.")
    institutions: tuple[str, ...] = spec("The institutions taking part.", default=())
    coordinators: tuple[Coordinator, ...] = spec("Who runs the cohort.", default=())
    mentors: tuple[Mentor, ...] = spec("The cohort's mentors.", default=())
    events: tuple[Event, ...] = spec("Meetings, writing retreats and deadlines.", default=())
    site: HubSite = spec("Hub website settings.", default_factory=HubSite)
    members: tuple[MemberEntry, ...] = spec(
        "The candidates: a path, a url, or a plain entry each.", default=()
    )

    @property
    def title(self) -> str:
        return self.site.title or self.name


@dataclass(frozen=True)
class Loaded:
    """A usable cohort.yml: its settings, the members that passed, and where things are."""

    root: Path
    config: CohortConfig
    linemap: LineMap
    members: tuple[tuple[int, MemberEntry], ...]  # (index in the file, entry), usable ones


def load_cohort(root: Path, diags: Diagnostics, today: dt.date) -> Loaded | None:
    """Read and check ``root/cohort.yml``; ``None`` (with diagnostics) if it is unusable."""
    if not root.is_dir():
        raise CmaltgenError(not_a_folder(root, "cohort"))
    path = root / COHORT_NAME
    if not path.is_file():
        diags.add(
            "file-missing",
            "there is no cohort.yml in this folder, so it is not a cohort hub",
            path=path,
            hint="this folder is a portfolio (it has portfolio.yml): use cmaltgen check or "
            "cmaltgen build, or give the hub's folder"
            if (root / "portfolio.yml").is_file()
            else "start one with: cmaltgen cohort new FOLDER",
        )
        return None
    loaded = read_parsed(path, today, diags, _parse)
    if loaded is None:
        return None
    config, linemap = loaded
    ctx = schema.Context(linemap, diags, today)  # reports each problem at its key
    _check_mentors(config, ctx)
    members = _check_members(root.resolve(), config, ctx)
    _check_events(config, ctx)
    return Loaded(root.resolve(), config, linemap, tuple(members))


def _parse(
    path: Path, data: bytes, diags: Diagnostics, today: dt.date
) -> tuple[CohortConfig, LineMap] | None:
    text = decode_text(data, path, diags)
    loaded = load_yaml(text, path, diags) if text is not None else None
    if loaded is None:
        return None
    values, linemap = loaded
    config = schema.load(CohortConfig, values, (), schema.Context(linemap, diags, today))
    return (config, linemap) if config is not None else None


# ------------------------------------------------------------------------------ members


def _check_members(
    root: Path, config: CohortConfig, ctx: schema.Context
) -> list[tuple[int, MemberEntry]]:
    mentors = [m.name for m in config.mentors]
    seen: dict[str, int] = {}
    usable: list[tuple[int, MemberEntry]] = []
    for index, entry in enumerate(config.members):
        key = ("members", index)
        if not _kind_ok(entry, key, root, ctx):
            continue
        identity = member_identity(root, entry)
        if identity in seen:
            ctx.problem(
                "cohort-duplicate-member",
                f"this member is already listed as member {seen[identity] + 1}",
                key,
                hint="list each candidate once; remove one of the two entries",
            )
            continue
        seen[identity] = index
        if entry.mentor and entry.mentor not in mentors:
            ctx.problem(
                "cohort-unknown-mentor",
                f"'{entry.mentor}' is not one of the mentors" + suggestion(entry.mentor, mentors),
                (*key, "mentor"),
                hint="add them under mentors:, or check the spelling"
                + (f" (mentors: {', '.join(mentors)})" if mentors else ""),
            )
        usable.append((index, entry))
    return usable


def member_identity(root: Path, entry: MemberEntry) -> str:
    """What makes two entries the same member: the folder, the address, or the name."""
    if entry.kind == LOCAL:
        return "path:" + str(real_path(root / entry.path))
    if entry.kind == REMOTE:  # the site, however its address is written: its manifest's
        return "url:" + manifest_url(entry.url).lower()
    return "name:" + " ".join(entry.name.casefold().split())


_PLAIN_ONLY = ("name", "role", "organisation", "pathway", "specialist")


def _kind_ok(entry: MemberEntry, key: KeyPath, root: Path, ctx: schema.Context) -> bool:
    inside = f"members[{key[-1]}]."
    if not entry.kind and any((d.key or "").startswith(inside) for d in ctx.diags.errors):
        return False  # its path, url or name was refused, and that error says why
    if not entry.kind:
        ctx.problem(
            "cohort-member-kind",
            "this member has no path, url or name, so cmaltgen cannot tell what it is",
            key,
            hint="give path: (a portfolio folder), url: (a published cmaltgen portfolio) or "
            "name:, url: and pathway: (a portfolio made with something else)",
        )
        return False
    if entry.kind == LOCAL:
        extra = [name for name in _PLAIN_ONLY if getattr(entry, name)]
        if extra:
            ctx.problem(
                "cohort-member-kind",
                f"a path: member's details come from its portfolio, so {', '.join(extra)} "
                "cannot be set here",
                key,
                hint="remove " + ", ".join(extra) + ", or remove path: for a plain entry",
            )
            return False
        return _path_ok(entry, (*key, "path"), root, ctx)
    if entry.kind == PLAIN and not entry.pathway:
        ctx.problem(
            "cohort-member-kind",
            f"the plain entry for {entry.name} needs pathway: (associate, cmalt or senior)",
            key,
            hint="a plain entry is typed by hand: name, url, pathway and status",
        )
        return False
    return True


def _path_ok(entry: MemberEntry, key: KeyPath, root: Path, ctx: schema.Context) -> bool:
    target = real_path(root / entry.path)  # a link that loops, or a NUL: as written
    if on_computer(entry.path) or not target.is_relative_to(root):
        ctx.problem(
            "cohort-path-outside",
            f"'{entry.path}' leads outside the cohort folder",
            key,
            hint="put the portfolio folder (or a git submodule) inside the cohort folder and "
            "give its path from there, e.g. members/rowan",
        )
        return False
    if not _is(target / "portfolio.yml", Path.is_file):
        folder = _is(target, Path.is_dir)
        message = (
            f"there is no portfolio.yml in '{entry.path}'"
            if folder
            else f"there is no folder '{entry.path}'"
        )
        hint = "check the path; for a git submodule run: git submodule update --init"
        if "\\" in entry.path:
            slashed = entry.path.replace("\\", "/")
            hint = f"write folders with / as on the web, not \\: {slashed}"
        elif not folder and _is(target.parent, Path.is_dir):
            names = [p.name for p in target.parent.iterdir() if p.is_dir()]
            message += suggestion(target.name, names)
        ctx.problem("cohort-member-missing", message, key, hint=hint)
        return False
    return True


def _is(path: Path, test: Callable[[Path], bool]) -> bool:
    """``test(path)``, false for a name too long for a file name (which raises)."""
    try:
        return test(path)
    except OSError:
        return False


def _check_mentors(config: CohortConfig, ctx: schema.Context) -> None:
    seen: dict[str, int] = {}
    for index, mentor in enumerate(config.mentors):
        same = mentor_key(mentor.name)
        if same in seen:
            ctx.problem(
                "cohort-duplicate-mentor",
                f"'{mentor.name}' is already listed as mentor {seen[same] + 1}",
                ("mentors", index, "name"),
                hint="list each mentor once; names that differ only in case or punctuation "
                "count as the same",
            )
        seen.setdefault(same, index)


def mentor_key(name: str) -> str:
    """A mentor's part of the hub's web addresses (their progress page, their heading's id),
    and so what makes two names the same: letters and digits in lower case, hyphens between
    words; a name with neither (say "—") gets a short hash of its words instead."""
    words = "-".join("".join(c if c.isalnum() else " " for c in name.casefold()).split())
    if words:
        return words
    return "mentor-" + hashlib.sha256(" ".join(name.split()).encode()).hexdigest()[:8]


def _check_events(config: CohortConfig, ctx: schema.Context) -> None:
    for index, event in enumerate(config.events):
        if event_date(event) is None:
            ctx.problem(
                "invalid-date",
                f"'{event.date}' is not a date cmaltgen understands",
                ("events", index, "date"),
                hint="write the day as YYYY-MM-DD, e.g. 2027-03-01",
            )


def event_date(event: Event) -> dt.date | None:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", event.date):
        return None
    try:
        return dt.date.fromisoformat(event.date)
    except ValueError:
        return None
