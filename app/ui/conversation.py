"""The conversation pane: the chat view, the composer, the banner, and reopening chats.

It shows one ``app.core.session.ChatSession`` and forwards the user's intent to it (send, stop,
retry, regenerate, edit and resend). Before anything is sent it calls ``prepare()``, given by the
window that assembles it, which brings the session's request up to date with the other pieces
(target, parameters, system prompt). What the session reports arrives in ``_ViewListener``.
Neighbours hear from it through signals only.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtGui import QColor, QGuiApplication
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.attachments import Attachment
from app.core.session import ChatSession, Turn

from . import theme
from .banner import Banner, EmptyState
from .chat_view import ChatView
from .composer import ComposerBar, hint_label
from .find_bar import FindBar
from .preset_widgets import PresetButton
from .resources import icon
from .stall_notice import StallNotice
from .turn_view import show_turn


class _ViewListener:
    """Mirrors what the session reports into the pane (an ``app.core.session.SessionListener``:
    every method of it is here)."""

    def __init__(self, pane: ConversationPane) -> None:
        self.pane = pane
        self.view = pane.chat_view
        self.to_view: dict[int, int] = {}  # session turn index → chat view message index

    def message_added(self, index: int, turn: Turn) -> None:
        self.to_view[index] = self.view.add_user_message(turn.content, turn.attachments)
        self._show_version(index)
        self.pane.empty_state.hide()

    def answer_started(self, index: int, turn: Turn) -> None:
        self.to_view[index] = self.view.begin_answer(turn.title)
        self.pane.stall_notice.start(turn.title)
        self._show_version(index)

    def _show_version(self, index: int) -> None:
        session = self.pane.session
        if session is not None and index in self.to_view:
            self.view.set_versions(self.to_view[index], *session.version(index))

    def path_changed(self, index: int) -> None:
        self.truncated(index)
        session = self.pane.session
        if session is not None:
            for shown in range(index, len(session.turns)):
                self.restore(shown, session.turns[shown])
            self.pane.empty_state.setVisible(not session.turns)

    def text_received(self, index: int, text: str) -> None:
        self.pane.stall_notice.activity()
        self.view.append_text(self.to_view[index], text)

    def reasoning_received(self, index: int, text: str) -> None:
        self.pane.stall_notice.activity()
        self.view.append_reasoning(self.to_view[index], text)

    def images_received(self, index: int, images: list[Attachment], remote: list[str]) -> None:
        self.view.add_images(self.to_view[index], images, remote)

    def login_requested(self, index: int, label: str, url: str) -> None:
        self.pane.loginRequested.emit(label, url)

    def answer_finished(self, index: int, turn: Turn) -> None:
        self.pane.stall_notice.finish()
        self.view.finish_answer(
            self.to_view[index], usage=turn.usage, elapsed=turn.elapsed,
            finish_reason=turn.finish_reason, stopped=turn.stopped, text=turn.content,
        )  # fmt: skip
        self.pane.answerEnded.emit(index)

    def answer_failed(self, index: int, turn: Turn) -> None:
        self.pane.stall_notice.finish()
        self.view.fail_answer(
            self.to_view[index],
            turn.error or QCoreApplication.translate("ConversationPane", "The request failed."),
        )
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
        """Show a stored turn as it ended (``turn_view.show_turn``)."""
        self.to_view[index] = show_turn(self.view, turn)
        self._show_version(index)

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
        # The chat view, or a widget shown in its place (the welcome screen): show_instead().
        self.messages_area = QStackedWidget()
        self.messages_area.addWidget(self.chat_view)

        view = self.chat_view
        self.find_bar = FindBar(
            lambda text, start, backward: view.find(text, start, backward=backward),
            view.message_count,
        )
        composer_frame = ComposerBar(
            self.tr("Send (Enter)"),
            self.tr("Stop the answer (Esc)"),
        )
        self.composer = composer_frame.composer
        self.attachment_strip = composer_frame.attachments
        self.attach_button = composer_frame.attach_button
        self.send_button = composer_frame.send_button
        self.stop_button = composer_frame.stop_button
        self.edit_strip = QFrame()
        self.edit_strip.setObjectName("editStrip")
        strip = QHBoxLayout(self.edit_strip)
        strip.setContentsMargins(4, 0, 4, 0)
        strip_label = QLabel(
            self.tr("Editing a message: sending adds a new version; this one stays (‹ ›).")
        )
        strip_label.setObjectName("editNote")
        strip_label.setWordWrap(True)  # a narrow pane: wraps rather than widen the window
        self.cancel_edit_button = QPushButton(self.tr("Cancel edit"))
        self.cancel_edit_button.setObjectName("cancelEdit")
        self.cancel_edit_button.setFlat(True)
        strip.addWidget(strip_label, 1)
        strip.addWidget(self.cancel_edit_button)
        self.edit_strip.hide()
        self.composer_hint = hint_label(
            self.tr("Enter to send · Shift+Enter for a new line · Esc to stop")
        )

        bottom = QVBoxLayout()
        bottom.setContentsMargins(14, 6, 14, 8)
        bottom.setSpacing(4)
        self.stall_notice = StallNotice()
        bottom.addWidget(self.stall_notice)
        bottom.addWidget(self.find_bar)
        bottom.addWidget(self.edit_strip)
        bottom.addWidget(composer_frame)
        self.preset_button = PresetButton()  # filled and acted on by the window
        hints = QHBoxLayout()
        hints.addWidget(self.composer_hint, 1)
        hints.addWidget(self.preset_button)
        bottom.addLayout(hints)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.banner)
        column.addWidget(self.messages_area, 1)
        column.addLayout(bottom)

    def _connect(self) -> None:
        self.composer.submitted.connect(self.send)
        self.send_button.clicked.connect(self.send)
        self.stop_button.clicked.connect(self.stop)
        self.stall_notice.stopRequested.connect(self.stop)
        self.cancel_edit_button.clicked.connect(self.cancel_edit)
        view = self.chat_view
        view.stopRequested.connect(self.stop)
        view.retryRequested.connect(self._retry)
        view.regenerateRequested.connect(self._regenerate)
        view.editRequested.connect(self._edit)
        view.versionRequested.connect(self._switch_version)
        view.linkActivated.connect(self.linkActivated.emit)

    def attach(self, session: ChatSession) -> None:
        """Show ``session`` (created with ``self.listener`` as its listener)."""
        self.session = session

    # ----- what shows where the messages are ------------------------------------------------------
    def show_instead(self, widget: QWidget) -> None:
        """Show ``widget`` where the messages are (the welcome screen); the banner and the
        composer stay, so what the user types can be sent at once."""
        if self.messages_area.indexOf(widget) < 0:
            self.messages_area.addWidget(widget)
        self.messages_area.setCurrentWidget(widget)

    def show_messages(self) -> None:
        """The chat view again, in place of whatever ``show_instead`` showed."""
        self.messages_area.setCurrentWidget(self.chat_view)

    def shown_instead(self) -> QWidget | None:
        """The widget shown where the messages are, or None while they show."""
        current = self.messages_area.currentWidget()
        return None if current is self.chat_view else current

    # ----- chatting -------------------------------------------------------------------------------
    def set_target(self, label: str, model: str) -> None:
        """Who answers next: the empty state and the composer's placeholder say it."""
        self.empty_state.set_target(label, model)
        if model:
            text = self.tr("Message {label} · {model}…").format(label=label, model=model)
        else:
            text = self.tr("Message {label}…").format(label=label)
        self.composer.setPlaceholderText(text)

    def ready(self) -> bool:
        return self.session is not None

    def send(self) -> None:
        text = self.composer.toPlainText()
        strip = self.attachment_strip
        session = self.session
        if session is None or session.busy or not (text.strip() or strip.attachments()):
            return
        if strip.busy:
            self.banner.show_message(
                "attachments", "info",
                self.tr("The attachments are still being read: send again in a moment."),
            )  # fmt: skip
            return
        if not self.prepare():
            return
        self.banner.dismiss("attachments")
        if self._editing is not None:
            sent = session.edit_and_resend(self._editing, text, strip.attachments())
        else:
            sent = session.send(text, strip.attachments())
        if sent:
            self.composer.clear()
            strip.clear()
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
            self.attachment_strip.clear()

    def new_chat(self) -> None:
        """A fresh conversation (the window keeps the system prompt as its starting point)."""
        if self.session is not None:
            self.session.clear()
        self.cancel_edit()
        self.composer.clear()
        self.attachment_strip.clear()
        self.composer.setFocus()

    def _retry(self, view_index: int) -> None:
        index = self.listener.session_index(view_index)
        if index is not None and self.prepare() and self.session is not None:
            self.session.retry(index)

    def _regenerate(self, view_index: int) -> None:
        index = self.listener.session_index(view_index)
        if index is not None and self.prepare() and self.session is not None:
            self.session.regenerate(index)

    def _switch_version(self, view_index: int, step: int) -> None:
        index = self.listener.session_index(view_index)
        if self.session is not None and self.session.busy:
            self.banner.show_message(
                "versions", "info",
                self.tr("Another version can be shown once the answer ends (Esc stops it)."),
            )  # fmt: skip
        elif index is not None and self.session is not None:
            self.banner.dismiss("versions")
            self.cancel_edit()
            self.session.switch_version(index, step)

    def _edit(self, view_index: int, text: str) -> None:
        index = self.listener.session_index(view_index)
        if index is None or self.session is None or self.session.busy:
            return
        self._editing = index
        self.composer.setPlainText(text)
        self.attachment_strip.set_attachments(self.session.turns[index].attachments)
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
        self.attach_button.setIcon(icon("paperclip", theme.palette_for(dark).muted))
        background = QColor(theme.palette_for(dark).background).name()
        self.stop_button.setIcon(icon("stop", background))
