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

from ..gcpause import paused
from .builder import build
from .facts import ProjectModel
from .summaries import Summaries

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
    return build_isolated(files, roots=roots, deployment=deployment, force=force)[0]


def build_isolated(files: Sequence[str], *, roots: Sequence[str], deployment: str | None, force: bool = False,
                   previous: Summaries | None = None) -> tuple[ProjectModel, Summaries]:
    """`build(...)`: in-process with a previous build's summaries (only what changed is parsed) or for a small project,
    else in a child process whose memory goes back to the system when it exits."""
    if previous is not None or (not force and python_bytes(files) <= CHILD_ABOVE_BYTES):
        return build(files, roots=roots, deployment=deployment, previous=previous)
    from .stored import decode
    from .summaries import decode as decode_summaries

    package_root = str(Path(__file__).resolve().parent.parent.parent)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([package_root, *filter(None, [os.environ.get("PYTHONPATH")])])}
    request = json.dumps({"files": list(files), "roots": list(roots), "deployment": deployment})
    try:
        done = subprocess.run([sys.executable, "-m", "fastpolicy.project.isolated"], input=request, capture_output=True,
                              text=True, encoding="utf-8", env=env, check=False)
        if done.returncode == 0:
            answer = json.loads(done.stdout)
            return decode(answer["model"]), decode_summaries(answer["summaries"])
    except (OSError, ValueError, TypeError, KeyError, RecursionError):
        pass
    return build(files, roots=roots, deployment=deployment)


def _child() -> int:
    from .stored import encode
    from .summaries import encode as encode_summaries

    with paused():  # as in the scan (fastpolicy.gcpause): the collector's cost would grow faster than the project
        request = json.loads(sys.stdin.read())
        model, summaries = build(request["files"], roots=request["roots"], deployment=request["deployment"])
        json.dump({"model": encode(model), "summaries": encode_summaries(summaries)}, sys.stdout, separators=(",", ":"))
    return 0


if __name__ == "__main__":
    sys.exit(_child())
