"""Check that every Home Assistant name lifx_lan uses exists, undeprecated, in given HA wheels.

Reads the integration's sources and the wheels' sources as text (AST, nothing imported),
so one run checks versions that need different Pythons. What it follows:

* ``from homeassistant.x import Name`` and ``import homeassistant.x [as y]``;
* attributes of those: ``cv.string``, ``ColorMode.HS``, ``er.async_get``;
* in our classes deriving from Home Assistant's: ``self.name`` and ``super().name`` that
  our classes do not define, and every ``_attr_*`` we set (Home Assistant must still read it);
* through annotations: ``hass: HomeAssistant`` then ``hass.config_entries.async_reload``;
* keyword arguments to Home Assistant classes (``SwitchEntityDescription(key=...)``).

A name is deprecated when the wheel marks it so: a ``_DEPRECATED_<NAME>`` constant
(``DeprecatedConstant``, ``DeprecatedConstantEnum``, ``DeprecatedAlias``, read through the
module's ``check_if_deprecated_constant`` ``__getattr__``), or a ``@deprecated_function``,
``@deprecated_class`` or ``@deprecated_substitute`` decorator. Functions we call that
report usage with ``breaks_in_ha_version=`` (deprecated in some uses) are listed as notes.

    python -m devtools.check_ha_api [--versions 2025.4.4 2026.11.0] [--source DIR]

Exit 0: all found; 1: something missing or deprecated; 2: a wheel could not be obtained.
"""

from __future__ import annotations

import argparse
import ast
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
import functools
from pathlib import Path
import re
import subprocess
import sys
import zipfile

from devtools import ROOT

SOURCE = ROOT / "custom_components" / "lifx_lan"
WHEELS = ROOT / ".cache" / "ha-wheels"
DEFAULT_VERSIONS = ("2025.4.4", "2026.11.0")
# Any wheel of these versions installs on this Python; only the sources are read
WHEEL_PYTHON = "3.14.2"
EXIT_UNAVAILABLE = 2
# report(kind, what, detail, where)
Report = Callable[[str, str, str, str], None]

DEPRECATING_DECORATORS = frozenset(
    {"deprecated_function", "deprecated_class", "deprecated_substitute"}
)
DEPRECATED_CONSTANT_TYPES = frozenset(
    {"DeprecatedConstant", "DeprecatedConstantEnum", "DeprecatedAlias", "DeferredDeprecatedAlias"}
)
# Bases that add nothing our classes reach through self (or are not Home Assistant's)
TRANSPARENT_BASES = frozenset({"object", "Generic", "ABC", "Protocol"})
# An enum's members are all in its body; the enum base adds only these
ENUM_BASES = frozenset({"Enum", "StrEnum", "IntEnum", "Flag", "IntFlag"})
ENUM_ATTRIBUTES = frozenset({"name", "value", "__members__"})


@dataclass(frozen=True)
class Use:
    """One place lifx_lan uses a Home Assistant name."""

    what: str  # e.g. homeassistant.const.CONF_HOST, or HomeAssistant.config_entries
    where: str  # file:line


@dataclass
class Finding:
    """Something wrong (or worth a look) in one version."""

    kind: str  # missing, deprecated, note
    what: str
    detail: str
    where: list[str] = field(default_factory=list)


# --- The wheel's sources -----------------------------------------------------------------


def _decorator_name(node: ast.expr) -> str:
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return ""


def _is_deprecation_report(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call)
        and _decorator_name(node.func) in {"report_usage", "report", "_report_usage"}
        and any(keyword.arg == "breaks_in_ha_version" for keyword in node.keywords)
    )


def _reports_deprecation(function: ast.FunctionDef | ast.AsyncFunctionDef) -> str | None:
    """How the body reports usage with breaks_in_ha_version=, if it does.

    "always" when the report is a statement of the body itself (every call is deprecated,
    as with async_forward_entry_setup), "sometimes" when it sits under a condition.
    """
    if any(
        isinstance(statement, ast.Expr) and _is_deprecation_report(statement.value)
        for statement in function.body
    ):
        return "always"
    if any(_is_deprecation_report(node) for node in ast.walk(function)):
        return "sometimes"
    return None


def _report_deprecation(
    report: Report, function: ast.FunctionDef | ast.AsyncFunctionDef, what: str, where: str
) -> None:
    how = _reports_deprecation(function)
    if how == "always":
        report("deprecated", what, "reports every call as deprecated", where)
    elif how == "sometimes":
        report("note", what, "reports some uses as deprecated", where)


def _top_level(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Statements of a module or class body, including those inside if/try blocks."""
    for node in body:
        if isinstance(node, ast.If):
            yield from _top_level(node.body)
            yield from _top_level(node.orelse)
        elif isinstance(node, ast.Try):
            yield from _top_level(node.body)
            for handler in node.handlers:
                yield from _top_level(handler.body)
            yield from _top_level(node.orelse)
            yield from _top_level(node.finalbody)
        else:
            yield node


@dataclass
class Module:
    """What one module defines at its top level."""

    name: str
    is_package: bool
    tree: ast.Module
    defined: set[str] = field(default_factory=set)
    # local name -> (module, name or None for the module itself)
    imports: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    star_imports: list[str] = field(default_factory=list)
    classes: dict[str, ast.ClassDef] = field(default_factory=dict)
    functions: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = field(default_factory=dict)
    deprecated: dict[str, str] = field(default_factory=dict)
    aliases: dict[str, ast.expr] = field(default_factory=dict)

    def absolute(self, node: ast.ImportFrom) -> str:
        """The module an import-from names, relative imports resolved."""
        if not node.level:
            return node.module or ""
        parts = self.name.split(".")
        base = parts if self.is_package else parts[:-1]
        base = base[: len(base) - (node.level - 1)]
        return ".".join([*base, node.module] if node.module else base)


# PEP 758 (Python 3.14): `except A, B:` without parentheses, which older parsers refuse
_BARE_EXCEPT_TUPLE = re.compile(r"^(\s*except\*?\s+)(?!\()([^:\n]+,[^:\n]+):", re.MULTILINE)


def parse(text: str) -> ast.Module:
    """Parse a module, also when it uses Python 3.14 syntax and this Python is older."""
    try:
        return ast.parse(text)
    except SyntaxError:
        return ast.parse(_BARE_EXCEPT_TUPLE.sub(r"\1(\2):", text))


def index_module(name: str, is_package: bool, text: str) -> Module:
    """Parse a module and note its top-level names, imports and deprecation markers."""
    module = Module(name, is_package, parse(text))
    for node in _top_level(module.tree.body):
        if isinstance(node, ast.ImportFrom):
            origin = module.absolute(node)
            for alias in node.names:
                if alias.name == "*":
                    module.star_imports.append(origin)
                else:
                    module.imports[alias.asname or alias.name] = (origin, alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    module.imports[alias.asname] = (alias.name, None)
                else:
                    top = alias.name.split(".")[0]
                    module.imports[top] = (top, None)
        elif isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            module.defined.add(node.name)
            if isinstance(node, ast.ClassDef):
                module.classes[node.name] = node
            else:
                module.functions[node.name] = node
            marks = {_decorator_name(d) for d in node.decorator_list} & DEPRECATING_DECORATORS
            if marks:
                module.deprecated[node.name] = f"@{min(marks)}"
        elif isinstance(node, ast.Assign | ast.AnnAssign | ast.TypeAlias):
            targets = (
                node.targets
                if isinstance(node, ast.Assign)
                else [node.name]
                if isinstance(node, ast.TypeAlias)
                else [node.target]
            )
            value = node.value
            for target in targets:
                for element in ast.walk(target):
                    if isinstance(element, ast.Name):
                        module.defined.add(element.id)
                        if value is not None:
                            module.aliases[element.id] = value
                if isinstance(target, ast.Name) and target.id.startswith("_DEPRECATED_"):
                    kind = _decorator_name(value) if value is not None else ""
                    marker = kind if kind in DEPRECATED_CONSTANT_TYPES else "_DEPRECATED_ prefix"
                    module.deprecated[target.id.removeprefix("_DEPRECATED_")] = marker
    return module


class Wheel:
    """The homeassistant package of one wheel, read lazily."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.archive = zipfile.ZipFile(path)
        self.files = set(self.archive.namelist())
        self.version = path.name.split("-")[1]

    @functools.cache  # noqa: B019 - one Wheel per run; its modules live as long as it does
    def module(self, name: str) -> Module | None:
        """A module by dotted name, or None when the wheel has no such module."""
        if not name.startswith("homeassistant"):
            return None
        path = name.replace(".", "/")
        for candidate, is_package in ((f"{path}/__init__.py", True), (f"{path}.py", False)):
            if candidate in self.files:
                text = self.archive.read(candidate).decode()
                return index_module(name, is_package, text)
        return None

    def lookup(self, module_name: str, name: str, depth: int = 0) -> tuple[str, str, str] | None:
        """Find name in a module: (kind, defining module, name) or None.

        kind is "module", "class", "function", "value" or "deprecated:<marker>", following
        re-exports to where the name is defined, so a deprecation there is seen here too.
        """
        module = self.module(module_name)
        if module is None or depth > 20:
            return None
        if name in module.deprecated:
            return (f"deprecated:{module.deprecated[name]}", module_name, name)
        if name in module.classes:
            return ("class", module_name, name)
        if name in module.functions:
            return ("function", module_name, name)
        if name in module.defined:
            return ("value", module_name, name)
        if name in module.imports:
            origin, attribute = module.imports[name]
            if attribute is None:
                return ("module", origin, "")
            found = self.lookup(origin, attribute, depth + 1)
            if found is not None:
                return found
            if self.module(f"{origin}.{attribute}") is not None:
                return ("module", f"{origin}.{attribute}", "")
            # Re-exported from outside Home Assistant (voluptuous, stdlib...): it exists
            return ("value", origin, attribute)
        if module.is_package and self.module(f"{module_name}.{name}") is not None:
            return ("module", f"{module_name}.{name}", "")
        for origin in module.star_imports:
            found = self.lookup(origin, name, depth + 1)
            if found is not None:
                return found
        return None

    def resolve_expr(self, module_name: str, node: ast.expr) -> tuple[str, str] | None:
        """The (module, class) an expression in a module names, when it is HA's class."""
        if isinstance(node, ast.Subscript):
            return self.resolve_expr(module_name, node.value)
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            try:
                parsed = ast.parse(node.value, mode="eval").body
            except SyntaxError:
                return None
            return self.resolve_expr(module_name, parsed)
        if isinstance(node, ast.BinOp):  # X | None
            return self.resolve_expr(module_name, node.left) or self.resolve_expr(
                module_name, node.right
            )
        if isinstance(node, ast.Name):
            found = self.lookup(module_name, node.id)
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            base = self.lookup(module_name, node.value.id)
            found = self.lookup(base[1], node.attr) if base and base[0] == "module" else None
        else:
            return None
        if found is None:
            return None
        kind, where, name = found
        if kind == "class":
            return (where, name)
        module = self.module(where)
        if kind == "value" and module is not None and name in module.aliases:
            # A type alias: LightConfigEntry = ConfigEntry[...]
            return self.resolve_expr(where, module.aliases[name])
        return None

    def class_member(
        self, module_name: str, class_name: str, attribute: str, depth: int = 0
    ) -> tuple[str, ast.expr | None, ast.stmt | None] | None:
        """Look an attribute up along a class's bases within the wheel.

        Returns ("found", its annotation, its definition), ("unknown", None, None) when a
        base lies outside the wheel so absence proves nothing, or None when absent.
        """
        module = self.module(module_name)
        if module is not None and class_name not in module.classes:
            # Re-exported: components.light's LightEntity lives in components.light.entity
            found = self.lookup(module_name, class_name)
            if found is not None and found[0] == "class" and found[1] != module_name:
                return self.class_member(found[1], found[2], attribute, depth + 1)
        if module is None or class_name not in module.classes or depth > 30:
            return ("unknown", None, None)
        node = module.classes[class_name]
        member = _class_body_member(node, attribute)
        if member is not None:
            return ("found", *member)
        unknown = False
        for base in node.bases:
            resolved = self.resolve_expr(module_name, base)
            if resolved is None:
                name = _decorator_name(base.value if isinstance(base, ast.Subscript) else base)
                if name in ENUM_BASES and attribute in ENUM_ATTRIBUTES:
                    return ("found", None, None)
                unknown = unknown or name not in TRANSPARENT_BASES | ENUM_BASES
                continue
            inherited = self.class_member(*resolved, attribute, depth + 1)
            if inherited is not None and inherited[0] == "found":
                return inherited
            unknown = unknown or inherited is not None
        return ("unknown", None, None) if unknown else None

    def init_accepts(self, module_name: str, class_name: str, keyword: str) -> bool | None:
        """Whether the class takes keyword= (a dataclass field or an __init__ parameter)."""
        member = self.class_member(module_name, class_name, keyword)
        if member is not None:
            # A field, or unknown because a base is outside the wheel
            return True
        init = self.class_member(module_name, class_name, "__init__")
        if init is not None and isinstance(init[2], ast.FunctionDef | ast.AsyncFunctionDef):
            arguments = init[2].args
            names = {a.arg for a in [*arguments.args, *arguments.kwonlyargs]}
            return keyword in names or arguments.kwarg is not None
        # No __init__ anywhere along bases all inside the wheel: a dataclass, whose
        # keywords are its fields, and keyword is none of them
        return init is not None


def _class_body_member(
    node: ast.ClassDef, attribute: str
) -> tuple[ast.expr | None, ast.stmt] | None:
    """An attribute defined in a class body or assigned to self in its methods."""
    for statement in _top_level(node.body):
        if (
            isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
            and statement.name == attribute
        ):
            returns = statement.returns if not isinstance(statement, ast.ClassDef) else None
            return (returns, statement)
        if isinstance(statement, ast.AnnAssign) and _is_name(statement.target, attribute):
            return (statement.annotation, statement)
        if isinstance(statement, ast.Assign) and any(
            _is_name(t, attribute) for t in statement.targets
        ):
            return (None, statement)
    for walked in ast.walk(node):
        if not isinstance(walked, ast.stmt):
            continue
        statement = walked
        if isinstance(statement, ast.AnnAssign) and _is_self_attribute(statement.target, attribute):
            return (statement.annotation, statement)
        if isinstance(statement, ast.Assign) and any(
            _is_self_attribute(t, attribute) for t in statement.targets
        ):
            # self.flow = ConfigEntriesFlowManager(...): the class called is the type
            value = statement.value
            return (value.func if isinstance(value, ast.Call) else None, statement)
    return None


def _is_name(node: ast.expr, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name


def _is_self_attribute(node: ast.expr, name: str) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr == name
        and isinstance(node.value, ast.Name)
        and node.value.id == "self"
    )


# --- What lifx_lan uses ------------------------------------------------------------------


@dataclass
class Reference:
    """A use to check: a module attribute, or an attribute of a class."""

    module: str
    name: str | None  # None: the module itself
    chain: tuple[str, ...] = ()  # attributes after name
    keyword: str | None = None  # a keyword argument to the class or function `name`
    positional: int | None = None  # how many positional arguments a call passes
    where: str = ""
    # A compatibility import under `try: ... except ImportError:`: "primary" in the try
    # block (absent from some versions: a note; deprecated: a problem, it is what runs),
    # "fallback" in the handler (runs only where the primary is absent: notes only)
    guard: str = ""
    # Further (module, class) to look chain[0] up in: self.x where our class has several
    # Home Assistant bases; found in any of them is enough
    alternatives: tuple[tuple[str, str], ...] = ()


class _Collector(ast.NodeVisitor):
    """Walk one of our modules and note every Home Assistant name it reaches."""

    def __init__(
        self,
        module: Module,
        path: str,
        ours: dict[str, Module],
        guards: dict[tuple[str, str | None], str] | None = None,
    ) -> None:
        self.module = module
        self.path = path
        self.ours = ours
        self.guards = guards or {}
        self.references: list[Reference] = []
        # local name -> (HA module, name) for names bound by our imports
        self.bound: dict[str, tuple[str, str | None]] = {}
        for local, (origin, name) in module.imports.items():
            if origin.startswith("homeassistant"):
                self.bound[local] = (origin, name)
        self.scopes: list[dict[str, tuple[str, str | None]]] = []
        self.classes: list[ast.ClassDef] = []

    def _where(self, node: ast.AST) -> str:
        return f"{self.path}:{getattr(node, 'lineno', 0)}"

    def _add(self, reference: Reference, node: ast.AST) -> None:
        reference.where = self._where(node)
        reference.guard = self.guards.get(
            (reference.module, reference.name), self.guards.get((reference.module, None), "")
        )
        self.references.append(reference)

    # Types of local names, from annotations

    def _annotation_target(self, node: ast.expr | None) -> tuple[str, str | None] | None:
        """The HA class (or our alias of one) an annotation names."""
        if node is None:
            return None
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            try:
                node = ast.parse(node.value, mode="eval").body
            except SyntaxError:
                return None
        if isinstance(node, ast.Subscript):
            return self._annotation_target(node.value)
        if isinstance(node, ast.BinOp):
            return self._annotation_target(node.left) or self._annotation_target(node.right)
        if isinstance(node, ast.Name):
            if node.id in self.bound:
                return self.bound[node.id]
            return self._our_alias(self.module, node.id)
        return None

    def _our_alias(self, module: Module, name: str) -> tuple[str, str | None] | None:
        """Follow our own type aliases (LifxConfigEntry = ConfigEntry[...]) to HA's class."""
        if name in module.aliases:
            value = module.aliases[name]
            inner = value.value if isinstance(value, ast.Subscript) else value
            if isinstance(inner, ast.Name):
                for local, (origin, imported) in module.imports.items():
                    if local == inner.id and origin.startswith("homeassistant"):
                        return (origin, imported)
        if name in module.imports:
            origin, imported = module.imports[name]
            if origin in self.ours and imported is not None:
                return self._our_alias(self.ours[origin], imported)
        return None

    def _lookup_local(self, name: str) -> tuple[str, str | None] | None:
        for scope in reversed(self.scopes):
            if name in scope:
                return scope[name]
        return self.bound.get(name)

    def _visit_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        scope: dict[str, tuple[str, str | None]] = {}
        arguments = [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]
        for argument in arguments:
            target = self._annotation_target(argument.annotation)
            if target is not None:
                scope[argument.arg] = target
        self.scopes.append(scope)
        self.generic_visit(node)
        self.scopes.pop()

    visit_FunctionDef = _visit_function
    visit_AsyncFunctionDef = _visit_function

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.classes.append(node)
        # Class-level _attr_* settings must still be read by Home Assistant's base
        for statement in node.body:
            targets: list[ast.expr] = []
            if isinstance(statement, ast.Assign):
                targets = statement.targets
            elif isinstance(statement, ast.AnnAssign):
                targets = [statement.target]
            for target in targets:
                if isinstance(target, ast.Name) and target.id.startswith("_attr_"):
                    self._self_reference(target.id, statement)
        self.generic_visit(node)
        self.classes.pop()

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        target = self._annotation_target(node.annotation)
        if target is not None and isinstance(node.target, ast.Name) and self.scopes:
            self.scopes[-1][node.target.id] = target
        self.generic_visit(node)

    # Uses

    def _chain(self, node: ast.expr) -> tuple[ast.expr, list[str]]:
        attributes: list[str] = []
        while isinstance(node, ast.Attribute):
            attributes.insert(0, node.attr)
            node = node.value
        return node, attributes

    def visit_Attribute(self, node: ast.Attribute) -> None:
        base, attributes = self._chain(node)
        if isinstance(base, ast.Name):
            if base.id == "self" and self.classes:
                if isinstance(node.ctx, ast.Store) and len(attributes) == 1:
                    if attributes[0].startswith("_attr_"):
                        self._self_reference(attributes[0], node)
                elif isinstance(node.ctx, ast.Load):
                    self._self_reference(attributes[0], node, tuple(attributes[1:]))
                return
            bound = self._lookup_local(base.id)
            if bound is not None:
                origin, name = bound
                if name is None:
                    # An imported module: module.attr[.more]
                    self._add(Reference(origin, attributes[0], tuple(attributes[1:])), node)
                else:
                    self._add(Reference(origin, name, tuple(attributes)), node)
                return
        if (
            isinstance(base, ast.Call)
            and isinstance(base.func, ast.Name)
            and base.func.id == "super"
            and self.classes
        ):
            self._self_reference(attributes[0], node, tuple(attributes[1:]))
            return
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        target: Reference | None = None
        if isinstance(node.func, ast.Name):
            bound = self._lookup_local(node.func.id)
            if bound is not None and bound[1] is not None:
                target = Reference(bound[0], bound[1])
        elif isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name):
            # module.function(...) of an imported module
            bound = self._lookup_local(node.func.value.id)
            if bound is not None:
                if bound[1] is None:
                    target = Reference(bound[0], node.func.attr)
                else:
                    target = Reference(bound[0], bound[1], (node.func.attr,))
        if target is not None:
            for keyword in node.keywords:
                if keyword.arg is not None:
                    self._add(
                        Reference(target.module, target.name, target.chain, keyword=keyword.arg),
                        node,
                    )
            if not any(isinstance(arg, ast.Starred) for arg in node.args):
                self._add(
                    Reference(target.module, target.name, target.chain, positional=len(node.args)),
                    node,
                )
        self.generic_visit(node)

    def _self_reference(self, attribute: str, node: ast.AST, chain: tuple[str, ...] = ()) -> None:
        """self.attribute in one of our classes: defined by us, else by an HA base.

        An _attr_* setting is our code defining it, so it is always looked up in the bases:
        Home Assistant must still declare (and read) it.
        """
        owners = self._ha_bases(
            self.classes[-1], attribute, self.module, skip_own=attribute.startswith("_attr_")
        )
        if owners:
            reference = Reference(owners[0][0], owners[0][1], (attribute, *chain))
            reference.alternatives = tuple(owners[1:])
            self._add(reference, node)

    def _ha_bases(
        self, node: ast.ClassDef, attribute: str, module: Module, skip_own: bool = False
    ) -> list[tuple[str, str]] | None:
        """The HA base classes to look attribute up in; None when our own code defines it."""
        if not skip_own and _class_body_member(node, attribute) is not None:
            return None
        bases: list[tuple[str, str]] = []
        for base in node.bases:
            inner = base.value if isinstance(base, ast.Subscript) else base
            if not isinstance(inner, ast.Name):
                continue
            origin = module.imports.get(inner.id)
            ours: tuple[Module, ast.ClassDef] | None = None
            if origin is not None and origin[0] in self.ours and origin[1] is not None:
                other = self.ours[origin[0]]
                if origin[1] in other.classes:
                    ours = (other, other.classes[origin[1]])
            elif inner.id in module.classes:
                ours = (module, module.classes[inner.id])
            if ours is not None:
                found = self._ha_bases(ours[1], attribute, ours[0], skip_own)
                if found is None:
                    return None
                bases.extend(found)
            elif origin is not None and origin[0].startswith("homeassistant") and origin[1]:
                bases.append((origin[0], origin[1]))
        return bases


def _shown(path: Path) -> str:
    """A path as it is shown: relative to the repository when inside it."""
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def _guarded_imports(tree: ast.Module) -> dict[int, str]:
    """id() of the imports in try blocks that catch ImportError: "primary" or "fallback"."""
    caught = {"ImportError", "ModuleNotFoundError", "Exception"}
    guarded: dict[int, str] = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.Try):
            continue
        names: set[str] = set()
        for handler in node.handlers:
            kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
            names.update(_decorator_name(kind) for kind in kinds if kind is not None)
        if not names & caught:
            continue
        for role, parts in (("primary", node.body), ("fallback", node.handlers)):
            for part in parts:
                for inner in ast.walk(part):
                    if isinstance(inner, ast.Import | ast.ImportFrom):
                        guarded[id(inner)] = role
    return guarded


def collect(source: Path) -> list[Reference]:
    """Every Home Assistant reference in the integration's Python files."""
    ours: dict[str, Module] = {}
    files: dict[str, Path] = {}
    package = source.name
    for path in sorted(source.rglob("*.py")):
        relative = path.relative_to(source.parent).with_suffix("")
        parts = list(relative.parts)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts = parts[:-1]
        name = ".".join(parts)
        ours[name] = index_module(name, is_package, path.read_text())
        files[name] = path
    references: list[Reference] = []
    for name, module in ours.items():
        if name.startswith(f"{package}.protocol"):
            continue  # never imports Home Assistant (a test enforces it)
        guarded = _guarded_imports(module.tree)
        guards: dict[tuple[str, str | None], str] = {}
        for node in ast.walk(module.tree):
            found: list[tuple[str, str | None]] = []
            if isinstance(node, ast.ImportFrom) and module.absolute(node).startswith(
                "homeassistant"
            ):
                found = [(module.absolute(node), alias.name) for alias in node.names]
            elif isinstance(node, ast.Import):
                found = [(a.name, None) for a in node.names if a.name.startswith("homeassistant")]
            for origin, imported in found:
                reference = Reference(origin, imported, guard=guarded.get(id(node), ""))
                reference.where = f"{_shown(files[name])}:{getattr(node, 'lineno', 0)}"
                references.append(reference)
                if id(node) in guarded:
                    guards[(origin, imported)] = guarded[id(node)]
        collector = _Collector(module, _shown(files[name]), ours, guards)
        collector.visit(module.tree)
        references.extend(collector.references)
    return references


# --- Checking ----------------------------------------------------------------------------


def check(wheel: Wheel, references: list[Reference]) -> list[Finding]:
    """Every reference against one wheel."""
    findings: dict[tuple[str, str], Finding] = {}

    def report(kind: str, what: str, detail: str, where: str) -> None:
        finding = findings.setdefault((kind, what), Finding(kind, what, detail))
        if where not in finding.where:
            finding.where.append(where)

    for reference in references:
        if reference.guard:
            _check_reference(
                wheel, reference, functools.partial(_guarded_report, report, reference.guard)
            )
        else:
            _check_reference(wheel, reference, report)
    order = {"missing": 0, "deprecated": 1, "note": 2}
    return sorted(findings.values(), key=lambda f: (order[f.kind], f.what))


def _guarded_report(
    report: Report, role: str, kind: str, what: str, detail: str, where: str
) -> None:
    """Report a finding of a compatibility import, as a note where absence is expected."""
    if kind == "missing" or (kind == "deprecated" and role == "fallback"):
        kind, detail = "note", f"{detail}; {role} import under except ImportError"
    report(kind, what, detail, where)


def _check_reference(wheel: Wheel, reference: Reference, report: Report) -> None:
    """Resolve module, name and chain step by step; report the first thing wrong."""
    where = reference.where
    if wheel.module(reference.module) is None:
        report("missing", reference.module, "no such module", where)
        return
    if reference.name is None:
        return
    chain = list(reference.chain)
    shown = f"{reference.module}.{reference.name}"
    found = wheel.lookup(reference.module, reference.name)
    # Through modules: helpers.service.async_x, or a module imported from a package
    while True:
        if found is None:
            report("missing", shown, "not defined", where)
            return
        kind, defined_in, name = found
        if kind.startswith("deprecated:"):
            report("deprecated", shown, kind.split(":", 1)[1], where)
            return
        if kind != "module" or not chain:
            break
        attribute = chain.pop(0)
        shown = f"{shown}.{attribute}"
        found = wheel.lookup(defined_in, attribute)
    is_call = reference.keyword is not None or reference.positional is not None
    if kind == "function" and not chain:
        module = wheel.module(defined_in)
        assert module is not None
        function = module.functions[name]
        problem = _call_mismatch(function, reference)
        if problem:
            report("missing", f"{shown}(...)", problem, where)
        elif not is_call:
            _report_deprecation(report, function, shown, where)
        return
    if kind != "class":
        return
    if not chain:
        if reference.keyword is not None and (
            wheel.init_accepts(defined_in, name, reference.keyword) is False
        ):
            report(
                "missing", f"{shown}({reference.keyword}=...)", "no such field or parameter", where
            )
        return
    if is_call:
        return  # a method call's arguments are not checked
    for module_name, class_name in reference.alternatives:
        # self.x of a class with several HA bases: the first that has x decides
        member = wheel.class_member(module_name, class_name, chain[0])
        if member is not None and member[0] == "found":
            defined_in, name = module_name, class_name
            break
    _check_chain(wheel, defined_in, name, tuple(chain), where, report)


def _call_mismatch(
    function: ast.FunctionDef | ast.AsyncFunctionDef, reference: Reference
) -> str | None:
    """Why a call cannot bind to the function's parameters, or None."""
    arguments = function.args
    positional = [*arguments.posonlyargs, *arguments.args]
    if (
        reference.positional is not None
        and arguments.vararg is None
        and reference.positional > len(positional)
    ):
        return f"takes {len(positional)} positional arguments, called with {reference.positional}"
    if reference.keyword is not None and arguments.kwarg is None:
        names = {a.arg for a in [*arguments.args, *arguments.kwonlyargs]}
        if reference.keyword not in names:
            return f"has no parameter {reference.keyword}"
    return None


def _check_chain(
    wheel: Wheel, module: str, name: str, chain: tuple[str, ...], where: str, report: Report
) -> None:
    """Follow Class.attribute.attribute... through the annotations HA gives them."""
    current: tuple[str, str] | None = (module, name)
    shown = f"{module}.{name}"
    for attribute in chain:
        if current is None:
            return
        shown = f"{shown}.{attribute}"
        member = wheel.class_member(*current, attribute)
        if member is None:
            report("missing", shown, f"{current[1]} has no {attribute}", where)
            return
        status, annotation, definition = member
        if status != "found":
            return
        if isinstance(definition, ast.FunctionDef | ast.AsyncFunctionDef):
            marks = {_decorator_name(d) for d in definition.decorator_list}
            if marks & DEPRECATING_DECORATORS:
                report("deprecated", shown, f"@{min(marks & DEPRECATING_DECORATORS)}", where)
                return
            _report_deprecation(report, definition, shown, where)
            # A property's type is its return annotation; a method's result is not followed
            is_property = any(
                _decorator_name(d).endswith("property") for d in definition.decorator_list
            )
            annotation = definition.returns if is_property else None
        owner_module = _defining_module(wheel, current, attribute)
        current = wheel.resolve_expr(owner_module, annotation) if annotation is not None else None


def _defining_module(wheel: Wheel, start: tuple[str, str], attribute: str) -> str:
    """The module whose class body defines attribute, for resolving its annotation."""
    module = wheel.module(start[0])
    if module is not None and start[1] not in module.classes:
        found = wheel.lookup(*start)
        if found is not None and found[0] == "class" and found[1] != start[0]:
            return _defining_module(wheel, (found[1], found[2]), attribute)
    if module is None or start[1] not in module.classes:
        return start[0]
    node = module.classes[start[1]]
    if _class_body_member(node, attribute) is not None:
        return start[0]
    for base in node.bases:
        resolved = wheel.resolve_expr(start[0], base)
        if resolved is not None:
            member = wheel.class_member(*resolved, attribute)
            if member is not None and member[0] == "found":
                return _defining_module(wheel, resolved, attribute)
    return start[0]


# --- Wheels and main ---------------------------------------------------------------------


def wheel_path(version: str) -> Path | None:
    """The cached wheel of a version, downloaded on first use; None when unobtainable."""
    found = sorted(WHEELS.glob(f"homeassistant-{version}-*.whl"))
    if found:
        return found[0]
    WHEELS.mkdir(parents=True, exist_ok=True)
    download = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            "--only-binary=:all:",
            "--python-version",
            WHEEL_PYTHON,
            "--dest",
            str(WHEELS),
            f"homeassistant=={version}",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if download.returncode != 0:
        print(f"check-ha-api: cannot download homeassistant {version}:", file=sys.stderr)
        print(download.stderr.strip()[-2000:], file=sys.stderr)
        return None
    found = sorted(WHEELS.glob(f"homeassistant-{version}-*.whl"))
    return found[0] if found else None


def main() -> int:
    """Check every version given; print findings; exit 1 on any missing or deprecated."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--versions", nargs="+", default=list(DEFAULT_VERSIONS))
    parser.add_argument("--source", type=Path, default=SOURCE, help="the integration's folder")
    args = parser.parse_args()
    references = collect(args.source.resolve())
    distinct = {(r.module, r.name, r.chain, r.keyword) for r in references}
    failed = False
    for version in args.versions:
        path = wheel_path(version)
        if path is None:
            return EXIT_UNAVAILABLE
        findings = check(Wheel(path), references)
        problems = [f for f in findings if f.kind != "note"]
        failed = failed or bool(problems)
        verdict = f"{len(problems)} problem(s)" if problems else "all found, none deprecated"
        print(f"homeassistant {version}: {len(distinct)} references checked, {verdict}")
        for finding in findings:
            places = ", ".join(finding.where[:3]) + (" ..." if len(finding.where) > 3 else "")
            print(f"  {finding.kind}: {finding.what} ({finding.detail}) at {places}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
