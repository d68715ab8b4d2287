"""The main window at 800x500 (a small laptop, a tiled window) and at 1920x1080: nothing cut.

Sizes and visibility of real widgets: the window fits, the history list folds away (and back),
the parameters give way to the conversation, answers (code and long words too) wrap inside the
view, the parameter form fits its panel.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QAbstractSpinBox,
    QComboBox,
    QSizePolicy,
    QWidget,
)

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


def least_width(widget: QWidget) -> int:
    """The width a layout never shrinks ``widget`` below (Qt's qSmartMinSize)."""
    if widget.minimumWidth() > 0:
        return widget.minimumWidth()
    policy = widget.sizePolicy().horizontalPolicy()
    if policy == QSizePolicy.Policy.Ignored:
        return 0
    least = max(widget.minimumSizeHint().width(), 0)
    if policy.value & QSizePolicy.PolicyFlag.ShrinkFlag.value:
        return least
    return max(least, widget.sizeHint().width())


def _parts(widget: QWidget) -> list[QWidget]:
    """The shown widgets at the bottom of ``widget``'s tree (a scroll area or spin box is one)."""
    children = [
        child
        for child in widget.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly)
        if child.isVisible()
    ]
    if not children or isinstance(widget, QAbstractScrollArea | QAbstractSpinBox | QComboBox):
        return [widget]
    return [part for child in children for part in _parts(child)]


def widest_parts(widget: QWidget) -> str:
    """``chatColumn needs 390 px; widest parts: composerHint 298, ...`` (names the culprit)."""
    parts = sorted((least_width(p), p.objectName() or type(p).__name__) for p in _parts(widget))
    named = ", ".join(f"{name} {width}" for width, name in reversed(parts[-4:]))
    name = widget.objectName() or type(widget).__name__
    return f"{name} needs {least_width(widget)} px; widest parts: {named}"


def why_wider(window: MainWindow) -> str:
    """Each shown panel's and the toolbar's least width, with their widest parts."""
    panels = [window.splitter.widget(index) for index in range(window.splitter.count())]
    shown: list[QWidget] = [panel for panel in panels if panel is not None and panel.isVisible()]
    return f"window {window.width()} px wide: " + " | ".join(
        widest_parts(piece) for piece in (*shown, window.toolbar)
    )


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
        assert bubble.width() <= width, f"message {index}: " + widest_parts(bubble)
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
    assert window.width() == 800, why_wider(window)  # never wider than the screen
    assert window.height() == 500
    assert not window.history_panel.isVisible() and not window.history_action.isChecked()
    assert Settings.load().get("history_visible", True) is not False  # folded, not a choice
    assert window.side_panel.isVisible()
    assert window.conversation.width() >= 450  # the conversation keeps most of the room
    answer(window, openai_server, loop, qtbot)
    assert_nothing_cut(window)

    qtbot.keyClick(window, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)  # bring it back
    loop.idle(0.1)
    assert window.history_panel.isVisible()
    assert window.width() == 800, why_wider(window)  # every panel's minimum fits 800 px
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


def test_editing_a_message_at_800_keeps_the_window_width(
    open_window: OpenWindow, openai_server: OpenAIServer, loop: Loop, qtbot: Any
) -> None:
    window = open_window()
    window.resize(800, 500)
    loop.idle(0.05)
    answer(window, openai_server, loop, qtbot)
    window.history_action.setChecked(True)  # all three panels: their minimums still fit
    loop.idle(0.05)
    edit = window.chat_view.bubble(0).findChild(QWidget, "editButton")
    qtbot.mouseClick(edit, Qt.MouseButton.LeftButton)
    loop.idle(0.1)
    assert window.conversation.edit_strip.isVisible()
    assert window.width() == 800, why_wider(window)  # the edit strip's note wraps
