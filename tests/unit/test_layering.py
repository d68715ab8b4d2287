"""Imports only point down: providers ← app/core ← app/ui; providers and the CLI are Qt-free."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

BLOCK_QT = (
    "import sys\n"
    "for name in ('PySide6', 'qasync', 'shiboken6'):\n"
    "    sys.modules[name] = None  # makes `import PySide6` fail\n"
)


def _run(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", BLOCK_QT + code, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )


def test_providers_import_without_pyside6() -> None:
    code = (
        "import importlib, pkgutil, providers, providers.vendors\n"
        "for pkg in (providers, providers.vendors):\n"
        "    for m in pkgutil.iter_modules(pkg.__path__, pkg.__name__ + '.'):\n"
        "        importlib.import_module(m.name)\n"
        "from providers import registry\n"
        "assert registry.all_providers()\n"
        "print('ok')\n"
    )
    result = _run(code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_cli_runs_without_pyside6() -> None:
    result = _run("from app.cli import run; raise SystemExit(run(['providers']))")
    assert result.returncode == 0, result.stderr
    assert "openai" in result.stdout


def test_bare_roundtable_without_gui_parts_says_what_to_install() -> None:
    result = _run("from app.main import main; raise SystemExit(main([]))")
    assert result.returncode == 1
    assert "pip install 'roundtable[gui]'" in result.stderr
    assert "Traceback" not in result.stderr


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _violations(folder: str, forbidden: tuple[str, ...]) -> list[str]:
    found = []
    for path in sorted((ROOT / folder).rglob("*.py")):
        for name in _imports(path):
            if name.startswith(forbidden):
                found.append(f"{path.relative_to(ROOT)} imports {name}")
    return found


def test_providers_import_nothing_from_app_or_qt() -> None:
    assert _violations("providers", ("app", "PySide6", "qasync")) == []


def test_core_imports_no_widgets() -> None:
    assert _violations("app/core", ("app.ui", "PySide6.QtWidgets", "PySide6.QtGui")) == []


def test_test_servers_never_import_the_code_they_test() -> None:
    assert _violations("tests/servers", ("providers", "app")) == []


# ----- the import graph of app/: no circle, counting imports inside functions -------------------

MAX_CLASS_LINES = 400


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _runtime_imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """Every import that can run: at the top, in functions, in methods (``if TYPE_CHECKING:``
    blocks never run, so they are left out)."""
    found: list[ast.Import | ast.ImportFrom] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def _lazy_imports(tree: ast.AST) -> list[str]:
    """The modules named by ``lazy_module("...")`` (``providers.lazy``): imported on first use,
    so an import all the same (a circle through one is still a circle)."""
    return [
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and (
            (isinstance(node.func, ast.Name) and node.func.id == "lazy_module")
            or (isinstance(node.func, ast.Attribute) and node.func.attr == "lazy_module")
        )
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    ]


def import_edges(module: str, source: str, known: set[str], *, package: bool = False) -> set[str]:
    """The modules of ``known`` that ``module`` imports (relative imports resolved; ``from a
    import b`` is an edge to ``a.b`` when that is a module, else to ``a``; a
    ``lazy_module("a.b")`` is an edge to ``a.b``)."""
    tree = ast.parse(source)
    parts = module.split(".")
    edges: set[str] = set()
    lazy: list[ast.Import | ast.ImportFrom] = [
        ast.Import(names=[ast.alias(name=name)]) for name in _lazy_imports(tree)
    ]
    for node in [*_runtime_imports(tree), *lazy]:
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            if node.level:
                base_parts = parts if package else parts[:-1]
                base_parts = base_parts[: len(base_parts) - (node.level - 1)]
                base = ".".join(base_parts + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
            targets = [t for t in targets[:-1] if t in known] or [base]
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != module:
                edges.add(target)
    return edges


def app_import_graph(root: Path = ROOT) -> dict[str, set[str]]:
    paths = {_module_name(path): path for path in sorted((root / "app").rglob("*.py"))}
    known = set(paths)
    return {
        name: import_edges(
            name, path.read_text(encoding="utf-8"), known, package=path.name == "__init__.py"
        )
        for name, path in paths.items()
    }


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle as ``[a, b, ..., a]``, or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state and (cycle := visit(target)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_the_import_graph_sees_imports_inside_functions() -> None:
    known = {"app.ui.main_window", "app.ui.application", "app.ui.theme", "app.core.settings"}
    source = (
        "from typing import TYPE_CHECKING\n"
        "from . import theme\n"
        "if TYPE_CHECKING:\n"
        "    from app.core.settings import Settings\n"
        "def later():\n"
        "    from .application import spawn\n"
        "class Window:\n"
        "    def start(self):\n"
        "        import app.core.settings\n"
    )
    assert import_edges("app.ui.main_window", source, known) == {
        "app.ui.theme",
        "app.ui.application",
        "app.core.settings",
    }
    lazy = (
        "from typing import TYPE_CHECKING\n"
        "from providers.lazy import lazy_module\n"
        "if TYPE_CHECKING:\n"
        "    from . import application\n"
        "else:\n"
        "    application = lazy_module('app.ui.application')\n"
    )
    assert import_edges("app.ui.theme", lazy, known) == {"app.ui.application"}
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_import_circle_among_app_modules() -> None:
    graph = app_import_graph()
    assert "app.ui.main_window" in graph and graph["app.ui.main_window"], "the graph is read"
    cycle = find_cycle(graph)
    assert cycle is None, "import circle: " + " → ".join(cycle or [])


def test_windows_never_import_the_application_module() -> None:
    graph = app_import_graph()
    importers = sorted(name for name, edges in graph.items() if "app.ui.application" in edges)
    assert importers == ["app.main"], "only the entry point creates the application"


def test_no_class_in_app_is_longer_than_the_limit() -> None:
    too_long = []
    for path in sorted((ROOT / "app").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and node.end_lineno is not None:
                lines = node.end_lineno - node.lineno + 1
                if lines > MAX_CLASS_LINES:
                    too_long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name} {lines}")
    assert too_long == [], f"split by job (at most {MAX_CLASS_LINES} lines a class)"


def test_app_ui_imports_at_the_top() -> None:
    """A reader sees what a UI module depends on from its first lines: no imports inside
    functions. What is imported on first use is declared at the top too, with
    ``providers.lazy.lazy_module`` (counted as an import edge above)."""
    inside = []
    for path in sorted((ROOT / "app" / "ui").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                inside += [
                    f"{path.relative_to(ROOT)}:{node.lineno} in {function.name}()"
                    for node in ast.walk(function)
                    if isinstance(node, ast.Import | ast.ImportFrom)
                ]
    assert inside == []
