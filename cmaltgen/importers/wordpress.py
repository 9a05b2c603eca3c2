"""Read a WordPress export (WXR, the .xml from Tools > Export) into pages and posts of HTML.

The XML is parsed with defusedxml and any DOCTYPE is refused: a WordPress export never has
one, and entity expansion ("billion laughs") and external entities need one. Shortcodes and
block-editor comments are removed with a warning; attachments are listed so that content
that uses them becomes evidence with the attachment's title and alt text.
"""

from __future__ import annotations

import datetime as dt
import html as html_text
import json
import re
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit
from xml.etree.ElementTree import Element

from cmaltgen.codes import Severity
from cmaltgen.diagnostics import Diagnostic, Diagnostics
from cmaltgen.importers.evidence import Attachment, page_key
from cmaltgen.importers.html import hazards
from cmaltgen.importers.source import Piece, Reading, megabytes, source_error
from cmaltgen.importers.wordpress_blocks import (
    INTERNAL_TYPES,
    elementor,
    gallery,
    media_links,
    reusable,
)
from cmaltgen.importers.wordpress_files import Uploads
from cmaltgen.importers.wordpress_xml import channels, local
from cmaltgen.read.safe_read import MAX_TEXT_BYTES
from cmaltgen.wording import plural

_REMOVED_ONE = "WordPress shortcode or block comment"
_REMOVED_MANY = "WordPress shortcodes and block comments"

CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
_KEPT_STATUS = {"publish", "draft", "pending", "private", "future"}
_KNOWN_SHORTCODES = (
    r"caption|wp_caption|gallery|audio|video|playlist|embed|contact-form(?:-7)?|gravityforms?"
    r"|su_\w+|et_pb_\w+|vc_\w+|fusion_\w+|h5p|pdf-embedder|embeddoc"
)
_SHORTCODE = re.compile(r"\[(/?)([A-Za-z][\w-]*)((?:\s[^\[\]]*)?)/?\]")
# [^<>]: the editor writes < and > in a block's settings as \u003c and \u003e, and a comment
# left open then stops at the next tag instead of rescanning the rest of the page each time.
_BLOCK_COMMENT = re.compile(r"<!--\s*/?wp:[^<>]*?-->")
# A block-editor footnote mark; its text stops at the next <sup> or </sup>, so a page of
# marks never closed is read once, not once for each mark.
_FOOTNOTE_MARK = re.compile(r'<sup[^<>]*data-fn="([^"<>]*)"[^<>]*>(?:[^<]|<(?!/?sup\b))*</sup>')
# Blocks whose HTML is all there is to them: their comments go without a word. Any other
# (an embed, a form, a plugin's block) may be drawn by WordPress, so its removal is reported.
_PLAIN_BLOCK = re.compile(
    r"<!--\s*(?:/wp:|wp:(?:paragraph|heading|list|list-item|quote|pullquote|table|image|"
    r"separator|spacer|preformatted|code|verse|group|columns|column|freeform|footnotes)(?=\s|/?-->))"
)
_BLOCK_TAG = re.compile(
    r"^\s*<(p|div|h[1-6]|ul|ol|table|blockquote|figure|pre|hr|dl|section)\b", re.I
)


def read(path: Path, today: dt.date) -> Reading:
    warnings = Diagnostics()
    exported = channels(path, warnings)
    channel = exported[0]
    items = [i for one in exported for i in one if local(i.tag) == "item"]
    attachments = _attachments(items)
    base = _wp(channel, "base_blog_url") or (channel.findtext("link") or "").strip()
    base_url = base.rstrip("/") + "/" if _web_address(base) else ""
    kept_files = [i for i in items if _wp(i, "post_type") == "attachment"]
    uploads = Uploads.of(
        attachments,
        {page_key(a) for i in kept_files for a in _addresses(i, base_url, "attachment_id")},
    )
    pieces: list[Piece] = []
    dates: list[dt.date] = []
    oversized: list[Diagnostic] = []
    pages = {_wp(i, "post_id"): i for i in items if _wp(i, "post_type") == "page"}
    pages.pop("", None)
    pages.pop("0", None)
    blocks = {
        _wp(i, "post_id"): i.findtext(CONTENT) or ""
        for i in items
        if _wp(i, "post_type") == "wp_block"
    }
    by_id = {
        _wp(i, "post_id"): _wp(i, "attachment_url")
        for i in items
        if _wp(i, "post_type") == "attachment"
    }
    attached: dict[str, list[str]] = {}  # page id -> the files uploaded to it, in menu order
    for i in sorted((i for i in items if _wp(i, "post_type") == "attachment"), key=_menu_order):
        if _web_address(_wp(i, "attachment_url")):
            attached.setdefault(_wp(i, "post_parent"), []).append(_wp(i, "attachment_url"))
    ordered = _ordered(items)
    for item in ordered:
        title = _title(item)
        kind = _wp(item, "post_type")
        origin = f"{kind} '{title or _wp(item, 'post_name') or 'untitled'}'"
        content = item.findtext(CONTENT) or ""
        if len(content.encode()) > MAX_TEXT_BYTES:  # sorting it would take minutes: leave it out
            oversized.append(_too_long(path, origin, content))
            continue
        built = _meta(item, "_elementor_data")
        if built and not re.sub(r"<[^<>]*>|\s|&nbsp;", "", content):  # made with Elementor
            content = elementor(built)
            warnings.add(
                "import-review",
                f"the {origin} was made with Elementor: its text was read from Elementor's "
                "own storage, without its layout",
                path=path,
                hint="check the order of its text, and its headings",
            )
        content, missing = reusable(content, blocks)
        pictures = attached.get(_wp(item, "post_id"), []) if _wp(item, "post_id") else []
        content, kept = media_links(gallery(content, by_id, pictures))
        html, removed = _clean(content, uploads)
        removed += missing
        html = _footnotes(html, _meta(item, "footnotes"), len(pieces))
        _warn(warnings, path, origin, removed, hazards(html), kept)
        hidden = "private" if _wp(item, "status") == "private" else ""
        hidden = "password-protected" if _wp(item, "post_password") else hidden
        if hidden:
            warnings.add(
                "import-review",
                f"the {origin} was {hidden} on WordPress: once published (draft: true removed) "
                "it is public like the rest of the portfolio",
                path=path,
                hint="to show it to your assessors only, add 'visibility: assessors' to its "
                "section's front matter (docs/privacy.md)",
            )
        labels = [html_text.unescape(c.text or "").strip() for c in item.findall("category")]
        parents = _parents(item, pages) if kind == "page" else []
        piece = Piece(origin, html, title, [label for label in labels if label], parents)
        piece.addresses = _addresses(item, base_url)
        pieces.append(piece)
        dates += [d for d in [_date(_wp(item, "post_date"))] if d is not None]
    made = sorted({_wp(i, "post_type") for i in ordered} - {"page", "post"})
    if made:
        warnings.add(
            "import-review",
            f"read the items of kind {', '.join(repr(m) for m in made)} (made by a theme or "
            "plugin) as posts",
            path=path,
            hint="check where their text went; delete from _unsorted.md what is not part of "
            "your portfolio",
        )
    if oversized and not pieces:
        first = oversized[0]
        raise source_error(path, first.message.removesuffix(": it was left out"), first.hint or "")
    if not pieces:
        raise source_error(
            path,
            "this WordPress export has no pages or posts",
            "when exporting, choose All content (or Pages and Posts)",
        )
    date = min(max(dates, default=today), today)
    found = Diagnostics([*oversized, *warnings])
    return Reading("WordPress export", pieces, date, {}, attachments, found, base_url)


def _web_address(text: str) -> bool:
    """An http(s) address that relative links can be resolved on ("http://[x" is not one)."""
    try:
        return text.startswith(("http://", "https://")) and bool(urlsplit(text).hostname)
    except ValueError:
        return False


def _too_long(path: Path, origin: str, content: str) -> Diagnostic:
    """A page longer than cmaltgen reads as one reflection: left out, the others imported."""
    return Diagnostic(
        "import-removed",
        f"the {origin} holds {megabytes(len(content.encode()))} MB of text, more than the "
        f"{MAX_TEXT_BYTES // (1024 * 1024)} MB cmaltgen reads as one reflection: it was left out",
        path=path,
        hint="split it into several pages in WordPress, or remove pasted-in images (they make "
        "a page very long), then export again",
        severity=Severity.WARNING,
    )


def _title(item: Element) -> str:
    """An item's title; WordPress may keep it with HTML entities ("1a &#8211; Choosing")."""
    return " ".join(html_text.unescape(item.findtext("title") or "").split())


def _wp(item: Element, name: str) -> str:
    for child in item:
        if "wordpress.org/export" in child.tag and local(child.tag) == name:
            return (child.text or "").strip()
    return ""


def _ordered(items: list[Element]) -> list[Element]:
    """Pages in menu order, each followed by its child pages, then posts oldest first: the
    order a portfolio is read in."""
    kept = [i for i in items if _wp(i, "status") in _KEPT_STATUS]
    pages = [i for i in kept if _wp(i, "post_type") == "page"]
    posts = [i for i in kept if _wp(i, "post_type") not in INTERNAL_TYPES | {"page"}]
    pages.sort(key=_menu_order)
    posts.sort(key=lambda i: _wp(i, "post_date"))
    return _tree(pages) + posts


def _tree(pages: list[Element]) -> list[Element]:
    """``pages`` (in menu order) with each page's children after it, depth first."""
    ids = {_wp(p, "post_id") for p in pages} - {"", "0"}
    children: dict[str, list[Element]] = {}
    for page in pages:
        parent = _wp(page, "post_parent")
        children.setdefault(parent if parent in ids else "", []).append(page)
    out: list[Element] = []
    stack = list(reversed(children.get("", [])))
    seen: set[int] = set()
    while stack:
        page = stack.pop()
        if id(page) in seen:
            continue
        seen.add(id(page))
        out.append(page)
        stack += reversed(children.get(_wp(page, "post_id") or "\0", []))
    # pages whose parents form a loop (damaged export) are read after the others
    return out + [p for p in pages if id(p) not in seen]


def _parents(item: Element, by_id: dict[str, Element]) -> list[str]:
    """The titles of a page's parent, grandparent...: the section a child page belongs to."""
    titles: list[str] = []
    parent, seen = _wp(item, "post_parent"), set()
    while parent in by_id and parent not in seen and len(titles) < 20:
        seen.add(parent)
        page = by_id[parent]
        titles.append(_title(page))
        parent = _wp(page, "post_parent")
    return [t for t in titles if t]


def _addresses(item: Element, base_url: str, *keys: str) -> list[str]:
    """The addresses a page or post is linked by: its permalink, and ?page_id= or ?p=
    (or the ``keys`` given: ?attachment_id=)."""
    found = [(item.findtext("link") or "").strip(), (item.findtext("guid") or "").strip()]
    number = _wp(item, "post_id")
    if base_url and re.fullmatch(r"[0-9]{1,12}", number):
        found += [f"{base_url}?{key}={number}" for key in keys or ("page_id", "p")]
    return [a for a in found if _web_address(a)]


def _menu_order(item: Element) -> int:
    """A page's menu_order (WordPress allows negative ones); 0 when it is not a number."""
    text = _wp(item, "menu_order").strip()
    return int(text) if re.fullmatch(r"-?[0-9]{1,9}", text) else 0


def _meta(item: Element, key: str) -> str:
    for meta in item:
        if local(meta.tag) == "postmeta" and _wp(meta, "meta_key") == key:
            return _wp(meta, "meta_value")
    return ""


def _attachments(items: list[Element]) -> dict[str, Attachment]:
    found: dict[str, Attachment] = {}
    for item in items:
        url = _wp(item, "attachment_url")
        if _wp(item, "post_type") != "attachment" or not url.startswith(("http://", "https://")):
            continue
        alt = _meta(item, "_wp_attachment_image_alt")
        title = _title(item) or PurePosixPath(url).stem
        found[url] = Attachment(url, title, " ".join(alt.split()))
    return found


def _footnotes(html: str, stored: str, piece: int) -> str:
    """The block editor keeps footnotes as JSON beside the content; give them to the
    converter in the shape Word's footnotes take, numbered apart for each page or post."""
    try:
        notes = json.loads(stored) if stored else []
    except (ValueError, RecursionError):  # RecursionError: nested thousands deep
        return html
    if not isinstance(notes, list):
        return html
    listed = []
    marks: dict[str, str] = {}  # note id -> its numbered link (the first note of an id)
    for number, note in enumerate(notes, 1):
        if not isinstance(note, dict) or not isinstance(note.get("id"), str):
            continue
        label = f"{piece + 1}{number:03d}"
        marks.setdefault(note["id"], f'<sup><a href="#footnote-{label}">[{number}]</a></sup>')
        listed.append(f'<li id="footnote-{label}">{note.get("content", "")}</li>')
    if marks:  # one pass over the page for all its notes
        html = _FOOTNOTE_MARK.sub(lambda m: marks.get(m.group(1), m.group(0)), html)
    return html + (f"<ol>{''.join(listed)}</ol>" if listed else "")


def _clean(html: str, uploads: Uploads) -> tuple[str, list[str]]:
    """Shortcodes and block comments out (named), paragraphs back, attachments at full size."""
    removed = [
        f"a block comment ({m.group(0)[4:30].strip()}...)"
        for m in _BLOCK_COMMENT.finditer(html)
        if not _PLAIN_BLOCK.match(m.group(0))
    ]
    html = _BLOCK_COMMENT.sub("", html)
    closing = {m.group(2).lower() for m in _SHORTCODE.finditer(html) if m.group(1)}

    def shortcode(match: re.Match[str]) -> str:
        name = match.group(2).lower()
        if name in closing or "=" in match.group(3) or re.fullmatch(_KNOWN_SHORTCODES, name):
            removed.append(f"[{match.group(1)}{name}]")
            return ""
        return match.group(0)

    html = _SHORTCODE.sub(shortcode, html)
    return _autop(uploads.full_size(html)), removed


def _autop(html: str) -> str:
    """WordPress keeps classic-editor paragraphs as blank lines; make them paragraphs."""
    if "\n\n" not in html.replace("\r\n", "\n"):
        return html
    chunks = re.split(r"\n\s*\n", html.replace("\r\n", "\n"))
    return "\n".join(
        c if _BLOCK_TAG.match(c) else f"<p>{c.strip().replace(chr(10), '<br>')}</p>"
        for c in chunks
        if c.strip()
    )


def _warn(
    diags: Diagnostics,
    path: Path,
    origin: str,
    removed: list[str],
    unsafe: list[str],
    kept: int = 0,
) -> None:
    links = (
        f"; kept {plural(kept, 'embedded item')} (video, sound, frame, file) as links"
        if kept
        else ""
    )
    if removed:
        diags.add(
            "import-removed",
            f"{origin}: removed {plural(len(removed), _REMOVED_ONE, _REMOVED_MANY)}: "
            f"{', '.join(sorted(set(removed))[:8])}{links}",
            path=path,
            hint="check the text around them: a form, or a plugin's block or shortcode, there "
            "may need adding again as evidence (videos, embeds and galleries whose address the "
            "export holds are kept as links)",
        )
    if unsafe:
        diags.add(
            "import-removed",
            f"{origin}: removed unsafe HTML: {', '.join(unsafe)}{'' if removed else links}",
            path=path,
            hint="scripts, frames and embedded code are never copied into a portfolio; add "
            "an embedded video or tool as a link to it instead",
        )


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None
