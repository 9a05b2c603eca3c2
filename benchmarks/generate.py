"""Synthetic CMALT portfolios for benchmarks: deterministic, valid, realistic in volume.

Run:  python benchmarks/generate.py OUT_DIR [--sections 50] [--items 5000] [--seed 7]

A generated portfolio follows the cmalt pathway of the 2019 guidance: the contextual
statement, the eight core areas, ``sections - 10`` specialist areas (at least one) and future
plans. Each is valid with zero diagnostics: every evidence item is cited by the reflection of
the section that lists it, future plans have 200-500 words, and every date is in the past.

Volume: about ``words`` words of prose per assessed section (600 by default, like the
example), growing by about 30 words for each evidence item the section cites, with ``###``
sub-headings, lists, a table, emphasis, links to other sections and the odd footnote. Evidence
is mostly URLs; about one item in ten is a small local file (a PDF-like document, a PNG image
with alt text, or a CSV data set) beside the ``evidence.yml``.

The same seed and sizes always give byte-identical files.
"""

from __future__ import annotations

import argparse
import random
import shutil
import zlib
from dataclasses import dataclass, field
from pathlib import Path

CORE = ("1a", "1b", "1c", "2a", "2b", "3a", "3b", "4a")
FIXED = 10  # contextual statement + 8 core areas + future plans
LOCAL_EVERY = 10  # one evidence item in this many is a local file

WORDS = [
    "students",
    "staff",
    "module",
    "programme",
    "assessment",
    "feedback",
    "rubric",
    "workshop",
    "colleagues",
    "lecturer",
    "accessibility",
    "captions",
    "template",
    "policy",
    "guidance",
    "pilot",
    "evaluation",
    "survey",
    "data",
    "dashboard",
    "Moodle",
    "platform",
    "video",
    "quiz",
    "forum",
    "discussion",
    "induction",
    "placement",
    "learners",
    "practice",
    "design",
    "review",
    "evidence",
    "outcome",
    "change",
    "workload",
    "support",
    "training",
    "network",
    "community",
    "champion",
    "library",
    "faculty",
    "committee",
    "procurement",
    "licence",
    "contract",
    "integration",
    "analytics",
    "engagement",
    "attendance",
    "retention",
    "inclusion",
    "wellbeing",
    "mobile",
    "bandwidth",
    "device",
    "screen",
    "reader",
    "keyboard",
    "contrast",
    "heading",
    "structure",
    "alternative",
    "format",
    "transcript",
    "recording",
    "storyboard",
    "scaffold",
    "portfolio",
    "reflection",
    "criteria",
    "benchmark",
    "baseline",
    "standard",
    "procedure",
    "budget",
    "sustainability",
]
VERBS = [
    "designed",
    "reviewed",
    "piloted",
    "evaluated",
    "supported",
    "led",
    "adapted",
    "tested",
    "explained",
    "negotiated",
    "documented",
    "measured",
    "revised",
    "shared",
    "trained",
    "compared",
    "introduced",
    "simplified",
    "planned",
    "agreed",
]
FILLER = [
    "the",
    "a",
    "our",
    "their",
    "this",
    "that",
    "each",
    "every",
    "which",
    "with",
    "for",
    "from",
    "into",
    "across",
    "about",
]
SPECIALIST = [
    "accessibility",
    "assessment-design",
    "learning-analytics",
    "open-education",
    "digital-wellbeing",
    "media-production",
    "online-programmes",
    "copyright-and-licensing",
    "staff-development",
    "research-data",
    "mobile-learning",
    "simulation",
    "games-based-learning",
    "inclusive-curriculum",
    "student-partnership",
    "lecture-capture",
    "virtual-classrooms",
    "quality-assurance",
]
TYPES_URL = ("web-page", "document", "presentation", "publication", "video", "testimonial")
HEADINGS = (
    "Context",
    "What I did",
    "Working with colleagues",
    "Impact",
    "What I learned",
    "What I would do differently",
    "Next steps",
)


@dataclass(frozen=True)
class Size:
    """One benchmark size: total sections (10 fixed plus specialist areas) and items."""

    name: str
    sections: int
    items: int
    words: int = 600  # base words per assessed section

    def __post_init__(self) -> None:
        if self.sections < FIXED + 1:
            raise ValueError("the cmalt pathway needs at least 11 sections (one specialist)")
        if self.items < self.sections - 2:
            raise ValueError("every assessed section needs at least one evidence item")


@dataclass
class _Item:
    id: str
    section: str
    title: str
    type: str
    date: str
    shows: str
    url: str = ""
    file: str = ""
    alt: str = ""
    supports: list[str] = field(default_factory=list)


def _sentence(rng: random.Random, n: int, *, emphasis: bool = True) -> str:
    words = [rng.choice(FILLER) if rng.random() < 0.3 else rng.choice(WORDS) for _ in range(n - 2)]
    words.insert(1, rng.choice(VERBS))
    words.insert(0, "I")
    if emphasis and n > 8 and rng.random() < 0.15:
        k = rng.randrange(2, n - 1)
        words[k] = f"**{words[k]}**" if rng.random() < 0.5 else f"*{words[k]}*"
    return " ".join(words) + "."


def _paragraph(rng: random.Random, words: int) -> tuple[str, int]:
    out: list[str] = []
    used = 0
    while used < words:
        n = rng.randint(12, 24)
        out.append(_sentence(rng, n))
        used += n
    return " ".join(out), used


def _citation(rng: random.Random, item: _Item) -> tuple[str, int]:
    text = f"[{item.title.lower()}](evidence:{item.id})"
    lead = _sentence(rng, rng.randint(10, 18))[:-1]
    sentence = f"{lead}, as my {text} shows."
    return sentence, len(sentence.split())


def _date(rng: random.Random) -> str:
    return f"{rng.randint(2018, 2024)}-{rng.randint(1, 12):02}-{rng.randint(1, 28):02}"


def _items(rng: random.Random, assessed: list[str], total: int) -> list[_Item]:
    """``total`` items spread over the assessed sections, each having at least one."""
    homes = list(assessed) + [rng.choice(assessed) for _ in range(total - len(assessed))]
    homes.sort(key=assessed.index)
    items: list[_Item] = []
    for n, home in enumerate(homes):
        topic = " ".join(rng.sample(WORDS, 3))
        item = _Item(
            id=f"ev-{n:05}-{topic.split()[0].lower()}",
            section=home,
            title=f"{topic.capitalize()} report {n}",
            type=rng.choice(TYPES_URL),
            date=_date(rng),
            shows=_sentence(rng, rng.randint(12, 22), emphasis=False),
        )
        if n % LOCAL_EVERY == LOCAL_EVERY - 1:
            kind = (n // LOCAL_EVERY) % 3
            item.type, ext = (("document", "pdf"), ("image", "png"), ("dataset", "csv"))[kind]
            item.file = f"files/{item.id}.{ext}" if n % 2 else f"{item.id}.{ext}"
            if item.type == "image":
                item.alt = f"A chart of {topic.lower()} over one academic year."
        else:
            item.url = f"https://example.org/portfolio/{home}/{item.id}/"
        if rng.random() < 0.2:
            others = [s for s in assessed if s != home]
            item.supports = sorted(rng.sample(others, min(len(others), rng.randint(1, 2))))
        items.append(item)
    return items


def _file_bytes(item: _Item) -> bytes:
    """Small deterministic content: a few KB, shaped like the file type."""
    seed = item.id.encode()
    if item.file.endswith(".png"):
        raw = b"".join(bytes([0]) + bytes((i * 7 + j) % 256 for j in range(96)) for i in range(32))
        ihdr = (96 // 3).to_bytes(4, "big") + (32).to_bytes(4, "big") + b"\x08\x02\x00\x00\x00"

        def chunk(kind: bytes, data: bytes) -> bytes:
            body = kind + data
            crc = zlib.crc32(body).to_bytes(4, "big")
            return len(data).to_bytes(4, "big") + body + crc

        idat = zlib.compress(raw)
        return (
            b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
        )
    if item.file.endswith(".csv"):
        rows = [f"week,{seed.decode()},responses"]
        rows += [f"{w},{(w * 37) % 100},{(w * 11) % 60}" for w in range(1, 120)]
        return ("\n".join(rows) + "\n").encode()
    body = b"%PDF-1.4\n% synthetic benchmark evidence " + seed + b"\n"
    return body + bytes((i * 31) % 256 for i in range(3000)) + b"\n%%EOF\n"


def _yaml_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _evidence_yml(items: list[_Item]) -> str:
    lines: list[str] = []
    for item in items:
        lines += [
            f"- id: {item.id}",
            f"  title: {_yaml_str(item.title)}",
            f"  type: {item.type}",
            f"  date: {item.date}",
        ]
        lines.append(f"  file: {item.file}" if item.file else f"  url: {item.url}")
        lines.append(f"  shows: {_yaml_str(item.shows)}")
        if item.alt:
            lines.append(f"  alt: {_yaml_str(item.alt)}")
        if item.type in ("video", "audio"):
            lines.append("  captions: true")
        if item.supports:
            lines.append(f"  supports: [{', '.join(item.supports)}]")
    return "\n".join(lines) + "\n"


def _front(section: str, title: str, rng: random.Random) -> str:
    summary = _sentence(rng, rng.randint(18, 30), emphasis=False)
    return (
        f"---\nsection: {section}\ntitle: {_yaml_str(title)}\nsummary: {_yaml_str(summary)}\n"
        f"updated: {_date(rng)}\n---\n"
    )


def _free_text(rng: random.Random, words: int) -> str:
    paragraphs: list[str] = []
    used = 0
    while used < words:
        text, n = _paragraph(rng, min(90, words - used))
        paragraphs.append(text)
        used += n
    return "\n\n".join(paragraphs) + "\n"


def _assessed_body(
    rng: random.Random, sid: str, items: list[_Item], words: int, section_ids: list[str]
) -> str:
    """A ## Description and a ## Reflection, citing every item once, with varied Markdown."""
    cites = [_citation(rng, item) for item in items]
    target = words + sum(n for _, n in cites)
    blocks: list[str] = ["## Description", ""]
    used = 0
    pending = list(cites)
    headings = list(HEADINGS)
    rng.shuffle(headings)
    halfway = False
    block = 0
    per_block = -(-len(cites) // max(1, words // 80))  # spread citations over the prose
    while used < target or pending:
        if not halfway and used >= target / 2:
            blocks += ["## Reflection", ""]
            halfway = True
        block += 1
        if block % 4 == 1 and headings:
            blocks += [f"### {headings.pop()}", ""]
        text, n = _paragraph(rng, rng.randint(50, 110))
        take = min(len(pending), max(per_block, rng.randint(0, 2)))
        extra = [pending.pop(0) for _ in range(take)]
        text = " ".join([text, *(s for s, _ in extra)])
        used += n + sum(k for _, k in extra)
        if block % 7 == 3:
            other = rng.choice([s for s in section_ids if s != sid])
            text += f" I return to this in [my work on {other}](section:{other})."
        if block % 11 == 5:
            text += f"[^{block}]\n\n[^{block}]: {_sentence(rng, 12)}"
        blocks += [text, ""]
        if block % 6 == 2:
            blocks += [f"- {_sentence(rng, rng.randint(6, 12))}" for _ in range(4)] + [""]
            used += 36
        if block % 9 == 4:
            blocks += ["| Criterion | Before | After |", "|---|---|---|"]
            blocks += [
                f"| {rng.choice(WORDS)} {rng.choice(WORDS)} | {rng.randint(5, 60)}% | "
                f"{rng.randint(40, 99)}% |"
                for _ in range(4)
            ]
            blocks += [""]
    if not halfway:
        blocks += ["## Reflection", "", _paragraph(rng, 60)[0], ""]
    return "\n".join(blocks)


def section_ids(size: Size) -> list[str]:
    """Every section id, in pathway order."""
    specialists = [f"specialist-{name}" for name in _specialist_names(size.sections - FIXED)]
    return ["contextual-statement", *CORE, *specialists, "future-plans"]


def _specialist_names(n: int) -> list[str]:
    return [
        SPECIALIST[i % len(SPECIALIST)]
        + (f"-{i // len(SPECIALIST) + 1}" if i >= len(SPECIALIST) else "")
        for i in range(n)
    ]


def _folder(n: int, sid: str) -> str:
    return f"{n:02}-{sid}"


def generate(dest: Path, size: Size, seed: int = 7) -> Path:
    """Write a portfolio of ``size`` into ``dest`` (replacing it) and return ``dest``."""
    rng = random.Random(f"{seed}-{size.sections}-{size.items}-{size.words}")
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    ids = section_ids(size)
    assessed = ids[1:-1]
    items = _items(rng, assessed, size.items)
    (dest / "portfolio.yml").write_text(
        'pathway: cmalt\nframework: "2019"\ncandidate:\n  name: Bench Mark\n'
        "  role: Learning Technologist\n  organisation: Synthetic University\n"
        'site:\n  title: "Bench Mark: CMALT portfolio"\n'
        "  base_url: https://example.org/bench/\n  language: en-GB\n  licence: CC BY 4.0\n"
        "confirmation:\n  name: Bench Mark\n  date: 2025-01-15\n"
        # fixed dates (for identical output every run) would grow old: never warn about them
        "evidence_max_age: 100\n",
        encoding="utf-8",
    )
    for n, sid in enumerate(ids):
        folder = dest / _folder(n, sid)
        folder.mkdir()
        title = sid.removeprefix("specialist-").replace("-", " ").capitalize()
        if sid == "contextual-statement":
            body = _free_text(rng, 450)
        elif sid == "future-plans":
            body = _free_text(rng, 330)
        else:
            own = [i for i in items if i.section == sid]
            words = max(size.words, 12 * len(own))
            body = _assessed_body(rng, sid, own, words, ids[1:-1])
            (folder / "evidence.yml").write_text(_evidence_yml(own), encoding="utf-8")
            for item in own:
                if item.file:
                    path = folder / item.file
                    path.parent.mkdir(exist_ok=True)
                    path.write_bytes(_file_bytes(item))
        text = _front(sid, f"{title} in my practice", rng) + body
        (folder / "reflection.md").write_text(text, encoding="utf-8")
    return dest


SIZES = (
    Size("typical", 11, 25),
    Size("medium", 20, 200),
    Size("large", 50, 1000),
    Size("xlarge", 50, 5000),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("out", type=Path)
    parser.add_argument("--sections", type=int, default=11)
    parser.add_argument("--items", type=int, default=25)
    parser.add_argument("--words", type=int, default=600)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    size = Size("custom", args.sections, args.items, args.words)
    generate(args.out, size, args.seed)
    print(f"wrote {args.out}: {size.sections} sections, {size.items} evidence items")


if __name__ == "__main__":
    main()
