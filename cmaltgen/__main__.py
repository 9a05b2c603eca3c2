"""Allow ``python -m cmaltgen``."""

from cmaltgen.cli import main

main()
