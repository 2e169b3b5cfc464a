"""list, show, coverage and graph through the CLI, plus organization folders."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from conftest import FIXTURES, ROOT, run_cli

ORG_BASE = FIXTURES / "invalid" / "duplicate-key" / "policies"


def _org_folder(tmp_path: Path) -> Path:
    """A valid organization pack: one section, one record that relates to a built-in record."""
    org = tmp_path / "org"
    (org / "demo").mkdir(parents=True)
    shutil.copy(ORG_BASE / "sections.yaml", org / "sections.yaml")
    text = (FIXTURES / "invalid" / "missing-relation" / "policies" / "demo" / "DEMO-001-eval-call.yaml").read_text()
    (org / "demo" / "DEMO-001-eval-call.yaml").write_text(text.replace("DEMO-404", "SEC-010"))
    return org


def test_list_json_carries_the_record_summary() -> None:
    result = run_cli("list", "--format", "json")
    assert result.returncode == 0, result.stderr
    records = json.loads(result.stdout)
    ids = [r["id"] for r in records]
    assert ids == sorted(ids) and "SEC-010" in ids
    sec = next(r for r in records if r["id"] == "SEC-010")
    assert set(sec) == {"id", "name", "title", "section", "severity", "level", "seed", "check", "origin", "enabled", "overridden"}
    assert sec["seed"] == ["S2.10"] and sec["check"] == "pattern"


def test_list_rejects_an_unknown_section() -> None:
    result = run_cli("list", "--section", "nope")
    assert result.returncode == 2 and "unknown section 'nope'" in result.stderr


def test_show_renders_a_record_by_id_or_name() -> None:
    by_id = run_cli("show", "SEC-010")
    by_name = run_cli("show", "cors-wildcard-origin")
    assert by_id.returncode == 0 and by_id.stdout == by_name.stdout
    assert "CORS" in by_id.stdout and "fastpolicy: ignore[SEC-010]" in by_id.stdout
    assert run_cli("show", "SEC-999").returncode == 2


def test_coverage_json_totals_add_up() -> None:
    data = json.loads(run_cli("coverage", "--format", "json").stdout)
    totals = data["totals"]
    assert totals["seed_rules"] == 99 == len(data["rules"])
    assert totals["covered"] + totals["uncovered"] == 99
    assert totals["automated"] + totals["manual_only"] == totals["covered"]
    s210 = next(r for r in data["rules"] if r["number"] == "S2.10")
    assert {"id": "SEC-010", "kind": "pattern"} in s210["records"]


def test_organization_folder_joins_every_command(tmp_path: Path) -> None:
    org = _org_folder(tmp_path)
    assert run_cli("validate", "--policies", str(org)).returncode == 0
    tested = run_cli("test", "--policies", str(org), "--section", "demo")
    assert tested.returncode == 0 and "2/2 examples passed across 1 records" in tested.stdout
    listed = json.loads(run_cli("list", "--policies", str(org), "--section", "demo", "--format", "json").stdout)
    assert [r["id"] for r in listed] == ["DEMO-001"] and listed[0]["origin"].endswith("org")
    project = tmp_path / "project"
    project.mkdir()
    (project / "run.py").write_text("value = eval(data)\n")
    scanned = run_cli("scan", "--policies", str(org), "--select", "DEMO-001", "--format", "json", str(project))
    assert scanned.returncode == 1
    assert [f["rule_id"] for f in json.loads(scanned.stdout)["findings"]] == ["DEMO-001"]
    graph = json.loads(run_cli("graph", "DEMO-001", "--policies", str(org), "--format", "json").stdout)
    assert {"source": "DEMO-001", "target": "SEC-010", "type": "related", "note": "test relation"} in graph["edges"]


def test_graph_exports() -> None:
    mermaid = run_cli("graph", "--format", "mermaid")
    assert mermaid.returncode == 0 and mermaid.stdout.startswith("graph LR")
    dot = run_cli("graph", "--format", "dot")
    assert dot.stdout.startswith("digraph fastpolicy {")
    data = json.loads(run_cli("graph", "--format", "json").stdout)
    assert {n["id"] for n in data["nodes"]} == {p.stem[: p.stem.index("-", p.stem.index("-") + 1)] for p in (ROOT / "policies").glob("*/*.yaml")}
