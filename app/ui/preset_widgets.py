"""The preset widgets the side panel and the conversation pane host: ``PresetPicker`` (a combo
box of presets and a ⋯ menu to manage them) and ``PresetButton`` (beside the composer). They only
show names and emit signals; ``app/ui/presets.py`` does what they ask.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QMenu, QToolButton, QWidget


class PresetPicker(QWidget):
    """The side panel's preset row: a combo box of presets and a ⋯ menu to manage them."""

    chosen = Signal(str)  # a preset's name
    saveRequested = Signal()  # noqa: N815 - "Save as preset…"
    renameRequested = Signal(str)  # noqa: N815
    deleteRequested = Signal(str)  # noqa: N815

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("presetPicker")
        self.combo = QComboBox()
        self.combo.setObjectName("presetCombo")
        self.combo.setAccessibleName(self.tr("Prompt preset"))
        self.combo.setToolTip(self.tr("Apply a saved system prompt (and its provider and model)"))
        self.combo.activated.connect(self._activated)
        self.menu = QMenu(self)
        self.save_action = self.menu.addAction(self.tr("Save as preset…"))
        self.rename_action = self.menu.addAction(self.tr("Rename preset…"))
        self.delete_action = self.menu.addAction(self.tr("Delete preset"))
        self.save_action.triggered.connect(self.saveRequested.emit)
        self.rename_action.triggered.connect(lambda: self.renameRequested.emit(self.current()))
        self.delete_action.triggered.connect(lambda: self.deleteRequested.emit(self.current()))
        self.manage = QToolButton()
        self.manage.setObjectName("managePresets")
        self.manage.setText("⋯")
        self.manage.setToolTip(self.tr("Save, rename or delete presets"))
        self.manage.setAccessibleName(self.tr("Manage presets"))
        self.manage.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.manage.setMenu(self.menu)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.combo, 1)
        row.addWidget(self.manage)
        self.set_names([])

    def set_names(self, names: list[str], current: str = "") -> None:
        self.combo.blockSignals(True)
        try:
            self.combo.clear()
            self.combo.addItem(self.tr("No preset") if names else self.tr("No presets yet"), "")
            for name in names:
                self.combo.addItem(name, name)
            self.combo.setCurrentIndex(max(0, self.combo.findData(current)))
        finally:
            self.combo.blockSignals(False)
        self._enable()

    def current(self) -> str:
        return str(self.combo.currentData() or "")

    def _activated(self, _index: int) -> None:
        self._enable()
        if self.current():
            self.chosen.emit(self.current())

    def _enable(self) -> None:
        self.rename_action.setEnabled(bool(self.current()))
        self.delete_action.setEnabled(bool(self.current()))


class PresetButton(QToolButton):
    """Beside the composer: a menu of the presets, and "Save as preset…"."""

    chosen = Signal(str)
    saveRequested = Signal()  # noqa: N815

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("presetButton")
        self.setText(self.tr("Presets"))
        self.setToolTip(self.tr("Apply a prompt preset"))
        self.setAutoRaise(True)
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setMenu(QMenu(self))
        self.set_names([])

    def set_names(self, names: list[str]) -> None:
        menu = self.menu()
        assert menu is not None
        menu.clear()
        for name in names:
            action = menu.addAction(name)
            action.triggered.connect(lambda _=False, n=name: self.chosen.emit(n))
        if names:
            menu.addSeparator()
        menu.addAction(self.tr("Save as preset…")).triggered.connect(self.saveRequested.emit)
