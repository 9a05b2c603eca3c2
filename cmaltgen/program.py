"""The `cmaltgen` program: `cmaltgen.cli.main`, run as a process that ends with the command.

A one-shot command is a short process, so this spends as little of it as it can outside the
command's work (together 179 -> 155 ms for the example; see benchmarks/README.md). Nothing
here changes what a command does or prints.

- The cyclic garbage collector is paused before anything is imported: importing allocates
  many objects that live until exit, and the collector's passes over them find nothing.
  The command resumes it (`cli._resume_garbage_collection`) once its imports are done.
- Once the command has finished and its output is flushed, the process ends with
  ``os._exit`` instead of tearing down every module and object one by one, as mypy does.
  Every file a command writes is closed before it returns. If another thread is still alive
  or the exit status is not a number, the normal exit runs instead.
"""

from __future__ import annotations

import gc
import os
import sys

paused = False  # whether run() paused the garbage collector (cli resumes it, once)


def run() -> None:
    global paused
    gc.disable()
    paused = True
    import logging
    import threading

    from cmaltgen.cli import main

    try:
        main()
    except SystemExit as done:
        code = done.code
    else:  # pragma: no cover - click's standalone mode always ends in SystemExit
        code = 0
    if threading.active_count() > 1 or not (code is None or isinstance(code, int)):
        sys.exit(code)
    logging.shutdown()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):  # output piped to a program that stopped reading
        code = code or 1
    os._exit(code or 0)
