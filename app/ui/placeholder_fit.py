"""PlaceholderFit: a line edit never narrower than its placeholder.

Where the placeholder is the only hint of what goes in a field (an example address, "optional"),
a layout that squeezes the field cuts it: the Russian texts are a third longer than the English
ones. Shared (imports no window).
"""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QLineEdit, QStyle, QStyleOptionFrame

CURSOR = 1  # px Qt keeps for the text cursor after the text
MARGIN = 2  # px QLineEdit keeps either side of its text


class PlaceholderFit(QLineEdit):
    """Its least width fits its placeholder, in whatever language that is."""

    def setPlaceholderText(self, text: str) -> None:  # noqa: N802 - Qt override
        super().setPlaceholderText(text)
        self.updateGeometry()  # a language switch changes it: the dialog's layout follows

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        hint = super().minimumSizeHint()
        option = QStyleOptionFrame()
        self.initStyleOption(option)
        margins = self.textMargins()
        text = self.fontMetrics().horizontalAdvance(self.placeholderText())
        room = QSize(text + margins.left() + margins.right() + 2 * MARGIN + CURSOR, hint.height())
        fitting = self.style().sizeFromContents(QStyle.ContentsType.CT_LineEdit, option, room, self)
        return QSize(max(hint.width(), fitting.width()), hint.height())
