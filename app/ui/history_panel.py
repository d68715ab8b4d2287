"""The history panel: saved conversations newest first, full-text search, rename/delete/export.

It reads and changes the ``app.core.history.History`` the window gives it (single small
statements on the GUI thread: measured ~3 ms to list 500 conversations of a 2,000-conversation,
95 MB history); search runs on ``SearchWorker``'s thread, a page of conversations at a time
("Show more results" asks for the next), so the GUI thread never waits on the disk. The window
reacts to its signals (open, new chat, deleted, renamed).

Built with the window's shell (before the first paint), so ``app.core.history`` (sqlite3) is
imported only when a history is attached.
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QDate,
    QLocale,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QColor,
    QFont,
    QFontMetrics,
    QGuiApplication,
    QKeySequence,
    QPainter,
    QShortcut,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QMessageBox,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.core.attachments import AttachmentStore
from app.core.history import Conversation, History, SearchHit

from . import theme
from .history_menu import choose_export_path, context_menu, export_file_name, write_export
from .resources import icon
from .search_pager import MARK_END, MARK_START, SearchPager

LIST_LIMIT = 500  # conversations listed; older ones are found by search
SEARCH_DELAY_MS = 150  # typing pauses this long before a search runs
CLOCK_TICK_MS = 60_000  # relative times ("5 min ago") are repainted this often

_ID_ROLE = Qt.ItemDataRole.UserRole
_TIME_ROLE = Qt.ItemDataRole.UserRole + 1
_DETAIL_ROLE = Qt.ItemDataRole.UserRole + 2  # the model (list) or snippet pieces (search)
_SNIPPET_ROLE = Qt.ItemDataRole.UserRole + 3


class RelativeTimes(QObject):
    """Relative times with their plural forms (1 минуту / 2 минуты / 5 минут назад): lupdate
    reads a plural form only from ``self.tr(text, "", n)``, so they live in a class."""

    def minutes_ago(self, n: int) -> str:
        return self.tr("%n min ago", "", n)

    def hours_ago(self, n: int) -> str:
        return self.tr("%n h ago", "", n)

    def days_ago(self, n: int) -> str:
        return self.tr("%n day(s) ago", "", n)


_PLURALS = RelativeTimes()


def relative_time(then: float, now: float | None = None) -> str:
    """``just now``, ``5 min ago``, ``3 h ago``, ``yesterday``, ``4 days ago``, else a date."""
    now = time.time() if now is None else now
    seconds = max(0.0, now - then)
    if seconds < 60:
        return QCoreApplication.translate("HistoryPanel", "just now")
    if seconds < 3600:
        return _PLURALS.minutes_ago(int(seconds) // 60)
    when, today = datetime.fromtimestamp(then), datetime.fromtimestamp(now)
    days = (today.date() - when.date()).days
    if days == 0:
        return _PLURALS.hours_ago(int(seconds) // 3600)
    if days == 1:
        return QCoreApplication.translate("HistoryPanel", "yesterday")
    if days < 7:
        return _PLURALS.days_ago(days)
    date = QDate(when.year, when.month, when.day)
    # The locale's month names (QLocale.setDefault follows the window's language).
    return QLocale().toString(date, "d MMM" if when.year == today.year else "d MMM yyyy")


_MARKUP = re.compile(r"[*`~]+|(?:^|(?<=\s))#{1,6}(?=\s)")  # emphasis, code, headings


def snippet_pieces(snippet: str) -> list[tuple[str, bool]]:
    """A search snippet as ``(text, matched)`` pieces, on one line, without Markdown markup."""
    text = " ".join(_MARKUP.sub("", snippet).split())
    pieces: list[tuple[str, bool]] = []
    for part in re.split(f"({MARK_START}.*?{MARK_END})", text):
        if part.startswith(MARK_START) and part.endswith(MARK_END):
            pieces.append((part[1:-1], True))
        elif part:
            pieces.append((part.replace(MARK_START, "").replace(MARK_END, ""), False))
    return pieces


@dataclass(frozen=True)
class _Row:
    """One conversation in the list: its title and either the time and model or a snippet."""

    conversation_id: int
    title: str
    updated_at: float | None
    model: str = ""
    snippet: list[tuple[str, bool]] | None = None


# ----- drawing ------------------------------------------------------------------------------------


class _Delegate(QStyledItemDelegate):
    """Two lines per conversation: the title, then "5 min ago · model" or the search snippet."""

    PADDING_X, PADDING_Y, LINE_GAP = 10, 7, 2

    def __init__(self, panel: HistoryPanel) -> None:
        super().__init__(panel)
        self.panel = panel

    def _fonts(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont]:
        title = QFont(option.font)
        small = QFont(title)
        small.setPointSizeF(max(7.0, title.pointSizeF() - 1))
        return title, small

    def sizeHint(  # noqa: N802 - Qt override
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        title, small = self._fonts(option)
        height = QFontMetrics(title).height() + QFontMetrics(small).height()
        return QSize(200, height + 2 * self.PADDING_Y + self.LINE_GAP + 4)

    def _inner(self, rect: QRect) -> QRect:
        return rect.adjusted(4 + self.PADDING_X, 2 + self.PADDING_Y, -4 - self.PADDING_X, -2)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        p = self.panel.palette_colors
        rect: QRect = option.rect
        state = option.state
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        background = None
        if state & QStyle.StateFlag.State_Selected:
            background = p.user_bubble
        elif state & QStyle.StateFlag.State_MouseOver:
            background = p.button_hover
        if background is not None:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(background))
            painter.drawRoundedRect(rect.adjusted(4, 2, -4, -2), 6, 6)

        title_font, small_font = self._fonts(option)
        inner = self._inner(rect)
        title_height = QFontMetrics(title_font).height()
        title = str(index.data(Qt.ItemDataRole.DisplayRole) or "") or "Untitled"
        painter.setFont(title_font)
        painter.setPen(QColor(p.text))
        metrics = QFontMetrics(title_font)
        title_rect = QRect(inner.left(), inner.top(), inner.width(), title_height)
        painter.drawText(
            title_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            metrics.elidedText(title, Qt.TextElideMode.ElideRight, inner.width()),
        )  # fmt: skip

        line = QRect(
            inner.left(), inner.top() + title_height + self.LINE_GAP, inner.width(),
            QFontMetrics(small_font).height(),
        )  # fmt: skip
        pieces = index.data(_SNIPPET_ROLE)
        if not pieces:
            then = index.data(_TIME_ROLE)
            detail = [relative_time(float(then))] if then else []
            if index.data(_DETAIL_ROLE):
                detail.append(str(index.data(_DETAIL_ROLE)))
            pieces = [(" · ".join(detail), False)]
        self._draw_pieces(painter, line, small_font, pieces)
        painter.restore()

    def _draw_pieces(
        self, painter: QPainter, line: QRect, font: QFont, pieces: list[tuple[str, bool]]
    ) -> None:
        """Plain text pieces side by side (matches bold), elided at the right edge."""
        p = self.panel.palette_colors
        bold = QFont(font)
        bold.setBold(True)
        x, right = line.left(), line.right()
        for text, matched in pieces:
            piece_font = bold if matched else font
            metrics = QFontMetrics(piece_font)
            width = metrics.horizontalAdvance(text)
            painter.setFont(piece_font)
            painter.setPen(QColor(p.text if matched else p.muted))
            if x + width > right:
                text = metrics.elidedText(text, Qt.TextElideMode.ElideRight, right - x)
                width = right - x
            target = QRect(x, line.top(), width, line.height())
            painter.drawText(
                target, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text
            )
            x += width
            if x >= right:
                break

    def updateEditorGeometry(  # noqa: N802 - Qt override
        self,
        editor: QWidget,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        """The rename field covers the title line only."""
        title_font, _small = self._fonts(option)
        inner = self._inner(option.rect)
        height = QFontMetrics(title_font).height() + 8
        editor.setGeometry(QRect(inner.left() - 5, inner.top() - 4, inner.width() + 10, height))


def search_rows(
    query: str,
    conversations: Iterable[Conversation],
    hits: Iterable[SearchHit],
    *,
    titles: bool = True,
    seen: set[int] | None = None,
) -> list[_Row]:
    """The rows a search shows: conversations whose title has every word first (titles are not in
    the full-text index, and a renamed title is chosen), then the full-text hits with snippets.
    A further page passes ``titles=False`` and the ids already shown as ``seen``."""
    words = query.casefold().split()
    known = {c.id: c for c in conversations}
    rows: list[_Row] = []
    seen = set() if seen is None else seen
    for c in known.values() if titles else ():
        if all(word in c.title.casefold() for word in words):
            rows.append(_Row(c.id, c.title, c.updated_at, c.model))
            seen.add(c.id)
    for hit in hits:
        if hit.conversation_id in seen:
            continue
        seen.add(hit.conversation_id)
        conversation = known.get(hit.conversation_id)
        updated = conversation.updated_at if conversation is not None else None
        rows.append(
            _Row(hit.conversation_id, hit.title, updated, snippet=snippet_pieces(hit.snippet))
        )
    return rows


def _panel_style(p: theme.Palette, window: str) -> str:
    """The panel's QSS for palette ``p`` (``window``: the window's background, as its panels)."""
    return f"""
            QWidget#historyPanel {{ background: {window}; border-right: 1px solid {p.answer_border}; }}
            QLabel#historyHeading {{ font-weight: 600; color: {p.text}; }}
            QLabel#historyEmpty {{ color: {p.muted}; padding: 24px 8px; }}
            QLineEdit#historySearch {{
                background: {p.answer_bubble}; color: {p.text};
                border: 1px solid {p.answer_border}; border-radius: 6px; padding: 4px 6px;
            }}
            QListWidget#historyList {{ background: transparent; border: none; outline: 0; }}
            QListWidget#historyList QLineEdit {{
                background: {p.answer_bubble}; color: {p.text};
                border: 1px solid {p.link}; border-radius: 4px; padding: 0 4px;
            }}
            QPushButton#historyMore {{
                color: {p.link}; border: none; border-radius: 4px; padding: 4px;
            }}
            QPushButton#historyMore:hover {{ background: {p.button_hover}; }}
            QToolButton#historyNewChat {{ border: none; border-radius: 4px; padding: 3px; }}
            QToolButton#historyNewChat:hover {{ background: {p.button_hover}; }}
            """  # noqa: E501


# ----- the panel ----------------------------------------------------------------------------------


class HistoryPanel(QWidget):
    """Saved conversations: click to open, search, and a menu to rename, delete or export."""

    openRequested = Signal(int)  # noqa: N815 - Qt signal naming; a conversation id
    newChatRequested = Signal()  # noqa: N815
    conversationDeleted = Signal(int)  # noqa: N815
    conversationRenamed = Signal(int, str)  # noqa: N815
    notice = Signal(str, str)  # a banner kind ("info", "error") and its text
    searchFinished = Signal()  # noqa: N815 - the results of the last search are shown

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("historyPanel")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.history: History | None = None
        self.attachment_store: AttachmentStore | None = None  # exports write the files too
        self.palette_colors = theme.palette_for(False)
        #: Tests set this to answer the export dialog: suggested file name -> path (None: cancel).
        self.export_path_hook: Callable[[str], str | None] | None = None
        self.menu: QMenu | None = None  # the last context menu (tests trigger its actions)
        self.delete_box: QMessageBox | None = None  # the last delete confirmation
        self.pager = SearchPager(self)
        self._current: int | None = None
        self._conversations: dict[int, Conversation] = {}
        self._error = ""
        self._filling = False

        self.heading = QLabel(self.tr("History"))
        self.heading.setObjectName("historyHeading")
        self.new_button = QToolButton()
        self.new_button.setObjectName("historyNewChat")
        self.new_button.setAutoRaise(True)
        self.new_button.setToolTip(self.tr("New chat (Ctrl+N)"))
        self.new_button.setAccessibleName(self.tr("New chat"))
        self.new_button.setIconSize(QSize(16, 16))
        self.new_button.clicked.connect(self.newChatRequested.emit)
        header = QHBoxLayout()
        header.setContentsMargins(4, 0, 0, 0)
        header.addWidget(self.heading, 1)
        header.addWidget(self.new_button)

        self.search = QLineEdit()
        self.search.setObjectName("historySearch")
        self.search.setPlaceholderText(self.tr("Search conversations"))
        self.search.setAccessibleName(self.tr("Search conversations"))
        self.search.setClearButtonEnabled(True)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.run_search)
        self.search.textChanged.connect(lambda _text: self._search_timer.start())
        self.search.returnPressed.connect(self.run_search)

        self.list = QListWidget()
        self.list.setObjectName("historyList")
        self.list.setAccessibleName(self.tr("Conversations"))
        self.list.setItemDelegate(_Delegate(self))
        self.list.setUniformItemSizes(True)
        self.list.setMouseTracking(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed)  # F2 renames
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._context_menu)
        self.list.itemClicked.connect(self._activated)
        self.list.itemActivated.connect(self._activated)
        self.list.itemChanged.connect(self._renamed)
        delete = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.list)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(self._delete_selected)

        self.more = QPushButton(self.tr("Show more results"))
        self.more.setObjectName("historyMore")
        self.more.setFlat(True)
        self.more.clicked.connect(self.search_more)
        self.more.hide()

        self.empty = QLabel()
        self.empty.setObjectName("historyEmpty")
        self.empty.setWordWrap(True)
        self.empty.setTextFormat(Qt.TextFormat.PlainText)  # it may quote a path or an error
        self.empty.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.empty.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 12, 8, 8)
        layout.setSpacing(8)
        layout.addLayout(header)
        layout.addWidget(self.search)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.more)
        layout.addWidget(self.empty, 1)
        self.list.hide()

        self._clock = QTimer(self)
        self._clock.setInterval(CLOCK_TICK_MS)
        self._clock.timeout.connect(self.list.viewport().update)
        self._clock.start()
        self.pager.pageReady.connect(self._show_results)
        self.pager.failed.connect(self._search_failed)
        self.set_dark(False)

    # ----- what the window calls ------------------------------------------------------------------
    def set_history(self, history: History | None, error: str = "") -> None:
        """Show ``history``; without one, ``error`` says why there is no history."""
        self.shutdown()
        self.history = history
        self._error = (error or self.tr("The history is not available.")) if history is None else ""
        self.pager.set_path(history.path if history is not None else None)
        self.search.setEnabled(history is not None)
        self.refresh()

    def set_updating(self, kind: str = "upgrade") -> None:
        """The history is being upgraded (once after an update) or, a large one, checked
        (``kind`` "check") until ``set_history``."""
        self.search.setEnabled(False)
        checking = self.tr("Checking the history…\n\nYour conversations appear soon.")
        updating = self.tr("Updating the search index…\n\nYour conversations appear soon.")
        self._error = checking if kind == "check" else updating
        self.refresh()

    def refresh(self) -> None:
        """Read the list again (after a change); a search shown stays until its text changes."""
        history = self.history
        if history is None:
            self._show_items([], self._error)
            return
        try:
            conversations = history.conversations(LIST_LIMIT)
        except sqlite3.Error as error:
            self._show_items([], self.tr("The history cannot be read: {error}").format(error=error))
            return
        self._conversations = {c.id: c for c in conversations}
        if self.is_searching():
            return
        rows = [_Row(c.id, c.title, c.updated_at, c.model) for c in conversations]
        empty = self.tr("No conversations yet.\n\nWhat you send is saved here as you go.")
        self._show_items(rows, empty)

    def set_current(self, conversation_id: int | None) -> None:
        """Highlight the open conversation (None: a new, unsaved one)."""
        self._current = conversation_id
        item = self.item_for(conversation_id) if conversation_id is not None else None
        self.list.blockSignals(True)
        try:
            if item is None:
                self.list.clearSelection()
                self.list.setCurrentRow(-1)
            else:
                self.list.setCurrentItem(item)
                self.list.scrollToItem(item)
        finally:
            self.list.blockSignals(False)
        self.list.viewport().update()

    def current_id(self) -> int | None:
        return self._current

    def set_dark(self, dark: bool) -> None:
        p = self.palette_colors = theme.palette_for(dark)
        window = QGuiApplication.palette().window().color().name()  # as the window's panels
        self.setStyleSheet(_panel_style(p, window))
        self.new_button.setIcon(icon("new-chat", p.text))
        self.list.viewport().update()

    def is_searching(self) -> bool:
        return bool(self.search.text().strip())

    def ids(self) -> list[int]:
        """The conversations shown, top to bottom."""
        return [int(self.list.item(row).data(_ID_ROLE)) for row in range(self.list.count())]

    def item_for(self, conversation_id: int) -> QListWidgetItem | None:
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.data(_ID_ROLE) == conversation_id:
                return item
        return None

    def snippet(self, conversation_id: int) -> str:
        """The search snippet shown for a conversation, matches in ``[...]`` (tests read it)."""
        item = self.item_for(conversation_id)
        pieces = item.data(_SNIPPET_ROLE) if item is not None else None
        return "".join(f"[{text}]" if hit else text for text, hit in pieces or [])

    def shutdown(self) -> None:
        """Stop the search thread (the window is closing, or another history comes)."""
        self.pager.close()

    # ----- search ---------------------------------------------------------------------------------
    def run_search(self) -> None:
        """Search for the field's text now (typing runs this after a short pause)."""
        self._search_timer.stop()
        self.pager.cancel()
        self.more.hide()
        query = self.search.text().strip()
        if not query or not self.pager.available():
            self.refresh()
            self.set_current(self._current)
            self.searchFinished.emit()
            return
        self.pager.search(query)

    def search_more(self) -> None:
        """Show the next page of results of the search shown."""
        query = self.search.text().strip()
        if not query or not self.pager.available():
            return
        self.more.setEnabled(False)
        self.pager.more(query)

    def _search_failed(self, error: str, appending: bool) -> None:
        self.more.setEnabled(True)
        self.more.hide()
        message = self.tr("The search failed: {error}").format(error=error)
        if appending:
            self.notice.emit("error", message)
        else:
            self._show_items([], message)
        self.searchFinished.emit()

    def _show_results(self, hits: list[SearchHit], more: bool, appending: bool) -> None:
        query = self.search.text().strip()
        self.more.setEnabled(True)
        seen = set(self.ids()) if appending else set()
        rows = search_rows(
            query, self._conversations.values(), hits, titles=not appending, seen=seen
        )
        if appending:
            self._add_items(rows)
        else:
            self._show_items(rows, self.tr("Nothing matches “{query}”.").format(query=query))
        self.more.setVisible(more)
        self.set_current(self._current)
        self.searchFinished.emit()

    # ----- the list -------------------------------------------------------------------------------
    def _show_items(self, rows: list[_Row], empty_text: str) -> None:
        self.more.hide()
        self.list.clear()
        self._add_items(rows)
        self.list.setVisible(bool(rows))
        self.empty.setVisible(not rows)
        self.empty.setText(empty_text)
        if self._current is not None:
            self.set_current(self._current)

    def _add_items(self, rows: list[_Row]) -> None:
        """Rows added at the end of the list (a new list, or the next page of results)."""
        self._filling = True
        self.list.setUpdatesEnabled(False)
        try:
            for row in rows:
                item = QListWidgetItem(row.title)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
                item.setData(_ID_ROLE, row.conversation_id)
                item.setData(_TIME_ROLE, row.updated_at)
                item.setData(_DETAIL_ROLE, row.model)
                item.setData(_SNIPPET_ROLE, row.snippet)
                item.setToolTip(row.title)
                self.list.addItem(item)
        finally:
            self.list.setUpdatesEnabled(True)
            self._filling = False

    def _activated(self, item: QListWidgetItem) -> None:
        conversation_id = int(item.data(_ID_ROLE))
        if conversation_id != self._current:
            self.openRequested.emit(conversation_id)

    def _selected_id(self) -> int | None:
        item = self.list.currentItem()
        return int(item.data(_ID_ROLE)) if item is not None else None

    def _delete_selected(self) -> None:
        conversation_id = self._selected_id()
        if conversation_id is not None:
            self.confirm_delete(conversation_id)

    def _context_menu(self, position: Any) -> None:
        item = self.list.itemAt(position)
        if item is None:
            return
        menu = self.menu_for(int(item.data(_ID_ROLE)))
        menu.popup(self.list.viewport().mapToGlobal(position))

    def menu_for(self, conversation_id: int) -> QMenu:
        """The context menu of one conversation (not shown yet)."""
        self.menu = context_menu(self, [
            (self.tr("Open"), lambda: self.openRequested.emit(conversation_id)),
            None,
            (self.tr("Rename"), lambda: self.rename(conversation_id)),
            (self.tr("Export as Markdown…"), lambda: self.export(conversation_id)),
            (self.tr("Export as JSON…"), lambda: self.export(conversation_id, "json")),
            None,
            (self.tr("Delete…"), lambda: self.confirm_delete(conversation_id)),
        ])  # fmt: skip
        return self.menu

    def action(self, text: str) -> QAction:
        """An action of the last context menu, by its text (tests)."""
        assert self.menu is not None
        return next(a for a in self.menu.actions() if a.text() == text)

    # ----- rename, delete, export -----------------------------------------------------------------
    def rename(self, conversation_id: int) -> None:
        """Edit the title in place; Enter saves, Esc cancels."""
        item = self.item_for(conversation_id)
        if item is not None:
            self.list.setCurrentItem(item)
            self.list.editItem(item)

    def editor(self) -> QLineEdit | None:
        """The open rename field, if any."""
        found = self.list.viewport().findChild(QLineEdit)
        return found if isinstance(found, QLineEdit) else None

    def _renamed(self, item: QListWidgetItem) -> None:
        if self._filling or self.history is None:
            return
        conversation_id = int(item.data(_ID_ROLE))
        known = self._conversations.get(conversation_id)
        title = " ".join(item.text().split())
        if not title or (known is not None and title == known.title):
            self.refresh()  # an empty title is not a title: the old one comes back
            return
        try:
            self.history.update_conversation(conversation_id, title=title, touch=False)
        except sqlite3.Error as error:
            self._failed(self.tr("The conversation could not be renamed: {error}"), error)
        self.refresh()
        if self.is_searching():
            self.run_search()
        self.conversationRenamed.emit(conversation_id, title)

    def confirm_delete(self, conversation_id: int) -> QMessageBox:
        """Ask before deleting (window-modal, not a nested event loop)."""
        title = self._title(conversation_id)
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            self.tr("Delete conversation"),
            self.tr("Delete “{title}”? It cannot be restored.").format(title=title),
            QMessageBox.StandardButton.Cancel, self,
        )  # fmt: skip
        box.setTextFormat(Qt.TextFormat.PlainText)  # the title is the user's (or a prompt's) text
        delete = box.addButton(self.tr("Delete"), QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)

        def finished(_result: int) -> None:
            if box.clickedButton() is delete:
                self.delete(conversation_id)
            box.deleteLater()

        box.finished.connect(finished)
        self.delete_box = box
        box.open()
        return box

    def delete(self, conversation_id: int) -> None:
        if self.history is None:
            return
        try:
            self.history.delete_conversation(conversation_id)
        except sqlite3.Error as error:
            self._failed(self.tr("The conversation could not be deleted: {error}"), error)
            return
        if self._current == conversation_id:
            self._current = None
        self.refresh()
        if self.is_searching():
            self.run_search()
        self.conversationDeleted.emit(conversation_id)

    def export(self, conversation_id: int, suffix: str = "md") -> None:
        """Ask where to save the conversation (Markdown or JSON), then write it."""
        suggested = export_file_name(self._title(conversation_id), suffix)
        if self.export_path_hook is not None:
            path = self.export_path_hook(suggested)
            if path:
                self.write_export(conversation_id, path)
            return
        choose_export_path(self, suggested, lambda path: self.write_export(conversation_id, path))

    def write_export(self, conversation_id: int, path: str) -> bool:
        if self.history is None:
            return False
        title = self._title(conversation_id)
        ok, text = write_export(self.history, self.attachment_store, conversation_id, path, title)
        self.notice.emit("info" if ok else "error", text)
        return ok

    def _failed(self, text: str, error: BaseException) -> None:
        self.notice.emit("error", text.format(error=error))

    def _title(self, conversation_id: int) -> str:
        known = self._conversations.get(conversation_id)
        if known is not None:
            return known.title or self.tr("Untitled")
        item = self.item_for(conversation_id)
        return (item.text() if item is not None else "") or self.tr("Untitled")
