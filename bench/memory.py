"""`python -m bench.memory -- CMD ...`: run CMD and sample the resident memory of its whole process tree.

Prints the peak of the tree's summed RSS (what the machine must hold at once) and each process's own peak
(MiB), sampled from /proc every 100 ms (Linux only). wait4's ru_maxrss gives only the largest single process,
which hides a parent that stays large while its child runs.

`--timeline FILE` also writes every sample as a TSV line (seconds since start, tree MiB, then `name:pid=MiB` for each
process above 5 MiB), to see *when* each process is large (e.g. the scan's Python process before, during and after
semgrep).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                fields = handle.read().rpartition(")")[2].split()
        except OSError:
            continue
        tree.setdefault(int(fields[1]), []).append(int(entry))
    return tree


def _rss_mib(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _name(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/comm", encoding="ascii", errors="replace") as handle:
            return handle.read().strip()
    except OSError:
        return "?"


def sample(argv: list[str], interval: float = 0.1, timeline: str = "") -> dict[str, object]:
    lines: list[str] = []
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL)
    peak_total = 0.0
    peaks: dict[tuple[int, str], float] = {}
    start = time.monotonic()
    while proc.poll() is None:
        tree = _children()
        todo, seen = [proc.pid], []
        while todo:
            pid = todo.pop()
            seen.append(pid)
            todo += tree.get(pid, [])
        total = 0.0
        now: list[str] = []
        for pid in seen:
            rss = _rss_mib(pid)
            total += rss
            key = (pid, _name(pid))
            peaks[key] = max(peaks.get(key, 0.0), rss)
            if rss > 5:
                now.append(f"{key[1]}:{pid}={rss:.1f}")
        peak_total = max(peak_total, total)
        if timeline:
            lines.append(f"{time.monotonic() - start:.1f}\t{total:.1f}\t" + " ".join(now) + "\n")
        time.sleep(interval)
    if timeline:
        with open(timeline, "w", encoding="utf-8") as handle:
            handle.writelines(lines)
    return {"exit": proc.returncode, "wall": round(time.monotonic() - start, 1), "peak_tree_mib": round(peak_total, 1),
            "processes": sorted(((name, round(mib, 1)) for (_, name), mib in peaks.items() if mib > 20), key=lambda x: -x[1])}


def main() -> int:
    argv = sys.argv[1:]
    timeline = ""
    if argv[:1] == ["--timeline"] and len(argv) > 1:
        timeline, argv = argv[1], argv[2:]
    if argv[:1] == ["--"]:
        argv = argv[1:]
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    result = sample(argv, timeline=timeline)
    print(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
