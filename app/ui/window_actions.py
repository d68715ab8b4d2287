"""The main window's actions and its menu bar (File, Edit, Provider, View with the theme and
language, Help).

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
        # A menu draws an action's icon where its check mark goes: without this, View shows
        # the sliders icon and never whether the panel is on.
        self.panel.setIconVisibleInMenu(False)
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
        self.welcome = QAction(
            QCoreApplication.translate("WindowActions", "&Welcome screen"), window
        )
        self.welcome.setToolTip(
            QCoreApplication.translate(
                "WindowActions", "Show the ways to start chatting: local models, servers, keys"
            )
        )
        self.local_models = QAction(
            QCoreApplication.translate("WindowActions", "&Local models…"), window
        )
        self.local_models.setToolTip(
            QCoreApplication.translate(
                "WindowActions",
                "Models that run on this computer: add, download, choose the default",
            )
        )
        self.find = QAction(
            QCoreApplication.translate("WindowActions", "&Find in the conversation…"), window
        )
        self.find.setShortcut(QKeySequence.StandardKey.Find)
        self.copy_conversation = QAction(
            QCoreApplication.translate("WindowActions", "&Copy the conversation"), window
        )
        self.copy_conversation.setToolTip(
            QCoreApplication.translate("WindowActions", "Every message, as text")
        )
        self.quit = QAction(QCoreApplication.translate("WindowActions", "&Quit"), window)
        self.quit.setShortcut(QKeySequence.StandardKey.Quit)
        self.preferences = QAction(
            QCoreApplication.translate("WindowActions", "&Preferences…"), window
        )
        self.preferences.setShortcut(QKeySequence("Ctrl+,"))
        self.preferences.setMenuRole(QAction.MenuRole.PreferencesRole)
        self.shortcuts = QAction(
            QCoreApplication.translate("WindowActions", "&Keyboard shortcuts"), window
        )
        self.shortcuts.setShortcut(QKeySequence("Ctrl+/"))
        self.docs = QAction(QCoreApplication.translate("WindowActions", "&Documentation"), window)
        self.docs.setShortcut(QKeySequence(QKeySequence.StandardKey.HelpContents))
        self.about = QAction(
            QCoreApplication.translate("WindowActions", "&About Roundtable"), window
        )
        self.about.setMenuRole(QAction.MenuRole.AboutRole)
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

        edit_menu = menu.addMenu(QCoreApplication.translate("WindowActions", "&Edit"))
        edit_menu.addAction(self.find)
        edit_menu.addAction(self.copy_conversation)
        edit_menu.addSeparator()
        edit_menu.addAction(self.preferences)

        provider_menu = menu.addMenu(QCoreApplication.translate("WindowActions", "&Provider"))
        provider_menu.addAction(self.credentials)
        provider_menu.addAction(reload_models)
        provider_menu.addAction(self.local_models)

        view_menu = menu.addMenu(QCoreApplication.translate("WindowActions", "&View"))
        view_menu.addAction(self.history)
        view_menu.addAction(self.panel)
        view_menu.addAction(self.compare)
        view_menu.addAction(self.welcome)
        view_menu.addSeparator()
        theme_menu = view_menu.addMenu(QCoreApplication.translate("WindowActions", "&Theme"))
        for action in self.themes.values():
            theme_menu.addAction(action)
        language_menu = view_menu.addMenu(QCoreApplication.translate("WindowActions", "&Language"))
        for action in self.languages.values():
            language_menu.addAction(action)

        help_menu = menu.addMenu(QCoreApplication.translate("WindowActions", "&Help"))
        for action in (self.shortcuts, self.docs, self.about):
            help_menu.addAction(action)
