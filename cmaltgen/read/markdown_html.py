"""The HTML cmaltgen writes where markdown-it's default will not do: resolved citations,
cross-links and files, escaped raw HTML, shifted headings, annotated paragraphs, footnotes
under a heading and scrollable tables. :func:`add_render_rules` installs them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from cmaltgen.read.markdown_scan import (
    Paragraph,
    Reference,
    inline_text,
    shows_as_image,
    without_comments,
)


class Annotator(Protocol):
    """What a preview or printable page adds to paragraphs (see ``markdown.render``).

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


# What an unlinked citation with no words of its own leaves: nothing, and no space before
# the punctuation that follows ("features [](evidence:x)." reads "features."). A comment
# cannot come from the author's text, which is always escaped.
_DROPPED = "<!--cmalt:dropped-->"
_PUNCTUATION = tuple(".,;:!?)]…")


def tidy(html: str) -> str:
    """``html`` without what unlinked, empty citations left behind: with the spaces before
    one if punctuation follows it, else the spaces and tabs after it. (Not a regex
    ``\\s*<mark>``: tried from each space of a long run, that took minutes.)"""
    if _DROPPED not in html:
        return html
    pieces = html.split(_DROPPED)
    kept = [pieces[0]]
    for after in pieces[1:]:
        if after.startswith(_PUNCTUATION):
            kept[-1] = kept[-1].rstrip()  # what the last one left: its spaces went already
            kept.append(after)
        else:  # (empty, another comes next or the html ends: nothing is punctuation)
            kept.append(after.lstrip(" \t"))
    return "".join(kept)


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
        found = resolver.section(ref.target)
        if found is None or not ref.fragment:
            return found
        part = getattr(resolver, "section_part", None)  # where a page moves the anchors
        return (part(ref.target, ref.fragment) if part else f"{found[0]}#{ref.fragment}", found[1])
    url = resolver.file(ref.target)
    return (url, "") if url else None


def _render_link_close(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    opening = next(
        (tokens[j] for j in range(idx - 1, -1, -1) if tokens[j].type == "link_open"), None
    )
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
        if not shows_as_image(ref.target):  # a PDF or TIFF: no browser shows it in <img>
            return f'<a href="{escapeHtml(src)}">{escapeHtml(alt)}</a>'
    return f'<img src="{escapeHtml(src)}" alt="{escapeHtml(alt)}" loading="lazy">'


def _render_html_escaped(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    """Raw HTML as text, except comments: ``<!-- a note to myself -->`` is left out."""
    kept = without_comments(tokens[idx].content)
    if tokens[idx].type == "html_block":
        return f"<p>{escapeHtml(kept)}</p>\n" if kept.strip() else ""
    return escapeHtml(kept)


def _render_heading(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    """Headings, moved down by ``offset`` and with ``prefix``-ed ids when a page asks."""
    token = tokens[idx]
    env["heading_level"] = int(token.tag[1])  # the last heading so far (see paragraph_close)
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
    # the level of the last body heading above, or 1 (the page's title) if there is none
    level = min(6, env.get("heading_level", 1) + env.get("offset", 0) + 1)
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


def _render_table(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    # A focusable, labelled region so keyboard users can scroll a wide table on a phone. The
    # label names its columns: two regions on one page must not share a name, so on the
    # printable page (every section's tables; ids prefixed by the section) it names the section.
    if tokens[idx].nesting == 1:
        label = _table_label(tokens, idx)
        if env.get("prefix"):
            label += f", in {env['prefix']}"
        seen: dict[str, int] = env.setdefault("table_labels", {})
        seen[label] = seen.get(label, 0) + 1
        if seen[label] > 1:
            label += f" ({seen[label]})"
        return (
            f'<div class="table-wrap" role="region" aria-label="{escapeHtml(label)}" '
            'tabindex="0">\n<table>\n'
        )
    return "</table>\n</div>\n"


def _table_label(tokens: Sequence[Token], idx: int) -> str:
    """``Table: Criterion, Zotero, EndNote``: its column headings, in plain words."""
    headings = []
    for token in tokens[idx + 1 :]:
        if token.type == "thead_close":
            break
        if token.type == "inline":
            headings.append(" ".join(inline_text(token.children or []).split()))
    named = ", ".join(h for h in headings if h)
    return f"Table: {named[:100]}" if named else "Table"


def add_render_rules(md: MarkdownIt) -> None:
    for kinds, rule in (
        (("link_open",), _render_link_open),
        (("link_close",), _render_link_close),
        (("image",), _render_image),
        (("html_inline", "html_block"), _render_html_escaped),
        (("table_open", "table_close"), _render_table),
        (("heading_open", "heading_close"), _render_heading),
        (("footnote_block_open",), _render_footnotes_open),
        (("paragraph_open",), _render_paragraph_open),
        (("paragraph_close",), _render_paragraph_close),
    ):
        for kind in kinds:
            md.add_render_rule(kind, rule)
