"""Build a project's model in a child Python process, so the scan does not keep its memory while semgrep runs.

Parsing every module of a big project costs ~250 MB (polar, 1,100 files); once the model is built, the trees are
garbage, but CPython keeps almost all of that memory: its arenas are fragmented by the few facts that survive.
A child process builds the model and hands it back as JSON (`stored.py`, exact); when it exits, the memory goes
back to the system before semgrep starts. Only tiny projects are built in-process (a child costs a Python start-up):
built in-process, mealie's 1.1 MB of Python still held 41 MB in the scan while semgrep ran, dispatch's 2.5 MB 75 MB.
Any failure of the child (it could not start, crashed, returned something unreadable) builds in-process instead,
so the result is the same model either way and a real error surfaces as it would have.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..gcpause import paused
from .facts import ProjectModel

if TYPE_CHECKING:
    from .summaries import Summaries

CHILD_ABOVE_BYTES = 150_000  # Python source above which the model is built in a child process (~4k lines)


def python_bytes(files: Sequence[str]) -> int:
    total = 0
    for path in files:
        if path.endswith((".py", ".pyi")):
            try:
                total += os.stat(path).st_size
            except OSError:
                pass
    return total


@dataclass(frozen=True)
class Built:
    """A model build: the model, what it keeps of each file, and (from a child process) the model's stored text."""

    model: ProjectModel
    summaries: Summaries | str  # str: the JSON text of `summaries.encode(...)` as the child sent it ("" when not asked for)
    text: str = ""  # from a child: the model's stored JSON text (`stored.py`), "" when built in-process


def build_isolated(files: Sequence[str], *, roots: Sequence[str], deployment: str | None, force: bool = False,
                   previous: Summaries | None = None, summaries: bool = True) -> Built:
    """`build(...)`: in-process with a previous build's summaries (only what changed is parsed) or for a small project,
    else in a child process whose memory goes back to the system when it exits.

    From the child, the summaries come back as the JSON text `summaries.encode` gives (what the model cache stores),
    never decoded here: the scan does not use them, and decoding them would keep ~12 MB (polar) while semgrep runs.
    With `summaries=False` the child does not send them at all ("" in their place). The model's own text is kept
    (`Built.text`): the scan holds only that while semgrep runs, and decodes it again after."""
    if previous is None and (force or python_bytes(files) > CHILD_ABOVE_BYTES):
        answer = _from_child(files, roots, deployment, summaries)
        if answer is not None:
            return answer
    from .builder import build  # here, not at the top: the scan that gets its model from the child never loads the builder

    return Built(*build(files, roots=roots, deployment=deployment, previous=previous))


def _from_child(files: Sequence[str], roots: Sequence[str], deployment: str | None, summaries: bool) -> Built | None:
    """The child's model and summaries text; None when it could not answer (the caller builds in-process)."""
    from .stored import decode_text

    package_root = str(Path(__file__).resolve().parent.parent.parent)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([package_root, *filter(None, [os.environ.get("PYTHONPATH")])])}
    request = json.dumps({"files": list(files), "roots": list(roots), "deployment": deployment, "summaries": summaries})
    try:
        done = subprocess.run([sys.executable, "-m", "fastpolicy.project.isolated"], input=request, capture_output=True,
                              text=True, encoding="utf-8", env=env, check=False)
        if done.returncode != 0:
            return None
        model_text, _, stored = done.stdout.partition("\n")  # JSON text holds no raw newline: one line each
        del done
        if summaries and not (stored.startswith("{") and stored.endswith("}")):
            return None
        return Built(decode_text(model_text), stored, model_text)
    except (OSError, ValueError, TypeError, KeyError, RecursionError):
        return None


def _child() -> int:
    from .builder import build
    from .stored import encode
    from .summaries import encode as encode_summaries

    with paused():  # as in the scan (fastpolicy.gcpause): the collector's cost would grow faster than the project
        request = json.loads(sys.stdin.read())
        model, summaries = build(request["files"], roots=request["roots"], deployment=request["deployment"])
        json.dump(encode(model), sys.stdout, separators=(",", ":"))
        sys.stdout.write("\n")
        if request.get("summaries", True):
            json.dump(encode_summaries(summaries), sys.stdout, separators=(",", ":"))
    return 0


if __name__ == "__main__":
    sys.exit(_child())
