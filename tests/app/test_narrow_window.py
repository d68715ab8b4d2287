"""The main window at 800x500 (a small laptop, a tiled window) and at 1920x1080: nothing cut.

Sizes and visibility of real widgets: the window fits, the history list folds away (and back),
the parameters give way to the conversation, answers (code and long words too) wrap inside the
view, the parameter form fits its panel.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QWidget

from app.core.settings import Settings
from app.ui.main_window import MainWindow
from tests.app.conftest import Loop, OpenWindow
from tests.servers import OpenAIServer, Stream

LONG_ANSWER = (
    "See https://example.com/" + "abcdefghij" * 12 + " for details.\n\n"
    "```python\nvalue = '" + "y" * 150 + "'\n"
    "total = first_number + second_number + third_number + fourth_number + fifth_number\n```\n\n"
    "| column | other |\n|---|---|\n| " + "long " * 30 + "| y |\n"
)


def inside(child: QWidget, parent: QWidget) -> bool:
    """Whether ``child`` lies wholly within ``parent`` (both shown)."""
    top_left = child.mapTo(parent, child.rect().topLeft())
    return parent.rect().contains(QRect(top_left, child.size()))


def answer(window: MainWindow, server: OpenAIServer, loop: Loop, qtbot: Any) -> None:
    server.push(Stream(text=LONG_ANSWER))
    ended = loop.expect(window.answerEnded)
    qtbot.keyClicks(window.composer, "Show me")
    qtbot.keyClick(window.composer, Qt.Key.Key_Return)
    loop.run(ended)
    loop.idle(0.2)


def assert_nothing_cut(window: MainWindow) -> None:
    view = window.chat_view
    viewport = view._scroll.viewport()  # noqa: SLF001 - the view keeps its scroll area private
    width = viewport.width()
    for index in range(view.message_count()):
        bubble = view.bubble(index)
        assert bubble.width() <= width, index
        for page in getattr(bubble, "pages", list)():
            assert page.document().size().width() <= page.width() + 1, index  # wrapped, not cut
            assert page.horizontalScrollBar().maximum() == 0
    panel = window.side_panel
    assert panel.widget().width() <= panel.viewport().width()  # the form fits its panel
    for field in window.settings_form.fields.values():
        assert (
            inside(field.editor, panel.viewport())
            or not field.editor.isVisible()
            or (
                field.editor.mapTo(panel.viewport(), field.editor.rect().topLeft()).y() < 0
                or field.editor.mapTo(panel.viewport(), field.editor.rect().bottomLeft()).y()
                > panel.viewport().height()
            )
        ), field.name  # in view horizontally (vertically it scrolls)
    for piece in (window.conversation, window.side_panel, window.composer):
        if piece.isVisible():
            assert inside(piece, window), piece.objectName()


def test_at_800x500_the_window_fits_and_panels_give_way(
    open_window: OpenWindow, openai_server: OpenAIServer, loop: Loop, qtbot: Any
) -> None:
    window = open_window()
    window.resize(1400, 800)
    loop.idle(0.05)
    assert window.history_panel.isVisible() and window.history_action.isChecked()
    window.resize(800, 500)
    loop.idle(0.1)
    assert (window.width(), window.height()) == (800, 500)  # never wider than the screen
    assert not window.history_panel.isVisible() and not window.history_action.isChecked()
    assert Settings.load().get("history_visible", True) is not False  # folded, not a choice
    assert window.side_panel.isVisible()
    assert window.conversation.width() >= 450  # the conversation keeps most of the room
    answer(window, openai_server, loop, qtbot)
    assert_nothing_cut(window)

    qtbot.keyClick(window, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)  # bring it back
    loop.idle(0.1)
    assert window.history_panel.isVisible() and window.width() == 800
    assert window.conversation.width() >= 250
    assert_nothing_cut(window)
    qtbot.keyClick(window, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    loop.idle(0.05)
    window.resize(1400, 800)
    loop.idle(0.1)
    assert not window.history_panel.isVisible()  # the user closed it: it stays closed

    window.history_action.setChecked(True)
    window.resize(800, 500)
    loop.idle(0.05)
    window.resize(1920, 1080)
    loop.idle(0.1)
    assert window.history_panel.isVisible() and window.history_action.isChecked()  # unfolded
    assert_nothing_cut(window)
