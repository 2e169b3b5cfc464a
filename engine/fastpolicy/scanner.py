"""Scan a project: select records, compile once, run semgrep once, add project-level findings, suppress."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import PurePath

from .compiler import APP_RULE_ID, compile_config
from .errors import PolicyError, Problem, ScanFailed, UsageError
from .loader import Catalogue
from .models import SEVERITIES, Finding, Policy, ScanError, ScanResult, severity_rank
from .semgrep import RawResult, SemgrepRun, run_semgrep
from .targets import MAX_FILE_BYTES, collect, name_globs

DEFAULT_DOCS_URL = "https://fastpolicy.dev/"
ENV_DOCS_URL = "FASTPOLICY_DOCS_URL"
_SUPPRESS = re.compile(r"#\s*fastpolicy:\s*ignore\[([A-Za-z0-9_,\s-]+)\]")


@dataclass(frozen=True)
class ScanOptions:
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: str = "info"
    deployment: str = ""
    exclude: tuple[str, ...] = ()
    max_file_bytes: int = MAX_FILE_BYTES
    docs_url: str = field(default_factory=lambda: os.environ.get(ENV_DOCS_URL, DEFAULT_DOCS_URL))


def rule_url(policy: Policy, base: str) -> str:
    return f"{base.rstrip('/')}/rules/{policy.id}/"


def _matches(policy: Policy, token: str) -> bool:
    return token in (policy.id, policy.name, policy.section, *policy.aliases)


def select_policies(catalogue: Catalogue, select: Sequence[str], ignore: Sequence[str]) -> list[Policy]:
    """Records chosen by id, name or section key; an unknown token is a usage error."""
    for token in (*select, *ignore):
        if not any(_matches(p, token) for p in catalogue.policies):
            raise UsageError(f"--select/--ignore: no record or section named '{token}' (see `fastpolicy list`)")
    chosen = [p for p in catalogue.policies if not select or any(_matches(p, t) for t in select)]
    return [p for p in chosen if not any(_matches(p, t) for t in ignore)]


@lru_cache(maxsize=256)
def _source_lines(path: str) -> tuple[str, ...]:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return tuple(handle.read().splitlines())
    except OSError:
        return ()


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


def _is_test_path(path: str) -> bool:
    parts = PurePath(path).parts
    name = parts[-1] if parts else ""
    return any(p in ("tests", "test") for p in parts[:-1]) or name.startswith("test_") or name == "conftest.py"


def make_finding(policy: Policy, raw: RawResult, message: str, docs_url: str) -> Finding:
    return Finding(
        rule_id=policy.id,
        name=policy.name,
        title=policy.title,
        severity=policy.severity,
        seed=policy.seed,
        path=raw.path,
        line=raw.line,
        end_line=raw.end_line,
        column=raw.column,
        message=message,
        code=source_line(raw.path, raw.line).strip(),
        url=rule_url(policy, docs_url),
    )


def raise_rule_errors(run: SemgrepRun, by_id: Mapping[str, Policy]) -> None:
    """A rule semgrep rejected is a policy error (exit 2), whatever else the run reported."""
    if not run.rule_errors:
        return
    problems = []
    for rule_id, message in run.rule_errors:
        policy = by_id.get(rule_id)
        first = message.splitlines()[0] if message else "rejected by semgrep"
        detail = " ".join(line.strip() for line in message.splitlines()[1:] if line.strip())[:300]
        text = f"check.rule: semgrep rejects this rule: {first}" + (f" ({detail})" if detail else "")
        if policy:
            problems.append(Problem(policy.path, policy.line_of("check", "rule"), text))
        else:
            problems.append(Problem("<compiled rules>", 0, text))
    raise PolicyError("semgrep rejected the compiled rules", problems)


def findings_from_run(
    policies: Sequence[Policy], run: SemgrepRun, docs_url: str, project_of: Callable[[str], str] = lambda _path: ""
) -> list[Finding]:
    """Pattern matches become findings; project checks become findings where their pattern matched nowhere."""
    by_id = {p.id: p for p in policies}
    findings: list[Finding] = []
    apps: dict[str, list[RawResult]] = {}
    present: set[tuple[str, str]] = set()
    for raw in run.results:
        if raw.rule_id == APP_RULE_ID:
            apps.setdefault(project_of(raw.path), []).append(raw)
            continue
        policy = by_id.get(raw.rule_id)
        if policy is None:
            continue
        if policy.check.kind == "project":
            present.add((policy.id, project_of(raw.path)))
        else:
            findings.append(make_finding(policy, raw, raw.message or policy.check.message, docs_url))
    for project, constructions in sorted(apps.items()):
        preferred = sorted((r for r in constructions if not _is_test_path(r.path)), key=lambda r: (r.path, r.line))
        anchor = (preferred or sorted(constructions, key=lambda r: (r.path, r.line)))[0]
        for policy in policies:
            if policy.check.kind == "project" and (policy.id, project) not in present:
                at = RawResult(policy.id, anchor.path, anchor.line, anchor.line, anchor.column, policy.check.message)
                findings.append(make_finding(policy, at, policy.check.message, docs_url))
    return findings


def scan(catalogue: Catalogue, roots: Sequence[str], options: ScanOptions) -> ScanResult:
    if options.severity not in SEVERITIES:
        raise UsageError(f"--severity must be one of {', '.join(SEVERITIES)}")
    _source_lines.cache_clear()
    selected = select_policies(catalogue, options.select, options.ignore)
    skipped = [p.id for p in selected if p.deployment and p.deployment != options.deployment]
    policies = [p for p in selected if p.check.automated and p.id not in skipped]
    if not policies:
        raise UsageError("no automated record is selected: nothing to check")
    targets = collect(roots, name_globs(policies), exclude=options.exclude, max_bytes=options.max_file_bytes)
    if not targets.files:
        raise ScanFailed(f"no file to check under {', '.join(roots)}: fastpolicy reads Python, Dockerfiles, YAML manifests and config files")
    run = run_semgrep(compile_config(policies), targets.files)
    raise_rule_errors(run, {p.id: p for p in policies})
    errors: list[ScanError] = [*targets.errors, *run.errors]
    if not run.scanned:
        errors.append(ScanError("fatal", "error", "semgrep scanned no file: the result would look clean but nothing was checked"))
    findings = findings_from_run(policies, run, options.docs_url)
    kept, suppressed, below = _filter(findings, options.severity)
    return ScanResult(
        findings=tuple(sorted(kept, key=Finding.sort_key)),
        errors=tuple(sorted(set(errors), key=ScanError.sort_key)),
        files_scanned=len(run.scanned),
        rules_run=len(policies),
        suppressed=suppressed,
        below_threshold=below,
        skipped_rules=tuple(sorted(skipped)),
    )


def _filter(findings: Iterable[Finding], threshold: str) -> tuple[list[Finding], int, int]:
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
