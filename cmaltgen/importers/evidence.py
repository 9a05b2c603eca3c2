"""Evidence from imported sections: links, images and evidence tables become items.

Every web link and image in an assessed section becomes an ``evidence.yml`` item and the link
becomes a citation (``evidence:ID``), so the candidate's words stay and the item is numbered
on the site. Items are drafts with a ``shows`` that asks for the candidate's words: only they
can say what an item shows, and the build lists each one until they do.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urljoin

from cmaltgen.importers.names import safe_name
from cmaltgen.importers.sections import slug

# Each part stops at the next bracket (or a title at 300 characters), so text full of
# unmatched "[" or "](" is read in linear time: unbounded, each one rescanned the rest.
LINK = re.compile(
    r"(!?)\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\((<[^<>\n]*>|(?:[^()\s]|\([^()\s]*\))+)"
    r"(?:\s+\"[^\"]{0,300}\")?\)"
)
_TYPES = {
    "image": {".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".bmp", ".tif", ".tiff"},
    "document": {".pdf", ".doc", ".docx", ".odt", ".rtf", ".txt", ".xlsx", ".xls", ".ods"},
    "presentation": {".ppt", ".pptx", ".odp", ".key"},
    "video": {".mp4", ".mov", ".webm", ".avi", ".m4v"},
    "audio": {".mp3", ".wav", ".m4a", ".ogg"},
}
_VIDEO_HOSTS = ("youtube.com", "youtu.be", "vimeo.com")
_SCHEME = re.compile(r"^\s*[a-z][a-z0-9+.-]*:", re.I)
_KNOWN_TARGETS = ("http://", "https://", "mailto:", "evidence:", "section:", "#")
SHOWS = "Imported: say in your own words what this shows the assessor."


@dataclass
class Asset:
    """A file the source carries: an image embedded in Word, or a downloaded attachment."""

    name: str
    data: bytes
    alt: str = ""


@dataclass
class Attachment:
    """A WordPress attachment: its title and alt text, known from the export."""

    url: str
    title: str
    alt: str = ""


@dataclass
class Collector:
    """Gathers the items of the whole portfolio: ids are unique across it."""

    date: dt.date
    assets: dict[str, Asset] = field(default_factory=dict)  # src -> embedded file
    attachments: dict[str, Attachment] = field(default_factory=dict)  # url -> attachment
    fetch: Callable[[str], Asset | None] | None = None  # --download
    ids: set[str] = field(default_factory=set)
    by_url: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)
    no_alt: list[tuple[str, str]] = field(default_factory=list)  # (section id, file or URL)
    base_url: str = ""  # the WordPress site's address, for relative links in its content
    sections: dict[str, str] = field(default_factory=dict)  # page_key(address) -> section id

    def new_id(self, title: str) -> str:
        base = slug(title) or "evidence"
        found, n = base, 2
        while found in self.ids:
            found, n = f"{base}-{n}", n + 1
        self.ids.add(found)
        return found


@dataclass
class SectionEvidence:
    """A section's items and the files to write beside its reflection."""

    items: list[dict[str, Any]] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)

    def add_file(self, asset: Asset) -> str:
        """Keep ``asset`` under a safe name no other file here has; return that name."""
        name = safe_name(asset.name, set(self.files))
        self.files[name] = asset.data
        return name


def kind_of(address: str) -> str:
    lowered = address.lower()
    if any(host in lowered for host in _VIDEO_HOSTS):
        return "video"
    suffix = PurePosixPath(lowered.split("?")[0].split("#")[0]).suffix
    return next((k for k, exts in _TYPES.items() if suffix in exts), "web-page")


def collect(
    markdown: str, section_id: str, collector: Collector, assessed: bool, found: SectionEvidence
) -> str:
    """The text with its links and images rewritten, their items and files added to ``found``."""

    def replace(match: re.Match[str]) -> str:
        bang, text, target = match.group(1), match.group(2), match.group(3).strip("<>")
        known = target in collector.assets or target.lower().startswith(_KNOWN_TARGETS)
        if _SCHEME.match(target) and not known:
            return text  # javascript:, data:, file: ... written as text in the source
        if not known:
            try:  # an address only the source could resolve, or none at all: keep it as text
                target = urljoin(collector.base_url, target) if collector.base_url else ""
            except ValueError:  # "//[bad" is no address, whatever the base
                target = ""
            if not target:
                target = match.group(3).strip("<>")
                return f"{text} ({target})" if text else target
        if bang:
            return _image(text, target, section_id, collector, found, assessed)
        linked = _section_linked(target, collector.sections) if collector.sections else None
        if linked is not None:  # another page of the same site, imported as this section
            return f"[{text}](section:{linked})"
        if not assessed or not target.startswith(("http://", "https://")):
            return match.group(0)
        item_id = _link_item(text, target, section_id, collector, found)
        return f"[{text or item_id}](evidence:{item_id})"

    return LINK.sub(replace, markdown)


def _section_linked(target: str, sections: dict[str, str]) -> str | None:
    """The section a link to another page of the site goes to: the one its #heading
    started, if the page held several, else the page's (first) section."""
    anchor = slug(target.partition("#")[2])
    return sections.get(f"{page_key(target)}#{anchor}") or sections.get(page_key(target))


def page_key(address: str) -> str:
    """A web page's address as links to it differ least: no scheme, fragment or final '/'."""
    address = address.split("#", 1)[0].split("//", 1)[-1].lower()
    path, _, query = address.partition("?")
    return path.rstrip("/") + (f"?{query}" if query else "")


def _image(
    alt: str, src: str, section_id: str, c: Collector, found: SectionEvidence, assessed: bool
) -> str:
    asset = c.assets.get(src)
    attachment = c.attachments.get(src)
    alt = alt or (asset.alt if asset else "") or (attachment.alt if attachment else "")
    if asset is None and c.fetch is not None and attachment is not None:
        asset = c.fetch(src)
    target = src if asset is None else found.add_file(asset)
    if not alt:
        # An image needs a text alternative even in a draft, and only its author can write
        # one: the file is kept and linked, and the report asks for a description.
        c.no_alt.append((section_id, target))
        return f"[{PurePosixPath(target).name}, an image that needs a description]({target})"
    if assessed and (asset is not None or src.startswith(("http://", "https://"))):
        title = (attachment.title if attachment else "") or alt or PurePosixPath(target).stem
        item = _item(c, title, "image", target if asset else None, src, alt=alt)
        found.items.append(item)
        # Showing a picture does not cite it (no link to the item, no number): the empty
        # citation after it does, as `check` asks (uncited-evidence).
        return f"![{alt}]({target}) [](evidence:{item['id']})"
    return f"![{alt}]({target})"


def _link_item(text: str, url: str, section_id: str, c: Collector, found: SectionEvidence) -> str:
    if url in c.by_url:
        home, item = c.by_url[url]
        if home != section_id and section_id not in item.setdefault("supports", []):
            item["supports"].append(section_id)
        return str(item["id"])
    attachment = c.attachments.get(url)
    title = (attachment.title if attachment else "") or _plain(text) or url
    asset = c.fetch(url) if c.fetch is not None and attachment is not None else None
    file = None if asset is None else found.add_file(asset)
    item = _item(c, title, kind_of(url), file, url)
    c.by_url[url] = (section_id, item)
    found.items.append(item)
    return str(item["id"])


def _item(
    c: Collector, title: str, kind: str, file: str | None, url: str, **extra: str
) -> dict[str, Any]:
    """A draft item for ``file`` if the portfolio has it, else for ``url``."""
    where = {"file": file} if file is not None else {"url": url}
    item = {"id": c.new_id(title), "title": title[:200], "type": kind, "date": c.date, **where}
    return {**item, "shows": SHOWS, "draft": True, **extra}


def _plain(text: str) -> str:
    """A link's words as a title: a picture in the link counts as its alt text."""
    text = re.sub(r"!\[([^\[\]]*)\]\((?:[^()]|\([^()]*\))*\)", r"\1", text)
    return re.sub(r"\s+", " ", re.sub(r"[*_`\\]", "", text)).strip()


def table_details(markdown: str, items: list[dict[str, Any]]) -> None:
    """An evidence table (title / description / link columns) gives its items' words."""
    by_id = {str(i["id"]): i for i in items}
    header: list[str] | None = None
    for line in markdown.splitlines():
        if not line.startswith("|"):
            header = None
            continue
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip().strip("|"))]
        if header is None:
            header = [c.lower() for c in cells]
            continue
        if all(set(c) <= set("-: ") for c in cells):
            continue
        _row(dict(zip(header, cells, strict=False)), by_id)


def _row(row: dict[str, str], by_id: dict[str, dict[str, Any]]) -> None:
    ids = [m for cell in row.values() for m in re.findall(r"\(evidence:([a-z0-9-]+)\)", cell)]
    if not ids or ids[0] not in by_id:
        return
    item = by_id[ids[0]]
    for name, value in row.items():
        text = _plain(LINK.sub(lambda m: m.group(2), value))
        if not text:
            continue
        if re.search(r"descri|shows|purpose|what it|relevance|notes?$", name):
            item["shows"] = text
        elif re.search(r"title|name|evidence|item|document", name) and "link" not in name:
            item["title"] = text
        elif re.search(r"date|year|when", name):
            item["date"] = _date(text) or item["date"]


def _date(text: str) -> dt.date | str | None:
    """A date from a table cell, as precise as written: 'May 2024' is 2024-05, not the 1st."""
    for pattern, shown in (
        ("%Y-%m-%d", ""),
        ("%d/%m/%Y", ""),
        ("%d %B %Y", ""),
        ("%B %Y", "%Y-%m"),
        ("%b %Y", "%Y-%m"),
        ("%Y", "%Y"),
    ):
        try:
            day = dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
        return day.strftime(shown) if shown else day
    return None
