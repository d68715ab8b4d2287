"""The main window's Preferences and Help dialogs: opening them and applying what they change
(the language chosen there or in View → Language goes to ``host.set_language``).

Kept out of ``MainWindow`` (which only creates this and hands it the actions) so the window stays
one job; it reaches the window only through the ``DialogHost`` surface below.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, TypeVar

from PySide6.QtWidgets import QDialog, QWidget

from app.core.history import History
from app.core.settings import Settings
from providers.lazy import lazy_module

from .history_panel import HistoryPanel
from .target_bar import TargetBar
from .window_actions import WindowActions

if TYPE_CHECKING:
    from . import help_dialogs, preferences
    from .help_dialogs import AboutDialog, DocsDialog, ShortcutsDialog
    from .preferences import PreferencesDialog
else:  # when a dialog is opened (or by the window's warm-up)
    help_dialogs = lazy_module("app.ui.help_dialogs")
    preferences = lazy_module("app.ui.preferences")

_D = TypeVar("_D", bound=QDialog)


class DialogHost(Protocol):
    """What the dialogs need of the main window (its public surface)."""

    settings: Settings
    history: History | None
    target: TargetBar
    history_panel: HistoryPanel
    actions: WindowActions

    def set_theme(self, choice: str) -> None: ...
    def set_language(self, choice: str) -> None: ...
    def new_chat(self) -> None: ...
    def open_link(self, url: str) -> bool: ...


class WindowDialogs:
    """Opens each dialog window-modal (never a nested event loop); the last one is kept for
    tests and screenshots."""

    def __init__(self, window: QWidget, host: DialogHost) -> None:
        self.window = window
        self.host = host
        self.current: QDialog | None = None

    def connect(self) -> None:
        actions = self.host.actions
        actions.preferences.triggered.connect(lambda: self.open_preferences())
        actions.shortcuts.triggered.connect(lambda: self.open_shortcuts())
        actions.docs.triggered.connect(lambda: self.open_docs())
        actions.about.triggered.connect(lambda: self.open_about())
        for choice, action in actions.languages.items():
            action.triggered.connect(lambda _=False, c=choice: self.host.set_language(c))

    def open_preferences(self) -> PreferencesDialog:
        host = self.host
        dialog = preferences.PreferencesDialog(
            host.settings, host.target.providers, host.history, self.window
        )
        dialog.themeChosen.connect(host.set_theme)
        dialog.languageChosen.connect(host.set_language)
        dialog.historyCleared.connect(self._history_cleared)
        return self._show(dialog)

    def _history_cleared(self) -> None:
        self.host.new_chat()  # the open conversation is gone: a new one starts
        self.host.history_panel.refresh()

    def open_shortcuts(self) -> ShortcutsDialog:
        actions = self.host.actions
        toolbar = [actions.credentials, actions.panel, actions.new_chat]
        shortcuts = help_dialogs.action_shortcuts(self.window, toolbar)
        return self._show(help_dialogs.ShortcutsDialog(shortcuts, self.window))

    def open_docs(self) -> DocsDialog:
        return self._show(help_dialogs.DocsDialog(self.host.open_link, self.window))

    def open_about(self) -> AboutDialog:
        return self._show(help_dialogs.AboutDialog(self.window))

    def _show(self, dialog: _D) -> _D:
        dialog.finished.connect(lambda _result: dialog.deleteLater())
        self.current = dialog
        dialog.open()
        return dialog
