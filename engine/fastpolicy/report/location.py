"""Paths as CI systems want them: relative to the scanned project root (the repository), with forward slashes."""

from __future__ import annotations

import os
from pathlib import Path


def project_path(path: str, root: str) -> str:
    """`path` relative to `root`; as given when there is no root or the file lies outside it."""
    if not root:
        return Path(path).as_posix()
    try:
        relative = os.path.relpath(Path(path).resolve(), root)
    except ValueError:  # another drive on Windows
        return Path(path).as_posix()
    return Path(path).as_posix() if relative.startswith("..") else Path(relative).as_posix()
