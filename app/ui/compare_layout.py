"""Where the comparison's columns sit: side by side, in a grid, or one at a time in tabs.

Nothing is ever clipped: each column keeps its readable minimum width
(``compare_column.MIN_WIDTH``) and, when the window is narrower than the columns need, the row
(or grid) scrolls horizontally instead of squeezing them. The grid puts the columns in two rows
(from 5 columns on, the layout many columns read best in); tabs show one column at a time at
the window's full width. The widget only places the columns: it never owns their state.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QScrollArea,
    QStackedLayout,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

Mode = Literal["row", "grid", "tabs"]
MODES: tuple[Mode, ...] = ("row", "grid", "tabs")
SPACING = 8
GRID_MIN_HEIGHT = 320  # px per grid row: below it the grid scrolls vertically too


class ColumnsArea(QWidget):
    """Shows the given column widgets in the chosen layout."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("compareColumns")
        self.mode: Mode = "row"
        self.widgets: list[QWidget] = []
        self.scroll = QScrollArea()
        self.scroll.setObjectName("compareScroll")
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("compareTabs")
        self.tabs.setDocumentMode(True)
        self._stack = QStackedLayout()
        self._stack.addWidget(self.scroll)
        self._stack.addWidget(self.tabs)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(10, 10, 10, 4)
        outer.addLayout(self._stack)
        self._host: QWidget | None = None

    def set_columns(self, widgets: Sequence[QWidget], titles: Sequence[str] = ()) -> None:
        """Place ``widgets`` (left to right) in the current layout."""
        self.widgets = list(widgets)
        self._place(list(titles))

    def set_mode(self, mode: Mode, titles: Sequence[str] = ()) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown layout {mode!r}")
        self.mode = mode
        self._place(list(titles))

    def set_titles(self, titles: Sequence[str]) -> None:
        """The tabs' titles (a column's provider and model, or its letter while blind)."""
        for index, title in enumerate(titles):
            if index < self.tabs.count():
                self.tabs.setTabText(index, title)

    def grid_shape(self) -> tuple[int, int]:
        """(rows, columns) of the grid for the current number of columns."""
        count = len(self.widgets)
        rows = 2 if count > 4 else 1
        return rows, math.ceil(count / rows) if count else 0

    def _detach(self) -> None:
        """Take the columns out of wherever they are (without deleting them)."""
        while self.tabs.count():
            self.tabs.removeTab(0)
        for widget in self.widgets:
            widget.setParent(None)
        if self._host is not None:
            self.scroll.takeWidget()
            self._host.deleteLater()
            self._host = None

    def _place(self, titles: list[str]) -> None:
        self._detach()
        if self.mode == "tabs":
            for index, widget in enumerate(self.widgets):
                title = titles[index] if index < len(titles) else str(index + 1)
                self.tabs.addTab(widget, title)
                widget.show()
            self._stack.setCurrentWidget(self.tabs)
            return
        host = QWidget()
        host.setObjectName("compareColumnsHost")
        if self.mode == "grid":
            grid = QGridLayout(host)
            grid.setContentsMargins(0, 0, 0, 0)
            grid.setSpacing(SPACING)
            rows, columns = self.grid_shape()
            for index, widget in enumerate(self.widgets):
                grid.addWidget(widget, index // columns, index % columns)
            for row in range(rows):
                grid.setRowStretch(row, 1)
                grid.setRowMinimumHeight(row, GRID_MIN_HEIGHT)
            for column in range(columns):
                grid.setColumnStretch(column, 1)
        else:
            row_layout = QHBoxLayout(host)
            row_layout.setContentsMargins(0, 0, 0, 0)
            row_layout.setSpacing(SPACING)
            for widget in self.widgets:
                row_layout.addWidget(widget, 1)
        for widget in self.widgets:
            widget.show()
        self._host = host
        self.scroll.setWidget(host)
        self._stack.setCurrentWidget(self.scroll)

    def show_column(self, widget: QWidget) -> None:
        """Bring ``widget`` into view (its tab, or scroll to it)."""
        if self.mode == "tabs":
            self.tabs.setCurrentWidget(widget)
        else:
            self.scroll.ensureWidgetVisible(widget, 0, 0)


def fit_to_screen(window: QWidget) -> None:
    """Keep the whole of ``window`` on the screen it opens on (made smaller when needed)."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        return
    available = screen.availableGeometry()
    frame = window.frameGeometry()
    extra = QSize(frame.width() - window.width(), frame.height() - window.height())
    size = window.size().boundedTo(available.size() - extra)
    window.resize(size)
    rect = QRect(frame.topLeft(), size + extra)
    left = min(max(rect.left(), available.left()), available.right() - rect.width() + 1)
    top = min(max(rect.top(), available.top()), available.bottom() - rect.height() + 1)
    window.move(left, top)
