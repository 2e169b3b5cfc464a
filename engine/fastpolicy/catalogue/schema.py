"""Validate a record against schemas/policy.schema.json and word every error as a located sentence."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ..resources import policy_schema_path

if TYPE_CHECKING:  # jsonschema is imported on first validation: browsing commands never pay for it
    import jsonschema
    from jsonschema import Draft202012Validator


@lru_cache(maxsize=1)
def policy_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(policy_schema_path().read_text(encoding="utf-8"))
    return schema


@lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    from jsonschema import Draft202012Validator

    schema = policy_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def schema_key_order() -> list[str]:
    return list(policy_schema()["properties"])


def _where(path: tuple[Any, ...]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _leaf_errors(error: jsonschema.ValidationError) -> Iterator[jsonschema.ValidationError]:
    """For oneOf/anyOf, descend into the branch that got furthest instead of a vague summary."""
    if error.validator in ("oneOf", "anyOf") and error.context:
        # pick the alternative whose kind matched, if any: errors not about 'kind' are the relevant ones
        by_branch: dict[int, list[jsonschema.ValidationError]] = {}
        for sub in error.context:
            by_branch.setdefault(sub.relative_schema_path[0], []).append(sub)
        relevant = [b for b in by_branch.values() if not any(list(s.relative_path) == ["kind"] for s in b)]
        if len(relevant) == 1:
            for sub in relevant[0]:
                yield from _leaf_errors(sub)
            return
    yield error


def _sentence(error: jsonschema.ValidationError) -> str:
    if error.validator == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        return ", ".join(f"unknown key '{k}'" for k in extra)
    if error.validator == "required":
        return error.message.replace("is a required property", "is required")
    if error.validator == "enum":
        allowed = ", ".join(repr(v) for v in error.validator_value)
        return f"{error.instance!r} is not one of {allowed}"
    if error.validator == "pattern":
        if isinstance(error.schema, dict) and error.schema.get("x-pattern-message"):
            return str(error.schema["x-pattern-message"])
        return f"{error.instance!r} does not match the pattern {error.validator_value}"
    if error.validator == "contains":
        kind = error.validator_value.get("properties", {}).get("kind", {}).get("const")
        if kind:
            return f"needs at least one '{kind}' example"
    if error.validator == "type":
        names = {dict: "a mapping", list: "a list", str: "a string", bool: "a boolean", int: "a number", float: "a number", type(None): "nothing"}
        got = names.get(type(error.instance), type(error.instance).__name__)
        expected = error.validator_value if isinstance(error.validator_value, str) else " or ".join(error.validator_value)
        hint = " (an unquoted ': ' makes YAML read a mapping: quote the text)" if expected == "string" and isinstance(error.instance, dict) else ""
        return f"expected {expected}, found {got}{hint}"
    if error.validator == "propertyNames":
        return f"{error.instance!r} is not a semgrep matching operator"
    return error.message


def validate_record(data: Any) -> list[tuple[tuple[Any, ...], str]]:
    """All schema errors of one record as (json path, sentence), sorted by path."""
    found: list[tuple[tuple[Any, ...], str]] = []
    for error in _validator().iter_errors(data):
        for leaf in _leaf_errors(error):
            path = tuple(leaf.absolute_path)
            if leaf.validator == "propertyNames":
                path = tuple(error.absolute_path)
            if leaf.validator == "additionalProperties":
                # one error per unknown key, located on the key's own line
                for key in sorted(set(leaf.instance) - set(leaf.schema.get("properties", {}))):
                    found.append(((*path, key), f"unknown key '{key}'"))
                continue
            found.append((path, _sentence(leaf)))
    return sorted(set(found), key=lambda item: ([str(p) for p in item[0]], item[1]))


def describe(path: tuple[Any, ...], sentence: str) -> str:
    if sentence.startswith("unknown key '"):
        path = path[:-1]
    where = _where(path)
    return f"{where}: {sentence}" if where else sentence


def lines_key(path: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in path)


def line_for(lines: Mapping[str, int], path: tuple[Any, ...]) -> int:
    probe = list(path)
    while probe:
        key = lines_key(tuple(probe))
        if key in lines:
            return lines[key]
        probe.pop()
    return 1
