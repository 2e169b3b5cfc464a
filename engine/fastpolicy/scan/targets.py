"""Choose the files to scan: explicit, deliberate target selection instead of semgrep's defaults.

semgrep skips tests/ and test/ by default and `--include` cannot bring them back, yet testing rules
must read conftest.py and test modules. So fastpolicy walks the tree itself, skips only tool and
dependency folders, and hands semgrep the files explicitly (explicit files bypass its ignore list).
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..catalogue.languages import BY_NAME
from ..errors import UsageError
from ..models import Policy, ScanError

SKIPPED_DIRS = frozenset({
    ".git", ".hg", ".svn", ".tox", ".nox", ".venv", "venv", "__pycache__", ".mypy_cache", ".pytest_cache",
    ".ruff_cache", ".fastpolicy_cache", "node_modules", "site-packages", ".eggs", "build", "dist", ".idea", ".vscode",
})
MAX_FILE_BYTES = 1_000_000

@dataclass(frozen=True)
class Targets:
    files: tuple[str, ...]
    errors: tuple[ScanError, ...]


def _skipped_dir(path: Path) -> bool:
    return path.name in SKIPPED_DIRS or path.name.endswith(".egg-info") or (path / "pyvenv.cfg").is_file()


def name_globs(policies: Iterable[Policy]) -> tuple[str, ...]:
    """File-name globs any selected rule could read; generic rules contribute their include globs."""
    globs: set[str] = set()
    for policy in policies:
        check = policy.check
        if not check.automated:
            continue
        includes = [str(p) for p in check.paths.get("include", [])]
        for name in check.languages:
            language = BY_NAME.get(name)
            own = language.globs if language else ()
            if own and not language.prefer_includes:
                globs.update(own)
            elif includes:
                globs.update(p.rstrip("/").split("/")[-1] or "*" for p in includes)
            else:
                globs.update(own or ("*",))
    return tuple(sorted(globs))


def _wanted(name: str, globs: Sequence[str]) -> bool:
    return any(fnmatch.fnmatchcase(name, g) for g in globs)


def wanted(path: str, globs: Sequence[str]) -> bool:
    """Whether a collected file is one some rule reads (the project model reads more)."""
    return _wanted(Path(path).name, globs)


def collect(roots: Sequence[str], globs: Sequence[str], *, exclude: Sequence[str] = (), max_bytes: int = MAX_FILE_BYTES) -> Targets:
    """Files under `roots` (as given: relative stays relative) whose names match `globs`."""
    files: set[str] = set()
    errors: list[ScanError] = []
    for root in roots:
        base = Path(root)
        if not base.exists():
            raise UsageError(f"{root}: no such file or directory")
        if base.is_file():
            candidates: Iterable[Path] = [base]
        else:
            candidates = _walk(base)
        for path in candidates:
            shown = os.path.normpath(str(path))
            if any(fnmatch.fnmatch(shown, pattern) or fnmatch.fnmatch(path.name, pattern) for pattern in exclude):
                continue
            if not base.is_file() and not _wanted(path.name, globs):
                continue
            try:
                size = path.stat().st_size
            except OSError as exc:
                errors.append(ScanError("unreadable", "error", f"cannot read file: {exc.strerror}", shown))
                continue
            if max_bytes and size > max_bytes:
                errors.append(ScanError("too-large", "error", f"not checked: {size} bytes is over the {max_bytes}-byte limit (--max-file-size)", shown))
                continue
            files.add(shown)
    return Targets(tuple(sorted(files)), tuple(errors))


def _walk(base: Path) -> Iterable[Path]:
    for current, dirs, names in os.walk(base, followlinks=False):
        here = Path(current)
        dirs[:] = sorted(d for d in dirs if not _skipped_dir(here / d) and not (here / d).is_symlink())
        for name in sorted(names):
            path = here / name
            if path.is_file() and not path.is_symlink():
                yield path
