"""Reference pages: the record schema and the command line (from the typer app it is given)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from .html import _fence
from .text import _e, md_escape
from .urls import Pages


def _schema_type(node: Mapping[str, Any], pages: Pages) -> str:
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        return f'<a href="#def-{_e(name.lower())}"><code>{_e(name)}</code></a>'
    if "const" in node:
        return f"<code>{_e(json.dumps(node['const']))}</code>"
    if "enum" in node:
        return "one of " + ", ".join(f"<code>{_e(v)}</code>" for v in node["enum"])
    for key in ("oneOf", "anyOf"):
        if key in node:
            return " or ".join(_schema_type(sub, pages) for sub in node[key])
    kind = node.get("type", "")
    if kind == "array":
        items = node.get("items", {})
        return f"list of {_schema_type(items, pages)}" if items else "list"
    text = f"<code>{_e(kind)}</code>" if kind else "any"
    if "pattern" in node:
        text += f" matching <code>{_e(node['pattern'])}</code>"
    if kind == "object" and "properties" in node:
        text += " (" + ", ".join(f"<code>{_e(k)}</code>" for k in node["properties"]) + ")"
    return text


def _schema_table(node: Mapping[str, Any], pages: Pages) -> str:
    required = set(node.get("required", ()))
    rows = "".join(
        f"<tr><td><code>{_e(key)}</code>{' <strong>required</strong>' if key in required else ''}</td>"
        f"<td>{_schema_type(sub, pages)}</td><td>{_e(sub.get('description', ''))}</td></tr>"
        for key, sub in node.get("properties", {}).items()
    )
    return f"<table><thead><tr><th>key</th><th>value</th><th>meaning</th></tr></thead><tbody>{rows}</tbody></table>"


def schema_page(pages: Pages) -> str:
    from ..catalogue.schema import policy_schema

    schema = policy_schema()
    out = [
        "---\ntitle: Record schema\n---\n\n# Record schema\n",
        f"<p>Generated from <code>schemas/policy.schema.json</code> ({_e(schema.get('$schema', ''))}). {_e(schema.get('description', ''))}</p>\n",
        "## Record\n",
        _schema_table(schema, pages) + "\n",
    ]
    for name, node in schema.get("$defs", {}).items():
        out.append(f'<h3 id="def-{_e(name.lower())}">{_e(name)}</h3>\n')
        if node.get("description"):
            out.append(f"<p>{_e(node['description'])}</p>\n")
        out.append((_schema_table(node, pages) if "properties" in node else f"<p>{_schema_type(node, pages)}</p>") + "\n")
    out.append("## The schema file\n")
    out.append(_fence(json.dumps(schema, indent=2, ensure_ascii=False), "json") + "\n")
    return "\n".join(out)


CONFIG_EXAMPLE = """[tool.fastpolicy]            # or the top level of a fastpolicy.toml
ignore = ["OPS-007"]
severity = "low"              # report low and above
fail-on = "high"              # exit 1 only for high and critical findings
policies = ["our-rules"]      # an organization pack, with its overrides.yaml
extend-exclude = ["generated/"]
per-file-ignores = {"scripts/**" = ["cors-wildcard-origin"]}
roles = {generated = ["app/proto/**"]}
unparsable = ["app/py314_only.py"]
"""


def config_page(pages: Pages) -> str:
    """The configuration reference: every key of schemas/config.schema.json, and the org pack's overrides.yaml."""
    from ..catalogue.data_schema import load_schema
    from ..resources import config_schema_path, overrides_schema_path

    config, overrides = load_schema(config_schema_path()), load_schema(overrides_schema_path())
    out = [
        "---\ntitle: Configuration\n---\n\n# Configuration\n",
        f"<p>Generated from <code>schemas/config.schema.json</code>. {_e(config.get('description', ''))}</p>\n",
        _fence(CONFIG_EXAMPLE, "toml") + "\n",
        "## Keys\n",
        "<p>An unknown key or a value of the wrong type is an error naming the file, the line and the key (exit 2); "
        "an id, name or section in <code>select</code>, <code>ignore</code> or <code>per-file-ignores</code> that names no record is one too.</p>\n",
        _schema_table(config, pages) + "\n",
    ]
    for name, node in config.get("$defs", {}).items():
        out.append(f'<h3 id="def-{_e(name.lower())}">{_e(name)}</h3>\n')
        if node.get("description"):
            out.append(f"<p>{_e(node['description'])}</p>\n")
        out.append(f"<p>{_schema_type(node, pages)}</p>\n")
    out.append("## Organization overrides: overrides.yaml\n")
    out.append(f"<p>Generated from <code>schemas/overrides.schema.json</code>. {_e(overrides.get('description', ''))}</p>\n")
    out.append(_fence("SEC-010:\n  severity: low\n  reason: internal service, reached only through the gateway\nOPS-007:\n  enabled: false\n"
                      "  reason: we deploy on VMs\nDB-001:\n  paths:\n    exclude: [\"scripts/**\"]\n", "yaml") + "\n")
    override = overrides["$defs"]["override"]
    out.append(f"<p>{_e(override.get('description', ''))}</p>\n")
    out.append(_schema_table(override, pages) + "\n")
    out.append("## The schema files\n")
    out.append(_fence(json.dumps(config, indent=2, ensure_ascii=False), "json") + "\n")
    out.append(_fence(json.dumps(overrides, indent=2, ensure_ascii=False), "json") + "\n")
    return "\n".join(out)


def cli_page(root: Any) -> str:
    """The command-line reference, read from the typer app itself (its usage lines, help texts and options)."""
    out = ["---\ntitle: Command line\n---\n\n# Command line\n", "<p>Generated from the <code>fastpolicy</code> command itself.</p>\n"]

    def walk(command: Any, ctx: Any, name: str, depth: int) -> None:
        if depth:
            out.append(f"{'#' * min(depth + 1, 4)} {md_escape(name)}\n")
        if command.help:
            out.append(f"<p>{_e(command.help.strip())}</p>\n")
        out.append(_fence(command.get_usage(ctx), "text") + "\n")
        records = [rec for rec in (p.get_help_record(ctx) for p in command.params) if rec]
        if records:
            rows = "".join(f"<tr><td><code>{_e(names)}</code></td><td>{_e(text)}</td></tr>" for names, text in records)
            out.append(f"<table><thead><tr><th>argument / option</th><th>meaning</th></tr></thead><tbody>{rows}</tbody></table>\n")
        for sub_name, sub in sorted(getattr(command, "commands", {}).items()):
            if getattr(sub, "hidden", False):
                continue
            walk(sub, sub.context_class(sub, info_name=sub_name, parent=ctx), f"{name} {sub_name}", depth + 1)

    walk(root, root.context_class(root, info_name="fastpolicy"), "fastpolicy", 0)
    return "\n".join(out)
