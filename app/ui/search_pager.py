"""The history panel's search, a page at a time, on the history's worker thread.

It owns the ``SearchWorker`` (its own connection, its own thread), which search is still
wanted (a newer one makes older results stale: they are dropped, never shown) and where the
next page starts. Results come back on the GUI thread as ``pageReady``/``failed``.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal

from app.core.history import SearchWorker
from app.core.history_search import SearchHit

if TYPE_CHECKING:
    from concurrent.futures import Future

SEARCH_PAGE = 50  # conversations shown per page of search results
# Private-use characters around matched words in snippets: they cannot be confused with the
# message's own text, and the snippet is drawn as plain text (never as HTML).
MARK_START, MARK_END = "\ue000", "\ue001"


class SearchPager(QObject):
    """``pageReady(hits, more, appending)``; ``failed(message, appending)``."""

    pageReady = Signal(object, bool, bool)  # noqa: N815 - Qt signal naming
    failed = Signal(str, bool)
    _done = Signal(int, object)  # from the worker thread: generation, future

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._worker: SearchWorker | None = None
        self._generation = 0  # which search's results are wanted
        self._offset = 0  # where the page asked for starts (0: a new search)
        self.shown = 0  # hits shown so far (the next page's offset)
        self._done.connect(self._finished, Qt.ConnectionType.QueuedConnection)

    def set_path(self, path: Path | None) -> None:
        """Search the history at ``path`` from now on (None: no search)."""
        self.close()
        self._worker = SearchWorker(path) if path is not None else None

    def available(self) -> bool:
        return self._worker is not None

    def cancel(self) -> None:
        """Results of the search still running are no longer wanted."""
        self._generation += 1

    def search(self, query: str) -> None:
        """The first page of ``query``."""
        self._ask(query, 0)

    def more(self, query: str) -> None:
        """The page after those shown."""
        self._ask(query, self.shown)

    def close(self) -> None:
        """Stop the worker thread (the window is closing, or another history comes)."""
        self.cancel()
        worker, self._worker = self._worker, None
        if worker is not None:
            worker.close()

    def _ask(self, query: str, offset: int) -> None:
        if self._worker is None:
            return
        self.cancel()
        generation = self._generation
        self._offset = offset
        # One more than a page: whether there is a next page is known without asking again.
        future = self._worker.search(query, SEARCH_PAGE + 1, offset, marks=(MARK_START, MARK_END))
        future.add_done_callback(lambda done: self._hand_over(generation, done))

    def _hand_over(self, generation: int, future: Future[list[SearchHit]]) -> None:
        """On the worker thread: hand the result to the GUI thread."""
        with contextlib.suppress(RuntimeError):  # the panel is gone already
            self._done.emit(generation, future)

    def _finished(self, generation: int, future: Future[list[SearchHit]]) -> None:
        if generation != self._generation:
            return  # a newer search (or none) is wanted
        appending = self._offset > 0
        error = future.exception()
        if error is not None:
            self.failed.emit(str(error), appending)
            return
        hits = future.result()
        self.shown = self._offset + min(len(hits), SEARCH_PAGE)
        self.pageReady.emit(hits[:SEARCH_PAGE], len(hits) > SEARCH_PAGE, appending)
