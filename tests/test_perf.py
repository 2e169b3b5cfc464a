"""Scan performance knobs: semgrep's command line (jobs, timeout threshold) and files skipped after rule timeouts."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from conftest import run_cli
from fastpolicy.models import ScanError
from fastpolicy.scan.scanner import not_checked_after_timeouts
from fastpolicy.scan.semgrep import SemgrepRun, run_semgrep


def _run(*errors: ScanError) -> SemgrepRun:
    return SemgrepRun((), errors, (), ("a.py", "b.py"))


def _timeout(path: str, rule: str) -> ScanError:
    return ScanError("timeout", "error", "rule timed out on this file", path, 0, rule)


def test_a_file_with_threshold_timeouts_is_reported_not_checked() -> None:
    run = _run(_timeout("a.py", "SEC-001"), _timeout("a.py", "SEC-002"), _timeout("a.py", "OPS-004"), _timeout("b.py", "SEC-001"))
    skipped = not_checked_after_timeouts(run, 3)
    assert [(e.kind, e.level, e.path) for e in skipped] == [("not-checked", "error", "a.py")]
    assert "3 rules timed out" in skipped[0].message
    assert not_checked_after_timeouts(run, 4) == []


def test_fewer_timeouts_than_the_threshold_leave_only_the_timeouts() -> None:
    run = _run(_timeout("a.py", "SEC-001"), _timeout("a.py", "SEC-001"))  # one rule, reported twice: still one rule
    assert not_checked_after_timeouts(run, 2) == []


def _fake_semgrep(tmp_path: Path) -> Path:
    argv_file = tmp_path / "argv.json"
    script = tmp_path / "semgrep"
    script.write_text(
        "#!/usr/bin/env python3\nimport json, sys\n"
        f"open({str(argv_file)!r}, 'w').write(json.dumps(sys.argv[1:]))\n"
        "print(json.dumps({'results': [], 'errors': [], 'paths': {'scanned': [a for a in sys.argv[sys.argv.index('--') + 1:]]}}))\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return argv_file


def test_jobs_and_timeout_threshold_reach_semgrep(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    argv_file = _fake_semgrep(tmp_path)
    monkeypatch.setenv("FASTPOLICY_SEMGREP", str(tmp_path / "semgrep"))
    run = run_semgrep({"rules": []}, ["x.py"], jobs=2, timeout_threshold=5)
    argv = json.loads(argv_file.read_text())
    assert argv[argv.index("-j") + 1] == "2"
    assert argv[argv.index("--timeout-threshold") + 1] == "5"
    assert run.scanned == ("x.py",)
    run_semgrep({"rules": []}, ["x.py"])
    argv = json.loads(argv_file.read_text())
    assert argv[argv.index("--timeout-threshold") + 1] == "3", "the default lets semgrep skip a pathological file"


def test_scan_passes_jobs_from_the_command_line(tmp_path: Path) -> None:
    argv_file = _fake_semgrep(tmp_path)
    project = tmp_path / "project"
    project.mkdir()
    (project / "main.py").write_text("from fastapi import FastAPI\napp = FastAPI()\n")
    env = {"FASTPOLICY_SEMGREP": str(tmp_path / "semgrep"), "PATH": os.environ.get("PATH", "")}
    proc = run_cli("scan", ".", "--no-cache", "--jobs", "2", "--timeout-threshold", "4", cwd=project, env=env)
    assert proc.returncode in (0, 1), proc.stderr
    argv = json.loads(argv_file.read_text())
    assert argv[argv.index("-j") + 1] == "2" and argv[argv.index("--timeout-threshold") + 1] == "4"


def test_timeout_threshold_zero_is_refused(tmp_path: Path) -> None:
    (tmp_path / "main.py").write_text("x = 1\n")
    proc = run_cli("scan", ".", "--no-cache", "--timeout-threshold", "0", cwd=tmp_path)
    assert proc.returncode == 2


def test_the_model_walk_visits_what_ast_walk_visits_in_the_same_order() -> None:
    import ast

    from fastpolicy.project.modules import Module, walk

    source = (Path(__file__).resolve().parent.parent / "engine" / "fastpolicy" / "project" / "routes.py").read_text()
    tree = ast.parse(source)
    assert [id(n) for n in walk(tree)] == [id(n) for n in ast.walk(tree)]
    module = Module("m", "m.py", tree, False)
    assert module.nodes() is module.nodes(), "computed once per module"


def test_a_decorated_method_is_a_class_route_not_a_module_route(tmp_path: Path) -> None:
    from fastpolicy.project import build_model

    (tmp_path / "main.py").write_text(
        "from fastapi import APIRouter, FastAPI\n"
        "router = APIRouter()\n"
        "class Views:\n"
        "    @router.get('/inside')\n"
        "    def inside(self): ...\n"
        "@router.get('/outside')\n"
        "def outside(): ...\n"
        "app = FastAPI()\n"
        "app.include_router(router, prefix='/v1')\n"
    )
    model = build_model(["main.py"], base=tmp_path)
    paths = sorted(path for r in model.routes for path in r.effective_paths)
    assert paths == ["/v1/inside", "/v1/outside"], paths


def test_a_catalogue_loads_the_same_from_its_snapshot_and_a_changed_record_is_read_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil as sh

    from fastpolicy.catalogue.loader import load_catalogue
    from fastpolicy.errors import PolicyError

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    org = tmp_path / "org"
    sh.copytree(Path(__file__).resolve().parent / "fixtures" / "invalid" / "broken-pattern" / "policies", org)
    record = org / "demo" / "DEMO-001-eval-call.yaml"
    record.write_text(record.read_text().replace("pattern: eval((x", "pattern: eval(...)"))
    first = load_catalogue([org], sections_only=["demo"])
    snapshots = list((tmp_path / "cache" / "fastpolicy" / "validated").glob("*.pickle"))
    assert len(snapshots) == 1
    second = load_catalogue([org], sections_only=["demo"])
    assert second == first and [p.id for p in second.policies] == ["DEMO-001"]
    record.write_text(record.read_text().replace("severity: critical", "severity: loud"))
    with pytest.raises(PolicyError):
        load_catalogue([org], sections_only=["demo"])  # new bytes: validated again, and refused
    snapshots[0].write_bytes(b"not a pickle")
    record.write_text(record.read_text().replace("severity: loud", "severity: critical"))
    assert load_catalogue([org], sections_only=["demo"]) == first, "a damaged snapshot is ignored"


def _model_project(root: Path) -> list[str]:
    (root / "app").mkdir()
    (root / "app" / "settings.py").write_text("TIMEOUT = (1, 2.5)\nFLAGS = {b'x', 3}\nLIMIT = 1e400\nHALF = 0.5\nRATIO = 1j\nTOKEN_MINUTES = 60 * 24\n")
    (root / "app" / "main.py").write_text('from fastapi import FastAPI\nfrom app.routes import router\n\napp = FastAPI()\n'
                                          'app.include_router(router, prefix="/api/v1", dependencies=[])\n')
    (root / "app" / "routes.py").write_text('from fastapi import APIRouter\n\nrouter = APIRouter()\n\n\n@router.get("/items", response_model=list[str])\n'
                                            'async def items() -> list[str]:\n    return []\n')
    (root / "Dockerfile").write_text('FROM python:3.12-slim\nCMD ["uvicorn", "app.main:app", "--workers", "4"]\n')
    (root / ".env").write_text("SECRET_KEY=abc\n")
    return ["app/settings.py", "app/main.py", "app/routes.py", "Dockerfile", ".env"]


def test_a_model_built_in_a_child_process_equals_the_one_built_in_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from fastpolicy.project import builder, isolated
    from fastpolicy.project.builder import build_model
    from fastpolicy.project.stored import decode, encode

    files = _model_project(tmp_path)
    monkeypatch.chdir(tmp_path)
    here = build_model(files, roots=["."])
    assert here.routes and here.launches and {type(s.value) for s in here.settings} >= {tuple, set, float, complex, int, str}
    assert decode(json.loads(json.dumps(encode(here)))) == here  # the stored form is exact
    monkeypatch.setattr(builder, "build", lambda *a, **k: pytest.fail("built in-process: the child process did not answer"))
    child = isolated.build_isolated(files, roots=["."], deployment=None, force=True, summaries=False).model
    assert child == here and child.files() == here.files()
    assert [type(s.value) for s in child.settings] == [type(s.value) for s in here.settings]


def test_the_collector_pause_nests_and_always_restores_it() -> None:
    import gc

    from fastpolicy.gcpause import paused

    assert gc.isenabled()
    with paused():
        assert not gc.isenabled()
        with paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner pause leaves it to the outer one
    assert gc.isenabled()
    with pytest.raises(KeyError), paused():
        raise KeyError("x")
    assert gc.isenabled()
    gc.disable()
    try:
        with paused():
            pass
        assert not gc.isenabled()  # off before, off after: a caller's own choice is kept
    finally:
        gc.enable()


def test_a_scan_runs_with_the_collector_paused_and_gives_it_back_when_it_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import gc

    from fastpolicy.catalogue.loader import load_catalogue
    from fastpolicy.scan.scanner import ScanOptions, scan

    _model_project(tmp_path)
    monkeypatch.chdir(tmp_path)
    seen: list[bool] = []

    def progress(_stage: str) -> None:
        seen.append(gc.isenabled())
        raise LookupError("stop here")

    with pytest.raises(LookupError):
        scan(load_catalogue(), ["."], ScanOptions(), progress)
    assert seen == [False] and gc.isenabled()

def test_a_scan_whose_model_comes_from_a_child_process_equals_one_built_in_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A large project's model comes from a child process; the scan keeps only its text while semgrep runs and decodes
    it again for the findings, and the model cache is written from the child's summaries text: same result, same bytes."""
    from fastpolicy.catalogue.loader import load_catalogue
    from fastpolicy.project import builder, isolated
    from fastpolicy.scan.scanner import ScanOptions, scan

    _model_project(tmp_path)
    (tmp_path / "app" / "main.py").write_text('from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\n'
                                              'from app.routes import router\n\napp = FastAPI()\n'
                                              'app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)\n'
                                              'app.include_router(router, prefix="/api/v1", dependencies=[])\n')
    (tmp_path / "Dockerfile").write_text('FROM python:3.12-slim\nCMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--reload"]\n')
    monkeypatch.chdir(tmp_path)
    catalogue = load_catalogue([])
    select = ("SEC-010", "API-003", "API-010", "OPS-108")  # semgrep rules whose matches the model refines, and model-decided ones

    def run(cache: str) -> object:
        return scan(catalogue, ["."], ScanOptions(select=select, cache_dir=tmp_path / cache if cache else None))

    here, here_cold = run("here"), run("")
    assert {f.rule_id for f in here.findings} >= {"SEC-010", "OPS-108"}, here.findings
    in_process = builder.build
    monkeypatch.setattr(isolated, "CHILD_ABOVE_BYTES", 0)
    monkeypatch.setattr(builder, "build", lambda *a, **k: pytest.fail("built in-process: the child process did not answer"))
    assert run("child") == here and run("") == here_cold
    [stored] = (tmp_path / "child").glob("model-*.json")
    assert [stored.read_bytes()] == [p.read_bytes() for p in (tmp_path / "here").glob("model-*.json")]
    monkeypatch.setattr(builder, "build", in_process)  # a warm scan reads the summaries the child sent
    assert run("child") == here and not [e for e in here.errors if e.kind == "cache"]
