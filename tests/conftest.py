"""Shared helpers: run the CLI the way a user does."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
# the installed console script when present (what a user runs), else the module
_SCRIPT = Path(sys.executable).parent / "fastpolicy"
FASTPOLICY = [str(_SCRIPT)] if _SCRIPT.is_file() and not os.environ.get("FASTPOLICY_TEST_MODULE") else [sys.executable, "-m", "fastpolicy.cli"]
SEMGREP = str(Path(sys.executable).parent / "semgrep")


def run_cli(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200", **(env or {})}
    return subprocess.run([*FASTPOLICY, *args], cwd=cwd or ROOT, env=full_env, capture_output=True, text=True, timeout=timeout, check=False)


@pytest.fixture
def cli():
    return run_cli

# the fixture apps carry their own (deliberately bad) tests: they are scan targets, not our tests
collect_ignore_glob = ["fixtures/*"]
