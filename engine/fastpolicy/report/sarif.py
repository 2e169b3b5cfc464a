"""SARIF 2.1.0 for code-scanning dashboards, built by fastpolicy (semgrep's SARIF drops our metadata)."""

from __future__ import annotations

import json
from typing import Any

from .. import __version__
from ..models import ScanResult
from .rendered import Rendered

_LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}


def render_sarif(result: ScanResult) -> str:
    rules: dict[str, dict[str, Any]] = {}
    for f in result.findings:
        rules.setdefault(f.rule_id, {
            "id": f.rule_id,
            "name": f.name,
            "shortDescription": {"text": f.title},
            "helpUri": f.url,
            "defaultConfiguration": {"level": _LEVEL[f.severity]},
            "properties": {"severity": f.severity, "seed": list(f.seed)},
        })
    sarif = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "fastpolicy", "version": __version__, "rules": [rules[k] for k in sorted(rules)]}},
            "invocations": [{
                "executionSuccessful": result.complete,
                "toolExecutionNotifications": [
                    {"level": "error" if e.level == "error" else "warning", "message": {"text": e.message},
                     **({"locations": [{"physicalLocation": {"artifactLocation": {"uri": e.path}}}]} if e.path else {})}
                    for e in result.errors
                ],
            }],
            "results": [{
                "ruleId": f.rule_id,
                "level": _LEVEL[f.severity],
                "message": {"text": f.message},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": f.path},
                    "region": {"startLine": f.line, "endLine": f.end_line, "startColumn": f.column},
                }}],
            } for f in result.findings],
        }],
    }
    return json.dumps(sarif, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def sarif_report(result: ScanResult) -> Rendered:
    return Rendered(render_sarif(result))
