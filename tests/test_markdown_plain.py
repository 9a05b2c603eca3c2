"""Plain text from Markdown (summaries, meta descriptions, the feed, word counts), the
first-sentence and shortening rules, and how citations read when rendered."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from cmaltgen import wording
from cmaltgen.diagnostics import Diagnostics
from cmaltgen.read import documents, markdown


def plain(text: str) -> str:
    return markdown.plain_text(markdown.parse(text).tokens)


# Markdown as written -> the plain text a reader sees, and its word count.
PLAIN = [
    (
        "Safeguarding in [Practice](https://x.org), a course.",
        "Safeguarding in Practice, a course.",
        5,
    ),
    ("tools, e.g. *Moodle*.", "tools, e.g. Moodle.", 3),
    ("I used **Teams**; it worked.", "I used Teams; it worked.", 5),
    ("Run `git log`, then stop.", "Run git log, then stop.", 5),
    ("My [appraisal](evidence:appraisal), signed.", "My appraisal, signed.", 3),
    ("See [](evidence:appraisal).", "See.", 1),
    ("A [](evidence:a) and more.", "A and more.", 3),
    ("***Very** nested* words!", "Very nested words!", 3),
    ("*a **b** c*d", "a b cd", 3),
    ("It's the team's \"plan\".", "It’s the team’s “plan”.", 4),
    ("Café naïve résumé, Zürich.", "Café naïve résumé, Zürich.", 4),
    ("学习技术，很好。I agree.", "学习技术，很好。I agree.", 8),
    ("Line one  \nline two\\\nthree", "Line one line two three", 5),
    ("Soft\nbreak", "Soft break", 2),
    ("- first item\n- second, *done*\n\n1. one\n2. two", "first item second, done one two", 6),
    ("| Tool | Use |\n|---|---|\n| Moodle | quizzes |", "Tool Use Moodle quizzes", 4),
    ("Claim.[^1]\n\n[^1]: A source.", "Claim. A source.", 3),
    ("A claim [^1].\n\n[^1]: A source.", "A claim. A source.", 4),
    ("Ends here <br>.", "Ends here.", 2),
    ("# Heading\n\nBody text.\n\n## Another\n\nMore.", "Body text. More.", 3),
    ("Fish &amp; chips &copy; 2024 &#233;t&eacute;", "Fish & chips © 2024 été", 4),
    ("An ![bar *chart*](c.png) here.", "An bar chart here.", 4),
    ("Raw <b>bold</b> text.", "Raw bold text.", 3),
    ("<div>\nblock html\n</div>\n\nAfter.", "After.", 1),
    ("well-being — and 2024/25 — matters", "well-being — and 2024/25 — matters", 4),
    ("   spaced    out   ", "spaced out", 2),
    ("~~old~~ new", "old new", 2),
]


@pytest.mark.parametrize(("source", "expected", "words"), PLAIN, ids=[p[0][:30] for p in PLAIN])
def test_plain_text_joins_inline_pieces_as_written(source: str, expected: str, words: int) -> None:
    text = plain(source)
    assert text == expected
    assert wording.word_count(text) == words


def test_word_count_is_the_same_whether_split_into_parts_or_not() -> None:
    # A reflection's total is the sum of its parts' counts: no word spans a block boundary.
    body = "Intro *tools*, e.g. x.\n\n## Description\n\nOne **two**.\n\n## Reflection\n\nThree."
    parsed = markdown.parse(body)
    whole = wording.word_count(markdown.plain_text(parsed.tokens))
    cut = [h.token_index for h in parsed.headings]
    ranges = [parsed.tokens[: cut[0]], parsed.tokens[cut[0] : cut[1]], parsed.tokens[cut[1] :]]
    assert whole == 7 == sum(wording.word_count(markdown.plain_text(r)) for r in ranges)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I use tools, e.g. Moodle. Then more.", "I use tools, e.g. Moodle."),
        ("Did it work? Yes.", "Did it work?"),
        ("He said “go.” Then left.", "He said “go.”"),
        ("Version 2.5 shipped today. Next.", "Version 2.5 shipped today."),
        ("学习技术。很好。", "学习技术。"),
        ("No full stop at all", "No full stop at all"),
    ],
)
def test_first_sentence(text: str, expected: str) -> None:
    assert wording.first_sentence(text, 240) == expected


def test_a_first_sentence_longer_than_the_limit_is_shortened() -> None:
    text = "word " * 80 + "end."
    short = wording.first_sentence(text, 60)
    assert short.endswith("word…") and len(short) <= 60 and "  " not in short


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("Short enough.", 20, "Short enough."),
        ("The quick brown fox jumps over the lazy dog", 20, "The quick brown fox…"),
        ("Items: one, two, three, four, five", 17, "Items: one, two…"),
        ("Fish & chips & more & more & more", 14, "Fish & chips…"),
        ("学习技术很好学习技术很好", 6, "学习技术很…"),
        ("abcdefgxe\u0301yz", 10, "abcdefgx…"),  # never splits e + combining accent
        ("abcdefg\U0001f469\u200d\U0001f4bbzz", 10, "abcdefg…"),  # nor an emoji sequence
        ("abcdefgh\U0001f44d\U0001f3fdzz", 10, "abcdefgh…"),  # nor an emoji and its skin tone
        ("Supercalifragilisticexpialidocious word", 12, "Supercalifr…"),
    ],
)
def test_shorten_cuts_at_a_word_boundary_with_an_ellipsis(
    text: str, limit: int, expected: str
) -> None:
    result = wording.shorten(text, limit)
    assert result == expected
    assert len(result) <= limit
    assert not any(0xD800 <= ord(c) <= 0xDFFF for c in result)


# ------------------------------------------------------------------ citations, rendered


class Resolver:
    """E3 'appraisal' is on the site; 'meeting' is assessors-only; 'diary' is private."""

    def evidence(self, evidence_id: str) -> tuple[str, str] | None:
        return ("../evidence/#ev-appraisal", "E3") if evidence_id == "appraisal" else None

    def section(self, section_id: str) -> tuple[str, str] | None:
        return ("../1a/", "1a Understanding the constraints") if section_id == "1a" else None

    def file(self, target: str) -> str | None:
        return None

    def withheld_note(self, evidence_id: str) -> str:
        return "evidence available to assessors" if evidence_id == "meeting" else ""

    def evidence_title(self, evidence_id: str) -> str:
        return "Annual appraisal & review" if evidence_id == "appraisal" else ""


def render(text: str) -> str:
    return markdown.render(markdown.parse(text), Resolver()).strip()


@pytest.mark.parametrize(
    ("source", "html"),
    [
        (
            "It features [my appraisal](evidence:appraisal).",
            '<p>It features <a href="../evidence/#ev-appraisal" class="evidence-ref">my appraisal '
            '<span class="evidence-label">[E3]</span></a>.</p>',
        ),
        (
            "It features [](evidence:appraisal).",
            '<p>It features <a href="../evidence/#ev-appraisal" class="evidence-ref" '
            'aria-label="E3: Annual appraisal &amp; review">'
            '<span class="evidence-label">[E3]</span></a>.</p>',
        ),
        (
            "It features [my diary](evidence:diary).",
            '<p>It features <span class="unlinked">my diary</span>.</p>',
        ),
        ("It features [](evidence:diary).", "<p>It features.</p>"),
        ("It features [](evidence:diary), I think.", "<p>It features, I think.</p>"),
        ("[](evidence:diary) Then more.", "<p>Then more.</p>"),
        ("One [](evidence:diary) two.", "<p>One two.</p>"),
        ("It features\n[](evidence:diary).", "<p>It features.</p>"),
        ("It features\n[](evidence:diary) and more.", "<p>It features\nand more.</p>"),
        ("(see [](evidence:diary))", "<p>(see)</p>"),
        (
            "It features [the minutes](evidence:meeting).",
            '<p>It features <span class="unlinked">the minutes</span> '
            '<span class="withheld-note">(evidence available to assessors)</span>.</p>',
        ),
        (
            "It features [](evidence:meeting).",
            '<p>It features <span class="withheld-note">(evidence available to assessors)'
            "</span>.</p>",
        ),
        (
            "See [](section:1a).",
            '<p>See <a href="../1a/">1a Understanding the constraints</a>.</p>',
        ),
    ],
)
def test_citations_read_naturally(source: str, html: str) -> None:
    assert render(source) == html


def test_unlinked_words_keep_their_wrapper_and_the_marker_never_leaks() -> None:
    html = render("It features [my diary](evidence:diary). And [](evidence:diary)!")
    assert html == '<p>It features <span class="unlinked">my diary</span>. And!</p>'
    assert "<!--" not in html


def test_author_text_cannot_forge_the_dropped_citation_marker() -> None:
    """In code it is shown as text; as the author's own comment it is left out (comments are
    notes to oneself) before the marker is tidied, so neither closes up the space before '.'."""
    html = render("Keep `<!--cmalt:dropped-->` . and <!--cmalt:dropped--> .")
    assert html == "<p>Keep <code>&lt;!--cmalt:dropped--&gt;</code> . and  .</p>"


def test_a_long_run_of_spaces_is_kept_when_an_empty_citation_is_tidied() -> None:
    """Tidying what an unlinked, empty citation leaves tried a regex from each space of a run
    (200,000 spaces in a code block: about a minute); the result is the same."""
    spaces = " " * 200_000
    html = render(
        f"Features [](evidence:diary).\n\n```\n{spaces}x\n```\n\nSee [](evidence:diary)  it."
    )
    assert "<p>Features.</p>" in html
    assert f"<pre><code>{spaces}x\n</code></pre>" in html
    assert "<p>See it.</p>" in html


BODIES = [
    "Before.\n\n## Description\n\nI *planned* it.\n\n### Detail\n\nMore [x](evidence:a).\n\n"
    "## Reflection\n\nI learned.[^1]\n\n[^1]: A note.\n",
    "# Top\n\nOne.\n\n# Second\n\n> ## Quoted heading\n>\n> Quoted text.\n\n| A | B |\n|---|---|\n"
    "| c | d |\n",
    "No headings at all, `code` and <b>html</b>.\n\n```\nfenced\n```\n",
    "## Empty\n\n## \n\nText after an empty heading.\n",
    "",
]


@pytest.mark.parametrize("body", BODIES)
def test_a_reflections_plain_text_is_its_whole_bodys(tmp_path: Path, body: str) -> None:
    """Worked out once, range by range with the word counts: the same as the whole body's."""
    path = tmp_path / "reflection.md"
    data = ("---\nsection: 1a\n---\n" + body).encode()
    found = documents._reflection_from(path, data, Diagnostics(), dt.date(2026, 1, 1))
    assert isinstance(found, documents.Reflection)
    whole = markdown.plain_text(found.parsed.tokens)
    assert found.plain == whole
    assert found.words == wording.word_count(whole)
