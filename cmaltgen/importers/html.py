"""Imported HTML to safe Markdown: sanitise, pull out footnotes, convert.

Both readers (Word through mammoth, WordPress content as stored) give HTML. It is sanitised
with nh3 (the Rust ``ammonia`` sanitiser): scripts, styles, iframes, forms, event handlers and
``javascript:`` addresses never survive, whatever the source. The clean HTML becomes Markdown
with markdownify; text that looks like HTML is escaped so that it stays text.
"""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser
from typing import Any, NamedTuple
from urllib.parse import quote

import markdownify
import nh3
from bs4 import BeautifulSoup, Tag

# Tags kept for the conversion; everything else is removed (its text kept), and the
# content of these is dropped altogether.
_TAGS = {
    "a", "b", "blockquote", "br", "caption", "code", "dd", "del", "div", "dl", "dt", "em",
    "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "li", "ol",
    "p", "pre", "s", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th",
    "thead", "tr", "u", "ul",
}  # fmt: skip
_DROP_WITH_CONTENT = {"script", "style", "template", "noscript", "textarea", "select", "title"}
_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "td": {"colspan"}}
_SCHEMES = {"http", "https", "mailto", "cmaltgen-image"}
_NOTE_LINK = re.compile(r"^#(foot|end)note-(\d+)$")


_BLOCKS = ["p", "div", "li", "tr", "br", "pre", "blockquote", "table", "figure", "dt", "dd"]
_BLOCKS += [f"h{n}" for n in range(1, 7)]
MAX_DEPTH = 120  # nesting beyond any real document; the converter recurses per level


class Converted(NamedTuple):
    markdown: str
    notes: dict[str, str]  # footnote label -> its Markdown text
    flattened: bool = False  # too deeply nested: kept as plain paragraphs


def sanitise(html: str) -> str:
    """Only harmless markup: no scripts, styles, frames, event handlers or unsafe addresses."""
    return nh3.clean(
        html,
        tags=_TAGS,
        clean_content_tags=_DROP_WITH_CONTENT,
        attributes=_ATTRIBUTES,
        url_schemes=_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )


def to_markdown(html: str) -> Converted:
    """Markdown for ``html`` (untrusted), with Word's footnotes and endnotes as ``[^N]``."""
    html = _closed(html)
    if _nesting(html) > MAX_RAW_DEPTH:  # the parsers slow down badly: plain text at once
        return Converted(_plain_paragraphs(_Text.of(html)), {}, True)
    soup = BeautifulSoup(html, "html.parser")
    notes = _take_notes(soup)
    _even_tables(soup)
    clean = BeautifulSoup(sanitise(str(soup)), "html.parser")
    converted = {label: _convert(sanitise(text)) for label, text in notes.items()}
    if _too_deep(clean):
        return Converted(_plain(clean), converted, True)
    return Converted(_convert(clean), converted)  # the tree itself: not written out, read again


def _too_deep(soup: BeautifulSoup) -> bool:
    for text in soup.find_all(string=True):
        for depth, _ in enumerate(text.parents):
            if depth > MAX_DEPTH:
                return True
    return False


# Past this many open tags, parsing and sanitising take seconds to minutes (the sanitiser
# grows faster than the depth: 20,000 nested divs take 2.5 s), so the text is taken directly.
MAX_RAW_DEPTH = 1000
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)\b[^<>]*?(/?)>")  # [^<>]: no rescans
# A '<' with no '>' before the next '<': 200,000 of them ("<b<b<b...") took minutes in
# html.parser (each one re-read the rest of the page); more than MAX_RAW_DEPTH become text.
_UNCLOSED = re.compile(r"<(?=[^<>]*(?:<|\Z))")
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param"}
_VOID |= {"source", "track", "wbr"}


def _closed(html: str) -> str:
    """``html`` as html.parser may read it: past MAX_RAW_DEPTH of them, each '<' that nothing
    closes is text (as html.parser would keep it), since it slows with their square."""
    if len(_UNCLOSED.findall(html)) > MAX_RAW_DEPTH:
        return _UNCLOSED.sub("&lt;", html)  # text, as they are in no real page
    return html


def _nesting(html: str) -> int:
    """How deep tags are open at most, counted in one pass without building a tree."""
    depth = deepest = 0
    for close, name, self_closing in _TAG.findall(html):
        if close:
            depth = max(depth - 1, 0)
        elif not self_closing and name.lower() not in _VOID:
            depth += 1
            deepest = max(deepest, depth)
    return deepest


class _Text(HTMLParser):
    """The words of HTML, blocks as paragraphs, without the content of scripts and styles."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    @classmethod
    def of(cls, html: str) -> str:
        reader = cls()
        reader.feed(html)
        reader.close()
        return "".join(reader.parts)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.hidden += tag in _DROP_WITH_CONTENT
        if tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROP_WITH_CONTENT:
            self.hidden = max(self.hidden - 1, 0)
        if tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def _plain(soup: BeautifulSoup) -> str:
    """Every word, as paragraphs of text, for HTML too deeply nested to convert."""
    for block in soup.find_all(_BLOCKS):
        block.insert_after("\n\n")
    return _plain_paragraphs(soup.get_text())


def _plain_paragraphs(text: str) -> str:
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text)]
    escaped = (re.sub(r"([\\`*_\[\]#<>|])", r"\\\1", p) for p in paragraphs if p)
    return "\n\n".join(escaped)


def _take_notes(soup: BeautifulSoup) -> dict[str, str]:
    """Replace mammoth's note references by ``[^N]`` and take the notes' text out."""
    notes: dict[str, str] = {}
    for item in soup.find_all("li", id=re.compile(r"^(foot|end)note-\d+$")):
        kind, number = str(item["id"]).split("note-")
        for back in item.find_all("a", href=re.compile(r"^#(foot|end)note-ref-")):
            back.decompose()
        notes[_label(kind, number)] = item.decode_contents()
        parent = item.parent
        item.decompose()
        if isinstance(parent, Tag) and not parent.find("li"):
            parent.decompose()
    for link in soup.find_all("a", href=_NOTE_LINK):
        kind, number = str(link["href"]).lstrip("#").split("note-")
        anchor = link.parent if link.parent is not None and link.parent.name == "sup" else link
        anchor.replace_with(f"[^{_label(kind, number)}]")
    return notes


def _even_tables(soup: BeautifulSoup) -> None:
    """Tables Markdown can hold: a table inside a cell becomes its text ("a / b; c / d"), and
    a cell spanning rows (a merged cell) gets empty cells below it, so columns stay in line."""
    for table in reversed(soup.find_all("table")):
        if table.find_parent("table") is not None:
            texts = [" / ".join(_words(c) for c in r.find_all(["td", "th"])) for r in table("tr")]
            table.replace_with("; ".join(text for text in texts if text.strip(" /")))
    for table in soup.find_all("table"):
        rows = table.find_all("tr")
        below: dict[int, tuple[int, int]] = {}  # column -> (rows still spanned, its width)
        # Empty cells it may add: spans over empty rows (<tr></tr>) could make a few KB
        # hundreds of thousands of cells (minutes); past these its columns are left as they are.
        budget = [1000 + len(table.find_all(["td", "th"]))]
        for index, row in enumerate(rows):
            column = 0
            for cell in row.find_all(["td", "th"], recursive=False):
                column = _pad(soup, below, column, cell.insert_before, budget)
                width, height = _span(cell.get("colspan")), _span(cell.get("rowspan"))
                if height > 1:
                    below[column] = (min(height, len(rows) - index) - 1, width)
                    del cell["rowspan"]
                column += width
            _pad(soup, below, column, row.append, budget, end=True)


def _pad(soup: BeautifulSoup, below: dict[int, tuple[int, int]], column: int, put: Any,
         budget: list[int], end: bool = False) -> int:  # fmt: skip
    """Put empty cells for the columns from ``column`` still spanned from above; the next.
    ``budget``: how many more empty cells the table may get (none left: no more padding)."""
    while column in below or (end and any(c >= column for c in below)):
        budget[0] -= 1
        if budget[0] < 0:
            below.clear()
            break
        if column in below:
            left, width = below.pop(column)
            cell = soup.new_tag("td")
            if width > 1:
                cell["colspan"] = str(width)
            put(cell)
            if left > 1:
                below[column] = (left - 1, width)
            column += width
        else:  # a short row: an empty cell, to reach the spanned column
            put(soup.new_tag("td"))
            column += 1
    return column


def _span(value: Any) -> int:
    text = str(value or "1").strip()
    return min(int(text), 1000) if re.fullmatch(r"[0-9]{1,6}", text) and int(text) > 0 else 1


def _words(tag: Tag) -> str:
    return " ".join(tag.get_text(" ").split())


def _label(kind: str, number: str) -> str:
    return number if kind == "foot" else f"e{number}"


def _convert(html: str | BeautifulSoup) -> str:
    converter = _Converter()
    text: str = converter.convert(html) if isinstance(html, str) else converter.convert_soup(html)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


class _Converter(markdownify.MarkdownConverter):
    """markdownify with ATX headings, inferred table headers and escaped HTML-like text."""

    def __init__(self) -> None:
        super().__init__(
            heading_style="ATX",
            bullets="-",
            table_infer_header=True,
            escape_underscores=False,
            escape_asterisks=True,
            autolinks=False,  # "<https://...>" is no [text](address): it would be no evidence
        )

    def escape(self, text: str, parent_tags: Any) -> str:
        text = super().escape(text, parent_tags)  # type: ignore[misc]
        text = text.replace("<", "&lt;")
        if parent_tags and ({"td", "th"} & set(parent_tags)):
            text = text.replace("|", "\\|")
        return text

    def convert_img(self, el: Any, text: str, parent_tags: Any) -> str:
        if not el.get("src"):  # its address was unsafe and removed: keep the description
            return str(el.get("alt") or "")
        el["src"] = _markdown_address(str(el["src"]))
        return str(super().convert_img(el, text, parent_tags))  # type: ignore[misc]

    def convert_a(self, el: Any, text: str, parent_tags: Any) -> str:
        href = str(el.get("href") or "")
        if not href or href.startswith("#"):  # bookmarks and tables of contents: text only
            return text
        el["href"] = _markdown_address(href)
        return str(super().convert_a(el, text, parent_tags))  # type: ignore[misc]


_BALANCED = re.compile(r"(?:[^()]|\([^()]*\))*")


def _markdown_address(address: str) -> str:
    """``address`` as a Markdown link holds it: a space (Word keeps one typed in a link) or a
    bracket left open would end the link early, leaving '[text](...)' as text."""
    address = re.sub(r"\s", lambda m: quote(m.group()), address.strip())
    if not _BALANCED.fullmatch(address):
        address = address.replace("(", "%28").replace(")", "%29")
    return address


_UNSAFE_TAGS = {"script", "style", "iframe", "object", "embed", "form", "frame", "frameset"}
_UNSAFE_URL = re.compile(r"^\s*(javascript|vbscript|data):", re.I)


def hazards(html: str) -> list[str]:
    """What ``sanitise`` will remove for safety, named for the user ('2 script', ...)."""
    counts: Counter[str] = Counter()
    for element in BeautifulSoup(_closed(html), "html.parser").find_all(True):
        if element.name in _UNSAFE_TAGS:
            counts[element.name] += 1
        counts.update(f"{a} attribute" for a in element.attrs if a.lower().startswith("on"))
        for attr in ("href", "src", "action"):
            value = element.get(attr)
            if isinstance(value, str) and (unsafe := _UNSAFE_URL.match(value)):
                counts[f"{unsafe.group(1).lower()}: address"] += 1
    return [f"{n} {name}" for name, n in sorted(counts.items())]
