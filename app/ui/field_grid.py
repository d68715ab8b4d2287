"""FieldGrid: the parameter form's rows, label beside its field, or above it when narrow.

Side by side, a row needs its longest label word, its field's placeholder ("по умолч. medium")
and its reset button: in Russian more than a comparison column (or the narrowest side panel)
has, and the form was cut on the right. Below that width each label goes on its own line
above its field, so the form reflows instead; its least width is that of the stacked form.
"""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QGridLayout, QWidget

SPACING = 8  # px between a label, its field and its reset button
ROW_SPACING = 6  # px between rows


def least_width(widget: QWidget) -> int:
    return max(widget.minimumWidth(), widget.minimumSizeHint().width())


class FieldGrid(QWidget):
    """Rows of (label, editor, reset button, message under the editor)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[tuple[QWidget, QWidget, QWidget, QWidget]] = []
        self.stacked = False
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setHorizontalSpacing(SPACING)
        self._grid.setVerticalSpacing(ROW_SPACING)
        self._grid.setColumnStretch(1, 1)

    def add_row(self, label: QWidget, editor: QWidget, reset: QWidget, message: QWidget) -> None:
        self.rows.append((label, editor, reset, message))
        self._place(len(self.rows) - 1)

    def clear(self) -> None:
        """Take every row's widgets out of the grid (the caller deletes them)."""
        for row in self.rows:
            for widget in row:
                self._grid.removeWidget(widget)
        self.rows = []

    def side_by_side_width(self) -> int:
        """The least width at which every label fits beside its field."""
        if not self.rows:
            return 0
        labels = max(least_width(label) for label, _, _, _ in self.rows)
        editors = max(least_width(editor) for _, editor, _, _ in self.rows)
        resets = max(least_width(reset) for _, _, reset, _ in self.rows)
        return labels + editors + resets + 2 * SPACING

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        """The stacked form's width: narrower than that nothing fits either way."""
        height = super().minimumSizeHint().height()
        if not self.rows:
            return QSize(0, height)
        width = max(
            max(least_width(label), least_width(editor) + SPACING + least_width(reset))
            for label, editor, reset, _ in self.rows
        )
        return QSize(width, height)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        stacked = event.size().width() < self.side_by_side_width()
        if stacked != self.stacked:
            self.stacked = stacked
            for index in range(len(self.rows)):
                self._place(index)
        super().resizeEvent(event)

    def _place(self, index: int) -> None:
        """Three grid rows per field; a row left empty takes neither room nor spacing."""
        label, editor, reset, message = self.rows[index]
        for widget in (label, editor, reset, message):
            self._grid.removeWidget(widget)
        row = 3 * index
        if self.stacked:
            self._grid.addWidget(label, row, 0, 1, 3)
            self._grid.addWidget(editor, row + 1, 0, 1, 2)
            self._grid.addWidget(reset, row + 1, 2)
            self._grid.addWidget(message, row + 2, 0, 1, 3)
        else:
            self._grid.addWidget(label, row, 0)
            self._grid.addWidget(editor, row, 1)
            self._grid.addWidget(reset, row, 2)
            self._grid.addWidget(message, row + 1, 1, 1, 2)
