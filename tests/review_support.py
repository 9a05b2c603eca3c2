"""A small, valid portfolio review (pathway: review) as a dict of files, for the tests."""

from __future__ import annotations

REVIEW_YML = """\
pathway: review
framework: "2019"
candidate:
  name: Sam Tester
award:
  date: 2023-11-20
  pathway: cmalt
site:
  base_url: https://sam.example.org/review/
confirmation:
  name: Sam Tester
  date: 2026-10-01
"""

CPD_YML = """\
- date: 2024-03-05
  activity: Accessibility course
  type: course
  hours: 12
  evidence: ev-course
  reflection: Changed how I test templates.
- date: 2023-12-01
  activity: ALT Winter Conference
  type: conference
  hours: 6
  evidence: https://example.org/talk
  reflection: Met the accessibility network.
- date: 2025-06
  activity: Mentoring a colleague
  type: mentoring
  hours: 8.5
  reflection: Explaining CMALT made me reread my own portfolio.
- date: 2026-02-10
  activity: Webinar on captions
  type: webinar
  hours: 1.5
  reflection: Now caption every video I publish.
"""


def review_files(cpd: str | None = CPD_YML) -> dict[str, str]:
    """A review that builds with no errors and no warnings."""
    files = {
        "portfolio.yml": REVIEW_YML,
        "original/reflection.md": "---\nsection: original-portfolio\n---\n"
        "My [original portfolio](https://sam.example.org/cmalt/) is still online.\n",
        "recent/reflection.md": "---\nsection: recent-practice\n---\n"
        "I now lead accessibility testing for the team.\n",
        "cpd/reflection.md": "---\nsection: cpd-record\n---\nMy record since the award.\n",
        "significant/reflection.md": "---\nsection: significant-cpd\n---\n## Description\n\n"
        "I took [an accessibility course](evidence:ev-course).\n\n## Reflection\n\n"
        "It changed how I test.\n",
        "significant/evidence.yml": "- id: ev-course\n  title: Course certificate\n"
        "  type: certificate\n  date: 2024-03-05\n  url: https://example.org/cert\n"
        "  shows: That I finished the course.\n",
        "plans/reflection.md": "---\nsection: future-plans\n---\nMore testing with students.\n",
    }
    if cpd is not None:
        files["cpd/cpd.yml"] = cpd
    return files
