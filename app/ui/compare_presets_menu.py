"""The comparison's Presets button: reuse a named set of columns, save the current one, delete.

Presets live in the settings file (``app.core.compare_presets``), so they are there the next
time the window opens. The button only reports intent; the window applies a preset.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QInputDialog, QMenu, QToolButton, QWidget

from app.core.compare_presets import delete_preset, preset_names
from app.core.settings import Settings


class PresetsButton(QToolButton):
    """A menu of presets; ``chosen(name)`` to apply one, ``saveRequested(name)`` to save."""

    chosen = Signal(str)
    saveRequested = Signal(str)  # noqa: N815 - Qt signal naming

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.setObjectName("comparePresets")
        self.setText(self.tr("Presets"))
        self.setToolTip(self.tr("Reuse a saved set of columns, or save this one"))
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.menu_ = QMenu(self)
        self.setMenu(self.menu_)
        self.menu_.aboutToShow.connect(self.rebuild)
        #: Tests answer the name prompt with this (None: cancelled) instead of a dialog.
        self.name_hook: Callable[[], str | None] | None = None
        self.rebuild()

    def rebuild(self) -> None:
        menu = self.menu_
        menu.clear()
        names = preset_names(self.settings)
        for name in names:
            menu.addAction(name, lambda n=name: self.chosen.emit(n))
        if names:
            menu.addSeparator()
        menu.addAction(self.tr("Save these columns as a preset…"), self.ask_name)
        if names:
            delete = menu.addMenu(self.tr("Delete preset"))
            for name in names:
                delete.addAction(name, lambda n=name: self._delete(n))

    def ask_name(self) -> None:
        if self.name_hook is not None:
            name = self.name_hook()
        else:
            text, ok = QInputDialog.getText(
                self, self.tr("Save preset"), self.tr("Name of this set of columns:")
            )
            name = text if ok else None
        if name and name.strip():
            self.saveRequested.emit(name.strip())

    def _delete(self, name: str) -> None:
        delete_preset(self.settings, name)
        self.rebuild()
