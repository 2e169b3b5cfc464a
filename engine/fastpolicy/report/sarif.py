"""SARIF 2.1.0 for code-scanning dashboards, built by fastpolicy (semgrep's SARIF drops our metadata)."""

from __future__ import annotations

import json
import os
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote

from .. import __version__
from ..models import ScanResult
from .rendered import Rendered

_LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}
BASE_ID = "SCANROOT"  # absolute paths are given relative to this base (SARIF 2.1.0 §3.4.4 originalUriBaseIds)


def _base(paths: list[str]) -> str:
    """The deepest folder holding every absolute path of the result ("" when all paths are relative)."""
    absolute = [p for p in paths if p.startswith("/")]
    if not absolute:
        return ""
    return os.path.commonpath([os.path.dirname(p) for p in absolute])


def _location(path: str, base: str) -> dict[str, str]:
    """An RFC 3986 reference: every character outside the unreserved set and '/' percent-encoded."""
    if path.startswith("/") and base:
        return {"uri": quote(PurePosixPath(os.path.relpath(path, base)).as_posix(), safe="/"), "uriBaseId": BASE_ID}
    return {"uri": quote(PurePosixPath(path).as_posix(), safe="/")}


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
    base = _base([f.path for f in result.findings] + [e.path for e in result.errors if e.path])
    run_bases = {"originalUriBaseIds": {BASE_ID: {"uri": "file://" + quote(base.rstrip("/") + "/", safe="/")}}} if base else {}
    sarif = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "fastpolicy", "version": __version__, "rules": [rules[k] for k in sorted(rules)]}},
            "invocations": [{
                "executionSuccessful": result.complete,
                "toolExecutionNotifications": [
                    {"level": "error" if e.level == "error" else "warning", "message": {"text": e.message},
                     **({"locations": [{"physicalLocation": {"artifactLocation": _location(e.path, base)}}]} if e.path else {})}
                    for e in result.errors
                ],
            }],
            "results": [{
                "ruleId": f.rule_id,
                "level": _LEVEL[f.severity],
                "message": {"text": f.message},
                "locations": [{"physicalLocation": {
                    "artifactLocation": _location(f.path, base),
                    "region": {"startLine": f.line, "endLine": f.end_line, "startColumn": f.column},
                }}],
            } for f in result.findings],
            **run_bases,
        }],
    }
    return json.dumps(sarif, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def sarif_report(result: ScanResult) -> Rendered:
    return Rendered(render_sarif(result))
