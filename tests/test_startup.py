"""The commands that only read the catalogue start light: none of the heavy libraries a scan or `validate` needs is
imported (each costs tens of milliseconds of a start; `python -m bench.startup` measures the whole)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from conftest import ROOT

HEAVY = {"pydantic", "pydantic_core", "networkx", "jsonschema", "yaml", "semgrep", "click", "importlib_metadata"}
BROWSING = [("list",), ("list", "--format", "json"), ("show", "SEC-001"), ("explain", "sec-001"), ("coverage",),
            ("coverage", "--format", "json"), ("graph",), ("graph", "SEC-010", "--radius", "2", "--format", "json"), ("--help",)]


def _imported(*args: str) -> set[str]:
    """Top-level packages `fastpolicy ARGS` imports, from `python -X importtime` (the command must succeed)."""
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "120"}
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "fastpolicy.cli", *args], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    return {line.rpartition("|")[2].strip().split(".")[0] for line in result.stderr.splitlines() if line.startswith("import time:")}


@pytest.mark.parametrize("args", BROWSING, ids=" ".join)
def test_browsing_commands_import_no_heavy_library(args: tuple[str, ...]) -> None:
    imported = _imported(*args)
    assert "fastpolicy" in imported and "typer" in imported  # the check above can see imports
    assert not imported & HEAVY, sorted(imported & HEAVY)


@pytest.mark.parametrize("args", [("list",), ("coverage",), ("graph",)], ids=" ".join)
def test_tables_and_graphs_need_no_syntax_highlighter(args: tuple[str, ...]) -> None:
    assert "pygments" not in _imported(*args)
