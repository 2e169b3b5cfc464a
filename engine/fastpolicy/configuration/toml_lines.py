"""Line numbers of the keys of a TOML file (tomllib gives none), so a configuration problem names its line."""

from __future__ import annotations

import re

_KEY = r'(?:"(?:[^"\\]|\\.)*"|\'[^\']*\'|[A-Za-z0-9_-]+)'
_DOTTED = rf"{_KEY}(?:\s*\.\s*{_KEY})*"
_HEADER = re.compile(rf"^\s*\[\[?\s*({_DOTTED})\s*\]\]?")
_ASSIGN = re.compile(rf"^\s*({_DOTTED})\s*=")
_INLINE = re.compile(rf"[{{,]\s*({_DOTTED})\s*=")


def _parts(dotted: str) -> list[str]:
    return [p.strip()[1:-1] if p.strip()[:1] in "\"'" else p.strip() for p in re.findall(_KEY, dotted)]


def toml_lines(text: str) -> dict[str, int]:
    """{dotted.key.path: line} for tables, keys and the keys of inline tables on the key's line; first occurrence wins."""
    lines: dict[str, int] = {}
    table: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header:
            table = _parts(header.group(1))
            lines.setdefault(".".join(table), number)
            continue
        assign = _ASSIGN.match(line)
        if not assign:
            continue
        key = [*table, *_parts(assign.group(1))]
        lines.setdefault(".".join(key), number)
        rest = line[assign.end():]
        if rest.lstrip().startswith("{"):
            for inner in _INLINE.finditer(rest):
                lines.setdefault(".".join([*key, *_parts(inner.group(1))]), number)
    return lines
