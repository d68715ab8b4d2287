"""The conversation pane: the chat view, the composer, the banner, and reopening chats.

It shows one ``app.core.session.ChatSession`` and forwards the user's intent to it (send, stop,
retry, regenerate, edit and resend). Before anything is sent it calls ``prepare()``, given by the
window that assembles it, which brings the session's request up to date with the other pieces
(target, parameters, system prompt). What the session reports arrives in ``_ViewListener``.
Neighbours hear from it through signals only.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor, QGuiApplication
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.core.session import ChatSession, Turn

from . import theme
from .banner import Banner, EmptyState
from .chat_view import ChatView, format_footer
from .composer import ComposerBar, hint_label
from .find_bar import FindBar
from .resources import icon


class _ViewListener:
    """Mirrors what the session reports into the pane (an ``app.core.session.SessionListener``:
    every method of it is here)."""

    def __init__(self, pane: ConversationPane) -> None:
        self.pane = pane
        self.view = pane.chat_view
        self.to_view: dict[int, int] = {}  # session turn index → chat view message index

    def message_added(self, index: int, turn: Turn) -> None:
        self.to_view[index] = self.view.add_user_message(turn.content)
        self.pane.empty_state.hide()

    def answer_started(self, index: int, turn: Turn) -> None:
        self.to_view[index] = self.view.begin_answer(turn.title)

    def text_received(self, index: int, text: str) -> None:
        self.view.append_text(self.to_view[index], text)

    def reasoning_received(self, index: int, text: str) -> None:
        self.view.append_reasoning(self.to_view[index], text)

    def login_requested(self, index: int, label: str, url: str) -> None:
        self.pane.loginRequested.emit(label, url)

    def answer_finished(self, index: int, turn: Turn) -> None:
        self.view.finish_answer(
            self.to_view[index], usage=turn.usage, elapsed=turn.elapsed,
            finish_reason=turn.finish_reason, stopped=turn.stopped,
        )  # fmt: skip
        self.pane.answerEnded.emit(index)

    def answer_failed(self, index: int, turn: Turn) -> None:
        self.view.fail_answer(self.to_view[index], turn.error or "The request failed.")
        self.pane.answerEnded.emit(index)

    def truncated(self, index: int) -> None:
        # The first bubble of turn ``index`` or later (earlier turns may not be shown at all).
        shown = [view_index for turn, view_index in self.to_view.items() if turn >= index]
        view_index = min(shown, default=self.view.message_count())
        if view_index == 0:
            self.view.clear()
        else:
            self.view.remove_from(view_index)
        self.to_view = {k: v for k, v in self.to_view.items() if k < index}
        self.pane.empty_state.setVisible(index == 0)

    def busy_changed(self, busy: bool) -> None:
        self.pane.set_busy(busy)

    def conversation_saved(self, conversation_id: int) -> None:
        self.pane.conversationSaved.emit(conversation_id)

    def history_failed(self, message: str) -> None:
        self.pane.banner.show_message("history", "warning", message)

    def restore(self, index: int, turn: Turn) -> None:
        """Show a stored turn as it ended (the view renders it once it comes near the screen)."""
        view = self.view
        if turn.role == "user":
            self.to_view[index] = view.add_user_message(turn.content, lazy=True)
            return
        footer = format_footer(turn.usage, turn.elapsed or 0.0, turn.finish_reason, turn.stopped)
        self.to_view[index] = view.add_answer(
            turn.title, turn.content, reasoning=turn.reasoning or "", footer=footer,
            error=turn.error or None,
        )  # fmt: skip

    def session_index(self, view_index: int) -> int | None:
        for session_index, shown in self.to_view.items():
            if shown == view_index:
                return session_index
        return None


class ConversationPane(QWidget):
    """Banner, chat view, edit strip, composer (top to bottom)."""

    answerEnded = Signal(int)  # noqa: N815 - Qt signal naming; a session index (tests wait on it)
    conversationOpened = Signal(int)  # noqa: N815 - a restored conversation is fully shown
    conversationSaved = Signal(int)  # noqa: N815 - the session stored its conversation (an id)
    loginRequested = Signal(str, str)  # noqa: N815 - a provider label and a sign-in page
    linkActivated = Signal(str)  # noqa: N815 - a link clicked in an answer

    def __init__(self, prepare: Callable[[], bool], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chatColumn")
        self.prepare = prepare
        self.session: ChatSession | None = None  # attach()
        self._editing: int | None = None  # session index of the user message being edited
        self._build()
        self.listener = _ViewListener(self)
        self._connect()

    def _build(self) -> None:
        self.banner = Banner()

        self.chat_view = ChatView()
        self.empty_state = EmptyState()
        self.empty_state.setParent(self.chat_view)
        self.chat_view.installEventFilter(self.empty_state)
        self.empty_state.fit()
        self.empty_state.show()

        view = self.chat_view
        self.find_bar = FindBar(
            lambda text, start, backward: view.find(text, start, backward=backward),
            view.message_count,
        )
        composer_frame = ComposerBar("Send (Enter)", "Stop the answer (Esc)")
        self.composer = composer_frame.composer
        self.send_button = composer_frame.send_button
        self.stop_button = composer_frame.stop_button
        self.edit_strip = QFrame()
        self.edit_strip.setObjectName("editStrip")
        strip = QHBoxLayout(self.edit_strip)
        strip.setContentsMargins(4, 0, 4, 0)
        strip_label = QLabel("Editing a message: sending replaces it and everything after it.")
        self.cancel_edit_button = QPushButton("Cancel edit")
        self.cancel_edit_button.setObjectName("cancelEdit")
        self.cancel_edit_button.setFlat(True)
        strip.addWidget(strip_label, 1)
        strip.addWidget(self.cancel_edit_button)
        self.edit_strip.hide()
        self.composer_hint = hint_label("Enter to send · Shift+Enter for a new line · Esc to stop")

        bottom = QVBoxLayout()
        bottom.setContentsMargins(14, 6, 14, 8)
        bottom.setSpacing(4)
        bottom.addWidget(self.find_bar)
        bottom.addWidget(self.edit_strip)
        bottom.addWidget(composer_frame)
        bottom.addWidget(self.composer_hint)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.banner)
        column.addWidget(self.chat_view, 1)
        column.addLayout(bottom)

    def _connect(self) -> None:
        self.composer.submitted.connect(self.send)
        self.send_button.clicked.connect(self.send)
        self.stop_button.clicked.connect(self.stop)
        self.cancel_edit_button.clicked.connect(self.cancel_edit)
        view = self.chat_view
        view.stopRequested.connect(self.stop)
        view.retryRequested.connect(self._retry)
        view.regenerateRequested.connect(self._regenerate)
        view.editRequested.connect(self._edit)
        view.linkActivated.connect(self.linkActivated.emit)

    def attach(self, session: ChatSession) -> None:
        """Show ``session`` (created with ``self.listener`` as its listener)."""
        self.session = session

    # ----- chatting -------------------------------------------------------------------------------
    def set_target(self, label: str, model: str) -> None:
        """Who answers next: the empty state and the composer's placeholder say it."""
        self.empty_state.set_target(label, model)
        self.composer.setPlaceholderText(f"Message {label}…")

    def ready(self) -> bool:
        return self.session is not None

    def send(self) -> None:
        text = self.composer.toPlainText()
        session = self.session
        if session is None or session.busy or not text.strip() or not self.prepare():
            return
        if self._editing is not None:
            sent = session.edit_and_resend(self._editing, text)
        else:
            sent = session.send(text)
        if sent:
            self.composer.clear()
            self.cancel_edit()

    def copy_conversation(self) -> None:
        """Every message's text, built on screen or not, to the clipboard."""
        QGuiApplication.clipboard().setText(self.chat_view.conversation_text())

    def stop(self) -> None:
        if self.session is not None:
            self.session.stop()

    def escape(self) -> None:
        """Esc: close the find bar if typing in it, else stop the answer, or leave the edit."""
        if self.find_bar.isVisible() and self.find_bar.edit.hasFocus():
            self.find_bar.hide()
            self.composer.setFocus()
            return
        if self.session is not None and self.session.busy:
            self.stop()
        elif self._editing is not None:
            self.cancel_edit()
            self.composer.clear()

    def new_chat(self) -> None:
        """A fresh conversation (the window keeps the system prompt as its starting point)."""
        if self.session is not None:
            self.session.clear()
        self.cancel_edit()
        self.composer.clear()
        self.composer.setFocus()

    def _retry(self, view_index: int) -> None:
        index = self.listener.session_index(view_index)
        if index is not None and self.prepare() and self.session is not None:
            self.session.retry(index)

    def _regenerate(self, view_index: int) -> None:
        index = self.listener.session_index(view_index)
        if index is not None and self.prepare() and self.session is not None:
            self.session.regenerate(index)

    def _edit(self, view_index: int, text: str) -> None:
        index = self.listener.session_index(view_index)
        if index is None or self.session is None or self.session.busy:
            return
        self._editing = index
        self.composer.setPlainText(text)
        cursor = self.composer.textCursor()
        cursor.movePosition(cursor.MoveOperation.End)
        self.composer.setTextCursor(cursor)
        self.edit_strip.show()
        self.composer.setFocus()

    def cancel_edit(self) -> None:
        self._editing = None
        self.edit_strip.hide()

    def set_busy(self, busy: bool) -> None:
        self.send_button.setVisible(not busy)
        self.stop_button.setVisible(busy)

    # ----- reopening a stored conversation --------------------------------------------------------
    def show_restored(self) -> None:
        """Show the session's just-opened conversation, whatever its length, at once: the view
        keeps every message's source and builds widgets only for what reaches the screen."""
        self.cancel_edit()
        session = self.session
        if session is not None:
            self.chat_view.clear()
            self.listener.to_view = {}
            self.empty_state.setVisible(not session.turns)
            for index, turn in enumerate(session.turns):
                self.listener.restore(index, turn)
            self.chat_view.scroll_to_bottom()
            self.chat_view.refresh()  # the newest messages on screen now, not a frame later
            self.conversationOpened.emit(session.conversation_id or 0)
        self.composer.setFocus()

    def set_dark(self, dark: bool) -> None:
        self.chat_view.set_dark(dark)
        self.send_button.setIcon(icon("send", "#ffffff"))
        background = QColor(theme.palette_for(dark).background).name()
        self.stop_button.setIcon(icon("stop", background))
