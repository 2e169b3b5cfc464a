"""Shared helpers: run the CLI the way a user does."""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
# the installed console script when present (what a user runs), else the module
_SCRIPT = Path(sys.executable).parent / "fastpolicy"
FASTPOLICY = [str(_SCRIPT)] if _SCRIPT.is_file() and not os.environ.get("FASTPOLICY_TEST_MODULE") else [sys.executable, "-m", "fastpolicy.cli"]
SEMGREP = str(Path(sys.executable).parent / "semgrep")


# A scan run inside the checkout would keep its result cache there (.fastpolicy_cache beside the repository or a fixture
# app), shared by every test process: under pytest-xdist two workers would replace each other's cache file mid-read.
# Such scans use this process's own cache folder instead (one per xdist worker, removed at exit); a scan of a
# project under tmp_path keeps the default, which the cache tests check.
_CACHE = Path(tempfile.mkdtemp(prefix="fastpolicy-test-cache-"))
atexit.register(shutil.rmtree, _CACHE, True)


def run_cli(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200", **(env or {})}
    where = (cwd or ROOT).resolve()
    if args[:1] == ("scan",) and where.is_relative_to(ROOT) and not {"--no-cache", "--cache-dir"} & set(args):
        args = (*args, "--cache-dir", str(_CACHE))
    return subprocess.run([*FASTPOLICY, *args], cwd=cwd or ROOT, env=full_env, capture_output=True, text=True, timeout=timeout, check=False)


@pytest.fixture
def cli():
    return run_cli

# the fixture apps carry their own (deliberately bad) tests: they are scan targets, not our tests
collect_ignore_glob = ["fixtures/*"]
