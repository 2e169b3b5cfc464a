"""`--diff REF`: the files changed since a git ref, for pre-commit hooks and pull requests.

Changed = what `git diff --name-only REF...` lists (since the merge base of REF and HEAD, so commits on REF's side
are not yours), plus the staged and unstaged changes of the work tree and untracked files that are not ignored.
A renamed file counts under its new name; a deleted file is not there to check. The project model still reads every
file (scanner.py), so route and settings facts stay right; only findings in changed files are reported.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

from ..errors import UsageError

_TIMEOUT = 60


def _git(args: Sequence[str], cwd: str) -> subprocess.CompletedProcess[bytes]:
    git = shutil.which("git")
    if git is None:
        raise UsageError("--diff needs git, which is not on PATH")
    try:
        return subprocess.run([git, *args], cwd=cwd, capture_output=True, timeout=_TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise UsageError(f"--diff: git {args[0]} failed: {exc}") from exc


def _message(done: subprocess.CompletedProcess[bytes]) -> str:
    return done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:][0] if done.stderr.strip() else f"exit {done.returncode}"


def work_tree(path: str) -> str:
    """The top of the git work tree holding `path`; a usage error when there is none."""
    folder = path if os.path.isdir(path) else (os.path.dirname(path) or ".")
    done = _git(["rev-parse", "--show-toplevel"], folder)
    if done.returncode != 0:
        raise UsageError(f"--diff: {path} is not inside a git work tree ({_message(done)})")
    return done.stdout.decode("utf-8", "replace").strip()


def changed_files(roots: Sequence[str], ref: str) -> frozenset[str]:
    """Resolved absolute paths of the files changed since `ref` in the work tree holding the scanned roots."""
    if not ref or ref.startswith("-"):
        raise UsageError(f"--diff: '{ref}' is not a git ref")
    tops = {work_tree(r) for r in roots}
    if len(tops) != 1:
        raise UsageError(f"--diff: the scanned paths lie in different git work trees ({', '.join(sorted(tops))})")
    top = tops.pop()
    resolved = _git(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}"], top)
    if resolved.returncode != 0:
        raise UsageError(f"--diff: unknown git ref '{ref}' in {top} (a branch, tag or commit, e.g. origin/main or HEAD~1)")
    commit = resolved.stdout.decode().strip()
    base = _git(["merge-base", commit, "HEAD"], top)
    if base.returncode != 0:
        raise UsageError(f"--diff: '{ref}' and HEAD have no common ancestor in {top} ({_message(base)})")
    names: set[str] = set()
    for args in (["diff", "--name-only", "-z", "--no-ext-diff", "--no-textconv", base.stdout.decode().strip(), "--"],
                 ["ls-files", "--others", "--exclude-standard", "-z", "--full-name"]):
        done = _git(args, top)
        if done.returncode != 0:
            raise UsageError(f"--diff: git {args[0]} failed in {top}: {_message(done)}")
        names.update(n for n in done.stdout.decode("utf-8", "surrogateescape").split("\0") if n)
    real_top = Path(top).resolve()
    return frozenset(str((real_top / n).resolve()) for n in names)


def in_diff(path: str, changed: frozenset[str]) -> bool:
    return str(Path(path).resolve()) in changed
