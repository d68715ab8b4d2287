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


def test_the_damaged_settings_notice_outlives_the_provider_classes_loading(
    open_window: OpenWindow, loop: Loop, qtbot: Any
) -> None:
    """As the app starts (classes after the first paint), choosing the saved provider once its
    class loads must not sweep away the notice about the settings file: it is about the app,
    not about a provider, and the user has not read it yet."""
    path = default_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('{"theme": "dark",}')
    window = open_window(wait=False, provider_classes=False)
    assert "damaged" in window.banner.text.text() and window.banner.isVisible()
    window.target.load_classes()  # what the warm-up does after the first paint
    loop.run(window.models_task)
    loop.run(window.credentials_task)
    assert window.banner.isVisible() and "damaged" in window.banner.text.text()
    window.banner.close_button.click()  # the user can still dismiss it
    assert not window.banner.isVisible()


def test_a_passing_notice_shown_over_a_lasting_one_gives_way_to_it(qtbot: Any) -> None:
    """A first start with a damaged settings file and no keyring: the provider's "needs a key"
    notice comes and goes; the notice about the settings file must still be there after."""
    from app.ui.banner import Banner

    banner = Banner()
    qtbot.addWidget(banner)
    banner.show_message("settings", "warning", "settings file damaged", lasting=True)
    banner.show_message("credentials", "warning", "needs a key")
    banner.dismiss()  # the provider changed
    assert not banner.isHidden()
    assert banner.tag == "settings" and banner.text.text() == "settings file damaged"
    banner.dismiss()
    assert banner.tag == "settings"  # a blanket dismiss leaves it
    banner.close_button.click()
    assert banner.isHidden() and banner.tag == ""
    banner.dismiss()  # nothing left to come back
    assert banner.isHidden()
