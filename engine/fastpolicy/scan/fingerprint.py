"""The content fingerprint of a finding: rule id + normalized offending line + enclosing def/class, never the line number.

It stays the same when code above the finding moves, and changes when the offending code or its scope changes.
SARIF's `partialFingerprints`, GitLab's `fingerprint` and the baseline all use this one function.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

from .source import source_lines

VERSION = "fastpolicy/v1"  # the SARIF partialFingerprints key; bump when the recipe changes
_SCOPE = re.compile(r"^(\s*)(?:async\s+def|def|class)\s+([A-Za-z_][A-Za-z0-9_]*)")


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip())


def enclosing_scope(lines: Sequence[str], line: int) -> str:
    """Dotted names of the Python defs/classes around 1-based `line` (`Shop.checkout`); '' at module level or in other files."""
    if not 0 < line <= len(lines):
        return ""
    limit = _indent(lines[line - 1])
    names: list[str] = []
    for text in reversed(lines[: line - 1]):
        if limit == 0:
            break
        if not text.strip():
            continue
        match = _SCOPE.match(text)
        if match and len(match.group(1)) < limit:
            names.append(match.group(2))
            limit = len(match.group(1))
        elif _indent(text) < limit and not text.lstrip().startswith(("#", "@", ")", "]", "}")):
            limit = _indent(text)
    return ".".join(reversed(names))


def normalize(code: str) -> str:
    """Whitespace-insensitive: re-indenting or re-spacing a line keeps its fingerprint."""
    return " ".join(code.split())


def fingerprint(rule_id: str, code: str, scope: str) -> str:
    digest = hashlib.sha256("\0".join((VERSION, rule_id, scope, normalize(code))).encode("utf-8"))
    return digest.hexdigest()[:32]


def fingerprint_at(rule_id: str, path: str, line: int) -> str:
    """The fingerprint of a finding of `rule_id` at `path:line`, read from the file."""
    lines = source_lines(path)
    code = lines[line - 1] if 0 < line <= len(lines) else ""
    return fingerprint(rule_id, code, enclosing_scope(lines, line))
