"""The main window's actions and its menu bar (File, Provider, View with the theme and language).

One place that says what the window offers and under which shortcut; the window connects the
actions to what they do. New window-wide commands are added here.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMenuBar, QWidget

from .i18n import LANGUAGES

THEMES = (
    ("system", QT_TRANSLATE_NOOP("WindowActions", "Follow the &system")),
    ("light", QT_TRANSLATE_NOOP("WindowActions", "&Light")),
    ("dark", QT_TRANSLATE_NOOP("WindowActions", "&Dark")),
)


class WindowActions:
    """The actions shared by the toolbar and the menus (each created once, parented to the
    window so their shortcuts work anywhere in it)."""

    def __init__(self, window: QWidget, theme_choice: str, language_choice: str = "system") -> None:
        self.credentials = QAction(
            QCoreApplication.translate("WindowActions", "Credentials…"), window
        )
        self.credentials.setToolTip(
            QCoreApplication.translate(
                "WindowActions", "API key, base URL, proxy or sign-in for this provider"
            )
        )
        self.panel = QAction(QCoreApplication.translate("WindowActions", "Parameters"), window)
        self.panel.setCheckable(True)
        self.panel.setToolTip(
            QCoreApplication.translate("WindowActions", "Show the system prompt and the parameters")
        )
        self.new_chat = QAction(QCoreApplication.translate("WindowActions", "New chat"), window)
        self.new_chat.setShortcut(QKeySequence.StandardKey.New)
        self.new_chat.setToolTip(
            QCoreApplication.translate("WindowActions", "Start a new conversation (Ctrl+N)")
        )
        self.history = QAction(QCoreApplication.translate("WindowActions", "History"), window)
        self.history.setCheckable(True)
        self.history.setShortcut(QKeySequence("Ctrl+H"))
        self.history.setToolTip(
            QCoreApplication.translate("WindowActions", "Show the saved conversations (Ctrl+H)")
        )
        self.compare = QAction(
            QCoreApplication.translate("WindowActions", "&Compare side by side…"), window
        )
        self.compare.setShortcut(QKeySequence("Ctrl+Shift+K"))
        self.compare.setToolTip(
            QCoreApplication.translate(
                "WindowActions", "Put one prompt to several providers and models at once"
            )
        )
        self.quit = QAction(QCoreApplication.translate("WindowActions", "&Quit"), window)
        self.quit.setShortcut(QKeySequence.StandardKey.Quit)
        self.themes: dict[str, QAction] = {}
        group = QActionGroup(window)
        for choice, text in THEMES:
            action = QAction(QCoreApplication.translate("WindowActions", text), window)
            action.setCheckable(True)
            action.setChecked(choice == theme_choice)
            group.addAction(action)
            self.themes[choice] = action
        # View → Language: each language's name in itself; "System" follows the locale.
        self.languages: dict[str, QAction] = {}
        languages = QActionGroup(window)
        for choice, name in (
            ("system", QCoreApplication.translate("WindowActions", "&System language")),
            *LANGUAGES,
        ):
            action = QAction(name, window)
            action.setCheckable(True)
            action.setChecked(choice == language_choice)
            languages.addAction(action)
            self.languages[choice] = action

    def fill_menus(self, menu: QMenuBar, reload_models: QAction) -> None:
        file_menu = menu.addMenu(QCoreApplication.translate("WindowActions", "&File"))
        file_menu.addAction(self.new_chat)
        file_menu.addSeparator()
        file_menu.addAction(self.quit)

        provider_menu = menu.addMenu(QCoreApplication.translate("WindowActions", "&Provider"))
        provider_menu.addAction(self.credentials)
        provider_menu.addAction(reload_models)

        view_menu = menu.addMenu(QCoreApplication.translate("WindowActions", "&View"))
        view_menu.addAction(self.history)
        view_menu.addAction(self.panel)
        view_menu.addAction(self.compare)
        view_menu.addSeparator()
        theme_menu = view_menu.addMenu(QCoreApplication.translate("WindowActions", "&Theme"))
        for action in self.themes.values():
            theme_menu.addAction(action)
        language_menu = view_menu.addMenu(QCoreApplication.translate("WindowActions", "&Language"))
        for action in self.languages.values():
            language_menu.addAction(action)
