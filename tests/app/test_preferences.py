"""Preferences (Edit → Preferences…) and the Help menu on the real window: each setting takes
effect (theme at once, the proxy on the next request, the default provider at the next start,
clearing the history empties it), and Help's lists come from the window and the installed
metadata. Real widgets, the qasync loop, loopback servers, the real keyring."""

from __future__ import annotations

from importlib import metadata
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox

from app.core.settings import Settings
from app.ui.help_dialogs import AboutDialog, DocsDialog, ShortcutsDialog
from app.ui.main_window import MainWindow
from app.ui.preferences import PreferencesDialog
from tests.app.conftest import Loop, OpenWindow
from tests.app.test_history_panel import send
from tests.servers import OpenAIServer, Stream

#: Never resolved: a request for it only arrives if it went through the proxy.
REMOTE = "http://api.example.invalid/v1"


@pytest.fixture
def window(open_window: OpenWindow) -> MainWindow:
    return open_window()


def preferences(window: MainWindow, qtbot: Any) -> PreferencesDialog:
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    dialog = window.dialogs.current
    assert isinstance(dialog, PreferencesDialog) and dialog.isVisible()
    return dialog


def choose(combo: Any, value: str) -> None:
    index = combo.findData(value)
    assert index >= 0, value
    combo.setCurrentIndex(index)


def test_the_theme_switches_at_once_and_is_remembered(window: MainWindow, qtbot: Any) -> None:
    dialog = preferences(window, qtbot)
    assert dialog.theme.currentData() == "system"
    choose(dialog.theme, "dark")
    assert window.is_dark() and window.theme_actions["dark"].isChecked()
    assert QApplication.palette().window().color().lightness() < 128
    assert Settings.load().theme == "dark"
    choose(dialog.theme, "light")
    assert not window.is_dark() and Settings.load().theme == "light"


def test_the_language_choice_is_stored_for_the_translations(window: MainWindow, qtbot: Any) -> None:
    dialog = preferences(window, qtbot)
    with qtbot.waitSignal(dialog.languageChosen, timeout=1000) as chosen:
        choose(dialog.language, "ru")
    assert chosen.args == ["ru"] and Settings.load().get("language") == "ru"
    choose(dialog.language, "system")
    assert Settings.load().get("language") == "system"


def test_the_proxy_for_all_providers_reaches_the_next_request(
    window: MainWindow, loop: Loop, qtbot: Any
) -> None:
    window.settings.set_connection_for("openai", base_url=REMOTE, proxy=None)
    with OpenAIServer() as proxy:
        proxy.push(Stream(text="through the proxy"))
        dialog = preferences(window, qtbot)
        dialog.proxy.setFocus()
        qtbot.keyClicks(dialog.proxy, proxy.url)
        qtbot.keyClick(dialog.proxy, Qt.Key.Key_Return)  # editing finished: saved
        assert not dialog.proxy_error.isVisible() and Settings.load().proxy == proxy.url
        dialog.close()
        index = send(window, loop, qtbot, "hi")
        assert window.chat_view.message_text(index) == "through the proxy"
        assert [r.path for r in proxy.requests if r.method == "POST"] == ["/v1/chat/completions"]
        window.load_models()  # the model list goes the same way
        loop.run(window.models_task)
        assert "/v1/models" in [r.path for r in proxy.requests if r.method == "GET"]


def test_a_bad_proxy_is_refused_with_what_to_type(window: MainWindow, qtbot: Any) -> None:
    dialog = preferences(window, qtbot)
    for bad, said in (
        ("ftp://proxy:21", "starts with http://"),
        ("http://user:pw@proxy:8080", "keyring"),
    ):
        dialog.proxy.setText(bad)
        dialog.proxy.editingFinished.emit()
        assert dialog.proxy_error.isVisible() and said in dialog.proxy_error.text()
        assert Settings.load().proxy is None  # nothing saved, nothing lost
        assert dialog.proxy.text() == bad


def test_the_default_provider_and_model_are_used_at_the_next_start(
    window: MainWindow, qtbot: Any, loop: Loop
) -> None:
    dialog = preferences(window, qtbot)
    assert dialog.default_provider.currentData() == ""  # the last one used, by default
    choose(dialog.default_provider, "ollama")
    dialog.default_model.setEditText("llama3.2:1b")
    dialog.default_model.lineEdit().editingFinished.emit()
    window.target.provider_picker.select("openai")  # the last one used is another
    assert Settings.load().provider_id == "openai"

    window.close()
    again = MainWindow(Settings.load())
    qtbot.addWidget(again)
    again.start()
    assert again.provider_picker.current_id() == "ollama"
    assert again.current_model() == "llama3.2:1b"
    loop.run(again.credentials_task)


def test_clearing_the_history_asks_first_then_empties_it(
    window: MainWindow, openai_server: OpenAIServer, loop: Loop, qtbot: Any
) -> None:
    openai_server.push(Stream(text="kept until cleared"))
    send(window, loop, qtbot, "remember me")
    assert window.history is not None and len(window.history.conversations()) == 1
    dialog = preferences(window, qtbot)
    assert dialog.size_label.text().endswith(("kB", "MB", " bytes"))

    box = dialog.confirm_clear()
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert len(window.history.conversations()) == 1  # cancelled: nothing lost

    box = dialog.confirm_clear()
    assert "cannot be undone" in box.text()
    with qtbot.waitSignal(dialog.historyCleared, timeout=2000):
        next(b for b in box.buttons() if b.text() == "Delete all").click()
    assert window.history.conversations() == []
    assert window.history_panel.ids() == [] and window.history_panel.empty.isVisible()
    assert window.chat_view.message_count() == 0 and window.session.conversation_id is None


def test_where_keys_are_kept_is_the_keyrings_name(
    window: MainWindow, loop: Loop, qtbot: Any
) -> None:
    dialog = preferences(window, qtbot)
    loop.run(dialog.keys_task)
    assert "system keyring" in dialog.keys_label.text()
    assert "SecretService" in dialog.keys_label.text() or "Keyring" in dialog.keys_label.text()


# ----- Help ---------------------------------------------------------------------------------------


def test_shortcuts_come_from_the_windows_own_actions(window: MainWindow, qtbot: Any) -> None:
    window.actions.shortcuts.trigger()
    dialog = window.dialogs.current
    assert isinstance(dialog, ShortcutsDialog) and dialog.isVisible()
    table = dialog.table
    rows = {table.item(r, 0).text(): table.item(r, 1).text() for r in range(table.rowCount())}
    native = QKeySequence.SequenceFormat.NativeText
    assert rows["Preferences"] == QKeySequence("Ctrl+,").toString(native)
    assert rows["New chat"] == QKeySequence(QKeySequence.StandardKey.New).toString(native)
    assert rows["Stop the answer, or leave the edit"] == "Esc"
    assert "Keyboard shortcuts" in rows and "Compare side by side" in rows

    window.actions.compare.setShortcut(QKeySequence("Ctrl+Alt+J"))  # not a hard-coded copy
    window.actions.shortcuts.trigger()
    table = window.dialogs.current.table
    rows = {table.item(r, 0).text(): table.item(r, 1).text() for r in range(table.rowCount())}
    assert rows["Compare side by side"] == QKeySequence("Ctrl+Alt+J").toString(native)


def test_about_lists_the_installed_libraries_with_their_licences(
    window: MainWindow, qtbot: Any
) -> None:
    window.actions.about.trigger()
    dialog = window.dialogs.current
    assert isinstance(dialog, AboutDialog)
    table = dialog.table
    rows = {
        table.item(r, 0).text(): (table.item(r, 1).text(), table.item(r, 2).text())
        for r in range(table.rowCount())
    }
    assert rows["httpx"] == (metadata.version("httpx"), "BSD-3-Clause")
    assert rows["keyring"][0] == metadata.version("keyring")
    assert any(name.lower().startswith("pyside6") for name in rows)
    assert "pytest" not in rows and "ruff" not in rows  # test tools do not ship
    title = dialog.findChild(QLabel, "aboutTitle")
    assert title is not None and metadata.version("roundtable") in title.text()


def test_documentation_shows_the_installed_readme(window: MainWindow, qtbot: Any) -> None:
    window.actions.docs.trigger()
    dialog = window.dialogs.current
    assert isinstance(dialog, DocsDialog)
    assert "Roundtable" in dialog.browser.toPlainText()
    assert metadata.metadata("roundtable").json["description"].splitlines()[0].strip("# ") in (
        dialog.browser.toPlainText()
    )


def test_the_command_line_uses_the_proxy_for_all_providers_too(tmp_path: Any) -> None:
    from app.cli_connection import connection_options
    from providers.registry import get_provider

    settings = Settings(tmp_path / "settings.json")
    settings.proxy = "http://127.0.0.1:3128"
    openai = get_provider("openai")
    assert connection_options(openai, "openai", settings=settings)["proxy"] == settings.proxy
    settings.set_connection_for("openai", base_url=None, proxy="http://127.0.0.1:8888")
    assert connection_options(openai, "openai", settings=settings)["proxy"].endswith(":8888")
    assert connection_options(openai, "openai", proxy="http://x:1", settings=settings) == {
        "proxy": "http://x:1"
    }
