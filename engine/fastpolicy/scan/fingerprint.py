"""The content fingerprint of a finding: rule id + normalized offending line + enclosing def/class, never the line number.

It stays the same when code above the finding moves, and changes when the offending code or its scope changes.
SARIF's `partialFingerprints`, GitLab's `fingerprint` and the baseline all use this one function.
"""

from __future__ import annotations

import ast
import hashlib
import re
from collections.abc import Sequence
from functools import lru_cache

from .source import source_lines, source_tree

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


@lru_cache(maxsize=64)
def _python_scopes(path: str) -> tuple[tuple[int, int, str], ...] | None:
    """(first line, last line, dotted name) of every def/class of a Python file; None when it does not parse."""
    tree = source_tree(path)
    if tree is None:
        return None
    scopes: list[tuple[int, int, str]] = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = f"{prefix}.{child.name}" if prefix else child.name
                scopes.append((child.lineno, child.end_lineno or child.lineno, name))
                visit(child, name)
            else:
                visit(child, prefix)

    visit(tree, "")
    return tuple(scopes)


def python_scope(path: str, line: int) -> str | None:
    """The dotted def/class names around `line` read from the syntax tree (a string at column 0 cannot fool it);
    the `def` line itself belongs to the scope around it. None when the file does not parse."""
    scopes = _python_scopes(path)
    if scopes is None:
        return None
    inside = [(first, name) for first, last, name in scopes if first < line <= last]
    return max(inside)[1] if inside else ""


def fingerprint_at(rule_id: str, path: str, line: int) -> str:
    """The fingerprint of a finding of `rule_id` at `path:line`, read from the file."""
    lines = source_lines(path)
    code = lines[line - 1] if 0 < line <= len(lines) else ""
    scope = python_scope(path, line) if path.endswith((".py", ".pyi")) else None
    return fingerprint(rule_id, code, enclosing_scope(lines, line) if scope is None else scope)


def clear_scope_cache() -> None:
    _python_scopes.cache_clear()
