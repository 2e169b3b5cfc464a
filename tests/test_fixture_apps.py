"""Realistic fixture apps: the exact set of (rule id, file, line) findings, per app.

Discovered from tests/fixtures/apps/<app>/expected*.yaml: `sections` (only their records' findings are
compared), `deployment` (passed to scan --deployment) and `findings` ("<ID> <path>:<line>").
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from conftest import FIXTURES, run_cli

# one app may carry several expectation files (expected.yaml, expected-<topic>.yaml), each for its own sections
CASES = sorted((FIXTURES / "apps").glob("*/expected*.yaml")) if (FIXTURES / "apps").is_dir() else []


@pytest.mark.parametrize("expected", CASES, ids=[f"{c.parent.name}/{c.stem}" for c in CASES])
def test_fixture_app_findings(expected: Path) -> None:
    app = expected.parent
    spec = yaml.safe_load(expected.read_text())
    args = ["scan", ".", "--format", "json"]
    if spec.get("deployment"):
        args += ["--deployment", spec["deployment"]]
    result = run_cli(*args, cwd=app)
    assert result.returncode in (0, 1), result.stderr + result.stdout[-2000:]
    data = json.loads(result.stdout)
    assert data["errors"] == []
    sections = set(spec["sections"])
    prefixes = {run_prefix for run_prefix in _prefixes(sections)}
    got = sorted(f"{f['rule_id']} {f['path']}:{f['line']}" for f in data["findings"] if f["rule_id"].split("-")[0] in prefixes)
    assert got == sorted(spec.get("findings") or [])


def _prefixes(sections: set[str]) -> set[str]:
    catalogue = yaml.safe_load((Path(__file__).resolve().parent.parent / "policies" / "sections.yaml").read_text())
    return {catalogue[s]["prefix"] for s in sections}
