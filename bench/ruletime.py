"""Per-rule cost from a `semgrep --time --json` report: match seconds summed over files, and how many files ran it.

    python -m bench.ruletime REPORT.json [--top 15]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any


def rule_costs(report: dict[str, Any]) -> list[tuple[str, float, int]]:
    """(rule id, match seconds over all files, files on which the rule was matched) sorted by cost."""
    timing = report["time"]
    rules = [r if isinstance(r, str) else r.get("id", "?") for r in timing["rules"]]
    seconds = [0.0] * len(rules)
    files = [0] * len(rules)
    for target in timing["targets"]:
        for i, value in enumerate(target.get("match_times") or ()):
            if value and value > 0:
                seconds[i] += value
                files[i] += 1
    return sorted(zip(rules, seconds, files, strict=True), key=lambda row: -row[1])


def summary(report: dict[str, Any]) -> dict[str, float]:
    timing = report["time"]
    return {
        "files": len(timing["targets"]),
        "parse_s": round(timing["parsing_time"]["total_time"], 1),
        "match_s": round(timing["matching_time"]["total_time"], 1),
        "scan_s": round(timing["scanning_time"]["total_time"], 1),
        "rules_selected_ratio": round(timing.get("prefiltering", {}).get("rules_selected_ratio", 0.0), 3),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("report")
    ap.add_argument("--top", type=int, default=15)
    args = ap.parse_args()
    report = json.loads(Path(args.report).read_text())
    print(" ".join(f"{k}={v}" for k, v in summary(report).items()))
    total = sum(s for _, s, _ in rule_costs(report)) or 1.0
    print("| rule | match s | share | files run |\n|---|---|---|---|")
    for rule, seconds, files in rule_costs(report)[: args.top]:
        print(f"| {rule} | {seconds:.1f} | {seconds / total:.0%} | {files} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
