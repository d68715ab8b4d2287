"""Prompt presets in the window: the save dialog and ``PresetController``, which fills the side
panel's picker and the composer's button (``preset_widgets``), applies a preset (its system
prompt, and when the preset names them: provider, model, parameters) and creates, renames and
deletes presets.

The presets themselves live in ``app.core.presets`` (kept in ``Settings``).
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QInputDialog,
    QLineEdit,
    QWidget,
)

from app.core.presets import Preset, PresetError, Presets
from app.core.settings import SecretInSettingsError, Settings

from .banner import Banner
from .conversation import ConversationPane
from .side_panel import SidePanel
from .target_bar import TargetBar


class SavePresetDialog(QDialog):
    """A name, and whether the provider, model and parameters go into the preset too."""

    def __init__(self, suggested: str, target: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("savePresetDialog")
        self.setWindowTitle(self.tr("Save as preset"))
        self.name = QLineEdit(suggested)
        self.name.setObjectName("presetName")
        self.name.setPlaceholderText(self.tr("e.g. Code reviewer"))
        self.with_target = QCheckBox(self.tr("Also use {0} and these parameters").format(target))
        self.with_target.setObjectName("presetWithTarget")
        self.with_target.setChecked(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(self.tr("&Name:"), self.name)
        form.addRow("", self.with_target)
        form.addRow(buttons)


class PresetHost(Protocol):
    """What applying and saving presets needs of the main window (its pieces)."""

    settings: Settings
    target: TargetBar
    banner: Banner
    side_panel: SidePanel
    conversation: ConversationPane


class PresetController:
    """Keeps the two pickers filled and carries out what they ask."""

    def __init__(self, window: QWidget, host: PresetHost) -> None:
        self.window = window
        self.host = host
        self.presets = Presets(host.settings)
        self.dialog: QDialog | None = None  # the open save/rename dialog (tests answer it)
        picker, button = host.side_panel.presets, host.conversation.preset_button
        picker.chosen.connect(self.apply)
        button.chosen.connect(self.apply)
        picker.saveRequested.connect(self.ask_save)
        button.saveRequested.connect(self.ask_save)
        picker.renameRequested.connect(self.ask_rename)
        picker.deleteRequested.connect(self.delete)
        self.refresh()

    def refresh(self, current: str = "") -> None:
        picker, button = self.host.side_panel.presets, self.host.conversation.preset_button
        names = self.presets.names()
        picker.set_names(names, current)
        button.set_names(names)

    def apply(self, name: str) -> bool:
        """Use preset ``name``: its system prompt, and its provider, model and parameters."""
        preset = self.presets.get(name)
        if preset is None:
            return False
        host = self.host
        host.banner.dismiss("presets")
        provider = preset.provider
        if provider and provider not in host.target.providers:
            host.banner.show_message(
                "presets", "info",
                QCoreApplication.translate("PresetController",
                    "The preset “{0}” names the provider “{1}”, which is not installed: only "
                    "its system prompt was applied."
                ).format(name, provider),
            )  # fmt: skip
            provider = None
        panel = host.side_panel
        panel.set_system_prompt(preset.system_prompt)
        if provider:
            if preset.params:
                panel.save_params()  # pending edits first, then the preset's values over them
                host.settings.set_params_for(provider, preset.params)
            current = host.target.current_provider()
            host.target.select(provider, preset.model or "")
            if current is not None and current[0] == provider and preset.params:
                panel.set_provider(provider, current[1])  # the form shows the preset's values
        self.refresh(name)
        return True

    def ask_save(self) -> SavePresetDialog:
        target = self.host.target.current_label()
        model = self.host.target.current_model()
        dialog = SavePresetDialog("", f"{target} · {model}" if model else target, self.window)
        dialog.accepted.connect(lambda: self._save(dialog))
        dialog.finished.connect(lambda _result: dialog.deleteLater())
        self.dialog = dialog
        dialog.open()
        return dialog

    def _save(self, dialog: SavePresetDialog) -> None:
        host = self.host
        current = host.target.current_provider()
        with_target = dialog.with_target.isChecked() and current is not None
        preset = Preset(
            name=dialog.name.text(),
            system_prompt=host.side_panel.system_prompt_text(),
            provider=current[0] if with_target and current else None,
            model=(host.target.current_model() or None) if with_target else None,
            params=host.side_panel.values() if with_target else {},
        )
        try:
            saved = self.presets.save(preset)
        except (PresetError, SecretInSettingsError) as error:
            self._refused(str(error))
            return
        self.refresh(saved.name)

    def ask_rename(self, name: str) -> QInputDialog | None:
        if not name:
            return None
        dialog = QInputDialog(self.window)
        dialog.setObjectName("renamePresetDialog")
        dialog.setWindowTitle(QCoreApplication.translate("PresetController", "Rename preset"))
        dialog.setLabelText(
            QCoreApplication.translate("PresetController", "New name for “{0}”:").format(name)
        )
        dialog.setTextValue(name)
        dialog.textValueSelected.connect(lambda new: self._rename(name, new))
        dialog.finished.connect(lambda _result: dialog.deleteLater())
        self.dialog = dialog
        dialog.open()
        return dialog

    def _rename(self, old: str, new: str) -> None:
        try:
            self.presets.rename(old, new)
        except PresetError as error:
            self._refused(str(error))
            return
        self.refresh(" ".join(new.split()))

    def delete(self, name: str) -> None:
        if name:
            self.presets.delete(name)
            self.refresh()

    def _refused(self, text: str) -> None:
        self.host.banner.show_message(
            "presets",
            "error",
            QCoreApplication.translate("PresetController", "The preset was not saved: {0}").format(
                text
            ),
        )
