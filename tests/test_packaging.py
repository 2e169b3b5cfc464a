"""The policies, schemas and site sources ship inside the wheel, and the installed tool works from any directory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT, SEMGREP
from fastpolicy.catalogue.loader import load_catalogue


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One wheel of this tree for the module, built as `pip wheel --no-deps` does."""
    dist = tmp_path_factory.mktemp("dist")
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(dist), str(ROOT)],
        capture_output=True, text=True, check=False,
    )
    if built.returncode != 0 and "hatchling" in built.stderr:
        built = subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(ROOT)],
            capture_output=True, text=True, check=False,
        )
    assert built.returncode == 0, built.stderr
    [path] = dist.glob("fastpolicy-*.whl")
    return path


def test_wheel_carries_the_catalogue_and_scans_from_anywhere(wheel: Path, tmp_path: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "fastpolicy/data/schemas/policy.schema.json" in names
    assert "fastpolicy/data/schemas/config.schema.json" in names and "fastpolicy/data/schemas/overrides.schema.json" in names
    assert "fastpolicy/data/policies/sections.yaml" in names
    records = [n for n in names if n.startswith("fastpolicy/data/policies/") and n.count("/") == 4]
    assert len(records) == len(list((ROOT / "policies").glob("*/*.yaml")))
    site = tmp_path / "installed"
    zipfile.ZipFile(wheel).extractall(site)
    project = tmp_path / "project"
    project.mkdir()
    (project / "main.py").write_text('from fastapi.middleware.cors import CORSMiddleware\napp.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)\n')
    env = {**os.environ, "PYTHONPATH": str(site), "FASTPOLICY_SEMGREP": SEMGREP}
    result = subprocess.run([sys.executable, "-m", "fastpolicy.cli", "scan", "--select", "SEC-010", "."], cwd=project, env=env,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 1, result.stderr
    assert "SEC-010" in result.stdout
    probe = subprocess.run([sys.executable, "-c", "import fastpolicy.resources as r; print(r.policies_dir())"], cwd=project, env=env,
                           capture_output=True, text=True, check=False)
    assert probe.stdout.strip().startswith(str(site))


def test_docs_build_works_from_an_installed_wheel(wheel: Path, tmp_path: Path) -> None:
    """`pip install fastpolicy[docs]` then `fastpolicy docs build` in an empty folder: a fresh virtualenv outside the
    repository; its dependencies come from this interpreter's site-packages through a .pth (no network, no second
    copy), so the only fastpolicy it can import is the installed wheel's."""
    names = set(zipfile.ZipFile(wheel).namelist())
    for shipped in ("fastpolicy/data/mkdocs.yml", "fastpolicy/data/site/index.md", "fastpolicy/data/site/assets/fastpolicy.css",
                    "fastpolicy/site/mkdocs_hook.py"):
        assert shipped in names, shipped
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    purelib = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                  capture_output=True, text=True, check=True).stdout.strip())
    (purelib / "_outer_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")  # a plain path: its own .pth files stay unread
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "FASTPOLICY_TEST_MODULE", "VIRTUAL_ENV")}
    installed = subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", "--ignore-installed", str(wheel)],
                               cwd=tmp_path, env=env, capture_output=True, text=True, check=False)
    assert installed.returncode == 0, installed.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    where = subprocess.run([str(python), "-c", "import fastpolicy; print(fastpolicy.__file__)"], cwd=empty, env=env,
                           capture_output=True, text=True, check=True).stdout.strip()
    assert where.startswith(str(purelib)), where  # the wheel, not the checkout
    built = subprocess.run([str(venv / "bin" / "fastpolicy"), "docs", "build", "--out", "out"], cwd=empty, env=env,
                           capture_output=True, text=True, timeout=240, check=False)
    assert built.returncode == 0, built.stdout + built.stderr
    out = empty / "out"
    records = sorted(p.id for p in load_catalogue([], include_builtin=True).policies)
    assert sorted(p.parent.name for p in (out / "rules").glob("*/index.html")) == records
    assert "SEC-010" in (out / "rules" / "SEC-010" / "index.html").read_text(encoding="utf-8")
    index = json.loads((out / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert any(doc["location"].startswith("rules/SEC-010/") for doc in index["docs"])
    assert (out / "assets" / "fastpolicy.css").is_file() and (out / "schemas" / "policy.schema.json").is_file()
    assert sorted(p.name for p in empty.iterdir()) == ["out"]  # nothing else written where the user stood
