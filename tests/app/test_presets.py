"""Prompt presets in the window: saved from the side panel (with provider, model and
parameters, or the prompt alone), kept in the settings across a restart, picked from the side
panel or beside the composer, renamed and deleted. Real widgets, the qasync loop, a loopback
server that shows what a request carried."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import QDoubleSpinBox

from app.core.presets import Preset, Presets
from app.core.settings import Settings
from app.ui.main_window import MainWindow
from app.ui.presets import SavePresetDialog
from tests.app.conftest import Loop, OpenWindow
from tests.app.test_history_panel import send
from tests.servers import OpenAIServer, Stream


@pytest.fixture
def window(open_window: OpenWindow) -> MainWindow:
    return open_window()


def save_preset(window: MainWindow, name: str, *, with_target: bool = True) -> None:
    window.side_panel.presets.save_action.trigger()
    dialog = window.presets.dialog
    assert isinstance(dialog, SavePresetDialog) and dialog.isVisible()
    dialog.name.setText(name)
    dialog.with_target.setChecked(with_target)
    dialog.accept()


def test_a_preset_round_trips_through_the_settings_and_a_restart(
    window: MainWindow, open_window: OpenWindow, openai_server: OpenAIServer, loop: Loop,
    qtbot: Any,
) -> None:  # fmt: skip
    window.model_picker.setCurrentIndex(window.model_picker.findText("gpt-4o"))
    temperature = window.settings_form.fields["temperature"].editor
    assert isinstance(temperature, QDoubleSpinBox)
    temperature.setValue(0.2)
    window.system_prompt.setPlainText("You review Python code.")
    save_preset(window, "  Code   reviewer ")
    save_preset(window, "Plain French", with_target=False)
    assert Presets(Settings.load()).all() == [
        Preset("Code reviewer", "You review Python code.", "openai", "gpt-4o",
               {"temperature": 0.2}),
        Preset("Plain French", "You review Python code."),
    ]  # fmt: skip
    assert window.side_panel.presets.current() == "Plain French"

    window.close()
    again = open_window()
    picker, button = again.side_panel.presets, again.conversation.preset_button
    assert [picker.combo.itemText(i) for i in range(1, picker.combo.count())] == [
        "Code reviewer", "Plain French",
    ]  # fmt: skip
    assert [a.text() for a in button.menu().actions() if a.text()][:2] == [
        "Code reviewer", "Plain French",
    ]  # fmt: skip
    again.system_prompt.setPlainText("")
    again.model_picker.setCurrentIndex(again.model_picker.findText("gpt-4o-mini"))
    again.settings_form.fields["temperature"].editor.setValue(1.0)

    next(a for a in button.menu().actions() if a.text() == "Code reviewer").trigger()
    assert again.system_prompt.toPlainText() == "You review Python code."
    assert again.current_model() == "gpt-4o" and picker.current() == "Code reviewer"
    openai_server.push(Stream(text="Looks fine."))
    send(again, loop, qtbot, "def f(): pass")
    body = [r for r in openai_server.requests if r.method == "POST"][-1].body_dict
    assert body["model"] == "gpt-4o" and body["temperature"] == 0.2
    assert body["messages"][0] == {"role": "system", "content": "You review Python code."}


def test_rename_delete_and_a_taken_name(window: MainWindow, qtbot: Any) -> None:
    window.system_prompt.setPlainText("Be brief.")
    save_preset(window, "Brief")
    save_preset(window, "Brief")  # taken: refused, said, nothing lost
    assert window.banner.isVisible() and "exists already" in window.banner.text.text()
    assert Presets(window.settings).names() == ["Brief"]

    picker = window.side_panel.presets
    picker.combo.setCurrentIndex(picker.combo.findData("Brief"))
    picker.rename_action.trigger()
    dialog = window.presets.dialog
    assert dialog is not None and dialog.isVisible()
    dialog.setTextValue("Terse")
    dialog.accept()
    assert Presets(Settings.load()).names() == ["Terse"] and picker.current() == "Terse"

    window.system_prompt.setPlainText("")
    picker.combo.setCurrentIndex(picker.combo.findData("Terse"))
    picker.combo.activated.emit(picker.combo.currentIndex())  # as a user's pick does
    assert window.system_prompt.toPlainText() == "Be brief."

    picker.delete_action.trigger()
    assert Presets(Settings.load()).names() == [] and picker.combo.count() == 1
    assert not picker.delete_action.isEnabled()


def test_a_preset_for_a_provider_not_installed_applies_its_prompt_and_says_so(
    window: MainWindow,
) -> None:
    Presets(window.settings).save(Preset("Gone", "Hello there.", "nosuchvendor", "m1"))
    window.presets.refresh()
    assert window.presets.apply("Gone")
    assert window.system_prompt.toPlainText() == "Hello there."
    assert window.provider_picker.current_id() == "openai"
    assert "not installed" in window.banner.text.text()
