"""The conversation: user and assistant bubbles in a scroll area that follows the newest text.

Streaming contract (docs/architecture.md, "Streaming into the UI"): ``append_text`` only stores the
chunk and pokes a per-answer ``Throttle``; at most once per frame (16 ms) the answer's flush moves
finished pieces of Markdown (found by ``markdown.PieceSplitter``) into the rendered pages, each
rendered exactly once, and re-renders only the open tail. Nothing per chunk or per frame depends on
the answer's total length, whatever its shape:
- the tail stays short: a block still open after ``markdown.CUT_CHARS`` (one huge paragraph,
  list, table or code block without a blank line) is cut into pieces (``markdown.find_cut``)
  that render as one block (``markdown.Seam``: no margin between them, one numbering, the same
  table columns, one code box); a paragraph goes on in the same text block, and where it is
  too long for that (``MERGE_CHARS``) or reaches a new page it is broken where it wraps;
- pieces are appended so that the pages look exactly like one document of the whole answer
  (``_append_html``, ``_space_pages``): measured pixel-identical for lists, paragraphs and
  mixed answers of 60 KB;
- long answers are spread over "pages" (one QTextBrowser per ~16k characters), because
  appending HTML to a QTextDocument gets slower as the document grows (measured: 4 KB of
  Markdown ~6 ms to append to an empty page, ~12 ms to a 150 KB one);
- a flush cuts and renders finished pieces for at most ``FLUSH_BUDGET_MS`` and leaves the rest
  for the next one, 8 ms later, so a burst (or the end of a long answer, or a theme change)
  never freezes the window for more than about one budget;
- what a flush cannot render in its budget (a backlog: a stream faster than this thread renders)
  goes to the render worker, a process on another core (``render_worker``); the flush then only
  inserts and lays out the HTML that came back, in order (measured: Markdown + Pygments are ~45 %
  of a piece's cost, Qt's parse and layout the rest);
- answers up to 16k characters get one final render of the whole text at the end (exact
  CommonMark, one document to select in); longer ones keep their piece-by-piece render.

A conversation costs what the screen shows: ``ChatView`` keeps each message's source (a
``_Message``) and ``VirtualColumn`` gives widgets only to those within a screen of the viewport;
a far one is released (its height kept) and rebuilt with one render when it comes near again.
Inside one long answer, ``PageKeeper`` does the same for its pages: a far page keeps its rich
text and height but no document (a 4 MB answer held ~376 MB of laid-out pages).

Model output is untrusted: see ``markdown.py``; ``MessageBrowser`` additionally refuses to load
any resource that is not inline ``data:``, and links reach ``linkActivated`` only on a click.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QLocale, Qt, QUrl, Signal
from PySide6.QtGui import QGuiApplication, QTextCursor
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.core.attachments import Attachment
from providers.lazy import lazy_module

from . import links, theme
from .attachment_view import ANSWER_IMAGE, MESSAGE_THUMBNAIL, AttachmentRow
from .bubble_parts import ReasoningPane, tool_button
from .item_line import whole_items
from .message_browser import MessageBrowser
from .page_document import append_html, move_last_line, space_pages
from .page_keeper import PageKeeper
from .throttle import Throttle
from .version_switcher import VersionSwitcher
from .virtual_column import VirtualColumn

if TYPE_CHECKING:
    from . import markdown as md
else:  # markdown-it and Pygments once there is Markdown to show: an empty chat has none
    md = lazy_module("app.ui.markdown")
if TYPE_CHECKING:
    from . import render_worker
else:  # with the first answer: it renders a streamed answer's backlog (and imports markdown)
    render_worker = lazy_module("app.ui.render_worker")


FLUSH_INTERVAL_MS = 16  # one render per frame at most (~60 fps), however fast chunks arrive
FLUSH_BUDGET_MS = 15  # rendering finished blocks stops before this long in one flush...
BACKLOG_GAP_MS = 8  # ...and continues after this much time for the event loop
PAGE_CHARS = 16_000  # source characters per page (QTextBrowser) of a long answer
PINNED_PAGES = 2  # a long answer's last pages keep their documents wherever they are
FULL_RENDER_CHARS = 16_000  # finished answers up to this size are re-rendered whole, once
SPLIT_SHARE = 0.5  # of a flush's budget, at most, for cutting the tail (a burst of text)
TRUNCATED = frozenset({"length", "max_tokens", "MAX_TOKENS"})
FILTERED = frozenset({"content_filter", "SAFETY", "RECITATION", "refusal"})


def _copy_to_clipboard(text: str) -> None:
    QGuiApplication.clipboard().setText(text)


class _Bubble(QFrame):
    """What user and assistant messages share: an index, a body column and a button row."""

    def __init__(self, view: ChatView, index: int, name: str) -> None:
        super().__init__()
        self.view = view
        self.index = index
        self.setObjectName(name)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)
        self.column = QVBoxLayout(self)
        self.column.setContentsMargins(12, 8, 12, 6)
        self.column.setSpacing(4)
        self.buttons = QHBoxLayout()
        self.buttons.setSpacing(2)
        self.versions = VersionSwitcher()  # ‹ n/m ›, hidden while there is one version
        self.versions.stepped.connect(lambda step: view.versionRequested.emit(self.index, step))
        self.buttons.addWidget(self.versions)

    def text(self) -> str:
        raise NotImplementedError

    def restyle(self) -> None:
        """Re-render for a new palette (the view has already swapped its renderer)."""

    def shutdown(self) -> None:
        """Stop timers before the widget goes away."""


class _UserBubble(_Bubble):
    def __init__(
        self, view: ChatView, index: int, text: str, attachments: Sequence[Attachment] = ()
    ) -> None:
        super().__init__(view, index, "userBubble")
        self._text = text
        self.attachments = AttachmentRow(MESSAGE_THUMBNAIL)  # the files it was sent with
        self.column.addWidget(self.attachments)
        self.attachments.add(attachments)
        self.body = MessageBrowser()
        self.body.setPlainText(text)
        self.column.addWidget(self.body)
        if not text:
            self.body.hide()  # a message of files alone
        self.edit_button = tool_button(
            QCoreApplication.translate("ChatView", "Edit"),
            "editButton",
            QCoreApplication.translate("ChatView", "Edit and resend this message"),
        )
        self.copy_button = tool_button(
            QCoreApplication.translate("ChatView", "Copy"),
            "copyButton",
            QCoreApplication.translate("ChatView", "Copy this message"),
        )
        self.edit_button.clicked.connect(lambda: view.editRequested.emit(self.index, self._text))
        self.copy_button.clicked.connect(lambda: _copy_to_clipboard(self._text))
        self.buttons.addStretch(1)
        self.buttons.addWidget(self.edit_button)
        self.buttons.addWidget(self.copy_button)
        self.column.addLayout(self.buttons)

    def text(self) -> str:
        return self._text


class _AnswerBubble(_Bubble):
    """One assistant answer: rendered pages, the live tail, reasoning, footer and buttons."""

    def __init__(self, view: ChatView, index: int, title: str) -> None:
        super().__init__(view, index, "answerBubble")
        self.live = True
        self.failed = False
        self.started = time.monotonic()
        self.flush_count = 0  # flushes that rendered something (tests and the benchmark read it)
        self.longest_flush = 0.0  # seconds, the longest flush so far (tests read it)...
        self.longest_flush_cpu = 0.0  # ...and in CPU time of this thread (no other process's)
        self.most_rendered = 0  # Markdown characters rendered in one flush, at most (tests)
        self.worker_chars = 0  # source characters the render worker rendered (tests, benchmark)
        self.rendered_chars = 0  # source characters in the pages...
        self._shown_tail = 0  # ...and in the tail view as last rendered
        self._rendered: list[md.Piece] = []  # source rendered into pages, group by group
        # Finished pieces waiting for their one render (here, or the worker's for a backlog).
        self._queue = render_worker.RenderQueue(render_worker.shared_worker())
        self._tail = ""  # source after the last finished piece, re-rendered per flush
        self._tail_dirty = False  # the tail view does not show ``_tail`` yet
        # Cost of a finished piece a character (running means): rendered and inserted here, or
        # inserted only (the render worker did the rest).
        self._seconds_per_char = {True: 5e-6, False: 2.5e-6}
        self._splitter = md.PieceSplitter()  # finds the finished pieces at the front of the tail
        self._pending: list[str] = []  # chunks since the last flush
        self._pending_reasoning: list[str] = []
        self._reasoning: list[str] = []
        self.code_blocks: list[str] = []  # sources of code blocks in the pages, by copy number
        self._tail_code: list[str] = []
        self._tail_continued_code = ""  # what the tail adds to the last code block of the pages
        self._pages: list[MessageBrowser] = []
        self._keeper = PageKeeper()  # pages far from the screen hold no document
        self._page_chars = 0
        self._throttle = Throttle(self._flush, FLUSH_INTERVAL_MS, self)

        self.title = QLabel(title)
        self.title.setObjectName("bubbleTitle")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setWordWrap(True)  # a long model name wraps rather than widen the window
        self.column.addWidget(self.title)

        self.reasoning = ReasoningPane(self.column)
        self.reasoning_toggle, self.reasoning_view = self.reasoning.toggle, self.reasoning.view

        self.body = QVBoxLayout()
        self.body.setSpacing(0)
        self.tail_view = self._browser()
        self.tail_view.hide()
        self.body.addWidget(self.tail_view)
        self.column.addLayout(self.body)
        self.images = AttachmentRow(ANSWER_IMAGE)  # images it returned
        self.column.addWidget(self.images)

        self.error_label = QLabel()
        self.error_label.setObjectName("errorLabel")
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)  # error text may echo a server
        self.error_label.setWordWrap(True)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.hide()
        self.column.addWidget(self.error_label)

        self.footer = QLabel()
        self.footer.setObjectName("footer")
        self.footer.setTextFormat(Qt.TextFormat.PlainText)
        self.footer.setWordWrap(True)  # beside the buttons in a narrow pane: wraps, never widens
        self.stop_button = tool_button(
            QCoreApplication.translate("ChatView", "Stop"),
            "stopButton",
            QCoreApplication.translate("ChatView", "Stop this answer (Esc)"),
        )
        self.retry_button = tool_button(
            QCoreApplication.translate("ChatView", "Retry"),
            "retryButton",
            QCoreApplication.translate("ChatView", "Send the request again"),
        )
        self.regenerate_button = tool_button(
            QCoreApplication.translate("ChatView", "Regenerate"),
            "regenerateButton",
            QCoreApplication.translate("ChatView", "Answer again"),
        )
        self.copy_button = tool_button(
            QCoreApplication.translate("ChatView", "Copy"),
            "copyButton",
            QCoreApplication.translate("ChatView", "Copy this answer as Markdown"),
        )
        self.stop_button.clicked.connect(view.stopRequested.emit)
        self.retry_button.clicked.connect(lambda: view.retryRequested.emit(self.index))
        self.regenerate_button.clicked.connect(lambda: view.regenerateRequested.emit(self.index))
        self.copy_button.clicked.connect(lambda: _copy_to_clipboard(self.text()))
        self.retry_button.hide()
        self.regenerate_button.hide()
        self.buttons.addWidget(self.footer, 1)  # the free room: wraps only when there is none
        for button in (
            self.stop_button, self.retry_button, self.regenerate_button, self.copy_button,
        ):  # fmt: skip
            self.buttons.addWidget(button)
        self.column.addLayout(self.buttons)

    # -- what the view calls -------------------------------------------------------------
    def append(self, text: str) -> None:
        if self.live and text:
            self._pending.append(text)
            self._throttle()

    def append_reasoning(self, text: str) -> None:
        if self.live and text:
            self._pending_reasoning.append(text)
            self._throttle()

    def finish(self, footer: str) -> None:
        self._end()
        self.footer.setText(whole_items(footer))
        self.regenerate_button.show()

    def fail(self, message: str) -> None:
        self._end()
        self.failed = True
        self.error_label.setText(message)
        self.error_label.show()
        self.retry_button.show()

    def show_stored(self, text: str, reasoning: str, footer: str, error: str | None) -> None:
        """A finished answer rebuilt from its source (reopened, or scrolled back to)."""
        if reasoning:
            self._pending_reasoning.append(reasoning)
        if text:
            self._pending.append(text)  # no flush: ``_end`` renders it once
        if error is None:
            self.finish(footer)
        else:
            self.fail(error)

    def text(self) -> str:
        pieces = [p.source for p in [*self._rendered, *self._queue.pieces()]]
        return "".join([*pieces, self._tail, *self._pending])

    def is_rendered(self) -> bool:
        """Everything received so far is on screen (nothing buffered, no backlog)."""
        idle = not self._pending and not self._queue and not self._throttle.pending
        return idle and (self.live or not self._tail)

    def reasoning_text(self) -> str:
        return "".join(self._reasoning) + "".join(self._pending_reasoning)

    def shown_chars(self) -> int:
        """Characters of the source on screen now (the benchmark's render lag)."""
        return self.rendered_chars + (self._shown_tail if self.tail_view.isVisibleTo(self) else 0)

    def code_block(self, number: int) -> str | None:
        if 0 <= number < len(self.code_blocks):
            if number == len(self.code_blocks) - 1 and not self._queue:  # may go on in the tail
                return self.code_blocks[number] + self._tail_continued_code
            return self.code_blocks[number]
        number -= len(self.code_blocks)
        return self._tail_code[number] if 0 <= number < len(self._tail_code) else None

    def pages(self) -> list[MessageBrowser]:
        """The rendered browsers, top to bottom (the live tail last while it shows), each with
        its document: released ones are rebuilt now (until they are far at the next refresh)."""
        for page in self._pages:
            self._keeper.restore(page)
        shown = [self.tail_view] if self.tail_view.isVisibleTo(self) else []
        return [*self._pages, *shown]

    def page_counts(self) -> tuple[int, int]:
        """Pages holding a document now (the others are far from the screen), and all pages."""
        return self._keeper.live_count(self._pages), len(self._pages)

    def page_with(self, query: str) -> MessageBrowser | None:
        """The first page whose text holds ``query`` (ignoring case), rebuilt if released."""
        shown = [self.tail_view] if self.tail_view.isVisibleTo(self) else []
        return self._keeper.first_with([*self._pages, *shown], query)

    def update_pages(self, scroll: QScrollArea, deadline: float) -> tuple[bool, bool]:
        """Release the pages far from ``scroll``'s screen, rebuild the near ones; the last two
        stay (a stream writes into the last, and moves a line from the one above)."""
        return self._keeper.update(self._pages, PINNED_PAGES, scroll, deadline)

    def restyle(self) -> None:
        for browser in [*self._pages, self.tail_view]:
            browser.document().setDefaultStyleSheet(self.view.renderer.stylesheet())
        if not self.live and len(self.text()) <= FULL_RENDER_CHARS:
            if self.text():
                self._render_whole(self.text())
            return
        # Long answers re-render piece by piece, a frame's budget at a time, like a stream.
        pieces = [*self._rendered, *self._queue.clear()]
        self._clear_pages()
        self._rendered = []
        self.rendered_chars = 0
        self._queue.waiting.extend(pieces)
        self._tail_dirty = True
        self._throttle.call_now()

    def shutdown(self) -> None:
        self._throttle.cancel()
        self.live = False

    # -- streaming -----------------------------------------------------------------------
    def _flush(self) -> None:
        """Per frame: new reasoning in, finished blocks rendered once, the open tail again.

        Rendering finished blocks stops after ``FLUSH_BUDGET_MS``; a backlog (a burst of text,
        a slow machine, the end of a long answer) continues after a short gap, so the event
        loop never waits much longer than one budget.
        """
        if self._pending_reasoning:
            chunk = "".join(self._pending_reasoning)
            self._pending_reasoning.clear()
            self._reasoning.append(chunk)
            self.reasoning.append(chunk)
        if not (self._pending or self._queue or self._tail_dirty or self._tail_backlog()):
            return
        started, cpu = time.perf_counter(), time.thread_time()
        budget = FLUSH_BUDGET_MS / 1000
        characters = self._take_pending(started + budget * SPLIT_SHARE)
        first = True
        while (job := self._queue.peek()) is not None:
            piece, rendered = job
            size, here = len(piece.source), rendered is None
            elapsed = time.perf_counter() - started
            if not first and elapsed + size * self._seconds_per_char[here] > budget:
                break  # would overrun this frame's budget: the next flush
            first = False
            self._queue.take()
            self._append_to_page(piece, rendered)
            if here:
                characters += size  # Markdown rendered on this thread
            else:
                self.worker_chars += size
            spent = time.perf_counter() - started - elapsed
            if size:  # (an empty piece teaches nothing, and must not stop the flushes)
                self._seconds_per_char[here] += (spent / size - self._seconds_per_char[here]) / 4
        # A backlog this frame could not render goes to the worker (the rest of this answer's
        # backlog with it: pieces go into the pages in order).
        self._queue.hand_over(self.view.renderer.palette, _copy_label())
        if self._queue or self._tail_backlog():
            self._tail_dirty = True
            self.tail_view.hide()  # shown again below the pages once they have caught up
            self._throttle.set_interval(BACKLOG_GAP_MS)
            self._throttle()  # from inside the throttled call: runs after the gap
        else:
            self._throttle.set_interval(FLUSH_INTERVAL_MS)
            if self._tail_dirty:
                characters += self._show_tail()
        self.flush_count += 1
        self.longest_flush = max(self.longest_flush, time.perf_counter() - started)
        self.longest_flush_cpu = max(self.longest_flush_cpu, time.thread_time() - cpu)
        self.most_rendered = max(self.most_rendered, characters)
        self.view.follow_bottom()

    def _take_pending(self, deadline: float) -> int:
        """Move new chunks to the tail and finished pieces from the tail to the backlog; once
        the answer has ended, the rest of the tail too. Returns the characters parsed."""
        if self._pending:
            self._tail += "".join(self._pending)
            self._pending.clear()
            self._tail_dirty = True
        if not self._tail:
            return 0
        pieces = self._splitter.split(self._tail, deadline=deadline)
        if pieces:
            self._queue.waiting.extend(pieces)
            self._tail = self._tail[sum(len(p.source) for p in pieces) :]
            self._tail_dirty = True
        if not self.live and not self._tail_backlog() and self._tail:
            self._queue.waiting.append(md.Piece(self._tail, self._splitter.seam))
            self._tail = ""
        # A cut parses what it looks at once more, at most its window per piece cut inside.
        return sum(len(p.source) for p in pieces if p.closes is not None)

    def _tail_backlog(self) -> bool:
        """Whether the tail holds finished pieces a deadline left there (a burst of text)."""
        return bool(self._tail) and self._splitter.backlog(self._tail)

    def _show_tail(self) -> int:
        """Render the open tail (never longer than a cut) again; returns its length."""
        self._tail_dirty = False
        tail = self._tail
        view = self.tail_view
        self._tail_code = []
        self._tail_continued_code = ""
        self._shown_tail = len(tail)
        if not tail:
            view.hide()
            view.clear()
            return 0
        view.show()
        rendered = self.view.renderer.render(
            tail, first_code_index=len(self.code_blocks), opens=self._splitter.seam
        )
        self._tail_code = rendered.code_blocks
        self._tail_continued_code = rendered.continued_code or ""
        view.setHtml(rendered.html.rstrip())
        if self._pages:
            space_pages(self._pages[-1].document(), view.document())
        return len(tail)

    def _append_to_page(self, piece: md.Piece, rendered: md.Rendered | None = None) -> None:
        """Render finished pieces once (unless the worker did: ``rendered``, numbered from 0)
        and append them to the last page (or a new one)."""
        if rendered is None:
            rendered = self.view.renderer.render(
                piece.source,
                first_code_index=len(self.code_blocks),
                opens=piece.opens,
                closes=piece.closes,
            )
        else:
            rendered = rendered.numbered(len(self.code_blocks))
        if rendered.continued_code is not None and self.code_blocks:
            self.code_blocks[-1] += rendered.continued_code
        self.code_blocks.extend(rendered.code_blocks)
        size = len(piece.source)
        new = not self._pages or (self._page_chars and self._page_chars + size > PAGE_CHARS)
        if new:
            self._new_page()
            seam = piece.opens
            if seam and seam.kind == md.PARAGRAPH and not seam.depth and self._pages[:-1]:
                upper, lower = self._pages[-2:]
                if line := move_last_line(upper.document(), lower.document()):
                    self._keeper.moved(upper, lower, line)
        append_html(self._pages[-1].document(), rendered.html, piece)
        self._keeper.appended(self._pages[-1], rendered.html, piece)
        if new and len(self._pages) > 1:
            space_pages(self._pages[-2].document(), self._pages[-1].document())
        self._page_chars += size
        self.rendered_chars += size
        self._rendered.append(piece)

    def _render_whole(self, source: str) -> None:
        """One document for the whole answer, replacing the pages (reusing the first one)."""
        rendered = self.view.renderer.render(source)
        first = self._pages[0] if self._pages else None
        for page in self._pages[1:]:
            self.body.removeWidget(page)
            page.deleteLater()
        page = first or self._new_page()
        self._keeper.forget(self._pages)
        self._pages = [page]
        page.setHtml(rendered.html)
        self.code_blocks = rendered.code_blocks
        self._page_chars = self.rendered_chars = len(source)
        self._rendered = [md.Piece(source)]
        self._queue.clear()

    def _end(self) -> None:
        """The final render: short answers once as a whole, long ones block by block."""
        if not self.live:
            return
        self.live = False
        self._throttle.cancel()
        self.stop_button.hide()
        self.reasoning.finish()
        if self._pending_reasoning:
            self._reasoning.append("".join(self._pending_reasoning))
            self.reasoning.append("".join(self._pending_reasoning))
            self._pending_reasoning.clear()
        self._tail += "".join(self._pending)
        self._pending.clear()
        self._tail_dirty = True  # the tail goes into the pages: the live view goes away
        whole = self.text()
        if whole and len(whole) <= FULL_RENDER_CHARS:
            self._tail = ""
            self._render_whole(whole)
        # else the flush cuts the rest of the tail into pieces, a frame's budget at a time
        self._throttle.call_now()

    # -- pages ---------------------------------------------------------------------------
    def _browser(self) -> MessageBrowser:
        browser = MessageBrowser()
        browser.document().setDefaultStyleSheet(self.view.renderer.stylesheet())
        browser.anchorClicked.connect(lambda url: self.view._on_anchor(self, url, browser))
        return browser

    def _new_page(self) -> MessageBrowser:
        page = self._browser()
        # Lay text out at the width it will have before the layout gets round to sizing the
        # page: a paragraph is broken where it wraps (``split_last_line``), at this width.
        above = self._pages[-1] if self._pages else self.tail_view
        if above.viewport().width() > 0:
            page.document().setTextWidth(above.viewport().width())
        self.body.insertWidget(self.body.count() - 1, page)  # above the live tail
        page.show()
        self._pages.append(page)
        self._page_chars = 0
        return page

    def _clear_pages(self) -> None:
        self._keeper.forget(self._pages)
        for page in self._pages:
            self.body.removeWidget(page)
            page.deleteLater()
        self._pages = []
        self._page_chars = 0
        self.code_blocks = []


def _copy_label() -> str:
    """A code block's Copy, in the window's language (the render worker has no translator)."""
    return QCoreApplication.translate("Markdown", "Copy")


def format_footer(
    usage: dict[str, Any] | None,
    elapsed: float | None,
    finish_reason: str | None,
    stopped: bool,
) -> str:
    """``1,234 in · 567 out · 3.2 s`` plus why the answer ended early, if it did."""
    parts: list[str] = []
    usage = usage or {}
    prompt = usage.get("prompt_tokens", usage.get("input_tokens"))
    completion = usage.get("completion_tokens", usage.get("output_tokens"))
    if isinstance(prompt, int):
        parts.append(
            QCoreApplication.translate("ChatView", "{count} in").format(
                count=QLocale().toString(prompt)
            )
        )
    if isinstance(completion, int):
        parts.append(
            QCoreApplication.translate("ChatView", "{count} out").format(
                count=QLocale().toString(completion)
            )
        )
    if elapsed is not None:
        parts.append(
            QCoreApplication.translate("ChatView", "{seconds} s").format(
                seconds=QLocale().toString(elapsed, "f", 1)
            )
        )
    if stopped:
        parts.append(QCoreApplication.translate("ChatView", "stopped"))
    elif finish_reason in TRUNCATED:
        parts.append(QCoreApplication.translate("ChatView", "truncated"))
    elif finish_reason in FILTERED:
        parts.append(QCoreApplication.translate("ChatView", "filtered"))
    return " · ".join(parts)


@dataclass
class _Message:
    """What the view keeps of a message whatever is on screen: its source and how it ended.

    ``bubble`` is its widget while it is near the screen (``VirtualColumn`` builds and
    releases it); ``height`` the bubble's height when it was last released. Whatever the
    bubble shows besides its text (files, images, ‹ n/m ›) is kept here too, so a rebuilt
    bubble looks as it did.
    """

    role: str  # "user" or "assistant"
    text: str = ""
    title: str = ""
    reasoning: str = ""
    footer: str = ""
    error: str | None = None
    attachments: tuple[Attachment, ...] = ()  # files sent with it, or images an answer returned
    remote: tuple[str, ...] = ()  # remote images an answer named (each loads on a click)
    version: tuple[int, int] = (1, 1)  # shown version, of how many
    bubble: _Bubble | None = None
    height: int | None = None


class ChatView(QWidget):
    """User and assistant messages; see the module docstring for the streaming contract.

    Only the messages near the screen have widgets (``VirtualColumn``): the rest are their
    source text and last height, so a long conversation costs what the screen shows. A live
    answer keeps its widget until it ends.

    Colours follow the system's light/dark scheme until ``set_dark`` is called; from then on
    the caller (the window, which knows the user's theme choice) decides.
    """

    stopRequested = Signal()  # noqa: N815 - Qt signal naming
    retryRequested = Signal(int)  # noqa: N815
    regenerateRequested = Signal(int)  # noqa: N815
    editRequested = Signal(int, str)  # noqa: N815
    versionRequested = Signal(int, int)  # noqa: N815 - a message index, a step (-1/+1)
    linkActivated = Signal(str)  # noqa: N815

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chatView")
        self._dark = theme.system_is_dark()
        self._follow_system = True  # until the window decides with set_dark()
        self._renderer: md.MarkdownRenderer | None = None  # made when first needed
        self._messages: list[_Message] = []
        self._follow = True

        self._scroll = QScrollArea(self)
        self._scroll.setObjectName("chatScroll")
        self._scroll.setWidgetResizable(True)
        self._scroll.setFrameShape(QFrame.Shape.NoFrame)
        self._scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        container = QWidget()
        container.setObjectName("chatContainer")
        column = QVBoxLayout(container)
        column.setContentsMargins(14, 14, 14, 14)
        column.setSpacing(12)
        column.addStretch(1)
        self._scroll.setWidget(container)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self._scroll)

        bar = self._scroll.verticalScrollBar()
        bar.valueChanged.connect(self._on_scrolled)  # before the column's: it reads _follow
        self._rows = VirtualColumn(self._scroll, column, self)
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._on_scheme_changed)
        self._apply_style()

    # -- the API the window uses ---------------------------------------------------------
    def clear(self) -> None:
        self.remove_from(0)

    def add_user_message(
        self, text: str, attachments: Sequence[Attachment] = (), *, lazy: bool = False
    ) -> int:
        """A message the user sent (shown now), or a stored one (``lazy``: built once near)."""
        index = self._add(_Message("user", text, attachments=tuple(attachments)))
        if not lazy:
            self._rows.ensure_built(index)
        return index

    def begin_answer(self, title: str) -> int:
        index = self._add(_Message("assistant", title=title))
        self._rows.ensure_built(index)  # a live answer keeps its widget until it ends
        return index

    def add_answer(
        self, title: str, text: str, *, reasoning: str = "", footer: str = "",
        error: str | None = None,
    ) -> int:  # fmt: skip
        """A finished answer (e.g. from history): rendered only once it comes near the screen."""
        return self._add(_Message("assistant", text, title, reasoning, footer, error))

    def append_text(self, index: int, text: str) -> None:
        self._answer(index).append(text)

    def append_reasoning(self, index: int, text: str) -> None:
        self._answer(index).append_reasoning(text)

    def add_images(self, index: int, images: Sequence[Attachment], remote: Sequence[str]) -> None:
        """Images answer ``index`` returned: shown inline; remote ones load on a click."""
        message = self._messages[index]
        message.attachments += tuple(images)
        message.remote += tuple(remote)
        if isinstance(message.bubble, _AnswerBubble):  # else shown when it is built
            message.bubble.images.add(images, remote)

    def finish_answer(
        self,
        index: int,
        *,
        usage: dict[str, Any] | None = None,
        elapsed: float | None = None,
        finish_reason: str | None = None,
        stopped: bool = False,
        text: str | None = None,
    ) -> None:
        """``text``: the whole answer as the session keeps it, kept (not a copy) once released."""
        bubble = self._answer(index)
        if text is not None:
            self._messages[index].text = text
        if elapsed is None:
            elapsed = time.monotonic() - bubble.started
        bubble.finish(format_footer(usage, elapsed, finish_reason, stopped))
        self._rows.schedule()  # no longer pinned: it may be far from the screen

    def fail_answer(self, index: int, message: str) -> None:
        self._answer(index).fail(message)
        self._rows.schedule()

    def set_versions(self, index: int, number: int, count: int) -> None:
        """Message ``index`` is version ``number`` of ``count`` (‹ n/m › when more than one)."""
        message = self._messages[index]
        message.version = (number, count)
        if message.bubble is not None:  # else shown when it is built
            message.bubble.versions.set_version(number, count)

    def message_text(self, index: int) -> str:
        message = self._messages[index]
        return message.bubble.text() if message.bubble is not None else message.text

    def message_count(self) -> int:
        return len(self._messages)

    def conversation_text(self) -> str:
        """Every message's source, oldest first (what "copy all" copies), built or not."""
        return "\n\n".join(self.message_text(i) for i in range(len(self._messages)))

    def find(self, query: str, start: int = 0, *, backward: bool = False) -> int | None:
        """The first message from ``start`` on (or back) whose text holds ``query``, ignoring
        case: scrolled into view, with the match selected if its rendered text has it."""
        needle = query.casefold()
        order = range(start, -1, -1) if backward else range(start, len(self._messages))
        for index in order:
            if (
                needle
                and 0 <= index < len(self._messages)
                and (needle in self.message_text(index).casefold())
            ):
                self._show_match(index, query)
                return index
        return None

    def remove_from(self, index: int) -> None:
        self._rows.remove_from(index)
        del self._messages[index:]

    def set_dark(self, dark: bool) -> None:
        """Use the dark (or light) palette from now on, no longer following the system."""
        self._follow_system = False
        self._use_dark(dark)

    # -- additions for the window, tests and the benchmark -------------------------------
    def is_dark(self) -> bool:
        return self._dark

    def bubble(self, index: int) -> QFrame:
        """The widget showing message ``index`` (``_UserBubble`` or ``_AnswerBubble``), built
        now if it was not; released again once it is far from the screen."""
        self._rows.ensure_built(index)
        bubble = self._messages[index].bubble
        assert bubble is not None
        return bubble

    def built(self) -> list[int]:
        """The messages that have widgets now (near the screen, or live)."""
        return self._rows.built()

    def refresh(self) -> None:
        """Build what the screen shows now rather than when the event loop gets round to it."""
        self._rows.refresh()

    def reasoning_text(self, index: int) -> str:
        message = self._messages[index]
        if isinstance(message.bubble, _AnswerBubble):
            return message.bubble.reasoning_text()
        return message.reasoning

    def is_rendered(self, index: int) -> bool:
        """Whether answer ``index`` shows everything received (long answers render in slices)."""
        bubble = self._messages[index].bubble
        return not isinstance(bubble, _AnswerBubble) or bubble.is_rendered()

    def is_following(self) -> bool:
        """Whether new text scrolls into view (the user has not scrolled up)."""
        return self._follow

    def scroll_to_bottom(self) -> None:
        self._follow = True
        bar = self._scroll.verticalScrollBar()
        bar.setValue(bar.maximum())

    def scroll_to_message(self, index: int) -> None:
        """Show message ``index`` at the top of the screen."""
        self._follow = False
        self._rows.scroll_to(index)

    def follow_bottom(self) -> None:
        """Called after content grew: keep the newest text in view unless the user scrolled up."""
        if self._follow:
            bar = self._scroll.verticalScrollBar()
            bar.setValue(bar.maximum())

    def _on_anchor(self, bubble: _AnswerBubble, url: QUrl, browser: MessageBrowser) -> None:
        """A click on a link in an answer: copy a code block, or hand a web link to the window
        (after a confirmation naming the real target when the link's text is not its target)."""
        if url.scheme() == md.COPY_SCHEME:
            number = url.path()
            code = bubble.code_block(int(number)) if number.isdigit() else None
            if code is not None:
                _copy_to_clipboard(code)
            return
        link = url.toString()
        if not md.is_safe_link(link):
            return
        if links.needs_confirmation(links.anchor_texts(browser.document(), url), link):
            links.confirm_open(self, url, lambda: self.linkActivated.emit(link))
        else:
            self.linkActivated.emit(link)

    # -- rows (what ``VirtualColumn`` asks) ------------------------------------------------
    def build_row(self, index: int) -> QLayout:
        message = self._messages[index]
        row = QHBoxLayout()
        bubble: _Bubble
        if message.role == "user":
            bubble = _UserBubble(self, index, message.text, message.attachments)
            row.addStretch(1)
            row.addWidget(bubble, 6)
        else:
            bubble = answer = _AnswerBubble(self, index, message.title)
            row.addWidget(answer)
            answer.images.add(message.attachments, message.remote)
            if message.text or message.footer or message.error is not None:
                answer.show_stored(message.text, message.reasoning, message.footer, message.error)
        bubble.versions.set_version(*message.version)
        message.bubble = bubble
        return row

    def release_row(self, index: int, row: QLayout, height: int) -> None:
        message = self._messages[index]
        bubble, message.bubble, message.height = message.bubble, None, height
        if isinstance(bubble, _AnswerBubble):
            text = bubble.text()
            if text != message.text:  # unchanged: keep the string given, not a second copy
                message.text = text
            message.reasoning = bubble.reasoning_text()
            message.footer = bubble.footer.text()
            message.error = bubble.error_label.text() if bubble.failed else None
        if bubble is not None:
            bubble.shutdown()
        while (item := row.takeAt(0)) is not None:
            if (widget := item.widget()) is not None:
                widget.hide()
                widget.deleteLater()
        row.deleteLater()

    def estimate_height(self, index: int, width: int) -> int:
        """The last measured height, or a guess from the text's lines (corrected when built)."""
        message = self._messages[index]
        if message.height is not None:
            return message.height
        metrics = self.fontMetrics()
        share = 6 / 7 if message.role == "user" else 1.0
        per_line = max(20, int((width * share - 60) / max(1, metrics.averageCharWidth())))
        text = message.text
        lines = 1 + text.count("\n") + len(text) // per_line  # C-speed, whatever the length
        chrome = 48 if message.role == "user" else 72
        return chrome + lines * metrics.lineSpacing()

    def is_pinned(self, index: int) -> bool:
        bubble = self._messages[index].bubble
        return isinstance(bubble, _AnswerBubble) and bubble.live

    def update_inside(self, index: int, deadline: float) -> tuple[bool, bool]:
        bubble = self._messages[index].bubble
        if isinstance(bubble, _AnswerBubble):
            return bubble.update_pages(self._scroll, deadline)
        return False, False

    # -- internals -----------------------------------------------------------------------
    def _add(self, message: _Message) -> int:
        self._messages.append(message)
        self._follow = True  # a new message brings the view to the bottom
        return self._rows.append()

    def _answer(self, index: int) -> _AnswerBubble:
        bubble = self.bubble(index)
        if not isinstance(bubble, _AnswerBubble):
            raise TypeError(f"message {index} is not an answer")
        return bubble

    def _show_match(self, index: int, query: str) -> None:
        self.scroll_to_message(index)
        bubble = self.bubble(index)
        page = bubble.page_with(query) if isinstance(bubble, _AnswerBubble) else None
        browsers = [page] if page is not None else [bubble.body]
        for browser in browsers:
            browser.moveCursor(QTextCursor.MoveOperation.Start)
            if browser.find(query):
                rect = browser.cursorRect()
                point = browser.viewport().mapTo(self._scroll.widget(), rect.topLeft())
                self._scroll.verticalScrollBar().setValue(max(0, point.y() - 40))
                return  # the focus stays where the user types

    def _on_scrolled(self, value: int) -> None:
        self._follow = value >= self._scroll.verticalScrollBar().maximum() - 4

    def _on_scheme_changed(self, scheme: Qt.ColorScheme) -> None:
        if self._follow_system:
            self._use_dark(scheme == Qt.ColorScheme.Dark)

    def _use_dark(self, dark: bool) -> None:
        if dark == self._dark:
            return
        self._dark = dark
        self._renderer = None  # the next render uses the new palette
        self._apply_style()
        for message in self._messages:
            if message.bubble is not None:
                message.bubble.restyle()

    @property
    def renderer(self) -> md.MarkdownRenderer:
        """Markdown → rich text with this view's palette (made, and markdown-it imported, on
        first use)."""
        if self._renderer is None:
            self._renderer = md.MarkdownRenderer(theme.palette_for(self._dark))
        return self._renderer

    def _apply_style(self) -> None:
        p = theme.palette_for(self._dark)
        self.setStyleSheet(
            f"""
            QWidget#chatContainer {{ background: {p.background}; }}
            QScrollArea#chatScroll {{ background: {p.background}; border: none; }}
            QFrame#userBubble {{
                background: {p.user_bubble}; border: 1px solid {p.user_border};
                border-radius: 10px;
            }}
            QFrame#answerBubble {{
                background: {p.answer_bubble}; border: 1px solid {p.answer_border};
                border-radius: 10px;
            }}
            QTextBrowser {{ background: transparent; color: {p.text}; border: none; }}
            QPlainTextEdit#reasoningView {{
                background: {p.code_background}; color: {p.muted};
                border: 1px solid {p.code_border}; border-radius: 6px;
            }}
            QLabel#bubbleTitle {{ color: {p.muted}; font-weight: bold; }}
            QLabel#footer {{ color: {p.muted}; }}
            QLabel#errorLabel {{
                background: {p.error_background}; color: {p.error_text};
                border-radius: 6px; padding: 6px 8px;
            }}
            QToolButton {{
                color: {p.muted}; background: transparent; border: none;
                border-radius: 4px; padding: 2px 6px;
            }}
            QToolButton:hover {{ background: {p.button_hover}; color: {p.text}; }}
            """
        )
