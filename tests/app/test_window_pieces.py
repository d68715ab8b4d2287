"""The main window's pieces, each alone (no MainWindow): target bar, side panel, conversation pane.

Each piece is driven through its own widgets and signals, with the real core behind it (settings
file, ``ChatSession``, the loopback OpenAI server).
"""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QDoubleSpinBox, QLabel

from app.core.session import ChatSession, RequestConfig
from app.core.settings import Settings
from app.ui.conversation import ConversationPane
from app.ui.side_panel import SidePanel
from app.ui.target_bar import TargetBar
from providers.registry import get_provider
from tests.app.conftest import Loop
from tests.servers import DEFAULT_KEY, Error, OpenAIServer, Stream

# ----- target bar ---------------------------------------------------------------------------------


@pytest.fixture
def bar(
    qtbot: Any, openai_server: OpenAIServer, keyring_service: str, monkeypatch: pytest.MonkeyPatch
) -> TargetBar:
    monkeypatch.setenv("OPENAI_API_KEY", DEFAULT_KEY)
    settings = Settings.load()
    settings.provider_id = "openai"
    settings.set_connection_for("openai", base_url=openai_server.base_url, proxy=None)
    widget = TargetBar(settings)
    qtbot.addWidget(widget)
    return widget


def test_target_bar_lists_providers_and_live_models(
    bar: TargetBar, openai_server: OpenAIServer, loop: Loop
) -> None:
    openai_server.models = ["alpha-1", "gpt-4o-mini"]
    chosen: list[str] = []
    bar.providerChanged.connect(chosen.append)
    loaded = loop.expect(bar.modelsLoaded)
    bar.load_providers()
    assert loop.run(loaded) == ("openai",)
    assert "openai" in bar.provider_picker.ids() and bar.current_provider() is not None
    assert chosen == ["openai"]
    picker = bar.model_picker
    assert [picker.itemText(i) for i in range(picker.count())] == ["alpha-1", "gpt-4o-mini"]
    assert bar.current_model() == "gpt-4o-mini"


def test_target_bar_reports_a_failed_listing_through_its_signals(
    bar: TargetBar, openai_server: OpenAIServer, loop: Loop
) -> None:
    openai_server.push(Error(500, message="the model service is down", on="models"))
    notices: list[tuple[str, str, str, Any]] = []
    wanted: list[str] = []
    bar.notice.connect(lambda *args: notices.append(args))
    bar.credentialsRequested.connect(wanted.append)
    bar.load_providers()
    loop.run(bar.models_task)
    (tag, kind, text, actions) = next(n for n in notices if n[0] == "models")
    assert kind == "warning" and "Could not list the models of OpenAI" in text
    assert [label for label, _ in actions] == ["Retry", "Credentials…"]
    actions[1][1]()  # the banner's button
    assert wanted == ["openai"]


def test_target_bar_remembers_a_typed_model(bar: TargetBar, loop: Loop) -> None:
    bar.load_providers()
    loop.run(bar.models_task)
    assert bar.select("openai", "my-finetune")
    assert bar.current_model() == "my-finetune"
    assert Settings.load().model_for("openai") == "my-finetune"
    assert not bar.select("not-installed", "x")


# ----- side panel ---------------------------------------------------------------------------------


def test_side_panel_keeps_parameters_per_provider(qtbot: Any) -> None:
    panel = SidePanel(Settings.load())
    qtbot.addWidget(panel)
    panel.set_provider("openai", get_provider("openai"))
    temperature = panel.settings_form.fields["temperature"].editor
    assert isinstance(temperature, QDoubleSpinBox)
    temperature.setValue(0.3)
    assert panel.values()["temperature"] == pytest.approx(0.3)
    # Switching before the pause that saves: the edit is written for the provider it was made on.
    panel.set_provider("anthropic", get_provider("anthropic"))
    assert Settings.load().params_for("openai")["temperature"] == pytest.approx(0.3)
    assert "temperature" not in Settings.load().params_for("anthropic")
    panel.set_provider("openai", get_provider("openai"))
    assert panel.values()["temperature"] == pytest.approx(0.3)
    panel.set_system_prompt("Be brief.")
    assert panel.system_prompt_text() == "Be brief."


# ----- conversation pane --------------------------------------------------------------------------


def test_conversation_pane_sends_through_its_session(
    qtbot: Any, loop: Loop, openai_server: OpenAIServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", DEFAULT_KEY)
    openai_server.push(Stream(text="Hello there", chunk_count=2))
    prepared: list[bool] = []

    def prepare() -> bool:
        prepared.append(True)
        return True

    pane = ConversationPane(prepare)
    qtbot.addWidget(pane)
    config = RequestConfig(
        provider=get_provider("openai"), provider_id="openai", model="gpt-4o-mini",
        base_url=openai_server.base_url,
    )  # fmt: skip
    pane.attach(ChatSession(config, listener=pane.listener))  # type: ignore[arg-type]
    pane.show()
    assert pane.empty_state.isVisible()
    ended = loop.expect(pane.answerEnded)
    pane.composer.setPlainText("Hi")
    qtbot.keyClick(pane.composer, Qt.Key.Key_Return)
    assert loop.run(ended) == (1,)
    assert prepared == [True]
    assert pane.chat_view.message_count() == 2 and pane.chat_view.message_text(1) == "Hello there"
    assert pane.composer.toPlainText() == "" and not pane.empty_state.isVisible()

    pane.new_chat()
    assert pane.chat_view.message_count() == 0 and pane.empty_state.isVisible()


def test_conversation_pane_sends_nothing_when_prepare_refuses(qtbot: Any) -> None:
    pane = ConversationPane(lambda: False)
    qtbot.addWidget(pane)
    config = RequestConfig(provider=get_provider("openai"), provider_id="openai")
    session = ChatSession(config, listener=pane.listener)  # type: ignore[arg-type]
    pane.attach(session)
    pane.composer.setPlainText("Hi")
    pane.send()
    assert session.turns == [] and pane.composer.toPlainText() == "Hi"


def test_conversation_pane_shows_a_widget_in_place_of_the_messages(qtbot: Any) -> None:
    pane = ConversationPane(lambda: True)
    qtbot.addWidget(pane)
    pane.show()
    instead = QLabel("Welcome")
    pane.show_instead(instead)
    assert pane.shown_instead() is instead and instead.isVisible()
    assert not pane.chat_view.isVisible()
    assert pane.composer.isVisible() and pane.send_button.isVisible()  # the composer stays
    pane.show_instead(instead)  # again: still one page for it
    pane.show_messages()
    assert pane.shown_instead() is None and pane.chat_view.isVisible() and not instead.isVisible()


def _drawn(pane: ConversationPane) -> QImage:
    """The composer as it is on the screen now (the window's backing store, not a re-render)."""
    corner = pane.composer.mapTo(pane, QPoint(0, 0))
    window = pane.windowHandle()
    assert window is not None
    image = window.screen().grabWindow(pane.winId()).toImage()
    return image.copy(corner.x(), corner.y(), pane.composer.width(), pane.composer.height())


def test_the_composer_placeholder_is_redrawn_when_the_target_changes(qtbot: Any) -> None:
    """The welcome screen's scan changes the target under an empty, visible composer: its
    placeholder must show the new one (Qt alone repaints only when it appears or goes)."""
    pane = ConversationPane(lambda: True)
    qtbot.addWidget(pane)
    pane.resize(700, 500)
    pane.show()
    qtbot.waitExposed(pane)
    pane.composer.clearFocus()  # no blinking cursor: only the placeholder can change the pixels
    pane.set_target("OpenAI", "gpt-4o-mini")
    qtbot.wait(50)
    before = _drawn(pane)
    qtbot.wait(600)  # longer than a cursor blink
    assert _drawn(pane) == before
    pane.set_target("Local model", "SmolLM2-135M-Instruct.Q4_1")
    text = pane.composer.placeholderText()
    assert "Local model" in text and "SmolLM2-135M-Instruct.Q4_1" in text
    qtbot.waitUntil(lambda: _drawn(pane) != before, timeout=2000)
