"""The project model on its own: command lines, versions, roles, and the route graph of a multi-file fixture app."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import FIXTURES
from fastpolicy.project import build_model, commands
from fastpolicy.project.dependencies import Dependency, may_satisfy, poetry_to_pep440
from fastpolicy.project.facts import Launch, Location
from fastpolicy.project.predicates import leaves_feature, repeated_on_router, route_matches
from fastpolicy.project.roles import classify

APP = FIXTURES / "apps" / "project-model"


@pytest.mark.parametrize(
    ("command", "server", "target", "options"),
    [
        ('["uvicorn", "app.main:app", "--host", "0.0.0.0", "--workers=4"]', "uvicorn", "app.main:app", {"host": "0.0.0.0", "workers": "4"}),
        ("gunicorn -w4 -k uvicorn_worker.UvicornWorker --graceful-timeout 90 --keep-alive 5 app.main:app", "gunicorn", "app.main:app",
         {"workers": "4", "worker_class": "uvicorn_worker.UvicornWorker", "graceful_timeout": "90", "keep_alive": "5"}),
        ('sh -c "alembic upgrade head && exec uvicorn app.main:app --reload"', "uvicorn", "app.main:app", {"reload": ""}),
        ("python -m uvicorn app.main:app --timeout-graceful-shutdown=20 --timeout-keep-alive 65", "uvicorn", "app.main:app",
         {"graceful_timeout": "20", "keep_alive": "65"}),
        ("fastapi dev app/main.py", "fastapi", "app/main.py", {"reload": ""}),
        ("poetry run gunicorn --workers=8 app:app", "gunicorn", "app:app", {"workers": "8"}),
    ],
)
def test_command_lines_normalize_to_one_option_vocabulary(command: str, server: str, target: str, options: dict[str, str]) -> None:
    assert commands.parse(command) == [(server, target, options)]


@pytest.mark.parametrize("command", ["celery -A app worker", "echo uvicorn is great", "fastapi --version", "pytest -x"])
def test_commands_that_start_no_server_are_not_launches(command: str) -> None:
    assert commands.parse(command) == []


def test_poetry_constraints_become_pep440() -> None:
    assert poetry_to_pep440("^0.32.0") == ">=0.32.0,<0.33"
    assert poetry_to_pep440("^1.10") == ">=1.10,<2"
    assert poetry_to_pep440("~2.1") == ">=2.1,<2.2"
    assert poetry_to_pep440("1.4.*") == "==1.4.*"


@pytest.mark.parametrize(
    ("specifier", "locked", "condition", "verdict"),
    [
        ("<2,>=1.10", "", ">=2", False),
        (">=1.10", "", ">=2", True),
        ("", "1.10.13", ">=2", False),
        ("", "2.7.1", ">=2", True),
        ("==1.4.*", "", ">=2.0", False),
        (">=0.27,<0.28", "", ">=0.28", False),
        ("", "", ">=2", None),
    ],
)
def test_version_conditions(specifier: str, locked: str, condition: str, verdict: bool | None) -> None:
    dep = Dependency("pydantic", specifier, locked, Location("pyproject.toml", 1)) if specifier or locked else None
    assert may_satisfy(dep, condition) is verdict


@pytest.mark.parametrize(
    ("path", "head", "role"),
    [
        ("app/proto/item_pb2.pyi", "", "generated"),
        ("migrations/versions/0001_init.py", "revision = '1'", "migrations"),
        ("service/alembic/env.py", "from alembic import context", "migrations"),
        ("lnx/core/migrations.py", "async def m001_initial(db): ...", "migrations"),
        ("test/test_api.py", "", "tests"),
        ("src/pkg/tests/helpers.py", "", "tests"),
        ("scripts/seed.py", "import typer", "scripts"),
        ("app/core/config.py", "class Settings(BaseSettings): ...", "settings"),
        ("app/routes/users.py", "router = APIRouter()", "app"),
        ("third_party/client/api.py", "", "vendored"),
        ("k8s/deployment.yaml", "", "infrastructure"),
        ("backend/onyx/configs/app_configs.py", "import os", "settings"),
        ("backend/shared_configs/configs.py", "import os", "settings"),
        ("app/gateway/app_config.py", "import os", "settings"),
    ],
)
def test_file_roles(path: str, head: str, role: str) -> None:
    assert classify(path, head).role == role


def test_configured_roles_win() -> None:
    assert classify("app/routes/users.py", "", {"generated": ["app/routes/**"]}).role == "generated"


@pytest.fixture(scope="module")
def model():  # type: ignore[no-untyped-def]
    cwd = os.getcwd()
    os.chdir(APP)
    try:
        files = sorted(str(p.relative_to(APP)) for p in Path(".").resolve().rglob("*") if p.is_file())
        return build_model(files, roots=["."])
    finally:
        os.chdir(cwd)


def test_routes_carry_composed_paths_and_inherited_dependencies(model) -> None:  # type: ignore[no-untyped-def]
    routes = {(r.location.path, r.location.line): r for r in model.routes}
    items = routes[("app/items/views.py", 8)]
    assert items.effective_paths == ("/api/v1/items/{item_id}",)  # settings.API_PREFIX + include + router prefix + path
    assert "check_account_exists" in items.dependency_names() and "get_current_user" in items.dependency_names()
    report = routes[("app/admin/controllers.py", 14)]
    assert "get_current_user" in report.dependency_names()  # a controller base-class attribute
    assert len([r for r in model.routes if r.location.path == "app/admin/controllers.py"]) == 1
    public = routes[("app/api/public.py", 8)]
    assert not [n for n in public.dependency_names() if "user" in n or "account" in n]
    assert routes[("app/internal.py", 9)].effective_paths == ("/stock/{sku}",)


def test_launches_settings_versions_and_deployment(model) -> None:  # type: ignore[no-untyped-def]
    docker = next(x for x in model.launches if x.kind == "dockerfile")
    assert (docker.server, docker.option("workers")) == ("uvicorn", "4")
    conf = next(x for x in model.launches if x.kind == "gunicorn-config")
    assert conf.option("graceful_timeout") == "120" and conf.option("workers") == "multiprocessing.cpu_count() * 2 + 1"
    ttl = model.setting("ACCESS_TOKEN_EXPIRE_MINUTES")[0]
    assert ttl.value == 525600 and ttl.kind == "settings-default"
    assert model.dependency("Pydantic").specifier == "<2,>=1.10"
    assert model.deployment.kind == "kubernetes" and str(model.deployment.evidence[0]) == "k8s/deployment.yaml:1"
    assert model.role_of("app/proto/item_pb2.pyi") == "generated"
    assert model.role_of("migrations/versions/0001_create_items.py") == "migrations"
    served = {a.id: a.served for a in model.apps}
    assert served == {"app.main:app": True, "app.internal:internal": False}


def test_launch_options_from_environment_and_gunicorn_config() -> None:
    from fastpolicy.project.launches import dockerfile, yaml_documents

    docker = dockerfile("Dockerfile", 'FROM python:3.12\nENV WEB_CONCURRENCY=3 UVICORN_TIMEOUT_KEEP_ALIVE=75\nCMD ["uvicorn", "app.main:app"]\n')
    assert docker[0].option("workers") == "3" and docker[0].option("keep_alive") == "75"
    staged = dockerfile("Dockerfile", "FROM python:3.12 AS build\nENV WEB_CONCURRENCY=3\nFROM python:3.12\nCMD uvicorn app.main:app\n")
    assert staged[0].option("workers") is None  # ENV of an earlier stage does not reach the final image
    doc = {"spec": {"template": {"spec": {"terminationGracePeriodSeconds": 20, "containers": [
        {"name": "api", "command": ["gunicorn", "app.main:app"], "env": [{"name": "GUNICORN_CMD_ARGS", "value": "--graceful-timeout 45"}]}]}}}}
    launches, settings = yaml_documents("k8s/api.yaml", "spec:\n  terminationGracePeriodSeconds: 20\n", [doc])
    assert launches[0].option("graceful_timeout") == "45"
    grace = [s for s in settings if s.kind == "manifest"]
    assert [(g.name, g.value, g.location.line) for g in grace] == [("terminationGracePeriodSeconds", 20, 2)]


def test_launch_predicates_compare_with_the_model(model) -> None:  # type: ignore[no-untyped-def]
    from fastpolicy.project.predicates import option_matches

    conf = next(x for x in model.launches if x.kind == "gunicorn-config")
    docker = next(x for x in model.launches if x.kind == "dockerfile")
    longer = {"option": "graceful_timeout", "is": "above", "value_setting": "terminationGracePeriodSeconds"}
    assert option_matches(conf, longer, model)  # 120 s against the pod's 30 s
    assert not option_matches(conf, {**longer, "value_setting": "NO_SUCH_SETTING"}, model)  # no reference, no verdict
    several = {"any": [{"option": "workers", "is": "above", "value": 1}, {"option": "workers", "is": "computed"}]}
    assert option_matches(docker, several, model) and option_matches(conf, several, model)
    assert not option_matches(docker, {**several, "none": [{"option": "host"}]}, model)
    assert not option_matches(docker, {"path_not_matches": "^Dockerfile$"}, model)
    cli = Launch("gunicorn", "app.main:app", (("worker_class", "uvicorn_worker.UvicornWorker"),), Location("Procfile", 1), "procfile", "")
    assert option_matches(cli, {"option": "keep_alive", "is": "equals", "value": 5}, model)  # read from gunicorn.conf.py


def test_own_options_do_not_inherit_from_gunicorn_config(model) -> None:  # type: ignore[no-untyped-def]
    from fastpolicy.project.predicates import option_matches

    cli = Launch("gunicorn", "app.main:app", (), Location("Procfile", 1), "procfile", "")
    assert option_matches(cli, {"option": "workers", "is": "computed"}, model)
    assert not option_matches(cli, {"option": "workers", "is": "computed", "own_options": True}, model)
    assert not option_matches(cli, {"own_options": True, "any": [{"option": "workers", "is": "computed"}]}, model)


def test_development_stages_of_a_dockerfile_start_no_deployed_server() -> None:
    from fastpolicy.project.launches import dockerfile

    text = 'FROM python:3.12 AS dev\nCMD ["uvicorn", "app.main:app", "--reload"]\nFROM python:3.12 AS prod\nCMD ["uvicorn", "app.main:app"]\n'
    assert [(x.source.line, x.option("reload")) for x in dockerfile("Dockerfile", text)] == [(4, None)]


def test_helm_templates_are_read_with_actions_as_placeholders() -> None:
    from fastpolicy.project.filefacts import _yaml

    text = (
        "apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n"
        "        - name: api\n          {{- if .Values.debug }}\n          tty: true\n          {{- end }}\n"
        "          command: [\"/bin/sh\", \"-c\"]\n"
        "          args:\n            - uvicorn app.main:app --host {{ .Values.host }}{{ if .Values.workers }} --workers {{ .Values.workers }}{{ end }}\n"
    )
    launches, settings, evidence = _yaml("chart/templates/api.yaml", text, [])
    assert [(x.server, x.option("host"), x.option("workers"), x.source.line) for x in launches] == [("uvicorn", "helm-value", "helm-value", 11)]
    assert evidence and settings == []


def test_each_compose_service_and_container_launch_sits_at_its_own_command() -> None:
    from fastpolicy.project.launches import yaml_documents

    text = "services:\n  worker:\n    command: celery -A app worker\n  api:\n    image: api\n    command: uvicorn app.main:app\n"
    doc = {"services": {"worker": {"command": "celery -A app worker"}, "api": {"image": "api", "command": "uvicorn app.main:app"}}}
    launches, _ = yaml_documents("docker-compose.yml", text, [doc])
    assert [(x.server, x.source.line) for x in launches] == [("uvicorn", 6)]
    pod = "spec:\n  containers:\n    - name: sidecar\n      command: [envoy]\n    - name: api\n      args: [uvicorn, app.main:app]\n"
    doc = {"spec": {"containers": [{"name": "sidecar", "command": ["envoy"]}, {"name": "api", "args": ["uvicorn", "app.main:app"]}]}}
    launches, _ = yaml_documents("k8s/pod.yaml", pod, [doc])
    assert [(x.server, x.source.line) for x in launches] == [("uvicorn", 6)]


def test_class_ancestry_is_resolved_across_files(model) -> None:  # type: ignore[no-untyped-def]
    update = model.class_at("app/items/schemas.py", 8)
    assert update is not None and update.name == "ItemUpdate"
    assert "ItemIn" in update.ancestry and "BaseModel" in update.ancestry  # the base lives in app/schemas.py
    assert not {"BaseModel", "SQLModel"} & set(model.class_at("app/items/schemas.py", 13).ancestry)  # a plain class
    assert model.class_at("app/items/schemas.py", 20).ancestry == ("TypedDict",)
    assert model.class_at("app/items/schemas.py", 2) is None  # outside every class
    assert model.class_at("app/proto/order_pb2.pyi", 5) is None  # generated code is not modelled


def test_once_per_class_reports_one_match_per_enclosing_class(model) -> None:  # type: ignore[no-untyped-def]
    from fastpolicy.scan.findings import once_key
    from fastpolicy.scan.semgrep import RawResult

    def at(line: int) -> RawResult:
        return RawResult("API-011", "app/items/schemas.py", line, line, 1, "")

    assert once_key("class", at(7), model) == once_key("class", at(8), model)  # the class line and its field: one unit
    assert once_key("class", at(8), model) != once_key("class", at(14), model)  # another class
    assert once_key("class", at(2), model) != once_key("class", at(3), model)  # outside every class: each match alone
    assert once_key("file", at(2), model) == once_key("file", at(14), model)


def test_package_alternatives_and_undeclared(model) -> None:  # type: ignore[no-untyped-def]
    from fastpolicy.project.predicates import packages_hold

    # the fixture declares pydantic but no async driver
    assert packages_hold(model, [{"name": "asyncpg", "or": ["aiosqlite"], "version": ">=0.1", "when_undeclared": "skip"}])[0] is False
    assert packages_hold(model, [{"name": "asyncpg", "or": ["pydantic"], "version": ">=1", "when_undeclared": "skip"}])[0] is True
    assert packages_hold(model, [{"name": "asyncpg", "version": ">=0.1"}])[0] is True  # undeclared: applies by default
    assert packages_hold(model, [{"name": "asyncpg", "or": ["pydantic"], "version": ">=2"}])[0] is False  # pydantic <2


def test_route_findings_once_per_app(model) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from fastpolicy.models import Check, Policy
    from fastpolicy.scan.decide import model_results

    check = Check(kind="route", message="unversioned route", route={"path_not_matches": "/v[0-9]+/"}, once_per="app")
    policy = Policy(id="X-001", name="x", title="x", section="api", topic="x", level="SHOULD", severity="low", seed=(), statement="",
                    rationale="", references=(), relations=(), check=check, examples=(), path="", origin="builtin")
    # the unserved catalog router counts on its own, the internal app once; every route of the main app is versioned
    assert sorted(f"{r.path}:{r.line}" for r in model_results(policy, model)) == ["app/catalog/reviews.py:8", "app/internal.py:9"]
    per_route = model_results(replace(policy, check=replace(check, once_per="route", route={"path_matches": "^/api/v1/"})), model)
    assert len(per_route) == 5  # the five routes of the main app


@pytest.mark.parametrize(
    ("path", "level", "leaves"),
    [
        ("app/orders/router.py", 2, True),  # app/orders -> app: leaves the orders feature
        ("app/orders/api/router.py", 2, False),  # app/orders/api -> app/orders: its own feature
        ("app/orders/api/router.py", 3, True),
        ("app/orders/api/router.py", 1, False),
    ],
)
def test_relative_imports_leave_the_feature_package(path: str, level: int, leaves: bool) -> None:
    files = ["app/__init__.py", "app/orders/__init__.py", "app/orders/api/__init__.py", path]
    assert leaves_feature(path, level, files) is leaves
    # without __init__.py files the folders below the scanned root count
    assert leaves_feature("proj/" + path, level, ["proj/" + path], ["proj"]) is leaves
    # a sub-folder without __init__.py below the top-level package still counts
    assert leaves_feature(path, level, ["app/__init__.py", path]) is leaves
    # a project scanned by its absolute path (the __init__.py look-up once built '//srv/...' and found no package)
    assert leaves_feature("/srv/" + path, level, ["/srv/" + f for f in files]) is leaves


def test_repeated_router_metadata_and_route_decorators(model) -> None:  # type: ignore[no-untyped-def]
    items = [r for r in model.routes if r.location.path == "app/items/views.py"]
    assert len(items) == 2 and all(dict(r.options).get("tags") is None for r in items)  # tags sit on APIRouter(...)
    assert repeated_on_router(items, ["tags", "responses", "dependencies"]) == set()
    tagged = [replace(r, options=(("tags", "['items']"),)) for r in items]
    assert repeated_on_router(tagged, ["tags"]) == {items[0].router}
    assert repeated_on_router([tagged[0], items[1]], ["tags"]) == set()  # one route differs: a per-route choice
    first = items[0]
    assert route_matches(first, {"any_of": [{"methods": ["POST"]}, {"path_matches": "items"}]})
    assert not route_matches(first, {"any_of": [{"methods": ["POST"]}]})
    assert route_matches(first, {"not_decorated": "limit"})


def test_page_routes_by_response_class_returned_call_and_form_methods(tmp_path: Path) -> None:
    (tmp_path / "main.py").write_text(
        "from fastapi import FastAPI\nfrom fastapi.responses import HTMLResponse\n\napp = FastAPI()\n\n\n"
        "@app.get('/a/create', response_class=HTMLResponse)\ndef a():\n    return '<form>'\n\n\n"
        "@app.get('/b/create')\ndef b(request):\n    if request:\n        return templates.TemplateResponse(request, 'b.html')\n    return None\n\n\n"
        "@app.api_route('/c/create', methods=['GET', 'POST'])\ndef c():\n    return {}\n\n\n"
        "@app.post('/d/create')\ndef d():\n    return save()\n",
        encoding="utf-8")
    routes = {r.handler: r for r in build_model(["main.py"], roots=["."], base=tmp_path).routes}
    assert ("response_class", "HTMLResponse") in routes["a"].options
    assert ("returns", "templates.TemplateResponse") in routes["b"].options
    page = {"response_not_matches": r"(HTMLResponse|TemplateResponse)\b", "methods_not_all": ["GET", "POST"]}
    assert [name for name, r in sorted(routes.items()) if route_matches(r, page)] == ["d"]
    assert route_matches(routes["d"], {"methods_not_all": ["GET", "POST"]})  # POST alone is not a form page


def test_default_response_class_is_inherited_through_include_router(tmp_path: Path) -> None:
    (tmp_path / "pages.py").write_text("from fastapi import APIRouter\n\nrouter = APIRouter()\n\n\n@router.get('/p')\ndef p():\n    return page()\n",
                                       encoding="utf-8")
    (tmp_path / "main.py").write_text("from fastapi import FastAPI\nfrom fastapi.responses import HTMLResponse\n\nfrom pages import router\n\n"
                                      "app = FastAPI(default_response_class=HTMLResponse)\napp.include_router(router)\n\n\n"
                                      "@app.get('/api', response_class=JSONResponse)\ndef api():\n    return {}\n", encoding="utf-8")
    routes = {r.handler: r for r in build_model(["main.py", "pages.py"], roots=["."], base=tmp_path).routes}
    assert ("default_response_class", "HTMLResponse") in routes["p"].options
    not_json = {"response_class_not_matches": r"^(?!([\w.]*\.)?(ORJSON|UJSON|JSON)Response$)"}
    assert not route_matches(routes["p"], not_json)  # an HTML app's page
    assert route_matches(routes["api"], not_json)  # the route's own JSON class wins over the app's default
    assert route_matches(replace(routes["p"], options=()), not_json)
def test_pytest_configuration_nearest_file_addopts_and_conftest_marks(model) -> None:  # type: ignore[no-untyped-def]
    from fastpolicy.project.pytest_config import read_pytest_configs

    assert model.pytest_options("worker/tests/test_jobs.py") == {"asyncio_mode": "auto"}
    assert model.pytest_options("scheduler/tests/test_ticks.py") == {"conftest_marks": "anyio"}
    assert model.pytest_options("tests/test_stock.py") == {}  # pyproject.toml has no [tool.pytest.ini_options]
    configs = read_pytest_configs({
        "pyproject.toml": '[tool.pytest.ini_options]\naddopts = "-q --asyncio-mode=auto"\n',
        "svc/setup.cfg": "[tool:pytest]\nasyncio_mode = strict\n",
        "svc/tox.ini": "[pytest]\nasyncio_mode = auto\n",  # tox.ini comes before setup.cfg in pytest's order
        "other/setup.cfg": "[metadata]\nname = x\n",  # no [tool:pytest]: not a pytest configuration
        "lib/conftest.py": "def pytest_collection_modifyitems(items):\n    pass\n",  # a hook that adds no async mark
    })
    assert [(c.path, dict(c.options).get("asyncio_mode")) for c in configs] == [("pyproject.toml", "auto"), ("svc/tox.ini", "auto")]


def test_health_probes_from_dockerfile_kubernetes_and_compose(model) -> None:  # type: ignore[no-untyped-def]
    from fastpolicy.project.probes import yaml_probes

    assert [(s.name, s.value, str(s.location)) for s in model.settings if s.kind == "probe"] == [("healthcheck", "/api/v1/status", "Dockerfile:8")]
    pod = {"spec": {"containers": [{"name": "api", "livenessProbe": {"httpGet": {"path": "/api/status", "port": 8000}},
                                    "readinessProbe": {"exec": {"command": ["sh", "-c", "wget -qO- http://127.0.0.1:8000/ready"]}}}]}}
    compose = {"services": {"api": {"healthcheck": {"test": ["CMD", "curl", "-f", "http://localhost/heartbeat"]}}, "db": {"healthcheck": {"test": "pg_isready"}}}}
    assert [(s.name, s.value) for s in yaml_probes("k8s.yaml", "", pod)] == [("livenessProbe", "/api/status"), ("readinessProbe", "/ready")]
    assert [(s.name, s.value, s.owner) for s in yaml_probes("compose.yaml", "", compose)] == [("healthcheck", "/heartbeat", "compose")]


def test_project_check_applies_if_compiles_to_its_own_rule_and_gates_the_finding() -> None:
    from fastpolicy.catalogue.loader import load_catalogue
    from fastpolicy.scan.compiler import APP_RULE_ID, compile_config
    from fastpolicy.scan.findings import findings_from_run
    from fastpolicy.scan.semgrep_output import RawResult, SemgrepRun

    err001 = load_catalogue(sections_only=["errors"]).by_id()["ERR-001"]
    rules = {r["id"]: r for r in compile_config([err001])["rules"]}
    assert "exception_handler" in str(rules["ERR-001.applies-if"]["pattern-either"]) and "ERR-001" in rules
    app = RawResult(APP_RULE_ID, "app/main.py", 3, 3, 1, "")
    gate = RawResult("ERR-001.applies-if", "app/errors.py", 9, 9, 1, "")
    model = build_model([], roots=["."])

    def run(*results: RawResult) -> SemgrepRun:
        return SemgrepRun(results=results, errors=(), rule_errors=(), scanned=("app/main.py", "app/errors.py"))

    assert [f.rule_id for f in findings_from_run([err001], run(app, gate), "", lambda _p: model)] == ["ERR-001"]
    assert findings_from_run([err001], run(app), "", lambda _p: model) == []  # no HTTPException handler: not applicable
