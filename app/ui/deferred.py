"""The one way to put work off until a widget has been painted for the first time.

Start-up is timed to a usable window (``tests/bench/startup.py``): work the first screen does not
need, and that would compete with building it (e.g. Pygments compiling its lexers on a thread,
which holds the GIL for ~100 ms), starts here, just after the first paint pass of the widget
that needs it. Imports stay at the top of each module; only such work is deferred.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget


class _FirstPaint(QObject):
    def __init__(self, widget: QWidget, callback: Callable[[], Any]) -> None:
        super().__init__(widget)
        self.callback = callback

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            # On the next turn of the loop: the rest of this paint pass is done by then.
            QTimer.singleShot(0, self.callback)
            self.deleteLater()
        return False


def after_first_paint(widget: QWidget, callback: Callable[[], Any]) -> None:
    """Call ``callback()`` once, after ``widget`` is first painted (never if it never is)."""
    widget.installEventFilter(_FirstPaint(widget, callback))
