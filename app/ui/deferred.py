"""The one way to put work off until a widget has been painted for the first time.

Start-up is timed to a usable window (``tests/bench/startup.py``): work the first screen does not
need, and that would compete with building it, starts here, just after the first paint pass of
the widget that needs it (``warm_up.WarmUp``: the provider classes, the network stack, the
Markdown renderer and Pygments' lexers, a step per turn of the loop). What is imported then is
declared at the top of its importer (``providers.lazy.lazy_module``).
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
