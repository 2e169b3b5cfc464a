"""Strict YAML reading: duplicate keys are refused and every value keeps its line number.

Records are third-party input (an organization's pack): anchors, aliases and explicit tags are refused
(records need none; aliases allow exponential expansion, tags reach constructors that raise or run code)
and nesting is bounded before anything is composed (the composer recurses once per level).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..errors import Problem, YamlProblem

__all__ = ["YamlProblem", "read_yaml"]

# libyaml when available: 20x faster, same nodes and marks
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_DEPTH = 64  # records nest about 6 levels; the composer and _build recurse once per level


def _check_events(text: str, loader: type, display: str) -> None:
    """Refuse anchors, aliases, explicit tags and deep nesting from the event stream (no node built yet)."""
    depth = 0
    for event in yaml.parse(text, Loader=loader):
        line = event.start_mark.line + 1
        if isinstance(event, yaml.AliasEvent):
            raise YamlProblem(Problem(display, line, f"YAML aliases (*{event.anchor}) are not allowed in records"))
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise YamlProblem(Problem(display, line, f"YAML anchors (&{anchor}) are not allowed in records"))
        tag = getattr(event, "tag", None)
        if tag is not None:
            raise YamlProblem(Problem(display, line, f"explicit YAML tags ({tag}) are not allowed in records"))
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                raise YamlProblem(Problem(display, line, f"nesting deeper than {MAX_DEPTH} levels is not allowed in records"))
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            depth -= 1


def read_yaml(path: Path, display: str) -> tuple[Any, dict[str, int]]:
    """Parse one YAML document; return (data, {dotted.key.path: line}). Raises YamlProblem."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise YamlProblem(Problem(display, 0, f"cannot read file: {exc}")) from exc
    try:
        try:
            _check_events(text, _LOADER, display)
            node = yaml.compose(text, Loader=_LOADER)
        except yaml.YAMLError:
            # re-parse with the pure-Python parser: its messages are clearer and the same everywhere
            _check_events(text, yaml.SafeLoader, display)
            node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        raise YamlProblem(Problem(display, line, f"invalid YAML: {exc.problem or exc}")) from exc
    except yaml.reader.ReaderError as exc:  # a character YAML forbids (control characters, a stray byte)
        line = text.count("\n", 0, max(exc.position, 0)) + 1
        raise YamlProblem(Problem(display, line, f"invalid YAML: character {exc.character!r} is not allowed ({exc.reason})")) from exc
    except yaml.YAMLError as exc:
        raise YamlProblem(Problem(display, 0, f"invalid YAML: {' '.join(str(exc).split())}")) from exc
    if node is None:
        raise YamlProblem(Problem(display, 1, "empty file"))
    lines: dict[str, int] = {}
    constructor = yaml.SafeLoader("")
    data = _build(node, (), lines, constructor, display)
    return data, lines


def _build(node: yaml.Node, path: tuple[str, ...], lines: dict[str, int], constructor: yaml.SafeLoader, display: str) -> Any:
    lines[".".join(path)] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise YamlProblem(Problem(display, key_node.start_mark.line + 1, "YAML merge keys (<<) are not allowed"))
            key = _scalar(key_node, constructor, display)
            if not isinstance(key, (str, int, bool, float)) or key is None:
                raise YamlProblem(Problem(display, key_node.start_mark.line + 1, f"unsupported mapping key {key!r}"))
            if key in result:
                first = lines.get(".".join((*path, str(key))), 0)
                raise YamlProblem(
                    Problem(display, key_node.start_mark.line + 1, f"duplicate key '{key}' (first defined on line {first})")
                )
            child = (*path, str(key))
            result[key] = _build(value_node, child, lines, constructor, display)
            lines[".".join(child)] = key_node.start_mark.line + 1
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, (*path, str(i)), lines, constructor, display) for i, item in enumerate(node.value)]
    return _scalar(node, constructor, display)


def _scalar(node: yaml.Node, constructor: yaml.SafeLoader, display: str) -> Any:
    """Construct one implicitly typed value; a value its resolver cannot build (`2024-13-45`) is a located problem."""
    if not isinstance(node, yaml.ScalarNode):
        raise YamlProblem(Problem(display, node.start_mark.line + 1, "a mapping or list cannot be a mapping key"))
    try:
        return constructor.construct_object(node, deep=True)
    except (yaml.YAMLError, ValueError, TypeError, OverflowError, KeyError, AttributeError) as exc:
        raise YamlProblem(Problem(display, node.start_mark.line + 1, f"invalid YAML value {node.value!r}: {exc}")) from exc
