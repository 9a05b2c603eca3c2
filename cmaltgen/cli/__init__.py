"""The command line: the only part of cmaltgen that prints; a thin layer over the stages.

Exit codes: 0 success; 1 the portfolio has errors (or warnings with --strict); 2 usage problems.
Each command module registers its commands on :data:`main` when imported.
"""

from cmaltgen.cli import cohort, progress, publish, start
from cmaltgen.cli.base import main

__all__ = ["cohort", "main", "progress", "publish", "start"]
