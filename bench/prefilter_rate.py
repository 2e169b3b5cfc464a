"""How many of a project's target files pass each rule's semgrep prefilter (and so get parsed and matched for it).

    python -m bench.prefilter_rate REPLAY_DIR PROJECT [--top 25]

REPLAY_DIR holds rules.json and targets.txt from `python -m bench.replay`. The formula is semgrep-core's own
(`-prefilter_of_rules`); it is evaluated here in Python as semgrep does: an identifier must occur in the file's
text, a regex must match somewhere in it. A rule with a high pass rate but few findings is the one to anchor: its
prefilter words are common (`get`, `str`, `set`, `/(debug|info|...)/`), so semgrep evaluates it nearly everywhere.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

from fastpolicy.scan.prefilter import prefilters_of_config  # noqa: E402

from .replay import ENGINE  # noqa: F401 - puts the engine on sys.path


def passes(formula: Any, text: str, cache: dict[str, re.Pattern[str]]) -> bool:
    if formula is None:
        return True
    head = formula[0]
    if head == "Pred":
        kind, value = formula[1]
        if kind == "Idents":
            return all(v in text for v in value)
        if value not in cache:
            try:
                cache[value] = re.compile(value)
            except re.error:  # PCRE-only syntax (\z, possessive...): count the file as passing, as the safe side
                cache[value] = re.compile("")
        return cache[value].search(text) is not None
    results = (passes(sub, text, cache) for sub in formula[1])
    return all(results) if head == "And" else any(results)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("replay_dir")
    ap.add_argument("project")
    ap.add_argument("--top", type=int, default=25)
    args = ap.parse_args()
    config = json.loads(Path(args.replay_dir, "rules.json").read_text())
    targets = [t for t in Path(args.replay_dir, "targets.txt").read_text().split() if t.endswith(".py")]
    found = prefilters_of_config(config)
    if found is None:
        print("semgrep-core not found", file=sys.stderr)
        return 2
    languages = {r["id"]: r["languages"] for r in config["rules"]}
    texts = [Path(args.project, t).read_text(encoding="utf-8", errors="replace") for t in targets]
    cache: dict[str, re.Pattern[str]] = {}
    rows = []
    for rule_id, pre in found.items():
        if "python" not in languages.get(rule_id, ()):
            continue
        count = sum(passes(pre.formula, text, cache) for text in texts)
        rows.append((count / max(len(texts), 1), rule_id, pre.describe()))
    rows.sort(reverse=True)
    print(f"{len(texts)} Python files")
    print("| rule | files passing its prefilter | prefilter |\n|---|---|---|")
    for share, rule_id, words in rows[: args.top]:
        shown = words if len(words) <= 110 else words[:107] + "..."
        print(f"| {rule_id} | {share:.0%} | {shown.replace('|', '&#124;')} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
