"""`python -m bench.startup`: start-up cost of the commands that only read the catalogue, beside the interpreter's floor.

    python -m bench.startup [--runs 7] [--tree DIR ...] [--python PY] [--no-bytecode-cache]

Each command runs as its own process (`python -m fastpolicy.cli ...` with PYTHONPATH=<tree>/engine, output to
/dev/null, from the tree's root), interleaved round by round: every command of every tree runs once per round, so
two trees (e.g. `--tree /work/main --tree .`: before and after) see the same load. Per command it prints the median
CPU seconds (user+sys of the whole process tree, from wait4) and the median wall seconds; `python -c pass` and
`python -c "import typer"` are the floor (what the interpreter and the command-line library cost on their own, so
a figure can be read on a loaded machine). One untimed warm-up round first: it fills the bytecode cache and the
catalogue snapshot (`$XDG_CACHE_HOME/fastpolicy/validated/`), which every later start reads.

Bytecode: an installed package starts from compiled `.pyc` files, so by default the children write and read them
under a temporary PYTHONPYCACHEPREFIX (PYTHONDONTWRITEBYTECODE, if set, is dropped; nothing is written into the
trees). `--no-bytecode-cache` keeps the environment as it is: with PYTHONDONTWRITEBYTECODE=1, every start compiles
fastpolicy's own modules from source again. Standard library only.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FLOOR: dict[str, list[str]] = {"python -c pass": ["-c", "pass"], 'python -c "import typer"': ["-c", "import typer"]}
COMMANDS: dict[str, list[str]] = {
    "list": ["list"],
    "list --format json": ["list", "--format", "json"],
    "show SEC-001": ["show", "SEC-001"],
    "explain SEC-001": ["explain", "SEC-001"],
    "coverage": ["coverage"],
    "graph": ["graph"],
    "--help": ["--help"],
}
DEFAULT_PYTHON = Path("/work/main/.venv/bin/python")


def timed(argv: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float]:
    """(CPU seconds user+sys of the process and its children, wall seconds) of one run; a failing run is an error."""
    start = time.monotonic()
    proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    stderr = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} exited {proc.returncode} in {cwd}:\n{stderr}")
    return usage.ru_utime + usage.ru_stime, wall


def jobs(trees: list[Path], python: str, pycache: str | None) -> list[tuple[str, str, list[str], Path, dict[str, str]]]:
    """(tree label, command label, argv, cwd, env) of every process one round runs."""
    out = []
    dropped = {"PYTHONPATH", *(("PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX") if pycache else ())}
    base = {k: v for k, v in os.environ.items() if k not in dropped} | {"NO_COLOR": "1", "COLUMNS": "200"}
    if pycache:
        base["PYTHONPYCACHEPREFIX"] = pycache
    for label, args in FLOOR.items():
        out.append(("-", label, [python, *args], trees[0], base))
    for tree in trees:
        env = base | {"PYTHONPATH": str(tree / "engine")}
        for label, args in COMMANDS.items():
            out.append((str(tree), label, [python, "-m", "fastpolicy.cli", *args], tree, env))
    return out


def measure(trees: list[Path], python: str, runs: int, pycache: str | None) -> dict[tuple[str, str], list[tuple[float, float]]]:
    todo = jobs(trees, python, pycache)
    for _, _, argv, cwd, env in todo:  # warm-up: bytecode and catalogue snapshot
        timed(argv, cwd, env)
    samples: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for _ in range(runs):
        for tree, label, argv, cwd, env in todo:
            samples.setdefault((tree, label), []).append(timed(argv, cwd, env))
    return samples


def table(samples: dict[tuple[str, str], list[tuple[float, float]]], trees: list[Path]) -> str:
    """Markdown: per command, each tree's median CPU and wall seconds (the floor measured once), and with two trees
    the ratio of their CPU medians (second / first)."""
    names = [str(t) for t in trees]
    ratio = len(names) == 2
    head = "| command | " + " | ".join(f"{n} CPU s | {n} wall s" for n in names) + (" | CPU ratio |" if ratio else " |")
    lines = [head, "|---" * (1 + 2 * len(names) + ratio) + "|"]
    for label in [*FLOOR, *COMMANDS]:
        cells, cpus = [], []
        for index, name in enumerate(names):
            runs = samples.get(("-", label) if label in FLOOR else (name, label), []) if index == 0 or label not in FLOOR else []
            cpu = statistics.median(c for c, _ in runs) if runs else None
            wall = statistics.median(w for _, w in runs) if runs else None
            cpus.append(cpu)
            cells += [f"{cpu:.3f}" if cpu is not None else "", f"{wall:.3f}" if wall is not None else ""]
        if ratio:
            cells.append(f"{cpus[1] / cpus[0]:.2f}" if cpus[0] and cpus[1] else "")
        lines.append(f"| `{label}` | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.startup", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="timed rounds (the median is quoted; at least 5)")
    parser.add_argument("--tree", action="append", type=Path, help="a checkout to measure (repeatable; default: this one)")
    parser.add_argument("--python", default=str(DEFAULT_PYTHON if DEFAULT_PYTHON.exists() else sys.executable))
    parser.add_argument("--no-bytecode-cache", action="store_true", help="keep PYTHONDONTWRITEBYTECODE etc. as they are")
    args = parser.parse_args(argv)
    trees = [t.resolve() for t in args.tree or [Path(__file__).resolve().parent.parent]]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    with tempfile.TemporaryDirectory(prefix="fastpolicy-startup-pyc-") as pycache:
        samples = measure(trees, args.python, max(args.runs, 1), None if args.no_bytecode_cache else pycache)
    after = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    bytecode = "as the environment has it" if args.no_bytecode_cache else "cached .pyc"
    if args.no_bytecode_cache and os.environ.get("PYTHONDONTWRITEBYTECODE"):
        bytecode += " (PYTHONDONTWRITEBYTECODE set: compiled from source at every start)"
    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} CPUs, load average {load:.2f} -> {after:.2f}, "
          f"{args.runs} interleaved rounds, medians; bytecode {bytecode}")
    print(table(samples, trees))
    return 0


if __name__ == "__main__":
    sys.exit(main())
