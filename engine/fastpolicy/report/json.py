"""The JSON contract: findings, errors and summary; byte-identical for the same input."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from ..models import ScanResult
from .rendered import Rendered

SCHEMA_VERSION = 1


def summary(result: ScanResult) -> dict[str, Any]:
    return {
        "by_severity": result.counts(),
        "complete": result.complete,
        "deployment": {"kind": result.deployment, "evidence": list(result.deployment_evidence)},
        "errors": len(result.errors),
        "files_scanned": result.files_scanned,
        "findings": len(result.findings),
        "below_threshold": result.below_threshold,
        "acknowledged": len(result.acknowledged),
        "per_file_ignored": result.per_file_ignored,
        "rules_run": result.rules_run,
        "rules_skipped": list(result.skipped_rules),
        "suppressed": result.suppressed,
        "baselined": result.baselined,
        "baseline": {"file": result.baseline, "baselined": result.baselined,
                     "fixed": [{"rule_id": e.rule_id, "path": e.path, "fingerprint": e.fingerprint, "count": e.count, "code": e.code} for e in result.fixed]},
        "diff": {"ref": result.diff_ref, "files_checked": result.diff_files, "rules_skipped": list(result.diff_skipped_rules)},
    }


def as_data(result: ScanResult) -> dict[str, Any]:
    findings = []
    for finding in result.findings:
        item = asdict(finding)
        item["seed"] = list(finding.seed)
        findings.append(item)
    return {
        "version": SCHEMA_VERSION,
        "findings": findings,
        "errors": [asdict(e) for e in result.errors],
        "acknowledged": [asdict(e) for e in result.acknowledged],
        "summary": summary(result),
    }


def render_json(result: ScanResult) -> str:
    return json.dumps(as_data(result), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def json_report(result: ScanResult) -> Rendered:
    return Rendered(render_json(result))
