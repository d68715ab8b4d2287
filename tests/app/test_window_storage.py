"""Storage problems in the window: reported once, nothing lost on screen, Send works again."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from app.core.settings import default_path
from tests.app.conftest import Loop, OpenWindow
from tests.servers import OpenAIServer, Stream


def send(window: Any, loop: Loop, qtbot: Any, text: str) -> int:
    ended = loop.expect(window.answerEnded)
    qtbot.keyClicks(window.composer, text)
    qtbot.keyClick(window.composer, Qt.Key.Key_Return)
    (index,) = loop.run(ended)
    return int(index)


def test_a_damaged_settings_file_is_kept_and_shown_once(
    open_window: OpenWindow, qtbot: Any
) -> None:
    path = default_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('{"theme": "dark",}')
    window = open_window()
    text = window.banner.text.text()
    assert window.banner.isVisible() and "settings file" in text and "damaged" in text
    [backup] = path.parent.glob("settings.json.damaged-*")
    assert backup.read_text() == '{"theme": "dark",}' and backup.name in text
    window.close()
    again = open_window()  # the next start has nothing to report
    assert not again.banner.isVisible() or "settings file" not in again.banner.text.text()


def test_a_full_disk_during_an_answer_is_reported_once_and_nothing_is_lost(
    open_window: OpenWindow, openai_server: OpenAIServer, loop: Loop, qtbot: Any
) -> None:
    window = open_window()
    history = window.history
    pages = history._db.execute("PRAGMA page_count").fetchone()[0]
    history._db.execute(f"PRAGMA max_page_count={pages + 4}")  # the disk fills up
    answer = "".join(f"Paragraph {n}. " + "words " * 200 + "\n\n" for n in range(40))
    openai_server.push(Stream(text=answer, chunk_count=40))
    index = send(window, loop, qtbot, "Write a lot")
    assert window.chat_view.message_text(index) == answer  # all of it stays on screen
    assert window.session.turns[index].content == answer and not window.session.busy
    assert window.send_button.isVisible() and not window.stop_button.isVisible()
    message = window.banner.text.text()
    assert window.banner.isVisible() and "disk is full" in message and "Free some space" in message
    send(window, loop, qtbot, "Still there?")  # Send works again, without saving
    assert window.chat_view.message_text(3) == "You said: Still there?"
    assert window.banner.text.text() == message  # reported once
