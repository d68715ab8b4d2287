"""The main window's side panels in a narrow window: the history list folds away, and back.

At 800 px the three columns (history, conversation, parameters) leave the conversation too
little room. While the window is narrower than ``NARROW_WIDTH`` the history list is folded away
(its View menu item and Ctrl+H bring it back at once: the panels' minimum widths still fit in
800 px); it unfolds when the window is wide again. Folding is not the user's choice, so it is
not saved: ``folding`` tells the window not to remember it.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QSplitter, QWidget

NARROW_WIDTH = 1000
#: In a narrow window the parameters take at most this share of it (never below their minimum):
#: at 800 px enough for each label beside its field in English and Russian.
SIDE_SHARE = 0.39


class PanelFit(QObject):
    """Watches ``window``'s width; folds ``panel`` (shown by the checkable ``action``)."""

    def __init__(
        self, window: QWidget, panel: QWidget, action: QAction, splitter: QSplitter
    ) -> None:
        super().__init__(window)
        self.window = window
        self.panel = panel
        self.action = action
        self.splitter = splitter
        self.folded = False  # folded by us (not by the user): unfold when wide again
        self.folding = False  # set while we change the action: not a choice to remember
        action.toggled.connect(self._toggled)
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is self.window and event.type() == QEvent.Type.Resize:
            self.fit(self.window.width())
        return False

    def fit(self, width: int) -> None:
        narrow = width < NARROW_WIDTH
        if narrow and self.action.isChecked() and not self.folded:
            self._set(False)
            self.folded = True
        elif not narrow and self.folded:
            self._set(True)
        if narrow:
            self._narrow_side(width)

    def _narrow_side(self, width: int) -> None:
        """The conversation keeps most of a narrow window: the last column (parameters) gives
        way down to its minimum width."""
        sizes = self.splitter.sizes()
        last = self.splitter.widget(self.splitter.count() - 1)
        if len(sizes) < 2 or last is None or not last.isVisible():
            return
        least = max(last.minimumWidth(), last.minimumSizeHint().width())
        cap = max(least, int(width * SIDE_SHARE))
        if sizes[-1] > cap:
            sizes[-2] += sizes[-1] - cap
            sizes[-1] = cap
            self.splitter.setSizes(sizes)

    def _set(self, shown: bool) -> None:
        self.folding = True
        try:
            self.action.setChecked(shown)
        finally:
            self.folding = False

    def _toggled(self, _shown: bool) -> None:
        if not self.folding:
            self.folded = False  # the user chose: leave the panel as they set it
