"""The one configured Markdown parser and its rules. No I/O: tested on strings.

Parsing and rendering are separate steps because evidence numbers and page URLs are known
only once every document is read. :func:`parse` records references (citations, cross-links,
local files and images), headings (shifted so the body's top level is ``<h2>``), raw HTML
(rendered escaped) and paragraphs (for "3a ¶4"), each with its line; :func:`render` asks a
:class:`Resolver` for each reference's URL and label. The rules are in :mod:`markdown_scan`
(recording) and :mod:`markdown_html` (rendering).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

from cmaltgen.diagnostics import Diagnostics
from cmaltgen.read import markdown_html, markdown_scan
from cmaltgen.read.markdown_html import Annotator, Resolver
from cmaltgen.read.markdown_scan import Heading, Paragraph, Reference, inline_text


@dataclass(eq=False)
class ParsedMarkdown:
    tokens: list[Token]
    references: list[Reference] = field(default_factory=list)
    headings: list[Heading] = field(default_factory=list)
    paragraph_tokens: list[int] = field(default_factory=list)  # where each paragraph opens
    source_lines: list[str] = field(default_factory=list, repr=False)  # the body's lines
    too_deep: int | None = None  # the body line (0-based) where nesting too deep is left out
    _paragraphs: list[Paragraph] | None = field(default=None, repr=False)
    _raw_html: list[tuple[int, int, str]] | None = field(default=None, repr=False)

    @property
    def raw_html(self) -> list[tuple[int, int, str]]:
        """Each piece of raw HTML: line, column, the HTML. Found on first use: only the check
        that warns about it needs them (not a cohort hub's members)."""
        if self._raw_html is None:
            self._raw_html = markdown_scan.raw_html(self.tokens, self.source_lines)
        return self._raw_html

    @property
    def paragraphs(self) -> list[Paragraph]:
        """The body's paragraphs with their ids, worked out on first use: only serve, the
        printable page and feedback need them, and hashing every paragraph of every build
        made parsing a third slower."""
        if self._paragraphs is None:
            self._paragraphs = markdown_scan.identify_paragraphs(self.tokens, self.paragraph_tokens)
        return self._paragraphs


def slugify(text: str) -> str:
    """Heading ids: lowercase words joined with hyphens (stable across builds)."""
    slug = re.sub(r"[^\w\s-]", "", text.lower(), flags=re.UNICODE)
    return re.sub(r"[\s_-]+", "-", slug).strip("-") or "section"


def _heading_ids(state: StateCore) -> None:
    """Each heading's id, as mdit_py_plugins' anchors give it ("a", "a-1", "a-2"), but with
    the next number remembered: counting up from 1 for each heading took hours for 100,000."""
    taken: set[str] = set()
    tried: dict[str, int] = {}  # slug: the next number to try (the ones below are taken)
    for i, token in enumerate(state.tokens):
        if token.type != "heading_open":
            continue
        children = state.tokens[i + 1].children or []
        slug = slugify("".join(c.content for c in children if c.type in ("text", "code_inline")))
        ident = slug
        if ident in taken:
            n = tried.get(slug, 1)
            while (ident := f"{slug}-{n}") in taken:
                n += 1
            tried[slug] = n + 1
        taken.add(ident)
        token.attrSet("id", ident)


@functools.cache
def _parser() -> MarkdownIt:
    """The Markdown setup, made once: CommonMark, tables, strikethrough, footnotes, heading ids."""
    md = MarkdownIt("commonmark", {"html": True, "typographer": True})
    md.enable(["table", "strikethrough", "replacements", "smartquotes"])
    md.use(footnote_plugin)
    md.core.ruler.push("cmalt_heading_ids", _heading_ids)
    md.core.ruler.push("cmalt_shift_headings", markdown_scan.shift_headings)
    md.core.ruler.push("cmalt_references", markdown_scan.collect_references)
    md.core.ruler.push("cmalt_paragraphs", markdown_scan.number_paragraphs)
    markdown_html.add_render_rules(md)
    md.block.tokenize = _noting_depth(md.block.tokenize)  # type: ignore[method-assign]
    return md


def _noting_depth(tokenize: Callable[[StateBlock, int, int], None]) -> Callable[..., None]:
    """markdown-it leaves out, without a word, the rest of a list or quote nested deeper than
    its ``maxNesting`` (10 lists, 20 quotes): the body line where that starts goes in
    ``env["too_deep"]`` (0-based) for the reader to report."""

    def noting(state: StateBlock, start: int, end: int) -> None:
        if state.level >= state.md.options.maxNesting and "too_deep" not in state.env:
            first = state.skipEmptyLines(start)
            if first < end and state.sCount[first] >= state.blkIndent:
                state.env["too_deep"] = first
        tokenize(state, start, end)

    return noting


# Word's bullets, as pasted: "•<tab>item". Each becomes "-" (one character for one, so every
# column stays where it was), and no-break spaces after it plain spaces, outside code fences.
_WORD_BULLET = re.compile(r"^([ \t]{0,3})[\u2022\u25e6\u25aa\u2023\u2043]([ \t\u00a0]+)(?=\S)")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
# A heading pasted from Word: a no-break space after its #s, or an invisible zero-width space
# or byte-order mark before them, so Markdown saw text. Each becomes a plain space.
_WORD_HEADING = re.compile(r"^[\u200b\ufeff\u00a0 ]{0,3}#{1,6}[\u00a0 ]")
_PASTED = "\u2022\u25e6\u25aa\u2023\u2043\u00a0\u200b\ufeff"


def _heading(match: re.Match[str]) -> str:
    return re.sub("[\u200b\ufeff\u00a0]", " ", match.group())


def word_bullets(body: str) -> str:
    """A list pasted from Word as a Markdown list (see ``_WORD_BULLET``), and headings."""
    if not any(b in body for b in _PASTED):
        return body
    lines, fence = body.split("\n"), ""
    for i, line in enumerate(lines):
        opened = _FENCE.match(line)
        if opened and (not fence or opened.group(1).startswith(fence)):
            fence = "" if fence else opened.group(1)[:3]
        elif not fence:
            lines[i] = _WORD_HEADING.sub(
                _heading,
                _WORD_BULLET.sub(
                    lambda m: m.group(1) + "-" + m.group(2).replace("\u00a0", " "), line
                ),
            )
    return "\n".join(lines)


def parse(body: str) -> ParsedMarkdown:
    """Parse a Markdown body, recording references, headings and raw HTML with their lines."""
    body = word_bullets(body)
    env: dict[str, Any] = {"source_lines": body.split("\n")}
    tokens = _parser().parse(body, env)
    parsed = ParsedMarkdown(tokens, env.get("cmalt_references", []), env.get("headings", []))
    parsed.paragraph_tokens = env.get("paragraph_tokens", [])
    parsed.source_lines = env["source_lines"]
    parsed.too_deep = env.get("too_deep")
    return parsed


def render(
    parsed: ParsedMarkdown,
    resolver: Resolver,
    *,
    heading_offset: int = 0,
    id_prefix: str = "",
    annotator: Annotator | None = None,
) -> str:
    """Render parsed Markdown to HTML, resolving every reference through ``resolver``.

    ``heading_offset`` moves headings down and ``id_prefix`` keeps ids unique when several
    bodies share one page. An ``annotator`` (serve's preview, the printable page) gives each
    paragraph its id and a visible reference ("3a ¶4"), and may add HTML after it."""
    md = _parser()
    env: dict[str, Any] = {"resolver": resolver, "offset": heading_offset, "prefix": id_prefix}
    if annotator is not None:
        env["annotator"] = annotator
        _ = parsed.paragraphs  # gives each paragraph's token its id
    if id_prefix:
        env["docId"] = id_prefix  # the footnote plugin's own prefix
    html: str = md.renderer.render(parsed.tokens, md.options, env)
    return markdown_html.tidy(html)


class OutlineEntry(NamedTuple):
    """A heading as a page's contents list shows it."""

    level: int  # 2 or 3: the levels an on-page contents list shows
    id: str  # the heading's anchor
    text: str  # its words, without Markdown


def outline(parsed: ParsedMarkdown, deepest: int = 3) -> list[OutlineEntry]:
    """The body's headings down to ``deepest``, with their anchors, for "On this page"."""
    entries: list[OutlineEntry] = []
    for heading in parsed.headings:
        token = parsed.tokens[heading.token_index]
        ident = token.attrGet("id")
        if heading.shown <= deepest and ident:
            words = " ".join(
                inline_text(parsed.tokens[heading.token_index + 1].children or []).split()
            )
            entries.append(OutlineEntry(heading.shown, str(ident), words or heading.text))
    return entries


def plain_text(tokens: Sequence[Token]) -> str:
    """The prose of a token range as one line of text (for word counts and summaries).

    Inline pieces join as written ("*Moodle*." gives "Moodle."), so punctuation stays on its
    word; blocks (paragraphs, list items, table cells, code blocks) are one space apart.
    Links, citations and emphasis give their text, images their alt text; headings (labels,
    not prose), raw HTML and footnote markers give nothing. Entities arrive decoded.
    """
    blocks: list[str] = []
    in_heading = False
    for token in tokens:
        in_heading = token.type == "heading_open" or (in_heading and token.type == "inline")
        if in_heading:
            continue
        if token.type == "inline" and token.children:
            blocks.append(inline_text(token.children))
        elif token.type in ("code_block", "fence"):
            blocks.append(token.content)
    return " ".join(" ".join(blocks).split())


# Laying a table out costs far more per cell than any other Markdown: a 2 MB file of cells
# (a million) takes minutes. No reflection needs this many; a data table belongs in a file.
MAX_TABLE_CELLS = 10_000
# Marks markdown-it tries to pair up, at some 25 us each ('[') or more as they pile up ('*_'):
# a 2 MB file of them took from half a minute to minutes. (marks, most, what, how to fix)
_CAPS = (
    ("|", MAX_TABLE_CELLS, "table cells ('|' characters)",
     "move a large table into an evidence file (a spreadsheet or PDF) and cite it"),
    ("[", 10_000, "links, images and notes ('[' characters)",
     "move a long list of links into an evidence file, or cite fewer items here"),
    ("*_", 20_000, "emphasis marks ('*' and '_' characters)",
     "keep * and _ for emphasis; put code or data in an evidence file"),
)  # fmt: skip


def _count(text: str, marks: str) -> int:
    return sum(text.count(mark) for mark in marks)


def over_a_cap(text: str) -> bool:
    return any(_count(text, marks) > most for marks, most, _, _ in _CAPS)


def too_many_marks(body: str, path: Path, body_line: int, diags: Diagnostics) -> bool:
    """More table cells, links or emphasis marks than :data:`_CAPS` allows: an error at the
    line where the first cap is passed."""
    over = [cap for cap in _CAPS if _count(body, cap[0]) > cap[1]]
    if not over:
        return False
    seen, number, passed = [0] * len(over), body_line, over[0]
    for line in body.split("\n"):
        for n, cap in enumerate(over):
            seen[n] += _count(line, cap[0])
        now = [cap for n, cap in enumerate(over) if seen[n] > cap[1]]
        if now:
            passed = now[0]
            break
        number += 1
    _, most, what, hint = passed
    diags.add(
        "file-too-large",
        f"this reflection has more than {most:,} {what} by this line; cmaltgen lays out at "
        "most that many",
        path=path,
        line=number,
        col=1,
        hint=hint,
    )
    return True
