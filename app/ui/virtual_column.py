"""A scrolling column whose rows exist as widgets only near the viewport.

Why: a conversation of hundreds of long answers kept every bubble, with its laid-out rich text,
alive (~2.4 MB per 20 KB answer) and reopening one built them all. Here each row is either
built (a layout holding its widgets) or a spacer of the row's last measured height (or an
estimate before it was ever built). Rows within ``BUILD_SCREENS`` viewport heights of what is
shown are built; rows farther than ``KEEP_SCREENS`` are released (the owner keeps their source
text), so memory and work follow the screen, not the conversation.

What the user looks at stays put while heights change (an estimate replaced by the real
height, a row above growing): unless the view follows the bottom, the first row on screen and
its offset are remembered and restored after every change of the content's height.
"""

from __future__ import annotations

import bisect
import time
from typing import Protocol

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer
from PySide6.QtWidgets import (
    QLayout,
    QLayoutItem,
    QScrollArea,
    QSizePolicy,
    QSpacerItem,
    QVBoxLayout,
)

BUILD_SCREENS = 1.0  # rows this many viewport heights above or below the screen are built...
KEEP_SCREENS = 2.5  # ...and released once farther than this (the gap avoids churn)
MARGIN_BUDGET_MS = 10  # per refresh, for rows in the margin (those on screen are built anyway)
SETTLE_PASSES = 6  # real heights replace estimates: a few passes until the screen is filled


Band = tuple[float, float]  # from, to: pixels down the column


def band(top: int, screen: int, screens: float) -> Band:
    """The screen (at ``top``, ``screen`` pixels high) and ``screens`` heights of it each side."""
    return (top - screens * screen, top + screen + screens * screen)


def outside(extent: Band, where: Band) -> bool:
    """Whether something spanning ``extent`` lies wholly outside ``where``."""
    return extent[1] < where[0] or extent[0] > where[1]


class RowSource(Protocol):
    """What the column asks its owner (the chat view) about row ``index``."""

    def build_row(self, index: int) -> QLayout: ...

    def release_row(self, index: int, row: QLayout, height: int) -> None: ...

    def estimate_height(self, index: int, width: int) -> int: ...

    def is_pinned(self, index: int) -> bool: ...

    def is_following(self) -> bool: ...

    def update_inside(self, index: int, deadline: float) -> tuple[bool, bool]:
        """Release or rebuild what built row ``index`` holds by where it is (a long answer's
        pages; in the margin until ``deadline``): whether anything changed, and work is left."""
        ...


class VirtualColumn(QObject):
    """The rows of ``layout`` (the scroll area's widget's column, ending in a stretch)."""

    def __init__(self, scroll: QScrollArea, layout: QVBoxLayout, source: RowSource) -> None:
        super().__init__(scroll)
        self._scroll = scroll
        self._viewport = scroll.viewport()
        self._layout = layout
        self._source = source
        self._items: list[QLayoutItem] = []  # a built row's layout, or a spacer
        self._built: set[int] = set()
        self._anchor: tuple[int, int] | None = None  # (row, pixels of it above the screen)
        self._refreshing = False
        self._deadline = 0.0  # building rows in the margin stops at this perf_counter()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.refresh)
        bar = scroll.verticalScrollBar()
        bar.valueChanged.connect(self._on_scrolled)
        bar.rangeChanged.connect(self._on_range_changed)
        if (container := scroll.widget()) is not None:
            container.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        """A row changed height (the column is laid out again before filters see the event):
        put the scroll position right in the same event, before anything is painted."""
        if event.type() == QEvent.Type.LayoutRequest and not self._refreshing:
            self._refreshing = True
            try:
                QCoreApplication.sendEvent(self._scroll, QEvent(QEvent.Type.LayoutRequest))
                self._keep_position()
            finally:
                self._refreshing = False
            self.schedule()
        return False

    # -- rows --------------------------------------------------------------------------------
    def count(self) -> int:
        return len(self._items)

    def append(self) -> int:
        """A new row at the end, not built yet (``refresh`` builds it if it is near)."""
        index = len(self._items)
        spacer = self._spacer(self._source.estimate_height(index, self._width()))
        self._layout.insertItem(index, spacer)
        self._items.append(spacer)
        self.schedule()
        return index

    def remove_from(self, index: int) -> None:
        """Drop rows ``index`` and after (their widgets are released to the owner first)."""
        for row in range(len(self._items) - 1, index - 1, -1):
            if row in self._built:
                self._release(row)
            self._layout.takeAt(row)
        del self._items[index:]
        if self._anchor is not None and self._anchor[0] >= index:
            self._anchor = None
        self.schedule()

    def is_built(self, index: int) -> bool:
        return index in self._built

    def built(self) -> list[int]:
        return sorted(self._built)

    def ensure_built(self, index: int) -> QLayout:
        """Row ``index`` as widgets now (e.g. a bubble the caller is about to use)."""
        if index not in self._built:
            self._build(index)
        item = self._items[index]
        assert isinstance(item, QLayout)
        return item

    def row_top(self, index: int) -> int:
        self._activate()
        return self._items[index].geometry().top()

    def scroll_to(self, index: int, offset: int = 0) -> None:
        """Put row ``index`` (``offset`` pixels into it) at the top of the screen, built."""
        self._anchor = (index, offset)
        self._restore_anchor()
        self.refresh()

    # -- keeping the screen filled -------------------------------------------------------------
    def schedule(self) -> None:
        """Refresh once control returns to the event loop (many changes, one pass)."""
        if not self._timer.isActive():
            self._timer.start()

    def refresh(self) -> None:
        """Build the rows near the screen, release the far ones, keep the screen still."""
        if self._refreshing:
            return
        self._timer.stop()
        self._refreshing = True
        self._deadline = time.perf_counter() + MARGIN_BUDGET_MS / 1000
        try:
            self._activate()
            self._keep_position()
            for _ in range(SETTLE_PASSES):
                if not self._update_rows():
                    break
                self._activate()
                self._keep_position()
                self._activate()
        finally:
            self._refreshing = False
        self._remember_anchor()

    def _update_rows(self) -> bool:
        top = self._scroll.verticalScrollBar().value()
        screen = max(1, self._viewport.height())
        near, keep = band(top, screen, BUILD_SCREENS), band(top, screen, KEEP_SCREENS)
        changed = False
        for index in sorted(self._built):
            rect = self._items[index].geometry()
            far = outside((rect.top(), rect.bottom()), keep)
            if far and not self._source.is_pinned(index):
                self._release(index)
                changed = True
            else:
                inside, left = self._source.update_inside(index, self._deadline)
                changed = changed or inside
                if left:
                    self.schedule()  # the rest after the event loop has painted
        first = bisect.bisect_left(
            range(len(self._items)), near[0], key=lambda i: self._items[i].geometry().bottom()
        )
        wanted: list[tuple[float, int]] = []  # (distance from the screen, row) not built yet
        for index in range(first, len(self._items)):
            rect = self._items[index].geometry()
            if rect.top() > near[1]:
                break
            if index not in self._built:
                wanted.append((max(0, rect.top() - top - screen, top - rect.bottom()), index))
        for distance, index in sorted(wanted):
            # On screen: now. In the margin: the nearest first, while this refresh's budget
            # lasts; the rest after the event loop has painted (scrolling never waits long).
            if distance > 0 and time.perf_counter() > self._deadline:
                self.schedule()
                break
            self._build(index)
            changed = True
        return changed

    def _build(self, index: int) -> None:
        row = self._source.build_row(index)
        self._layout.takeAt(index)
        self._layout.insertLayout(index, row)
        self._items[index] = row
        self._built.add(index)
        for position in range(row.count()):  # shown now, not when the layout gets round to it
            widget = row.itemAt(position).widget()
            if widget is not None:
                widget.show()

    def _release(self, index: int) -> None:
        row = self._items[index]
        assert isinstance(row, QLayout)
        height = row.geometry().height()
        self._built.discard(index)
        self._layout.takeAt(index)
        spacer = self._spacer(height)
        self._layout.insertItem(index, spacer)
        self._items[index] = spacer
        self._source.release_row(index, row, height)

    def _spacer(self, height: int) -> QSpacerItem:
        return QSpacerItem(0, max(0, height), *_FIXED)

    def _width(self) -> int:
        return self._viewport.width()

    def _activate(self) -> None:
        """Lay the column out now (and let the scroll area update its range), not later."""
        container = self._scroll.widget()
        if container is not None:  # the column's sizes, then the scroll area sizes the column
            QCoreApplication.sendEvent(container, QEvent(QEvent.Type.LayoutRequest))
            QCoreApplication.sendEvent(self._scroll, QEvent(QEvent.Type.LayoutRequest))

    # -- the position --------------------------------------------------------------------------
    def _remember_anchor(self) -> None:
        if not self._items or self._source.is_following():
            self._anchor = None
            return
        top = self._scroll.verticalScrollBar().value()
        index = bisect.bisect_right(
            range(len(self._items)), top, key=lambda i: self._items[i].geometry().bottom()
        )
        index = min(index, len(self._items) - 1)
        self._anchor = (index, top - self._items[index].geometry().top())

    def _restore_anchor(self) -> None:
        if self._anchor is None or self._anchor[0] >= len(self._items):
            return
        self._activate()
        index, offset = self._anchor
        bar = self._scroll.verticalScrollBar()
        bar.setValue(self._items[index].geometry().top() + offset)

    def _keep_position(self) -> None:
        bar = self._scroll.verticalScrollBar()
        if self._source.is_following():
            bar.setValue(bar.maximum())
        else:
            self._restore_anchor()

    def _on_scrolled(self, _value: int) -> None:
        if self._refreshing:
            return
        self._remember_anchor()  # where the user went is what to keep from now on
        self.refresh()

    def _on_range_changed(self, _minimum: int, _maximum: int) -> None:
        if self._refreshing:
            return
        self._keep_position()
        self.schedule()


_FIXED = (QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)
