"""The Markdown factory and its rules, tested on strings (the renderer does no I/O)."""

from __future__ import annotations

import re

import pytest

from cmaltgen import wording
from cmaltgen.read import markdown, markdown_scan


class Resolver:
    def evidence(self, evidence_id: str) -> tuple[str, str] | None:
        return (f"#ev-{evidence_id}", "E7") if evidence_id == "survey" else None

    def section(self, section_id: str) -> tuple[str, str] | None:
        return (f"../{section_id}/index.html", section_id)

    def file(self, target: str) -> str | None:
        return f"../files/{target}"


def render(text: str) -> str:
    return markdown.render(markdown.parse(text), Resolver())


def test_citation_becomes_a_numbered_label_linking_to_the_evidence() -> None:
    html = render("See [my survey](evidence:survey).")
    assert (
        '<a href="#ev-survey" class="evidence-ref">my survey '
        '<span class="evidence-label">[E7]</span></a>' in html
    )


def test_references_are_located_on_their_line_and_column() -> None:
    parsed = markdown.parse("Intro.\n\nText and [a](evidence:x) and [b](evidence:x).\n")
    refs = [(r.kind, r.target, r.line, r.col) for r in parsed.references]
    assert refs == [("evidence", "x", 3, 10), ("evidence", "x", 3, 30)]


def test_section_links_and_local_files_are_resolved() -> None:
    html = render("[See 2a](section:2a) and ![A chart](img/chart.png) [notes](notes.pdf#p2)")
    assert '<a href="../2a/index.html">See 2a</a>' in html
    assert '<img src="../files/img/chart.png" alt="A chart" loading="lazy">' in html
    assert '<a href="../files/notes.pdf">notes</a>' in html


def test_external_and_anchor_links_are_left_alone() -> None:
    parsed = markdown.parse("[a](https://example.org) [b](#top) [c](mailto:x@example.org)")
    assert parsed.references == []


def test_headings_shift_so_the_body_starts_at_h2() -> None:
    html = render("# Description\n\ntext\n\n## Detail\n\nmore\n")
    assert '<h2 id="description">Description</h2>' in html
    assert '<h3 id="detail">Detail</h3>' in html
    html = render("### Description\n\ntext\n")
    assert "<h2" in html and "<h3" not in html


def test_a_skipped_heading_level_is_shown_one_below_its_parent() -> None:
    """## then #### is invalid HTML and fails axe (heading-order): the page shows the ####
    as h3, and its siblings and children alike; the rules still see the levels as written."""
    body = (
        "## Description\n\n##### Deep\n\na\n\n##### Deep too\n\n###### Deeper\n\n"
        "### Example\n\n## Reflection\n\n#### Late\n"
    )
    parsed = markdown.parse(body)
    assert [(h.text, h.level, h.shown) for h in parsed.headings] == [
        ("Description", 2, 2),
        ("Deep", 5, 3),
        ("Deep too", 5, 3),
        ("Deeper", 6, 4),
        ("Example", 3, 3),
        ("Reflection", 2, 2),
        ("Late", 4, 3),
    ]
    shown = re.findall(r"<(h\d) id=\"([a-z-]+)\"", markdown.render(parsed, Resolver()))
    assert shown == [
        ("h2", "description"),
        ("h3", "deep"),
        ("h3", "deep-too"),
        ("h4", "deeper"),
        ("h3", "example"),
        ("h2", "reflection"),
        ("h3", "late"),
    ]  # before: h5, h5, h6 and h4, which the Nu checker and axe reject
    assert [(e.level, e.id) for e in markdown.outline(parsed)] == [
        (2, "description"),
        (3, "deep"),
        (3, "deep-too"),
        (3, "example"),
        (2, "reflection"),
        (3, "late"),
    ]
    first = markdown.parse("#### Intro\n\n## Description\n")
    assert [(h.level, h.shown) for h in first.headings] == [(4, 2), (2, 2)]


def test_raw_html_is_escaped_and_recorded() -> None:
    parsed = markdown.parse("Hi <script>alert(1)</script>\n\n<div onclick='x'>y</div>\n")
    html = markdown.render(parsed, Resolver())
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<div onclick" not in html
    assert [(line, col) for line, col, _ in parsed.raw_html] == [(1, 4), (1, 20), (3, 1)]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("Some text `<b>` then <b>x</b>", [(1, 22), (1, 26)]),  # not the <b> in code
        ("Line one\n\tcafé ünï <video src=x>\n", [(2, 11)]),  # a tab and é count as one
        ("- item <kbd>K</kbd>\n", [(1, 8), (1, 14)]),
        ("> quoted\n>\n>   <div>\n>   x\n>   </div>\n", [(3, 5)]),  # a block in a quote
        ("   <video\n   controls>\n   </video>\n", [(1, 4), (3, 4)]),  # a tag over two lines
        ("a <span\nclass=x>b</span>", [(1, 3), (2, 10)]),
        ("## Hi <b>x</b>\n", [(1, 7), (1, 11)]),  # in a heading
        ("| a | b |\n|---|---|\n| 1 | <b>x</b> |\n", [(3, 7), (3, 11)]),  # in a table cell
        ("a\r\nb <i>c</i>\r\n", [(2, 3), (2, 7)]),  # Windows line ends
        ("* x\n\n  <div>\n  y\n  </div>\n", [(3, 3)]),  # a block in a list item
    ],
)
def test_raw_html_is_located_at_its_own_column(body: str, expected: list[tuple[int, int]]) -> None:
    assert [(line, col) for line, col, _ in markdown.parse(body).raw_html] == expected


def test_javascript_links_are_not_rendered() -> None:
    html = render("[x](javascript:alert(1)) [y](JAVASCRIPT:alert(1))")
    assert "<a" not in html and 'href="javascript' not in html.lower()


def test_tables_are_wrapped_in_a_focusable_labelled_region() -> None:
    html = render("| a | b |\n|---|---|\n| 1 | 2 |\n")
    assert '<div class="table-wrap" role="region" aria-label="Table: a, b" tabindex="0">' in html
    assert "<th>a</th>" in html and html.rstrip().endswith("</div>")


def test_word_count_counts_prose_not_markup_or_headings() -> None:
    parsed = markdown.parse("## Heading\n\nOne **two** [three](https://x.org) `four`.\n")
    assert wording.word_count(markdown.plain_text(parsed.tokens)) == 4


def test_footnotes_are_listed_under_a_notes_heading() -> None:
    html = render("A claim.[^1]\n\n[^1]: The source.\n")
    assert (
        '<section class="footnotes" aria-labelledby="footnotes-heading">\n'
        '<h2 id="footnotes-heading" class="footnotes-heading">Notes</h2>\n'
        '<ol class="footnotes-list">\n' in html
    )
    assert "<hr" not in html


def test_footnotes_heading_moves_down_and_is_prefixed_inside_a_longer_page() -> None:
    parsed = markdown.parse("## Description\n\nA claim.[^1]\n\n[^1]: The source.\n")
    html = markdown.render(parsed, Resolver(), heading_offset=1, id_prefix="1a")
    assert '<h3 id="1a-footnotes-heading" class="footnotes-heading">Notes</h3>' in html
    assert 'aria-labelledby="1a-footnotes-heading"' in html


def test_without_footnotes_there_is_no_notes_heading() -> None:
    assert "Notes" not in render("## Description\n\nNo notes here.\n")


def test_outline_lists_second_and_third_level_headings_with_their_anchors() -> None:
    parsed = markdown.parse(
        "# Description\n\nText.\n\n## Using `H5P` *well*\n\nMore.\n\n### Too deep\n\n"
        "# Reflection\n\nDone.\n\n# Reflection\n\nAgain.\n"
    )
    assert markdown.outline(parsed) == [
        markdown.OutlineEntry(2, "description", "Description"),
        markdown.OutlineEntry(3, "using-h5p-well", "Using H5P well"),
        markdown.OutlineEntry(2, "reflection", "Reflection"),
        markdown.OutlineEntry(2, "reflection-1", "Reflection"),
    ]
    html = render(
        "# Description\n\nText.\n\n## Using `H5P` *well*\n\n# Reflection\n\n# Reflection\n"
    )
    for entry in markdown.outline(parsed)[:3]:
        assert f'id="{entry.id}"' in html


def test_outline_of_a_body_without_headings_is_empty() -> None:
    assert markdown.outline(markdown.parse("Just a paragraph.\n")) == []


def test_notes_heading_id_does_not_clash_with_a_footnotes_heading_of_ones_own() -> None:
    html = render("## Footnotes\n\nA claim.[^1]\n\n[^1]: The source.\n")
    ids = re.findall(r'id="([^"]+)"', html)
    assert "footnotes" in ids and len(ids) == len(set(ids))


def test_links_left_as_text_because_of_a_space_are_found_once_each() -> None:
    """Only a real link or image whose address has a space; not `code`, not a correct
    ``<...>`` address, not words in brackets that are no address, not a fenced block."""
    body = (
        "See [the plan](lesson plan.pdf), `[x](a b.pdf)`, [sic](as it were) and\n"
        "[ok](<fine name.pdf>).\n\n"
        "```\n![shot](my shot.png)\n```\n\n"
        "- ![Sticky notes](photos/Focus group.JPG)\n"
    )
    parsed = markdown.parse(body)
    found = markdown_scan.unparsed_links(parsed.tokens, parsed.source_lines)
    assert found == [
        (1, 5, "[the plan](lesson plan.pdf)", "lesson plan.pdf"),
        (8, 3, "![Sticky notes](photos/Focus group.JPG)", "photos/Focus group.JPG"),
    ]


def test_word_bullets_keep_every_column_and_leave_code_and_running_text() -> None:
    kept = "A \u2022 in a sentence.\n~~~\n\u2022\tkept\n~~~\n\u2022x"
    body = "\u2022\tOne\n  \u2022\u00a0Two\n" + kept
    assert markdown.word_bullets(body) == "-\tOne\n  - Two\n" + kept


def test_a_heading_pasted_from_word_is_a_heading() -> None:
    """A no-break space after the #s, or a zero-width space before them, as Word pastes: the
    line was text, and the section "had no '## Description' heading" though it showed one."""
    code = "```\n#\u00a0kept\n```\n"
    body = "##\u00a0Description\n\nText.\n\n\u200b## Reflection\u00a0\n\nMore.\n\n" + code
    assert markdown.word_bullets(body) == (
        "## Description\n\nText.\n\n ## Reflection\u00a0\n\nMore.\n\n" + code
    )  # one character for one: every column stays where it was
    parsed = markdown.parse(body)
    assert [(h.level, h.text, h.line) for h in parsed.headings] == [
        (2, "Description", 1),
        (2, "Reflection", 5),
    ]
    assert "#\u00a0kept" in markdown.render(parsed, Resolver())  # code is left as it is


class Notes:
    """An annotator that shows the heading level a note after each paragraph would use."""

    label = "3a"

    def after(self, paragraph: markdown_scan.Paragraph, ident: str, heading_level: int) -> str:
        return f"<aside>h{heading_level}</aside>"

    def details(self, paragraph: markdown_scan.Paragraph, ident: str) -> str | None:
        return None


@pytest.mark.slow("large")
def test_many_links_headings_and_paragraphs_are_each_read_once() -> None:
    """Each link's text and place were searched for from its paragraph's start (8,000 links
    in one paragraph took 23 s), each heading id counted up from "a-1" (100,000 headings, over
    a minute), each paragraph's note looked back for its heading. Places, ids and levels are
    unchanged."""
    links = " ".join(f"[a](b) [c](d{i}.pdf)" for i in range(5_000))
    parsed = markdown.parse(f"Intro\n\n{links}\n")
    assert [(r.target, r.line, r.col) for r in parsed.references[-2:]] == [
        ("b", 3, len(links) - 20),
        ("d4999.pdf", 3, len(links) - 13),
    ]
    html = markdown.render(parsed, Resolver())
    assert html.count('<a href="../files/b">a</a>') == 5_000
    headings = "".join(f"# a\n\nText {i}.\n\n" for i in range(5_000))
    html = markdown.render(markdown.parse(headings), Resolver(), annotator=Notes())
    assert '<h2 id="a">a</h2>' in html and '<h2 id="a-4999">a</h2>' in html
    assert html.count("<aside>h3</aside>") == 5_000
    html = markdown.render(markdown.parse("Text.\n\n" * 10_000), Resolver(), annotator=Notes())
    assert html.count("<aside>h2</aside>") == 10_000


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("chart.png", True),
        ("Scan.JPG", True),
        ("photo.jpe", True),
        ("photo.jpeg", True),
        ("poster.svg", True),
        ("x.jp", False),
        ("x.jpgg", False),
        ("scan.tif", False),
        ("poster.PNG.pdf", False),
        ("png", False),
    ],
)
def test_only_formats_a_web_page_shows_are_images(name: str, shown: bool) -> None:
    """A TIFF or PDF is linked, not put in an <img> where it would show as a broken picture."""
    assert markdown_scan.shows_as_image(name) is shown
