"""`validate`: everything load_catalogue checks, plus semgrep's own verdict on every compiled rule."""

from __future__ import annotations

import tempfile
from pathlib import Path

from ..catalogue.catalogue import Catalogue
from .compiler import compile_config
from .findings import raise_rule_errors
from .semgrep import run_semgrep


def check_rules_with_semgrep(catalogue: Catalogue) -> int:
    """Run semgrep once on an empty file with the whole compiled config; raise PolicyError on rejected rules."""
    automated = [p for p in catalogue.policies if p.check.automated]
    if not automated:
        return 0
    config = compile_config(automated)
    with tempfile.TemporaryDirectory(prefix="fastpolicy-validate-") as tmp:
        probe = Path(tmp) / "probe.py"
        probe.write_text("\n", encoding="utf-8")
        run = run_semgrep(config, [str(probe)])
    raise_rule_errors(run, {p.id: p for p in automated})
    return len(automated)
