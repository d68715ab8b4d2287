"""A strip above the composer that says how long an answer has been waiting, with Stop.

A stalled stream (a slow model loading, a server that stopped sending) otherwise looks like
nothing happening at all. After ``after`` seconds without a new piece of the answer the strip
shows the wait ("Waiting for OpenAI · gpt-4o-mini to answer — 12 s") and a Stop button; the next
piece hides it again. The read timeout still ends the wait on its own (``timeout``).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

STALL_AFTER_S = 5.0
TICK_MS = 500


def format_wait(seconds: float) -> str:
    """``7 s``, ``1 min 05 s``."""
    whole = int(seconds)
    if whole < 60:
        return QCoreApplication.translate("StallNotice", "{seconds} s").format(seconds=whole)
    return QCoreApplication.translate("StallNotice", "{minutes} min {seconds} s").format(
        minutes=whole // 60, seconds=f"{whole % 60:02d}"
    )


class StallNotice(QFrame):
    """Shown while an answer waits longer than ``after`` seconds for its next piece."""

    stopRequested = Signal()  # noqa: N815 - Qt signal naming

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        after: float = STALL_AFTER_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("stallNotice")
        self.after = after
        self._clock = clock
        self._who = ""
        self._last = 0.0
        self._got_text = False
        self.text = QLabel()
        self.text.setObjectName("stallText")
        self.text.setProperty("role", "hint")
        self.text.setWordWrap(True)
        self.stop_button = QPushButton(self.tr("Stop"))
        self.stop_button.setObjectName("stallStop")
        self.stop_button.setToolTip(self.tr("Stop waiting; what arrived so far is kept (Esc)"))
        self.stop_button.clicked.connect(self.stopRequested.emit)
        row = QHBoxLayout(self)
        row.setContentsMargins(4, 0, 4, 0)
        row.addWidget(self.text, 1)
        row.addWidget(self.stop_button)
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)
        self.hide()

    def start(self, who: str) -> None:
        """An answer from ``who`` (provider · model) was requested."""
        self._who = who
        self._last = self._clock()
        self._got_text = False
        self.hide()
        self._timer.start()

    def activity(self) -> None:
        """A piece of the answer arrived: the wait starts over."""
        self._last = self._clock()
        self._got_text = True
        if self.isVisible():
            self.hide()

    def finish(self) -> None:
        """The answer ended (complete, stopped or failed)."""
        self._timer.stop()
        self.hide()

    def waited(self) -> float:
        return self._clock() - self._last

    def _tick(self) -> None:
        waited = self.waited()
        if waited < self.after:
            return
        if self._got_text:
            text = self.tr("{who} has sent nothing new for {wait}.")
        else:
            text = self.tr("Waiting for {who} to answer — {wait} so far.")
        self.text.setText(text.format(who=self._who, wait=format_wait(waited)))
        self.show()
