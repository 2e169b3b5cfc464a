"""The scanned files' text, read once per scan (findings, fingerprints and suppression comments share it)."""

from __future__ import annotations

import ast
from functools import lru_cache


@lru_cache(maxsize=256)
def source_text(path: str) -> str:
    """The file's text ('' when unreadable); undecodable bytes are replaced, never fatal."""
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read()
    except OSError:
        return ""


@lru_cache(maxsize=256)
def source_lines(path: str) -> tuple[str, ...]:
    """The file's lines (cached for one scan; empty when unreadable)."""
    return tuple(source_text(path).splitlines())


def source_line(path: str, line: int) -> str:
    lines = source_lines(path)
    return lines[line - 1].rstrip() if 0 < line <= len(lines) else ""


@lru_cache(maxsize=64)
def source_tree(path: str) -> ast.Module | None:
    """The Python file's syntax tree, parsed once per scan for fingerprint scopes and suppression spans; None when it does not parse."""
    try:
        return ast.parse(source_text(path))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def clear_source_cache() -> None:
    source_text.cache_clear()
    source_lines.cache_clear()
    source_tree.cache_clear()
