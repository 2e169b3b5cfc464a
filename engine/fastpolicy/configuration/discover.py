"""Which configuration file applies: the nearest fastpolicy.toml, or pyproject.toml with a [tool.fastpolicy] table,
in the scanned path's folder or above it (ruff's rule: the nearest one wins; fastpolicy.toml wins in the same folder)."""

from __future__ import annotations

import os
import re
from pathlib import Path

CONFIG_FILE = "fastpolicy.toml"
PYPROJECT = "pyproject.toml"
_TABLE = re.compile(r"^\s*\[\s*tool\s*\.\s*(fastpolicy|\"fastpolicy\")\s*[\].]", re.M)


def has_tool_table(pyproject: Path) -> bool:
    """Whether a pyproject.toml holds [tool.fastpolicy] (or [tool.fastpolicy.x]); a cheap look before parsing."""
    try:
        text = pyproject.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return bool(_TABLE.search(text)) or re.search(r"^\s*tool\s*\.\s*fastpolicy\s*[.=]", text, re.M) is not None


def find_config(start: str | Path) -> Path | None:
    """The configuration that applies to `start` (a file or folder), or None."""
    folder = Path(os.path.abspath(start))
    if not folder.is_dir():
        folder = folder.parent
    for candidate in (folder, *folder.parents):
        own = candidate / CONFIG_FILE
        if own.is_file():
            return own
        pyproject = candidate / PYPROJECT
        if pyproject.is_file() and has_tool_table(pyproject):
            return pyproject
    return None
