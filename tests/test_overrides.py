"""An organization's overrides.yaml: severity, disabling and path narrowing of built-in records, through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import ROOT, run_cli

CORS = 'from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\n\napp = FastAPI()\napp.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)\n'
OVERRIDES = """\
SEC-010:
  severity: low
  reason: internal service behind the gateway
  paths:
    exclude: ["scripts/**"]
SEC-011:
  enabled: false
  reason: headers are set by the gateway
"""


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def org(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write(tmp_path_factory.mktemp("org"), {
        "our-rules/overrides.yaml": OVERRIDES, "fastpolicy.toml": 'policies = ["our-rules"]\nselect = ["SEC-010", "SEC-011"]\n',
        "app/main.py": CORS, "scripts/tool.py": CORS,
    })


def test_list_shows_the_effective_value_and_where_it_came_from(org: Path) -> None:
    result = run_cli("list", "--policies", "our-rules", "--section", "security", cwd=org)
    assert result.returncode == 0, result.stderr
    text = " ".join(result.stdout.split())
    assert "SEC-010: severity low (was high; overridden by our-rules/overrides.yaml: internal service behind the gateway)" in text
    assert "paths narrowed: not scripts/**" in text
    assert "SEC-011: disabled (overridden by our-rules/overrides.yaml: headers are set by the gateway)" in text
    data = json.loads(run_cli("list", "-f", "json", "--policies", "our-rules", cwd=org).stdout)
    by_id = {r["id"]: r for r in data}
    assert by_id["SEC-010"]["severity"] == "low" and by_id["SEC-010"]["overridden"]
    assert by_id["SEC-011"]["enabled"] is False
    assert by_id["SEC-012"]["overridden"] == [] and by_id["SEC-012"]["enabled"] is True


def test_show_names_the_override(org: Path) -> None:
    result = run_cli("show", "SEC-010", cwd=org)  # the configuration's policies
    assert result.returncode == 0, result.stderr
    text = " ".join(result.stdout.split())
    assert "severity low" in text and "Organization override: severity low (was high; overridden by our-rules/overrides.yaml" in text


def test_a_scan_uses_the_effective_severity_skips_disabled_records_and_narrows_paths(org: Path) -> None:
    result = run_cli("scan", "-q", "-f", "json", "--cache-dir", str(org / ".cache"), ".", cwd=org)
    assert result.returncode == 1, result.stderr
    data = json.loads(result.stdout)
    assert [(f["rule_id"], f["path"], f["severity"]) for f in data["findings"]] == [("SEC-010", "app/main.py", "low")]
    assert data["summary"]["rules_run"] == 1  # SEC-011 disabled
    result = run_cli("scan", "-q", "--cache-dir", str(org / ".cache"), "--fail-on", "medium", ".", cwd=org)
    assert result.returncode == 0  # low now


@pytest.mark.parametrize(("text", "expected"), [
    ("SEC-999:\n  severity: low\n", "overrides.yaml:1: no built-in record named 'SEC-999'"),
    ("SEC-010:\n  severity: severe\n", "overrides.yaml:2: SEC-010.severity: 'severe' is not one of"),
    ("SEC-010:\n  reason: nothing else\n", "overrides.yaml:1: SEC-010: says nothing to change"),
    ("SEC-010:\n  severity: low\n  colour: red\n", "overrides.yaml:3: SEC-010: unknown key 'colour'"),
    ("SEC-010:\n  severity: low\ncors-wildcard-origin:\n  enabled: false\n", "overrides.yaml:3: SEC-010 is already overridden at"),
])
def test_a_bad_override_is_a_located_error(tmp_path: Path, text: str, expected: str) -> None:
    write(tmp_path, {"pack/overrides.yaml": text})
    result = run_cli("list", "--policies", str(tmp_path / "pack"), cwd=tmp_path)
    assert result.returncode == 2, result.stdout
    assert expected in result.stderr
    assert "Traceback" not in result.stderr


def test_copying_a_built_in_record_is_a_duplicate_that_points_to_overrides(tmp_path: Path) -> None:
    record = (ROOT / "policies/security/SEC-010-cors-wildcard-origin.yaml").read_text(encoding="utf-8").replace("severity: high", "severity: low")
    write(tmp_path, {"pack/security/SEC-010-cors-wildcard-origin.yaml": record})
    result = run_cli("list", "--policies", "pack", cwd=tmp_path)
    assert result.returncode == 2
    message = " ".join(result.stderr.split())
    assert "duplicate id 'SEC-010'" in message and "write it in pack/overrides.yaml instead of copying the record" in message


def test_the_site_of_an_org_pack_shows_the_override(org: Path) -> None:
    import os

    from fastpolicy.catalogue.loader import load_catalogue
    from fastpolicy.site.assemble import generate_pages

    here = os.getcwd()
    os.chdir(org)
    try:
        pages = generate_pages(load_catalogue([Path("our-rules")]))
    finally:
        os.chdir(here)
    page = pages["rules/SEC-010.md"]
    assert "Organization override" in page and "severity low (was high; overridden by our-rules/overrides.yaml" in page
    assert "fp-sev-low" in page
    assert "tool.fastpolicy" in pages["reference/configuration.md"] and "overrides.yaml" in pages["reference/configuration.md"]
