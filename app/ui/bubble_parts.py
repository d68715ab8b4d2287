"""Small widgets of a chat bubble: its flat tool buttons and an answer's reasoning pane."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QBoxLayout, QPlainTextEdit, QToolButton


def tool_button(text: str, name: str, tip: str) -> QToolButton:
    """A flat button of a bubble's button row (Copy, Retry, ...)."""
    button = QToolButton()
    button.setText(text)
    button.setObjectName(name)
    button.setToolTip(tip)
    button.setAutoRaise(True)
    button.setCursor(Qt.CursorShape.PointingHandCursor)
    return button


class ReasoningPane:
    """An answer's reasoning: "Thinking…" (then "Reasoning") that unfolds the text, collapsed
    until asked for; it shows once there is reasoning at all."""

    def __init__(self, column: QBoxLayout) -> None:
        self.toggle = tool_button(
            QCoreApplication.translate("ChatView", "Thinking…"),
            "reasoningToggle",
            QCoreApplication.translate("ChatView", "Show the reasoning"),
        )
        self.toggle.setCheckable(True)
        self.toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.toggled.connect(self._show)
        self.toggle.hide()
        self.view = QPlainTextEdit()
        self.view.setObjectName("reasoningView")
        self.view.setReadOnly(True)
        self.view.setMaximumHeight(220)
        self.view.hide()
        column.addWidget(self.toggle, 0, Qt.AlignmentFlag.AlignLeft)
        column.addWidget(self.view)

    def append(self, text: str) -> None:
        """More reasoning at the end; the view follows it if it was at its bottom."""
        self.toggle.show()
        bar = self.view.verticalScrollBar()
        at_bottom = bar.value() >= bar.maximum() - 2
        cursor = QTextCursor(self.view.document())
        cursor.movePosition(QTextCursor.MoveOperation.End)
        cursor.insertText(text)
        if at_bottom:
            bar.setValue(bar.maximum())

    def finish(self) -> None:
        """The answer has ended: no longer "Thinking…"."""
        self.toggle.setText(QCoreApplication.translate("ChatView", "Reasoning"))

    def _show(self, shown: bool) -> None:
        self.view.setVisible(shown)
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)
