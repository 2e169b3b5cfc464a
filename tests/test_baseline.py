"""The baseline: write today's findings, then only new ones are reported; lines moving, unrelated edits and
re-indenting keep a finding baselined; a fixed one is listed so the baseline can shrink; a bad file is exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import run_cli

CORS = 'app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)'
BEFORE = f'''from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

app = FastAPI()


def setup():
    {CORS}
    {CORS}


def admin():
    {CORS}
'''
# lines moved down, an unrelated edit above, `setup` re-indented to two spaces, one of admin's findings fixed
# (admin's line deleted), and a new violation: a third identical line in `setup`, one more in a new function
AFTER = f'''from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
import os

SETTING = os.environ.get("X", "")
app = FastAPI()


class Unrelated:
    """A docstring
with a line at column 0."""


def setup():
  # re-indented
  {CORS}
  {CORS}
  {CORS}


def admin():
    return None


def fresh():
    {CORS}
'''


def _scan(root: Path, *args: str, select: str = "SEC-010") -> tuple[int, dict, str]:
    # one cache folder outside the project: a rescan of unchanged files reuses semgrep's results
    result = run_cli("scan", "--format", "json", "--cache-dir", str(root.parent / f"{root.name}-cache"), "--select", select, *args, str(root), cwd=root)
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout), result.stderr


@pytest.fixture(scope="module")
def adopted(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("baseline")
    (root / ".git").mkdir()  # the project root the baseline's paths are relative to
    (root / "app").mkdir()
    (root / "app" / "main.py").write_text(BEFORE)
    code, written, _ = _scan(root, "--write-baseline", "fastpolicy-baseline.json")
    first = (root / "fastpolicy-baseline.json").read_text()
    code_again, _, _ = _scan(root, "--write-baseline", "fastpolicy-baseline.json")
    (root / "app" / "main.py").write_text(AFTER)
    _, after, _ = _scan(root, "--baseline", "fastpolicy-baseline.json")
    text = run_cli("scan", "--cache-dir", str(root.parent / f"{root.name}-cache"), "--select", "SEC-010", "--baseline", "fastpolicy-baseline.json", ".", cwd=root)
    return {"root": root, "code": code, "code_again": code_again, "written": written, "file": first,
            "rewritten": (root / "fastpolicy-baseline.json").read_text(), "after": after, "text": text}


def test_writing_a_baseline_records_counts_per_fingerprint(adopted: dict) -> None:
    data = json.loads(adopted["file"])
    assert data["version"] == 1 and data["fingerprint"] == "fastpolicy/v1"
    assert sorted((e["path"], e["rule_id"], e["count"]) for e in data["findings"]) == [("app/main.py", "SEC-010", 1), ("app/main.py", "SEC-010", 2)]
    assert adopted["code"] == 0 and adopted["written"]["findings"] == []
    assert adopted["written"]["summary"]["baselined"] == 3
    assert adopted["rewritten"] == adopted["file"]  # deterministic: the same findings, the same bytes
    assert adopted["file"].endswith("\n") and "\"line\"" not in adopted["file"]


def test_only_new_findings_are_reported_after_moves_edits_and_reindenting(adopted: dict) -> None:
    after = adopted["after"]
    lines = AFTER.splitlines()
    reported = sorted(f["line"] for f in after["findings"])
    # setup's third identical line is new (counts, not a set); fresh() is new; setup's first two stay baselined
    assert len(reported) == 2
    assert {lines[n - 1].strip() for n in reported} == {CORS}
    assert max(reported) == len(lines)  # the one in fresh()
    assert after["summary"]["baselined"] == 2


def test_a_fixed_finding_is_listed_so_the_baseline_can_shrink(adopted: dict) -> None:
    fixed = adopted["after"]["summary"]["baseline"]["fixed"]
    assert [(e["path"], e["rule_id"], e["count"]) for e in fixed] == [("app/main.py", "SEC-010", 1)]
    text = adopted["text"].stdout
    assert "2 in the baseline" in text and "Fixed since the baseline (1 finding" in text and "app/main.py: SEC-010" in text


def test_a_scan_of_other_rules_does_not_call_the_baseline_fixed(adopted: dict) -> None:
    _, data, _ = _scan(adopted["root"], "--baseline", "fastpolicy-baseline.json", select="OPS-105")
    assert data["summary"]["baseline"]["fixed"] == [] and data["summary"]["baselined"] == 0


@pytest.mark.parametrize(("content", "message"), [
    ("{\"version\": 1, \"fingerprint\": \"fastpolicy/v1\", \"findings\": [\n  {\"rule_id\": \"SEC-010\",,}\n]}", "fastpolicy-baseline.json:2: "),
    ("{\"version\": 7, \"fingerprint\": \"fastpolicy/v1\", \"findings\": []}", "version 7: this fastpolicy reads version 1"),
    ("{\"version\": 1, \"fingerprint\": \"fastpolicy/v1\", \"findings\": [{\"rule_id\": \"SEC-010\", \"path\": \"a.py\", \"fingerprint\": \"x\", \"count\": 0}]}",
     "findings[0].count"),
    ("[]", "is not of type 'object'"),
])
def test_a_bad_baseline_is_a_located_usage_error(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / "app.py").write_text("x = 1\n")
    (tmp_path / "fastpolicy-baseline.json").write_text(content)
    result = run_cli("scan", "--select", "SEC-010", "--baseline", "fastpolicy-baseline.json", ".", cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr


def test_a_missing_baseline_says_how_to_write_one(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("x = 1\n")
    result = run_cli("scan", "--baseline", "nope.json", ".", cwd=tmp_path)
    assert result.returncode == 2 and "--write-baseline nope.json" in result.stderr


def test_the_fingerprint_scope_survives_a_string_at_column_0_and_reindenting(tmp_path: Path) -> None:
    from fastpolicy.scan.fingerprint import fingerprint_at
    from fastpolicy.scan.suppression import clear_source_cache

    plain, edited = tmp_path / "a.py", tmp_path / "b.py"
    plain.write_text(f"def setup():\n    {CORS}\n")
    # the same function, re-indented, with a multi-line string whose second line sits at column 0 above the finding
    edited.write_text(f'import os\n\n\ndef setup():\n  note = """\nat column 0\n"""\n  {CORS}\n')
    clear_source_cache()
    assert fingerprint_at("SEC-010", str(plain), 2) == fingerprint_at("SEC-010", str(edited), 8)
    (tmp_path / "c.py").write_text(f"def other():\n    {CORS}\n")
    assert fingerprint_at("SEC-010", str(tmp_path / "c.py"), 2) != fingerprint_at("SEC-010", str(plain), 2)
