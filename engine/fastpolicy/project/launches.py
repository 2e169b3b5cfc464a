"""Every place a server is started, normalized: Dockerfile, compose, Kubernetes, Procfile, gunicorn.conf.py, systemd, supervisord, shell, Python."""

from __future__ import annotations

import ast
import configparser
import dataclasses
import io
import re
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .commands import SERVERS, SETTING_NAMES, parse, tokens
from .facts import Launch, Location, ModelProblem, Setting
from .modules import Module, call_name
from .probes import yaml_probes
from .settings import literal

_DOCKERFILE = re.compile(r"(?i)^(dockerfile(\.[\w.-]+)?|[\w.-]+\.dockerfile|containerfile)$")
_DEV_STAGE = re.compile(r"(?i)\sas\s+(dev|devel|develop|development|local|debug|test|tests|testing|ci)([-_]\w*)?\s*$")  # not a deployed stage
_SHELL = re.compile(r"\.(sh|bash)$|^(entrypoint|start|run|docker-entrypoint|boot)(\.\w+)?$")


def is_launch_file(name: str) -> bool:
    return bool(_DOCKERFILE.match(name) or _SHELL.search(name) or name == "Procfile" or name.endswith((".service", ".conf", ".ini")))


def _norm(command: str | list[str]) -> str:
    return " ".join(command) if isinstance(command, list) else " ".join(command.split())


def _launches(command: str | list[str], location: Location, kind: str) -> list[Launch]:
    return [Launch(server, target, tuple(sorted(options.items())), location, kind, _norm(command))
            for server, target, options in parse(command)]


def with_env(launches: list[Launch], env: dict[str, str]) -> list[Launch]:
    """Options a server reads from its environment when the command does not give them: WEB_CONCURRENCY (Uvicorn's and
    Gunicorn's worker-count default), UVICORN_<OPTION> (Uvicorn's click env prefix) and GUNICORN_CMD_ARGS."""
    out = []
    for launch in launches:
        extra: dict[str, str] = {}
        if launch.server in ("uvicorn", "gunicorn") and env.get("WEB_CONCURRENCY"):
            extra["workers"] = env["WEB_CONCURRENCY"]
        for key, value in env.items():
            if launch.server == "uvicorn" and key.startswith("UVICORN_"):
                name = key[len("UVICORN_"):].lower()
                extra[SETTING_NAMES.get(name, name)] = value
        if launch.server == "gunicorn" and env.get("GUNICORN_CMD_ARGS"):
            for _, _, options in parse(f"gunicorn {env['GUNICORN_CMD_ARGS']}"):
                extra.update(options)
        given = dict(launch.options)
        merged = {**extra, **given}
        out.append(dataclasses.replace(launch, options=tuple(sorted(merged.items()))) if merged != given else launch)
    return out


def _env_pairs(value: str) -> dict[str, str]:
    words = shlex.split(value, posix=True) if value.strip() else []
    if words and "=" not in words[0]:
        return {words[0]: " ".join(words[1:])}
    return dict(w.split("=", 1) for w in words if "=" in w)


def dockerfile(rel: str, text: str) -> list[Launch]:
    from dockerfile_parse import DockerfileParser  # a maintained Dockerfile parser: continuations, JSON and shell forms

    parser = DockerfileParser(fileobj=io.BytesIO(text.encode("utf-8", errors="replace")))
    found: list[Launch] = []
    entrypoint: list[str] = []
    env: dict[str, str] = {}
    development = False
    for item in parser.structure:
        if item["instruction"] == "FROM":
            entrypoint, env = [], {}
            development = bool(_DEV_STAGE.search(item["value"]))
        if item["instruction"] == "ENV":
            try:
                env.update(_env_pairs(item["value"]))
            except ValueError:
                pass
        if item["instruction"] not in ("CMD", "ENTRYPOINT") or development:
            continue
        words = tokens(item["value"])
        location = Location(rel, item["startline"] + 1)
        if item["instruction"] == "ENTRYPOINT":
            entrypoint = words
            found += with_env(_launches(words, location, "dockerfile"), env)
        elif not parse(entrypoint):
            found += with_env(_launches([*entrypoint, *words], location, "dockerfile"), env)
    return found


def healthchecks(rel: str, text: str) -> list[tuple[str, int]]:
    """Each HEALTHCHECK instruction's value with its (1-based) line."""
    from dockerfile_parse import DockerfileParser

    parser = DockerfileParser(fileobj=io.BytesIO(text.encode("utf-8", errors="replace")))
    return [(item["value"], item["startline"] + 1) for item in parser.structure if item["instruction"] == "HEALTHCHECK"]


def yaml_documents(rel: str, text: str, docs: list[Any]) -> tuple[list[Launch], list[Setting]]:
    """Compose services and Kubernetes containers: `command`/`args`/`entrypoint`, and `env`/`environment` values."""
    lines = text.splitlines()
    launches: list[Launch] = []
    env: list[Setting] = []
    for doc in docs:
        if not isinstance(doc, dict):
            continue
        if isinstance(doc.get("services"), dict):
            for name, service in doc["services"].items():
                if not isinstance(service, dict):
                    continue
                command = [*_as_words(service.get("entrypoint")), *_as_words(service.get("command"))]
                entries = _env_entries(rel, lines, service.get("environment"), f"compose:{name}")
                if command:
                    start = _find(lines, f"{name}:")
                    found = _launches(command, Location(rel, _find(lines, "command:", "entrypoint:", after=start)), "compose")
                    launches += with_env(found, {e.name: e.text for e in entries})
                env += entries
        for container in _containers(doc):
            command = [*_as_words(container.get("command")), *_as_words(container.get("args"))]
            entries = _env_entries(rel, lines, container.get("env"), f"kubernetes:{container.get('name', '')}")
            if command:
                start = _find(lines, f"name: {container.get('name')}", f"name: \"{container.get('name')}\"") if container.get("name") else 1
                found = _launches(command, Location(rel, _find(lines, "command:", "args:", after=start)), "kubernetes")
                launches += with_env(found, {e.name: e.text for e in entries})
            env += entries
        env += _grace_periods(rel, lines, doc)
        env += yaml_probes(rel, text, doc)
    return launches, env


def _grace_periods(rel: str, lines: list[str], node: Any, depth: int = 0) -> list[Setting]:
    """A pod spec's `terminationGracePeriodSeconds` (the SIGTERM-to-SIGKILL deadline), as a `manifest` setting."""
    if depth > 12:
        return []
    found: list[Setting] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "terminationGracePeriodSeconds" and str(value).isdigit():
                found.append(Setting(key, int(str(value)), str(value), "kubernetes", "manifest", Location(rel, _find(lines, f"{key}:"))))
            else:
                found += _grace_periods(rel, lines, value, depth + 1)
    elif isinstance(node, list):
        for item in node:
            found += _grace_periods(rel, lines, item, depth + 1)
    return found


def _containers(node: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    if depth > 12:
        return
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("containers", "initContainers") and isinstance(value, list):
                yield from (c for c in value if isinstance(c, dict))
            else:
                yield from _containers(value, depth + 1)
    elif isinstance(node, list):
        for item in node:
            yield from _containers(item, depth + 1)


def _as_words(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    if isinstance(value, str):
        return tokens(value)
    return []


def _find(lines: list[str], *needles: str, after: int = 1) -> int:
    """The first line (from line `after` on) that starts with or contains one of the needles; `after` (or 1) when none does."""
    for number, line in enumerate(lines[after - 1 :], after):
        if any(line.strip().startswith(n) or f" {n}" in line for n in needles):
            return number
    return after if after > 1 else 1


def _env_entries(rel: str, lines: list[str], value: Any, owner: str) -> list[Setting]:
    pairs: list[tuple[str, Any]] = []
    if isinstance(value, dict):
        pairs = [(str(k), v) for k, v in value.items()]
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict) and "name" in item:
                pairs.append((str(item["name"]), item.get("value")))
            elif isinstance(item, str) and "=" in item:
                pairs.append(tuple(item.split("=", 1)))  # type: ignore[arg-type]
    return [Setting(k, v, "" if v is None else str(v), owner, "manifest-env", Location(rel, _find(lines, f"{k}:", f"name: {k}", f"{k}=", f"- {k}")))
            for k, v in pairs if v is not None]


def procfile(rel: str, text: str) -> list[Launch]:
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        _, sep, command = line.partition(":")
        if sep and not line.lstrip().startswith("#"):
            found += _launches(command, Location(rel, number), "procfile")
    return found


def shell(rel: str, text: str, kind: str = "shell") -> list[Launch]:
    found = []
    for number, line in enumerate(text.replace("\\\n", " ").splitlines(), 1):
        if any(s in line for s in SERVERS) and not line.lstrip().startswith("#"):
            found += _launches(line, Location(rel, number), kind)
    return found


def ini_units(rel: str, text: str) -> list[Launch]:
    """systemd `ExecStart=` and supervisord `command=`."""
    parser = configparser.RawConfigParser(strict=False, interpolation=None)
    try:
        parser.read_string(text)
    except configparser.Error:
        return []
    found = []
    for section in parser.sections():
        for key, kind in (("execstart", "systemd"), ("command", "supervisord")):
            if parser.has_option(section, key):
                command = parser.get(section, key).lstrip("-@+!")
                line = next((n for n, t in enumerate(text.splitlines(), 1) if t.lower().startswith(key)), 1)
                found += _launches(command, Location(rel, line), kind)
    return found


def gunicorn_config(module: Module) -> list[Launch]:
    """`workers = multiprocessing.cpu_count() * 2 + 1` and friends: module-level settings of a gunicorn.conf.py."""
    options: list[tuple[str, str]] = []
    for node in module.tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name = SETTING_NAMES.get(node.targets[0].id)
            if name:
                value = literal(node.value)
                options.append((name, str(value) if value is not None and not isinstance(value, bool) else ("" if value is True else ast.unparse(node.value))))
    if not options:
        return []
    first = module.tree.body[0].lineno if module.tree.body else 1  # the file's first statement (a leading comment is not the launch)
    return [Launch("gunicorn", "", tuple(sorted(options)), Location(module.path, first), "gunicorn-config", f"gunicorn config {module.path}")]


def python_runs(module: Module) -> list[Launch]:
    """`uvicorn.run("app.main:app", workers=4)` and `uvicorn.Config(...)`."""
    found = []
    for node in module.nodes():
        if isinstance(node, ast.Call) and call_name(node) in ("run", "Config") and isinstance(node.func, ast.Attribute) and \
                isinstance(node.func.value, ast.Name) and node.func.value.id in ("uvicorn", "hypercorn", "granian"):
            target = node.args[0] if node.args else None
            options = []
            for kw in node.keywords:
                if kw.arg:
                    value = literal(kw.value)
                    options.append((SETTING_NAMES.get(kw.arg, kw.arg), "" if value is True else str(value) if value is not None else ast.unparse(kw.value)))
            text = ast.unparse(target) if target is not None else ""
            found.append(Launch(node.func.value.id, literal(target) if isinstance(literal(target), str) else text, tuple(sorted(options)),
                                Location(module.path, node.lineno), "python", ast.unparse(node)[:200]))
    return found


def read(root: Path, rel: str, text: str) -> tuple[list[Launch], list[ModelProblem]]:
    name = Path(rel).name
    try:
        if _DOCKERFILE.match(name):
            return dockerfile(rel, text), []
        if name == "Procfile":
            return procfile(rel, text), []
        if name.endswith((".service", ".conf", ".ini")) and any(k in text for k in ("ExecStart", "command")):
            return ini_units(rel, text), []
        if _SHELL.search(name):
            return shell(rel, text), []
    except (ValueError, KeyError, TypeError) as exc:
        return [], [ModelProblem(Location(rel, 0), f"could not read server launches: {exc}")]
    return [], []
