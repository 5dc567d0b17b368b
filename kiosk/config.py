"""Load the terminal's TOML configuration (config/*.toml) into plain dicts.

The file named by ``--config`` or ``EBT_CONFIG`` wins; otherwise config/terminal.toml from
the project. Sections: ``[terminal]``, ``[devices.<class>]``, ``[platform]``, ``[fleet]``,
``[ui]``. Validation of each section belongs to the component that consumes it.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

CONFIG_DIR = Path(__file__).resolve().parent.parent / "config"
DEFAULT_CONFIG = CONFIG_DIR / "terminal.toml"


def load_config(path: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """Read and return the configuration as a dict."""
    chosen = Path(path or os.environ.get("EBT_CONFIG") or DEFAULT_CONFIG)
    with chosen.open("rb") as fh:
        return tomllib.load(fh)
