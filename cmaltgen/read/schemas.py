"""JSON Schemas for editors, generated from the declarations the validator uses."""

from __future__ import annotations

from typing import Any

from cmaltgen.read.config import PortfolioConfig
from cmaltgen.read.cpd import CpdActivity
from cmaltgen.read.documents import EvidenceItem, FrontMatter
from cmaltgen.read.feedback import FeedbackFile
from cmaltgen.read.schema import json_schema

KINDS = {
    "portfolio": (PortfolioConfig, "cmaltgen portfolio.yml", False),
    "evidence": (EvidenceItem, "cmaltgen evidence.yml", True),
    "front-matter": (FrontMatter, "cmaltgen reflection.md front matter", False),
    "feedback": (FeedbackFile, "cmaltgen feedback file (feedback/NAME.yml)", False),
    "cpd": (CpdActivity, "cmaltgen cpd.yml (a portfolio review's CPD record)", True),
}


def generate(kind: str) -> dict[str, Any]:
    cls, title, as_list = KINDS[kind]
    return json_schema(cls, title=title, as_list=as_list)
