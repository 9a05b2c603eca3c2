"""cmaltgen's cache folder: plain data that can always be remade (``check --external``'s link
results, as JSON), never anything that runs: no pickles, no compiled templates."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path


def cache_dir(env: Mapping[str, str] | None = None) -> Path:
    """``$XDG_CACHE_HOME/cmaltgen``, or ``~/.cache/cmaltgen``."""
    base = (os.environ if env is None else env).get("XDG_CACHE_HOME", "")
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".cache"
    return root / "cmaltgen"
