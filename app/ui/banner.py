"""Two small widgets of the conversation pane: the message banner and the empty-state text."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QToolButton,
    QWidget,
)

#: A banner button: its label and what a click does.
BannerAction = tuple[str, Callable[[], Any]]
#: Narrower than this beside the buttons, the text gets the whole width and the buttons go under
#: it (at 800 px a Russian notice beside two buttons was a column of eight short lines).
TEXT_WIDTH = 360


class EmptyState(QLabel):
    """What an empty conversation shows, centred over the chat view (which it follows)."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("emptyState")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.hide()

    def set_target(self, label: str, model: str) -> None:
        who = _html(f"{label} · {model}" if model else label)
        self.setText(
            "<p style='font-size:15pt; font-weight:600'>{}</p><p>{}</p>".format(
                QCoreApplication.translate("Banner", "Start a conversation"),
                QCoreApplication.translate("Banner", "Ask {who} anything.").format(who=who),
            )
        )

    def fit(self) -> None:
        parent = self.parentWidget()
        if parent is not None:
            self.setGeometry(parent.rect().adjusted(40, 40, -40, -40))

    def eventFilter(self, watched: Any, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Resize:
            self.fit()
        return False


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class Banner(QFrame):
    """One message above the conversation (model list failed, key missing, ...), with actions."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        self.tag = ""
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(10, 6, 6, 6)
        self._grid.setSpacing(8)
        self._grid.setColumnStretch(0, 1)
        self.text = QLabel()
        self.text.setObjectName("bannerText")
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.PlainText)  # messages may quote a server
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._grid.addWidget(self.text, 0, 0)
        self._buttons = QWidget()
        self._actions = QHBoxLayout(self._buttons)
        self._actions.setContentsMargins(0, 0, 0, 0)
        self._actions.setSpacing(6)
        self._under = False
        self._grid.addWidget(self._buttons, 0, 1)
        self.close_button = QToolButton()
        self.close_button.setObjectName("bannerClose")
        self.close_button.setAutoRaise(True)
        self.close_button.setText("✕")
        self.close_button.setToolTip(self.tr("Dismiss"))
        self.close_button.clicked.connect(lambda: self.dismiss(self.tag))
        self._grid.addWidget(self.close_button, 0, 2, Qt.AlignmentFlag.AlignTop)
        self._lasting: tuple[str, str, str, list[BannerAction] | None] | None = None
        self.hide()

    def show_message(
        self,
        tag: str,
        kind: str,
        text: str,
        actions: list[BannerAction] | None = None,
        *,
        lasting: bool = False,
    ) -> None:
        """``lasting``: about the app, not the current provider (a damaged settings file, the
        history): a blanket ``dismiss()`` (a provider change) leaves it, and a passing message
        shown over it gives way to it again when dismissed. Its own tag or the close button
        take it away."""
        if lasting:
            self._lasting = (tag, kind, text, actions)
        self.tag = tag
        self.setProperty("kind", kind)
        self.style().unpolish(self)
        self.style().polish(self)
        self.text.setText(text)
        for button in self.action_buttons():
            self._actions.removeWidget(button)
            button.deleteLater()
        for label, callback in actions or []:
            button = QPushButton(label)
            button.setObjectName(f"bannerAction_{label.strip('.…').replace(' ', '_')}")
            button.clicked.connect(callback)
            self._actions.addWidget(button)
        self._place_buttons(self.width())
        self.show()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        self._place_buttons(event.size().width())
        super().resizeEvent(event)

    def _place_buttons(self, width: int) -> None:
        """Beside the text when it keeps ``TEXT_WIDTH`` there, else on a line under it."""
        margins = self._grid.contentsMargins()
        beside = width - margins.left() - margins.right() - 2 * self._grid.horizontalSpacing()
        beside -= self._buttons.sizeHint().width() + self.close_button.sizeHint().width()
        under = bool(self.action_buttons()) and beside < TEXT_WIDTH
        if under == self._under:
            return
        self._under = under
        self._grid.removeWidget(self._buttons)
        if under:
            self._grid.addWidget(self._buttons, 1, 0, Qt.AlignmentFlag.AlignLeft)
        else:
            self._grid.addWidget(self._buttons, 0, 1)

    def dismiss(self, tag: str | None = None) -> None:
        """Hide the message tagged ``tag``, or (None) the passing message shown."""
        lasting = self._lasting
        if lasting is not None and tag == lasting[0]:
            self._lasting = lasting = None  # its own tag (or the close button) ends it
        elif tag is not None and tag != self.tag:
            return
        elif lasting is not None and self.tag == lasting[0]:
            return  # a blanket dismiss leaves a lasting message
        if tag is not None and tag != self.tag:
            return
        if lasting is not None:
            self.show_message(*lasting[:3], lasting[3])
            return
        self.tag = ""
        self.hide()

    def action_buttons(self) -> list[QPushButton]:
        items = (self._actions.itemAt(i) for i in range(self._actions.count()))
        return [
            widget
            for item in items
            if item is not None and isinstance(widget := item.widget(), QPushButton)
        ]
