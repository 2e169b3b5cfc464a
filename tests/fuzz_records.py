"""Fuzz `fastpolicy validate` with mutated copies of the real records: it may only exit 0 or 2, every problem located.

Run the larger campaign with:  PYTHONPATH=engine python tests/fuzz_records.py --cases 3000 [--seed 11] [--semgrep]
(the suite runs a few hundred cases: tests/test_fuzz.py). Each case is one real record, renamed into an
organization pack (section `demo`, id DEMO-001, so it clashes with nothing built in), then mutated 1-4 times
at the text level (YAML syntax: anchors, tags, nesting, indentation, control characters, truncation) or the
data level (a value replaced by another type). Without --semgrep the last stage of `validate` (semgrep's
verdict on each rule, ~2 s a call) is skipped: the fuzz targets reading, schema and model building.
The built-in catalogue is replaced by its sections and seed list only (loading all records costs 0.7 s a
case), so the fuzzed record's relations are emptied: they would otherwise name records that are absent.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import io
import random
import re
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
LOCATED = re.compile(r"^\S[^\n]*?\.ya?ml(:\d+)?: \S")
TOKENS = ["&a ", "*a", "!!int ", "!!python/object:os.system ", "!x ", "[", "]", "{", "}", ": ", "- ", "? ", "|", ">", "#", "'", '"',
          "\t", "\x00", "\x85", "\u2028", "\ufeff", "%TAG ! tag:x,2000:\n", "---\n", "...\n", "<<: ", "2024-13-45", "0x", "1e999",
          "null", "~", "true", "-.inf", "é", "\U0001f600", "x" * 5000, "[" * 200, "{a: " * 80]
# libyaml's safe loader and dumper when present: the harness only makes mutants (pure-Python YAML cost ~30 ms a record);
# what validate itself reads records with is not touched
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
VALUES = [None, True, 0, -1, 3.5, 10**30, "", "x", [], {}, [1, [2]], {"k": {"k": None}}, "../../etc/passwd", "A" * 2000, ["SEC-010"],
          {"kind": "bad"}, "DEMO-001", "2024-01-01"]


def records() -> list[Path]:
    return sorted((ROOT / "policies").glob("*/*-*.yaml"))


@functools.cache
def as_demo(path: Path) -> str:
    """A real record moved into the `demo` section of an organization pack, valid as it stands (once per record: pure-Python YAML is slow)."""
    text = path.read_text(encoding="utf-8")
    old = re.search(r"^id: (\S+)", text, re.M).group(1)  # type: ignore[union-attr]
    text = text.replace(old, "DEMO-001")
    text = re.sub(r"^section: \S+", "section: demo", text, flags=re.M)
    data = yaml.load(text, Loader=_Loader)
    data["relations"] = []
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=200)


def _mutate_text(text: str, rng: random.Random) -> str:
    lines = text.splitlines(keepends=True) or [""]
    i = rng.randrange(len(lines))
    choice = rng.randrange(8)
    if choice == 0:
        del lines[i]
    elif choice == 1:
        lines.insert(i, lines[rng.randrange(len(lines))])
    elif choice == 2:
        j = rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
    elif choice == 3:
        pos = rng.randrange(len(lines[i]) + 1)
        lines[i] = lines[i][:pos] + rng.choice(TOKENS) + lines[i][pos:]
    elif choice == 4:
        lines[i] = " " * rng.choice([1, 2, 3, 4, 8]) + lines[i] if rng.random() < 0.5 else lines[i].lstrip(" ")
    elif choice == 5:
        return "".join(lines)[: rng.randrange(len(text) + 1)]
    elif choice == 6:
        key = lines[i].split(":", 1)[0]
        lines[i] = f"{key}: {rng.choice(TOKENS)}{rng.choice(TOKENS)}\n"
    else:
        raw = bytearray("".join(lines).encode("utf-8"))
        if raw:
            raw[rng.randrange(len(raw))] = rng.randrange(256)
        return raw.decode("utf-8", errors="replace")
    return "".join(lines)


def _paths(node: object, prefix: tuple[object, ...] = ()) -> Iterator[tuple[object, ...]]:
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, (*prefix, i))


def _mutate_data(text: str, rng: random.Random) -> str:
    data = yaml.load(text, Loader=_Loader)
    spots = [p for p in _paths(data) if p]
    if not spots:
        return text
    where = rng.choice(spots)
    parent = data
    for step in where[:-1]:
        parent = parent[step]  # type: ignore[index]
    if rng.random() < 0.2 and isinstance(parent, dict):
        del parent[where[-1]]
    else:
        parent[where[-1]] = rng.choice(VALUES)  # type: ignore[index]
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True)


def mutant(text: str, rng: random.Random) -> str:
    for _ in range(rng.randint(1, 4)):
        try:
            text = _mutate_data(text, rng) if rng.random() < 0.3 else _mutate_text(text, rng)
        except (yaml.YAMLError, TypeError, KeyError, IndexError, AttributeError, ValueError, RecursionError):
            text = _mutate_text(text, rng)  # the text no longer parses: keep mutating it as text
    return text


@functools.cache
def _command() -> object:
    """The click command typer builds from fastpolicy's app, built once (typer rebuilds it on every call, ~80 ms)."""
    import typer

    from fastpolicy import cli

    return typer.main.get_command(cli.app)


def run_validate(pack: Path, builtin: Path, semgrep: bool) -> tuple[int, str]:
    """`fastpolicy validate --policies pack --section demo` in-process; returns (exit code, stderr)."""
    from fastpolicy.catalogue import loader
    from fastpolicy.cli import boundary
    from fastpolicy.scan import rulecheck

    err = io.StringIO()
    real_check, real_builtin = rulecheck.check_rules_with_semgrep, loader.policies_dir
    if not semgrep:
        rulecheck.check_rules_with_semgrep = lambda catalogue: len(catalogue.policies)  # type: ignore[assignment]
    loader.policies_dir = lambda: builtin  # type: ignore[assignment]
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            code = boundary.run(_command(), ["validate", "--policies", str(pack), "--section", "demo"])
    finally:
        rulecheck.check_rules_with_semgrep, loader.policies_dir = real_check, real_builtin  # type: ignore[assignment]
    return code, err.getvalue()


def verdict(code: int, stderr: str) -> str:
    """'' when the outcome is acceptable, else what is wrong."""
    if "Traceback" in stderr or "internal error" in stderr:
        return "traceback / internal error"
    if code == 0:
        return ""
    if code != 2:
        return f"exit {code}"
    problems = [line for line in stderr.splitlines() if line and not line.startswith("fastpolicy: error:")]
    if not problems:
        return "exit 2 without a located problem"
    unlocated = [line for line in problems if not LOCATED.match(line)]
    return f"unlocated problem: {unlocated[0][:200]}" if unlocated else ""


def fuzz(cases: int, seed: int, semgrep: bool = False, keep: Path | None = None) -> dict[str, object]:
    rng = random.Random(seed)
    sources = records()
    outcomes = {0: 0, 2: 0}
    failures: list[tuple[int, str, str]] = []
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="fastpolicy-fuzz-") as tmp:
        builtin = Path(tmp) / "builtin"
        builtin.mkdir()
        for name in ("sections.yaml", "seed.yaml"):
            (builtin / name).write_bytes((ROOT / "policies" / name).read_bytes())
        pack = Path(tmp) / "pack"
        (pack / "demo").mkdir(parents=True)
        (pack / "sections.yaml").write_text("demo:\n  prefix: DEMO\n  title: Demo\n  description: Fuzzed records.\n", encoding="utf-8")
        for case in range(cases):
            source = sources[rng.randrange(len(sources))]
            text = as_demo(source)
            record = pack / "demo" / f"DEMO-001-{source.stem.split('-', 2)[2]}.yaml"  # identity = path
            record.write_bytes(mutant(text, rng).encode("utf-8", errors="surrogatepass"))
            for old in (pack / "demo").glob("*.yaml"):
                if old != record:
                    old.unlink()
            code, stderr = run_validate(pack, builtin, semgrep)
            outcomes[code] = outcomes.get(code, 0) + 1
            problem = verdict(code, stderr)
            if problem:
                failures.append((case, source.name, problem))
                if keep:
                    keep.mkdir(parents=True, exist_ok=True)
                    (keep / f"case-{case}.yaml").write_bytes(record.read_bytes())
    return {"cases": cases, "seed": seed, "exits": outcomes, "failures": failures, "seconds": round(time.monotonic() - started, 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--semgrep", action="store_true", help="also ask semgrep for its verdict on each loaded rule (slow)")
    parser.add_argument("--keep", type=Path, help="folder to copy failing records into")
    args = parser.parse_args()
    result = fuzz(args.cases, args.seed, args.semgrep, args.keep)
    for case, source, problem in result["failures"]:  # type: ignore[attr-defined]
        print(f"case {case} (from {source}): {problem}")
    print(f"{result['cases']} cases, seed {result['seed']}, exits {result['exits']}, {len(result['failures'])} failures, {result['seconds']} s")  # type: ignore[arg-type]
    return 1 if result["failures"] else 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "engine"))
    sys.exit(main())
