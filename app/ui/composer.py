"""The message box and the bar around it, shared by the chat and the comparison window.

Pasted or dropped files and images go to the bar's ``AttachmentStrip`` instead of the text.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QCoreApplication,
    QIODevice,
    QMimeData,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QImage, QKeyEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from .attachment_strip import AttachmentStrip
from .item_line import whole_items

COMPOSER_MAX_LINES = 8


class Composer(QPlainTextEdit):
    """The message box: Enter sends, Shift+Enter starts a new line; grows up to a few lines."""

    submitted = Signal()
    filesGiven = Signal(list)  # noqa: N815 - local paths pasted or dropped
    imageGiven = Signal(bytes)  # noqa: N815 - image data pasted or dropped (PNG when converted)

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

    def setPlaceholderText(self, text: str) -> None:  # noqa: N802 - Qt naming
        """Qt repaints only when the placeholder appears or goes, not when its text changes
        while shown (the welcome screen changes the target under an empty, visible box)."""
        super().setPlaceholderText(text)
        self.viewport().update()

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

    def canInsertFromMimeData(self, source: QMimeData) -> bool:  # noqa: N802 - Qt override
        return (
            bool(local_files(source)) or has_image(source) or super().canInsertFromMimeData(source)
        )

    def insertFromMimeData(self, source: QMimeData) -> None:  # noqa: N802 - Qt override
        """Files and images (paste, drop) become attachments; text is typed in as before."""
        paths = local_files(source)
        if paths:
            self.filesGiven.emit(paths)
        elif has_image(source):
            data = image_bytes(source)
            if data:
                self.imageGiven.emit(data)
        else:
            super().insertFromMimeData(source)

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


def local_files(source: QMimeData) -> list[str]:
    """The local files a paste or drop carries (web addresses stay text)."""
    if not source.hasUrls():
        return []
    return [url.toLocalFile() for url in source.urls() if url.isLocalFile()]


IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp")


def has_image(source: QMimeData) -> bool:
    return source.hasImage() or any(source.hasFormat(mime) for mime in IMAGE_TYPES)


def image_bytes(source: QMimeData) -> bytes:
    """A pasted image's bytes: as the source application encoded it when it offers a type every
    vendor takes, else the decoded image as PNG."""
    for mime in IMAGE_TYPES:
        if source.hasFormat(mime):
            data = bytes(source.data(mime).data())
            if data:
                return data
    image = source.imageData()
    if not isinstance(image, QImage) or image.isNull():
        return b""
    array = QByteArray()
    buffer = QBuffer(array)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(array.data())


class ComposerBar(QFrame):
    """The message box with its attach button, its attachments above it, and its round Send
    and Stop buttons (only one shows at a time)."""

    def __init__(self, send_tip: str, stop_tip: str, stop_name: str = "") -> None:
        super().__init__()
        self.setObjectName("composerFrame")
        self.composer = Composer()
        self.attachments = AttachmentStrip()
        self.attach_button = QToolButton()
        self.attach_button.setObjectName("attachButton")
        self.attach_button.setToolTip(
            self.tr("Attach images or text files (or paste or drop them here)")
        )
        self.attach_button.setAccessibleName(self.tr("Attach files"))
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
        for button in (self.attach_button, self.send_button, self.stop_button):
            button.setFixedSize(32, 32)
            button.setIconSize(QSize(18, 18))
            button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.stop_button.hide()
        column = QVBoxLayout(self)
        column.setContentsMargins(6, 4, 6, 4)
        column.setSpacing(4)
        column.addWidget(self.attachments)
        row = QHBoxLayout()
        row.setSpacing(6)
        column.addLayout(row)
        row.addWidget(self.attach_button, 0, Qt.AlignmentFlag.AlignBottom)
        row.addWidget(self.composer, 1)
        row.addWidget(self.send_button, 0, Qt.AlignmentFlag.AlignBottom)
        row.addWidget(self.stop_button, 0, Qt.AlignmentFlag.AlignBottom)
        self.attach_button.clicked.connect(self.attachments.choose_files)
        self.composer.filesGiven.connect(self.attachments.add_paths)
        self.composer.imageGiven.connect(self.attachments.add_data)


def hint_label(text: str) -> QLabel:
    """The small centred line under the composer that lists its keys (items joined by " · ").

    In a narrow pane it wraps between its items, never inside one (``item_line``)."""
    hint = QLabel(whole_items(text))
    hint.setObjectName("composerHint")
    hint.setWordWrap(True)
    hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
    font = hint.font()
    font.setPointSizeF(max(7.0, font.pointSizeF() - 1))
    hint.setFont(font)
    return hint
