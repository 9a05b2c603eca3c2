"""Word-level comparison of two texts, block by block, for the change page.

Blocks (headings, paragraphs, list items, table rows) are aligned first, then the words of
changed blocks are compared, so each changed passage is one paragraph or a few, shown with a
little unchanged context.
"""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from markdown_it.token import Token

from cmaltgen.read import markdown

CONTEXT = 8  # unchanged words shown on each side of a change
# Words in one changed passage (old and new together) beyond which its words are not aligned
# (shown as the old text, then the new): aligning grows with the square of the length, about
# a second at this size, minutes for a 2 MB reflection rewritten.
MAX_ALIGNED = 40_000
_BREAK = "\n"  # a paragraph boundary among the words (words never hold a newline)


class Segment(NamedTuple):
    """A run of words: ``same``, ``added``, ``removed``, ``gap`` (unchanged words left out),
    ``split`` (a paragraph break added) or ``joined`` (a paragraph break removed)."""

    kind: str
    text: str


@dataclass
class Passage:
    heading: str  # the heading the passage is under, "" before the first
    paragraphs: list[list[Segment]]


class Block(NamedTuple):
    kind: str  # heading, paragraph, item, row or code
    text: str


def blocks(tokens: Sequence[Token]) -> list[Block]:
    """The reader's text, block by block: headings, paragraphs, list items, table rows."""
    found: list[Block] = []
    row: list[str] = []
    for index, token in enumerate(tokens):
        if token.type == "inline":
            opener = tokens[index - 1].type if index else ""
            text = markdown.plain_text([token])
            if opener in ("th_open", "td_open"):
                row.append(text)
            elif text:
                found.append(Block(_kind(tokens, index, opener), text))
        elif token.type in ("code_block", "fence") and token.content.strip():
            found.append(Block("code", " ".join(token.content.split())))
        elif token.type == "tr_close" and any(row):
            found.append(Block("row", " | ".join(row)))
            row = []
    return found


def _kind(tokens: Sequence[Token], index: int, opener: str) -> str:
    if opener == "heading_open":
        return "heading"
    return "item" if index > 1 and tokens[index - 2].type == "list_item_open" else "paragraph"


def words(found: list[Block]) -> int:
    return sum(len(b.text.split()) for b in found)


def diff(before: list[Block], now: list[Block]) -> tuple[list[Passage], tuple[int, int, int]]:
    """Changed passages, and the words (added, removed, unchanged)."""
    matcher = difflib.SequenceMatcher(None, before, now, autojunk=False)
    passages: list[Passage] = []
    added = removed = unchanged = 0
    under = list(
        itertools.accumulate(
            (b.text if b.kind == "heading" else "" for b in now),
            lambda last, text: text or last,
            initial="",
        )
    )
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            unchanged += words(now[j1:j2])
            continue
        segments = _passage_diff(before[i1:i2], now[j1:j2])
        added += sum(len(s.text.split()) for s in segments if s.kind == "added")
        removed += sum(len(s.text.split()) for s in segments if s.kind == "removed")
        unchanged += sum(len(s.text.split()) for s in segments if s.kind == "same")
        passages.append(Passage(under[j1], _paragraphs(segments)))  # the heading above it
    return passages, (added, removed, unchanged)


def _passage_diff(old: list[Block], new: list[Block]) -> list[Segment]:
    """The words of a changed passage compared; a long one of as many blocks then as now
    (a word replaced in every paragraph) block by block, so each comparison stays short."""
    if len(old) != len(new) or words(old) + words(new) <= MAX_ALIGNED:
        return _word_diff(_tokens(old), _tokens(new))
    segments: list[Segment] = []
    for then, now in zip(old, new, strict=True):
        segments += [Segment("break", "")] if segments else []
        segments += _word_diff(_tokens([then]), _tokens([now]))
    return segments


def _tokens(found: list[Block]) -> list[str]:
    words: list[str] = []
    for block in found:
        if words:
            words.append(_BREAK)
        words.extend(block.text.split())
    return words


def _word_diff(old: list[str], new: list[str]) -> list[Segment]:
    """Runs of same, removed and added words; paragraph breaks are runs of their own."""
    if len(old) + len(new) > MAX_ALIGNED:  # aligning the words would take minutes
        return _split_breaks("removed", old) + _split_breaks("added", new)
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=len(old) + len(new) > 4000)
    segments: list[Segment] = []
    for same, before, after in _runs(matcher.get_opcodes(), old, new):
        segments += _split_breaks("same", after) if same else []
        segments += [] if same else _split_breaks("removed", before) + _split_breaks("added", after)
    return segments


STRAY = 3  # at most this many unchanged words between two rewritten runs are a coincidence


def _runs(
    opcodes: Sequence[tuple[str, int, int, int, int]], old: list[str], new: list[str]
) -> list[tuple[bool, list[str], list[str]]]:
    """(unchanged?, old words, new words). A few unchanged words between two replacements, one
    at least twice as long on both sides ("the", "and I" common to two different texts), join
    the change: a rewrite reads as the old text then the new; "first" to "second" keeps its
    context. One pass, each run merged at most once."""
    runs: list[tuple[bool, list[str], list[str]]] = []
    for tag, i1, i2, j1, j2 in opcodes:
        run = (tag == "equal", old[i1:i2], new[j1:j2])
        while len(runs) >= 2 and not run[0] and _stray(runs[-2], runs[-1], run):
            (_, lo, ln), (_, words, _) = runs[-2], runs[-1]
            run = (False, lo + words + run[1], ln + words + run[2])
            del runs[-2:]
        runs.append(run)
    return runs


def _stray(
    left: tuple[bool, list[str], list[str]],
    middle: tuple[bool, list[str], list[str]],
    right: tuple[bool, list[str], list[str]],
) -> bool:
    sides = (left[1], left[2], right[1], right[2])
    if left[0] or not middle[0] or not all(sides) or _BREAK in middle[2]:
        return False
    longest = max(min(len(left[1]), len(left[2])), min(len(right[1]), len(right[2])))
    return len(middle[2]) <= STRAY and longest >= 2 * len(middle[2])


def _split_breaks(kind: str, words: list[str]) -> list[Segment]:
    mark = {"same": "break", "added": "split", "removed": "joined"}[kind]
    out: list[Segment] = []
    for is_break, run in itertools.groupby(words, key=lambda word: word == _BREAK):
        if is_break:
            out += [Segment(mark, "") for _ in run]
        else:
            out.append(Segment(kind, " ".join(run)))
    return out


def _paragraphs(segments: list[Segment]) -> list[list[Segment]]:
    """Segments as the paragraphs they fall in, long unchanged runs shortened to context."""
    paragraphs: list[list[Segment]] = [[]]
    for segment in segments:
        if segment.kind == "break":
            paragraphs.append([])
            continue
        paragraphs[-1].append(segment)
        if segment.kind == "split":
            paragraphs.append([])
    kept: list[list[Segment]] = []
    after_split = False
    for paragraph in paragraphs:
        if any(s.kind != "same" for s in paragraph):
            kept.append(_trim(paragraph))
        elif after_split and paragraph:  # the words a new paragraph break now starts
            words = " ".join(s.text for s in paragraph).split()
            shown = [Segment("same", " ".join(words[:CONTEXT]))]
            kept.append(shown + ([Segment("gap", "")] if len(words) > CONTEXT else []))
        after_split = bool(paragraph) and paragraph[-1].kind == "split"
    return kept


def _trim(paragraph: list[Segment]) -> list[Segment]:
    out: list[Segment] = []
    for index, segment in enumerate(paragraph):
        words = segment.text.split()
        if segment.kind != "same" or len(words) <= 2 * CONTEXT:
            out.append(segment)
            continue
        first, last = index == 0, index == len(paragraph) - 1
        if first:
            out += [Segment("gap", ""), Segment("same", " ".join(words[-CONTEXT:]))]
        elif last:
            out += [Segment("same", " ".join(words[:CONTEXT])), Segment("gap", "")]
        else:
            head, tail = " ".join(words[:CONTEXT]), " ".join(words[-CONTEXT:])
            out += [Segment("same", head), Segment("gap", ""), Segment("same", tail)]
    return out
