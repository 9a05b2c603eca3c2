"""Every diagnostic code, declared once: its default severity and a one-line meaning.

The documentation (``docs/diagnostics.md``) and the tests enumerate them from here.
"""

from __future__ import annotations

import enum
from typing import NamedTuple


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"


class Code(NamedTuple):
    """A diagnostic code: its default severity and a one-line description for the docs."""

    name: str
    severity: Severity
    doc: str


def _codes(*rows: tuple[str, Severity, str]) -> dict[str, Code]:
    return {name: Code(name, sev, doc) for name, sev, doc in rows}


E, W = Severity.ERROR, Severity.WARNING

CODES: dict[str, Code] = _codes(
    # reading files
    ("file-missing", E, "A file the portfolio needs does not exist."),
    ("file-unreadable", E, "A file exists but could not be read (permissions, or not a file)."),
    ("file-encoding", E, "A text file is not UTF-8 text (for example a binary or a Word file)."),
    (
        "file-too-large",
        E,
        "A Markdown or YAML file is larger than cmaltgen will read, or a reflection has over "
        "10,000 table cells or links, or 20,000 emphasis marks.",
    ),
    ("file-empty", E, "A file that must have content is empty."),
    # YAML
    ("yaml-syntax", E, "YAML that cannot be read: indentation, quotes, colons."),
    ("yaml-tag", E, "A YAML tag such as !!python/object: not allowed in a portfolio."),
    ("yaml-alias", E, "YAML anchors and aliases (& and *) are not supported."),
    ("yaml-duplicate-key", E, "The same key appears twice in one YAML mapping."),
    ("yaml-too-deep", E, "YAML nested deeper than any portfolio needs."),
    ("yaml-comment", W, "A value cut short by ' #', which starts a comment (title: Report #2)."),
    ("front-matter-missing", E, "A reflection does not start with a --- front matter block."),
    ("front-matter-unclosed", E, "A front matter block has no closing --- line."),
    # schema
    ("missing-key", E, "A required setting or field is missing."),
    ("unknown-key", W, "A setting or field cmaltgen does not know (often a typo)."),
    ("wrong-type", E, "A value has the wrong kind: text, list, number, yes/no, date."),
    ("invalid-value", E, "A value is not one of the allowed choices or has the wrong form."),
    ("invalid-date", E, "A date that is not YYYY-MM-DD, YYYY-MM or YYYY, or not a real date."),
    ("future-date", E, "A date later than today."),
    ("invalid-url", E, "A web address that does not start with http:// or https://."),
    # framework and structure
    ("unknown-framework", E, "portfolio.yml names a guidance version cmaltgen does not ship."),
    ("unknown-pathway", E, "portfolio.yml names a pathway that the guidance version lacks."),
    ("unknown-section", E, "A section id that the pathway does not have."),
    ("duplicate-section", E, "Two reflections claim the same section."),
    ("missing-section", E, "A section the pathway requires has no folder."),
    ("section-count", E, "Too few or too many specialist or advanced areas for the pathway."),
    ("missing-part", E, "An assessed section lacks its ## Description or ## Reflection part."),
    ("empty-part", E, "A ## Description or ## Reflection part has no text."),
    ("no-evidence", E, "An assessed section has no evidence item."),
    ("word-count", W, "A section is outside the word range the guidance gives."),
    ("section-focus", E, "Section 3b's focus does not suit the pathway (Senior needs policy)."),
    ("too-few-examples", W, "Senior 4a needs two or more examples, each under a ### heading."),
    ("cpd-record", W, "A portfolio review's CPD record section has no cpd.yml."),
    ("review-due", W, "check: the three-yearly review is overdue or due within six months."),
    ("award-date", W, "The award is dated before the submission that passed."),
    ("cpd-gap", W, "check: a year of a review's period without any CPD activity recorded."),
    (
        "submission-ref",
        E,
        "A submission's ref names no git tag or commit here, so its edition cannot be rebuilt.",
    ),
    ("submission-build", E, "A submitted edition, rebuilt from its git ref, has errors."),
    ("review-award", E, "A portfolio review (pathway: review) without the award it reviews."),
    ("missing-title", E, "A specialist or advanced area has no title."),
    ("placeholder", W, "Words cmaltgen new wrote for you to replace (Your Name, Name this area)."),
    ("draft", W, "A section or evidence item marked draft: left out of the built site."),
    (
        "stray-file",
        W,
        "A Markdown or YAML file where cmaltgen does not read it, or a reflection.md, "
        "evidence.yml or portfolio.yml saved under another name (a .txt or Word file, a "
        "OneDrive or Dropbox copy); an error, listed first, for a section's only text.",
    ),
    (
        "name-encoding",
        E,
        "A section folder's name is not UTF-8 text, so it cannot be part of a web address.",
    ),
    # evidence
    ("duplicate-evidence-id", E, "Two evidence items share an id."),
    ("unknown-evidence", E, "A citation names an evidence id that no evidence.yml defines."),
    ("evidence-source", E, "An evidence item needs exactly one of file or url."),
    ("evidence-file-missing", E, "An evidence file or linked local file does not exist."),
    (
        "evidence-file-outside",
        E,
        "A file path leaves the portfolio folder (../, a symlink, or a place on your computer "
        "such as C:\\Users\\...).",
    ),
    (
        "special-file",
        E,
        "A pipe (FIFO), socket, device or broken link where cmaltgen needs an ordinary file.",
    ),
    (
        "file-name",
        E,
        "A published file's name would not work on Windows, macOS or the web (CON, a:b, ...).",
    ),
    ("site-file-size", W, "A published file is over 100 MB, which GitHub Pages refuses."),
    ("active-content", W, "A published SVG or HTML file holds a script, run when it is opened."),
    ("site-size", W, "The published site is over 1 GB, which GitHub Pages refuses."),
    ("missing-alt", E, "An image or your photo has no text alternative (alt)."),
    ("photo-file", E, "candidate.photo names a file that is missing or not a JPEG or PNG image."),
    ("uncited-evidence", W, "An evidence item that no reflection cites."),
    ("unknown-link", E, "A section: link names a section the portfolio does not have."),
    (
        "alt-text",
        W,
        "Alt text that is a file name (IMG_1234, chart.png) rather than a description.",
    ),
    ("link-text", W, "Link text such as 'click here' or a bare web address."),
    (
        "link-syntax",
        W,
        "A link or image shown as text: its address has a space, or is javascript: or data:.",
    ),
    ("heading-skip", W, "A heading that skips a level (## then ####)."),
    ("table-header", W, "A table whose header row is empty."),
    ("no-captions", W, "Video or audio evidence with neither captions nor a transcript."),
    ("raw-html", W, "Raw HTML in Markdown, which cmaltgen shows as text for safety."),
    # privacy and the assessor bundle
    (
        "withheld-citation",
        W,
        "A citation of an item, or an empty link to a section, this edition leaves out.",
    ),
    ("personal-data", E, "Public evidence with personal data, neither anonymised nor consented."),
    ("contact-details", W, "An email address or phone number in public content."),
    ("image-metadata", W, "A public image carries camera or GPS location metadata (EXIF)."),
    ("image-not-cleaned", E, "An image cmaltgen cannot strip of metadata: damaged, huge, HEIC..."),
    ("proprietary-format", W, "An evidence file in a format assessors may not open (.docx...)."),
    ("source-link", W, "A link to a reflection.md or evidence.yml, never published: use section:."),
    ("image-format", W, "An image in a format web pages cannot show (PDF, TIFF): linked instead."),
    ("bundle-size", W, "The assessor bundle is over 10 MB, ALT's recommended size."),
    ("bundle-too-large", E, "The assessor bundle is over 25 MB, ALT's attachment limit."),
    ("bundle-location", E, "The bundle would be written where it could be published or overwrite."),
    # feedback (feedback/*.yml)
    ("feedback-section", W, "Feedback about a section the portfolio does not have (any more)."),
    ("feedback-paragraph", W, "Feedback about a paragraph that is no longer there."),
    ("feedback-published", E, "Evidence or a link names a file in feedback/, never published."),
    # submissions and the change page (bundle)
    ("submission-order", E, "Submissions in portfolio.yml are not listed oldest first."),
    (
        "submission-sequence",
        W,
        "A resubmission with no earlier submission listed, or one after a pass.",
    ),
    (
        "git-unavailable",
        E,
        "The change page needs git: it is not installed, or the portfolio is not in a repository.",
    ),
    (
        "unknown-revision",
        E,
        "--since or a submission's ref names a tag or commit git does not have.",
    ),
    ("no-history", E, "No commit on or before the date given: it is before the first commit."),
    # output and themes
    ("output-location", E, "The output folder would overwrite or sit inside the sources."),
    ("output-not-site", E, "The output folder holds files cmaltgen did not write."),
    (
        "output-not-written",
        E,
        "The site, bundle or new portfolio could not be written there (e.g. a file in use).",
    ),
    ("template-missing", E, "A theme template could not be found."),
    ("template-error", E, "A theme template failed to render."),
    ("theme-missing", E, "portfolio.yml names a theme that does not exist."),
    # importing (cmaltgen import)
    (
        "import-source",
        E,
        "A file to import that cannot be read: not .docx or WordPress XML, damaged.",
    ),
    ("import-unsorted", W, "Imported text that matched no CMALT section, kept in _unsorted.md."),
    ("import-review", W, "Something an import could not decide: check it in the new portfolio."),
    (
        "import-removed",
        W,
        "Imported content removed: scripts, shortcodes, WordPress block comments.",
    ),
    (
        "import-download",
        W,
        "An attachment that could not be downloaded: its evidence keeps the URL.",
    ),
    # assessor guidance (cmaltgen.rules.guidance), then web links (cmaltgen check --external)
    ("we-not-i", W, "A description written mostly as 'we' rather than 'I'."),
    ("thin-reflection", W, "A reflection under a third of the length of its description."),
    ("evidence-overused", W, "One evidence item is cited in four or more sections."),
    ("old-evidence", W, "Evidence older than evidence_max_age years (default 3)."),
    ("section-length", W, "An assessed core section under 300 or over 4,000 words."),
    ("link-broken", E, "A web link answers with an HTTP error such as 404."),
    ("link-restricted", W, "A web link answers 401 or 403: assessors may not be able to open it."),
    ("link-redirect", W, "A web link redirects; link to the final address instead."),
    ("link-timeout", W, "A web link did not answer within --timeout seconds."),
    ("link-unreachable", E, "A web link's host cannot be found or refuses the connection."),
    ("links-unchecked", W, "No network, so web links were not checked."),
    # portfolio.yml accept list
    ("accept-unused", W, "An entry of accept: in portfolio.yml that matches no warning."),
    # cohort hubs (cohort.yml)
    ("cohort-member-kind", E, "A cohort member is not a path, a url or a plain entry."),
    ("cohort-path-outside", E, "A member's path leads outside the cohort folder."),
    ("cohort-member-missing", E, "A member's path is not a portfolio folder (or not there)."),
    ("cohort-duplicate-member", E, "The same member is listed twice in cohort.yml."),
    ("cohort-duplicate-mentor", E, "Two mentors in cohort.yml have the same name."),
    ("cohort-unknown-mentor", W, "A member's mentor is not one of the cohort's mentors."),
    ("cohort-member-problem", W, "A member's portfolio has errors; the hub shows what it read."),
    ("cohort-member-stale", W, "A url member could not be fetched; its last known data is shown."),
    ("cohort-search-unavailable", W, "Pagefind could not build the hub's search; no search."),
)

ROOT_CAUSES = frozenset(
    name
    for name in CODES
    if name.startswith(("file-", "yaml-", "front-matter-"))
    or name
    in {
        "missing-key",
        "wrong-type",
        "invalid-value",
        "invalid-date",
        "future-date",
        "invalid-url",
        "unknown-framework",
        "unknown-pathway",
        "name-encoding",
    }
)
"""Errors in reading a file or a setting. Listed first: other problems may follow from them."""
