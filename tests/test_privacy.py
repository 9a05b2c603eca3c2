"""Privacy: visibility editions (proved on every output byte), the lint and EXIF removal."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from cmaltgen.check import check
from cmaltgen.read.markdown_scan import paragraph_id
from cmaltgen.rules import images, privacy
from tests.conftest import (
    PORTFOLIO_YML,
    TODAY,
    PortfolioFactory,
    evidence,
    formatted,
    reflection,
    run_build,
    symlink_or_skip,
    write_files,
)
from tests.image_files import TELLTALES, camera_exif, image_file
from tests.site_checks import broken_links

ASSESS, PRIVATE, CONSENT = b"zqassess", b"zqprivate", b"zqconsent"
FEEDBACK = b"zqfeedback"  # in every feedback file's words: never in any edition
# The paragraph of 1c the feedback names: its id must not reach the public site either.
FEEDBACK_PARAGRAPH = paragraph_id("I r p.")

# ------------------------------------------------------------- a portfolio with secrets

CITING_1A = """\
---
section: 1a
---
## Description

I led the work and cited [the report](evidence:ev-1a), [a photo I took](evidence:ev-zqassess-item)
and [my own notes](evidence:ev-zqprivate-item).

## Reflection

As in [my 2a work](section:2a) and [my 2b work](section:2b), I learned a great deal from it.
I also kept [the raw report](zqprivate-report.pdf).
"""

EVIDENCE_1A = """\
- id: ev-1a
  title: Report for 1a
  type: web-page
  date: 2025-06-01
  url: https://example.org/1a
  shows: That I did the work.
  personal_data: true
  consent: {who: Zqconsent Person, date: 2025-07-01}
- id: ev-zqassess-item
  title: ZQASSESS photo title
  type: image
  date: 2025-06-01
  file: zqassess-photo.jpg
  alt: ZQASSESS alt text of the photo
  shows: ZQASSESS what the photo shows.
  visibility: assessors
- id: ev-zqprivate-item
  title: ZQPRIVATE report title
  type: document
  date: 2025-06-01
  file: zqprivate-report.pdf
  shows: ZQPRIVATE what it shows.
  visibility: private
"""

ASSESSORS_2A = """\
---
section: 2a
title: ZQASSESS own title of 2a
summary: ZQASSESS summary of 2a.
visibility: assessors
---
## Description

I did ZQASSESS things with [the 2a report](evidence:ev-2a).[^1]

![ZQASSESS inline image alt](zqassess-inline.png)

See [my ZQASSESS notes](zqassess-notes.txt).

[^1]: A ZQASSESS footnote.

## Reflection

### ZQASSESS heading

I learned ZQASSESS lessons.
"""

PRIVATE_2B = """\
---
section: 2b
summary: ZQPRIVATE summary.
visibility: private
---
## Description

I did ZQPRIVATE things with [the 2b report](evidence:ev-2b).

## Reflection

I learned ZQPRIVATE lessons.
"""


def _evidence(section: str, marker: str) -> str:
    return (
        f"- id: ev-{section}\n  title: {marker} report for {section}\n  type: document\n"
        f"  date: 2025-06-01\n  file: {marker.lower()}-{section}.pdf\n"
        f"  shows: {marker} shows.\n"
    )


def secret_files() -> dict[str, str | bytes | None]:
    return {
        "1a/reflection.md": CITING_1A,
        "1a/evidence.yml": EVIDENCE_1A,
        "1a/zqassess-photo.jpg": image_file("JPEG", comment=b"ZQASSESS inside the binary"),
        "1a/zqprivate-report.pdf": b"%PDF-1.4\n% ZQPRIVATE inside the binary\n\x00\x01\x02",
        "2a/reflection.md": ASSESSORS_2A,
        "2a/evidence.yml": _evidence("2a", "ZQASSESS"),
        "2a/zqassess-2a.pdf": b"%PDF-1.4\n% ZQASSESS 2a file\n",
        "2a/zqassess-inline.png": image_file("PNG", comment=b"ZQASSESS in a PNG"),
        "2a/zqassess-notes.txt": "ZQASSESS notes\n",
        "2b/reflection.md": PRIVATE_2B,
        "2b/evidence.yml": _evidence("2b", "ZQPRIVATE"),
        "2b/zqprivate-2b.pdf": b"%PDF-1.4\n% ZQPRIVATE 2b file\n",
        "1c/evidence.yml": (
            "- {id: ev-1c, title: Public report, type: document, date: 2025-06-01, "
            "file: public-report.pdf, shows: It}\n"
            "- {id: ev-1c-photo, title: Public photo, type: image, date: 2025-06-01, "
            "file: public-photo.jpg, alt: A desk, shows: It}\n"
        ),
        "1c/reflection.md": "---\nsection: 1c\n---\n## Description\n\nI [r](evidence:ev-1c) "
        "[p](evidence:ev-1c-photo).\n\n## Reflection\n\nI.\n",
        "1c/public-report.pdf": b"%PDF-1.4\n% a public report\n",
        "1c/public-photo.jpg": image_file("JPEG", comment=b"a public photo"),
        "1b/evidence.yml": (
            "- {id: ev-1b, title: Report for 1b, type: web-page, date: 2025-06-01, "
            "url: 'https://example.org/1b', shows: It, supports: [2a, 2b]}\n"
        ),
        "feedback/zqfeedback-mentor.yml": (
            "reviewer: Zqfeedback Reviewer\nrole: mentor\ndate: 2026-10-02\nitems:\n"
            "  - {section: 1c, paragraph: ¶1, text: zqfeedback open comment}\n"
            "  - {section: 2a, text: zqfeedback on an assessors section}\n"
            "  - {section: 1b, text: zqfeedback done, status: addressed, "
            "response: zqfeedback my reply}\n"
        ),
    }


def every_file(folder: Path) -> dict[str, bytes]:
    """Every output file, hidden ones included, as bytes (names included, lower-cased)."""
    return {
        p.relative_to(folder).as_posix().lower(): p.read_bytes().lower()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def containing(files: dict[str, bytes], marker: bytes) -> list[str]:
    return [name for name, data in files.items() if marker in data or marker.decode() in name]


@pytest.fixture
def secret_portfolio(tmp_portfolio: PortfolioFactory) -> Path:
    return tmp_portfolio(secret_files())


def test_public_build_has_no_trace_of_non_public_content(
    secret_portfolio: Path, tmp_path: Path
) -> None:
    result = run_build(secret_portfolio, output=tmp_path / "public")
    assert result.ok and result.written, formatted(result)
    files = every_file(tmp_path / "public")
    assert {"feed.xml", "sitemap.xml", ".nojekyll", "index.html"} <= set(files)
    for kind in (".png", ".pdf", ".jpg", ".css"):  # every kind of file, binary ones too
        assert any(name.endswith(kind) for name in files), kind
    for marker in (ASSESS, PRIVATE, CONSENT, FEEDBACK, FEEDBACK_PARAGRAPH.encode()):
        assert containing(files, marker) == [], marker
    assert not [n for n in files if n.startswith(("2a/", "2b/", "portfolio.html"))]
    # The manifest is covered by the marker checks above (every file); it also lists only
    # what the public site shows: the withheld sections read as not written.
    listed = json.loads(files["portfolio.json"])
    withheld = [s for s in listed["sections"] if s["id"] in ("2a", "2b")]
    assert [(s["status"], s["words"], s["evidence"], s["url"]) for s in withheld] == [
        ("missing", 0, 0, None)
    ] * 2
    assert {e["id"] for e in listed["evidence"]} == {"ev-1a", "ev-1b", "ev-1c", "ev-1c-photo"} | {
        f"ev-{s}" for s in ("3a", "3b", "4a", "specialist-oer")
    }
    for name in ("index.html", "1b/index.html", "evidence/index.html", "matrix/index.html"):
        assert b"2a/index.html" not in files[name] and b"2b/index.html" not in files[name]
    assert broken_links(tmp_path / "public") == []


def test_assessor_edition_has_assessors_content_and_never_private(
    secret_portfolio: Path, tmp_path: Path
) -> None:
    result = run_build(secret_portfolio, output=tmp_path / "assessor", edition="assessor")
    assert result.ok and result.written, formatted(result)
    files = every_file(tmp_path / "assessor")
    assert containing(files, PRIVATE) == [] and containing(files, FEEDBACK) == []
    assert "portfolio.json" not in files  # the manifest describes the public site only
    found = containing(files, ASSESS)
    for name in ("2a/index.html", "evidence/index.html", "portfolio.html", "index.html"):
        assert name in found, name
    assert "files/1a/zqassess-photo.jpg" in found  # published, cleaned of its comment too
    assert "files/2a/zqassess-inline.png" in found and "files/2a/zqassess-notes.txt" in found
    assert containing(files, CONSENT) == ["portfolio.html"]  # consent shown to assessors only
    assert broken_links(tmp_path / "assessor") == []


def test_citations_of_withheld_items_keep_the_words_and_say_why(
    secret_portfolio: Path, tmp_path: Path
) -> None:
    run_build(secret_portfolio, output=tmp_path / "public")
    html = (tmp_path / "public" / "1a" / "index.html").read_text(encoding="utf-8")
    assert (
        '<span class="unlinked">a photo I took</span> '
        '<span class="withheld-note">(evidence available to assessors)</span>' in html
    )
    assert '<span class="unlinked">my own notes</span>.</p>' in html  # private: words only
    assert '<span class="unlinked">my 2a work</span> and' in html
    assert '<span class="unlinked">the raw report</span>' in html  # its file is withheld
    assert html.count("evidence available to assessors") == 1


def _labels(html: str) -> list[str]:
    return re.findall(r'<span class="evidence-label">([EA]\d+)</span>', html)


def test_public_numbering_has_no_gaps_and_assessor_items_are_numbered_apart(
    secret_portfolio: Path, tmp_path: Path
) -> None:
    run_build(secret_portfolio, output=tmp_path / "public")
    run_build(secret_portfolio, output=tmp_path / "assessor", edition="assessor")
    public = _labels((tmp_path / "public/evidence/index.html").read_text("utf-8"))
    assert public == [f"E{n}" for n in range(1, len(public) + 1)]
    assessor = _labels((tmp_path / "assessor/evidence/index.html").read_text("utf-8"))
    assert [x for x in assessor if x.startswith("E")] == public  # public numbers are stable
    assert [x for x in assessor if x.startswith("A")] == ["A1", "A2"]


def test_default_visibility_from_portfolio_yml(tmp_portfolio: PortfolioFactory) -> None:
    files = {
        "portfolio.yml": _portfolio_with("privacy: {default_visibility: assessors}\n"),
        "1a/reflection.md": "---\nsection: 1a\nvisibility: public\n---\n## Description\n\n"
        "I cited [it](evidence:ev-1a).\n\n## Reflection\n\nI learned.\n",
        "1a/evidence.yml": "- {id: ev-1a, title: Shown, type: web-page, date: 2025-06-01, "
        "url: 'https://example.org/1a', shows: It, visibility: public}\n"
        "- {id: ev-1a-more, title: Zqassess hidden, type: web-page, date: 2025-06-01, "
        "url: 'https://example.org/x', shows: It, supports: [1b]}\n",
    }
    root = tmp_portfolio(files)
    result = run_build(root, write=False)
    assert result.site is not None
    assert [s.id for s in result.site.sections] == ["1a"]
    assert [e.id for e in result.site.evidence] == ["ev-1a"]


def _portfolio_with(extra: str) -> str:
    return PORTFOLIO_YML + extra


def test_an_item_is_never_more_visible_than_its_section(tmp_portfolio: PortfolioFactory) -> None:
    root = tmp_portfolio(
        {
            "2a/reflection.md": "---\nsection: 2a\nvisibility: assessors\n---\n## Description\n\n"
            "I cited [it](evidence:ev-2a).\n\n## Reflection\n\nI learned.\n",
            "2a/evidence.yml": "- {id: ev-2a, title: T, type: web-page, date: 2025-06-01, "
            "url: 'https://example.org/2a', shows: It, visibility: public}\n",
        }
    )
    public = run_build(root, write=False)
    assessor = run_build(root, write=False, edition="assessor")
    assert public.site is not None and assessor.site is not None
    assert public.site.item("ev-2a") is None and public.site.withheld["ev-2a"] == "assessors"
    item = assessor.site.item("ev-2a")
    assert item is not None and item.label == "A1"


# ------------------------------------------------------------------------- the lint


@pytest.mark.parametrize(
    "text",
    [
        "jo.bloggs@example.ac.uk",
        "01632 960123",
        "07700 900123",
        "(01632) 960123",
        "020 7946 0958",
        "call 01632960123 today",
        "+44 7700 900123",
        "+44 (0)20 7946 0958",
        "+1 555 010 9999",
        "+353 1 234 5678",
        "+12 345 678",  # the fewest digits a phone number can have
        "+٤٤ ٢٠ ٧٩٤٦ ٠٩٥٨",  # Arabic-Indic digits
    ],
)
def test_contact_details_are_found(text: str) -> None:
    assert len(privacy.find_contacts(text)) == 1


@pytest.mark.parametrize(
    "text",
    [
        "2025-06-01",
        "12/03/2025",
        "2019-2025",
        "ISBN 978-0-19-852663-6",
        "ISBN 0-19-852663-6",
        "ISBN: 0198526636",
        "0-19-852663-6",
        "0000-0002-1825-0097",
        "https://orcid.org/0000-0002-1825-0097",
        "doi:10.1000/182",
        "WCAG 2.2 and 150 module sites",
        "1,500-3,500 words",
        "£1,250,000",
        "@rowan on Mastodon",
        "https://example.org/data/0123456789",
        "+2.5%",
        "09:00-17:00",
        "+12 345 67",  # one digit too few
    ],
)
def test_dates_isbns_and_orcids_are_not_phone_numbers(text: str) -> None:
    assert privacy.find_contacts(text) == []


def test_a_line_with_both_kinds_lists_them_in_order() -> None:
    found = privacy.find_contacts("+44 7700 900123, or jo@example.org")
    assert [(c.kind, c.start) for c in found] == [("phone number", 0), ("email address", 20)]


def test_contact_messages_mask_what_they_found() -> None:
    email, phone = privacy.find_contacts("jo.bloggs@example.ac.uk or 07700 900123")
    assert email.masked == "j…@example.ac.uk" and phone.masked == "ending 123"


def test_lint_looks_only_at_public_content_and_is_suppressible(
    tmp_portfolio: PortfolioFactory,
) -> None:
    body = (
        "## Description\n\nMail me at jo@example.org [r](evidence:ev-{s}).\n\n## Reflection\n\n"
        "I learned a lot.\n"  # long enough not to be a thin reflection
    )
    root = tmp_portfolio(
        {
            "1a/reflection.md": "---\nsection: 1a\n---\n" + body.format(s="1a"),
            "1b/reflection.md": "---\nsection: 1b\nvisibility: assessors\n---\n"
            + body.format(s="1b"),
            "1c/reflection.md": "---\nsection: 1c\nprivacy_checked: true\n---\n"
            + body.format(s="1c"),
        }
    )
    shown = formatted(run_build(root, write=False))
    assert shown == [
        "1a/reflection.md:6:12: warning contact-details: this looks like an email address "
        "(j…@example.org) in public content\n    hint: remove it or make the item 'visibility: "
        "assessors'; if it is meant to be public, add 'privacy_checked: true' to the evidence "
        "item or the section's front matter"
    ]


def test_text_evidence_files_are_linted(tmp_portfolio: PortfolioFactory) -> None:
    root = tmp_portfolio(
        {
            "1a/evidence.yml": "- {id: ev-1a, title: T, type: testimonial, date: 2025-06-01, "
            "file: note.txt, shows: It}\n",
            "1a/note.txt": "Thanks!\nRing me on 01632 960123.\n",
        }
    )
    shown = formatted(run_build(root, write=False))
    assert [s.split(" in public")[0] for s in shown] == [
        "1a/note.txt:2:12: warning contact-details: this looks like a phone number (ending 123)"
    ]


# ------------------------------------------------------------------------ image metadata


def _photo_portfolio(tmp_portfolio: PortfolioFactory, extra: str = "", config: str = "") -> Path:
    return tmp_portfolio(
        {
            "portfolio.yml": _portfolio_with(config),
            "1a/evidence.yml": "- id: ev-1a\n  title: A photo\n  type: image\n"
            "  date: 2025-06-01\n  file: photo.jpg\n  alt: A whiteboard\n  shows: It\n" + extra,
            "1a/photo.jpg": image_file("JPEG"),
            "1b/reflection.md": "---\nsection: 1b\n---\n## Description\n\n"
            "![A chart](chart.png) [r](evidence:ev-1b)\n\n## Reflection\n\nI.\n",
            "1b/chart.png": image_file("PNG", exif=camera_exif(make=False), xmp=b""),
        }
    )


def test_public_images_are_published_without_metadata(
    tmp_portfolio: PortfolioFactory,
) -> None:
    root = _photo_portfolio(tmp_portfolio)
    result = run_build(root)
    assert result.written
    assert formatted(result) == [
        "1a/evidence.yml:5:9: warning image-metadata: the image 'photo.jpg' carries camera make, "
        "camera model, camera serial number, GPS location in its metadata\n    hint: cmaltgen "
        "removes it from the published copy (unless privacy.keep_exif is set), but your "
        "portfolio's own file still has it; once checked, add 'privacy_checked: true'",
        "1b/reflection.md:6:1: warning image-metadata: the image 'chart.png' carries GPS "
        "location in its metadata\n    hint: cmaltgen removes it from the published copy "
        "(unless privacy.keep_exif is set), but your portfolio's own file still has it; once "
        "checked, add 'privacy_checked: true'",
    ]
    site = root / "_site" / "files"
    for published in (site / "1a/photo.jpg", site / "1b/chart.png"):
        assert images.metadata_in(published) == []
        data = published.read_bytes()
        assert [t for t in TELLTALES if t in data] == []
    assert images.metadata_in(root / "1a/photo.jpg")  # sources untouched
    copied = [p for p in (root / "_site").rglob("*") if p.parent.name in ("1a", "1b", "assets")]
    assert result.files == len([p for p in copied if "files" in p.parts or "assets" in p.parts])


def test_keep_exif_and_privacy_checked(tmp_portfolio: PortfolioFactory) -> None:
    root = _photo_portfolio(
        tmp_portfolio, "  privacy_checked: true\n", "privacy: {keep_exif: true}\n"
    )
    result = run_build(root)
    assert [d.path.name for d in result.diagnostics if d.path] == ["reflection.md"]
    published = (root / "_site" / "files" / "1a" / "photo.jpg").read_bytes()
    assert published == (root / "1a" / "photo.jpg").read_bytes()


def test_contacts_are_located_in_the_lines_the_parse_stage_read(
    tmp_portfolio: PortfolioFactory,
) -> None:
    """The lint scans the text read once (CRLF and BOM normalised), not a second read of the
    file: front matter lines count, and an evidence.yml field keeps its own line."""
    root = tmp_portfolio(
        {
            "1a/reflection.md": (
                "\ufeff---\r\nsection: 1a\r\ntitle: Planning\r\n---\r\n## Description\r\n\r\n"
                "Text [r](evidence:ev-1a).\r\n\r\nCall 01632 960123 please.\r\n\r\n"
                "## Reflection\r\n\r\nI learned a lot.\r\n"
            ),
            "1a/evidence.yml": "- id: ev-1a\n  title: A note\n  type: testimonial\n"
            "  date: 2025-06-01\n  url: https://example.org/x\n"
            "  shows: >-\n    It shows\n    jo@example.org\n",
        }
    )
    shown = formatted(run_build(root, write=False))
    assert [s.split(" in public")[0] for s in shown] == [
        "1a/evidence.yml:8:5: warning contact-details: this looks like an email address "
        "(j…@example.org)",
        "1a/reflection.md:9:6: warning contact-details: this looks like a phone number "
        "(ending 123)",
    ]


NOT_PUBLIC_FILES = [
    "1a/zqassess-photo.jpg",
    "1a/zqprivate-report.pdf",
    "2a/zqassess-2a.pdf",
    "2a/zqassess-inline.png",
    "2a/zqassess-notes.txt",
    "2b/zqprivate-2b.pdf",
]


def test_a_public_build_needs_no_file_of_what_it_leaves_out(
    tmp_portfolio: PortfolioFactory, tmp_path: Path
) -> None:
    """A public repository (the GitHub Actions path) need not hold assessors-only or private
    files: the public build notes each missing one; the assessor edition needs its own."""
    files = {k: v for k, v in secret_files().items() if k not in NOT_PUBLIC_FILES}
    root = tmp_portfolio(files)
    public = run_build(root, output=tmp_path / "public")
    assert public.ok, formatted(public)
    assert (
        "1a/evidence.yml:13:9: there is no file 'zqassess-photo.jpg'; the public site leaves it "
        "out, so this build goes on without it (the assessor edition and cmaltgen bundle need it)"
    ) in public.notes
    assert (
        "1a/evidence.yml:21:9: there is no file 'zqprivate-report.pdf'; the public site leaves "
        "it out, so this build goes on without it (it is private: no edition shows it)"
    ) in public.notes
    noted = "\n".join(public.notes)
    for name in NOT_PUBLIC_FILES:
        assert f"'{name.split('/')[1]}'" in noted, name
    # the raw report is named twice: by its private item and by a link on the public 1a page
    left_out = "; the public site leaves it out, so this build goes on without it ("
    assert noted.count(left_out) == len(NOT_PUBLIC_FILES) + 1
    assert containing(every_file(tmp_path / "public"), b"zqassess") == []

    assessor = run_build(root, output=tmp_path / "assessor", edition="assessor")
    assert not assessor.ok
    missing = sorted(
        d.message.split("'")[1]
        for d in assessor.diagnostics.errors
        if d.code == "evidence-file-missing"
    )
    # a private file is in no edition: the assessor edition does not need it either
    assert missing == NEEDED_BY_ASSESSORS

    report = check(root, today=TODAY)  # ready to submit: the assessors' files must be there
    found = [d for d in report.diagnostics if d.code == "evidence-file-missing"]
    assert sorted(d.message.split("'")[1] for d in found) == NEEDED_BY_ASSESSORS


NEEDED_BY_ASSESSORS = [
    "zqassess-2a.pdf",
    "zqassess-inline.png",
    "zqassess-notes.txt",
    "zqassess-photo.jpg",
]


def test_a_missing_public_file_still_stops_the_public_build(
    tmp_portfolio: PortfolioFactory, tmp_path: Path
) -> None:
    files = {k: v for k, v in secret_files().items() if k != "1c/public-report.pdf"}
    result = run_build(tmp_portfolio(files), output=tmp_path / "public")
    assert not result.ok
    assert [d.where(result.root) for d in result.diagnostics.errors] == ["1c/evidence.yml:1:77"]


def test_the_assessor_edition_needs_no_private_file(
    tmp_portfolio: PortfolioFactory, tmp_path: Path
) -> None:
    private = ["1a/zqprivate-report.pdf", "2b/zqprivate-2b.pdf"]
    root = tmp_portfolio({k: v for k, v in secret_files().items() if k not in private})
    result = run_build(root, output=tmp_path / "assessor", edition="assessor")
    assert result.ok, formatted(result)
    assert (
        "2b/evidence.yml:5:9: there is no file 'zqprivate-2b.pdf'; the assessor edition leaves "
        "it out, so this build goes on without it (it is private: no edition shows it)"
    ) in result.notes
    assert check(root, today=TODAY).diagnostics.errors == []


def test_a_link_to_a_private_draft_items_file_still_needs_the_file(
    tmp_portfolio: PortfolioFactory, tmp_path: Path
) -> None:
    """A draft is left out as a draft, not for privacy: a public page's link to its file is
    published, so the file must be there."""
    files = secret_files()
    files["1c/reflection.md"] = str(files["1c/reflection.md"]).replace(
        "\n\n## Reflection", "\n\n![a diagram](diagram.png)\n\n## Reflection"
    )
    files["1c/evidence.yml"] = str(files["1c/evidence.yml"]) + (
        "- {id: ev-1c-draft, title: Diagram, type: image, date: 2025-06-01, file: diagram.png, "
        "alt: A diagram, shows: It, visibility: private, draft: true}\n"
    )
    result = run_build(tmp_portfolio(files), output=tmp_path / "public")
    assert not result.ok
    found = [d for d in result.diagnostics.errors if d.code == "evidence-file-missing"]
    assert [d.where(result.root) for d in found] == ["1c/reflection.md:8:1"], formatted(result)


@pytest.mark.parametrize("through", ["a symlink", "a relative path"])
def test_a_link_to_a_private_items_missing_file_is_a_note_however_it_gets_there(
    tmp_portfolio: PortfolioFactory, tmp_path: Path, through: str
) -> None:
    """A public page's link to a private item's file (left out of the repository, with its
    folder) is a note whether it goes there through a symlinked folder or not; through the
    same symlink, a link to a missing public file still stops the build."""
    files = secret_files()
    link = "from-2b/private/zqprivate-kept.pdf"
    if through != "a symlink":
        link = "../2b/private/zqprivate-kept.pdf"
    files["1a/reflection.md"] = CITING_1A + f"And [notes kept apart]({link}).\n"
    files["2b/evidence.yml"] = _evidence("2b", "ZQPRIVATE") + (
        "- {id: ev-2b-kept, title: Kept, type: document, date: 2025-06-01, "
        "file: private/zqprivate-kept.pdf, shows: It}\n"
    )
    root = tmp_portfolio(files)
    symlink_or_skip(root / "1a" / "from-2b", Path("..") / "2b", is_dir=True)
    result = run_build(root, output=tmp_path / "public")
    assert result.ok, formatted(result)
    assert (
        f"1a/reflection.md:13:5: there is no file '{link}'; the public site leaves it out, so "
        "this build goes on without it (it is private: no edition shows it)"
    ) in result.notes
    assert "zqprivate-kept" not in (tmp_path / "public" / "1a" / "index.html").read_text("utf-8")

    (root / "1c" / "public-report.pdf").unlink()
    public = link.replace("private/zqprivate-kept.pdf", "../1c/public-report.pdf")
    if through != "a symlink":
        public = "../1c/public-report.pdf"
    write_files(root, {"1a/reflection.md": CITING_1A + f"And [the report]({public}).\n"})
    result = run_build(root, output=tmp_path / "again")
    assert not result.ok
    errors = result.diagnostics.errors
    found = sorted(d.where(root) for d in errors if d.code == "evidence-file-missing")
    assert found == ["1a/reflection.md:13:5", "1c/evidence.yml:1:77"], formatted(result)


def test_a_private_item_gets_no_warnings_about_how_readers_would_see_it(
    tmp_portfolio: PortfolioFactory,
) -> None:
    """A private item is the author's own record, in no edition: that no reflection cites
    it, that a video has no captions or that alt text is a file name does not matter. The
    same item for assessors still gets all three."""
    item = (
        "- id: ev-{v}\n  title: Raw interview footage\n  type: video\n  date: 2025-06-01\n"
        "  url: https://example.org/{v}\n  shows: Unedited footage.\n  visibility: {v}\n"
        "- id: ev-{v}-photo\n  title: A photo\n  type: image\n  date: 2025-06-01\n"
        "  url: https://example.org/{v}.jpg\n  alt: IMG_1234\n  shows: A photo.\n"
        "  visibility: {v}\n"
    )
    shown = {}
    for visibility in ("private", "assessors"):
        root = tmp_portfolio({"1b/evidence.yml": evidence("1b") + item.format(v=visibility)})
        result = run_build(root, write=False)
        shown[visibility] = sorted(d.code for d in result.diagnostics if "1b/" in str(d.path))
    assert shown["private"] == []
    assert shown["assessors"] == ["alt-text", "no-captions", "uncited-evidence", "uncited-evidence"]


def test_a_link_to_a_sections_own_files_never_publishes_them(
    tmp_portfolio: PortfolioFactory, tmp_path: Path
) -> None:
    """A link to another section's reflection.md or evidence.yml, as VS Code and GitHub let
    one write, published the raw file, front matter and all: for an assessors-only section
    its whole text and evidence list went on the public site."""
    body = (
        "## Description\n\nI led it [](evidence:ev-2a). See [my OER work](../oer/reflection.md), "
        "[its evidence](../oer/evidence.yml#top) and [settings](../portfolio.yml).\n\n"
        "## Reflection\n\nI learned a great deal from it.\n"
    )
    secret = "A secret reflection on my OER work."
    files = {
        "2a/reflection.md": reflection("2a", body=body),
        "specialist-oer/reflection.md": None,
        "specialist-oer/evidence.yml": None,
        "oer/reflection.md": reflection(
            "specialist-oer", extra_front="visibility: assessors\n", body=None
        ).replace("I learned a great deal", secret),
        "oer/evidence.yml": evidence("specialist-oer"),
    }
    root = tmp_portfolio(files)
    for edition in ("public", "assessor"):
        out = tmp_path / edition
        result = run_build(root, output=out, edition=edition)
        assert result.ok, formatted(result)
        said = [(d.code, d.col) for d in result.diagnostics]
        assert said == [("source-link", 34), ("source-link", 71), ("source-link", 115)]
        published = [p.name for p in (out / "files").rglob("*") if p.is_file()]
        assert published == []  # before: reflection.md, evidence.yml, portfolio.yml
        page = (out / "2a" / "index.html").read_text(encoding="utf-8")
        assert '<span class="unlinked">my OER work</span>' in page
        leaked = [p for p in out.rglob("*.html") if secret in p.read_text(encoding="utf-8")]
        if edition == "public":
            assert leaked == []
        else:  # shown where the assessor edition shows the section, not as a file
            assert out / "specialist-oer" / "index.html" in leaked
    warning = formatted(run_build(root, write=False))[0]
    assert warning == (
        "2a/reflection.md:6:34: warning source-link: this links to '../oer/reflection.md', the "
        "reflection of section specialist-oer, a file cmaltgen does not publish; the page shows "
        "the words without a link\n    hint: link to the section's page instead: "
        "[my OER work](section:specialist-oer)"
    )
