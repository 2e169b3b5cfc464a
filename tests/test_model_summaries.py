"""A model built from the previous build's summaries equals a cold build, byte for byte, through edits, renames and deletes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fastpolicy.project import summaries
from fastpolicy.project.builder import build
from fastpolicy.project.stored import encode

FILES = {
    "app/main.py": "from fastapi import FastAPI\nfrom app.routes import router\nfrom app.settings import PREFIX\n\napp = FastAPI()\napp.include_router(router, prefix=PREFIX)\n",
    "app/routes.py": "from fastapi import APIRouter, Depends\nfrom app.deps import user\nfrom app.models import Item\n\nrouter = APIRouter()\n\n\n"
                     "@router.get('/items')\nasync def items(body: Item, u=Depends(user)):\n    return []\n",
    "app/deps.py": "from fastapi import Depends\n\n\ndef token():\n    return 't'\n\n\ndef user(t=Depends(token)):\n    return t\n",
    "app/models.py": "from pydantic import BaseModel\n\n\nclass Base(BaseModel):\n    id: int\n\n\nclass Item(Base):\n    name: str\n",
    "app/settings.py": "PREFIX = '/api'\n",
    "Dockerfile": 'FROM python:3.12-slim\nCMD ["uvicorn", "app.main:app", "--workers", "2"]\n',
    "pyproject.toml": '[project]\nname = "x"\ndependencies = ["fastapi>=0.110"]\n',
}


def _json(model: object) -> str:
    return json.dumps(encode(model), sort_keys=True)  # type: ignore[arg-type]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name, text in FILES.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_warm_builds_equal_cold_builds_through_every_kind_of_change(project: Path) -> None:
    _, stored = build(_files(project), roots=["."])
    changes = [
        ("app/models.py", lambda t: t.replace("name: str", "name: str\n    password: str")),  # a field another module's route reads
        ("app/deps.py", lambda t: t.replace("return t", "x = 1\n    return t")),  # a body edit, interface unchanged
        ("app/deps.py", lambda t: t + "\n\ndef admin():\n    return 1\n"),  # a new top-level name
        ("app/settings.py", lambda t: t.replace("/api", "/api/v2")),  # a constant a prefix resolves through
        ("Dockerfile", lambda t: t.replace('"2"', '"4"')),
        ("pyproject.toml", lambda t: t.replace(">=0.110", ">=0.115")),
        ("app/routes.py", lambda t: t.replace("def items(", "def items(:")),  # a module that no longer parses
        ("app/routes.py", lambda t: t.replace("def items(:", "def items(")),
    ]
    for name, change in changes:
        path = project / name
        path.write_text(change(path.read_text()))
        previous = summaries.decode(json.loads(json.dumps(summaries.encode(stored))))
        warm, stored = build(_files(project), roots=["."], previous=previous)
        cold, _ = build(_files(project), roots=["."])
        assert _json(warm) == _json(cold), name
    (project / "app" / "routes.py").rename(project / "app" / "views.py")
    (project / "app" / "main.py").write_text(FILES["app/main.py"].replace("app.routes", "app.views"))
    warm, stored = build(_files(project), roots=["."], previous=stored)
    assert _json(warm) == _json(build(_files(project), roots=["."])[0]) and any(r.location.path == "app/views.py" for r in warm.routes)
    (project / "app" / "models.py").unlink()
    warm, _ = build(_files(project), roots=["."], previous=stored)
    assert _json(warm) == _json(build(_files(project), roots=["."])[0])


def test_an_unchanged_build_reuses_every_summary_and_a_damaged_one_is_refused(project: Path) -> None:
    _, stored = build(_files(project), roots=["."])
    _, again = build(_files(project), roots=["."], previous=stored)
    assert again.same_as(stored)
    data = summaries.encode(stored)
    data["files"]["dict"][0][1]["FileSummary"] = data["files"]["dict"][0][1]["FileSummary"][:2]
    with pytest.raises(ValueError):
        summaries.decode(json.loads(json.dumps(data)))
