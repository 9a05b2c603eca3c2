"""The command line: the only part of cmaltgen that prints; a thin layer over the stages.

Each command module (cohort, progress, publish, start) registers its commands on :data:`main`
when imported; :mod:`cmaltgen.cli.base` has the group, exit codes and shared helpers.
"""

import gc

# Python looks for unreachable cycles of objects after every 700 new ones by default. A run
# keeps nearly everything it makes (modules, parsed files, templates, pages) until it ends,
# so those searches free little; one per 100,000 new objects saves about 2% of a build. Set
# before the imports, which make most of the objects.
gc.set_threshold(100_000)

from cmaltgen.cli.base import main  # noqa: E402

__all__ = ["main"]
