"""Every kind of invalid record is refused with exit 2 and an exact `path:line: message`.

Cases are discovered from tests/fixtures/invalid/<case>/: an organization folder `policies/` and
`case.yaml` with the CLI arguments and the exact problems expected.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from conftest import FIXTURES, ROOT, run_cli

CASES = sorted(p for p in (FIXTURES / "invalid").iterdir() if (p / "case.yaml").is_file())


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_invalid_record_is_refused(case: Path) -> None:
    spec = yaml.safe_load((case / "case.yaml").read_text())
    result = run_cli("validate", "--policies", "policies", *spec["args"], cwd=case)
    builtin = os.path.relpath(ROOT / "policies", case)
    expected = [p.replace("{builtin}", builtin) for p in spec["problems"]]
    problems = [line for line in result.stderr.splitlines() if not line.startswith("fastpolicy: error:")]
    assert problems == expected, result.stderr
    assert result.returncode == spec["exit"]
    assert "Traceback" not in result.stderr
