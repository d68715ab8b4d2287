"""Find in the conversation and copy it whole, with the chat view building only what is near."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from app.ui.chat_view import ChatView
from app.ui.find_bar import FindBar
from app.ui.main_window import MainWindow
from tests.app.conftest import Loop, OpenWindow
from tests.servers import Stream


@pytest.fixture
def window(open_window: OpenWindow) -> MainWindow:
    return open_window()


def test_the_find_bar_walks_matches_across_messages_without_widgets(qtbot: Any) -> None:
    view = ChatView()
    qtbot.addWidget(view)
    view.resize(700, 500)
    view.show()
    for number in range(200):
        text = f"Message {number}" + (" with the needle" if number in (3, 150) else "")
        view.add_user_message(text, lazy=True)
    view.scroll_to_bottom()
    qtbot.waitUntil(lambda: 199 in view.built())
    assert 3 not in view.built()
    bar = FindBar(lambda text, at, back: view.find(text, at, backward=back), view.message_count)
    qtbot.addWidget(bar)
    bar.open()
    qtbot.keyClicks(bar.edit, "NEEDLE")
    qtbot.keyClick(bar.edit, Qt.Key.Key_Return)
    assert bar.status.text() == "Message 4 of 200" and 3 in view.built()
    assert view.bubble(3).body.textCursor().selectedText() == "needle"
    qtbot.keyClick(bar.edit, Qt.Key.Key_Return)
    assert bar.status.text() == "Message 151 of 200"
    qtbot.keyClick(bar.edit, Qt.Key.Key_Return)  # wraps around
    assert bar.status.text() == "Message 4 of 200"
    qtbot.keyClick(bar.edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert bar.status.text() == "Message 151 of 200"
    bar.edit.clear()
    qtbot.keyClicks(bar.edit, "no such words")
    qtbot.keyClick(bar.edit, Qt.Key.Key_Return)
    assert bar.status.text() == "Not found"


def test_ctrl_f_finds_and_copy_conversation_copies_everything(
    window: MainWindow, openai_server: Any, loop: Loop, qtbot: Any
) -> None:
    openai_server.push(Stream(text="The **platypus** lays eggs."))
    ended = loop.expect(window.answerEnded)
    qtbot.keyClicks(window.composer, "Platypus?")
    qtbot.keyClick(window.composer, Qt.Key.Key_Return)
    loop.run(ended)
    bar = window.conversation.find_bar
    assert not bar.isVisible()
    window.activateWindow()
    window.actions.find.trigger()
    assert bar.isVisible() and bar.edit.hasFocus()
    qtbot.keyClicks(bar.edit, "lays eggs")
    qtbot.keyClick(bar.edit, Qt.Key.Key_Return)
    assert bar.status.text() == "Message 2 of 2"
    window.actions.copy_conversation.trigger()
    assert QGuiApplication.clipboard().text() == "Platypus?\n\nThe **platypus** lays eggs."
    window.conversation.escape()  # Esc in the find box closes it
    assert not bar.isVisible()
