"""tradestd's modules import one another without cycles: each layer imports only downward.

The graph holds every import that runs, at module level or inside a function (a lazy
import still ties the importer to what it imports), read from the source with ``ast``.
Importing ``a.b.c`` also runs the package ``a.b``'s ``__init__``, so that is an edge too,
except from a module inside ``a.b``: its package has been initialised before it runs
(the root package ``tradestd``, which imports the public API, is such a package for every
module). Imports under ``if TYPE_CHECKING:`` never run and are left out: an
annotation may name a type of the layer above (``SchemaSet.iter_validate`` returns a
``RecordStream``).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
ROOT = "tradestd"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(path): path for path in sorted((SRC / ROOT).rglob("*.py"))}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or \
        (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement that can run: all but those under ``if TYPE_CHECKING:``."""
    found: list[ast.Import | ast.ImportFrom] = []
    pending: list[ast.AST] = [tree]
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found.append(node)
        if isinstance(node, ast.If) and _is_type_checking(node):
            pending.extend(node.orelse)
            continue
        pending.extend(ast.iter_child_nodes(node))
    return found


def _targets(module: str, is_package: bool, node: ast.Import | ast.ImportFrom,
             modules: dict[str, Path]) -> set[str]:
    """The tradestd modules an import statement runs (submodules and their packages)."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        if node.level:
            package = module if is_package else module.rpartition(".")[0]
            for _ in range(node.level - 1):
                package = package.rpartition(".")[0]
            base = f"{package}.{node.module}" if node.module else package
        else:
            base = node.module or ""
        names = [base] + [f"{base}.{alias.name}" for alias in node.names]
    targets: set[str] = set()
    for name in names:
        if name not in modules:
            continue
        parts = name.split(".")
        targets.update(".".join(parts[:i]) for i in range(2, len(parts) + 1))
    parts = module.split(".")
    own = {".".join(parts[:i]) for i in range(1, len(parts) + 1)}  # itself and its packages
    return targets - own


def import_graph() -> dict[str, set[str]]:
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        is_package = path.name == "__init__.py"
        graph[module] = set()
        for node in _imports(tree):
            graph[module] |= _targets(module, is_package, node, modules)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle per strongly connected component that has one (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
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
            visit(node)
    return found


def test_the_graph_sees_imports_of_every_kind() -> None:
    graph = import_graph()
    assert "tradestd.intake" in graph["tradestd.schemaset"]          # from .intake import
    assert "tradestd.convert.plan" in graph["tradestd.convert.to_json"]
    assert {"tradestd.stream", "tradestd.stream.validate"} <= graph["tradestd.validation"]
    assert "tradestd.rules.schematron" in graph["tradestd.rules.catalog"]  # inside a function


def test_the_cycle_finder_finds_cycles() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles_among_tradestd_modules() -> None:
    assert cycles(import_graph()) == []


def test_schema_set_methods_of_upper_layers_are_there_with_the_compiler_alone() -> None:
    """Importing the compiler module imports the package, which registers them."""
    code = ("from tradestd.schemaset import _METHODS; "
            "print(' '.join(sorted(_METHODS)))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.split() == ["iter_to_json", "iter_to_xml", "iter_validate",
                                   "json_schema", "to_data", "to_json", "to_xml", "translation_plan",
                                   "wco_ids"]
