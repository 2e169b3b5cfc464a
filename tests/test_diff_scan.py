"""`--diff REF` in a temporary git repository: only changed (and untracked) files are checked, renamed files count,
the project model still reads every file, and a missing repository or unknown ref is a usage error (exit 2)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import run_cli

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
CORS = 'app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)'
HEADER = "from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\n\napp = FastAPI()\n"


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *args], cwd=root, check=True, capture_output=True)


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("diff")
    _git(root, "init", "-q", "-b", "main")
    (root / "app").mkdir()
    for name in ("old.py", "moved.py", "edited.py"):
        (root / "app" / name).write_text(HEADER + CORS + "\n")
    (root / "app" / "routes.py").write_text("from fastapi import APIRouter\n\nrouter = APIRouter()\n")
    # unchanged below: the served application that mounts the router under an unversioned prefix
    (root / "app" / "api.py").write_text("import uvicorn\nfrom fastapi import FastAPI\n\nfrom .routes import router\n\napp = FastAPI()\n"
                                         'app.include_router(router, prefix="/api")\n\nif __name__ == "__main__":\n    uvicorn.run(app)\n')
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "base")
    _git(root, "switch", "-q", "-c", "feature")
    _git(root, "mv", "app/moved.py", "app/renamed.py")
    (root / "app" / "edited.py").write_text(HEADER + "\n" + CORS + "\n")
    with (root / "app" / "routes.py").open("a") as routes:
        routes.write('\n\n@router.get("/items")\nasync def items() -> list[str]:\n    return []\n')
    _git(root, "commit", "-q", "-am", "feature work")
    (root / "app" / "untracked.py").write_text(HEADER + CORS + "\n")
    (root / ".gitignore").write_text("ignored.py\n")
    (root / "ignored.py").write_text(HEADER + CORS + "\n")
    return root


@pytest.fixture(scope="module")
def diffed(repo: Path) -> tuple[int, dict, str]:
    result = run_cli("scan", "--format", "json", "--no-cache", "--select", "SEC-010", "--select", "OPS-004", "--select", "API-010", "--diff", "main", ".", cwd=repo)
    text = run_cli("scan", "--no-cache", "--select", "SEC-010", "--select", "OPS-004", "--diff", "main", ".", cwd=repo)
    return result.returncode, json.loads(result.stdout), text.stdout


def test_only_changed_renamed_and_untracked_files_are_reported(diffed: tuple[int, dict, str]) -> None:
    code, data, _ = diffed
    assert code == 1
    # old.py was not changed, ignored.py is git-ignored; `.gitignore` itself is no Python file
    assert sorted(Path(f["path"]).name for f in data["findings"] if f["rule_id"] == "SEC-010") == ["edited.py", "renamed.py", "untracked.py"]
    assert data["summary"]["diff"]["ref"] == "main"
    assert data["summary"]["diff"]["files_checked"] == 4
    assert data["summary"]["files_scanned"] == 4


def test_the_project_model_still_reads_unchanged_files(diffed: tuple[int, dict, str]) -> None:
    # the changed router is judged with the prefix set in the unchanged api.py: "/api/items" has no version
    _, data, _ = diffed
    [unversioned] = [f for f in data["findings"] if f["rule_id"] == "API-010"]
    assert Path(unversioned["path"]).name == "routes.py"


def test_project_wide_rules_are_named_as_not_run(diffed: tuple[int, dict, str]) -> None:
    _, data, text = diffed
    assert data["summary"]["diff"]["rules_skipped"] == ["OPS-004"]  # "no liveness endpoint anywhere" needs every file
    assert not any(f["rule_id"] == "OPS-004" for f in data["findings"])
    assert "Diff scan since main: 4 changed files checked; project-wide rules not run" in text and "OPS-004" in text


def test_a_full_scan_of_the_same_tree_sees_more(repo: Path, diffed: tuple[int, dict, str]) -> None:
    result = run_cli("scan", "--format", "json", "--no-cache", "--select", "SEC-010", ".", cwd=repo)
    names = sorted(Path(f["path"]).name for f in json.loads(result.stdout)["findings"])
    assert names == ["edited.py", "old.py", "renamed.py", "untracked.py"]  # ignored.py: .gitignore is honoured by every scan


def test_unknown_ref_and_no_repository_are_usage_errors(repo: Path, tmp_path: Path) -> None:
    unknown = run_cli("scan", "--select", "SEC-010", "--diff", "no-such-branch", ".", cwd=repo)
    assert unknown.returncode == 2 and "unknown git ref 'no-such-branch'" in unknown.stderr
    option = run_cli("scan", "--select", "SEC-010", "--diff=--output=x", ".", cwd=repo)
    assert option.returncode == 2 and "is not a git ref" in option.stderr
    (tmp_path / "app.py").write_text("x = 1\n")
    outside = run_cli("scan", "--select", "SEC-010", "--diff", "main", ".", cwd=tmp_path, env={"GIT_CEILING_DIRECTORIES": str(tmp_path.parent)})
    assert outside.returncode == 2 and "is not inside a git work tree" in outside.stderr
