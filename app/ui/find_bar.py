"""Find in the conversation: a strip above the composer (Ctrl+F), message by message.

The chat view builds widgets only near the screen, so finding cannot walk the widgets: it asks
``find(text, start, backward)`` (``ChatView.find``), which searches every message's source,
scrolls the one found into view and selects the match there.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QLineEdit, QToolButton, QWidget

Find = Callable[[str, int, bool], "int | None"]  # (text, first message, backward) -> found


class _FindEdit(QLineEdit):
    """Enter: next; Shift+Enter: previous; Esc: close (the bar connects these)."""

    def __init__(self, bar: FindBar) -> None:
        super().__init__(bar)
        self._bar = bar

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._bar.step(backward=bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier))
        elif event.key() == Qt.Key.Key_Escape:
            self._bar.hide()
        else:
            super().keyPressEvent(event)


class FindBar(QFrame):
    """A text box, previous/next, what was found, close."""

    def __init__(self, find: Find, count: Callable[[], int], parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("findBar")
        self._find = find
        self._count = count
        self._current: int | None = None  # the message found last
        self.edit = _FindEdit(self)
        self.edit.setPlaceholderText(self.tr("Find in the conversation"))
        self.edit.textEdited.connect(self._restart)
        self.previous_button = self._button("↑", "findPrevious", self.tr("Previous (Shift+Enter)"))
        self.next_button = self._button("↓", "findNext", self.tr("Next (Enter)"))
        self.close_button = self._button("✕", "findClose", self.tr("Close (Esc)"))
        self.previous_button.clicked.connect(lambda: self.step(backward=True))
        self.next_button.clicked.connect(lambda: self.step(backward=False))
        self.close_button.clicked.connect(self.hide)
        self.status = QLabel()
        self.status.setProperty("role", "hint")
        row = QHBoxLayout(self)
        row.setContentsMargins(4, 0, 4, 0)
        row.addWidget(self.edit, 1)
        for widget in (self.previous_button, self.next_button, self.status, self.close_button):
            row.addWidget(widget)
        self.hide()

    def open(self) -> None:
        self.show()
        self.edit.setFocus()
        self.edit.selectAll()

    def step(self, *, backward: bool) -> None:
        """The next (or previous) message holding the text, wrapping around once."""
        text = self.edit.text()
        if not text:
            return
        count = self._count()
        if self._current is None:
            start = count - 1 if backward else 0
        else:
            start = self._current + (-1 if backward else 1)
        found = self._find(text, start, backward)
        if found is None:  # wrap around
            found = self._find(text, count - 1 if backward else 0, backward)
        self._current = found
        if found is None:
            self.status.setText(self.tr("Not found"))
        else:
            self.status.setText(self.tr("Message %1 of %2").replace("%1", str(found + 1))
                                .replace("%2", str(count)))  # fmt: skip

    def _restart(self) -> None:
        self._current = None
        self.status.clear()

    def _button(self, text: str, name: str, tip: str) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setObjectName(name)
        button.setToolTip(tip)
        button.setAutoRaise(True)
        return button
