#!/usr/bin/env python3
"""Real-world review set: extract pinned public FastAPI applications and scan them with fastpolicy.

    python bench/realworld.py list
    python bench/realworld.py extract --dest /work/review/apps [--only NAME ...]
    python bench/realworld.py scan --dest /work/review/apps --out OUT.json [--fastpolicy CMD] [--raw-dir DIR] [--only NAME ...]

`extract` reads only local bare mirrors (/work/.mirror/<owner>+<name>/repo, or --mirrors); it never touches the
network. A missing mirror or commit is reported with the `fetch` to run. The list of applications is
bench/realworld.tsv (name, repository, commit, paths, scan_args, style notes); a path starting with `!` is left out.

`scan` runs `<fastpolicy> scan . --format json [scan_args]` in each app's folder, one at a time, and writes per-app wall
time, exit code, per-record finding counts and the raw findings. Standard library only.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import shlex
import shutil
import subprocess
import sys
import tarfile
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
TSV = HERE / "realworld.tsv"
MIRRORS = Path("/work/.mirror")


def load(tsv: Path = TSV) -> list[dict[str, str]]:
    with tsv.open(newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    for row in rows:
        if len(row["commit"]) != 40:
            raise SystemExit(f"{tsv}: {row['name']}: commit must be 40 hex digits")
    return rows


def pick(rows: list[dict[str, str]], only: list[str] | None) -> list[dict[str, str]]:
    if not only:
        return rows
    unknown = set(only) - {r["name"] for r in rows}
    if unknown:
        raise SystemExit(f"unknown app(s): {', '.join(sorted(unknown))}")
    return [r for r in rows if r["name"] in only]


def pathspecs(paths: str) -> list[str]:
    specs = []
    for p in (s.strip() for s in paths.split(",")):
        if not p:
            continue
        specs.append(f":(exclude){p[1:]}" if p.startswith("!") else p)
    return specs


def git(gitdir: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", f"--git-dir={gitdir}", *args], capture_output=True, check=check)


def mirror_of(repository: str, mirrors: Path) -> Path:
    return mirrors / repository.replace("/", "+") / "repo"


def extract(args: argparse.Namespace) -> int:
    dest = Path(args.dest)
    dest.mkdir(parents=True, exist_ok=True)
    missing = 0
    for row in pick(load(), args.only):
        gitdir = mirror_of(row["repository"], Path(args.mirrors))
        fetch_hint = f"run the fetch tool with source github:{row['repository']}"
        if not gitdir.is_dir():
            print(f"{row['name']}: no mirror at {gitdir}: {fetch_hint}", file=sys.stderr)
            missing += 1
            continue
        if git(gitdir, "cat-file", "-e", f"{row['commit']}^{{commit}}", check=False).returncode:
            print(f"{row['name']}: commit {row['commit']} not in {gitdir}: {fetch_hint} (or update the pin)", file=sys.stderr)
            missing += 1
            continue
        target = dest / row["name"]
        if target.exists():
            shutil.rmtree(target)
        target.mkdir()
        archive = git(gitdir, "archive", "--format=tar", row["commit"], "--", *pathspecs(row["paths"]))
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(target, filter="data")
        (target / ".realworld-pin").write_text(f"{row['repository']} {row['commit']}\n")
        files = sum(1 for p in target.rglob("*") if p.is_file())
        pylines = sum(len(p.read_bytes().splitlines()) for p in target.rglob("*.py"))
        print(f"{row['name']}: {row['repository']}@{row['commit'][:12]} -> {target} ({files} files, {pylines} Python lines)")
    return 1 if missing else 0


def scan(args: argparse.Namespace) -> int:
    dest = Path(args.dest)
    cmd = shlex.split(args.fastpolicy)
    raw_dir = Path(args.raw_dir) if args.raw_dir else None
    if raw_dir:
        raw_dir.mkdir(parents=True, exist_ok=True)
    out_path = Path(args.out)
    report = json.loads(out_path.read_text()) if args.merge and out_path.exists() else {"apps": {}}
    report["fastpolicy"] = args.fastpolicy
    failed = 0
    for row in pick(load(), args.only):
        app = dest / row["name"]
        if not app.is_dir():
            print(f"{row['name']}: not extracted under {dest}: run `extract` first", file=sys.stderr)
            failed += 1
            continue
        # from the app's folder, as a developer or CI runs it (paths in findings are then relative to the app)
        argv = [*cmd, "scan", ".", "--format", "json", *shlex.split(row.get("scan_args") or ""), *shlex.split(args.scan_args or "")]
        start = time.monotonic()
        proc = subprocess.run(argv, capture_output=True, text=True, cwd=app)
        wall = round(time.monotonic() - start, 1)
        try:
            data = json.loads(proc.stdout)
        except json.JSONDecodeError:
            data = None
        entry: dict = {"repository": row["repository"], "commit": row["commit"], "argv": argv[len(cmd):],
                       "exit": proc.returncode, "wall_seconds": wall}
        if data is None:
            entry["error"] = (proc.stderr or proc.stdout)[-4000:]
            failed += 1
            print(f"{row['name']}: exit {proc.returncode} after {wall}s, no JSON: {entry['error'][-300:]}", file=sys.stderr)
        else:
            findings = data.get("findings", []) if isinstance(data, dict) else data
            entry["counts"] = dict(sorted(Counter(f.get("rule_id") or "?" for f in findings).items()))
            entry["total"] = len(findings)
            entry["findings"] = findings
            if isinstance(data, dict):
                entry["meta"] = {k: v for k, v in data.items() if k != "findings"}
            if proc.returncode == 3:
                failed += 1
            if proc.stderr.strip():
                entry["stderr"] = proc.stderr[-4000:]
            if raw_dir:
                (raw_dir / f"{row['name']}.json").write_text(proc.stdout)
            print(f"{row['name']}: exit {proc.returncode}, {len(findings)} findings, {wall}s")
        report["apps"][row["name"]] = entry
        out_path.write_text(json.dumps(report, indent=1) + "\n")
    return 1 if failed else 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("list")
    ex = sub.add_parser("extract")
    ex.add_argument("--dest", required=True)
    ex.add_argument("--mirrors", default=str(MIRRORS))
    ex.add_argument("--only", nargs="*")
    sc = sub.add_parser("scan")
    sc.add_argument("--dest", required=True)
    sc.add_argument("--out", required=True)
    sc.add_argument("--fastpolicy", default="fastpolicy", help="command that runs fastpolicy (default: fastpolicy)")
    sc.add_argument("--raw-dir", help="also store each app's raw JSON output here as <app>.json")
    sc.add_argument("--only", nargs="*")
    sc.add_argument("--scan-args", help="extra arguments for every scan, e.g. '--select security --select errors'")
    sc.add_argument("--merge", action="store_true", help="keep other apps' entries already in --out")
    args = ap.parse_args()
    if args.cmd == "list":
        for row in load():
            print(f"{row['name']}\t{row['repository']}@{row['commit'][:12]}\t{row['style notes']}")
        return 0
    return extract(args) if args.cmd == "extract" else scan(args)


if __name__ == "__main__":
    sys.exit(main())
