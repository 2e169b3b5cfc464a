"""Which files a scan reads: .gitignore (nested, negation), gitignore-style --exclude relative to the project root
whatever the working directory, excluded folders pruned. `collect` directly (no semgrep), and one scan through the CLI."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import run_cli
from fastpolicy.scan.targets import collect

CORS = 'from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\n\napp = FastAPI()\napp.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)\n'


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    return write(tmp_path, {
        ".gitignore": "*.log.py\nbuild_out/\nsecret*.py\n",
        "app/main.py": "x = 1\n", "app/debug.log.py": "x = 1\n", "build_out/gen.py": "x = 1\n",
        "app/secret_local.py": "x = 1\n",
        "app/.gitignore": "!secret_kept.py\nlocal_only.py\n", "app/secret_kept.py": "x = 1\n", "app/local_only.py": "x = 1\n",
        "generated/client.py": "x = 1\n", "app/generated/models.py": "x = 1\n", "docs/generated.py": "x = 1\n",
    })


def files(root: str, **kwargs: object) -> set[str]:
    found = collect([root], ("*.py",), **kwargs)  # type: ignore[arg-type]
    return {Path(os.path.relpath(f, root)).as_posix() for f in found.files}


def test_gitignore_is_honoured_with_nested_files_and_negation(tree: Path) -> None:
    got = files(str(tree))
    assert "app/main.py" in got and "generated/client.py" in got
    assert "app/debug.log.py" not in got and "build_out/gen.py" not in got and "app/secret_local.py" not in got
    assert "app/secret_kept.py" in got  # re-included by app/.gitignore
    assert "app/local_only.py" not in got  # ignored by the nested file only
    assert "app/local_only.py" in files(str(tree), gitignore=False)


def test_a_parent_gitignore_applies_when_a_subfolder_is_scanned(tree: Path) -> None:
    got = files(str(tree / "app"))
    assert got == {"main.py", "secret_kept.py", "generated/models.py"}


def test_a_file_named_explicitly_is_scanned_even_when_ignored(tree: Path) -> None:
    assert collect([str(tree / "app" / "debug.log.py")], ("*.py",)).files == (str(tree / "app" / "debug.log.py"),)


@pytest.mark.parametrize("pattern", ["generated", "generated/", "**/generated/**", "**/generated"])
def test_exclude_forms_users_know_all_work(tree: Path, pattern: str) -> None:
    got = files(str(tree), exclude=(pattern,))
    assert "generated/client.py" not in got and "app/generated/models.py" not in got
    assert "docs/generated.py" in got  # a file merely named generated.py stays
    assert "app/main.py" in got


def test_anchored_exclude_is_relative_to_the_project_root_not_the_working_directory(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tree / "app")
    got = files(str(tree), exclude=("/generated",))
    assert "generated/client.py" not in got and "app/generated/models.py" in got
    got = files(str(tree / "app"), exclude=("/generated",), base=str(tree))  # the configuration's folder is the root
    assert "generated/models.py" in got


def test_excluded_folders_are_pruned_not_walked(tree: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    outside = tmp_path_factory.mktemp("outside")
    write(outside, {"other.py": "x = 1\n"})
    (tree / "generated" / "link").symlink_to(outside, target_is_directory=True)  # walking it would report "not checked"
    assert any(e.kind == "symlink" for e in collect([str(tree)], ("*.py",)).errors)
    assert not collect([str(tree)], ("*.py",), exclude=("generated/",)).errors


def test_an_invalid_pattern_is_a_usage_error(tmp_path: Path) -> None:
    write(tmp_path, {"app.py": CORS})
    result = run_cli("scan", "--exclude", "!", "--no-cache", ".", cwd=tmp_path)
    assert result.returncode == 2
    assert "--exclude: invalid pattern" in result.stderr and "Traceback" not in result.stderr


def test_a_scan_from_another_folder_excludes_and_ignores_the_same_files(tmp_path: Path) -> None:
    project = write(tmp_path / "project", {".gitignore": "ignored/\n", "app/main.py": CORS, "ignored/x.py": CORS,
                                           "generated/y.py": CORS, "pyproject.toml": '[tool.fastpolicy]\nselect = ["SEC-010"]\n'})
    result = run_cli("scan", "-q", "-f", "json", "--no-cache", "--exclude", "generated/", str(project), cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert [Path(f["path"]).relative_to(project).as_posix() for f in json.loads(result.stdout)["findings"]] == ["app/main.py"]
