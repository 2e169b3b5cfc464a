"""Gitignore-style path patterns (pathspec's git-wildmatch, the syntax users know from .gitignore), each set relative
to one folder: --exclude and the configuration's globs (relative to the project root), and every .gitignore file
(relative to its own folder; nested files and `!negation` as git reads them)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pathspec

from .errors import UsageError

GITIGNORE = ".gitignore"


@lru_cache(maxsize=256)
def _spec(patterns: tuple[str, ...]) -> pathspec.GitIgnoreSpec:
    return pathspec.GitIgnoreSpec.from_lines(patterns)


def relative_to(path: str, base: str) -> str | None:
    """`path` relative to the folder `base`, in POSIX form; None when it is not below it (both taken as absolute, not resolved)."""
    rel = os.path.relpath(os.path.abspath(path), os.path.abspath(base))
    if rel == os.curdir:
        return ""
    if rel == os.pardir or rel.startswith(os.pardir + os.sep):
        return None
    return Path(rel).as_posix()


@dataclass(frozen=True)
class Patterns:
    """Patterns relative to the folder `base`; `verdict` is True (matched), False (matched by a `!` negation) or None."""

    base: str
    patterns: tuple[str, ...]

    @classmethod
    def of(cls, base: str, patterns: Iterable[str], origin: str = "--exclude") -> Patterns:
        lines = tuple(patterns)
        try:
            _spec(lines)
        except (ValueError, TypeError) as exc:  # pathspec refuses e.g. a lone '!' or '***'
            raise UsageError(f"{origin}: invalid pattern: {exc}") from exc
        return cls(base, lines)

    def verdict(self, path: str, is_dir: bool = False) -> bool | None:
        if not self.patterns:
            return None
        rel = relative_to(path, self.base)
        if not rel:
            return None
        return _spec(self.patterns).check_file(rel + "/" if is_dir else rel).include

    def matches(self, path: str, is_dir: bool = False) -> bool:
        return self.verdict(path, is_dir) is True

    def matching(self, paths: Iterable[str]) -> dict[str, list[str]]:
        """pattern -> the paths it matches (used to warn about a pattern that matches nothing)."""
        out: dict[str, list[str]] = {p: [] for p in self.patterns}
        for path in paths:
            rel = relative_to(path, self.base)
            if not rel:
                continue
            for pattern in self.patterns:
                if pattern.startswith("!"):
                    continue
                if _spec((pattern,)).check_file(rel).include:
                    out[pattern].append(path)
        return out


def read_gitignore(folder: str) -> Patterns | None:
    path = os.path.join(folder, GITIGNORE)
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            lines = tuple(handle.read().splitlines())
    except OSError:
        return None
    try:
        _spec(lines)
    except (ValueError, TypeError):
        return None  # git itself skips a line it cannot read; an unreadable .gitignore never stops a scan
    return Patterns(folder, lines)


def git_top(folder: str) -> str | None:
    """The work tree holding `folder` (nearest parent with .git), or None."""
    current = os.path.abspath(folder)
    while True:
        if os.path.exists(os.path.join(current, ".git")):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


class Ignored:
    """What git would ignore under one scanned root: every .gitignore from the work tree's top down to each folder walked."""

    def __init__(self, root: str) -> None:
        self._by_folder: dict[str, Patterns] = {}
        start = os.path.abspath(root if os.path.isdir(root) else os.path.dirname(root) or ".")
        top = git_top(start) or start
        self._top = top
        current = start
        while True:
            self.enter(current)
            if current == top or os.path.dirname(current) == current:
                break
            current = os.path.dirname(current)

    def enter(self, folder: str) -> None:
        """Read the .gitignore of a folder being walked (once)."""
        key = os.path.abspath(folder)
        if key not in self._by_folder:
            spec = read_gitignore(key)
            if spec is not None:
                self._by_folder[key] = spec

    def ignored(self, path: str, is_dir: bool = False) -> bool:
        """The deepest .gitignore with a verdict wins (a nested `!keep.py` re-includes what a parent ignored)."""
        if not self._by_folder:  # no .gitignore anywhere: the common case costs nothing
            return False
        absolute = os.path.abspath(path)
        folder = os.path.dirname(absolute)
        while True:
            spec = self._by_folder.get(folder)
            if spec is not None:
                verdict = spec.verdict(absolute, is_dir)
                if verdict is not None:
                    return verdict
            parent = os.path.dirname(folder)
            if parent == folder or folder == self._top:
                return False
            folder = parent


def exclusion(root: str, base: str, patterns: Sequence[str]) -> Patterns:
    """--exclude patterns for one scanned root: relative to `base` (the configuration's folder) or, without one, to the root."""
    folder = base or (root if os.path.isdir(root) else os.path.dirname(root) or ".")
    return Patterns.of(folder, patterns)
