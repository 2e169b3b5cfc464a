"""One parametrized test per record: format, identity and the docs/test contract. Adding a record adds its tests."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from conftest import ROOT
from fastpolicy.catalogue.loader import load_catalogue
from fastpolicy.catalogue.markers import parse_markers, strip_markers
from fastpolicy.catalogue.schema import schema_key_order

RECORDS = sorted((ROOT / "policies").glob("*/*.yaml"))


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


def test_catalogue_loads_and_has_every_section(catalogue) -> None:
    assert {p.section for p in catalogue.policies} <= set(catalogue.sections)
    assert len(catalogue.policies) == len(RECORDS)


@pytest.mark.parametrize("path", RECORDS, ids=[p.stem.split("-", 2)[0] + "-" + p.stem.split("-", 2)[1] for p in RECORDS])
def test_record_format(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    order = schema_key_order()
    keys = list(data)
    assert keys == sorted(keys, key=order.index), f"keys must follow the schema order: {order}"
    assert "\t" not in text, "tabs are not allowed"
    assert text.endswith("\n") and not text.endswith("\n\n"), "exactly one final newline"
    for number, line in enumerate(text.splitlines(), 1):
        assert line == line.rstrip(), f"line {number}: trailing whitespace"
    _check_indent(yaml.compose(text), 0)


def _check_indent(node: yaml.Node, column: int) -> None:
    """Block mappings and sequences nest by exactly two spaces (sequence items under a key are indented too)."""
    if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and not node.flow_style:
        assert node.start_mark.column == column, f"line {node.start_mark.line + 1}: expected indent {column}, found {node.start_mark.column}"
        children = [v for _, v in node.value] if isinstance(node, yaml.MappingNode) else node.value
        for child in children:
            _check_indent(child, column + 2)


@pytest.mark.parametrize("path", RECORDS, ids=[p.stem[:8].rstrip("-") for p in RECORDS])
def test_examples_are_the_docs(path: Path, catalogue) -> None:
    """The docs show the tested code minus marker lines, with exactly the ruleid lines highlighted."""
    policy = next(p for p in catalogue.policies if Path(p.path).resolve() == path.resolve())
    for example in policy.examples:
        shown, flagged = strip_markers(example.code)
        markers = [m for m in parse_markers(example.code) if m.kind == "ruleid"]
        assert "ruleid:" not in shown and "# ok:" not in shown
        assert len(flagged) == len({m.target_line for m in markers})
        if policy.check.automated:
            assert example.kind != "bad" or markers or any(m.kind == "todoruleid" for m in parse_markers(example.code))
