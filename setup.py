"""The wheel carries compiled translation catalogs: .ts → .qm (Qt's lrelease from PySide6) and
.po → .mo (Babel), made here at build time because compiled catalogs are never kept in git.

Everything else about the package is in pyproject.toml. ``scripts/translations.sh compile`` does
the same for a checkout; this hook reuses compiled files that are newer than their sources.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


def _lrelease() -> str | None:
    """Qt's lrelease binary that PySide6 ships: ROUNDTABLE_LRELEASE, this environment's PySide6,
    a venv's PySide6 beside a ``bin`` on PATH, else ``lrelease`` on PATH. (Not the
    ``pyside6-lrelease`` wrapper: it is a Python script that cannot import PySide6 inside pip's
    isolated build.)"""
    chosen = os.environ.get("ROUNDTABLE_LRELEASE")
    if chosen:
        return chosen
    folders = []
    spec = importlib.util.find_spec("PySide6")
    if spec is not None and spec.submodule_search_locations:
        folders.extend(Path(folder) for folder in spec.submodule_search_locations)
    for entry in os.environ.get("PATH", "").split(os.pathsep):
        if entry:
            folders.extend(Path(entry).parent.glob("lib/python3*/site-packages/PySide6"))
    for folder in folders:
        if (folder / "lrelease").is_file():
            return str(folder / "lrelease")
    return shutil.which("lrelease")


def _stale(source: Path, target: Path) -> bool:
    return not target.exists() or target.stat().st_mtime < source.stat().st_mtime


def compile_catalogs(*, editable: bool = False) -> None:
    """Compile what is stale. An editable install (a fresh checkout's first ``pip install -e``,
    before PySide6 is there) goes on without Qt's lrelease: the checkout's own
    ``scripts/translations.sh compile`` makes the .qm files next (scripts/test.sh does)."""
    for ts in sorted((ROOT / "resources" / "translations").glob("*.ts")):
        qm = ts.with_suffix(".qm")
        if not _stale(ts, qm):
            continue
        tool = _lrelease()
        if tool is None and editable:
            print(f"setup.py: {qm.name} not compiled yet: scripts/translations.sh compile makes it")
            continue
        if tool is None:
            raise SystemExit(
                f"{qm.name} is missing and Qt's lrelease was not found: install PySide6 "
                "(pip install PySide6-Essentials) or run scripts/translations.sh compile first."
            )
        subprocess.run([tool, "-silent", str(ts), "-qm", str(qm)], check=True)
    for po in sorted((ROOT / "providers" / "locale").glob("*/LC_MESSAGES/*.po")):
        mo = po.with_suffix(".mo")
        if not _stale(po, mo):
            continue
        with po.open("rb") as source:
            catalog = read_po(source)
        with mo.open("wb") as target:
            write_mo(target, catalog)


class BuildWithCatalogs(build_py):
    def run(self) -> None:
        compile_catalogs(editable=self.editable_mode)
        super().run()


setup(cmdclass={"build_py": BuildWithCatalogs})
