"""The rendered site in memory: what the render stage hands to every writer in output/."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

MARKER = ".cmaltgen-site"  # written into every site; a folder holding it may be replaced


@dataclass(eq=False)
class Output:
    """A complete site in memory: page bytes and files to copy, by output path."""

    pages: dict[str, bytes] = field(default_factory=dict)
    files: dict[str, Path] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # things worth saying that are not problems
