"""The message box and the bar around it, shared by the chat and the comparison window."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QSize, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QSizePolicy,
    QToolButton,
    QWidget,
)

COMPOSER_MAX_LINES = 8


class Composer(QPlainTextEdit):
    """The message box: Enter sends, Shift+Enter starts a new line; grows up to a few lines."""

    submitted = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("composer")
        self.setAccessibleName(self.tr("Message"))
        self.setTabChangesFocus(True)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.document().setDocumentMargin(6)
        self.document().documentLayout().documentSizeChanged.connect(self._fit)
        self._fit()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            modifiers = event.modifiers()
            if modifiers & Qt.KeyboardModifier.ShiftModifier:
                self.insertPlainText("\n")
                return
            if not modifiers & (Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.MetaModifier):
                self.submitted.emit()
                return
        super().keyPressEvent(event)

    def _fit(self, *_: object) -> None:
        line = self.fontMetrics().lineSpacing()
        wanted = max(1, int(self.document().size().height()))
        lines = min(COMPOSER_MAX_LINES, wanted)
        margins = self.contentsMargins()
        extra = int(self.document().documentMargin() * 2) + margins.top() + margins.bottom() + 4
        self.setVerticalScrollBarPolicy(
            Qt.ScrollBarPolicy.ScrollBarAsNeeded
            if wanted > COMPOSER_MAX_LINES
            else Qt.ScrollBarPolicy.ScrollBarAlwaysOff
        )
        self.setFixedHeight(lines * line + extra)


class ComposerBar(QFrame):
    """The message box with its round Send and Stop buttons (only one shows at a time)."""

    def __init__(self, send_tip: str, stop_tip: str, stop_name: str = "") -> None:
        super().__init__()
        self.setObjectName("composerFrame")
        self.composer = Composer()
        self.send_button = QToolButton()
        self.send_button.setObjectName("sendButton")
        self.send_button.setToolTip(send_tip)
        self.send_button.setAccessibleName(QCoreApplication.translate("Composer", "Send"))
        self.stop_button = QToolButton()
        self.stop_button.setObjectName("stopButton")
        self.stop_button.setToolTip(stop_tip)
        self.stop_button.setAccessibleName(
            stop_name or QCoreApplication.translate("Composer", "Stop")
        )
        for button in (self.send_button, self.stop_button):
            button.setFixedSize(32, 32)
            button.setIconSize(QSize(18, 18))
            button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.stop_button.hide()
        row = QHBoxLayout(self)
        row.setContentsMargins(6, 4, 6, 4)
        row.setSpacing(6)
        row.addWidget(self.composer, 1)
        row.addWidget(self.send_button, 0, Qt.AlignmentFlag.AlignBottom)
        row.addWidget(self.stop_button, 0, Qt.AlignmentFlag.AlignBottom)


def hint_label(text: str) -> QLabel:
    """The small centred line under the composer that lists its keys."""
    hint = QLabel(text)
    hint.setObjectName("composerHint")
    hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
    font = hint.font()
    font.setPointSizeF(max(7.0, font.pointSizeF() - 1))
    hint.setFont(font)
    return hint
