"""The route graph: apps, routers, include_router/mount chains, class-based views; each route's effective paths and dependencies."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from .facts import App, DependencyRef, Location, Route
from .modules import Module, ModuleIndex, call_name, keyword, statements
from .strings import MAX_DEPTH, StringResolver

METHODS = {"get": ("GET",), "post": ("POST",), "put": ("PUT",), "patch": ("PATCH",), "delete": ("DELETE",), "head": ("HEAD",),
           "options": ("OPTIONS",), "trace": ("TRACE",), "websocket": ("WEBSOCKET",), "api_route": ()}
_DEPENDS = {"Depends", "Security"}
REPEATABLE = ("tags", "responses", "dependencies")  # decorator keywords a router can carry once for all its routes


@dataclass
class _Owner:
    """An app or router object: what it adds to every route below it."""

    key: str  # module:variable
    location: Location
    is_app: bool
    prefix: str = ""
    dependencies: tuple[DependencyRef, ...] = ()
    parents: list[tuple[str, str, tuple[DependencyRef, ...]]] = field(default_factory=list)  # (parent key, include prefix, include deps)
    response_class: str = ""  # default_response_class= as written


class RouteGraph:
    def __init__(self, index: ModuleIndex, strings: StringResolver) -> None:
        self.index = index
        self.strings = strings
        self.owners: dict[str, _Owner] = {}
        self._raw: list[tuple[Module, ast.AST, ast.Call, str, tuple[DependencyRef, ...]]] = []

    # ---- collection -------------------------------------------------------------------------------
    def collect(self) -> None:
        modules = sorted(self.index.modules.values(), key=lambda m: m.path)
        for module in modules:
            for name, value in module.defs.items():
                if isinstance(value, ast.Call) and call_name(value) in ("FastAPI", "APIRouter"):
                    self._owner(module, name, value)
        for module in modules:
            methods: set[int] = set()  # a class is visited before its body (breadth-first), so this is filled in time
            for node in module.nodes():
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and id(node) not in methods:
                    for deco in node.decorator_list:
                        if isinstance(deco, ast.Call) and isinstance(deco.func, ast.Attribute) and deco.func.attr in METHODS:
                            self._raw.append((module, node, deco, self._key(module, deco.func.value), ()))
                elif isinstance(node, ast.ClassDef):
                    methods.update(id(stmt) for stmt in node.body)
                    class_deps = self._class_dependencies(module, node, 0)
                    for stmt in node.body:
                        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                            for deco in stmt.decorator_list:
                                if isinstance(deco, ast.Call) and isinstance(deco.func, ast.Attribute) and deco.func.attr in METHODS:
                                    self._raw.append((module, stmt, deco, self._key(module, deco.func.value), class_deps))
                elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                    if node.func.attr == "include_router" and node.args:
                        self._include(module, node)
                    elif node.func.attr == "mount" and (len(node.args) >= 2 or keyword(node, "app") is not None):
                        target = node.args[1] if len(node.args) >= 2 else keyword(node, "app")
                        parent, child = self._key(module, node.func.value), self._key(module, target)
                        if child in self.owners:
                            where = node.args[0] if node.args else keyword(node, "path")
                            self.owners[child].parents.append((parent, self.strings.value(module, where), ()))
                    elif node.func.attr == "add_api_route" and len(node.args) >= 2:
                        self._raw.append((module, node, node, self._key(module, node.func.value), ()))

    def _owner(self, module: Module, name: str, call: ast.Call) -> None:
        key = f"{module.name}:{name}"
        prefix = keyword(call, "prefix")
        self.owners[key] = _Owner(key, Location(module.path, call.lineno), call_name(call) == "FastAPI",
                                  self.strings.value(module, prefix) if prefix is not None else "",
                                  self.dependency_list(module, keyword(call, "dependencies")))
        default = keyword(call, "default_response_class")
        self.owners[key].response_class = ast.unparse(default) if default is not None else ""

    def _include(self, module: Module, call: ast.Call) -> None:
        parent, child = self._key(module, call.func.value), self._key(module, call.args[0])  # type: ignore[attr-defined]
        prefix = keyword(call, "prefix")
        owner = self.owners.get(child)
        if owner is None:
            owner = self.owners[child] = _Owner(child, Location(module.path, call.lineno), False)
        owner.parents.append((parent, self.strings.value(module, prefix) if prefix is not None else "",
                              self.dependency_list(module, keyword(call, "dependencies"))))

    def _key(self, module: Module, expr: ast.AST) -> str:
        target = self.index.resolve(module, expr)
        if isinstance(target, tuple):
            return f"{target[0].name}:{target[1]}"
        if isinstance(target, Module):
            return f"{target.name}:router"  # `include_router(items)` where `items` is a module exposing `router`
        return f"{module.name}:{ast.unparse(expr)}"

    # ---- dependencies -----------------------------------------------------------------------------
    def dependency_list(self, module: Module, node: ast.AST | None) -> tuple[DependencyRef, ...]:
        if not isinstance(node, (ast.List, ast.Tuple)):
            return ()
        return tuple(d for elt in node.elts for d in self._depends(module, elt, 0))

    def _depends(self, module: Module, node: ast.AST | None, depth: int) -> list[DependencyRef]:
        """`Depends(fn)`, `Security(fn)`, `Annotated[T, Depends(fn)]`, or a name of such an alias."""
        if node is None or depth > MAX_DEPTH:
            return []
        if isinstance(node, ast.Call) and call_name(node) in _DEPENDS:
            target = node.args[0] if node.args else keyword(node, "dependency")
            if target is None:
                return []
            name = call_name(target) if isinstance(target, ast.Call) else (target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", ""))
            return [DependencyRef(name, self._reaches(module, target.func if isinstance(target, ast.Call) else target, depth + 1))] if name else []
        if isinstance(node, ast.Subscript) and call_name(node.value) == "Annotated":
            elts = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
            return [d for e in elts[1:] for d in self._depends(module, e, depth + 1)]
        if isinstance(node, (ast.Name, ast.Attribute)):
            target = self.index.resolve(module, node)
            if isinstance(target, tuple):
                owner, name = target
                value = owner.defs.get(name)
                if isinstance(value, (ast.Subscript, ast.Call)):
                    return self._depends(owner, value, depth + 1)
        return []

    def _reaches(self, module: Module, fn: ast.AST, depth: int, seen: frozenset[str] = frozenset()) -> tuple[str, ...]:
        target = self.index.resolve(module, fn)
        if not isinstance(target, tuple) or depth > MAX_DEPTH:
            return ()
        owner, name = target
        key = f"{owner.name}:{name}"
        node = owner.defs.get(name)
        if key in seen or not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            return ()
        if isinstance(node, ast.ClassDef):
            init = next((s for s in node.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)) and s.name in ("__init__", "__call__")), None)
            if init is None:
                return ()
            node = init
        found: list[str] = []
        for ref in self._param_dependencies(owner, node, depth + 1):
            found.extend(ref.names())
        return tuple(dict.fromkeys(found))

    def _param_dependencies(self, module: Module, fn: ast.FunctionDef | ast.AsyncFunctionDef, depth: int) -> list[DependencyRef]:
        args = [*fn.args.posonlyargs, *fn.args.args, *fn.args.kwonlyargs]
        defaults: list[ast.AST | None] = [None] * (len(fn.args.posonlyargs) + len(fn.args.args) - len(fn.args.defaults)) + list(fn.args.defaults)
        defaults += list(fn.args.kw_defaults)
        refs: list[DependencyRef] = []
        for arg, default in zip(args, defaults, strict=False):
            refs += self._depends(module, default, depth) if default is not None else []
            if arg.annotation is not None:
                found = self._depends(module, arg.annotation, depth)
                if not found and isinstance(default, ast.Call) and call_name(default) in _DEPENDS and not default.args:
                    found = [DependencyRef(call_name(arg.annotation) or ast.unparse(arg.annotation))]
                refs += found
        return refs

    def _class_dependencies(self, module: Module, cls: ast.ClassDef, depth: int) -> tuple[DependencyRef, ...]:
        """`user: User = Depends(get_current_user)` on a controller class or any of its project base classes."""
        refs: list[DependencyRef] = []
        for stmt in cls.body:
            if isinstance(stmt, ast.AnnAssign):
                refs += self._depends(module, stmt.value, 0) or self._depends(module, stmt.annotation, 0)
            elif isinstance(stmt, ast.Assign):
                refs += self._depends(module, stmt.value, 0)
        if depth < MAX_DEPTH:
            for base in cls.bases:
                target = self.index.resolve(module, base)
                if isinstance(target, tuple) and isinstance(target[0].defs.get(target[1]), ast.ClassDef):
                    refs += self._class_dependencies(target[0], target[0].defs[target[1]], depth + 1)  # type: ignore[arg-type]
        return tuple(refs)

    # ---- composition ------------------------------------------------------------------------------
    def chains(self, key: str, seen: frozenset[str] = frozenset()) -> list[tuple[str, tuple[DependencyRef, ...], str]]:
        """Every way to reach `key` from an app: (path prefix, dependencies added on the way, app key)."""
        owner = self.owners.get(key)
        if owner is None:
            return [("", (), "")]
        if key in seen:
            return []
        if owner.is_app and not owner.parents:
            return [("", owner.dependencies, key)]
        result = []
        for parent, prefix, deps in owner.parents:
            for base, base_deps, app in self.chains(parent, seen | {key}):
                result.append((base + prefix + owner.prefix, base_deps + deps + owner.dependencies, app))
        if not owner.parents:
            result.append((owner.prefix, owner.dependencies, ""))
        return result

    def default_response_classes(self, key: str, seen: frozenset[str] = frozenset()) -> tuple[str, ...]:
        """The default_response_class= of the router and of every router and app above it, as written."""
        owner = self.owners.get(key)
        if owner is None or key in seen:
            return ()
        found = [owner.response_class] if owner.response_class else []
        for parent, _, _ in owner.parents:
            found += self.default_response_classes(parent, seen | {key})
        return tuple(dict.fromkeys(found))

    def routes(self) -> list[Route]:
        routes = []
        for module, fn, call, owner_key, class_deps in self._raw:
            is_method_call = call is fn  # add_api_route(path, endpoint)
            method = call.func.attr  # type: ignore[attr-defined]
            path_node = call.args[0] if call.args else keyword(call, "path")
            path = self.strings.value(module, path_node) if path_node is not None else ""
            methods = METHODS.get(method, ()) if method != "add_api_route" else ()
            methods_node = keyword(call, "methods")
            if isinstance(methods_node, (ast.List, ast.Tuple, ast.Set)):
                methods = tuple(sorted(str(e.value).upper() for e in methods_node.elts if isinstance(e, ast.Constant)))
            handler_node = call.args[1] if is_method_call and len(call.args) > 1 else (keyword(call, "endpoint") if is_method_call else None)
            handler_def = fn if not is_method_call else self._def(module, handler_node)
            deps = list(class_deps) + list(self.dependency_list(module, keyword(call, "dependencies")))
            params: tuple[str, ...] = ()
            returns = ""
            returned: tuple[str, ...] = ()
            if handler_def is not None:
                deps += self._param_dependencies(module, handler_def, 0)
                params = self._params(module, handler_def)
                returns = ast.unparse(handler_def.returns) if handler_def.returns is not None else ""
                returned = _returned_calls(handler_def)
            response = keyword(call, "response_model")
            chains = self.chains(owner_key) or [("", (), "")]
            routes.append(Route(
                location=Location(module.path, (call.lineno if is_method_call else min([fn.lineno, *(d.lineno for d in fn.decorator_list)]))),
                end_line=(call.end_lineno if is_method_call else fn.end_lineno) or 0,
                handler=getattr(handler_def, "name", "") or (ast.unparse(handler_node) if handler_node is not None else ""),
                methods=methods, path=path,
                effective_paths=tuple(sorted({base + path for base, _, _ in chains})),
                dependencies=tuple(dict.fromkeys([*(d for _, cdeps, _ in chains for d in cdeps), *deps])),
                response_model=ast.unparse(response) if response is not None else returns,
                router=owner_key, apps=tuple(sorted({app for _, _, app in chains if app})), params=params,
                options=tuple((k, ast.unparse(v)) for k in (*REPEATABLE, "response_class") for v in [keyword(call, k)] if v is not None)
                + tuple(("decorator", ast.unparse(d)) for d in ([] if is_method_call else fn.decorator_list) if d is not call)
                + tuple(("returns", name) for name in returned)
                + tuple(("default_response_class", name) for name in self.default_response_classes(owner_key))))
        return sorted(routes, key=lambda r: (r.location.path, r.location.line, r.methods))

    def _def(self, module: Module, node: ast.AST | None) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        target = self.index.resolve(module, node) if node is not None else None
        if isinstance(target, tuple):
            value = target[0].defs.get(target[1])
            if isinstance(value, (ast.FunctionDef, ast.AsyncFunctionDef)):
                return value
        return None

    def _params(self, module: Module, fn: ast.FunctionDef | ast.AsyncFunctionDef) -> tuple[str, ...]:
        """Parameter names and annotations, plus field names of project models they take (a body with `password`)."""
        out: list[str] = []
        for arg in [*fn.args.posonlyargs, *fn.args.args, *fn.args.kwonlyargs]:
            out.append(f"{arg.arg}: {ast.unparse(arg.annotation)}" if arg.annotation is not None else arg.arg)
            for name in ast.walk(arg.annotation) if arg.annotation is not None else ():
                if isinstance(name, (ast.Name, ast.Attribute)):
                    target = self.index.resolve(module, name)
                    if isinstance(target, tuple) and isinstance(target[0].defs.get(target[1]), ast.ClassDef):
                        out += [f"field:{f}" for f in _fields(target[0].defs[target[1]])]  # type: ignore[arg-type]
        return tuple(dict.fromkeys(out))

    def apps(self, served: set[str]) -> list[App]:
        apps = [o for o in self.owners.values() if o.is_app]
        only = len(apps) == 1
        return sorted((App(o.key, o.location, only or o.key in served or o.key.split(":")[1] in served,
                           tuple(sorted(p for _, p, _ in o.parents))) for o in apps), key=lambda a: a.id)


def _returned_calls(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> tuple[str, ...]:
    """The functions whose call results the handler returns (`templates.TemplateResponse`), in order, without repeats."""
    names = [ast.unparse(node.value.func) for node in statements(fn, (ast.Return,)) if isinstance(node.value, ast.Call)]  # type: ignore[attr-defined]
    return tuple(dict.fromkeys(names))


def _fields(cls: ast.ClassDef) -> list[str]:
    return [s.target.id for s in cls.body if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)]
