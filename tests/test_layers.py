"""The package's layers point one way (docs/architecture.md), read from the source.

Every import is counted, the ones inside functions included; only those under
``if TYPE_CHECKING:`` (types for the checker, never run) are left out.
"""

from __future__ import annotations

import ast
from pathlib import Path

from workshop.config import PROJECT_ROOT

PACKAGE = PROJECT_ROOT / "workshop"
#: The web layer: blueprints, socket handlers, forms.
WEB = (
    "workshop.live",
    "workshop.summary",
    "workshop.admin",
    "workshop.auth",
    "workshop.programme",
    "workshop.accounts",
    "workshop.authoring",
    "workshop.rehearsals",
)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PROJECT_ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(p): p for p in PACKAGE.rglob("*.py")}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(name: str, path: Path) -> set[str]:
    """The modules of ``workshop`` that module ``name`` imports."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                found.add(submodule if submodule in MODULES else base)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(), str(path)))
    return {m for m in found if m in MODULES and m != name}


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                connect(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return found


def test_the_graph_is_read():
    assert "workshop.services.live.writer" in GRAPH["workshop.services.live"]
    assert "workshop.services.unit" in GRAPH["workshop.services.live.control"]


def test_services_never_import_the_web_layer():
    offenders = {
        name: sorted(m for m in imported if m.startswith(WEB))
        for name, imported in GRAPH.items()
        if name.startswith("workshop.services")
    }
    assert {name: found for name, found in offenders.items() if found} == {}


def test_models_import_neither_services_nor_the_web_layer():
    offenders = {
        name: sorted(m for m in imported if m.startswith(("workshop.services", *WEB)))
        for name, imported in GRAPH.items()
        if name.startswith("workshop.models")
    }
    assert {name: found for name, found in offenders.items() if found} == {}


def test_no_import_cycle():
    assert _cycles(GRAPH) == []


def test_a_cycle_would_be_found():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
