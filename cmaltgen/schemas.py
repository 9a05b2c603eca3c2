"""JSON Schemas for editors, generated from the declarations the validator uses."""

from __future__ import annotations

from typing import Any

from cmaltgen.cohort.config import CohortConfig
from cmaltgen.read.config import PortfolioConfig
from cmaltgen.read.cpd import CpdActivity
from cmaltgen.read.document_fields import EvidenceItem, FrontMatter
from cmaltgen.read.feedback import FeedbackFile
from cmaltgen.read.schema import json_schema

KINDS = {
    "portfolio": (PortfolioConfig, "cmaltgen portfolio.yml", False),
    "evidence": (EvidenceItem, "cmaltgen evidence.yml", True),
    "front-matter": (FrontMatter, "cmaltgen reflection.md front matter", False),
    "feedback": (FeedbackFile, "cmaltgen feedback file (feedback/NAME.yml)", False),
    "cpd": (CpdActivity, "cmaltgen cpd.yml (a portfolio review's CPD record)", True),
    "cohort": (CohortConfig, "cmaltgen cohort.yml", False),
}
# Every schema ``cmaltgen schema`` prints and schemas/ holds: the declared ones and the
# manifest's, which describes an output (portfolio.json) rather than a file people write.
NAMES = (*KINDS, "manifest")


def generate(kind: str) -> dict[str, Any]:
    if kind == "manifest":
        from cmaltgen.site.manifest import json_schema as manifest_schema

        return manifest_schema()
    cls, title, as_list = KINDS[kind]
    return json_schema(cls, title=title, as_list=as_list)
