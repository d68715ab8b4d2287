"""PySide6's per-module ``__feature__`` check, answered from the source file's bytes.

PySide6 (6.11) records for each module imported after it whether the module's source mentions
"PySide6" (``shibokensupport.feature._mod_uses_pyside``): such a module may select features
(``from __feature__ import snake_case``) and gets the default set otherwise. It reads the source
with ``inspect.getsource`` (linecache, encoding detection, joining lines): ~0.1 ms a module,
~20 ms of the window's start-up. ``uses_pyside`` gives the same answer by looking for the bytes
``PySide6`` in the ``.py`` file, and falls back to PySide6's own check for anything else (no
plain source file: an archive, an extension module). PySide6 versions without that hook are
left alone.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import ModuleType
from typing import Any

import PySide6  # loads shibokensupport

_original: Callable[[ModuleType], bool] | None = None


def uses_pyside(module: ModuleType) -> bool:
    """Whether ``module``'s source names PySide6, as PySide6's own check answers it."""
    spec = getattr(module, "__spec__", None)
    origin = getattr(spec, "origin", None)
    if isinstance(origin, str) and origin.endswith(".py"):
        try:
            with open(origin, "rb") as source:
                return b"PySide6" in source.read()
        except OSError:
            pass
    return bool(_original(module)) if _original is not None else False


def install() -> bool:
    """Use ``uses_pyside`` for PySide6's check (once); False when this PySide6 has none."""
    global _original
    feature: Any = sys.modules.get("shibokensupport.feature")
    current = getattr(feature, "_mod_uses_pyside", None)
    if not callable(current):
        return False
    if current is not uses_pyside:
        _original = current
        feature._mod_uses_pyside = uses_pyside
    return True


__all__ = ["PySide6", "install", "uses_pyside"]
