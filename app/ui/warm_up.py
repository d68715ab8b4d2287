"""What the window puts off until it is painted, run one step per turn of the event loop.

Start-up is timed to a usable window (``tests/bench/startup.py``): providers listed by name,
history listed, painted. Everything else it can do (the provider classes and the network stack,
the Markdown renderer, the comparison window, Pillow, ...) is imported after that first paint,
one module a step, deepest first, so that typing and painting in between are never held up for
long (the bench prints the longest stall); the first send, render or click then finds it loaded.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from providers.lazy import declared

from .deferred import after_first_paint

Step = Callable[[], Any]

log = logging.getLogger(__name__)

#: Between two steps: input, paints and the tasks a step started get the loop first.
GAP_MS = 4


class WarmUp(QObject):
    """Runs ``steps`` after ``widget``'s first paint, one per turn of the loop (an iterator is
    read a step at a time, so a step may name what the ones before it loaded); then loads
    whatever else was declared with ``providers.lazy.lazy_module`` and is not loaded yet (one
    module a turn too), and emits ``finished``."""

    finished = Signal()

    def __init__(self, widget: QWidget, steps: Iterable[Step]) -> None:
        super().__init__(widget)
        self.setObjectName("warmUp")
        self._steps = iter(steps)
        self.done = False
        self.seconds = 0.0  # from the first step to the last (the bench's info line)
        self._started = 0.0
        self._rest = False  # the declared modules not loaded yet: queued after ``steps``
        after_first_paint(widget, self._begin)

    def _begin(self) -> None:
        self._started = time.monotonic()
        self._next()

    def _next(self) -> None:
        step = next(self._steps, None)
        if step is None and not self._rest:  # once: a module that failed is not tried again
            self._rest = True
            self._steps = iter([lazy.load for lazy in declared() if not lazy.loaded])
            step = next(self._steps, None)
        if step is None:
            self.done = True
            self.seconds = time.monotonic() - self._started
            self.finished.emit()
            return
        try:
            step()
        except Exception:  # only a head start: what failed fails again, and is said, when used
            log.warning("a warm-up step failed", exc_info=True)
        QTimer.singleShot(GAP_MS, self._next)
