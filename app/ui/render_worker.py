"""Finished pieces of a streamed answer rendered to HTML in a worker process, beside the GUI.

Why a process: Markdown and Pygments are pure Python, ~1.2 s a MB of mixed Markdown with code
(measured; about half of a piece's cost, Qt's parse and layout the rest), and PySide6 keeps
the GIL through Qt's own calls (``setHtml``, ``insertHtml``, layout), so a thread would only
take turns with the GUI thread. A process renders on another core while the GUI thread inserts
and lays out what came back. The worker runs the same ``MarkdownRenderer.render`` the GUI thread
would, so the HTML is the same; code blocks are numbered when the HTML is inserted
(``Rendered.numbered``).

Only a backlog goes there (``RenderQueue``): pieces a frame cannot render in its budget; what
fits renders on the GUI thread as before, and so does everything before the worker is up or
after it failed. Results are polled by the answer's flush (``Future.done``): nothing
crosses threads into Qt.
"""

from __future__ import annotations

import atexit
import multiprocessing
import multiprocessing.connection
import os
import threading
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice

from .markdown import MarkdownRenderer, Piece, Rendered, join_pieces, load_common_lexers
from .theme import Palette

GROUP_CHARS = 2_000  # finished pieces rendered (and inserted) together
IN_FLIGHT_CHARS = 32_000  # handed to the worker and not back yet, at most: ~30 ms of its work


class RenderWorker:
    """One worker process for every answer, started once (``start``) and reused."""

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None
        self._ready: Future[None] | None = None  # the worker has imported and warmed up
        self.failed = False

    def start(self) -> None:
        """Start the process (it imports and loads the lexers before taking pieces)."""
        if self._pool is not None or self.failed:
            return
        try:
            context = multiprocessing.get_context("spawn")  # never fork a Qt process
            self._pool = ProcessPoolExecutor(
                max_workers=1, mp_context=context, initializer=_end_with_parent
            )
            self._ready = self._pool.submit(_warm_up)
        except (OSError, RuntimeError):
            self.failed = True
            return
        atexit.register(self.stop)

    def available(self) -> bool:
        """Started, warmed up, and not failed."""
        ready = self._ready
        if self.failed or ready is None or not ready.done():
            return False
        if ready.cancelled() or ready.exception() is not None:
            self.failed = True
            return False
        return True

    def submit(self, palette: Palette, copy_label: str, piece: Piece) -> Future[Rendered] | None:
        """Render ``piece`` there (its code blocks numbered from 0), or None if it cannot (yet).

        The first backlog starts the worker: an app whose answers keep up never runs it (~80 MB,
        ~0.5 s of a core to start); until it is up, the GUI thread renders as before."""
        if self._pool is None:
            self.start()
        if self._pool is None or not self.available():
            return None
        try:
            return self._pool.submit(_render, palette, copy_label, piece)
        except RuntimeError:  # broken or shut down
            self.failed = True
            return None

    def stop(self) -> None:
        """Shut the process down (at exit); pieces render on the GUI thread from then on."""
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
            self.failed = True


_worker = RenderWorker()


def shared_worker() -> RenderWorker:
    """The application's render worker (not started until ``start``)."""
    return _worker


class RenderQueue:
    """An answer's finished pieces on their way into its pages, in order: rendered by the
    worker (``jobs``, always the earlier ones) or waiting for the GUI thread or the worker."""

    def __init__(self, worker: RenderWorker) -> None:
        self.worker = worker
        self.waiting: deque[Piece] = deque()
        self.jobs: deque[tuple[Piece, Future[Rendered]]] = deque()
        self._in_flight = 0  # source characters in ``jobs``
        self._group = 0  # waiting pieces in what ``peek`` returned

    def __bool__(self) -> bool:
        return bool(self.waiting or self.jobs)

    def pieces(self) -> list[Piece]:
        """Every piece not in the pages yet, in order."""
        return [piece for piece, _ in self.jobs] + list(self.waiting)

    def clear(self) -> list[Piece]:
        """Forget the work (the worker's results are dropped); returns its pieces, in order."""
        pieces = self.pieces()
        for _, future in self.jobs:
            future.cancel()
        self.jobs.clear()
        self.waiting.clear()
        self._in_flight = 0
        return pieces

    def peek(self) -> tuple[Piece, Rendered | None] | None:
        """The next piece in order: one the worker rendered, or waiting pieces to render here
        (about ``GROUP_CHARS``, None for HTML; also a job the worker failed). None while the
        worker is still at work on it, or if nothing is left. ``take`` consumes it."""
        if self.jobs:
            piece, future = self.jobs[0]
            if not future.done():
                return None
            if future.cancelled() or future.exception() is not None:
                self.worker.failed = True
                return piece, None
            return piece, future.result()
        if not self.waiting:
            return None
        self._group = self._group_size()
        return join_pieces(list(islice(self.waiting, self._group))), None

    def take(self) -> None:
        """Consume what ``peek`` returned."""
        if self.jobs:
            piece, _ = self.jobs.popleft()
            self._in_flight -= len(piece.source)
        else:
            for _ in range(self._group):
                self.waiting.popleft()

    def hand_over(self, palette: Palette, copy_label: str) -> None:
        """The waiting pieces to the worker, group by group, up to ``IN_FLIGHT_CHARS``."""
        while self.waiting and self._in_flight < IN_FLIGHT_CHARS:
            count = self._group_size()
            group = join_pieces(list(islice(self.waiting, count)))
            future = self.worker.submit(palette, copy_label, group)
            if future is None:
                return  # the GUI thread renders them after all
            for _ in range(count):
                self.waiting.popleft()
            self.jobs.append((group, future))
            self._in_flight += len(group.source)

    def _group_size(self) -> int:
        """How many waiting pieces make the next group: about ``GROUP_CHARS`` (at least one)."""
        count, size = 1, len(self.waiting[0].source)
        while count < len(self.waiting) and size + len(self.waiting[count].source) <= GROUP_CHARS:
            size += len(self.waiting[count].source)
            count += 1
        return count


def _end_with_parent() -> None:
    """In the worker: exit as soon as the app has gone, even killed (``kill -9``, a crash).

    The pool's pipes are open in the worker itself, so it would otherwise wait for work forever
    (~80 MB, an orphan for hours was seen)."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(0)

    threading.Thread(target=watch, name="end-with-parent", daemon=True).start()


def _warm_up() -> None:
    """In the worker: import what rendering needs and compile the common lexers now."""
    load_common_lexers()


_renderers: dict[Palette, MarkdownRenderer] = {}


def _render(palette: Palette, copy_label: str, piece: Piece) -> Rendered:
    """In the worker: ``piece`` as the GUI thread would render it, code numbered from 0."""
    renderer = _renderers.get(palette) or _renderers.setdefault(palette, MarkdownRenderer(palette))
    return renderer.render(
        piece.source,
        first_code_index=None,
        opens=piece.opens,
        closes=piece.closes,
        copy_label=copy_label,
    )
