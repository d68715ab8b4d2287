"""The one way to import a module when it is first used instead of when its importer loads.

Why: the window must be up before everything it can do is loaded (``tests/bench/startup.py``):
the network stack, Pillow, the Markdown renderer and the comparison window are needed to send,
attach, render or compare, not to show an empty chat. A module declares such a dependency at its
top, where a reader (and ``tests/unit/test_layering.py``, which counts it as an import edge)
sees it::

    if TYPE_CHECKING:
        import httpx
    else:
        httpx = lazy_module("httpx")

The first attribute read (``httpx.Timeout``) imports it; until then it is not in
``sys.modules``. ``preload`` imports what is declared but not yet used, for the window to call
once it is painted, so the first send or click finds it loaded.
"""

from __future__ import annotations

import importlib
import threading
from types import ModuleType
from typing import Any

__all__ = ["LazyModule", "declared", "lazy_module"]

_declared: dict[str, LazyModule] = {}
_lock = threading.Lock()


class LazyModule:
    """Stands for a module until an attribute is read; then imports it and forwards."""

    __slots__ = ("_module", "name")

    def __init__(self, name: str) -> None:
        self.name = name
        self._module: ModuleType | None = None

    @property
    def loaded(self) -> bool:
        return self._module is not None

    def load(self) -> ModuleType:
        """The module, imported now if it is not yet (the import lock makes this thread-safe)."""
        module = self._module
        if module is None:
            module = self._module = importlib.import_module(self.name)
        return module

    def __getattr__(self, attribute: str) -> Any:
        return getattr(self.load(), attribute)

    def __repr__(self) -> str:
        state = "loaded" if self.loaded else "not loaded"
        return f"<lazy module {self.name!r} ({state})>"


def lazy_module(name: str) -> Any:
    """The module ``name`` (absolute), imported on first use; one stand-in per name.

    Typed ``Any`` on purpose: callers bind it in the ``else`` of ``if TYPE_CHECKING:``, whose
    ``import`` gives the checker the real module.
    """
    with _lock:
        lazy = _declared.get(name)
        if lazy is None:
            lazy = _declared[name] = LazyModule(name)
        return lazy


def declared() -> list[LazyModule]:
    """Every module declared lazily so far, in the order of declaration."""
    with _lock:
        return list(_declared.values())
