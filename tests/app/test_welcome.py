"""The welcome screen (app/ui/welcome.py): real widgets, real loopback servers, no keyring."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QLabel, QPushButton

from app.core import first_run
from app.core.first_run import Server
from app.ui import theme
from app.ui.welcome import OptionCard, WelcomeScreen
from tests.app.conftest import Loop
from tests.app.test_first_run import StarterModel, without_local
from tests.servers import OllamaServer, OpenWebUIServer

SCREENSHOTS = Path("/tmp")  # noqa: S108 - looked at by hand, not read back by tests
ENV_KEY = "test-key-welcome-5150"


@pytest.fixture
def silent_port() -> Iterator[int]:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield listener.getsockname()[1]


@pytest.fixture
def welcome(qtbot: Any, loop: Loop, no_keyring: None) -> Iterator[Any]:
    def open_(servers: list[Server], **kwargs: Any) -> WelcomeScreen:
        kwargs.setdefault("providers", without_local())
        kwargs.setdefault("bound", 10.0)  # generous unless the test is about the bound
        screen = WelcomeScreen(servers=servers, **kwargs)
        qtbot.addWidget(screen)
        screen.resize(760, 640)
        screen.show()
        return screen

    yield open_
    theme.apply_theme("system")


def card(screen: WelcomeScreen, provider_id: str) -> OptionCard:
    (found,) = [c for c in screen.cards if c.option.provider_id == provider_id]
    return found


def texts(widget: Any) -> list[str]:
    found = [label.text() for label in widget.findChildren(QLabel)]
    found += [button.text() for button in widget.findChildren(QPushButton)]
    found += [w.accessibleName() for w in widget.findChildren(QPushButton)]
    return found


def click(qtbot: Any, widget: Any) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def test_it_looks_then_offers_one_button_per_option(
    welcome: Any, loop: Loop, qtbot: Any, monkeypatch: pytest.MonkeyPatch,
    ollama_server: OllamaServer, openwebui_server: OpenWebUIServer,
) -> None:  # fmt: skip
    monkeypatch.setenv("ANTHROPIC_API_KEY", ENV_KEY)
    servers = [
        Server("ollama", ollama_server.base_url),
        Server("openwebui", openwebui_server.url),
    ]
    screen = welcome(servers)
    screen.start()
    assert screen.spinner.isVisible() and "Looking" in screen.status.text()
    assert not screen.rescan.isEnabled()
    loop.run(screen.task)
    assert not screen.spinner.isVisible() and screen.rescan.isEnabled()
    assert [c.option.provider_id for c in screen.cards] == ["ollama", "openwebui", "anthropic"]
    assert screen.status.text() == "Ready to chat: 2 found."

    ollama = card(screen, "ollama")
    assert ollama.button is not None and ollama.button.text() == "Chat"
    assert ollama.button.accessibleName() == "Chat with Ollama"
    assert ollama_server.base_url in ollama.detail.text()
    chat = loop.expect(screen.chat_requested)
    click(qtbot, ollama.button)
    assert loop.run(chat) == ("ollama", ollama_server.models[0])

    webui = card(screen, "openwebui")
    assert webui.button is not None and webui.button.text() == "Sign in…"
    assert "sign in" in webui.detail.text()
    wanted = loop.expect(screen.credentials_requested)
    click(qtbot, webui.button)
    assert loop.run(wanted) == ("openwebui",)

    anthropic = card(screen, "anthropic")
    assert anthropic.detail.text() == "Key found in ANTHROPIC_API_KEY."
    # The key in the environment is preselected (something the user configured).
    assert screen.preselected() == anthropic.option
    assert anthropic.button is not None and anthropic.button.isDefault()
    assert not any(ENV_KEY in text or ENV_KEY[-4:] in text for text in texts(screen))

    screen.cloud.setCurrentIndex(screen.cloud.findData("openai"))
    wanted = loop.expect(screen.credentials_requested)
    click(qtbot, screen.add_key)
    assert loop.run(wanted) == ("openai",)
    assert screen.keyring_note.isVisible() and "OPENAI_API_KEY" in screen.keyring_note.text()


def test_the_scan_never_blocks_the_window(welcome: Any, loop: Loop, silent_port: int) -> None:
    """Every port hangs: the GUI thread keeps running, and the scan ends at its bound."""
    servers = [Server(pid, f"http://127.0.0.1:{silent_port}") for pid in first_run.LOCAL_SERVERS]
    screen = welcome(servers, bound=first_run.SCAN_BOUND)
    ticks: list[float] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start(20)
    started = time.monotonic()
    loop.run(screen.start())
    elapsed = time.monotonic() - started
    timer.stop()
    assert elapsed < first_run.SCAN_BOUND + 2.0
    assert len(ticks) >= 5  # Qt's timers fired all along: nothing waited on the GUI thread
    assert screen.cards == []
    assert screen.status.text().startswith("Nothing found on this computer.")
    assert screen.add_key.isDefault()


def test_server_text_is_shown_as_text(
    welcome: Any, loop: Loop, ollama_server: OllamaServer
) -> None:
    ollama_server.models = ["<img src=http://example.invalid/x.png>", "llama3.2:latest"]
    screen = welcome([Server("ollama", ollama_server.base_url)])
    loop.run(screen.start())
    detail = card(screen, "ollama").detail
    assert detail.textFormat() == Qt.TextFormat.PlainText
    assert "<img src=http://example.invalid/x.png>" in detail.text()


def background_at(screen: WelcomeScreen) -> QColor:
    image = screen.grab().toImage()
    return image.pixelColor(6, image.height() - 6)


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_screenshot_without_clipping(
    welcome: Any, loop: Loop, qtbot: Any, dark: bool, monkeypatch: pytest.MonkeyPatch,
    ollama_server: OllamaServer, openwebui_server: OpenWebUIServer,
) -> None:  # fmt: skip
    monkeypatch.setenv("GROQ_API_KEY", "test-key-screenshot-7000")
    ollama_server.models = ["llama3.2:latest", "qwen3:8b", "gemma3:4b", "mistral:7b"]
    theme.apply_theme("dark" if dark else "light")
    servers = [
        Server("ollama", ollama_server.base_url),
        Server("openwebui", openwebui_server.url),
    ]
    screen = welcome(servers, providers={**without_local(), "local": StarterModel})
    screen.set_dark(dark)
    scheme = "dark" if dark else "light"
    task = screen.start()
    QApplication.processEvents()
    assert screen.grab().save(str(SCREENSHOTS / f"roundtable-welcome-looking-{scheme}.png"))
    loop.run(task)
    QApplication.processEvents()
    assert screen.grab().save(str(SCREENSHOTS / f"roundtable-welcome-{scheme}.png"))
    assert background_at(screen).name() == theme.palette_for(dark).background
    assert [c.option.provider_id for c in screen.cards] == ["local", "ollama", "openwebui", "groq"]
    assert screen.preselected() == card(screen, "groq").option  # a configured key first
    assert_nothing_clipped(screen)

    screen.resize(420, 640)  # a narrow window: text wraps, buttons keep their size
    QApplication.processEvents()
    assert screen.grab().save(str(SCREENSHOTS / f"roundtable-welcome-narrow-{scheme}.png"))
    assert_nothing_clipped(screen)


def assert_nothing_clipped(screen: WelcomeScreen) -> None:
    for option_card in screen.cards:
        for label in (option_card.title, option_card.detail):
            assert label.height() >= label.heightForWidth(label.width()), label.text()
        if option_card.button is not None:
            assert option_card.button.width() >= option_card.button.sizeHint().width()
            assert option_card.button.height() >= option_card.button.sizeHint().height()
            assert option_card.button.accessibleName()
    for button in (screen.add_key, screen.rescan):
        assert button.width() >= button.sizeHint().width()
