"""Where the project runs, guessed from what the repository holds (with the evidence), unless the user says."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PurePosixPath

from .facts import Deployment, Launch, Location

K8S_KINDS = {"Deployment", "StatefulSet", "DaemonSet", "Pod", "Job", "CronJob", "ReplicaSet", "HorizontalPodAutoscaler", "Rollout"}


def detect(k8s: Sequence[Location], launches: Sequence[Launch], files: Sequence[str], declared: str | None) -> Deployment:
    if declared:
        return Deployment(declared, (), declared=True)
    charts = [Location(f, 1) for f in files if PurePosixPath(f).name in ("Chart.yaml", "kustomization.yaml", "kustomization.yml")]
    if k8s or charts:
        return Deployment("kubernetes", tuple(sorted({*k8s, *charts}, key=str))[:10])
    vm = [x.source for x in launches if x.kind in ("systemd", "supervisord", "gunicorn-config")]
    if vm:
        return Deployment("vm", tuple(sorted(set(vm), key=str))[:10])
    containers = [Location(f, 1) for f in files if PurePosixPath(f).name.lower().startswith(("dockerfile", "docker-compose", "compose.", "containerfile"))]
    if containers:
        return Deployment("container", tuple(sorted(set(containers), key=str))[:10])
    return Deployment("unknown", ())
