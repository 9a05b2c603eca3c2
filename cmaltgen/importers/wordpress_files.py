"""WordPress attachments, and the addresses pages use for them: a thumbnail
("photo-300x200.jpg", "photo.jpg?w=1024"), or the site written with another scheme, is
matched to the attachment's full-size address, so it keeps its title and alt text."""

from __future__ import annotations

import html as html_text
import re
from typing import NamedTuple
from urllib.parse import urlsplit

from cmaltgen.importers.evidence import Attachment, page_key

# A size asked of an image by its address ("photo.jpg?w=1024&h=768", as WordPress.com writes
# them): the attachment is the address without it.
_SIZE_PAIR = r"(?:w|h|resize|crop|ssl|zoom|fit|quality|strip)=[^&\"'\s<>]*"
# each pair ends at an "&", so a run of them is read one way only (no backtracking blow-up)
_SIZE_QUERY = re.compile(rf"\?{_SIZE_PAIR}(?:(?:&amp;|&){_SIZE_PAIR})*(?=[\"'\s<>])")
_SIZED = re.compile(r"-\d+x\d+\.")  # the size WordPress adds to a thumbnail's name


class Uploads(NamedTuple):
    """What matching needs from the attachments, worked out once for the whole export."""

    schemes: dict[str, set[str]]  # host -> the schemes its attachments' addresses use
    stems: list[tuple[str, str, str]]  # (name without extension, extension, address)
    files: set[str]  # the attachments' addresses
    pages: set[str]  # page_key() of each attachment's own page ("/core-area-1a/chart/")

    @classmethod
    def of(cls, attachments: dict[str, Attachment], pages: set[str]) -> Uploads:
        return cls(_schemes(attachments), _stems(attachments), set(attachments), pages)

    def full_size(self, html: str) -> str:
        """``html`` with the attachments' other addresses made their full-size address, and
        a picture linked to its own file or attachment page no longer inside that link."""
        html = _without_sizes(_one_scheme(html, self.schemes), self.schemes)
        for stem, suffix, url in self.stems:
            html = _full_size(html, stem, suffix, url)
        return _LINKED_PICTURE.sub(self._unlinked, html) if "<img" in html else html

    def _unlinked(self, match: re.Match[str]) -> str:
        href, picture = html_text.unescape(match[1]), match[2]
        src = re.search(r"\bsrc\s*=\s*[\"']([^\"'<>]*)", picture)
        own = href in self.files or page_key(href) in self.pages
        return picture if own or (src and html_text.unescape(src[1]) == href) else match[0]


# A picture alone in a link, as WordPress writes "Link to: Media file / Attachment page".
_LINKED_PICTURE = re.compile(
    r"<a\b[^<>]*?\bhref\s*=\s*[\"']([^\"'<>]*)[\"'][^<>]*>\s*(<img\b[^<>]*>)\s*</a\s*>", re.I
)


def _host(url: str) -> str:
    try:
        return urlsplit(url).netloc
    except ValueError:  # "https://[x" is no address
        return ""


def _without_sizes(html: str, schemes: dict[str, set[str]]) -> str:
    """The site's image addresses without a size asked in them ("photo.jpg?w=1024").

    Found from each "?w=...": the address before it is looked for in the 2,000 characters
    before (no address is longer), so a page of "https://" repeated is read in linear time."""
    out, done = [], 0
    for match in _SIZE_QUERY.finditer(html):
        before = html[max(done, match.start() - 2000) : match.start()]
        url = before[max(before.rfind(c) for c in " \t\n\r\"'<>=(") + 1 :]
        if url.startswith(("http://", "https://")) and _host(url) in schemes:
            out += [html[done : match.start()]]
            done = match.end()
    return "".join(out) + html[done:]


def _schemes(attachments: dict[str, Attachment]) -> dict[str, set[str]]:
    """The hosts of the attachments, each with the schemes its addresses use (once a read)."""
    schemes: dict[str, set[str]] = {}
    for url in attachments:
        scheme, _, rest = url.partition("://")
        schemes.setdefault(rest.split("/", 1)[0], set()).add(scheme)
    schemes.pop("", None)
    return schemes


def _one_scheme(html: str, schemes: dict[str, set[str]]) -> str:
    """Addresses on the site written with http:// or as //host/ (a site moved to https keeps
    the old ones in its pages) in the scheme its attachments have, so they are found."""
    for host, (scheme, *others) in schemes.items():
        if not others and host in html:
            pattern = rf"(?<![\w.+-])(?:https?:)?//{re.escape(host)}(?=[/\"'\s]|$)"
            html = re.sub(pattern, f"{scheme}://{host}", html, flags=re.I)
    return html


def _stems(attachments: dict[str, Attachment]) -> list[tuple[str, str, str]]:
    """(name without extension, extension, address) of each attachment, worked out once.

    WordPress names a large upload's reduced original "photo-scaled.jpg" (or "-rotated"),
    and its thumbnails after the upload: "photo-1024x768.jpg"."""
    found = []
    for url in attachments:
        stem, dot, suffix = url.rpartition(".")
        if dot and suffix and "/" not in suffix:
            stem = stem.removesuffix("-scaled").removesuffix("-rotated")
            found.append((stem, suffix, url))
    return found


def _full_size(html: str, stem: str, suffix: str, url: str) -> str:
    """Thumbnails of the attachment at ``url`` ("photo-300x200.jpg") become ``url``.

    Found with plain searches: compiling a pattern per attachment for every page took
    minutes for a blog of thousands of images."""
    if stem not in html:
        return html
    out, done = [], 0
    at = html.find(stem)
    while at != -1:
        sized = _SIZED.match(html, at + len(stem))
        if sized and html.startswith(suffix, sized.end()):
            out += [html[done:at], url]
            done = sized.end() + len(suffix)
            at = html.find(stem, done)
        else:
            at = html.find(stem, at + 1)
    return "".join(out) + html[done:]
