"""English text: sentences built from pieces (counts, articles, lists), and measuring and
cutting plain text (word counts, first sentences, shortened descriptions).

Every sentence that puts a number or a list into words goes through these, so "1 items",
"a Associate CMALT portfolio" or "a, b, c" cannot happen. ``plural``, ``article`` and
``join_and`` are also Jinja filters for themes (see docs/themes.md).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable

# Capital letters whose names start with a vowel sound: "an MSc", "an SVG", but "a CMALT".
_VOWEL_LETTERS = set("AEFHILMNORSX")
# Words that start with a vowel letter but a consonant sound, and the reverse.
_CONSONANT_SOUND = re.compile(r"^(uni|use|usu|ura|uro|eu|ewe|one\b|once\b|ubiq)", re.I)
_VOWEL_SOUND = re.compile(r"^(hour|honest|honou?r|heir)", re.I)
# Capitals said as a word, not spelled out: "a NASA grant", "a UNESCO report".
_SAID_AS_WORDS = {"NASA", "UNESCO", "UCAS", "SEDA"}


def plural(count: int, singular: str, many: str = "") -> str:
    """``count`` and the noun agreeing with it: "1 section", "0 sections", "1,200 words";
    ``many`` gives an irregular plural, else the last word is made plural by rule."""
    return f"{count:,} {singular if count == 1 else many or plural_form(singular)}"


def plural_form(noun: str) -> str:
    """The plural of a noun phrase's last word: item/items, entry/entries, class/classes."""
    if re.search(r"[^aeiou]y$", noun):
        return noun[:-1] + "ies"
    if re.search(r"(s|x|z|ch|sh)$", noun):
        return noun + "es"
    return noun + "s"


def agree(count: int, one: str, many: str) -> str:
    """The verb form agreeing with ``count``: ``agree(n, "was", "were")``."""
    return one if count == 1 else many


def article(phrase: str) -> str:
    """``phrase`` with "a" or "an" by its first sound: "an Associate CMALT", "a CMALT",
    "a Senior CMALT", "an MSc", "a university", "an hour"."""
    word = phrase.strip().split(" ", 1)[0] if phrase.strip() else ""
    return f"{'an' if _vowel_sound(word) else 'a'} {phrase.strip()}"


def _vowel_sound(word: str) -> bool:
    letters = re.sub(r"^\W+|\W+$", "", word)  # "(MSc" -> "MSc"; "one-off" stays
    if not letters:
        return False
    if len(letters) > 1 and letters[:2].isupper():  # an initialism: read letter by letter
        return letters[0] in _VOWEL_LETTERS and letters.upper() not in _SAID_AS_WORDS
    if _VOWEL_SOUND.match(letters):
        return True
    return letters[0].lower() in "aeiou" and not _CONSONANT_SOUND.match(letters)


def join_and(items: Iterable[str], conjunction: str = "and") -> str:
    """A list in a sentence: "a", "a and b", "a, b and c" (British style: no comma before
    "and")."""
    shown = [str(item) for item in items]
    if len(shown) <= 1:
        return "".join(shown)
    return f"{', '.join(shown[:-1])} {conjunction} {shown[-1]}"


# ------------------------------------------------------------------ plain text

# A word: a run without spaces holding a letter or digit ("e.g.", "well-being", "2024/25"),
# except that each Chinese or Japanese character is a word of its own (they use no spaces).
_CJK = (
    "\u2e80-\u2fdf\u3040-\u30ff\u3100-\u312f\u3190-\u31ff\u3400-\u4dbf"
    "\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
)
_CJK_FIRST = "\u2e80"  # the lowest character in _CJK
# The same words in a text with no character from _CJK, where [^\s{_CJK}] is any \S. Tried
# only where a run starts: \S*[^\W_]\S* tried a run of marks from each mark in turn, which
# took minutes for 50,000 "[".
_WORD_NO_CJK = re.compile(r"(?<!\S)\S*?[^\W_]\S*")


@functools.cache
def _word() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Compiled when first needed: its large character classes take milliseconds to compile,
    and most portfolios have no Chinese or Japanese text."""
    words = re.compile(rf"[{_CJK}]|[^\s{_CJK}]*[^\W_][^\s{_CJK}]*")
    return words, re.compile(rf"(?:[^\w\s{_CJK}]|_){{2,}}")


def word_count(text: str) -> int:
    """Words as a reader counts them: "tools, e.g. Moodle." is 3."""
    if text.isascii() or max(text) < _CJK_FIRST:
        return len(_WORD_NO_CJK.findall(text))
    words, marks = _word()  # a run of marks counts as one mark does, so it is shortened
    return len(words.findall(marks.sub("-", text)))


_ABBREVIATIONS = ("e.g.", "i.e.", "etc.", "cf.", "vs.", "Dr.", "Mr.", "Mrs.", "Ms.", "Prof.")
_SENTENCE_END = re.compile(r"[.!?][)\]’”\"']*(?=\s|$)|[。！？][」』）”]*")


def first_sentence(text: str, limit: int) -> str:
    """The first sentence of plain ``text``, or its first ``limit`` characters (see
    :func:`shorten`) when the sentence is longer. Abbreviations such as "e.g." do not end it."""
    for end in _SENTENCE_END.finditer(text):
        if end.end() > limit:
            break
        if not text[: end.end()].endswith(_ABBREVIATIONS):
            return text[: end.end()]
    return shorten(text, limit)


def shorten(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters at a word boundary, with an ellipsis.

    Cut before HTML escaping, so no entity is split; a run with no space (Chinese, a long web
    address) is cut between characters, never inside a combining sequence."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    space = head.rfind(" ")
    if text[limit - 1] != " " and space > limit // 2:  # the cut falls inside a word
        head = head[:space]
    while head and (_joins(text[len(head)]) or head[-1] == "\u200d"):
        head = head[:-1]
    return head.rstrip(" ,;:–—-") + "…"


def _joins(char: str) -> bool:
    """Whether ``char`` belongs to the character before it (accent, emoji joiner, variant)."""
    return (
        bool(unicodedata.combining(char))
        or char in "\u200d\ufe0e\ufe0f"
        or ("\U0001f3fb" <= char <= "\U0001f3ff")
    )


def git_reason(stderr: str) -> str:
    """git's own words, shortened to the lines that say what went wrong. A remote's text
    is untrusted: terminal escapes and control characters are dropped."""
    clean = re.sub(r"\x1b\[[0-9;]*[A-Za-z]|[\x00-\x08\x0b-\x1f\x7f]", "", stderr)
    lines = [line.strip() for line in clean.splitlines() if line.strip()]
    pattern = r"^remote: \S|rejected|error|fatal|denied|declined"
    wanted = [line for line in lines if re.search(pattern, line)]
    said = "; ".join((wanted or lines)[:4]) or "no reason given"
    return re.sub(r"\b([0-9a-f]{10})(?:[0-9a-f]{30}|[0-9a-f]{54})\b", r"\1", said)


def columns(text: str) -> int:
    """How many terminal columns ``text`` takes: East Asian wide letters (李, 한) take two,
    combining accents none."""
    return sum(
        0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
        for c in text
    )


def pad(text: str, width: int, *, right: bool = False) -> str:
    """``text`` padded with spaces to ``width`` terminal columns (on the left if ``right``)."""
    space = " " * max(0, width - columns(text))
    return space + text if right else text + space
