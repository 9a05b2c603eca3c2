"""The command line: the only part of cmaltgen that prints; a thin layer over the stages.

Exit codes: 0 success; 1 the portfolio has errors (or warnings with --strict); 2 usage problems.
Each command module (cohort, progress, publish, start) registers its commands on :data:`main`
when imported, and :data:`main` imports only the module of the command that runs.
"""

from cmaltgen.cli.base import main

__all__ = ["main"]
