"""Real comments and statement extents, so a suppression is read only where the language has a comment.

- Python: `tokenize` yields COMMENT tokens, so `"# fastpolicy: ignore[SEC-010]"` inside a string is never a comment;
  `ast` gives each statement's lines (a multi-line call, a decorated `def` header), which a suppression covers whole.
- Dockerfiles, YAML, TOML, INI, shell and other `#`-comment files: a `#` at the start of a line or after whitespace,
  outside single- or double-quoted text on that line. Statements are the flagged lines plus `\\` continuation lines.
"""

from __future__ import annotations

import ast
import io
import tokenize
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

from .source import source_lines, source_text, source_tree


@dataclass(frozen=True)
class Comment:
    line: int  # 1-based
    column: int  # 1-based, in characters, of the `#`
    text: str  # after the `#`, stripped
    alone: bool  # nothing but the comment on its line


def is_python(path: str) -> bool:
    return path.endswith((".py", ".pyi"))


@lru_cache(maxsize=256)
def comments(path: str) -> tuple[Comment, ...]:
    """The file's comments, in order (empty when unreadable)."""
    text = source_text(path)
    if "#" not in text:
        return ()
    return python_comments(text) if is_python(path) else hash_comments(text)


def python_comments(text: str) -> tuple[Comment, ...]:
    found: list[Comment] = []
    lines = text.splitlines()
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.COMMENT:
                row, col = token.start
                before = lines[row - 1][:col] if row <= len(lines) else ""
                found.append(Comment(row, col + 1, token.string[1:].strip(), not before.strip()))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass  # an unreadable file is reported by the scan; the comments read so far still count
    return tuple(found)


def hash_comments(text: str) -> tuple[Comment, ...]:
    found: list[Comment] = []
    for number, line in enumerate(text.splitlines(), start=1):
        column = _hash_column(line)
        if column >= 0:
            found.append(Comment(number, column + 1, line[column + 1:].strip(), not line[:column].strip()))
    return tuple(found)


def _hash_column(line: str) -> int:
    """Index of the `#` that starts a comment on the line, -1 when none (a `#` in quotes or inside a word is not one)."""
    quote = ""
    for index, char in enumerate(line):
        if quote:
            if char == "\\" and quote == '"':
                continue
            if char == quote and not (quote == '"' and index and line[index - 1] == "\\"):
                quote = ""
        elif char in "'\"":
            quote = char
        elif char == "#" and (index == 0 or line[index - 1].isspace()):
            return index
    return -1


@lru_cache(maxsize=256)
def _python_spans(path: str) -> tuple[tuple[int, int], ...]:
    """(first, last) lines of each Python statement; a compound statement counts its header only (decorators to `:`)."""
    tree = source_tree(path)
    if tree is None:
        return ()
    spans: set[tuple[int, int]] = set()
    for node in ast.walk(tree):
        if not isinstance(node, (ast.stmt, ast.ExceptHandler)) or not hasattr(node, "end_lineno"):
            continue
        first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", ()))])
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.AST):
            last = max(node.lineno, body[0].lineno - 1)
        else:
            last = node.end_lineno or node.lineno
        spans.add((first, last))
    return tuple(sorted(spans))


def statement_lines(path: str, line: int, end_line: int) -> tuple[int, int]:
    """The lines of the statement a finding at `line`..`end_line` belongs to: the innermost statement holding `line`."""
    end_line = max(end_line, line)
    if is_python(path):
        spans = _python_spans(path)
        at = bisect_right(spans, (line, 1 << 30))
        holding = [(first, last) for first, last in spans[:at] if first <= line <= last]
        if holding:
            first, last = min(holding, key=lambda s: (s[1] - s[0], -s[0]))
            return first, max(last, end_line)
        return line, end_line
    lines = source_lines(path)
    first = line
    while first > 1 and first - 2 < len(lines) and lines[first - 2].rstrip().endswith("\\"):
        first -= 1
    last = end_line
    while 0 < last <= len(lines) and lines[last - 1].rstrip().endswith("\\"):
        last += 1
    return first, last


def clear_comment_cache() -> None:
    comments.cache_clear()
    _python_spans.cache_clear()
