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
