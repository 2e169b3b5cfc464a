"""Example markers (`# ruleid: ID`, `# ok: ID`, `# todoruleid: ID`, `# todook: ID`): parse, strip for display, check."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import Problem
from ..models import Example, Policy

MARKER = re.compile(r"#\s*(ruleid|ok|todoruleid|todook)\s*:\s*([A-Za-z0-9_-]+(?:\s*,\s*[A-Za-z0-9_-]+)*)\s*$")


@dataclass(frozen=True)
class Marker:
    kind: str  # ruleid | ok | todoruleid | todook
    rule_id: str
    marker_line: int
    target_line: int  # the code line the marker speaks about (1-based)


def parse_markers(code: str) -> list[Marker]:
    lines = code.splitlines()
    markers: list[Marker] = []
    for index, text in enumerate(lines):
        match = MARKER.search(text)
        if not match:
            continue
        target = index + 1
        while target < len(lines) and MARKER.search(lines[target]) and lines[target].lstrip().startswith("#"):
            target += 1
        for rule_id in (part.strip() for part in match.group(2).split(",")):
            markers.append(Marker(match.group(1), rule_id, index + 1, target + 1))
    return markers


def strip_markers(code: str) -> tuple[str, list[int]]:
    """The example as the docs show it: marker-only lines removed; returns the flagged lines (1-based, after stripping)."""
    out: list[str] = []
    flagged: list[int] = []
    pending = False
    for text in code.splitlines():
        match = MARKER.search(text)
        if match and text.lstrip().startswith("#"):
            pending = pending or match.group(1) == "ruleid"
            continue
        if match:  # trailing marker comment on a code line
            text = text[: match.start()].rstrip()
        out.append(text)
        if pending:
            flagged.append(len(out))
            pending = False
    return "\n".join(out) + "\n", flagged


def check_markers(policy: Policy, example: Example, problems: list[Problem]) -> None:
    markers = parse_markers(example.code)
    line = policy.line_of("examples", example.index)
    others = sorted({m.rule_id for m in markers if m.rule_id != policy.id})
    if others:
        problems.append(Problem(policy.path, line, f"examples[{example.index}]: markers name other records: {', '.join(others)}"))
    own = [m for m in markers if m.rule_id == policy.id]
    if example.kind == "bad" and not any(m.kind in ("ruleid", "todoruleid") for m in own):
        problems.append(Problem(policy.path, line, f"examples[{example.index}]: a bad example needs a '# ruleid: {policy.id}' marker"))
    if example.kind == "good" and any(m.kind == "ruleid" for m in own):
        problems.append(Problem(policy.path, line, f"examples[{example.index}]: a good example cannot carry a 'ruleid' marker"))
