"""The ‹ 2/3 › switcher a message bubble shows when the message has several versions.

A bubble hosts one (hidden while there is a single version) and forwards its ``stepped`` signal;
the conversation pane turns a step into ``ChatSession.switch_version``.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QWidget


class VersionSwitcher(QWidget):
    """‹ n/m ›: the previous and next version of a message, and which one is shown."""

    stepped = Signal(int)  # -1: the previous version, +1: the next

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("versionSwitcher")
        self.previous_button = self._button("‹", "previousVersion", self.tr("Previous version"))
        self.next_button = self._button("›", "nextVersion", self.tr("Next version"))
        self.label = QLabel()
        self.label.setObjectName("versionLabel")
        self.label.setProperty("role", "hint")
        self.previous_button.clicked.connect(lambda: self.stepped.emit(-1))
        self.next_button.clicked.connect(lambda: self.stepped.emit(1))
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.previous_button)
        row.addWidget(self.label)
        row.addWidget(self.next_button)
        self.set_version(1, 1)

    def _button(self, text: str, name: str, tip: str) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setObjectName(name)
        button.setToolTip(tip)
        button.setAccessibleName(tip)
        button.setAutoRaise(True)
        button.setCursor(Qt.CursorShape.PointingHandCursor)
        return button

    def set_version(self, number: int, count: int) -> None:
        """Show "number/count"; hidden while there is only one version."""
        self.label.setText(self.tr("{0}/{1}").format(number, count))
        self.label.setAccessibleName(self.tr("Version {0} of {1}").format(number, count))
        self.previous_button.setEnabled(number > 1)
        self.next_button.setEnabled(number < count)
        self.setVisible(count > 1)
