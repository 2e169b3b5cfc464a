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
from ..pathmatch import Ignored, Patterns, exclusion

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


def resolve_root(root: str) -> str:
    """A symlinked root is replaced by what it points to (semgrep refuses symlinked roots); relative stays relative when it can."""
    if not os.path.islink(root):
        return root
    real = os.path.realpath(root)
    if os.path.isabs(root):
        return real
    rel = os.path.relpath(real)
    return real if rel.startswith("..") else rel


def collect(roots: Sequence[str], globs: Sequence[str], *, exclude: Sequence[str] = (), max_bytes: int = MAX_FILE_BYTES,
            base: str = "", gitignore: bool = True) -> Targets:
    """Files under `roots` (as given: relative stays relative) whose names match `globs`.

    `exclude` holds gitignore-style patterns relative to `base` (the configuration's folder) or, without one, to each
    root; excluded and git-ignored folders are pruned, not walked. A file named explicitly is scanned even when ignored.

    A symlink to a file inside the scanned roots is scanned once, under the path of the file it points to;
    any other symlink (outside the roots, dangling, a loop, a folder outside) is listed as not checked.
    """
    files: set[str] = set()
    errors: list[ScanError] = []
    roots = [resolve_root(r) for r in roots]
    for root in roots:
        if not os.path.exists(root):
            raise UsageError(f"{root}: no such file or directory")
    real_roots = [(r, os.path.realpath(r)) for r in roots]
    for root in roots:
        base_path = Path(root)
        excluded = exclusion(root, base, exclude)
        ignored = Ignored(root) if gitignore and not base_path.is_file() else None
        candidates: Iterable[Path] = [base_path] if base_path.is_file() else _walk(base_path, errors, real_roots, excluded, ignored)
        for path in candidates:
            shown = os.path.normpath(str(path))
            if path.is_symlink():
                if not _wanted(path.name, globs) or excluded.matches(shown):
                    continue
                inside = _inside_roots(path, real_roots)
                if inside is None:
                    errors.append(ScanError("symlink", "error", f"not checked: symbolic link to {os.path.realpath(path)}, which is not a file inside the scanned folders", shown))
                    continue
                path, shown = Path(inside), os.path.normpath(inside)
            if excluded.matches(shown) or (ignored is not None and ignored.ignored(shown)):
                continue
            if not base_path.is_file() and not _wanted(path.name, globs):
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
    return Targets(tuple(sorted(files)), tuple(sorted(set(errors), key=ScanError.sort_key)))


def _inside_roots(link: Path, real_roots: Sequence[tuple[str, str]]) -> str | None:
    """The link's target, shown under the root that holds it, when it is a regular file inside a scanned root."""
    real = os.path.realpath(link)
    if not os.path.isfile(real):
        return None
    for shown_root, real_root in real_roots:
        if real == real_root:
            return shown_root
        if real.startswith(real_root.rstrip(os.sep) + os.sep):
            return os.path.join(shown_root, os.path.relpath(real, real_root))
    return None


def _walk(base: Path, errors: list[ScanError], real_roots: Sequence[tuple[str, str]], excluded: Patterns,
          ignored: Ignored | None) -> Iterable[Path]:
    for current, dirs, names in os.walk(base, followlinks=False):
        here = Path(current)
        if ignored is not None:
            ignored.enter(current)
        kept = []
        for d in sorted(dirs):
            path = here / d
            if _skipped_dir(path) or excluded.matches(str(path), is_dir=True) or (ignored is not None and ignored.ignored(str(path), is_dir=True)):
                continue
            if path.is_symlink():
                real = os.path.realpath(path)
                if not any(real == r or real.startswith(r.rstrip(os.sep) + os.sep) for _, r in real_roots):
                    # a folder inside the roots is scanned where it really is; one outside is never silently lost
                    errors.append(ScanError("symlink", "error", f"not checked: symbolic link to the folder {real}, outside the scanned folders", os.path.normpath(str(path))))
                continue
            kept.append(d)
        dirs[:] = kept
        for name in sorted(names):
            path = here / name
            if path.is_symlink() or path.is_file():
                yield path
