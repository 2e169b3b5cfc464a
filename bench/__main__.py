"""`python -m bench` (or `make bench`): fastpolicy cold/warm vs raw semgrep vs the parse floor, ruff and bandit as context.

    python -m bench [--sizes 1000,10000,50000] [--apps-dir /work/review/apps] [--apps-file FILE] [--only NAME ...] [--work DIR] [--skip-synthetic]

Per project, in one interleaved pass (each tool runs once per round, rounds repeat with --rounds), it times:
  cold      fastpolicy scan --no-cache
  warm      fastpolicy scan with the result cache, after one scan filled it
  fill      that first scan (cold, and writing the cache): timed once; the cold columns show it when --tools omits cold
  semgrep   raw semgrep with the same compiled config and target list (bench/replay.py)
  floor     the same semgrep over the same files with one rule that must parse every file (replay.floor_rule)
  ruff      ruff check --select ALL (if installed), bandit -r -q (if installed): context only
and prints ratios: semgrep / floor ("rules / floor"), cold / semgrep, warm / cold, and cost per file as sizes grow.
Synthetic projects are generated under --work (default: a temp folder, deleted unless --keep). Real apps are the
rows of bench/realworld.tsv present under --apps-dir. Standard library only; CPU seconds are the children's
user+sys (resource.getrusage), wall seconds from time.monotonic. The machine may be shared: quote ratios.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .generate import generate
from .replay import SEMGREP_FLAGS

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
VENV_BIN = Path(sys.executable).parent


def _tool(name: str) -> str | None:
    beside = VENV_BIN / name
    return str(beside) if beside.is_file() else shutil.which(name)


def timed(argvs: list[list[str]], cwd: Path, env: dict[str, str] | None = None) -> dict[str, float]:
    """Run the command lines one after the other (one, or the batches of one semgrep pass); summed wall seconds, CPU
    seconds (user+sys of each and its children, from wait4), the largest single peak RSS (MiB) and the worst exit code."""
    wall = cpu = rss = 0.0
    worst, errors = 0, ""
    for argv in argvs:
        start = time.monotonic()
        proc = subprocess.Popen(argv, cwd=cwd, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        stderr = proc.stderr.read() if proc.stderr else b""
        _, status, usage = os.wait4(proc.pid, 0)
        code = os.waitstatus_to_exitcode(status)
        wall += time.monotonic() - start
        cpu += usage.ru_utime + usage.ru_stime
        rss = max(rss, usage.ru_maxrss / 1024)
        worst = max(worst, code)
        if code not in (0, 1, 3):
            errors = stderr.decode(errors="replace")[-400:]
    return {"wall": round(wall, 2), "cpu": round(cpu, 2), "rss_mib": round(rss, 1), "exit": worst, "stderr": errors,
            "processes": len(argvs)}


def commands(project: Path, outdir: Path, scan_args: list[str], jobs: int, env: dict[str, str]) -> dict[str, list[list[str]] | None]:
    """Per tool, the command lines of one run. Raw semgrep has no option that reads targets from a file, so its
    target list is split exactly as fastpolicy splits it (`scan.semgrep.command_batches`, under the OS argument limit): at
    50,000 files one command line would not fit (E2BIG), and both sides then pay for the same number of processes."""
    from fastpolicy.scan.semgrep import command_batches

    fp = [sys.executable, "-m", "fastpolicy.cli"]
    semgrep = _tool("semgrep")
    targets = (outdir / "targets.txt").read_text().split()
    common = [semgrep, *SEMGREP_FLAGS, "--timeout-threshold", "3", "-j", str(jobs)] if semgrep else None
    ruff, bandit = _tool("ruff"), _tool("bandit")

    def raw(config: str) -> list[list[str]] | None:
        if not common:
            return None
        return command_batches([*common, "--config", str(outdir / config), "--"], targets, {**os.environ, **env})

    return {
        "cold": [[*fp, "scan", ".", "--no-cache", "--format", "json", "--jobs", str(jobs), *scan_args]],
        "warm": [[*fp, "scan", ".", "--cache-dir", str(outdir / "cache"), "--format", "json", "--jobs", str(jobs), *scan_args]],
        "semgrep": raw("rules.json"),
        "floor": raw("floor.json"),
        "ruff": [[ruff, "check", "--select", "ALL", "--no-cache", "--exit-zero", "--quiet", "."]] if ruff else None,
        "bandit": [[bandit, "-r", "-q", "-f", "json", "."]] if bandit else None,
    }


def bench_project(name: str, project: Path, work: Path, scan_args: list[str], rounds: int, jobs: int, only_tools: list[str]) -> dict:
    outdir = work / "replay" / name
    outdir.mkdir(parents=True, exist_ok=True)
    deployment = next((a.split("=", 1)[1] for a in scan_args if a.startswith("--deployment=")), "") or \
        (scan_args[scan_args.index("--deployment") + 1] if "--deployment" in scan_args else "")
    # in a child process (bench.replay writes rules.json, floor.json, targets.txt): a model built here would stay in this
    # process, and every child's ru_maxrss starts from the parent's RSS at fork, so the peak-MiB column would read ours
    subprocess.run([sys.executable, "-m", "bench.replay", str(project.resolve()), str(outdir.resolve()), "--deployment", deployment],
                   cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT / "engine")}, check=True, stdout=subprocess.DEVNULL)
    config = json.loads((outdir / "rules.json").read_text())
    files = (outdir / "targets.txt").read_text().splitlines()
    env = {"PYTHONPATH": str(ROOT / "engine"), "SEMGREP_ENABLE_VERSION_CHECK": "0", "XDG_CACHE_HOME": str(work / "xdg")}
    cmds = {k: v for k, v in commands(project, outdir, scan_args, jobs, env).items() if v and (not only_tools or k in only_tools)}
    fill = None
    if "warm" in cmds:
        shutil.rmtree(outdir / "cache", ignore_errors=True)
        fill = timed(cmds["warm"], project, env)  # fill the cache: the warm runs below find every file unchanged
    lines = sum(len(Path(project, f).read_bytes().splitlines()) for f in files if f.endswith(".py"))
    runs: dict[str, list[dict[str, float]]] = {k: [] for k in cmds}
    if fill is not None:  # a cold scan that also writes the cache: kept, and quoted as cold when --tools leaves cold out
        runs["fill"] = [fill]
    for _ in range(rounds):  # interleaved: every tool once per round, so drift hits all of them alike
        for key, argv in cmds.items():
            runs[key].append(timed(argv, project, env))
    result = {"name": name, "files": len(files), "py_lines": lines, "rules": len(config.get("rules", [])), "runs": runs}
    print(row_text(result), flush=True)
    for key, rs in runs.items():  # a run that failed or was incomplete is timed too: say so beside its row
        for r in rs:
            if r["exit"] not in (0, 1):
                print(f"# {name} {key}: exit code {r['exit']} ({r['processes']} processes) {r['stderr']!r}", flush=True)
    return result


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def med(result: dict, key: str, field: str = "wall") -> float | None:
    runs = result["runs"].get(key) or (result["runs"].get("fill") if key == "cold" else None)
    return _median([r[field] for r in runs]) if runs else None


def _ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.1f}×" if a is not None and b else "–"


def _s(value: float | None) -> str:
    return f"{value:.1f}" if value is not None else "–"


HEADER = ("| project | files | Python lines | cold s | warm s | semgrep s | floor s | ruff s | bandit s | rules ÷ floor | cold ÷ semgrep "
          "| warm ÷ cold | CPU s cold / warm / semgrep / floor | rules ÷ floor, CPU | peak MiB cold / semgrep |\n"
          "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")


def row_text(r: dict) -> str:
    cold, warm, raw, floor = (med(r, k) for k in ("cold", "warm", "semgrep", "floor"))
    rss = f"{_s(med(r, 'cold', 'rss_mib'))} / {_s(med(r, 'semgrep', 'rss_mib'))}"
    warm_ratio = f"{warm / cold:.2f}" if warm is not None and cold else "–"
    return (f"| {r['name']} | {r['files']} | {r['py_lines']} | {_s(cold)} | {_s(warm)} | {_s(raw)} | {_s(floor)} | {_s(med(r, 'ruff'))} "
            f"| {_s(med(r, 'bandit'))} | {_ratio(raw, floor)} | {_ratio(cold, raw)} | {warm_ratio} "
            f"| {' / '.join(_s(med(r, k, 'cpu')) for k in ('cold', 'warm', 'semgrep', 'floor'))} "
            f"| {_ratio(med(r, 'semgrep', 'cpu'), med(r, 'floor', 'cpu'))} | {rss} |")


def growth(results: list[dict]) -> list[str]:
    """Cost per 1,000 files of each tool as the synthetic project grows: flat means linear."""
    out = ["| size | cold s / 1k files | semgrep s / 1k files | floor s / 1k files | warm s / 1k files |", "|---|---|---|---|---|"]
    for r in results:
        per = [(med(r, k) or 0) / r["files"] * 1000 if med(r, k) is not None else None for k in ("cold", "semgrep", "floor", "warm")]
        out.append(f"| {r['name']} | " + " | ".join(_s(v) for v in per) + " |")
    return out


def real_apps(apps_dir: Path, only: list[str], apps_file: Path | None = None) -> list[tuple[str, Path, list[str]]]:
    """The review set's apps extracted under apps_dir, then the rows of a local apps file (name, path, scan args; not committed)."""
    with (HERE / "realworld.tsv").open(newline="") as fh:
        rows = [(row["name"], apps_dir / row["name"], row.get("scan_args") or "") for row in csv.DictReader(fh, delimiter="\t")]
    if apps_file:
        for line in apps_file.read_text().splitlines():
            if line.strip() and not line.startswith("#"):
                name, path, *rest = line.split("\t")
                rows.append((name, Path(path).expanduser(), rest[0] if rest else ""))
    found = []
    for name, path, scan_args in rows:
        if only and name not in only:
            continue
        if path.is_dir():
            found.append((name, path, shlex.split(scan_args)))
    return found


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,10000,50000", help="synthetic project sizes in files (comma-separated)")
    ap.add_argument("--apps-dir", default=os.environ.get("FASTPOLICY_BENCH_APPS", "/work/review/apps"))
    ap.add_argument("--apps-file", type=Path, default=os.environ.get("FASTPOLICY_BENCH_APPS_FILE"),
                    help="a local TSV of more real apps present on disk: name, path[, scan args] (not committed)")
    ap.add_argument("--only", nargs="*", default=[], help="real apps to run (default: every one present)")
    ap.add_argument("--tools", nargs="*", default=[], help="only these of cold, warm, semgrep, floor, ruff, bandit")
    ap.add_argument("--skip-synthetic", action="store_true")
    ap.add_argument("--skip-real", action="store_true")
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--work", help="folder for generated projects and replay files (default: a temp folder)")
    ap.add_argument("--keep", action="store_true", help="keep the temp folder")
    ap.add_argument("--json", help="also write every run's figures here")
    args = ap.parse_args()
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="fastpolicy-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"# fastpolicy bench, {time.strftime('%Y-%m-%d %H:%M %Z')}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}, work {work}")
    print(HEADER, flush=True)
    synthetic, real = [], []
    try:
        if not args.skip_synthetic:
            for size in (int(s) for s in args.sizes.split(",") if s.strip()):
                dest = work / f"synthetic-{size}"
                if not dest.is_dir():
                    generate(dest, size)
                synthetic.append(bench_project(f"synthetic-{size}", dest, work, [], args.rounds, args.jobs, args.tools))
        if not args.skip_real:
            for name, path, scan_args in real_apps(Path(args.apps_dir), args.only, args.apps_file):
                real.append(bench_project(name, path, work, scan_args, args.rounds, args.jobs, args.tools))
        if synthetic:
            print("\n" + "\n".join(growth(synthetic)))
        if args.json:
            Path(args.json).write_text(json.dumps({"synthetic": synthetic, "real": real}, indent=1))
    finally:
        if not args.work and not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
