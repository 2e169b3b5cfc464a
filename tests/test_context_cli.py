"""`fastpolicy context`: the project model through the CLI, and its JSON contract."""

from __future__ import annotations

import json

from conftest import FIXTURES, run_cli

APP = FIXTURES / "apps" / "project-model"
TOP_KEYS = {"version", "root", "deployment", "roles", "files", "dependencies", "apps", "routes", "launches", "settings", "problems"}


def test_context_json_contract() -> None:
    result = run_cli("context", ".", "--format", "json", cwd=APP)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == TOP_KEYS and data["version"] == 1
    assert data["deployment"] == {"kind": "kubernetes", "declared": False, "evidence": ["k8s/deployment.yaml:1"]}
    assert "app/proto/item_pb2.pyi" in data["roles"]["generated"]["examples"]
    route = next(r for r in data["routes"] if r["location"] == "app/items/views.py:8")
    assert set(route) == {"location", "end_line", "handler", "methods", "path", "effective_paths", "dependencies", "response_model", "router", "apps"}
    assert route["effective_paths"] == ["/api/v1/items/{item_id}"] and route["methods"] == ["GET"]
    assert route["dependencies"][0]["name"] == "check_account_exists" and "get_current_user" in route["dependencies"][0]["reaches"]
    launch = next(x for x in data["launches"] if x["kind"] == "dockerfile")
    assert launch == {"server": "uvicorn", "target": "app.main:app", "options": {"host": "0.0.0.0", "workers": "4"}, "source": "Dockerfile:7",
                      "kind": "dockerfile", "command": "uvicorn app.main:app --host 0.0.0.0 --workers=4"}
    ttl = next(s for s in data["settings"] if s["name"] == "ACCESS_TOKEN_EXPIRE_MINUTES")
    assert ttl == {"name": "ACCESS_TOKEN_EXPIRE_MINUTES", "value": 525600, "text": "60 * 24 * 365", "owner": "Settings", "kind": "settings-default",
                   "location": "app/settings.py:7"}
    assert {"name": "pydantic", "specifier": "<2,>=1.10", "locked": "", "extras": [], "source": "pyproject.toml:7"} in data["dependencies"]
    assert data["problems"] == []
    again = run_cli("context", ".", "--format", "json", cwd=APP)
    assert again.stdout == result.stdout  # deterministic


def test_context_text_and_declared_deployment() -> None:
    result = run_cli("context", ".", "--deployment", "vm", cwd=APP)
    assert result.returncode == 0, result.stderr
    assert "Deployment: vm (given)" in result.stdout
    assert "/api/v1/items/{item_id}  [check_account_exists]" in result.stdout
    assert "gunicorn.conf.py:1  gunicorn-config: gunicorn" in result.stdout


def test_context_of_a_file_that_cannot_be_read_lists_it(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "main.py").write_text("from fastapi import FastAPI\napp = FastAPI(\n")
    result = run_cli("context", ".", "--format", "json", cwd=tmp_path)
    assert result.returncode == 0
    problems = json.loads(result.stdout)["problems"]
    assert [p["location"].split(":")[0] for p in problems] == ["main.py"]


def test_context_bad_deployment_is_a_usage_error() -> None:
    result = run_cli("context", ".", "--deployment", "mars", cwd=APP)
    assert result.returncode == 2 and "--deployment" in result.stderr
