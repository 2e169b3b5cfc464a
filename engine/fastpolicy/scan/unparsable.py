"""Files semgrep cannot parse: say why when Python itself reads them, and let a team acknowledge known ones.

Fail closed stays the rule: an unparsable file makes the scan incomplete (exit 3) unless the configuration's
`unparsable` globs name it; then it is listed in the summary as acknowledged (never hidden) and the scan is complete.
"""

from __future__ import annotations

import ast
import sys
import warnings
from collections.abc import Sequence
from dataclasses import replace

from ..models import ScanError
from ..pathmatch import Patterns

PARSE_KINDS = ("unparsed", "partial-parse")
UNREADABLE_KINDS = (*PARSE_KINDS, "model-unreadable")


def python_version() -> str:
    return f"{sys.version_info.major}.{sys.version_info.minor}"


def python_parses(path: str) -> bool:
    try:
        with open(path, "rb") as handle:
            source = handle.read()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escape sequences and the like are warnings, not syntax errors
            ast.parse(source, filename=path)
    except (SyntaxError, ValueError, RecursionError, MemoryError, OSError):
        return False
    return True


def explain(errors: Sequence[ScanError]) -> list[ScanError]:
    """A parse error on a Python file that this Python parses says so: the code is fine, semgrep's parser is behind."""
    out = []
    for error in errors:
        if error.kind in PARSE_KINDS and error.path.endswith((".py", ".pyi")) and python_parses(error.path):
            error = replace(error, message=f"{error.message} (the file is valid Python {python_version()} syntax that the semgrep parser does not support yet)")
        out.append(error)
    return out


def acknowledge(errors: Sequence[ScanError], globs: Sequence[str], base: str, origin: str) -> tuple[list[ScanError], list[ScanError]]:
    """(errors still open, acknowledged): an unreadable file matched by `globs` (relative to `base`) is acknowledged;
    a glob that matches no unreadable file is a warning naming `origin` (the configuration), so a stale entry is seen."""
    if not globs:
        return list(errors), []
    patterns = Patterns.of(base, globs, origin=f"{origin}: unparsable")
    unreadable = sorted({e.path for e in errors if e.kind in UNREADABLE_KINDS and e.path})
    hits = patterns.matching(unreadable)
    open_errors: list[ScanError] = []
    acknowledged: list[ScanError] = []
    for error in errors:
        if error.kind in UNREADABLE_KINDS and error.path and patterns.matches(error.path):
            acknowledged.append(replace(error, level="acknowledged"))
        else:
            open_errors.append(error)
    for glob, paths in hits.items():
        if not paths and not glob.startswith("!"):
            open_errors.append(ScanError("config-warning", "warning", f"{origin}: unparsable pattern '{glob}' matches no unparsable file: remove it"))
    return open_errors, acknowledged
