"""The baseline: findings accepted when fastpolicy was adopted, so a legacy project fails only on new ones.

The file (schemas/baseline.schema.json) lists, per file relative to the project root, each content fingerprint
(scan/fingerprint.py: rule id + normalized offending line + enclosing def/class, no line number) and how many findings
share it, so moving lines, editing unrelated code or re-indenting keeps a finding baselined, and a second identical
violation in the same function is new. Written sorted, with a trailing newline: the same findings, the same bytes.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import Problem, UsageError
from ..models import BaselineEntry, Finding
from ..resources import schemas_dir
from .fingerprint import VERSION as FINGERPRINT_VERSION
from .fingerprint import normalize

VERSION = 1
_CODE_CHARS = 200


def relative(path: str, root: str) -> str:
    """`path` relative to the project root with forward slashes; absolute when it lies outside the root."""
    resolved = Path(path).resolve()
    if root:
        relative_path = os.path.relpath(resolved, root)
        if not relative_path.startswith(".."):
            return Path(relative_path).as_posix()
    return resolved.as_posix()


def entries_of(findings: Iterable[Finding], root: str) -> list[BaselineEntry]:
    counts: dict[tuple[str, str], list[Finding]] = {}
    for f in findings:
        counts.setdefault((relative(f.path, root), f.fingerprint), []).append(f)
    entries = [BaselineEntry(found[0].rule_id, path, fingerprint, len(found), normalize(found[0].code)[:_CODE_CHARS])
               for (path, fingerprint), found in counts.items()]
    return sorted(entries, key=BaselineEntry.sort_key)


def render(entries: Sequence[BaselineEntry]) -> str:
    data = {
        "version": VERSION,
        "fingerprint": FINGERPRINT_VERSION,
        "findings": [{"rule_id": e.rule_id, "path": e.path, "fingerprint": e.fingerprint, "count": e.count, "code": e.code}
                     for e in sorted(entries, key=BaselineEntry.sort_key)],
    }
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write(path: Path, findings: Iterable[Finding], root: str) -> list[BaselineEntry]:
    entries = entries_of(findings, root)
    try:
        path.write_text(render(entries), encoding="utf-8", newline="\n")
    except OSError as exc:
        raise UsageError(f"--write-baseline: cannot write {path}: {exc.strerror or exc}") from exc
    return entries


@lru_cache(maxsize=1)
def _validator() -> Any:
    from jsonschema import Draft202012Validator

    schema = json.loads((schemas_dir() / "baseline.schema.json").read_text(encoding="utf-8"))
    return Draft202012Validator(schema)


def _where(parts: Iterable[Any]) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "the file"


def load(path: Path) -> list[BaselineEntry]:
    """The baseline's entries; a missing, corrupt or other-version file is a located usage error (exit 2)."""
    shown = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise UsageError(f"--baseline: {shown}: no such file (write one with --write-baseline {shown})") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"--baseline: cannot read {shown}: {getattr(exc, 'strerror', None) or exc}") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError("--baseline: the file is not valid JSON", [Problem(shown, exc.lineno, f"{exc.msg} (column {exc.colno})")]) from exc
    if isinstance(data, dict) and "version" in data and data["version"] != VERSION:
        raise UsageError("--baseline: the file has another version",
                         [Problem(shown, 0, f"version {data['version']!r}: this fastpolicy reads version {VERSION}; rewrite it with --write-baseline")])
    if isinstance(data, dict) and "fingerprint" in data and data["fingerprint"] != FINGERPRINT_VERSION:
        raise UsageError("--baseline: the file's fingerprints were computed another way",
                         [Problem(shown, 0, f"fingerprint {data['fingerprint']!r}: this fastpolicy computes {FINGERPRINT_VERSION!r}; rewrite it with --write-baseline")])
    errors = sorted(_validator().iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        problems = [Problem(shown, 0, f"{_where(e.absolute_path)}: {e.message}") for e in errors[:20]]
        raise UsageError("--baseline: the file does not follow schemas/baseline.schema.json", problems)
    entries: dict[tuple[str, str], BaselineEntry] = {}
    for item in data["findings"]:
        key = (item["path"], item["fingerprint"])
        count = item["count"] + (entries[key].count if key in entries else 0)
        entries[key] = BaselineEntry(item["rule_id"], item["path"], item["fingerprint"], count, item.get("code", ""))
    return sorted(entries.values(), key=BaselineEntry.sort_key)


@dataclass(frozen=True)
class Compared:
    new: list[Finding]
    baselined: int
    fixed: list[BaselineEntry]


def compare(findings: Sequence[Finding], entries: Sequence[BaselineEntry], root: str, *, ran: Iterable[str], checked: Iterable[str]) -> Compared:
    """Findings not in the baseline (per fingerprint, those beyond its count), and entries no longer found.

    An entry counts as fixed only where this scan could have found it again: its rule ran, and its file was checked
    (or no longer exists); a `--select` or `--diff` scan never reports the rest of the baseline as fixed.
    """
    budget = {(e.path, e.fingerprint): e.count for e in entries}
    new: list[Finding] = []
    baselined = 0
    for f in sorted(findings, key=Finding.sort_key):
        key = (relative(f.path, root), f.fingerprint)
        if budget.get(key, 0) > 0:
            budget[key] -= 1
            baselined += 1
        else:
            new.append(f)
    ran, checked_paths = set(ran), {relative(p, root) for p in checked}
    fixed = []
    for e in entries:
        left = budget[(e.path, e.fingerprint)]
        if left and e.rule_id in ran and (e.path in checked_paths or not (Path(root) / e.path).exists()):
            fixed.append(BaselineEntry(e.rule_id, e.path, e.fingerprint, left, e.code))
    return Compared(new, baselined, fixed)
