"""English sentences built from pieces: counts, articles and lists.

Every message and page sentence that puts a number, a pathway or a list into words goes
through one of these, so "1 items", "a Associate CMALT portfolio" or "a, b, c" cannot
happen anywhere. The same functions are Jinja filters for themes (see docs/themes.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# Capital letters whose names start with a vowel sound: "an MSc", "an SVG", but "a CMALT".
_VOWEL_LETTERS = set("AEFHILMNORSX")
# Words that start with a vowel letter but a consonant sound, and the reverse.
_CONSONANT_SOUND = re.compile(r"^(uni|use|usu|ura|uro|eu|ewe|one\b|once\b|ubiq)", re.I)
_VOWEL_SOUND = re.compile(r"^(hour|honest|honou?r|heir)", re.I)


def plural(count: int, singular: str, many: str = "") -> str:
    """``count`` and the noun agreeing with it: "1 section", "0 sections", "1,200 words".

    ``many`` gives an irregular plural; otherwise the last word is made plural by rule,
    so "evidence item" becomes "evidence items"."""
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
        return letters[0] in _VOWEL_LETTERS and not _reads_as_word(letters)
    if _VOWEL_SOUND.match(letters):
        return True
    return letters[0].lower() in "aeiou" and not _CONSONANT_SOUND.match(letters)


def _reads_as_word(letters: str) -> bool:
    """Capitals said as a word, not spelled out ("a NASA grant", "a UNESCO report")."""
    return letters.upper() in {"NASA", "UNESCO", "UCAS", "SEDA"}


def join_and(items: Iterable[str], conjunction: str = "and") -> str:
    """A list in a sentence: "a", "a and b", "a, b and c" (British style: no comma before
    "and")."""
    shown = [str(item) for item in items]
    if len(shown) <= 1:
        return "".join(shown)
    return f"{', '.join(shown[:-1])} {conjunction} {shown[-1]}"
