"""Byte-for-byte scan output on examples/ and the fixture apps, against files stored in tests/golden/.

The files guard refactors: a change that alters a report must say so by regenerating them
(`PYTHONPATH=engine python tests/test_golden.py --update` from the repository root) in the same commit.
Scans run from the repository root with relative paths, so the output does not depend on where the clone lives
(SARIF's absolute `%SRCROOT%` URI is replaced by `file:///CLONE/`).
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import pytest
import yaml

from conftest import FIXTURES, ROOT, run_cli

GOLDEN = ROOT / "tests" / "golden"


def app_scan_args(app: Path) -> list[str]:
    """The scan of a fixture app whose JSON is golden (and whose findings tests/test_fixture_apps.py checks)."""
    spec = yaml.safe_load((app / "expected.yaml").read_text()) if (app / "expected.yaml").is_file() else {}
    args = ["scan", app.relative_to(ROOT).as_posix(), "--format", "json"]
    if spec.get("deployment"):
        args += ["--deployment", spec["deployment"]]
    return args


def _cases() -> list[tuple[str, list[str]]]:
    cases = [(f"examples.{fmt}", ["scan", "examples", "--format", fmt]) for fmt in ("json", "text", "sarif", "github", "junit", "gitlab")]
    for app in sorted((FIXTURES / "apps").glob("*")):
        if (app / "expected.yaml").is_file():
            cases.append((f"app-{app.name}.json", app_scan_args(app)))
    return cases


CASES = _cases()
# the fixture apps' golden JSON is compared by tests/test_fixture_apps.py, in the test that checks the app's findings
# from the very same scan (one semgrep run per app instead of two)
EXAMPLES = [case for case in CASES if case[0].startswith("examples.")]


@functools.cache
def golden_output(args: tuple[str, ...]) -> str:
    """A scan's output as the golden files store it (run once per test process)."""
    return _scan(list(args))


def _scan(args: list[str]) -> str:
    # an unset docs URL: the default is part of what is compared
    result = run_cli(*args, cwd=ROOT, env={"FASTPOLICY_DOCS_URL": ""})
    assert result.returncode in (0, 1), result.stderr + result.stdout[-2000:]
    # SARIF's %SRCROOT% is the absolute root of the clone: the one part that depends on where the clone lives
    return result.stdout.replace(ROOT.resolve().as_uri() + "/", "file:///CLONE/")


@pytest.mark.parametrize(("name", "args"), EXAMPLES, ids=[c[0] for c in EXAMPLES])
def test_scan_output_matches_golden(name: str, args: list[str]) -> None:
    expected = (GOLDEN / name).read_text(encoding="utf-8")
    assert golden_output(tuple(args)) == expected, f"scan output differs from tests/golden/{name}; regenerate only for an intended change"


if __name__ == "__main__" and "--update" in sys.argv:
    GOLDEN.mkdir(exist_ok=True)
    for name, args in CASES:
        (GOLDEN / name).write_text(_scan(args), encoding="utf-8")
        print(f"wrote tests/golden/{name}")
