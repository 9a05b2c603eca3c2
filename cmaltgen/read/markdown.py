"""The one configured Markdown parser and its rules. No I/O: tested on strings.

Parsing and rendering are separate steps because the evidence numbering and page URLs are
only known once every document is read. :func:`parse` records, in a :class:`ParsedMarkdown`:

* references: ``[text](evidence:ID)`` citations, ``[text](section:1a)`` cross-links and
  relative links/images to local files, each with its body line and column;
* headings (level, text, line), with levels shifted so the body's top level is ``<h2>``
  (the page's ``<h1>`` is the section title);
* raw HTML, which is rendered escaped (shown as text) and reported;
* paragraphs, each with a stable id (``p-`` + six hex digits of its text's SHA-1) and its
  number in the body, so that feedback can point at "3a ¶4".

:func:`render` then asks a :class:`Resolver` for each reference's URL and label.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.footnote import footnote_plugin

EVIDENCE_SCHEME = "evidence:"
SECTION_SCHEME = "section:"
_EXTERNAL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^//")


class Reference(NamedTuple):
    """A link in the body that cmaltgen must resolve."""

    kind: str  # "evidence", "section" or "file"
    target: str
    line: int  # 1-based, relative to the body
    col: int
    image: bool = False
    text: str = ""


class Heading(NamedTuple):
    level: int  # after shifting (2 = a part such as ## Description)
    text: str
    line: int
    token_index: int  # position of the heading_open token


class Paragraph(NamedTuple):
    """A paragraph of the body (list items and quoted paragraphs included, notes not).

    ``id`` depends on the paragraph's own words only, so editing another paragraph never
    changes it; ``number`` is its place in the body (1-based), what "3a ¶4" shows.
    """

    id: str
    number: int
    line: int  # 1-based, relative to the body
    text: str


@dataclass(eq=False)
class ParsedMarkdown:
    tokens: list[Token]
    references: list[Reference] = field(default_factory=list)
    headings: list[Heading] = field(default_factory=list)
    raw_html: list[tuple[int, int, str]] = field(default_factory=list)  # line, col, HTML
    paragraph_tokens: list[int] = field(default_factory=list)  # where each paragraph opens
    _paragraphs: list[Paragraph] | None = field(default=None, repr=False)

    @property
    def paragraphs(self) -> list[Paragraph]:
        """The body's paragraphs with their ids, worked out on first use: only serve, the
        printable page and feedback need them, and hashing every paragraph of every build
        made parsing a third slower."""
        if self._paragraphs is None:
            self._paragraphs = _identify(self.tokens, self.paragraph_tokens)
        return self._paragraphs


class Annotator(Protocol):
    """What a preview or printable page adds to paragraphs (see :func:`render`).

    ``label`` names the section in references ("3a" gives "3a ¶4"); ``after`` returns HTML
    to place after a paragraph (open feedback in ``serve``), given the heading level a
    heading inside it should use; ``details`` names the element that ``after`` adds (for
    the paragraph's ``aria-details``), if any. ``ident`` is the paragraph's id on the page.
    """

    label: str

    def after(self, paragraph: Paragraph, ident: str, heading_level: int) -> str: ...

    def details(self, paragraph: Paragraph, ident: str) -> str | None: ...


class Resolver(Protocol):
    """What the renderer needs from the site: a URL (and label) for each reference.

    A resolver may also have ``withheld_note(evidence_id) -> str``: words shown after a
    citation that has no link, such as "evidence available to assessors"; and
    ``evidence_title(evidence_id) -> str``: the accessible name of an empty citation's label.
    """

    def evidence(self, evidence_id: str) -> tuple[str, str] | None: ...

    def section(self, section_id: str) -> tuple[str, str] | None: ...

    def file(self, target: str) -> str | None: ...


def slugify(text: str) -> str:
    """Heading ids: lowercase words joined with hyphens (stable across builds)."""
    slug = re.sub(r"[^\w\s-]", "", text.lower(), flags=re.UNICODE)
    return re.sub(r"[\s_-]+", "-", slug).strip("-") or "section"


def create() -> MarkdownIt:
    """The Markdown setup: CommonMark, tables, strikethrough, footnotes and heading ids."""
    md = MarkdownIt("commonmark", {"html": True, "typographer": True})
    md.enable(["table", "strikethrough", "replacements", "smartquotes"])
    md.use(footnote_plugin)
    md.use(anchors_plugin, min_level=1, max_level=6, slug_func=slugify, permalink=False)
    md.core.ruler.push("cmalt_shift_headings", _shift_headings)
    md.core.ruler.push("cmalt_references", _collect_references)
    md.core.ruler.push("cmalt_paragraphs", _number_paragraphs)
    md.add_render_rule("link_open", _render_link_open)
    md.add_render_rule("link_close", _render_link_close)
    md.add_render_rule("image", _render_image)
    md.add_render_rule("html_inline", _render_html_escaped)
    md.add_render_rule("html_block", _render_html_escaped)
    md.add_render_rule("table_open", _render_table_open)
    md.add_render_rule("table_close", _render_table_close)
    md.add_render_rule("heading_open", _render_heading)
    md.add_render_rule("heading_close", _render_heading)
    md.add_render_rule("footnote_block_open", _render_footnotes_open)
    md.add_render_rule("paragraph_open", _render_paragraph_open)
    md.add_render_rule("paragraph_close", _render_paragraph_close)
    return md


_MD: MarkdownIt | None = None


def _parser() -> MarkdownIt:
    global _MD
    if _MD is None:
        _MD = create()
    return _MD


def parse(body: str) -> ParsedMarkdown:
    """Parse a Markdown body, recording references, headings and raw HTML with their lines."""
    env: dict[str, Any] = {"source_lines": body.split("\n")}
    tokens = _parser().parse(body, env)
    parsed = ParsedMarkdown(tokens, env.get("references", []), env.get("headings", []))
    parsed.raw_html = _raw_html(tokens, env["source_lines"])
    parsed.paragraph_tokens = env.get("paragraph_tokens", [])
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

    ``heading_offset`` moves headings down (a section inside a longer page) and ``id_prefix``
    keeps heading and footnote ids unique when several bodies share one page. With an
    ``annotator`` (serve's preview and the printable page) every paragraph carries its id
    and a visible reference ("3a ¶4") and may be followed by the annotator's HTML; without
    one (the public site) paragraphs render plainly.
    """
    md = _parser()
    env: dict[str, Any] = {"resolver": resolver, "offset": heading_offset, "prefix": id_prefix}
    if annotator is not None:
        env["annotator"] = annotator
        _ = parsed.paragraphs  # gives each paragraph's token its id
    if id_prefix:
        env["docId"] = id_prefix  # the footnote plugin's own prefix
    html: str = md.renderer.render(parsed.tokens, md.options, env)
    return _TIDY_DROPPED.sub("", html) if _DROPPED in html else html


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
        if heading.level <= deepest and ident:
            words = " ".join(
                _inline_text(parsed.tokens[heading.token_index + 1].children or []).split()
            )
            entries.append(OutlineEntry(heading.level, str(ident), words or heading.text))
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
            blocks.append(_inline_text(token.children))
        elif token.type in ("code_block", "fence"):
            blocks.append(token.content)
    return " ".join(" ".join(blocks).split())


_BREAKS = {"softbreak": " ", "hardbreak": " "}
# A dropped empty link leaves "features ." behind; the space before punctuation goes too.
_SPACE_BEFORE_PUNCT = re.compile(r"\s+\x00(?=[.,;:!?)\]…])|\x00")


def _inline_text(children: Sequence[Token]) -> str:
    text: list[str] = []
    for i, child in enumerate(children):
        if child.type in ("text", "code_inline"):
            text.append(child.content)
        elif child.type in _BREAKS:
            text.append(_BREAKS[child.type])
        elif child.type == "image":
            text.append(_inline_text(child.children or []))
        elif child.type in ("footnote_ref", "html_inline") or (
            child.type == "link_close" and children[i - 1].type == "link_open"
        ):
            text.append("\x00")  # nothing to read: a marker, a tag or an empty link
    return _SPACE_BEFORE_PUNCT.sub("", "".join(text))


# ------------------------------------------------------------------------- core rules


def _shift_headings(state: StateCore) -> None:
    levels = [int(t.tag[1]) for t in state.tokens if t.type == "heading_open"]
    if not levels:
        return
    shift = 2 - min(levels)
    headings: list[Heading] = state.env.setdefault("headings", [])
    for i, token in enumerate(state.tokens):
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(6, int(token.tag[1]) + shift)}"
        if token.type == "heading_open":
            text = state.tokens[i + 1].content
            line = token.map[0] + 1 if token.map else 0
            headings.append(Heading(int(token.tag[1]), text, line, i))


def _collect_references(state: StateCore) -> None:
    lines: list[str] = state.env.get("source_lines", [])
    refs: list[Reference] = state.env.setdefault("references", [])
    used: set[tuple[int, int]] = set()
    for block in state.tokens:
        if block.type != "inline" or not block.children or not block.map:
            continue
        for i, child in enumerate(block.children):
            ref = _reference(child, block.children, i)
            if ref is None:
                continue
            line, col = _locate(lines, block.map, ref[1], used)
            child.meta["ref"] = Reference(ref[0], ref[2], line, col, child.type == "image", ref[3])
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
    if href and not href.startswith("#") and not _EXTERNAL.match(href) and not href.startswith("/"):
        # markdown-it percent-encodes the destination; the file's own name is the decoded one
        # (``report%20%231.pdf`` or ``<report #1.pdf>`` for "report #1.pdf").
        return "file", href, unquote(href.split("#")[0].split("?")[0]), text
    return None


def _link_text(siblings: list[Token], index: int) -> str:
    text: list[str] = []
    for token in siblings[index + 1 :]:
        if token.type == "link_close":
            break
        text.append(token.content)
    return "".join(text).strip()


def _locate(
    lines: list[str], block_map: list[int], href: str, used: set[tuple[int, int]]
) -> tuple[int, int]:
    """Line and column of ``href`` within a block, skipping occurrences already claimed."""
    for n in range(block_map[0], min(block_map[1], len(lines))):
        start = 0
        while (pos := lines[n].find(href, start)) >= 0:
            if (n, pos) not in used:
                used.add((n, pos))
                bracket = lines[n].rfind("[", 0, pos)
                if bracket > 0 and lines[n][bracket - 1] == "!":
                    bracket -= 1  # an image starts at its "!"
                return n + 1, (bracket if bracket >= 0 else pos) + 1
            start = pos + 1
    return block_map[0] + 1, 1


def paragraph_id(text: str) -> str:
    """``p-`` and six hex digits of the SHA-1 of the paragraph's words, spacing ignored."""
    normal = " ".join(text.split())
    return "p-" + hashlib.sha1(normal.encode("utf-8"), usedforsecurity=False).hexdigest()[:6]


def _number_paragraphs(state: StateCore) -> None:
    """Record where each paragraph outside the notes opens (see :class:`Paragraph`)."""
    found: list[int] = state.env.setdefault("paragraph_tokens", [])
    in_notes = 0
    for i, token in enumerate(state.tokens):
        if token.type in ("footnote_block_open", "footnote_block_close"):
            in_notes += token.nesting
        elif token.type == "paragraph_open" and not in_notes and i + 1 < len(state.tokens):
            found.append(i)


def _identify(tokens: Sequence[Token], opening: list[int]) -> list[Paragraph]:
    """Number the paragraphs and give each an id from its words (copies get -2, -3)."""
    found: list[Paragraph] = []
    seen: dict[str, int] = {}
    for i in opening:
        text = " ".join(_inline_text(tokens[i + 1].children or []).split())
        base = paragraph_id(text)
        seen[base] = seen.get(base, 0) + 1
        ident = base if seen[base] == 1 else f"{base}-{seen[base]}"
        where = tokens[i].map
        line = where[0] + 1 if where else 0
        tokens[i].meta["paragraph"] = Paragraph(ident, len(found) + 1, line, text)
        found.append(tokens[i].meta["paragraph"])
    return found


def _raw_html(tokens: Sequence[Token], lines: list[str]) -> list[tuple[int, int, str]]:
    """Each piece of raw HTML with the line and column (in characters) where it starts."""
    found: list[tuple[int, int, str]] = []
    for token in tokens:
        if token.type == "html_block" and token.map:
            html = token.content.strip()
            at = _find(lines, token.map, html.split("\n")[0], (token.map[0], 0))
            found.append((at[0] + 1, at[1] + 1, html))
        elif token.type == "inline" and token.children and token.map:
            found.extend(_inline_html(token.children, token.map, lines))
    return found


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
        if child.type == "html_inline":
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


# ----------------------------------------------------------------------- render rules


# What an unlinked citation with no words of its own leaves: nothing, and no space before
# the punctuation that follows ("features [](evidence:x)." reads "features."). A comment
# cannot come from the author's text, which is always escaped.
_DROPPED = "<!--cmalt:dropped-->"
_TIDY_DROPPED = re.compile(rf"\s*{_DROPPED}(?=[.,;:!?)\]…])|{_DROPPED}[ \t]*")


def _render_link_open(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    token = tokens[idx]
    ref: Reference | None = token.meta.get("ref")
    resolver: Resolver | None = env.get("resolver")
    if ref is None or resolver is None:
        return self.renderToken(tokens, idx, options, env)
    found = _resolve(ref, resolver)
    empty = not ref.text
    token.meta.update(unlinked=found is None, empty=empty, label="", note="")
    if found is None:  # a draft or non-public item left out of the site: keep the words only
        noting = getattr(resolver, "withheld_note", None)
        token.meta["note"] = noting(ref.target) if noting and ref.kind == "evidence" else ""
        return "" if empty else '<span class="unlinked">'
    href, label = found
    token.meta["label"] = label
    css = ' class="evidence-ref"' if ref.kind == "evidence" else ""
    if empty and ref.kind == "evidence":  # "[](evidence:x)": the label alone, named by title
        titled = getattr(resolver, "evidence_title", None)
        title = titled(ref.target) if titled else ""
        name = f"{label}: {title}" if title else label
        css += f' aria-label="{escapeHtml(name)}"'
    return f'<a href="{escapeHtml(href)}"{css}>'


def _resolve(ref: Reference, resolver: Resolver) -> tuple[str, str] | None:
    if ref.kind == "evidence":
        return resolver.evidence(ref.target)
    if ref.kind == "section":
        return resolver.section(ref.target)
    url = resolver.file(ref.target)
    return (url, "") if url else None


def _render_link_close(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    opening = next((t for t in reversed(tokens[:idx]) if t.type == "link_open"), None)
    if opening is None or "ref" not in opening.meta or env.get("resolver") is None:
        return "</a>"
    meta, kind = opening.meta, opening.meta["ref"].kind
    if meta.get("unlinked"):
        note = meta.get("note", "")
        text = "" if meta.get("empty") else "</span> "
        if note:
            return f'{text}<span class="withheld-note">({escapeHtml(note)})</span>'
        return text.rstrip() or _DROPPED
    label = escapeHtml(meta.get("label", ""))
    if kind == "section":  # the section's title is the text of an empty cross-link
        return f"{label}</a>" if meta.get("empty") else "</a>"
    if kind == "evidence" and label:
        space = "" if meta.get("empty") else " "
        return f'{space}<span class="evidence-label">[{label}]</span></a>'
    return "</a>"


def _render_image(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    token = tokens[idx]
    ref: Reference | None = token.meta.get("ref")
    resolver: Resolver | None = env.get("resolver")
    src = str(token.attrGet("src") or "")
    alt = self.renderInlineAsText(token.children or [], options, env)
    if ref is not None and resolver is not None:
        resolved = resolver.file(ref.target)
        if resolved is None:  # a file this site does not publish: its name must not leak
            return f'<span class="unlinked">{escapeHtml(alt)}</span>'
        src = resolved
    return f'<img src="{escapeHtml(src)}" alt="{escapeHtml(alt)}" loading="lazy">'


def _render_html_escaped(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    content = escapeHtml(tokens[idx].content)
    return f"<p>{content}</p>\n" if tokens[idx].type == "html_block" else content


def _render_heading(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    """Headings, moved down by ``offset`` and with ``prefix``-ed ids when a page asks."""
    token = tokens[idx]
    offset, prefix = env.get("offset", 0), env.get("prefix", "")
    if not offset and not prefix:
        return self.renderToken(tokens, idx, options, env)
    tag = f"h{min(6, int(token.tag[1]) + offset)}"
    if token.nesting == -1:
        return f"</{tag}>\n"
    ident = token.attrGet("id")
    attr = f' id="{escapeHtml(prefix + "-" + str(ident))}"' if ident and prefix else ""
    return f"<{tag}{attr}>"


def _render_paragraph_open(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    """With an annotator: the paragraph's id and a visible reference link, "3a ¶4"."""
    token = tokens[idx]
    annotator: Annotator | None = env.get("annotator")
    para: Paragraph | None = token.meta.get("paragraph")
    if annotator is None or para is None:
        return self.renderToken(tokens, idx, options, env)
    ident = escapeHtml(_prefixed(env, para.id))
    ref = f"{annotator.label} ¶{para.number}" if annotator.label else f"¶{para.number}"
    link = f'<a class="para-ref" href="#{ident}">{escapeHtml(ref)}</a> '
    details = annotator.details(para, _prefixed(env, para.id))
    aria = f' aria-details="{escapeHtml(details)}"' if details else ""
    if token.hidden:  # a tight list item: no <p>, so the link carries the id
        return link.replace("<a ", f'<a id="{ident}"{aria} ', 1)
    return f'<p id="{ident}"{aria}>{link}'


def _render_paragraph_close(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    html = self.renderToken(tokens, idx, options, env)
    annotator: Annotator | None = env.get("annotator")
    opening = _opening_paragraph(tokens, idx)
    para: Paragraph | None = opening.meta.get("paragraph") if opening else None
    if annotator is None or para is None:
        return html
    level = min(6, _heading_level_before(tokens, idx) + env.get("offset", 0) + 1)
    return html + annotator.after(para, _prefixed(env, para.id), level)


def _prefixed(env: EnvType, ident: str) -> str:
    prefix = env.get("prefix", "")
    return f"{prefix}-{ident}" if prefix else ident


def _opening_paragraph(tokens: Sequence[Token], idx: int) -> Token | None:
    level = tokens[idx].level
    for j in range(idx - 1, -1, -1):
        if tokens[j].type == "paragraph_open" and tokens[j].level == level:
            return tokens[j]
    return None


def _heading_level_before(tokens: Sequence[Token], idx: int) -> int:
    """The level of the last body heading above ``idx`` (1, the page's title, if none)."""
    for j in range(idx - 1, -1, -1):
        if tokens[j].type == "heading_open":
            return int(tokens[j].tag[1])
    return 1


FOOTNOTES_HEADING = "Notes"


def _render_footnotes_open(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    """Footnotes under a "Notes" heading at the body's top level, not after a bare rule."""
    level = min(6, 2 + env.get("offset", 0))
    prefix = env.get("prefix", "")
    # Not "footnotes": a heading of the writer's own, "## Footnotes", gets that id.
    ident = f"{prefix}-footnotes-heading" if prefix else "footnotes-heading"
    return (
        f'<section class="footnotes" aria-labelledby="{escapeHtml(ident)}">\n'
        f'<h{level} id="{escapeHtml(ident)}" class="footnotes-heading">{FOOTNOTES_HEADING}'
        f"</h{level}>\n"
        '<ol class="footnotes-list">\n'
    )


def _render_table_open(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    # A focusable, labelled region so keyboard users can scroll a wide table on a phone.
    return '<div class="table-wrap" role="region" aria-label="Table" tabindex="0">\n<table>\n'


def _render_table_close(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return "</table>\n</div>\n"
