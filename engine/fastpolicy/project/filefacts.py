"""What one file says on its own, before any other file is consulted: its role, and for a file that is not Python the
launches, settings, Kubernetes evidence and problems the model reads from it (YAML, Dockerfiles, .env, Procfiles, units)."""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

from .deployment import K8S_KINDS
from .dependencies import is_dependency_file
from .facts import Launch, Location, ModelProblem, Setting
from .launches import _DOCKERFILE, healthchecks, is_launch_file, yaml_documents
from .launches import read as read_launches
from .probes import dockerfile_probes
from .settings import ENV_FILE, env_settings

OtherFacts = tuple[tuple[Launch, ...], tuple[Setting, ...], tuple[Location, ...], tuple[ModelProblem, ...]]


def other_facts(base: Path, path: str, text: str) -> OtherFacts:
    """Launches, settings, Kubernetes evidence and problems of one file, by its name (a .env file, YAML, a launch file)."""
    name = PurePosixPath(path).name
    launches: list[Launch] = []
    settings: list[Setting] = []
    k8s: list[Location] = []
    problems: list[ModelProblem] = []
    if ENV_FILE.match(name):
        settings += env_settings(base, path)
    elif name.endswith((".yaml", ".yml")):
        found, env, kinds = _yaml(path, text, problems)
        launches += found
        settings += env
        k8s += kinds
    elif not name.endswith((".py", ".pyi")) and not is_dependency_file(name) and is_launch_file(name):
        found, more = read_launches(base, path, text)
        launches += found
        problems += more
        if _DOCKERFILE.match(name):
            try:
                settings += dockerfile_probes(path, healthchecks(path, text))
            except (ValueError, KeyError, TypeError):
                pass  # read_launches has reported an unreadable Dockerfile already
    return tuple(launches), tuple(settings), tuple(k8s), tuple(problems)


_YAML_BUDGET = 200_000  # nodes per file, aliases counted each time they are expanded


def _plain(node: object, budget: list[int], depth: int = 0) -> object:
    """A composed YAML node as plain data, every scalar a string: no tag is constructed, so no tag can fail or run code."""
    import yaml

    budget[0] -= 1
    if budget[0] < 0 or depth > 100:
        raise ValueError("the document is too large or too deeply nested to read")
    if isinstance(node, yaml.MappingNode):
        return {str(_plain(k, budget, depth + 1)): _plain(v, budget, depth + 1) for k, v in node.value}
    if isinstance(node, yaml.SequenceNode):
        return [_plain(v, budget, depth + 1) for v in node.value]
    return str(getattr(node, "value", ""))


_ACTION = re.compile(r"(?:\{\{-?.*?-?\}\})+")


def untemplate(text: str) -> str:
    """A Helm template as YAML: lines holding only template actions become blank (line numbers stay), other actions a placeholder.
    Conditional text stays in, so a flag inside `{{ if }}` counts as given, its value as `helm-value` (not a number)."""
    return "\n".join("" if not _ACTION.sub("", line).strip() and "{{" in line else _ACTION.sub("helm-value", line) for line in text.splitlines())


def _yaml(path: str, text: str, problems: list[ModelProblem]) -> tuple[list[Launch], list[Setting], list[Location]]:
    import yaml

    if "{{" in text:  # a Helm/Jinja template is not YAML until rendered: read it with every action replaced by a placeholder
        evidence = [Location(path, 1)] if "kind:" in text and "containers" in text else []
        try:
            docs = [_plain(node, [_YAML_BUDGET]) for node in yaml.compose_all(untemplate(text), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))]
        except (yaml.YAMLError, RecursionError, ValueError, TypeError):
            return [], [], evidence
        launches, _ = yaml_documents(path, text, docs)
        return launches, [], evidence
    try:
        budget = [_YAML_BUDGET]
        docs = [_plain(node, budget) for node in yaml.compose_all(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problems.append(ModelProblem(Location(path, (mark.line + 1) if mark else 0), f"could not read YAML for the project model: {getattr(exc, 'problem', exc)}"))
        return [], [], []
    except (RecursionError, ValueError, TypeError) as exc:
        problems.append(ModelProblem(Location(path, 0), f"could not read YAML for the project model: {exc}"))
        return [], [], []
    kinds = [Location(path, 1) for d in docs if isinstance(d, dict) and d.get("kind") in K8S_KINDS and "apiVersion" in d]
    launches, env = yaml_documents(path, text, docs)
    return launches, env, kinds
