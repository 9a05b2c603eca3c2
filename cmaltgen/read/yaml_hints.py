"""Plain-words hints for YAML that cannot be read: where the slip is and how to write it."""

from __future__ import annotations

import re

import yaml

Slip = tuple[int, int, str]  # line (1-based), column, hint


def slip(text: str, exc: yaml.MarkedYAMLError) -> Slip | None:
    """The line, column and hint for the likeliest slip behind ``exc``, if one is recognised."""
    mark = exc.problem_mark or exc.context_mark
    if mark is None:
        return None
    found = None
    if _ONE_TEXT.search(str(exc)):
        found = _no_space_above(text, mark.line) or _curly_quotes(text, mark.line)
    elif _BLOCK_END.search(str(exc)):
        found = _empty_above(text, mark.line)
    if not found and _FLOW.search(str(exc)):
        found = _bracket_text(text, [m.line for m in (exc.context_mark, mark) if m])
    lines = text.splitlines()
    here = lines[mark.line] if mark.line < len(lines) else ""
    indent = here[: len(here) - len(here.lstrip(" \t"))]
    if not found and "\t" in indent:
        found = (
            mark.line + 1,
            indent.index("\t") + 1,
            (
                "YAML indentation must use spaces, not tabs: replace the tab at the start of this "
                "line with spaces"
            ),
        )
    opened = exc.context_mark
    if not found and opened and "while parsing a flow" in str(exc.context):
        start = lines[opened.line][opened.column :] if opened.line < len(lines) else ""
        close = "]" if start.startswith("[") else "}"
        if start[:1] in ("[", "{") and close not in start:
            found = (
                opened.line + 1,
                opened.column + 1,
                (
                    f"the {start[0]} here is not closed: end it with {close} on this line, "
                    f"e.g. {start.rstrip()}{close}"
                ),
            )
    marks = sorted({m.line for m in (exc.context_mark, mark) if m and m.line < len(lines)})
    if not found and "mapping values are not allowed" in str(exc) and mark.line < len(lines):
        found = _indented(lines, mark.line)
    for index in marks if not found else ():
        found = found or value_start(lines, index, str(exc))
    if not found and marks:  # a quote left open runs on to a later line
        found = _open_quote(lines, marks[0], mark.line)
    return found


# 'key: text #2': an unquoted value, then ' #' and no space: a comment, most likely meant
# as part of the value (YAML comments are written '# like this')
_CUT = re.compile(
    r"(\s*(?:- )?[A-Za-z_][\w-]*):[ \t]+([^\s'\"#\[{&*!|>%@`][^#]*?)[ \t]+(#\S.*?)\s*"
)


def cut_by_comment(text: str) -> list[tuple[int, int, str, str]]:
    """(Line, column, message, hint) for each value that a ``#`` comment cut short."""
    found = []
    for n, line in enumerate(text.splitlines(), start=1):
        cut = _CUT.fullmatch(line) if " #" in line else None
        if cut:
            key, value, rest = cut.groups()
            found.append(
                (
                    n,
                    cut.start(3) + 1,
                    f"'{rest}' is read as a comment (# after a space starts one), so the value is "
                    f"only '{value}'",
                    f"put the whole value in quotes: {quoted(key, value + ' ' + rest)}",
                )
            )
    return found


# 'key: value' (or '- key: value'): the key part, then the value as written
_KEY_VALUE = re.compile(r"(\s*(?:- )?[A-Za-z_][\w-]*):[ \t]+(\S.*?)\s*")
# what starts something other than text in YAML, so a plain value cannot start with it
_SPECIAL = {"*", "&", "@", "%", "`", "|", ">", "?", "-", "!"}


def quoted(key: str, value: str) -> str:
    """``key: value`` with the value put in the quotes that need no escaping, where possible."""
    key = key.strip().removeprefix("- ")
    if "'" not in value:
        return f"{key}: '{value}'"
    return f'{key}: "{value.replace(chr(92), chr(92) * 2).replace(chr(34), chr(92) + chr(34))}"'


def value_start(lines: list[str], index: int, problem: str) -> Slip | None:
    """A value that starts with a character YAML reads as something else (``*bold*``,
    ``@work``, ``- note``), one whose closing quote comes before its end (``"a "b" c"``),
    or a backslash inside double quotes (``"C:\\Users"``)."""
    found = _KEY_VALUE.fullmatch(lines[index])
    if found is None:
        return None
    key, value = found.group(1), found.group(2)
    col = found.start(2) + 1
    if value[0] in _SPECIAL and (value[0] not in "-?" or value[1:2] in (" ", "")):
        return (
            index + 1,
            col,
            (
                f"text that starts with '{value[0]}' is not read as text; put it in quotes: "
                f"{quoted(key, value)}"
            ),
        )
    if value[0] == '"' and ("escape" in problem or "hexdecimal" in problem):
        return (
            index + 1,
            col,
            (
                'inside "double quotes" a \\ starts a special character: write folders with / '
                "instead, or put the value in 'single quotes'"
            ),
        )
    quote = value[0]
    if quote in "\"'" and _early_close(value):
        inner = value[1:-1] if value[-1] == quote else value
        return (
            index + 1,
            col,
            (
                f"the value ends at the next {quote}, so the text after it cannot be read: put "
                f"the whole value in the other kind of quotes, {quoted(key, inner)}"
            ),
        )
    if "mapping values are not allowed" in problem and ": " in value:
        hint = f"a value that contains ': ' must be put in quotes: {quoted(key, value)}"
        return index + 1, col + value.index(": "), hint
    return None


def _open_quote(lines: list[str], first: int, last: int) -> Slip | None:
    """The first value from line ``first`` to ``last`` whose opening quote is not closed on
    its line: YAML reads on, across lines, to the next quote."""
    for index in range(first, min(last, len(lines) - 1) + 1):
        found = _KEY_VALUE.fullmatch(lines[index])
        value = found.group(2) if found else ""
        if value[:1] in ("'", '"') and _quote_end(value) is None:
            return (
                index + 1,
                found.start(2) + 1 if found else 1,
                (
                    f"the {value[0]} that starts this value is not closed: end the value with "
                    f"{value[0]} on this line"
                ),
            )
    return None


def _early_close(value: str) -> bool:
    """A quoted value with text after its closing quote (other than a # comment)."""
    end = _quote_end(value)
    after = value[end + 1 :].strip() if end is not None else ""
    return after != "" and not after.startswith("#")


def _quote_end(value: str) -> int | None:
    """Where the quote that opens ``value`` closes: not at a doubled '' nor an escaped \\"."""
    i = 1
    while i < len(value):
        if value[0] == '"' and value[i] == "\\":
            i += 2
            continue
        if value[i] == value[0]:
            if value[0] == "'" and value[i + 1 : i + 2] == "'":
                i += 2
                continue
            return i
        i += 1
    return None


def _indented(lines: list[str], index: int) -> Slip | None:
    """``key: value`` indented more than the key on the line above: YAML reads it as more of
    that value, then stops at its ':'."""
    above = next(
        (i for i in range(index - 1, -1, -1) if lines[i].strip()[:1] not in ("", "#")), None
    )
    here = _KEY_VALUE.fullmatch(lines[index]) or re.fullmatch(
        r"(\s*[A-Za-z_][\w-]*):\s*", lines[index]
    )
    if above is None or here is None:
        return None
    if not _KEY_VALUE.fullmatch(lines[above]) or lines[above].rstrip()[-1:] in ("|", ">"):
        return None  # 'key:' alone above: this line is its value, rightly indented
    prev = re.match(r"\s*(?:- )?", lines[above])
    column = prev.end() if prev else 0
    own = _indent(lines[index])
    prev_key = re.match(r"[A-Za-z_][\w-]*:", lines[above][column:])
    if prev_key is None or own <= column:
        return None
    key = here.group(1).strip()
    return (
        index + 1,
        own + 1,
        (
            f"'{key}:' is indented more than '{prev_key.group(0)}' on the line above, so YAML "
            f"reads it as more of that value: start it in the same column ({column + 1}), with "
            "spaces"
        ),
    )


# what PyYAML says when a 'key:value' line and the next one were read as one text
_ONE_TEXT = re.compile(r"mapping values are not allowed|could not find expected ':'")
_KEY_NO_SPACE = re.compile(r"(\s*(?:- )?[A-Za-z_][\w-]*):(\S.*)")


def _no_space_above(text: str, index: int) -> Slip | None:
    """Line, column and hint for a ``key:value`` with no space on the line above line
    ``index`` (0-based), indented alike: YAML reads the two lines as one text."""
    lines = text.splitlines()
    above = next((i for i in range(min(index, len(lines)) - 1, -1, -1) if lines[i].strip()), None)
    if above is None or index >= len(lines):
        return None
    found = _KEY_NO_SPACE.fullmatch(lines[above])
    if not found or _indent(lines[above]) != _indent(lines[index]):
        return None
    key, value = found.group(1).strip(), found.group(2)
    return above + 1, len(found.group(1)) + 1, f"put a space after the ':': write '{key}: {value}'"


def _curly_quotes(text: str, index: int) -> Slip | None:
    """The hint for a value in Word's curly quotes that holds ': ' (they are not quotes)."""
    lines = text.splitlines()
    found = re.search("[\u201c\u2018]", lines[index]) if index < len(lines) else None
    if not found:
        return None
    return (
        index + 1,
        found.start() + 1,
        (
            "curly quotes (\u201c \u201d \u2018 \u2019, as Word types them) are not quotes to "
            'YAML: put the value in straight quotes, "like this"'
        ),
    )


# what PyYAML says when lines follow 'key: []' (or {}) as if it were 'key:'
_BLOCK_END = re.compile(r"expected <block end>|did not find expected key")
_KEY_EMPTY = re.compile(r"(\s*(?:- )?[A-Za-z_][\w-]*):\s*(\[\s*\]|\{\s*\})\s*(?:#.*)?")


def _empty_above(text: str, index: int) -> Slip | None:
    """Line, column and hint for ``key: []`` (or ``{}``) above line ``index`` (0-based),
    comments and blank lines between, when line ``index`` is meant to fill it in."""
    lines = text.splitlines()
    if index >= len(lines):
        return None
    above = next(
        (i for i in range(index - 1, -1, -1) if lines[i].strip()[:1] not in ("", "#")), None
    )
    found = _KEY_EMPTY.fullmatch(lines[above]) if above is not None else None
    here = lines[index]
    if above is None or not found:
        return None
    if not here.lstrip().startswith("-") and _indent(here) <= _indent(lines[above]):
        return None
    key, empty = found.group(1).strip(), found.group(2)
    what = "the list is empty" if empty.startswith("[") else "there is nothing in it"
    return (
        above + 1,
        found.start(2) + 1,
        (
            f"'{key}: {empty}' says {what}: delete the '{empty}' to give its entries on the lines "
            "below"
        ),
    )


# what PyYAML says when text starting with [ or { was read as a list or mapping
_FLOW = re.compile(r"flow (sequence|mapping)|did not find expected key|expected <block end>")
_KEY_FLOW = re.compile(r"(\s*(?:- )?[A-Za-z_][\w-]*):[ \t]+([\[{].*?)\s*")


def _bracket_text(text: str, indexes: list[int]) -> Slip | None:
    """``title: [Draft] Report``: text that starts with a bracket and goes on after the
    closing one, so it is no list, on one of the lines named. (An unclosed bracket may be
    a list that is not finished: no hint for it.)"""
    lines = text.splitlines()
    for index in indexes:
        found = _KEY_FLOW.fullmatch(lines[index]) if index < len(lines) else None
        if found is None:
            continue
        value, close = found.group(2), "]" if found.group(2)[0] == "[" else "}"
        end = value.rfind(close)
        if end >= 0 and value[end + 1 :].strip()[:1] not in ("", "#"):
            quoted = value.replace('"', '\\"')
            return (
                index + 1,
                found.start(2) + 1,
                f"text that starts with '{value[0]}' is not read as text; put it in quotes: "
                f'{found.group(1).strip().removeprefix("- ")}: "{quoted}"',
            )
    return None


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def general(exc: yaml.MarkedYAMLError) -> str:
    """A hint from PyYAML's message alone."""
    problem = (exc.problem or "") + (exc.context or "")
    if "mapping values are not allowed" in problem:
        return "a value that contains ': ' must be put in quotes"
    if "found character '\\t'" in problem or "tab" in problem:
        return "YAML indentation must use spaces, not tabs"
    if "could not find expected ':'" in problem:
        return "each line in a mapping needs 'key: value'; check the line above too"
    return "check the indentation and quotes on this line and the one above it"
