"""Build a large project's model in a child Python process, so the scan does not keep its memory while semgrep runs.

Parsing every module of a big project costs ~250 MB (polar, 1,100 files); once the model is built, the trees are
garbage, but CPython keeps almost all of that memory: its arenas are fragmented by the few facts that survive.
A child process builds the model and hands it back as JSON (`stored.py`, exact); when it exits, the memory goes
back to the system before semgrep starts. Small projects are built in-process (a child costs a Python start-up).
Any failure of the child (it could not start, crashed, returned something unreadable) builds in-process instead,
so the result is the same model either way and a real error surfaces as it would have.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from .builder import build_model
from .facts import ProjectModel

CHILD_ABOVE_BYTES = 4_000_000  # Python source above which the model is built in a child process (~100k lines)


def python_bytes(files: Sequence[str]) -> int:
    total = 0
    for path in files:
        if path.endswith((".py", ".pyi")):
            try:
                total += os.stat(path).st_size
            except OSError:
                pass
    return total


def build_model_isolated(files: Sequence[str], *, roots: Sequence[str], deployment: str | None, force: bool = False) -> ProjectModel:
    """`build_model(files, roots=roots, deployment=deployment)`, in a child process when the project is large."""
    if not force and python_bytes(files) <= CHILD_ABOVE_BYTES:
        return build_model(files, roots=roots, deployment=deployment)
    from .stored import decode

    package_root = str(Path(__file__).resolve().parent.parent.parent)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([package_root, *filter(None, [os.environ.get("PYTHONPATH")])])}
    request = json.dumps({"files": list(files), "roots": list(roots), "deployment": deployment})
    try:
        done = subprocess.run([sys.executable, "-m", "fastpolicy.project.isolated"], input=request, capture_output=True,
                              text=True, encoding="utf-8", env=env, check=False)
        if done.returncode == 0:
            return decode(json.loads(done.stdout))
    except (OSError, ValueError, TypeError, RecursionError):
        pass
    return build_model(files, roots=roots, deployment=deployment)


def _child() -> int:
    from .stored import encode

    request = json.loads(sys.stdin.read())
    model = build_model(request["files"], roots=request["roots"], deployment=request["deployment"])
    json.dump(encode(model), sys.stdout, separators=(",", ":"))
    return 0


if __name__ == "__main__":
    sys.exit(_child())
