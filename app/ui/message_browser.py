"""The read-only rich text of a message: grows to fit its document, fetches nothing.

Model output is untrusted: ``loadResource`` refuses any resource that is not inline ``data:``
(a remote image would tell a server that the answer was read).
"""

from __future__ import annotations

import math
from typing import Any

from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import QFrame, QSizePolicy, QTextBrowser, QWidget


class MessageBrowser(QTextBrowser):
    """Read-only rich text that grows to fit its document and never fetches anything."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.DefaultContextMenu)
        # The margin beside the text, not above and below it: pages of one answer (and its
        # live tail) stack without a gap, so a block cut across two of them looks whole.
        self.document().setDocumentMargin(0)
        self.setViewportMargins(2, 0, 2, 0)
        self.document().setUndoRedoEnabled(False)  # read-only: an undo stack only costs memory
        self.document().setIndentWidth(18)  # Qt's 40 px list indent looks lost in a bubble
        self.document().documentLayout().documentSizeChanged.connect(self.fit_height)
        self.highlighted.connect(lambda url: self.setToolTip(url.toString()))
        self.blocked_requests = 0  # resources refused so far (tests read it)
        self.held_height: int | None = None  # kept while the document is released (PageKeeper)
        self.fit_height()

    def loadResource(self, kind: int, name: QUrl | str) -> Any:  # noqa: N802 - Qt override
        """Only inline ``data:`` resources; a remote image would report that the answer was read."""
        if QUrl(name).scheme() == "data":
            return super().loadResource(kind, name)
        self.blocked_requests += 1
        return None

    def fit_height(self, *_: object) -> None:
        """The document's height, or the one held while the document is released."""
        height = self.held_height
        if height is None:
            height = math.ceil(self.document().size().height()) + 2 * self.frameWidth()
        if height != self.minimumHeight() or height != self.maximumHeight():
            self.setFixedHeight(height)  # min = max: the layout gives exactly the document's height
