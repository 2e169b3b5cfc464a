"""Records -> models: load the built-in catalogue and organization folders; refuse anything invalid."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..errors import PolicyError, Problem, UnknownName, YamlProblem
from ..models import Check, Example, Policy, Relation, Section, SeedRule
from ..resources import policies_dir
from .catalogue import Catalogue
from .graph import graph_problems
from .markers import check_markers
from .overrides import OVERRIDES_FILE, apply_overrides, read_overrides
from .schema import describe, line_for, validate_record
from .snapshot import read_snapshot, remember_valid, validated_marker, write_snapshot

SECTIONS_FILE = "sections.yaml"
SEED_FILE = "seed.yaml"


def read_yaml(path: Path, shown: str) -> tuple[Any, dict[str, int]]:
    """`yamlfile.read_yaml`, imported on first use: a start that finds its snapshot reads no YAML and never imports PyYAML."""
    from .yamlfile import read_yaml as read

    return read(path, shown)


def display_path(path: Path) -> str:
    """A path as the user should see it: relative to the working directory when below it."""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


def _load_sections(folder: Path, problems: list[Problem]) -> dict[str, Section]:
    path = folder / SECTIONS_FILE
    if not path.is_file():
        return {}
    shown = display_path(path)
    try:
        data, lines = read_yaml(path, shown)
    except YamlProblem as exc:
        problems.append(exc.problem)
        return {}
    if not isinstance(data, dict):
        problems.append(Problem(shown, 1, "expected a mapping of section key -> {prefix, title}"))
        return {}
    sections: dict[str, Section] = {}
    for key, value in data.items():
        line = lines.get(str(key), 1)
        if not isinstance(value, dict) or not isinstance(value.get("prefix"), str) or not isinstance(value.get("title"), str):
            problems.append(Problem(shown, line, f"section '{key}' needs a 'prefix' and a 'title'"))
            continue
        unknown = set(value) - {"prefix", "title", "description", "seed_section"}
        for extra in sorted(unknown):
            problems.append(Problem(shown, lines.get(f"{key}.{extra}", line), f"section '{key}': unknown key '{extra}'"))
        sections[str(key)] = Section(
            key=str(key),
            prefix=value["prefix"],
            title=value["title"],
            description=str(value.get("description", "")),
            seed_section=value.get("seed_section"),
        )
    return sections


def _load_seed(folder: Path) -> dict[str, SeedRule]:
    path = folder / SEED_FILE
    data, _ = read_yaml(path, display_path(path))
    seed: dict[str, SeedRule] = {}
    for section in data:
        for number, rule in section["rules"].items():
            seed[number] = SeedRule(number, int(section["section"]), section["title"], rule["topic"], rule["opens"])
    return seed


def _record_files(folder: Path, problems: list[Problem]) -> list[Path]:
    files: list[Path] = []
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.suffix not in (".yaml", ".yml"):
            continue
        relative = path.relative_to(folder)
        if len(relative.parts) == 1:
            if relative.name not in (SECTIONS_FILE, SEED_FILE, OVERRIDES_FILE):
                problems.append(Problem(display_path(path), 0, "a record must sit in a section folder: <section>/<ID>-<name>.yaml"))
            continue
        if len(relative.parts) > 2:
            problems.append(Problem(display_path(path), 0, "records sit exactly one folder deep: <section>/<ID>-<name>.yaml"))
            continue
        files.append(path)
    return files


def _anchors(value: Any) -> tuple[str, ...]:
    """`check.anchor`: one regex or a list of them."""
    return (value,) if isinstance(value, str) else tuple(str(v) for v in value or ())


def _as_tuple(value: Any) -> tuple[Any, ...]:
    return tuple(value or ())


def build_policy(data: Mapping[str, Any], lines: Mapping[str, int], path: str, origin: str) -> Policy:
    check_data = data["check"]
    check = Check(
        kind=check_data["kind"],
        languages=_as_tuple(check_data.get("languages")),
        paths=dict(check_data.get("paths") or {}),
        anchor=_anchors(check_data.get("anchor")),
        message=str(check_data.get("message", "")).strip(),
        rule=dict(check_data.get("rule") or {}),
        fix=str(check_data.get("fix", "")),
        condition=str(check_data.get("condition", "")).strip(),
        reason=str(check_data.get("reason", "")).strip(),
        questions=_as_tuple(check_data.get("questions")),
        route=dict(check_data.get("route") or {}),
        resolve=dict(check_data.get("resolve") or {}),
        within_class=dict(check_data.get("within_class") or {}),
        crosses_feature=dict(check_data.get("crosses_feature") or {}),
        launch=dict(check_data.get("launch") or {}),
        setting=dict(check_data.get("setting") or {}),
        once_per=str(check_data.get("once_per", "route")),
        applies_if=dict(check_data.get("applies_if") or {}),
        satisfied_by_probe=_as_tuple(check_data.get("satisfied_by_probe")),
        unless_pytest={str(k): str(v) for k, v in (check_data.get("unless_pytest") or {}).items()},
    )
    examples = tuple(
        Example(
            index=i,
            kind=e["kind"],
            language=e["language"],
            code=e["code"],
            title=str(e.get("title", "")),
            filename=str(e.get("filename", "")),
        )
        for i, e in enumerate(data.get("examples") or ())
    )
    note = data.get("seed_note") or {}
    return Policy(
        id=data["id"],
        name=data["name"],
        title=data["title"],
        section=data["section"],
        topic=data["topic"],
        level=data["level"],
        severity=data["severity"],
        seed=_as_tuple(data["seed"]),
        statement=str(data["statement"]).strip(),
        rationale=str(data["rationale"]).strip(),
        references=tuple((r["title"], r["url"]) for r in data["references"]),
        relations=tuple(Relation(r["type"], r["target"], str(r["note"]).strip()) for r in data["relations"]),
        check=check,
        examples=examples,
        path=path,
        origin=origin,
        owasp=_as_tuple(data.get("owasp")),
        cwe=_as_tuple(data.get("cwe")),
        aliases=_as_tuple(data.get("aliases")),
        deployment=str(data.get("deployment", "")),
        applies_roles=_as_tuple((data.get("applies_to") or {}).get("roles")),
        applies_packages=tuple(dict(c) for c in (data.get("applies_to") or {}).get("packages") or ()),
        seed_verdict=str(note.get("verdict", "")),
        seed_note=str(note.get("note", "")).strip(),
        limitations=_as_tuple(data.get("limitations")),
        lines=dict(lines),
    )


def _check_identity(policy: Policy, file: Path, sections: Mapping[str, Section], seed: Mapping[str, SeedRule], problems: list[Problem]) -> None:
    where = policy.path
    expected_name = f"{policy.id}-{policy.name}.yaml"
    if file.name != expected_name:
        problems.append(Problem(where, policy.line_of("id"), f"file name must be '{expected_name}' (id and name of the record)"))
    if file.parent.name != policy.section:
        problems.append(Problem(where, policy.line_of("section"), f"section '{policy.section}' does not match the folder '{file.parent.name}'"))
    section = sections.get(policy.section)
    if section is None:
        known = ", ".join(sorted(sections))
        problems.append(Problem(where, policy.line_of("section"), f"unknown section '{policy.section}' (known: {known})"))
    elif not policy.id.startswith(section.prefix + "-"):
        problems.append(Problem(where, policy.line_of("id"), f"id '{policy.id}' must start with '{section.prefix}-', the prefix of section '{section.key}'"))
    for i, number in enumerate(policy.seed):
        if number not in seed:
            problems.append(Problem(where, policy.line_of("seed", i), f"seed[{i}]: unknown seed rule '{number}'"))
    if policy.check.kind in ("pattern", "project"):
        for example in policy.examples:
            check_markers(policy, example, problems)


def _assemble(folders: Sequence[tuple[Path, str]], seed: Mapping[str, SeedRule], problems: list[Problem], trusted: bool) -> Catalogue:
    """Read every record of `folders` (schema and relation checks skipped when `trusted`); problems are appended."""
    sections: dict[str, Section] = {}
    for folder, _origin in folders:
        for key, section in _load_sections(folder, problems).items():
            existing = sections.get(key)
            if existing and existing.prefix != section.prefix:
                problems.append(Problem(display_path(folder / SECTIONS_FILE), 0, f"section '{key}' redefined with prefix '{section.prefix}' (was '{existing.prefix}')"))
                continue
            clash = next((s for s in sections.values() if s.prefix == section.prefix and s.key != key), None)
            if clash:
                problems.append(Problem(display_path(folder / SECTIONS_FILE), 0, f"prefix '{section.prefix}' of section '{key}' is already used by '{clash.key}'"))
                continue
            sections.setdefault(key, section)

    loaded: list[tuple[Policy, Path]] = []
    for folder, origin in folders:
        for file in _record_files(folder, problems):
            shown = display_path(file)
            try:
                data, lines = read_yaml(file, shown)
            except YamlProblem as exc:
                problems.append(exc.problem)
                continue
            errors = [] if trusted else validate_record(data)
            if errors:
                problems.extend(Problem(shown, line_for(lines, p), describe(p, s)) for p, s in errors)
                continue
            policy = build_policy(data, lines, shown, origin)
            _check_identity(policy, file, sections, seed, problems)
            loaded.append((policy, file))

    _check_unique(loaded, problems)
    overrides = [o for folder, origin in folders if origin != "builtin" for o in read_overrides(folder, display_path(folder / OVERRIDES_FILE), problems)]
    policies = tuple(sorted(apply_overrides([p for p, _ in loaded], overrides, problems), key=lambda p: p.id))
    catalogue = Catalogue(policies=policies, sections=sections, seed=seed, folders=tuple(o for _, o in folders))
    if not trusted:
        problems.extend(graph_problems(catalogue))
    return catalogue


def load_catalogue(extra_folders: Sequence[Path] = (), *, include_builtin: bool = True, sections_only: Sequence[str] = (),
                   revalidate: bool = False) -> Catalogue:
    """Load and validate every record; raise PolicyError listing ALL problems.

    `sections_only` narrows the catalogue (and the problems reported) to records of those sections,
    so one section can be worked on while another is mid-edit. A catalogue whose exact bytes were validated
    before (see `snapshot.validated_marker`) skips the JSON-schema and relation-graph checks unless `revalidate`.
    """
    problems: list[Problem] = []
    builtin = policies_dir()
    folders: list[tuple[Path, str]] = []
    if include_builtin:
        folders.append((builtin, "builtin"))
    for folder in extra_folders:
        if not folder.is_dir():
            problems.append(Problem(display_path(folder), 0, "policy folder does not exist"))
            continue
        folders.append((folder, display_path(folder)))

    marker = validated_marker(folders, builtin / SEED_FILE)
    trusted = not revalidate and marker is not None and marker.is_file()
    snapshot = marker.with_name(f"{marker.name}-{hashlib.sha256(os.getcwd().encode()).hexdigest()[:16]}.pickle") if marker and not problems else None
    catalogue = read_snapshot(snapshot) if trusted and snapshot else None
    if catalogue is None:
        catalogue = _assemble(folders, _load_seed(builtin), problems, trusted)
        if not problems:
            if not trusted:
                remember_valid(marker)
            write_snapshot(snapshot, catalogue)
    seed = catalogue.seed
    policies, sections = catalogue.policies, catalogue.sections
    if sections_only:
        claimed = {p.section for p in policies}
        unknown = sorted(set(sections_only) - set(sections) - claimed)
        if unknown:
            raise UnknownName(f"unknown section '{unknown[0]}' (known: {', '.join(sorted(sections))})")
        scoped = {Path(p.path) for p in policies if p.section in sections_only}
        problems = [p for p in problems if Path(p.path) in scoped or Path(p.path).parent.name in sections_only]
        catalogue = Catalogue(
            policies=tuple(p for p in policies if p.section in sections_only), sections=sections, seed=seed, folders=catalogue.folders
        )
    if problems:
        raise PolicyError(f"{len(set(problems))} problem(s) in the policy records", problems)
    return catalogue


def _check_unique(loaded: Iterable[tuple[Policy, Path]], problems: list[Problem]) -> None:
    ids: dict[str, Policy] = {}
    names: dict[str, Policy] = {}
    for policy, _ in loaded:
        first = ids.get(policy.id)
        if first:
            builtin = first.origin == "builtin" and policy.origin != "builtin"
            what = "a built-in record" if builtin else "another record"
            hint = (f" (to change a built-in record's severity, disable it or narrow its paths, write it in "
                    f"{display_path(Path(policy.origin) / OVERRIDES_FILE)} instead of copying the record)") if builtin else ""
            problems.append(Problem(policy.path, policy.line_of("id"), f"duplicate id '{policy.id}': clashes with {what} at {first.path}{hint}"))
        else:
            ids[policy.id] = policy
        for name in (policy.name, *policy.aliases):
            other = names.get(name)
            if other and other.id != policy.id:
                problems.append(Problem(policy.path, policy.line_of("name"), f"duplicate name '{name}': already used by {other.id} ({other.path})"))
            else:
                names[name] = policy
