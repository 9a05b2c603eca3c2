"""``python -m cmaltgen`` and the installed ``cmaltgen`` command: :func:`run`."""

import sys


def run() -> None:
    """Import and run the command line. Ctrl-C before a command has started (while Python
    loads cmaltgen) exits 130 with a short message instead of a traceback."""
    try:
        from cmaltgen.cli import main

        main()
    except KeyboardInterrupt:
        sys.stderr.write("\ncmaltgen: stopped (Ctrl-C).\n")
        sys.exit(130)


if __name__ == "__main__":
    run()
