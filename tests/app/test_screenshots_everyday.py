"""Screenshots of Preferences, a message with versions and the keyboard shortcuts, light and
dark: ``docs/screenshots/preferences-*.png``, ``versions-*.png``, ``shortcuts-*.png`` (look at
them after a visual change). Real widgets; the answers come from the loopback OpenAI server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QToolButton, QWidget

from app.ui.main_window import MainWindow
from app.ui.preferences import PreferencesDialog
from tests.app.conftest import Loop, OpenWindow
from tests.app.test_history_panel import send
from tests.servers import OpenAIServer, Stream

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def save(widget: QWidget, name: str, minimum: QSize) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    image = widget.grab().toImage()
    assert image.width() >= minimum.width() and image.height() >= minimum.height()
    target = SHOTS / name
    assert image.save(str(target))
    assert target.stat().st_size > 5_000


@pytest.fixture
def window(open_window: OpenWindow, openai_server: OpenAIServer) -> MainWindow:
    openai_server.models = ["gpt-4o-mini", "gpt-4o", "gpt-4.1"]
    return open_window()


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_versions_screenshot(
    window: MainWindow, openai_server: OpenAIServer, loop: Loop, qtbot: Any, theme: str
) -> None:
    window.set_theme(theme)
    window.resize(QSize(1100, 620))
    openai_server.push(
        Stream(text="A platypus is a mammal that lays eggs."),
        Stream(text="The platypus: an egg-laying, venomous, duck-billed mammal of Australia."),
    )
    send(window, loop, qtbot, "Describe the platypus in one sentence.")
    ended = loop.expect(window.answerEnded)
    button = window.chat_view.bubble(1).findChild(QToolButton, "regenerateButton")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    loop.run(ended)
    loop.idle(0.2)
    save(window, f"versions-{theme}.png", QSize(1100, 620))


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_preferences_and_shortcuts_screenshots(window: MainWindow, loop: Loop, theme: str) -> None:
    window.set_theme(theme)
    window.settings.proxy = "http://proxy.example:8080"
    dialog = window.dialogs.open_preferences()
    assert isinstance(dialog, PreferencesDialog)
    loop.run(dialog.keys_task)
    dialog.resize(dialog.sizeHint().expandedTo(QSize(560, 0)))
    loop.idle(0.1)
    save(dialog, f"preferences-{theme}.png", QSize(560, 400))
    dialog.close()

    shortcuts = window.dialogs.open_shortcuts()
    loop.idle(0.1)
    save(shortcuts, f"shortcuts-{theme}.png", QSize(400, 300))
    shortcuts.close()
