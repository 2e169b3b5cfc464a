"""semgrep's prefilter for each compiled rule: the words (or regexes) a file must contain before semgrep parses it.

semgrep-core derives, per rule, a formula of identifiers and regexes from the rule's positive patterns; a file
that cannot satisfy it is skipped without being parsed or matched. A rule whose patterns are all metavariables
gets no formula (`None`) and is evaluated on every file: `fastpolicy validate` warns about those, and the record
page shows the formula. The formula is semgrep-core's own (`-prefilter_of_rules`), not a re-derivation.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..models import Policy
from .compiler import compile_config, unwrap_anchor
from .semgrep import find_executable


@dataclass(frozen=True)
class Prefilter:
    rule_id: str
    formula: Any  # semgrep-core's formula: ["Pred", ["Idents", [...]]] | ["Pred", ["Regexp", "..."]] | ["And"|"Or", [...]]; None: none

    @property
    def anchored(self) -> bool:
        return self.formula is not None

    def literals(self) -> tuple[str, ...]:
        """Every identifier and regex the formula mentions, in order, without repeats."""
        seen: dict[str, None] = {}
        _collect(self.formula, seen)
        return tuple(seen)

    def describe(self, code: Callable[[str], str] = lambda s: f"`{s}`") -> str:
        """The formula in words: `a` and `b`, or `/regex/` (`code` formats each literal)."""
        return _words(self.formula, code, top=True) if self.formula is not None else ""


def _collect(formula: Any, seen: dict[str, None]) -> None:
    if not isinstance(formula, list) or not formula:
        return
    head = formula[0]
    if head == "Pred":
        kind, value = formula[1]
        for item in (value if kind == "Idents" else [value]):
            seen.setdefault(f"/{unwrap_anchor(item)}/" if kind == "Regexp" else str(item), None)
    elif head in ("And", "Or"):
        for sub in formula[1]:
            _collect(sub, seen)


def _words(formula: Any, code: Callable[[str], str], top: bool = False) -> str:
    head = formula[0]
    if head == "Pred":
        kind, value = formula[1]
        if kind == "Regexp":
            return "a match of " + code(f"/{unwrap_anchor(value)}/")
        return " and ".join(code(str(v)) for v in value)
    joiner = " and " if head == "And" else " or "
    parts = [_words(sub, code) for sub in formula[1]]
    text = joiner.join(dict.fromkeys(parts))
    return text if top or len(parts) == 1 else f"({text})"


def semgrep_core() -> str | None:
    """The semgrep-core beside the semgrep fastpolicy runs (pip's semgrep keeps it in semgrep/bin/)."""
    found = shutil.which("semgrep-core")
    if found:
        return found
    try:
        import semgrep  # noqa: PLC0415 - only for its location

        candidate = Path(semgrep.__file__).parent / "bin" / "semgrep-core"
        if candidate.is_file():
            return str(candidate)
    except ImportError:
        pass
    try:
        executable = Path(find_executable()).resolve()
    except Exception:  # noqa: BLE001 - no semgrep at all: no prefilter to show
        return None
    for candidate in (executable.parent / "semgrep-core",):
        if candidate.is_file():
            return str(candidate)
    return None


def _parse(text: str) -> dict[str, Any]:
    data = json.loads(text)
    out: dict[str, Any] = {}
    for entry in data:
        value = entry.get("filter")
        out[str(entry.get("rule_id"))] = value[1] if isinstance(value, list) and value and value[0] == "Some" else None
    return out


_MEMO: dict[str, dict[str, Prefilter]] = {}


def prefilters_of_config(config: Mapping[str, Any]) -> dict[str, Prefilter] | None:
    """rule id -> Prefilter for every rule of a compiled config; None when semgrep-core is not available."""
    text = json.dumps(config, sort_keys=True)
    key = hashlib.sha256(text.encode()).hexdigest()
    if key in _MEMO:
        return _MEMO[key]
    core = semgrep_core()
    if core is None:
        return None
    with tempfile.TemporaryDirectory(prefix="fastpolicy-prefilter-") as tmp:
        path = Path(tmp) / "rules.json"
        path.write_text(text, encoding="utf-8")
        try:
            proc = subprocess.run([core, "-prefilter_of_rules", str(path)], capture_output=True, text=True, timeout=120, check=False)
            formulas = _parse(proc.stdout) if proc.returncode == 0 else None
        except (OSError, subprocess.TimeoutExpired, ValueError, AttributeError, TypeError):
            formulas = None
    if formulas is None:
        return None
    result = {rule_id: Prefilter(rule_id, formula) for rule_id, formula in formulas.items()}
    _MEMO[key] = result
    return result


def prefilters(policies: Sequence[Policy]) -> dict[str, Prefilter] | None:
    """The prefilter of each automated record's semgrep rule (by record id)."""
    chosen = [p for p in policies if p.check.automated and p.check.uses_semgrep]
    if not chosen:
        return {}
    return prefilters_of_config(compile_config(chosen))


def unanchored_python_rules(policies: Sequence[Policy]) -> list[str] | None:
    """Ids of Python rules semgrep must evaluate on every file (no literal for its prefilter); None: could not tell."""
    found = prefilters(policies)
    if found is None:
        return None
    python = {p.id for p in policies if p.check.automated and p.check.uses_semgrep and "python" in p.check.languages}
    return sorted(rule_id for rule_id, pre in found.items() if rule_id in python and not pre.anchored)
