"""One server command line (`gunicorn -w 4 -k ...`, `["uvicorn", "app:app", "--workers=4"]`) -> server, target, normalized options."""

from __future__ import annotations

import json
import shlex

SERVERS = ("uvicorn", "gunicorn", "fastapi", "hypercorn", "granian")

# option spelling -> normalized name, per server; "" in a value position means a flag that takes no value
_COMMON = {"--workers": "workers", "--reload": "reload", "--host": "host", "--port": "port", "--root-path": "root_path",
           "--log-level": "log_level", "--forwarded-allow-ips": "forwarded_allow_ips", "--proxy-headers": "proxy_headers",
           "--no-proxy-headers": "no_proxy_headers"}
ALIASES: dict[str, dict[str, str]] = {
    "uvicorn": {**_COMMON, "--loop": "loop", "--http": "http", "--timeout-graceful-shutdown": "graceful_timeout",
                "--timeout-keep-alive": "keep_alive", "--limit-concurrency": "limit_concurrency", "--access-log": "access_log",
                "--no-access-log": "no_access_log", "--uds": "bind", "--fd": "bind", "--factory": "factory", "--env-file": "env_file",
                "--ssl-keyfile": "ssl_keyfile", "--limit-max-requests": "max_requests", "--backlog": "backlog"},
    "gunicorn": {**_COMMON, "-w": "workers", "-k": "worker_class", "--worker-class": "worker_class", "--graceful-timeout": "graceful_timeout",
                 "--keep-alive": "keep_alive", "-t": "timeout", "--timeout": "timeout", "-b": "bind", "--bind": "bind", "-c": "config",
                 "--config": "config", "--threads": "threads", "--max-requests": "max_requests", "--preload": "preload",
                 "--access-logfile": "access_log", "--error-logfile": "error_log", "--log-config": "log_config"},
    "fastapi": {**_COMMON, "--app": "app", "--entrypoint": "entrypoint"},
    "hypercorn": {**_COMMON, "-w": "workers", "-b": "bind", "--bind": "bind", "-k": "worker_class", "--worker-class": "worker_class",
                  "--graceful-timeout": "graceful_timeout", "--keep-alive": "keep_alive"},
    "granian": {**_COMMON, "--interface": "interface"},
}
FLAGS = {"reload", "proxy_headers", "no_proxy_headers", "access_log", "no_access_log", "factory", "preload"}
# gunicorn.conf.py / Python keyword spellings
SETTING_NAMES = {"workers": "workers", "worker_class": "worker_class", "graceful_timeout": "graceful_timeout", "keepalive": "keep_alive",
                 "timeout": "timeout", "bind": "bind", "threads": "threads", "max_requests": "max_requests", "reload": "reload",
                 "forwarded_allow_ips": "forwarded_allow_ips", "proxy_headers": "proxy_headers", "timeout_graceful_shutdown": "graceful_timeout",
                 "timeout_keep_alive": "keep_alive", "loop": "loop", "http": "http", "host": "host", "port": "port", "root_path": "root_path",
                 "limit_concurrency": "limit_concurrency", "log_level": "log_level", "preload_app": "preload", "accesslog": "access_log"}
_WRAPPERS = {"exec", "poetry", "uv", "pdm", "pipenv", "hatch", "run", "python", "python3", "-m", "nohup", "env", "dumb-init", "tini", "--", "opentelemetry-instrument", "ddtrace-run", "newrelic-admin", "run-program"}


def tokens(command: str | list[str]) -> list[str]:
    """Shell words of a command: a JSON exec array or a shell string (`sh -c "..."` is opened up)."""
    if isinstance(command, list):
        words = [str(w) for w in command]
    else:
        text = command.strip()
        if text.startswith("["):
            try:
                loaded = json.loads(text)
                words = [str(w) for w in loaded] if isinstance(loaded, list) else []
            except ValueError:
                words = _split(text)
        else:
            words = _split(text)
    for i, word in enumerate(words):
        if word in ("sh", "bash", "/bin/sh", "/bin/bash") and i + 2 < len(words) and words[i + 1] in ("-c", "-ec", "-xc"):
            return words[:i] + tokens(words[i + 2])
    return words


def _split(text: str) -> list[str]:
    try:
        return shlex.split(text, comments=True)
    except ValueError:
        return text.split()


def parse(command: str | list[str]) -> list[tuple[str, str, dict[str, str]]]:
    """Every server launch in a command line (commands joined by `&&`/`;` may start more than one)."""
    words = tokens(command)
    launches = []
    segment: list[str] = []
    for word in [*words, "&&"]:
        if word in ("&&", ";", "||", "|"):
            found = _one(segment)
            if found:
                launches.append(found)
            segment = []
        else:
            segment.append(word)
    return launches


def _one(words: list[str]) -> tuple[str, str, dict[str, str]] | None:
    start = next((i for i, w in enumerate(words) if w.rsplit("/", 1)[-1] in SERVERS), None)
    if start is None or not all(w in _WRAPPERS or "=" in w or w.startswith("-") for w in words[:start]):
        return None
    server = words[start].rsplit("/", 1)[-1]
    rest = words[start + 1 :]
    mode = ""
    if server == "fastapi":
        if not rest or rest[0] not in ("run", "dev"):
            return None
        mode, rest = rest[0], rest[1:]
    aliases = ALIASES[server]
    options: dict[str, str] = {}
    target = ""
    i = 0
    while i < len(rest):
        word = rest[i]
        if word.startswith("-"):
            name, eq, value = word.partition("=")
            if not eq and len(name) > 2 and not name.startswith("--") and name[:2] in aliases:
                name, value, eq = name[:2], name[2:], "="  # -w4
            key = aliases.get(name, name.lstrip("-").replace("-", "_"))
            if eq:
                options[key] = value
            elif key in FLAGS or i + 1 >= len(rest) or rest[i + 1].startswith("-"):
                options[key] = ""
            else:
                options[key] = rest[i + 1]
                i += 1
        elif not target:
            target = word
        i += 1
    if server == "fastapi" and mode == "dev":
        options.setdefault("reload", "")
    return server, target, options
