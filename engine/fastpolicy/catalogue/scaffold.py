"""`fastpolicy new ID`: a new record with every required key, a working pattern and a bad/good example to replace."""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import UsageError
from ..models import SEVERITIES
from .loader import SECTIONS_FILE
from .yamlfile import YamlProblem, read_yaml

_ID = re.compile(r"^([A-Z][A-Z0-9]*)-(\d{3,})$")
_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SCHEMA_URL = "https://fastpolicy.dev/schemas/policy.schema.json"

TEMPLATE = """\
# yaml-language-server: $schema={schema}
# A new record: replace every TODO, then `fastpolicy validate --policies {folder}` and `fastpolicy test --policies {folder}`.
id: {id}
name: {name}
title: TODO one line that names the problem
section: {section}
topic: TODO
level: MUST NOT
severity: {severity}
seed: []
statement: >-
  TODO the rule in one or two sentences, as an instruction (what to do or never do).
rationale: |
  TODO why: what goes wrong in production, and for whom. Cite the documentation in references.
references:
  - title: TODO the documentation page that supports the rationale
    url: https://example.com/TODO
relations: []
check:
  kind: pattern
  languages: [python]
  message: >-
    TODO what is wrong on the flagged line and how to fix it.
  rule:
    pattern: eval(...)
examples:
  - kind: bad
    title: TODO the violation
    language: python
    code: |
      def handler(text: str):
          # ruleid: {id}
          return eval(text)
  - kind: good
    title: TODO the compliant form
    language: python
    code: |
      def handler(text: str):
          return int(text)
"""


def _sections(folder: Path) -> dict[str, dict]:
    path = folder / SECTIONS_FILE
    if not path.is_file():
        return {}
    try:
        data, _lines = read_yaml(path, str(path))
    except YamlProblem as exc:
        raise UsageError(f"{path} is not valid YAML: {exc.problem}") from exc
    return data if isinstance(data, dict) else {}


def scaffold(folder: Path, record_id: str, *, name: str = "", section: str = "", severity: str = "medium") -> Path:
    """Write `<folder>/<section>/<ID>-<name>.yaml` (and the section, when new) and return its path; never overwrite."""
    match = _ID.match(record_id)
    if not match:
        raise UsageError(f"'{record_id}' is not a record id: use an upper-case prefix, a dash and three digits, e.g. ACME-001")
    name = name or "todo-" + record_id.lower()
    if not _NAME.match(name):
        raise UsageError(f"'{name}' is not a record name: use lower-case words joined by dashes, e.g. no-eval-of-input")
    if severity not in SEVERITIES:
        raise UsageError(f"severity must be one of {', '.join(SEVERITIES)}")
    prefix = match.group(1)
    sections = _sections(folder)
    known = next((key for key, value in sections.items() if isinstance(value, dict) and value.get("prefix") == prefix), "")
    if section and known and section != known:
        raise UsageError(f"the prefix {prefix} belongs to section '{known}' in {folder / SECTIONS_FILE}, not '{section}'")
    section = section or known or prefix.lower()
    if section not in sections:
        if not re.match(r"^[a-z][a-z0-9-]*$", section):
            raise UsageError(f"'{section}' is not a section key: use lower-case letters, digits and dashes")
        folder.mkdir(parents=True, exist_ok=True)
        with (folder / SECTIONS_FILE).open("a", encoding="utf-8") as handle:
            handle.write(f"{section}:\n  prefix: {prefix}\n  title: TODO the title of section {section}\n")
    target = folder / section / f"{record_id}-{name}.yaml"
    if target.exists():
        raise UsageError(f"{target} already exists")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(TEMPLATE.format(schema=SCHEMA_URL, folder=folder, id=record_id, name=name, section=section, severity=severity), encoding="utf-8")
    return target
