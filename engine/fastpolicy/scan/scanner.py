"""Orchestrate one scan: select records, collect targets, compile once, run semgrep once, findings, suppression."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ..catalogue.catalogue import Catalogue
from ..catalogue.resolve import is_named
from ..config import docs_url_from_env
from ..errors import ScanFailed, UnknownName, UsageError
from ..models import SEVERITIES, Finding, Policy, ScanError, ScanResult
from .compiler import compile_config
from .findings import findings_from_run, raise_rule_errors
from .semgrep import run_semgrep
from .suppression import clear_source_cache, filter_findings
from .targets import MAX_FILE_BYTES, collect, name_globs


@dataclass(frozen=True)
class ScanOptions:
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: str = "info"
    deployment: str = ""
    exclude: tuple[str, ...] = ()
    max_file_bytes: int = MAX_FILE_BYTES
    docs_url: str = field(default_factory=docs_url_from_env)


def select_policies(catalogue: Catalogue, select: Sequence[str], ignore: Sequence[str]) -> list[Policy]:
    """Records chosen by id, name, alias or section key; a token that names nothing is an UnknownName."""
    for token in (*select, *ignore):
        if not any(is_named(p, token, sections=True) for p in catalogue.policies):
            raise UnknownName(f"no record or section named '{token}'")
    chosen = [p for p in catalogue.policies if not select or any(is_named(p, t, sections=True) for t in select)]
    return [p for p in chosen if not any(is_named(p, t, sections=True) for t in ignore)]


def scan(catalogue: Catalogue, roots: Sequence[str], options: ScanOptions) -> ScanResult:
    if options.severity not in SEVERITIES:
        raise UsageError(f"--severity must be one of {', '.join(SEVERITIES)}")
    clear_source_cache()
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
    kept, suppressed, below = filter_findings(findings, options.severity)
    return ScanResult(
        findings=tuple(sorted(kept, key=Finding.sort_key)),
        errors=tuple(sorted(set(errors), key=ScanError.sort_key)),
        files_scanned=len(run.scanned),
        rules_run=len(policies),
        suppressed=suppressed,
        below_threshold=below,
        skipped_rules=tuple(sorted(skipped)),
    )


