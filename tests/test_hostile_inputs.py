"""Hostile and broken portfolio input: a located error and exit 1, never a crash.

Each test writes the broken input, runs the real command line and asserts the message, its
file and line, and the exit code; the portfolio's own files are never changed.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from cmaltgen.cli import main
from tests.conftest import EXAMPLE, PortfolioFactory, evidence, reflection, symlink_or_skip


def run(*args: str | Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "internal problem" not in result.output, result.output
    return result.exit_code, result.output


def tree_hash(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        digest.update(str(path.relative_to(root)).encode("utf-8", "surrogateescape"))
        if path.is_file() and not path.is_symlink():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def build_and_check(root: Path, tmp_path: Path) -> list[tuple[int, str]]:
    """build, check and bundle; the portfolio is unchanged afterwards."""
    before = tree_hash(root)
    runs = [
        run("build", root, "-o", tmp_path / "site"),
        run("check", root),
        run("bundle", root, "-o", tmp_path / "bundle.zip"),
    ]
    assert tree_hash(root) == before
    assert not (tmp_path / "site").exists() and not (tmp_path / "bundle.zip").exists()
    return runs


def file_evidence(name: str) -> str:
    return evidence("1a").replace("url: https://example.org/1a", f'file: "{name}"')


def test_a_nul_byte_in_an_evidence_file_name_is_a_located_error(
    tmp_portfolio: PortfolioFactory, tmp_path: Path
) -> None:
    root = tmp_portfolio({"1a/evidence.yml": file_evidence("report\\0.pdf")})
    for code, output in build_and_check(root, tmp_path):
        assert code == 1
        assert (
            "1a/evidence.yml:5:9: error special-file: 'report\\x00.pdf' is a name no file can "
            "have (it holds a NUL character)"
        ) in output
        assert "\x00" not in output  # shown, not printed raw


def test_an_evidence_file_that_is_a_symlink_loop_is_a_located_error(
    tmp_portfolio: PortfolioFactory, tmp_path: Path
) -> None:
    root = tmp_portfolio({"1a/evidence.yml": file_evidence("loop.pdf")})
    symlink_or_skip(root / "1a" / "loop.pdf", Path("loop.pdf"))
    for code, output in build_and_check(root, tmp_path):
        assert code == 1
        assert (
            "1a/evidence.yml:5:9: error special-file: 'loop.pdf' is a symbolic link that leads "
            "round in a circle"
        ) in output


def test_a_link_in_a_reflection_to_a_looping_symlink_is_a_located_error(
    tmp_portfolio: PortfolioFactory, tmp_path: Path
) -> None:
    root = tmp_portfolio()
    reflection = root / "1b" / "reflection.md"
    reflection.write_text(
        reflection.read_text(encoding="utf-8") + "\nSee [the notes](a.pdf) and [b](b.pdf).\n",
        encoding="utf-8",
    )
    symlink_or_skip(root / "1b" / "a.pdf", Path("b.pdf"))
    symlink_or_skip(root / "1b" / "b.pdf", Path("a.pdf"))
    for code, output in build_and_check(root, tmp_path):
        assert code == 1
        assert "1b/reflection.md:" in output and "leads round in a circle" in output, output


@pytest.mark.parametrize(
    ("url", "hint"),
    [
        ("http://[::1/report", "an IPv6 address in a web address is written in [ ]"),
        ("https://example.org:99999999/", "starts a port number (1 to 65535)"),
        ("https://example.org:80a/", "starts a port number (1 to 65535)"),
        # pasted with the HTML around it: broke the Markdown snippet badge prints
        ('https://example.org/a"><script>x</script>', 'cannot hold " or < or >: copy it again'),
    ],
)
def test_a_web_address_that_cannot_be_opened_is_invalid_url(
    tmp_portfolio: PortfolioFactory, tmp_path: Path, url: str, hint: str
) -> None:
    root = tmp_portfolio({"1a/evidence.yml": evidence("1a").replace("https://example.org/1a", url)})
    for code, output in build_and_check(root, tmp_path):
        assert code == 1
        assert (
            f"1a/evidence.yml:5:8: error invalid-url [[0].url]: '{url}' is not a web address"
            in (output)
        )
        assert hint in output.partition("hint: ")[2].partition("\n")[0]


def test_control_characters_quoted_in_a_message_are_shown_not_sent_to_the_terminal(
    tmp_portfolio: PortfolioFactory, tmp_path: Path
) -> None:
    root = tmp_portfolio()
    yml = root / "portfolio.yml"
    yml.write_text(
        yml.read_text(encoding="utf-8").replace("pathway: cmalt", 'pathway: "cm\\e[2Jalt\\a"'),
        encoding="utf-8",
    )
    for code, output in build_and_check(root, tmp_path):
        assert code == 1
        assert "portfolio.yml:1:10: error" in output
        assert "cm\\x1b[2Jalt\\x07" in output
        assert "\x1b[2J" not in output and "\x07" not in output


def test_fifo_evidence_file_with_nul_free_name_still_special(
    tmp_portfolio: PortfolioFactory, tmp_path: Path
) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes here")
    root = tmp_portfolio({"1a/evidence.yml": file_evidence("pipe.pdf")})
    os.mkfifo(root / "1a" / "pipe.pdf")
    for code, output in build_and_check(root, tmp_path):
        assert code == 1
        assert "1a/evidence.yml:5:9: error special-file: 'pipe.pdf' is a named pipe" in output


def test_a_reflection_with_a_huge_table_is_refused_at_once_at_its_line(
    tmp_portfolio: PortfolioFactory, tmp_path: Path
) -> None:
    """A 200 KB table of 100,000 cells took minutes to lay out; now it is a located error."""
    table = "|" + "h|" * 500 + "\n|" + "-|" * 500 + "\n" + ("|" + "x|" * 500 + "\n") * 200
    root = tmp_portfolio()
    reflection = root / "2a" / "reflection.md"
    text = reflection.read_text(encoding="utf-8")
    reflection.write_text(text + "\n" + table, encoding="utf-8")
    first_table_line = len(text.splitlines()) + 2
    # 501 + 501 cells on the header lines, then 501 per row: the 10,001st is on row 18
    expected_line = first_table_line + 2 + 17
    for code, output in build_and_check(root, tmp_path):
        assert code == 1
        assert (
            f"2a/reflection.md:{expected_line}:1: error file-too-large: this reflection has more "
            "than 10,000 table cells"
        ) in output
        assert "hint: move a large table into an evidence file" in output


@pytest.mark.parametrize(
    ("line", "most", "what", "hint"),
    [
        (
            "[a](b" * 100,
            10_000,
            "links, images and notes ('[' characters)",
            "move a long list of links",
        ),
        (
            "![" * 100,
            10_000,
            "links, images and notes ('[' characters)",
            "move a long list of links",
        ),
        ("*_" * 50, 20_000, "emphasis marks ('*' and '_' characters)", "keep * and _ for emphasis"),
    ],
)
def test_a_reflection_with_a_flood_of_marks_is_refused_at_once_at_its_line(
    tmp_portfolio: PortfolioFactory, tmp_path: Path, line: str, most: int, what: str, hint: str
) -> None:
    """A 2 MB reflection of '[' (or '![', '[a](', '*_') took from half a minute to minutes to
    lay out; now it is a located error at the line where the cap is passed."""
    root = tmp_portfolio()
    reflection = root / "2a" / "reflection.md"
    text = reflection.read_text(encoding="utf-8")
    reflection.write_text(text + "\n" + (line + "\n") * 2_000, encoding="utf-8")
    # each line holds 100 marks, the reflection a few already (its citations)
    before = sum(text.count(mark) for mark in ("[" if "[" in line else "*_"))
    expected_line = len(text.splitlines()) + 2 + (most - before) // 100
    for code, output in build_and_check(root, tmp_path):
        assert code == 1
        assert (
            f"2a/reflection.md:{expected_line}:1: error file-too-large: this reflection has "
            f"more than {most:,} {what} by this line"
        ) in output
        assert f"hint: {hint}" in output


def test_reference_style_links_are_resolved_not_a_crash(
    tmp_portfolio: PortfolioFactory, tmp_path: Path
) -> None:
    """`[text][label]` with `[label]: url` below crashed every command (markdown-it keeps its
    definitions under the env key cmaltgen used for its own list); now they resolve."""
    body = (
        "## Description\n\nI led the work in [the report][r] and [a web page][w].\n\n"
        "[r]: evidence:ev-2a\n[w]: https://example.org/\n\n## Reflection\n\nI learned a lot.\n"
    )
    root = tmp_portfolio({"2a/reflection.md": reflection("2a", body=body)})
    code, output = run("build", root, "-o", tmp_path / "good")
    assert code == 0, output
    page = (tmp_path / "good" / "2a" / "index.html").read_text(encoding="utf-8")
    assert 'href="https://example.org/"' in page
    assert "uncited-evidence" not in output  # the reference link cites ev-2a
    broken = body.replace("[r]: evidence:ev-2a", "[r]: evidence:nosuch")
    root = tmp_portfolio({"2a/reflection.md": reflection("2a", body=broken)})
    for code, output in build_and_check(root, tmp_path):
        assert code == 1
        assert "2a/reflection.md:6:1: error unknown-evidence" in output, output


@pytest.mark.slow("large")
def test_long_runs_in_a_reflection_are_checked_in_one_pass(
    tmp_portfolio: PortfolioFactory, tmp_path: Path
) -> None:
    """Patterns that tried a run from each of its characters took minutes on these lines
    (alt text of dashes; "%" before an email address; spaces before raw HTML); the warnings
    they give are unchanged."""
    body = (
        "## Description\n\nI led the work and cited [the report](evidence:ev-2a).\n\n"
        f"![{'-' * 100_000}.png](chart.png)\n\n"
        f"{'%' * 200_000} or write to sam.tester@example.org\n\n"
        f"Words{' ' * 200_000}<b>bold</b> end, and [](evidence:ev-2a) .\n\n"
        "## Reflection\n\nI learned a great deal from it.\n"
    )
    root = tmp_portfolio({"2a/reflection.md": reflection("2a", body=body)})
    (root / "2a" / "chart.png").write_bytes((EXAMPLE / "portrait.png").read_bytes())
    code, output = run("build", root, "-o", tmp_path / "site")
    assert code == 0, output
    assert "2a/reflection.md:8:1: warning alt-text: the alt text '---" in output
    assert "2a/reflection.md:10:200014: warning contact-details: this looks like an email" in output
    assert "2a/reflection.md:12:200006: warning raw-html" in output


def test_control_characters_made_by_yaml_escapes_in_text_are_a_located_error(
    tmp_portfolio: PortfolioFactory, tmp_path: Path
) -> None:
    """ "\\0" or "\\e" in a quoted name or title reached the pages and the terminal as they
    were (check's heading printed the NUL); now they are an error at the value."""
    root = tmp_portfolio(
        {"2a/reflection.md": reflection("2a", extra_front='title: "Assess\\e[2Jment\\0"\n')}
    )
    yml = root / "portfolio.yml"
    yml.write_text(
        yml.read_text(encoding="utf-8").replace("name: Sam Tester", 'name: "Sam\\x07 Tester"', 1),
        encoding="utf-8",
    )
    for code, output in build_and_check(root, tmp_path):
        assert code == 1
        assert (
            "portfolio.yml:4:9: error invalid-value [candidate.name]: 'Sam\\x07 Tester' holds a "
            "control character, which no web page can show"
        ) in output
        assert "2a/reflection.md:3:8: error invalid-value [title]: 'Assess\\x1b[2Jment\\x00'" in (
            output
        )
        assert "hint: remove the escape that makes it (such as \\0, \\e or \\x07)" in output
        assert "\x00" not in output and "\x07" not in output and "\x1b[2J" not in output


def test_a_control_character_in_a_reflection_is_a_located_error(
    tmp_portfolio: PortfolioFactory, tmp_path: Path
) -> None:
    """A vertical tab (Word's manual line break, pasted) or an escape reached the page as it
    was: invalid HTML, and malformed XML in the feed; now an error at its line and column."""
    body = "## Description\n\nI led the work\x0bwith [the report](evidence:ev-2a).\n"
    root = tmp_portfolio({"2a/reflection.md": reflection("2a", body=body + "\x1b[2J")})
    for code, output in build_and_check(root, tmp_path):
        assert code == 1
        assert (
            "2a/reflection.md:6:15: error file-encoding: this file holds a control character "
            "('\\x0b'), which no web page can show"
        ) in output
        assert "hint: delete it (text copied from another program can bring one" in output
        assert "\x0b" not in output and "\x1b[2J" not in output


@pytest.mark.parametrize("years", ["2026", "99999999999999999999999999999999999"])
def test_an_evidence_age_limit_of_thousands_of_years_makes_nothing_old(
    tmp_portfolio: PortfolioFactory, tmp_path: Path, years: str
) -> None:
    """evidence_max_age (or check --max-age) of 2026 crashed every command (ValueError: year 0
    is out of range), a larger one with OverflowError; now no evidence is old."""
    root = tmp_portfolio({"1a/evidence.yml": evidence("1a").replace("2025-06-01", "1999-06-01")})
    code, output = run("check", root)
    assert "warning old-evidence" in output  # over 3 years old
    expected = code
    yml = root / "portfolio.yml"
    yml.write_text(
        yml.read_text(encoding="utf-8").replace(
            "pathway: cmalt\n", f"pathway: cmalt\nevidence_max_age: {years}\n", 1
        ),
        encoding="utf-8",
    )
    for args in (
        ["build", root, "-o", tmp_path / "site"],
        ["check", root],
        ["check", root, "--max-age", years],
    ):
        code, output = run(*args)
        assert code == (0 if args[0] == "build" else expected), output
        assert "old-evidence" not in output
    assert (tmp_path / "site" / "index.html").is_file()


def test_a_list_nested_too_deeply_is_a_located_error_not_text_left_out(
    tmp_portfolio: PortfolioFactory, tmp_path: Path
) -> None:
    """markdown-it leaves out the rest of a list nested 10 levels deep (or a quote 20 deep),
    and with it the rest of the reflection: the page lost it without a word."""

    def body(levels: int) -> str:
        outline = "".join("  " * i + f"- level {i + 1}\n" for i in range(levels))
        return (
            "## Description\n\nI led the work with [the report](evidence:ev-2a).\n\n"
            f"## Reflection\n\nMy outline:\n\n{outline}\nWhat I learned afterwards.\n"
        )

    root = tmp_portfolio({"2a/reflection.md": reflection("2a", body=body(9))})
    code, output = run("build", root, "-o", tmp_path / "good")
    assert code == 0, output
    page = (tmp_path / "good" / "2a" / "index.html").read_text(encoding="utf-8")
    assert "level 9" in page and "What I learned afterwards." in page
    text = reflection("2a", body=body(10))
    root = tmp_portfolio({"2a/reflection.md": text})
    line = text.split("\n").index("                  - level 10") + 1
    for code, output in build_and_check(root, tmp_path):
        assert code == 1
        assert (
            f"2a/reflection.md:{line}:1: error file-too-large: lists or quotes are nested too "
            "deeply here for cmaltgen to lay out (10 levels of lists, 20 of quotes)"
        ) in output
        assert "hint: use fewer levels" in output


def test_a_line_break_in_a_file_name_is_shown_not_printed(
    tmp_portfolio: PortfolioFactory, tmp_path: Path
) -> None:
    """A name holding a line break (Linux allows one) split its finding over two lines, the
    second starting with no file or code; now it is shown as \\n, as other control
    characters are."""
    if os.name == "nt":
        pytest.skip("Windows names cannot hold a line break")
    root = tmp_portfolio({"1a/evidence.yml": file_evidence("a\\nb.pdf")})
    (root / "1a" / "a\nb.pdf").write_bytes(b"%PDF-1.4\n")
    (root / "1b" / "notes\n.md").write_text("# notes\n", encoding="utf-8")
    for code, output in build_and_check(root, tmp_path):
        assert code == 1
        assert (
            "1a/evidence.yml:5:9: error file-name: the name 'a\\nb.pdf' contains \\n, which "
            "Windows does not allow in file names: 1a/a\\nb.pdf"
        ) in output
        assert "1b/notes\\n.md: warning stray-file: cmaltgen does not read notes\\n.md here" in (
            output
        )
        assert "a\nb" not in output and "notes\n" not in output


@pytest.mark.parametrize(
    ("written", "name"),
    [
        ("C:\\Users\\rowan\\Documents\\appraisal.pdf", "appraisal.pdf"),
        ("C:/Users/rowan/Documents/appraisal.pdf", "appraisal.pdf"),
        ("/Users/rowan/Desktop/appraisal.pdf", "appraisal.pdf"),
        ("\\\\fileserver\\share\\appraisal.pdf", "appraisal.pdf"),
    ],
)
def test_a_path_on_the_authors_computer_is_located_with_what_to_copy(
    tmp_portfolio: PortfolioFactory, written: str, name: str
) -> None:
    """A file given by where it is on a computer (Windows, macOS, a network share), in
    evidence.yml, in a Markdown link or image, or as the photo: an error at it saying what to
    copy into the portfolio. Before, a Markdown link or image to it was published, broken."""
    slashed = written.replace("\\", "/")
    link = f"[my notes](<{written}>)" if "\\" in written else f"![A chart]({slashed})"
    body = f"## Description\n\nI did it, see {link}.\n\n## Reflection\n\nI learned.\n"
    root = tmp_portfolio(
        {
            "1a/evidence.yml": evidence("1a") + f"- id: appraisal\n  title: Appraisal\n"
            f"  type: document\n  date: 2025-06-01\n  file: '{written}'\n  shows: It\n",
            "1b/reflection.md": reflection(
                "1b", body=body.replace(".\n\n## R", " [r](evidence:ev-1b).\n\n## R")
            ),
        }
    )
    code, output = run("build", root)
    assert code == 1
    message = (
        f"'{written}' is a place on your computer, outside the portfolio folder, so the file "
        f"cannot be published\n    hint: copy {name} into the portfolio folder, e.g. beside "
        f"this file, and give its path from here: {name}"
    )
    assert f"1a/evidence.yml:11:9: error evidence-file-outside: {message}" in output, output
    if written.startswith("\\\\"):
        return  # in Markdown, \\ is one backslash: not a share's name
    shown = written if "\\" in written else slashed
    assert (
        f"1b/reflection.md:6:15: error evidence-file-outside: {message.replace(written, shown)}"
        in output
    ), output
