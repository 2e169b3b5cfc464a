"""Source lines and `# fastpolicy: ignore[ID]` comments; the severity threshold. Findings are filtered here, never in reporters."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from ..models import Finding, severity_rank

_SUPPRESS = re.compile(r"#\s*fastpolicy:\s*ignore\[([A-Za-z0-9_,\s-]+)\]")


@lru_cache(maxsize=256)
def _source_lines(path: str) -> tuple[str, ...]:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return tuple(handle.read().splitlines())
    except OSError:
        return ()


def source_lines(path: str) -> tuple[str, ...]:
    """The file's lines (cached for one scan; empty when unreadable)."""
    return _source_lines(path)


def clear_source_cache() -> None:
    _source_lines.cache_clear()


def source_line(path: str, line: int) -> str:
    lines = _source_lines(path)
    return lines[line - 1].rstrip() if 0 < line <= len(lines) else ""


def suppressed_ids(path: str, line: int) -> set[str]:
    """Ids named by `# fastpolicy: ignore[ID, ...]` on the line or alone on the line above."""
    ids: set[str] = set()
    current = source_line(path, line)
    above = source_line(path, line - 1)
    for text in (current, above if above.lstrip().startswith("#") else ""):
        for match in _SUPPRESS.finditer(text):
            ids.update(part.strip() for part in match.group(1).split(",") if part.strip())
    return ids



def filter_findings(findings: Iterable[Finding], threshold: str) -> tuple[list[Finding], int, int]:
    kept: list[Finding] = []
    suppressed = below = 0
    limit = severity_rank(threshold)
    for finding in sorted(set(findings), key=Finding.sort_key):
        if finding.rule_id in suppressed_ids(finding.path, finding.line):
            suppressed += 1
        elif severity_rank(finding.severity) > limit:
            below += 1
        else:
            kept.append(finding)
    return kept, suppressed, below
