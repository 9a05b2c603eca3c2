"""What :func:`cmaltgen.read.markdown.parse` records from the tokens, each with its line:
core rules shift headings, find references and where paragraphs open; paragraph ids, raw
HTML and the words of inline tokens are worked out from the tokens afterwards."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple
from urllib.parse import unquote

from markdown_it.rules_core import StateCore
from markdown_it.token import Token

EVIDENCE_SCHEME = "evidence:"
SECTION_SCHEME = "section:"
_EXTERNAL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^//")
# A place on the writer's computer, not on the web: /Users/..., C:\..., C:/... (markdown-it
# writes a backslash as %5C). A file reference, which the rules report as outside the portfolio.
_ON_COMPUTER = re.compile(r"^/|^[a-zA-Z]:(/|%5C)", re.IGNORECASE)
# What every current browser shows in an <img>; another file (a PDF, a TIFF) is linked instead.
_WEB_IMAGE = re.compile(
    r".*\.(a?png|jpe?g|jpe|jfif|gif|webp|avif|svg|bmp|ico)", re.IGNORECASE | re.DOTALL
)


def shows_as_image(name: str) -> bool:
    """Whether a web page can show the file ``name`` as a picture."""
    return _WEB_IMAGE.fullmatch(name) is not None


class Reference(NamedTuple):
    """A link in the body that cmaltgen must resolve."""

    kind: str  # "evidence", "section" or "file"
    target: str
    line: int  # 1-based, relative to the body
    col: int
    image: bool = False
    text: str = ""
    fragment: str = ""  # a section link's part of the page: section:2a#reflection


class Heading(NamedTuple):
    level: int  # after shifting (2 = a part such as ## Description)
    text: str
    line: int
    token_index: int  # position of the heading_open token
    shown: int  # the level on the page: at most one below the heading above it


class Paragraph(NamedTuple):
    """A paragraph of the body (list items and quoted paragraphs included, notes not).

    ``id`` depends on the paragraph's own words only, so editing another paragraph never
    changes it; ``number`` is its place in the body (1-based), what "3a ¶4" shows.
    """

    id: str
    number: int
    line: int  # 1-based, relative to the body
    text: str


# A dropped empty link leaves "features ." behind; the space before punctuation goes too
# (taken from where it starts, (?<!\s), not tried from each space: a long run took minutes).
_SPACE_BEFORE_PUNCT = re.compile(r"(?<!\s)\s+\x00(?=[.,;:!?)\]…])|\x00")


def inline_text(children: Sequence[Token]) -> str:
    """The words of inline tokens as written (see ``markdown.plain_text``)."""
    text: list[str] = []
    for i, child in enumerate(children):
        if child.type in ("text", "code_inline"):
            text.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            text.append(" ")
        elif child.type == "image":
            text.append(inline_text(child.children or []))
        elif child.type in ("footnote_ref", "html_inline") or (
            child.type == "link_close" and children[i - 1].type == "link_open"
        ):
            text.append("\x00")  # nothing to read: a marker, a tag or an empty link
    joined = "".join(text)
    return _SPACE_BEFORE_PUNCT.sub("", joined) if "\x00" in joined else joined


def shift_headings(state: StateCore) -> None:
    levels = [int(t.tag[1]) for t in state.tokens if t.type == "heading_open"]
    if not levels:
        return
    shift = 2 - min(levels)
    headings: list[Heading] = state.env.setdefault("headings", [])
    # (level as written, level shown) of the headings above: a skipped level (## then ####)
    # is shown one below its parent, as the page's outline and the HTML standard need
    above: list[tuple[int, int]] = []
    shown = 2
    for i, token in enumerate(state.tokens):
        if token.type == "heading_open":
            level = min(6, int(token.tag[1]) + shift)
            while above and above[-1][0] >= level:
                above.pop()
            shown = min(level, above[-1][1] + 1 if above else 2)
            above.append((level, shown))
            text = state.tokens[i + 1].content
            line = token.map[0] + 1 if token.map else 0
            headings.append(Heading(level, text, line, i, shown))
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{shown}"


def collect_references(state: StateCore) -> None:
    lines: list[str] = state.env.get("source_lines", [])
    # not "references": markdown-it keeps [label]: url definitions under that key
    refs: list[Reference] = state.env.setdefault("cmalt_references", [])
    search = _Search(set(), {}, _SEARCH_BUDGET)
    for block in state.tokens:
        if block.type != "inline" or not block.children or not block.map:
            continue
        search.resume.clear()
        search.last = (block.map[0], 0)
        for i, child in enumerate(block.children):
            ref = _reference(child, block.children, i)
            if ref is None:
                continue
            line, col = _locate(lines, block.map, ref[1], search)
            kind, target, fragment = ref[0], ref[2], ""
            if kind == "section":
                target, _, fragment = target.partition("#")
            image = child.type == "image"
            child.meta["ref"] = Reference(kind, target.strip(), line, col, image, ref[3], fragment)
            refs.append(child.meta["ref"])


def _reference(token: Token, siblings: list[Token], index: int) -> tuple[str, str, str, str] | None:
    """(kind, href as written, target, link text) for a link or image cmaltgen resolves."""
    attr = "href" if token.type == "link_open" else "src" if token.type == "image" else None
    if attr is None:
        return None
    href = str(token.attrGet(attr) or "")
    text = token.content if token.type == "image" else _link_text(siblings, index)
    for kind, scheme in (("evidence", EVIDENCE_SCHEME), ("section", SECTION_SCHEME)):
        if href.startswith(scheme):
            return kind, href, href[len(scheme) :].strip(), text
    if (
        href
        and not href.startswith(("#", "//"))
        and (_ON_COMPUTER.match(href) or not _EXTERNAL.match(href))
    ):
        # markdown-it percent-encodes the destination; the file's own name is the decoded one
        # (``report%20%231.pdf`` or ``<report #1.pdf>`` for "report #1.pdf").
        return "file", href, unquote(href.split("#")[0].split("?")[0]), text
    return None


def _link_text(siblings: list[Token], index: int) -> str:
    text: list[str] = []
    for j in range(index + 1, len(siblings)):  # not a slice: a copy per link is quadratic
        token = siblings[j]
        if token.type == "link_close":
            break
        text.append(token.content)
    return "".join(text).strip()


# Characters the searches for references' places may read in one body (a search costs at
# least 64): a 2 MB paragraph of 100,000 links read the paragraph once per link, for minutes.
# Past it, a reference is looked for in the next WINDOW characters after the last one found.
_SEARCH_BUDGET = 50_000_000
_WINDOW = 10_000


@dataclass
class _Search:
    used: set[tuple[int, int]]  # places already given to a reference
    resume: dict[str, tuple[int, int]]  # in this block: where each href's next search starts
    budget: int  # see _SEARCH_BUDGET
    last: tuple[int, int] = (0, 0)  # in this block: just after the last place given


def _locate(lines: list[str], block_map: list[int], href: str, search: _Search) -> tuple[int, int]:
    """Line and column of ``href`` within a block, skipping occurrences already claimed;
    ``<my plan.pdf>`` is found by its name as written, not as markdown-it encoded it."""
    end = min(block_map[1], len(lines))
    found = _place(lines, block_map[0], end, href, search)
    written = unquote(href)
    if found is None and written != href:
        search.resume[href] = (end, 0)
        href = written
        found = _place(lines, block_map[0], end, href, search)
    if found is None:
        search.resume[href] = (end, 0)
        return block_map[0] + 1, 1
    n, pos = found
    search.used.add(found)
    search.resume[href] = search.last = (n, pos + 1)
    bracket = lines[n].rfind("[", 0, pos)
    if bracket > 0 and lines[n][bracket - 1] == "!":
        bracket -= 1  # an image starts at its "!"
    return n + 1, (bracket if bracket >= 0 else pos) + 1


def _place(
    lines: list[str], first: int, end: int, href: str, search: _Search
) -> tuple[int, int] | None:
    if search.budget > 0:
        return _first_unused(lines, first, end, href, search)
    return _next_after(lines, end, href, search)


def _first_unused(
    lines: list[str], first: int, end: int, href: str, search: _Search
) -> tuple[int, int] | None:
    """The first place of ``href`` in the block not given yet: the search resumes after the
    place this href was last given (every place before it is given already)."""
    n, start = search.resume.get(href, (first, 0))
    while n < end and search.budget > 0:
        pos = lines[n].find(href, start)
        search.budget -= max(64, (pos if pos >= 0 else len(lines[n])) - start)
        if pos < 0:
            n, start = n + 1, 0
        elif (n, pos) in search.used:
            start = pos + 1
        else:
            return n, pos
    return None


def _next_after(lines: list[str], end: int, href: str, search: _Search) -> tuple[int, int] | None:
    """The first place of ``href`` in the _WINDOW characters after the last place given."""
    (n, start), left = search.last, _WINDOW
    while n < end and left > 0:
        pos = lines[n].find(href, start, start + left)
        if pos < 0:
            left -= len(lines[n]) - start
            n, start = n + 1, 0
        elif (n, pos) in search.used:
            left -= pos + 1 - start
            start = pos + 1
        else:
            return n, pos
    return None


def paragraph_id(text: str) -> str:
    """``p-`` and six hex digits of the SHA-1 of the paragraph's words, spacing ignored."""
    normal = " ".join(text.split())
    return "p-" + hashlib.sha1(normal.encode("utf-8"), usedforsecurity=False).hexdigest()[:6]


def number_paragraphs(state: StateCore) -> None:
    """Record where each paragraph outside the notes opens (see :class:`Paragraph`)."""
    found: list[int] = state.env.setdefault("paragraph_tokens", [])
    in_notes = 0
    for i, token in enumerate(state.tokens):
        if token.type in ("footnote_block_open", "footnote_block_close"):
            in_notes += token.nesting
        elif token.type == "paragraph_open" and not in_notes and i + 1 < len(state.tokens):
            found.append(i)


def identify_paragraphs(tokens: Sequence[Token], opening: list[int]) -> list[Paragraph]:
    """Number the paragraphs and give each an id from its words (copies get -2, -3)."""
    found: list[Paragraph] = []
    seen: dict[str, int] = {}
    for i in opening:
        text = " ".join(inline_text(tokens[i + 1].children or []).split())
        base = paragraph_id(text)
        seen[base] = seen.get(base, 0) + 1
        ident = base if seen[base] == 1 else f"{base}-{seen[base]}"
        where = tokens[i].map
        line = where[0] + 1 if where else 0
        tokens[i].meta["paragraph"] = Paragraph(ident, len(found) + 1, line, text)
        found.append(tokens[i].meta["paragraph"])
    return found


_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


def without_comments(html: str) -> str:
    """``html`` without its complete HTML comments (notes to oneself, never published)."""
    return _COMMENT.sub("", html) if "<!--" in html else html


def raw_html(tokens: Sequence[Token], lines: list[str]) -> list[tuple[int, int, str]]:
    """Each piece of raw HTML with the line and column (in characters) where it starts."""
    found: list[tuple[int, int, str]] = []
    for token in tokens:
        if token.type == "html_block" and token.map:
            html = without_comments(token.content).strip()  # a comment is left out, not shown
            if not html:
                continue
            at = _find(lines, token.map, html.split("\n")[0], (token.map[0], 0))
            found.append((at[0] + 1, at[1] + 1, html))
        elif token.type == "inline" and token.children and token.map and _has_html(token):
            found.extend(_inline_html(token.children, token.map, lines))
    return found


def _has_html(token: Token) -> bool:
    """Whether an inline token holds inline HTML (seldom: the others need no search)."""
    return any(child.type == "html_inline" for child in token.children or ())


def _inline_html(
    children: list[Token], block_map: list[int], lines: list[str]
) -> list[tuple[int, int, str]]:
    """Inline HTML in source order: the text and code before each piece move the search on,
    so that a ``<b>`` written inside `code` earlier on the line is not taken for it."""
    found: list[tuple[int, int, str]] = []
    cursor = (block_map[0], 0)
    for child in children:
        first = child.content.split("\n")[0]
        if child.type not in ("text", "code_inline", "html_inline") or not first:
            continue
        at = _find(lines, block_map, first, cursor)
        if child.type == "html_inline" and without_comments(child.content):
            found.append((at[0] + 1, at[1] + 1, child.content))
        if at != (block_map[0], 0) or lines[at[0]].startswith(first):
            cursor = (at[0], at[1] + len(first))
    return found


def _find(
    lines: list[str], block_map: list[int], text: str, cursor: tuple[int, int]
) -> tuple[int, int]:
    """0-based line and column of ``text`` at or after ``cursor`` within a block's lines
    (the block's first line and column 0 if it is not there)."""
    line, col = cursor
    for n in range(line, min(block_map[1], len(lines))):
        pos = lines[n].find(text, col if n == line else 0)
        if pos >= 0:
            return n, pos
    return block_map[0], 0


# ``[words](my file.pdf)`` or ``![alt](my photo.jpg)``: Markdown ends an address at a space,
# so this stays text. Only an address that looks like a file or a web address is reported.
_UNPARSED_LINK = re.compile(r"!?\[[^\]\n]*\]\(([^()\n]*?\s[^()\n]*?)\)")
_ADDRESS_LIKE = re.compile(r"\.\w{1,5}$|/")


def unparsed_links(tokens: Sequence[Token], lines: list[str]) -> list[tuple[int, int, str, str]]:
    """Links and images left as text because their address has a space: line, column (from
    1, in the body), what was written and the address."""
    found: list[tuple[int, int, str, str]] = []
    for token in tokens:
        if token.type != "inline" or not token.map or "](" not in token.content:
            continue
        text = "".join(c.content for c in token.children or () if c.type == "text")
        for match in _UNPARSED_LINK.finditer(token.content):
            address = match.group(1).strip()
            if f"]({match.group(1)}" not in text or not _ADDRESS_LIKE.search(address):
                continue  # written in `code`, or not an address
            at = _find(lines, token.map, match.group(0), (token.map[0], 0))
            found.append((at[0] + 1, at[1] + 1, match.group(0), address))
    return found


# Addresses markdown-it will not make into a link, so the link stays text: file: (a file on
# the writer's computer), and javascript:, vbscript: and data: (data: images aside), which run
# code or hide content. Inline, autolink and reference-definition forms.
_REFUSED = r"(?:javascript|vbscript|file|data):(?:[^\s<>()]|\([^\s<>()]*\))*"
_REFUSED_LINK = re.compile(
    rf"!?\[[^\[\]\n]*\]\(\s*<?({_REFUSED})>?\s*\)"  # [text](address), ![alt](address)
    rf"|<({_REFUSED})>"  # <address>
    rf"|^ {{0,3}}\[[^\[\]\n]+\]:\s*<?({_REFUSED})",  # [label]: address
    re.IGNORECASE | re.MULTILINE,
)


def refused_links(tokens: Sequence[Token], lines: list[str]) -> list[tuple[int, int, str]]:
    """Links and images left as text because of their kind of address, and data: images:
    line, column (from 1, in the body) and the address."""
    found: list[tuple[int, int, str]] = []
    for token in tokens:
        if token.type != "inline" or not token.map:
            continue
        children = token.children or ()
        text = "".join(c.content for c in children if c.type == "text")
        for match in _REFUSED_LINK.finditer(token.content) if ":" in token.content else ():
            address = next(g for g in match.groups() if g is not None)
            if address not in text:
                continue  # written in `code`
            at = _find(lines, token.map, match.group(0).strip(), (token.map[0], 0))
            found.append((at[0] + 1, at[1] + 1, address))
        for child in children:
            src = str(child.attrGet("src") or "") if child.type == "image" else ""
            if src[:5].lower() == "data:":
                line, col = _find(lines, token.map, src[:40], (token.map[0], 0))
                col = max(lines[line].rfind("![", 0, col), 0) if line < len(lines) else 0
                found.append((line + 1, col + 1, src))
    return found
