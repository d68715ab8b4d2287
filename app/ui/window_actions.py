"""The main window's actions and its menu bar (File, Provider, View with the theme choice).

One place that says what the window offers and under which shortcut; the window connects the
actions to what they do. New window-wide commands are added here.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMenuBar, QWidget

THEMES = (("system", "Follow the &system"), ("light", "&Light"), ("dark", "&Dark"))


class WindowActions:
    """The actions shared by the toolbar and the menus (each created once, parented to the
    window so their shortcuts work anywhere in it)."""

    def __init__(self, window: QWidget, theme_choice: str) -> None:
        self.credentials = QAction("Credentials…", window)
        self.credentials.setToolTip("API key, base URL, proxy or sign-in for this provider")
        self.panel = QAction("Parameters", window)
        self.panel.setCheckable(True)
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
        tr = QCoreApplication.translate
        self.find = QAction(tr("WindowActions", "&Find in the conversation…"), window)
        self.find.setShortcut(QKeySequence.StandardKey.Find)
        self.copy_conversation = QAction(tr("WindowActions", "&Copy the conversation"), window)
        self.copy_conversation.setToolTip(tr("WindowActions", "Every message, as text"))
        self.quit = QAction("&Quit", window)
        self.quit.setShortcut(QKeySequence.StandardKey.Quit)
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

        edit_menu = menu.addMenu(QCoreApplication.translate("WindowActions", "&Edit"))
        edit_menu.addAction(self.find)
        edit_menu.addAction(self.copy_conversation)

        provider_menu = menu.addMenu("&Provider")
        provider_menu.addAction(self.credentials)
        provider_menu.addAction(reload_models)

        view_menu = menu.addMenu("&View")
        view_menu.addAction(self.history)
        view_menu.addAction(self.panel)
        view_menu.addAction(self.compare)
        view_menu.addSeparator()
        theme_menu = view_menu.addMenu("&Theme")
        for action in self.themes.values():
            theme_menu.addAction(action)
