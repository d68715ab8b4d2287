"""Inside one long answer: only the pages near the screen hold a laid-out document.

Why: ``VirtualColumn`` releases whole messages far from the screen, but one huge answer is one
message, and each of its pages (a ``MessageBrowser`` of ~16k source characters) kept its
``QTextDocument`` and layout: a 4 MB answer held ~376 MB. Here a page farther from the screen
than ``KEEP_SCREENS`` viewport heights gives up its document: what it keeps is the renderer's
HTML of its pieces (compressed), its plain text (for find) and its height, which it holds as a
fixed height so nothing around it moves. Within ``BUILD_SCREENS`` it is built again by the
steps that built it (``page_document.replay``): the same text, formats, code numbers
(``copy:`` links) and height. The thresholds and the "is it near" test are ``VirtualColumn``'s.
"""

from __future__ import annotations

import bisect
import time
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QScrollArea, QWidget

from .message_browser import MessageBrowser
from .page_document import MovedLine, PageLog, replay
from .virtual_column import BUILD_SCREENS, KEEP_SCREENS, Band, band, outside

if TYPE_CHECKING:
    from . import markdown as md


@dataclass
class _Released:
    html: bytes  # the pieces' HTML as rendered, NUL-separated, zlib-compressed (~10x smaller)
    text: str  # the page's plain text: find searches it without a rebuild
    top_margin: float  # the root frame's top margin (``space_pages``)


class PageKeeper:
    """Releases and rebuilds the pages of one answer (the caller says which are pinned).

    The answer tells it how each page is built (``appended``, ``moved``); a page is rebuilt by
    the same steps (``page_document.replay``): no ``toHtml`` on release (~7 ms a page) and
    the renderer's HTML, ~5x shorter than Qt's, to parse again.
    """

    def __init__(self) -> None:
        self._logs: dict[int, PageLog] = {}  # by id() of the page widget
        self._released: dict[int, _Released] = {}
        self._rebuilding: dict[int, Iterator[None]] = {}  # released pages rebuilt in slices

    def appended(self, page: MessageBrowser, html: str, piece: md.Piece) -> None:
        self._logs.setdefault(id(page), PageLog()).pieces.append((html, piece))

    def moved(self, upper: MessageBrowser, lower: MessageBrowser, line: MovedLine) -> None:
        """``upper``'s last line began ``lower`` (``page_document.move_last_line``)."""
        self._logs.setdefault(id(upper), PageLog()).moved_out = line[2]
        self._logs.setdefault(id(lower), PageLog()).moved_in = line

    def is_released(self, page: MessageBrowser) -> bool:
        """Whether the page holds no document of its own (or one still being rebuilt)."""
        return id(page) in self._released

    def live_count(self, pages: Sequence[MessageBrowser]) -> int:
        """Pages holding a document with content (tests and the benchmark read it)."""
        return sum(1 for page in pages if not page.document().isEmpty())

    def text(self, page: MessageBrowser) -> str:
        """The page's plain text, released or not."""
        released = self._released.get(id(page))
        return released.text if released is not None else page.toPlainText()

    def first_with(self, pages: Sequence[MessageBrowser], query: str) -> MessageBrowser | None:
        """The first page whose text holds ``query`` (ignoring case), rebuilt if released."""
        needle = query.casefold()
        for page in pages:
            if needle in self.text(page).casefold():
                self.restore(page)
                return page
        return None

    def forget(self, pages: Sequence[MessageBrowser]) -> None:
        """Pages about to be deleted or rebuilt otherwise: nothing of theirs is kept."""
        for page in pages:
            for kept in (self._released, self._logs, self._rebuilding):
                kept.pop(id(page), None)

    def release(self, page: MessageBrowser) -> None:
        log = self._logs.get(id(page))
        if self._rebuilding.pop(id(page), None) is not None and log is not None:
            log.pieces = [("", piece) for _, piece in log.pieces]  # the release keeps the HTML
            page.document().clear()  # half rebuilt: back to nothing
            return
        if log is None or self.is_released(page) or page.document().isEmpty():
            return  # not built piece by piece (one whole render): kept
        document = page.document()
        html = "\0".join(html for html, _ in log.pieces)
        self._released[id(page)] = _Released(
            zlib.compress(html.encode(), 1),
            document.toPlainText(),
            document.rootFrame().frameFormat().topMargin(),
        )
        log.pieces = [("", piece) for _, piece in log.pieces]  # the HTML is in the release
        page.held_height = page.minimumHeight()  # what ``fit_height`` fixed it at
        document.clear()  # the content and its layout go; the widget keeps its height
        page.fit_height()

    def restore(self, page: MessageBrowser) -> None:
        """Rebuild a released page now, whole."""
        self._rebuild(page, None)

    def _rebuild(self, page: MessageBrowser, deadline: float | None) -> bool:
        """Rebuild a released page until ``deadline`` (``perf_counter``; None: whole); whether
        it is done. The page holds its height until then, so nothing moves meanwhile."""
        released = self._released.get(id(page))
        if released is None:
            return True
        steps = self._rebuilding.get(id(page))
        if steps is None:
            log = self._logs[id(page)]
            htmls = zlib.decompress(released.html).decode().split("\0")
            log.pieces = [(html, p) for html, (_, p) in zip(htmls, log.pieces, strict=True)]
            steps = self._rebuilding[id(page)] = replay(page.document(), log)
        for _ in steps:
            if deadline is not None and time.perf_counter() > deadline:
                return False
        del self._rebuilding[id(page)], self._released[id(page)]
        if released.top_margin:
            frame = page.document().rootFrame()
            frame_format = frame.frameFormat()
            frame_format.setTopMargin(released.top_margin)
            frame.setFrameFormat(frame_format)
        page.held_height = None
        page.fit_height()
        return True

    def update(
        self, pages: Sequence[MessageBrowser], pinned: int, scroll: QScrollArea, deadline: float
    ) -> tuple[bool, bool]:
        """Release the pages far from ``scroll``'s screen and rebuild the near ones (all but
        the last ``pinned``, which a stream still writes into): those on screen now, those in
        the margin until ``deadline``. Returns whether any changed, and whether work is left."""
        container = scroll.widget()
        if container is None or not pages:
            return False, False
        top = scroll.verticalScrollBar().value()
        screen = max(1, scroll.viewport().height())
        shown, near = band(top, screen, 0), band(top, screen, BUILD_SCREENS)
        keep = band(top, screen, KEEP_SCREENS)
        changed = left = False
        unpinned = pages[: max(0, len(pages) - pinned)]
        # Released pages near the screen, found by bisection (pages stack top to bottom):
        # per refresh, the work does not grow with the answer's length.
        first = bisect.bisect_left(
            range(len(unpinned)), near[0], key=lambda i: _extent(unpinned[i], container)[1]
        )
        for page in unpinned[first:]:
            where = _extent(page, container)
            if where[0] > near[1]:
                break
            if self.is_released(page) and page.isVisible():
                on_screen = not outside(where, shown)
                done = self._rebuild(page, None if on_screen else deadline)
                changed, left = changed or done, left or not done
        # Pages holding a document (or half of one) that are far now: a few, not all.
        for page in unpinned:
            whole = id(page) not in self._released
            if not (whole or id(page) in self._rebuilding) or not page.isVisible():
                continue
            if outside(_extent(page, container), keep):
                self.release(page)
                changed = changed or whole
        for page in pages[max(0, len(pages) - pinned) :]:
            if self.is_released(page):  # pinned again (e.g. after a re-render)
                self.restore(page)
                changed = True
        return changed, left


def _extent(page: MessageBrowser, container: QWidget) -> Band:
    top = page.mapTo(container, QPoint(0, 0)).y()
    return (top, top + page.height())
