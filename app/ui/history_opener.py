"""Opens the window's history without freezing it.

Opening is quick, except once after an update: a schema migration or a rebuild of the search
index takes seconds on a large history (about 15 s at 100k messages). Then the work runs on a
worker thread with its own connection (``history.upgrade``), ``updating`` tells the panel to say
so, and the store is opened on the GUI thread afterwards (``History`` is used from the thread
that opened it). A large file's integrity check (``PRAGMA quick_check`` reads all of it) runs
the same way (``history.check``), so the window paints before it ends; nothing is written to
the file before it passes. ``opened(history, error)`` carries the result: a ``History``, or
None and why.
It owns what it opened (the history and the attachment store beside it) until ``close``.

A new history (the first start) is created ahead: ``create_ahead``, called by ``application``
before the window is built, writes the file and its schema on a worker thread, so the disk's
syncs for it (SQLite waits for them: ~5 ms on a quiet disk, 35-60 ms measured while other jobs
wrote to it) overlap the window's build; ``open`` waits for that thread first, then opens the
file as an existing one.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from app.core import history as store
from app.core.attachments import AttachmentStore
from app.core.history import HistoryError
from providers.lazy import lazy_module

from .tasks import spawn

if TYPE_CHECKING:  # loaded with the app's loop, after the window's first paint (``tasks``)
    import asyncio
else:
    asyncio = lazy_module("asyncio")

#: New history files being created by ``create_ahead``, by path; ``open`` waits for them.
_creating: dict[Path, threading.Thread] = {}


def create_ahead(path: Path | None = None) -> None:
    """Start creating the history at ``path`` (default: the user's) on a worker thread if there
    is no file there yet. Anything that goes wrong is left for ``HistoryOpener.open`` to meet
    again and say (it opens the file the usual way once the thread has ended)."""
    path = path if path is not None else store.default_path()
    try:
        if path in _creating or path.exists():
            return
    except OSError:  # e.g. a folder the user may not search (made by ``sudo roundtable``)
        return
    thread = threading.Thread(target=_create, args=(path,), name="history-create", daemon=True)
    _creating[path] = thread
    thread.start()


def _create(path: Path) -> None:
    with contextlib.suppress(HistoryError, OSError, sqlite3.Error):
        store.History(path).close()  # the file, its schema, WAL mode; closing checkpoints


def _wait_for_creation(path: Path) -> None:
    thread = _creating.pop(path, None)
    if thread is not None:
        thread.join()


class HistoryOpener(QObject):
    """``updating(kind)`` before a slow open starts ("upgrade" or "check");
    ``opened(History | None, error text)``."""

    updating = Signal(str)
    opened = Signal(object, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.task: asyncio.Task[Any] | None = None  # the upgrade running (tests await it)
        self.history: store.History | None = None
        self.files: AttachmentStore | None = None  # attachments, beside the history

    def open(self) -> None:
        """Open now, or upgrade or check in the background first (``opened`` comes later)."""
        _wait_for_creation(store.default_path())  # a new file created ahead: written by now
        try:
            slow = store.needs_upgrade()
        except OSError:
            slow = False  # History() says what is wrong with the folder
        if slow:
            self.updating.emit("upgrade")
            self.task = spawn(self._in_worker(store.upgrade), name="history upgrade")
        elif store.needs_check():
            self.updating.emit("check")
            self.task = spawn(self._in_worker(store.check), name="history check")
        else:
            self._open()

    def pending(self) -> bool:
        """An upgrade runs: the history exists, but is not open yet."""
        return self.task is not None and not self.task.done()

    def cancel(self) -> None:
        if self.pending() and self.task is not None:
            self.task.cancel()  # the thread ends its transaction; nothing is opened

    async def _in_worker(self, job: Callable[[], None]) -> None:
        """``job`` (upgrade or check: every check ``History()`` makes, on its own connection) on
        a worker thread, then open here without reading the whole file again."""
        try:
            await asyncio.to_thread(job)
        except (HistoryError, OSError, sqlite3.Error) as error:
            self._refused(error)  # nothing was written
        else:
            self._open(integrity_checked=True)

    def _open(self, *, integrity_checked: bool = False) -> None:
        try:
            opened = store.History(integrity_checked=integrity_checked)
            self.files = AttachmentStore.for_history(opened)
        except (HistoryError, OSError, sqlite3.Error) as error:
            self._refused(error)
            return
        self.history = opened
        self.opened.emit(opened, "")

    def _refused(self, error: Exception) -> None:
        if isinstance(error, HistoryError):
            reason = self.tr("History is off: {error}").format(error=error)
        else:
            reason = self.tr("History is off: its folder cannot be used ({error}).")
            reason = reason.format(error=error)
        self.history = None
        self.opened.emit(None, reason)

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
