"""The policies and schemas ship inside the wheel, and the installed tool works from any directory."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

from conftest import ROOT, SEMGREP


def test_wheel_carries_the_catalogue_and_scans_from_anywhere(tmp_path: Path) -> None:
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path / "dist"), str(ROOT)],
        capture_output=True, text=True, check=False,
    )
    if built.returncode != 0 and "hatchling" in built.stderr:
        built = subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path / "dist"), str(ROOT)],
            capture_output=True, text=True, check=False,
        )
    assert built.returncode == 0, built.stderr
    [wheel] = (tmp_path / "dist").glob("fastpolicy-*.whl")
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
    (project / "main.py").write_text('from fastapi.middleware.cors import CORSMiddleware\napp.add_middleware(CORSMiddleware, allow_origins=["*"])\n')
    env = {**os.environ, "PYTHONPATH": str(site), "FASTPOLICY_SEMGREP": SEMGREP}
    result = subprocess.run([sys.executable, "-m", "fastpolicy.cli", "scan", "--select", "SEC-010", "."], cwd=project, env=env,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 1, result.stderr
    assert "SEC-010" in result.stdout
    probe = subprocess.run([sys.executable, "-c", "import fastpolicy.resources as r; print(r.policies_dir())"], cwd=project, env=env,
                           capture_output=True, text=True, check=False)
    assert probe.stdout.strip().startswith(str(site))
