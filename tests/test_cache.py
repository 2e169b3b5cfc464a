"""The result cache can never make a result wrong: a warm scan equals a cold one, byte for byte, whatever changed."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from conftest import SEMGREP, run_cli

RULES = ("--select", "SEC-010", "--select", "API-003")

MAIN = """from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

app = FastAPI()
app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)
"""
ROUTES = """from fastapi import APIRouter

router = APIRouter()


@router.get("/getUsers")
async def users() -> list[str]:
    return []
"""


def _scan(project: Path, *extra: str, env: dict[str, str] | None = None) -> str:
    result = run_cli("scan", ".", "--format", "json", *RULES, *extra, cwd=project, env=env)
    assert result.returncode in (0, 1), result.stderr + result.stdout[-2000:]
    return result.stdout


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "main.py").write_text(MAIN)
    (tmp_path / "app" / "routes.py").write_text(ROUTES)
    return tmp_path


def _check(project: Path, env: dict[str, str] | None = None) -> dict:
    warm = _scan(project, env=env)
    cold = _scan(project, "--no-cache", env=env)
    assert warm == cold
    return json.loads(warm)


def test_warm_scans_equal_cold_scans_through_edits_renames_deletes(project: Path) -> None:
    first = _check(project)
    assert {f["rule_id"] for f in first["findings"]} == {"SEC-010", "API-003"}
    assert (project / ".fastpolicy_cache" / ".gitignore").read_text().strip().endswith("*")
    # an edit that fixes one finding and adds a line above another
    (project / "app" / "main.py").write_text("import os\n\n" + MAIN.replace('["*"]', '["https://shop.example"]'))
    assert {f["rule_id"] for f in _check(project)["findings"]} == {"API-003"}
    # a rename: the old path must not come back from the cache
    (project / "app" / "routes.py").rename(project / "app" / "views.py")
    assert [f["path"] for f in _check(project)["findings"]] == ["app/views.py"]
    # a delete
    (project / "app" / "views.py").unlink()
    assert _check(project)["findings"] == []


def test_a_corrupt_cache_is_discarded_with_a_warning(project: Path) -> None:
    cold = json.loads(_scan(project, "--no-cache"))
    _scan(project)
    for file in (project / ".fastpolicy_cache").glob("results-*.json"):
        data = json.loads(file.read_text())
        data["files"]["app/main.py"]["results"] = [{"rule_id": "SEC-010"}]  # truncated entry
        file.write_text(json.dumps(data))
    warm = json.loads(_scan(project))
    assert warm["findings"] == cold["findings"]
    for file in (project / ".fastpolicy_cache").glob("results-*.json"):
        file.write_text("{not json")
    warm = json.loads(_scan(project))
    assert warm["findings"] == cold["findings"]
    assert [e["kind"] for e in warm["errors"]] == ["cache"] and warm["summary"]["complete"] is True


def test_another_semgrep_or_config_misses_and_an_unchanged_rescan_runs_no_semgrep(project: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    _scan(project)
    log = tmp_path_factory.mktemp("log") / "calls"
    spy = tmp_path_factory.mktemp("spy") / "semgrep"  # same CLI, another identity: cached results must not be reused
    spy.write_text(f'#!/bin/sh\necho run >> "{log}"\nexec "{SEMGREP}" "$@"\n')
    spy.chmod(spy.stat().st_mode | stat.S_IEXEC)
    env = {"FASTPOLICY_SEMGREP": str(spy)}
    first = _scan(project, env=env)
    assert log.read_text().count("run") == 1
    assert _scan(project, env=env) == first
    assert log.read_text().count("run") == 1  # unchanged: no semgrep process at all
    # another selection of semgrep rules = another compiled config = another key: semgrep runs again
    # (API-003 is decided on the route graph and adds nothing to the semgrep config, so API-005 makes the difference)
    result = run_cli("scan", ".", "--format", "json", "--select", "SEC-010", "--select", "API-005", cwd=project, env=env)
    assert {f["rule_id"] for f in json.loads(result.stdout)["findings"]} == {"SEC-010"}
    assert log.read_text().count("run") == 2
    assert os.path.isdir(project / ".fastpolicy_cache")


# The project model is cached too (each file's summary, keyed by its text; the options and the engine code that builds
# the model name the entry). These records are decided on the model alone, so these scans start no semgrep.
MODEL_RULES = ("--select", "API-010", "--select", "OPS-108")
API = """from fastapi import FastAPI

from app.routes import router

app = FastAPI()
app.include_router(router, prefix="/api")
"""
DOCKERFILE = 'FROM python:3.12-slim\nCMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--reload"]\n'


def _model_scan(project: Path, *extra: str) -> str:
    result = run_cli("scan", ".", "--format", "json", *MODEL_RULES, *extra, cwd=project)
    assert result.returncode in (0, 1), result.stderr + result.stdout[-2000:]
    return result.stdout


def _model_check(project: Path) -> dict:
    warm = _model_scan(project)
    cold = _model_scan(project, "--no-cache")
    assert warm == cold
    return json.loads(warm)


def _found(report: dict) -> list[tuple[str, str]]:
    return sorted((f["rule_id"], f["path"]) for f in report["findings"])


def test_the_cached_project_model_follows_every_edit_rename_and_delete(tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "main.py").write_text(API)
    (tmp_path / "app" / "routes.py").write_text(ROUTES)
    (tmp_path / "Dockerfile").write_text(DOCKERFILE)
    assert _found(_model_check(tmp_path)) == [("API-010", "app/routes.py"), ("OPS-108", "Dockerfile")]
    [stored] = (tmp_path / ".fastpolicy_cache").glob("model-*.json")
    before = stored.read_bytes()
    assert _found(_model_check(tmp_path)) == [("API-010", "app/routes.py"), ("OPS-108", "Dockerfile")]  # unchanged: served from the cache
    assert stored.read_bytes() == before, "nothing was computed again, so nothing is written"
    # an edit in another module changes a route's composed path: /api/getUsers -> /api/v1/getUsers
    (tmp_path / "app" / "main.py").write_text(API.replace('"/api"', '"/api/v1"'))
    assert _found(_model_check(tmp_path)) == [("OPS-108", "Dockerfile")]
    assert list((tmp_path / ".fastpolicy_cache").glob("model-*.json")) == [stored] and stored.read_bytes() != before  # one entry, updated
    # a rename: the routes move, the old path must not come back
    (tmp_path / "app" / "main.py").write_text(API.replace("app.routes", "app.views"))
    (tmp_path / "app" / "routes.py").rename(tmp_path / "app" / "views.py")
    assert _found(_model_check(tmp_path)) == [("API-010", "app/views.py"), ("OPS-108", "Dockerfile")]
    # an edit outside Python (the launch command) and a delete
    (tmp_path / "Dockerfile").write_text(DOCKERFILE.replace(', "--reload"', ""))
    assert _found(_model_check(tmp_path)) == [("API-010", "app/views.py")]
    (tmp_path / "app" / "views.py").unlink()
    assert _found(_model_check(tmp_path)) == []


def test_a_corrupt_model_cache_is_discarded_with_a_warning(tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "main.py").write_text(API)
    (tmp_path / "app" / "routes.py").write_text(ROUTES)
    cold = json.loads(_model_scan(tmp_path, "--no-cache"))
    _model_scan(tmp_path)
    [stored] = (tmp_path / ".fastpolicy_cache").glob("model-*.json")
    data = json.loads(stored.read_text())
    entries = data["summaries"]["files"]["dict"]
    assert [path for path, _ in entries] == ["app/main.py", "app/routes.py"]
    entries[1][1]["FileSummary"] = entries[1][1]["FileSummary"][:1]  # a summary missing fields
    stored.write_text(json.dumps(data))
    for damaged in (None, "{not json"):
        if damaged:
            stored.write_text(damaged)
        warm = json.loads(_model_scan(tmp_path))
        assert warm["findings"] == cold["findings"] and warm["findings"]
        assert [e["kind"] for e in warm["errors"]] == ["cache"] and warm["summary"]["complete"] is True
        assert "model cache" in warm["errors"][0]["message"]


def test_a_file_semgrep_cannot_fully_parse_is_cached_with_its_parse_error(project: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    (project / "app" / "broken.py").write_text('import os\n\n\ndef f(:\n    return os.environ["X"]\n')
    log = tmp_path_factory.mktemp("log") / "calls"
    spy = tmp_path_factory.mktemp("spy") / "semgrep"
    spy.write_text(f'#!/bin/sh\necho run >> "{log}"\nexec "{SEMGREP}" "$@"\n')
    spy.chmod(spy.stat().st_mode | stat.S_IEXEC)
    env = {"FASTPOLICY_SEMGREP": str(spy)}

    def scan(*extra: str) -> str:
        result = run_cli("scan", ".", "--format", "json", *RULES, *extra, cwd=project, env=env)
        assert result.returncode == 3, result.stderr + result.stdout[-2000:]  # a file not (fully) parsed: incomplete
        return result.stdout

    first = scan()
    errors = [(e["kind"], e["path"]) for e in json.loads(first)["errors"]]
    assert ("app/broken.py" in {p for _, p in errors}) and {k for k, _ in errors} <= {"unparsed", "partial-parse", "model-unreadable"}
    assert scan() == first
    assert log.read_text().count("run") == 1  # the parse error came from the cache: no semgrep process
    assert scan("--no-cache") == first
