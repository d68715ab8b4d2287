"""The main window end to end: real widgets, the qasync loop, the loopback OpenAI server."""

from __future__ import annotations

import re
from typing import Any

import pytest
from PySide6.QtCore import QObject, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QApplication,
    QDialogButtonBox,
    QDoubleSpinBox,
    QLabel,
    QMenu,
    QPlainTextEdit,
    QToolButton,
)

from app.core.settings import Settings
from app.ui.main_window import MainWindow
from app.ui.stall_notice import StallNotice
from providers.vendors.openai import Groq, OpenAI
from tests.app.conftest import Loop, OpenWindow
from tests.keyring_support import requires_secret_service
from tests.servers import DEFAULT_KEY, Error, OpenAIServer, Stall, Stream


@pytest.fixture
def window(open_window: OpenWindow) -> MainWindow:
    return open_window()


def chat_requests(server: OpenAIServer) -> list[Any]:
    return [request for request in server.requests if request.kind == "chat"]


def send(window: MainWindow, loop: Loop, qtbot: Any, text: str) -> int:
    """Type ``text``, press Enter, wait for the answer to end; returns its session index."""
    ended = loop.expect(window.answerEnded)
    qtbot.keyClicks(window.composer, text)
    qtbot.keyClick(window.composer, Qt.Key.Key_Return)
    (index,) = loop.run(ended)
    return int(index)


def button(window: MainWindow, index: int, name: str) -> QToolButton:
    found = window.chat_view.bubble(index).findChild(QToolButton, name)
    assert isinstance(found, QToolButton), name
    return found


# ----- providers and models -----------------------------------------------------------------------


def test_models_are_listed_from_the_server_with_a_busy_indicator(
    open_window: OpenWindow, openai_server: OpenAIServer, loop: Loop
) -> None:
    openai_server.models = ["alpha-1", "gpt-4o-mini", "beta-2"]
    openai_server.push(Stall(0.3, on="models"))
    window = open_window(wait=False)
    loop.until(window.models_busy.isVisible)
    loop.run(window.models_task)
    assert not window.models_busy.isVisible()
    picker = window.model_picker
    assert [picker.itemText(i) for i in range(picker.count())] == [
        "alpha-1", "gpt-4o-mini", "beta-2",
    ]  # fmt: skip
    assert window.current_model() == "gpt-4o-mini"  # the provider's default is preselected
    models_request = [r for r in openai_server.requests if r.kind == "models"][-1]
    assert models_request.header("authorization") == f"Bearer {DEFAULT_KEY}"
    assert not window.banner.isVisible()


def test_a_failed_listing_says_why_and_keeps_the_built_in_list(
    open_window: OpenWindow, openai_server: OpenAIServer, loop: Loop, qtbot: Any
) -> None:
    openai_server.push(Error(500, message="the model service is down", on="models"))
    window = open_window()
    assert window.banner.isVisible() and window.banner.property("kind") == "warning"
    text = window.banner.text.text()
    assert "Could not list the models of OpenAI" in text and "built-in list" in text
    picker = window.model_picker
    assert [picker.itemText(i) for i in range(picker.count())] == OpenAI.fallback_models
    assert window.current_model() == OpenAI.default_model

    retry = next(b for b in window.banner.action_buttons() if b.text() == "Retry")
    qtbot.mouseClick(retry, Qt.MouseButton.LeftButton)
    loop.run(window.models_task)
    assert not window.banner.isVisible()
    assert [picker.itemText(i) for i in range(picker.count())] == list(openai_server.models)


def test_chosen_model_is_sent_and_remembered(
    window: MainWindow, openai_server: OpenAIServer, loop: Loop, qtbot: Any
) -> None:
    window.model_picker.setCurrentIndex(window.model_picker.findText("gpt-4o"))
    send(window, loop, qtbot, "Hi")
    assert chat_requests(openai_server)[-1].body_dict["model"] == "gpt-4o"
    assert Settings.load().model_for("openai") == "gpt-4o"


def test_a_provider_without_a_key_says_so_and_offers_the_dialog(
    window: MainWindow, loop: Loop, qtbot: Any
) -> None:
    picker = window.provider_picker
    assert picker.needs_key("groq") and "needs key" in picker.itemText(picker.findData("groq"))
    assert not picker.needs_key("openai") and not picker.needs_key("ollama")  # env key; keyless
    picker.setCurrentIndex(picker.findData("groq"))
    loop.run(window.models_task)
    assert window.banner.isVisible() and "Groq needs an API key" in window.banner.text.text()
    assert window.model_picker.currentText() == "llama-3.3-70b-versatile"  # usable offline
    add_key = next(b for b in window.banner.action_buttons() if b.text() == "Add key…")
    qtbot.mouseClick(add_key, Qt.MouseButton.LeftButton)
    dialog = window.credentials_dialog
    assert dialog is not None and dialog.isVisible() and dialog.provider_id == "groq"
    loop.run(dialog.task)
    dialog.reject()
    assert Settings.load().provider_id == "groq"


# ----- chatting -----------------------------------------------------------------------------------


def test_an_edited_parameter_and_the_system_prompt_reach_the_server(
    window: MainWindow, openai_server: OpenAIServer, loop: Loop, qtbot: Any
) -> None:
    temperature = window.settings_form.fields["temperature"].editor
    assert isinstance(temperature, QDoubleSpinBox)
    temperature.setValue(0.3)
    window.system_prompt.setPlainText("Answer in French.")
    send(window, loop, qtbot, "Hello")
    body = chat_requests(openai_server)[-1].body_dict
    assert body["temperature"] == 0.3
    assert body["messages"] == [
        {"role": "system", "content": "Answer in French."}, {"role": "user", "content": "Hello"},
    ]  # fmt: skip
    # Only what the user set is sent: the form's templates (seed 42, top_p 1, ...) are not.
    assert not {"seed", "top_p", "max_completion_tokens", "stop", "reasoning_effort"} & set(body)
    assert Settings.load().params_for("openai") == {"temperature": 0.3}


def test_the_answer_streams_into_the_view(
    window: MainWindow, openai_server: OpenAIServer, loop: Loop, qtbot: Any
) -> None:
    answer = "Streaming " * 30 + "\n\n```python\nprint('done')\n```\n"
    openai_server.push(Stream(text=answer, chunk_count=40, delay=0.01))
    ended = loop.expect(window.answerEnded)
    qtbot.keyClicks(window.composer, "Stream please")
    qtbot.keyClick(window.composer, Qt.Key.Key_Return)
    assert window.composer.toPlainText() == ""
    assert window.chat_view.message_text(0) == "Stream please"
    loop.until(lambda: 0 < len(window.chat_view.message_text(1)) < len(answer))
    assert window.stop_button.isVisible() and not window.send_button.isVisible()
    loop.run(ended)
    assert window.chat_view.message_text(1) == answer
    assert window.send_button.isVisible() and not window.stop_button.isVisible()
    assert window.session.turns[1].usage is not None


def test_escape_stops_a_stalled_stream_and_keeps_the_text(
    window: MainWindow, openai_server: OpenAIServer, loop: Loop, qtbot: Any
) -> None:
    openai_server.push(Stream(text="one two three four", chunk_count=4, stall_after=3))
    ended = loop.expect(window.answerEnded)
    qtbot.keyClicks(window.composer, "go")
    qtbot.keyClick(window.composer, Qt.Key.Key_Return)
    loop.until(lambda: window.chat_view.message_text(1) != "")
    window.activateWindow()
    qtbot.keyClick(window.composer, Qt.Key.Key_Escape)
    loop.run(ended, timeout=3)  # the server would stall forever
    turn = window.session.turns[1]
    assert turn.stopped and turn.error is None
    assert window.chat_view.message_text(1) == turn.content != ""
    assert not window.session.busy and window.send_button.isVisible()


def test_a_stalled_stream_shows_how_long_it_waits_with_stop(
    window: MainWindow, openai_server: OpenAIServer, loop: Loop, qtbot: Any
) -> None:
    notice = window.conversation.stall_notice
    notice.after = 0.4  # the real threshold is seconds; the behaviour is the same
    openai_server.push(Stream(text="one two three four", chunk_count=4, stall_after=2))
    ended = loop.expect(window.answerEnded)
    qtbot.keyClicks(window.composer, "go")
    qtbot.keyClick(window.composer, Qt.Key.Key_Return)
    assert not notice.isVisible()  # not before it has waited
    loop.until(notice.isVisible, timeout=5)
    assert "OpenAI · gpt-4o-mini has sent nothing new for" in notice.text.text()
    assert notice.text.text().rstrip(".").endswith(" s")
    assert window.chat_view.message_text(1) != ""  # what arrived stays
    qtbot.mouseClick(notice.stop_button, Qt.MouseButton.LeftButton)
    loop.run(ended, timeout=3)  # the server would stall forever
    assert window.session.turns[1].stopped and not notice.isVisible()


def test_stall_notice_counts_the_wait_before_the_first_word(qtbot: Any) -> None:
    now = [100.0]
    notice = StallNotice(after=5, clock=lambda: now[0])
    qtbot.addWidget(notice)
    notice.start("Ollama · llama3.2")
    now[0] += 4
    notice._tick()
    assert not notice.isVisible()
    now[0] += 71
    notice._tick()
    assert notice.isVisible()
    assert notice.text.text() == "Waiting for Ollama · llama3.2 to answer — 1 min 15 s so far."
    notice.activity()
    assert not notice.isVisible()
    notice.finish()
    assert not notice.isVisible()


def test_regenerate_replaces_the_answer(
    window: MainWindow, openai_server: OpenAIServer, loop: Loop, qtbot: Any
) -> None:
    openai_server.push(Stream(text="first answer"), Stream(text="second answer"))
    send(window, loop, qtbot, "Tell me")
    assert window.chat_view.message_text(1) == "first answer"
    ended = loop.expect(window.answerEnded)
    qtbot.mouseClick(button(window, 1, "regenerateButton"), Qt.MouseButton.LeftButton)
    loop.run(ended)
    assert window.chat_view.message_count() == 2
    assert window.chat_view.message_text(1) == "second answer"
    requests = chat_requests(openai_server)
    assert requests[-1].body_dict["messages"] == requests[-2].body_dict["messages"]


def test_an_error_shows_in_the_conversation_and_retry_works(
    window: MainWindow, openai_server: OpenAIServer, loop: Loop, qtbot: Any
) -> None:
    openai_server.push(Stream(text="partial answer text", chunk_count=3, error_after=2))
    send(window, loop, qtbot, "Question")
    bubble = window.chat_view.bubble(1)
    error = bubble.findChild(QLabel, "errorLabel")
    assert isinstance(error, QLabel) and error.isVisible()
    assert "Try again" in error.text()
    kept = window.chat_view.message_text(1)
    assert kept and "partial answer text".startswith(kept) and kept != "partial answer text"
    retry = button(window, 1, "retryButton")
    assert retry.isVisible()
    ended = loop.expect(window.answerEnded)
    qtbot.mouseClick(retry, Qt.MouseButton.LeftButton)
    loop.run(ended)
    assert window.chat_view.message_count() == 2
    assert window.chat_view.message_text(1) == "You said: Question"
    assert window.session.turns[1].error is None


def test_a_dropped_connection_is_said_in_words_not_class_names(
    window: MainWindow, openai_server: OpenAIServer, loop: Loop, qtbot: Any
) -> None:
    openai_server.push(Stream(text="one two three four", chunk_count=4, drop_after=2))
    send(window, loop, qtbot, "Question")
    error = window.chat_view.bubble(1).findChild(QLabel, "errorLabel")
    assert isinstance(error, QLabel) and "broke before the answer was complete" in error.text()
    assert re.search(r"[A-Z]\w*(Error|Exception)\b", error.text()) is None, error.text()
    assert "connection" in error.text().split("complete", 1)[1]  # what kind of break, in words


def test_an_http_error_says_what_to_do(
    window: MainWindow, openai_server: OpenAIServer, loop: Loop, qtbot: Any
) -> None:
    openai_server.push(Error(401, code="invalid_api_key", on="chat"))
    send(window, loop, qtbot, "Question")
    error = window.chat_view.bubble(1).findChild(QLabel, "errorLabel")
    assert isinstance(error, QLabel) and "Provider → Credentials…" in error.text()
    # The window names its own menu: no "Settings" it does not have, no command to type.
    assert "Settings" not in error.text() and "roundtable" not in error.text()
    assert "OPENAI_API_KEY" in error.text()  # the window reads the same variables
    assert DEFAULT_KEY not in error.text()


def test_edit_and_resend(
    window: MainWindow, openai_server: OpenAIServer, loop: Loop, qtbot: Any
) -> None:
    send(window, loop, qtbot, "Frist question")
    qtbot.mouseClick(button(window, 0, "editButton"), Qt.MouseButton.LeftButton)
    assert window.composer.toPlainText() == "Frist question" and window.edit_strip.isVisible()
    window.composer.clear()
    send(window, loop, qtbot, "First question")
    assert window.chat_view.message_count() == 2
    assert window.chat_view.message_text(0) == "First question"
    assert window.chat_view.message_text(1) == "You said: First question"
    assert chat_requests(openai_server)[-1].body_dict["messages"] == [
        {"role": "user", "content": "First question"}
    ]
    assert not window.edit_strip.isVisible()


def test_keyboard_shift_enter_and_ctrl_n(
    window: MainWindow, openai_server: OpenAIServer, loop: Loop, qtbot: Any
) -> None:
    send(window, loop, qtbot, "One")
    qtbot.keyClicks(window.composer, "line one")
    qtbot.keyClick(window.composer, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(window.composer, "line two")
    assert window.composer.toPlainText() == "line one\nline two"
    assert len(chat_requests(openai_server)) == 1
    window.activateWindow()
    qtbot.keyClick(window.composer, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window.chat_view.message_count() == 0 and window.session.turns == []
    assert window.composer.toPlainText() == ""


def test_invalid_parameters_are_never_sent(
    window: MainWindow, openai_server: OpenAIServer, loop: Loop, qtbot: Any
) -> None:
    stop = window.settings_form.fields["stop"]
    assert isinstance(stop.editor, QPlainTextEdit)
    stop.editor.setPlainText('["END"')
    qtbot.keyClicks(window.composer, "Hello")
    qtbot.keyClick(window.composer, Qt.Key.Key_Return)
    assert window.banner.isVisible() and "stop" in window.banner.text.text()
    assert window.composer.toPlainText() == "Hello" and not window.session.busy
    assert chat_requests(openai_server) == []
    stop.editor.setPlainText('["END"]')
    assert not window.banner.isVisible()  # fixed: the banner no longer applies
    ended = loop.expect(window.answerEnded)
    qtbot.keyClick(window.composer, Qt.Key.Key_Return)
    loop.run(ended)
    assert chat_requests(openai_server)[-1].body_dict["stop"] == ["END"]
    assert not window.banner.isVisible()


def test_banners_go_when_they_stop_applying(
    window: MainWindow, openai_server: OpenAIServer, loop: Loop, qtbot: Any, tmp_path: Any
) -> None:
    openai_server.push(Stream(text="answer"))
    send(window, loop, qtbot, "Keep this")
    conversation = window.session.conversation_id
    panel = window.history_panel
    panel.export_path_hook = lambda suggested: str(tmp_path / suggested)
    panel.menu_for(conversation)
    panel.action("Export as Markdown…").trigger()
    assert window.banner.isVisible() and str(tmp_path) in window.banner.text.text()
    window.new_chat_action.trigger()  # the export note was about the conversation left
    assert not window.banner.isVisible()

    window.offer_login("OpenAI", "https://example.com/login")
    assert window.banner.isVisible() and "sign in" in window.banner.text.text()
    dialog = window.open_credentials("openai")
    assert dialog is not None
    loop.run(dialog.task)
    dialog.saved.emit("openai")  # signed in / key saved: the request to sign in is answered
    assert not window.banner.isVisible()
    dialog.reject()


def test_view_menu_shows_whether_the_panels_are_on(window: MainWindow, qtbot: Any) -> None:
    view = next(m for m in window.menuBar().findChildren(QMenu) if m.title() == "&View")
    items = {action.text(): action for action in view.actions()}
    parameters = items["Parameters"]
    assert parameters.isCheckable() and parameters.isChecked() and window.side_panel.isVisible()
    # A menu draws an action's icon in place of its check mark: the icon stays in the toolbar.
    for action in view.actions():
        if action.isCheckable():
            assert not action.isIconVisibleInMenu() or action.icon().isNull(), action.text()
    toggle = window.toolbar.widgetForAction(window.panel_action)
    qtbot.mouseClick(toggle, Qt.MouseButton.LeftButton)
    assert not parameters.isChecked() and not window.side_panel.isVisible()


# ----- links, theme, lifetime ---------------------------------------------------------------------


class UrlCatcher(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    @Slot(QUrl)
    def open_url(self, url: QUrl) -> None:
        self.urls.append(url.toString())


def test_links_open_only_http_after_a_click(window: MainWindow, qtbot: Any) -> None:
    catcher = UrlCatcher()
    for scheme in ("https", "http", "file", "javascript"):
        QDesktopServices.setUrlHandler(scheme, catcher, "open_url")
    try:
        window.chat_view.linkActivated.emit("https://example.com/docs")
        assert window.open_link("file:///etc/passwd") is False
        assert window.open_link("javascript:alert(1)") is False
        window.offer_login("Example", "http://127.0.0.1:9/auth")
        sign_in = window.banner.action_buttons()[0]
        assert catcher.urls == ["https://example.com/docs"]  # nothing opened by itself
        qtbot.mouseClick(sign_in, Qt.MouseButton.LeftButton)
        assert catcher.urls == ["https://example.com/docs", "http://127.0.0.1:9/auth"]
    finally:
        for scheme in ("https", "http", "file", "javascript"):
            QDesktopServices.unsetUrlHandler(scheme)


def test_theme_choice_is_applied_and_remembered(window: MainWindow) -> None:
    window.set_theme("dark")
    assert window.is_dark() and window.chat_view.is_dark()
    assert QApplication.palette().window().color().lightness() < 100
    assert Settings.load().theme == "dark"
    window.set_theme("light")
    assert not window.is_dark() and not window.chat_view.is_dark()
    assert QApplication.palette().window().color().lightness() > 150
    window.set_theme("system")
    assert Settings.load().theme == "system"


def test_closing_stops_the_answer_and_remembers_the_window(
    window: MainWindow, openai_server: OpenAIServer, loop: Loop, qtbot: Any
) -> None:
    openai_server.push(Stream(text="a b c", chunk_count=3, stall_after=1))
    ended = loop.expect(window.answerEnded)
    qtbot.keyClicks(window.composer, "go")
    qtbot.keyClick(window.composer, Qt.Key.Key_Return)
    loop.until(lambda: window.session.busy)
    window.close()
    loop.run(ended, timeout=3)
    assert window.session.turns[1].stopped
    assert Settings.load().geometry


@pytest.mark.keyring
@requires_secret_service
def test_a_key_entered_in_the_dialog_unlocks_the_provider(
    window: MainWindow, openai_server: OpenAIServer, loop: Loop, qtbot: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """The newcomer's path: pick a provider without a key, add it in the dialog, chat."""
    monkeypatch.setattr(Groq, "models", [])
    picker = window.provider_picker
    picker.setCurrentIndex(picker.findData("groq"))
    loop.run(window.models_task)
    add_key = next(b for b in window.banner.action_buttons() if b.text() == "Add key…")
    qtbot.mouseClick(add_key, Qt.MouseButton.LeftButton)
    dialog = window.credentials_dialog
    loop.run(dialog.task)
    qtbot.keyClicks(dialog.api_key, DEFAULT_KEY)
    qtbot.keyClicks(dialog.base_url, openai_server.base_url)  # Groq speaks OpenAI's format
    qtbot.mouseClick(
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton
    )
    loop.run(dialog.task)
    loop.run(window.credentials_task)
    loop.run(window.models_task)
    assert not picker.needs_key("groq") and picker.currentText() == "Groq"
    assert not window.banner.isVisible()
    models = [window.model_picker.itemText(i) for i in range(window.model_picker.count())]
    assert models == list(openai_server.models)
    window.model_picker.setCurrentIndex(0)
    send(window, loop, qtbot, "Hello Groq")
    assert window.chat_view.message_text(1) == "You said: Hello Groq"
    assert chat_requests(openai_server)[-1].header("authorization") == f"Bearer {DEFAULT_KEY}"


def test_a_parameter_edited_just_before_switching_provider_is_kept(
    window: MainWindow, loop: Loop
) -> None:
    temperature = window.settings_form.fields["temperature"].editor
    assert isinstance(temperature, QDoubleSpinBox)
    temperature.setValue(0.3)  # the settings file is written once typing pauses...
    window.provider_picker.select("anthropic")  # ...but the user switches first
    loop.run(window.models_task)
    assert Settings.load().params_for("openai").get("temperature") == pytest.approx(0.3)
