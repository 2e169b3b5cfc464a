"""Replay a fastpolicy scan's semgrep step by hand: the compiled config and the exact target list it would use.

    python -m bench.replay PROJECT OUTDIR [--deployment kubernetes]

Writes OUTDIR/rules.json (the compiled config), OUTDIR/targets.txt (one file a line, relative to PROJECT),
OUTDIR/floor.json (the parse-floor rule, see `floor_rule`) and prints the semgrep command lines.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ENGINE = HERE.parent / "engine"
if str(ENGINE) not in sys.path:
    sys.path.insert(0, str(ENGINE))

# the flags fastpolicy's runner passes (scan/semgrep.py), less --json output handling
SEMGREP_FLAGS = ("scan", "--metrics=off", "--disable-version-check", "--json", "--no-rewrite-rule-ids", "--disable-nosem",
                 "--timeout", "30", "--max-target-bytes", "0")


def floor_rule() -> dict[str, object]:
    """The parse floor: one rule semgrep must parse every Python file for, and that almost never matches.

    A rule whose literal appears in no file is skipped by semgrep's prefilter without parsing. This rule's only
    literal is the keyword `import`, present in virtually every Python file, so the prefilter passes each one and
    semgrep parses it and runs one cheap pattern (`import $X` as a statement, then `metavariable-regex` on a name no
    file imports). Files without `import` are not parsed: the floor counts only files that contain the word.
    """
    return {"rules": [{
        "id": "parse-floor", "languages": ["python"], "severity": "INFO", "message": "floor",
        "patterns": [{"pattern": "import $X"},
                     {"metavariable-regex": {"metavariable": "$X", "regex": "^zz_never_imported_module_q9$"}}],
    }]}


def prepare(project: Path, deployment: str = "") -> tuple[dict[str, object], list[str]]:
    """(compiled config, semgrep target list) exactly as `fastpolicy scan .` from inside `project` builds them."""
    from fastpolicy.catalogue.loader import load_catalogue
    from fastpolicy.gcpause import paused
    from fastpolicy.project import build_model
    from fastpolicy.project import MODEL_GLOBS
    from fastpolicy.scan.compiler import compile_config
    from fastpolicy.scan.decide import not_applicable
    from fastpolicy.scan.targets import MAX_FILE_BYTES, collect, name_globs, wanted

    here = os.getcwd()
    os.chdir(project)
    try:
        catalogue = load_catalogue([])
        selected = [p for p in catalogue.policies if p.check.automated]
        globs = name_globs(p for p in selected if p.check.uses_semgrep)
        targets = collect(["."], tuple(sorted({*globs, *MODEL_GLOBS})), exclude=(), max_bytes=MAX_FILE_BYTES)
        with paused():  # as a scan builds it (fastpolicy.gcpause)
            model = build_model(targets.files, roots=["."], deployment=deployment or None)
        policies = [p for p in selected if not not_applicable(p, model) and p.check.uses_semgrep]
        files = [f for f in targets.files if wanted(f, globs)]
        return compile_config(policies), files
    finally:
        os.chdir(here)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("project")
    ap.add_argument("outdir")
    ap.add_argument("--deployment", default="")
    args = ap.parse_args()
    out = Path(args.outdir).resolve()
    out.mkdir(parents=True, exist_ok=True)
    config, files = prepare(Path(args.project), args.deployment)
    (out / "rules.json").write_text(json.dumps(config, sort_keys=True))
    (out / "floor.json").write_text(json.dumps(floor_rule()))
    (out / "targets.txt").write_text("".join(f + "\n" for f in files))
    print(f"{len(config.get('rules', []))} rules, {len(files)} targets -> {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
