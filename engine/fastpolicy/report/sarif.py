"""SARIF 2.1.0 for code-scanning dashboards (GitHub code scanning and others), built by fastpolicy from the records.

- every rule that ran is described (`shortDescription`, `fullDescription`, `help` text and markdown, `helpUri`),
  with CWE/OWASP `tags` and `properties.security-severity` so GitHub ranks the alert;
- locations are relative to `%SRCROOT%` (the scanned project root, `originalUriBaseIds`), percent-encoded;
  columns count UTF-16 code units, as SARIF requires (§3.30.2);
- `partialFingerprints` carries the content fingerprint (scan/fingerprint.py), so alerts survive lines moving.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

from .. import __version__
from ..models import Finding, RuleInfo, ScanResult
from ..scan.fingerprint import VERSION as FINGERPRINT_KEY
from .location import project_path
from .rendered import Rendered

_LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}
# GitHub: > 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0", "info": "1.0"}
SRCROOT = "%SRCROOT%"


def _tags(rule: RuleInfo) -> list[str]:
    # GitHub reads security-severity only on rules tagged "security": those with a CWE/OWASP mapping or in the security section
    tags = [rule.section] if rule.section else []
    if rule.cwe or rule.owasp or rule.section == "security":
        tags.append("security")
    tags += [f"external/cwe/cwe-{c.split('-', 1)[-1]}" for c in rule.cwe]
    tags += [f"external/owasp/{o}" for o in rule.owasp]
    return sorted(set(tags))


def _help_markdown(rule: RuleInfo) -> str:
    parts = [f"**{rule.level}**: {rule.statement.strip()}", rule.rationale.strip()]
    if rule.fix.strip():
        parts.append(f"**Fix:** {rule.fix.strip()}")
    refs = [*rule.cwe, *(f"OWASP {o}" for o in rule.owasp)]
    if refs:
        parts.append("References: " + ", ".join(refs))
    if rule.url:
        parts.append(f"[{rule.id} in the catalogue]({rule.url}) · `fastpolicy explain {rule.id}`")
    return "\n\n".join(p for p in parts if p)


def _rule(rule: RuleInfo) -> dict[str, Any]:
    text = f"{rule.statement.strip()}\n\n{rule.rationale.strip()}" + (f"\n\nFix: {rule.fix.strip()}" if rule.fix.strip() else "")
    item: dict[str, Any] = {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.statement.strip() or rule.title},
        "help": {"text": text.strip(), "markdown": _help_markdown(rule)},
        "defaultConfiguration": {"level": _LEVEL[rule.severity]},
        "properties": {
            "tags": _tags(rule), "precision": "high", "problem.severity": {"error": "error", "warning": "warning"}.get(_LEVEL[rule.severity], "recommendation"),
            "security-severity": SECURITY_SEVERITY[rule.severity], "severity": rule.severity,
        },
    }
    if rule.url:
        item["helpUri"] = rule.url
    return item


def artifact_uri(path: str, root: str) -> str:
    """The path relative to the project root as a percent-encoded relative URI; an absolute file URI outside it."""
    relative = project_path(path, root)
    if root and Path(relative).is_absolute():
        return Path(relative).resolve().as_uri()
    return quote(relative, safe="/")


def _location(path: str, root: str) -> dict[str, Any]:
    return {"uri": artifact_uri(path, root), "uriBaseId": SRCROOT} if root else {"uri": artifact_uri(path, root)}


def _result(f: Finding, index: dict[str, int], root: str, baseline: bool = False) -> dict[str, Any]:
    region: dict[str, Any] = {"startLine": f.line, "startColumn": max(f.column, 1), "endLine": max(f.end_line, f.line)}
    if f.end_column and (f.end_line > f.line or f.end_column >= f.column):
        region["endColumn"] = f.end_column
    if f.code:
        region["snippet"] = {"text": f.code}
    item: dict[str, Any] = {
        "ruleId": f.rule_id,
        "level": _LEVEL[f.severity],
        "message": {"text": f.message},
        "locations": [{"physicalLocation": {"artifactLocation": _location(f.path, root), "region": region}}],
    }
    if f.rule_id in index:
        item["ruleIndex"] = index[f.rule_id]
    if f.fingerprint:
        item["partialFingerprints"] = {FINGERPRINT_KEY: f.fingerprint}
    if baseline:  # compared with a baseline: what is reported is what it does not hold (SARIF §3.27.24)
        item["baselineState"] = "new"
    return item


def render_sarif(result: ScanResult) -> str:
    infos = {r.id: r for r in result.rules}
    for f in result.findings:  # a result built without rule metadata still describes its rules
        infos.setdefault(f.rule_id, RuleInfo(f.rule_id, f.name, f.title, f.severity, "", f.title, "", "", f.url))
    ordered = [infos[k] for k in sorted(infos)]
    index = {r.id: i for i, r in enumerate(ordered)}
    root = result.root
    run: dict[str, Any] = {
        "tool": {"driver": {
            "name": "fastpolicy", "version": __version__, "semanticVersion": __version__,
            "informationUri": "https://fastpolicy.dev/", "rules": [_rule(r) for r in ordered],
        }},
        "automationDetails": {"id": "fastpolicy/"},
        "columnKind": "utf16CodeUnits",
        "invocations": [{
            "executionSuccessful": result.complete,
            "toolExecutionNotifications": [
                {"level": "error" if e.level == "error" else "warning", "message": {"text": e.message}, "descriptor": {"id": e.kind},
                 **({"locations": [{"physicalLocation": {"artifactLocation": _location(e.path, root),
                                                         **({"region": {"startLine": e.line}} if e.line else {})}}]} if e.path else {})}
                for e in result.errors
            ],
        }],
        "results": [_result(f, index, root, bool(result.baseline)) for f in result.findings],
    }
    if result.baseline:
        run["properties"] = {"baselined": result.baselined, "fixedSinceBaseline": [
            {"ruleId": e.rule_id, "uri": e.path, "fingerprint": e.fingerprint, "count": e.count} for e in result.fixed]}
    if root:
        run["originalUriBaseIds"] = {SRCROOT: {"uri": Path(root).as_uri() + "/", "description": {"text": "The scanned project root."}}}
    sarif = {"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0", "runs": [run]}
    return json.dumps(sarif, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def sarif_report(result: ScanResult) -> Rendered:
    return Rendered(render_sarif(result))
