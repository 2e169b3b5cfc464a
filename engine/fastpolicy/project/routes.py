"""The route graph: apps, routers, include_router/mount chains, class-based views; each route's effective paths and dependencies."""

from __future__ import annotations

import ast
from .composition import Edge, Router
from .facts import DependencyRef, Location, Route
from .modules import Module, ModuleIndex, call_name, keyword
from .trees import statements
from .strings import MAX_DEPTH, StringResolver

METHODS = {"get": ("GET",), "post": ("POST",), "put": ("PUT",), "patch": ("PATCH",), "delete": ("DELETE",), "head": ("HEAD",),
           "options": ("OPTIONS",), "trace": ("TRACE",), "websocket": ("WEBSOCKET",), "api_route": ()}
_DEPENDS = {"Depends", "Security"}
REPEATABLE = ("tags", "responses", "dependencies")  # decorator keywords a router can carry once for all its routes


class RouteGraph:
    """What each module declares about routes, read one module at a time (`composition.py` joins the modules)."""

    def __init__(self, index: ModuleIndex, strings: StringResolver) -> None:
        self.index = index
        self.strings = strings

    # ---- collection -------------------------------------------------------------------------------
    def routers(self, module: Module) -> list[Router]:
        """The apps and routers the module defines at its top level."""
        found = []
        for name, value in module.defs.items():
            if isinstance(value, ast.Call) and call_name(value) in ("FastAPI", "APIRouter"):
                key = f"{module.name}:{name}"
                prefix, default = keyword(value, "prefix"), keyword(value, "default_response_class")
                found.append(Router(key, Location(module.path, value.lineno), call_name(value) == "FastAPI",
                                    self.strings.value(module, prefix) if prefix is not None else "",
                                    self.dependency_list(module, keyword(value, "dependencies")),
                                    ast.unparse(default) if default is not None else ""))
        return found

    def declared(self, module: Module) -> tuple[list[Edge], list[Route]]:
        """The module's include_router/mount calls and its routes (their own facts), in `ast.walk` order."""
        edges: list[Edge] = []
        raw: list[tuple[ast.AST, ast.Call, str, tuple[DependencyRef, ...]]] = []
        methods: set[int] = set()  # a class is visited before its body (breadth-first), so this is filled in time
        for node in module.nodes():
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and id(node) not in methods:
                for deco in node.decorator_list:
                    if isinstance(deco, ast.Call) and isinstance(deco.func, ast.Attribute) and deco.func.attr in METHODS:
                        raw.append((node, deco, self._key(module, deco.func.value), ()))
            elif isinstance(node, ast.ClassDef):
                methods.update(id(stmt) for stmt in node.body)
                class_deps = self._class_dependencies(module, node, 0)
                for stmt in node.body:
                    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                        for deco in stmt.decorator_list:
                            if isinstance(deco, ast.Call) and isinstance(deco.func, ast.Attribute) and deco.func.attr in METHODS:
                                raw.append((stmt, deco, self._key(module, deco.func.value), class_deps))
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                if node.func.attr == "include_router" and node.args:
                    prefix = keyword(node, "prefix")
                    edges.append(Edge("include", self._key(module, node.func.value), self._key(module, node.args[0]),
                                      self.strings.value(module, prefix) if prefix is not None else "",
                                      self.dependency_list(module, keyword(node, "dependencies")), Location(module.path, node.lineno)))
                elif node.func.attr == "mount" and (len(node.args) >= 2 or keyword(node, "app") is not None):
                    target = node.args[1] if len(node.args) >= 2 else keyword(node, "app")
                    where = node.args[0] if node.args else keyword(node, "path")
                    edges.append(Edge("mount", self._key(module, node.func.value), self._key(module, target),  # type: ignore[arg-type]
                                      self.strings.value(module, where), (), Location(module.path, node.lineno)))
                elif node.func.attr == "add_api_route" and len(node.args) >= 2:
                    raw.append((node, node, self._key(module, node.func.value), ()))
        return edges, [self._route(module, *entry) for entry in raw]

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

    # ---- one route ------------------------------------------------------------------------------
    def _route(self, module: Module, fn: ast.AST, call: ast.Call, owner_key: str, class_deps: tuple[DependencyRef, ...]) -> Route:
        """The route as its module declares it: its own dependencies and options (composition.py adds the routers' part)."""
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
            deps += self._param_dependencies(module, handler_def, 0)  # type: ignore[arg-type]
            params = self._params(module, handler_def)  # type: ignore[arg-type]
            returns = ast.unparse(handler_def.returns) if handler_def.returns is not None else ""  # type: ignore[union-attr]
            returned = _returned_calls(handler_def)  # type: ignore[arg-type]
        response = keyword(call, "response_model")
        decorators = [] if is_method_call else fn.decorator_list  # type: ignore[attr-defined]
        return Route(
            location=Location(module.path, (call.lineno if is_method_call else min([fn.lineno, *(d.lineno for d in decorators)]))),  # type: ignore[attr-defined]
            end_line=(call.end_lineno if is_method_call else fn.end_lineno) or 0,  # type: ignore[attr-defined]
            handler=getattr(handler_def, "name", "") or (ast.unparse(handler_node) if handler_node is not None else ""),
            methods=methods, path=path, effective_paths=(), dependencies=tuple(deps),
            response_model=ast.unparse(response) if response is not None else returns,
            router=owner_key, apps=(), params=params,
            options=tuple((k, ast.unparse(v)) for k in (*REPEATABLE, "response_class") for v in [keyword(call, k)] if v is not None)
            + tuple(("decorator", ast.unparse(d)) for d in decorators if d is not call)
            + tuple(("returns", name) for name in returned))

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


def _returned_calls(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> tuple[str, ...]:
    """The functions whose call results the handler returns (`templates.TemplateResponse`), in order, without repeats."""
    names = [ast.unparse(node.value.func) for node in statements(fn, (ast.Return,)) if isinstance(node.value, ast.Call)]  # type: ignore[attr-defined]
    return tuple(dict.fromkeys(names))


def _fields(cls: ast.ClassDef) -> list[str]:
    return [s.target.id for s in cls.body if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)]
