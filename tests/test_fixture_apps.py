"""Realistic fixture apps: the exact set of (rule id, file, line) findings, per app.

Discovered from tests/fixtures/apps/<app>/expected*.yaml: `sections` (only their records' findings are
compared), `deployment` (passed to scan --deployment) and `findings` ("<ID> <path>:<line>", relative to the app).
An app with an `expected.yaml` also has a golden JSON report (tests/golden/app-<app>.json): the same scan is compared
with it byte for byte here, so each app costs one semgrep run.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from conftest import FIXTURES, ROOT
from test_golden import GOLDEN, app_scan_args, golden_output

# one app may carry several expectation files (expected.yaml, expected-<topic>.yaml), each for its own sections
CASES = sorted((FIXTURES / "apps").glob("*/expected*.yaml")) if (FIXTURES / "apps").is_dir() else []


@pytest.mark.parametrize("expected", CASES, ids=[f"{c.parent.name}/{c.stem}" for c in CASES])
def test_fixture_app_findings(expected: Path) -> None:
    app = expected.parent
    spec = yaml.safe_load(expected.read_text())
    args = ["scan", app.relative_to(ROOT).as_posix(), "--format", "json"]
    if spec.get("deployment"):
        args += ["--deployment", spec["deployment"]]
    # one scan per app and test process, from the repository root: the golden file's scan, which is compared here too
    output = golden_output(tuple(args))
    if expected.name == "expected.yaml":
        assert args == app_scan_args(app)
        golden = GOLDEN / f"app-{app.name}.json"
        assert output == golden.read_text(encoding="utf-8"), f"scan output differs from tests/golden/{golden.name}; regenerate only for an intended change"
    data = json.loads(output)
    assert data["errors"] == []
    sections = set(spec["sections"])
    prefixes = {run_prefix for run_prefix in _prefixes(sections)}
    inside = app.relative_to(ROOT).as_posix() + "/"
    assert all(f["path"].startswith(inside) for f in data["findings"])
    got = sorted(f"{f['rule_id']} {f['path'].removeprefix(inside)}:{f['line']}" for f in data["findings"] if f["rule_id"].split("-")[0] in prefixes)
    assert got == sorted(spec.get("findings") or [])


def _prefixes(sections: set[str]) -> set[str]:
    catalogue = yaml.safe_load((Path(__file__).resolve().parent.parent / "policies" / "sections.yaml").read_text())
    return {catalogue[s]["prefix"] for s in sections}
