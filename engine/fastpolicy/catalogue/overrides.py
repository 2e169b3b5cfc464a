"""Organization overrides: an org folder's overrides.yaml changes built-in records (severity, enabled, paths) without
copying them, validated by schemas/overrides.schema.json. Every change is recorded on the record as a sentence naming
the file and the reason, so `list`, `show` and the site can say where an effective value came from."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import Problem, YamlProblem
from ..models import Finding, Policy
from ..resources import overrides_schema_path
from .resolve import find

OVERRIDES_FILE = "overrides.yaml"


@dataclass(frozen=True)
class Override:
    target: str  # as written: id, name or alias
    path: str  # the overrides file, as shown
    line: int
    severity: str = ""
    enabled: bool | None = None
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    reason: str = ""

    def source(self) -> str:
        return f"overridden by {self.path}" + (f": {self.reason}" if self.reason else "")


def read_overrides(folder: Path, shown: str, problems: list[Problem]) -> list[Override]:
    """The overrides of one org folder (none when it has no overrides.yaml); problems are appended, located."""
    path = folder / OVERRIDES_FILE
    if not path.is_file():
        return []
    from .data_schema import schema_problems
    from .yamlfile import read_yaml  # PyYAML only when there is an overrides file to read

    try:
        data, lines = read_yaml(path, shown)
    except YamlProblem as exc:
        problems.append(exc.problem)
        return []
    found = schema_problems(overrides_schema_path(), data, shown, lines)
    if found:
        problems.extend(found)
        return []
    out = []
    for target, body in data.items():
        paths = body.get("paths") or {}
        out.append(Override(
            target=str(target), path=shown, line=lines.get(str(target), 1), severity=body.get("severity", ""), enabled=body.get("enabled"),
            include=tuple(paths.get("include") or ()), exclude=tuple(paths.get("exclude") or ()), reason=str(body.get("reason", "")).strip(),
        ))
    return out


def apply_overrides(policies: Sequence[Policy], overrides: Sequence[Override], problems: list[Problem]) -> list[Policy]:
    """The records with every override applied; an override of a record that is not built in is a located problem."""
    builtin = [p for p in policies if p.origin == "builtin"]
    by_id = {p.id: p for p in policies}
    seen: dict[str, Override] = {}
    for override in overrides:
        policy = find(builtin, override.target)
        if policy is None:
            other = find(policies, override.target)
            why = f"'{override.target}' is a record of {other.origin}, not a built-in one: change it there" if other else \
                f"no built-in record named '{override.target}' (see `fastpolicy list`)"
            problems.append(Problem(override.path, override.line, why))
            continue
        if policy.id in seen:
            first = seen[policy.id]
            problems.append(Problem(override.path, override.line, f"{policy.id} is already overridden at {first.path}:{first.line}"))
            continue
        seen[policy.id] = override
        current = by_id[policy.id]
        notes = list(current.overridden)
        changes: dict[str, object] = {}
        if override.severity and override.severity != current.severity:
            changes["severity"] = override.severity
            notes.append(f"severity {override.severity} (was {current.severity}; {override.source()})")
        if override.enabled is False:
            changes["enabled"] = False
            notes.append(f"disabled ({override.source()})")
        if override.include or override.exclude:
            changes["narrowed"] = {k: v for k, v in (("include", override.include), ("exclude", override.exclude)) if v}
            scope = "; ".join(f"{k} {', '.join(v)}" for k, v in (("only", override.include), ("not", override.exclude)) if v)
            notes.append(f"paths narrowed: {scope} ({override.source()})")
        by_id[policy.id] = replace(current, overridden=tuple(notes), **changes)  # type: ignore[arg-type]
    return [by_id[p.id] for p in policies]


def outside_narrowed_paths(findings: Sequence[Finding], policies: Sequence[Policy], base: str) -> tuple[list[Finding], int]:
    """Drop findings in files an override narrowed their record away from (globs relative to `base`); (kept, dropped)."""
    from ..pathmatch import Patterns

    narrowed = {p.id: p.narrowed for p in policies if p.narrowed}
    if not narrowed:
        return list(findings), 0
    specs = {rid: (Patterns.of(base, n.get("include", ())) if n.get("include") else None, Patterns.of(base, n.get("exclude", ())))
             for rid, n in narrowed.items()}
    kept = []
    for finding in findings:
        spec = specs.get(finding.rule_id)
        if spec is not None:
            include, exclude = spec
            if (include is not None and not include.matches(finding.path)) or exclude.matches(finding.path):
                continue
        kept.append(finding)
    return kept, len(findings) - len(kept)
