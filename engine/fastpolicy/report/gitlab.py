"""GitLab Code Quality (a Code Climate issue list): one issue per finding, with a fingerprint unique per file and finding.

Severities map critical -> blocker, high -> critical, medium -> major, low -> minor, info -> info.
"""

from __future__ import annotations

import hashlib
import json

from ..models import ScanResult
from .location import project_path
from .rendered import Rendered

SEVERITY = {"critical": "blocker", "high": "critical", "medium": "major", "low": "minor", "info": "info"}


def render_gitlab(result: ScanResult) -> str:
    issues = []
    seen: dict[str, int] = {}
    for f in result.findings:
        path = project_path(f.path, result.root)
        base = hashlib.sha256(f"{path}\0{f.fingerprint or f.rule_id + str(f.line)}".encode()).hexdigest()
        seen[base] = seen.get(base, 0) + 1  # the same code twice in one scope: keep GitLab's fingerprints unique
        fingerprint = base if seen[base] == 1 else hashlib.sha256(f"{base}\0{seen[base]}".encode()).hexdigest()
        issues.append({
            "type": "issue",
            "check_name": f.rule_id,
            "description": f"{f.rule_id} {f.title}: {f.message}",
            "categories": ["Security"] if f.rule_id.startswith("SEC") else ["Bug Risk"],
            "severity": SEVERITY[f.severity],
            "fingerprint": fingerprint,
            "location": {"path": path, "lines": {"begin": f.line, "end": max(f.end_line, f.line)}},
            "content": {"body": f"`fastpolicy explain {f.rule_id}`" + (f" · {f.url}" if f.url else "")},
        })
    return json.dumps(issues, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def gitlab_report(result: ScanResult) -> Rendered:
    return Rendered(render_gitlab(result))
