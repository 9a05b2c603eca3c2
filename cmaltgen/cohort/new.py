"""``cmaltgen cohort new``: a starter hub folder (cohort.yml, a README, a Pages workflow)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from cmaltgen.diagnostics import CmaltgenError, Diagnostic
from cmaltgen.new import workflow

COHORT_YML = """\
# Your cohort hub. Full guide: the cmaltgen docs, docs/cohort.md.
# Check it with:  cmaltgen cohort check .     Preview it with:  cmaltgen serve .
name: Our CMALT cohort {year}
institutions: []          # e.g. [University of Eastmoor, Westvale College]

coordinators:
  - name: Your Name
    # email: you@example.ac.uk        # shown on the hub's home page

mentors: []
# - name: Sam Lee
#   role: Head of Digital Education
#   areas: [1a, 3a, Accessibility]      # section ids or topics they can help with
#   contact: mailto:sam.lee@example.ac.uk

events: []
# - date: {year}-03-01                 # YYYY-MM-DD
#   time: "14:00"                       # leave out for an all-day event or a deadline
#   title: Writing retreat
#   place: Library room 2, or Online
#   url: https://example.org/retreat

site:
  # base_url: https://YOUR-GITHUB-NAME.github.io/REPOSITORY/
  language: en-GB

members: []
# Each member is one of three kinds. Any of them may add mentor:, status: (started,
# drafting, submitted, awarded, resubmitting), awarded: (a date) and listed: false
# (kept off the public hub; you still see them in cmaltgen cohort check).
#
# - path: members/rowan                 # a portfolio folder (or git submodule) in this hub
#   mentor: Sam Lee
# - url: https://someone.github.io/cmalt/   # a published cmaltgen portfolio
# - name: Alex Kim                      # a portfolio made with another tool, typed by hand
#   url: https://alex.example.org/cmalt
#   pathway: cmalt
#   status: drafting
#   specialist: [Open education]
"""

README = """\
# Cohort hub

This folder is a cmaltgen cohort hub: one website for a CMALT cohort,
listing every member's progress and portfolio, the mentors and the events.

- Edit `cohort.yml` to add the cohort's details, mentors, events and members.
- `cmaltgen cohort check .` shows every member's progress in the terminal (unlisted too).
- `cmaltgen serve .` previews the hub in your browser while you edit.
- `cmaltgen cohort build .` builds the site into `_site/`.

Publishing: push this folder to a GitHub repository, then in Settings > Pages set
"Source" to "GitHub Actions". The workflow in `.github/workflows/pages.yml` rebuilds the hub on
every push and every night, so members' updates appear without you doing anything.

Only list people who have agreed to be listed. `listed: false` keeps a member off every public
page, feed and calendar while you still see them in `cohort check`.
"""

GITIGNORE = "_site/\n.cmaltgen-cohort-cache/\n"


def _workflow() -> str:
    text = workflow("cohort hub", "cmaltgen cohort build . --strict -o _site")
    text = text.replace(
        "  workflow_dispatch:\n",
        "  workflow_dispatch:\n"
        "  schedule:\n"
        '    - cron: "17 5 * * *"   # nightly: members\' updates\n',
    )
    checkout = re.search(r"      - uses: actions/checkout@v\d+\n(        with:\n)?", text)
    assert checkout is not None  # the packaged workflow always checks out
    step = checkout.group(0)
    with_submodules = step if checkout.group(1) else step + "        with:\n"
    return text.replace(step, with_submodules + "          submodules: recursive\n", 1)


def create(directory: Path, today: dt.date | None = None) -> Path:
    """Write a starter hub into ``directory`` (which must not exist or be empty)."""
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        problem = f"{directory} already exists and is not an empty folder"
        raise CmaltgenError(
            problem,
            [Diagnostic("output-location", problem, path=directory, hint="choose a new folder")],
        )
    year = (today or dt.date.today()).year
    files = {
        "cohort.yml": COHORT_YML.format(year=year),
        "README.md": README,
        ".gitignore": GITIGNORE,
        ".github/workflows/pages.yml": _workflow(),
        "members/.gitkeep": "",
    }
    for rel, text in files.items():
        path = directory / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return directory.resolve()
