"""`fastpolicy context`: the project model as text (for people) or JSON (the documented contract)."""

from __future__ import annotations

import json

from rich.markup import escape

from ..project import ProjectModel
from .rendered import Rendered


def context_json_report(model: ProjectModel) -> Rendered:
    return Rendered(json.dumps(model.to_json(), indent=2, sort_keys=True, ensure_ascii=False) + "\n")


def context_text_report(model: ProjectModel) -> Rendered:
    data = model.to_json()
    out: list[str] = []
    deployment = data["deployment"]
    how = "given" if deployment["declared"] else "detected"
    evidence = f" from {', '.join(deployment['evidence'][:5])}" if deployment["evidence"] else ""
    out.append(f"[bold]Deployment[/]: {escape(deployment['kind'])} ({how}{escape(evidence)})")
    out.append("")
    out.append("[bold]File roles[/]")
    for role, info in data["roles"].items():
        out.append(f"  {role:<15} {info['files']:>5} files, e.g. {escape(', '.join(info['examples'][:3]))}")
    out.append("")
    out.append("[bold]Dependencies[/] (declared; locked version where a lock file pins it)")
    for dep in data["dependencies"][:40]:
        version = dep["locked"] or dep["specifier"] or "any version"
        out.append(f"  {escape(dep['name'])} {escape(version)}  ({escape(dep['source'])})")
    if len(data["dependencies"]) > 40:
        out.append(f"  … {len(data['dependencies']) - 40} more (--format json lists all)")
    out.append("")
    out.append("[bold]Applications[/]")
    for app in data["apps"]:
        out.append(f"  {escape(app['id'])} at {escape(app['location'])}{' (served)' if app['served'] else ''}")
    out.append("")
    out.append(f"[bold]Routes[/] ({len(data['routes'])}): effective path, methods, effective dependencies")
    for route in data["routes"]:
        deps = escape("[" + (", ".join(d["name"] for d in route["dependencies"]) or "no dependencies") + "]")
        paths = escape(" | ".join(route["effective_paths"]) or route["path"])
        out.append(f"  {escape(route['location'])}  {','.join(route['methods']) or 'ANY'} {paths}  {deps}")
    out.append("")
    out.append(f"[bold]Server launches[/] ({len(data['launches'])})")
    for launch in data["launches"]:
        options = " ".join(f"{k}={v}" if v else k for k, v in sorted(launch["options"].items()))
        out.append(f"  {escape(launch['source'])}  {launch['kind']}: {launch['server']} {escape(launch['target'])}  {escape(options)}")
    settings = [s for s in data["settings"] if s["kind"] != "constant"]
    out.append("")
    out.append(f"[bold]Settings[/] ({len(settings)} settings and env values, {len(data['settings']) - len(settings)} module constants)")
    for setting in settings[:60]:
        out.append(f"  {escape(setting['location'])}  {escape(setting['name'])} = {escape(setting['text'][:60])}  ({setting['kind']})")
    if data["problems"]:
        out.append("")
        out.append("[bold red]Not read[/] (verdicts that depend on these files are incomplete)")
        out += [f"  {escape(p['location'])}: {escape(p['message'])}" for p in data["problems"]]
    return Rendered(rich="\n".join(out))
