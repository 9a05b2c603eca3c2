"""Accessibility of what the candidate wrote (the theme does the pages): alt text that is a
file name, vague link text, links left as text, skipped heading levels, empty table headers,
media without captions."""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from cmaltgen.diagnostics import Diagnostics
from cmaltgen.read.documents import Reflection
from cmaltgen.read.markdown_scan import unparsed_links
from cmaltgen.read.portfolio import Portfolio, Specs
from cmaltgen.rules import privacy

VAGUE_LINK_TEXT = {
    "click here",
    "here",
    "click",
    "this",
    "this link",
    "link",
    "read more",
    "more",
    "see here",
    "go here",
    "this page",
    "click this link",
    "find out more",
}
# Words, spaces and dashes, then an image ending. (A camera prefix such as IMG_ is already
# [\w\s-]; spelling it out as well, before [\s_-]*, took minutes on an alt text of dashes.)
_FILE_LIKE = re.compile(
    r"^[\w\s-]*\.(png|jpe?g|gif|webp|svg|bmp|tiff?|heic)$|^(img|dsc|dscn|pxl)[_-]?\d+$",
    re.IGNORECASE,
)
_URL = re.compile(r"^(https?://|www\.)\S+$", re.IGNORECASE)


_TAG = re.compile(r"^</?([A-Za-z][A-Za-z0-9-]*)")
_HTML_HINTS = {
    **dict.fromkeys(
        ("iframe", "video", "audio", "embed", "object", "source"),
        "a page cannot show an embedded player: list the video in evidence.yml (type: video, "
        "url: its web address, captions: true if it has them) and cite it, or link to it: "
        "[what the video shows](https://...)",
    ),
    "br": "for a line break end the line with a backslash (\\); for a new paragraph leave "
    "a blank line",
    **dict.fromkeys(
        ("details", "summary"),
        "write it as ordinary text, under a ### heading if it needs one: assessors read it all",
    ),
    "a": "write the link in Markdown: [your words](https://...) or [email me](mailto:...)",
    "img": "show the image in Markdown: ![what the image shows](file.png)",
    **dict.fromkeys(("b", "strong", "i", "em", "u"), "use Markdown: **bold** or *italic*"),
    **dict.fromkeys(
        ("table", "tr", "td", "th"), "use a Markdown table: | Heading | Heading | then |---|---|"
    ),
}


def check_raw_html(portfolio: Portfolio, specs: Specs, diags: Diagnostics) -> None:
    """Raw HTML, shown as text: once per element (``<a ...>`` and its ``</a>`` on the same
    line are one warning), with a hint for what to write instead."""
    for _, reflection in portfolio.sections():
        opened: tuple[int, str] | None = None
        for line, col, html in reflection.parsed.raw_html:
            tag = _TAG.match(html)
            name = tag.group(1).lower() if tag else ""
            if html.startswith("</") and opened == (line, name):
                continue
            opened = (line, name)
            diags.add(
                "raw-html",
                f"HTML such as {html.split(chr(10))[0][:40]!r} is shown as text, not used as HTML",
                **reflection.at_body(line, col),
                hint=raw_html_hint(html),
            )


def raw_html_hint(html: str) -> str:
    """What to write instead of ``html``, for the tags people paste most."""
    tag = _TAG.match(html)
    found = _HTML_HINTS.get(tag.group(1).lower()) if tag else None
    return found or "use Markdown instead (for example **bold**, ![alt](image.png), [text](url))"


def _check_alt(alt: str, source: str, diags: Diagnostics, where: dict[str, object]) -> None:
    """``IMG_1234``, ``chart.png`` or the image's own file name are not descriptions."""
    text, name = alt.strip(), PurePosixPath(source)
    own = {name.name.lower(), name.stem.lower()} if source else set()
    if text and (_FILE_LIKE.match(text) or text.lower() in own):
        diags.add(
            "alt-text",
            f"the alt text '{alt}' is a file name, not a description",
            hint="describe what the image shows, as you would to someone who cannot see it",
            **where,
        )


def check_content(portfolio: Portfolio, specs: Specs, diags: Diagnostics) -> None:
    """Every content accessibility check, over every reflection and evidence item."""
    for _, reflection in portfolio.sections():
        _links_and_images(reflection, diags)
        _unparsed(reflection, diags)
        _headings(reflection, diags)
        _tables(reflection, diags)
    _evidence(portfolio, diags)


def _links_and_images(reflection: Reflection, diags: Diagnostics) -> None:
    for ref in reflection.parsed.references:
        if ref.image:
            _check_alt(ref.text, ref.target, diags, reflection.at_body(ref.line, ref.col))
    for line, col, text in _link_texts(reflection):
        vague = text.strip().lower().rstrip(".!") in VAGUE_LINK_TEXT
        if vague or _URL.match(text.strip()):
            what = f"'{text}'" if vague else "a bare web address"
            diags.add(
                "link-text",
                f"the link text is {what}, which does not say where the link goes",
                hint="use words that make sense out of context, e.g. [my evaluation report](...)",
                **reflection.at_body(line, col),
            )


def _unparsed(reflection: Reflection, diags: Diagnostics) -> None:
    parsed = reflection.parsed
    for line, col, written, address in unparsed_links(parsed.tokens, parsed.source_lines):
        image = written.startswith("!")
        diags.add(
            "link-syntax",
            f"this {'image' if image else 'link'} is shown as text, because its address "
            f"'{address}' has a space in it",
            hint=f"put the address between < and >: {written.replace(address, f'<{address}>')}",
            **reflection.at_body(line, col),
        )


def _link_texts(reflection: Reflection) -> list[tuple[int, int, str]]:
    """(body line, column, link text) for every link in the body, each found after the one
    before it (two links both called 'here' are at their own places)."""
    found: list[tuple[int, int, str]] = []
    lines = reflection.body.split("\n")
    for block in reflection.parsed.tokens:
        if block.type != "inline" or not block.children or not block.map:
            continue
        cursor = (block.map[0], 0)
        parts: list[str] | None = None
        for child in block.children:  # one walk: a slice per link was quadratic
            if child.type == "link_open":
                parts = []
            elif child.type == "link_close" and parts is not None:
                text = "".join(parts)
                parts = None
                line, col = _find(lines, block.map, text, cursor)
                cursor = (line - 1, col + len(text))  # past this one
                found.append((line, col, text))
            elif parts is not None:
                parts.append(child.content)
    return found


def _find(
    lines: list[str], block_map: list[int], text: str, cursor: tuple[int, int]
) -> tuple[int, int]:
    """1-based line and column of ``[text]`` (or else ``text``) at or after ``cursor`` (a
    0-based line and column) in the block; its first line if it is not there."""
    for n in range(cursor[0], min(block_map[1], len(lines))):
        start = cursor[1] if n == cursor[0] else 0
        pos = lines[n].find(f"[{text}]", start) if text else -1
        if pos < 0 and text:
            pos = lines[n].find(text, start)
        if pos >= 0:
            return n + 1, pos + 1
    return block_map[0] + 1, 1


def _headings(reflection: Reflection, diags: Diagnostics) -> None:
    previous = 1  # the page's own h1
    for heading in reflection.parsed.headings:
        if heading.level > previous + 1:
            diags.add(
                "heading-skip",
                f"the heading '{heading.text}' skips from level {previous} to {heading.level}; "
                f"the page shows it at level {heading.shown}",
                hint="use one more # than the heading above it (## then ###), never jump levels",
                **reflection.at_body(heading.line),
            )
        previous = heading.level


def _tables(reflection: Reflection, diags: Diagnostics) -> None:
    tokens = reflection.parsed.tokens
    for i, token in enumerate(tokens):
        if token.type != "thead_open":
            continue
        cells = []
        for inner in tokens[i + 1 :]:
            if inner.type == "thead_close":
                break
            if inner.type == "inline":
                cells.append(inner.content.strip())
        if not any(cells):
            line = (token.map[0] + 1) if token.map else 1
            diags.add(
                "table-header",
                "this table's header row is empty, so its columns have no names",
                hint="put a name for each column in the first row of the table",
                **reflection.at_body(line),
            )


def _evidence(portfolio: Portfolio, diags: Diagnostics) -> None:
    for doc, entry in portfolio.evidence():
        item = entry.item
        if privacy.in_no_edition(portfolio, doc, entry):
            continue  # private: nobody will see or hear it
        if item.type == "image":
            _check_alt(item.alt, item.file, diags, entry.where("alt"))
        if item.type in ("video", "audio") and not (item.captions or item.transcript):
            diags.add(
                "no-captions",
                f"the {item.type} '{item.title}' has no captions or transcript",
                hint="add 'captions: true' if it is captioned, or 'transcript:' with a file or "
                "web address of its transcript",
                **entry.where("type"),
            )
