"""Unit tests where the logic is subtle: markers, semgrep's irregular JSON, target selection, suppression."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fastpolicy.catalogue.markers import parse_markers, strip_markers
from fastpolicy.errors import ToolError
from fastpolicy.models import Finding
from fastpolicy.scan.semgrep import parse_output
from fastpolicy.scan.targets import collect


def test_markers_name_the_next_code_line() -> None:
    code = "a = 1\n# ruleid: X-001, X-002\n# ok: X-003\nbad()\n# todoruleid: X-001\nmissed()\n"
    markers = parse_markers(code)
    assert [(m.kind, m.rule_id, m.target_line) for m in markers] == [
        ("ruleid", "X-001", 4), ("ruleid", "X-002", 4), ("ok", "X-003", 4), ("todoruleid", "X-001", 6)
    ]
    shown, flagged = strip_markers(code)
    assert shown == "a = 1\nbad()\nmissed()\n"
    assert flagged == [2]


def _report(errors: list[dict], results: list[dict] | None = None) -> str:
    return json.dumps({"results": results or [], "errors": errors, "paths": {"scanned": ["a.py"]}})


def test_semgrep_errors_are_classified_defensively() -> None:
    run = parse_output(_report([
        {"code": 3, "level": "warn", "type": ["PartialParsing", [{"path": "a.py", "start": {"line": 7, "col": 1}, "end": {"line": 7, "col": 4}}]], "path": "a.py", "message": "Syntax error at line a.py:7"},
        {"code": 2, "level": "warn", "type": "Timeout", "rule_id": "SEC-010", "path": "b.py", "message": "Timeout when running SEC-010 on b.py:\n "},
        {"code": 8, "level": "error", "type": "UnknownLanguageError", "message": "", "long_msg": "unsupported language: pythonn"},
        {"code": 2, "level": "error", "type": "Rule parse error", "rule_id": "SEC-001", "message": "Rule parse error in rule SEC-001"},
    ]), "", 2)
    kinds = sorted((e.kind, e.level, e.path, e.line) for e in run.errors)
    assert kinds == [("partial-parse", "error", "a.py", 7), ("timeout", "error", "b.py", 0)]
    assert ("", "unsupported language: pythonn") in run.rule_errors
    assert ("SEC-001", "Rule parse error in rule SEC-001") in run.rule_errors


@pytest.mark.parametrize("stdout", ["", "not json", "[]", '{"results": []}'])
def test_output_without_a_report_is_a_tool_error(stdout: str) -> None:
    with pytest.raises(ToolError):
        parse_output(stdout, "boom", 1)


def test_targets_include_tests_and_skip_tool_folders(tmp_path: Path) -> None:
    for rel in ["app/main.py", "tests/test_api.py", "tests/conftest.py", "Dockerfile", "k8s/app.yaml", "node_modules/x/y.py",
                ".venv/lib/z.py", "env/lib/site.py", "env/pyvenv.cfg", "build/lib/a.py", "notes.txt", "pyproject.toml"]:
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x = 1\n")
    found = collect([str(tmp_path)], ("*.py", "Dockerfile", "*.yaml", "pyproject.toml"))
    relative = sorted(str(Path(f).relative_to(tmp_path)) for f in found.files)
    assert relative == ["Dockerfile", "app/main.py", "k8s/app.yaml", "pyproject.toml", "tests/conftest.py", "tests/test_api.py"]


def test_oversized_files_are_reported_not_skipped_silently(tmp_path: Path) -> None:
    (tmp_path / "big.py").write_text("x = 1\n" * 1000)
    found = collect([str(tmp_path)], ("*.py",), max_bytes=100)
    assert found.files == ()
    assert [e.kind for e in found.errors] == ["too-large"]


def test_findings_of_one_rule_at_one_place_sort_by_span_and_message_not_by_set_order() -> None:
    def at(message: str, end_line: int = 9) -> Finding:
        return Finding("SEC-015", "n", "t", "high", (), "a.py", 5, end_line, 1, message, "logger.warning(", "")

    found = [at("A secret (remote_token)"), at("A secret (local_token)"), at("A secret (b)", end_line=6)]
    expected = [found[2], found[1], found[0]]
    for order in (found, found[::-1], found[1:] + found[:1]):
        assert sorted(set(order), key=Finding.sort_key) == expected
