"""Answer versions and edit branches in the window: ‹ n/m › on the bubbles, switching, reopening
from the history and exporting the chosen path. Real widgets, the qasync loop, a loopback server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QToolButton

from app.ui.main_window import MainWindow
from app.ui.version_switcher import VersionSwitcher
from tests.app.conftest import Loop, OpenWindow
from tests.app.test_history_panel import open_by_click, send
from tests.servers import OpenAIServer, Stream


@pytest.fixture
def window(open_window: OpenWindow) -> MainWindow:
    return open_window()


def switcher(window: MainWindow, index: int) -> VersionSwitcher:
    found = window.chat_view.bubble(index).findChild(VersionSwitcher, "versionSwitcher")
    assert found is not None
    return found


def press(qtbot: Any, window: MainWindow, index: int, name: str) -> None:
    button = window.chat_view.bubble(index).findChild(QToolButton, name)
    assert button is not None and button.isVisible() and button.isEnabled(), name
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_regenerate_keeps_the_old_answer_as_a_version_through_reopen_and_export(
    window: MainWindow, openai_server: OpenAIServer, loop: Loop, qtbot: Any, tmp_path: Path
) -> None:
    openai_server.push(Stream(text="first answer"), Stream(text="second answer"))
    send(window, loop, qtbot, "Tell me")
    assert not switcher(window, 1).isVisible()  # one version: no switcher
    ended = loop.expect(window.answerEnded)
    press(qtbot, window, 1, "regenerateButton")
    loop.run(ended)
    view = window.chat_view
    assert view.message_text(1) == "second answer"
    assert switcher(window, 1).isVisible() and switcher(window, 1).label.text() == "2/2"

    press(qtbot, window, 1, "previousVersion")
    assert view.message_text(1) == "first answer" and view.message_count() == 2
    assert switcher(window, 1).label.text() == "1/2"
    assert not switcher(window, 1).previous_button.isEnabled()
    press(qtbot, window, 1, "nextVersion")
    assert view.message_text(1) == "second answer"

    conversation = window.session.conversation_id
    window.new_chat()
    assert view.message_count() == 0
    open_by_click(window, loop, qtbot, conversation)
    assert view.message_text(1) == "second answer"
    assert switcher(window, 1).isVisible() and switcher(window, 1).label.text() == "2/2"
    press(qtbot, window, 1, "previousVersion")
    assert view.message_text(1) == "first answer"

    # Export writes the path chosen on screen: the older answer, not the other version.
    panel = window.history_panel
    panel.export_path_hook = lambda suggested: str(tmp_path / suggested)
    panel.menu_for(conversation)
    panel.action("Export as Markdown…").trigger()
    text = next(tmp_path.glob("*.md")).read_text(encoding="utf-8")
    assert "first answer" in text and "second answer" not in text


def test_edit_makes_a_branch_and_switching_shows_the_old_turns(
    window: MainWindow, openai_server: OpenAIServer, loop: Loop, qtbot: Any
) -> None:
    openai_server.push(*(Stream(text=text) for text in ("A1", "A2", "B1")))
    send(window, loop, qtbot, "one")
    send(window, loop, qtbot, "two")
    press(qtbot, window, 0, "editButton")
    window.composer.clear()
    send(window, loop, qtbot, "uno")
    view = window.chat_view
    assert [view.message_text(i) for i in range(view.message_count())] == ["uno", "B1"]
    assert switcher(window, 0).label.text() == "2/2" and switcher(window, 0).isVisible()
    press(qtbot, window, 0, "previousVersion")
    assert [view.message_text(i) for i in range(view.message_count())] == [
        "one", "A1", "two", "A2",
    ]  # fmt: skip
    assert switcher(window, 0).label.text() == "1/2"


def test_switching_waits_for_the_answer_and_says_so(
    window: MainWindow, openai_server: OpenAIServer, loop: Loop, qtbot: Any
) -> None:
    openai_server.push(
        Stream(text="first answer"), Stream(text="one two three four", chunk_count=4, stall_after=2)
    )
    send(window, loop, qtbot, "Tell me")
    ended = loop.expect(window.answerEnded)
    press(qtbot, window, 1, "regenerateButton")
    loop.until(lambda: window.chat_view.message_text(1) != "")
    press(qtbot, window, 1, "previousVersion")
    assert window.banner.isVisible() and "once the answer ends" in window.banner.text.text()
    assert window.session.version(1) == (2, 2)  # nothing switched under the stream
    window.stop()
    loop.run(ended, timeout=5)
    press(qtbot, window, 1, "previousVersion")
    assert window.chat_view.message_text(1) == "first answer"
    assert not window.banner.isVisible()
