"""The main window's actions and its menu bar (File, Edit, Provider, View with the theme choice,
Help).

One place that says what the window offers and under which shortcut; the window connects the
actions to what they do. New window-wide commands are added here.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMenuBar, QWidget

THEMES = (("system", "Follow the &system"), ("light", "&Light"), ("dark", "&Dark"))


def _tr(text: str) -> str:
    return QCoreApplication.translate("WindowActions", text)


class WindowActions:
    """The actions shared by the toolbar and the menus (each created once, parented to the
    window so their shortcuts work anywhere in it)."""

    def __init__(self, window: QWidget, theme_choice: str) -> None:
        self.credentials = QAction("Credentials…", window)
        self.credentials.setToolTip("API key, base URL, proxy or sign-in for this provider")
        self.panel = QAction("Parameters", window)
        self.panel.setCheckable(True)
        # A menu draws an action's icon where its check mark goes: without this, View shows
        # the sliders icon and never whether the panel is on.
        self.panel.setIconVisibleInMenu(False)
        self.panel.setToolTip("Show the system prompt and the parameters")
        self.new_chat = QAction("New chat", window)
        self.new_chat.setShortcut(QKeySequence.StandardKey.New)
        self.new_chat.setToolTip("Start a new conversation (Ctrl+N)")
        self.history = QAction("History", window)
        self.history.setCheckable(True)
        self.history.setShortcut(QKeySequence("Ctrl+H"))
        self.history.setToolTip("Show the saved conversations (Ctrl+H)")
        self.compare = QAction("&Compare side by side…", window)
        self.compare.setShortcut(QKeySequence("Ctrl+Shift+K"))
        self.compare.setToolTip("Put one prompt to several providers and models at once")
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
        self.find = QAction(_tr("&Find in the conversation…"), window)
        self.find.setShortcut(QKeySequence.StandardKey.Find)
        self.copy_conversation = QAction(_tr("&Copy the conversation"), window)
        self.copy_conversation.setToolTip(_tr("Every message, as text"))
        self.quit = QAction("&Quit", window)
        self.quit.setShortcut(QKeySequence.StandardKey.Quit)
        self.preferences = QAction(_tr("&Preferences…"), window)
        self.preferences.setShortcut(QKeySequence("Ctrl+,"))
        self.preferences.setMenuRole(QAction.MenuRole.PreferencesRole)
        self.shortcuts = QAction(_tr("&Keyboard shortcuts"), window)
        self.shortcuts.setShortcut(QKeySequence("Ctrl+/"))
        self.docs = QAction(_tr("&Documentation"), window)
        self.docs.setShortcut(QKeySequence(QKeySequence.StandardKey.HelpContents))
        self.about = QAction(_tr("&About Roundtable"), window)
        self.about.setMenuRole(QAction.MenuRole.AboutRole)
        self.themes: dict[str, QAction] = {}
        group = QActionGroup(window)
        for choice, text in THEMES:
            action = QAction(text, window)
            action.setCheckable(True)
            action.setChecked(choice == theme_choice)
            group.addAction(action)
            self.themes[choice] = action

    def fill_menus(self, menu: QMenuBar, reload_models: QAction) -> None:
        file_menu = menu.addMenu("&File")
        file_menu.addAction(self.new_chat)
        file_menu.addSeparator()
        file_menu.addAction(self.quit)

        edit_menu = menu.addMenu(_tr("&Edit"))
        edit_menu.addAction(self.find)
        edit_menu.addAction(self.copy_conversation)
        edit_menu.addSeparator()
        edit_menu.addAction(self.preferences)

        provider_menu = menu.addMenu("&Provider")
        provider_menu.addAction(self.credentials)
        provider_menu.addAction(reload_models)
        provider_menu.addAction(self.local_models)

        view_menu = menu.addMenu("&View")
        view_menu.addAction(self.history)
        view_menu.addAction(self.panel)
        view_menu.addAction(self.compare)
        view_menu.addAction(self.welcome)
        view_menu.addSeparator()
        theme_menu = view_menu.addMenu("&Theme")
        for action in self.themes.values():
            theme_menu.addAction(action)

        help_menu = menu.addMenu(_tr("&Help"))
        for action in (self.shortcuts, self.docs, self.about):
            help_menu.addAction(action)
