#!/usr/bin/env python3
"""Count and precision tables for the real-world review set (standard library only).

    python bench/tables.py counts --scan SCAN.json --out bench/results/before.tsv
    python bench/tables.py precision --scan SCAN.json --labels bench/labels/before.tsv \
        --out bench/results/before-precision.tsv

`counts`: one row per (app, record) with its number of findings, plus wall time rows (record `_wall_seconds`) and
exit codes (record `_exit`). `precision`: per record, findings over all apps, labelled n, TP, FP, precision
(TP / labelled); a last row `ALL` pools every label. Labels are TSV: app, record, path, line, label (TP|FP), reason.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path


def counts(scan: dict) -> list[tuple[str, str, int]]:
    rows = []
    for app, entry in scan["apps"].items():
        rows.append((app, "_wall_seconds", entry["wall_seconds"]))
        rows.append((app, "_exit", entry["exit"]))
        for rid, n in sorted(entry.get("counts", {}).items()):
            rows.append((app, rid, n))
    return rows


def write(path: str, header: list[str], rows: list) -> None:
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh, delimiter="\t", lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def precision(scan: dict, labels_path: str) -> list[tuple]:
    total: Counter[str] = Counter()
    per_app: dict[str, dict[str, int]] = defaultdict(dict)
    for app, entry in scan["apps"].items():
        for rid, n in entry.get("counts", {}).items():
            total[rid] += n
            per_app[rid][app] = n
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    with open(labels_path, newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            label = row["label"].strip().upper()
            if label not in ("TP", "FP"):
                raise SystemExit(f"{labels_path}: bad label {row['label']!r} in {row}")
            (tp if label == "TP" else fp)[row["record"]] += 1
    out = []
    for rid in sorted(set(total) | set(tp) | set(fp)):
        n = tp[rid] + fp[rid]
        apps = ",".join(f"{a}={c}" for a, c in sorted(per_app[rid].items()))
        out.append((rid, total[rid], apps, n, tp[rid], fp[rid], f"{tp[rid] / n:.2f}" if n else ""))
    n_all = sum(tp.values()) + sum(fp.values())
    out.append(("ALL", sum(total.values()), "", n_all, sum(tp.values()), sum(fp.values()),
                f"{sum(tp.values()) / n_all:.2f}" if n_all else ""))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("counts")
    c.add_argument("--scan", required=True)
    c.add_argument("--out", required=True)
    p = sub.add_parser("precision")
    p.add_argument("--scan", required=True)
    p.add_argument("--labels", required=True)
    p.add_argument("--out", required=True)
    args = ap.parse_args()
    scan = json.loads(Path(args.scan).read_text())
    if args.cmd == "counts":
        write(args.out, ["app", "record", "findings"], counts(scan))
    else:
        write(args.out, ["record", "findings", "findings_per_app", "labelled", "tp", "fp", "precision"],
              precision(scan, args.labels))
    return 0


if __name__ == "__main__":
    sys.exit(main())
