"""Allow ``python -m cmaltgen``."""

from cmaltgen.program import run

run()
