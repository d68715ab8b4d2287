"""Opens the window's history without freezing it.

Opening is quick, except once after an update: a schema migration or a rebuild of the search
index takes seconds on a large history (about 15 s at 100k messages). Then the work runs on a
worker thread with its own connection (``history.upgrade``), ``updating`` tells the panel to say
so, and the store is opened on the GUI thread afterwards (``History`` is used from the thread
that opened it). ``opened(history, error)`` carries the result: a ``History``, or None and why.
It owns what it opened (the history and the attachment store beside it) until ``close``.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from typing import Any

from PySide6.QtCore import QObject, Signal

from app.core import history as store
from app.core.attachments import AttachmentStore
from app.core.history import HistoryError

from .tasks import spawn


class HistoryOpener(QObject):
    """``updating()`` before a slow open starts; ``opened(History | None, error text)``."""

    updating = Signal()
    opened = Signal(object, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.task: asyncio.Task[Any] | None = None  # the upgrade running (tests await it)
        self.history: store.History | None = None
        self.files: AttachmentStore | None = None  # attachments, beside the history

    def open(self) -> None:
        """Open now, or upgrade in the background first (``opened`` comes later then)."""
        try:
            slow = store.needs_upgrade()
        except OSError:
            slow = False  # History() says what is wrong with the folder
        if not slow:
            self._open()
            return
        self.updating.emit()
        self.task = spawn(self._upgrade(), name="history upgrade")

    def pending(self) -> bool:
        """An upgrade runs: the history exists, but is not open yet."""
        return self.task is not None and not self.task.done()

    def cancel(self) -> None:
        if self.pending() and self.task is not None:
            self.task.cancel()  # the thread ends its transaction; nothing is opened

    async def _upgrade(self) -> None:
        with contextlib.suppress(HistoryError, OSError):  # opening it below reports the error
            await asyncio.to_thread(store.upgrade)
        self._open()

    def _open(self) -> None:
        try:
            opened: store.History | None = store.History()
            assert opened is not None
            self.files = AttachmentStore.for_history(opened)
        except HistoryError as error:
            opened, reason = None, self.tr("History is off: {error}").format(error=error)
        except (OSError, sqlite3.Error) as error:
            reason = self.tr("History is off: its folder cannot be used ({error}).")
            opened, reason = None, reason.format(error=error)
        else:
            reason = ""
        self.history = opened
        self.opened.emit(opened, reason)

    def close(self, after: asyncio.Task[Any] | None = None) -> None:
        """Close what was opened, once ``after`` (an answer saving its end) is done."""
        history, files, self.history, self.files = self.history, self.files, None, None

        def close() -> None:
            if history is not None:
                history.close()
            if files is not None:
                files.close()

        if after is not None and not after.done():
            after.add_done_callback(lambda _task: close())
        else:
            close()
